#pragma once

// The rows of the partner tables (the store's schema version 3), read and
// written over a PartnerDb with one set of SQL for both backends. Storage
// only: no rule is checked here (partners_*.cpp do that). Internal.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/partners.h"
#include "kintsugi/status.h"
#include "partners/partner_db.h"

namespace kintsugi::partners::internal {

// A user as stored: the public User and what logging in needs.
struct UserRow {
  User user;  // user.organisation: the organisation's name.
  std::int64_t organisation_id = 0;
  std::string password_hash;
  std::string totp_secret_hex;  // The TOTP secret, hex (a check needs it).
  std::uint64_t totp_last_step = 0;
  std::string last_failure;  // When the last failed login was; "" if none.
};

struct TokenRow {
  TokenInfo info;  // info.user, info.organisation: names.
  std::int64_t user_id = 0;
};

struct SessionRow {
  std::string token_hash;  // credentials::TokenHash of the cookie's token.
  std::int64_t user_id = 0;
  std::string csrf;
  std::string created;
  std::string expires;
};

struct SubmissionRow {
  Submission submission;  // content filled only when asked for.
  std::int64_t organisation_id = 0;
  std::int64_t submitter_id = 0;
  std::int64_t reviewer_id = 0;  // 0: none.
  std::string format;            // Keys: "jsonl", "csv" or "" (guessed).
  bool embargo_held = false;     // Keys imported embargoed, not lifted yet.
};

// Which submissions Submissions() returns.
struct SubmissionQuery {
  std::optional<std::int64_t> organisation;  // Only this one's.
  std::optional<std::int64_t> other_than;    // Every one's but this one's.
  std::optional<SubmissionState> state;
  bool embargo_held = false;  // Only those whose keys are held.
  bool oldest_first = false;  // Else newest first.
};

class PartnerTables {
 public:
  explicit PartnerTables(PartnerDb& db) : db_(db) {}

  // kAlreadyExists for a name in use.
  Result<Organisation> InsertOrganisation(const Organisation& organisation);
  Result<std::optional<Organisation>> FindOrganisation(std::string_view name);
  Result<std::vector<Organisation>> Organisations();

  // kAlreadyExists for a name in use. The new user's id.
  Result<std::int64_t> InsertUser(const UserRow& row);
  Result<std::optional<UserRow>> FindUser(std::string_view name);
  Result<std::optional<UserRow>> FindUser(std::int64_t id);
  Result<std::vector<UserRow>> Users();
  // Writes every field that may change (role, disabled, password, TOTP,
  // failures, lock, last login) of the user `row.user.id`.
  Status UpdateUser(const UserRow& row);

  Status InsertSession(const SessionRow& row);
  Result<std::optional<SessionRow>> FindSession(std::string_view token_hash);
  Status DeleteSession(std::string_view token_hash);
  // Removes every session of `user_id`.
  Status DeleteSessions(std::int64_t user_id);
  // Removes `user_id`'s sessions that expired at `now` or before.
  Status DeleteExpiredSessions(std::int64_t user_id, std::string_view now);

  // The new token's id.
  Result<std::int64_t> InsertToken(const TokenRow& row,
                                   std::string_view token_hash);
  Result<std::optional<TokenRow>> FindTokenByHash(std::string_view token_hash);
  Result<std::optional<TokenRow>> FindToken(std::int64_t id);
  // `user_id`'s tokens, or everyone's; by id.
  Result<std::vector<TokenRow>> Tokens(std::optional<std::int64_t> user_id);
  // Records a use of a token that is not revoked; false when it was
  // revoked meanwhile (a revocation is never undone by a use).
  Result<bool> TouchToken(std::int64_t id, std::string_view last_used);
  // Marks a token revoked at `when` (once: a revoked one keeps its time).
  Status RevokeToken(std::int64_t id, std::string_view when);

  // The new submission's id.
  Result<std::int64_t> InsertSubmission(const SubmissionRow& row);
  Result<std::optional<SubmissionRow>> FindSubmission(std::int64_t id,
                                                      bool with_content);
  Result<std::vector<SubmissionRow>> Submissions(const SubmissionQuery& query);
  // Writes the state, review and embargo fields of `row.submission.id`.
  Status UpdateSubmission(const SubmissionRow& row);
  // Empties a submission's stored content (a key dump no longer needed).
  Status EraseContent(std::int64_t id);

 private:
  PartnerDb& db_;
};

}  // namespace kintsugi::partners::internal
