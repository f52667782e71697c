#include "crypto/hc128.h"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

// The parts of HC-128 are named as the specification names them (Wu, "The
// Stream Cipher HC-128", eSTREAM 2008): f1, f2, g1, g2, h1, h2, the
// initialisation and the keystream steps; recovery-schemes-2.md §2.2
// restates them and the 8-word mode.

namespace kintsugi::crypto {
namespace {

using Word = std::uint32_t;

constexpr Word F1(Word x) {
  return std::rotr(x, 7) ^ std::rotr(x, 18) ^ (x >> 3);
}
constexpr Word F2(Word x) {
  return std::rotr(x, 17) ^ std::rotr(x, 19) ^ (x >> 10);
}

// One of the 16 steps of a block. kP: the step updates P (g1, h1 over Q),
// else Q (g2, h2 over P). `own` is the updated table, `other` the one h
// reads, `last` its 16-word window (x_ or y_), `cc` the block's first j,
// `dd` = (cc + 16) mod 512. kSetup: the output goes back into the table
// (the 1024 initialisation steps) instead of out.
template <bool kP, bool kSetup, std::size_t k>
inline void Step(Word* own, const Word* other, Word* last, Word cc, Word dd,
                 Word* out) {
  // j = cc + k; the window slots of j-3, j-10 and j-12 (all mod 16), and
  // P[j-511] = P[j+1 mod 512].
  constexpr std::size_t a = k;
  constexpr std::size_t b = (k + 6) % 16;
  constexpr std::size_t c = (k + 13) % 16;
  constexpr std::size_t d = (k + 4) % 16;
  const Word u = cc + static_cast<Word>(k);
  const Word v = k < 15 ? u + 1 : dd;
  const Word x12 = last[d];
  const Word h = other[x12 & 0xFF] + other[256 + ((x12 >> 16) & 0xFF)];
  Word g;
  if constexpr (kP) {
    g = (std::rotr(last[c], 10) ^ std::rotr(own[v], 23)) +
        std::rotr(last[b], 8);
  } else {
    g = (std::rotl(last[c], 10) ^ std::rotl(own[v], 23)) +
        std::rotl(last[b], 8);
  }
  if constexpr (kSetup) {
    own[u] = (own[u] + g) ^ h;
    last[a] = own[u];
  } else {
    own[u] += g;
    last[a] = own[u];
    out[k] = h ^ own[u];
  }
}

template <bool kP, bool kSetup, std::size_t... k>
inline void Steps(Word* own, const Word* other, Word* last, Word cc, Word dd,
                  Word* out, std::index_sequence<k...>) {
  (Step<kP, kSetup, k>(own, other, last, cc, dd, out), ...);
}

// 16 steps from `counter` (a multiple of 16), in P's half of the 1024
// steps or Q's; returns the next counter.
template <bool kSetup>
inline Word Block(Word* table, Word* x, Word* y, Word counter, Word* out) {
  const Word cc = counter & 0x1FF;
  const Word dd = (cc + 16) & 0x1FF;
  if (counter < 512) {
    Steps<true, kSetup>(table, table + 512, x, cc, dd, out,
                        std::make_index_sequence<16>());
  } else {
    Steps<false, kSetup>(table + 512, table, y, cc, dd, out,
                         std::make_index_sequence<16>());
  }
  return (counter + 16) & 0x3FF;
}

Word LoadLe(const std::uint8_t* p) {
  return static_cast<Word>(p[0]) | static_cast<Word>(p[1]) << 8 |
         static_cast<Word>(p[2]) << 16 | static_cast<Word>(p[3]) << 24;
}

// The 16 keystream words as the 64 bytes they stand for (each LE).
void StoreLe(const Word (&words)[16], std::uint8_t* out) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, words, kHc128BlockBytes);
  } else {
    for (std::size_t i = 0; i < 16; ++i) {
      for (std::size_t j = 0; j < 4; ++j) {
        out[4 * i + j] = static_cast<std::uint8_t>(words[i] >> (8 * j));
      }
    }
  }
}

// Reads `bytes` (a multiple of 4) as LE words into `words`, repeated to
// fill 8.
std::array<Word, kHc128Words> Words(ByteView bytes) {
  std::array<Word, kHc128Words> words{};
  const std::size_t n = bytes.size() / 4;
  for (std::size_t i = 0; i < kHc128Words; ++i) {
    words[i] = LoadLe(bytes.data() + 4 * (i % n));
  }
  return words;
}

}  // namespace

Hc128 Hc128Init(std::span<const std::uint32_t, kHc128Words> key_words,
                std::span<const std::uint32_t, kHc128Words> iv_words) {
  Hc128 cipher;
  // W[0..15] = key, IV; W[i] = f2(W[i-2]) + W[i-7] + f1(W[i-15]) + W[i-16]
  // + i for i = 16..1279; P = W[256..767], Q = W[768..1279].
  std::array<Word, 1280> w{};
  std::copy(key_words.begin(), key_words.end(), w.begin());
  std::copy(iv_words.begin(), iv_words.end(), w.begin() + kHc128Words);
  for (std::size_t i = 16; i < w.size(); ++i) {
    w[i] = F2(w[i - 2]) + w[i - 7] + F1(w[i - 15]) + w[i - 16] +
           static_cast<Word>(i);
  }
  std::copy(w.begin() + 256, w.end(), cipher.table_.begin());
  sodium_memzero(w.data(), sizeof(w));
  // The windows hold P[496..511] and Q[496..511] at slot j % 16.
  std::copy_n(cipher.table_.begin() + 496, 16, cipher.x_.begin());
  std::copy_n(cipher.table_.begin() + 512 + 496, 16, cipher.y_.begin());
  // 1024 set-up steps, each output XORed back into its table entry.
  Word counter = 0;
  for (int i = 0; i < 64; ++i) {
    counter = Block<true>(cipher.table_.data(), cipher.x_.data(),
                          cipher.y_.data(), counter, nullptr);
  }
  cipher.counter_ = counter;  // 0 again: keystream starts with P.
  return cipher;
}

Result<Hc128> Hc128Standard(ByteView key, ByteView iv) {
  if (key.size() != kHc128StandardBytes || iv.size() != kHc128StandardBytes) {
    return InvalidArgumentError("HC-128 takes a 16-byte key and a 16-byte IV");
  }
  std::array<Word, kHc128Words> k = Words(key);
  std::array<Word, kHc128Words> v = Words(iv);
  Hc128 cipher = Hc128Init(k, v);
  sodium_memzero(k.data(), sizeof(k));
  sodium_memzero(v.data(), sizeof(v));
  return cipher;
}

Result<Hc128> Hc128EightWord(ByteView key, ByteView iv) {
  if (key.size() != kHc128EightWordBytes || iv.size() != kHc128EightWordBytes) {
    return InvalidArgumentError(
        "HC-128 in the 8-word mode takes a 32-byte key and a 32-byte IV");
  }
  std::array<Word, kHc128Words> k = Words(key);
  std::array<Word, kHc128Words> v = Words(iv);
  Hc128 cipher = Hc128Init(k, v);
  sodium_memzero(k.data(), sizeof(k));
  sodium_memzero(v.data(), sizeof(v));
  return cipher;
}

Hc128::Hc128(Hc128&& other) noexcept
    : table_(other.table_),
      x_(other.x_),
      y_(other.y_),
      counter_(other.counter_),
      block_(other.block_),
      used_(other.used_),
      position_(other.position_) {
  other.Wipe();
}

Hc128& Hc128::operator=(Hc128&& other) noexcept {
  if (this != &other) {
    table_ = other.table_;
    x_ = other.x_;
    y_ = other.y_;
    counter_ = other.counter_;
    block_ = other.block_;
    used_ = other.used_;
    position_ = other.position_;
    other.Wipe();
  }
  return *this;
}

Hc128::~Hc128() { Wipe(); }

void Hc128::Wipe() {
  sodium_memzero(table_.data(), sizeof(table_));
  sodium_memzero(x_.data(), sizeof(x_));
  sodium_memzero(y_.data(), sizeof(y_));
  sodium_memzero(block_.data(), sizeof(block_));
  counter_ = 0;
  used_ = kHc128BlockBytes;
}

void Hc128::NextWords(std::uint32_t (&words)[16]) {
  counter_ = Block<false>(table_.data(), x_.data(), y_.data(), counter_, words);
}

Status Hc128::Xor(ByteView in, std::span<std::uint8_t> out) {
  if (out.size() < in.size()) {
    return InvalidArgumentError("HC-128 output too small");
  }
  const std::size_t n = in.size();
  const std::uint8_t* from = in.data();
  std::uint8_t* to = out.data();
  std::size_t done = 0;
  // The rest of a block an earlier call began.
  while (done < n && used_ < kHc128BlockBytes) {
    to[done] = static_cast<std::uint8_t>(from[done] ^ block_[used_]);
    ++done;
    ++used_;
  }
  // Whole blocks, 8 bytes at a time.
  Word words[16];
  std::uint8_t stream[kHc128BlockBytes];
  while (n - done >= kHc128BlockBytes) {
    NextWords(words);
    StoreLe(words, stream);
    for (std::size_t i = 0; i < kHc128BlockBytes; i += 8) {
      std::uint64_t data;
      std::uint64_t key;
      std::memcpy(&data, from + done + i, 8);
      std::memcpy(&key, stream + i, 8);
      data ^= key;
      std::memcpy(to + done + i, &data, 8);
    }
    done += kHc128BlockBytes;
  }
  // A last partial block: the rest waits for the next call.
  if (done < n) {
    NextWords(words);
    StoreLe(words, block_.data());
    used_ = 0;
    while (done < n) {
      to[done] = static_cast<std::uint8_t>(from[done] ^ block_[used_]);
      ++done;
      ++used_;
    }
  }
  sodium_memzero(words, sizeof(words));
  sodium_memzero(stream, sizeof(stream));
  position_ += n;
  return Status::Ok();
}

void Hc128::Skip(std::uint64_t bytes) {
  position_ += bytes;
  const auto buffered =
      std::min<std::uint64_t>(bytes, kHc128BlockBytes - used_);
  used_ += static_cast<std::size_t>(buffered);
  bytes -= buffered;
  Word words[16];
  for (; bytes >= kHc128BlockBytes; bytes -= kHc128BlockBytes) {
    NextWords(words);
  }
  if (bytes > 0) {
    NextWords(words);
    StoreLe(words, block_.data());
    used_ = static_cast<std::size_t>(bytes);
  }
  sodium_memzero(words, sizeof(words));
}

}  // namespace kintsugi::crypto
