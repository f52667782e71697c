#pragma once

// The argument names of the message ids that ids.cpp lists, shared by
// several ids (kintsugi/message.h). A private part of ids.cpp, apart so that
// neither file grows past the size limit.

#include <string_view>

namespace kintsugi::message_args {

// Argument lists shared by several ids.
inline constexpr std::string_view kPattern[] = {"pattern", "rule", "strength",
                                                "file", "line"};
inline constexpr std::string_view kName[] = {"name", "rule", "strength", "file",
                                             "line"};
inline constexpr std::string_view kVictimId[] = {"id", "rule", "strength",
                                                 "file", "line"};
inline constexpr std::string_view kMarker[] = {"marker", "rule", "strength",
                                               "file", "line"};
inline constexpr std::string_view kLayout[] = {"fields", "rule", "strength",
                                               "file", "line"};
inline constexpr std::string_view kSize[] = {"size", "rule", "strength", "file",
                                             "line"};
inline constexpr std::string_view kSizeModulo[] = {
    "size", "modulus", "remainder", "rule", "strength", "file", "line"};
inline constexpr std::string_view kSizeFooter[] = {
    "size", "footer", "rule", "strength", "file", "line"};
inline constexpr std::string_view kSizeModuloFooter[] = {
    "size", "modulus",  "remainder", "footer",
    "rule", "strength", "file",      "line"};
// `kintsugi keys`.
inline constexpr std::string_view kDbArgs[] = {"db"};
inline constexpr std::string_view kDbDetailArgs[] = {"db", "detail"};
inline constexpr std::string_view kDbCodeDetailArgs[] = {"db", "code",
                                                         "detail"};
inline constexpr std::string_view kKeysImportedArgs[] = {"count", "file", "db"};
// Why the best candidate won (identify).
inline constexpr std::string_view kVerdictWhyArgs[] = {"name", "other",
                                                       "evidence"};
inline constexpr std::string_view kVerdictWhyStrongerArgs[] = {
    "name", "other", "evidence", "rival"};
inline constexpr std::string_view kVerdictGroupArgs[] = {"group", "members",
                                                         "name", "evidence"};
inline constexpr std::string_view kOnionNamesFamilyArgs[] = {"onion", "name"};
inline constexpr std::string_view kCountFamiliesArgs[] = {"count", "families"};
inline constexpr std::string_view kKeysRejectedArgs[] = {"file", "rejected",
                                                         "records"};
inline constexpr std::string_view kFileCountArgs[] = {"file", "count"};
inline constexpr std::string_view kKeysExportedArgs[] = {"count", "db", "out"};
inline constexpr std::string_view kDbCountArgs[] = {"db", "count"};
inline constexpr std::string_view kOpenedArgs[] = {"opened"};
inline constexpr std::string_view kColumnArgs[] = {"column"};
inline constexpr std::string_view kWidthArgs[] = {"fields", "columns"};
inline constexpr std::string_view kNumberArgs[] = {"number"};
inline constexpr std::string_view kPartialArgs[] = {"recovered", "size", "lost",
                                                    "ranges", "more"};
// Chimera (recovery-schemes-2.md §3.6).
inline constexpr std::string_view kChimeraCountArgs[] = {"count"};
inline constexpr std::string_view kChimeraKeyFitsArgs[] = {"fingerprint",
                                                           "source"};
inline constexpr std::string_view kChimeraKeyReportedArgs[] = {"fingerprint",
                                                               "files"};
inline constexpr std::string_view kDryRunPartialArgs[] = {"output", "recovered",
                                                          "size"};
inline constexpr std::string_view kVersionMagicArgs[] = {"version", "magic"};
inline constexpr std::string_view kVersionArgs[] = {"version"};
inline constexpr std::string_view kScannedLimitArgs[] = {"scanned", "limit"};
inline constexpr std::string_view kCounterArgs[] = {"counter"};
inline constexpr std::string_view kPetyaRedKeyArgs[] = {"key"};
inline constexpr std::string_view kPetyaRedTestedArgs[] = {"tested"};
inline constexpr std::string_view kDarkbitPlanArgs[] = {
    "seeds", "first",   "last", "center", "time",
    "draws", "minutes", "rate", "workers"};
inline constexpr std::string_view kDarkbitNotFoundArgs[] = {
    "first", "last", "covered_first", "covered_last", "from", "to", "draws"};
inline constexpr std::string_view kDarkbitSeedFoundArgs[] = {
    "seed", "unix_nano", "time", "file", "position"};
inline constexpr std::string_view kDarkbitFileKeyArgs[] = {
    "seed", "position", "key", "iv", "reading"};
inline constexpr std::string_view kDarkbitNotInStreamArgs[] = {"seed", "draws"};
// Akira (recovery-schemes-3.md §3.9).
inline constexpr std::string_view kAkiraOffsetArgs[] = {"offset"};
inline constexpr std::string_view kAkiraPercentArgs[] = {"percent"};
inline constexpr std::string_view kAkiraPlanArgs[] = {
    "stage",   "file",     "first",      "last", "first_from", "last_from",
    "gap_low", "gap_high", "candidates", "rate", "workers",    "minutes"};
inline constexpr std::string_view kAkiraWidenArgs[] = {
    "stage", "gap_low", "gap_high", "next_low", "next_high"};
inline constexpr std::string_view kAkiraNotFoundArgs[] = {
    "first", "last", "gap_low", "gap_high"};
inline constexpr std::string_view kAkiraDeviceArgs[] = {"stage", "device"};
inline constexpr std::string_view kAkiraKeyArgs[] = {"t1", "t2", "t3", "t4",
                                                     "percent"};
inline constexpr std::string_view kAkiraBytesArgs[] = {"bytes"};
inline constexpr std::string_view kAkiraChaChaNotFoundArgs[] = {
    "bytes", "first", "last", "gap_low", "gap_high"};
inline constexpr std::string_view kSourceKindArgs[] = {"source", "kind"};
inline constexpr std::string_view kSourceJudgedArgs[] = {"source", "joins",
                                                         "judged"};
inline constexpr std::string_view kOffsetArgs[] = {"offset"};
inline constexpr std::string_view kKeystreamSourceArgs[] = {"keystream",
                                                            "source"};
inline constexpr std::string_view kMisfitsCheckedSourceArgs[] = {
    "misfits", "checked", "source"};
inline constexpr std::string_view kFamilyArgs[] = {"family"};
inline constexpr std::string_view kHiveTableArgs[] = {"table"};
inline constexpr std::string_view kHiveNotCoveredArgs[] = {"table", "bytes"};
inline constexpr std::string_view kHiveTooManyArgs[] = {"table", "tables"};
inline constexpr std::string_view kHiveSolvedArgs[] = {
    "table", "pairs", "headers", "variant", "details"};
inline constexpr std::string_view kHiveVariantArgs[] = {"variant"};
inline constexpr std::string_view kHiveFitsArgs[] = {
    "variant", "confirmed",       "dropped",
    "other",   "other_confirmed", "other_dropped"};
inline constexpr std::string_view kHiveUndecidedArgs[] = {
    "v3_confirmed", "v3_dropped", "v4_confirmed", "v4_dropped"};
inline constexpr std::string_view kHiveDroppedArgs[] = {"count", "first"};
inline constexpr std::string_view kHiveLimitArgs[] = {"limit"};
inline constexpr std::string_view kFamilyKeyTypeArgs[] = {"family", "types",
                                                          "type"};
inline constexpr std::string_view kFamilyRsaArgs[] = {"family", "bits",
                                                      "given"};
inline constexpr std::string_view kFamilyKindArgs[] = {"family", "kind",
                                                       "given"};
inline constexpr std::string_view kFamilyFormatArgs[] = {"family", "format"};
inline constexpr std::string_view kContact[] = {"kind", "contact", "families"};
inline constexpr std::string_view kSimilarity[] = {"percent", "shared"};
inline constexpr std::string_view kFamilyName[] = {"name"};
inline constexpr std::string_view kYara[] = {"rule"};
inline constexpr std::string_view kNote[] = {"encoding", "size"};
inline constexpr std::string_view kFile[] = {"size", "entropy"};
inline constexpr std::string_view kCandidate[] = {"name", "family", "score"};
inline constexpr std::string_view kNames[] = {"names"};
inline constexpr std::string_view kDecryptor[] = {"decryptor"};
inline constexpr std::string_view kNeed[] = {"need"};
inline constexpr std::string_view kOriginFile[] = {"file"};
inline constexpr std::string_view kOriginNotes[] = {"notes", "more"};
inline constexpr std::string_view kOriginNotesFile[] = {"notes", "more",
                                                        "file"};

inline constexpr std::string_view kNameOriginArgs[] = {"name", "origin"};
inline constexpr std::string_view kNameOriginDecryptorArgs[] = {
    "name", "origin", "decryptor"};
inline constexpr std::string_view kErrorArgs[] = {"error"};
inline constexpr std::string_view kKindArgs[] = {"kind"};
inline constexpr std::string_view kNameFamilyOriginAdviceArgs[] = {
    "name", "family", "origin", "advice"};
inline constexpr std::string_view kOutputArgs[] = {"output"};
inline constexpr std::string_view kOutputReasonArgs[] = {"output", "reason"};
inline constexpr std::string_view kReasonArgs[] = {"reason"};
inline constexpr std::string_view kDetailArgs[] = {"detail"};
inline constexpr std::string_view kSourceSizeArgs[] = {"source", "size"};
inline constexpr std::string_view kPairInconsistentArgs[] = {
    "pair", "length", "count", "offsets"};
inline constexpr std::string_view kPairContradictedArgs[] = {
    "pair", "file", "count", "offsets"};
inline constexpr std::string_view kSizeArgs[] = {"size"};
inline constexpr std::string_view kFilesKindsArgs[] = {"files", "kinds"};
inline constexpr std::string_view kFilesKindsCoverageRestArgs[] = {
    "files", "kinds", "coverage", "rest"};
inline constexpr std::string_view kLengthsArgs[] = {"lengths"};
inline constexpr std::string_view kFilesKindsPeriodArgs[] = {"files", "kinds",
                                                             "period"};
inline constexpr std::string_view kKeyDoesNotFitArgs[] = {"source", "kind",
                                                          "count", "offsets"};
inline constexpr std::string_view kDetailChoiceArgs[] = {"detail", "choice"};
inline constexpr std::string_view kDetailWarningArgs[] = {"detail", "warning"};
inline constexpr std::string_view kTempErrorArgs[] = {"temp", "error"};
inline constexpr std::string_view kOutputErrorArgs[] = {"output", "error"};
inline constexpr std::string_view kRegionLengthArgs[] = {"region", "length"};
inline constexpr std::string_view kRegionLengthHowArgs[] = {"region", "length",
                                                            "how"};
inline constexpr std::string_view kFilesArgs[] = {"files"};
inline constexpr std::string_view kRegionPeriodArgs[] = {"region", "period"};
inline constexpr std::string_view kNameExtensionArgs[] = {"name", "extension"};
inline constexpr std::string_view kListArgs[] = {"list"};
inline constexpr std::string_view kReasonVariantArgs[] = {"reason", "variant"};
inline constexpr std::string_view kReasonKindArgs[] = {"reason", "kind"};

inline constexpr std::string_view kIdArgs[] = {"id"};
inline constexpr std::string_view kIdExtensionsArgs[] = {"id", "extensions"};
inline constexpr std::string_view kIdCountArgs[] = {"id", "count"};
inline constexpr std::string_view kIdErrorArgs[] = {"id", "error"};
inline constexpr std::string_view kSeedNotFoundArgs[] = {
    "first", "last", "covered_first", "covered_last"};
inline constexpr std::string_view kSeedSearchPlanArgs[] = {
    "seeds",   "first",   "last", "center",
    "variant", "minutes", "rate", "workers"};
inline constexpr std::string_view kSeedShardEmptyArgs[] = {"shard", "first",
                                                           "last"};
inline constexpr std::string_view kHiddenTearFoundArgs[] = {"seed", "variant",
                                                            "password"};
inline constexpr std::string_view kPublicKeyArgs[] = {"public_key"};
inline constexpr std::string_view kCountPublicKeyArgs[] = {"count",
                                                           "public_key"};
inline constexpr std::string_view kBabukWindowsInnerArgs[] = {
    "count", "public_key", "layer"};
inline constexpr std::string_view kBabukWindowsLayersArgs[] = {"layers"};
inline constexpr std::string_view kBabukWindowsKeyArgs[] = {
    "layers", "encrypted", "size", "pattern"};

inline constexpr std::string_view kDetailKeyArgs[] = {"detail", "key"};
inline constexpr std::string_view kLinuxEncoderFileKeyArgs[] = {
    "seed", "time", "index", "key", "key_hex", "iv"};
inline constexpr std::string_view kLinuxEncoderSeedFoundArgs[] = {
    "seed", "time", "file", "index", "pairs", "iv"};
inline constexpr std::string_view kLinuxEncoderPlanArgs[] = {
    "seeds", "first",    "last", "center", "pairs",
    "file",  "duration", "rate", "workers"};
inline constexpr std::string_view kLinuxEncoderNotFoundArgs[] = {
    "first",        "last",       "covered_first", "covered_last",
    "covered_from", "covered_to", "pairs",         "file"};
inline constexpr std::string_view kLinuxEncoderMisfitArgs[] = {"seed", "index",
                                                               "file"};
inline constexpr std::string_view kSeedsPairsArgs[] = {"seeds", "pairs"};
inline constexpr std::string_view kReasonBlobArgs[] = {"reason", "blob"};
inline constexpr std::string_view kRecoverSeedClockPlanArgs[] = {
    "seeds", "first",   "last", "center", "variant",
    "keys",  "minutes", "rate", "workers"};
inline constexpr std::string_view kRecoverSeedClockNotFoundArgs[] = {
    "first", "last", "covered_first", "covered_last", "from", "to", "keys"};
inline constexpr std::string_view kRecoverGivenKeyNoHeaderArgs[] = {"kind"};
inline constexpr std::string_view kRecoverDmaLockerTooShortArgs[] = {"size"};
inline constexpr std::string_view kRecoverDmaLockerKeyArgs[] = {
    "seed", "time", "generator", "index", "key"};
inline constexpr std::string_view kRecoverDmaLockerSeedFoundArgs[] = {
    "seed", "time", "generator", "index", "sample"};
inline constexpr std::string_view kRecoverDmaLockerNotInStreamArgs[] = {
    "seed", "generator", "keys"};
inline constexpr std::string_view kRecoverDmaLockerUncheckableArgs[] = {
    "seed", "generator"};

inline constexpr std::string_view kRecoverPrincessLockerIdNotFoundArgs[] = {
    "id", "first", "last", "from", "to"};
inline constexpr std::string_view kRecoverPrincessLockerKeyNotFoundArgs[] = {
    "id", "id_seeds", "window"};
inline constexpr std::string_view kRecoverPrincessLockerKeyNoFitArgs[] = {
    "kind"};
inline constexpr std::string_view kRecoverPrincessLockerKeyArgs[] = {
    "seed", "time", "length", "hashing", "padding", "key"};
inline constexpr std::string_view kRecoverPrincessLockerKeyFoundArgs[] = {
    "seed", "time", "string", "length", "hashing"};

// `kintsugi scan`'s summary.
inline constexpr std::string_view kScanArgsSummaryEncrypted[] = {
    "encrypted", "files", "families"};
inline constexpr std::string_view kScanArgsSummaryNone[] = {"files"};
inline constexpr std::string_view kScanArgsRecoverableNow[] = {"files"};
inline constexpr std::string_view kScanArgsNotes[] = {"notes", "paths"};
inline constexpr std::string_view kScanArgsSuspicious[] = {"files"};
inline constexpr std::string_view kScanArgsTimeline[] = {"first", "last",
                                                         "rate"};
inline constexpr std::string_view kScanArgsFamily[] = {
    "family", "files", "notes", "decryptor", "strategy", "recoverable"};
inline constexpr std::string_view kScanArgsFamilyNoDecryptor[] = {
    "family", "files", "notes"};
inline constexpr std::string_view kScanArgsFamilyNeeds[] = {"needs"};
inline constexpr std::string_view kScanArgsFamilyCampaigns[] = {"ids"};
inline constexpr std::string_view kScanArgsErrors[] = {"errors", "path",
                                                       "error"};
inline constexpr std::string_view kScanArgsLeftOut[] = {"symlinks", "excluded",
                                                        "other"};
// The scan's HTML report.
inline constexpr std::string_view kScanReportBadFieldArgs[] = {"field",
                                                               "expected"};
inline constexpr std::string_view kScanReportBadJsonArgs[] = {"error"};
inline constexpr std::string_view kScanReportScannedRootsArgs[] = {"roots"};
inline constexpr std::string_view kScanReportScannedImageArgs[] = {"image"};
inline constexpr std::string_view kScanReportKbVersionArgs[] = {"version"};
inline constexpr std::string_view kScanReportGeneratedArgs[] = {"time"};
inline constexpr std::string_view kScanReportAnswerEncryptedArgs[] = {
    "count", "files", "families"};
inline constexpr std::string_view kScanReportAnswerNoneArgs[] = {"files"};
inline constexpr std::string_view kScanReportAnswerRecoverableArgs[] = {
    "count"};
inline constexpr std::string_view kScanReportAnswerFamilyArgs[] = {
    "family", "files", "recoverable", "decryptor"};
inline constexpr std::string_view kScanReportAnswerFamilyNoDecryptorArgs[] = {
    "family", "files"};
inline constexpr std::string_view kScanReportAnswerNeedsArgs[] = {"needs"};
inline constexpr std::string_view kScanReportAnswerNotesArgs[] = {"count"};
inline constexpr std::string_view kScanReportAnswerSuspiciousArgs[] = {"count"};
inline constexpr std::string_view kScanReportAnswerWindowArgs[] = {"first",
                                                                   "last"};
inline constexpr std::string_view kScanReportAnswerErrorsArgs[] = {"count"};
inline constexpr std::string_view kScanReportMoreRowsArgs[] = {"count"};
// TeslaCrypt.
inline constexpr std::string_view kTeslaCryptVersionArgs[] = {"version"};
inline constexpr std::string_view kTeslaCryptCountArgs[] = {"count"};
inline constexpr std::string_view kScanReportChartTimelineArgs[] = {"minutes"};
inline constexpr std::string_view kScanReportChartMoreArgs[] = {"count"};
inline constexpr std::string_view kScanReportTimelineRangeArgs[] = {"first",
                                                                    "last"};

inline constexpr std::string_view kRhysidaTrailerArgs[] = {"trailer"};
inline constexpr std::string_view kRhysidaSeedFoundArgs[] = {
    "seed",   "time",  "reading", "sample", "confirmed_by",
    "worker", "index", "placed",  "files"};
inline constexpr std::string_view kRhysidaKeyArgs[] = {
    "seed", "time", "worker", "index", "key", "iv"};
inline constexpr std::string_view kRhysidaUnresolvedArgs[] = {
    "seed", "reading", "workers", "ahead", "kind"};
inline constexpr std::string_view kRhysidaSeedArgs[] = {"seed"};
}  // namespace kintsugi::message_args
