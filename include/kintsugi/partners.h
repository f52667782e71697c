#pragma once

// Partners (issue 12; docs/partners.md): the organisations that feed
// Kintsugi seized keys and family analyses, their users and API tokens,
// and the four-eyes review that every contribution goes through before it
// takes effect.
//
// Everything lives in the store's database (the one --db names: an SQLite
// file or a PostgreSQL URL), beside the key store and the audit log, and
// every action is appended to the audit log (audit.h) in the same step.
// Authorisation is decided here, in one place, for the portal's pages, its
// API and the CLI alike: every call that acts for someone takes the
// Principal that authenticated, and answers kUnauthenticated (who are
// you?) or kPermissionDenied (not you) itself.
//
// Secrets: passwords are stored as Argon2id hashes, API and session tokens
// as SHA-256 hashes (credentials.h); only a TOTP secret is stored as it is
// (a TOTP check needs it). Neither a password, a token nor a key byte is
// ever logged or put in an audit entry.
//
// A Partners is used by one thread at a time; open one per thread (several
// processes may share one database, as for the key store).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/audit.h"
#include "kintsugi/kb.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi::partners {

// The names of the enums below (…Name / Parse…) are stored and reach the
// API's JSON: append only, never rename.

enum class OrgKind : std::uint8_t {
  kLawEnforcement,  // "law-enforcement"
  kCert,            // "cert"
  kVendor,          // "vendor"
  kResearch,        // "research"
};
std::string_view OrgKindName(OrgKind kind);
Result<OrgKind> ParseOrgKind(std::string_view name);

// Roles are ordered: each one may do everything the ones before it may.
enum class Role : std::uint8_t {
  kSubmitter,  // "submitter": submits; sees its organisation's submissions.
  kReviewer,   // "reviewer": also reviews other organisations' submissions.
  kAdmin,      // "admin": also sees every submission, the audit log and
               // every user's tokens (the instance's operators).
};
std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view name);

// What an API token may be used for (a bit set). A token never does more
// than its user's role allows, whatever its scopes say.
enum Scope : unsigned {
  kScopeRead = 1u << 0,    // "read": submissions, releases, own tokens.
  kScopeSubmit = 1u << 1,  // "submit": submit and withdraw.
  kScopeReview = 1u << 2,  // "review": the review queue, approve, reject.
  kScopeAdmin = 1u << 3,   // "admin": the audit log.
};
inline constexpr unsigned kAllScopes =
    kScopeRead | kScopeSubmit | kScopeReview | kScopeAdmin;
// "read,submit" (in the order above); "" for none.
std::string ScopeNames(unsigned scopes);
// "read,submit" -> bits; kInvalidArgument for an unknown or empty name.
Result<unsigned> ParseScopes(std::string_view names);

enum class SubmissionKind : std::uint8_t {
  kKeys,    // "keys": a key dump (docs/key-format.md), JSON lines or CSV.
  kFamily,  // "family": one family definition, a KB YAML file (docs/kb.md).
};
std::string_view SubmissionKindName(SubmissionKind kind);
Result<SubmissionKind> ParseSubmissionKind(std::string_view name);

enum class SubmissionState : std::uint8_t {
  kPending,    // "pending": waiting for a reviewer of another organisation.
  kApproved,   // "approved": in effect (keys imported, family queued for the
               // next release).
  kRejected,   // "rejected": refused; `reason` says why.
  kWithdrawn,  // "withdrawn": taken back by its organisation before review.
};
std::string_view SubmissionStateName(SubmissionState state);
Result<SubmissionState> ParseSubmissionState(std::string_view name);

// Times below are RFC 3339 UTC to the second (AuditTime), dates
// YYYY-MM-DD; "" where there is none.

struct Organisation {
  std::int64_t id = 0;
  std::string name;  // Unique; 1 to 100 characters of UTF-8.
  OrgKind kind = OrgKind::kCert;
  std::string created;
};

struct User {
  std::int64_t id = 0;
  std::string name;  // Unique login name: [a-z0-9._-], 2 to 64 characters.
  std::string organisation;
  Role role = Role::kSubmitter;
  bool disabled = false;
  unsigned failed_logins = 0;  // In a row, since the last success.
  std::string locked_until;    // "" when not locked.
  std::string created;
  std::string last_login;
};

// Who is acting, as established by Login/SessionPrincipal (a web session),
// TokenPrincipal (an API token) or the CLI (Cli()).
// A default-made Principal may do nothing: the operator's powers come only
// from Cli() (or an admin's session or token).
struct Principal {
  enum class Via : std::uint8_t { kSession, kToken, kCli };
  Via via = Via::kToken;
  std::int64_t user_id = 0;  // 0 for the CLI.
  std::string user;          // "cli" for the CLI.
  std::string organisation;  // "" for the CLI.
  Role role = Role::kSubmitter;
  // A session: every scope its role allows. A token: its scopes limited
  // to its role's. The CLI: all.
  unsigned scopes = 0;
  std::int64_t token_id = 0;  // The token used, when via kToken.

  // The CLI, for `kintsugi partners ...` run by the instance's operator.
  // It belongs to no organisation: it neither submits nor reviews.
  static Principal Cli();
  bool Has(unsigned scope) const { return (scopes & scope) == scope; }
};

// The scopes a role may use at all: submitter read+submit, reviewer also
// review, admin all.
unsigned RoleScopes(Role role);

// "The operator" below: the CLI, or an admin whose principal has
// kScopeAdmin (every session of an admin; a token only with that scope).
// An admin's token without it acts as a reviewer of its organisation.

// A user just made, or whose second factor was reset: the TOTP secret is
// shown to the operator once (to pass on to the user) and never again.
struct Enrolment {
  User user;
  SecretBytes totp_secret;
  std::string totp_uri;  // credentials::TotpUri, for a QR code.
};

// A web session after Login: `token` goes in the session cookie and is
// stored only hashed; `csrf` must come back with every form post.
struct WebSession {
  std::string token;
  std::string csrf;
  std::string expires;
  Principal principal;
};

// What SessionPrincipal finds for a session cookie.
struct SessionInfo {
  Principal principal;
  std::string csrf;
  std::string expires;
};

// Sessions last this long from login; there is no renewal.
inline constexpr std::chrono::seconds kSessionLifetime{8 * 3600};
// API tokens last at most this long.
inline constexpr std::chrono::seconds kMaxTokenLifetime{365 * 24 * 3600};

struct TokenInfo {
  std::int64_t id = 0;
  std::string user;
  std::string organisation;
  std::string name;  // What its owner called it ("nightly import").
  unsigned scopes = 0;
  std::string created;
  std::string expires;
  std::string revoked;    // When; "" while valid.
  std::string last_used;  // "" if never.
};

// A token just made: `token` is shown once and stored only hashed.
struct NewToken {
  std::string token;
  TokenInfo info;
};

struct SubmissionRequest {
  SubmissionKind kind = SubmissionKind::kKeys;
  // The submitting organisation's own reference (case number, report id):
  // required, 1 to 200 characters.
  std::string case_reference;
  // Keys: held back (embargoed) until this date, UTC; "" for none. Must not
  // be in the past. Family definitions take no embargo.
  std::string embargo_until;
  // Keys: a key dump, at most limits::kMaxSubmittedKeyDumpBytes. Family: one
  // KB YAML file, at most limits::kMaxKbFileBytes. UTF-8 text without NUL
  // bytes. Beyond its limit: kResourceExhausted.
  std::string content;
  // The dump's format for keys: "jsonl" or "csv" ("" guesses, as `keys
  // import` does).
  std::string format;
};

struct Submission {
  std::int64_t id = 0;
  SubmissionKind kind = SubmissionKind::kKeys;
  std::string organisation;  // The submitter's.
  std::string submitter;
  std::string case_reference;
  std::string embargo_until;
  std::string created;
  SubmissionState state = SubmissionState::kPending;
  // What it holds, for lists: for keys the number of records and their
  // families ("3 keys: stop-djvu, jigsaw"); for a family its id.
  std::string summary;
  std::string family;           // Family submissions: the family id.
  std::uint64_t key_count = 0;  // Key submissions: the records.
  std::string reviewer;
  std::string reviewer_organisation;
  std::string reviewed;
  std::string reason;          // Why it was rejected (required then), or the
                               // reviewer's remark on approval.
  std::string embargo_lifted;  // When its embargoed keys were released.
  // The submitted text. Filled by GetSubmission only (lists leave it empty),
  // and never for a key dump: key bytes are shown to nobody through the
  // partner pages or API (reviewers see the records without their keys,
  // KeyPreview).
  std::string content;
};

// A key record as a reviewer sees it: everything but the key bytes.
struct KeyPreview {
  std::string family;
  std::string key_type;
  std::string handle_kind;
  std::string handle;
  std::string source;
  std::string case_reference;
  std::string date;
  std::string state;
  std::size_t key_bytes = 0;
  // 8 bytes of a hash of the key keyed with a secret of the process, hex:
  // tells the keys of a preview apart without showing them, and cannot be
  // checked against guessed keys (a seed, a timestamp).
  std::string key_tag;
};

enum class ReviewDecision : std::uint8_t { kApprove, kReject };

// A family definition that has been approved: what `release make` lays
// over the KB it packs (a new family, or one replacing the KB's own).
struct ApprovedFamily {
  std::int64_t submission = 0;
  std::string family;
  std::string yaml;
};

// A release, as recorded in the audit log by `release make`.
struct ReleaseInfo {
  std::uint64_t version = 0;
  std::string created;
  std::string signer;
  std::uint64_t families = 0;
  std::uint64_t keys = 0;
  std::string sha256;  // Of the bundle file.
};

struct PartnersOptions {
  // The KB submissions are checked against (family ids of key dumps; a
  // family definition is linted laid over it). Required.
  std::shared_ptr<const kb::KnowledgeBase> kb;
  // The clock for times, expiries, embargoes, TOTP and delays; the system
  // clock by default (tests set it).
  AuditClock clock;
  KeyStoreCreation creation = KeyStoreCreation::kCreateIfMissing;
};

class Partners {
 public:
  virtual ~Partners() = default;

  // --- the operator (Principal::Cli() or an admin) -------------------------

  // kAlreadyExists for a name in use; kInvalidArgument for a bad name.
  virtual Result<Organisation> CreateOrganisation(const Principal& who,
                                                  std::string_view name,
                                                  OrgKind kind) = 0;
  virtual Result<std::vector<Organisation>> Organisations(
      const Principal& who) = 0;

  // A new user of `organisation` with `password` (credentials.h's lengths)
  // and a fresh TOTP secret. kNotFound for an unknown organisation.
  virtual Result<Enrolment> CreateUser(const Principal& who,
                                       std::string_view name,
                                       std::string_view organisation, Role role,
                                       std::string_view password) = 0;
  virtual Result<std::vector<User>> Users(const Principal& who) = 0;
  virtual Status SetRole(const Principal& who, std::string_view user,
                         Role role) = 0;
  virtual Status SetPassword(const Principal& who, std::string_view user,
                             std::string_view password) = 0;
  // A new TOTP secret (the old one stops working).
  virtual Result<Enrolment> ResetTotp(const Principal& who,
                                      std::string_view user) = 0;
  // Clears the failed logins and the lock.
  virtual Status Unlock(const Principal& who, std::string_view user) = 0;
  // A disabled user cannot log in, and its sessions and tokens stop
  // working.
  virtual Status SetDisabled(const Principal& who, std::string_view user,
                             bool disabled) = 0;

  // --- authentication ------------------------------------------------------

  // Checks the password and the TOTP code of `user` and opens a session.
  // `client` (an address) goes into the audit entry. Every attempt is
  // audited (login / login-failed). kUnauthenticated with one message for
  // an unknown user, a wrong password or a wrong or reused code (no
  // telling which); kResourceExhausted ("try again in N s") while the
  // delay after failures runs (credentials::LoginDelay); kPermissionDenied
  // for a locked or disabled account.
  virtual Result<WebSession> Login(std::string_view user,
                                   std::string_view password,
                                   std::string_view totp_code,
                                   std::string_view client) = 0;
  // The session a cookie names; kUnauthenticated when unknown, expired,
  // logged out, or its user is disabled.
  virtual Result<SessionInfo> SessionPrincipal(
      std::string_view session_token) = 0;
  // Ends the session (audited as logout); OK for an unknown or ended one,
  // which has nothing to end.
  virtual Status Logout(std::string_view session_token) = 0;
  // The principal an API token stands for; kUnauthenticated when it is
  // malformed, unknown, expired or revoked, or its user is disabled.
  // Records its last use.
  virtual Result<Principal> TokenPrincipal(std::string_view api_token) = 0;

  // --- tokens --------------------------------------------------------------

  // A token for `who` (a session or the CLI: a token cannot make tokens,
  // kPermissionDenied). `for_user` empty: `who` itself; else (CLI or admin
  // only) that user. kInvalidArgument for no scope, a scope beyond the
  // role, or a lifetime outside (0, kMaxTokenLifetime].
  virtual Result<NewToken> CreateToken(const Principal& who,
                                       std::string_view for_user,
                                       std::string_view name, unsigned scopes,
                                       std::chrono::seconds lifetime) = 0;
  // `who`'s own tokens; every user's for an admin or the CLI.
  virtual Result<std::vector<TokenInfo>> Tokens(const Principal& who) = 0;
  // Needs kScopeRead (as Tokens: a token that may only submit cannot
  // revoke its owner's others). kNotFound for a token that is not `who`'s
  // (unless admin or CLI); revoking a revoked token is OK. A revocation is
  // never undone by a request using the token at the same moment.
  virtual Status RevokeToken(const Principal& who, std::int64_t id) = 0;

  // --- submissions and review ----------------------------------------------

  // Checks and stores a submission (needs kScopeSubmit and a user of an
  // organisation: kPermissionDenied for the CLI). A key dump is parsed as
  // `keys import` parses it, against the KB's families; a family definition
  // is linted laid over the KB. kInvalidArgument with the problems (line
  // numbers; never key bytes) when it does not pass; kResourceExhausted
  // beyond its size limit.
  virtual Result<Submission> Submit(const Principal& who,
                                    const SubmissionRequest& request) = 0;
  // Needs kScopeRead: `who`'s organisation's submissions, newest first
  // (every organisation's for an admin or the CLI). `state` filters.
  virtual Result<std::vector<Submission>> Submissions(
      const Principal& who, std::optional<SubmissionState> state) = 0;
  // Needs kScopeReview and a reviewer: the pending submissions of the other
  // organisations, oldest first.
  virtual Result<std::vector<Submission>> ReviewQueue(const Principal& who) = 0;
  // One submission with its content: for its own organisation (kScopeRead),
  // a reviewer of another organisation (kScopeReview) while it is pending
  // or once they reviewed it, or the operator. kNotFound otherwise (the
  // same answer as for an id that does not exist).
  virtual Result<Submission> GetSubmission(const Principal& who,
                                           std::int64_t id) = 0;
  // A key submission's records without their key bytes; as GetSubmission.
  // kInvalidArgument for a family submission. Empty once rejected or
  // withdrawn: the keys of a dump that will never take effect are erased.
  virtual Result<std::vector<KeyPreview>> PreviewKeys(const Principal& who,
                                                      std::int64_t id) = 0;
  // Approves or rejects a pending submission (needs kScopeReview and a
  // reviewer of ANOTHER organisation than the submitter's:
  // kPermissionDenied for its own, and for the CLI). A rejection needs a
  // reason (kInvalidArgument). kAlreadyExists when it is no longer
  // pending. The change, the keys and the audit entry are one transaction:
  // an approval whose keys cannot be imported (kAlreadyExists for a key
  // stored already) changes nothing.
  // Approving keys imports them into the key store in the same step:
  // released, or embargoed while the embargo date is in the future (and
  // whatever their own state says). Approving a family queues it for the
  // next release (ApprovedFamilies).
  virtual Result<Submission> Review(const Principal& who, std::int64_t id,
                                    ReviewDecision decision,
                                    std::string_view reason) = 0;
  // Takes back a pending submission of `who`'s organisation (needs
  // kScopeSubmit; kPermissionDenied for another's that `who` may see);
  // kAlreadyExists when no longer pending.
  virtual Result<Submission> Withdraw(const Principal& who,
                                      std::int64_t id) = 0;

  // --- releases ------------------------------------------------------------

  // Releases the keys of approved submissions whose embargo date has come
  // (by the clock, UTC), recording it on the submission and in the audit
  // log (embargo-lift); returns how many keys. Keys that their dump itself
  // marked embargoed stay so. The operator only. Each submission is one
  // transaction: one whose dump no longer parses against the KB is left
  // held, the others are lifted, and the first failure is returned.
  virtual Result<std::size_t> LiftEmbargoes(const Principal& who) = 0;
  // The approved family definitions, the latest per family id, in approval
  // order. The operator only.
  virtual Result<std::vector<ApprovedFamily>> ApprovedFamilies(
      const Principal& who) = 0;
  // The releases made from this store, newest first (needs kScopeRead).
  virtual Result<std::vector<ReleaseInfo>> Releases(const Principal& who) = 0;

  // --- the audit log -------------------------------------------------------

  // The operator only: up to `limit` (at most
  // limits::kMaxAuditPageEntries) entries whose seq is below `before` (0:
  // from the end), newest first, and whether the chain holds.
  struct AuditPage {
    std::vector<AuditEntry> entries;
    AuditVerification verification;
  };
  virtual Result<AuditPage> Audit(const Principal& who, std::uint64_t before,
                                  std::size_t limit) = 0;
};

// Opens the partner tables of the store `db` names (as OpenKeyStore: an
// SQLite path or a postgresql:// URL), creating or updating the schema, with
// the same errors. kInvalidArgument without options.kb.
Result<std::unique_ptr<Partners>> OpenPartners(const std::string& db,
                                               PartnersOptions options);

}  // namespace kintsugi::partners
