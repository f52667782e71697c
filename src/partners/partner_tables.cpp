// The partner tables' rows (partner_tables.h), in PostgreSQL's spelling of
// SQL that both backends run (partner_db.h). A row this build cannot read
// (a hand-edited table, a value of a newer build) is kCorrupt, never a
// crash.

#include "partners/partner_tables.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kintsugi::partners::internal {
namespace {

// Reads the columns of one row, in order, remembering the first problem.
class Columns {
 public:
  explicit Columns(const SqlRow& row) : row_(row) {}

  std::string Text() {
    if (next_ >= row_.size()) {
      ok_ = false;
      return "";
    }
    const std::optional<std::string>& value = row_[next_++];
    return value ? *value : "";
  }
  std::int64_t Int() {
    const std::string text = Text();
    std::int64_t value = 0;
    const auto [end, error] =
        std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) ok_ = false;
    return value;
  }
  template <typename Enum>
  Enum Named(Result<Enum> (*parse)(std::string_view)) {
    Result<Enum> parsed = parse(Text());
    if (!parsed) {
      ok_ = false;
      return Enum{};
    }
    return *parsed;
  }
  Status Check(std::string_view table) const {
    if (ok_) return Status::Ok();
    return CorruptError("the " + std::string(table) +
                        " table holds a row this build cannot read");
  }

 private:
  const SqlRow& row_;
  std::size_t next_ = 0;
  bool ok_ = true;
};

std::uint64_t Unsigned(std::int64_t value) {
  return value < 0 ? 0 : static_cast<std::uint64_t>(value);
}

// --- organisations ---------------------------------------------------------

constexpr const char* kOrganisationColumns = "id, name, kind, created";

Result<Organisation> ReadOrganisation(const SqlRow& row) {
  Columns columns(row);
  Organisation organisation;
  organisation.id = columns.Int();
  organisation.name = columns.Text();
  organisation.kind = columns.Named(&ParseOrgKind);
  organisation.created = columns.Text();
  KINTSUGI_RETURN_IF_ERROR(columns.Check("organisations"));
  return organisation;
}

// --- users -----------------------------------------------------------------

constexpr const char* kUserSelect =
    "SELECT u.id, u.name, o.name, u.role, u.disabled, u.failed_logins, "
    "u.locked_until, u.created, u.last_login, u.organisation, "
    "u.password_hash, u.totp_secret, u.totp_last_step, u.last_failure "
    "FROM kintsugi.users u JOIN kintsugi.organisations o "
    "ON o.id = u.organisation";

Result<UserRow> ReadUser(const SqlRow& row) {
  Columns columns(row);
  UserRow out;
  out.user.id = columns.Int();
  out.user.name = columns.Text();
  out.user.organisation = columns.Text();
  out.user.role = columns.Named(&ParseRole);
  out.user.disabled = columns.Int() != 0;
  out.user.failed_logins = static_cast<unsigned>(columns.Int());
  out.user.locked_until = columns.Text();
  out.user.created = columns.Text();
  out.user.last_login = columns.Text();
  out.organisation_id = columns.Int();
  out.password_hash = columns.Text();
  out.totp_secret_hex = columns.Text();
  out.totp_last_step = Unsigned(columns.Int());
  out.last_failure = columns.Text();
  KINTSUGI_RETURN_IF_ERROR(columns.Check("users"));
  return out;
}

// --- tokens ----------------------------------------------------------------

constexpr const char* kTokenSelect =
    "SELECT t.id, u.name, o.name, t.name, t.scopes, t.created, t.expires, "
    "t.revoked, t.last_used, t.user_id FROM kintsugi.api_tokens t "
    "JOIN kintsugi.users u ON u.id = t.user_id "
    "JOIN kintsugi.organisations o ON o.id = u.organisation";

Result<TokenRow> ReadToken(const SqlRow& row) {
  Columns columns(row);
  TokenRow out;
  out.info.id = columns.Int();
  out.info.user = columns.Text();
  out.info.organisation = columns.Text();
  out.info.name = columns.Text();
  out.info.scopes = static_cast<unsigned>(columns.Int()) & kAllScopes;
  out.info.created = columns.Text();
  out.info.expires = columns.Text();
  out.info.revoked = columns.Text();
  out.info.last_used = columns.Text();
  out.user_id = columns.Int();
  KINTSUGI_RETURN_IF_ERROR(columns.Check("api_tokens"));
  return out;
}

// --- submissions -----------------------------------------------------------

constexpr const char* kSubmissionSelect =
    "SELECT s.id, s.kind, o.name, u.name, s.case_reference, s.embargo_until, "
    "s.created, s.state, s.summary, s.family, s.key_count, "
    "COALESCE(r.name, ''), COALESCE(ro.name, ''), s.reviewed, s.reason, "
    "s.embargo_lifted, s.organisation, s.submitter, COALESCE(s.reviewer, 0), "
    "s.format, s.embargo_held, {} FROM kintsugi.submissions s "
    "JOIN kintsugi.organisations o ON o.id = s.organisation "
    "JOIN kintsugi.users u ON u.id = s.submitter "
    "LEFT JOIN kintsugi.users r ON r.id = s.reviewer "
    "LEFT JOIN kintsugi.organisations ro ON ro.id = r.organisation";

std::string SubmissionSelect(bool with_content) {
  std::string sql = kSubmissionSelect;
  sql.replace(sql.find("{}"), 2, with_content ? "s.content" : "''");
  return sql;
}

Result<SubmissionRow> ReadSubmission(const SqlRow& row) {
  Columns columns(row);
  SubmissionRow out;
  Submission& s = out.submission;
  s.id = columns.Int();
  s.kind = columns.Named(&ParseSubmissionKind);
  s.organisation = columns.Text();
  s.submitter = columns.Text();
  s.case_reference = columns.Text();
  s.embargo_until = columns.Text();
  s.created = columns.Text();
  s.state = columns.Named(&ParseSubmissionState);
  s.summary = columns.Text();
  s.family = columns.Text();
  s.key_count = Unsigned(columns.Int());
  s.reviewer = columns.Text();
  s.reviewer_organisation = columns.Text();
  s.reviewed = columns.Text();
  s.reason = columns.Text();
  s.embargo_lifted = columns.Text();
  out.organisation_id = columns.Int();
  out.submitter_id = columns.Int();
  out.reviewer_id = columns.Int();
  out.format = columns.Text();
  out.embargo_held = columns.Int() != 0;
  s.content = columns.Text();
  KINTSUGI_RETURN_IF_ERROR(columns.Check("submissions"));
  return out;
}

// Every row of `result` through `read`.
template <typename Row, typename Read>
Result<std::vector<Row>> ReadAll(const SqlResult& result, Read read) {
  std::vector<Row> rows;
  rows.reserve(result.rows.size());
  for (const SqlRow& row : result.rows) {
    KINTSUGI_ASSIGN_OR_RETURN(Row value, read(row));
    rows.push_back(std::move(value));
  }
  return rows;
}

// The first row of `result` through `read`, or nullopt.
template <typename Row, typename Read>
Result<std::optional<Row>> ReadFirst(const SqlResult& result, Read read) {
  if (result.rows.empty()) return std::optional<Row>();
  KINTSUGI_ASSIGN_OR_RETURN(Row value, read(result.rows.front()));
  return std::optional<Row>(std::move(value));
}

// The id an INSERT ... RETURNING id gave.
Result<std::int64_t> ReturnedId(const SqlResult& result,
                                std::string_view table) {
  if (result.rows.size() != 1) {
    return InternalError("no id came back from " + std::string(table));
  }
  Columns columns(result.rows.front());
  const std::int64_t id = columns.Int();
  KINTSUGI_RETURN_IF_ERROR(columns.Check(table));
  return id;
}

}  // namespace

Result<Organisation> PartnerTables::InsertOrganisation(
    const Organisation& organisation) {
  const SqlValue params[] = {std::string_view(organisation.name),
                             OrgKindName(organisation.kind),
                             std::string_view(organisation.created)};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("INSERT INTO kintsugi.organisations(name, kind, created) "
              "VALUES($1, $2, $3) RETURNING id",
              params));
  Organisation stored = organisation;
  KINTSUGI_ASSIGN_OR_RETURN(stored.id, ReturnedId(result, "organisations"));
  return stored;
}

Result<std::optional<Organisation>> PartnerTables::FindOrganisation(
    std::string_view name) {
  const SqlValue params[] = {name};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run(std::string("SELECT ") + kOrganisationColumns +
                  " FROM kintsugi.organisations WHERE name = $1",
              params));
  return ReadFirst<Organisation>(result, ReadOrganisation);
}

Result<std::vector<Organisation>> PartnerTables::Organisations() {
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run(std::string("SELECT ") + kOrganisationColumns +
                  " FROM kintsugi.organisations ORDER BY name",
              {}));
  return ReadAll<Organisation>(result, ReadOrganisation);
}

Result<std::int64_t> PartnerTables::InsertUser(const UserRow& row) {
  const SqlValue params[] = {std::string_view(row.user.name),
                             row.organisation_id,
                             RoleName(row.user.role),
                             std::string_view(row.password_hash),
                             std::string_view(row.totp_secret_hex),
                             std::string_view(row.user.created)};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("INSERT INTO kintsugi.users(name, organisation, role, "
              "password_hash, totp_secret, created) "
              "VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
              params));
  return ReturnedId(result, "users");
}

Result<std::optional<UserRow>> PartnerTables::FindUser(std::string_view name) {
  const SqlValue params[] = {name};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run(std::string(kUserSelect) + " WHERE u.name = $1", params));
  return ReadFirst<UserRow>(result, ReadUser);
}

Result<std::optional<UserRow>> PartnerTables::FindUser(std::int64_t id) {
  const SqlValue params[] = {id};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run(std::string(kUserSelect) + " WHERE u.id = $1", params));
  return ReadFirst<UserRow>(result, ReadUser);
}

Result<std::vector<UserRow>> PartnerTables::Users() {
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run(std::string(kUserSelect) + " ORDER BY u.name", {}));
  return ReadAll<UserRow>(result, ReadUser);
}

Status PartnerTables::UpdateUser(const UserRow& row) {
  const SqlValue params[] = {row.user.id,
                             RoleName(row.user.role),
                             std::int64_t{row.user.disabled ? 1 : 0},
                             std::string_view(row.password_hash),
                             std::string_view(row.totp_secret_hex),
                             static_cast<std::int64_t>(row.totp_last_step),
                             std::int64_t{row.user.failed_logins},
                             std::string_view(row.last_failure),
                             std::string_view(row.user.locked_until),
                             std::string_view(row.user.last_login)};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("UPDATE kintsugi.users SET role = $2, disabled = $3, "
              "password_hash = $4, totp_secret = $5, totp_last_step = $6, "
              "failed_logins = $7, last_failure = $8, locked_until = $9, "
              "last_login = $10 WHERE id = $1",
              params));
  if (result.changed != 1) return NotFoundError("no such user");
  return Status::Ok();
}

Status PartnerTables::InsertSession(const SessionRow& row) {
  const SqlValue params[] = {
      std::string_view(row.token_hash), row.user_id, std::string_view(row.csrf),
      std::string_view(row.created), std::string_view(row.expires)};
  return db_
      .Run(
          "INSERT INTO kintsugi.sessions(token_hash, user_id, csrf, created, "
          "expires) VALUES($1, $2, $3, $4, $5)",
          params)
      .status();
}

Result<std::optional<SessionRow>> PartnerTables::FindSession(
    std::string_view token_hash) {
  const SqlValue params[] = {token_hash};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("SELECT token_hash, user_id, csrf, created, expires FROM "
              "kintsugi.sessions WHERE token_hash = $1",
              params));
  return ReadFirst<SessionRow>(
      result, [](const SqlRow& row) -> Result<SessionRow> {
        Columns columns(row);
        SessionRow session;
        session.token_hash = columns.Text();
        session.user_id = columns.Int();
        session.csrf = columns.Text();
        session.created = columns.Text();
        session.expires = columns.Text();
        KINTSUGI_RETURN_IF_ERROR(columns.Check("sessions"));
        return session;
      });
}

Status PartnerTables::DeleteSession(std::string_view token_hash) {
  const SqlValue params[] = {token_hash};
  return db_.Run("DELETE FROM kintsugi.sessions WHERE token_hash = $1", params)
      .status();
}

Status PartnerTables::DeleteSessions(std::int64_t user_id) {
  const SqlValue params[] = {user_id};
  return db_.Run("DELETE FROM kintsugi.sessions WHERE user_id = $1", params)
      .status();
}

Status PartnerTables::DeleteExpiredSessions(std::int64_t user_id,
                                            std::string_view now) {
  const SqlValue params[] = {user_id, now};
  return db_
      .Run("DELETE FROM kintsugi.sessions WHERE user_id = $1 AND expires <= $2",
           params)
      .status();
}

Result<std::int64_t> PartnerTables::InsertToken(const TokenRow& row,
                                                std::string_view token_hash) {
  const SqlValue params[] = {row.user_id,
                             token_hash,
                             std::string_view(row.info.name),
                             std::int64_t{row.info.scopes},
                             std::string_view(row.info.created),
                             std::string_view(row.info.expires)};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("INSERT INTO kintsugi.api_tokens(user_id, token_hash, name, "
              "scopes, created, expires) VALUES($1, $2, $3, $4, $5, $6) "
              "RETURNING id",
              params));
  return ReturnedId(result, "api_tokens");
}

Result<std::optional<TokenRow>> PartnerTables::FindTokenByHash(
    std::string_view token_hash) {
  const SqlValue params[] = {token_hash};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run(std::string(kTokenSelect) + " WHERE t.token_hash = $1", params));
  return ReadFirst<TokenRow>(result, ReadToken);
}

Result<std::optional<TokenRow>> PartnerTables::FindToken(std::int64_t id) {
  const SqlValue params[] = {id};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run(std::string(kTokenSelect) + " WHERE t.id = $1", params));
  return ReadFirst<TokenRow>(result, ReadToken);
}

Result<std::vector<TokenRow>> PartnerTables::Tokens(
    std::optional<std::int64_t> user_id) {
  std::vector<SqlValue> params;
  std::string sql = kTokenSelect;
  if (user_id) {
    sql += " WHERE t.user_id = $1";
    params.emplace_back(*user_id);
  }
  sql += " ORDER BY t.id";
  KINTSUGI_ASSIGN_OR_RETURN(const SqlResult result, db_.Run(sql, params));
  return ReadAll<TokenRow>(result, ReadToken);
}

Result<bool> PartnerTables::TouchToken(std::int64_t id,
                                       std::string_view last_used) {
  const SqlValue params[] = {id, last_used};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("UPDATE kintsugi.api_tokens SET last_used = $2 "
              "WHERE id = $1 AND revoked = ''",
              params));
  return result.changed == 1;
}

Status PartnerTables::RevokeToken(std::int64_t id, std::string_view when) {
  const SqlValue params[] = {id, when};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("UPDATE kintsugi.api_tokens SET revoked = $2 "
              "WHERE id = $1 AND revoked = ''",
              params));
  if (result.changed != 1) return NotFoundError("no such token");
  return Status::Ok();
}

Result<std::int64_t> PartnerTables::InsertSubmission(const SubmissionRow& row) {
  const Submission& s = row.submission;
  const SqlValue params[] = {SubmissionKindName(s.kind),
                             row.organisation_id,
                             row.submitter_id,
                             std::string_view(s.case_reference),
                             std::string_view(s.embargo_until),
                             std::string_view(s.created),
                             SubmissionStateName(s.state),
                             std::string_view(s.summary),
                             std::string_view(s.family),
                             static_cast<std::int64_t>(s.key_count),
                             std::string_view(row.format),
                             std::string_view(s.content)};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("INSERT INTO kintsugi.submissions(kind, organisation, "
              "submitter, case_reference, embargo_until, created, state, "
              "summary, family, key_count, format, content) VALUES($1, $2, "
              "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
              params));
  return ReturnedId(result, "submissions");
}

Result<std::optional<SubmissionRow>> PartnerTables::FindSubmission(
    std::int64_t id, bool with_content) {
  const SqlValue params[] = {id};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run(SubmissionSelect(with_content) + " WHERE s.id = $1", params));
  return ReadFirst<SubmissionRow>(result, ReadSubmission);
}

Result<std::vector<SubmissionRow>> PartnerTables::Submissions(
    const SubmissionQuery& query) {
  std::string sql = SubmissionSelect(false);
  std::vector<SqlValue> params;
  std::string where;
  const auto add = [&](std::string condition, SqlValue value) {
    params.push_back(value);
    where += where.empty() ? " WHERE " : " AND ";
    where += condition + " $" + std::to_string(params.size());
  };
  if (query.organisation) add("s.organisation =", *query.organisation);
  if (query.other_than) add("s.organisation <>", *query.other_than);
  if (query.state) add("s.state =", SubmissionStateName(*query.state));
  if (query.embargo_held) add("s.embargo_held =", std::int64_t{1});
  sql += where;
  sql += query.oldest_first ? " ORDER BY s.id" : " ORDER BY s.id DESC";
  KINTSUGI_ASSIGN_OR_RETURN(const SqlResult result, db_.Run(sql, params));
  return ReadAll<SubmissionRow>(result, ReadSubmission);
}

Status PartnerTables::UpdateSubmission(const SubmissionRow& row) {
  const Submission& s = row.submission;
  const SqlValue reviewer =
      row.reviewer_id == 0 ? SqlValue(nullptr) : SqlValue(row.reviewer_id);
  const SqlValue params[] = {s.id,
                             SubmissionStateName(s.state),
                             reviewer,
                             std::string_view(s.reviewed),
                             std::string_view(s.reason),
                             std::int64_t{row.embargo_held ? 1 : 0},
                             std::string_view(s.embargo_lifted)};
  KINTSUGI_ASSIGN_OR_RETURN(
      const SqlResult result,
      db_.Run("UPDATE kintsugi.submissions SET state = $2, reviewer = $3, "
              "reviewed = $4, reason = $5, embargo_held = $6, "
              "embargo_lifted = $7 WHERE id = $1",
              params));
  if (result.changed != 1) return NotFoundError("no such submission");
  return Status::Ok();
}

Status PartnerTables::EraseContent(std::int64_t id) {
  const SqlValue params[] = {id};
  return db_
      .Run("UPDATE kintsugi.submissions SET content = '' WHERE id = $1", params)
      .status();
}

}  // namespace kintsugi::partners::internal
