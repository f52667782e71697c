#include "families/hive/hive.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/stop_token.h"
#include "families/extension.h"
#include "families/hive/evidence.h"
#include "families/hive/keystream.h"
#include "families/hive/layout.h"
#include "formats/known_header.h"
#include "recover/lost_bytes.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "hive",
      .family_id = "hive",
      .variants = {"v3", "v4"},
      .strategy = recover::Strategy::kKnownPlaintext,
      // v3/v4 append a random 5-character extension (§3.10 "File name"):
      // the name's token, not a fixed extension, tells a Hive file.
      .extensions = {},
      .needs = MessageId::kDecryptorHiveNeeds,
      .side_files = {},
      .spec = "recovery-schemes-2.md §3.10",
  };
  return info;
}

constexpr std::string_view kOldVariant = "v1/v2";

// A file's keystream is the same wherever (table, n1, n2) is: evidence from
// a second file with the same ones only repeats the first's, and would
// "confirm" both versions alike.
using StreamId = std::tuple<HiveTableId, std::uint32_t, std::uint32_t>;
StreamId StreamOf(const HiveName& name) {
  return {name.table_id, name.n1, name.n2};
}

class HiveStream final : public recover::StreamDecryption {
 public:
  HiveStream(std::optional<HiveKeystream> keystream, std::uint64_t size)
      : keystream_(std::move(keystream)), size_(size) {}
  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    if (out.size() < in.size()) return InternalError("output too small");
    std::copy(in.begin(), in.end(), out.begin());
    if (keystream_) {
      lost_.resize(in.size());
      keystream_->Apply(offset_, out.first(in.size()), lost_);
      for (std::size_t i = 0; i < in.size();) {
        if (lost_[i] == 0) {
          ++i;
          continue;
        }
        std::size_t j = i;
        while (j < in.size() && lost_[j] != 0) ++j;
        recorder_.Add(offset_ + i, j - i);
        i = j;
      }
    }
    offset_ += in.size();
    return in.size();
  }
  Result<std::size_t> Finish(std::span<std::uint8_t>) override { return 0; }
  // XOR keeps the size (§3.10).
  std::uint64_t MinOutputBytes() const override { return size_; }
  LostBytes Lost() const override { return recorder_.lost(); }

 private:
  std::optional<HiveKeystream> keystream_;
  std::uint64_t size_;
  std::uint64_t offset_ = 0;
  std::vector<std::uint8_t> lost_;
  recover::LostBytesRecorder recorder_;
};

class HiveRun final : public recover::DecryptorRun {
 public:
  HiveRun(std::map<HiveTableId, HiveTable> tables, bool forced,
          bool tables_capped)
      : tables_(std::move(tables)),
        forced_(forced),
        tables_capped_(tables_capped) {}

  // The ending that makes Probe() take a file by its name: ".hive" (v1/v2).
  // A v3/v4 name ends in a random extension; its 56-character token tells
  // it, and the KB's name rule "filename-v3-v4" (kb/hive.yaml) matches the
  // same names, so a names-only scan still triages them (a name a KB rule
  // matches is never screened, scan/name_screen.h;
  // src/scan/name_screen_test.cpp checks it).
  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes({kHiveOldExtension});
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    if (auto name = ParseHiveName(file.name)) {
      // A name-only match (below kStructuralConfidence): the token's
      // marker byte makes a stray match unlikely, but it is still a name.
      probe.confidence = 60;
      probe.variant = "v3 or v4";
      probe.original_name = name->original_name;
      probe.reason =
          Message{MessageId::kRecoverProbeExtension,
                  {{"name", "Hive"}, {"extension", "." + name->extension}}};
    } else if (recover::EndsWithIgnoreCase(file.name, kHiveOldExtension) &&
               file.name.size() > kHiveOldExtension.size()) {
      probe.confidence = 40;
      probe.variant = std::string(kOldVariant);
      probe.original_name =
          file.name.substr(0, file.name.size() - kHiveOldExtension.size());
      probe.reason = Message{
          MessageId::kRecoverProbeExtension,
          {{"name", "Hive"}, {"extension", std::string(kHiveOldExtension)}}};
    } else if (forced_ && file.size > 0) {
      // An empty file without a Hive name is just an empty file.
      probe.confidence = 20;
      auto stripped = recover::StripLastExtension(file.name);
      probe.original_name = stripped ? *stripped : file.name + ".recovered";
      probe.reason =
          Message{MessageId::kRecoverProbeForced, {{"decryptor", "hive"}}};
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    if (probe.variant == kOldVariant) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message = Message{MessageId::kRecoverHiveOldVersion, {}};
      return outcome;
    }
    const auto name = ParseHiveName(file.name);
    if (!name) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = Message{MessageId::kRecoverHiveNameNotDecoded, {}};
      return outcome;
    }
    const auto token = HiveNameToken(*name);
    outcome.key.key = SecretBytes(Bytes(token.begin(), token.end()));
    if (file.size == 0) {
      // Nothing is encrypted in an empty file (§3.10 block rule).
      outcome.verdict = KeyVerdict::kFound;
      outcome.key.source = "none needed (an empty file)";
      return outcome;
    }
    const std::string label = HiveTableLabel(name->table_id);
    const auto table = tables_.find(name->table_id);
    if (table == tables_.end()) {
      outcome.verdict = KeyVerdict::kNeedsInput;
      // An if, not a ternary: g++ 12 sees a maybe-uninitialized variant in
      // the ternary's temporary (as in recover/pipeline.cpp).
      if (tables_capped_) {
        outcome.message =
            Message{MessageId::kRecoverHiveTooManyTables,
                    {{"table", label},
                     {"tables", static_cast<std::int64_t>(kMaxHiveTables)}}};
      } else {
        outcome.message =
            Message{MessageId::kRecoverHiveNeedsEvidence, {{"table", label}}};
      }
      return outcome;
    }
    HiveKeystream keystream(table->second, *name, file.size);
    const std::uint64_t encrypted = keystream.EncryptedBytes();
    const std::uint64_t lost = keystream.CountLost();
    if (encrypted > 0 && lost == encrypted) {
      outcome.verdict = KeyVerdict::kNeedsInput;
      outcome.message = Message{
          MessageId::kRecoverHiveNotCovered,
          {{"table", label}, {"bytes", static_cast<std::int64_t>(encrypted)}}};
      return outcome;
    }
    outcome.verdict = KeyVerdict::kFound;
    outcome.key.variant = table->second.variant;
    outcome.key.source = "Hive key table " + label;
    outcome.expected_lost = lost;
    outcome.found = table->second.found;
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    const auto name = HiveNameFromToken(key.key.view().span());
    if (!name) return InvalidArgumentError("not a Hive key");
    std::optional<HiveKeystream> keystream;
    if (file_size > 0) {
      const auto table = tables_.find(name->table_id);
      if (table == tables_.end()) {
        return InvalidArgumentError("no solved Hive key table " +
                                    HiveTableLabel(name->table_id));
      }
      keystream.emplace(table->second, *name, file_size);
    }
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<HiveStream>(std::move(keystream), file_size));
  }

  // §3.10: only the blocks are encrypted and the size is kept. Before the
  // version is known, the larger of v3's and v4's blocks (they differ for
  // files of 87 blocks' worth, 356,352 bytes, and more).
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    if (probe.variant == kOldVariant) return std::nullopt;
    const std::uint64_t v3 = HiveEncryptedBytes(HiveBlocks(file.size, kHiveV3));
    const std::uint64_t v4 = HiveEncryptedBytes(HiveBlocks(file.size, kHiveV4));
    return recover::IntactBytes{file.size, file.size - std::max(v3, v4),
                                v3 != v4};
  }

 private:
  std::map<HiveTableId, HiveTable> tables_;
  bool forced_;
  bool tables_capped_;
};

class Hive final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    const HiveParameters* given = nullptr;
    for (const HiveParameters* version : kHiveVersions) {
      if (inputs.seed.variant == version->name) given = version;
    }
    if (inputs.forced && given == nullptr && !inputs.seed.variant.empty()) {
      return InvalidArgumentError("Hive's variants are v3 and v4, not \"" +
                                  inputs.seed.variant + "\"");
    }
    if (inputs.forced && (inputs.key || inputs.iv)) {
      return InvalidArgumentError(
          "Hive has no key to give: its key table is recovered from "
          "originals of encrypted files (--pair ENC=ORIG)");
    }
    HiveEvidence evidence(given);
    std::set<StreamId> seen;
    for (const KnownPlaintextPair& pair : inputs.pairs) {
      // A long list of large pairs takes a while: it stops with the run.
      KINTSUGI_RETURN_IF_ERROR(inputs.search.stop.status());
      KINTSUGI_RETURN_IF_ERROR(
          AddPair(fs, pair, inputs.forced, evidence, seen));
    }
    if (inputs.for_each_file) {
      KINTSUGI_RETURN_IF_ERROR(AddHeaders(fs, inputs, evidence, seen));
    }
    const bool capped = evidence.tables_capped();
    return std::unique_ptr<recover::DecryptorRun>(
        std::make_unique<HiveRun>(evidence.Solve(), inputs.forced, capped));
  }

 private:
  // §3.10 "Collect pairs": an original of an encrypted file. A pair whose
  // encrypted file has no Hive v3/v4 name is another family's, unless
  // --family hive says it is this one's.
  static Status AddPair(ReadOnlyFileSystem& fs, const KnownPlaintextPair& pair,
                        bool forced, HiveEvidence& evidence,
                        std::set<StreamId>& seen) {
    const std::string label = "--pair " + pair.encrypted.filename().string() +
                              "=" + pair.original.filename().string();
    const auto name = ParseHiveName(pair.encrypted.filename().string());
    if (!name) {
      if (!forced) return Status::Ok();
      return InvalidArgumentError(
          label +
          ": the encrypted file is not named as Hive v3/v4 names "
          "its files (NAME.<56 base64url characters>.<5 "
          "characters>), so nothing tells its keystream");
    }
    KINTSUGI_ASSIGN_OR_RETURN(FileInfo enc_info, fs.Stat(pair.encrypted, true));
    KINTSUGI_ASSIGN_OR_RETURN(FileInfo orig_info, fs.Stat(pair.original, true));
    if (enc_info.size != orig_info.size) {
      return InvalidArgumentError(
          label + ": the files differ in size (" +
          std::to_string(enc_info.size) + " vs " +
          std::to_string(orig_info.size) +
          " bytes); Hive keeps the size, so they are not a pair");
    }
    if (!seen.insert(StreamOf(*name)).second) return Status::Ok();
    KINTSUGI_ASSIGN_OR_RETURN(auto encrypted, fs.OpenForRead(pair.encrypted));
    KINTSUGI_ASSIGN_OR_RETURN(auto original, fs.OpenForRead(pair.original));
    const HivePairReader read = [&](std::uint64_t offset,
                                    std::span<std::uint8_t> enc,
                                    std::span<std::uint8_t> orig) -> Status {
      for (auto [file, out] :
           {std::pair{encrypted.get(), enc}, std::pair{original.get(), orig}}) {
        KINTSUGI_ASSIGN_OR_RETURN(std::size_t got,
                                  ReadFullyAt(*file, offset, out));
        if (got != out.size()) {
          return IoError(label + ": a file shrank while it was read");
        }
      }
      return Status::Ok();
    };
    auto added = evidence.AddPair(*name, enc_info.size, label, read);
    if (!added.ok()) {
      return Status(added.error().code(),
                    label + ": " + added.error().message());
    }
    return Status::Ok();
  }

  // §3.10 "Collect pairs", the other way: the fixed header bytes of the
  // original's type (formats/known_header.h, by the extension in the name),
  // read from the first bytes of every encrypted file. A file that cannot be
  // read is left out, not an error. It reports progress per file and stops
  // with the run (kCancelled, kDeadlineExceeded).
  static Status AddHeaders(ReadOnlyFileSystem& fs,
                           const recover::RunInputs& inputs,
                           HiveEvidence& evidence, std::set<StreamId>& seen) {
    SearchControl control(inputs.search.stop, inputs.file_count,
                          inputs.search.on_progress);
    const auto visit = [&](const Path& path, std::uint64_t size) -> Status {
      KINTSUGI_RETURN_IF_ERROR(control.Advance(1));
      const auto name = ParseHiveName(path.filename().string());
      if (!name || size == 0 || seen.contains(StreamOf(*name))) {
        return Status::Ok();
      }
      if (evidence.headers_full() || !evidence.HasRoomFor(name->table_id)) {
        evidence.NoteLeftOut(name->table_id);  // Not read: a limit.
        return Status::Ok();
      }
      const auto header =
          formats::KnownHeaderFor(LowerExtension(name->original_name), size);
      if (!header) return Status::Ok();
      std::vector<std::pair<std::uint64_t, ByteView>> runs;
      for (const formats::KnownBytes& run : header->runs) {
        if (run.certainty == formats::Certainty::kFixed &&
            run.offset < kHiveHeaderReadBytes) {
          runs.push_back({run.offset, ByteView(run.bytes)});
        }
      }
      if (runs.empty()) return Status::Ok();
      auto head = ReadHead(fs, path, kHiveHeaderReadBytes);
      if (!head) return Status::Ok();
      if (evidence.AddKnownBytes(*name, size,
                                 "the header of " + path.filename().string(),
                                 *head, runs)) {
        seen.insert(StreamOf(*name));
      }
      return Status::Ok();
    };
    return inputs.for_each_file(visit);
  }
};

}  // namespace

const recover::Decryptor& HiveDecryptor() {
  static const Hive decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
