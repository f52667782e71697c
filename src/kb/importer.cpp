// The KB importer (docs/kb-format.md §10). Every byte of the sources is
// hostile: JSON through nlohmann (exceptions caught here), notes through
// ByteView, each file bounded by limits.h.

#include <openssl/sha.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "kb/kb_format.h"
#include "kintsugi/kb.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"

namespace kintsugi::kb {
namespace {

using internal::ToLower;
using Json = nlohmann::json;

constexpr std::string_view kMisp = "misp-galaxy";
constexpr std::string_view kThreatLabz = "threatlabz-notes";
constexpr std::string_view kRivitna = "rivitna-attackers";
constexpr std::string_view kCurated = "curated";
constexpr std::size_t kMaxSourceJsonBytes = 64 * limits::kMiB;
// Distinctive note lines kept per family (curation can refine).
constexpr std::size_t kPhrasesPerFamily = 4;
// Two families with a pair of notes sharing this much (word 5-gram
// Jaccard) are rebrands, reported together.
constexpr double kRelatedSimilarity = 0.45;

// --- text helpers ----------------------------------------------------------

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Family id from a display name: lowercase [a-z0-9-], without "ransomware".
std::string Slug(std::string_view name) {
  std::string lower = ToLower(name);
  for (std::string_view word : {"ransomware", "ransomsware", "ransom"}) {
    std::size_t at = lower.find(word);
    if (at != std::string::npos && lower.size() > word.size() + 2) {
      lower.erase(at, word.size());
    }
  }
  std::string out;
  for (char c : lower) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 60) out.resize(60);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Name without a trailing " Ransomware" (kept otherwise as MISP spells it).
std::string CleanName(std::string_view value) {
  std::string name = Trim(value);
  for (std::string_view suffix :
       {" Ransomware", " ransomware", " Ransomsware"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.resize(name.size() - suffix.size());
    }
  }
  return Trim(name);
}

// Appends the UTF-8 encoding of `code`.
void AppendUtf8(std::string* out, std::uint32_t code) {
  if (code < 0x80) {
    *out += static_cast<char>(code);
  } else if (code < 0x800) {
    *out += static_cast<char>(0xc0 | (code >> 6));
    *out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    *out += static_cast<char>(0xe0 | (code >> 12));
    *out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    *out += static_cast<char>(0xf0 | (code >> 18));
    *out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    *out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

// Note bytes as UTF-8 text: UTF-16 (with or without BOM) is converted, a
// UTF-8 BOM dropped; anything else is taken as it is.
std::string DecodeNote(ByteView bytes) {
  bool le_bom =
      bytes.size() >= 2 && bytes.data()[0] == 0xff && bytes.data()[1] == 0xfe;
  bool be_bom =
      bytes.size() >= 2 && bytes.data()[0] == 0xfe && bytes.data()[1] == 0xff;
  std::size_t odd_zeros = 0;
  std::size_t even_zeros = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes.U8(i).value_or(1) == 0) ++((i % 2) != 0 ? odd_zeros : even_zeros);
  }
  bool utf16le = le_bom || (bytes.size() >= 8 && odd_zeros > bytes.size() / 4);
  bool utf16be = be_bom || (bytes.size() >= 8 && even_zeros > bytes.size() / 4);
  std::string out;
  if (utf16le || utf16be) {
    std::size_t start = (le_bom || be_bom) ? 2 : 0;
    for (std::size_t i = start; i + 1 < bytes.size(); i += 2) {
      auto unit = utf16le ? bytes.U16Le(i) : bytes.U16Be(i);
      std::uint32_t code = unit.value_or(0xfffd);
      if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
      if (code != 0) AppendUtf8(&out, code);
    }
    return out;
  }
  ByteView body = bytes;
  if (bytes.StartsWith(ByteView::FromString("\xef\xbb\xbf"))) {
    body = bytes.From(3).value_or(ByteView());
  }
  return std::string(body.AsChars());
}

// Crude HTML to text: script and style dropped, tags become line breaks,
// a few entities decoded. Enough to find phrases and contacts.
std::string StripHtml(const std::string& text) {
  std::string lower = ToLower(text);
  if (lower.find("<html") == std::string::npos &&
      lower.find("<body") == std::string::npos &&
      lower.find("<div") == std::string::npos &&
      lower.find("<p>") == std::string::npos) {
    return text;
  }
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '<') {
      for (std::string_view block : {"<script", "<style"}) {
        if (lower.compare(i, block.size(), block) == 0) {
          std::string close = "</" + std::string(block.substr(1)) + ">";
          std::size_t end = lower.find(close, i);
          i = end == std::string::npos ? text.size() : end;
          break;
        }
      }
      std::size_t end = text.find('>', i);
      if (end == std::string::npos) break;
      out += '\n';
      i = end + 1;
      continue;
    }
    if (text[i] == '&') {
      bool decoded = false;
      for (auto [entity, value] :
           std::initializer_list<std::pair<std::string_view, char>>{
               {"&nbsp;", ' '},
               {"&amp;", '&'},
               {"&lt;", '<'},
               {"&gt;", '>'},
               {"&quot;", '"'},
               {"&#39;", '\''}}) {
        if (lower.compare(i, entity.size(), entity) == 0) {
          out += value;
          i += entity.size();
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out += text[i++];
  }
  return out;
}

// One note line as the identify engine normalises text: lowercase ASCII,
// whitespace runs folded to one space, trimmed.
std::string NormaliseLine(std::string_view line) {
  std::string out;
  bool space = false;
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::vector<std::string> NormalisedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string::npos) end = text.size();
    std::string line =
        NormaliseLine(std::string_view(text).substr(start, end - start));
    if (!line.empty()) lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// --- contacts ---------------------------------------------------------------

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}
bool IsHex(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
         (c >= '0' && c <= '9');
}
bool IsEmailLocal(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsHostChar(char c) { return IsAlnum(c) || c == '.' || c == '-'; }

// Maximal runs of alphanumeric characters, with their offsets.
std::vector<std::pair<std::size_t, std::string_view>> AlnumRuns(
    std::string_view text) {
  std::vector<std::pair<std::size_t, std::string_view>> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsAlnum(text[i])) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < text.size() && IsAlnum(text[i])) ++i;
    out.emplace_back(start, text.substr(start, i - start));
  }
  return out;
}

bool Base58CheckValid(std::string_view address) {
  static constexpr std::string_view kAlphabet =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  std::vector<std::uint8_t> number;  // Big-endian base-256.
  for (char c : address) {
    std::size_t digit = kAlphabet.find(c);
    if (digit == std::string_view::npos) return false;
    auto carry = static_cast<std::uint32_t>(digit);
    for (auto it = number.rbegin(); it != number.rend(); ++it) {
      carry += 58u * *it;
      *it = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      number.insert(number.begin(), static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }
  for (char c : address) {
    if (c != '1') break;
    number.insert(number.begin(), 0);
  }
  if (number.size() != 25) return false;
  std::uint8_t first[SHA256_DIGEST_LENGTH];
  std::uint8_t second[SHA256_DIGEST_LENGTH];
  SHA256(number.data(), 21, first);
  SHA256(first, sizeof first, second);
  return std::equal(second, second + 4, number.begin() + 21);
}

bool IsBase32(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
  });
}

// Attacker contacts in a note or a contact list (docs/kb-format.md §10.4).
// Hand-written scanners: the sources are hostile and std::regex can blow up.
std::vector<std::pair<ContactKind, std::string>> ExtractContacts(
    const std::string& input) {
  std::vector<std::pair<ContactKind, std::string>> out;
  std::string_view text = input;
  // E-mail addresses.
  for (std::size_t at = text.find('@'); at != std::string_view::npos;
       at = text.find('@', at + 1)) {
    std::size_t b = at;
    while (b > 0 && at - b < 64 && IsEmailLocal(text[b - 1])) --b;
    std::size_t e = at + 1;
    while (e < text.size() && e - at < 255 && IsHostChar(text[e])) ++e;
    while (e > at + 1 && (text[e - 1] == '.' || text[e - 1] == '-')) --e;
    while (b < at && text[b] == '.') ++b;
    if (b == at) continue;
    std::string_view domain = text.substr(at + 1, e - at - 1);
    std::size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) continue;
    std::string_view tld = domain.substr(dot + 1);
    bool letters = tld.size() >= 2 && tld.size() <= 12 &&
                   std::all_of(tld.begin(), tld.end(), [](char c) {
                     return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                   });
    std::string lower_tld = ToLower(tld);
    if (!letters || lower_tld == "png" || lower_tld == "jpg" ||
        lower_tld == "gif") {
      continue;
    }
    out.emplace_back(ContactKind::kEmail, ToLower(text.substr(b, e - b)));
  }
  std::string lower = ToLower(text);
  // Onion hosts (v3: 56 base32 characters, v2: 16).
  for (std::size_t at = lower.find(".onion"); at != std::string::npos;
       at = lower.find(".onion", at + 1)) {
    std::size_t b = at;
    while (b > 0 && IsAlnum(lower[b - 1])) --b;
    std::string_view host = std::string_view(lower).substr(b, at - b);
    if ((host.size() == 56 || host.size() == 16) && IsBase32(host)) {
      out.emplace_back(ContactKind::kOnion, std::string(host) + ".onion");
    }
  }
  // Telegram handles.
  for (std::size_t at = lower.find("t.me/"); at != std::string::npos;
       at = lower.find("t.me/", at + 1)) {
    std::size_t b = at + 5, e = b;
    while (e < lower.size() && e - b < 32 &&
           (IsAlnum(lower[e]) || lower[e] == '_')) {
      ++e;
    }
    if (e - b >= 4)
      out.emplace_back(ContactKind::kTelegram, lower.substr(at, e - at));
  }
  for (const auto& [offset, run] : AlnumRuns(text)) {
    bool hex = std::all_of(run.begin(), run.end(), IsHex);
    if (hex && run.size() == 76) {
      out.emplace_back(ContactKind::kTox, ToLower(run));
    } else if (hex && run.size() == 66 && run.starts_with("05")) {
      out.emplace_back(ContactKind::kSession, ToLower(run));
    } else if (run.size() >= 26 && run.size() <= 35 &&
               (run[0] == '1' || run[0] == '3') && Base58CheckValid(run)) {
      out.emplace_back(ContactKind::kBitcoin, std::string(run));
    } else if (run.size() >= 42 && run.size() <= 62 && run.starts_with("bc1") &&
               ToLower(run) == run) {
      out.emplace_back(ContactKind::kBitcoin, std::string(run));
    } else if (run.size() == 95 && run[0] == '4' &&
               std::all_of(run.begin(), run.end(), [](char c) {
                 return c != '0' && c != 'O' && c != 'I' && c != 'l';
               })) {
      out.emplace_back(ContactKind::kMonero, std::string(run));
    }
  }
  return out;
}

// The first year (19xx or 20xx) in a free-text date.
std::string FirstYear(std::string_view text) {
  for (std::size_t i = 0; i + 4 <= text.size(); ++i) {
    std::string_view y = text.substr(i, 4);
    bool digits = std::all_of(y.begin(), y.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    bool boundary = (i == 0 || !IsAlnum(text[i - 1])) &&
                    (i + 4 == text.size() || !IsAlnum(text[i + 4]));
    if (digits && boundary && (y.starts_with("19") || y.starts_with("20"))) {
      return std::string(y);
    }
  }
  return {};
}

// --- building families -----------------------------------------------------

// A family under construction, with its evidence before it becomes rules.
struct Draft {
  Family family;
  std::set<std::string> keys;  // Slugs of the name and aliases.
  // Extension (as written) -> sources; lowercase key.
  std::map<std::string, std::pair<std::string, std::vector<Source>>> exts;
  std::map<std::string, std::pair<std::string, std::vector<Source>>> notes;
  std::map<std::pair<ContactKind, std::string>, std::vector<Source>> contacts;
  // Note texts: (normalised lines, source, kb path, raw bytes).
  struct Note {
    std::vector<std::string> lines;
    Source source;
    std::string kb_path;
    Bytes raw;
  };
  std::vector<Note> note_texts;
};

void AddUnique(std::vector<std::string>* list, const std::string& value) {
  if (value.empty()) return;
  for (const auto& v : *list) {
    if (ToLower(v) == ToLower(value)) return;
  }
  list->push_back(value);
}

void AddSource(std::vector<Source>* list, const Source& source) {
  for (const auto& s : *list) {
    if (s.dataset == source.dataset && s.entry == source.entry) return;
  }
  list->push_back(source);
}

// MISP names that are one family under several entries (curation).
const std::map<std::string, std::string, std::less<>>& CanonicalIds() {
  static const std::map<std::string, std::string, std::less<>> ids{
      {"stop", "stop-djvu"},
      {"djvu", "stop-djvu"},
      {"babuk", "babuk"},
      {"babuk-locker", "babuk"},
      {"babuk-ransomsware", "babuk"},
      {"babyk", "babuk"},
      {"dmalocker", "dma-locker"},
      {"dmalocker-3-0", "dma-locker"},
      {"dma-locker-1-0-2-0-3-0", "dma-locker"},
      {"hiddentear", "hidden-tear"},
      {"linux-encoder", "linux-encoder"},
      {"princess-locker", "princess-locker"},
  };
  return ids;
}

std::string CanonicalId(const std::string& slug) {
  auto it = CanonicalIds().find(slug);
  return it == CanonicalIds().end() ? slug : it->second;
}

// Cleans one MISP "extension" into zero or more ".ext" tokens (free text
// dropped; placeholder patterns reduced to their literal final extension).
bool IsSimpleExtension(std::string_view token) {
  if (token.size() < 2 || token.size() > 41 || token[0] != '.') return false;
  return std::all_of(token.begin() + 1, token.end(), [](char c) {
    return IsAlnum(c) || c == '_' || c == '!' || c == '~' || c == '$' ||
           c == '-';
  });
}

std::vector<std::string> CleanExtensions(const std::string& raw,
                                         std::size_t* dropped) {
  std::vector<std::string> out;
  std::string text = Trim(raw);
  bool free_text = text.find(' ') != std::string::npos &&
                   text.find(", ") == std::string::npos;
  if (free_text) {
    ++*dropped;
    return out;
  }
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text + " ") {
    if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty() && ToLower(current) != "or") {
        tokens.push_back(current);
      }
      current.clear();
    } else {
      current += c;
    }
  }
  for (std::string token : tokens) {
    if (token.front() != '.' && token.size() <= 12 &&
        IsSimpleExtension("." + token)) {
      token = "." + token;
    }
    if (IsSimpleExtension(token)) {
      out.push_back(token);
      continue;
    }
    // ".[random].globe", ".id-[ID].[mail].xtbl": keep the literal tail.
    bool placeholder = token.find_first_of("[{(<*#") != std::string::npos;
    std::size_t dot = token.rfind('.');
    if (placeholder && dot != std::string::npos) {
      std::string ext = token.substr(dot);
      std::string lower_ext = ToLower(ext);
      if (ext.size() >= 3 && ext.size() <= 31 && IsSimpleExtension(ext) &&
          lower_ext != ".com" && lower_ext != ".org") {
        out.push_back(ext);
        continue;
      }
    }
    ++*dropped;
  }
  return out;
}

bool CleanNoteName(const std::string& raw, std::string* out) {
  std::string name = Trim(raw);
  if (name.empty() || name.size() > 80) return false;
  if (name.find_first_of("[]{}<>*\n\r\t|?") != std::string::npos) return false;
  if (name.find("e.g.") != std::string::npos) return false;
  if (name.find('.') == std::string::npos) return false;
  *out = name;
  return true;
}

// A ThreatLabz file name the collector made up ("conti1.txt",
// "akira_readme_2.txt"), not the note's real name.
bool IsMadeUpNoteName(const std::string& folder, const std::string& file) {
  std::string stem = ToLower(file.substr(0, file.rfind('.')));
  if (stem.find('[') != std::string::npos) return true;
  if (!stem.starts_with(folder)) return false;
  std::string_view rest = std::string_view(stem).substr(folder.size());
  auto skip_filler = [&rest] {
    while (!rest.empty() &&
           (std::isdigit(static_cast<unsigned char>(rest.front())) != 0 ||
            rest.front() == '_' || rest.front() == ' ' ||
            rest.front() == '-')) {
      rest.remove_prefix(1);
    }
  };
  skip_filler();
  for (std::string_view word : {"readme", "note", "v"}) {
    if (rest.starts_with(word)) {
      rest.remove_prefix(word.size());
      break;
    }
  }
  skip_filler();
  return rest.empty();
}

// A note file name as we store it under kb/notes/<id>/.
std::string SafeFileName(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  if (out.empty()) out = "note";
  return out;
}

class Builder {
 public:
  Builder(FileSystem& fs, const ImportOptions& options, ImportReport* report)
      : fs_(fs), options_(options), report_(report) {}

  Result<KnowledgeBase> Run() {
    KINTSUGI_RETURN_IF_ERROR(ImportMisp());
    KINTSUGI_RETURN_IF_ERROR(ImportThreatLabz());
    KINTSUGI_RETURN_IF_ERROR(ImportRivitna());
    Curate();
    return Finish();
  }

 private:
  Draft& DraftFor(const std::string& id) {
    auto [it, inserted] = drafts_.try_emplace(id);
    if (inserted) it->second.family.id = id;
    return it->second;
  }

  // The family that already claims `name` (by id, name or alias slug).
  std::string Lookup(const std::string& name) const {
    std::string slug = CanonicalId(Slug(name));
    if (drafts_.contains(slug)) return slug;
    auto it = key_owner_.find(Slug(name));
    return it == key_owner_.end() ? std::string() : it->second;
  }

  void Claim(Draft& draft, const std::string& name) {
    std::string slug = Slug(name);
    if (slug.empty()) return;
    draft.keys.insert(slug);
    key_owner_.try_emplace(slug, draft.family.id);
  }

  Status ImportMisp() {
    Path path = options_.sources / "misp-galaxy/clusters/ransomware.json";
    KINTSUGI_ASSIGN_OR_RETURN(Bytes bytes,
                              ReadWholeFile(fs_, path, kMaxSourceJsonBytes));
    Json doc;
    try {
      doc = Json::parse(bytes.begin(), bytes.end());
    } catch (const Json::exception& e) {
      return CorruptError(path.string() + ": " + e.what());
    }
    if (!doc.is_object() || !doc.contains("values") ||
        !doc["values"].is_array()) {
      return CorruptError(path.string() + ": no 'values' array");
    }
    auto strings = [](const Json& meta, std::string_view key) {
      std::vector<std::string> out;
      auto it = meta.find(key);
      if (it == meta.end()) return out;
      if (it->is_string()) out.push_back(it->get<std::string>());
      if (it->is_array()) {
        for (const auto& v : *it) {
          if (v.is_string()) out.push_back(v.get<std::string>());
        }
      }
      return out;
    };
    // Entries sorted by uuid so the first claimant of a name is stable.
    std::vector<const Json*> entries;
    for (const auto& v : doc["values"]) {
      if (v.is_object() && v.contains("value") && v["value"].is_string()) {
        entries.push_back(&v);
      }
    }
    auto uuid_of = [](const Json& v) {
      return v.contains("uuid") && v["uuid"].is_string()
                 ? v["uuid"].get<std::string>()
                 : std::string();
    };
    std::stable_sort(entries.begin(), entries.end(),
                     [&](const Json* a, const Json* b) {
                       return uuid_of(*a) < uuid_of(*b);
                     });
    for (const Json* entry_ptr : entries) {
      const Json& entry = *entry_ptr;
      const Json empty = Json::object();
      const Json& meta = entry.contains("meta") && entry["meta"].is_object()
                             ? entry["meta"]
                             : empty;
      std::string name = CleanName(entry["value"].get<std::string>());
      std::string slug = Slug(name);
      if (slug.empty()) continue;
      std::string id = CanonicalId(slug);
      // Fold into a family that already has this name as an alias.
      if (!drafts_.contains(id)) {
        auto owner = key_owner_.find(slug);
        if (owner != key_owner_.end()) id = owner->second;
      }
      if (drafts_.contains(id)) ++report_->merged_entries;
      Draft& draft = DraftFor(id);
      Source source{std::string(kMisp), uuid_of(entry)};
      AddSource(&draft.family.sources, source);
      if (draft.family.name.empty()) {
        draft.family.name = name;
      } else {
        AddUnique(&draft.family.aliases, name);
      }
      Claim(draft, name);
      for (const auto& synonym : strings(meta, "synonyms")) {
        std::string alias = CleanName(synonym);
        if (alias.size() > 80) continue;
        AddUnique(&draft.family.aliases, alias);
        Claim(draft, alias);
      }
      for (const auto& ref : strings(meta, "refs")) {
        AddUnique(&draft.family.references, ref);
      }
      std::string date = strings(meta, "date").empty()
                             ? std::string()
                             : strings(meta, "date").front();
      std::string year = FirstYear(date);
      if (!year.empty() &&
          (draft.family.first_seen.empty() || year < draft.family.first_seen)) {
        draft.family.first_seen = year;
      }
      for (const auto& key : {"extensions", "extension"}) {
        for (const auto& raw : strings(meta, key)) {
          for (const auto& ext :
               CleanExtensions(raw, &report_->dropped_extensions)) {
            auto& slot = draft.exts[ToLower(ext)];
            if (slot.first.empty()) slot.first = ext;
            AddSource(&slot.second, source);
          }
          for (const auto& [kind, value] : ExtractContacts(raw)) {
            AddSource(&draft.contacts[{kind, value}], source);
          }
        }
      }
      for (const auto& key : {"ransomnotes-filenames", "ransomnotes-files",
                              "ransomnotes-filesnames", "ransomenotes-files"}) {
        for (const auto& raw : strings(meta, key)) {
          std::string note;
          if (!CleanNoteName(raw, &note)) continue;
          auto& slot = draft.notes[ToLower(note)];
          if (slot.first.empty()) slot.first = note;
          AddSource(&slot.second, source);
        }
      }
      std::size_t n = 0;
      for (const auto& key : {"ransomnotes", "ransomenotes"}) {
        for (const auto& text : strings(meta, key)) {
          if (text.size() < 40 || text.size() > limits::kMaxNoteBytes) continue;
          Draft::Note note;
          std::string clean = StripHtml(text);
          note.lines = NormalisedLines(clean);
          note.source = source;
          note.kb_path = "notes/" + draft.family.id + "/misp-" +
                         source.entry.substr(0, 8) + "-" + std::to_string(n++) +
                         ".txt";
          note.raw.assign(text.begin(), text.end());
          for (const auto& [kind, value] : ExtractContacts(clean)) {
            AddSource(&draft.contacts[{kind, value}], source);
          }
          draft.note_texts.push_back(std::move(note));
        }
      }
    }
    return Status::Ok();
  }

  Status ImportThreatLabz() {
    Path root = options_.sources / kThreatLabz;
    KINTSUGI_ASSIGN_OR_RETURN(auto folders, fs_.ListDir(root));
    for (const auto& folder : folders) {
      if (folder.type != FileType::kDirectory) continue;
      std::string id = Lookup(folder.name);
      if (folder.name == "stop") id = "stop-djvu";
      if (id.empty()) {
        id = CanonicalId(Slug(folder.name));
        if (id.empty()) continue;
        report_->new_families.push_back(id);
      }
      Draft& draft = DraftFor(id);
      if (draft.family.name.empty()) {
        draft.family.name = folder.name;
        Claim(draft, folder.name);
      }
      AddSource(&draft.family.sources,
                {std::string(kThreatLabz), folder.name + "/"});
      KINTSUGI_ASSIGN_OR_RETURN(auto files, fs_.ListDir(root / folder.name));
      std::vector<std::string> names;
      for (const auto& f : files) {
        if (f.type == FileType::kRegular) names.push_back(f.name);
      }
      std::sort(names.begin(), names.end());
      bool hold = !options_.hold_out.empty() && names.size() >= 2;
      for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& name = names[i];
        if (name.ends_with(".pdf")) continue;
        auto bytes = ReadWholeFile(fs_, root / folder.name / name,
                                   limits::kMaxNoteBytes);
        if (!bytes.has_value()) {
          Log(LogLevel::kWarning, "kb import: skipping a note: {}",
              bytes.error().ToString());
          continue;
        }
        if (hold && i + 1 == names.size()) {
          Path dir = options_.hold_out / id;
          KINTSUGI_RETURN_IF_ERROR(fs_.CreateDirs(dir));
          Status written =
              WriteNewFile(fs_, dir / SafeFileName(name), *bytes, 0644);
          if (!written.ok() && written.code() != StatusCode::kAlreadyExists) {
            return written;
          }
          ++report_->held_out_notes;
          continue;
        }
        Source source{std::string(kThreatLabz), folder.name + "/" + name};
        std::string text = StripHtml(DecodeNote(*bytes));
        Draft::Note note;
        note.lines = NormalisedLines(text);
        note.source = source;
        note.kb_path = "notes/" + id + "/" + SafeFileName(name);
        note.raw = std::move(*bytes);
        for (const auto& [kind, value] : ExtractContacts(text)) {
          AddSource(&draft.contacts[{kind, value}], source);
        }
        draft.note_texts.push_back(std::move(note));
        if (!IsMadeUpNoteName(ToLower(folder.name), name) &&
            name.find_first_of("[]") == std::string::npos) {
          auto& slot = draft.notes[ToLower(name)];
          if (slot.first.empty()) slot.first = name;
          AddSource(&slot.second, source);
        }
      }
    }
    return Status::Ok();
  }

  Status ImportRivitna() {
    Path root = options_.sources / kRivitna;
    KINTSUGI_ASSIGN_OR_RETURN(auto folders, fs_.ListDir(root));
    for (const auto& folder : folders) {
      if (folder.type != FileType::kDirectory) continue;
      auto bytes = ReadWholeFile(fs_, root / folder.name / "attackers.txt",
                                 limits::kMaxNoteBytes);
      if (!bytes.has_value()) continue;
      std::string id = Lookup(folder.name);
      if (id.empty()) {
        id = Slug(folder.name);
        if (id.empty()) continue;
        report_->new_families.push_back(id);
      }
      Draft& draft = DraftFor(id);
      if (draft.family.name.empty()) {
        draft.family.name = folder.name;
        Claim(draft, folder.name);
      }
      Source source{std::string(kRivitna), folder.name + "/attackers.txt"};
      AddSource(&draft.family.sources, source);
      for (const auto& [kind, value] :
           ExtractContacts(DecodeNote(ByteView(*bytes)))) {
        AddSource(&draft.contacts[{kind, value}], source);
      }
    }
    return Status::Ok();
  }

  // Rules by curation for the families Kintsugi can recover
  // (recovery-schemes.md §3).
  void Curate();

  Result<KnowledgeBase> Finish();

  FileSystem& fs_;
  const ImportOptions& options_;
  ImportReport* report_;
  std::map<std::string, Draft> drafts_;
  std::map<std::string, std::string> key_owner_;
  std::map<std::string, std::vector<Rule>> curated_rules_;
};

Source CuratedSource(std::string_view why) {
  return {std::string(kCurated), std::string(why)};
}

Rule MakeRule(std::string id, RuleKind kind, Strength strength,
              std::string pattern, std::string_view why) {
  Rule rule;
  rule.id = std::move(id);
  rule.kind = kind;
  rule.strength = strength;
  rule.pattern = std::move(pattern);
  rule.is_regex = kind == RuleKind::kFilenamePattern ||
                  kind == RuleKind::kNoteRegex || kind == RuleKind::kVictimId;
  rule.sources.push_back(CuratedSource(why));
  return rule;
}

Rule MakeMarker(std::string id, std::string_view marker, Anchor anchor,
                std::uint64_t offset, Strength strength, std::string_view why) {
  Rule rule = MakeRule(std::move(id), RuleKind::kFileMarker, strength, "", why);
  rule.is_regex = false;
  rule.marker.assign(marker.begin(), marker.end());
  rule.anchor = anchor;
  rule.offset = offset;
  return rule;
}

void Builder::Curate() {
  struct Facts {
    std::string id;
    std::string name;
    std::vector<std::string> aliases;
    std::vector<std::string> platforms;
    std::string_view section;
    std::vector<Rule> rules;
    std::vector<std::string> phrases;  // Strong note phrases.
    Recovery recovery;
  };
  auto recovery = [](RecoveryPossible possible, std::string decryptor,
                     std::string strategy, std::vector<std::string> needs,
                     std::string_view section) {
    Recovery r;
    r.possible = possible;
    r.decryptor = std::move(decryptor);
    r.strategy = std::move(strategy);
    r.needs = std::move(needs);
    r.sources.push_back(CuratedSource(section));
    return r;
  };
  std::vector<Facts> facts;
  {
    constexpr std::string_view s = "recovery-schemes.md 3.1";
    Facts f{
        "jigsaw",
        "Jigsaw",
        {"BitcoinBlackmailer"},
        {"windows"},
        s,
        {},
        {},
        recovery(RecoveryPossible::kYes, "jigsaw", "hard-coded-key", {}, s)};
    f.rules.push_back(MakeRule("ext-fun", RuleKind::kExtension,
                               Strength::kStrong, ".fun", s));
    f.rules.push_back(MakeRule("note-encrypted-file-list", RuleKind::kNoteName,
                               Strength::kStrong, "EncryptedFileList.txt", s));
    Rule size = MakeRule("size-aes-pkcs7", RuleKind::kSizeRelation,
                         Strength::kWeak, "", s);
    size.is_regex = false;
    size.modulus = 16;
    f.rules.push_back(size);
    facts.push_back(std::move(f));
  }
  {
    constexpr std::string_view s = "recovery-schemes.md 3.2";
    Facts f{"nemucod",
            "Nemucod",
            {},
            {"windows"},
            s,
            {},
            {},
            recovery(RecoveryPossible::kYes, "nemucod", "known-plaintext",
                     {"one encrypted file and its original (at least 2048 "
                      "bytes)"},
                     s)};
    f.rules.push_back(MakeRule("ext-crypted", RuleKind::kExtension,
                               Strength::kWeak, ".crypted", s));
    f.rules.push_back(MakeRule("note-decrypt-txt", RuleKind::kNoteName,
                               Strength::kWeak, "DECRYPT.txt", s));
    facts.push_back(std::move(f));
  }
  {
    constexpr std::string_view s = "recovery-schemes.md 3.3";
    Facts f{"hidden-tear",
            "Hidden Tear",
            {},
            {"windows"},
            s,
            {},
            {"files have been encrypted with hidden tear",
             "send me some bitcoins or kebab"},
            recovery(RecoveryPossible::kPartial, "hidden-tear", "seed-search",
                     {"one encrypted file of a known type",
                      "optionally the boot time of the machine"},
                     s)};
    f.rules.push_back(MakeRule("ext-locked", RuleKind::kExtension,
                               Strength::kWeak, ".locked", s));
    f.rules.push_back(MakeRule("note-read-it", RuleKind::kNoteName,
                               Strength::kMedium, "READ_IT.txt", s));
    facts.push_back(std::move(f));
  }
  {
    constexpr std::string_view s = "recovery-schemes.md 3.4";
    Facts f{"linux-encoder",
            "Linux.Encoder",
            {"Linux.Encoder.1"},
            {"linux"},
            s,
            {},
            {},
            recovery(RecoveryPossible::kYes, "linux-encoder", "seed-search",
                     {"encrypted files with their original modification "
                      "times"},
                     s)};
    f.rules.push_back(MakeRule("ext-encrypted", RuleKind::kExtension,
                               Strength::kWeak, ".encrypted", s));
    f.rules.push_back(MakeRule("note-readme-for-decrypt", RuleKind::kNoteName,
                               Strength::kStrong, "README_FOR_DECRYPT.txt", s));
    facts.push_back(std::move(f));
  }
  {
    constexpr std::string_view s = "recovery-schemes.md 3.5";
    Facts f{"dma-locker",
            "DMA Locker",
            {},
            {"windows"},
            s,
            {},
            {},
            recovery(RecoveryPossible::kPartial, "dma-locker", "seed-search",
                     {"one encrypted file of a known type with its original "
                      "modification time"},
                     s)};
    f.rules.push_back(MakeMarker("marker-dmalock", "!DMALOCK", Anchor::kStart,
                                 0, Strength::kDecisive, s));
    f.rules.push_back(MakeRule("victim-id-series", RuleKind::kVictimId,
                               Strength::kStrong,
                               "DMALOCK [0-9]{2}(:[0-9]{2}){7}", s));
    facts.push_back(std::move(f));
  }
  {
    constexpr std::string_view s = "recovery-schemes.md 3.6";
    Facts f{
        "princess-locker",
        "Princess Locker",
        {},
        {"windows"},
        s,
        {},
        {},
        recovery(RecoveryPossible::kPartial, "princess-locker", "seed-search",
                 {"the ID and extension from the ransom note",
                  "one encrypted file of a known type"},
                 s)};
    Rule note =
        MakeRule("note-how-to-restore", RuleKind::kNoteName, Strength::kStrong,
                 "^!_HOW_TO_RESTORE_[a-z0-9]{4,8}\\.(txt|html|url)$", s);
    note.is_regex = true;
    f.rules.push_back(note);
    facts.push_back(std::move(f));
  }
  {
    constexpr std::string_view s = "recovery-schemes.md 3.7";
    Facts f{"stop-djvu",
            "STOP/Djvu",
            {"STOP", "Djvu"},
            {"windows"},
            s,
            {},
            {},
            recovery(RecoveryPossible::kPartial, "stop-djvu", "key-lookup",
                     {"nothing: works when the personal ID is an offline "
                      "ID with a known key"},
                     s)};
    f.rules.push_back(MakeMarker("marker-footer",
                                 "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}",
                                 Anchor::kEnd, 38, Strength::kDecisive, s));
    f.rules.push_back(MakeRule("note-readme", RuleKind::kNoteName,
                               Strength::kMedium, "_readme.txt", s));
    f.rules.push_back(MakeRule("filename-4-letter-ext",
                               RuleKind::kFilenamePattern, Strength::kWeak,
                               "\\.[a-z]{4}$", s));
    f.rules.push_back(MakeRule("victim-id-personal", RuleKind::kVictimId,
                               Strength::kMedium,
                               "personal id:?\\s*[0-9a-z]{4,}[a-z0-9]{36}", s));
    Rule size = MakeRule("size-footer", RuleKind::kSizeRelation,
                         Strength::kWeak, "", s);
    size.is_regex = false;
    size.modulus = 1;
    size.remainder = 0;
    size.footer_bytes = 334;
    f.rules.push_back(size);
    for (std::string_view ext :
         {".djvu", ".rumba", ".promos", ".gero", ".seto", ".boop"}) {
      f.rules.push_back(MakeRule("ext-" + std::string(ext.substr(1)),
                                 RuleKind::kExtension, Strength::kMedium,
                                 std::string(ext), s));
    }
    facts.push_back(std::move(f));
  }
  {
    constexpr std::string_view s = "recovery-schemes.md 3.8";
    Facts f{"babuk",
            "Babuk",
            {"Babyk"},
            {"windows", "esxi", "nas"},
            s,
            {},
            {},
            recovery(RecoveryPossible::kPartial, "babuk-nas", "key-lookup",
                     {"nothing: works when a leaked private key matches "
                      "(NAS builds)"},
                     s)};
    f.rules.push_back(MakeRule("ext-babyk", RuleKind::kExtension,
                               Strength::kStrong, ".babyk", s));
    f.rules.push_back(MakeRule("ext-babuk", RuleKind::kExtension,
                               Strength::kStrong, ".babuk", s));
    f.rules.push_back(MakeRule("ext-doydo", RuleKind::kExtension,
                               Strength::kStrong, ".doydo", s));
    f.rules.push_back(MakeMarker(
        "marker-nas-footer", std::string_view("\xab\xbc\xcd\xde\xef\xf0", 6),
        Anchor::kEnd, 6, Strength::kStrong, s));
    f.rules.push_back(MakeMarker("marker-windows-footer",
                                 "choung dong looks like hot dog!!",
                                 Anchor::kEnd, 32, Strength::kDecisive, s));
    f.rules.push_back(MakeRule("note-how-to-restore", RuleKind::kNoteName,
                               Strength::kMedium,
                               "How To Restore Your Files.txt", s));
    facts.push_back(std::move(f));
  }
  for (auto& f : facts) {
    Draft& draft = DraftFor(f.id);
    draft.family.name = f.name;
    for (const auto& alias : f.aliases) AddUnique(&draft.family.aliases, alias);
    draft.family.platforms = f.platforms;
    AddSource(&draft.family.sources, CuratedSource(f.section));
    draft.family.recovery = f.recovery;
    for (auto& rule : f.rules) {
      // A curated extension or note name replaces the imported one.
      if (rule.kind == RuleKind::kExtension)
        draft.exts.erase(ToLower(rule.pattern));
      if (rule.kind == RuleKind::kNoteName)
        draft.notes.erase(ToLower(rule.pattern));
      curated_rules_[f.id].push_back(std::move(rule));
    }
    for (const auto& phrase : f.phrases) {
      Rule rule = MakeRule(
          "phrase-curated-" + std::to_string(curated_rules_[f.id].size()),
          RuleKind::kNotePhrase, Strength::kStrong, phrase, f.section);
      rule.is_regex = false;
      curated_rules_[f.id].push_back(std::move(rule));
    }
  }
}

// Word 5-gram hashes of each of a family's notes, for rebrand detection.
std::vector<std::set<std::size_t>> Shingles(const Draft& draft) {
  std::vector<std::set<std::size_t>> out;
  for (const auto& note : draft.note_texts) {
    std::vector<std::string> words;
    for (const auto& line : note.lines) {
      std::size_t start = 0;
      while (start < line.size()) {
        std::size_t end = line.find(' ', start);
        if (end == std::string::npos) end = line.size();
        words.push_back(line.substr(start, end - start));
        start = end + 1;
      }
    }
    std::set<std::size_t> grams;
    for (std::size_t i = 0; i + 5 <= words.size(); ++i) {
      std::string gram = words[i] + ' ' + words[i + 1] + ' ' + words[i + 2] +
                         ' ' + words[i + 3] + ' ' + words[i + 4];
      grams.insert(std::hash<std::string>{}(gram));
    }
    if (grams.size() >= 20) out.push_back(std::move(grams));
  }
  return out;
}

double Jaccard(const std::set<std::size_t>& a, const std::set<std::size_t>& b) {
  if (a.empty() || b.empty()) return 0;
  std::size_t common = 0;
  for (std::size_t h : a) common += b.count(h);
  return static_cast<double>(common) /
         static_cast<double>(a.size() + b.size() - common);
}

// A line that can serve as a stable note phrase: long enough to be
// distinctive, without the parts that change per victim (IDs, contacts,
// amounts).
bool IsPhraseCandidate(const std::string& line) {
  if (line.size() < 28 || line.size() > 160) return false;
  if (line.find('@') != std::string::npos ||
      line.find("onion") != std::string::npos ||
      line.find("http") != std::string::npos ||
      line.find("www.") != std::string::npos) {
    return false;
  }
  std::size_t letters = 0, digits = 0, run = 0, max_run = 0, spaces = 0;
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return false;  // Keep phrases ASCII (encoding-proof).
    if (std::isalpha(u)) ++letters;
    if (c == ' ') ++spaces;
    if (std::isdigit(u)) {
      ++digits;
      max_run = std::max(max_run, ++run);
    } else {
      run = 0;
    }
  }
  return spaces >= 4 && max_run < 4 && digits < 4 &&
         letters * 10 >= line.size() * 7;
}

std::string RuleIdPart(std::string_view text) {
  std::string slug = Slug(text);
  if (slug.empty()) slug = "x";
  if (slug.size() > 40) slug.resize(40);
  while (slug.back() == '-') slug.pop_back();
  return slug;
}

void AddRule(Family* family, Rule rule) {
  std::string base = rule.id;
  for (int n = 2; std::any_of(family->rules.begin(), family->rules.end(),
                              [&](const Rule& r) { return r.id == rule.id; });
       ++n) {
    rule.id = base + "-" + std::to_string(n);
  }
  family->rules.push_back(std::move(rule));
}

// A positive fixture from the family's own evidence and a negative one from
// benign data (docs/kb-format.md §11).
void AddFixtures(Family* family) {
  Fixture positive;
  positive.positive = true;
  std::vector<std::string> phrases;
  for (const auto& rule : family->rules) {
    switch (rule.kind) {
      case RuleKind::kExtension:
        if (positive.file_names.size() < 2) {
          positive.file_names.push_back("quarterly report.docx" + rule.pattern);
        }
        break;
      case RuleKind::kNoteName:
        if (positive.note_name.empty()) {
          positive.note_name = rule.is_regex ? std::string() : rule.pattern;
        }
        break;
      case RuleKind::kNotePhrase:
        if (phrases.size() < 3) phrases.push_back(rule.pattern);
        break;
      case RuleKind::kFileMarker: {
        std::string filler(48, 'Z');
        std::string bytes = std::string(rule.marker.begin(), rule.marker.end());
        if (rule.anchor == Anchor::kStart || rule.anchor == Anchor::kHead) {
          std::string head =
              filler.substr(0, rule.offset % 48) + bytes + filler;
          positive.file_head.assign(head.begin(), head.end());
        } else if (positive.file_tail.empty()) {
          std::string tail = filler + bytes;
          positive.file_tail.assign(tail.begin(), tail.end());
        }
        break;
      }
      default:
        break;
    }
  }
  if (family->id == "princess-locker") {
    positive.note_name = "!_HOW_TO_RESTORE_qwerty.txt";
  }
  if (family->id == "stop-djvu") {
    std::string tail = std::string(256, 'R') +
                       "cZs3TaUYZzXCH1vdE44HNr1gnD2LtTIiSFFYv5t1" +
                       "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}";
    positive.file_tail.assign(tail.begin(), tail.end());
  }
  for (const auto& phrase : phrases) positive.note_text += phrase + "\n";
  if (!family->contacts.empty()) {
    positive.contacts.push_back(family->contacts.front().value);
  }
  Fixture negative;
  negative.positive = false;
  negative.file_names = {"holiday photo.jpg", "budget 2024.xlsx"};
  negative.note_name = "shopping list.txt";
  negative.note_text =
      "Shopping list for the weekend: milk, bread, eggs and apples.\n"
      "Remember to call the plumber on Monday about the kitchen sink.\n";
  family->fixtures = {std::move(positive), std::move(negative)};
}

Result<KnowledgeBase> Builder::Finish() {
  KnowledgeBase kb;
  // How many families use each extension and note name.
  std::map<std::string, std::size_t> ext_count;
  std::map<std::string, std::size_t> note_count;
  std::map<std::pair<ContactKind, std::string>, std::size_t> contact_count;
  for (const auto& [id, draft] : drafts_) {
    for (const auto& [ext, v] : draft.exts) ++ext_count[ext];
    for (const auto& [note, v] : draft.notes) ++note_count[note];
    for (const auto& [contact, v] : draft.contacts) ++contact_count[contact];
  }
  // Rebrands: near-identical notes.
  std::map<std::string, std::vector<std::set<std::size_t>>> shingles;
  for (const auto& [id, draft] : drafts_) {
    if (!draft.note_texts.empty()) shingles[id] = Shingles(draft);
  }
  std::map<std::string, std::set<std::string>> related;
  for (auto a = shingles.begin(); a != shingles.end(); ++a) {
    for (auto b = std::next(a); b != shingles.end(); ++b) {
      double best = 0;
      for (const auto& x : a->second) {
        for (const auto& y : b->second) best = std::max(best, Jaccard(x, y));
      }
      if (best >= kRelatedSimilarity) {
        related[a->first].insert(b->first);
        related[b->first].insert(a->first);
      }
    }
  }
  // Rebrands known from reporting whose notes in the sources differ.
  for (const auto& [a, b] :
       {std::pair<std::string, std::string>{"conti", "monti"}}) {
    if (drafts_.contains(a) && drafts_.contains(b)) {
      related[a].insert(b);
      related[b].insert(a);
    }
  }
  // Which families' notes contain each line.
  std::map<std::string, std::set<std::string>> line_families;
  for (const auto& [id, draft] : drafts_) {
    for (const auto& note : draft.note_texts) {
      for (const auto& line : note.lines) {
        if (IsPhraseCandidate(line)) line_families[line].insert(id);
      }
    }
  }
  // Names, in id order: the first family to claim a name keeps it.
  std::map<std::string, std::string> claimed;
  for (const auto& [id, draft] : drafts_) claimed.emplace(id, id);
  for (auto& [id, draft] : drafts_) {
    Family& family = draft.family;
    if (family.name.empty()) family.name = id;
    auto [it, inserted] = claimed.emplace(ToLower(family.name), id);
    if (!inserted && it->second != id) {
      family.name += " (" + id + ")";
      claimed.emplace(ToLower(family.name), id);
    }
  }
  for (auto& [id, draft] : drafts_) {
    Family& family = draft.family;
    std::vector<std::string> aliases;
    for (const auto& alias : family.aliases) {
      std::string lower = ToLower(alias);
      auto [it, inserted] = claimed.emplace(lower, id);
      if (it->second != id) {
        ++report_->merged_entries;  // Counted as curation.
        continue;
      }
      if (lower == ToLower(family.name) || lower == id) continue;
      AddUnique(&aliases, alias);
    }
    family.aliases = std::move(aliases);
  }

  for (auto& [id, draft] : drafts_) {
    Family& family = draft.family;
    const std::set<std::string>& rel = related[id];
    family.related.assign(rel.begin(), rel.end());
    for (const auto& [lower, entry] : draft.exts) {
      const auto& [ext, sources] = entry;
      bool weak = internal::IsGenericExtension(ext) || ext_count[lower] >= 3 ||
                  ext.size() <= 3;
      Rule rule;
      rule.id = "ext-" + RuleIdPart(ext);
      rule.kind = RuleKind::kExtension;
      rule.strength = weak ? Strength::kWeak : Strength::kMedium;
      rule.pattern = ext;
      rule.sources = sources;
      AddRule(&family, std::move(rule));
    }
    for (const auto& [lower, entry] : draft.notes) {
      const auto& [name, sources] = entry;
      bool weak = internal::IsGenericNoteName(name) || note_count[lower] >= 3;
      Rule rule;
      rule.id = "note-" + RuleIdPart(name);
      rule.kind = RuleKind::kNoteName;
      rule.strength = weak ? Strength::kWeak : Strength::kMedium;
      rule.pattern = name;
      rule.sources = sources;
      AddRule(&family, std::move(rule));
    }
    // Phrases: lines only this family (or its rebrands) uses, preferring
    // those found in most of its notes (the stable parts).
    struct Candidate {
      std::size_t notes;
      std::string line;
      std::vector<Source> sources;
    };
    std::map<std::string, Candidate> candidates;
    for (const auto& note : draft.note_texts) {
      std::set<std::string> seen;
      for (const auto& line : note.lines) {
        if (!IsPhraseCandidate(line) || !seen.insert(line).second) continue;
        const auto& users = line_families[line];
        bool own = std::all_of(users.begin(), users.end(),
                               [&](const std::string& user) {
                                 return user == family.id || rel.contains(user);
                               });
        if (!own) continue;
        Candidate& c = candidates[line];
        c.line = line;
        ++c.notes;
        AddSource(&c.sources, note.source);
      }
    }
    std::vector<Candidate> ranked;
    for (auto& [line, c] : candidates) ranked.push_back(std::move(c));
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Candidate& a, const Candidate& b) {
                       if (a.notes != b.notes) return a.notes > b.notes;
                       return a.line.size() > b.line.size();
                     });
    for (std::size_t i = 0; i < ranked.size() && i < kPhrasesPerFamily; ++i) {
      Rule rule;
      rule.id = "phrase-" + std::to_string(i + 1);
      rule.kind = RuleKind::kNotePhrase;
      rule.strength =
          ranked[i].notes >= 2 ? Strength::kStrong : Strength::kMedium;
      rule.pattern = ranked[i].line;
      rule.sources = ranked[i].sources;
      AddRule(&family, std::move(rule));
    }
    for (auto& rule : curated_rules_[id]) AddRule(&family, rule);
    for (const auto& [contact, sources] : draft.contacts) {
      if (contact_count[contact] >= 3) continue;  // Shared: not evidence.
      family.contacts.push_back({contact.first, contact.second, sources, {}});
    }
    std::set<std::string> paths;
    for (auto& note : draft.note_texts) {
      std::string path = note.kb_path;
      for (int n = 2; paths.contains(path); ++n) {
        path = note.kb_path + "-" + std::to_string(n);
      }
      paths.insert(path);
      family.reference_notes.push_back(path);
      kb.note_texts.emplace(path, std::move(note.raw));
    }
    if (!family.rules.empty()) AddFixtures(&family);
    report_->aliases += family.aliases.size();
    report_->rules += family.rules.size();
    report_->contacts += family.contacts.size();
    report_->reference_notes += family.reference_notes.size();
    kb.families.push_back(std::move(family));
  }
  report_->families = kb.families.size();
  std::sort(report_->new_families.begin(), report_->new_families.end());
  return kb;
}

// Writes `data` to `path` through a temporary and an atomic rename, so an
// interrupted import never leaves a half-written KB file.
Status ReplaceFile(FileSystem& fs, const Path& path, ByteView data) {
  Path temp = path;
  temp += ".import-tmp";
  fs.Remove(temp).IgnoreError();  // Left over by an interrupted run.
  // KB files are source files of the project: world-readable.
  KINTSUGI_RETURN_IF_ERROR(WriteNewFile(fs, temp, data, 0644));
  return fs.RenameReplacing(temp, path);
}

}  // namespace

Result<KnowledgeBase> BuildKnowledgeBase(FileSystem& fs,
                                         const ImportOptions& options,
                                         ImportReport* report) {
  *report = ImportReport{};
  Builder builder(fs, options, report);
  return builder.Run();
}

Result<ImportReport> ImportKnowledgeBase(FileSystem& fs,
                                         const ImportOptions& options) {
  ImportReport report;
  KINTSUGI_ASSIGN_OR_RETURN(KnowledgeBase kb,
                            BuildKnowledgeBase(fs, options, &report));
  KINTSUGI_RETURN_IF_ERROR(fs.CreateDirs(options.out / "notes"));
  for (const auto& family : kb.families) {
    std::string yaml = internal::FamilyToYaml(family);
    KINTSUGI_RETURN_IF_ERROR(ReplaceFile(
        fs, options.out / (family.id + ".yaml"), ByteView::FromString(yaml)));
    if (!family.reference_notes.empty()) {
      KINTSUGI_RETURN_IF_ERROR(
          fs.CreateDirs(options.out / "notes" / family.id));
    }
  }
  for (const auto& [path, bytes] : kb.note_texts) {
    KINTSUGI_RETURN_IF_ERROR(ReplaceFile(fs, options.out / path, bytes));
  }
  KINTSUGI_RETURN_IF_ERROR(fs.SyncDir(options.out));
  return report;
}

}  // namespace kintsugi::kb
