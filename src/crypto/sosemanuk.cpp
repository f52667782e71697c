#include "crypto/sosemanuk.h"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <utility>

// The parts of the Sosemanuk specification (eSTREAM submission, 2005) are
// named below as it names them: "Serpent" (S-boxes, linear transformation,
// key schedule, Serpent24), "LFSR", "FSM", "output transformation" and
// "initialisation". The eSTREAM vectors in sosemanuk_test.cpp check them.

namespace kintsugi::crypto {
namespace {

using Word = std::uint32_t;

// Serpent: the eight Serpent S-boxes, as 4-bit tables.
constexpr std::uint8_t kSboxes[8][16] = {
    {3, 8, 15, 1, 10, 6, 5, 11, 14, 13, 4, 2, 7, 0, 9, 12},
    {15, 12, 2, 7, 9, 0, 5, 10, 1, 11, 14, 8, 6, 13, 3, 4},
    {8, 6, 7, 9, 3, 12, 10, 15, 13, 1, 14, 4, 0, 11, 5, 2},
    {0, 15, 11, 8, 12, 9, 6, 3, 13, 1, 2, 4, 10, 7, 5, 14},
    {1, 15, 8, 3, 12, 0, 11, 6, 2, 5, 4, 10, 9, 14, 7, 13},
    {15, 5, 2, 11, 4, 10, 9, 12, 0, 3, 14, 8, 13, 6, 7, 1},
    {7, 2, 12, 5, 8, 4, 6, 11, 14, 9, 1, 15, 13, 3, 10, 0},
    {1, 13, 15, 0, 14, 8, 2, 11, 7, 4, 12, 10, 9, 3, 5, 6},
};

// Applies S-box `box` in bitslice mode: bit i of x[0..3] forms the 4-bit
// input (x[0] the least significant bit), and the output's bits go back to
// bit i of x[0..3]. Evaluated as a sum of minterms, 32 bits at once.
void Sbox(int box, std::array<Word, 4>& x) {
  const std::uint8_t* table = kSboxes[box];
  const Word n0 = ~x[0], n1 = ~x[1], n2 = ~x[2], n3 = ~x[3];
  std::array<Word, 4> y{};
  for (unsigned v = 0; v < 16; ++v) {
    const Word m = ((v & 1u) != 0 ? x[0] : n0) & ((v & 2u) != 0 ? x[1] : n1) &
                   ((v & 4u) != 0 ? x[2] : n2) & ((v & 8u) != 0 ? x[3] : n3);
    const unsigned out = table[v];
    for (unsigned j = 0; j < 4; ++j) {
      if (((out >> j) & 1u) != 0) y[j] |= m;
    }
  }
  x = y;
}

// S-box S2 in bitslice mode as Osvik's boolean formulas ("Speeding up
// Serpent", 2000): the same function as Sbox(2, x), about six times faster;
// the output transformation applies it every 16 bytes of keystream.
void SboxTwo(std::array<Word, 4>& x) {
  Word r0 = x[0], r1 = x[1], r2 = x[2], r3 = x[3];
  Word r4 = r0;
  r0 &= r2;
  r0 ^= r3;
  r2 ^= r1;
  r2 ^= r0;
  r3 |= r4;
  r3 ^= r1;
  r4 ^= r2;
  r1 = r3;
  r3 |= r4;
  r3 ^= r0;
  r0 &= r1;
  r4 ^= r0;
  r1 ^= r3;
  r1 ^= r4;
  r4 = ~r4;
  x = {r2, r3, r1, r4};
}

// Serpent: its linear transformation.
void LinearTransform(std::array<Word, 4>& x) {
  x[0] = std::rotl(x[0], 13);
  x[2] = std::rotl(x[2], 3);
  x[1] ^= x[0] ^ x[2];
  x[3] ^= x[2] ^ (x[0] << 3);
  x[1] = std::rotl(x[1], 1);
  x[3] = std::rotl(x[3], 7);
  x[0] ^= x[1] ^ x[3];
  x[2] ^= x[3] ^ (x[1] << 7);
  x[0] = std::rotl(x[0], 5);
  x[2] = std::rotl(x[2], 22);
}

// LFSR: GF(2^8) = GF(2)[x] / (x^8 + x^7 + x^5 + x^3 + 1), beta = x.
constexpr std::uint8_t GfMul(std::uint8_t a, std::uint8_t b) {
  unsigned product = 0;
  unsigned aa = a;
  for (unsigned bb = b; bb != 0; bb >>= 1) {
    if ((bb & 1u) != 0) product ^= aa;
    aa <<= 1;
    if ((aa & 0x100u) != 0) aa ^= 0x1A9u;
  }
  return static_cast<std::uint8_t>(product);
}

constexpr std::uint8_t BetaPower(unsigned k) {
  std::uint8_t r = 1;
  for (unsigned i = 0; i < k; ++i) r = GfMul(r, 2);
  return r;
}

// LFSR: alpha is a root of X^4 + b^23 X^3 + b^245 X^2 + b^48 X + b^239 over
// GF(2^8), and GF(2^32) words hold the coefficient of X^3 in the top byte.
// alpha * w = (w << 8) ^ kMulAlpha[w >> 24]; alpha^-1 * w = (w >> 8) ^
// kDivAlpha[w & 0xff], where X^-1 = b^16 X^3 + b^39 X^2 + b^6 X + b^64
// (b^-239 = b^16, the other coefficients multiplied by it).
struct AlphaTables {
  std::array<Word, 256> mul{};
  std::array<Word, 256> div{};
};

constexpr AlphaTables MakeAlphaTables() {
  AlphaTables t;
  const std::uint8_t m3 = BetaPower(23), m2 = BetaPower(245),
                     m1 = BetaPower(48), m0 = BetaPower(239);
  const std::uint8_t d3 = BetaPower(16), d2 = BetaPower(39), d1 = BetaPower(6),
                     d0 = BetaPower(64);
  for (unsigned c = 0; c < 256; ++c) {
    const auto b = static_cast<std::uint8_t>(c);
    t.mul[c] = (Word{GfMul(b, m3)} << 24) | (Word{GfMul(b, m2)} << 16) |
               (Word{GfMul(b, m1)} << 8) | Word{GfMul(b, m0)};
    t.div[c] = (Word{GfMul(b, d3)} << 24) | (Word{GfMul(b, d2)} << 16) |
               (Word{GfMul(b, d1)} << 8) | Word{GfMul(b, d0)};
  }
  return t;
}

constexpr AlphaTables kAlpha = MakeAlphaTables();
// The reference implementation's tables start so (mul_a[1], div_a[1]).
static_assert(kAlpha.mul[1] == 0xE19FCF13u);
static_assert(kAlpha.div[1] == 0x180F40CDu);

Word MulAlpha(Word w) { return (w << 8) ^ kAlpha.mul[w >> 24]; }
Word DivAlpha(Word w) { return (w >> 8) ^ kAlpha.div[w & 0xffu]; }

Word LoadLe(const std::uint8_t* p) {
  return Word{p[0]} | (Word{p[1]} << 8) | (Word{p[2]} << 16) |
         (Word{p[3]} << 24);
}

void StoreLe(Word w, std::uint8_t* p) {
  p[0] = static_cast<std::uint8_t>(w);
  p[1] = static_cast<std::uint8_t>(w >> 8);
  p[2] = static_cast<std::uint8_t>(w >> 16);
  p[3] = static_cast<std::uint8_t>(w >> 24);
}

// Serpent: Serpent24 needs 25 round keys of 4 words.
constexpr std::size_t kRoundKeys = 25;

}  // namespace

Result<Sosemanuk> Sosemanuk::Create(ByteView key, ByteView iv) {
  if (key.empty() || key.size() > kSosemanukMaxKeyBytes) {
    return InvalidArgumentError("a Sosemanuk key is 1 to 32 bytes");
  }
  if (iv.size() > kSosemanukIvBytes) {
    return InvalidArgumentError("a Sosemanuk IV is at most 16 bytes");
  }
  // Serpent: a short key gets a 1 bit after its last bit, then zeros.
  std::array<std::uint8_t, kSosemanukMaxKeyBytes> padded{};
  std::copy(key.begin(), key.end(), padded.begin());
  if (key.size() < kSosemanukMaxKeyBytes) padded[key.size()] = 0x01;
  // w[0..7] is the key, w[8 + i] the prekey w_i of Serpent's schedule.
  std::array<Word, 8 + 4 * kRoundKeys> w{};
  for (std::size_t i = 0; i < 8; ++i) w[i] = LoadLe(&padded[4 * i]);
  for (std::size_t i = 0; i < 4 * kRoundKeys; ++i) {
    w[i + 8] = std::rotl(w[i] ^ w[i + 3] ^ w[i + 5] ^ w[i + 7] ^ 0x9E3779B9u ^
                             static_cast<Word>(i),
                         11);
  }
  // Round key j is S_{(3 - j) mod 8} of prekeys 4j .. 4j+3.
  std::array<std::array<Word, 4>, kRoundKeys> round_keys{};
  for (std::size_t j = 0; j < kRoundKeys; ++j) {
    std::array<Word, 4>& k = round_keys[j];
    std::copy_n(&w[8 + 4 * j], 4, k.begin());
    Sbox(static_cast<int>((35 - j) % 8), k);
  }

  // Initialisation: Serpent24 over the IV; the outputs of rounds 12, 18 and 24
  // fill the LFSR and the FSM.
  std::array<std::uint8_t, kSosemanukIvBytes> iv_padded{};
  std::copy(iv.begin(), iv.end(), iv_padded.begin());
  std::array<Word, 4> x{};
  for (std::size_t i = 0; i < 4; ++i) x[i] = LoadLe(&iv_padded[4 * i]);
  Sosemanuk cipher;
  for (std::size_t round = 0; round < 24; ++round) {
    for (std::size_t i = 0; i < 4; ++i) x[i] ^= round_keys[round][i];
    Sbox(static_cast<int>(round % 8), x);
    LinearTransform(x);
    if (round == 11) {
      // (s7, s8, s9, s10) = (Y3, Y2, Y1, Y0) of round 12.
      cipher.s_[6] = x[3];
      cipher.s_[7] = x[2];
      cipher.s_[8] = x[1];
      cipher.s_[9] = x[0];
    } else if (round == 17) {
      // (s5, s6) = (Y1, Y3), R1 = Y0, R2 = Y2 of round 18.
      cipher.s_[4] = x[1];
      cipher.s_[5] = x[3];
      cipher.r1_ = x[0];
      cipher.r2_ = x[2];
    }
  }
  for (std::size_t i = 0; i < 4; ++i) x[i] ^= round_keys[24][i];
  // (s1, s2, s3, s4) = (Y3, Y2, Y1, Y0) of round 24.
  cipher.s_[0] = x[3];
  cipher.s_[1] = x[2];
  cipher.s_[2] = x[1];
  cipher.s_[3] = x[0];

  sodium_memzero(padded.data(), padded.size());
  sodium_memzero(w.data(), w.size() * sizeof(Word));
  sodium_memzero(round_keys.data(), round_keys.size() * sizeof(round_keys[0]));
  sodium_memzero(x.data(), x.size() * sizeof(Word));
  return cipher;
}

Sosemanuk::Sosemanuk(Sosemanuk&& other) noexcept
    : s_(other.s_),
      r1_(other.r1_),
      r2_(other.r2_),
      block_(other.block_),
      used_(other.used_) {
  other.Wipe();
}

Sosemanuk& Sosemanuk::operator=(Sosemanuk&& other) noexcept {
  if (this != &other) {
    s_ = other.s_;
    r1_ = other.r1_;
    r2_ = other.r2_;
    block_ = other.block_;
    used_ = other.used_;
    other.Wipe();
  }
  return *this;
}

Sosemanuk::~Sosemanuk() { Wipe(); }

void Sosemanuk::Wipe() {
  sodium_memzero(s_.data(), s_.size() * sizeof(Word));
  sodium_memzero(&r1_, sizeof(r1_));
  sodium_memzero(&r2_, sizeof(r2_));
  sodium_memzero(block_.data(), block_.size());
  used_ = kSosemanukBlockBytes;
}

// LFSR, FSM and output transformation: twenty steps, four at a time through
// Serpent1 (S-box S2 in bitslice mode), each output XORed with the LFSR words
// that left it.
void Sosemanuk::NextBlock() {
  for (std::size_t group = 0; group < 5; ++group) {
    std::array<Word, 4> f{};
    std::array<Word, 4> dropped{};
    for (std::size_t k = 0; k < 4; ++k) {
      // FSM: R1_t = R2_{t-1} + mux(lsb(R1_{t-1}), s_{t+1}, s_{t+1} ^
      // s_{t+8}); R2_t = Trans(R1_{t-1}); f_t = (s_{t+9} + R1_t) ^ R2_t.
      const Word old_r1 = r1_;
      r1_ = r2_ + ((old_r1 & 1u) != 0 ? s_[1] ^ s_[8] : s_[1]);
      r2_ = std::rotl(old_r1 * 0x54655307u, 7);
      f[k] = (s_[9] + r1_) ^ r2_;
      dropped[k] = s_[0];
      // LFSR: s_{t+10} = s_{t+9} ^ alpha^-1 s_{t+3} ^ alpha s_t.
      const Word next = s_[9] ^ DivAlpha(s_[3]) ^ MulAlpha(s_[0]);
      std::copy(s_.begin() + 1, s_.end(), s_.begin());
      s_[9] = next;
    }
    SboxTwo(f);
    for (std::size_t k = 0; k < 4; ++k) {
      StoreLe(f[k] ^ dropped[k], &block_[16 * group + 4 * k]);
    }
  }
  used_ = 0;
}

Status Sosemanuk::Xor(ByteView in, std::span<std::uint8_t> out) {
  if (out.size() < in.size()) {
    return InvalidArgumentError("Sosemanuk output too small");
  }
  const std::uint8_t* from = in.data();
  std::size_t done = 0;
  while (done < in.size()) {
    if (used_ == kSosemanukBlockBytes) NextBlock();
    const std::size_t take =
        std::min(in.size() - done, kSosemanukBlockBytes - used_);
    for (std::size_t i = 0; i < take; ++i) {
      out[done + i] =
          static_cast<std::uint8_t>(from[done + i] ^ block_[used_ + i]);
    }
    used_ += take;
    done += take;
  }
  return Status::Ok();
}

void Sosemanuk::Skip(std::uint64_t bytes) {
  while (bytes > 0) {
    if (used_ == kSosemanukBlockBytes) NextBlock();
    const std::uint64_t take =
        std::min<std::uint64_t>(bytes, kSosemanukBlockBytes - used_);
    used_ += static_cast<std::size_t>(take);
    bytes -= take;
  }
}

}  // namespace kintsugi::crypto
