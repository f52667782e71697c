// PBKDF2-HMAC-SHA1 with precomputed HMAC states and a run-time choice of
// SHA-1 compression (include: pbkdf2_sha1.h).
//
// Each PBKDF2 iteration hashes U (20 bytes) under the HMAC key: the inner
// hash continues the precomputed ipad state over one block holding U, the
// padding byte and the bit length (64 + 20) * 8 = 672; the outer hash does
// the same from the opad state. Both blocks have a fixed layout, so they are
// built from words directly, with no byte copies.
//
// The SHA-NI compression follows Intel's published sequence (the "Intel
// SHA Extensions" white paper, 2013; the public-domain sha1-x86.c of
// Jeffrey Walton's SHA-Intrinsics follows it too): the state lives in two
// registers, ABCD as lanes (D, C, B, A) and E in lane 3, which is also the
// lane layout of message words W0..W3: a digest feeds the next block
// without a shuffle.

#include "crypto/pbkdf2_sha1.h"

#include <cpuid.h>
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace kintsugi::crypto {
namespace {

using Words5 = std::array<std::uint32_t, 5>;
using Block = std::array<std::uint32_t, 16>;

constexpr Words5 kSha1Iv = {0x67452301U, 0xefcdab89U, 0x98badcfeU, 0x10325476U,
                            0xc3d2e1f0U};
// The bit length of an HMAC-SHA1 inner or outer block that carries a
// 20-byte digest after the 64-byte key block.
constexpr std::uint32_t kDigestBlockBits = (64 + 20) * 8;

std::uint32_t LoadBe32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
         (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

void StoreBe32(std::uint32_t v, std::uint8_t* p) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// FIPS 180-4 §6.1.2 with a 16-word rolling schedule, written once over the
// word type: std::uint32_t here (the portable engine and the HMAC set-up),
// a vector of lanes for the lane engines below.
template <typename V>
inline __attribute__((always_inline)) void CompressLanes(V* h, V* w) {
// A macro, not a lambda: a function returning V would be an ABI question.
#define KINTSUGI_ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
  V a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
#pragma GCC unroll 80
  for (int t = 0; t < 80; ++t) {
    V wt;
    if (t < 16) {
      wt = w[t];
    } else {
      wt = w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15];
      wt = KINTSUGI_ROTL(wt, 1);
      w[t & 15] = wt;
    }
    V f;
    std::uint32_t k;
    if (t < 20) {
      f = d ^ (b & (c ^ d));
      k = 0x5a827999U;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1U;
    } else if (t < 60) {
      f = (b & c) | (d & (b | c));
      k = 0x8f1bbcdcU;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6U;
    }
    const V temp = KINTSUGI_ROTL(a, 5) + f + e + k + wt;
    e = d;
    d = c;
    c = KINTSUGI_ROTL(b, 30);
    b = a;
    a = temp;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
#undef KINTSUGI_ROTL
}

void CompressPortable(Words5& h, const Block& block) {
  std::uint32_t w[16];
  std::copy(block.begin(), block.end(), w);
  CompressLanes<std::uint32_t>(h.data(), w);
}

Block BlockFromBytes(const std::uint8_t* bytes) {
  Block block;
  for (std::size_t i = 0; i < 16; ++i) block[i] = LoadBe32(bytes + 4 * i);
  return block;
}

// SHA-1 of `data` continuing from `state`, which has already hashed
// `prefix_bytes` (a multiple of 64) bytes.
Words5 Sha1Continue(Words5 state, std::uint64_t prefix_bytes, ByteView data) {
  std::size_t at = 0;
  while (data.size() - at >= 64) {
    CompressPortable(state, BlockFromBytes(data.data() + at));
    at += 64;
  }
  std::uint8_t tail[128] = {};
  const std::size_t rest = data.size() - at;
  if (rest > 0) std::memcpy(tail, data.data() + at, rest);
  tail[rest] = 0x80;
  const std::size_t tail_size = rest + 1 + 8 <= 64 ? 64 : 128;
  const std::uint64_t bits = (prefix_bytes + data.size()) * 8;
  for (std::size_t i = 0; i < 8; ++i) {
    tail[tail_size - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  }
  for (std::size_t off = 0; off < tail_size; off += 64) {
    CompressPortable(state, BlockFromBytes(tail + off));
  }
  return state;
}

// The block that hashes a 20-byte digest after a 64-byte key block.
Block DigestBlock(const Words5& digest) {
  Block block{};
  std::copy(digest.begin(), digest.end(), block.begin());
  block[5] = 0x80000000U;
  block[15] = kDigestBlockBits;
  return block;
}

// One PBKDF2 output block's computation for one password.
struct Chain {
  Words5 inner;  // The state after the ipad block.
  Words5 outer;  // The state after the opad block.
  Words5 u;      // The last U.
  Words5 t;      // U1 ^ U2 ^ ...
};

void IteratePortable(std::span<Chain> chains, std::uint32_t rounds) {
  for (Chain& chain : chains) {
    for (std::uint32_t r = 0; r < rounds; ++r) {
      Words5 inner = chain.inner;
      CompressPortable(inner, DigestBlock(chain.u));
      Words5 outer = chain.outer;
      CompressPortable(outer, DigestBlock(inner));
      chain.u = outer;
      for (std::size_t i = 0; i < 5; ++i) chain.t[i] ^= outer[i];
    }
  }
}

#define KINTSUGI_SHA_NI __attribute__((target("sha,sse4.1,ssse3")))

// One compression: (abcd, e) is the state and receives the result;
// m0..m3 are message words W0..W15 in the lane layout described above.
KINTSUGI_SHA_NI inline __attribute__((always_inline)) void CompressShaNi(
    __m128i& abcd, __m128i& e, __m128i m0, __m128i m1, __m128i m2, __m128i m3) {
  const __m128i abcd_save = abcd;
  const __m128i e_save = e;
  __m128i e0 = e;
  __m128i e1;
  // Rounds 0-3.
  e0 = _mm_add_epi32(e0, m0);
  e1 = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
  // Rounds 4-7.
  e1 = _mm_sha1nexte_epu32(e1, m1);
  e0 = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, e1, 0);
  m0 = _mm_sha1msg1_epu32(m0, m1);
  // Rounds 8-11.
  e0 = _mm_sha1nexte_epu32(e0, m2);
  e1 = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
  m1 = _mm_sha1msg1_epu32(m1, m2);
  m0 = _mm_xor_si128(m0, m2);
  // Rounds 12-15.
  e1 = _mm_sha1nexte_epu32(e1, m3);
  e0 = abcd;
  m0 = _mm_sha1msg2_epu32(m0, m3);
  abcd = _mm_sha1rnds4_epu32(abcd, e1, 0);
  m2 = _mm_sha1msg1_epu32(m2, m3);
  m1 = _mm_xor_si128(m1, m3);
  // Rounds 16-79: four words at a time, the schedule rotating through
  // m0..m3 (round group g uses the words of group g).
#define KINTSUGI_SHA1_GROUP(E_IN, E_OUT, MA, MB, MC, MD, FUNC) \
  E_IN = _mm_sha1nexte_epu32(E_IN, MA);                        \
  E_OUT = abcd;                                                \
  MB = _mm_sha1msg2_epu32(MB, MA);                             \
  abcd = _mm_sha1rnds4_epu32(abcd, E_IN, FUNC);                \
  MD = _mm_sha1msg1_epu32(MD, MA);                             \
  MC = _mm_xor_si128(MC, MA);
  KINTSUGI_SHA1_GROUP(e0, e1, m0, m1, m2, m3, 0)  // 16-19
  KINTSUGI_SHA1_GROUP(e1, e0, m1, m2, m3, m0, 1)  // 20-23
  KINTSUGI_SHA1_GROUP(e0, e1, m2, m3, m0, m1, 1)  // 24-27
  KINTSUGI_SHA1_GROUP(e1, e0, m3, m0, m1, m2, 1)  // 28-31
  KINTSUGI_SHA1_GROUP(e0, e1, m0, m1, m2, m3, 1)  // 32-35
  KINTSUGI_SHA1_GROUP(e1, e0, m1, m2, m3, m0, 1)  // 36-39
  KINTSUGI_SHA1_GROUP(e0, e1, m2, m3, m0, m1, 2)  // 40-43
  KINTSUGI_SHA1_GROUP(e1, e0, m3, m0, m1, m2, 2)  // 44-47
  KINTSUGI_SHA1_GROUP(e0, e1, m0, m1, m2, m3, 2)  // 48-51
  KINTSUGI_SHA1_GROUP(e1, e0, m1, m2, m3, m0, 2)  // 52-55
  KINTSUGI_SHA1_GROUP(e0, e1, m2, m3, m0, m1, 2)  // 56-59
  KINTSUGI_SHA1_GROUP(e1, e0, m3, m0, m1, m2, 3)  // 60-63
  KINTSUGI_SHA1_GROUP(e0, e1, m0, m1, m2, m3, 3)  // 64-67
#undef KINTSUGI_SHA1_GROUP
  // Rounds 68-71.
  e1 = _mm_sha1nexte_epu32(e1, m1);
  e0 = abcd;
  m2 = _mm_sha1msg2_epu32(m2, m1);
  abcd = _mm_sha1rnds4_epu32(abcd, e1, 3);
  m3 = _mm_xor_si128(m3, m1);
  // Rounds 72-75.
  e0 = _mm_sha1nexte_epu32(e0, m2);
  e1 = abcd;
  m3 = _mm_sha1msg2_epu32(m3, m2);
  abcd = _mm_sha1rnds4_epu32(abcd, e0, 3);
  // Rounds 76-79.
  e1 = _mm_sha1nexte_epu32(e1, m3);
  e0 = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, e1, 3);
  // Add the saved state.
  e = _mm_sha1nexte_epu32(e0, e_save);
  abcd = _mm_add_epi32(abcd, abcd_save);
}

KINTSUGI_SHA_NI __m128i AbcdOf(const Words5& h) {
  return _mm_set_epi32(static_cast<int>(h[0]), static_cast<int>(h[1]),
                       static_cast<int>(h[2]), static_cast<int>(h[3]));
}

KINTSUGI_SHA_NI __m128i EOf(const Words5& h) {
  return _mm_set_epi32(static_cast<int>(h[4]), 0, 0, 0);
}

KINTSUGI_SHA_NI Words5 WordsOf(__m128i abcd, __m128i e) {
  return {static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 3)),
          static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 2)),
          static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 1)),
          static_cast<std::uint32_t>(_mm_extract_epi32(abcd, 0)),
          static_cast<std::uint32_t>(_mm_extract_epi32(e, 3))};
}

// Up to kLanes chains at once: their compressions are independent, so the
// core overlaps them.
constexpr std::size_t kLanes = 4;

KINTSUGI_SHA_NI void IterateShaNi(std::span<Chain> chains,
                                  std::uint32_t rounds) {
  // The padding of a digest block: W5 = 0x80000000 (lane 2 of m1), and
  // W15 = the bit length (lane 0 of m3).
  const __m128i pad1 = _mm_set_epi32(0, static_cast<int>(0x80000000U), 0, 0);
  const __m128i zero = _mm_setzero_si128();
  const __m128i pad3 =
      _mm_set_epi32(0, 0, 0, static_cast<int>(kDigestBlockBits));
  for (std::size_t first = 0; first < chains.size(); first += kLanes) {
    const std::size_t lanes = std::min(kLanes, chains.size() - first);
    __m128i in_abcd[kLanes], in_e[kLanes], out_abcd[kLanes], out_e[kLanes];
    __m128i u_abcd[kLanes], u_e[kLanes], t_abcd[kLanes], t_e[kLanes];
    for (std::size_t l = 0; l < lanes; ++l) {
      const Chain& c = chains[first + l];
      in_abcd[l] = AbcdOf(c.inner);
      in_e[l] = EOf(c.inner);
      out_abcd[l] = AbcdOf(c.outer);
      out_e[l] = EOf(c.outer);
      u_abcd[l] = AbcdOf(c.u);
      u_e[l] = EOf(c.u);
      t_abcd[l] = AbcdOf(c.t);
      t_e[l] = EOf(c.t);
    }
    for (std::uint32_t r = 0; r < rounds; ++r) {
      for (std::size_t l = 0; l < lanes; ++l) {
        __m128i abcd = in_abcd[l];
        __m128i e = in_e[l];
        CompressShaNi(abcd, e, u_abcd[l], _mm_or_si128(u_e[l], pad1), zero,
                      pad3);
        __m128i abcd2 = out_abcd[l];
        __m128i e2 = out_e[l];
        CompressShaNi(abcd2, e2, abcd, _mm_or_si128(e, pad1), zero, pad3);
        u_abcd[l] = abcd2;
        u_e[l] = e2;
        t_abcd[l] = _mm_xor_si128(t_abcd[l], abcd2);
        t_e[l] = _mm_xor_si128(t_e[l], e2);
      }
    }
    for (std::size_t l = 0; l < lanes; ++l) {
      chains[first + l].u = WordsOf(u_abcd[l], u_e[l]);
      chains[first + l].t = WordsOf(t_abcd[l], t_e[l]);
    }
  }
}

// Many chains in the lanes of one vector register per word: 16 with
// AVX-512, 8 with AVX2. Written once over the vector type (GCC vector
// extensions: the compiler folds the digest block's constant words and
// picks vprold/vpternlogd where the ISA has them), and compiled for each
// ISA by the wrappers below, which the template is always inlined into.
// Vectors are passed by pointer only (no ABI question for the template).
template <typename V>
inline __attribute__((always_inline)) void IterateLanes(std::span<Chain> chains,
                                                        std::uint32_t rounds) {
  constexpr std::size_t kWidth = sizeof(V) / sizeof(std::uint32_t);
  for (std::size_t first = 0; first < chains.size(); first += kWidth) {
    const std::size_t lanes = std::min(kWidth, chains.size() - first);
    V inner[5], outer[5], u[5], t[5];
    for (std::size_t i = 0; i < 5; ++i) {
      inner[i] = V{};
      outer[i] = V{};
      u[i] = V{};
      t[i] = V{};
      for (std::size_t l = 0; l < lanes; ++l) {
        const Chain& chain = chains[first + l];
        inner[i][l] = chain.inner[i];
        outer[i][l] = chain.outer[i];
        u[i][l] = chain.u[i];
        t[i][l] = chain.t[i];
      }
    }
    const V zero = V{};
    const V pad = zero + 0x80000000U;
    const V bits = zero + kDigestBlockBits;
    for (std::uint32_t r = 0; r < rounds; ++r) {
      V w[16] = {u[0], u[1], u[2], u[3], u[4], pad,  zero, zero,
                 zero, zero, zero, zero, zero, zero, zero, bits};
      V h[5] = {inner[0], inner[1], inner[2], inner[3], inner[4]};
      CompressLanes(h, w);
      V w2[16] = {h[0], h[1], h[2], h[3], h[4], pad,  zero, zero,
                  zero, zero, zero, zero, zero, zero, zero, bits};
      V h2[5] = {outer[0], outer[1], outer[2], outer[3], outer[4]};
      CompressLanes(h2, w2);
      for (std::size_t i = 0; i < 5; ++i) {
        u[i] = h2[i];
        t[i] ^= h2[i];
      }
    }
    for (std::size_t l = 0; l < lanes; ++l) {
      for (std::size_t i = 0; i < 5; ++i) {
        chains[first + l].u[i] = u[i][l];
        chains[first + l].t[i] = t[i][l];
      }
    }
  }
}

using V16 = std::uint32_t __attribute__((vector_size(64)));
using V8 = std::uint32_t __attribute__((vector_size(32)));

__attribute__((target("avx512f"))) void IterateAvx512(std::span<Chain> chains,
                                                      std::uint32_t rounds) {
  IterateLanes<V16>(chains, rounds);
}

__attribute__((target("avx2"))) void IterateAvx2(std::span<Chain> chains,
                                                 std::uint32_t rounds) {
  IterateLanes<V8>(chains, rounds);
}

bool CpuHasAvx512() { return __builtin_cpu_supports("avx512f") != 0; }
bool CpuHasAvx2() { return __builtin_cpu_supports("avx2") != 0; }

bool CpuHasShaNi() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool sha = (ebx & (1U << 29)) != 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool sse41 = (ecx & (1U << 19)) != 0;
  const bool ssse3 = (ecx & (1U << 9)) != 0;
  return sha && sse41 && ssse3;
}

// The HMAC states of one password.
struct HmacStates {
  Words5 inner;
  Words5 outer;
};

HmacStates PrepareHmac(ByteView password) {
  std::uint8_t key[64] = {};
  if (password.size() > 64) {
    const Words5 digest = Sha1Continue(kSha1Iv, 0, password);
    for (std::size_t i = 0; i < 5; ++i) StoreBe32(digest[i], key + 4 * i);
  } else if (!password.empty()) {
    std::memcpy(key, password.data(), password.size());
  }
  std::uint8_t pad[64];
  HmacStates states{kSha1Iv, kSha1Iv};
  for (std::size_t i = 0; i < 64; ++i) {
    pad[i] = static_cast<std::uint8_t>(key[i] ^ 0x36);
  }
  CompressPortable(states.inner, BlockFromBytes(pad));
  for (std::size_t i = 0; i < 64; ++i) {
    pad[i] = static_cast<std::uint8_t>(key[i] ^ 0x5c);
  }
  CompressPortable(states.outer, BlockFromBytes(pad));
  std::memset(key, 0, sizeof key);
  std::memset(pad, 0, sizeof pad);
  return states;
}

}  // namespace

bool Sha1EngineAvailable(Sha1Engine engine) {
  switch (engine) {
    case Sha1Engine::kPortable:
      return true;
    case Sha1Engine::kShaNi: {
      static const bool has = CpuHasShaNi();
      return has;
    }
    case Sha1Engine::kAvx512: {
      static const bool has = CpuHasAvx512();
      return has;
    }
    case Sha1Engine::kAvx2: {
      static const bool has = CpuHasAvx2();
      return has;
    }
  }
  return false;
}

Sha1Engine BestSha1Engine() {
  for (Sha1Engine engine :
       {Sha1Engine::kAvx512, Sha1Engine::kAvx2, Sha1Engine::kShaNi}) {
    if (Sha1EngineAvailable(engine)) return engine;
  }
  return Sha1Engine::kPortable;
}

std::string_view Sha1EngineName(Sha1Engine engine) {
  switch (engine) {
    case Sha1Engine::kPortable:
      return "portable";
    case Sha1Engine::kShaNi:
      return "sha-ni";
    case Sha1Engine::kAvx512:
      return "avx512";
    case Sha1Engine::kAvx2:
      return "avx2";
  }
  return "";
}

void Pbkdf2HmacSha1Batch(Sha1Engine engine, std::span<const ByteView> passwords,
                         ByteView salt, std::uint32_t iterations,
                         std::size_t out_len, std::span<std::uint8_t> out) {
  if (out.size() != passwords.size() * out_len || out_len == 0 ||
      iterations == 0) {
    std::fill(out.begin(), out.end(), std::uint8_t{0});
    return;
  }
  if (!Sha1EngineAvailable(engine)) engine = Sha1Engine::kPortable;
  std::vector<HmacStates> states;
  states.reserve(passwords.size());
  for (ByteView password : passwords) states.push_back(PrepareHmac(password));
  // salt || INT(block), the first U's message.
  std::vector<std::uint8_t> message(salt.begin(), salt.end());
  message.resize(salt.size() + 4);
  std::vector<Chain> chains(passwords.size());
  const std::size_t blocks =
      (out_len + kSha1DigestBytes - 1) / kSha1DigestBytes;
  for (std::size_t block = 1; block <= blocks; ++block) {
    StoreBe32(static_cast<std::uint32_t>(block), message.data() + salt.size());
    for (std::size_t i = 0; i < passwords.size(); ++i) {
      Chain& chain = chains[i];
      chain.inner = states[i].inner;
      chain.outer = states[i].outer;
      const Words5 inner = Sha1Continue(chain.inner, 64, message);
      Words5 u = chain.outer;
      CompressPortable(u, DigestBlock(inner));
      chain.u = u;
      chain.t = u;
    }
    switch (engine) {
      case Sha1Engine::kShaNi:
        IterateShaNi(chains, iterations - 1);
        break;
      case Sha1Engine::kAvx512:
        IterateAvx512(chains, iterations - 1);
        break;
      case Sha1Engine::kAvx2:
        IterateAvx2(chains, iterations - 1);
        break;
      case Sha1Engine::kPortable:
        IteratePortable(chains, iterations - 1);
        break;
    }
    const std::size_t at = (block - 1) * kSha1DigestBytes;
    const std::size_t take = std::min(kSha1DigestBytes, out_len - at);
    for (std::size_t i = 0; i < passwords.size(); ++i) {
      std::uint8_t digest[kSha1DigestBytes];
      for (std::size_t w = 0; w < 5; ++w) {
        StoreBe32(chains[i].t[w], digest + 4 * w);
      }
      std::memcpy(out.data() + i * out_len + at, digest, take);
    }
  }
  for (Chain& chain : chains) chain = Chain{};
  for (HmacStates& s : states) s = HmacStates{};
}

void Pbkdf2HmacSha1(ByteView password, ByteView salt, std::uint32_t iterations,
                    std::span<std::uint8_t> out) {
  const ByteView one[] = {password};
  Pbkdf2HmacSha1Batch(BestSha1Engine(), one, salt, iterations, out.size(), out);
}

}  // namespace kintsugi::crypto
