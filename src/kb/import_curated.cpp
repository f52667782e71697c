// The curated-facts reader (docs/kb-format.md §10, step 8): what the public
// sources do not say about the families Kintsugi can recover, as data in
// kb-curated/<id>.yaml (kb-curated/README.md), each fact with its source.

#include <algorithm>

#include "kb/importer.h"
#include "kb/kb_format.h"
#include "kintsugi/limits.h"

namespace kintsugi::kb::import {
namespace {

using internal::ToLower;

Status At(const std::string& file, int line, const std::string& message) {
  return CorruptError(file + ":" + std::to_string(line) + ": " + message);
}

}  // namespace

Result<Family> ParseCuratedFamily(std::string_view text,
                                  const std::string& file) {
  KINTSUGI_ASSIGN_OR_RETURN(Family family, internal::ParseFamily(text, file));
  const int line = family.where.line;
  if (family.sources.empty()) {
    return At(file, line, "curated family '" + family.id + "' without sources");
  }
  for (const Rule& rule : family.rules) {
    if (rule.sources.empty()) {
      return At(file, rule.where.line,
                "curated rule '" + rule.id + "' without sources");
    }
  }
  for (const Contact& contact : family.contacts) {
    if (contact.sources.empty()) {
      return At(file, contact.where.line,
                "curated contact '" + contact.value + "' without sources");
    }
  }
  const Recovery& recovery = family.recovery;
  if ((recovery.possible != RecoveryPossible::kUnknown ||
       !recovery.decryptor.empty()) &&
      recovery.sources.empty()) {
    return At(file, line, "curated recovery without sources");
  }
  if (!family.reference_notes.empty()) {
    return At(file, line, "curation adds no reference notes");
  }
  if (family.fixtures.size() > 1 ||
      (family.fixtures.size() == 1 && !family.fixtures[0].positive)) {
    return At(file, family.fixtures.back().where.line,
              "curation sets at most one fixture, a positive one");
  }
  return family;
}

Result<std::vector<Family>> ReadCurated(FileSystem& fs, const Path& dir) {
  KINTSUGI_ASSIGN_OR_RETURN(auto entries, fs.ListDir(dir));
  std::vector<std::string> names;
  for (const auto& entry : entries) {
    if (entry.type == FileType::kRegular && entry.name.ends_with(".yaml")) {
      names.push_back(entry.name);
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<Family> out;
  for (const std::string& name : names) {
    const Path path = dir / name;
    KINTSUGI_ASSIGN_OR_RETURN(Bytes bytes,
                              ReadWholeFile(fs, path, limits::kMaxKbFileBytes));
    KINTSUGI_ASSIGN_OR_RETURN(
        Family family,
        ParseCuratedFamily(ByteView(bytes).AsChars(), path.string()));
    const std::string stem = name.substr(0, name.size() - 5);
    if (family.id != stem) {
      return At(path.string(), family.where.line,
                "id '" + family.id + "' is not the file name '" + stem + "'");
    }
    out.push_back(std::move(family));
  }
  return out;
}

void ApplyCurated(const std::vector<Family>& curated, Drafts& drafts) {
  for (const Family& facts : curated) {
    // Facts that only amend a family (a rebrand, say) do not create it.
    const bool amends_only =
        facts.rules.empty() && facts.recovery.sources.empty();
    if (amends_only && !drafts.Contains(facts.id)) continue;
    Draft& draft = drafts.For(facts.id);
    Family& family = draft.family;
    // ParseFamily gives a file without a name the id as its name.
    if (facts.name != facts.id) family.name = facts.name;
    for (const auto& alias : facts.aliases) AddUnique(&family.aliases, alias);
    // The public write-ups a curated fact cites join the imported ones.
    for (const auto& reference : facts.references) {
      AddUnique(&family.references, reference);
    }
    if (!facts.platforms.empty()) family.platforms = facts.platforms;
    if (!facts.first_seen.empty()) family.first_seen = facts.first_seen;
    for (const Source& source : facts.sources) {
      AddSource(&family.sources, source);
    }
    if (!facts.recovery.sources.empty()) family.recovery = facts.recovery;
    for (const std::string& related : facts.related) {
      AddUnique(&draft.curated_related, related);
    }
    for (const Rule& rule : facts.rules) {
      // A curated extension or note name replaces the imported one.
      if (rule.kind == RuleKind::kExtension) {
        draft.exts.erase(ToLower(rule.pattern));
      }
      if (rule.kind == RuleKind::kNoteName) {
        draft.notes.erase(ToLower(rule.pattern));
      }
      draft.curated_rules.push_back(rule);
    }
    for (const Contact& contact : facts.contacts) {
      for (const Source& source : contact.sources) {
        AddSource(&draft.contacts[{contact.kind, contact.value}], source);
      }
    }
    if (!facts.fixtures.empty()) draft.curated_fixture = facts.fixtures[0];
  }
}

Status ApplyFirstSeen(FileSystem& fs, const Path& dir, Drafts& drafts) {
  const Path path = dir / "first-seen.tsv";
  if (!fs.Stat(path)) return Status::Ok();
  KINTSUGI_ASSIGN_OR_RETURN(Bytes bytes,
                            ReadWholeFile(fs, path, limits::kMaxKbFileBytes));
  const std::string file = path.string();
  std::string_view text = ByteView(bytes).AsChars();
  for (int line = 1; !text.empty(); ++line) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view row = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (row.empty() || row[0] == '#') continue;
    const std::size_t tab1 = row.find('\t');
    const std::size_t tab2 =
        tab1 == std::string_view::npos ? tab1 : row.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos) {
      return At(file, line, "expected: id, date and source, tab-separated");
    }
    const std::string id(row.substr(0, tab1));
    const std::string date(row.substr(tab1 + 1, tab2 - tab1 - 1));
    const std::string source(row.substr(tab2 + 1));
    const auto digits = [&](std::size_t from, std::size_t n) {
      return std::all_of(date.begin() + static_cast<std::ptrdiff_t>(from),
                         date.begin() + static_cast<std::ptrdiff_t>(from + n),
                         [](char c) { return c >= '0' && c <= '9'; });
    };
    const bool date_ok =
        (date.size() == 4 && digits(0, 4)) ||
        (date.size() == 7 && digits(0, 4) && date[4] == '-' && digits(5, 2) &&
         date.substr(5) >= "01" && date.substr(5) <= "12");
    if (!date_ok) {
      return At(file, line, "date '" + date + "' is not YYYY or YYYY-MM");
    }
    if (source.empty()) return At(file, line, "no source for '" + id + "'");
    // Like curated facts that only amend a family, a date does not create
    // one (an import from part of the sources).
    if (!drafts.Contains(id)) continue;
    Family& family = drafts.For(id).family;
    family.first_seen = date;
    AddSource(&family.sources, Source{"curated", "first seen: " + source});
  }
  return Status::Ok();
}

}  // namespace kintsugi::kb::import
