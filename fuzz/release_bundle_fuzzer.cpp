// Fuzz target: a release bundle (docs/bundle-format.md) from arbitrary
// bytes. Verification must never crash or hang, and must keep its promises:
//  - the first byte chooses the input: as a whole file (it must be refused
//    unless it carries a valid signature by the fuzzer's key, which random
//    bytes never do), or as the signed part of a bundle that the fuzzer
//    signs itself (with its key's id put in place), so that the section
//    parser behind the signature check is reached with anything;
//  - what verifies, signed again with the same contents, verifies to the
//    same contents.

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_target.h"
#include "kintsugi/release.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

const kintsugi::release::KeyPair& FuzzKey() {
  static const kintsugi::release::KeyPair pair = [] {
    if (sodium_init() < 0) __builtin_trap();
    kintsugi::release::KeyPair made;
    made.secret_key = kintsugi::SecretBytes(kintsugi::release::kSecretKeyBytes);
    std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
    seed.fill(7);
    crypto_sign_seed_keypair(made.public_key.bytes.data(),
                             made.secret_key.mutable_span().data(),
                             seed.data());
    return made;
  }();
  return pair;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size == 0) return 0;
  const kintsugi::release::KeyPair& key = FuzzKey();
  kintsugi::Bytes file(data + 1, data + size);
  const bool sign_it = (data[0] & 1) != 0;
  if (sign_it) {
    // The signer's id at its place (docs/bundle-format.md), so that the
    // sections behind the checks are reached.
    const std::string id = kintsugi::release::KeyId(key.public_key);
    for (std::size_t i = 0; i < 8 && 24 + i < file.size(); ++i) {
      file[24 + i] = static_cast<std::uint8_t>(
          std::stoul(id.substr(2 * i, 2), nullptr, 16));
    }
    std::array<std::uint8_t, kintsugi::release::kSignatureBytes> signature{};
    crypto_sign_detached(signature.data(), nullptr, file.data(), file.size(),
                         key.secret_key.view().data());
    file.insert(file.end(), signature.begin(), signature.end());
  }
  auto verified = kintsugi::release::VerifyBundle(file, key.public_key);
  if (!verified) return 0;
  // Random bytes never carry a valid signature of their own.
  Check(sign_it);
  Check(verified->version != 0);
  auto again = kintsugi::release::SignBundle(*verified, key);
  Check(again.has_value());
  auto reread = kintsugi::release::VerifyBundle(*again, key.public_key);
  Check(reread.has_value());
  Check(reread->version == verified->version &&
        reread->created == verified->created && reread->kb == verified->kb &&
        reread->keys == verified->keys);
  return 0;
}
