// Parser and writer of the KB YAML format (docs/kb-format.md). yaml-cpp
// throws; every exception is caught here and becomes a kCorrupt Status with
// file:line taken from the YAML mark.

#include "kb/kb_format.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <set>
#include <utility>

#include "core/utf8.h"
#include "kb/yaml_read.h"
#include "kintsugi/limits.h"

namespace kintsugi::kb::internal {
namespace {

using yaml::Bool;
using yaml::Fail;
using yaml::ForEachKey;
using yaml::FormatError;
using yaml::Guarded;
using yaml::LineOf;
using yaml::List;
using yaml::Scalar;
using yaml::Sources;
using yaml::StringList;

template <typename E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<RuleKind, 8> kRuleKindNames{{
    {RuleKind::kExtension, "extension"},
    {RuleKind::kFilenamePattern, "filename-pattern"},
    {RuleKind::kNoteName, "note-name"},
    {RuleKind::kNotePhrase, "note-phrase"},
    {RuleKind::kNoteRegex, "note-regex"},
    {RuleKind::kFileMarker, "file-marker"},
    {RuleKind::kSizeRelation, "size-relation"},
    {RuleKind::kVictimId, "victim-id"},
}};
constexpr NameTable<Strength, 4> kStrengthNames{{
    {Strength::kWeak, "weak"},
    {Strength::kMedium, "medium"},
    {Strength::kStrong, "strong"},
    {Strength::kDecisive, "decisive"},
}};
constexpr NameTable<Anchor, 4> kAnchorNames{{
    {Anchor::kStart, "start"},
    {Anchor::kEnd, "end"},
    {Anchor::kHead, "head"},
    {Anchor::kTail, "tail"},
}};
constexpr NameTable<FieldType, 8> kFieldTypeNames{{
    {FieldType::kU8, "u8"},
    {FieldType::kLe16, "le16"},
    {FieldType::kLe32, "le32"},
    {FieldType::kLe64, "le64"},
    {FieldType::kBe16, "be16"},
    {FieldType::kBe32, "be32"},
    {FieldType::kBe64, "be64"},
    {FieldType::kKey, "key"},
}};
constexpr NameTable<ContactKind, 9> kContactKindNames{{
    {ContactKind::kEmail, "email"},
    {ContactKind::kOnion, "onion"},
    {ContactKind::kUrl, "url"},
    {ContactKind::kTox, "tox"},
    {ContactKind::kBitcoin, "bitcoin"},
    {ContactKind::kMonero, "monero"},
    {ContactKind::kTelegram, "telegram"},
    {ContactKind::kSession, "session"},
    {ContactKind::kOther, "other"},
}};
constexpr NameTable<RecoveryPossible, 4> kRecoveryNames{{
    {RecoveryPossible::kYes, "yes"},
    {RecoveryPossible::kNo, "no"},
    {RecoveryPossible::kPartial, "partial"},
    {RecoveryPossible::kUnknown, "unknown"},
}};

template <typename E, std::size_t N>
std::string_view NameOf(const NameTable<E, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> ValueOf(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [e, n] : table) {
    if (n == name) return e;
  }
  return std::nullopt;
}

// Generic extensions (docs/kb-format.md §5): each is used by dozens of MISP
// families or by benign tools, or is an ordinary file type that a few
// families also append (TeslaCrypt 3.0's ".mp3"): every such file on a disk
// would otherwise be a candidate.
constexpr std::array<std::string_view, 43> kGenericExtensions{
    ".locked", ".encrypted", ".crypt",   ".enc",    ".crypted", ".locky",
    ".lock",   ".crypto",    ".cry",     ".aes",    ".aes256",  ".rsa",
    ".encr",   ".crypz",     ".hacked",  ".fucked", ".bin",     ".dll",
    ".exe",    ".key",       ".bak",     ".backup", ".zip",     ".rar",
    ".7z",     ".tmp",       ".txt",     ".dat",    ".data",    ".pay",
    ".ransom", ".btc",       ".xxx",     ".zzz",    ".aaa",     ".abc",
    ".ccc",    ".vvv",       ".locked2", ".cipher", ".html",    ".htm",
    ".mp3",
};
constexpr std::array<std::string_view, 22> kGenericNoteNames{
    "readme.txt",          "read_me.txt",
    "readme.html",         "how_to_decrypt.txt",
    "how_to_decrypt.html", "decrypt.txt",
    "instructions.txt",    "help.txt",
    "read_this.txt",       "readme!.txt",
    "how to decrypt.txt",  "recover.txt",
    "restore_files.txt",   "how_to_recover.txt",
    "!readme.txt",         "read me.txt",
    "help_decrypt.txt",    "decrypt_files.txt",
    "how_decrypt.txt",     "info.txt",
    "read_me.html",        "how to restore files.txt",
};

// --- parsing ---------------------------------------------------------------

std::uint64_t Uint(const YAML::Node& node, std::string_view key) {
  std::string value = Scalar(node, key);
  std::uint64_t out = 0;
  int base = 10;
  std::string_view digits = value;
  if (digits.starts_with("0x")) {
    base = 16;
    digits.remove_prefix(2);
  }
  auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), out, base);
  if (digits.empty() || ec != std::errc() ||
      ptr != digits.data() + digits.size()) {
    Fail(node, "'" + std::string(key) + "' must be a non-negative integer");
  }
  return out;
}

// Far beyond any offset a rule can use (identify reads 64 KiB at each end),
// small enough that offset arithmetic cannot overflow.
constexpr std::uint64_t kMaxFieldDistance = std::uint64_t{1} << 48;

// "-32", "4", "0xa8": a signed offset.
std::int64_t Int(const YAML::Node& node, std::string_view key) {
  std::string value = Scalar(node, key);
  std::string_view digits = value;
  const bool negative = digits.starts_with("-");
  if (negative) digits.remove_prefix(1);
  int base = 10;
  if (digits.starts_with("0x")) {
    base = 16;
    digits.remove_prefix(2);
  }
  std::uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                   magnitude, base);
  if (digits.empty() || ec != std::errc() ||
      ptr != digits.data() + digits.size() || magnitude > kMaxFieldDistance) {
    Fail(node, "'" + std::string(key) + "' must be an integer below 2^48");
  }
  const auto signed_magnitude = static_cast<std::int64_t>(magnitude);
  return negative ? -signed_magnitude : signed_magnitude;
}

// A field bound: a number ("178", "0xb2"), "size", or "size - N" /
// "size + N" (docs/kb-format.md §3, "Fields").
FieldBound Bound(const YAML::Node& node, std::string_view key) {
  std::string value = Scalar(node, key);
  FieldBound bound;
  std::string_view rest = value;
  if (!rest.starts_with("size")) {
    bound.value = Uint(node, key);
    return bound;
  }
  bound.relative_to_size = true;
  rest.remove_prefix(4);
  auto trim = [](std::string_view& text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  };
  trim(rest);
  if (rest.empty()) return bound;
  const char sign = rest.front();
  rest.remove_prefix(1);
  trim(rest);
  std::uint64_t magnitude = 0;
  auto [ptr, ec] =
      std::from_chars(rest.data(), rest.data() + rest.size(), magnitude);
  if ((sign != '-' && sign != '+') || rest.empty() || ec != std::errc() ||
      ptr != rest.data() + rest.size() || magnitude > kMaxFieldDistance) {
    Fail(node, "'" + std::string(key) +
                   "' must be a number, 'size', 'size - N' or 'size + N'");
  }
  bound.delta = static_cast<std::int64_t>(magnitude);
  if (sign == '-') bound.delta = -bound.delta;
  return bound;
}

Bytes Hex(const YAML::Node& node, std::string_view key) {
  auto bytes = FromHex(Scalar(node, key));
  if (!bytes.has_value()) {
    Fail(node, "'" + std::string(key) + "' must be hex (two digits a byte)");
  }
  return std::move(*bytes);
}

template <typename E, std::size_t N>
E Enum(const YAML::Node& node, std::string_view key,
       const NameTable<E, N>& table) {
  std::string value = Scalar(node, key);
  auto parsed = ValueOf(table, value);
  if (!parsed.has_value()) {
    std::string allowed;
    for (const auto& [e, name] : table) {
      allowed += allowed.empty() ? "" : ", ";
      allowed += name;
    }
    Fail(node, "'" + std::string(key) + "' is '" + value +
                   "'; expected one of " + allowed);
  }
  return *parsed;
}

FileField ParseField(const YAML::Node& node, const std::string& file) {
  FileField field;
  field.where = {file, LineOf(node)};
  bool has_type = false;
  ForEachKey(node, "a field", [&](const std::string& key, const YAML::Node& v) {
    if (key == "at") {
      field.at = Int(v, key);
    } else if (key == "type") {
      field.type = Enum(v, key, kFieldTypeNames);
      has_type = true;
    } else if (key == "length") {
      field.length = Uint(v, key);
    } else if (key == "values") {
      if (!v.IsSequence()) Fail(v, "'values' must be a list");
      for (const auto& item : v) field.values.push_back(Uint(item, key));
    } else if (key == "min") {
      field.min = Bound(v, key);
    } else if (key == "max") {
      field.max = Bound(v, key);
    } else if (key == "equals") {
      field.min = Bound(v, key);
      field.max = field.min;
    } else {
      return false;
    }
    return true;
  });
  if (!has_type) Fail(node, "field without a 'type'");
  if (node["equals"] && (node["min"] || node["max"])) {
    Fail(node, "a field has 'equals' or 'min'/'max', not both");
  }
  const bool key_type = field.type == FieldType::kKey;
  if (key_type != (field.length != 0)) {
    Fail(node, key_type ? "a 'key' field needs a 'length'"
                        : "'length' is for 'key' fields only");
  }
  if (key_type && (!field.values.empty() || field.min || field.max)) {
    Fail(node, "a 'key' field takes no values or bounds");
  }
  if (field.length > limits::kMaxPatternBytes) {
    Fail(node, "'length' longer than limits::kMaxPatternBytes");
  }
  return field;
}

Rule ParseRuleBody(const YAML::Node& node, const std::string& file) {
  Rule rule;
  rule.where = {file, LineOf(node)};
  bool has_kind = false;
  ForEachKey(node, "a rule", [&](const std::string& key, const YAML::Node& v) {
    if (key == "id") {
      rule.id = Scalar(v, key);
    } else if (key == "kind") {
      rule.kind = Enum(v, key, kRuleKindNames);
      has_kind = true;
    } else if (key == "strength") {
      rule.strength = Enum(v, key, kStrengthNames);
    } else if (key == "pattern") {
      rule.pattern = Scalar(v, key);
      if (rule.pattern.size() > limits::kMaxPatternBytes) {
        Fail(v, "pattern longer than limits::kMaxPatternBytes");
      }
    } else if (key == "regex") {
      rule.is_regex = Bool(v, key);
    } else if (key == "marker_hex") {
      rule.marker = Hex(v, key);
    } else if (key == "marker_text") {
      std::string text = Scalar(v, key);
      rule.marker.assign(text.begin(), text.end());
    } else if (key == "anchor") {
      rule.anchor = Enum(v, key, kAnchorNames);
    } else if (key == "offset") {
      rule.offset = Uint(v, key);
    } else if (key == "modulus") {
      rule.modulus = Uint(v, key);
    } else if (key == "remainder") {
      rule.remainder = Uint(v, key);
    } else if (key == "footer_bytes") {
      rule.footer_bytes = Uint(v, key);
    } else if (key == "fields") {
      rule.fields = List<FileField>(
          v, key, [&](const YAML::Node& n) { return ParseField(n, file); });
    } else if (key == "min_engine") {
      rule.min_engine = Scalar(v, key);
    } else if (key == "sources") {
      rule.sources = Sources(v);
    } else {
      return false;
    }
    return true;
  });
  if (rule.id.empty()) Fail(node, "rule without an 'id'");
  if (!has_kind) Fail(node, "rule '" + rule.id + "' without a 'kind'");
  if (rule.marker.size() > limits::kMaxPatternBytes) {
    Fail(node, "marker longer than limits::kMaxPatternBytes");
  }
  return rule;
}

// A rule for a newer engine may use keys and values this engine does not
// know: it is kept with its id and min_engine only, and the loader drops it
// (docs/kb-format.md §6), instead of the whole KB failing to load.
Rule ParseRule(const YAML::Node& node, const std::string& file) {
  try {
    return ParseRuleBody(node, file);
  } catch (const FormatError&) {
    const YAML::Node min_engine =
        node.IsMap() ? node["min_engine"] : YAML::Node();
    if (!min_engine.IsDefined() || !min_engine.IsScalar() ||
        !IsNewerThanEngine(min_engine.Scalar())) {
      throw;
    }
    Rule rule;
    rule.where = {file, LineOf(node)};
    if (const YAML::Node id = node["id"]; id.IsDefined() && id.IsScalar()) {
      rule.id = id.Scalar();
    }
    rule.min_engine = min_engine.Scalar();
    return rule;
  }
}

Contact ParseContact(const YAML::Node& node, const std::string& file) {
  Contact contact;
  contact.where = {file, LineOf(node)};
  bool has_value = false;
  ForEachKey(node, "a contact",
             [&](const std::string& key, const YAML::Node& v) {
               if (key == "kind") {
                 contact.kind = Enum(v, key, kContactKindNames);
               } else if (key == "value") {
                 contact.value = Scalar(v, key);
                 has_value = true;
               } else if (key == "sources") {
                 contact.sources = Sources(v);
               } else {
                 return false;
               }
               return true;
             });
  if (!has_value || contact.value.empty()) {
    Fail(node, "contact without a 'value'");
  }
  return contact;
}

Recovery ParseRecovery(const YAML::Node& node) {
  Recovery recovery;
  ForEachKey(node, "recovery",
             [&](const std::string& key, const YAML::Node& v) {
               if (key == "possible") {
                 recovery.possible = Enum(v, key, kRecoveryNames);
               } else if (key == "decryptor") {
                 recovery.decryptor = Scalar(v, key);
               } else if (key == "strategy") {
                 recovery.strategy = Scalar(v, key);
               } else if (key == "planned") {
                 recovery.planned = Bool(v, key);
               } else if (key == "needs") {
                 recovery.needs = StringList(v, key);
               } else if (key == "notes") {
                 recovery.notes = Scalar(v, key);
               } else if (key == "sources") {
                 recovery.sources = Sources(v);
               } else {
                 return false;
               }
               return true;
             });
  return recovery;
}

Fixture ParseFixture(const YAML::Node& node, const std::string& file) {
  Fixture fixture;
  fixture.where = {file, LineOf(node)};
  bool has_polarity = false;
  ForEachKey(node, "a fixture",
             [&](const std::string& key, const YAML::Node& v) {
               if (key == "positive") {
                 fixture.positive = Bool(v, key);
                 has_polarity = true;
               } else if (key == "file_names") {
                 fixture.file_names = StringList(v, key);
               } else if (key == "note_name") {
                 fixture.note_name = Scalar(v, key);
               } else if (key == "note_text") {
                 fixture.note_text = Scalar(v, key);
               } else if (key == "contacts") {
                 fixture.contacts = StringList(v, key);
               } else if (key == "file_head_hex") {
                 fixture.file_head = Hex(v, key);
               } else if (key == "file_tail_hex") {
                 fixture.file_tail = Hex(v, key);
               } else {
                 return false;
               }
               return true;
             });
  if (!has_polarity) Fail(node, "fixture without 'positive: true|false'");
  return fixture;
}

Family ParseFamilyNode(const YAML::Node& root, const std::string& file) {
  Family family;
  family.where = {file, LineOf(root)};
  ForEachKey(
      root, "a family", [&](const std::string& key, const YAML::Node& v) {
        if (key == "id") {
          family.id = Scalar(v, key);
        } else if (key == "name") {
          family.name = Scalar(v, key);
        } else if (key == "aliases") {
          family.aliases = StringList(v, key);
        } else if (key == "first_seen") {
          family.first_seen = Scalar(v, key);
        } else if (key == "last_seen") {
          family.last_seen = Scalar(v, key);
        } else if (key == "platforms") {
          family.platforms = StringList(v, key);
        } else if (key == "references") {
          family.references = StringList(v, key);
        } else if (key == "related") {
          family.related = StringList(v, key);
        } else if (key == "rules") {
          family.rules = List<Rule>(
              v, key, [&](const YAML::Node& n) { return ParseRule(n, file); });
        } else if (key == "contacts") {
          family.contacts = List<Contact>(v, key, [&](const YAML::Node& n) {
            return ParseContact(n, file);
          });
        } else if (key == "reference_notes") {
          family.reference_notes = StringList(v, key);
        } else if (key == "recovery") {
          family.recovery = ParseRecovery(v);
        } else if (key == "fixtures") {
          family.fixtures = List<Fixture>(v, key, [&](const YAML::Node& n) {
            return ParseFixture(n, file);
          });
        } else if (key == "sources") {
          family.sources = Sources(v);
        } else if (key == "disabled") {
          family.disabled = Bool(v, key);
        } else {
          return false;
        }
        return true;
      });
  if (family.id.empty()) Fail(root, "family without an 'id'");
  if (family.name.empty()) family.name = family.id;
  return family;
}

}  // namespace

std::string_view RuleKindSpelling(RuleKind kind) {
  return NameOf(kRuleKindNames, kind);
}
std::optional<RuleKind> ParseRuleKind(std::string_view name) {
  return ValueOf(kRuleKindNames, name);
}
std::string_view StrengthSpelling(Strength strength) {
  return NameOf(kStrengthNames, strength);
}
std::optional<Strength> ParseStrength(std::string_view name) {
  return ValueOf(kStrengthNames, name);
}
std::string_view AnchorSpelling(Anchor anchor) {
  return NameOf(kAnchorNames, anchor);
}
std::optional<Anchor> ParseAnchor(std::string_view name) {
  return ValueOf(kAnchorNames, name);
}
std::string_view FieldTypeSpelling(FieldType type) {
  return NameOf(kFieldTypeNames, type);
}
std::optional<FieldType> ParseFieldType(std::string_view name) {
  return ValueOf(kFieldTypeNames, name);
}
std::size_t FieldTypeWidth(FieldType type) {
  switch (type) {
    case FieldType::kU8:
      return 1;
    case FieldType::kLe16:
    case FieldType::kBe16:
      return 2;
    case FieldType::kLe32:
    case FieldType::kBe32:
      return 4;
    case FieldType::kLe64:
    case FieldType::kBe64:
      return 8;
    case FieldType::kKey:
      return 0;
  }
  return 0;
}
std::string FormatFieldBound(const FieldBound& bound) {
  if (!bound.relative_to_size) return std::to_string(bound.value);
  if (bound.delta == 0) return "size";
  // |delta| <= 2^48 (the parser's limit): no overflow in the negation.
  return bound.delta < 0 ? "size - " + std::to_string(-bound.delta)
                         : "size + " + std::to_string(bound.delta);
}
std::string_view ContactKindSpelling(ContactKind kind) {
  return NameOf(kContactKindNames, kind);
}
std::optional<ContactKind> ParseContactKind(std::string_view name) {
  return ValueOf(kContactKindNames, name);
}
std::string_view RecoveryPossibleSpelling(RecoveryPossible possible) {
  return NameOf(kRecoveryNames, possible);
}
std::optional<RecoveryPossible> ParseRecoveryPossible(std::string_view name) {
  return ValueOf(kRecoveryNames, name);
}

std::string FormatSource(const Source& source) {
  return source.dataset + ":" + source.entry;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsGenericExtension(std::string_view extension) {
  std::string lower = ToLower(extension);
  return std::find(kGenericExtensions.begin(), kGenericExtensions.end(),
                   lower) != kGenericExtensions.end();
}

bool IsGenericNoteName(std::string_view name) {
  std::string lower = ToLower(name);
  return std::find(kGenericNoteNames.begin(), kGenericNoteNames.end(), lower) !=
         kGenericNoteNames.end();
}

Result<Family> ParseFamily(std::string_view text, const std::string& file) {
  Family family;
  KINTSUGI_RETURN_IF_ERROR(Guarded(text, file, [&](const YAML::Node& root) {
    family = ParseFamilyNode(root, file);
  }));
  return family;
}

}  // namespace kintsugi::kb::internal

namespace kintsugi::kb {

std::string_view RuleKindName(RuleKind kind) {
  return internal::RuleKindSpelling(kind);
}
std::string_view StrengthName(Strength strength) {
  return internal::StrengthSpelling(strength);
}
std::string_view AnchorName(Anchor anchor) {
  return internal::AnchorSpelling(anchor);
}
std::string_view FieldTypeName(FieldType type) {
  return internal::FieldTypeSpelling(type);
}
std::string_view ContactKindName(ContactKind kind) {
  return internal::ContactKindSpelling(kind);
}
std::string_view RecoveryPossibleName(RecoveryPossible possible) {
  return internal::RecoveryPossibleSpelling(possible);
}

}  // namespace kintsugi::kb
