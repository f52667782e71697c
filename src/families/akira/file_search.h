#pragma once

// One Akira file's key search (recovery-schemes-3.md §3.9): known bytes,
// window, planted-answer self-test (§5), Stage A over widening gap bands,
// then Stage B when the file has ChaCha8 chunks. Runs in Prepare, before
// any file is decrypted, on the run's pool.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "families/akira/layout.h"
#include "families/akira/search.h"
#include "kintsugi/fs.h"
#include "recover/decryptor.h"

namespace kintsugi::families::akira {

// What a search reads of one encrypted file.
struct FileCase {
  Path path;
  std::string name;           // As on disk ("disk-flat.vmdk.akira").
  std::string original_name;  // Without ".akira".
  std::uint64_t size = 0;     // Encrypted size, trailer included.
  std::optional<std::int64_t> mtime_ns;
  std::array<std::uint8_t, 8> head{};         // Ciphertext at offset 0.
  std::array<std::uint8_t, 8> chacha_head{};  // At 65,535, when there.
  bool has_chacha_head = false;
};

struct SearchSettings {
  unsigned percent = kDefaultPercent;
  // --gap: one band of T4 - T3 (and T2 - T1, T3 - T2) in nanoseconds;
  // unset: the widening steps of GapSteps().
  std::optional<std::pair<std::uint64_t, std::uint64_t>> gap;
};

struct FileSearchResult {
  recover::KeyOutcome outcome;  // kFound with the packed FileKeys.
  std::optional<ReportedKey> reported;
};

// The known plaintext a stage compares with, at file `offset` (0 or
// 65,535): --known bytes covering it, else the defaults of the original's
// type (-flat.vmdk: zeros or a Windows MBR at 0, zeros at 65,535; other
// types: their fixed header bytes). Empty when fewer than 7 bytes are
// known.
std::vector<Target> TargetsAt(std::uint64_t offset,
                              const std::array<std::uint8_t, 8>& ciphertext,
                              const recover::RunInputs& inputs,
                              const FileCase& file);

Result<FileSearchResult> SearchFile(ReadOnlyFileSystem& fs,
                                    const FileCase& file,
                                    const recover::RunInputs& inputs,
                                    const SearchSettings& settings,
                                    WorkerPool& pool);

}  // namespace kintsugi::families::akira
