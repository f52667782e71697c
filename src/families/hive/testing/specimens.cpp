#include "families/hive/testing/specimens.h"

#include <openssl/evp.h>

#include <algorithm>

#include "families/testing/specimens.h"

namespace kintsugi::families_testing {
namespace {

// SplitMix64: a small deterministic generator for test tables.
std::uint64_t Next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

HiveTestTable MakeHiveTable(const families::HiveParameters& version,
                            std::uint64_t seed) {
  HiveTestTable t;
  t.table.resize(version.table_bytes);
  std::uint64_t state = seed ^ 0x48'49'56'45ULL;  // "HIVE"
  for (std::size_t i = 0; i < t.table.size(); i += 8) {
    const std::uint64_t word = Next(state);
    for (std::size_t j = 0; j < 8 && i + j < t.table.size(); ++j) {
      t.table[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
    }
  }
  unsigned int length = 0;
  EVP_Digest(t.table.data(), t.table.size(), t.id.data(), &length,
             EVP_sha512_256(), nullptr);
  return t;
}

Bytes HiveEncrypt(ByteView plaintext, const HiveTestTable& table,
                  const families::HiveParameters& version, std::uint32_t n1,
                  std::uint32_t n2) {
  Bytes out = plaintext.ToBytes();
  const families::HiveWindows windows =
      families::HiveWindowsFor(n1, n2, version);
  // Block after block, each over what the one before left (the two blocks
  // of a 4097-8191-byte file overlap).
  for (const families::HiveBlock& block :
       families::HiveBlocks(out.size(), version)) {
    for (std::uint64_t k = 0; k < block.length; ++k) {
      const families::HiveTablePair at =
          families::HivePositions(windows, block.stream_index + k, version);
      out[static_cast<std::size_t>(block.offset + k)] ^=
          static_cast<std::uint8_t>(table.table[at.a] ^ table.table[at.b]);
    }
  }
  return out;
}

std::string HiveEncryptedName(std::string_view original,
                              const families::HiveTableId& id, std::uint32_t n1,
                              std::uint32_t n2, std::string_view extension) {
  return std::string(original) + "." + families::HiveNameTokenText(id, n1, n2) +
         "." + std::string(extension);
}

Result<std::string> WriteHiveSpecimen(FileSystem& fs, const Path& dir,
                                      std::string_view original,
                                      ByteView plaintext,
                                      const HiveTestTable& table,
                                      const families::HiveParameters& version,
                                      std::uint32_t n1, std::uint32_t n2) {
  if (table.table.size() != version.table_bytes) {
    return InvalidArgumentError("the table is not of the version's size");
  }
  const std::string name = HiveEncryptedName(original, table.id, n1, n2);
  const std::string parameters =
      "family=hive\nvariant=" + std::string(version.name) +
      "\ntable_id=" + ToHex(ByteView(table.id.data(), table.id.size())) +
      "\nn1=" + std::to_string(n1) + "\nn2=" + std::to_string(n2) +
      "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n";
  KINTSUGI_RETURN_IF_ERROR(WriteSpecimen(
      fs, dir, name, HiveEncrypt(plaintext, table, version, n1, n2),
      parameters));
  return name;
}

}  // namespace kintsugi::families_testing
