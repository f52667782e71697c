#include "families/hive/keystream.h"

#include <algorithm>

namespace kintsugi::families {

HiveKeystream::HiveKeystream(const HiveTable& table, const HiveName& name,
                             std::uint64_t size) {
  for (std::size_t v = 0; v < table.versions.size(); ++v) {
    const HiveParameters& parameters = *table.versions[v];
    versions_.push_back({&parameters, table.graphs[v].get(),
                         HiveBlocks(size, parameters),
                         HiveWindowsFor(name.n1, name.n2, parameters)});
  }
  regions_ = HiveEncryptedRegions(size, table.versions);
  plain_.resize(versions_.size());
  known_.resize(versions_.size());
}

void HiveKeystream::Apply(std::uint64_t offset, std::span<std::uint8_t> data,
                          std::span<std::uint8_t> lost) {
  std::fill(lost.begin(), lost.end(), 0);
  const std::uint64_t end = offset + data.size();
  // Nothing to do outside every version's blocks.
  const bool touched = std::any_of(
      regions_.begin(), regions_.end(),
      [&](const HiveRegion& r) { return r.offset < end && offset < r.end; });
  if (!touched) return;
  input_.assign(data.begin(), data.end());
  for (std::size_t v = 0; v < versions_.size(); ++v) {
    const Version& version = versions_[v];
    Bytes& plain = plain_[v];
    std::vector<std::uint8_t>& known = known_[v];
    plain = input_;
    known.assign(data.size(), 1);
    for (const HiveBlock& block : version.blocks) {
      const std::uint64_t from = std::max(offset, block.offset);
      const std::uint64_t to = std::min(end, block.offset + block.length);
      for (std::uint64_t at = from; at < to; ++at) {
        const HiveTablePair positions = HivePositions(
            version.windows, block.stream_index + (at - block.offset),
            *version.parameters);
        const auto i = static_cast<std::size_t>(at - offset);
        if (const auto key =
                version.graph->Relation(positions.a, positions.b)) {
          plain[i] ^= *key;  // A byte in two blocks takes both.
        } else {
          known[i] = 0;
        }
      }
    }
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    bool ok = known_[0][i] != 0;
    for (std::size_t v = 1; ok && v < versions_.size(); ++v) {
      ok = known_[v][i] != 0 && plain_[v][i] == plain_[0][i];
    }
    data[i] = ok ? plain_[0][i] : input_[i];
    lost[i] = ok ? 0 : 1;
  }
}

std::uint64_t HiveKeystream::EncryptedBytes() const {
  std::uint64_t total = 0;
  for (const HiveRegion& r : regions_) total += r.end - r.offset;
  return total;
}

std::uint64_t HiveKeystream::CountLost() {
  constexpr std::size_t kChunk = 64 * 1024;
  Bytes data(kChunk);
  std::vector<std::uint8_t> lost(kChunk);
  std::uint64_t total = 0;
  for (const HiveRegion& r : regions_) {
    for (std::uint64_t at = r.offset; at < r.end; at += kChunk) {
      const auto n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, r.end - at));
      std::fill_n(data.begin(), n, 0);
      Apply(at, std::span(data).first(n), std::span(lost).first(n));
      total += static_cast<std::uint64_t>(
          std::count(lost.begin(), lost.begin() + static_cast<long>(n), 1));
    }
  }
  return total;
}

}  // namespace kintsugi::families
