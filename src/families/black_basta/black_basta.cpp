#include "families/black_basta/black_basta.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "families/black_basta/block_search.h"
#include "families/extension.h"
#include "formats/file_validator.h"
#include "formats/known_header.h"
#include "recover/lost_bytes.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

constexpr std::string_view kId = "black-basta";
constexpr std::string_view kWeakVariant = "2023 strain (footer version 6)";
constexpr std::uint64_t kBlock = kBlackBastaBlockBytes;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = kId,
      .family_id = "blackbasta",
      .variants = {kWeakVariant},
      .strategy = recover::Strategy::kKnownPlaintext,
      // §3.14: the 9-character extension is random; the footer decides.
      .extensions = {},
      .needs = MessageId::kDecryptorBlackBastaNeeds,
      .side_files = {},
      .spec = "recovery-schemes-2.md §3.9",
  };
  return info;
}

std::int64_t Number(std::uint64_t n) {
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(n, static_cast<std::uint64_t>(INT64_MAX)));
}

// Strips the footer and XORs K onto the K-blocks; the bytes encrypted with
// an advancing keystream are written as they are, and are lost (§3.9 step
// 4).
class BlackBastaStream final : public recover::StreamDecryption {
 public:
  BlackBastaStream(BlackBastaLayout layout, std::optional<BlackBastaBlock> key)
      : layout_(layout), key_(key) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    if (out.size() < in.size()) return InternalError("output too small");
    // Bytes past the original are the footer: dropped.
    const std::uint64_t left =
        offset_ < layout_.size() ? layout_.size() - offset_ : 0;
    const auto keep =
        static_cast<std::size_t>(std::min<std::uint64_t>(left, in.size()));
    std::copy_n(in.begin(), keep, out.begin());
    if (key_) BlackBastaXor(layout_, *key_, offset_, out.first(keep));
    offset_ += in.size();
    return keep;
  }
  Result<std::size_t> Finish(std::span<std::uint8_t>) override {
    if (offset_ != layout_.size() + kBlackBastaFooterBytes) {
      return CorruptError("the file changed size while it was read");
    }
    return 0;
  }
  std::uint64_t MinOutputBytes() const override { return layout_.size(); }
  LostBytes Lost() const override {
    recover::LostBytesRecorder recorder;
    for (const ByteRange& range : layout_.Lost()) {
      recorder.Add(range.offset, range.length);
    }
    return recorder.lost();
  }

 private:
  BlackBastaLayout layout_;
  std::optional<BlackBastaBlock> key_;
  std::uint64_t offset_ = 0;
};

// A K learned before any file, for one file: from a --pair.
struct PairKey {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  BlackBastaBlock block{};
  std::string source;  // "--pair a=b"
};

// A K to try on a file, and where it came from.
struct Candidate {
  BlackBastaBlock block{};
  std::string source;
  bool searched = false;  // From the file's own zero regions.
};

class BlackBastaRun final : public recover::DecryptorRun {
 public:
  BlackBastaRun(ReadOnlyFileSystem& fs, const BlackBastaSettings& settings,
                const recover::RunInputs& inputs, std::vector<PairKey> pairs,
                std::optional<BlackBastaBlock> given,
                std::vector<ReportedKey> reported)
      : fs_(fs),
        settings_(settings),
        forced_(inputs.forced),
        known_(inputs.known),
        stop_(inputs.search.stop),
        pairs_(std::move(pairs)),
        given_(given),
        reported_(std::move(reported)) {}

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    // The footer decides; no name alone is enough.
    return std::vector<std::string>{};
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    const auto footer = ParseBlackBastaFooter(file.tail, file.size);
    if (!footer) return probe;
    const bool named = HasBlackBastaExtension(file.name);
    const bool weak = footer->version == kBlackBastaWeakVersion;
    if (named) {
      probe.confidence = weak ? 85 : 50;
      probe.original_name =
          file.name.substr(0, file.name.size() - kBlackBastaExtensionChars - 1);
    } else if (forced_) {
      probe.confidence = weak ? 70 : 40;
      probe.original_name = file.name;
    } else {
      return probe;
    }
    probe.variant = weak ? std::string(kWeakVariant)
                         : "footer version " + std::to_string(footer->version);
    probe.reason = Message{
        MessageId::kRecoverProbeBlackBastaFooter,
        {{"version", std::int64_t{footer->version}}, {"magic", footer->magic}}};
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    const auto footer = ParseBlackBastaFooter(file.tail, file.size);
    if (!footer) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = Message{MessageId::kRecoverDamaged,
                                {{"error", "no Black Basta footer"}}};
      return outcome;
    }
    if (footer->version != kBlackBastaWeakVersion) {
      // §3.9 "Uncertain": later builds fixed the reuse.
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message = Message{MessageId::kRecoverBlackBastaOtherVersion,
                                {{"version", std::int64_t{footer->version}}}};
      return outcome;
    }
    const BlackBastaLayout layout(file.size - kBlackBastaFooterBytes,
                                  footer->counter, settings_.large_from);
    if (!layout.AnyKBlock()) {
      // Too short to hold a whole block, or never reached: nothing to undo.
      return Found(layout, std::nullopt, "none needed (nothing encrypted)");
    }
    Message misfit;  // Why the last K tried does not fit (id kCount: none).
    auto opened = fs_.OpenForRead(file.path);
    if (!opened) return CannotRead(opened.error());
    ReadableFile& readable = **opened;
    std::vector<Candidate> candidates;
    if (auto pair = PairFor(file)) candidates.push_back(*pair);
    if (given_) candidates.push_back({*given_, "--key"});
    auto known = FromKnown(readable, layout, probe.original_name, file);
    if (!known) return CannotRead(known.error());
    if (known->candidate) candidates.push_back(*known->candidate);
    for (const Candidate& candidate : candidates) {
      auto fits = Fits(readable, layout, candidate, probe.original_name, file);
      if (!fits) return CannotRead(fits.error());
      if (fits->id == MessageId::kCount) {
        return Found(layout, candidate.block, candidate.source);
      }
      misfit = std::move(*fits);
    }
    if (misfit.id == MessageId::kCount) misfit = known->conflict;
    ZeroRegionScan scan;
    if (layout.size_class() != BlackBastaSizeClass::kSmall) {
      auto scanned =
          ScanZeroRegions(readable, layout, settings_.max_scan_bytes, stop_);
      if (!scanned) return CannotRead(scanned.error());
      scan = *scanned;
      if (scan.block) {
        const Candidate found{*scan.block,
                              "encrypted zero regions (" +
                                  std::to_string(scan.agreeing) + " blocks)",
                              true};
        auto fits = Fits(readable, layout, found, probe.original_name, file);
        if (!fits) return CannotRead(fits.error());
        if (fits->id == MessageId::kCount) {
          return Found(layout, found.block, found.source);
        }
        misfit = std::move(*fits);
      }
    }
    if (misfit.id != MessageId::kCount) {
      outcome.verdict = KeyVerdict::kNotFound;
      outcome.message = std::move(misfit);
      return outcome;
    }
    outcome.verdict = KeyVerdict::kNeedsInput;
    outcome.message =
        layout.size_class() == BlackBastaSizeClass::kSmall
            ? Message{MessageId::kRecoverBlackBastaSmall, {}}
            : Message{MessageId::kRecoverBlackBastaNoBlock,
                      {{"scanned", Number(scan.read)},
                       {"limit", Number(settings_.max_scan_bytes)}}};
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    if (file_size < kBlackBastaFooterBytes) {
      return InvalidArgumentError("shorter than the Black Basta footer");
    }
    const BlackBastaLayout layout(file_size - kBlackBastaFooterBytes,
                                  key.region, settings_.large_from);
    std::optional<BlackBastaBlock> block;
    if (!key.key.empty()) {
      if (key.key.size() != kBlock) {
        return InvalidArgumentError("a Black Basta block is 64 bytes");
      }
      block.emplace();
      std::copy_n(key.key.view().begin(), kBlock, block->begin());
    } else if (layout.AnyKBlock()) {
      return InvalidArgumentError("no Black Basta block for encrypted bytes");
    }
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<BlackBastaStream>(layout, block));
  }

  // §3.9 layout: the K-blocks and the lost bytes are encrypted, the rest is
  // the original's. The counter is in the tail; without it, the file is
  // taken as complete, and more may be intact.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    if (file.size < kBlackBastaFooterBytes) return std::nullopt;
    const std::uint64_t n = file.size - kBlackBastaFooterBytes;
    const auto footer = ParseBlackBastaFooter(file.tail, file.size);
    const BlackBastaLayout layout(n, footer ? footer->counter : n,
                                  settings_.large_from);
    const std::uint64_t encrypted =
        layout.KBlockCount() * kBlock + layout.LostTotal();
    return recover::IntactBytes{n, n - std::min(n, encrypted), !footer};
  }

  std::vector<ReportedKey> ReportedKeys() const override { return reported_; }

 private:
  KeyOutcome Found(const BlackBastaLayout& layout,
                   std::optional<BlackBastaBlock> block,
                   std::string source) const {
    KeyOutcome outcome;
    outcome.verdict = KeyVerdict::kFound;
    if (block) outcome.key.key = SecretBytes(ByteView(block->data(), kBlock));
    outcome.key.region = layout.counter();
    outcome.key.variant = std::string(kWeakVariant);
    outcome.key.source = std::move(source);
    outcome.expected_lost = layout.LostTotal();
    if (outcome.expected_lost > 0) {
      outcome.message =
          Message{layout.size_class() == BlackBastaSizeClass::kSmall
                      ? MessageId::kRecoverBlackBastaSmallPartial
                      : MessageId::kRecoverBlackBastaHeadLost,
                  {}};
    }
    if (layout.interrupted()) {
      outcome.found = Message{MessageId::kRecoverBlackBastaInterrupted,
                              {{"counter", Number(layout.counter())}}};
    }
    return outcome;
  }

  static KeyOutcome CannotRead(const Status& error) {
    KeyOutcome outcome;
    outcome.verdict = KeyVerdict::kDamaged;
    outcome.message =
        Message{MessageId::kRecoverCannotRead, {{"error", error.message()}}};
    return outcome;
  }

  // The K a --pair gave for this very file.
  std::optional<Candidate> PairFor(const FileSample& file) const {
    if (pairs_.empty()) return std::nullopt;
    auto info = fs_.Stat(file.path, true);
    if (!info) return std::nullopt;
    for (const PairKey& pair : pairs_) {
      if (pair.device == info->device && pair.inode == info->inode) {
        return Candidate{pair.block, pair.source};
      }
    }
    return std::nullopt;
  }

  // §3.9 step 2(a): K from --known and the fixed bytes of the file type's
  // header, when together they fix all 64 bytes. A conflict between them
  // is said in `conflict`.
  struct Known {
    std::optional<Candidate> candidate;
    Message conflict;
  };
  Result<Known> FromKnown(ReadableFile& file, const BlackBastaLayout& layout,
                          const std::string& original_name,
                          const FileSample& sample) const {
    BlackBastaKnownBlock known(layout);
    std::string source;
    if (const auto header = formats::KnownHeaderFor(
            LowerExtension(original_name), layout.size())) {
      bool used = false;
      for (const formats::KnownBytes& run : header->runs) {
        if (run.certainty != formats::Certainty::kFixed) continue;
        if (run.offset >= sample.head.size()) continue;
        const std::size_t before = known.fixed();
        known.Add(run.offset, run.bytes,
                  sample.head.Last(sample.head.size() -
                                   static_cast<std::size_t>(run.offset)));
        used |= known.fixed() > before;
      }
      if (used)
        source = "the fixed " +
                 std::string(formats::FileKindName(header->kind)) +
                 " header bytes";
    }
    std::size_t read = 0;
    Bytes cipher;
    for (const KnownPlaintextAt& given : known_) {
      if (given.offset >= layout.size() || read >= kBlackBastaMaxKnownRead) {
        continue;
      }
      const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(
          {given.bytes.size(), layout.size() - given.offset,
           kBlackBastaMaxKnownRead - read}));
      cipher.resize(length);
      KINTSUGI_ASSIGN_OR_RETURN(std::size_t got,
                                ReadFullyAt(file, given.offset, cipher));
      read += got;
      const std::size_t before = known.fixed();
      known.Add(given.offset, given.bytes, ByteView(cipher.data(), got));
      if (known.fixed() > before) {
        source = source.empty() ? "--known" : "--known and " + source;
      }
    }
    if (known.conflict()) {
      return Known{std::nullopt,
                   Message{MessageId::kRecoverBlackBastaKnownConflict,
                           {{"offset", Number(*known.conflict())}}}};
    }
    if (!known.complete()) return Known{};
    return Known{Candidate{known.block(), source}, Message{}};
  }

  // §3.14 "Validators": the file type's magic at 0 (the first block uses K
  // in every size class) and, for a K the file's own zero regions did not
  // give, spaced blocks that join their neighbours. Id kCount: it fits.
  Result<Message> Fits(ReadableFile& file, const BlackBastaLayout& layout,
                       const Candidate& candidate,
                       const std::string& original_name,
                       const FileSample& sample) const {
    const auto kinds = formats::ExpectedKinds(LowerExtension(original_name));
    if (!kinds.empty() && layout.KIndex(0) && sample.head.size() >= kBlock) {
      BlackBastaBlock head{};
      std::copy_n(sample.head.begin(), kBlock, head.begin());
      for (std::size_t i = 0; i < kBlock; ++i) head[i] ^= candidate.block[i];
      const ByteView plain(head.data(), kBlock);
      const bool any =
          std::any_of(kinds.begin(), kinds.end(), [&](formats::FileKind kind) {
            return formats::HeaderPlausible(kind, plain, layout.size());
          });
      if (!any) {
        return Message{
            MessageId::kRecoverBlackBastaMagicMisfit,
            {{"source", candidate.source},
             {"kind", std::string(formats::FileKindName(kinds.front()))}}};
      }
    }
    if (candidate.searched) return Message{};
    KINTSUGI_ASSIGN_OR_RETURN(
        BlackBastaJoins joins,
        CheckJoins(file, layout, candidate.block, kBlackBastaCheckWindows));
    if (joins.judged >= kBlackBastaMinJudged &&
        joins.joins * 2 < joins.judged) {
      return Message{MessageId::kRecoverBlackBastaBlockMisfit,
                     {{"source", candidate.source},
                      {"joins", Number(joins.joins)},
                      {"judged", Number(joins.judged)}}};
    }
    return Message{};
  }

  ReadOnlyFileSystem& fs_;  // The run's source; it outlives the run.
  BlackBastaSettings settings_;
  bool forced_;
  std::vector<KnownPlaintextAt> known_;
  StopToken stop_;
  std::vector<PairKey> pairs_;
  std::optional<BlackBastaBlock> given_;
  std::vector<ReportedKey> reported_;
};

class BlackBasta final : public recover::Decryptor {
 public:
  explicit BlackBasta(const BlackBastaSettings& settings)
      : settings_(settings) {}

  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    std::optional<BlackBastaBlock> given;
    if (inputs.key && inputs.forced) {
      if (inputs.iv) return InvalidArgumentError("Black Basta has no IV");
      if (inputs.key->size() != kBlock) {
        return InvalidArgumentError(
            "a Black Basta key is the file's 64-byte block (128 hex "
            "digits), got " +
            std::to_string(inputs.key->size()) + " bytes");
      }
      given.emplace();
      std::copy_n(inputs.key->view().begin(), kBlock, given->begin());
    }
    std::vector<PairKey> pairs;
    std::vector<ReportedKey> reported;
    for (const KnownPlaintextPair& pair : inputs.pairs) {
      KINTSUGI_ASSIGN_OR_RETURN(auto found, FromPair(fs, pair, inputs.forced));
      if (!found) continue;
      ReportedKey report;
      report.decryptor = std::string(kId);
      report.key_hex = ToHex(ByteView(found->block.data(), kBlock));
      report.source = found->source;
      report.detail = Message{MessageId::kRecoverBlackBastaKeyFromPair, {}};
      reported.push_back(std::move(report));
      pairs.push_back(std::move(*found));
    }
    return std::unique_ptr<recover::DecryptorRun>(
        std::make_unique<BlackBastaRun>(fs, settings_, inputs, std::move(pairs),
                                        given, std::move(reported)));
  }

 private:
  // K of the pair's encrypted file: the most common C XOR P over its
  // K-blocks (§3.9 step 2(a)). A pair that is not Black Basta's is another
  // decryptor's (nothing), unless --family chose this one.
  Result<std::optional<PairKey>> FromPair(ReadOnlyFileSystem& fs,
                                          const KnownPlaintextPair& pair,
                                          bool forced) const {
    const std::string label = "--pair " + pair.encrypted.filename().string() +
                              "=" + pair.original.filename().string();
    const auto refuse =
        [&](const std::string& why) -> Result<std::optional<PairKey>> {
      if (!forced) return std::optional<PairKey>();
      return InvalidArgumentError(label + ": " + why);
    };
    KINTSUGI_ASSIGN_OR_RETURN(FileInfo enc_info, fs.Stat(pair.encrypted, true));
    KINTSUGI_ASSIGN_OR_RETURN(FileInfo orig_info, fs.Stat(pair.original, true));
    KINTSUGI_ASSIGN_OR_RETURN(
        Bytes tail, ReadTail(fs, pair.encrypted, kBlackBastaVersionFromEnd));
    const auto footer = ParseBlackBastaFooter(tail, enc_info.size);
    if (!footer || footer->version != kBlackBastaWeakVersion) {
      return refuse(
          "the encrypted file has no Black Basta footer of version 6 "
          "(recovery-schemes-2.md §3.9)");
    }
    const BlackBastaLayout layout(enc_info.size - kBlackBastaFooterBytes,
                                  footer->counter, settings_.large_from);
    KINTSUGI_ASSIGN_OR_RETURN(auto enc, fs.OpenForRead(pair.encrypted));
    KINTSUGI_ASSIGN_OR_RETURN(auto orig, fs.OpenForRead(pair.original));
    KINTSUGI_ASSIGN_OR_RETURN(PairBlock block,
                              BlockFromPair(*enc, *orig, orig_info.size, layout,
                                            kBlackBastaMaxPairBlocks));
    if (!block.block) {
      return refuse(
          "the original covers no encrypted 64-byte block of the encrypted "
          "file");
    }
    if (block.agreeing * 2 <= block.compared) {
      return refuse("the encrypted blocks give " +
                    std::to_string(block.compared) +
                    " different keystream blocks, none in most of them: the "
                    "original is not this file's");
    }
    return std::optional<PairKey>(
        PairKey{enc_info.device, enc_info.inode, *block.block, label});
  }

  BlackBastaSettings settings_;
};

}  // namespace

bool HasBlackBastaExtension(std::string_view name) {
  if (name.size() < kBlackBastaExtensionChars + 2) return false;
  const std::string_view ext =
      name.substr(name.size() - kBlackBastaExtensionChars);
  if (name[name.size() - kBlackBastaExtensionChars - 1] != '.') return false;
  return std::all_of(ext.begin(), ext.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
  });
}

const recover::Decryptor& BlackBastaDecryptor() {
  static const BlackBasta decryptor{BlackBastaSettings{}};
  return decryptor;
}

std::unique_ptr<recover::Decryptor> MakeBlackBastaDecryptor(
    const BlackBastaSettings& settings) {
  return std::make_unique<BlackBasta>(settings);
}

}  // namespace kintsugi::families
