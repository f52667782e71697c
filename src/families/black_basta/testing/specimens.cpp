#include "families/black_basta/testing/specimens.h"

#include <algorithm>

#include "crypto/chacha20.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {
namespace {

// SplitMix64: a small deterministic generator for test keys.
std::uint64_t Next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Bytes Draw(std::uint64_t seed, std::size_t n) {
  Bytes out(n);
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = static_cast<std::uint8_t>(Next(state) >> 56);
  }
  return out;
}

constexpr std::uint64_t kBlock = 64;

void XorBlock(Bytes& data, std::uint64_t at,
              const families::BlackBastaBlock& block) {
  for (std::uint64_t i = 0; i < kBlock; ++i) {
    data[static_cast<std::size_t>(at + i)] ^=
        block[static_cast<std::size_t>(i)];
  }
}

}  // namespace

families::BlackBastaBlock MakeBlackBastaBlock(std::uint64_t seed) {
  const Bytes bytes = Draw(seed ^ 0x4241'5354'41ULL, kBlock);
  families::BlackBastaBlock block{};
  std::copy(bytes.begin(), bytes.end(), block.begin());
  return block;
}

std::string BlackBastaExtension(std::uint64_t seed) {
  constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::uint64_t state = seed ^ 0x6578'74ULL;
  std::string ext = ".";
  for (int i = 0; i < 9; ++i) ext += kChars[Next(state) % kChars.size()];
  return ext;
}

Bytes BlackBastaEncrypt(ByteView plaintext, const BlackBastaSpecimen& spec) {
  Bytes out = plaintext.ToBytes();
  const std::uint64_t n = out.size();
  const std::uint64_t counter = spec.counter.value_or(n);
  // The advancing keystream: ChaCha20 under a key drawn from the seed, at
  // the byte's own offset.
  const Bytes stream_key = Draw(spec.seed ^ 0x636861ULL, 32);
  const Bytes nonce(12, 0);
  const auto advancing = [&](std::uint64_t from, std::uint64_t to) {
    if (to <= from) return;
    Bytes part(out.begin() + static_cast<std::ptrdiff_t>(from),
               out.begin() + static_cast<std::ptrdiff_t>(to));
    Bytes xored(part.size());
    if (!crypto::ChaCha20IetfXor(stream_key, nonce, from, part, xored).ok()) {
      return;
    }
    std::copy(xored.begin(), xored.end(),
              out.begin() + static_cast<std::ptrdiff_t>(from));
  };
  // §3.9 "Encrypted ranges", block by block; only blocks that start below
  // the counter were processed.
  if (n < 5000) {
    const std::uint64_t region = n - n % kBlock;
    for (std::uint64_t at = 0; at + kBlock <= region && at < counter;
         at += kBlock) {
      if (at == 0) {
        XorBlock(out, 0, spec.block);
      } else {
        advancing(at, at + kBlock);
      }
    }
  } else if (n <= spec.large_from) {
    for (std::uint64_t at = 0; at + kBlock <= n && at < counter; at += 192) {
      XorBlock(out, at, spec.block);
    }
  } else {
    if (counter > 0) XorBlock(out, 0, spec.block);
    advancing(kBlock, std::min<std::uint64_t>(5000, counter));
    for (std::uint64_t at = 5000; at + kBlock <= n && at < counter;
         at += 6400) {
      XorBlock(out, at, spec.block);
    }
  }
  // The footer: 291 + 1 + 8 + 2 + 12 = 314 bytes.
  const Bytes filler = Draw(spec.seed ^ 0x666f6f74ULL, 293);
  out.insert(out.end(), filler.begin(), filler.begin() + 291);
  out.push_back(spec.version);
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<std::uint8_t>(counter >> (8 * i)));
  }
  out.insert(out.end(), filler.begin() + 291, filler.end());
  out.insert(out.end(), spec.magic.begin(), spec.magic.end());
  out.push_back(0);
  return out;
}

Status WriteBlackBastaSpecimen(FileSystem& fs, const Path& dir,
                               std::string_view name, ByteView plaintext,
                               const BlackBastaSpecimen& spec) {
  const Bytes contents = BlackBastaEncrypt(plaintext, spec);
  const std::string parameters =
      "family=blackbasta\nblock=" +
      ToHex(ByteView(spec.block.data(), spec.block.size())) +
      "\ncounter=" + std::to_string(spec.counter.value_or(plaintext.size())) +
      "\nlarge_from=" + std::to_string(spec.large_from) +
      "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n";
  return WriteSpecimen(fs, dir, name, contents, parameters);
}

}  // namespace kintsugi::families_testing
