#pragma once

// Messages as data (issue 8): the libraries never write English sentences.
// They produce a Message, a stable id plus named arguments, and the edge
// renders it: the CLI in English from the catalog built into the binary, the
// portal from its language catalogs (web/i18n/<language>.json, one file per
// language, all of the shape described in docs/messages.md).
//
// Adding a message: a MessageId value (append-only, before kCount), its row
// in src/messages/ids.cpp (stable name and argument names), and its English
// template in web/i18n/en.json. messages_test fails until all three agree.

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kintsugi/status.h"

namespace kintsugi {

// Every message a user can read. The names (MessageIdName) reach scripts
// and the portal through JSON: append only, never renumber or rename.
enum class MessageId : std::uint16_t {
  // Evidence behind a candidate (identify).
  kEvidenceExtension,
  kEvidenceFilenamePattern,
  kEvidenceNoteName,
  kEvidenceNotePhrase,
  kEvidenceNoteRegex,
  kEvidenceVictimId,
  kEvidenceMarkerHead,
  kEvidenceMarkerTail,
  kEvidenceSize,
  kEvidenceSizeModulo,
  kEvidenceSizeFooter,
  kEvidenceSizeModuloFooter,
  kEvidenceContact,
  kEvidenceContactShared,
  kEvidenceSimilarity,
  kEvidenceNamesFamily,
  kEvidenceYara,
  // What an input turned out to be (identify).
  kInputNote,
  kInputNoteHtml,
  kInputNoteRtf,
  kInputNotANote,
  kInputEncryptedFile,
  kInputOtherFile,
  kInputFileName,
  kInputContact,
  // The verdict in one sentence (identify).
  kVerdictIdentified,
  kVerdictAmbiguous,
  kVerdictAmbiguousRelated,
  kVerdictAmbiguousWeak,
  kVerdictUnknown,
  // What can be done about a family's files (identify::RecoveryAdvice).
  kRecoveryAvailable,
  kRecoveryAvailableInPart,
  kRecoveryNotBuilt,
  kRecoveryNotBuiltInPart,
  kRecoveryNoDecryptor,
  kRecoveryNoDecryptorInPart,
  kRecoveryImpossible,
  kRecoveryUnknown,
  kRecoveryNeed,
  // Where a folder's evidence came from (identify::EvidenceOrigin).
  kOriginFolder,
  kOriginFolderNames,
  kOriginFile,
  kOriginFileName,
  kOriginNotes,
  kOriginNotesAndFolder,
  kOriginNotesAndFolderNames,
  kOriginNotesAndFile,
  kOriginNotesAndFileName,
  // A file's outcome in recover (FileOutcome::detail), and why a decryptor
  // was chosen (docs/messages.md).
  kRecoverChoiceIdentified,
  kRecoverChoicePossibly,
  kRecoverChoiceOverruled,
  kRecoverChoiceOverruledPossibly,
  kRecoverCannotRead,
  kRecoverNotRegular,
  kRecoverFolderVisited,
  kRecoverTooDeep,
  kRecoverCannotList,
  kRecoverBadSymlink,
  kRecoverAlreadyDone,
  kRecoverCannotOpen,
  kRecoverEmptyFile,
  kRecoverShrank,
  kRecoverOrdinaryFile,
  kRecoverNoDecryptorOrdinary,
  kRecoverIdentifiedNotBuilt,
  kRecoverIdentifiedNoFit,
  kRecoverNoDecryptor,
  kRecoverCannotStart,
  kRecoverDecryptionFailed,
  kRecoverDamaged,
  kRecoverWriteFailed,
  kRecoverDryRunSame,
  kRecoverDryRunWrite,
  kRecoverDryRunWriteUnverified,
  kRecoverDryRunNotKept,
  kRecoverCannotCreateFolder,
  kRecoverCannotJournal,
  kRecoverCannotCreateOutput,
  kRecoverNotKept,
  kRecoverSameContent,
  kRecoverNoFreeName,
  kRecoverCannotPlace,
  kRecoverVerified,
  kRecoverUnverified,
  // Recover's details composed of others, and an I/O error as an argument.
  kRecoverVerifiedEmpty,
  kRecoverIoError,
  kRecoverWithChoice,
  kRecoverWithWarning,
  kRecoverTempLeft,
  kRecoverDecryptorDetail,
  // Issue 16: the walk does not enter /proc, /sys...; a shortened name.
  kRecoverPseudoFileSystem,
  kRecoverNameShortened,
  // Honest statuses (issue 16).
  kRecoverFileIdentifiedNotBuilt,
  kRecoverKeyFitsTruncated,
  kRecoverGivenKeyNoFit,
  kRecoverPairInconsistent,
  kRecoverPairContradicted,
  kRecoverKeyDoesNotFit,
  // The decryptors' own words (issue 8's leftover): Jigsaw, Nemucod.
  kRecoverJigsawTooLarge,
  kRecoverJigsawNotWholeBlocks,
  kRecoverJigsawNoKey,
  kRecoverNemucodSevenZip,
  kRecoverNemucodNeedsPair,
  kRecoverNemucodNoKnownHeaders,
  kRecoverNemucodHeadersConflict,
  kRecoverNemucodHeadersPartial,
  kRecoverNemucodLengthsMisfit,
  kRecoverNemucodHeaderCheckFailed,
  kRecoverNemucodGivePair,
  kRecoverNemucodRegionDisputed,
  kRecoverNemucodRegionUnknown,
  // Why a file an earlier run finished is redone (issue 16).
  kRecoverEarlierOutputChanged,
  kRecoverEarlierOutputMissing,
  kRecoverEarlierOutputUnchecked,
  kRecoverEarlierOutputUnreadable,
  // The decryptors' own words, continued (issue 8's leftover): a key found
  // during the run (ReportedKey::detail) and how Nemucod's known headers
  // told its region, why a probe took a file (ProbeResult::reason), and what
  // a decryptor needs from the user (DecryptorInfo::needs).
  kRecoverNemucodKeyFromPair,
  kRecoverNemucodKeyFromHeaders,
  kRecoverNemucodRegionTold,
  kRecoverNemucodRegionIrrelevant,
  kRecoverNemucodRegionAssumed,
  kRecoverProbeExtension,
  kRecoverProbeListed,
  kRecoverProbeForced,
  kRecoverProbeNotWholeBlocks,
  kRecoverProbeValidPadding,
  kRecoverProbeHeaderFits,
  kDecryptorNemucodNeeds,
  // STOP/Djvu (recovery-schemes.md §3.7, issue 9).
  kRecoverStopDjvuNoFooter,
  kRecoverStopDjvuIdDamaged,
  kRecoverStopDjvuNoKeyKnownOffline,
  kRecoverStopDjvuNoKeyOfflineLike,
  kRecoverStopDjvuNoKeyOnline,
  kRecoverStopDjvuKeysNoFit,
  kRecoverStopDjvuLookupFailed,
  // Why the STOP/Djvu probe took a file, and what its decryptor needs.
  kRecoverProbeStopDjvuMarker,
  kRecoverProbeStopDjvuExtensionNoFooter,
  kRecoverProbeStopDjvuForcedNoFooter,
  kDecryptorStopDjvuNeeds,
  // Hidden Tear (issue 10): the seed search and what it needs.
  kRecoverHiddenTearSearchNeeded,
  kRecoverHiddenTearNoSample,
  kRecoverSeedNotFound,
  kRecoverHiddenTearKeyFound,
  kDecryptorHiddenTearNeeds,
  // Babuk NAS and ESXi (recovery-schemes.md §3.8).
  kRecoverBabukNoFooter,
  kRecoverBabukEsxiTooShort,
  kRecoverBabukBadPublicKey,
  kRecoverBabukNoKeys,
  kRecoverBabukKeysNoFit,
  kRecoverBabukLookupFailed,
  // Why a Babuk probe took a file, and what the decryptors need.
  kRecoverProbeBabukNasMarker,
  kRecoverProbeBabukNasForcedNoMarker,
  kRecoverProbeBabukEsxiExtension,
  kRecoverProbeBabukEsxiForced,
  kDecryptorBabukNeeds,
  // `kintsugi keys` (issue 9): what the key store's failures mean (one id
  // per status code, the store's own text as `detail`), and the outcome of
  // an import, export or count.
  kKeysStoreNotFound,
  kKeysStoreNotAStore,
  kKeysStoreCorrupt,
  kKeysStoreUnsupported,
  kKeysStoreIoError,
  kKeysStoreFailed,
  kKeysImported,
  kKeysNoDecryptor,
  kKeysRejected,
  kKeysMoreProblems,
  kKeysExported,
  kKeysCounted,
  // What is wrong with a record of a key dump (KeyDumpProblem::detail):
  // CSV syntax and header, and the family checks (docs/key-format.md).
  kKeysCsvUnclosedQuote,
  kKeysCsvTextAfterQuote,
  kKeysCsvQuoteInField,
  kKeysCsvBareCr,
  kKeysCsvNulByte,
  kKeysCsvNotUtf8,
  kKeysCsvWidth,
  kKeysCsvUnknownColumn,
  kKeysCsvColumnTwice,
  kKeysCsvUnnamedColumn,
  kKeysCsvHeaderIncomplete,
  kKeysUnknownFamily,
  kKeysFamilyKeyType,
  kKeysFamilyRsaSize,
  kKeysFamilyNoHandle,
  kKeysFamilyHandleKind,
  kKeysFamilyHandleFormat,
  kKeysStopDjvuIdFormat,
  // Seed searches: what a search will cover and cost, said before it runs.
  kRecoverSeedSearchPlan,
  kRecoverSeedShardEmpty,
  // Why the best candidate won over the runner-up (issue 15).
  kVerdictWhy,
  kVerdictWhyStronger,
  kEvidenceOnionNamesFamily,
  kEvidenceNamesFamilyInWord,
  // A file-marker rule without marker bytes whose fields all hold (a
  // footer layout such as Akira's): {fields} checked.
  kEvidenceLayoutHead,
  kEvidenceLayoutTail,
  // The group a verdict's families share a note template with (issue 15).
  kVerdictGroupFavours,
  kVerdictGroupUndecided,
  // How a file's key was found, joined to its detail (KeyOutcome::found).
  kRecoverWithKey,
  // Linux.Encoder.1 (recovery-schemes.md §3.4, issue 10): the seed search
  // anchored on each file's IV, what it found and why a file has no key.
  kRecoverLinuxEncoderFileKey,
  kRecoverLinuxEncoderSeedFound,
  kRecoverLinuxEncoderSearchPlan,
  kRecoverLinuxEncoderSeedNotFound,
  kRecoverLinuxEncoderKeyMisfit,
  kRecoverLinuxEncoderBadHeader,
  kRecoverLinuxEncoderNotInRun,
  kRecoverProbeLinuxEncoderHeader,
  kDecryptorLinuxEncoderNeeds,
  // Seed searches over clock seeds (issue 10): DMA Locker (§3.5).
  kRecoverSeedClockPlan,
  kRecoverSeedClockNotFound,
  kRecoverGivenKeyNoHeader,
  kRecoverDmaLockerSearchNeeded,
  kRecoverDmaLockerNoSample,
  kRecoverDmaLockerTooShort,
  kRecoverDmaLockerKey,
  kRecoverDmaLockerSeedFound,
  kRecoverDmaLockerNotInStream,
  kRecoverDmaLockerUncheckable,
  kRecoverProbeDmaLockerMarker,
  kDecryptorDmaLockerNeeds,
  // Princess Locker (§3.6): its seed search anchored on the victim ID.
  kRecoverPrincessLockerNoSample,
  kRecoverPrincessLockerIdNotFound,
  kRecoverPrincessLockerKeyNotFound,
  kRecoverPrincessLockerKeyNoFit,
  kRecoverPrincessLockerKey,
  kRecoverPrincessLockerKeyFound,
  kDecryptorPrincessLockerNeeds,
  // Scan (issue 11): the terminal summary of `kintsugi scan`.
  kScanSummaryEncrypted,
  kScanSummaryNone,
  kScanRecoverableNow,
  kScanNotes,
  kScanSuspicious,
  kScanTimeline,
  kScanFamily,
  kScanFamilyNoDecryptor,
  kScanFamilyNeeds,
  kScanFamilyCampaigns,
  kScanErrors,
  kScanLeftOut,
  kScanNamesOnly,
  kScanInterrupted,
  kScanFromScanNothing,
  // The scan's HTML report (issue 11): what is wrong with the scan's JSON,
  // and the page's words (src/scan/report/).
  kScanReportBadField,
  kScanReportBadJson,
  kScanReportTitle,
  kScanReportScannedRoots,
  kScanReportScannedImage,
  kScanReportKbVersion,
  kScanReportGenerated,
  kScanReportAnswerHeading,
  kScanReportAnswerEncrypted,
  kScanReportAnswerNone,
  kScanReportAnswerRecoverable,
  kScanReportAnswerFamily,
  kScanReportAnswerFamilyNoDecryptor,
  kScanReportAnswerNeeds,
  kScanReportAnswerNotes,
  kScanReportAnswerSuspicious,
  kScanReportAnswerWindow,
  kScanReportAnswerErrors,
  kScanReportOverviewHeading,
  kScanReportFamiliesHeading,
  kScanReportNotesHeading,
  kScanReportTimelineHeading,
  kScanReportErrorsHeading,
  kScanReportFilesHeading,
  kScanReportColumnFamily,
  kScanReportColumnFiles,
  kScanReportColumnDecryptor,
  kScanReportColumnRecoverable,
  kScanReportColumnNeeds,
  kScanReportColumnPath,
  kScanReportColumnSize,
  kScanReportColumnModified,
  kScanReportColumnError,
  kScanReportColumnClass,
  kScanReportClassEncrypted,
  kScanReportClassNote,
  kScanReportClassSuspicious,
  kScanReportClassClean,
  kScanReportFilesScanned,
  kScanReportNoDecryptor,
  kScanReportUnknownFamily,
  kScanReportNoExtension,
  kScanReportNothing,
  kScanReportMoreRows,
  kScanReportChartFamilies,
  kScanReportChartFolders,
  kScanReportChartExtensions,
  kScanReportChartTimeline,
  kScanReportChartMore,
  kScanReportTimelineRange,
  kScanReportNoTimeline,
  kScanReportFooter,
  kScanReportNeedKeyInStore,
  kScanReportNeedOriginalFile,
  kScanReportNeedSeedSearch,
  kScanReportColumnIntact,
  kScanReportCancelled,
  kScanReportNamesOnly,
  kRecoverPartial,
  kRecoverPartialNotKept,
  kRecoverDryRunWritePartial,
  kRecoverNothingRecovered,
  kScanRecoverablePartly,
  // Babuk Windows (recovery-schemes-2.md §3.3).
  kRecoverProbeBabukWindowsMarker,
  kRecoverBabukWindowsNoFooter,
  kRecoverBabukWindowsKeysNoFit,
  kRecoverBabukWindowsInnerNoFit,
  kRecoverBabukWindowsTooManyLayers,
  kRecoverBabukWindowsKey,
  kRecoverBabukWindowsWhole,
  kRecoverBabukWindowsFirstTenth,
  kRecoverBabukWindowsThreeBlocks,
  kRecoverBabukWindowsEveryTenMib,
  kRecoverProbeBlackBastaFooter,
  kRecoverBlackBastaOtherVersion,
  kRecoverBlackBastaNoBlock,
  kRecoverBlackBastaSmall,
  kRecoverBlackBastaSmallPartial,
  kRecoverBlackBastaHeadLost,
  kRecoverBlackBastaInterrupted,
  kRecoverBlackBastaMagicMisfit,
  kRecoverBlackBastaBlockMisfit,
  kRecoverBlackBastaKnownConflict,
  kRecoverBlackBastaKeyFromPair,
  kDecryptorBlackBastaNeeds,
  kDecryptorCryptxxxNeeds,
  kRecoverCryptxxxNeedsPair,
  kRecoverCryptxxxKeystreamShort,
  kRecoverCryptxxxPerFileKeys,
  // TeslaCrypt (recovery-schemes-2.md §3.1, §3.1b).
  kRecoverProbeTeslaCryptHeader,
  kRecoverTeslaCryptBadHeader,
  kRecoverTeslaCryptKeysNoFit,
  kRecoverTeslaCryptLookupFailed,
  kRecoverTeslaCryptSessionKeyBad,
  kRecoverTeslaCryptZeroPadding,
  kRecoverTeslaCryptNeedsFactoring,
  kRecoverTeslaCryptNeedsKeyFile,
  // Hive v3/v4 (recovery-schemes-2.md §3.10).
  kDecryptorHiveNeeds,
  kRecoverHiveOldVersion,
  kRecoverHiveNameNotDecoded,
  kRecoverHiveNeedsEvidence,
  kRecoverHiveNotCovered,
  kRecoverHiveTooManyTables,
  kRecoverHiveTable,
  kRecoverHiveVariantGiven,
  kRecoverHiveVariantFits,
  kRecoverHiveVariantUndecided,
  kRecoverHiveDropped,
  kRecoverHivePairsCapped,
  kRecoverHiveHeadersCapped,
  kRecoveryUnknownWithDecryptor,
  kRecoverProbeChimeraFooter,
  kRecoverChimeraNotFooter,
  kRecoverChimeraNoKeys,
  kRecoverChimeraKeysNoFit,
  kRecoverChimeraKeyFits,
  kRecoverChimeraKeyReported,
  kRecoverChimeraLookupFailed,
  kDecryptorChimeraNeeds,
  kRecoverPetyaRedKeyFound,
  kRecoverPetyaRedNotFound,
  kRecoverPetyaRedPatternNotFound,
  // DarkBit (recovery-schemes-3.md §3.11).
  kDecryptorDarkbitNeeds,
  kRecoverProbeDarkbitFooter,
  kRecoverDarkbitSearchNeeded,
  kRecoverDarkbitNoSample,
  kRecoverDarkbitNoFooter,
  kRecoverDarkbitSearchPlan,
  kRecoverDarkbitSeedNotFound,
  kRecoverDarkbitSeedFound,
  kRecoverDarkbitFileKey,
  kRecoverDarkbitNotInStream,
  kRecoverRhysidaSearchNeeded,
  kRecoverRhysidaNoSample,
  kRecoverRhysidaSeedFound,
  kRecoverRhysidaKey,
  kRecoverRhysidaUnresolved,
  kRecoverRhysidaUncheckable,
  kDecryptorRhysidaNeeds,
  kDecryptorAkiraNeeds,
  kRecoverAkiraSearchNeeded,
  kRecoverAkiraOlderBuild,
  kRecoverAkiraNoKnown,
  kRecoverAkiraNoWindow,
  kRecoverAkiraPercentUnsupported,
  kRecoverAkiraPlan,
  kRecoverAkiraWiden,
  kRecoverAkiraNotFound,
  kRecoverAkiraKeyFound,
  kRecoverAkiraChaChaNoKnown,
  kRecoverAkiraChaChaNotFound,
  kRecoverAkiraDevice,
  kCount,  // Not a message: the number of ids.
};

// The stable name of `id`, e.g. "evidence.extension"; "" for kCount or a
// value out of range.
std::string_view MessageIdName(MessageId id);

// The argument names `id` takes, e.g. {"extension", "rule", ...}. Every
// placeholder of every catalog's template for `id` is one of these.
std::span<const std::string_view> MessageIdArgs(MessageId id);

struct Message;

// Whether `message` carries exactly the arguments its id declares, each
// once: what the tests of every producer of messages check.
bool HasDeclaredArgs(const Message& message);

// One named argument: text (a file name, a rule id, a number already
// formatted), an integer (counts, which plurals select on), or messages
// (a phrase or sentences of their own, e.g. where the evidence came from),
// rendered in the same language and joined by spaces.
struct MessageArg {
  std::string name;
  std::variant<std::string, std::int64_t, std::vector<Message>> value;

  bool operator==(const MessageArg&) const = default;
};

struct Message {
  MessageId id = MessageId::kCount;
  std::vector<MessageArg> args;

  bool operator==(const Message&) const = default;
};

// A language's templates, by message name. Immutable once parsed; cheap to
// share between threads.
class MessageCatalog {
 public:
  // Parses a catalog (docs/messages.md): {"language": "en", "messages":
  // {"<name>": "<template>" | {"plural": "<arg>", "one": "...", "other":
  // "..."}}}. kInvalidArgument (with the message name) for malformed JSON
  // or entries; names no id has are allowed (a newer catalog).
  static Result<MessageCatalog> Parse(std::string_view json);

  // The English catalog built into the binary (web/i18n/en.json).
  static const MessageCatalog& English();

  // The template for `id`, choosing a plural form by `count` where the
  // entry has them ("=N" for exactly N, then the catalog language's CLDR
  // category, PluralCategory, then "other"); null when the catalog has no
  // entry for `id`.
  const std::string* Template(MessageId id, std::int64_t count) const;

  // Whether the catalog has an entry for `id`; the plural argument's name
  // when it has forms ("" otherwise).
  bool Has(MessageId id) const;
  std::string_view PluralArg(MessageId id) const;

  // Every template of `id` (each plural form), for checks.
  std::vector<std::string> Templates(MessageId id) const;

  const std::string& language() const { return language_; }

 private:
  struct Entry {
    std::string plural_arg;  // Empty: `forms` holds one template.
    std::vector<std::pair<std::string, std::string>> forms;  // (form, text)
  };
  std::string language_;
  std::vector<Entry> entries_;  // Indexed by MessageId; empty forms: none.
};

// The CLDR cardinal plural category ("zero", "one", "two", "few", "many"
// or "other") of the whole number `count` in the language `tag` ("ru",
// "pt-BR"): the rules of the portal's languages (src/messages/plural.cpp);
// a language without rules of its own gets English's ("one" for 1).
std::string_view PluralCategory(std::string_view tag, std::int64_t count);

// Renders `message` by `catalog`: each {name} in its template becomes the
// argument of that name. A message the catalog lacks renders as its id and
// arguments ("evidence.yara rule=r1") rather than failing; a placeholder
// with no argument stays as written.
std::string Render(const Message& message, const MessageCatalog& catalog);

// Render() with the English catalog: what the CLI prints.
std::string RenderEnglish(const Message& message);

// Messages rendered one after another, separated by a space (sentences).
std::string RenderEnglish(std::span<const Message> messages);

// The placeholders of a template ("a {x} b {y}" -> {"x", "y"}).
std::vector<std::string> Placeholders(std::string_view text);

}  // namespace kintsugi
