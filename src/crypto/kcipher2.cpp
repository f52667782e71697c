#include "crypto/kcipher2.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace kintsugi::crypto {
namespace {

// GF(2^8) product modulo the polynomial `poly` (with its x^8 bit).
constexpr std::uint8_t GfMul(std::uint8_t a, std::uint8_t b,
                             std::uint32_t poly) {
  std::uint32_t x = a;
  std::uint32_t r = 0;
  while (b != 0) {
    if ((b & 1) != 0) r ^= x;
    b = static_cast<std::uint8_t>(b >> 1);
    x <<= 1;
    if ((x & 0x100) != 0) x ^= poly;
  }
  return static_cast<std::uint8_t>(r);
}

// The AES S-box (FIPS-197 §5.1.1): inverse in GF(2^8) mod 0x11b, then the
// affine map.
constexpr std::array<std::uint8_t, 256> MakeSbox() {
  std::array<std::uint8_t, 256> s{};
  for (std::uint32_t x = 0; x < 256; ++x) {
    std::uint8_t inv = 0;
    for (std::uint32_t y = 1; x != 0 && y < 256; ++y) {
      if (GfMul(static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(y),
                0x11b) == 1) {
        inv = static_cast<std::uint8_t>(y);
        break;
      }
    }
    std::uint32_t r = inv;
    for (int i = 1; i <= 4; ++i) {
      r ^= ((static_cast<std::uint32_t>(inv) << i) |
            (static_cast<std::uint32_t>(inv) >> (8 - i))) &
           0xff;
    }
    s[x] = static_cast<std::uint8_t>(r ^ 0x63);
  }
  return s;
}

// Sub_K2 (RFC 7008 §2.4.2): the S-box on each byte, then the AES
// MixColumn on the word, byte 0 being the least significant. As four
// tables indexed by byte, the way AES T-tables are built. (The RFC's
// helpers XOR their GF products with 0xFF twice; the XORs cancel, §4.7.)
struct SubTables {
  std::array<std::array<std::uint32_t, 256>, 4> t{};
};

constexpr SubTables MakeSubTables() {
  constexpr auto kSbox = MakeSbox();
  SubTables tables;
  for (std::uint32_t x = 0; x < 256; ++x) {
    const std::uint32_t s = kSbox[x];
    const std::uint32_t s2 = GfMul(kSbox[x], 2, 0x11b);
    const std::uint32_t s3 = GfMul(kSbox[x], 3, 0x11b);
    // q0 = 2t0 ^ 3t1 ^ t2 ^ t3, q1 = t0 ^ 2t1 ^ 3t2 ^ t3,
    // q2 = t0 ^ t1 ^ 2t2 ^ 3t3, q3 = 3t0 ^ t1 ^ t2 ^ 2t3.
    tables.t[0][x] = (s3 << 24) | (s << 16) | (s << 8) | s2;
    tables.t[1][x] = (s << 24) | (s << 16) | (s2 << 8) | s3;
    tables.t[2][x] = (s << 24) | (s2 << 16) | (s3 << 8) | s;
    tables.t[3][x] = (s2 << 24) | (s3 << 16) | (s << 8) | s;
  }
  return tables;
}

constexpr SubTables kSub = MakeSubTables();

inline std::uint32_t SubK2(std::uint32_t w) {
  return kSub.t[0][w & 0xff] ^ kSub.t[1][(w >> 8) & 0xff] ^
         kSub.t[2][(w >> 16) & 0xff] ^ kSub.t[3][w >> 24];
}

// Multiplication by alpha_i in GF(2^32) (RFC 7008 §2.2, the amul tables):
// x * alpha = (x << 8) ^ amul[x >> 24], where amul[b] is b times the
// coefficients of alpha's minimal polynomial over GF(2^8) with the field
// polynomial `poly`. The coefficients are beta^24, beta^3, beta^12,
// beta^71 (alpha0, x^8+x^7+x^6+x+1), gamma^230, gamma^156, gamma^93,
// gamma^29 (alpha1, x^8+x^5+x^3+x^2+1), delta^34, delta^16, delta^199,
// delta^248 (alpha2, x^8+x^6+x^3+x^2+1) and zeta^157, zeta^253, zeta^56,
// zeta^16 (alpha3, x^8+x^6+x^5+x^2+1), written below as the four bytes
// they evaluate to; the RFC vectors test them all.
constexpr std::array<std::uint32_t, 256> MakeAmul(std::uint32_t coefficients,
                                                  std::uint32_t poly) {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t x = 0; x < 256; ++x) {
    std::uint32_t v = 0;
    for (int byte = 0; byte < 4; ++byte) {
      const auto c = static_cast<std::uint8_t>(coefficients >> (8 * byte));
      v |= static_cast<std::uint32_t>(
               GfMul(static_cast<std::uint8_t>(x), c, poly))
           << (8 * byte);
    }
    table[x] = v;
  }
  return table;
}

constexpr auto kAmul0 = MakeAmul(0xb6086d1a, 0x1c3);
constexpr auto kAmul1 = MakeAmul(0xa0f5fc2e, 0x12d);
constexpr auto kAmul2 = MakeAmul(0x5bf87f93, 0x14d);
constexpr auto kAmul3 = MakeAmul(0x4559568b, 0x165);

inline std::uint32_t Mul(const std::array<std::uint32_t, 256>& amul,
                         std::uint32_t x) {
  return (x << 8) ^ amul[x >> 24];
}

inline std::uint32_t LoadBe(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24) |
         (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | p[3];
}

inline void StoreBe(std::uint32_t v, std::uint8_t* p) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// The cipher state (RFC 7008 §2.1): FSR-A, FSR-B and the NLF registers.
struct State {
  std::uint32_t a[5];
  std::uint32_t b[11];
  std::uint32_t l1, r1, l2, r2;
};

inline std::uint32_t Zh(const State& s) {
  return (s.b[10] + s.l2) ^ s.l1 ^ s.a[0];
}
inline std::uint32_t Zl(const State& s) {
  return (s.b[0] + s.r2) ^ s.r1 ^ s.a[4];
}

// One clock (RFC 7008 §2.3 "next"). In initialisation mode the NLF
// outputs are fed back: ZL into FSR-A and ZH into FSR-B. FSR-B's feedback
// is dynamic: bit 30 of A2 picks alpha1 (set) or alpha2 (clear) for B0,
// bit 31 picks alpha3 times B8 (set) or B8 itself (clear).
template <bool kInit>
inline void Clock(State& s) {
  const std::uint32_t l1 = SubK2(s.r2 + s.b[4]);
  const std::uint32_t r1 = SubK2(s.l2 + s.b[9]);
  const std::uint32_t l2 = SubK2(s.l1);
  const std::uint32_t r2 = SubK2(s.r1);
  std::uint32_t a4 = Mul(kAmul0, s.a[0]) ^ s.a[3];
  const std::uint32_t t1 =
      ((s.a[2] >> 30) & 1) != 0 ? Mul(kAmul1, s.b[0]) : Mul(kAmul2, s.b[0]);
  const std::uint32_t t2 =
      ((s.a[2] >> 31) & 1) != 0 ? Mul(kAmul3, s.b[8]) : s.b[8];
  std::uint32_t b10 = t1 ^ s.b[1] ^ s.b[6] ^ t2;
  if constexpr (kInit) {
    a4 ^= Zl(s);
    b10 ^= Zh(s);
  }
  s.a[0] = s.a[1];
  s.a[1] = s.a[2];
  s.a[2] = s.a[3];
  s.a[3] = s.a[4];
  s.a[4] = a4;
  for (int i = 0; i < 10; ++i) s.b[i] = s.b[i + 1];
  s.b[10] = b10;
  s.l1 = l1;
  s.r1 = r1;
  s.l2 = l2;
  s.r2 = r2;
}

// Loads the state (RFC 7008 §2.3 "init") and runs the 24 clocks.
inline void Load(State& s, const KCipher2Key& key, const std::uint8_t* iv) {
  const auto& ik = key.ik;
  s.a[0] = ik[4];
  s.a[1] = ik[3];
  s.a[2] = ik[2];
  s.a[3] = ik[1];
  s.a[4] = ik[0];
  s.b[0] = ik[10];
  s.b[1] = ik[11];
  s.b[2] = LoadBe(iv);
  s.b[3] = LoadBe(iv + 4);
  s.b[4] = ik[8];
  s.b[5] = ik[9];
  s.b[6] = LoadBe(iv + 8);
  s.b[7] = LoadBe(iv + 12);
  s.b[8] = ik[7];
  s.b[9] = ik[5];
  s.b[10] = ik[6];
  s.l1 = s.r1 = s.l2 = s.r2 = 0;
  for (int i = 0; i < 24; ++i) Clock<true>(s);
}

}  // namespace

KCipher2Key KCipher2Expand(const std::uint8_t key[kKCipher2KeyBytes]) {
  KCipher2Key out;
  auto& ik = out.ik;
  for (std::size_t i = 0; i < 4; ++i) ik[i] = LoadBe(key + 4 * i);
  constexpr std::uint32_t kRcon[] = {0x01000000, 0x02000000};
  for (std::size_t i = 4; i < 12; ++i) {
    if (i % 4 == 0) {
      const std::uint32_t rotated = (ik[i - 1] << 8) | (ik[i - 1] >> 24);
      ik[i] = ik[i - 4] ^ SubK2(rotated) ^ kRcon[i / 4 - 1];
    } else {
      ik[i] = ik[i - 4] ^ ik[i - 1];
    }
  }
  return out;
}

// The same 24 clocks as Load() with the state in local variables, fully
// unrolled: each clock's shift of FSR-A and FSR-B becomes a renaming of
// registers (the seed search runs this once per candidate).
std::uint64_t KCipher2First8(const KCipher2Key& key,
                             const std::uint8_t iv[kKCipher2IvBytes]) {
  const auto& ik = key.ik;
  std::uint32_t a0 = ik[4], a1 = ik[3], a2 = ik[2], a3 = ik[1], a4 = ik[0];
  std::uint32_t b0 = ik[10], b1 = ik[11], b2 = LoadBe(iv), b3 = LoadBe(iv + 4),
                b4 = ik[8], b5 = ik[9], b6 = LoadBe(iv + 8),
                b7 = LoadBe(iv + 12), b8 = ik[7], b9 = ik[5], b10 = ik[6];
  std::uint32_t l1 = 0, r1 = 0, l2 = 0, r2 = 0;
#pragma GCC unroll 24
  for (int i = 0; i < 24; ++i) {
    const std::uint32_t zh = (b10 + l2) ^ l1 ^ a0;
    const std::uint32_t zl = (b0 + r2) ^ r1 ^ a4;
    const std::uint32_t nl1 = SubK2(r2 + b4);
    const std::uint32_t nr1 = SubK2(l2 + b9);
    const std::uint32_t nl2 = SubK2(l1);
    const std::uint32_t nr2 = SubK2(r1);
    const std::uint32_t na4 = Mul(kAmul0, a0) ^ a3 ^ zl;
    const std::uint32_t t1 =
        ((a2 >> 30) & 1) != 0 ? Mul(kAmul1, b0) : Mul(kAmul2, b0);
    const std::uint32_t t2 = ((a2 >> 31) & 1) != 0 ? Mul(kAmul3, b8) : b8;
    const std::uint32_t nb10 = t1 ^ b1 ^ b6 ^ t2 ^ zh;
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = na4;
    b0 = b1;
    b1 = b2;
    b2 = b3;
    b3 = b4;
    b4 = b5;
    b5 = b6;
    b6 = b7;
    b7 = b8;
    b8 = b9;
    b9 = b10;
    b10 = nb10;
    l1 = nl1;
    r1 = nr1;
    l2 = nl2;
    r2 = nr2;
  }
  const std::uint32_t zh = (b10 + l2) ^ l1 ^ a0;
  const std::uint32_t zl = (b0 + r2) ^ r1 ^ a4;
  return (static_cast<std::uint64_t>(zh) << 32) | zl;
}

KCipher2::~KCipher2() { Wipe(); }

void KCipher2::Wipe() {
  volatile std::uint32_t* words[] = {a_.data(), b_.data()};
  for (std::size_t i = 0; i < a_.size(); ++i) words[0][i] = 0;
  for (std::size_t i = 0; i < b_.size(); ++i) words[1][i] = 0;
  volatile std::uint8_t* bytes = out_.data();
  for (std::size_t i = 0; i < out_.size(); ++i) bytes[i] = 0;
  l1_ = r1_ = l2_ = r2_ = 0;
}

Status KCipher2::Init(ByteView key, ByteView iv) {
  if (key.size() != kKCipher2KeyBytes || iv.size() != kKCipher2IvBytes) {
    return InvalidArgumentError("KCipher-2 takes a 16-byte key and IV");
  }
  const KCipher2Key expanded = KCipher2Expand(key.data());
  Init(expanded, iv.data());
  return Status::Ok();
}

void KCipher2::Init(const KCipher2Key& key,
                    const std::uint8_t iv[kKCipher2IvBytes]) {
  State s;
  Load(s, key, iv);
  std::copy(std::begin(s.a), std::end(s.a), a_.begin());
  std::copy(std::begin(s.b), std::end(s.b), b_.begin());
  l1_ = s.l1;
  r1_ = s.r1;
  l2_ = s.l2;
  r2_ = s.r2;
  used_ = out_.size();
}

// Emits the current output word pair into out_ and clocks once.
void KCipher2::Next() {
  State s;
  std::copy(a_.begin(), a_.end(), std::begin(s.a));
  std::copy(b_.begin(), b_.end(), std::begin(s.b));
  s.l1 = l1_;
  s.r1 = r1_;
  s.l2 = l2_;
  s.r2 = r2_;
  StoreBe(Zh(s), out_.data());
  StoreBe(Zl(s), out_.data() + 4);
  Clock<false>(s);
  std::copy(std::begin(s.a), std::end(s.a), a_.begin());
  std::copy(std::begin(s.b), std::end(s.b), b_.begin());
  l1_ = s.l1;
  r1_ = s.r1;
  l2_ = s.l2;
  r2_ = s.r2;
  used_ = 0;
}

void KCipher2::Keystream(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (used_ == out_.size()) Next();
    const std::size_t take = std::min(out_.size() - used_, out.size() - done);
    std::memcpy(out.data() + done, out_.data() + used_, take);
    used_ += take;
    done += take;
  }
}

Status KCipher2::Xor(ByteView in, std::span<std::uint8_t> out) {
  if (out.size() < in.size()) {
    return InvalidArgumentError("KCipher-2: output shorter than input");
  }
  std::size_t done = 0;
  while (done < in.size()) {
    if (used_ == out_.size()) Next();
    const std::size_t take = std::min(out_.size() - used_, in.size() - done);
    for (std::size_t i = 0; i < take; ++i) {
      out[done + i] =
          static_cast<std::uint8_t>(in.data()[done + i] ^ out_[used_ + i]);
    }
    used_ += take;
    done += take;
  }
  return Status::Ok();
}

}  // namespace kintsugi::crypto
