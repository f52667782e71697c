// `kb lint`: every check of docs/kb-format.md §8, each with file:line.

#include <hs/hs.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "kb/kb_format.h"
#include "kintsugi/limits.h"

namespace kintsugi::kb {
namespace {

using internal::ToLower;

// `where`, or `fallback` when `where` is unknown (built in memory).
const Location& Or(const Location& where, const Location& fallback) {
  return where.file.empty() ? fallback : where;
}

void Add(std::vector<Diagnostic>* out, const Location& where,
         std::string message,
         Diagnostic::Severity severity = Diagnostic::Severity::kError) {
  out->push_back({severity, where, std::move(message)});
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Checks a regex the way the identify engine compiles it (Hyperscan,
// caseless); a pattern that can match the empty string would fire on every
// input, so it is an error too. Returns an empty string when it is fine.
std::string CheckRegex(const std::string& pattern) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* error = nullptr;
  hs_error_t rc =
      hs_expression_info(pattern.c_str(), HS_FLAG_CASELESS, &info, &error);
  std::string message;
  if (rc != HS_SUCCESS) {
    message = error != nullptr ? error->message : "does not compile";
  } else if (info->min_width == 0) {
    message = "can match the empty string";
  }
  if (error != nullptr) hs_free_compile_error(error);
  // hs_expression_info allocates with the misc allocator (malloc).
  std::free(info);  // NOLINT(cppcoreguidelines-no-malloc)
  return message;
}

bool UsesRegex(const Rule& rule) {
  switch (rule.kind) {
    case RuleKind::kFilenamePattern:
    case RuleKind::kNoteRegex:
    case RuleKind::kVictimId:
      return true;
    case RuleKind::kNoteName:
      return rule.is_regex;
    default:
      return false;
  }
}

// recovery.decryptor against the decryptors of this build.
void LintDecryptor(const Family& family,
                   const std::vector<LintOptions::KnownDecryptor>& known,
                   std::vector<Diagnostic>* out) {
  const Recovery& recovery = family.recovery;
  const std::string prefix =
      "recovery names decryptor '" + recovery.decryptor + "'";
  const auto it = std::find_if(known.begin(), known.end(),
                               [&](const LintOptions::KnownDecryptor& d) {
                                 return d.id == recovery.decryptor;
                               });
  if (it == known.end()) {
    if (recovery.planned) return;  // Specified, still to come.
    std::string ids;
    for (const auto& d : known) ids += (ids.empty() ? "" : ", ") + d.id;
    Add(out, family.where,
        prefix +
            ", which this build does not have (a typo? one still to come "
            "is marked 'planned: true'); decryptors: " +
            ids);
    return;
  }
  if (recovery.planned) {
    Add(out, family.where,
        prefix + " as planned, but this build has it: drop 'planned'");
  }
  if (it->family != family.id) {
    Add(out, family.where,
        prefix + ", which is for family '" + it->family + "'");
  }
  if (!recovery.strategy.empty() && recovery.strategy != it->strategy) {
    Add(out, family.where,
        prefix + " with strategy '" + recovery.strategy +
            "', but the decryptor's strategy is '" + it->strategy + "'");
  }
}

// Whether `value` fits in a field of `width` bytes.
bool Fits(std::uint64_t value, std::size_t width) {
  return width >= 8 || value < (std::uint64_t{1} << (8 * width));
}

// A file-marker's fields (docs/kb-format.md §3, "Fields"): each must sit in
// the bytes identify reads, check something, and need the engine that reads
// it.
void LintFields(const Rule& rule, const std::string& prefix,
                const Location& where, std::vector<Diagnostic>* out) {
  if (rule.fields.empty()) return;
  if (rule.anchor != Anchor::kStart && rule.anchor != Anchor::kEnd) {
    Add(out, where, prefix + "fields need anchor start or end");
  }
  if (rule.min_engine.empty() ||
      internal::IsOlderThan(rule.min_engine, internal::kFieldsEngineVersion)) {
    Add(out, where,
        prefix + "a rule with fields needs min_engine \"" +
            std::string(internal::kFieldsEngineVersion) +
            "\" (older engines would match its marker alone)");
  }
  if (rule.marker.empty() && rule.anchor == Anchor::kEnd && rule.offset == 0) {
    Add(out, where, prefix + "a footer layout needs its size as 'offset'");
  }
  for (const FileField& field : rule.fields) {
    const Location& at = Or(field.where, where);
    const std::string what =
        prefix + "field at " + std::to_string(field.at) + ": ";
    const std::size_t width = field.type == FieldType::kKey
                                  ? static_cast<std::size_t>(field.length)
                                  : internal::FieldTypeWidth(field.type);
    const bool numeric = field.type != FieldType::kKey;
    if (numeric && field.values.empty() && !field.min && !field.max) {
      Add(out, at, what + "checks nothing (give values, min, max or equals)");
    }
    for (const std::uint64_t value : field.values) {
      if (!Fits(value, width)) {
        Add(out, at,
            what + "value " + std::to_string(value) + " does not fit in " +
                std::string(internal::FieldTypeSpelling(field.type)));
      }
    }
    if (field.min && field.max && !field.min->relative_to_size &&
        !field.max->relative_to_size && field.min->value > field.max->value) {
      Add(out, at, what + "min is above max");
    }
    // Where the field lies in the 64 KiB identify reads at that end.
    // Clamped: an offset past 2^48 lies outside either way.
    const auto offset = static_cast<std::int64_t>(
        std::min<std::uint64_t>(rule.offset, std::uint64_t{1} << 48));
    const auto span = static_cast<std::int64_t>(width);
    if (rule.anchor == Anchor::kEnd) {
      const std::int64_t distance = offset - field.at;
      if (distance < span ||
          distance > static_cast<std::int64_t>(limits::kFileTailBytes)) {
        Add(out, at,
            what + "lies outside the file's last " +
                std::to_string(limits::kFileTailBytes) + " bytes");
      }
    } else if (rule.anchor == Anchor::kStart) {
      const std::int64_t start = offset + field.at;
      if (start < 0 ||
          start + span > static_cast<std::int64_t>(limits::kFileHeadBytes)) {
        Add(out, at,
            what + "lies outside the file's first " +
                std::to_string(limits::kFileHeadBytes) + " bytes");
      }
    }
  }
}

void LintRule(const Family& family, const Rule& rule,
              std::vector<Diagnostic>* out) {
  const std::string prefix = "rule '" + rule.id + "': ";
  const Location& where = Or(rule.where, family.where);
  if (rule.sources.empty()) {
    Add(out, where, prefix + "has no source");
  }
  switch (rule.kind) {
    case RuleKind::kFileMarker:
      if (rule.marker.empty() && rule.fields.empty()) {
        Add(out, where, prefix + "empty marker");
      }
      LintFields(rule, prefix, where, out);
      break;
    case RuleKind::kSizeRelation:
      if (rule.modulus == 0) {
        Add(out, where, prefix + "modulus must be positive");
      } else if (rule.remainder >= rule.modulus) {
        Add(out, where, prefix + "remainder must be below the modulus");
      }
      break;
    default:
      if (rule.pattern.empty()) Add(out, where, prefix + "empty pattern");
      break;
  }
  if (UsesRegex(rule) && !rule.pattern.empty()) {
    std::string problem = CheckRegex(rule.pattern);
    if (!problem.empty()) {
      Add(out, where, prefix + "invalid regex: " + problem);
    }
  }
  if (rule.kind == RuleKind::kExtension) {
    if (!rule.pattern.starts_with(".")) {
      Add(out, where, prefix + "an extension starts with '.'");
    }
    if (internal::IsGenericExtension(rule.pattern) &&
        rule.strength != Strength::kWeak) {
      Add(out, where,
          prefix + "generic extension '" + rule.pattern +
              "' must be marked weak");
    }
  }
  if (rule.kind == RuleKind::kNoteName && !rule.is_regex &&
      internal::IsGenericNoteName(rule.pattern) &&
      rule.strength != Strength::kWeak) {
    Add(out, where,
        prefix + "generic note name '" + rule.pattern +
            "' must be marked weak");
  }
  if (!rule.min_engine.empty() &&
      internal::IsNewerThanEngine(rule.min_engine)) {
    Add(out, where,
        prefix + "min_engine " + rule.min_engine + " is newer than this engine",
        Diagnostic::Severity::kWarning);
  }
}

bool FixtureIsEmpty(const Fixture& f) {
  return f.file_names.empty() && f.note_name.empty() && f.note_text.empty() &&
         f.contacts.empty() && f.file_head.empty() && f.file_tail.empty();
}

}  // namespace

// kb/groups.yaml (docs/kb-format.md §7.1): unique ids, members that exist,
// each family in one group at most (identify names one group), and the
// public sources that say the members share a template.
namespace {

void LintGroups(const KnowledgeBase& kb,
                const std::map<std::string, const Family*, std::less<>>& by_id,
                std::vector<Diagnostic>* out) {
  const Location groups_file{"groups.yaml", 0};
  std::set<std::string> ids;
  std::map<std::string, std::string> group_of;
  for (const Group& group : kb.groups) {
    const Location where = Or(group.where, groups_file);
    if (!ids.insert(group.id).second) {
      Add(out, where, "duplicate group id '" + group.id + "'");
    }
    if (group.sources.empty()) {
      Add(out, where, "group '" + group.id + "' has no source");
    }
    if (group.shares.empty()) {
      Add(out, where, "group '" + group.id + "' does not say what is shared");
    }
    for (const std::string& member : group.members) {
      if (!by_id.contains(member)) {
        Add(out, where,
            "group '" + group.id + "': member '" + member +
                "' names no family");
      }
      const auto [it, added] = group_of.emplace(member, group.id);
      if (!added) {
        Add(out, where,
            "family '" + member + "' is in groups '" + it->second + "' and '" +
                group.id + "'");
      }
    }
  }
}

}  // namespace

std::vector<Diagnostic> Lint(const KnowledgeBase& kb,
                             const LintOptions& options) {
  std::vector<Diagnostic> out;
  std::map<std::string, const Family*, std::less<>> by_id;
  // Every id, name and alias, lowercased, with the family that claims it.
  std::map<std::string, const Family*, std::less<>> names;
  for (const auto& family : kb.families) {
    if (!IsValidId(family.id)) {
      Add(&out, family.where,
          "family id '" + family.id + "' must be lowercase [a-z0-9-]");
    }
    if (!by_id.emplace(family.id, &family).second) {
      Add(&out, family.where, "duplicate family id '" + family.id + "'");
    }
  }
  for (const auto& family : kb.families) {
    std::set<std::string> own{family.id, ToLower(family.name)};
    for (const auto& alias : family.aliases) {
      std::string lower = ToLower(alias);
      if (lower.empty()) {
        Add(&out, family.where, "empty alias");
        continue;
      }
      own.insert(lower);
    }
    for (const auto& name : own) {
      auto [it, inserted] = names.emplace(name, &family);
      if (!inserted && it->second != &family) {
        Add(&out, family.where,
            "name or alias '" + name + "' is also used by family '" +
                it->second->id + "' (" + it->second->where.file + ")");
      }
    }
  }
  for (const auto& family : kb.families) {
    if (family.sources.empty()) {
      Add(&out, family.where, "family '" + family.id + "' has no source");
    }
    std::set<std::string, std::less<>> rule_ids;
    for (const auto& rule : family.rules) {
      if (!rule_ids.insert(rule.id).second) {
        Add(&out, Or(rule.where, family.where),
            "duplicate rule id '" + rule.id + "'");
      }
      LintRule(family, rule, &out);
    }
    for (const auto& contact : family.contacts) {
      if (contact.sources.empty()) {
        Add(&out, Or(contact.where, family.where),
            "contact '" + contact.value + "' has no source");
      }
    }
    for (const auto& related : family.related) {
      if (related == family.id) {
        Add(&out, family.where, "family is related to itself");
      } else if (!by_id.contains(related)) {
        Add(&out, family.where,
            "related family '" + related + "' is not in the KB");
      }
    }
    for (const auto& note : family.reference_notes) {
      if (!kb.note_texts.contains(note)) {
        Add(&out, family.where,
            "reference note '" + note + "' is missing from the KB");
      }
    }
    const Recovery& recovery = family.recovery;
    // `unknown` with a decryptor is a decryptor that cannot recover files
    // yet (Chimera's matches leaked keys to files; its data cipher is not
    // known): advice then never promises recovery.
    if (!recovery.decryptor.empty() &&
        recovery.possible == RecoveryPossible::kNo) {
      Add(&out, family.where,
          "recovery names decryptor '" + recovery.decryptor +
              "' but 'possible' is no");
    }
    if (!recovery.decryptor.empty() && recovery.sources.empty()) {
      Add(&out, family.where, "recovery has no source");
    }
    if (!recovery.decryptor.empty() && options.decryptors) {
      LintDecryptor(family, *options.decryptors, &out);
    }
    bool has_positive = false;
    bool has_negative = false;
    for (const auto& fixture : family.fixtures) {
      if (FixtureIsEmpty(fixture)) {
        Add(&out, Or(fixture.where, family.where), "fixture has no input");
      }
      (fixture.positive ? has_positive : has_negative) = true;
    }
    if (!family.rules.empty() && !family.disabled &&
        (!has_positive || !has_negative)) {
      Add(&out, family.where,
          "family '" + family.id +
              "' has rules but not both a positive and a negative fixture");
    }
  }
  const Location allow_file{"allow-list.yaml", 0};
  for (const auto& entry : kb.allow_list) {
    if (entry.reason.empty())
      Add(&out, Or(entry.where, allow_file), "allow entry has no reason");
    if (entry.is_regex) {
      std::string problem = CheckRegex(entry.pattern);
      if (!problem.empty()) {
        Add(&out, Or(entry.where, allow_file), "invalid regex: " + problem);
      }
    }
  }
  for (const auto& entry : kb.allow_contacts) {
    if (entry.reason.empty()) {
      Add(&out, Or(entry.where, allow_file), "allowed contact has no reason");
    }
  }
  for (const auto& family : kb.families) {
    for (const auto& contact : family.contacts) {
      if (FindAllowedContact(kb.allow_contacts, contact.value) != nullptr) {
        Add(&out, Or(contact.where, family.where),
            "contact '" + contact.value +
                "' is on the allow list: never an attacker's");
      }
    }
  }
  LintGroups(kb, by_id, &out);
  for (const auto& entry : kb.disabled) {
    std::string id = entry.substr(0, entry.find('/'));
    if (!by_id.contains(id)) {
      Add(&out, Location{"disabled.yaml", 0},
          "disabled entry '" + entry + "' names no family");
    }
  }
  return out;
}

}  // namespace kintsugi::kb
