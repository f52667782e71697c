#pragma once

// Recovery strategies as shared machinery (conventions.md "Families, rules
// and decryptors"): a family plugs its constants and format into these.
// Key lookup and seed search arrive with their issues and live here too.

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "formats/file_validator.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::recover {

// --- Hard-coded keys (CBC) ---------------------------------------------------

struct CbcKeyCandidate {
  SecretBytes key;
  SecretBytes iv;
  std::string label;  // "hard-coded key 1", "--key"
};

struct CbcKeyMatch {
  std::size_t index = 0;        // Into the candidate list.
  bool header_matched = false;  // The first block looked like `expected`.
  std::size_t padding = 0;      // PKCS#7 pad length of the last block.
};

// Tries each candidate on a file of whole AES blocks without reading more
// than its sample (recovery-schemes.md §4.4): the last block, decrypted with
// the previous ciphertext block as IV, must end in valid PKCS#7 padding; and
// when `expected` names file kinds, the first block should be a plausible
// header of one of them. A candidate passing both wins over one passing only
// the padding check (a wrong key passes padding about once in 256).
// nullopt when no candidate passes the padding check. Candidate `try_first`
// is tried first (CbcKeyMemory), then the others in order.
std::optional<CbcKeyMatch> FindCbcKey(
    std::span<const CbcKeyCandidate> candidates, const FileSample& file,
    std::span<const formats::FileKind> expected, std::size_t try_first = 0);

// Run-level state: the candidate that last won a file, tried first on the
// next, since one victim's files usually share a key. Thread-safe; a
// DecryptorRun keeps one for the run.
class CbcKeyMemory {
 public:
  std::size_t first() const { return last_.load(std::memory_order_relaxed); }
  void Remember(std::size_t index) {
    last_.store(index, std::memory_order_relaxed);
  }

 private:
  std::atomic<std::size_t> last_{0};
};

// --- Known plaintext: repeating-key XOR over a leading region ---------------

struct RepeatingXorKey {
  SecretBytes key;           // One period of the keystream.
  std::uint64_t region = 0;  // How many leading bytes are XORed.
};

// Derives a repeating XOR key from an encrypted file and its original,
// where the scheme XORs the first `region` bytes (one of `regions`,
// ascending) and leaves the rest untouched (recovery-schemes.md §3.2):
// the region is the smallest candidate beyond the last byte that differs,
// and the key is the shortest period of encrypted XOR original over it.
// kInvalidArgument, in plain words, when the two cannot be such a pair
// (sizes differ, identical, differ beyond every region) or the pair is too
// short to decide.
Result<RepeatingXorKey> DeriveRepeatingXorKey(
    ByteView encrypted, ByteView original,
    std::span<const std::uint64_t> regions);

// The shortest p >= 1 with data[i] == data[i - p] for every i >= p.
std::size_t ShortestPeriod(ByteView data);

}  // namespace kintsugi::recover
