// Organisations, users, logins, sessions and API tokens
// (include/kintsugi/partners.h; docs/partners.md §1-3). Every change and
// its audit entry are one storage transaction (partner_db.h).

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/credentials.h"
#include "kintsugi/limits.h"
#include "kintsugi/store.h"
#include "partners/partners_internal.h"

namespace kintsugi::partners {
namespace internal {
namespace {

using nlohmann::json;

constexpr std::string_view kSessionPrefix = "kss_";
constexpr std::string_view kApiPrefix = "ksp_";

// The one answer to a failed login, whatever failed (partners.h Login).
constexpr const char* kLoginRefused =
    "the user name, password or second-factor code is wrong";

// A new session token: "kss_" and 43 characters of base64url, as random as
// an API token (credentials::NewApiToken) under a prefix of its own, so
// that neither can stand for the other.
std::string NewSessionToken() {
  return std::string(kSessionPrefix) +
         credentials::NewApiToken().substr(kApiPrefix.size());
}

bool LooksLikeSessionToken(std::string_view token) {
  if (!token.starts_with(kSessionPrefix)) return false;
  token.remove_prefix(kSessionPrefix.size());
  return credentials::LooksLikeApiToken(std::string(kApiPrefix) +
                                        std::string(token));
}

// A hash no password matches, verified for an unknown user so that the
// answer takes as long as for a known one.
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto made = credentials::HashPassword(credentials::NewApiToken());
    return made ? *made : std::string();
  }();
  return hash;
}

std::uint64_t UnixSeconds(TimePoint when) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch())
          .count();
  return seconds < 0 ? 0 : static_cast<std::uint64_t>(seconds);
}

// The client's address as it may go into the audit log.
std::string ClientForLog(std::string_view client) {
  if (client.empty()) return "";
  if (client.size() > 100 ||
      !std::all_of(client.begin(), client.end(),
                   [](char c) { return c > 0x20 && c < 0x7f; })) {
    return "(unreadable)";
  }
  return std::string(client);
}

// Why a login is refused before its password is looked at: a lock that
// has not ended, or the delay after failures (credentials::LoginDelay).
struct Refusal {
  Status status;
  std::string reason;  // For the audit entry: "locked" or "delayed".
};

std::optional<Refusal> RefusalFor(const UserRow& row, TimePoint now) {
  if (const auto until = ParseTime(row.user.locked_until);
      until && *until > now) {
    return Refusal{
        PermissionDeniedError(fmt::format(
            "this account is locked until {} after {} failed logins; an "
            "administrator can unlock it",
            row.user.locked_until, row.user.failed_logins)),
        "locked"};
  }
  const std::chrono::seconds delay =
      credentials::LoginDelay(row.user.failed_logins);
  if (const auto last = ParseTime(row.last_failure);
      last && delay.count() > 0 && *last + delay > now) {
    const auto wait =
        std::chrono::ceil<std::chrono::seconds>(*last + delay - now);
    return Refusal{ResourceExhaustedError(
                       fmt::format("too many failed logins: try again in {} s",
                                   std::max<std::int64_t>(1, wait.count()))),
                   "delayed"};
  }
  return std::nullopt;
}

Enrolment MakeEnrolment(User user, SecretBytes secret) {
  Enrolment enrolment;
  enrolment.totp_uri = credentials::TotpUri(secret.view(), user.name);
  enrolment.user = std::move(user);
  enrolment.totp_secret = std::move(secret);
  return enrolment;
}

Status RequireOperator(const Principal& who) {
  if (IsOperator(who)) return Status::Ok();
  return PermissionDeniedError(
      "only the instance's operators (an administrator, or the command "
      "line) may do this");
}

}  // namespace

PartnersImpl::PartnersImpl(std::string db, std::unique_ptr<PartnerDb> storage,
                           PartnersOptions options)
    : db_(std::move(db)),
      storage_(std::move(storage)),
      tables_(*storage_),
      options_(std::move(options)),
      families_(options_.kb) {}

Status PartnersImpl::Log(const Principal& who, AuditAction action,
                         std::string object, const json& detail) {
  AuditRecord record;
  record.actor = who.user.empty() ? "unknown" : who.user;
  record.organisation = who.organisation;
  record.action = action;
  record.object = std::move(object);
  record.detail = detail.is_null() ? "" : detail.dump();
  return storage_->Append(record).status();
}

Result<UserRow> PartnersImpl::Acting(const Principal& who) {
  if (who.via == Principal::Via::kCli) {
    return PermissionDeniedError(
        "the command line belongs to no organisation: a partner's user does "
        "this");
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::optional<UserRow> row,
                            tables_.FindUser(who.user_id));
  if (!row || row->user.disabled) {
    return UnauthenticatedError("the account is unknown or disabled");
  }
  return std::move(*row);
}

Result<UserRow> PartnersImpl::ExistingUser(std::string_view name) {
  KINTSUGI_ASSIGN_OR_RETURN(std::optional<UserRow> row, tables_.FindUser(name));
  if (!row) return NotFoundError(fmt::format("no user \"{}\"", name));
  return std::move(*row);
}

Status PartnersImpl::ChangeUser(const Principal& who, std::string_view user,
                                const json& detail,
                                const std::function<Status(UserRow&)>& change) {
  KINTSUGI_RETURN_IF_ERROR(RequireOperator(who));
  return storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(UserRow row, ExistingUser(user));
    KINTSUGI_RETURN_IF_ERROR(change(row));
    KINTSUGI_RETURN_IF_ERROR(tables_.UpdateUser(row));
    return Log(who, AuditAction::kUserChange, "user/" + row.user.name, detail);
  });
}

// --- the operator ----------------------------------------------------------

Result<Organisation> PartnersImpl::CreateOrganisation(const Principal& who,
                                                      std::string_view name,
                                                      OrgKind kind) {
  KINTSUGI_RETURN_IF_ERROR(RequireOperator(who));
  if (!IsPlainText(name, 1, 100) || name.front() == ' ' || name.back() == ' ') {
    return InvalidArgumentError(
        "an organisation's name is 1 to 100 characters of text, without "
        "control characters or spaces at either end");
  }
  if (OrgKindName(kind).empty()) {
    return InvalidArgumentError("unknown organisation kind");
  }
  Organisation organisation;
  const Status written = storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<Organisation> existing,
                              tables_.FindOrganisation(name));
    if (existing) {
      return AlreadyExistsError(
          fmt::format("the organisation \"{}\" exists already", name));
    }
    Organisation fresh;
    fresh.name = std::string(name);
    fresh.kind = kind;
    fresh.created = Now();
    KINTSUGI_ASSIGN_OR_RETURN(organisation, tables_.InsertOrganisation(fresh));
    return Log(who, AuditAction::kOrgCreate, "organisation/" + fresh.name,
               {{"kind", std::string(OrgKindName(kind))}});
  });
  if (!written.ok()) return written;
  return organisation;
}

Result<std::vector<Organisation>> PartnersImpl::Organisations(
    const Principal& who) {
  KINTSUGI_RETURN_IF_ERROR(RequireOperator(who));
  return tables_.Organisations();
}

Result<Enrolment> PartnersImpl::CreateUser(const Principal& who,
                                           std::string_view name,
                                           std::string_view organisation,
                                           Role role,
                                           std::string_view password) {
  KINTSUGI_RETURN_IF_ERROR(RequireOperator(who));
  if (!IsUserName(name)) {
    return InvalidArgumentError(
        "a user name is 2 to 64 characters of a-z, 0-9, '.', '_' and '-'");
  }
  if (RoleName(role).empty()) return InvalidArgumentError("unknown role");
  // Slow on purpose (Argon2id): before the transaction, not inside it.
  KINTSUGI_ASSIGN_OR_RETURN(const std::string hash,
                            credentials::HashPassword(password));
  SecretBytes secret = credentials::NewTotpSecret();
  UserRow row;
  const Status written = storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<Organisation> found,
                              tables_.FindOrganisation(organisation));
    if (!found) {
      return NotFoundError(fmt::format("no organisation \"{}\"", organisation));
    }
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<UserRow> existing,
                              tables_.FindUser(name));
    if (existing) {
      return AlreadyExistsError(
          fmt::format("the user \"{}\" exists already", name));
    }
    row.user.name = std::string(name);
    row.user.organisation = found->name;
    row.user.role = role;
    row.user.created = Now();
    row.organisation_id = found->id;
    row.password_hash = hash;
    row.totp_secret_hex = ToHex(secret.view());
    KINTSUGI_ASSIGN_OR_RETURN(row.user.id, tables_.InsertUser(row));
    return Log(
        who, AuditAction::kUserCreate, "user/" + row.user.name,
        {{"organisation", found->name}, {"role", std::string(RoleName(role))}});
  });
  if (!written.ok()) return written;
  return MakeEnrolment(row.user, std::move(secret));
}

Result<std::vector<User>> PartnersImpl::Users(const Principal& who) {
  KINTSUGI_RETURN_IF_ERROR(RequireOperator(who));
  KINTSUGI_ASSIGN_OR_RETURN(const std::vector<UserRow> rows, tables_.Users());
  std::vector<User> users;
  users.reserve(rows.size());
  const TimePoint now = Clock();
  for (const UserRow& row : rows) {
    users.push_back(row.user);
    // A lock that ended is no lock (the row keeps it until the next login).
    const auto until = ParseTime(row.user.locked_until);
    if (!until || *until <= now) users.back().locked_until.clear();
  }
  return users;
}

Status PartnersImpl::SetRole(const Principal& who, std::string_view user,
                             Role role) {
  if (RoleName(role).empty()) return InvalidArgumentError("unknown role");
  return ChangeUser(who, user,
                    {{"change", "role"}, {"role", std::string(RoleName(role))}},
                    [role](UserRow& row) {
                      row.user.role = role;
                      return Status::Ok();
                    });
}

Status PartnersImpl::SetPassword(const Principal& who, std::string_view user,
                                 std::string_view password) {
  KINTSUGI_RETURN_IF_ERROR(RequireOperator(who));
  KINTSUGI_ASSIGN_OR_RETURN(const std::string hash,
                            credentials::HashPassword(password));
  // A new password ends the user's sessions: whoever knew the old one is
  // signed out.
  return ChangeUser(who, user, {{"change", "password"}},
                    [this, &hash](UserRow& row) {
                      row.password_hash = hash;
                      return tables_.DeleteSessions(row.user.id);
                    });
}

Result<Enrolment> PartnersImpl::ResetTotp(const Principal& who,
                                          std::string_view user) {
  SecretBytes secret = credentials::NewTotpSecret();
  User changed;
  KINTSUGI_RETURN_IF_ERROR(
      ChangeUser(who, user, {{"change", "second-factor-reset"}},
                 [this, &secret, &changed](UserRow& row) {
                   row.totp_secret_hex = ToHex(secret.view());
                   row.totp_last_step = 0;
                   changed = row.user;
                   return tables_.DeleteSessions(row.user.id);
                 }));
  return MakeEnrolment(std::move(changed), std::move(secret));
}

Status PartnersImpl::Unlock(const Principal& who, std::string_view user) {
  return ChangeUser(who, user, {{"change", "unlock"}}, [](UserRow& row) {
    row.user.failed_logins = 0;
    row.user.locked_until.clear();
    row.last_failure.clear();
    return Status::Ok();
  });
}

Status PartnersImpl::SetDisabled(const Principal& who, std::string_view user,
                                 bool disabled) {
  return ChangeUser(who, user, {{"change", disabled ? "disable" : "enable"}},
                    [this, disabled](UserRow& row) {
                      row.user.disabled = disabled;
                      return disabled ? tables_.DeleteSessions(row.user.id)
                                      : Status::Ok();
                    });
}

// --- authentication --------------------------------------------------------

Result<WebSession> PartnersImpl::Login(std::string_view user,
                                       std::string_view password,
                                       std::string_view totp_code,
                                       std::string_view client) {
  const TimePoint now = Clock();
  const std::string now_text = AuditTime(now);
  std::optional<UserRow> found;
  if (IsUserName(user)) {
    KINTSUGI_ASSIGN_OR_RETURN(found, tables_.FindUser(user));
  }
  // A lock or a delay refuses the attempt before the password is looked
  // at; otherwise the password is checked (slowly) outside the
  // transaction, against a dummy hash for an unknown user.
  std::optional<Refusal> refused_early;
  if (found) refused_early = RefusalFor(*found, now);
  bool password_ok = false;
  std::string rehashed;
  if (!refused_early) {
    const std::string& hash = found ? found->password_hash : DummyHash();
    password_ok =
        credentials::VerifyPassword(hash, password) && found.has_value();
    if (password_ok && credentials::PasswordNeedsRehash(hash)) {
      rehashed = credentials::HashPassword(password).value_or("");
    }
  }

  Principal actor;
  actor.via = Principal::Via::kSession;
  // A name that is no user's is not kept: it may be a password typed into
  // the wrong field, and the log is never edited.
  actor.user = found ? std::string(user)
                     : (IsUserName(user) ? "(unknown)" : "(malformed)");
  const std::string client_text = ClientForLog(client);
  Result<WebSession> outcome = UnauthenticatedError(kLoginRefused);
  const Status written = storage_->Transaction([&]() -> Status {
    const auto failed = [&](std::string reason, json extra = json::object()) {
      extra["client"] = client_text;
      extra["reason"] = std::move(reason);
      return Log(actor, AuditAction::kLoginFailed, "", extra);
    };
    if (!found) {
      outcome = UnauthenticatedError(kLoginRefused);
      return failed("unknown-user");
    }
    // Read again under the lock: what was read above may have changed.
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<UserRow> fresh,
                              tables_.FindUser(found->user.id));
    if (!fresh) {
      outcome = UnauthenticatedError(kLoginRefused);
      return failed("unknown-user");
    }
    UserRow& row = *fresh;
    actor.organisation = row.user.organisation;
    std::optional<Refusal> refused =
        refused_early ? std::move(refused_early) : RefusalFor(row, now);
    if (refused) {
      outcome = refused->status;
      return failed(refused->reason);
    }
    std::string reason;
    std::uint64_t step = 0;
    if (!password_ok || row.password_hash != found->password_hash) {
      reason = "password";
    } else {
      Result<SecretBytes> secret = SecretBytes::FromHex(row.totp_secret_hex);
      Result<std::uint64_t> matched =
          secret ? credentials::VerifyTotp(secret->view(), totp_code,
                                           UnixSeconds(now), row.totp_last_step)
                 : Result<std::uint64_t>(secret.error());
      if (matched) {
        step = *matched;
      } else {
        reason = "second-factor";
      }
    }
    if (!reason.empty()) {
      ++row.user.failed_logins;
      row.last_failure = now_text;
      const bool locks =
          row.user.failed_logins >= credentials::kLockoutAfterFailures;
      if (locks) {
        row.user.locked_until = AuditTime(now + credentials::kLockoutDuration);
      }
      KINTSUGI_RETURN_IF_ERROR(tables_.UpdateUser(row));
      outcome = UnauthenticatedError(kLoginRefused);
      return failed(reason,
                    {{"failures", row.user.failed_logins}, {"locked", locks}});
    }
    // The code is used up whatever follows.
    row.totp_last_step = step;
    if (!rehashed.empty()) row.password_hash = rehashed;
    if (row.user.disabled) {
      KINTSUGI_RETURN_IF_ERROR(tables_.UpdateUser(row));
      outcome = PermissionDeniedError("this account is disabled");
      return failed("disabled");
    }
    row.user.failed_logins = 0;
    row.last_failure.clear();
    row.user.locked_until.clear();
    row.user.last_login = now_text;
    KINTSUGI_RETURN_IF_ERROR(tables_.UpdateUser(row));
    KINTSUGI_RETURN_IF_ERROR(
        tables_.DeleteExpiredSessions(row.user.id, now_text));
    WebSession session;
    session.token = NewSessionToken();
    session.csrf = credentials::NewApiToken().substr(kApiPrefix.size());
    session.expires = AuditTime(now + kSessionLifetime);
    session.principal.via = Principal::Via::kSession;
    session.principal.user_id = row.user.id;
    session.principal.user = row.user.name;
    session.principal.organisation = row.user.organisation;
    session.principal.role = row.user.role;
    session.principal.scopes = RoleScopes(row.user.role);
    SessionRow stored;
    stored.token_hash = credentials::TokenHash(session.token);
    stored.user_id = row.user.id;
    stored.csrf = session.csrf;
    stored.created = now_text;
    stored.expires = session.expires;
    KINTSUGI_RETURN_IF_ERROR(tables_.InsertSession(stored));
    KINTSUGI_RETURN_IF_ERROR(Log(session.principal, AuditAction::kLogin, "",
                                 {{"client", client_text}}));
    outcome = std::move(session);
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return outcome;
}

Result<SessionInfo> PartnersImpl::SessionPrincipal(
    std::string_view session_token) {
  const Status unknown = UnauthenticatedError(
      "not signed in, or the session has ended: sign in again");
  if (!LooksLikeSessionToken(session_token)) return unknown;
  KINTSUGI_ASSIGN_OR_RETURN(
      const std::optional<SessionRow> session,
      tables_.FindSession(credentials::TokenHash(session_token)));
  if (!session) return unknown;
  const auto expires = ParseTime(session->expires);
  if (!expires || *expires <= Clock()) return unknown;
  KINTSUGI_ASSIGN_OR_RETURN(const std::optional<UserRow> row,
                            tables_.FindUser(session->user_id));
  if (!row || row->user.disabled) return unknown;
  SessionInfo info;
  info.principal.via = Principal::Via::kSession;
  info.principal.user_id = row->user.id;
  info.principal.user = row->user.name;
  info.principal.organisation = row->user.organisation;
  info.principal.role = row->user.role;
  info.principal.scopes = RoleScopes(row->user.role);
  info.csrf = session->csrf;
  info.expires = session->expires;
  return info;
}

Status PartnersImpl::Logout(std::string_view session_token) {
  if (!LooksLikeSessionToken(session_token)) return Status::Ok();
  const std::string hash = credentials::TokenHash(session_token);
  return storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<SessionRow> session,
                              tables_.FindSession(hash));
    // Nothing to end: an unknown or already ended session.
    if (!session) return Status::Ok();
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<UserRow> row,
                              tables_.FindUser(session->user_id));
    KINTSUGI_RETURN_IF_ERROR(tables_.DeleteSession(hash));
    if (!row) return Status::Ok();
    Principal who;
    who.via = Principal::Via::kSession;
    who.user = row->user.name;
    who.organisation = row->user.organisation;
    return Log(who, AuditAction::kLogout, "", json::object());
  });
}

Result<Principal> PartnersImpl::TokenPrincipal(std::string_view api_token) {
  if (!credentials::LooksLikeApiToken(api_token)) {
    return UnauthenticatedError("that is not an API token");
  }
  KINTSUGI_ASSIGN_OR_RETURN(
      const std::optional<TokenRow> token,
      tables_.FindTokenByHash(credentials::TokenHash(api_token)));
  if (!token) return UnauthenticatedError("the API token is not known");
  if (!token->info.revoked.empty()) {
    return UnauthenticatedError("the API token was revoked");
  }
  const TimePoint now = Clock();
  const auto expires = ParseTime(token->info.expires);
  if (!expires || *expires <= now) {
    return UnauthenticatedError("the API token has expired");
  }
  KINTSUGI_ASSIGN_OR_RETURN(const std::optional<UserRow> row,
                            tables_.FindUser(token->user_id));
  if (!row || row->user.disabled) {
    return UnauthenticatedError("the API token's account is disabled");
  }
  // Only a token still unrevoked is touched: a revocation that committed
  // since the read above wins, and this use is refused.
  KINTSUGI_ASSIGN_OR_RETURN(const bool live,
                            tables_.TouchToken(token->info.id, AuditTime(now)));
  if (!live) return UnauthenticatedError("the API token was revoked");
  Principal who;
  who.via = Principal::Via::kToken;
  who.user_id = row->user.id;
  who.user = row->user.name;
  who.organisation = row->user.organisation;
  who.role = row->user.role;
  who.scopes = token->info.scopes & RoleScopes(row->user.role);
  who.token_id = token->info.id;
  return who;
}

// --- tokens ----------------------------------------------------------------

Result<NewToken> PartnersImpl::CreateToken(const Principal& who,
                                           std::string_view for_user,
                                           std::string_view name,
                                           unsigned scopes,
                                           std::chrono::seconds lifetime) {
  if (who.via == Principal::Via::kToken) {
    return PermissionDeniedError(
        "an API token cannot make tokens: sign in to make one");
  }
  std::string target(for_user);
  if (target.empty()) {
    if (who.via == Principal::Via::kCli) {
      return InvalidArgumentError(
          "the command line is no user: name the user the token is for");
    }
    target = who.user;
  } else if (!IsOperator(who) && target != who.user) {
    return PermissionDeniedError(
        "only an administrator makes tokens for other users");
  }
  if (!IsPlainText(name, 1, limits::kMaxTokenNameChars)) {
    return InvalidArgumentError(fmt::format(
        "a token's name is 1 to {} characters of text without control "
        "characters",
        limits::kMaxTokenNameChars));
  }
  if (scopes == 0 || (scopes & ~kAllScopes) != 0) {
    return InvalidArgumentError("a token needs one scope or more");
  }
  if (lifetime.count() <= 0 || lifetime > kMaxTokenLifetime) {
    return InvalidArgumentError(fmt::format(
        "a token lasts from a second to {} days",
        std::chrono::duration_cast<std::chrono::hours>(kMaxTokenLifetime)
                .count() /
            24));
  }
  NewToken made;
  const Status written = storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(const UserRow row, ExistingUser(target));
    if (row.user.disabled) {
      return PermissionDeniedError(
          fmt::format("the user \"{}\" is disabled", target));
    }
    if ((scopes & ~RoleScopes(row.user.role)) != 0) {
      return InvalidArgumentError(
          fmt::format("a {} may not have the scope {}", RoleName(row.user.role),
                      ScopeNames(scopes & ~RoleScopes(row.user.role))));
    }
    const TimePoint now = Clock();
    TokenRow token;
    token.user_id = row.user.id;
    token.info.user = row.user.name;
    token.info.organisation = row.user.organisation;
    token.info.name = std::string(name);
    token.info.scopes = scopes;
    token.info.created = AuditTime(now);
    token.info.expires = AuditTime(now + lifetime);
    made.token = credentials::NewApiToken();
    KINTSUGI_ASSIGN_OR_RETURN(
        token.info.id,
        tables_.InsertToken(token, credentials::TokenHash(made.token)));
    made.info = token.info;
    return Log(who, AuditAction::kTokenCreate,
               "token/" + std::to_string(token.info.id),
               {{"user", token.info.user},
                {"name", token.info.name},
                {"scopes", ScopeNames(scopes)},
                {"expires", token.info.expires}});
  });
  if (!written.ok()) return written;
  return made;
}

Result<std::vector<TokenInfo>> PartnersImpl::Tokens(const Principal& who) {
  if (!who.Has(kScopeRead)) {
    return PermissionDeniedError("listing tokens needs the read scope");
  }
  std::optional<std::int64_t> user;
  if (!IsOperator(who)) {
    KINTSUGI_ASSIGN_OR_RETURN(const UserRow row, Acting(who));
    user = row.user.id;
  }
  KINTSUGI_ASSIGN_OR_RETURN(const std::vector<TokenRow> rows,
                            tables_.Tokens(user));
  std::vector<TokenInfo> tokens;
  tokens.reserve(rows.size());
  for (const TokenRow& row : rows) tokens.push_back(row.info);
  return tokens;
}

Status PartnersImpl::RevokeToken(const Principal& who, std::int64_t id) {
  if (!who.Has(kScopeRead)) {
    return PermissionDeniedError("revoking tokens needs the read scope");
  }
  std::optional<std::int64_t> own;
  if (!IsOperator(who)) {
    KINTSUGI_ASSIGN_OR_RETURN(const UserRow row, Acting(who));
    own = row.user.id;
  }
  return storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<TokenRow> token,
                              tables_.FindToken(id));
    // Another user's token is not there, as far as `who` can tell.
    if (!token || (own && token->user_id != *own)) {
      return NotFoundError(fmt::format("no token {}", id));
    }
    if (!token->info.revoked.empty()) return Status::Ok();
    KINTSUGI_RETURN_IF_ERROR(tables_.RevokeToken(id, Now()));
    return Log(who, AuditAction::kTokenRevoke, "token/" + std::to_string(id),
               {{"user", token->info.user}, {"name", token->info.name}});
  });
}

}  // namespace internal

Result<std::unique_ptr<Partners>> OpenPartners(const std::string& db,
                                               PartnersOptions options) {
  if (options.kb == nullptr) {
    return InvalidArgumentError("the partners need a knowledge base");
  }
  if (!options.clock) {
    options.clock = [] { return std::chrono::system_clock::now(); };
  }
  Result<std::unique_ptr<internal::PartnerDb>> storage =
      IsPostgresKeyStoreUrl(db)
          ? internal::OpenPostgresPartnerDb(db, options.clock)
          : internal::OpenSqlitePartnerDb(db, options.creation, options.clock);
  if (!storage) return storage.error();
  return std::unique_ptr<Partners>(std::make_unique<internal::PartnersImpl>(
      db, std::move(*storage), std::move(options)));
}

}  // namespace kintsugi::partners
