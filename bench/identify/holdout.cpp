// Held-back evaluation (issues #3 and #15): identification measured on notes
// the KB has not seen, in the ways the field meets them.
//
//   identify_holdout [--kb DIR] [--mode note|family|date|all]
//                    [--since YYYY] [--not-notes PATH]... [--verbose]
//   identify_holdout [--kb DIR] --notes DIR [--verbose]
//
// Modes (docs/benchmarks-identify.md):
//   note    one real note per family held back, with every rule and contact
//           only that note supports; the KB compiled once without them.
//   family  each family with a real note removed from the KB entirely; its
//           notes must give `unknown`, `ambiguous` or a listed rebrand,
//           never a confident stranger (one compile per family).
//   date    every note of the families first seen in or after --since
//           (default 2022) held back at once, against the KB of the older.
// --not-notes PATH (a file or a folder, read recursively, any number): texts
// that are not ransom notes (READMEs, licences, logs, source); each must give
// `unknown` with no candidate at or above 0.3.
// --notes DIR identifies DIR/<family-id>/<note> against the whole KB.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/limits.h"

namespace kintsugi::identify {
namespace {

struct HeldNote {
  std::string family;
  std::string path;  // As shown.
  Bytes bytes;
  // The family still has another real note in the KB: the held note tests
  // generalisation, not "a family the KB knows nothing about".
  bool family_has_other_notes = false;
};

std::string Basename(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

// Letters and digits only, lowercased: the importer's SafeFileName may
// change punctuation in a note's name.
std::string Squash(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    }
  }
  return out;
}

// Drops the sources in `held` (squashed note names) from `sources`; true if
// nothing else supports the fact.
bool OnlyFrom(std::vector<kb::Source>& sources,
              const std::set<std::string>& held) {
  if (sources.empty()) return false;
  std::vector<kb::Source> kept;
  for (const kb::Source& s : sources) {
    const bool from_held = s.dataset == "threatlabz-notes" &&
                           held.count(Squash(Basename(s.entry))) != 0;
    if (!from_held) kept.push_back(s);
  }
  const bool only = kept.empty();
  sources = std::move(kept);
  return only;
}

// Real notes only (not MISP's note texts, whose rules share the MISP
// entry's source and cannot be told apart).
std::vector<std::string> RealNotes(const kb::KnowledgeBase& kb,
                                   const kb::Family& family) {
  std::vector<std::string> real;
  for (const std::string& path : family.reference_notes) {
    if (Basename(path).rfind("misp-", 0) != 0 &&
        kb.note_texts.count(path) != 0) {
      real.push_back(path);
    }
  }
  return real;
}

// Removes `paths` of `family` from the KB, with every rule and contact only
// they support, and returns them as held notes.
std::vector<HeldNote> Remove(kb::KnowledgeBase& kb, kb::Family& family,
                             const std::vector<std::string>& paths,
                             bool family_keeps_notes) {
  std::vector<HeldNote> held;
  std::set<std::string> squashed;
  for (const std::string& path : paths) {
    held.push_back(
        {family.id, path, kb.note_texts.at(path), family_keeps_notes});
    squashed.insert(Squash(Basename(path)));
    std::erase(family.reference_notes, path);
    kb.note_texts.erase(path);
  }
  std::erase_if(family.rules, [&](kb::Rule& rule) {
    return OnlyFrom(rule.sources, squashed);
  });
  std::erase_if(family.contacts, [&](kb::Contact& contact) {
    return OnlyFrom(contact.sources, squashed);
  });
  return held;
}

std::vector<HeldNote> HoldBackOnePerFamily(kb::KnowledgeBase& kb) {
  std::vector<HeldNote> held;
  for (kb::Family& family : kb.families) {
    if (family.disabled) continue;
    const std::vector<std::string> real = RealNotes(kb, family);
    if (real.empty()) continue;
    for (HeldNote& note : Remove(kb, family, {real.back()}, real.size() > 1)) {
      held.push_back(std::move(note));
    }
  }
  return held;
}

std::vector<HeldNote> HoldBackSince(kb::KnowledgeBase& kb,
                                    const std::string& since) {
  std::vector<HeldNote> held;
  for (kb::Family& family : kb.families) {
    if (family.disabled || family.first_seen.empty() ||
        family.first_seen.substr(0, 4) < since) {
      continue;
    }
    const std::vector<std::string> real = RealNotes(kb, family);
    for (HeldNote& note : Remove(kb, family, real, false)) {
      held.push_back(std::move(note));
    }
  }
  return held;
}

Status ReadTree(const Path& path, std::vector<HeldNote>& out) {
  FileSystem& fs = RealFileSystem();
  KINTSUGI_ASSIGN_OR_RETURN(FileInfo info, fs.Stat(path));
  if (info.type == FileType::kRegular) {
    auto bytes = ReadWholeFile(fs, path, limits::kMaxNoteBytes);
    // Too large to be a note, or unreadable: not part of the corpus.
    if (bytes) out.push_back({"", path.string(), std::move(*bytes), false});
    return Status::Ok();
  }
  if (info.type != FileType::kDirectory) return Status::Ok();
  KINTSUGI_ASSIGN_OR_RETURN(auto entries, fs.ListDir(path));
  std::sort(
      entries.begin(), entries.end(),
      [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  for (const DirEntry& entry : entries) {
    KINTSUGI_RETURN_IF_ERROR(ReadTree(path / entry.name, out));
  }
  return Status::Ok();
}

Result<std::vector<HeldNote>> ReadNotes(const Path& dir) {
  std::vector<HeldNote> out;
  FileSystem& fs = RealFileSystem();
  KINTSUGI_ASSIGN_OR_RETURN(auto families, fs.ListDir(dir));
  for (const DirEntry& family : families) {
    if (family.type != FileType::kDirectory) continue;
    KINTSUGI_ASSIGN_OR_RETURN(auto notes, fs.ListDir(dir / family.name));
    for (const DirEntry& note : notes) {
      if (note.type != FileType::kRegular) continue;
      const Path path = dir / family.name / note.name;
      KINTSUGI_ASSIGN_OR_RETURN(Bytes bytes,
                                ReadWholeFile(fs, path, limits::kMaxNoteBytes));
      out.push_back({family.name, path.string(), std::move(bytes), true});
    }
  }
  return out;
}

Report IdentifyNote(const CompiledKb& compiled, const HeldNote& note) {
  Input input;
  input.kind = InputKind::kNote;
  input.source = note.path;
  input.file_name = Basename(note.path);
  input.content = note.bytes;
  input.size = note.bytes.size();
  return compiled.Identify({&input, 1});
}

// Rebrands and aliases named in the KB count as right in the lenient
// figures: `related` either way, and the members of one group
// (kb/groups.yaml).
class Relations {
 public:
  explicit Relations(const kb::KnowledgeBase& kb) {
    for (const kb::Family& family : kb.families) {
      for (const std::string& other : family.related) {
        related_[family.id].insert(other);
        related_[other].insert(family.id);
      }
    }
    for (const kb::Group& group : kb.groups) {
      for (const std::string& a : group.members) {
        for (const std::string& b : group.members) {
          if (a != b) related_[a].insert(b);
        }
      }
    }
  }
  bool Lenient(const std::string& answer, const std::string& truth) const {
    if (answer == truth) return true;
    const auto found = related_.find(truth);
    return found != related_.end() && found->second.count(answer) != 0;
  }

 private:
  std::map<std::string, std::set<std::string>> related_;
};

struct Tally {
  std::size_t notes = 0;
  std::size_t top1 = 0;
  std::size_t top3 = 0;
  std::size_t top1_lenient = 0;
  std::size_t identified_right = 0;
  std::size_t identified_wrong = 0;  // Lenient: a rebrand is not wrong.
  std::size_t unknown = 0;
  std::size_t ambiguous = 0;
};

double Percent(std::size_t n, std::size_t of) {
  return of == 0 ? 0.0
                 : 100.0 * static_cast<double>(n) / static_cast<double>(of);
}

// `truth` empty: the family is not in the KB (whole-family hold-out), so
// any identified verdict outside its rebrands is wrong.
void Score(const Report& report, const HeldNote& note,
           const Relations& relations, bool verbose, Tally& tally,
           bool print = true) {
  ++tally.notes;
  std::size_t rank = 0;
  for (std::size_t i = 0; i < report.candidates.size(); ++i) {
    if (report.candidates[i].family == note.family) {
      rank = i + 1;
      break;
    }
  }
  const std::string top =
      report.candidates.empty() ? "" : report.candidates[0].family;
  const bool lenient = !top.empty() && relations.Lenient(top, note.family);
  tally.top1 += rank == 1 ? 1 : 0;
  tally.top3 += rank >= 1 && rank <= 3 ? 1 : 0;
  tally.top1_lenient += lenient ? 1 : 0;
  bool wrong = false;
  switch (report.verdict) {
    case Verdict::kIdentified:
      wrong = !lenient;
      (wrong ? tally.identified_wrong : tally.identified_right) += 1;
      break;
    case Verdict::kUnknown:
      ++tally.unknown;
      break;
    case Verdict::kAmbiguous:
      ++tally.ambiguous;
      break;
  }
  if (print && (verbose || rank != 1 || wrong)) {
    std::printf("%-26s rank %-2zu %-10s top %s (%.2f)%s  %s\n",
                note.family.c_str(), rank,
                std::string(VerdictName(report.verdict)).c_str(),
                top.empty() ? "-" : top.c_str(),
                report.candidates.empty() ? 0.0 : report.candidates[0].score,
                wrong ? "  CONFIDENT-WRONG" : "", note.path.c_str());
    if ((verbose || wrong) && rank != 1) {
      // The top candidates and the held family, with their evidence.
      for (std::size_t i = 0; i < report.candidates.size(); ++i) {
        const Candidate& c = report.candidates[i];
        if (i >= 3 && c.family != note.family) continue;
        std::printf("  #%zu %s %.2f\n", i + 1, c.family.c_str(), c.score);
        for (const Evidence& e : c.evidence) {
          std::printf("    %s: %s\n",
                      std::string(EvidenceKindName(e.kind)).c_str(),
                      RenderEnglish(e.detail).c_str());
        }
      }
    }
  }
}

void PrintTally(const char* title, const Tally& t) {
  std::printf(
      "\n== %s: %zu notes\n"
      "top-1 %zu (%.1f%%), top-3 %zu (%.1f%%), top-1 counting a rebrand "
      "%zu (%.1f%%)\n"
      "identified %zu right, %zu WRONG; ambiguous %zu; unknown %zu "
      "(abstentions %.1f%%)\n",
      title, t.notes, t.top1, Percent(t.top1, t.notes), t.top3,
      Percent(t.top3, t.notes), t.top1_lenient,
      Percent(t.top1_lenient, t.notes), t.identified_right, t.identified_wrong,
      t.ambiguous, t.unknown, Percent(t.unknown + t.ambiguous, t.notes));
}

Result<std::shared_ptr<const CompiledKb>> CompileOrSay(
    const kb::KnowledgeBase& kb) {
  auto compiled = Compile(kb);
  if (!compiled) {
    std::fprintf(stderr, "cannot compile: %s\n",
                 compiled.error().ToString().c_str());
  }
  return compiled;
}

int RunOnePerFamily(kb::KnowledgeBase kb, bool verbose) {
  const Relations relations(kb);
  const std::vector<HeldNote> held = HoldBackOnePerFamily(kb);
  auto compiled = CompileOrSay(kb);
  if (!compiled) return 7;
  Tally all;
  Tally with_other;
  Tally only;
  for (const HeldNote& note : held) {
    const Report report = IdentifyNote(**compiled, note);
    Score(report, note, relations, verbose, all);
    Tally& part = note.family_has_other_notes ? with_other : only;
    Score(report, note, relations, false, part, /*print=*/false);
  }
  PrintTally("one note per family held back", all);
  PrintTally("  of which the family keeps another real note", with_other);
  PrintTally("  of which the family's only real note", only);
  return 0;
}

int RunWholeFamily(const kb::KnowledgeBase& kb, bool verbose) {
  const Relations relations(kb);
  Tally tally;
  for (std::size_t i = 0; i < kb.families.size(); ++i) {
    const kb::Family& family = kb.families[i];
    if (family.disabled || RealNotes(kb, family).empty()) continue;
    kb::KnowledgeBase without = kb;
    std::vector<HeldNote> held;
    for (const std::string& path : RealNotes(kb, family)) {
      held.push_back({family.id, path, kb.note_texts.at(path), false});
      without.note_texts.erase(path);
    }
    without.families.erase(without.families.begin() +
                           static_cast<std::ptrdiff_t>(i));
    // Families that name it as a rebrand keep the link (the lenient count).
    auto compiled = CompileOrSay(without);
    if (!compiled) return 7;
    for (const HeldNote& note : held) {
      Score(IdentifyNote(**compiled, note), note, relations, verbose, tally);
    }
  }
  PrintTally(
      "whole families held back (right answer: unknown, ambiguous "
      "or a listed rebrand)",
      tally);
  return 0;
}

int RunSince(kb::KnowledgeBase kb, const std::string& since, bool verbose) {
  const Relations relations(kb);
  const std::vector<HeldNote> held = HoldBackSince(kb, since);
  auto compiled = CompileOrSay(kb);
  if (!compiled) return 7;
  Tally tally;
  for (const HeldNote& note : held) {
    Score(IdentifyNote(**compiled, note), note, relations, verbose, tally);
  }
  const std::string title = "notes of families first seen in or after " +
                            since + ", against the KB of the older ones";
  PrintTally(title.c_str(), tally);
  return 0;
}

int RunNotNotes(const kb::KnowledgeBase& kb, const std::vector<Path>& paths,
                bool verbose) {
  std::vector<HeldNote> texts;
  for (const Path& path : paths) {
    if (const Status read = ReadTree(path, texts); !read.ok()) {
      std::fprintf(stderr, "cannot read %s: %s\n", path.string().c_str(),
                   read.ToString().c_str());
      return 3;
    }
  }
  auto compiled = CompileOrSay(kb);
  if (!compiled) return 7;
  std::size_t candidates = 0;
  std::size_t identified = 0;
  std::size_t not_a_note = 0;
  for (const HeldNote& text : texts) {
    const Report report = IdentifyNote(**compiled, text);
    const bool listed =
        !report.candidates.empty() && report.candidates[0].score >= 0.3;
    candidates += listed ? 1 : 0;
    identified += report.verdict == Verdict::kIdentified ? 1 : 0;
    const bool said = !report.inputs.empty() &&
                      report.inputs[0].kind == InputKind::kOtherFile;
    not_a_note += said ? 1 : 0;
    if (verbose || listed) {
      std::printf(
          "%-10s top %s (%.2f)  %s\n",
          std::string(VerdictName(report.verdict)).c_str(),
          report.candidates.empty() ? "-" : report.candidates[0].family.c_str(),
          report.candidates.empty() ? 0.0 : report.candidates[0].score,
          text.path.c_str());
    }
  }
  std::printf(
      "\n== texts that are not ransom notes: %zu\n"
      "said 'not a ransom note' %zu (%.1f%%); a candidate at or above 0.3: "
      "%zu; identified: %zu\n",
      texts.size(), not_a_note, Percent(not_a_note, texts.size()), candidates,
      identified);
  return 0;
}

int RunNotesDir(const kb::KnowledgeBase& kb, const Path& dir, bool verbose) {
  auto notes = ReadNotes(dir);
  if (!notes) {
    std::fprintf(stderr, "cannot read %s: %s\n", dir.string().c_str(),
                 notes.error().ToString().c_str());
    return 3;
  }
  const Relations relations(kb);
  auto compiled = CompileOrSay(kb);
  if (!compiled) return 7;
  Tally tally;
  for (const HeldNote& note : *notes) {
    Score(IdentifyNote(**compiled, note), note, relations, verbose, tally);
  }
  PrintTally(dir.string().c_str(), tally);
  return 0;
}

int Run(int argc, char** argv) {
  std::string kb_dir;
  std::string notes_dir;
  std::string mode = "note";
  std::string since = "2022";
  std::vector<Path> not_notes;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--kb" && i + 1 < argc) {
      kb_dir = argv[++i];
    } else if (arg == "--notes" && i + 1 < argc) {
      notes_dir = argv[++i];
    } else if (arg == "--mode" && i + 1 < argc) {
      mode = argv[++i];
    } else if (arg == "--since" && i + 1 < argc) {
      since = argv[++i];
    } else if (arg == "--not-notes" && i + 1 < argc) {
      not_notes.emplace_back(argv[++i]);
    } else if (arg == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: identify_holdout [--kb DIR] "
                   "[--mode note|family|date|all] [--since YYYY] "
                   "[--not-notes PATH]... [--notes DIR] [--verbose]\n");
      return 2;
    }
  }
  if (kb_dir.empty()) {
    const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
    kb_dir = std::string(root != nullptr ? root : ".") + "/kb";
  }
  auto loaded = kb::LoadKnowledgeBase(RealFileSystem(), kb_dir);
  if (!loaded) {
    std::fprintf(stderr, "cannot load %s: %s\n", kb_dir.c_str(),
                 loaded.error().ToString().c_str());
    return 7;
  }
  const kb::KnowledgeBase& kb = *loaded;
  if (!notes_dir.empty()) return RunNotesDir(kb, notes_dir, verbose);
  const bool all = mode == "all";
  int rc = 0;
  if (all || mode == "note") rc = std::max(rc, RunOnePerFamily(kb, verbose));
  if (all || mode == "date") rc = std::max(rc, RunSince(kb, since, verbose));
  if (all || mode == "family") rc = std::max(rc, RunWholeFamily(kb, verbose));
  if (!not_notes.empty())
    rc = std::max(rc, RunNotNotes(kb, not_notes, verbose));
  return rc;
}

}  // namespace
}  // namespace kintsugi::identify

int main(int argc, char** argv) { return kintsugi::identify::Run(argc, argv); }
