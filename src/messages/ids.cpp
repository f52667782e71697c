// Each message id's stable name and argument names (kintsugi/message.h).
// The names reach JSON and the portal's catalogs: never change one.

#include <algorithm>
#include <array>

#include "kintsugi/message.h"

namespace kintsugi {
namespace {

struct IdInfo {
  MessageId id;
  std::string_view name;
  std::span<const std::string_view> args;
};

// Argument lists shared by several ids.
constexpr std::string_view kPattern[] = {"pattern", "rule", "strength", "file",
                                         "line"};
constexpr std::string_view kName[] = {"name", "rule", "strength", "file",
                                      "line"};
constexpr std::string_view kVictimId[] = {"id", "rule", "strength", "file",
                                          "line"};
constexpr std::string_view kMarker[] = {"marker", "rule", "strength", "file",
                                        "line"};
constexpr std::string_view kSize[] = {"size", "rule", "strength", "file",
                                      "line"};
constexpr std::string_view kSizeModulo[] = {
    "size", "modulus", "remainder", "rule", "strength", "file", "line"};
constexpr std::string_view kSizeFooter[] = {"size",     "footer", "rule",
                                            "strength", "file",   "line"};
constexpr std::string_view kSizeModuloFooter[] = {
    "size", "modulus",  "remainder", "footer",
    "rule", "strength", "file",      "line"};
constexpr std::string_view kContact[] = {"kind", "contact", "families"};
constexpr std::string_view kSimilarity[] = {"percent", "shared"};
constexpr std::string_view kFamilyName[] = {"name"};
constexpr std::string_view kYara[] = {"rule"};
constexpr std::string_view kNote[] = {"encoding", "size"};
constexpr std::string_view kFile[] = {"size", "entropy"};
constexpr std::string_view kCandidate[] = {"name", "family", "score"};
constexpr std::string_view kNames[] = {"names"};
constexpr std::string_view kDecryptor[] = {"decryptor"};
constexpr std::string_view kNeed[] = {"need"};
constexpr std::string_view kOriginFile[] = {"file"};
constexpr std::string_view kOriginNotes[] = {"notes", "more"};
constexpr std::string_view kOriginNotesFile[] = {"notes", "more", "file"};

constexpr std::span<const std::string_view> kNoArgs{};

constexpr std::array<IdInfo, static_cast<std::size_t>(MessageId::kCount)> kIds{{
    {MessageId::kEvidenceExtension, "evidence.extension", kPattern},
    {MessageId::kEvidenceFilenamePattern, "evidence.filename_pattern", kName},
    {MessageId::kEvidenceNoteName, "evidence.note_name", kName},
    {MessageId::kEvidenceNotePhrase, "evidence.note_phrase", kPattern},
    {MessageId::kEvidenceNoteRegex, "evidence.note_regex", kPattern},
    {MessageId::kEvidenceVictimId, "evidence.victim_id", kVictimId},
    {MessageId::kEvidenceMarkerHead, "evidence.marker_head", kMarker},
    {MessageId::kEvidenceMarkerTail, "evidence.marker_tail", kMarker},
    {MessageId::kEvidenceSize, "evidence.size", kSize},
    {MessageId::kEvidenceSizeModulo, "evidence.size_modulo", kSizeModulo},
    {MessageId::kEvidenceSizeFooter, "evidence.size_footer", kSizeFooter},
    {MessageId::kEvidenceSizeModuloFooter, "evidence.size_modulo_footer",
     kSizeModuloFooter},
    {MessageId::kEvidenceContact, "evidence.contact", kContact},
    {MessageId::kEvidenceContactShared, "evidence.contact_shared", kContact},
    {MessageId::kEvidenceSimilarity, "evidence.similarity", kSimilarity},
    {MessageId::kEvidenceNamesFamily, "evidence.names_family", kFamilyName},
    {MessageId::kEvidenceYara, "evidence.yara", kYara},
    {MessageId::kInputNote, "input.note", kNote},
    {MessageId::kInputNoteHtml, "input.note_html", kNote},
    {MessageId::kInputNoteRtf, "input.note_rtf", kNote},
    {MessageId::kInputNotANote, "input.not_a_note", kNote},
    {MessageId::kInputEncryptedFile, "input.encrypted_file", kFile},
    {MessageId::kInputOtherFile, "input.other_file", kFile},
    {MessageId::kInputFileName, "input.file_name", kNoArgs},
    {MessageId::kInputContact, "input.contact", kNoArgs},
    {MessageId::kVerdictIdentified, "verdict.identified", kCandidate},
    {MessageId::kVerdictAmbiguous, "verdict.ambiguous", kNames},
    {MessageId::kVerdictAmbiguousRelated, "verdict.ambiguous_related", kNames},
    {MessageId::kVerdictAmbiguousWeak, "verdict.ambiguous_weak", kCandidate},
    {MessageId::kVerdictUnknown, "verdict.unknown", kNoArgs},
    {MessageId::kRecoveryAvailable, "recovery.available", kDecryptor},
    {MessageId::kRecoveryAvailableInPart, "recovery.available_in_part",
     kDecryptor},
    {MessageId::kRecoveryNotBuilt, "recovery.not_built", kDecryptor},
    {MessageId::kRecoveryNotBuiltInPart, "recovery.not_built_in_part",
     kDecryptor},
    {MessageId::kRecoveryNoDecryptor, "recovery.no_decryptor", kNoArgs},
    {MessageId::kRecoveryNoDecryptorInPart, "recovery.no_decryptor_in_part",
     kNoArgs},
    {MessageId::kRecoveryImpossible, "recovery.impossible", kNoArgs},
    {MessageId::kRecoveryUnknown, "recovery.unknown", kNoArgs},
    {MessageId::kRecoveryNeed, "recovery.need", kNeed},
    {MessageId::kOriginFolder, "origin.folder", kNoArgs},
    {MessageId::kOriginFolderNames, "origin.folder_names", kNoArgs},
    {MessageId::kOriginFile, "origin.file", kOriginFile},
    {MessageId::kOriginFileName, "origin.file_name", kOriginFile},
    {MessageId::kOriginNotes, "origin.notes", kOriginNotes},
    {MessageId::kOriginNotesAndFolder, "origin.notes_and_folder", kOriginNotes},
    {MessageId::kOriginNotesAndFolderNames, "origin.notes_and_folder_names",
     kOriginNotes},
    {MessageId::kOriginNotesAndFile, "origin.notes_and_file", kOriginNotesFile},
    {MessageId::kOriginNotesAndFileName, "origin.notes_and_file_name",
     kOriginNotesFile},
}};

// The table is in enum order, so an id is its own index.
constexpr bool InEnumOrder() {
  for (std::size_t i = 0; i < kIds.size(); ++i) {
    if (static_cast<std::size_t>(kIds[i].id) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kIds must list every MessageId in enum order");

}  // namespace

std::string_view MessageIdName(MessageId id) {
  const auto index = static_cast<std::size_t>(id);
  return index < kIds.size() ? kIds[index].name : std::string_view();
}

std::span<const std::string_view> MessageIdArgs(MessageId id) {
  const auto index = static_cast<std::size_t>(id);
  return index < kIds.size() ? kIds[index].args
                             : std::span<const std::string_view>();
}

bool HasDeclaredArgs(const Message& message) {
  const auto declared = MessageIdArgs(message.id);
  if (MessageIdName(message.id).empty() ||
      declared.size() != message.args.size()) {
    return false;
  }
  for (const std::string_view name : declared) {
    const auto count =
        std::count_if(message.args.begin(), message.args.end(),
                      [&](const MessageArg& arg) { return arg.name == name; });
    if (count != 1) return false;
  }
  return true;
}

}  // namespace kintsugi
