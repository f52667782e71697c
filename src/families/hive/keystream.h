#pragma once

// Decrypting a Hive v3/v4 file with what is known of its key table
// (recovery-schemes-2.md §3.10 "Recovery" step 3): each encrypted byte
// whose two table positions lie in one component of the table's XOR graph
// is decrypted; the others are lost, and keep their encrypted value.

#include <cstdint>
#include <span>
#include <vector>

#include "families/hive/evidence.h"
#include "families/hive/layout.h"
#include "kintsugi/bytes.h"

namespace kintsugi::families {

class HiveKeystream {
 public:
  // `table` must outlive this object.
  HiveKeystream(const HiveTable& table, const HiveName& name,
                std::uint64_t size);

  // Decrypts bytes [offset, offset + data.size()) of the file in place and
  // sets lost[i] to 1 for each byte that could not be recovered (0
  // otherwise); `lost` is as long as `data`. Under more than one version
  // (the evidence did not tell which), a byte counts as recovered only when
  // every version decrypts it, and to the same value.
  void Apply(std::uint64_t offset, std::span<std::uint8_t> data,
             std::span<std::uint8_t> lost);

  // Bytes any of the versions encrypts, and how many of them Apply would
  // lose, without reading the file.
  std::uint64_t EncryptedBytes() const;
  std::uint64_t CountLost();

 private:
  struct Version {
    const HiveParameters* parameters;
    const recover::XorGraph* graph;
    std::vector<HiveBlock> blocks;
    HiveWindows windows;
  };
  std::vector<Version> versions_;
  std::vector<HiveRegion> regions_;
  Bytes input_;                                   // The bytes as given.
  std::vector<Bytes> plain_;                      // Per version.
  std::vector<std::vector<std::uint8_t>> known_;  // Per version.
};

}  // namespace kintsugi::families
