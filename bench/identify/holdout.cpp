// Held-back evaluation (issue #3, "Done when"): for every family with at
// least one real ransom note in the KB (ThreatLabz notes, kb/notes/<id>/),
// hold one note back -- its reference note, and every rule and contact that
// only that note supports -- build the KB without it, identify the note,
// and report top-1 and top-3 accuracy.
//
//   identify_holdout [--kb DIR] [--notes DIR] [--verbose]
//
// --notes DIR instead identifies DIR/<family-id>/<note> against the whole
// KB (e.g. the notes `kintsugi kb import --hold-out DIR` kept out of kb/).

#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// Drops `held` from `sources`; true if nothing else supports the fact.
bool OnlyFrom(std::vector<kb::Source>& sources, const std::string& held) {
  if (sources.empty()) return false;
  std::vector<kb::Source> kept;
  for (const kb::Source& s : sources) {
    const bool from_held =
        s.dataset == "threatlabz-notes" && Squash(Basename(s.entry)) == held;
    if (!from_held) kept.push_back(s);
  }
  const bool only = kept.empty();
  sources = std::move(kept);
  return only;
}

std::vector<HeldNote> HoldBack(kb::KnowledgeBase& kb) {
  std::vector<HeldNote> held;
  for (kb::Family& family : kb.families) {
    if (family.disabled) continue;
    // Real notes only (not MISP's note texts, whose rules share the MISP
    // entry's source and cannot be told apart).
    std::vector<std::string> real;
    for (const std::string& path : family.reference_notes) {
      if (Basename(path).rfind("misp-", 0) != 0 &&
          kb.note_texts.count(path) != 0) {
        real.push_back(path);
      }
    }
    if (real.empty()) continue;
    const std::string path = real.back();
    const std::string squashed = Squash(Basename(path));
    held.push_back({family.id, path, kb.note_texts.at(path), real.size() > 1});
    std::erase(family.reference_notes, path);
    kb.note_texts.erase(path);
    std::erase_if(family.rules, [&](kb::Rule& rule) {
      return OnlyFrom(rule.sources, squashed);
    });
    std::erase_if(family.contacts, [&](kb::Contact& contact) {
      return OnlyFrom(contact.sources, squashed);
    });
  }
  return held;
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

int Run(int argc, char** argv) {
  std::string kb_dir;
  std::string notes_dir;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--kb" && i + 1 < argc) {
      kb_dir = argv[++i];
    } else if (arg == "--notes" && i + 1 < argc) {
      notes_dir = argv[++i];
    } else if (arg == "--verbose") {
      verbose = true;
    } else {
      std::fprintf(stderr,
                   "usage: identify_holdout [--kb DIR] [--notes DIR] "
                   "[--verbose]\n");
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
  kb::KnowledgeBase kb = std::move(*loaded);
  std::vector<HeldNote> held;
  if (notes_dir.empty()) {
    held = HoldBack(kb);
  } else {
    auto notes = ReadNotes(notes_dir);
    if (!notes) {
      std::fprintf(stderr, "cannot read %s: %s\n", notes_dir.c_str(),
                   notes.error().ToString().c_str());
      return 3;
    }
    held = std::move(*notes);
  }
  auto compiled = Compile(kb);
  if (!compiled) {
    std::fprintf(stderr, "cannot compile: %s\n",
                 compiled.error().ToString().c_str());
    return 7;
  }
  std::size_t top1 = 0;
  std::size_t top3 = 0;
  std::size_t top1_or_related = 0;
  std::size_t identified_right = 0;
  std::size_t identified_wrong = 0;
  std::size_t unknown = 0;
  std::size_t with_other = 0;
  std::size_t with_other_top1 = 0;
  std::size_t with_other_top3 = 0;
  for (const HeldNote& note : held) {
    Input input;
    input.kind = InputKind::kNote;
    input.source = note.path;
    input.file_name = Basename(note.path);
    input.content = note.bytes;
    input.size = note.bytes.size();
    const Report report = (*compiled)->Identify({&input, 1});
    std::size_t rank = 0;
    for (std::size_t i = 0; i < report.candidates.size(); ++i) {
      if (report.candidates[i].family == note.family) {
        rank = i + 1;
        break;
      }
    }
    bool related_top = false;
    if (!report.candidates.empty()) {
      const Candidate& best = report.candidates[0];
      for (const std::string& r : best.related) {
        related_top = related_top || r == note.family;
      }
    }
    top1 += rank == 1 ? 1 : 0;
    top3 += rank >= 1 && rank <= 3 ? 1 : 0;
    top1_or_related += rank == 1 || related_top ? 1 : 0;
    if (report.verdict == Verdict::kIdentified) {
      (rank == 1 ? identified_right : identified_wrong) += 1;
    }
    unknown += report.verdict == Verdict::kUnknown ? 1 : 0;
    if (note.family_has_other_notes) {
      ++with_other;
      with_other_top1 += rank == 1 ? 1 : 0;
      with_other_top3 += rank >= 1 && rank <= 3 ? 1 : 0;
    }
    if (verbose || rank != 1) {
      std::printf(
          "%-28s rank %-2zu %-10s top %s (%.2f)  %s\n", note.family.c_str(),
          rank, std::string(VerdictName(report.verdict)).c_str(),
          report.candidates.empty() ? "-" : report.candidates[0].family.c_str(),
          report.candidates.empty() ? 0.0 : report.candidates[0].score,
          note.path.c_str());
      if (verbose && rank != 1 && !report.candidates.empty()) {
        for (const Evidence& e : report.candidates[0].evidence) {
          std::printf("    %s: %s\n",
                      std::string(EvidenceKindName(e.kind)).c_str(),
                      RenderEnglish(e.detail).c_str());
        }
      }
    }
  }
  const auto pct = [&](std::size_t n) {
    return held.empty() ? 0.0
                        : 100.0 * static_cast<double>(n) /
                              static_cast<double>(held.size());
  };
  std::printf(
      "\nheld-back notes: %zu\n"
      "top-1: %zu (%.1f%%)\ntop-3: %zu (%.1f%%)\n"
      "top-1 counting a related family (rebrand): %zu (%.1f%%)\n"
      "verdict identified: %zu right, %zu wrong; unknown: %zu\n",
      held.size(), top1, pct(top1), top3, pct(top3), top1_or_related,
      pct(top1_or_related), identified_right, identified_wrong, unknown);
  const auto pct_of = [](std::size_t n, std::size_t of) {
    return of == 0 ? 0.0
                   : 100.0 * static_cast<double>(n) / static_cast<double>(of);
  };
  std::printf(
      "families with another real note still in the KB: %zu notes, "
      "top-1 %zu (%.1f%%), top-3 %zu (%.1f%%)\n"
      "families whose only real note was held back: %zu notes, "
      "top-1 %zu (%.1f%%)\n",
      with_other, with_other_top1, pct_of(with_other_top1, with_other),
      with_other_top3, pct_of(with_other_top3, with_other),
      held.size() - with_other, top1 - with_other_top1,
      pct_of(top1 - with_other_top1, held.size() - with_other));
  return 0;
}

}  // namespace
}  // namespace kintsugi::identify

int main(int argc, char** argv) { return kintsugi::identify::Run(argc, argv); }
