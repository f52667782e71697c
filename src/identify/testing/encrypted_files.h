#pragma once

// Synthetic encrypted files for the identify tests: random bytes with the
// footer or header each family writes, laid out as
// ../shared/kb-sources/file-markers.md describes (never a real sample;
// recovery-schemes.md §0), and near misses of each: the wrong magic, a size
// field that disagrees with the file, a cut footer. Also ordinary files
// (documents, images, archives, programs, source) for false-positive
// checks. Everything is made in memory from a seeded generator, so a test
// sees the same bytes on every run.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/identify.h"

namespace kintsugi::identify::testing {

// xorshift64*: deterministic, fast, good enough for filler bytes.
class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed == 0 ? 1 : seed) {}
  std::uint64_t Next();
  // Uniform in [0, bound) (bound > 0).
  std::uint64_t Below(std::uint64_t bound) { return Next() % bound; }
  Bytes RandomBytes(std::size_t n);
  // `n` characters of [0-9A-Za-z].
  std::string Alphanumeric(std::size_t n);

 private:
  std::uint64_t state_;
};

// The marker layouts of file-markers.md, one generator each.
enum class Layout : std::uint8_t {
  kStop,      // 256-byte RSA blob, 40-char ID, the GUID.
  kQilin,     // Metadata, an 8-byte size, "-----END CIPHERTEXT BLOCK-----".
  kInc,       // A 32-byte X25519 key, "INC" (INC and Lynx).
  kMaze,      // RSA blob, 4 bytes, 66 11 61 66.
  kBabukNas,  // A 32-byte X25519 key, AB BC CD DE EF F0.
  kZeppelin,  // Header: ZEPPELIN in a code-page-437 frame.
  kPhobos,    // The last 0xB2 bytes: magic at +4, footer length at +0xA8.
  kAkira,     // 534-byte footer: RSA blob, mode, percent, original size.
  kConti,     // Conti's 534-byte footer (same fields as far as they go).
  kEnmity,    // Ends in "LB".
  kMammon,    // Ends in "K:".
  kRcru64,    // Appended ASCII metadata: wenf=, &4r*3d, P7A1s, Fs1z3.
};
std::string_view LayoutName(Layout layout);
// Every layout, for loops.
std::vector<Layout> AllLayouts();

// How a near miss differs from the real layout.
enum class NearMiss : std::uint8_t {
  kNone,        // The real layout.
  kWrongMagic,  // The marker or magic off by one byte.
  kWrongSize,   // A size or length field that disagrees with the file.
  kTruncated,   // The last byte (a header: most of it) cut off.
  kNotAKey,     // Text where the key material should be.
};
std::string_view NearMissName(NearMiss miss);
// The near misses that apply to `layout` (never kNone).
std::vector<NearMiss> NearMisses(Layout layout);

// An encrypted file of `layout` with `body` bytes of random "ciphertext"
// before its footer (after its header), or a near miss of it. `variant`
// picks among the layout's alternatives (Phobos' two magics, Enmity's LB
// and DB...), modulo their number.
Bytes EncryptedFile(Layout layout, std::size_t body, Prng& prng,
                    NearMiss miss = NearMiss::kNone, unsigned variant = 0);

// An ordinary file of kind `index % OrdinaryKinds()` (PDF, PNG, JPEG,
// ZIP, DOCX, GZIP, ELF, C source, Python source, prose, CSV, log, JSON,
// HTML), about `size` bytes long, and a name for it.
struct OrdinaryFile {
  std::string name;
  Bytes bytes;
};
std::size_t OrdinaryKinds();
OrdinaryFile MakeOrdinaryFile(std::size_t index, std::size_t size, Prng& prng);

// `bytes` as identify reads an encrypted file named `name`: the head, the
// tail and the size, whatever its content looks like.
Input EncryptedFileInput(std::string name, const Bytes& bytes);

}  // namespace kintsugi::identify::testing
