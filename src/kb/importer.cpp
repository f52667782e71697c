// The KB importer (docs/kb-format.md §10): the public entry points, the
// table of families under construction and the helpers the readers share.
// The readers are import_misp.cpp, import_threatlabz.cpp,
// import_rivitna.cpp and import_curated.cpp; import_builder.cpp turns
// their drafts into families.

#include "kb/importer.h"

#include <algorithm>

#include "kb/kb_format.h"
#include "kintsugi/limits.h"
#include "text/indicators.h"
#include "text/markup.h"
#include "text/shingles.h"

namespace kintsugi::kb {
namespace import {

using internal::ToLower;

Draft& Drafts::For(const std::string& id) {
  auto [it, inserted] = drafts_.try_emplace(id);
  if (inserted) it->second.family.id = id;
  return it->second;
}

std::string Drafts::Lookup(const std::string& name) const {
  std::string slug = CanonicalId(Slug(name));
  if (drafts_.contains(slug)) return slug;
  return OwnerOf(Slug(name));
}

std::string Drafts::OwnerOf(const std::string& slug) const {
  auto it = key_owner_.find(slug);
  return it == key_owner_.end() ? std::string() : it->second;
}

void Drafts::Claim(Draft& draft, const std::string& name) {
  std::string slug = Slug(name);
  if (slug.empty()) return;
  draft.keys.insert(slug);
  key_owner_.try_emplace(slug, draft.family.id);
}

Draft* Drafts::ForFolder(const std::string& name, ImportReport* report) {
  std::string id = Lookup(name);
  if (id.empty()) {
    // "moneymessage" is MISP's "Money Message", "thegentlemen" its "The
    // Gentlemen": the same name without the spaces and hyphens.
    const auto squash = [](std::string_view slug) {
      std::string out;
      for (const char c : slug) {
        if (c != '-') out.push_back(c);
      }
      return out;
    };
    const std::string wanted = squash(Slug(name));
    for (const auto& [key, owner] : key_owner_) {
      if (!wanted.empty() && squash(key) == wanted) {
        id = owner;
        break;
      }
    }
  }
  if (id.empty()) {
    id = CanonicalId(Slug(name));
    if (id.empty()) return nullptr;
    report->new_families.push_back(id);
  }
  Draft& draft = For(id);
  if (draft.family.name.empty()) {
    draft.family.name = name;
    Claim(draft, name);
  }
  return &draft;
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

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

std::string CanonicalId(const std::string& slug) {
  // MISP names that are one family under several entries.
  static const std::map<std::string, std::string, std::less<>> ids{
      {"stop", "stop-djvu"},
      {"djvu", "stop-djvu"},
      {"babuk-locker", "babuk"},
      {"babuk-ransomsware", "babuk"},
      {"babyk", "babuk"},
      {"dmalocker", "dma-locker"},
      {"dmalocker-3-0", "dma-locker"},
      {"dma-locker-1-0-2-0-3-0", "dma-locker"},
      {"hiddentear", "hidden-tear"},
  };
  auto it = ids.find(slug);
  return it == ids.end() ? slug : it->second;
}

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

void AddContacts(Draft& draft, std::string_view text, const Source& source) {
  for (const text::Indicator& indicator : text::ExtractIndicators(text)) {
    ContactKind kind = ContactKind::kOther;
    std::string value = indicator.value;
    switch (indicator.kind) {
      case text::IndicatorKind::kEmail:
        kind = ContactKind::kEmail;
        break;
      case text::IndicatorKind::kOnion:
        kind = ContactKind::kOnion;
        break;
      case text::IndicatorKind::kBitcoin:
        kind = ContactKind::kBitcoin;
        break;
      case text::IndicatorKind::kMonero:
        kind = ContactKind::kMonero;
        break;
      case text::IndicatorKind::kTox:
        kind = ContactKind::kTox;
        break;
      case text::IndicatorKind::kSession:
        kind = ContactKind::kSession;
        break;
      case text::IndicatorKind::kTelegram:
        // As a link, the form the engine also finds in a note or a typed
        // contact without the word "telegram" beside it.
        kind = ContactKind::kTelegram;
        value = "t.me/" + value;
        break;
      case text::IndicatorKind::kUrl:
      case text::IndicatorKind::kVictimId:
        // A URL is a page (its onion host is kept above), a victim ID
        // belongs to one victim: neither names the family's attackers.
        continue;
    }
    AddSource(&draft.contacts[{kind, std::move(value)}], source);
  }
}

DraftNote MakeNote(std::string_view plain, Source source, std::string kb_path,
                   Bytes raw) {
  DraftNote note;
  std::size_t start = 0;
  while (start <= plain.size()) {
    std::size_t end = plain.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = plain.size();
    std::string line = text::FoldText(plain.substr(start, end - start));
    if (!line.empty()) note.lines.push_back(std::move(line));
    start = end + 1;
  }
  note.shingles = text::NoteShingles(text::FoldText(plain));
  note.source = std::move(source);
  note.kb_path = std::move(kb_path);
  note.raw = std::move(raw);
  return note;
}

}  // namespace import

namespace {

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
  import::Drafts drafts;
  KINTSUGI_RETURN_IF_ERROR(
      import::ReadMisp(fs, options.sources, drafts, report));
  KINTSUGI_RETURN_IF_ERROR(import::ReadThreatLabz(fs, options, drafts, report));
  KINTSUGI_RETURN_IF_ERROR(
      import::ReadRivitna(fs, options.sources, drafts, report));
  if (!options.curated.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(std::vector<Family> curated,
                              import::ReadCurated(fs, options.curated));
    import::ApplyCurated(curated, drafts);
    KINTSUGI_RETURN_IF_ERROR(
        import::ApplyFirstSeen(fs, options.curated, drafts));
  }
  // The hand-written allow list in the output folder names contacts that
  // are never an attacker's (documentation examples, donation addresses).
  KnowledgeBase allow;
  if (const Path path = options.out / "allow-list.yaml"; fs.Stat(path)) {
    KINTSUGI_ASSIGN_OR_RETURN(Bytes bytes,
                              ReadWholeFile(fs, path, limits::kMaxKbFileBytes));
    KINTSUGI_RETURN_IF_ERROR(
        internal::ParseAllowList(ByteView(bytes).AsChars(), path.string(),
                                 &allow.allow_list, &allow.allow_contacts));
  }
  return import::BuildFamilies(drafts, report, allow.allow_contacts);
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
