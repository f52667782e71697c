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
constexpr std::string_view kLayout[] = {"fields", "rule", "strength", "file",
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
// `kintsugi keys`.
constexpr std::string_view kDbArgs[] = {"db"};
constexpr std::string_view kDbDetailArgs[] = {"db", "detail"};
constexpr std::string_view kDbCodeDetailArgs[] = {"db", "code", "detail"};
constexpr std::string_view kKeysImportedArgs[] = {"count", "file", "db"};
// Why the best candidate won (identify).
constexpr std::string_view kVerdictWhyArgs[] = {"name", "other", "evidence"};
constexpr std::string_view kVerdictWhyStrongerArgs[] = {"name", "other",
                                                        "evidence", "rival"};
constexpr std::string_view kVerdictGroupArgs[] = {"group", "members", "name",
                                                  "evidence"};
constexpr std::string_view kOnionNamesFamilyArgs[] = {"onion", "name"};
constexpr std::string_view kCountFamiliesArgs[] = {"count", "families"};
constexpr std::string_view kKeysRejectedArgs[] = {"file", "rejected",
                                                  "records"};
constexpr std::string_view kFileCountArgs[] = {"file", "count"};
constexpr std::string_view kKeysExportedArgs[] = {"count", "db", "out"};
constexpr std::string_view kDbCountArgs[] = {"db", "count"};
constexpr std::string_view kOpenedArgs[] = {"opened"};
constexpr std::string_view kColumnArgs[] = {"column"};
constexpr std::string_view kWidthArgs[] = {"fields", "columns"};
constexpr std::string_view kNumberArgs[] = {"number"};
constexpr std::string_view kPartialArgs[] = {"recovered", "size", "lost",
                                             "ranges", "more"};
// Chimera (recovery-schemes-2.md §3.6).
constexpr std::string_view kChimeraCountArgs[] = {"count"};
constexpr std::string_view kChimeraKeyFitsArgs[] = {"fingerprint", "source"};
constexpr std::string_view kChimeraKeyReportedArgs[] = {"fingerprint", "files"};
constexpr std::string_view kDryRunPartialArgs[] = {"output", "recovered",
                                                   "size"};
constexpr std::string_view kVersionMagicArgs[] = {"version", "magic"};
constexpr std::string_view kVersionArgs[] = {"version"};
constexpr std::string_view kScannedLimitArgs[] = {"scanned", "limit"};
constexpr std::string_view kCounterArgs[] = {"counter"};
constexpr std::string_view kPetyaRedKeyArgs[] = {"key"};
constexpr std::string_view kPetyaRedTestedArgs[] = {"tested"};
constexpr std::string_view kSourceKindArgs[] = {"source", "kind"};
constexpr std::string_view kSourceJudgedArgs[] = {"source", "joins", "judged"};
constexpr std::string_view kOffsetArgs[] = {"offset"};
constexpr std::string_view kKeystreamSourceArgs[] = {"keystream", "source"};
constexpr std::string_view kMisfitsCheckedSourceArgs[] = {"misfits", "checked",
                                                          "source"};
constexpr std::string_view kFamilyArgs[] = {"family"};
constexpr std::string_view kHiveTableArgs[] = {"table"};
constexpr std::string_view kHiveNotCoveredArgs[] = {"table", "bytes"};
constexpr std::string_view kHiveTooManyArgs[] = {"table", "tables"};
constexpr std::string_view kHiveSolvedArgs[] = {"table", "pairs", "headers",
                                                "variant", "details"};
constexpr std::string_view kHiveVariantArgs[] = {"variant"};
constexpr std::string_view kHiveFitsArgs[] = {
    "variant", "confirmed",       "dropped",
    "other",   "other_confirmed", "other_dropped"};
constexpr std::string_view kHiveUndecidedArgs[] = {
    "v3_confirmed", "v3_dropped", "v4_confirmed", "v4_dropped"};
constexpr std::string_view kHiveDroppedArgs[] = {"count", "first"};
constexpr std::string_view kHiveLimitArgs[] = {"limit"};
constexpr std::string_view kFamilyKeyTypeArgs[] = {"family", "types", "type"};
constexpr std::string_view kFamilyRsaArgs[] = {"family", "bits", "given"};
constexpr std::string_view kFamilyKindArgs[] = {"family", "kind", "given"};
constexpr std::string_view kFamilyFormatArgs[] = {"family", "format"};
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

constexpr std::string_view kNameOriginArgs[] = {"name", "origin"};
constexpr std::string_view kNameOriginDecryptorArgs[] = {"name", "origin",
                                                         "decryptor"};
constexpr std::string_view kErrorArgs[] = {"error"};
constexpr std::string_view kKindArgs[] = {"kind"};
constexpr std::string_view kNameFamilyOriginAdviceArgs[] = {"name", "family",
                                                            "origin", "advice"};
constexpr std::string_view kOutputArgs[] = {"output"};
constexpr std::string_view kOutputReasonArgs[] = {"output", "reason"};
constexpr std::string_view kReasonArgs[] = {"reason"};
constexpr std::string_view kDetailArgs[] = {"detail"};
constexpr std::string_view kSourceSizeArgs[] = {"source", "size"};
constexpr std::string_view kPairInconsistentArgs[] = {"pair", "length", "count",
                                                      "offsets"};
constexpr std::string_view kPairContradictedArgs[] = {"pair", "file", "count",
                                                      "offsets"};
constexpr std::string_view kSizeArgs[] = {"size"};
constexpr std::string_view kFilesKindsArgs[] = {"files", "kinds"};
constexpr std::string_view kFilesKindsCoverageRestArgs[] = {"files", "kinds",
                                                            "coverage", "rest"};
constexpr std::string_view kLengthsArgs[] = {"lengths"};
constexpr std::string_view kFilesKindsPeriodArgs[] = {"files", "kinds",
                                                      "period"};
constexpr std::string_view kKeyDoesNotFitArgs[] = {"source", "kind", "count",
                                                   "offsets"};
constexpr std::string_view kDetailChoiceArgs[] = {"detail", "choice"};
constexpr std::string_view kDetailWarningArgs[] = {"detail", "warning"};
constexpr std::string_view kTempErrorArgs[] = {"temp", "error"};
constexpr std::string_view kOutputErrorArgs[] = {"output", "error"};
constexpr std::string_view kRegionLengthArgs[] = {"region", "length"};
constexpr std::string_view kRegionLengthHowArgs[] = {"region", "length", "how"};
constexpr std::string_view kFilesArgs[] = {"files"};
constexpr std::string_view kRegionPeriodArgs[] = {"region", "period"};
constexpr std::string_view kNameExtensionArgs[] = {"name", "extension"};
constexpr std::string_view kListArgs[] = {"list"};
constexpr std::string_view kReasonVariantArgs[] = {"reason", "variant"};
constexpr std::string_view kReasonKindArgs[] = {"reason", "kind"};

constexpr std::string_view kIdArgs[] = {"id"};
constexpr std::string_view kIdExtensionsArgs[] = {"id", "extensions"};
constexpr std::string_view kIdCountArgs[] = {"id", "count"};
constexpr std::string_view kIdErrorArgs[] = {"id", "error"};
constexpr std::string_view kSeedNotFoundArgs[] = {
    "first", "last", "covered_first", "covered_last"};
constexpr std::string_view kSeedSearchPlanArgs[] = {
    "seeds",   "first",   "last", "center",
    "variant", "minutes", "rate", "workers"};
constexpr std::string_view kSeedShardEmptyArgs[] = {"shard", "first", "last"};
constexpr std::string_view kHiddenTearFoundArgs[] = {"seed", "variant",
                                                     "password"};
constexpr std::string_view kPublicKeyArgs[] = {"public_key"};
constexpr std::string_view kCountPublicKeyArgs[] = {"count", "public_key"};
constexpr std::string_view kBabukWindowsInnerArgs[] = {"count", "public_key",
                                                       "layer"};
constexpr std::string_view kBabukWindowsLayersArgs[] = {"layers"};
constexpr std::string_view kBabukWindowsKeyArgs[] = {"layers", "encrypted",
                                                     "size", "pattern"};

constexpr std::string_view kDetailKeyArgs[] = {"detail", "key"};
constexpr std::string_view kLinuxEncoderFileKeyArgs[] = {
    "seed", "time", "index", "key", "key_hex", "iv"};
constexpr std::string_view kLinuxEncoderSeedFoundArgs[] = {
    "seed", "time", "file", "index", "pairs", "iv"};
constexpr std::string_view kLinuxEncoderPlanArgs[] = {
    "seeds", "first",    "last", "center", "pairs",
    "file",  "duration", "rate", "workers"};
constexpr std::string_view kLinuxEncoderNotFoundArgs[] = {
    "first",        "last",       "covered_first", "covered_last",
    "covered_from", "covered_to", "pairs",         "file"};
constexpr std::string_view kLinuxEncoderMisfitArgs[] = {"seed", "index",
                                                        "file"};
constexpr std::string_view kSeedsPairsArgs[] = {"seeds", "pairs"};
constexpr std::string_view kReasonBlobArgs[] = {"reason", "blob"};
constexpr std::string_view kRecoverSeedClockPlanArgs[] = {
    "seeds", "first",   "last", "center", "variant",
    "keys",  "minutes", "rate", "workers"};
constexpr std::string_view kRecoverSeedClockNotFoundArgs[] = {
    "first", "last", "covered_first", "covered_last", "from", "to", "keys"};
constexpr std::string_view kRecoverGivenKeyNoHeaderArgs[] = {"kind"};
constexpr std::string_view kRecoverDmaLockerTooShortArgs[] = {"size"};
constexpr std::string_view kRecoverDmaLockerKeyArgs[] = {
    "seed", "time", "generator", "index", "key"};
constexpr std::string_view kRecoverDmaLockerSeedFoundArgs[] = {
    "seed", "time", "generator", "index", "sample"};
constexpr std::string_view kRecoverDmaLockerNotInStreamArgs[] = {
    "seed", "generator", "keys"};
constexpr std::string_view kRecoverDmaLockerUncheckableArgs[] = {"seed",
                                                                 "generator"};

constexpr std::string_view kRecoverPrincessLockerIdNotFoundArgs[] = {
    "id", "first", "last", "from", "to"};
constexpr std::string_view kRecoverPrincessLockerKeyNotFoundArgs[] = {
    "id", "id_seeds", "window"};
constexpr std::string_view kRecoverPrincessLockerKeyNoFitArgs[] = {"kind"};
constexpr std::string_view kRecoverPrincessLockerKeyArgs[] = {
    "seed", "time", "length", "hashing", "padding", "key"};
constexpr std::string_view kRecoverPrincessLockerKeyFoundArgs[] = {
    "seed", "time", "string", "length", "hashing"};

// `kintsugi scan`'s summary.
constexpr std::string_view kScanArgsSummaryEncrypted[] = {"encrypted", "files",
                                                          "families"};
constexpr std::string_view kScanArgsSummaryNone[] = {"files"};
constexpr std::string_view kScanArgsRecoverableNow[] = {"files"};
constexpr std::string_view kScanArgsNotes[] = {"notes", "paths"};
constexpr std::string_view kScanArgsSuspicious[] = {"files"};
constexpr std::string_view kScanArgsTimeline[] = {"first", "last", "rate"};
constexpr std::string_view kScanArgsFamily[] = {
    "family", "files", "notes", "decryptor", "strategy", "recoverable"};
constexpr std::string_view kScanArgsFamilyNoDecryptor[] = {"family", "files",
                                                           "notes"};
constexpr std::string_view kScanArgsFamilyNeeds[] = {"needs"};
constexpr std::string_view kScanArgsFamilyCampaigns[] = {"ids"};
constexpr std::string_view kScanArgsErrors[] = {"errors", "path", "error"};
constexpr std::string_view kScanArgsLeftOut[] = {"symlinks", "excluded",
                                                 "other"};
// The scan's HTML report.
constexpr std::string_view kScanReportBadFieldArgs[] = {"field", "expected"};
constexpr std::string_view kScanReportBadJsonArgs[] = {"error"};
constexpr std::string_view kScanReportScannedRootsArgs[] = {"roots"};
constexpr std::string_view kScanReportScannedImageArgs[] = {"image"};
constexpr std::string_view kScanReportKbVersionArgs[] = {"version"};
constexpr std::string_view kScanReportGeneratedArgs[] = {"time"};
constexpr std::string_view kScanReportAnswerEncryptedArgs[] = {"count", "files",
                                                               "families"};
constexpr std::string_view kScanReportAnswerNoneArgs[] = {"files"};
constexpr std::string_view kScanReportAnswerRecoverableArgs[] = {"count"};
constexpr std::string_view kScanReportAnswerFamilyArgs[] = {
    "family", "files", "recoverable", "decryptor"};
constexpr std::string_view kScanReportAnswerFamilyNoDecryptorArgs[] = {"family",
                                                                       "files"};
constexpr std::string_view kScanReportAnswerNeedsArgs[] = {"needs"};
constexpr std::string_view kScanReportAnswerNotesArgs[] = {"count"};
constexpr std::string_view kScanReportAnswerSuspiciousArgs[] = {"count"};
constexpr std::string_view kScanReportAnswerWindowArgs[] = {"first", "last"};
constexpr std::string_view kScanReportAnswerErrorsArgs[] = {"count"};
constexpr std::string_view kScanReportMoreRowsArgs[] = {"count"};
// TeslaCrypt.
constexpr std::string_view kTeslaCryptVersionArgs[] = {"version"};
constexpr std::string_view kTeslaCryptCountArgs[] = {"count"};
constexpr std::string_view kScanReportChartTimelineArgs[] = {"minutes"};
constexpr std::string_view kScanReportChartMoreArgs[] = {"count"};
constexpr std::string_view kScanReportTimelineRangeArgs[] = {"first", "last"};

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
    {MessageId::kRecoverChoiceIdentified, "recover.choice_identified",
     kNameOriginArgs},
    {MessageId::kRecoverChoicePossibly, "recover.choice_possibly",
     kNameOriginArgs},
    {MessageId::kRecoverChoiceOverruled, "recover.choice_overruled",
     kNameOriginDecryptorArgs},
    {MessageId::kRecoverChoiceOverruledPossibly,
     "recover.choice_overruled_possibly", kNameOriginDecryptorArgs},
    {MessageId::kRecoverCannotRead, "recover.cannot_read", kErrorArgs},
    {MessageId::kRecoverNotRegular, "recover.not_regular", kNoArgs},
    {MessageId::kRecoverFolderVisited, "recover.folder_visited", kNoArgs},
    {MessageId::kRecoverTooDeep, "recover.too_deep", kNoArgs},
    {MessageId::kRecoverCannotList, "recover.cannot_list", kErrorArgs},
    {MessageId::kRecoverBadSymlink, "recover.bad_symlink", kErrorArgs},
    {MessageId::kRecoverAlreadyDone, "recover.already_done", kNoArgs},
    {MessageId::kRecoverCannotOpen, "recover.cannot_open", kErrorArgs},
    {MessageId::kRecoverEmptyFile, "recover.empty_file", kNoArgs},
    {MessageId::kRecoverShrank, "recover.shrank", kNoArgs},
    {MessageId::kRecoverOrdinaryFile, "recover.ordinary_file", kKindArgs},
    {MessageId::kRecoverNoDecryptorOrdinary, "recover.no_decryptor_ordinary",
     kKindArgs},
    {MessageId::kRecoverIdentifiedNotBuilt, "recover.identified_not_built",
     kNameFamilyOriginAdviceArgs},
    {MessageId::kRecoverIdentifiedNoFit, "recover.identified_no_fit",
     kNameOriginArgs},
    {MessageId::kRecoverNoDecryptor, "recover.no_decryptor", kNoArgs},
    {MessageId::kRecoverCannotStart, "recover.cannot_start", kErrorArgs},
    {MessageId::kRecoverDecryptionFailed, "recover.decryption_failed",
     kErrorArgs},
    {MessageId::kRecoverDamaged, "recover.damaged", kErrorArgs},
    {MessageId::kRecoverWriteFailed, "recover.write_failed", kErrorArgs},
    {MessageId::kRecoverDryRunSame, "recover.dry_run_same", kNoArgs},
    {MessageId::kRecoverDryRunWrite, "recover.dry_run_write", kOutputArgs},
    {MessageId::kRecoverDryRunWriteUnverified,
     "recover.dry_run_write_unverified", kOutputReasonArgs},
    {MessageId::kRecoverDryRunNotKept, "recover.dry_run_not_kept", kReasonArgs},
    {MessageId::kRecoverCannotCreateFolder, "recover.cannot_create_folder",
     kErrorArgs},
    {MessageId::kRecoverCannotJournal, "recover.cannot_journal", kErrorArgs},
    {MessageId::kRecoverCannotCreateOutput, "recover.cannot_create_output",
     kErrorArgs},
    {MessageId::kRecoverNotKept, "recover.not_kept", kReasonArgs},
    {MessageId::kRecoverSameContent, "recover.same_content", kNoArgs},
    {MessageId::kRecoverNoFreeName, "recover.no_free_name", kNoArgs},
    {MessageId::kRecoverCannotPlace, "recover.cannot_place", kErrorArgs},
    {MessageId::kRecoverVerified, "recover.verified", kNoArgs},
    {MessageId::kRecoverUnverified, "recover.unverified", kReasonArgs},
    {MessageId::kRecoverVerifiedEmpty, "recover.verified_empty", kNoArgs},
    {MessageId::kRecoverIoError, "recover.io_error", kErrorArgs},
    {MessageId::kRecoverWithChoice, "recover.with_choice", kDetailChoiceArgs},
    {MessageId::kRecoverWithWarning, "recover.with_warning",
     kDetailWarningArgs},
    {MessageId::kRecoverTempLeft, "recover.temp_left", kTempErrorArgs},
    {MessageId::kRecoverDecryptorDetail, "recover.decryptor_detail",
     kDetailArgs},
    {MessageId::kRecoverPseudoFileSystem, "recover.pseudo_file_system",
     kNoArgs},
    {MessageId::kRecoverNameShortened, "recover.name_shortened", kFamilyName},
    {MessageId::kRecoverFileIdentifiedNotBuilt,
     "recover.file_identified_not_built", kNameFamilyOriginAdviceArgs},
    {MessageId::kRecoverKeyFitsTruncated, "recover.key_fits_truncated",
     kSourceSizeArgs},
    {MessageId::kRecoverGivenKeyNoFit, "recover.given_key_no_fit", kNoArgs},
    {MessageId::kRecoverPairInconsistent, "recover.pair_inconsistent",
     kPairInconsistentArgs},
    {MessageId::kRecoverPairContradicted, "recover.pair_contradicted",
     kPairContradictedArgs},
    {MessageId::kRecoverKeyDoesNotFit, "recover.key_does_not_fit",
     kKeyDoesNotFitArgs},
    {MessageId::kRecoverJigsawTooLarge, "recover.jigsaw_too_large", kNoArgs},
    {MessageId::kRecoverJigsawNotWholeBlocks, "recover.jigsaw_not_whole_blocks",
     kSizeArgs},
    {MessageId::kRecoverJigsawNoKey, "recover.jigsaw_no_key", kNoArgs},
    {MessageId::kRecoverNemucodSevenZip, "recover.nemucod_seven_zip", kNoArgs},
    {MessageId::kRecoverNemucodNeedsPair, "recover.nemucod_needs_pair",
     kNoArgs},
    {MessageId::kRecoverNemucodNoKnownHeaders,
     "recover.nemucod_no_known_headers", kNoArgs},
    {MessageId::kRecoverNemucodHeadersConflict,
     "recover.nemucod_headers_conflict", kFilesKindsArgs},
    {MessageId::kRecoverNemucodHeadersPartial,
     "recover.nemucod_headers_partial", kFilesKindsCoverageRestArgs},
    {MessageId::kRecoverNemucodLengthsMisfit, "recover.nemucod_lengths_misfit",
     kLengthsArgs},
    {MessageId::kRecoverNemucodHeaderCheckFailed,
     "recover.nemucod_header_check_failed", kNoArgs},
    {MessageId::kRecoverNemucodGivePair, "recover.nemucod_give_pair", kNoArgs},
    {MessageId::kRecoverNemucodRegionDisputed,
     "recover.nemucod_region_disputed", kFilesKindsPeriodArgs},
    {MessageId::kRecoverNemucodRegionUnknown, "recover.nemucod_region_unknown",
     kFilesKindsPeriodArgs},
    {MessageId::kRecoverEarlierOutputChanged, "recover.earlier_output_changed",
     kOutputArgs},
    {MessageId::kRecoverEarlierOutputMissing, "recover.earlier_output_missing",
     kOutputArgs},
    {MessageId::kRecoverEarlierOutputUnchecked,
     "recover.earlier_output_unchecked", kOutputArgs},
    {MessageId::kRecoverEarlierOutputUnreadable,
     "recover.earlier_output_unreadable", kOutputErrorArgs},
    {MessageId::kRecoverNemucodKeyFromPair, "recover.nemucod_key_from_pair",
     kRegionLengthArgs},
    {MessageId::kRecoverNemucodKeyFromHeaders,
     "recover.nemucod_key_from_headers", kRegionLengthHowArgs},
    {MessageId::kRecoverNemucodRegionTold, "recover.nemucod_region_told",
     kFilesArgs},
    {MessageId::kRecoverNemucodRegionIrrelevant,
     "recover.nemucod_region_irrelevant", kNoArgs},
    {MessageId::kRecoverNemucodRegionAssumed, "recover.nemucod_region_assumed",
     kRegionPeriodArgs},
    {MessageId::kRecoverProbeExtension, "recover.probe_extension",
     kNameExtensionArgs},
    {MessageId::kRecoverProbeListed, "recover.probe_listed", kListArgs},
    {MessageId::kRecoverProbeForced, "recover.probe_forced", kDecryptor},
    {MessageId::kRecoverProbeNotWholeBlocks, "recover.probe_not_whole_blocks",
     kReasonArgs},
    {MessageId::kRecoverProbeValidPadding, "recover.probe_valid_padding",
     kReasonVariantArgs},
    {MessageId::kRecoverProbeHeaderFits, "recover.probe_header_fits",
     kReasonKindArgs},
    {MessageId::kDecryptorNemucodNeeds, "decryptor.nemucod_needs", kNoArgs},
    {MessageId::kRecoverStopDjvuNoFooter, "recover.stop_djvu_no_footer",
     kSizeArgs},
    {MessageId::kRecoverStopDjvuIdDamaged, "recover.stop_djvu_id_damaged",
     kNoArgs},
    {MessageId::kRecoverStopDjvuNoKeyKnownOffline,
     "recover.stop_djvu_no_key_known_offline", kIdExtensionsArgs},
    {MessageId::kRecoverStopDjvuNoKeyOfflineLike,
     "recover.stop_djvu_no_key_offline_like", kIdArgs},
    {MessageId::kRecoverStopDjvuNoKeyOnline, "recover.stop_djvu_no_key_online",
     kIdArgs},
    {MessageId::kRecoverStopDjvuKeysNoFit, "recover.stop_djvu_keys_no_fit",
     kIdCountArgs},
    {MessageId::kRecoverStopDjvuLookupFailed, "recover.stop_djvu_lookup_failed",
     kIdErrorArgs},
    {MessageId::kRecoverProbeStopDjvuMarker, "recover.probe_stop_djvu_marker",
     kNoArgs},
    {MessageId::kRecoverProbeStopDjvuExtensionNoFooter,
     "recover.probe_stop_djvu_extension_no_footer", kNoArgs},
    {MessageId::kRecoverProbeStopDjvuForcedNoFooter,
     "recover.probe_stop_djvu_forced_no_footer", kNoArgs},
    {MessageId::kDecryptorStopDjvuNeeds, "decryptor.stop_djvu_needs", kNoArgs},
    {MessageId::kRecoverHiddenTearSearchNeeded,
     "recover.hidden_tear_search_needed", kNoArgs},
    {MessageId::kRecoverHiddenTearNoSample, "recover.hidden_tear_no_sample",
     kNoArgs},
    {MessageId::kRecoverSeedNotFound, "recover.seed_not_found",
     kSeedNotFoundArgs},
    {MessageId::kRecoverHiddenTearKeyFound, "recover.hidden_tear_key_found",
     kHiddenTearFoundArgs},
    {MessageId::kDecryptorHiddenTearNeeds, "decryptor.hidden_tear_needs",
     kNoArgs},
    {MessageId::kRecoverBabukNoFooter, "recover.babuk_no_footer", kSizeArgs},
    {MessageId::kRecoverBabukEsxiTooShort, "recover.babuk_esxi_too_short",
     kSizeArgs},
    {MessageId::kRecoverBabukBadPublicKey, "recover.babuk_bad_public_key",
     kPublicKeyArgs},
    {MessageId::kRecoverBabukNoKeys, "recover.babuk_no_keys", kPublicKeyArgs},
    {MessageId::kRecoverBabukKeysNoFit, "recover.babuk_keys_no_fit",
     kCountPublicKeyArgs},
    {MessageId::kRecoverBabukLookupFailed, "recover.babuk_lookup_failed",
     kErrorArgs},
    {MessageId::kRecoverProbeBabukNasMarker, "recover.probe_babuk_nas_marker",
     kNoArgs},
    {MessageId::kRecoverProbeBabukNasForcedNoMarker,
     "recover.probe_babuk_nas_forced_no_marker", kNoArgs},
    {MessageId::kRecoverProbeBabukEsxiExtension,
     "recover.probe_babuk_esxi_extension", kNoArgs},
    {MessageId::kRecoverProbeBabukEsxiForced, "recover.probe_babuk_esxi_forced",
     kNoArgs},
    {MessageId::kDecryptorBabukNeeds, "decryptor.babuk_needs", kNoArgs},
    {MessageId::kKeysStoreNotFound, "keys.store_not_found", kDbArgs},
    {MessageId::kKeysStoreNotAStore, "keys.store_not_a_store", kDbDetailArgs},
    {MessageId::kKeysStoreCorrupt, "keys.store_corrupt", kDbDetailArgs},
    {MessageId::kKeysStoreUnsupported, "keys.store_unsupported", kDbDetailArgs},
    {MessageId::kKeysStoreIoError, "keys.store_io_error", kDbDetailArgs},
    {MessageId::kKeysStoreFailed, "keys.store_failed", kDbCodeDetailArgs},
    {MessageId::kKeysImported, "keys.imported", kKeysImportedArgs},
    {MessageId::kKeysNoDecryptor, "keys.no_decryptor", kCountFamiliesArgs},
    {MessageId::kKeysRejected, "keys.rejected", kKeysRejectedArgs},
    {MessageId::kKeysMoreProblems, "keys.more_problems", kFileCountArgs},
    {MessageId::kKeysExported, "keys.exported", kKeysExportedArgs},
    {MessageId::kKeysCounted, "keys.counted", kDbCountArgs},
    {MessageId::kKeysCsvUnclosedQuote, "keys.csv_unclosed_quote", kOpenedArgs},
    {MessageId::kKeysCsvTextAfterQuote, "keys.csv_text_after_quote", kNoArgs},
    {MessageId::kKeysCsvQuoteInField, "keys.csv_quote_in_field", kNoArgs},
    {MessageId::kKeysCsvBareCr, "keys.csv_bare_cr", kNoArgs},
    {MessageId::kKeysCsvNulByte, "keys.csv_nul_byte", kColumnArgs},
    {MessageId::kKeysCsvNotUtf8, "keys.csv_not_utf8", kColumnArgs},
    {MessageId::kKeysCsvWidth, "keys.csv_width", kWidthArgs},
    {MessageId::kKeysCsvUnknownColumn, "keys.csv_unknown_column", kColumnArgs},
    {MessageId::kKeysCsvColumnTwice, "keys.csv_column_twice", kColumnArgs},
    {MessageId::kKeysCsvUnnamedColumn, "keys.csv_unnamed_column", kNumberArgs},
    {MessageId::kKeysCsvHeaderIncomplete, "keys.csv_header_incomplete",
     kNoArgs},
    {MessageId::kKeysUnknownFamily, "keys.unknown_family", kFamilyArgs},
    {MessageId::kKeysFamilyKeyType, "keys.family_key_type", kFamilyKeyTypeArgs},
    {MessageId::kKeysFamilyRsaSize, "keys.family_rsa_size", kFamilyRsaArgs},
    {MessageId::kKeysFamilyNoHandle, "keys.family_no_handle", kFamilyArgs},
    {MessageId::kKeysFamilyHandleKind, "keys.family_handle_kind",
     kFamilyKindArgs},
    {MessageId::kKeysFamilyHandleFormat, "keys.family_handle_format",
     kFamilyFormatArgs},
    {MessageId::kKeysStopDjvuIdFormat, "keys.stop_djvu_id_format", kNoArgs},
    {MessageId::kRecoverSeedSearchPlan, "recover.seed_search_plan",
     kSeedSearchPlanArgs},
    {MessageId::kRecoverSeedShardEmpty, "recover.seed_shard_empty",
     kSeedShardEmptyArgs},
    {MessageId::kVerdictWhy, "verdict.why", kVerdictWhyArgs},
    {MessageId::kVerdictWhyStronger, "verdict.why_stronger",
     kVerdictWhyStrongerArgs},
    {MessageId::kEvidenceOnionNamesFamily, "evidence.onion_names_family",
     kOnionNamesFamilyArgs},
    {MessageId::kEvidenceNamesFamilyInWord, "evidence.names_family_in_word",
     kFamilyName},
    {MessageId::kEvidenceLayoutHead, "evidence.layout_head", kLayout},
    {MessageId::kEvidenceLayoutTail, "evidence.layout_tail", kLayout},
    {MessageId::kVerdictGroupFavours, "verdict.group_favours",
     kVerdictGroupArgs},
    {MessageId::kVerdictGroupUndecided, "verdict.group_undecided",
     kVerdictGroupArgs},
    {MessageId::kRecoverWithKey, "recover.with_key", kDetailKeyArgs},
    {MessageId::kRecoverLinuxEncoderFileKey, "recover.linux_encoder_file_key",
     kLinuxEncoderFileKeyArgs},
    {MessageId::kRecoverLinuxEncoderSeedFound,
     "recover.linux_encoder_seed_found", kLinuxEncoderSeedFoundArgs},
    {MessageId::kRecoverLinuxEncoderSearchPlan,
     "recover.linux_encoder_search_plan", kLinuxEncoderPlanArgs},
    {MessageId::kRecoverLinuxEncoderSeedNotFound,
     "recover.linux_encoder_seed_not_found", kLinuxEncoderNotFoundArgs},
    {MessageId::kRecoverLinuxEncoderKeyMisfit,
     "recover.linux_encoder_key_misfit", kLinuxEncoderMisfitArgs},
    {MessageId::kRecoverLinuxEncoderBadHeader,
     "recover.linux_encoder_bad_header", kSizeArgs},
    {MessageId::kRecoverLinuxEncoderNotInRun,
     "recover.linux_encoder_not_in_run", kSeedsPairsArgs},
    {MessageId::kRecoverProbeLinuxEncoderHeader,
     "recover.probe_linux_encoder_header", kReasonBlobArgs},
    {MessageId::kDecryptorLinuxEncoderNeeds, "decryptor.linux_encoder_needs",
     kNoArgs},
    {MessageId::kRecoverSeedClockPlan, "recover.seed_clock_plan",
     kRecoverSeedClockPlanArgs},
    {MessageId::kRecoverSeedClockNotFound, "recover.seed_clock_not_found",
     kRecoverSeedClockNotFoundArgs},
    {MessageId::kRecoverGivenKeyNoHeader, "recover.given_key_no_header",
     kRecoverGivenKeyNoHeaderArgs},
    {MessageId::kRecoverDmaLockerSearchNeeded,
     "recover.dma_locker_search_needed", kNoArgs},
    {MessageId::kRecoverDmaLockerNoSample, "recover.dma_locker_no_sample",
     kNoArgs},
    {MessageId::kRecoverDmaLockerTooShort, "recover.dma_locker_too_short",
     kRecoverDmaLockerTooShortArgs},
    {MessageId::kRecoverDmaLockerKey, "recover.dma_locker_key",
     kRecoverDmaLockerKeyArgs},
    {MessageId::kRecoverDmaLockerSeedFound, "recover.dma_locker_seed_found",
     kRecoverDmaLockerSeedFoundArgs},
    {MessageId::kRecoverDmaLockerNotInStream,
     "recover.dma_locker_not_in_stream", kRecoverDmaLockerNotInStreamArgs},
    {MessageId::kRecoverDmaLockerUncheckable, "recover.dma_locker_uncheckable",
     kRecoverDmaLockerUncheckableArgs},
    {MessageId::kRecoverProbeDmaLockerMarker, "recover.probe_dma_locker_marker",
     kNoArgs},
    {MessageId::kDecryptorDmaLockerNeeds, "decryptor.dma_locker_needs",
     kNoArgs},
    {MessageId::kRecoverPrincessLockerNoSample,
     "recover.princess_locker_no_sample", kNoArgs},
    {MessageId::kRecoverPrincessLockerIdNotFound,
     "recover.princess_locker_id_not_found",
     kRecoverPrincessLockerIdNotFoundArgs},
    {MessageId::kRecoverPrincessLockerKeyNotFound,
     "recover.princess_locker_key_not_found",
     kRecoverPrincessLockerKeyNotFoundArgs},
    {MessageId::kRecoverPrincessLockerKeyNoFit,
     "recover.princess_locker_key_no_fit", kRecoverPrincessLockerKeyNoFitArgs},
    {MessageId::kRecoverPrincessLockerKey, "recover.princess_locker_key",
     kRecoverPrincessLockerKeyArgs},
    {MessageId::kRecoverPrincessLockerKeyFound,
     "recover.princess_locker_key_found", kRecoverPrincessLockerKeyFoundArgs},
    {MessageId::kDecryptorPrincessLockerNeeds,
     "decryptor.princess_locker_needs", kNoArgs},
    {MessageId::kScanSummaryEncrypted, "scan.summary_encrypted",
     kScanArgsSummaryEncrypted},
    {MessageId::kScanSummaryNone, "scan.summary_none", kScanArgsSummaryNone},
    {MessageId::kScanRecoverableNow, "scan.recoverable_now",
     kScanArgsRecoverableNow},
    {MessageId::kScanNotes, "scan.notes", kScanArgsNotes},
    {MessageId::kScanSuspicious, "scan.suspicious", kScanArgsSuspicious},
    {MessageId::kScanTimeline, "scan.timeline", kScanArgsTimeline},
    {MessageId::kScanFamily, "scan.family", kScanArgsFamily},
    {MessageId::kScanFamilyNoDecryptor, "scan.family_no_decryptor",
     kScanArgsFamilyNoDecryptor},
    {MessageId::kScanFamilyNeeds, "scan.family_needs", kScanArgsFamilyNeeds},
    {MessageId::kScanFamilyCampaigns, "scan.family_campaigns",
     kScanArgsFamilyCampaigns},
    {MessageId::kScanErrors, "scan.errors", kScanArgsErrors},
    {MessageId::kScanLeftOut, "scan.left_out", kScanArgsLeftOut},
    {MessageId::kScanNamesOnly, "scan.names_only", kNoArgs},
    {MessageId::kScanInterrupted, "scan.interrupted", kNoArgs},
    {MessageId::kScanFromScanNothing, "scan.from_scan_nothing", kNoArgs},
    {MessageId::kScanReportBadField, "scan_report.bad_field",
     kScanReportBadFieldArgs},
    {MessageId::kScanReportBadJson, "scan_report.bad_json",
     kScanReportBadJsonArgs},
    {MessageId::kScanReportTitle, "scan_report.title", kNoArgs},
    {MessageId::kScanReportScannedRoots, "scan_report.scanned_roots",
     kScanReportScannedRootsArgs},
    {MessageId::kScanReportScannedImage, "scan_report.scanned_image",
     kScanReportScannedImageArgs},
    {MessageId::kScanReportKbVersion, "scan_report.kb_version",
     kScanReportKbVersionArgs},
    {MessageId::kScanReportGenerated, "scan_report.generated",
     kScanReportGeneratedArgs},
    {MessageId::kScanReportAnswerHeading, "scan_report.answer_heading",
     kNoArgs},
    {MessageId::kScanReportAnswerEncrypted, "scan_report.answer_encrypted",
     kScanReportAnswerEncryptedArgs},
    {MessageId::kScanReportAnswerNone, "scan_report.answer_none",
     kScanReportAnswerNoneArgs},
    {MessageId::kScanReportAnswerRecoverable, "scan_report.answer_recoverable",
     kScanReportAnswerRecoverableArgs},
    {MessageId::kScanReportAnswerFamily, "scan_report.answer_family",
     kScanReportAnswerFamilyArgs},
    {MessageId::kScanReportAnswerFamilyNoDecryptor,
     "scan_report.answer_family_no_decryptor",
     kScanReportAnswerFamilyNoDecryptorArgs},
    {MessageId::kScanReportAnswerNeeds, "scan_report.answer_needs",
     kScanReportAnswerNeedsArgs},
    {MessageId::kScanReportAnswerNotes, "scan_report.answer_notes",
     kScanReportAnswerNotesArgs},
    {MessageId::kScanReportAnswerSuspicious, "scan_report.answer_suspicious",
     kScanReportAnswerSuspiciousArgs},
    {MessageId::kScanReportAnswerWindow, "scan_report.answer_window",
     kScanReportAnswerWindowArgs},
    {MessageId::kScanReportAnswerErrors, "scan_report.answer_errors",
     kScanReportAnswerErrorsArgs},
    {MessageId::kScanReportOverviewHeading, "scan_report.overview_heading",
     kNoArgs},
    {MessageId::kScanReportFamiliesHeading, "scan_report.families_heading",
     kNoArgs},
    {MessageId::kScanReportNotesHeading, "scan_report.notes_heading", kNoArgs},
    {MessageId::kScanReportTimelineHeading, "scan_report.timeline_heading",
     kNoArgs},
    {MessageId::kScanReportErrorsHeading, "scan_report.errors_heading",
     kNoArgs},
    {MessageId::kScanReportFilesHeading, "scan_report.files_heading", kNoArgs},
    {MessageId::kScanReportColumnFamily, "scan_report.column_family", kNoArgs},
    {MessageId::kScanReportColumnFiles, "scan_report.column_files", kNoArgs},
    {MessageId::kScanReportColumnDecryptor, "scan_report.column_decryptor",
     kNoArgs},
    {MessageId::kScanReportColumnRecoverable, "scan_report.column_recoverable",
     kNoArgs},
    {MessageId::kScanReportColumnNeeds, "scan_report.column_needs", kNoArgs},
    {MessageId::kScanReportColumnPath, "scan_report.column_path", kNoArgs},
    {MessageId::kScanReportColumnSize, "scan_report.column_size", kNoArgs},
    {MessageId::kScanReportColumnModified, "scan_report.column_modified",
     kNoArgs},
    {MessageId::kScanReportColumnError, "scan_report.column_error", kNoArgs},
    {MessageId::kScanReportColumnClass, "scan_report.column_class", kNoArgs},
    {MessageId::kScanReportClassEncrypted, "scan_report.class_encrypted",
     kNoArgs},
    {MessageId::kScanReportClassNote, "scan_report.class_note", kNoArgs},
    {MessageId::kScanReportClassSuspicious, "scan_report.class_suspicious",
     kNoArgs},
    {MessageId::kScanReportClassClean, "scan_report.class_clean", kNoArgs},
    {MessageId::kScanReportFilesScanned, "scan_report.files_scanned", kNoArgs},
    {MessageId::kScanReportNoDecryptor, "scan_report.no_decryptor", kNoArgs},
    {MessageId::kScanReportUnknownFamily, "scan_report.unknown_family",
     kNoArgs},
    {MessageId::kScanReportNoExtension, "scan_report.no_extension", kNoArgs},
    {MessageId::kScanReportNothing, "scan_report.nothing", kNoArgs},
    {MessageId::kScanReportMoreRows, "scan_report.more_rows",
     kScanReportMoreRowsArgs},
    {MessageId::kScanReportChartFamilies, "scan_report.chart_families",
     kNoArgs},
    {MessageId::kScanReportChartFolders, "scan_report.chart_folders", kNoArgs},
    {MessageId::kScanReportChartExtensions, "scan_report.chart_extensions",
     kNoArgs},
    {MessageId::kScanReportChartTimeline, "scan_report.chart_timeline",
     kScanReportChartTimelineArgs},
    {MessageId::kScanReportChartMore, "scan_report.chart_more",
     kScanReportChartMoreArgs},
    {MessageId::kScanReportTimelineRange, "scan_report.timeline_range",
     kScanReportTimelineRangeArgs},
    {MessageId::kScanReportNoTimeline, "scan_report.no_timeline", kNoArgs},
    {MessageId::kScanReportFooter, "scan_report.footer", kNoArgs},
    {MessageId::kScanReportNeedKeyInStore, "scan_report.need_key_in_store",
     kNoArgs},
    {MessageId::kScanReportNeedOriginalFile, "scan_report.need_original_file",
     kNoArgs},
    {MessageId::kScanReportNeedSeedSearch, "scan_report.need_seed_search",
     kNoArgs},
    {MessageId::kScanReportColumnIntact, "scan_report.column_intact", kNoArgs},
    {MessageId::kScanReportCancelled, "scan_report.cancelled", kNoArgs},
    {MessageId::kScanReportNamesOnly, "scan_report.names_only", kNoArgs},
    {MessageId::kRecoverPartial, "recover.partial", kPartialArgs},
    {MessageId::kRecoverPartialNotKept, "recover.partial_not_kept",
     kPartialArgs},
    {MessageId::kRecoverDryRunWritePartial, "recover.dry_run_write_partial",
     kDryRunPartialArgs},
    {MessageId::kRecoverNothingRecovered, "recover.nothing_recovered", kNoArgs},
    {MessageId::kScanRecoverablePartly, "scan.recoverable_partly",
     kScanArgsRecoverableNow},
    {MessageId::kRecoverProbeBabukWindowsMarker,
     "recover.probe_babuk_windows_marker", kNoArgs},
    {MessageId::kRecoverBabukWindowsNoFooter, "recover.babuk_windows_no_footer",
     kSizeArgs},
    {MessageId::kRecoverBabukWindowsKeysNoFit,
     "recover.babuk_windows_keys_no_fit", kCountPublicKeyArgs},
    {MessageId::kRecoverBabukWindowsInnerNoFit,
     "recover.babuk_windows_inner_no_fit", kBabukWindowsInnerArgs},
    {MessageId::kRecoverBabukWindowsTooManyLayers,
     "recover.babuk_windows_too_many_layers", kBabukWindowsLayersArgs},
    {MessageId::kRecoverBabukWindowsKey, "recover.babuk_windows_key",
     kBabukWindowsKeyArgs},
    {MessageId::kRecoverBabukWindowsWhole, "recover.babuk_windows_whole",
     kNoArgs},
    {MessageId::kRecoverBabukWindowsFirstTenth,
     "recover.babuk_windows_first_tenth", kNoArgs},
    {MessageId::kRecoverBabukWindowsThreeBlocks,
     "recover.babuk_windows_three_blocks", kNoArgs},
    {MessageId::kRecoverBabukWindowsEveryTenMib,
     "recover.babuk_windows_every_ten_mib", kNoArgs},
    {MessageId::kRecoverProbeBlackBastaFooter,
     "recover.probe_black_basta_footer", kVersionMagicArgs},
    {MessageId::kRecoverBlackBastaOtherVersion,
     "recover.black_basta_other_version", kVersionArgs},
    {MessageId::kRecoverBlackBastaNoBlock, "recover.black_basta_no_block",
     kScannedLimitArgs},
    {MessageId::kRecoverBlackBastaSmall, "recover.black_basta_small", kNoArgs},
    {MessageId::kRecoverBlackBastaSmallPartial,
     "recover.black_basta_small_partial", kNoArgs},
    {MessageId::kRecoverBlackBastaHeadLost, "recover.black_basta_head_lost",
     kNoArgs},
    {MessageId::kRecoverBlackBastaInterrupted,
     "recover.black_basta_interrupted", kCounterArgs},
    {MessageId::kRecoverBlackBastaMagicMisfit,
     "recover.black_basta_magic_misfit", kSourceKindArgs},
    {MessageId::kRecoverBlackBastaBlockMisfit,
     "recover.black_basta_block_misfit", kSourceJudgedArgs},
    {MessageId::kRecoverBlackBastaKnownConflict,
     "recover.black_basta_known_conflict", kOffsetArgs},
    {MessageId::kRecoverBlackBastaKeyFromPair,
     "recover.black_basta_key_from_pair", kNoArgs},
    {MessageId::kDecryptorBlackBastaNeeds, "decryptor.black_basta_needs",
     kNoArgs},
    {MessageId::kDecryptorCryptxxxNeeds, "decryptor.cryptxxx_needs", kNoArgs},
    {MessageId::kRecoverCryptxxxNeedsPair, "recover.cryptxxx_needs_pair",
     kNoArgs},
    {MessageId::kRecoverCryptxxxKeystreamShort,
     "recover.cryptxxx_keystream_short", kKeystreamSourceArgs},
    {MessageId::kRecoverCryptxxxPerFileKeys, "recover.cryptxxx_per_file_keys",
     kMisfitsCheckedSourceArgs},
    {MessageId::kRecoverProbeTeslaCryptHeader,
     "recover.probe_teslacrypt_header", kTeslaCryptVersionArgs},
    {MessageId::kRecoverTeslaCryptBadHeader, "recover.teslacrypt_bad_header",
     kSizeArgs},
    {MessageId::kRecoverTeslaCryptKeysNoFit, "recover.teslacrypt_keys_no_fit",
     kTeslaCryptCountArgs},
    {MessageId::kRecoverTeslaCryptLookupFailed,
     "recover.teslacrypt_lookup_failed", kErrorArgs},
    {MessageId::kRecoverTeslaCryptSessionKeyBad,
     "recover.teslacrypt_session_key_bad", kNoArgs},
    {MessageId::kRecoverTeslaCryptZeroPadding,
     "recover.teslacrypt_zero_padding", kNoArgs},
    {MessageId::kRecoverTeslaCryptNeedsFactoring,
     "recover.teslacrypt_needs_factoring", kTeslaCryptVersionArgs},
    {MessageId::kRecoverTeslaCryptNeedsKeyFile,
     "recover.teslacrypt_needs_key_file", kNoArgs},
    {MessageId::kDecryptorHiveNeeds, "decryptor.hive_needs", kNoArgs},
    {MessageId::kRecoverHiveOldVersion, "recover.hive_old_version", kNoArgs},
    {MessageId::kRecoverHiveNameNotDecoded, "recover.hive_name_not_decoded",
     kNoArgs},
    {MessageId::kRecoverHiveNeedsEvidence, "recover.hive_needs_evidence",
     kHiveTableArgs},
    {MessageId::kRecoverHiveNotCovered, "recover.hive_not_covered",
     kHiveNotCoveredArgs},
    {MessageId::kRecoverHiveTooManyTables, "recover.hive_too_many_tables",
     kHiveTooManyArgs},
    {MessageId::kRecoverHiveTable, "recover.hive_table", kHiveSolvedArgs},
    {MessageId::kRecoverHiveVariantGiven, "recover.hive_variant_given",
     kHiveVariantArgs},
    {MessageId::kRecoverHiveVariantFits, "recover.hive_variant_fits",
     kHiveFitsArgs},
    {MessageId::kRecoverHiveVariantUndecided, "recover.hive_variant_undecided",
     kHiveUndecidedArgs},
    {MessageId::kRecoverHiveDropped, "recover.hive_dropped", kHiveDroppedArgs},
    {MessageId::kRecoverHivePairsCapped, "recover.hive_pairs_capped",
     kHiveLimitArgs},
    {MessageId::kRecoverHiveHeadersCapped, "recover.hive_headers_capped",
     kHiveLimitArgs},
    {MessageId::kRecoveryUnknownWithDecryptor,
     "recovery.unknown_with_decryptor", kDecryptor},
    {MessageId::kRecoverProbeChimeraFooter, "recover.probe_chimera_footer",
     kNoArgs},
    {MessageId::kRecoverChimeraNotFooter, "recover.chimera_not_footer",
     kSizeArgs},
    {MessageId::kRecoverChimeraNoKeys, "recover.chimera_no_keys", kNoArgs},
    {MessageId::kRecoverChimeraKeysNoFit, "recover.chimera_keys_no_fit",
     kChimeraCountArgs},
    {MessageId::kRecoverChimeraKeyFits, "recover.chimera_key_fits",
     kChimeraKeyFitsArgs},
    {MessageId::kRecoverChimeraKeyReported, "recover.chimera_key_reported",
     kChimeraKeyReportedArgs},
    {MessageId::kRecoverChimeraLookupFailed, "recover.chimera_lookup_failed",
     kErrorArgs},
    {MessageId::kDecryptorChimeraNeeds, "decryptor.chimera_needs", kNoArgs},
    {MessageId::kRecoverPetyaRedKeyFound, "recover.petya_red_key_found",
     kPetyaRedKeyArgs},
    {MessageId::kRecoverPetyaRedNotFound, "recover.petya_red_not_found",
     kPetyaRedTestedArgs},
    {MessageId::kRecoverPetyaRedPatternNotFound,
     "recover.petya_red_pattern_not_found", kPetyaRedTestedArgs},
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
