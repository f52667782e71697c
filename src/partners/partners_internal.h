#pragma once

// The one implementation of Partners (include/kintsugi/partners.h): every
// rule (who may do what, validation, lockouts and delays, TOTP replays,
// four-eyes review, embargoes) over the storage of partner_db.h, whichever
// database is under it. Split over partners_accounts.cpp (organisations,
// users, logins, sessions, tokens) and partners_submissions.cpp
// (submissions, review, embargoes, releases, the audit view). Internal.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/audit.h"
#include "kintsugi/partners.h"
#include "partners/partner_db.h"
#include "partners/partner_tables.h"
#include "partners/submission_check.h"

namespace kintsugi::partners::internal {

using TimePoint = std::chrono::system_clock::time_point;

// An AuditTime text back as a time; nullopt for "" or anything else.
std::optional<TimePoint> ParseTime(std::string_view text);

// Whether `text` is UTF-8 without control characters (with `newlines`,
// line breaks and tabs are allowed) and holds from `min` to `max` code
// points.
bool IsPlainText(std::string_view text, std::size_t min, std::size_t max,
                 bool newlines = false);

// Whether `text` is UTF-8 without NUL bytes: what either database stores
// as text.
bool IsStorableText(std::string_view text);

// A login name: [a-z0-9._-], 2 to 64 characters.
bool IsUserName(std::string_view name);

// Whether `who` is the instance's operator: the CLI, or an admin with the
// admin scope (a session of an admin has it).
bool IsOperator(const Principal& who);

class PartnersImpl final : public Partners {
 public:
  PartnersImpl(std::string db, std::unique_ptr<PartnerDb> storage,
               PartnersOptions options);

  Result<Organisation> CreateOrganisation(const Principal& who,
                                          std::string_view name,
                                          OrgKind kind) override;
  Result<std::vector<Organisation>> Organisations(
      const Principal& who) override;
  Result<Enrolment> CreateUser(const Principal& who, std::string_view name,
                               std::string_view organisation, Role role,
                               std::string_view password) override;
  Result<std::vector<User>> Users(const Principal& who) override;
  Status SetRole(const Principal& who, std::string_view user,
                 Role role) override;
  Status SetPassword(const Principal& who, std::string_view user,
                     std::string_view password) override;
  Result<Enrolment> ResetTotp(const Principal& who,
                              std::string_view user) override;
  Status Unlock(const Principal& who, std::string_view user) override;
  Status SetDisabled(const Principal& who, std::string_view user,
                     bool disabled) override;

  Result<WebSession> Login(std::string_view user, std::string_view password,
                           std::string_view totp_code,
                           std::string_view client) override;
  Result<SessionInfo> SessionPrincipal(std::string_view session_token) override;
  Status Logout(std::string_view session_token) override;
  Result<Principal> TokenPrincipal(std::string_view api_token) override;

  Result<NewToken> CreateToken(const Principal& who, std::string_view for_user,
                               std::string_view name, unsigned scopes,
                               std::chrono::seconds lifetime) override;
  Result<std::vector<TokenInfo>> Tokens(const Principal& who) override;
  Status RevokeToken(const Principal& who, std::int64_t id) override;

  Result<Submission> Submit(const Principal& who,
                            const SubmissionRequest& request) override;
  Result<std::vector<Submission>> Submissions(
      const Principal& who, std::optional<SubmissionState> state) override;
  Result<std::vector<Submission>> ReviewQueue(const Principal& who) override;
  Result<Submission> GetSubmission(const Principal& who,
                                   std::int64_t id) override;
  Result<std::vector<KeyPreview>> PreviewKeys(const Principal& who,
                                              std::int64_t id) override;
  Result<Submission> Review(const Principal& who, std::int64_t id,
                            ReviewDecision decision,
                            std::string_view reason) override;
  Result<Submission> Withdraw(const Principal& who, std::int64_t id) override;

  Result<std::size_t> LiftEmbargoes(const Principal& who) override;
  Result<std::vector<ApprovedFamily>> ApprovedFamilies(
      const Principal& who) override;
  Result<std::vector<ReleaseInfo>> Releases(const Principal& who) override;
  Result<AuditPage> Audit(const Principal& who, std::uint64_t before,
                          std::size_t limit) override;

 private:
  TimePoint Clock() const { return options_.clock(); }
  std::string Now() const { return AuditTime(Clock()); }
  // Today, UTC: YYYY-MM-DD.
  std::string Today() const { return Now().substr(0, 10); }

  // Appends an entry for `who`, inside a storage transaction.
  Status Log(const Principal& who, AuditAction action, std::string object,
             const nlohmann::json& detail);

  // The user `who` acts as, read again (a principal lives for one request,
  // but its user may have been removed or disabled meanwhile):
  // kUnauthenticated when gone or disabled; kPermissionDenied for the CLI,
  // which belongs to no organisation.
  Result<UserRow> Acting(const Principal& who);
  // kNotFound for an unknown user name.
  Result<UserRow> ExistingUser(std::string_view name);
  // Runs `change` on `user`'s row and writes it with a user-change entry
  // whose detail is `detail` (operator only).
  Status ChangeUser(const Principal& who, std::string_view user,
                    const nlohmann::json& detail,
                    const std::function<Status(UserRow&)>& change);

  // Whether `who` (acting as `acting`, null for the CLI) may see `row`.
  bool CanSee(const Principal& who, const UserRow* acting,
              const SubmissionRow& row) const;
  // The submission `id` as `who` may see it; kNotFound otherwise.
  Result<SubmissionRow> Visible(const Principal& who, std::int64_t id,
                                bool with_content);
  // Submission `id` as stored (no content), for whoever just changed it.
  Result<Submission> Stored(std::int64_t id);
  // A key submission's records, parsed again from its stored content.
  Result<CheckedKeys> StoredKeys(const SubmissionRow& row);
  // Releases one held submission's keys (LiftEmbargoes); how many.
  Result<std::size_t> Lift(const Principal& who, std::int64_t id);

  // The audit log of the same database, for reading; opened on first use.
  Result<AuditLog*> Reader();

  std::string db_;
  std::unique_ptr<PartnerDb> storage_;
  PartnerTables tables_;
  PartnersOptions options_;
  FamilyCheck families_;
  std::unique_ptr<AuditLog> reader_;
};

}  // namespace kintsugi::partners::internal
