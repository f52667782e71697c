// The importer's builder (docs/kb-format.md §10, steps 2-7, and §11): the
// drafts the readers filled become families with rules, rebrands, contacts,
// reference notes and fixtures.

#include <algorithm>

#include "kb/importer.h"
#include "kb/kb_format.h"
#include "text/shingles.h"

namespace kintsugi::kb::import {
namespace {

using internal::ToLower;

// Distinctive note lines kept per family (curation can add more).
constexpr std::size_t kPhrasesPerFamily = 4;
// Two families with a pair of notes sharing this much (Jaccard of
// text::NoteShingles, the shingles identify's similarity model compares)
// are rebrands, reported together. Placeholders for contacts, IDs and
// numbers make shared templates look closer than word 5-grams did: 0.57
// keeps every pair the 5-gram rule (>= 0.45) found, the lowest at 0.58.
constexpr double kRelatedSimilarity = 0.57;
// Notes shorter than this many shingles (about 20 words) say too little
// to call two families one.
constexpr std::size_t kMinRebrandShingles = 40;

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

// A positive fixture from the family's own evidence (what curation sets
// replaces what is generated) and a negative one from benign data
// (docs/kb-format.md §11).
void AddFixtures(Family* family, const Fixture& curated) {
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
  for (const auto& phrase : phrases) positive.note_text += phrase + "\n";
  if (!family->contacts.empty()) {
    positive.contacts.push_back(family->contacts.front().value);
  }
  if (!curated.file_names.empty()) positive.file_names = curated.file_names;
  if (!curated.note_name.empty()) positive.note_name = curated.note_name;
  if (!curated.note_text.empty()) positive.note_text = curated.note_text;
  if (!curated.contacts.empty()) positive.contacts = curated.contacts;
  if (!curated.file_head.empty()) positive.file_head = curated.file_head;
  if (!curated.file_tail.empty()) positive.file_tail = curated.file_tail;
  Fixture negative;
  negative.positive = false;
  negative.file_names = {"holiday photo.jpg", "budget 2024.xlsx"};
  negative.note_name = "shopping list.txt";
  negative.note_text =
      "Shopping list for the weekend: milk, bread, eggs and apples.\n"
      "Remember to call the plumber on Monday about the kitchen sink.\n";
  family->fixtures = {std::move(positive), std::move(negative)};
}

// Rebrands: families with a pair of near-identical notes, and those
// curation names.
std::map<std::string, std::set<std::string>> Rebrands(
    std::map<std::string, Draft>& drafts) {
  std::map<std::string, std::vector<const std::vector<std::uint64_t>*>> notes;
  for (const auto& [id, draft] : drafts) {
    for (const DraftNote& note : draft.note_texts) {
      if (note.shingles.size() >= kMinRebrandShingles) {
        notes[id].push_back(&note.shingles);
      }
    }
  }
  std::map<std::string, std::set<std::string>> related;
  for (auto a = notes.begin(); a != notes.end(); ++a) {
    for (auto b = std::next(a); b != notes.end(); ++b) {
      double best = 0;
      for (const auto* x : a->second) {
        for (const auto* y : b->second) {
          best = std::max(best, text::ShingleJaccard(*x, *y));
        }
      }
      if (best >= kRelatedSimilarity) {
        related[a->first].insert(b->first);
        related[b->first].insert(a->first);
      }
    }
  }
  // Two families that give the same attacker contact (an e-mail address, an
  // onion host, a Tox ID) are one operator under two names: a rebrand, or a
  // name the sources split. Three or more is a public address, not
  // evidence (BuildFamilies drops it).
  std::map<std::pair<ContactKind, std::string>, std::set<std::string>> users;
  for (const auto& [id, draft] : drafts) {
    for (const auto& [contact, sources] : draft.contacts) {
      users[contact].insert(id);
    }
  }
  for (const auto& [contact, ids] : users) {
    if (ids.size() != 2) continue;
    related[*ids.begin()].insert(*ids.rbegin());
    related[*ids.rbegin()].insert(*ids.begin());
  }
  for (const auto& [id, draft] : drafts) {
    for (const std::string& other : draft.curated_related) {
      if (other == id || !drafts.contains(other)) continue;
      related[id].insert(other);
      related[other].insert(id);
    }
  }
  return related;
}

// Names, in id order: the first family to claim a name keeps it; an alias
// another family claims is dropped.
void SettleNames(std::map<std::string, Draft>& drafts, ImportReport* report) {
  std::map<std::string, std::string> claimed;
  for (const auto& [id, draft] : drafts) claimed.emplace(id, id);
  for (auto& [id, draft] : drafts) {
    Family& family = draft.family;
    if (family.name.empty()) family.name = id;
    auto [it, inserted] = claimed.emplace(ToLower(family.name), id);
    if (!inserted && it->second != id) {
      family.name += " (" + id + ")";
      claimed.emplace(ToLower(family.name), id);
    }
  }
  for (auto& [id, draft] : drafts) {
    Family& family = draft.family;
    std::vector<std::string> aliases;
    for (const auto& alias : family.aliases) {
      std::string lower = ToLower(alias);
      auto [it, inserted] = claimed.emplace(lower, id);
      if (it->second != id) {
        ++report->merged_entries;  // Counted as curation.
        continue;
      }
      if (lower == ToLower(family.name) || lower == id) continue;
      AddUnique(&aliases, alias);
    }
    family.aliases = std::move(aliases);
  }
}

// Phrases: lines only this family (or its rebrands) uses, preferring those
// found in most of its notes (the stable parts).
void AddPhrases(
    const Draft& draft, const std::set<std::string>& related,
    const std::map<std::string, std::set<std::string>>& line_families,
    Family& family) {
  struct Candidate {
    std::size_t notes = 0;
    std::string line;
    std::vector<Source> sources;
  };
  std::map<std::string, Candidate> candidates;
  for (const auto& note : draft.note_texts) {
    std::set<std::string> seen;
    for (const auto& line : note.lines) {
      if (!IsPhraseCandidate(line) || !seen.insert(line).second) continue;
      const auto& users = line_families.at(line);
      bool own =
          std::all_of(users.begin(), users.end(), [&](const std::string& user) {
            return user == family.id || related.contains(user);
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
}

}  // namespace

KnowledgeBase BuildFamilies(Drafts& all_drafts, ImportReport* report,
                            const std::vector<AllowContact>& allowed) {
  std::map<std::string, Draft>& drafts = all_drafts.all();
  KnowledgeBase kb;
  // How many families use each extension, note name and contact.
  std::map<std::string, std::size_t> ext_count;
  std::map<std::string, std::size_t> note_count;
  std::map<std::pair<ContactKind, std::string>, std::size_t> contact_count;
  for (const auto& [id, draft] : drafts) {
    for (const auto& [ext, v] : draft.exts) ++ext_count[ext];
    for (const auto& [note, v] : draft.notes) ++note_count[note];
    for (const auto& [contact, v] : draft.contacts) ++contact_count[contact];
    // A curated extension or note name took the imported one's place
    // (ApplyCurated): the family still uses it, and other families' use of
    // it is no less shared.
    for (const Rule& rule : draft.curated_rules) {
      if (rule.is_regex) continue;
      if (rule.kind == RuleKind::kExtension) ++ext_count[ToLower(rule.pattern)];
      if (rule.kind == RuleKind::kNoteName) ++note_count[ToLower(rule.pattern)];
    }
  }
  for (auto& [id, draft] : drafts) {
    std::erase_if(draft.contacts, [&](const auto& entry) {
      return FindAllowedContact(allowed, entry.first.second) != nullptr;
    });
  }
  std::map<std::string, std::set<std::string>> related = Rebrands(drafts);
  // Which families' notes contain each line.
  std::map<std::string, std::set<std::string>> line_families;
  for (const auto& [id, draft] : drafts) {
    for (const auto& note : draft.note_texts) {
      for (const auto& line : note.lines) {
        if (IsPhraseCandidate(line)) line_families[line].insert(id);
      }
    }
  }
  SettleNames(drafts, report);

  for (auto& [id, draft] : drafts) {
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
    AddPhrases(draft, rel, line_families, family);
    for (const Rule& rule : draft.curated_rules) AddRule(&family, rule);
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
    if (!family.rules.empty()) AddFixtures(&family, draft.curated_fixture);
    report->aliases += family.aliases.size();
    report->rules += family.rules.size();
    report->contacts += family.contacts.size();
    report->reference_notes += family.reference_notes.size();
    kb.families.push_back(std::move(family));
  }
  report->families = kb.families.size();
  std::sort(report->new_families.begin(), report->new_families.end());
  return kb;
}

}  // namespace kintsugi::kb::import
