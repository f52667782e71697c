#include "crypto/aes_vaes.h"

#include <cpuid.h>
#include <immintrin.h>

#include <cstring>

// GCC 12's avx512fintrin.h builds _mm512_broadcast_i32x4 and
// _mm512_alignr_epi64 on a self-initialised "undefined" vector, which
// -Wuninitialized reports at every use (a known false positive, fixed in
// later GCC). Silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

// The kernel works on raw pointers into spans whose sizes are checked on
// entry (a multiple of 16, `out` at least as large as `in`); the loops
// never go past in.size().

namespace kintsugi::crypto::internal {
namespace {

// FIPS-197 §5.1.1.
constexpr std::uint8_t kSbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b,
    0xfe, 0xd7, 0xab, 0x76, 0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0,
    0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0, 0xb7, 0xfd, 0x93, 0x26,
    0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2,
    0xeb, 0x27, 0xb2, 0x75, 0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0,
    0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84, 0x53, 0xd1, 0x00, 0xed,
    0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f,
    0x50, 0x3c, 0x9f, 0xa8, 0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5,
    0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2, 0xcd, 0x0c, 0x13, 0xec,
    0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14,
    0xde, 0x5e, 0x0b, 0xdb, 0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c,
    0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79, 0xe7, 0xc8, 0x37, 0x6d,
    0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f,
    0x4b, 0xbd, 0x8b, 0x8a, 0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e,
    0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e, 0xe1, 0xf8, 0x98, 0x11,
    0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f,
    0xb0, 0x54, 0xbb, 0x16};

using Word = std::array<std::uint8_t, 4>;

// FIPS-197 §5.2, KeyExpansion: the encryption round keys as words.
int ExpandEncryptionKey(std::span<const std::uint8_t> key,
                        std::array<Word, 60>& w) {
  const std::size_t nk = key.size() / 4;
  const int rounds = static_cast<int>(nk) + 6;
  const std::size_t total = 4 * static_cast<std::size_t>(rounds + 1);
  for (std::size_t i = 0; i < nk; ++i) {
    for (std::size_t b = 0; b < 4; ++b) w[i][b] = key[4 * i + b];
  }
  std::uint8_t rcon = 1;
  for (std::size_t i = nk; i < total; ++i) {
    Word temp = w[i - 1];
    if (i % nk == 0) {
      const Word rotated = {temp[1], temp[2], temp[3], temp[0]};
      for (std::size_t b = 0; b < 4; ++b) temp[b] = kSbox[rotated[b]];
      temp[0] ^= rcon;
      rcon =
          static_cast<std::uint8_t>((rcon << 1) ^ ((rcon & 0x80) ? 0x1b : 0));
    } else if (nk > 6 && i % nk == 4) {
      for (std::size_t b = 0; b < 4; ++b) temp[b] = kSbox[temp[b]];
    }
    for (std::size_t b = 0; b < 4; ++b) {
      w[i][b] = static_cast<std::uint8_t>(w[i - nk][b] ^ temp[b]);
    }
  }
  return rounds;
}

__attribute__((target("aes,sse2"))) void InverseMixColumns(
    std::array<std::uint8_t, 16>& round_key) {
  __m128i k =
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(round_key.data()));
  k = _mm_aesimc_si128(k);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(round_key.data()), k);
}

#define KINTSUGI_VAES_TARGET __attribute__((target("avx512f,vaes,aes")))

template <std::size_t kRounds>
KINTSUGI_VAES_TARGET inline __m512i DecryptFour(__m512i x, const __m512i* rk) {
  x = _mm512_xor_si512(x, rk[0]);
#pragma GCC unroll 14
  for (std::size_t r = 1; r < kRounds; ++r) x = _mm512_aesdec_epi128(x, rk[r]);
  return _mm512_aesdeclast_epi128(x, rk[kRounds]);
}

// Eight registers (32 blocks, 512 bytes) in flight per loop: enough
// independent AES instructions to cover their latency.
template <std::size_t kRounds>
KINTSUGI_VAES_TARGET void CbcDecryptRounds(const AesDecryptionKeys& keys,
                                           std::array<std::uint8_t, 16>& iv,
                                           const std::uint8_t* src,
                                           std::uint8_t* dst,
                                           std::size_t blocks) {
  __m512i rk[kRounds + 1];
  for (std::size_t r = 0; r <= kRounds; ++r) {
    rk[r] =
        _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(
            keys.round[static_cast<std::size_t>(r)].data())));
  }
  // Lane 3 of `carry` is always the ciphertext block before the next one.
  __m512i carry = _mm512_broadcast_i32x4(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(iv.data())));
  std::size_t i = 0;
  for (; blocks - i >= 32; i += 32) {
    const std::uint8_t* s = src + 16 * i;
    std::uint8_t* d = dst + 16 * i;
    __m512i c[8];
    __m512i x[8];
    for (int j = 0; j < 8; ++j) {
      c[j] = _mm512_loadu_si512(s + 64 * j);
      x[j] = _mm512_xor_si512(c[j], rk[0]);
    }
#pragma GCC unroll 14
    for (std::size_t r = 1; r < kRounds; ++r) {
      for (int j = 0; j < 8; ++j) x[j] = _mm512_aesdec_epi128(x[j], rk[r]);
    }
    for (int j = 0; j < 8; ++j) {
      x[j] = _mm512_aesdeclast_epi128(x[j], rk[kRounds]);
    }
    // The previous block of each lane: [carry.3, c.0, c.1, c.2].
    x[0] = _mm512_xor_si512(x[0], _mm512_alignr_epi64(c[0], carry, 6));
    for (int j = 1; j < 8; ++j) {
      x[j] = _mm512_xor_si512(x[j], _mm512_alignr_epi64(c[j], c[j - 1], 6));
    }
    for (int j = 0; j < 8; ++j) _mm512_storeu_si512(d + 64 * j, x[j]);
    carry = c[7];
  }
  for (; blocks - i >= 4; i += 4) {
    const __m512i c = _mm512_loadu_si512(src + 16 * i);
    const __m512i x = DecryptFour<kRounds>(c, rk);
    _mm512_storeu_si512(dst + 16 * i,
                        _mm512_xor_si512(x, _mm512_alignr_epi64(c, carry, 6)));
    carry = c;
  }
  alignas(64) std::uint8_t last[64];
  if (i < blocks) {
    // One to three blocks: masked loads and stores touch nothing beyond.
    const unsigned left = static_cast<unsigned>(blocks - i);
    const __mmask8 mask = static_cast<__mmask8>((1u << (2 * left)) - 1);
    const __m512i c = _mm512_maskz_loadu_epi64(mask, src + 16 * i);
    const __m512i x = DecryptFour<kRounds>(c, rk);
    _mm512_mask_storeu_epi64(
        dst + 16 * i, mask,
        _mm512_xor_si512(x, _mm512_alignr_epi64(c, carry, 6)));
    _mm512_store_si512(last, c);
    std::memcpy(iv.data(), last + 16 * (left - 1), 16);
    return;
  }
  _mm512_store_si512(last, carry);
  std::memcpy(iv.data(), last + 48, 16);
}

}  // namespace

bool VaesAvailable() {
  // CPUID directly: clang 14's __builtin_cpu_supports has no "vaes".
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool aes = (ecx & bit_AES) != 0;
  const bool osxsave = (ecx & bit_OSXSAVE) != 0;
  if (!aes || !osxsave) return false;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool avx512f = (ebx & bit_AVX512F) != 0;
  const bool vaes = (ecx & bit_VAES) != 0;
  if (!avx512f || !vaes) return false;
  // The OS must save the SSE, AVX, opmask and both ZMM halves (XCR0 bits
  // 1, 2, 5, 6, 7).
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  (void)xcr0_high;
  return (xcr0_low & 0xE6u) == 0xE6u;
}

bool ExpandDecryptionKeys(std::span<const std::uint8_t> key,
                          AesDecryptionKeys& keys) {
  if (key.size() != 16 && key.size() != 24 && key.size() != 32) return false;
  std::array<Word, 60> w{};
  const int rounds = ExpandEncryptionKey(key, w);
  keys.rounds = rounds;
  // Intel's AESDEC runs the equivalent inverse cipher: round keys in reverse
  // order, InvMixColumns applied to all but the first and last.
  for (int r = 0; r <= rounds; ++r) {
    const std::size_t from = 4 * static_cast<std::size_t>(rounds - r);
    auto& out = keys.round[static_cast<std::size_t>(r)];
    for (std::size_t c = 0; c < 4; ++c) {
      for (std::size_t b = 0; b < 4; ++b) out[4 * c + b] = w[from + c][b];
    }
    if (r != 0 && r != rounds) InverseMixColumns(out);
  }
  return true;
}

void CbcDecryptVaes(const AesDecryptionKeys& keys,
                    std::array<std::uint8_t, 16>& iv,
                    std::span<const std::uint8_t> in,
                    std::span<std::uint8_t> out) {
  if (in.size() % 16 != 0 || out.size() < in.size() || in.empty()) return;
  const std::size_t blocks = in.size() / 16;
  switch (keys.rounds) {
    case 10:
      CbcDecryptRounds<10>(keys, iv, in.data(), out.data(), blocks);
      break;
    case 12:
      CbcDecryptRounds<12>(keys, iv, in.data(), out.data(), blocks);
      break;
    case 14:
      CbcDecryptRounds<14>(keys, iv, in.data(), out.data(), blocks);
      break;
    default:
      break;
  }
}

}  // namespace kintsugi::crypto::internal
