// CompiledKb::Identify: evidence from every input, weighed per family, and
// the verdict (issue #3, "Scoring").

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "identify/compiled_kb.h"
#include "identify/file_evidence.h"
#include "kintsugi/limits.h"
#include "text/decode.h"
#include "text/indicators.h"
#include "text/markup.h"

namespace kintsugi::identify {
namespace {

using text::DecodedText;
using text::DecodeText;
using text::DetectMarkup;
using text::ExtractIndicators;
using text::FoldText;
using text::Indicator;
using text::IndicatorKind;
using text::IndicatorKindName;
using text::Markup;
using text::PlainText;
using text::TextEncodingName;

using Impl = CompiledKb::Impl;

// Score thresholds (docs/benchmarks-identify.md, "Calibration").
constexpr double kIdentifiedScore = 0.5;  // A winner needs at least this.
constexpr double kCandidateScore = 0.3;   // Below: "unknown".
constexpr double kCloseMargin = 0.15;     // Closer than this: ambiguous.
constexpr double kListScore = 0.1;        // Candidates shown at all.
constexpr std::size_t kMaxCandidates = 10;
// Weak evidence adds up to at most this (never decides alone), and a
// family with only weak evidence stays below kCandidateScore.
constexpr double kWeakCap = 1.2;
constexpr double kWeakOnlyScoreCap = 0.25;
// Similarity: below this cosine a shared phrase or two is noise.
constexpr double kMinCosine = 0.08;
constexpr double kCosineWeight = 10.0;
constexpr double kMaxSimilarityWeight = 6.5;
// A note that names the family (a medium rule's weight).
constexpr double kNameMentionWeight = 1.6;
constexpr double kCommonNameWeight = 0.6;  // A weak rule's.
// When the note names a family: its name's weight, and the factor on the
// note-wording evidence of the families it does not name.
constexpr double kSelfNamedWeight = 3.6;
constexpr double kBorrowedWordingFactor = 0.25;
// A note at least this similar to a reference note identifies on its own.
constexpr double kStrongCosine = 0.7;
// A text at least this similar to a reference note is a ransom note.
constexpr double kNoteLikeCosine = 0.2;

struct Hit {
  double weight = 0.0;
  bool weak = false;
  bool supporting = false;  // Counts only next to other evidence.
  // The note's wording (similarity, phrases): what a template, a builder or
  // a copied note shares between families.
  bool wording = false;
  std::string key;  // One contribution per key (rule, contact...).
  Evidence evidence;
};

// Evidence one member of a group has and its siblings cannot share: not
// weak, not the template's wording or likeness (a name, an extension, a note
// name, a marker, an ID, a contact).
bool Separates(const Hit& hit) {
  return !hit.weak && !hit.supporting && !hit.wording &&
         hit.key != "similarity";
}

std::string Shorten(std::string_view text, std::size_t max = 80) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "...";
}

std::string FormatSize(std::uint64_t size) {
  if (size < 1024) return fmt::format("{} B", size);
  if (size < 1024 * 1024) {
    return fmt::format("{:.1f} KiB", static_cast<double>(size) / 1024.0);
  }
  return fmt::format("{:.1f} MiB",
                     static_cast<double>(size) / (1024.0 * 1024.0));
}

// Words of payment, encryption and recovery, as FoldText leaves them
// (ASCII lowercased), in the languages notes are written in most. One of
// them, a contact or a KB rule is what makes a text a ransom note; a text
// with none (/etc/passwd, a word list) is not one, whatever family names
// it happens to contain.
constexpr std::string_view kRansomWords[] = {
    "crypt",   "cript",       "krypt",       "chiffr",     "cifr",
    "verschl", "versleut",    "ransom",      "bitcoin",    "btc",
    "monero",  "xmr",         "wallet",      "payment",    "pay ",
    "paid",    "price",       "restore",     "recover",    "unlock",
    "locked",  "private key", "tor browser", "your files", "your data",
    "leak",    "шифр",        "файл",        "выкуп",      "加密",
    "暗号",
};

bool HasRansomNoteTraits(std::string_view folded,
                         const std::vector<Indicator>& indicators) {
  // A victim ID alone is a long token near "ID": any text can have one.
  const bool contact = std::any_of(
      indicators.begin(), indicators.end(), [](const Indicator& indicator) {
        return indicator.kind != IndicatorKind::kVictimId;
      });
  return contact ||
         std::any_of(std::begin(kRansomWords), std::end(kRansomWords),
                     [&](std::string_view word) {
                       return folded.find(word) != std::string_view::npos;
                     });
}

// How many candidates, best first, the verdict names (Report::named).
std::size_t Named(Verdict verdict, const std::vector<Candidate>& candidates) {
  if (verdict == Verdict::kUnknown || candidates.empty()) return 0;
  if (verdict == Verdict::kIdentified) return 1;
  const double best = candidates.front().score;
  std::size_t named = 1;
  while (named < candidates.size() &&
         candidates[named].score > best - kCloseMargin) {
    ++named;
  }
  return named;
}

class Matcher {
 public:
  Matcher(const Impl& kb, hs_scratch_t* scratch, const YaraRules* yara)
      : kb_(kb), scratch_(scratch), yara_(yara) {}

  void AddInput(const Input& input, Report& report) {
    InputSummary summary;
    summary.source = input.source;
    summary.kind = input.kind;
    switch (input.kind) {
      case InputKind::kNote:
        AddNote(input, summary);
        break;
      case InputKind::kEncryptedFile:
      case InputKind::kOtherFile:
      case InputKind::kFileName:
        AddFile(input, summary);
        break;
      case InputKind::kContact:
        AddContact(input, summary);
        break;
    }
    report.inputs.push_back(std::move(summary));
  }

  void Finish(Report& report) {
    DiscountBorrowedWording();
    std::vector<Candidate> candidates;
    for (auto& [family, hits] : hits_) {
      Candidate c;
      const Impl::FamilyInfo& info = kb_.families[family];
      c.score = Combine(hits);
      if (c.score < kListScore) continue;
      const bool grouped = info.group != Impl::kNoGroup;
      corroborated_[info.id] = Corroborated(hits, grouped);
      if (grouped) group_of_[info.id] = info.group;
      c.family = info.id;
      c.name = info.name;
      c.recovery = info.recovery.possible;
      c.decryptor = info.recovery.decryptor;
      c.needs = info.recovery.needs;
      c.related = info.related;
      std::stable_sort(
          hits.begin(), hits.end(),
          [](const Hit& a, const Hit& b) { return a.weight > b.weight; });
      for (Hit& hit : hits) {
        hit.evidence.weak = hit.weak || hit.supporting;
        const bool seen = std::any_of(
            c.evidence.begin(), c.evidence.end(), [&](const Evidence& e) {
              return e.kind == hit.evidence.kind &&
                     e.detail == hit.evidence.detail &&
                     e.source == hit.evidence.source;
            });
        if (!seen && c.evidence.size() < 20) {
          c.evidence.push_back(hit.evidence);
          if (Separates(hit)) separating_[info.id].push_back(hit.evidence);
        }
      }
      candidates.push_back(std::move(c));
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& a, const Candidate& b) {
                return a.score != b.score ? a.score > b.score
                                          : a.family < b.family;
              });
    if (candidates.size() > kMaxCandidates) candidates.resize(kMaxCandidates);
    report.verdict = Decide(candidates);
    report.named = Named(report.verdict, candidates);
    if (report.verdict != Verdict::kUnknown) {
      const auto group = group_of_.find(candidates.front().family);
      if (group != group_of_.end()) {
        report.group = internal::FindGroupFinding(kb_, group->second,
                                                  candidates, separating_);
      }
    }
    report.candidates = std::move(candidates);
    report.unattributed = std::move(unattributed_);
  }

 private:
  void AddHit(std::uint32_t family, Hit hit) {
    hits_[family].push_back(std::move(hit));
  }

  // `args` are the message's own; the rule's id, strength and place in the
  // KB are added here.
  void AddRuleHit(std::uint32_t rule_index, const std::string& source,
                  MessageId id, std::vector<MessageArg> args) {
    const Impl::RuleInfo& info = kb_.rules[rule_index];
    Hit hit;
    hit.weight = info.weight;
    // A note name that matched only once folded (FoldWholeName: a
    // sanitised or copied name) is a weaker sign than the name itself.
    hit.weak = info.rule.strength == kb::Strength::kWeak ||
               std::count(folded_.begin(), folded_.end(), rule_index) != 0;
    hit.supporting = info.rule.kind == kb::RuleKind::kSizeRelation;
    hit.key = fmt::format("rule:{}", rule_index);
    hit.evidence.kind = EvidenceKindOf(info.rule.kind);
    // Four more arguments: one allocation, not up to three (this runs for
    // every rule hit of every file name).
    args.reserve(args.size() + 4);
    args.push_back({"rule", info.rule.id});
    args.push_back(
        {"strength", std::string(kb::StrengthName(info.rule.strength))});
    args.push_back({"file", info.rule.where.file});
    args.push_back({"line", static_cast<std::int64_t>(info.rule.where.line)});
    hit.evidence.detail = Message{id, std::move(args)};
    hit.evidence.source = source;
    hit.wording = info.rule.kind == kb::RuleKind::kNotePhrase ||
                  info.rule.kind == kb::RuleKind::kNoteRegex;
    AddHit(info.family, std::move(hit));
  }

  void ScanSet(const PatternSet& set, std::string_view text,
               const std::function<void(unsigned)>& on_rule) {
    std::set<unsigned> matched;
    set.Scan(text, scratch_,
             [&](unsigned id, unsigned long long) { matched.insert(id); });
    for (const unsigned id : matched) on_rule(id);
  }

  void ScanNames(const NameMatcher& matcher, std::string_view name,
                 const std::function<void(unsigned)>& on_rule) {
    folded_.clear();
    matcher.Match(name, scratch_, on_rule, &folded_);
  }

  // Returns the reason when `name` is on the allow-list for `kinds`.
  std::string AllowListed(std::string_view name, bool note) {
    std::string reason;
    ScanNames(kb_.allow_names, name, [&](unsigned id) {
      const kb::AllowEntry& entry = kb_.allow[id];
      const bool applies = note ? entry.kind == kb::RuleKind::kNoteName
                                : entry.kind != kb::RuleKind::kNoteName;
      if (applies && reason.empty()) {
        reason = entry.reason.empty() ? "allow-listed" : entry.reason;
      }
    });
    return reason;
  }

  void AddIndicators(const std::vector<Indicator>& indicators,
                     const std::string& source, InputSummary& summary) {
    for (const Indicator& indicator : indicators) {
      summary.indicators.emplace_back(
          std::string(IndicatorKindName(indicator.kind)), indicator.value);
      if (indicator.kind == IndicatorKind::kVictimId) {
        ScanSet(kb_.victim_ids, indicator.value, [&](unsigned id) {
          AddRuleHit(id, source, MessageId::kEvidenceVictimId,
                     {{"id", Shorten(indicator.value, 24)}});
        });
        continue;
      }
      if (indicator.kind == IndicatorKind::kOnion) {
        for (const FamilyNames::Mention& mention :
             kb_.family_names.FindHostPrefix(indicator.value)) {
          AddNameMention(mention, source, MessageId::kEvidenceOnionNamesFamily,
                         {{"onion", Shorten(indicator.value, 24)},
                          {"name", mention.name}});
        }
      }
      std::vector<std::string> keys;
      if (indicator.kind == IndicatorKind::kTelegram) {
        keys.push_back("telegram:" + indicator.value);
      } else {
        keys.push_back(ContactKey(indicator.value));
      }
      if (indicator.kind == IndicatorKind::kUrl) {
        const std::string key = ContactKey(indicator.value);
        const std::size_t slash = key.find('/');
        if (slash != std::string::npos) keys.push_back(key.substr(0, slash));
      }
      for (const std::string& key : keys) {
        AddContactHits(key, source, IndicatorKindName(indicator.kind));
      }
    }
  }

  void AddNameMention(const FamilyNames::Mention& mention,
                      const std::string& source, MessageId id,
                      std::vector<MessageArg> args) {
    Hit hit;
    // An ordinary word ("protected", "zero") may not be the name at all:
    // weak evidence, which never decides alone.
    hit.weight = mention.common ? kCommonNameWeight : kNameMentionWeight;
    hit.weak = mention.common;
    hit.key = "name-mention";
    hit.evidence.kind = EvidenceKind::kNoteNamesFamily;
    hit.evidence.detail = Message{id, std::move(args)};
    hit.evidence.source = source;
    named_.insert(kb_.families[mention.family].id);
    if (!mention.common) self_named_.insert(mention.family);
    AddHit(mention.family, std::move(hit));
  }

  void AddContactHits(const std::string& key, const std::string& source,
                      std::string_view kind) {
    const auto found = kb_.contacts.find(key);
    if (found == kb_.contacts.end()) return;
    for (const Impl::ContactInfo& contact : found->second) {
      Hit hit;
      hit.weight = contact.weight;
      hit.weak = contact.weight < 1.0;
      hit.key = "contact:" + key;
      hit.evidence.kind = EvidenceKind::kContact;
      hit.evidence.detail = Message{
          found->second.size() > 1 ? MessageId::kEvidenceContactShared
                                   : MessageId::kEvidenceContact,
          {{"kind", std::string(kind)},
           {"contact", Shorten(contact.value)},
           {"families", static_cast<std::int64_t>(found->second.size())}}};
      hit.evidence.source = source;
      AddHit(contact.family, std::move(hit));
    }
  }

  void AddYara(ByteView data, const std::string& source) {
    if (yara_ == nullptr || data.empty()) return;
    for (const YaraRules::Match& match : yara_->Scan(data)) {
      Evidence evidence{
          EvidenceKind::kYara,
          Message{MessageId::kEvidenceYara, {{"rule", match.rule}}}, source};
      const auto family =
          FindFamily(match.family.empty() ? match.rule : match.family);
      if (!family) {
        unattributed_.push_back(std::move(evidence));
        continue;
      }
      Hit hit;
      hit.weight = 3.0;  // The user's own rule: as strong as a KB rule.
      hit.key = "yara:" + match.rule;
      hit.evidence = std::move(evidence);
      AddHit(*family, std::move(hit));
    }
  }

  std::optional<std::uint32_t> FindFamily(std::string_view id) const {
    for (std::size_t i = 0; i < kb_.families.size(); ++i) {
      if (kb_.families[i].id == id) return static_cast<std::uint32_t>(i);
    }
    return std::nullopt;
  }

  void AddNote(const Input& input, InputSummary& summary) {
    const DecodedText decoded = DecodeText(input.content);
    const Markup markup = DetectMarkup(decoded.utf8);
    const std::string plain = PlainText(decoded.utf8);
    const std::string folded = FoldText(plain);
    const std::string& source = input.source;
    std::vector<MessageArg> described = {
        {"encoding", std::string(TextEncodingName(decoded.encoding))},
        {"size", FormatSize(input.content.size())}};
    std::vector<unsigned> name_rules;
    if (!input.file_name.empty()) {
      summary.allow_listed = AllowListed(input.file_name, /*note=*/true);
      if (summary.allow_listed.empty()) {
        ScanNames(kb_.note_names, input.file_name,
                  [&](unsigned id) { name_rules.push_back(id); });
      }
    }
    std::vector<unsigned> text_rules;
    ScanSet(kb_.note_text, folded,
            [&](unsigned id) { text_rules.push_back(id); });
    const std::vector<Indicator> indicators = ExtractIndicators(plain);
    // The words are looked for in the markup too: a malformed tag can hide
    // a note's whole text from PlainText (kb/notes/h0lygh0st).
    if (name_rules.empty() && text_rules.empty() &&
        !HasRansomNoteTraits(folded, indicators) &&
        (markup == Markup::kPlain ||
         !HasRansomNoteTraits(FoldText(decoded.utf8), {}))) {
      // Text, but nothing of a ransom note: a names list or a config file
      // mentions words that are also family names ("root").
      summary.kind = InputKind::kOtherFile;
      summary.description =
          Message{MessageId::kInputNotANote, std::move(described)};
      return;
    }
    summary.description =
        Message{markup == Markup::kHtml  ? MessageId::kInputNoteHtml
                : markup == Markup::kRtf ? MessageId::kInputNoteRtf
                                         : MessageId::kInputNote,
                std::move(described)};
    for (const unsigned id : name_rules) {
      AddRuleHit(id, source, MessageId::kEvidenceNoteName,
                 {{"name", Shorten(input.file_name)}});
    }
    for (const unsigned id : text_rules) {
      const kb::Rule& rule = kb_.rules[id].rule;
      AddRuleHit(id, source,
                 rule.kind == kb::RuleKind::kNotePhrase
                     ? MessageId::kEvidenceNotePhrase
                     : MessageId::kEvidenceNoteRegex,
                 {{"pattern", Shorten(rule.pattern)}});
    }
    // What makes the text a ransom note beyond ransom words: the KB's
    // rules or wording, or an address only attackers give (an onion host,
    // a Tox or Session ID, a wallet). Licences, copyright files and
    // documentation have ransom words and e-mail addresses too.
    if (!name_rules.empty() || !text_rules.empty() ||
        std::any_of(indicators.begin(), indicators.end(),
                    [](const Indicator& i) {
                      return i.kind != IndicatorKind::kEmail &&
                             i.kind != IndicatorKind::kUrl &&
                             i.kind != IndicatorKind::kVictimId;
                    })) {
      surely_a_note_ = true;
    }
    for (const SimilarityModel::Match& match :
         kb_.similarity.Score(folded, kMinCosine, kMaxCandidates)) {
      // A README shares a few phrases with some note ("download",
      // "windows"); a fifth of a note's wording is more than chance.
      if (match.cosine >= kNoteLikeCosine) surely_a_note_ = true;
      Hit hit;
      hit.weight = std::min(kMaxSimilarityWeight,
                            (match.cosine - kMinCosine) * kCosineWeight);
      hit.key = "similarity";
      hit.wording = true;
      hit.evidence.kind = EvidenceKind::kNoteSimilarity;
      hit.evidence.detail =
          Message{MessageId::kEvidenceSimilarity,
                  {{"percent", fmt::format("{:.0f}", match.cosine * 100.0)},
                   {"shared", static_cast<std::int64_t>(match.shared)}}};
      hit.evidence.source = source;
      AddHit(match.family, std::move(hit));
    }
    // The family's own name in the note or the note's file name.
    for (const std::string_view text :
         {std::string_view(folded), std::string_view(input.file_name)}) {
      for (const FamilyNames::Mention& mention : kb_.family_names.Find(text)) {
        AddNameMention(mention, source, MessageId::kEvidenceNamesFamily,
                       {{"name", mention.name}});
      }
      for (const FamilyNames::Mention& mention :
           kb_.family_names.FindInWords(text)) {
        AddNameMention(mention, source, MessageId::kEvidenceNamesFamilyInWord,
                       {{"name", mention.name}});
      }
    }
    AddIndicators(indicators, source, summary);
    AddYara(input.content, source);
  }

  void AddFile(const Input& input, InputSummary& summary) {
    const std::string& source = input.source;
    if (input.kind == InputKind::kFileName) {
      summary.description = Message{MessageId::kInputFileName, {}};
    } else {
      summary.description = Message{
          input.kind == InputKind::kEncryptedFile
              ? MessageId::kInputEncryptedFile
              : MessageId::kInputOtherFile,
          {{"size", FormatSize(input.size)},
           {"entropy",
            fmt::format("{:.2f}",
                        ShannonEntropy(ByteView(input.content).First(4096)))}}};
    }
    if (!input.file_name.empty()) {
      const FileNameEvidence name = ParseFileName(input.file_name);
      summary.allow_listed = AllowListed(input.file_name, /*note=*/false);
      if (summary.allow_listed.empty()) {
        ScanNames(kb_.file_names, input.file_name, [&](unsigned id) {
          const kb::Rule& rule = kb_.rules[id].rule;
          if (rule.kind == kb::RuleKind::kExtension) {
            AddRuleHit(id, source, MessageId::kEvidenceExtension,
                       {{"pattern", Shorten(rule.pattern, 40)}});
          } else {
            AddRuleHit(id, source, MessageId::kEvidenceFilenamePattern,
                       {{"name", Shorten(input.file_name)}});
          }
        });
        // A bare file name that is a note name is evidence too.
        if (input.kind == InputKind::kFileName) {
          ScanNames(kb_.note_names, input.file_name, [&](unsigned id) {
            AddRuleHit(id, source, MessageId::kEvidenceNoteName,
                       {{"name", Shorten(input.file_name)}});
          });
        }
      }
      std::vector<Indicator> indicators = name.indicators;
      for (const std::string& id : name.ids) {
        indicators.push_back({IndicatorKind::kVictimId, id, 0});
      }
      AddIndicators(indicators, source, summary);
      // A contact where the ID formats put one, which is no e-mail or
      // address the scanner knows (a messenger handle): looked up as typed.
      for (const std::string& contact : name.contacts) {
        const std::string key = ContactKey(contact);
        const bool known = std::any_of(
            indicators.begin(), indicators.end(),
            [&](const Indicator& i) { return ContactKey(i.value) == key; });
        if (known) continue;
        AddContactHits(key, source, "contact");
        AddContactHits("telegram:" + key, source, "contact");
      }
    }
    if (input.content.empty()) return;
    const ByteView head(input.content);
    const ByteView tail(input.tail);
    for (const std::uint32_t index : kb_.markers) {
      const kb::Rule& rule = kb_.rules[index].rule;
      if (rule.kind == kb::RuleKind::kSizeRelation) {
        if (input.size == 0) continue;
        if (rule.footer_bytes != 0 && input.size < rule.footer_bytes) continue;
        if (rule.modulus != 0 && input.size % rule.modulus != rule.remainder) {
          continue;
        }
        std::vector<MessageArg> args = {
            {"size", static_cast<std::int64_t>(input.size)}};
        const bool modulo = rule.modulus > 1;
        const bool footer = rule.footer_bytes != 0;
        if (modulo) {
          args.push_back({"modulus", static_cast<std::int64_t>(rule.modulus)});
          args.push_back(
              {"remainder", static_cast<std::int64_t>(rule.remainder)});
        }
        if (footer) {
          args.push_back(
              {"footer", static_cast<std::int64_t>(rule.footer_bytes)});
        }
        AddRuleHit(index, source,
                   modulo && footer ? MessageId::kEvidenceSizeModuloFooter
                   : modulo         ? MessageId::kEvidenceSizeModulo
                   : footer         ? MessageId::kEvidenceSizeFooter
                                    : MessageId::kEvidenceSize,
                   std::move(args));
        continue;
      }
      if (!MatchesFileMarker(rule, head, tail, input.size)) continue;
      const ByteView marker(rule.marker);
      const bool at_head =
          rule.anchor == kb::Anchor::kStart || rule.anchor == kb::Anchor::kHead;
      if (marker.empty()) {
        // A layout of fields only (Akira's footer).
        AddRuleHit(index, source,
                   at_head ? MessageId::kEvidenceLayoutHead
                           : MessageId::kEvidenceLayoutTail,
                   {{"fields", static_cast<std::int64_t>(rule.fields.size())}});
        continue;
      }
      const bool printable =
          std::all_of(marker.begin(), marker.end(),
                      [](std::uint8_t b) { return b >= 0x20 && b < 0x7F; });
      AddRuleHit(
          index, source,
          at_head ? MessageId::kEvidenceMarkerHead
                  : MessageId::kEvidenceMarkerTail,
          {{"marker", printable ? "\"" + Shorten(marker.AsChars(), 48) + "\""
                                : Shorten(ToHex(marker), 48)}});
    }
    AddYara(head, source);
    if (input.size > input.content.size()) AddYara(tail, source);
  }

  void AddContact(const Input& input, InputSummary& summary) {
    const std::string_view text = ByteView(input.content).AsChars();
    summary.description = Message{MessageId::kInputContact, {}};
    std::vector<Indicator> indicators = ExtractIndicators(text);
    AddIndicators(indicators, input.source, summary);
    if (indicators.empty()) {
      // Not a recognised form (a Tox ID with spaces, a bare handle): look up
      // the text as typed.
      AddContactHits(ContactKey(text), input.source, "contact");
      AddContactHits("telegram:" + ContactKey(text), input.source, "contact");
    }
  }

  // A note that names one family while its wording is another's (a leaked
  // builder's template, a copied note: Babuk's for a dozen groups, LockBit's
  // for its imitators) belongs to the family it names: the wording of a
  // family the note does not name counts for less, and the named family's
  // own name for more (held-back evaluation, docs/benchmarks-identify.md).
  void DiscountBorrowedWording() {
    if (!surely_a_note_) {
      // A text that mentions a family's name and has nothing else of a
      // ransom note (a copyright file that credits "Akira", a manual that
      // mentions Python): the names are weak hints, never a candidate.
      for (auto& [family, hits] : hits_) {
        for (Hit& hit : hits) {
          if (hit.key == "name-mention") hit.weak = true;
        }
      }
      return;
    }
    if (self_named_.empty()) return;
    for (auto& [family, hits] : hits_) {
      const bool named = self_named_.count(family) != 0;
      for (Hit& hit : hits) {
        if (named && hit.key == "name-mention") {
          hit.weight = kSelfNamedWeight;
          hit.weak = false;
        } else if (!named && hit.wording) {
          hit.weight *= kBorrowedWordingFactor;
        }
      }
    }
  }

  // Per family: one contribution per key (its strongest), then diminishing
  // returns over the contributions, weak ones capped; score = 1 - e^(-t/3).
  static double Combine(std::vector<Hit>& hits) {
    std::map<std::string, const Hit*> best;
    for (const Hit& hit : hits) {
      auto& slot = best[hit.key];
      if (slot == nullptr || hit.weight > slot->weight) slot = &hit;
    }
    std::vector<const Hit*> kept;
    bool decisive_evidence = false;  // Anything that is not weak/supporting.
    for (const auto& [key, hit] : best) {
      kept.push_back(hit);
      if (!hit->weak && !hit->supporting) decisive_evidence = true;
    }
    std::sort(kept.begin(), kept.end(),
              [](const Hit* a, const Hit* b) { return a->weight > b->weight; });
    double total = 0.0;
    double weak_total = 0.0;
    std::size_t rank = 0;
    for (const Hit* hit : kept) {
      if (hit->supporting && !decisive_evidence) continue;
      const double w = hit->weight / (1.0 + 0.5 * static_cast<double>(rank));
      ++rank;
      if (hit->weak || hit->supporting) {
        const double add = std::min(w, kWeakCap - weak_total);
        if (add <= 0) continue;
        weak_total += add;
        total += add;
      } else {
        total += w;
      }
    }
    double score = 1.0 - std::exp(-total / 3.0);
    if (!decisive_evidence) score = std::min(score, kWeakOnlyScoreCap);
    return score;
  }

  // Whether a family's case rests on more than a moderately similar note:
  // a non-weak rule, contact, marker or YARA match (not its name alone), or
  // a note that is nearly the same as a reference note. Rebrands share note
  // templates, so similarity alone names a "possible" family, not an identified
  // one (held-back evaluation, docs/benchmarks-identify.md).
  // (A group's members share a template: likeness then names no member.)
  static bool Corroborated(const std::vector<Hit>& hits, bool grouped) {
    for (const Hit& hit : hits) {
      if (hit.weak || hit.supporting) continue;
      // A name is what an imitator or a rebrand copies first, and a
      // template's phrases what a copied note keeps.
      if (hit.key == "name-mention") continue;
      if (hit.key != "similarity" && !hit.wording) return true;
      if (hit.key != "similarity" || grouped) continue;
      if (hit.weight >= (kStrongCosine - kMinCosine) * kCosineWeight) {
        return true;
      }
    }
    return false;
  }

  Verdict Decide(const std::vector<Candidate>& candidates) const {
    if (candidates.empty() || candidates[0].score < kCandidateScore) {
      return Verdict::kUnknown;
    }
    const Candidate& best = candidates[0];
    // A member of the best one's group close by on the template alone is
    // no rival once the best one has evidence of its own (kb/groups.yaml).
    const auto template_sibling = [&](const Candidate& c) {
      const auto a = group_of_.find(best.family);
      const auto b = group_of_.find(c.family);
      return a != group_of_.end() && b != group_of_.end() &&
             a->second == b->second && separating_.count(best.family) != 0 &&
             separating_.count(c.family) == 0;
    };
    const bool close_rival = std::any_of(
        candidates.begin() + 1, candidates.end(), [&](const Candidate& c) {
          return c.score > best.score - kCloseMargin && !template_sibling(c);
        });
    // The note names another candidate but not the best one: the note
    // itself disagrees with the rest of the evidence (often a rebrand).
    const bool names_other =
        named_.count(best.family) == 0 &&
        std::any_of(
            candidates.begin() + 1, candidates.end(),
            [this](const Candidate& c) { return named_.count(c.family) != 0; });
    const auto corroborated = corroborated_.find(best.family);
    if (best.score >= kIdentifiedScore && !close_rival && !names_other &&
        corroborated != corroborated_.end() && corroborated->second) {
      return Verdict::kIdentified;
    }
    return Verdict::kAmbiguous;
  }

  const Impl& kb_;
  hs_scratch_t* scratch_;
  std::vector<unsigned> folded_;  // Of the last ScanNames.
  const YaraRules* yara_;
  std::map<std::uint32_t, std::vector<Hit>> hits_;
  std::map<std::string, bool> corroborated_;
  // Per family: evidence telling a group's members apart; its group.
  std::map<std::string, std::vector<Evidence>> separating_;
  std::map<std::string, std::uint32_t> group_of_;
  std::set<std::string> named_;  // Families the notes name.
  bool surely_a_note_ = false;   // More than ransom words (AddNote).
  // Of those, named by a name that is not an ordinary word.
  std::set<std::uint32_t> self_named_;
  std::vector<Evidence> unattributed_;
};

}  // namespace

Scratch CompiledKb::Impl::TakeScratch() const {
  {
    const std::lock_guard<std::mutex> lock(pool_mutex);
    if (!pool.empty()) {
      Scratch scratch = std::move(pool.back());
      pool.pop_back();
      return scratch;
    }
  }
  Scratch scratch;
  if (prototype.get() != nullptr) {
    hs_clone_scratch(prototype.get(), scratch.address());
  }
  return scratch;
}

void CompiledKb::Impl::ReturnScratch(Scratch scratch) const {
  if (scratch.get() == nullptr) return;
  const std::lock_guard<std::mutex> lock(pool_mutex);
  // Bounded: one per thread that ever identified at the same time.
  if (pool.size() < 64) pool.push_back(std::move(scratch));
}

Report CompiledKb::Identify(std::span<const Input> inputs,
                            const YaraRules* yara) const {
  Report report;
  Scratch scratch = impl_->TakeScratch();
  if (impl_->prototype.get() != nullptr && scratch.get() == nullptr) {
    // Out of memory: report nothing rather than scan without scratch.
    return report;
  }
  Matcher matcher(*impl_, scratch.get(), yara);
  for (const Input& input : inputs) matcher.AddInput(input, report);
  matcher.Finish(report);
  impl_->ReturnScratch(std::move(scratch));
  return report;
}

void CompiledKb::MatchNameRules(std::span<const std::string_view> names,
                                std::vector<bool>& matched) const {
  matched.assign(names.size(), false);
  Scratch scratch = impl_->TakeScratch();
  // Out of memory for a scratch: every name may match (the caller then
  // asks Identify, which reports nothing without one).
  const bool no_scratch =
      impl_->prototype.get() != nullptr && scratch.get() == nullptr;
  for (std::size_t i = 0; i < names.size(); ++i) {
    matched[i] = no_scratch ||
                 impl_->file_names.AnyMatch(names[i], scratch.get()) ||
                 impl_->note_names.AnyMatch(names[i], scratch.get());
  }
  impl_->ReturnScratch(std::move(scratch));
}

}  // namespace kintsugi::identify
