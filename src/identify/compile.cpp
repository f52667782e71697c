// Compile(): the knowledge base becomes Hyperscan databases, marker rules,
// a contact table and the similarity model (issue #3, "The engine").

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include "identify/compiled_kb.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "text/decode.h"
#include "text/markup.h"

namespace kintsugi::identify {

EvidenceKind EvidenceKindOf(kb::RuleKind kind) {
  switch (kind) {
    case kb::RuleKind::kExtension:
      return EvidenceKind::kExtension;
    case kb::RuleKind::kFilenamePattern:
      return EvidenceKind::kFilenamePattern;
    case kb::RuleKind::kNoteName:
      return EvidenceKind::kNoteName;
    case kb::RuleKind::kNotePhrase:
      return EvidenceKind::kNotePhrase;
    case kb::RuleKind::kNoteRegex:
      return EvidenceKind::kNoteRegex;
    case kb::RuleKind::kFileMarker:
      return EvidenceKind::kFileMarker;
    case kb::RuleKind::kSizeRelation:
      return EvidenceKind::kSizeRelation;
    case kb::RuleKind::kVictimId:
      return EvidenceKind::kVictimId;
  }
  return EvidenceKind::kFileMarker;
}
namespace {

using text::DecodedText;
using text::DecodeText;
using text::FoldText;
using text::PlainText;

// Weight of one rule on its own, by its strength (kb.h: a weak rule never
// decides alone; scoring also caps the sum of weak evidence).
double StrengthWeight(kb::Strength strength) {
  switch (strength) {
    case kb::Strength::kWeak:
      return 0.6;
    case kb::Strength::kMedium:
      return 1.6;
    case kb::Strength::kStrong:
      return 3.0;
    case kb::Strength::kDecisive:
      return 6.0;
  }
  return 0.0;
}

// "1.2.3" -> {1, 2, 3}; non-numeric parts count as 0.
std::vector<int> ParseVersion(std::string_view text) {
  std::vector<int> out;
  int value = 0;
  for (const char c : text) {
    if (c == '.') {
      out.push_back(value);
      value = 0;
    } else if (c >= '0' && c <= '9' && value < 100000) {
      value = value * 10 + (c - '0');
    }
  }
  out.push_back(value);
  return out;
}

bool NeedsNewerEngine(std::string_view min_engine) {
  if (min_engine.empty()) return false;
  std::vector<int> need = ParseVersion(min_engine);
  std::vector<int> have = ParseVersion(kEngineVersion);
  const std::size_t n = std::max(need.size(), have.size());
  need.resize(n, 0);
  have.resize(n, 0);
  return need > have;
}

std::string Where(const kb::Location& where, std::string_view rule_id) {
  return fmt::format("{}:{}: rule {}", where.file, where.line, rule_id);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Adds a name rule (or allow-list entry) to `matcher`: literal extensions
// and note names go to its lookup tables, the rest to Hyperscan.
void AddName(NameMatcher& matcher, kb::RuleKind kind,
             const std::string& pattern, bool is_regex, unsigned id,
             std::string where) {
  const unsigned flags = HS_FLAG_SINGLEMATCH | HS_FLAG_CASELESS;
  if (is_regex) {
    matcher.AddPattern({pattern, flags, id, std::move(where)});
    return;
  }
  switch (kind) {
    case kb::RuleKind::kExtension:
      // A bare "eking" means ".eking": never match inside another word.
      if (std::isalnum(static_cast<unsigned char>(pattern[0])) != 0) {
        matcher.AddSuffix("." + pattern, id);
      } else {
        matcher.AddSuffix(pattern, id);
      }
      return;
    case kb::RuleKind::kNoteName:
      matcher.AddWhole(pattern, id);
      return;
    default:  // A literal file-name pattern: anywhere in the name.
      matcher.AddPattern(
          {EscapeForRegex(pattern), flags, id, std::move(where)});
      return;
  }
}

// What a rule looks for, so that rules of several families that look for
// the same thing share their weight. Markers and size relations have no
// pattern: their bytes, place, fields and sizes are the key (without them
// every marker of the KB would count as shared by every family that has
// one, and weigh a fraction of its strength).
std::string PatternKey(const kb::Rule& rule) {
  std::string key = fmt::format("{}|{}|{}", static_cast<int>(rule.kind),
                                rule.is_regex ? 1 : 0, Lower(rule.pattern));
  if (rule.kind == kb::RuleKind::kFileMarker) {
    key += fmt::format("|{}|{}|{}", static_cast<int>(rule.anchor), rule.offset,
                       ToHex(rule.marker));
    for (const kb::FileField& field : rule.fields) {
      key += fmt::format("|{}:{}:{}", field.at, static_cast<int>(field.type),
                         field.length);
      for (const std::uint64_t value : field.values) {
        key += fmt::format(",{}", value);
      }
      for (const auto& bound : {field.min, field.max}) {
        key += bound ? fmt::format(";{}:{}:{}", bound->relative_to_size ? 1 : 0,
                                   bound->value, bound->delta)
                     : std::string(";-");
      }
    }
  } else if (rule.kind == kb::RuleKind::kSizeRelation) {
    key += fmt::format("|{}|{}|{}", rule.modulus, rule.remainder,
                       rule.footer_bytes);
  }
  return key;
}

Result<Bytes> ReadNote(const kb::KnowledgeBase& kb,
                       const CompileOptions& options, const std::string& path) {
  if (const auto found = kb.note_texts.find(path);
      found != kb.note_texts.end()) {
    return found->second;
  }
  if (options.read_reference_note) return options.read_reference_note(path);
  if (kb.root.empty()) return NotFoundError("embedded KB: no note reader");
  FileSystem& fs = options.fs != nullptr ? *options.fs : RealFileSystem();
  return ReadWholeFile(fs, kb.root / path, limits::kMaxNoteBytes);
}

}  // namespace

std::string ContactKey(std::string_view value) {
  std::string v(value);
  // Trim spaces and a trailing slash; drop a scheme.
  while (!v.empty() && (v.back() == ' ' || v.back() == '/')) v.pop_back();
  std::size_t start = 0;
  while (start < v.size() && v[start] == ' ') ++start;
  v.erase(0, start);
  const std::string lower = Lower(v);
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (lower.rfind(scheme, 0) == 0) return ContactKey(v.substr(scheme.size()));
  }
  for (const std::string_view prefix : {"t.me/", "telegram.me/", "@"}) {
    if (lower.rfind(prefix, 0) == 0 &&
        lower.find('.', prefix.size()) == std::string::npos) {
      return "telegram:" + lower.substr(prefix.size());
    }
  }
  // Base58 wallets are case-sensitive; everything else is not.
  const bool base58_wallet =
      (v.size() >= 26 && v.size() <= 35 && (v[0] == '1' || v[0] == '3')) ||
      (v.size() == 95 && (v[0] == '4' || v[0] == '8'));
  return base58_wallet ? v : lower;
}

CompiledKb::CompiledKb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledKb::~CompiledKb() = default;
const CompileStats& CompiledKb::stats() const { return impl_->stats; }

Status CompiledKb::Impl::AllocPrototype() {
  // One scratch space big enough for every database; Identify clones it.
  hs_scratch_t** scratch = prototype.address();
  KINTSUGI_RETURN_IF_ERROR(file_names.AllocScratch(scratch));
  KINTSUGI_RETURN_IF_ERROR(note_names.AllocScratch(scratch));
  KINTSUGI_RETURN_IF_ERROR(allow_names.AllocScratch(scratch));
  KINTSUGI_RETURN_IF_ERROR(note_text.AllocScratch(scratch));
  KINTSUGI_RETURN_IF_ERROR(victim_ids.AllocScratch(scratch));
  return Status::Ok();
}

std::shared_ptr<const CompiledKb> CompiledKb::Impl::Share(
    std::unique_ptr<Impl> impl) {
  return std::shared_ptr<const CompiledKb>(new CompiledKb(std::move(impl)));
}

Result<std::shared_ptr<const CompiledKb>> Compile(
    const kb::KnowledgeBase& kb, const CompileOptions& options) {
  KINTSUGI_ASSIGN_OR_RETURN(std::unique_ptr<CompiledKb::Impl> impl,
                            internal::CompileImpl(kb, options, nullptr));
  return CompiledKb::Impl::Share(std::move(impl));
}

namespace internal {

Result<std::unique_ptr<CompiledKb::Impl>> CompileImpl(
    const kb::KnowledgeBase& kb, const CompileOptions& options,
    const hs_platform_info_t* platform) {
  auto impl = std::make_unique<CompiledKb::Impl>();
  CompileStats& stats = impl->stats;
  const std::set<std::string> disabled(kb.disabled.begin(), kb.disabled.end());

  // Pass 1: which rules are in, and how many families share each pattern.
  std::map<std::string, std::set<std::uint32_t>> pattern_families;
  auto pattern_key = [](const kb::Rule& rule) { return PatternKey(rule); };
  std::size_t rule_count = 0;
  // kb.families index -> compiled family index (none when disabled).
  std::vector<std::optional<std::uint32_t>> compiled(kb.families.size());
  for (std::size_t f = 0; f < kb.families.size(); ++f) {
    const kb::Family& family = kb.families[f];
    if (family.disabled || disabled.count(family.id) != 0) {
      stats.skipped_rules += family.rules.size();
      continue;
    }
    const auto index = static_cast<std::uint32_t>(impl->families.size());
    compiled[f] = index;
    impl->families.push_back(
        {family.id, family.name, family.related, family.recovery});
    for (const kb::Rule& rule : family.rules) {
      if (disabled.count(family.id + "/" + rule.id) != 0 ||
          NeedsNewerEngine(rule.min_engine)) {
        ++stats.skipped_rules;
        continue;
      }
      if (rule.pattern.size() > limits::kMaxPatternBytes ||
          rule.marker.size() > limits::kMaxPatternBytes) {
        ++stats.skipped_rules;
        stats.warnings.push_back(Where(rule.where, rule.id) +
                                 ": pattern longer than the limit");
        continue;
      }
      if (++rule_count > limits::kMaxKbRules) {
        return ResourceExhaustedError(
            fmt::format("the KB has more than {} rules", limits::kMaxKbRules));
      }
      pattern_families[pattern_key(rule)].insert(index);
      impl->rules.push_back({index, rule, StrengthWeight(rule.strength)});
    }
  }
  stats.families = impl->families.size();

  // Pass 2: patterns into their databases.
  std::vector<PatternSet::Pattern> note_text;
  std::vector<PatternSet::Pattern> victim_ids;
  for (std::size_t i = 0; i < impl->rules.size(); ++i) {
    CompiledKb::Impl::RuleInfo& info = impl->rules[i];
    const kb::Rule& rule = info.rule;
    const std::size_t sharing = pattern_families[pattern_key(rule)].size();
    info.weight /=
        std::sqrt(static_cast<double>(std::max<std::size_t>(1, sharing)));
    const auto id = static_cast<unsigned>(i);
    const std::string where = Where(rule.where, rule.id);
    const unsigned single = HS_FLAG_SINGLEMATCH;
    switch (rule.kind) {
      case kb::RuleKind::kExtension:
      case kb::RuleKind::kFilenamePattern:
        if (rule.pattern.empty()) break;
        AddName(impl->file_names, rule.kind, rule.pattern, rule.is_regex, id,
                where);
        break;
      case kb::RuleKind::kNoteName:
        if (rule.pattern.empty()) break;
        AddName(impl->note_names, rule.kind, rule.pattern, rule.is_regex, id,
                where);
        break;
      case kb::RuleKind::kNotePhrase: {
        const std::string folded = FoldText(rule.pattern);
        if (folded.empty()) break;
        note_text.push_back(
            {EscapeForRegex(folded), single | HS_FLAG_CASELESS, id, where});
        break;
      }
      case kb::RuleKind::kNoteRegex:
        if (rule.pattern.empty()) break;
        note_text.push_back({rule.pattern,
                             single | HS_FLAG_CASELESS | HS_FLAG_DOTALL, id,
                             where});
        break;
      case kb::RuleKind::kVictimId:
        if (rule.pattern.empty()) break;
        victim_ids.push_back({"^(?:" + rule.pattern + ")$", single, id, where});
        break;
      case kb::RuleKind::kFileMarker:
        if (rule.marker.empty() && rule.fields.empty()) {
          stats.warnings.push_back(where + ": marker without bytes");
          break;
        }
        impl->markers.push_back(static_cast<std::uint32_t>(i));
        break;
      case kb::RuleKind::kSizeRelation:
        if (rule.modulus == 0 && rule.footer_bytes == 0) break;
        impl->markers.push_back(static_cast<std::uint32_t>(i));
        break;
    }
  }
  stats.name_patterns = impl->file_names.size();
  stats.note_patterns = impl->note_names.size() + note_text.size();
  stats.markers = impl->markers.size();
  KINTSUGI_RETURN_IF_ERROR(impl->file_names.Compile(stats.warnings, platform));
  KINTSUGI_RETURN_IF_ERROR(impl->note_names.Compile(stats.warnings, platform));
  KINTSUGI_ASSIGN_OR_RETURN(
      impl->note_text,
      PatternSet::Compile(std::move(note_text), stats.warnings, platform));
  KINTSUGI_ASSIGN_OR_RETURN(
      impl->victim_ids,
      PatternSet::Compile(std::move(victim_ids), stats.warnings, platform));

  // The allow-list: benign look-alikes, matched before any family.
  for (const kb::AllowEntry& entry : kb.allow_list) {
    if (entry.pattern.empty() ||
        (entry.kind != kb::RuleKind::kExtension &&
         entry.kind != kb::RuleKind::kFilenamePattern &&
         entry.kind != kb::RuleKind::kNoteName)) {
      continue;
    }
    const auto id = static_cast<unsigned>(impl->allow.size());
    impl->allow.push_back(entry);
    AddName(
        impl->allow_names, entry.kind, entry.pattern, entry.is_regex, id,
        fmt::format("{}:{}: allow-list", entry.where.file, entry.where.line));
  }
  KINTSUGI_RETURN_IF_ERROR(impl->allow_names.Compile(stats.warnings, platform));

  // Contacts: exact lookup of normalised values. A contact that several
  // families share (a public Tor download link) says less about each.
  std::map<std::string, std::set<std::uint32_t>> contact_families;
  std::vector<std::pair<std::string, CompiledKb::Impl::ContactInfo>> contacts;
  for (std::size_t f = 0; f < kb.families.size(); ++f) {
    const kb::Family& family = kb.families[f];
    if (!compiled[f]) continue;
    const std::uint32_t index = *compiled[f];
    {
      for (const kb::Contact& contact : family.contacts) {
        if (contact.value.empty() ||
            contact.value.size() > limits::kMaxContactBytes ||
            kb::FindAllowedContact(kb.allow_contacts, contact.value) !=
                nullptr) {
          continue;
        }
        std::string key = ContactKey(contact.value);
        if (contact.kind == kb::ContactKind::kTelegram &&
            key.rfind("telegram:", 0) != 0) {
          key = "telegram:" + key;
        }
        contact_families[key].insert(index);
        contacts.push_back({key, {index, contact.value, 3.5}});
      }
    }
  }
  for (auto& entry : contacts) {
    CompiledKb::Impl::ContactInfo& info = entry.second;
    info.weight /= static_cast<double>(contact_families[entry.first].size());
    auto& list = impl->contacts[entry.first];
    const std::uint32_t family = info.family;
    const bool duplicate =
        std::any_of(list.begin(), list.end(),
                    [family](const auto& c) { return c.family == family; });
    if (!duplicate) list.push_back(info);
  }
  stats.contacts = impl->contacts.size();

  // Family names and aliases a note may mention.
  for (std::size_t f = 0; f < kb.families.size(); ++f) {
    if (!compiled[f]) continue;
    const kb::Family& family = kb.families[f];
    impl->family_names.Add(*compiled[f], family.name);
    impl->family_names.Add(*compiled[f], family.id);
    for (const std::string& alias : family.aliases) {
      impl->family_names.Add(*compiled[f], alias);
    }
  }

  // Groups of families that share a note template, with their compiled
  // members only (a disabled member is not named).
  for (const kb::Group& group : kb.groups) {
    kb::Group compiled_group = group;
    std::erase_if(compiled_group.members, [&](const std::string& member) {
      return std::none_of(impl->families.begin(), impl->families.end(),
                          [&](const CompiledKb::Impl::FamilyInfo& info) {
                            return info.id == member;
                          });
    });
    if (compiled_group.members.size() < 2) continue;
    const auto index = static_cast<std::uint32_t>(impl->groups.size());
    for (CompiledKb::Impl::FamilyInfo& info : impl->families) {
      if (info.group == CompiledKb::Impl::kNoGroup &&
          std::find(compiled_group.members.begin(),
                    compiled_group.members.end(),
                    info.id) != compiled_group.members.end()) {
        info.group = index;
      }
    }
    impl->groups.push_back(std::move(compiled_group));
  }

  // The similarity model from each family's reference notes.
  {
    for (std::size_t f = 0; f < kb.families.size(); ++f) {
      const kb::Family& family = kb.families[f];
      if (!compiled[f]) continue;
      const std::uint32_t index = *compiled[f];
      for (const std::string& path : family.reference_notes) {
        Result<Bytes> bytes = ReadNote(kb, options, path);
        if (!bytes) {
          stats.warnings.push_back(fmt::format("{}: reference note {}: {}",
                                               family.id, path,
                                               bytes.error().ToString()));
          continue;
        }
        const DecodedText decoded = DecodeText(*bytes);
        const std::string folded = FoldText(PlainText(decoded.utf8));
        impl->similarity.AddReference(index, folded);
        impl->family_names.SeeReferenceNote(index, folded);
      }
    }
    impl->similarity.Finish();
    impl->family_names.Finish();
    stats.reference_notes = impl->similarity.reference_count();
  }

  if (platform == nullptr) {
    // A database for another CPU may not run on this one: the precompiler
    // only stores it, and the loader allocates scratch where it runs.
    KINTSUGI_RETURN_IF_ERROR(impl->AllocPrototype());
  }
  if (!stats.warnings.empty()) {
    Log(LogLevel::kDebug, "identify: {} compile warnings",
        stats.warnings.size());
  }
  return impl;
}

}  // namespace internal

}  // namespace kintsugi::identify
