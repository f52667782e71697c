#include "families/akira/testing/specimens.h"

#include <random>
#include <string>

#include "families/akira/layout.h"
#include "families/akira/search.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {

namespace akira = families::akira;

Bytes AkiraEncrypt(ByteView plaintext, const AkiraTimes& times,
                   unsigned percent) {
  const auto layout = akira::Layout::Make(plaintext.size(), percent);
  if (!layout) return Bytes();
  akira::FileKeys keys;
  const akira::Key16 k1 = akira::DeriveKey(times.t1);
  const akira::Key16 k2 = akira::DeriveKey(times.t2);
  const akira::Key16 k3 = akira::DeriveKey(times.t3);
  const akira::Key16 k4 = akira::DeriveKey(times.t4);
  keys.chacha_key = SecretBytes(ByteView(k1.data(), 16));
  keys.chacha_nonce = SecretBytes(ByteView(k2.data(), 8));
  keys.kcipher2_key = SecretBytes(ByteView(k3.data(), 16));
  keys.kcipher2_iv = SecretBytes(ByteView(k4.data(), 16));
  Bytes out(plaintext.begin(), plaintext.end());
  if (!akira::EncryptInPlace(keys, *layout, out).ok()) return Bytes();
  std::mt19937_64 random(times.t3 ^ 0x616b697261ULL);
  for (std::uint64_t i = 0; i < akira::kTrailerBytes; ++i) {
    out.push_back(static_cast<std::uint8_t>(random()));
  }
  return out;
}

Status WriteAkiraSpecimen(FileSystem& fs, const Path& dir,
                          std::string_view name, ByteView plaintext,
                          const AkiraTimes& times, unsigned percent) {
  const Bytes encrypted = AkiraEncrypt(plaintext, times, percent);
  if (encrypted.empty()) {
    return InvalidArgumentError("akira specimen: unsupported percent");
  }
  return WriteSpecimen(
      fs, dir, name, encrypted,
      "family=akira\nvariant=v3-linux\nt1=" + std::to_string(times.t1) +
          "\nt2=" + std::to_string(times.t2) + "\nt3=" +
          std::to_string(times.t3) + "\nt4=" + std::to_string(times.t4) +
          "\npercent=" + std::to_string(percent) +
          "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n");
}

}  // namespace kintsugi::families_testing
