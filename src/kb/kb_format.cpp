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
#include "kintsugi/limits.h"

namespace kintsugi::kb::internal {
namespace {

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
// families or by benign tools.
constexpr std::array<std::string_view, 40> kGenericExtensions{
    ".locked", ".encrypted", ".crypt",   ".enc",    ".crypted", ".locky",
    ".lock",   ".crypto",    ".cry",     ".aes",    ".aes256",  ".rsa",
    ".encr",   ".crypz",     ".hacked",  ".fucked", ".bin",     ".dll",
    ".exe",    ".key",       ".bak",     ".backup", ".zip",     ".rar",
    ".7z",     ".tmp",       ".txt",     ".dat",    ".data",    ".pay",
    ".ransom", ".btc",       ".xxx",     ".zzz",    ".aaa",     ".abc",
    ".ccc",    ".vvv",       ".locked2", ".cipher",
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

// Thrown inside this file only, caught in the public entry points.
struct FormatError {
  int line;
  std::string message;
};

[[noreturn]] void Fail(const YAML::Node& node, std::string message) {
  throw FormatError{node.Mark().line + 1, std::move(message)};
}

std::string Scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) {
    Fail(node, "'" + std::string(key) + "' must be a string");
  }
  const std::string& value = node.Scalar();
  if (value.size() > limits::kMaxPatternBytes * 64) {
    Fail(node, "'" + std::string(key) + "' is too long");
  }
  return value;
}

bool Bool(const YAML::Node& node, std::string_view key) {
  std::string value = Scalar(node, key);
  if (value == "true") return true;
  if (value == "false") return false;
  Fail(node, "'" + std::string(key) + "' must be true or false");
}

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

std::vector<std::string> StringList(const YAML::Node& node,
                                    std::string_view key) {
  if (!node.IsSequence()) {
    Fail(node, "'" + std::string(key) + "' must be a list");
  }
  std::vector<std::string> out;
  out.reserve(node.size());
  for (const auto& item : node) out.push_back(Scalar(item, key));
  return out;
}

std::vector<Source> Sources(const YAML::Node& node) {
  std::vector<Source> out;
  for (const auto& text : StringList(node, "sources")) {
    std::size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
      Fail(node, "source '" + text + "' must be 'dataset:entry'");
    }
    out.push_back({text.substr(0, colon), text.substr(colon + 1)});
  }
  return out;
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

// Calls `handle(key, value)` for each entry of a mapping; a key the handler
// does not know is an error (typos are caught).
template <typename Handler>
void ForEachKey(const YAML::Node& node, std::string_view what,
                Handler&& handle) {
  if (!node.IsMap()) Fail(node, std::string(what) + " must be a mapping");
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    std::string key = Scalar(key_node, "key");
    if (!seen.insert(key).second) {
      Fail(key_node, "duplicate key '" + key + "' in " + std::string(what));
    }
    if (!handle(key, entry.second)) {
      Fail(key_node, "unknown key '" + key + "' in " + std::string(what));
    }
  }
}

int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

Rule ParseRule(const YAML::Node& node, const std::string& file) {
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

template <typename T, typename F>
std::vector<T> List(const YAML::Node& node, std::string_view key,
                    F&& parse_one) {
  if (!node.IsSequence()) {
    Fail(node, "'" + std::string(key) + "' must be a list");
  }
  std::vector<T> out;
  out.reserve(node.size());
  for (const auto& item : node) out.push_back(parse_one(item));
  return out;
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

// Runs `parse` on the document in `text`, turning every exception into a
// kCorrupt Status with file:line.
template <typename F>
Status Guarded(std::string_view text, const std::string& file, F&& parse) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsDefined() || root.IsNull()) {
      return CorruptError(file + ":1: empty document");
    }
    parse(root);
    return Status::Ok();
  } catch (const FormatError& e) {
    return CorruptError(file + ":" + std::to_string(e.line) + ": " + e.message);
  } catch (const YAML::Exception& e) {
    return CorruptError(file + ":" + std::to_string(e.mark.line + 1) + ": " +
                        e.msg);
  } catch (const std::exception& e) {
    return CorruptError(file + ": " + e.what());
  }
}

// --- writing ---------------------------------------------------------------

// A YAML double-quoted scalar: every byte outside printable ASCII escaped,
// so any string round-trips and the file stays plain ASCII.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (c >= 0x80) {
      // One UTF-8 character as a \u or \U escape; an invalid byte becomes
      // U+FFFD (strictly decoded: an escape of a code point the reader
      // rejects would break the round trip).
      std::uint32_t code = 0xfffd;
      if (const std::optional<Utf8Char> decoded = DecodeUtf8(text, i)) {
        code = decoded->code;
        i += decoded->length - 1;
      }
      char buffer[16];
      if (code > 0xffff) {
        std::snprintf(buffer, sizeof buffer, "\\U%08x", code);
      } else {
        std::snprintf(buffer, sizeof buffer, "\\u%04x", code);
      }
      out += buffer;
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    }
  }
  out += '"';
  return out;
}

void WriteList(std::string* out, std::string_view indent, std::string_view key,
               const std::vector<std::string>& items) {
  if (items.empty()) return;
  *out += std::string(indent) + std::string(key) + ":\n";
  for (const auto& item : items) {
    *out += std::string(indent) + "  - " + Quote(item) + "\n";
  }
}

void WriteSources(std::string* out, std::string_view indent,
                  const std::vector<Source>& sources) {
  std::vector<std::string> items;
  items.reserve(sources.size());
  for (const auto& s : sources) items.push_back(FormatSource(s));
  WriteList(out, indent, "sources", items);
}

bool IsPrintable(const Bytes& bytes) {
  return !bytes.empty() &&
         std::all_of(bytes.begin(), bytes.end(),
                     [](std::uint8_t b) { return b >= 0x20 && b < 0x7f; });
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

bool IsNewerThanEngine(std::string_view version) {
  auto parse = [](std::string_view v, int* major, int* minor) {
    std::size_t dot = v.find('.');
    std::string_view a = v.substr(0, dot);
    std::string_view b =
        dot == std::string_view::npos ? "0" : v.substr(dot + 1);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), *major);
    auto r2 = std::from_chars(b.data(), b.data() + b.size(), *minor);
    return !a.empty() && !b.empty() && r1.ec == std::errc() &&
           r1.ptr == a.data() + a.size() && r2.ec == std::errc() &&
           r2.ptr == b.data() + b.size();
  };
  int major = 0, minor = 0, engine_major = 0, engine_minor = 0;
  if (!parse(version, &major, &minor)) return true;
  parse(kEngineVersion, &engine_major, &engine_minor);
  return major != engine_major ? major > engine_major : minor > engine_minor;
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

Status ParseAllowList(std::string_view text, const std::string& file,
                      std::vector<AllowEntry>* out,
                      std::vector<AllowContact>* contacts) {
  return Guarded(text, file, [&](const YAML::Node& root) {
    ForEachKey(root, "the allow list",
               [&](const std::string& key, const YAML::Node& list) {
                 if (key == "contacts") {
                   auto parsed =
                       List<AllowContact>(list, key, [&](const YAML::Node& n) {
                         AllowContact entry;
                         entry.where = {file, LineOf(n)};
                         ForEachKey(
                             n, "an allowed contact",
                             [&](const std::string& k, const YAML::Node& v) {
                               if (k == "value") {
                                 entry.value = Scalar(v, k);
                               } else if (k == "domain") {
                                 entry.domain = ToLower(Scalar(v, k));
                               } else if (k == "reason") {
                                 entry.reason = Scalar(v, k);
                               } else {
                                 return false;
                               }
                               return true;
                             });
                         if (entry.value.empty() == entry.domain.empty()) {
                           Fail(n,
                                "allowed contact needs exactly one of "
                                "'value' and 'domain'");
                         }
                         return entry;
                       });
                   if (contacts != nullptr) *contacts = std::move(parsed);
                   return true;
                 }
                 if (key != "allow") return false;
                 *out = List<AllowEntry>(list, key, [&](const YAML::Node& n) {
                   AllowEntry entry;
                   entry.where = {file, LineOf(n)};
                   ForEachKey(n, "an allow entry",
                              [&](const std::string& k, const YAML::Node& v) {
                                if (k == "kind") {
                                  entry.kind = Enum(v, k, kRuleKindNames);
                                } else if (k == "pattern") {
                                  entry.pattern = Scalar(v, k);
                                } else if (k == "regex") {
                                  entry.is_regex = Bool(v, k);
                                } else if (k == "reason") {
                                  entry.reason = Scalar(v, k);
                                } else {
                                  return false;
                                }
                                return true;
                              });
                   if (entry.pattern.empty()) {
                     Fail(n, "allow entry without a 'pattern'");
                   }
                   return entry;
                 });
                 return true;
               });
  });
}

Status ParseDisabledList(std::string_view text, const std::string& file,
                         std::vector<std::string>* out) {
  return Guarded(text, file, [&](const YAML::Node& root) {
    ForEachKey(root, "the disable list",
               [&](const std::string& key, const YAML::Node& list) {
                 if (key != "disabled") return false;
                 *out = StringList(list, key);
                 return true;
               });
  });
}

std::string FamilyToYaml(const Family& family) {
  std::string out;
  out.reserve(4096);
  out += "# Kintsugi knowledge base, format: docs/kb-format.md\n";
  out += "id: " + Quote(family.id) + "\n";
  out += "name: " + Quote(family.name) + "\n";
  WriteList(&out, "", "aliases", family.aliases);
  if (!family.first_seen.empty()) {
    out += "first_seen: " + Quote(family.first_seen) + "\n";
  }
  if (!family.last_seen.empty()) {
    out += "last_seen: " + Quote(family.last_seen) + "\n";
  }
  WriteList(&out, "", "platforms", family.platforms);
  WriteList(&out, "", "references", family.references);
  WriteList(&out, "", "related", family.related);
  WriteSources(&out, "", family.sources);
  if (family.disabled) out += "disabled: true\n";
  if (!family.rules.empty()) {
    out += "rules:\n";
    for (const auto& rule : family.rules) {
      out += "  - id: " + Quote(rule.id) + "\n";
      out += "    kind: " + std::string(RuleKindSpelling(rule.kind)) + "\n";
      out += "    strength: " + std::string(StrengthSpelling(rule.strength)) +
             "\n";
      if (!rule.pattern.empty()) {
        out += "    pattern: " + Quote(rule.pattern) + "\n";
      }
      if (rule.is_regex) out += "    regex: true\n";
      if (rule.kind == RuleKind::kFileMarker) {
        if (IsPrintable(rule.marker)) {
          out += "    marker_text: " +
                 Quote(std::string(rule.marker.begin(), rule.marker.end())) +
                 "\n";
        } else {
          out += "    marker_hex: " + Quote(ToHex(rule.marker)) + "\n";
        }
        out += "    anchor: " + std::string(AnchorSpelling(rule.anchor)) + "\n";
        out += "    offset: " + std::to_string(rule.offset) + "\n";
      }
      if (rule.kind == RuleKind::kSizeRelation) {
        out += "    modulus: " + std::to_string(rule.modulus) + "\n";
        out += "    remainder: " + std::to_string(rule.remainder) + "\n";
        if (rule.footer_bytes != 0) {
          out +=
              "    footer_bytes: " + std::to_string(rule.footer_bytes) + "\n";
        }
      }
      if (!rule.min_engine.empty()) {
        out += "    min_engine: " + Quote(rule.min_engine) + "\n";
      }
      WriteSources(&out, "    ", rule.sources);
    }
  }
  if (!family.contacts.empty()) {
    out += "contacts:\n";
    for (const auto& contact : family.contacts) {
      out +=
          "  - kind: " + std::string(ContactKindSpelling(contact.kind)) + "\n";
      out += "    value: " + Quote(contact.value) + "\n";
      WriteSources(&out, "    ", contact.sources);
    }
  }
  WriteList(&out, "", "reference_notes", family.reference_notes);
  const Recovery& r = family.recovery;
  if (r.possible != RecoveryPossible::kUnknown || !r.decryptor.empty() ||
      !r.notes.empty() || !r.sources.empty()) {
    out += "recovery:\n";
    out += "  possible: " + std::string(RecoveryPossibleSpelling(r.possible)) +
           "\n";
    if (!r.decryptor.empty())
      out += "  decryptor: " + Quote(r.decryptor) + "\n";
    if (!r.strategy.empty()) out += "  strategy: " + Quote(r.strategy) + "\n";
    if (r.planned) out += "  planned: true\n";
    WriteList(&out, "  ", "needs", r.needs);
    if (!r.notes.empty()) out += "  notes: " + Quote(r.notes) + "\n";
    WriteSources(&out, "  ", r.sources);
  }
  if (!family.fixtures.empty()) {
    out += "fixtures:\n";
    for (const auto& f : family.fixtures) {
      out += std::string("  - positive: ") + (f.positive ? "true" : "false") +
             "\n";
      WriteList(&out, "    ", "file_names", f.file_names);
      if (!f.note_name.empty()) {
        out += "    note_name: " + Quote(f.note_name) + "\n";
      }
      if (!f.note_text.empty()) {
        out += "    note_text: " + Quote(f.note_text) + "\n";
      }
      WriteList(&out, "    ", "contacts", f.contacts);
      if (!f.file_head.empty()) {
        out += "    file_head_hex: " + Quote(ToHex(f.file_head)) + "\n";
      }
      if (!f.file_tail.empty()) {
        out += "    file_tail_hex: " + Quote(ToHex(f.file_tail)) + "\n";
      }
    }
  }
  return out;
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
std::string_view ContactKindName(ContactKind kind) {
  return internal::ContactKindSpelling(kind);
}
std::string_view RecoveryPossibleName(RecoveryPossible possible) {
  return internal::RecoveryPossibleSpelling(possible);
}

}  // namespace kintsugi::kb
