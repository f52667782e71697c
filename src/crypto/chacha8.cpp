#include "crypto/chacha8.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace kintsugi::crypto {
namespace {

inline std::uint32_t LoadLe(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) |
         (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) |
         (static_cast<std::uint32_t>(p[3]) << 24);
}

inline std::uint32_t Rotl(std::uint32_t x, int n) {
  return (x << n) | (x >> (32 - n));
}

#define KINTSUGI_CHACHA_QR(a, b, c, d) \
  a += b;                              \
  d = Rotl(d ^ a, 16);                 \
  c += d;                              \
  b = Rotl(b ^ c, 12);                 \
  a += b;                              \
  d = Rotl(d ^ a, 8);                  \
  c += d;                              \
  b = Rotl(b ^ c, 7)

// 8 rounds (4 double rounds) and the feed-forward (§4.8).
inline void Core(const std::uint32_t in[16], std::uint32_t x[16]) {
  for (int i = 0; i < 16; ++i) x[i] = in[i];
  for (int i = 0; i < 4; ++i) {
    KINTSUGI_CHACHA_QR(x[0], x[4], x[8], x[12]);
    KINTSUGI_CHACHA_QR(x[1], x[5], x[9], x[13]);
    KINTSUGI_CHACHA_QR(x[2], x[6], x[10], x[14]);
    KINTSUGI_CHACHA_QR(x[3], x[7], x[11], x[15]);
    KINTSUGI_CHACHA_QR(x[0], x[5], x[10], x[15]);
    KINTSUGI_CHACHA_QR(x[1], x[6], x[11], x[12]);
    KINTSUGI_CHACHA_QR(x[2], x[7], x[8], x[13]);
    KINTSUGI_CHACHA_QR(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; ++i) x[i] += in[i];
}

#undef KINTSUGI_CHACHA_QR

// "expand 16-byte k" / "expand 32-byte k" as four LE words.
constexpr std::uint32_t kTau[4] = {0x61707865, 0x3120646e, 0x79622d36,
                                   0x6b206574};
constexpr std::uint32_t kSigma[4] = {0x61707865, 0x3320646e, 0x79622d32,
                                     0x6b206574};

void LoadInput(std::uint32_t in[16], const std::uint8_t* key,
               std::size_t key_size, const std::uint8_t* nonce) {
  const std::uint32_t* constants = key_size == 32 ? kSigma : kTau;
  const std::uint8_t* second = key_size == 32 ? key + 16 : key;
  for (int i = 0; i < 4; ++i) {
    in[i] = constants[i];
    in[4 + i] = LoadLe(key + 4 * i);
    in[8 + i] = LoadLe(second + 4 * i);
  }
  in[12] = 0;
  in[13] = 0;
  in[14] = LoadLe(nonce);
  in[15] = LoadLe(nonce + 4);
}

}  // namespace

std::uint64_t ChaCha8First8(const std::uint8_t key[16],
                            const std::uint8_t nonce[kChaCha8NonceBytes]) {
  std::uint32_t in[16];
  LoadInput(in, key, 16, nonce);
  std::uint32_t x[16];
  Core(in, x);
  // Bytes 0..7 are words 0 and 1, little-endian.
  std::uint64_t out = 0;
  for (int w = 0; w < 2; ++w) {
    for (int i = 0; i < 4; ++i) {
      out = (out << 8) | ((x[w] >> (8 * i)) & 0xff);
    }
  }
  return out;
}

ChaCha8::~ChaCha8() {
  volatile std::uint32_t* words = input_.data();
  for (std::size_t i = 0; i < input_.size(); ++i) words[i] = 0;
  volatile std::uint8_t* bytes = block_.data();
  for (std::size_t i = 0; i < block_.size(); ++i) bytes[i] = 0;
}

Status ChaCha8::Init(ByteView key, ByteView nonce) {
  if ((key.size() != 16 && key.size() != 32) ||
      nonce.size() != kChaCha8NonceBytes) {
    return InvalidArgumentError(
        "ChaCha8 takes a 16- or 32-byte key and an 8-byte nonce");
  }
  LoadInput(input_.data(), key.data(), key.size(), nonce.data());
  Seek(0);
  return Status::Ok();
}

void ChaCha8::Seek(std::uint64_t counter) {
  counter_ = counter;
  used_ = block_.size();
}

void ChaCha8::AlignToBlock() { used_ = block_.size(); }

void ChaCha8::Refill() {
  input_[12] = static_cast<std::uint32_t>(counter_);
  input_[13] = static_cast<std::uint32_t>(counter_ >> 32);
  std::uint32_t x[16];
  Core(input_.data(), x);
  for (std::size_t i = 0; i < 16; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      block_[4 * i + j] = static_cast<std::uint8_t>(x[i] >> (8 * j));
    }
  }
  ++counter_;
  used_ = 0;
}

Status ChaCha8::Xor(ByteView in, std::span<std::uint8_t> out) {
  if (out.size() < in.size()) {
    return InvalidArgumentError("ChaCha8: output shorter than input");
  }
  std::size_t done = 0;
  while (done < in.size()) {
    if (used_ == block_.size()) Refill();
    const std::size_t take = std::min(block_.size() - used_, in.size() - done);
    for (std::size_t i = 0; i < take; ++i) {
      out[done + i] =
          static_cast<std::uint8_t>(in.data()[done + i] ^ block_[used_ + i]);
    }
    used_ += take;
    done += take;
  }
  return Status::Ok();
}

}  // namespace kintsugi::crypto
