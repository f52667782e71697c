#include "families/cryptxxx/cryptxxx.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/stop_token.h"
#include "families/extension.h"
#include "formats/known_header.h"
#include "recover/lost_bytes.h"

namespace kintsugi::families {
namespace {

using recover::FileSample;
using recover::KeyOutcome;
using recover::KeyVerdict;
using recover::ProbeResult;

constexpr std::string_view kVariant = "v1 (one RC4 keystream for all files)";
constexpr std::size_t kChunk = 1 << 20;

const recover::DecryptorInfo& Info() {
  static const recover::DecryptorInfo info{
      .id = "cryptxxx",
      .family_id = "cryptxxx",
      .variants = {kVariant},
      .strategy = recover::Strategy::kKnownPlaintext,
      .extensions = {kCryptxxxExtension},
      .needs = MessageId::kDecryptorCryptxxxNeeds,
      .side_files = {},
      .spec = "recovery-schemes-3.md §3.13",
  };
  return info;
}

std::int64_t Number(std::uint64_t n) {
  return static_cast<std::int64_t>(
      std::min<std::uint64_t>(n, static_cast<std::uint64_t>(INT64_MAX)));
}

bool Named(std::string_view name) {
  return name.size() > kCryptxxxExtension.size() &&
         recover::EndsWithIgnoreCase(name, kCryptxxxExtension);
}

// The keystream of a run: from the pairs, shared by every file.
struct Keystream {
  SecretBytes bytes;
  std::uint64_t trailer = 0;  // Bytes appended after the data (§3.13 step 2).
  std::string source;         // "--pair a=b"
};

// How the keystream fits a file's fixed header bytes (formats/known_header.h)
// within what the keystream and the head cover.
struct HeaderFit {
  std::string_view kind;
  std::size_t agree = 0;
  std::vector<std::uint64_t> disagree;
};

std::optional<HeaderFit> FitHeader(const Keystream& ks,
                                   std::string_view original_name,
                                   std::uint64_t size, ByteView head) {
  const auto header =
      formats::KnownHeaderFor(LowerExtension(original_name), size);
  if (!header) return std::nullopt;
  HeaderFit fit;
  fit.kind = formats::FileKindName(header->kind);
  const auto stream = ks.bytes.view().span();
  const auto cipher = head.span();
  for (const formats::KnownBytes& run : header->runs) {
    if (run.certainty != formats::Certainty::kFixed) continue;
    for (std::size_t i = 0; i < run.bytes.size(); ++i) {
      const std::uint64_t at = run.offset + i;
      if (at >= cipher.size() || at >= stream.size()) break;
      const auto index = static_cast<std::size_t>(at);
      if ((cipher[index] ^ stream[index]) == run.bytes[i]) {
        ++fit.agree;
      } else {
        fit.disagree.push_back(at);
      }
    }
  }
  if (fit.agree == 0 && fit.disagree.empty()) return std::nullopt;
  return fit;
}

std::string OffsetList(const std::vector<std::uint64_t>& offsets) {
  std::string out;
  for (std::size_t i = 0; i < offsets.size() && i < 8; ++i) {
    if (!out.empty()) out += ", ";
    out += std::to_string(offsets[i]);
  }
  if (offsets.size() > 8) out += ", ...";
  return out;
}

// P' = C' XOR KS over the data; bytes past the keystream are kept as they
// are and lost; the trailer is dropped.
class CryptxxxStream final : public recover::StreamDecryption {
 public:
  CryptxxxStream(std::shared_ptr<const Keystream> ks, std::uint64_t size)
      : ks_(std::move(ks)), size_(size) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    if (out.size() < in.size()) return InternalError("output too small");
    const std::uint64_t left = offset_ < size_ ? size_ - offset_ : 0;
    const auto keep =
        static_cast<std::size_t>(std::min<std::uint64_t>(left, in.size()));
    std::copy_n(in.begin(), keep, out.begin());
    const auto stream = ks_->bytes.view().span();
    for (std::size_t i = 0; i < keep && offset_ + i < stream.size(); ++i) {
      out[i] ^= stream[static_cast<std::size_t>(offset_ + i)];
    }
    offset_ += in.size();
    return keep;
  }
  Result<std::size_t> Finish(std::span<std::uint8_t>) override {
    if (offset_ != size_ + ks_->trailer) {
      return CorruptError("the file changed size while it was read");
    }
    return 0;
  }
  std::uint64_t MinOutputBytes() const override { return size_; }
  LostBytes Lost() const override {
    recover::LostBytesRecorder recorder;
    const std::uint64_t covered = ks_->bytes.size();
    if (size_ > covered) recorder.Add(covered, size_ - covered);
    return recorder.lost();
  }

 private:
  std::shared_ptr<const Keystream> ks_;
  std::uint64_t size_;
  std::uint64_t offset_ = 0;
};

// What the keystream says of the run's files (§3.13 step 5): how many files
// of known types were checked, and how many it does not decrypt.
struct RunFit {
  std::size_t checked = 0;
  std::size_t misfits = 0;
};

class CryptxxxRun final : public recover::DecryptorRun {
 public:
  CryptxxxRun(std::shared_ptr<const Keystream> ks, RunFit fit, bool forced)
      : ks_(std::move(ks)), fit_(fit), forced_(forced) {}

  std::optional<std::vector<std::string>> NameSuffixes() const override {
    if (forced_) return std::nullopt;
    return recover::LowerSuffixes({kCryptxxxExtension});
  }

  ProbeResult Probe(const FileSample& file) const override {
    ProbeResult probe;
    if (Named(file.name)) {
      probe.confidence = 40;
      probe.original_name =
          file.name.substr(0, file.name.size() - kCryptxxxExtension.size());
      probe.reason = Message{MessageId::kRecoverProbeExtension,
                             {{"name", "CryptXXX"},
                              {"extension", std::string(kCryptxxxExtension)}}};
    } else if (forced_ && file.size > 0) {
      // --family: any name. With a keystream, only a file whose known
      // header bytes it decrypts (below): XOR with the wrong file would
      // write noise beside notes and other plain files.
      probe.confidence = 20;
      auto stripped = recover::StripLastExtension(file.name);
      probe.original_name = stripped ? *stripped : file.name + ".recovered";
      probe.reason =
          Message{MessageId::kRecoverProbeForced, {{"decryptor", "cryptxxx"}}};
    } else {
      return probe;
    }
    probe.variant = std::string(kVariant);
    if (ks_) {
      // A structural fit: the keystream decrypts the known header bytes of
      // the kind the original's name promises, every one of them.
      const auto fit =
          FitHeader(*ks_, probe.original_name, DataSize(file), file.head);
      if (fit && fit->disagree.empty() && fit->agree >= 4) {
        probe.confidence = 85;
        probe.reason =
            Message{MessageId::kRecoverProbeHeaderFits,
                    {{"reason", std::vector<Message>{std::move(probe.reason)}},
                     {"kind", std::string(fit->kind)}}};
      } else if (!Named(file.name)) {
        return ProbeResult{};
      }
    }
    return probe;
  }

  KeyOutcome FindKey(const FileSample& file,
                     const ProbeResult& probe) const override {
    KeyOutcome outcome;
    if (!ks_) {
      outcome.verdict = KeyVerdict::kNeedsInput;
      outcome.message = Message{MessageId::kRecoverCryptxxxNeedsPair, {}};
      return outcome;
    }
    if (file.size < ks_->trailer) {
      outcome.verdict = KeyVerdict::kDamaged;
      outcome.message = Message{
          MessageId::kRecoverDamaged,
          {{"error", "shorter than the " + std::to_string(ks_->trailer) +
                         " bytes appended to every file of the pair's "
                         "infection"}}};
      return outcome;
    }
    const std::uint64_t size = DataSize(file);
    if (const auto fit = FitHeader(*ks_, probe.original_name, size, file.head);
        fit && !fit->disagree.empty()) {
      outcome.verdict = KeyVerdict::kNotFound;
      // §3.13 step 5: most files do not fit: per-file keys (v2/v3).
      if (fit_.checked >= 2 && fit_.misfits * 2 > fit_.checked) {
        outcome.message = Message{MessageId::kRecoverCryptxxxPerFileKeys,
                                  {{"misfits", Number(fit_.misfits)},
                                   {"checked", Number(fit_.checked)},
                                   {"source", ks_->source}}};
      } else {
        outcome.message = Message{MessageId::kRecoverKeyDoesNotFit,
                                  {{"source", ks_->source},
                                   {"kind", std::string(fit->kind)},
                                   {"count", Number(fit->disagree.size())},
                                   {"offsets", OffsetList(fit->disagree)}}};
      }
      return outcome;
    }
    outcome.verdict = KeyVerdict::kFound;
    outcome.key.variant = std::string(kVariant);
    outcome.key.source = ks_->source;
    outcome.key.region = ks_->bytes.size();
    if (size > ks_->bytes.size()) {
      outcome.expected_lost = size - ks_->bytes.size();
      outcome.message = Message{
          MessageId::kRecoverCryptxxxKeystreamShort,
          {{"keystream", Number(ks_->bytes.size())}, {"source", ks_->source}}};
    }
    return outcome;
  }

  Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
      const recover::Key& key, std::uint64_t file_size) const override {
    (void)key;
    if (!ks_) return InvalidArgumentError("no CryptXXX keystream");
    if (file_size < ks_->trailer) {
      return InvalidArgumentError("shorter than the CryptXXX trailer");
    }
    return std::unique_ptr<recover::StreamDecryption>(
        std::make_unique<CryptxxxStream>(ks_, file_size - ks_->trailer));
  }

  // §3.13 "Layout" (LOW): every byte XORed; the size kept but for the
  // trailer a pair shows.
  std::optional<recover::IntactBytes> Intact(
      const FileSample& file, const ProbeResult& probe) const override {
    (void)probe;
    std::optional<std::uint64_t> original;
    if (ks_ && file.size >= ks_->trailer) original = file.size - ks_->trailer;
    return recover::IntactBytes{original, 0, false};
  }

 private:
  std::uint64_t DataSize(const FileSample& file) const {
    return file.size -
           std::min<std::uint64_t>(file.size, ks_ ? ks_->trailer : 0);
  }

  std::shared_ptr<const Keystream> ks_;
  RunFit fit_;
  bool forced_;
};

class Cryptxxx final : public recover::Decryptor {
 public:
  const recover::DecryptorInfo& info() const override { return Info(); }

  Result<std::unique_ptr<recover::DecryptorRun>> Prepare(
      ReadOnlyFileSystem& fs, const recover::RunInputs& inputs) const override {
    if (inputs.key && inputs.forced) {
      return InvalidArgumentError(
          "CryptXXX takes no --key: its keystream comes from an encrypted "
          "file and its original (--pair ENC=ORIG)");
    }
    std::shared_ptr<Keystream> ks;
    for (const KnownPlaintextPair& pair : inputs.pairs) {
      KINTSUGI_ASSIGN_OR_RETURN(auto found, FromPair(fs, pair, inputs.forced));
      if (!found) continue;
      if (!ks) {
        ks = std::make_shared<Keystream>(std::move(*found));
        continue;
      }
      // §3.13 step 2: every pair of one infection has the same trailer and
      // the same keystream where they overlap.
      const std::string label = found->source;
      if (found->trailer != ks->trailer) {
        return InvalidArgumentError(
            label + ": " + std::to_string(found->trailer) +
            " bytes appended, " + ks->source + ": " +
            std::to_string(ks->trailer) +
            "; files of one CryptXXX v1 infection agree");
      }
      const std::size_t overlap =
          std::min(found->bytes.size(), ks->bytes.size());
      if (!std::equal(found->bytes.view().begin(),
                      found->bytes.view().begin() +
                          static_cast<std::ptrdiff_t>(overlap),
                      ks->bytes.view().begin())) {
        return InvalidArgumentError(
            label + " gives another keystream than " + ks->source +
            ": not one CryptXXX v1 infection (v2/v3 use a key per file)");
      }
      if (found->bytes.size() > ks->bytes.size()) {
        found->source = ks->source + ", " + found->source;
        *ks = std::move(*found);
      }
    }
    RunFit fit;
    if (ks) {
      KINTSUGI_ASSIGN_OR_RETURN(fit, CheckRun(fs, inputs, *ks));
    }
    return std::unique_ptr<recover::DecryptorRun>(
        std::make_unique<CryptxxxRun>(std::move(ks), fit, inputs.forced));
  }

 private:
  // KS = C XOR P over the original's length (at most
  // kMaxCryptxxxKeystreamBytes), the trailer |C| - |P| (§3.13 step 2). A
  // pair that is not a ".crypt" file is another decryptor's, unless
  // --family chose this one.
  static Result<std::optional<Keystream>> FromPair(
      ReadOnlyFileSystem& fs, const KnownPlaintextPair& pair, bool forced) {
    const std::string label = "--pair " + pair.encrypted.filename().string() +
                              "=" + pair.original.filename().string();
    if (!forced && !Named(pair.encrypted.filename().string())) {
      return std::optional<Keystream>();
    }
    KINTSUGI_ASSIGN_OR_RETURN(FileInfo enc_info, fs.Stat(pair.encrypted, true));
    KINTSUGI_ASSIGN_OR_RETURN(FileInfo orig_info, fs.Stat(pair.original, true));
    if (orig_info.size == 0 || enc_info.size < orig_info.size) {
      if (!forced) return std::optional<Keystream>();
      return InvalidArgumentError(
          label + ": the encrypted file (" + std::to_string(enc_info.size) +
          " bytes) is shorter than its original (" +
          std::to_string(orig_info.size) +
          " bytes), or the original is empty; CryptXXX keeps the size or "
          "appends bytes, so they are not a pair");
    }
    KINTSUGI_ASSIGN_OR_RETURN(auto enc, fs.OpenForRead(pair.encrypted));
    KINTSUGI_ASSIGN_OR_RETURN(auto orig, fs.OpenForRead(pair.original));
    const auto length = static_cast<std::size_t>(
        std::min<std::uint64_t>(orig_info.size, kMaxCryptxxxKeystreamBytes));
    Keystream ks;
    ks.bytes = SecretBytes(length);
    ks.trailer = enc_info.size - orig_info.size;
    ks.source = label;
    Bytes c(std::min(kChunk, length));
    Bytes p(c.size());
    const std::span<std::uint8_t> out = ks.bytes.mutable_span();
    for (std::size_t at = 0; at < length;) {
      const std::size_t n = std::min(c.size(), length - at);
      KINTSUGI_ASSIGN_OR_RETURN(std::size_t got_c,
                                ReadFullyAt(*enc, at, std::span(c).first(n)));
      KINTSUGI_ASSIGN_OR_RETURN(std::size_t got_p,
                                ReadFullyAt(*orig, at, std::span(p).first(n)));
      if (got_c < n || got_p < n) {
        return IoError(label + ": a file changed size while it was read");
      }
      for (std::size_t i = 0; i < n; ++i) {
        out[at + i] = static_cast<std::uint8_t>(c[i] ^ p[i]);
      }
      at += n;
    }
    return std::optional<Keystream>(std::move(ks));
  }

  // §3.13 step 5: the heads of the run's ".crypt" files of known types
  // (at most kMaxCryptxxxCheckedFiles), decrypted with the keystream and
  // compared with their fixed header bytes. A file that cannot be read is
  // left out. It stops with the run.
  static Result<RunFit> CheckRun(ReadOnlyFileSystem& fs,
                                 const recover::RunInputs& inputs,
                                 const Keystream& ks) {
    RunFit fit;
    if (!inputs.for_each_file) return fit;
    SearchControl control(inputs.search.stop, inputs.file_count,
                          inputs.search.on_progress);
    const auto visit = [&](const Path& path, std::uint64_t size) -> Status {
      KINTSUGI_RETURN_IF_ERROR(control.Advance(1));
      const std::string name = path.filename().string();
      if (fit.checked == kMaxCryptxxxCheckedFiles || !Named(name) ||
          size <= ks.trailer) {
        return Status::Ok();
      }
      const std::string original =
          name.substr(0, name.size() - kCryptxxxExtension.size());
      if (!formats::KnownHeaderFor(LowerExtension(original),
                                   size - ks.trailer)) {
        return Status::Ok();
      }
      auto head = ReadHead(fs, path, kCryptxxxHeadReadBytes);
      if (!head) return Status::Ok();
      const auto header = FitHeader(ks, original, size - ks.trailer, *head);
      if (!header) return Status::Ok();
      ++fit.checked;
      if (!header->disagree.empty()) ++fit.misfits;
      return Status::Ok();
    };
    KINTSUGI_RETURN_IF_ERROR(inputs.for_each_file(visit));
    return fit;
  }
};

}  // namespace

const recover::Decryptor& CryptxxxDecryptor() {
  static const Cryptxxx decryptor;
  return decryptor;
}

}  // namespace kintsugi::families
