#include "families/hive/evidence.h"

#include <algorithm>
#include <utility>

namespace kintsugi::families {
namespace {

// Which of a version's blocks cover a file offset; offsets must come in
// increasing order. Blocks end in increasing order too (HiveBlocks), even
// the two that overlap in a file of 4097-8191 bytes.
class BlockCursor {
 public:
  explicit BlockCursor(std::vector<HiveBlock> blocks)
      : blocks_(std::move(blocks)) {}
  // How many blocks cover `offset` (0, 1 or 2); with 1, `stream` is the
  // offset's stream index.
  int Cover(std::uint64_t offset, std::uint64_t& stream) {
    while (next_ < blocks_.size() &&
           blocks_[next_].offset + blocks_[next_].length <= offset) {
      ++next_;
    }
    int count = 0;
    for (std::size_t k = next_;
         k < blocks_.size() && blocks_[k].offset <= offset; ++k) {
      if (offset < blocks_[k].offset + blocks_[k].length) {
        ++count;
        stream = blocks_[k].stream_index + (offset - blocks_[k].offset);
      }
    }
    return count;
  }

 private:
  std::vector<HiveBlock> blocks_;
  std::size_t next_ = 0;
};

// One file's keystream bytes as equations, for both versions at once.
class FileEquations {
 public:
  FileEquations(const HiveName& name, std::uint64_t size,
                recover::XorGraph* graphs[2])
      : cursors_{BlockCursor(HiveBlocks(size, kHiveV3)),
                 BlockCursor(HiveBlocks(size, kHiveV4))},
        windows_{HiveWindowsFor(name.n1, name.n2, kHiveV3),
                 HiveWindowsFor(name.n1, name.n2, kHiveV4)},
        graphs_{graphs[0], graphs[1]} {
    for (recover::XorGraph* graph : graphs_) graph->BeginUnit();
  }
  // Keystream byte `value` (encrypted XOR original) at file `offset`.
  void Add(std::uint64_t offset, std::uint8_t value) {
    for (std::size_t v = 0; v < 2; ++v) {
      std::uint64_t stream = 0;
      const int cover = cursors_[v].Cover(offset, stream);
      if (cover == 0) {
        // Plain under this version: the two files must agree here.
        if (value != 0) graphs_[v]->FailUnit();
      } else if (cover == 1) {
        const HiveTablePair at =
            HivePositions(windows_[v], stream, *kHiveVersions[v]);
        graphs_[v]->Add(at.a, at.b, value);
      }
      // Covered twice (a file of 4097-8191 bytes): the byte holds two
      // keystream bytes, which no single equation states.
    }
  }

 private:
  BlockCursor cursors_[2];
  HiveWindows windows_[2];
  recover::XorGraph* graphs_[2];
};

bool Supported(const HiveVersionTally& t) {
  return t.confirmations >= kMinHiveConfirmations &&
         t.confirmations >= kHiveConfirmationRatio * t.dropped;
}

std::int64_t Count(std::uint64_t n) { return static_cast<std::int64_t>(n); }

}  // namespace

std::vector<const HiveParameters*> ChooseHiveVersions(
    const HiveVersionTally& v3, const HiveVersionTally& v4,
    const HiveParameters* given) {
  if (given != nullptr) return {given};
  const bool fits3 = Supported(v3);
  const bool fits4 = Supported(v4);
  if (fits3 && !fits4) return {&kHiveV3};
  if (fits4 && !fits3) return {&kHiveV4};
  return {&kHiveV3, &kHiveV4};
}

HiveEvidence::Slot* HiveEvidence::SlotFor(const HiveTableId& id) {
  if (auto it = slots_.find(id); it != slots_.end()) return &it->second;
  if (slots_.size() == kMaxHiveTables) {
    tables_capped_ = true;
    return nullptr;
  }
  Slot& slot = slots_[id];
  for (std::size_t v = 0; v < 2; ++v) {
    slot.graphs[v] =
        std::make_unique<recover::XorGraph>(kHiveVersions[v]->table_bytes);
  }
  return &slot;
}

void HiveEvidence::EndUnits(Slot& slot, const std::string& label) {
  for (std::size_t v = 0; v < 2; ++v) {
    const recover::XorUnitResult result = slot.graphs[v]->EndUnit();
    HiveVersionTally& tally = slot.tally[v];
    if (result.kept) {
      ++tally.kept;
      tally.confirmations += result.confirmations;
    } else {
      ++tally.dropped;
      if (tally.first_dropped.empty()) tally.first_dropped = label;
    }
  }
}

Result<bool> HiveEvidence::AddPair(const HiveName& name, std::uint64_t size,
                                   const std::string& label,
                                   const HivePairReader& read) {
  const auto regions = HiveEncryptedRegions(size, kHiveVersions);
  std::uint64_t bytes = 0;
  for (const HiveRegion& r : regions) bytes += r.end - r.offset;
  if (bytes > kMaxHivePairKeystreamBytes - pair_bytes_) {
    pairs_capped_ = true;
    return false;
  }
  Slot* slot = SlotFor(name.table_id);
  if (slot == nullptr) return false;
  pair_bytes_ += bytes;
  recover::XorGraph* graphs[2] = {slot->graphs[0].get(), slot->graphs[1].get()};
  FileEquations equations(name, size, graphs);
  constexpr std::size_t kChunk = 64 * 1024;
  Bytes encrypted(kChunk);
  Bytes original(kChunk);
  for (const HiveRegion& region : regions) {
    for (std::uint64_t at = region.offset; at < region.end; at += kChunk) {
      const auto n = static_cast<std::size_t>(
          std::min<std::uint64_t>(kChunk, region.end - at));
      const Status status =
          read(at, std::span(encrypted).first(n), std::span(original).first(n));
      if (!status.ok()) {
        for (auto& graph : slot->graphs) graph->FailUnit();
        EndUnits(*slot, label);
        return status;
      }
      for (std::size_t i = 0; i < n; ++i) {
        equations.Add(at + i,
                      static_cast<std::uint8_t>(encrypted[i] ^ original[i]));
      }
    }
  }
  EndUnits(*slot, label);
  ++slot->pairs;
  return true;
}

bool HiveEvidence::AddKnownBytes(
    const HiveName& name, std::uint64_t size, const std::string& label,
    ByteView head, std::span<const std::pair<std::uint64_t, ByteView>> runs) {
  std::vector<std::pair<std::uint64_t, std::uint8_t>> known;
  for (const auto& [offset, bytes] : runs) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const std::uint64_t at = offset + i;
      if (at >= head.size() || at >= size) break;
      known.push_back({at, static_cast<std::uint8_t>(
                               head.span()[static_cast<std::size_t>(at)] ^
                               bytes.span()[i])});
    }
  }
  if (known.empty()) return false;
  if (header_files_ == kMaxHiveHeaderFiles) {
    headers_capped_ = true;
    return false;
  }
  Slot* slot = SlotFor(name.table_id);
  if (slot == nullptr) return false;
  ++header_files_;
  std::sort(known.begin(), known.end());
  recover::XorGraph* graphs[2] = {slot->graphs[0].get(), slot->graphs[1].get()};
  FileEquations equations(name, size, graphs);
  std::optional<std::uint64_t> last;
  for (const auto& [offset, value] : known) {
    if (last && *last == offset) continue;  // Two runs: the first counts.
    equations.Add(offset, value);
    last = offset;
  }
  EndUnits(*slot, label);
  ++slot->headers;
  return true;
}

std::map<HiveTableId, HiveTable> HiveEvidence::Solve() {
  std::map<HiveTableId, HiveTable> tables;
  for (auto& [id, slot] : slots_) {
    HiveTable table;
    table.id = id;
    table.versions = ChooseHiveVersions(slot.tally[0], slot.tally[1], given_);
    for (const HiveParameters* version : table.versions) {
      const std::size_t v = version == &kHiveV3 ? 0 : 1;
      slot.graphs[v]->Finish();
      table.graphs.push_back(std::move(slot.graphs[v]));
      if (!table.variant.empty()) table.variant += " or ";
      table.variant += version->name;
    }
    // The graphs not chosen are freed now.
    for (auto& graph : slot.graphs) graph.reset();

    const HiveVersionTally& v3 = slot.tally[0];
    const HiveVersionTally& v4 = slot.tally[1];
    std::vector<Message> details;
    if (given_ != nullptr) {
      details.push_back(Message{MessageId::kRecoverHiveVariantGiven,
                                {{"variant", std::string(given_->name)}}});
    } else if (table.versions.size() == 1) {
      const bool is3 = table.versions.front() == &kHiveV3;
      const HiveVersionTally& mine = is3 ? v3 : v4;
      const HiveVersionTally& other = is3 ? v4 : v3;
      details.push_back(
          Message{MessageId::kRecoverHiveVariantFits,
                  {{"variant", table.variant},
                   {"confirmed", Count(mine.confirmations)},
                   {"dropped", Count(mine.dropped)},
                   {"other", std::string(is3 ? "v4" : "v3")},
                   {"other_confirmed", Count(other.confirmations)},
                   {"other_dropped", Count(other.dropped)}}});
    } else {
      details.push_back(Message{MessageId::kRecoverHiveVariantUndecided,
                                {{"v3_confirmed", Count(v3.confirmations)},
                                 {"v3_dropped", Count(v3.dropped)},
                                 {"v4_confirmed", Count(v4.confirmations)},
                                 {"v4_dropped", Count(v4.dropped)}}});
    }
    const HiveVersionTally& used = table.versions.front() == &kHiveV3 ? v3 : v4;
    if (used.dropped > 0) {
      details.push_back(Message{
          MessageId::kRecoverHiveDropped,
          {{"count", Count(used.dropped)}, {"first", used.first_dropped}}});
    }
    if (pairs_capped_) {
      details.push_back(
          Message{MessageId::kRecoverHivePairsCapped,
                  {{"limit", Count(kMaxHivePairKeystreamBytes >> 20)}}});
    }
    if (headers_capped_) {
      details.push_back(Message{MessageId::kRecoverHiveHeadersCapped,
                                {{"limit", Count(kMaxHiveHeaderFiles)}}});
    }
    table.found = Message{MessageId::kRecoverHiveTable,
                          {{"table", HiveTableLabel(id)},
                           {"variant", table.variant},
                           {"pairs", Count(slot.pairs)},
                           {"headers", Count(slot.headers)},
                           {"details", std::move(details)}}};
    tables.emplace(id, std::move(table));
  }
  slots_.clear();
  return tables;
}

}  // namespace kintsugi::families
