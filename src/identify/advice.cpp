// The sentences built from a report, as messages (kintsugi/message.h): the
// verdict, the recovery advice and where the evidence came from. One place,
// so the CLI, recover and the portal say the same thing.

#include <fmt/format.h>

#include <algorithm>

#include "kintsugi/identify.h"

namespace kintsugi::identify {
namespace {

std::string Score(double score) { return fmt::format("{:.2f}", score); }

}  // namespace

std::string_view EvidenceKindName(EvidenceKind kind) {
  switch (kind) {
    case EvidenceKind::kExtension:
      return "extension";
    case EvidenceKind::kFilenamePattern:
      return "filename-pattern";
    case EvidenceKind::kNoteName:
      return "note-name";
    case EvidenceKind::kNotePhrase:
      return "note-phrase";
    case EvidenceKind::kNoteRegex:
      return "note-regex";
    case EvidenceKind::kFileMarker:
      return "file-marker";
    case EvidenceKind::kSizeRelation:
      return "size-relation";
    case EvidenceKind::kVictimId:
      return "victim-id";
    case EvidenceKind::kContact:
      return "contact";
    case EvidenceKind::kNoteSimilarity:
      return "note-similarity";
    case EvidenceKind::kNoteNamesFamily:
      return "note-names-family";
    case EvidenceKind::kYara:
      return "yara";
  }
  return "yara";
}

Message VerdictSummary(const Report& report) {
  const auto& candidates = report.candidates;
  if (report.verdict == Verdict::kUnknown || candidates.empty()) {
    return Message{MessageId::kVerdictUnknown, {}};
  }
  const Candidate& best = candidates.front();
  const std::vector<MessageArg> best_args = {{"name", best.name},
                                             {"family", best.family},
                                             {"score", Score(best.score)}};
  if (report.verdict == Verdict::kIdentified) {
    return Message{MessageId::kVerdictIdentified, best_args};
  }
  const std::size_t named =
      std::clamp<std::size_t>(report.named, 1, candidates.size());
  if (named == 1) return Message{MessageId::kVerdictAmbiguousWeak, best_args};
  std::string names;
  for (std::size_t i = 0; i < named; ++i) {
    if (!names.empty()) names += " or ";
    names += candidates[i].name + " (" + candidates[i].family + ")";
  }
  return Message{best.related.empty() ? MessageId::kVerdictAmbiguous
                                      : MessageId::kVerdictAmbiguousRelated,
                 {{"names", std::move(names)}}};
}

std::optional<Message> ExplainVerdict(const Report& report) {
  const auto& candidates = report.candidates;
  if (report.verdict == Verdict::kUnknown || candidates.size() < 2) {
    return std::nullopt;
  }
  const Candidate& best = candidates[0];
  const Candidate& rival = candidates[1];
  const auto rival_has = [&](const Evidence& e, bool same_detail) {
    return std::any_of(
        rival.evidence.begin(), rival.evidence.end(), [&](const Evidence& r) {
          return r.kind == e.kind && (!same_detail || r.detail == e.detail);
        });
  };
  const std::vector<MessageArg> names = {{"name", best.name},
                                         {"other", rival.name}};
  // Evidence is strongest first; weak evidence explains only when nothing
  // else does.
  for (const bool weak : {false, true}) {
    for (const Evidence& e : best.evidence) {
      if (e.weak != weak || rival_has(e, false)) continue;
      Message why{MessageId::kVerdictWhy, names};
      why.args.push_back({"evidence", std::vector<Message>{e.detail}});
      return why;
    }
  }
  for (const Evidence& e : best.evidence) {
    if (rival_has(e, true)) continue;
    const auto same_kind =
        std::find_if(rival.evidence.begin(), rival.evidence.end(),
                     [&](const Evidence& r) { return r.kind == e.kind; });
    if (same_kind == rival.evidence.end()) continue;
    Message why{MessageId::kVerdictWhyStronger, names};
    why.args.push_back({"evidence", std::vector<Message>{e.detail}});
    why.args.push_back({"rival", std::vector<Message>{same_kind->detail}});
    return why;
  }
  return std::nullopt;
}

std::optional<Message> ExplainGroup(const Report& report) {
  if (!report.group.has_value() || report.candidates.empty()) {
    return std::nullopt;
  }
  const GroupFinding& group = *report.group;
  std::string members;
  for (const std::string& name : group.member_names) {
    if (!members.empty()) members += ", ";
    members += name;
  }
  std::string name = report.candidates.front().name;
  std::vector<Message> evidence;
  if (!group.favoured.empty()) {
    const auto member =
        std::find(group.members.begin(), group.members.end(), group.favoured);
    name = group.member_names.at(
        static_cast<std::size_t>(member - group.members.begin()));
    for (const Evidence& e : group.separating) {
      if (evidence.empty()) evidence.push_back(e.detail);
    }
  }
  return Message{group.favoured.empty() ? MessageId::kVerdictGroupUndecided
                                        : MessageId::kVerdictGroupFavours,
                 {{"group", group.name},
                  {"members", std::move(members)},
                  {"name", std::move(name)},
                  {"evidence", std::move(evidence)}}};
}

std::vector<Message> RecoveryAdvice(kb::RecoveryPossible recovery,
                                    std::string_view decryptor,
                                    std::span<const std::string> needs,
                                    bool decryptor_available) {
  std::vector<Message> out;
  const bool part = recovery == kb::RecoveryPossible::kPartial;
  switch (recovery) {
    case kb::RecoveryPossible::kYes:
    case kb::RecoveryPossible::kPartial:
      if (decryptor_available) {
        out.push_back({part ? MessageId::kRecoveryAvailableInPart
                            : MessageId::kRecoveryAvailable,
                       {{"decryptor", std::string(decryptor)}}});
      } else if (!decryptor.empty()) {
        out.push_back({part ? MessageId::kRecoveryNotBuiltInPart
                            : MessageId::kRecoveryNotBuilt,
                       {{"decryptor", std::string(decryptor)}}});
      } else {
        out.push_back({part ? MessageId::kRecoveryNoDecryptorInPart
                            : MessageId::kRecoveryNoDecryptor,
                       {}});
      }
      for (const std::string& need : needs) {
        out.push_back({MessageId::kRecoveryNeed, {{"need", need}}});
      }
      return out;
    case kb::RecoveryPossible::kNo:
      out.push_back({MessageId::kRecoveryImpossible, {}});
      return out;
    case kb::RecoveryPossible::kUnknown:
      if (decryptor_available && !decryptor.empty()) {
        out.push_back({MessageId::kRecoveryUnknownWithDecryptor,
                       {{"decryptor", std::string(decryptor)}}});
        for (const std::string& need : needs) {
          out.push_back({MessageId::kRecoveryNeed, {{"need", need}}});
        }
        return out;
      }
      break;
  }
  out.push_back({MessageId::kRecoveryUnknown, {}});
  return out;
}

bool RecoveryOffered(kb::RecoveryPossible recovery, bool decryptor_available) {
  return decryptor_available && (recovery == kb::RecoveryPossible::kYes ||
                                 recovery == kb::RecoveryPossible::kPartial);
}

std::vector<Message> RecoveryAdvice(const Candidate& candidate,
                                    bool decryptor_available) {
  return RecoveryAdvice(candidate.recovery, candidate.decryptor,
                        candidate.needs, decryptor_available);
}

Message EvidenceOrigin(const Candidate& candidate,
                       const std::set<std::string>& note_sources) {
  std::vector<std::string> notes;
  std::set<std::string> files;
  bool names_only = true;
  for (const Evidence& e : candidate.evidence) {
    if (note_sources.count(e.source) > 0) {
      if (std::find(notes.begin(), notes.end(), e.source) == notes.end()) {
        notes.push_back(e.source);
      }
      continue;
    }
    if (e.source.empty()) continue;
    files.insert(e.source);
    if (e.kind != EvidenceKind::kExtension &&
        e.kind != EvidenceKind::kFilenamePattern) {
      names_only = false;
    }
  }
  if (notes.empty()) {
    if (files.size() == 1) {
      return {names_only ? MessageId::kOriginFileName : MessageId::kOriginFile,
              {{"file", *files.begin()}}};
    }
    return {names_only && !files.empty() ? MessageId::kOriginFolderNames
                                         : MessageId::kOriginFolder,
            {}};
  }
  std::string shown;
  for (std::size_t i = 0; i < notes.size() && i < 2; ++i) {
    shown += (i == 0 ? "" : ", ") + notes[i];
  }
  std::vector<MessageArg> args = {
      {"notes", std::move(shown)},
      {"more",
       static_cast<std::int64_t>(notes.size() > 2 ? notes.size() - 2 : 0)}};
  if (files.empty()) return {MessageId::kOriginNotes, std::move(args)};
  if (files.size() == 1) {
    args.push_back({"file", *files.begin()});
    return {names_only ? MessageId::kOriginNotesAndFileName
                       : MessageId::kOriginNotesAndFile,
            std::move(args)};
  }
  return {names_only ? MessageId::kOriginNotesAndFolderNames
                     : MessageId::kOriginNotesAndFolder,
          std::move(args)};
}

}  // namespace kintsugi::identify
