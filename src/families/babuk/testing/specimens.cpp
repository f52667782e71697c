#include "families/babuk/testing/specimens.h"

#include <string>

#include "crypto/x25519.h"
#include "families/babuk/cipher.h"
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

}  // namespace

SecretBytes MakeBabukPrivateKey(std::uint64_t seed) {
  SecretBytes key(crypto::kX25519KeyBytes);
  std::uint64_t state = seed ^ 0x4241'4255'4bULL;
  for (std::size_t i = 0; i < key.size(); i += 8) {
    const std::uint64_t word = Next(state);
    for (std::size_t j = 0; j < 8; ++j) {
      key.mutable_span()[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
    }
  }
  return key;
}

Result<Bytes> BabukEncrypt(families::BabukBuild build, ByteView plaintext,
                           ByteView attacker_public,
                           const SecretBytes& ephemeral_private) {
  KINTSUGI_ASSIGN_OR_RETURN(Bytes file_public,
                            crypto::X25519PublicKey(ephemeral_private));
  // X25519(ephemeral private, attacker public) is the secret the attacker
  // recomputes as X25519(attacker private, file public).
  KINTSUGI_ASSIGN_OR_RETURN(
      families::BabukFileKey key,
      families::DeriveBabukFileKey(build, ephemeral_private, attacker_public));
  KINTSUGI_ASSIGN_OR_RETURN(
      families::BabukCipher cipher,
      families::BabukCipher::Create(build, std::move(key)));
  Bytes out(plaintext.size());
  KINTSUGI_RETURN_IF_ERROR(cipher.Apply(plaintext.size(), 0, plaintext, out));
  out.insert(out.end(), file_public.begin(), file_public.end());
  if (build == families::BabukBuild::kNas) {
    out.insert(out.end(), families::kBabukNasMarker.begin(),
               families::kBabukNasMarker.end());
  }
  return out;
}

Status WriteBabukSpecimen(FileSystem& fs, const Path& dir,
                          std::string_view name, families::BabukBuild build,
                          ByteView plaintext, ByteView attacker_public,
                          const SecretBytes& ephemeral_private) {
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes contents,
      BabukEncrypt(build, plaintext, attacker_public, ephemeral_private));
  KINTSUGI_ASSIGN_OR_RETURN(Bytes file_public,
                            crypto::X25519PublicKey(ephemeral_private));
  const std::string parameters =
      std::string("family=babuk\nvariant=") +
      (build == families::BabukBuild::kNas ? "nas" : "esxi") +
      "\nattacker_public=" + ToHex(attacker_public) +
      "\nfile_public=" + ToHex(file_public) +
      "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n";
  return WriteSpecimen(fs, dir, name, contents, parameters);
}

}  // namespace kintsugi::families_testing
