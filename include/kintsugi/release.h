#pragma once

// Signed knowledge-base releases (issue 12, docs/bundle-format.md): the
// approved KB and the released keys of a store, packed into one bundle and
// signed with Ed25519 (libsodium). The CLI and the portal pin the project's
// release public key and verify a bundle before anything in it is used;
// they refuse a bad signature and an older release than the one installed.
//
// Only the verifying side is exposed to untrusted bytes: VerifyBundle checks
// the signature over the whole file before it reads any section.

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/kb.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi::release {

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSecretKeyBytes = 64;  // libsodium's seed || pk
inline constexpr std::size_t kSignatureBytes = 64;
// The bundle format this build writes and reads (docs/bundle-format.md).
inline constexpr std::uint16_t kBundleFormatVersion = 1;

struct PublicKey {
  std::array<std::uint8_t, kPublicKeyBytes> bytes{};
  bool operator==(const PublicKey&) const = default;
};

struct KeyPair {
  PublicKey public_key;
  SecretBytes secret_key;  // kSecretKeyBytes
};

// A new Ed25519 key pair from the system's random source.
KeyPair GenerateKeyPair();

// The key files: one line each, "kintsugi-release-public-v1 BASE64\n" and
// "kintsugi-release-secret-v1 BASE64\n" (the 64-byte libsodium secret key,
// whose public half must match). Parsing: kInvalidArgument naming what is
// wrong.
std::string PublicKeyFileText(const PublicKey& key);
std::string SecretKeyFileText(const KeyPair& pair);
Result<PublicKey> ParsePublicKeyFile(std::string_view text);
Result<KeyPair> ParseSecretKeyFile(std::string_view text);

// A short name for a public key: the first 8 bytes of its SHA-256, in hex.
// A bundle carries its signer's, so that a wrong key is named as such.
std::string KeyId(const PublicKey& key);

// The SHA-256 of a bundle file in lowercase hex: how the audit log's
// "release" entries and `kb verify` name a bundle's exact bytes.
std::string BundleSha256(ByteView file);

// The project's release key, built into the binary from
// release/kintsugi-release.pub.
const PublicKey& PinnedPublicKey();

// A detached signature of any file, such as a release's SHA256SUMS
// (issue 13): one line "kintsugi-signature-v1 KEYID BASE64\n", the Ed25519
// signature of "kintsugi-file-signature-v1\n" followed by the file's bytes
// (the prefix keeps it from ever passing as a bundle's signature, or the
// other way round).
std::string SignFile(ByteView file, const KeyPair& key);

// Checks `signature` (SignFile's line) against `file` and `key`:
// kInvalidArgument for a line that is not such a signature;
// kUnauthenticated when another key made it (both ids named) or it does
// not hold for these bytes (the file was altered).
Status VerifyFileSignature(ByteView file, std::string_view signature,
                           const PublicKey& key);

// What a bundle carries.
struct Bundle {
  std::uint64_t version = 0;  // Strictly increasing from release to release.
  std::int64_t created = 0;   // Unix seconds, UTC.
  Bytes kb;                   // The KB's files (a KSKB0001 bundle).
  std::string keys;           // Released keys, as key-dump JSON lines.
  std::string signer;         // KeyId of the key that signed it (verified).
};

// The signed bundle for `bundle` (its `signer` is ignored).
// kInvalidArgument for version 0 or a section over its limit.
Result<Bytes> SignBundle(const Bundle& bundle, const KeyPair& key);

// Verifies `file` against `key`, then reads it. Errors, each a one-line
// reason: kCorrupt for what is not a Kintsugi release bundle at all (wrong
// magic, shorter than a header and a signature); kUnsupported for another
// format version; kUnauthenticated when it was signed by another key (both
// ids named) or its signature does not hold (altered or truncated);
// kResourceExhausted past limits::kMaxReleaseBundleBytes; kCorrupt for a
// signed bundle whose sections are malformed or that carries an embargoed
// key (a signer's bug, still refused).
Result<Bundle> VerifyBundle(ByteView file, const PublicKey& key);

// The KB files of a bundle loaded as a knowledge base ("release:" prefixes
// file names in diagnostics).
Result<kb::KnowledgeBase> LoadBundleKnowledgeBase(const Bundle& bundle);

// The records of a bundle's keys section, checked as `keys import` checks a
// dump against the bundle's own KB families; kCorrupt on any problem.
Result<std::vector<KeyRecord>> BundleKeys(const Bundle& bundle,
                                          const kb::KnowledgeBase& kb);

// A file laid over a KB when it is packed: an approved family definition
// (partners.h ApprovedFamily) as "ID.yaml".
struct KbOverlayFile {
  std::string path;  // A top-level NAME.yaml.
  std::string text;
};

// A KB folder's files packed as a KSKB0001 bundle (the *.yaml files and
// notes/ as the built-in KB packs them), or the built-in KB's own when
// `dir` is empty, with the `overlay` files replacing those of the same path
// or added. kInvalidArgument for an overlay path that is not a top-level
// NAME.yaml. The result is not checked: load and lint it.
Result<Bytes> PackKnowledgeBase(const std::filesystem::path& dir,
                                std::span<const KbOverlayFile> overlay = {});

// Every released key of `store` as key-dump JSON lines, in import order;
// embargoed keys are left out. `count` receives how many.
Result<std::string> ReleasedKeysDump(KeyStore& store, std::size_t* count);

// Where `kintsugi kb update` installs the bundle it verified:
// $XDG_DATA_HOME/kintsugi/release.bundle, else
// $HOME/.local/share/kintsugi/release.bundle; kInvalidArgument when neither
// is set to an absolute path.
Result<std::filesystem::path> InstalledBundlePath();

}  // namespace kintsugi::release
