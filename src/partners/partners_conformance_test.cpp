// The partners' rules (include/kintsugi/partners.h, docs/partners.md),
// written once and run on the SQLite file and on PostgreSQL (the key
// store's test environments): accounts, logins with their delays,
// lockouts and replayed codes, sessions and tokens on the test's clock,
// every authorisation rule, the four-eyes review, embargoes, what never
// leaves the store, the audit trail, and the migration from schema 2.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kb/kb_format.h"
#include "kintsugi/audit.h"
#include "kintsugi/credentials.h"
#include "kintsugi/limits.h"
#include "kintsugi/partners.h"
#include "kintsugi/store.h"
#include "store/store_test_env.h"
#include "store/testing/postgres_test_env.h"

namespace kintsugi::partners {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using TimePoint = std::chrono::system_clock::time_point;

constexpr char kPassword[] = "correct horse battery staple";

// 2030-01-15T10:00:00Z: the clock every test starts at.
TimePoint Start() {
  using namespace std::chrono;
  return sys_days(year(2030) / January / 15) + hours(10);
}

// The SQLite file, with raw SQL behind the partners' back.
class SqliteEnv {
 public:
  static constexpr bool kNeedsPostgres = false;
  static constexpr const char* kName = "Sqlite";
  static constexpr const char* kSchema = "";

  Status Prepare(store::testing::PostgresCluster&) { return Status::Ok(); }
  std::string db() const { return env_.file().string(); }
  // The first column of the first row of `sql` ("" for none).
  Result<std::string> Query(const std::string& sql) const {
    sqlite3* db = nullptr;
    std::optional<std::string> value;
    Status status;
    if (sqlite3_open(env_.file().c_str(), &db) != SQLITE_OK) {
      status = InternalError(sqlite3_errmsg(db));
    }
    // Every statement of `sql`, one after the other.
    const char* next = sql.c_str();
    while (status.ok() && next != nullptr && *next != '\0') {
      sqlite3_stmt* statement = nullptr;
      if (sqlite3_prepare_v2(db, next, -1, &statement, &next) != SQLITE_OK) {
        status = InternalError(sql + ": " + sqlite3_errmsg(db));
        break;
      }
      if (statement == nullptr) continue;  // White space at the end.
      int code = SQLITE_ROW;
      while ((code = sqlite3_step(statement)) == SQLITE_ROW) {
        if (!value) {
          const unsigned char* text = sqlite3_column_text(statement, 0);
          value = text == nullptr ? "" : reinterpret_cast<const char*>(text);
        }
      }
      if (code != SQLITE_DONE) {
        status = InternalError(sql + ": " + sqlite3_errmsg(db));
      }
      sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    if (!status.ok()) return status;
    return value.value_or("");
  }

 private:
  store::testing::SqliteEnv env_;
};

class PostgresEnv {
 public:
  static constexpr bool kNeedsPostgres = true;
  static constexpr const char* kName = "Postgres";
  static constexpr const char* kSchema = "kintsugi.";

  Status Prepare(store::testing::PostgresCluster& cluster) {
    return env_.Prepare(cluster);
  }
  std::string db() const { return env_.url(); }
  Result<std::string> Query(const std::string& sql) const {
    return env_.Query(sql);
  }

 private:
  store::testing::PostgresEnv env_;
};

// A small KB: two families without decryptors, so that a dump's records of
// either take any key (docs/key-format.md §4).
std::shared_ptr<const kb::KnowledgeBase> TestKb() {
  static const std::shared_ptr<const kb::KnowledgeBase> kb = [] {
    static const std::string alpha =
        "id: \"alpha\"\nname: \"Alpha\"\naliases:\n  - \"alpha-locker\"\n"
        "sources:\n  - \"misp-galaxy:00000000-0000-0000-0000-000000000001\"\n";
    static const std::string beta =
        "id: \"beta\"\nname: \"Beta\"\nsources:\n"
        "  - \"misp-galaxy:00000000-0000-0000-0000-000000000002\"\n";
    std::vector<kb::internal::KbFile> files = {
        {"alpha.yaml", ByteView::FromString(alpha)},
        {"beta.yaml", ByteView::FromString(beta)}};
    auto loaded = kb::internal::LoadFromFiles(files, "kb/");
    EXPECT_THAT(loaded, IsOk());
    return std::make_shared<const kb::KnowledgeBase>(
        loaded ? std::move(*loaded) : kb::KnowledgeBase());
  }();
  return kb;
}

// A JSON line of a dump: a symmetric key under a victim ID.
std::string KeyLine(const std::string& family, const std::string& handle,
                    const std::string& key_hex, const std::string& state = "") {
  nlohmann::json line = {{"family", family},
                         {"handle_kind", "victim-id"},
                         {"handle", handle},
                         {"key_type", "symmetric"},
                         {"key_hex", key_hex}};
  if (!state.empty()) line["state"] = state;
  return line.dump() + "\n";
}

// 32 bytes of `byte`, in hex: a key no text of the tests holds by chance.
std::string KeyHex(const std::string& byte) {
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += byte;
  return hex;
}

SubmissionRequest Keys(const std::string& content,
                       const std::string& embargo = "") {
  SubmissionRequest request;
  request.kind = SubmissionKind::kKeys;
  request.case_reference = "op-tundra/42";
  request.embargo_until = embargo;
  request.content = content;
  return request;
}

SubmissionRequest Family(const std::string& yaml) {
  SubmissionRequest request;
  request.kind = SubmissionKind::kFamily;
  request.case_reference = "report-7";
  request.content = yaml;
  return request;
}

constexpr char kGammaYaml[] =
    "id: \"gamma\"\nname: \"Gamma\"\nsources:\n"
    "  - \"misp-galaxy:00000000-0000-0000-0000-000000000003\"\n";

template <typename Env>
class PartnersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (Env::kNeedsPostgres) {
      KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(cluster);
      ASSERT_THAT(env_.Prepare(*cluster), IsOk());
    }
    now_ = Start();
    auto partners = Open();
    ASSERT_THAT(partners, IsOk());
    partners_ = std::move(*partners);
  }

  Result<std::unique_ptr<Partners>> Open() {
    PartnersOptions options;
    options.kb = TestKb();
    options.clock = [this] { return now_; };
    return OpenPartners(env_.db(), options);
  }
  Partners& p() { return *partners_; }
  const Principal cli_ = Principal::Cli();

  // Three organisations and five users: alice (submitter) and arthur
  // (reviewer) of CERT-A, bob (reviewer) and bert (submitter) of Police-B,
  // carol (admin) of Vendor-C.
  void World() {
    for (const auto& [name, kind] :
         std::vector<std::pair<std::string, OrgKind>>{
             {"CERT-A", OrgKind::kCert},
             {"Police-B", OrgKind::kLawEnforcement},
             {"Vendor-C", OrgKind::kVendor}}) {
      ASSERT_THAT(p().CreateOrganisation(cli_, name, kind), IsOk());
    }
    AddUser("alice", "CERT-A", Role::kSubmitter);
    AddUser("arthur", "CERT-A", Role::kReviewer);
    AddUser("bob", "Police-B", Role::kReviewer);
    AddUser("bert", "Police-B", Role::kSubmitter);
    AddUser("carol", "Vendor-C", Role::kAdmin);
  }
  void AddUser(const std::string& name, const std::string& org, Role role) {
    auto enrolment = p().CreateUser(cli_, name, org, role, kPassword);
    ASSERT_THAT(enrolment, IsOk());
    secrets_[name] = enrolment->totp_secret;
  }

  std::uint64_t Unix() const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(
            now_.time_since_epoch())
            .count());
  }
  std::string Code(const std::string& user) const {
    return credentials::TotpCode(secrets_.at(user).view(), Unix());
  }
  Result<WebSession> LogIn(const std::string& user,
                           const std::string& password = kPassword) {
    return p().Login(user, password, Code(user), "192.0.2.7");
  }
  // `user` acting through a token of `scopes` (default: every scope of
  // their role), made by the command line.
  Principal As(const std::string& user, unsigned scopes = 0) {
    auto users = p().Users(cli_);
    EXPECT_THAT(users, IsOk());
    Role role = Role::kSubmitter;
    for (const User& u : *users) {
      if (u.name == user) role = u.role;
    }
    auto token = p().CreateToken(cli_, user, "test",
                                 scopes == 0 ? RoleScopes(role) : scopes,
                                 std::chrono::hours(24));
    EXPECT_THAT(token, IsOk());
    auto principal = p().TokenPrincipal(token ? token->token : "");
    EXPECT_THAT(principal, IsOk());
    return principal ? *principal : Principal();
  }
  void Advance(std::chrono::seconds by) { now_ += by; }

  std::vector<AuditEntry> Entries() {
    auto log = OpenAuditLog(env_.db(), KeyStoreCreation::kMustExist);
    EXPECT_THAT(log, IsOk());
    std::vector<AuditEntry> entries;
    if (log) {
      EXPECT_THAT((*log)->Export([&entries](const AuditEntry& entry) {
        entries.push_back(entry);
        return Status::Ok();
      }),
                  IsOk());
    }
    return entries;
  }
  std::vector<AuditEntry> Entries(AuditAction action) {
    std::vector<AuditEntry> found;
    for (const AuditEntry& entry : Entries()) {
      if (entry.action == action) found.push_back(entry);
    }
    return found;
  }
  // Everything the audit log holds, as one text.
  std::string AuditText() {
    std::string text;
    for (const AuditEntry& entry : Entries()) {
      text += entry.actor + " " + entry.organisation + " " +
              std::string(AuditActionName(entry.action)) + " " + entry.object +
              " " + entry.detail + "\n";
    }
    return text;
  }
  std::vector<KeyRecord> Lookup(const std::string& family,
                                const std::string& handle) {
    auto store = OpenKeyStore(env_.db());
    EXPECT_THAT(store, IsOk());
    auto found = (*store)->Lookup(family, {HandleKind::kVictimId, handle});
    EXPECT_THAT(found, IsOk());
    return found ? *found : std::vector<KeyRecord>();
  }
  std::vector<KeyRecord> Exported() {
    auto store = OpenKeyStore(env_.db());
    EXPECT_THAT(store, IsOk());
    std::vector<KeyRecord> records;
    EXPECT_THAT((*store)->Export([&records](const KeyRecord& record) {
      records.push_back(record);
      return Status::Ok();
    }),
                IsOk());
    return records;
  }
  std::string Sql(const std::string& sql) {
    std::string text = sql;
    for (std::size_t at; (at = text.find("{s}")) != std::string::npos;) {
      text.replace(at, 3, Env::kSchema);
    }
    auto value = env_.Query(text);
    EXPECT_THAT(value, IsOk()) << text;
    return value ? *value : "";
  }

  Env env_;
  TimePoint now_;
  std::unique_ptr<Partners> partners_;
  std::map<std::string, SecretBytes> secrets_;
};

struct EnvNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};
using Envs = ::testing::Types<SqliteEnv, PostgresEnv>;
TYPED_TEST_SUITE(PartnersTest, Envs, EnvNames);

// --- accounts --------------------------------------------------------------

TYPED_TEST(PartnersTest, TheOperatorMakesOrganisationsAndUsers) {
  this->World();
  ASSERT_OK_AND_ASSIGN(const std::vector<Organisation> orgs,
                       this->p().Organisations(this->cli_));
  ASSERT_THAT(orgs, SizeIs(3));
  EXPECT_EQ(orgs[1].name, "Police-B");
  EXPECT_EQ(orgs[1].kind, OrgKind::kLawEnforcement);
  EXPECT_EQ(orgs[1].created, "2030-01-15T10:00:00Z");
  EXPECT_THAT(
      this->p().CreateOrganisation(this->cli_, "CERT-A", OrgKind::kCert),
      StatusIs(StatusCode::kAlreadyExists));
  for (const std::string& bad : std::vector<std::string>{
           "", " padded", std::string(101, 'x'), std::string("tab\there")}) {
    EXPECT_THAT(this->p().CreateOrganisation(this->cli_, bad, OrgKind::kCert),
                StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_THAT(this->p().CreateUser(this->cli_, "dave", "Nowhere",
                                   Role::kSubmitter, kPassword),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->p().CreateUser(this->cli_, "alice", "CERT-A",
                                   Role::kSubmitter, kPassword),
              StatusIs(StatusCode::kAlreadyExists));
  for (const std::string& bad :
       std::vector<std::string>{"A", "Dave", "da ve", "dave!", "d"}) {
    EXPECT_THAT(this->p().CreateUser(this->cli_, bad, "CERT-A",
                                     Role::kSubmitter, kPassword),
                StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_THAT(this->p().CreateUser(this->cli_, "dave", "CERT-A",
                                   Role::kSubmitter, "short"),
              StatusIs(StatusCode::kInvalidArgument));

  ASSERT_OK_AND_ASSIGN(const Enrolment enrolment,
                       this->p().CreateUser(this->cli_, "dave", "Vendor-C",
                                            Role::kReviewer, kPassword));
  EXPECT_EQ(enrolment.totp_secret.size(), 20u);
  EXPECT_THAT(enrolment.totp_uri,
              AllOf(HasSubstr("otpauth://totp/"), HasSubstr("dave"),
                    HasSubstr("secret=" + credentials::Base32(
                                              enrolment.totp_secret.view()))));
  EXPECT_EQ(enrolment.user.organisation, "Vendor-C");
  ASSERT_OK_AND_ASSIGN(const std::vector<User> users,
                       this->p().Users(this->cli_));
  ASSERT_THAT(users, SizeIs(6));
  EXPECT_EQ(users[5].name, "dave");
  EXPECT_EQ(users[5].role, Role::kReviewer);
  EXPECT_FALSE(users[5].disabled);

  // Neither the password nor anything but its Argon2id hash is stored.
  EXPECT_EQ(this->Sql("SELECT count(*) FROM {s}users WHERE password_hash "
                      "LIKE '$argon2id$%'"),
            "6");
  EXPECT_EQ(this->Sql(std::string("SELECT count(*) FROM {s}users WHERE "
                                  "password_hash LIKE '%") +
                      kPassword + "%'"),
            "0");
}

TYPED_TEST(PartnersTest, OnlyOperatorsManageAccounts) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal bob = this->As("bob");
  const Principal carol = this->As("carol");
  for (const Principal& who : {alice, bob}) {
    EXPECT_THAT(this->p().CreateOrganisation(who, "X", OrgKind::kCert),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().Organisations(who),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(
        this->p().CreateUser(who, "eve", "CERT-A", Role::kAdmin, kPassword),
        StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().Users(who), StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().SetRole(who, "alice", Role::kAdmin),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().Unlock(who, "alice"),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().SetDisabled(who, "carol", true),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().ResetTotp(who, "alice"),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().SetPassword(who, "alice", "another long password"),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().Audit(who, 0, 10),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().LiftEmbargoes(who),
                StatusIs(StatusCode::kPermissionDenied));
    EXPECT_THAT(this->p().ApprovedFamilies(who),
                StatusIs(StatusCode::kPermissionDenied));
  }
  // An admin does; an admin's token without the admin scope does not.
  EXPECT_THAT(this->p().CreateOrganisation(carol, "Lab-D", OrgKind::kResearch),
              IsOk());
  EXPECT_THAT(this->p().SetRole(carol, "alice", Role::kReviewer), IsOk());
  const Principal carol_read = this->As("carol", kScopeRead);
  EXPECT_THAT(this->p().Users(carol_read),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(this->p().SetRole(this->cli_, "nobody", Role::kAdmin),
              StatusIs(StatusCode::kNotFound));
}

// --- logins ----------------------------------------------------------------

TYPED_TEST(PartnersTest, ALoginOpensASessionUntilLogoutOrItsEnd) {
  this->World();
  ASSERT_OK_AND_ASSIGN(const WebSession session, this->LogIn("bob"));
  EXPECT_TRUE(session.token.starts_with("kss_")) << session.token;
  EXPECT_EQ(session.token.size(), 47u);
  EXPECT_EQ(session.csrf.size(), 43u);
  EXPECT_EQ(session.expires, "2030-01-15T18:00:00Z");
  EXPECT_EQ(session.principal.user, "bob");
  EXPECT_EQ(session.principal.organisation, "Police-B");
  EXPECT_EQ(session.principal.via, Principal::Via::kSession);
  EXPECT_EQ(session.principal.scopes, RoleScopes(Role::kReviewer));
  ASSERT_OK_AND_ASSIGN(const SessionInfo info,
                       this->p().SessionPrincipal(session.token));
  EXPECT_EQ(info.principal.user_id, session.principal.user_id);
  EXPECT_EQ(info.principal.role, Role::kReviewer);
  EXPECT_EQ(info.csrf, session.csrf);
  // The session is stored as its hash only.
  EXPECT_EQ(this->Sql("SELECT count(*) FROM {s}sessions WHERE token_hash = '" +
                      credentials::TokenHash(session.token) + "'"),
            "1");
  EXPECT_EQ(this->Sql("SELECT count(*) FROM {s}sessions WHERE token_hash = '" +
                      session.token + "'"),
            "0");
  ASSERT_OK_AND_ASSIGN(const std::vector<User> users,
                       this->p().Users(this->cli_));
  EXPECT_EQ(users[3].name, "bob");
  EXPECT_EQ(users[3].last_login, "2030-01-15T10:00:00Z");
  EXPECT_EQ(users[2].last_login, "");

  // A malformed, unknown or API token is no session.
  for (const std::string& bad : std::vector<std::string>{
           std::string(""), std::string("kss_short"),
           "kss_" + std::string(43, 'A'), credentials::NewApiToken()}) {
    EXPECT_THAT(this->p().SessionPrincipal(bad),
                StatusIs(StatusCode::kUnauthenticated))
        << bad;
  }
  // Logged out: gone, and the logout is audited.
  ASSERT_THAT(this->p().Logout(session.token), IsOk());
  EXPECT_THAT(this->p().SessionPrincipal(session.token),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(this->p().Logout(session.token), IsOk());
  ASSERT_THAT(this->Entries(AuditAction::kLogout), SizeIs(1));
  EXPECT_EQ(this->Entries(AuditAction::kLogout)[0].actor, "bob");

  // Another session ends with its lifetime, by the clock.
  this->Advance(std::chrono::seconds(31));
  ASSERT_OK_AND_ASSIGN(const WebSession second, this->LogIn("bob"));
  this->Advance(kSessionLifetime - std::chrono::seconds(1));
  EXPECT_THAT(this->p().SessionPrincipal(second.token), IsOk());
  this->Advance(std::chrono::seconds(1));
  EXPECT_THAT(this->p().SessionPrincipal(second.token),
              StatusIs(StatusCode::kUnauthenticated));
}

TYPED_TEST(PartnersTest, EveryFailedLoginGetsOneAnswer) {
  this->World();
  const std::string code = this->Code("alice");
  const auto wrong = [&](const std::string& user, const std::string& password,
                         const std::string& totp) {
    auto session = this->p().Login(user, password, totp, "192.0.2.7");
    EXPECT_THAT(session, StatusIs(StatusCode::kUnauthenticated));
    return session ? std::string() : session.error().message();
  };
  const std::string unknown = wrong("mallory", kPassword, code);
  EXPECT_EQ(wrong("alice", "wrong password!!", code), unknown);
  this->Advance(std::chrono::minutes(2));
  EXPECT_EQ(wrong("alice", kPassword, "000000"), unknown);
  EXPECT_EQ(wrong("Not A Name", kPassword, code), unknown);
  // Each attempt audited with its reason, never the password or the code.
  const auto failed = this->Entries(AuditAction::kLoginFailed);
  ASSERT_THAT(failed, SizeIs(4));
  // Not the name typed: it may be a password typed in the wrong field.
  EXPECT_EQ(failed[0].actor, "(unknown)");
  for (const AuditEntry& entry : failed) {
    EXPECT_THAT(entry.actor, Not(HasSubstr("mallory")));
    EXPECT_THAT(entry.detail, Not(HasSubstr("mallory")));
  }
  EXPECT_THAT(failed[0].detail, HasSubstr("\"reason\":\"unknown-user\""));
  EXPECT_EQ(failed[1].actor, "alice");
  EXPECT_EQ(failed[1].organisation, "CERT-A");
  EXPECT_THAT(failed[1].detail, HasSubstr("\"reason\":\"password\""));
  EXPECT_THAT(failed[2].detail, HasSubstr("\"reason\":\"second-factor\""));
  EXPECT_THAT(failed[2].detail, HasSubstr("\"client\":\"192.0.2.7\""));
  EXPECT_THAT(this->AuditText(),
              AllOf(Not(HasSubstr(kPassword)), Not(HasSubstr("wrong password")),
                    Not(HasSubstr(code)), Not(HasSubstr("000000"))));
}

TYPED_TEST(PartnersTest, ATotpCodeIsNeverAcceptedTwice) {
  this->World();
  const std::string code = this->Code("alice");
  ASSERT_THAT(this->p().Login("alice", kPassword, code, ""), IsOk());
  // The same code again, in the same 30 s or the next (drift window).
  EXPECT_THAT(this->p().Login("alice", kPassword, code, ""),
              StatusIs(StatusCode::kUnauthenticated));
  this->Advance(std::chrono::seconds(30));
  EXPECT_THAT(this->p().Login("alice", kPassword, code, ""),
              StatusIs(StatusCode::kUnauthenticated));
  // A fresh one works (after the delay two failures do not impose yet).
  ASSERT_THAT(this->p().Login("alice", kPassword, this->Code("alice"), ""),
              IsOk());
  // A reset second factor: the old secret's codes stop working.
  const SecretBytes old = this->secrets_.at("alice");
  ASSERT_OK_AND_ASSIGN(const Enrolment reset,
                       this->p().ResetTotp(this->cli_, "alice"));
  EXPECT_NE(reset.totp_secret, old);
  this->Advance(std::chrono::seconds(60));
  EXPECT_THAT(
      this->p().Login("alice", kPassword,
                      credentials::TotpCode(old.view(), this->Unix()), ""),
      StatusIs(StatusCode::kUnauthenticated));
  this->secrets_["alice"] = reset.totp_secret;
  EXPECT_THAT(this->LogIn("alice"), IsOk());
}

TYPED_TEST(PartnersTest, FailuresDelayTheNextAttemptThenLockTheAccount) {
  this->World();
  const auto fail = [this] {
    return this->p().Login("alice", "not the password", this->Code("alice"),
                           "");
  };
  // Two failures cost nothing; from the third on, each doubles the wait.
  EXPECT_THAT(fail(), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(fail(), StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(fail(), StatusIs(StatusCode::kUnauthenticated));
  // Within the delay even the right password is not looked at.
  auto delayed = this->LogIn("alice");
  EXPECT_THAT(delayed, StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(delayed.status().message(), HasSubstr("try again in 1 s"));
  EXPECT_THAT(this->Entries(AuditAction::kLoginFailed).back().detail,
              HasSubstr("\"reason\":\"delayed\""));
  unsigned failures = 3;
  while (failures < credentials::kLockoutAfterFailures) {
    this->Advance(credentials::LoginDelay(failures));
    ASSERT_THAT(fail(), StatusIs(StatusCode::kUnauthenticated)) << failures;
    ++failures;
  }
  // Locked: refused whatever is typed, until it ends or is lifted.
  this->Advance(std::chrono::seconds(61));
  auto locked = this->LogIn("alice");
  EXPECT_THAT(locked, StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(locked.status().message(), HasSubstr("locked until"));
  ASSERT_OK_AND_ASSIGN(std::vector<User> users, this->p().Users(this->cli_));
  EXPECT_EQ(users[0].name, "alice");
  EXPECT_EQ(users[0].failed_logins, credentials::kLockoutAfterFailures);
  EXPECT_FALSE(users[0].locked_until.empty());
  this->Advance(credentials::kLockoutDuration - std::chrono::seconds(62));
  EXPECT_THAT(this->LogIn("alice"), StatusIs(StatusCode::kPermissionDenied));
  this->Advance(std::chrono::seconds(2));
  // A lock that ended is shown as none.
  ASSERT_OK_AND_ASSIGN(users, this->p().Users(this->cli_));
  EXPECT_EQ(users[0].locked_until, "");
  EXPECT_THAT(this->LogIn("alice"), IsOk());
  ASSERT_OK_AND_ASSIGN(users, this->p().Users(this->cli_));
  EXPECT_EQ(users[0].failed_logins, 0u);
  EXPECT_EQ(users[0].locked_until, "");

  // An operator's unlock ends a lock at once.
  this->Advance(std::chrono::seconds(31));
  for (unsigned i = 0; i < credentials::kLockoutAfterFailures; ++i) {
    ASSERT_THAT(fail(), StatusIs(StatusCode::kUnauthenticated)) << i;
    this->Advance(std::chrono::seconds(60));
  }
  EXPECT_THAT(this->LogIn("alice"), StatusIs(StatusCode::kPermissionDenied));
  ASSERT_THAT(this->p().Unlock(this->cli_, "alice"), IsOk());
  EXPECT_THAT(this->LogIn("alice"), IsOk());
}

TYPED_TEST(PartnersTest, ADisabledUserIsLockedOutEverywhere) {
  this->World();
  ASSERT_OK_AND_ASSIGN(const WebSession session, this->LogIn("bert"));
  const Principal token = this->As("bert");
  ASSERT_OK_AND_ASSIGN(
      const NewToken made,
      this->p().CreateToken(this->cli_, "bert", "nightly", kScopeRead,
                            std::chrono::hours(1)));
  ASSERT_THAT(this->p().SetDisabled(this->cli_, "bert", true), IsOk());
  EXPECT_THAT(this->p().SessionPrincipal(session.token),
              StatusIs(StatusCode::kUnauthenticated));
  EXPECT_THAT(this->p().TokenPrincipal(made.token),
              StatusIs(StatusCode::kUnauthenticated));
  // A principal obtained before is refused on its next use.
  EXPECT_THAT(this->p().Submissions(token, std::nullopt),
              StatusIs(StatusCode::kUnauthenticated));
  this->Advance(std::chrono::seconds(30));
  EXPECT_THAT(this->LogIn("bert"), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(this->p().CreateToken(this->cli_, "bert", "again", kScopeRead,
                                    std::chrono::hours(1)),
              StatusIs(StatusCode::kPermissionDenied));
  ASSERT_THAT(this->p().SetDisabled(this->cli_, "bert", false), IsOk());
  EXPECT_THAT(this->p().TokenPrincipal(made.token), IsOk());
  this->Advance(std::chrono::seconds(30));
  EXPECT_THAT(this->LogIn("bert"), IsOk());
}

TYPED_TEST(PartnersTest, ANewPasswordEndsSessionsAndTheOldOneStopsWorking) {
  this->World();
  ASSERT_OK_AND_ASSIGN(const WebSession session, this->LogIn("bert"));
  ASSERT_THAT(this->p().SetPassword(this->cli_, "bert", "a brand new phrase"),
              IsOk());
  EXPECT_THAT(this->p().SessionPrincipal(session.token),
              StatusIs(StatusCode::kUnauthenticated));
  this->Advance(std::chrono::seconds(30));
  EXPECT_THAT(this->LogIn("bert"), StatusIs(StatusCode::kUnauthenticated));
  this->Advance(std::chrono::seconds(30));
  EXPECT_THAT(this->LogIn("bert", "a brand new phrase"), IsOk());
}

// --- tokens ----------------------------------------------------------------

TYPED_TEST(PartnersTest, TokensAreScopedExpiringAndRevocable) {
  this->World();
  ASSERT_OK_AND_ASSIGN(const WebSession session, this->LogIn("alice"));
  const Principal& alice = session.principal;
  ASSERT_OK_AND_ASSIGN(
      const NewToken made,
      this->p().CreateToken(alice, "", "nightly import",
                            kScopeRead | kScopeSubmit, std::chrono::hours(48)));
  EXPECT_TRUE(credentials::LooksLikeApiToken(made.token));
  EXPECT_EQ(made.info.user, "alice");
  EXPECT_EQ(made.info.organisation, "CERT-A");
  EXPECT_EQ(made.info.expires, "2030-01-17T10:00:00Z");
  // Stored as its hash only.
  EXPECT_EQ(this->Sql("SELECT count(*) FROM {s}api_tokens WHERE token_hash "
                      "= '" +
                      credentials::TokenHash(made.token) + "'"),
            "1");
  EXPECT_THAT(this->AuditText(), Not(HasSubstr(made.token)));

  ASSERT_OK_AND_ASSIGN(const Principal by_token,
                       this->p().TokenPrincipal(made.token));
  EXPECT_EQ(by_token.via, Principal::Via::kToken);
  EXPECT_EQ(by_token.user, "alice");
  EXPECT_EQ(by_token.scopes, kScopeRead | kScopeSubmit);
  EXPECT_EQ(by_token.token_id, made.info.id);
  ASSERT_OK_AND_ASSIGN(std::vector<TokenInfo> listed, this->p().Tokens(alice));
  ASSERT_THAT(listed, SizeIs(1));
  EXPECT_EQ(listed[0].last_used, "2030-01-15T10:00:00Z");

  // What a token may not be.
  EXPECT_THAT(this->p().CreateToken(by_token, "", "from a token", kScopeRead,
                                    std::chrono::hours(1)),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(this->p().CreateToken(alice, "", "x", kScopeReview,
                                    std::chrono::hours(1)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->p().CreateToken(alice, "", "x", 0, std::chrono::hours(1)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->p().CreateToken(alice, "", "x", kScopeRead,
                                    std::chrono::seconds(0)),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      this->p().CreateToken(alice, "", "x", kScopeRead,
                            kMaxTokenLifetime + std::chrono::seconds(1)),
      StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      this->p().CreateToken(alice, "", "", kScopeRead, std::chrono::hours(1)),
      StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->p().CreateToken(alice, "bob", "x", kScopeRead,
                                    std::chrono::hours(1)),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(this->p().CreateToken(this->cli_, "", "x", kScopeRead,
                                    std::chrono::hours(1)),
              StatusIs(StatusCode::kInvalidArgument));

  // Malformed and unknown tokens.
  for (const std::string& bad :
       std::vector<std::string>{std::string(""), std::string("ksp_short"),
                                session.token, credentials::NewApiToken()}) {
    EXPECT_THAT(this->p().TokenPrincipal(bad),
                StatusIs(StatusCode::kUnauthenticated))
        << bad;
  }
  // Another user's token is not found; an admin revokes any.
  ASSERT_OK_AND_ASSIGN(
      const NewToken bobs,
      this->p().CreateToken(this->cli_, "bob", "bob's", kScopeReview,
                            std::chrono::hours(1)));
  EXPECT_THAT(this->p().RevokeToken(alice, bobs.info.id),
              StatusIs(StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(listed, this->p().Tokens(alice));
  EXPECT_THAT(listed, SizeIs(1));
  ASSERT_OK_AND_ASSIGN(listed, this->p().Tokens(this->cli_));
  EXPECT_THAT(listed, SizeIs(2));
  const Principal carol = this->As("carol");
  ASSERT_THAT(this->p().RevokeToken(carol, bobs.info.id), IsOk());
  EXPECT_THAT(this->p().TokenPrincipal(bobs.token),
              StatusIs(StatusCode::kUnauthenticated));
  // Revoked: refused, listed as such; revoking again is fine.
  ASSERT_THAT(this->p().RevokeToken(alice, made.info.id), IsOk());
  EXPECT_THAT(this->p().TokenPrincipal(made.token),
              StatusIs(StatusCode::kUnauthenticated));
  ASSERT_THAT(this->p().RevokeToken(alice, made.info.id), IsOk());
  EXPECT_THAT(this->Entries(AuditAction::kTokenRevoke), SizeIs(2));
  ASSERT_OK_AND_ASSIGN(listed, this->p().Tokens(alice));
  EXPECT_EQ(listed[0].revoked, "2030-01-15T10:00:00Z");
  EXPECT_THAT(this->p().RevokeToken(this->cli_, 9999),
              StatusIs(StatusCode::kNotFound));

  // Expiry by the clock.
  ASSERT_OK_AND_ASSIGN(const NewToken short_lived,
                       this->p().CreateToken(alice, "", "an hour", kScopeRead,
                                             std::chrono::hours(1)));
  this->Advance(std::chrono::minutes(59));
  EXPECT_THAT(this->p().TokenPrincipal(short_lived.token), IsOk());
  this->Advance(std::chrono::minutes(1));
  EXPECT_THAT(this->p().TokenPrincipal(short_lived.token),
              StatusIs(StatusCode::kUnauthenticated));
}

TYPED_TEST(PartnersTest, ATokenNeverDoesMoreThanItsUsersRole) {
  this->World();
  ASSERT_OK_AND_ASSIGN(
      const NewToken made,
      this->p().CreateToken(this->cli_, "arthur", "review bot",
                            kScopeRead | kScopeReview, std::chrono::hours(1)));
  ASSERT_THAT(this->p().SetRole(this->cli_, "arthur", Role::kSubmitter),
              IsOk());
  ASSERT_OK_AND_ASSIGN(const Principal arthur,
                       this->p().TokenPrincipal(made.token));
  EXPECT_EQ(arthur.scopes, kScopeRead);
  EXPECT_THAT(this->p().ReviewQueue(arthur),
              StatusIs(StatusCode::kPermissionDenied));
}

// --- submissions and review ------------------------------------------------

TYPED_TEST(PartnersTest,
           AKeyDumpTakesEffectOnlyWhenAnotherOrganisationApproves) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal arthur = this->As("arthur");
  const Principal bob = this->As("bob");
  const Principal bert = this->As("bert");
  const std::string dump = KeyLine("alpha", "victim-1", KeyHex("a1")) +
                           KeyLine("beta", "victim-2", KeyHex("b2"));
  ASSERT_OK_AND_ASSIGN(const Submission submitted,
                       this->p().Submit(alice, Keys(dump)));
  EXPECT_EQ(submitted.state, SubmissionState::kPending);
  EXPECT_EQ(submitted.organisation, "CERT-A");
  EXPECT_EQ(submitted.submitter, "alice");
  EXPECT_EQ(submitted.summary, "2 keys: alpha, beta");
  EXPECT_EQ(submitted.key_count, 2u);
  EXPECT_EQ(submitted.case_reference, "op-tundra/42");
  EXPECT_THAT(this->Lookup("alpha", "victim-1"), IsEmpty());

  // Its own organisation may not review it, whatever the role; a submitter
  // of another may not either.
  EXPECT_THAT(
      this->p().Review(arthur, submitted.id, ReviewDecision::kApprove, ""),
      StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(
      this->p().Review(bert, submitted.id, ReviewDecision::kApprove, ""),
      StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(
      this->p().Review(this->cli_, submitted.id, ReviewDecision::kApprove, ""),
      StatusIs(StatusCode::kPermissionDenied));
  // The queue: other organisations' pending submissions only.
  ASSERT_OK_AND_ASSIGN(const std::vector<Submission> queue,
                       this->p().ReviewQueue(bob));
  ASSERT_THAT(queue, SizeIs(1));
  EXPECT_EQ(queue[0].id, submitted.id);
  EXPECT_THAT(this->p().ReviewQueue(arthur), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(this->p().ReviewQueue(alice),
              StatusIs(StatusCode::kPermissionDenied));

  ASSERT_OK_AND_ASSIGN(
      const Submission approved,
      this->p().Review(bob, submitted.id, ReviewDecision::kApprove, "ok"));
  EXPECT_EQ(approved.state, SubmissionState::kApproved);
  EXPECT_EQ(approved.reviewer, "bob");
  EXPECT_EQ(approved.reviewer_organisation, "Police-B");
  EXPECT_EQ(approved.reviewed, "2030-01-15T10:00:00Z");
  EXPECT_EQ(approved.reason, "ok");
  // In effect: the keys are looked up, with the submitter as their source.
  const std::vector<KeyRecord> found = this->Lookup("alpha", "victim-1");
  ASSERT_THAT(found, SizeIs(1));
  EXPECT_EQ(found[0].provenance.source, "CERT-A");
  EXPECT_EQ(found[0].provenance.case_reference, "op-tundra/42");
  EXPECT_THAT(this->Lookup("beta", "victim-2"), SizeIs(1));
  // Reviewed once only.
  EXPECT_THAT(
      this->p().Review(bob, submitted.id, ReviewDecision::kReject, "no"),
      StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->p().ReviewQueue(bob), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(this->Entries(AuditAction::kReviewApprove), SizeIs(1));
}

TYPED_TEST(PartnersTest, ARejectionNeedsAReasonAndKeepsIt) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal bob = this->As("bob");
  ASSERT_OK_AND_ASSIGN(
      const Submission submitted,
      this->p().Submit(alice, Keys(KeyLine("alpha", "v", KeyHex("c3")))));
  for (const char* none : {"", "   ", "\n"}) {
    EXPECT_THAT(
        this->p().Review(bob, submitted.id, ReviewDecision::kReject, none),
        StatusIs(StatusCode::kInvalidArgument));
  }
  ASSERT_OK_AND_ASSIGN(
      const Submission rejected,
      this->p().Review(bob, submitted.id, ReviewDecision::kReject,
                       "these keys do not open our samples"));
  EXPECT_EQ(rejected.state, SubmissionState::kRejected);
  EXPECT_EQ(rejected.reason, "these keys do not open our samples");
  EXPECT_THAT(this->Exported(), IsEmpty());
  // Its organisation reads the reason; the dump's keys are gone.
  ASSERT_OK_AND_ASSIGN(const Submission read,
                       this->p().GetSubmission(alice, submitted.id));
  EXPECT_EQ(read.reason, "these keys do not open our samples");
  EXPECT_THAT(this->p().PreviewKeys(alice, submitted.id),
              IsOkAndHolds(IsEmpty()));
  EXPECT_EQ(this->Sql("SELECT content FROM {s}submissions"), "");
  const auto entries = this->Entries(AuditAction::kReviewReject);
  ASSERT_THAT(entries, SizeIs(1));
  EXPECT_EQ(entries[0].actor, "bob");
  EXPECT_EQ(entries[0].organisation, "Police-B");
  EXPECT_EQ(entries[0].object, "submission/" + std::to_string(submitted.id));
  EXPECT_THAT(entries[0].detail, HasSubstr("do not open our samples"));
}

TYPED_TEST(PartnersTest, WhoSeesWhichSubmission) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal bob = this->As("bob");
  const Principal bert = this->As("bert");
  const Principal carol = this->As("carol");
  ASSERT_OK_AND_ASSIGN(
      const Submission a,
      this->p().Submit(alice, Keys(KeyLine("alpha", "v1", KeyHex("d4")))));
  ASSERT_OK_AND_ASSIGN(
      const Submission b,
      this->p().Submit(bert, Keys(KeyLine("alpha", "v2", KeyHex("e5")))));
  // Lists: the own organisation's, newest first; every one for operators.
  EXPECT_THAT(this->p().Submissions(alice, std::nullopt),
              IsOkAndHolds(SizeIs(1)));
  ASSERT_OK_AND_ASSIGN(const std::vector<Submission> all,
                       this->p().Submissions(this->cli_, std::nullopt));
  ASSERT_THAT(all, SizeIs(2));
  EXPECT_EQ(all[0].id, b.id);
  EXPECT_THAT(this->p().Submissions(carol, SubmissionState::kPending),
              IsOkAndHolds(SizeIs(2)));
  EXPECT_THAT(this->p().Submissions(carol, SubmissionState::kApproved),
              IsOkAndHolds(IsEmpty()));
  // One: its organisation, a reviewer of another while it waits, an admin.
  EXPECT_THAT(this->p().GetSubmission(alice, a.id), IsOk());
  EXPECT_THAT(this->p().GetSubmission(bob, a.id), IsOk());
  EXPECT_THAT(this->p().GetSubmission(carol, a.id), IsOk());
  EXPECT_THAT(this->p().GetSubmission(bert, a.id),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->p().GetSubmission(alice, b.id),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->p().PreviewKeys(alice, b.id),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->p().GetSubmission(alice, 12345),
              StatusIs(StatusCode::kNotFound));
  // Once another reviewer decided, a third organisation's reviewer no
  // longer sees it.
  ASSERT_THAT(this->p().CreateUser(this->cli_, "dora", "Vendor-C",
                                   Role::kReviewer, kPassword),
              IsOk());
  const Principal dora = this->As("dora");
  EXPECT_THAT(this->p().GetSubmission(dora, a.id), IsOk());
  ASSERT_THAT(this->p().Review(bob, a.id, ReviewDecision::kApprove, ""),
              IsOk());
  EXPECT_THAT(this->p().GetSubmission(dora, a.id),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->p().GetSubmission(bob, a.id), IsOk());
}

TYPED_TEST(PartnersTest, ScopesLimitWhatATokenDoes) {
  this->World();
  const Principal read_only = this->As("alice", kScopeRead);
  const Principal submit_only = this->As("alice", kScopeSubmit);
  const Principal bob_read = this->As("bob", kScopeRead);
  const Principal bob_review = this->As("bob", kScopeReview);
  const SubmissionRequest request = Keys(KeyLine("alpha", "v", KeyHex("f6")));
  EXPECT_THAT(this->p().Submit(read_only, request),
              StatusIs(StatusCode::kPermissionDenied));
  ASSERT_OK_AND_ASSIGN(const Submission submitted,
                       this->p().Submit(submit_only, request));
  EXPECT_THAT(this->p().Submissions(submit_only, std::nullopt),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(this->p().Submissions(read_only, std::nullopt),
              IsOkAndHolds(SizeIs(1)));
  EXPECT_THAT(this->p().Withdraw(read_only, submitted.id),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(this->p().ReviewQueue(bob_read),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(
      this->p().Review(bob_read, submitted.id, ReviewDecision::kApprove, ""),
      StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(this->p().GetSubmission(bob_read, submitted.id),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->p().ReviewQueue(bob_review), IsOkAndHolds(SizeIs(1)));
  EXPECT_THAT(
      this->p().Review(bob_review, submitted.id, ReviewDecision::kApprove, ""),
      IsOk());
  EXPECT_THAT(this->p().Releases(bob_review),
              StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(this->p().Releases(bob_read), IsOkAndHolds(IsEmpty()));
}

TYPED_TEST(PartnersTest, OnlyItsOrganisationWithdrawsAPendingSubmission) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal arthur = this->As("arthur");
  const Principal bob = this->As("bob");
  const Principal bert = this->As("bert");
  ASSERT_OK_AND_ASSIGN(
      const Submission submitted,
      this->p().Submit(alice, Keys(KeyLine("alpha", "v", KeyHex("07")))));
  EXPECT_THAT(this->p().Withdraw(bert, submitted.id),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->p().Withdraw(bob, submitted.id),
              StatusIs(StatusCode::kPermissionDenied));
  ASSERT_OK_AND_ASSIGN(const Submission withdrawn,
                       this->p().Withdraw(arthur, submitted.id));
  EXPECT_EQ(withdrawn.state, SubmissionState::kWithdrawn);
  EXPECT_THAT(this->p().Withdraw(alice, submitted.id),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->p().Review(bob, submitted.id, ReviewDecision::kApprove, ""),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(this->p().ReviewQueue(bob), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(this->Exported(), IsEmpty());
  const auto entries = this->Entries(AuditAction::kWithdraw);
  ASSERT_THAT(entries, SizeIs(1));
  EXPECT_EQ(entries[0].actor, "arthur");
}

TYPED_TEST(PartnersTest, KeyBytesNeverLeaveTheStoreThroughThePartners) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal bob = this->As("bob");
  const std::string key = KeyHex("9c");
  ASSERT_OK_AND_ASSIGN(
      const Submission submitted,
      this->p().Submit(
          alice, Keys(KeyLine("alpha", "victim-9", key) +
                      KeyLine("beta", "victim-8", KeyHex("8d"), "embargoed"))));
  ASSERT_OK_AND_ASSIGN(const Submission read,
                       this->p().GetSubmission(bob, submitted.id));
  EXPECT_EQ(read.content, "");
  ASSERT_OK_AND_ASSIGN(const std::vector<KeyPreview> previews,
                       this->p().PreviewKeys(bob, submitted.id));
  ASSERT_THAT(previews, SizeIs(2));
  EXPECT_EQ(previews[0].family, "alpha");
  EXPECT_EQ(previews[0].handle_kind, "victim-id");
  EXPECT_EQ(previews[0].handle, "victim-9");
  EXPECT_EQ(previews[0].key_type, "symmetric");
  EXPECT_EQ(previews[0].source, "CERT-A");
  EXPECT_EQ(previews[0].state, "released");
  EXPECT_EQ(previews[1].state, "embargoed");
  EXPECT_EQ(previews[0].key_bytes, 32u);
  EXPECT_EQ(previews[0].key_tag.size(), 16u);
  EXPECT_NE(previews[0].key_tag, previews[1].key_tag);
  EXPECT_THAT(key, Not(HasSubstr(previews[0].key_tag)));
  ASSERT_THAT(this->p().Review(bob, submitted.id, ReviewDecision::kApprove, ""),
              IsOk());
  EXPECT_THAT(this->AuditText(),
              AllOf(Not(HasSubstr(key)), Not(HasSubstr(KeyHex("8d"))),
                    Not(HasSubstr(key.substr(0, 16)))));
  // A dump with a problem is refused by line, without its key bytes.
  const std::string bad_key = KeyHex("5e");
  auto refused =
      this->p().Submit(alice, Keys(KeyLine("alpha", "v1", KeyHex("4f")) +
                                   KeyLine("no-such-family", "v2", bad_key)));
  EXPECT_THAT(refused, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(refused.status().message(),
              AllOf(HasSubstr("line 2"), HasSubstr("no-such-family"),
                    Not(HasSubstr(bad_key)), Not(HasSubstr(KeyHex("4f")))));
}

TYPED_TEST(PartnersTest, WhatASubmissionMustBe) {
  this->World();
  const Principal alice = this->As("alice");
  const std::string dump = KeyLine("alpha", "v", KeyHex("10"));
  const auto refused = [&](SubmissionRequest request, StatusCode code) {
    EXPECT_THAT(this->p().Submit(alice, request), StatusIs(code));
  };
  SubmissionRequest request = Keys(dump);
  request.case_reference = "";
  refused(request, StatusCode::kInvalidArgument);
  request.case_reference = std::string(201, 'x');
  refused(request, StatusCode::kInvalidArgument);
  for (const char* date : {"2030-01-14", "2030-02-30", "2030-1-20", "soon"}) {
    refused(Keys(dump, date), StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(this->p().Submit(alice, Keys(dump, "2030-01-15")), IsOk());
  refused(Keys(""), StatusCode::kInvalidArgument);
  refused(Keys(std::string("{\"family\":\"alpha\0\"}", 20)),
          StatusCode::kInvalidArgument);
  refused(Keys(std::string(limits::kMaxSubmittedKeyDumpBytes + 1, ' ')),
          StatusCode::kResourceExhausted);
  request = Keys(
      "family,handle_kind,handle,key_type,key_hex\nalpha,"
      "victim-id,v9,symmetric," +
      KeyHex("11") + "\n");
  request.format = "jsonl";
  refused(request, StatusCode::kInvalidArgument);
  request.format = "csv";
  EXPECT_THAT(this->p().Submit(alice, request), IsOk());
  request = Keys(dump);
  request.format = "csv";
  refused(request, StatusCode::kInvalidArgument);
  request.format = "xml";
  refused(request, StatusCode::kInvalidArgument);
  // The command line belongs to no organisation.
  EXPECT_THAT(this->p().Submit(this->cli_, Keys(dump)),
              StatusIs(StatusCode::kPermissionDenied));
  // Nothing refused was stored or audited.
  EXPECT_THAT(this->p().Submissions(this->cli_, std::nullopt),
              IsOkAndHolds(SizeIs(2)));
  EXPECT_THAT(this->Entries(AuditAction::kSubmit), SizeIs(2));
}

TYPED_TEST(PartnersTest, AnApprovalThatCannotImportChangesNothing) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal bob = this->As("bob");
  const std::string line = KeyLine("alpha", "victim-1", KeyHex("12"));
  ASSERT_OK_AND_ASSIGN(const Submission first,
                       this->p().Submit(alice, Keys(line)));
  ASSERT_OK_AND_ASSIGN(const Submission again,
                       this->p().Submit(alice, Keys(line)));
  ASSERT_THAT(this->p().Review(bob, first.id, ReviewDecision::kApprove, ""),
              IsOk());
  // The same key is stored already: the review fails whole, the
  // submission waits, and no approval is logged.
  EXPECT_THAT(this->p().Review(bob, again.id, ReviewDecision::kApprove, ""),
              StatusIs(StatusCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(const Submission still,
                       this->p().GetSubmission(alice, again.id));
  EXPECT_EQ(still.state, SubmissionState::kPending);
  EXPECT_THAT(this->Entries(AuditAction::kReviewApprove), SizeIs(1));
  EXPECT_THAT(this->Exported(), SizeIs(1));
  EXPECT_THAT(
      this->p().Review(bob, again.id, ReviewDecision::kReject, "a duplicate"),
      IsOk());
}

// --- embargoes -------------------------------------------------------------

TYPED_TEST(PartnersTest, EmbargoedKeysWaitForTheirDate) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal bob = this->As("bob");
  const std::string dump =
      KeyLine("alpha", "victim-1", KeyHex("21")) +
      KeyLine("alpha", "victim-2", KeyHex("22"), "embargoed");
  ASSERT_OK_AND_ASSIGN(const Submission submitted,
                       this->p().Submit(alice, Keys(dump, "2030-03-01")));
  EXPECT_EQ(submitted.embargo_until, "2030-03-01");
  ASSERT_THAT(this->p().Review(bob, submitted.id, ReviewDecision::kApprove, ""),
              IsOk());
  // Stored, but not looked up, before the date.
  EXPECT_THAT(this->Lookup("alpha", "victim-1"), IsEmpty());
  const std::vector<KeyRecord> stored = this->Exported();
  ASSERT_THAT(stored, SizeIs(2));
  EXPECT_EQ(stored[0].state, ReleaseState::kEmbargoed);
  EXPECT_EQ(stored[1].state, ReleaseState::kEmbargoed);
  EXPECT_THAT(this->p().LiftEmbargoes(this->cli_), IsOkAndHolds(0u));
  this->Advance(std::chrono::hours(24 * 44));  // 2030-02-28T10:00:00Z.
  EXPECT_THAT(this->p().LiftEmbargoes(this->cli_), IsOkAndHolds(0u));
  EXPECT_THAT(this->Lookup("alpha", "victim-1"), IsEmpty());
  this->Advance(std::chrono::hours(14));  // 2030-03-01T00:00:00Z.
  EXPECT_THAT(this->p().LiftEmbargoes(this->cli_), IsOkAndHolds(1u));
  // Released; the key its dump marked embargoed stays so.
  EXPECT_THAT(this->Lookup("alpha", "victim-1"), SizeIs(1));
  EXPECT_THAT(this->Lookup("alpha", "victim-2"), IsEmpty());
  ASSERT_OK_AND_ASSIGN(const Submission lifted,
                       this->p().GetSubmission(alice, submitted.id));
  EXPECT_EQ(lifted.embargo_lifted, "2030-03-01T00:00:00Z");
  EXPECT_THAT(this->p().LiftEmbargoes(this->cli_), IsOkAndHolds(0u));
  const auto entries = this->Entries(AuditAction::kEmbargoLift);
  ASSERT_THAT(entries, SizeIs(1));
  EXPECT_EQ(entries[0].object, "submission/" + std::to_string(submitted.id));
  EXPECT_THAT(entries[0].detail, AllOf(HasSubstr("\"released_keys\":1"),
                                       HasSubstr("\"still_embargoed\":1")));
}

TYPED_TEST(PartnersTest, WithoutAnEmbargoTheDumpsOwnStatesHold) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal bob = this->As("bob");
  ASSERT_OK_AND_ASSIGN(
      const Submission submitted,
      this->p().Submit(
          alice, Keys(KeyLine("beta", "open", KeyHex("31")) +
                      KeyLine("beta", "held", KeyHex("32"), "embargoed"))));
  ASSERT_THAT(this->p().Review(bob, submitted.id, ReviewDecision::kApprove, ""),
              IsOk());
  EXPECT_THAT(this->Lookup("beta", "open"), SizeIs(1));
  EXPECT_THAT(this->Lookup("beta", "held"), IsEmpty());
  this->Advance(std::chrono::hours(24 * 400));
  EXPECT_THAT(this->p().LiftEmbargoes(this->cli_), IsOkAndHolds(0u));
  EXPECT_THAT(this->Lookup("beta", "held"), IsEmpty());
}

// --- family definitions ----------------------------------------------------

TYPED_TEST(PartnersTest, AFamilyDefinitionIsLintedOverTheKb) {
  this->World();
  const Principal alice = this->As("alice");
  const Principal bob = this->As("bob");
  ASSERT_OK_AND_ASSIGN(const Submission gamma,
                       this->p().Submit(alice, Family(kGammaYaml)));
  EXPECT_EQ(gamma.kind, SubmissionKind::kFamily);
  EXPECT_EQ(gamma.family, "gamma");
  EXPECT_EQ(gamma.summary, "gamma");
  ASSERT_OK_AND_ASSIGN(const Submission read,
                       this->p().GetSubmission(bob, gamma.id));
  EXPECT_EQ(read.content, kGammaYaml);
  EXPECT_THAT(this->p().PreviewKeys(bob, gamma.id),
              StatusIs(StatusCode::kInvalidArgument));
  // One that does not parse, one that clashes with the KB, one with an
  // embargo.
  auto unparsable = this->p().Submit(alice, Family("id: [\n"));
  EXPECT_THAT(unparsable, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(unparsable.status().message(), HasSubstr("submission:"));
  auto clash = this->p().Submit(
      alice, Family("id: \"delta\"\nname: \"Alpha-Locker\"\nsources:\n  - "
                    "\"misp-galaxy:00000000-0000-0000-0000-000000000004\"\n"));
  EXPECT_THAT(clash, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(clash.status().message(), HasSubstr("alpha-locker"));
  SubmissionRequest embargoed = Family(kGammaYaml);
  embargoed.embargo_until = "2031-01-01";
  EXPECT_THAT(this->p().Submit(alice, embargoed),
              StatusIs(StatusCode::kInvalidArgument));
  // A family of the KB, replaced.
  ASSERT_OK_AND_ASSIGN(
      const Submission alpha,
      this->p().Submit(
          alice,
          Family("id: \"alpha\"\nname: \"Alpha\"\naliases:\n  - "
                 "\"alpha-locker\"\n  - \"alpha2\"\nsources:\n  - "
                 "\"misp-galaxy:00000000-0000-0000-0000-000000000001\"\n")));
  EXPECT_EQ(alpha.family, "alpha");
  ASSERT_OK_AND_ASSIGN(const Submission gamma2,
                       this->p().Submit(alice, Family(kGammaYaml)));

  EXPECT_THAT(this->p().ApprovedFamilies(this->cli_), IsOkAndHolds(IsEmpty()));
  ASSERT_THAT(this->p().Review(bob, gamma.id, ReviewDecision::kApprove, ""),
              IsOk());
  this->Advance(std::chrono::seconds(1));
  ASSERT_THAT(this->p().Review(bob, alpha.id, ReviewDecision::kApprove, ""),
              IsOk());
  this->Advance(std::chrono::seconds(1));
  ASSERT_THAT(this->p().Review(bob, gamma2.id, ReviewDecision::kApprove, ""),
              IsOk());
  // The latest per family, in approval order.
  ASSERT_OK_AND_ASSIGN(const std::vector<ApprovedFamily> approved,
                       this->p().ApprovedFamilies(this->cli_));
  ASSERT_THAT(approved, SizeIs(2));
  EXPECT_EQ(approved[0].family, "alpha");
  EXPECT_EQ(approved[0].submission, alpha.id);
  EXPECT_EQ(approved[1].family, "gamma");
  EXPECT_EQ(approved[1].submission, gamma2.id);
  EXPECT_EQ(approved[1].yaml, kGammaYaml);
}

// --- releases and the audit view -------------------------------------------

TYPED_TEST(PartnersTest, ReleasesComeFromTheAuditLog) {
  this->World();
  ASSERT_OK_AND_ASSIGN(auto log, OpenAuditLog(this->env_.db()));
  for (int version = 1; version <= 2; ++version) {
    AuditRecord record;
    record.actor = "cli";
    record.action = AuditAction::kRelease;
    record.object = "release/" + std::to_string(version);
    nlohmann::json detail = {
        {"bundle", "r.bundle"},
        {"version", version},
        {"created", "2030-01-0" + std::to_string(version) + "T00:00:00Z"},
        {"signer", "0011223344556677"},
        {"families", 2120},
        {"released_keys", 10 * version}};
    if (version == 2) detail["sha256"] = std::string(64, 'a');
    record.detail = detail.dump();
    ASSERT_THAT(log->Append(record), IsOk());
  }
  ASSERT_OK_AND_ASSIGN(const std::vector<ReleaseInfo> releases,
                       this->p().Releases(this->As("bert")));
  ASSERT_THAT(releases, SizeIs(2));
  EXPECT_EQ(releases[0].version, 2u);
  EXPECT_EQ(releases[0].keys, 20u);
  EXPECT_EQ(releases[0].families, 2120u);
  EXPECT_EQ(releases[0].signer, "0011223344556677");
  EXPECT_EQ(releases[0].created, "2030-01-02T00:00:00Z");
  EXPECT_EQ(releases[0].sha256, std::string(64, 'a'));
  EXPECT_EQ(releases[1].version, 1u);
  EXPECT_EQ(releases[1].sha256, "");
}

TYPED_TEST(PartnersTest, EveryActionIsAuditedWithItsActor) {
  this->World();
  ASSERT_OK_AND_ASSIGN(const WebSession session, this->LogIn("alice"));
  ASSERT_THAT(this->p().Logout(session.token), IsOk());
  ASSERT_OK_AND_ASSIGN(
      const NewToken token,
      this->p().CreateToken(this->cli_, "bob", "bot", kScopeReview,
                            std::chrono::hours(1)));
  ASSERT_THAT(this->p().RevokeToken(this->cli_, token.info.id), IsOk());
  ASSERT_THAT(this->p().SetRole(this->cli_, "bert", Role::kReviewer), IsOk());
  const std::vector<AuditEntry> entries = this->Entries();
  std::vector<std::string> lines;
  for (const AuditEntry& entry : entries) {
    lines.push_back(entry.actor + "|" + entry.organisation + "|" +
                    std::string(AuditActionName(entry.action)) + "|" +
                    entry.object);
  }
  EXPECT_THAT(
      lines,
      ElementsAre("cli||org-create|organisation/CERT-A",
                  "cli||org-create|organisation/Police-B",
                  "cli||org-create|organisation/Vendor-C",
                  "cli||user-create|user/alice", "cli||user-create|user/arthur",
                  "cli||user-create|user/bob", "cli||user-create|user/bert",
                  "cli||user-create|user/carol", "alice|CERT-A|login|",
                  "alice|CERT-A|logout|",
                  "cli||token-create|token/" + std::to_string(token.info.id),
                  "cli||token-revoke|token/" + std::to_string(token.info.id),
                  "cli||user-change|user/bert"));
  EXPECT_EQ(entries.back().detail, R"({"change":"role","role":"reviewer"})");
  EXPECT_EQ(entries[3].detail,
            R"({"organisation":"CERT-A","role":"submitter"})");

  // The audit view: newest first, in pages, with the chain's verdict.
  const Principal carol = this->As("carol");
  ASSERT_OK_AND_ASSIGN(const Partners::AuditPage page,
                       this->p().Audit(carol, 0, 3));
  EXPECT_TRUE(page.verification.intact());
  EXPECT_EQ(page.verification.entries, entries.size() + 1);
  ASSERT_THAT(page.entries, SizeIs(3));
  EXPECT_EQ(page.entries[0].seq, entries.size() + 1);  // carol's token.
  EXPECT_EQ(page.entries[2].seq, entries.size() - 1);
  ASSERT_OK_AND_ASSIGN(const Partners::AuditPage older,
                       this->p().Audit(carol, 3, 100));
  ASSERT_THAT(older.entries, SizeIs(2));
  EXPECT_EQ(older.entries[0].seq, 2u);
  EXPECT_EQ(older.entries[1].seq, 1u);
  EXPECT_THAT(this->p().Audit(this->As("carol", kScopeRead), 0, 3),
              StatusIs(StatusCode::kPermissionDenied));
}

// --- the store -------------------------------------------------------------

TYPED_TEST(PartnersTest, AStoreOfSchemaVersionTwoIsMigrated) {
  this->partners_.reset();
  // A version 2 store: keys and an audit log, no partner tables.
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenKeyStore(this->env_.db()));
    KeyRecord record;
    record.family = "alpha";
    record.handle = {HandleKind::kVictimId, "old"};
    record.key = SecretBytes(Bytes{1, 2, 3});
    ASSERT_THAT(store->Import(std::vector<KeyRecord>{record}), IsOk());
    ASSERT_OK_AND_ASSIGN(auto log, OpenAuditLog(this->env_.db()));
    AuditRecord entry;
    entry.actor = "cli";
    entry.action = AuditAction::kKeyImport;
    ASSERT_THAT(log->Append(entry), IsOk());
  }
  if constexpr (TypeParam::kNeedsPostgres) {
    this->Sql(
        "DROP TABLE kintsugi.submissions, kintsugi.sessions, "
        "kintsugi.api_tokens, kintsugi.users, kintsugi.organisations; UPDATE "
        "kintsugi.schema_version SET version = 2");
  } else {
    this->Sql(
        "DROP TABLE submissions; DROP TABLE sessions; DROP TABLE api_tokens; "
        "DROP TABLE users; DROP TABLE organisations; UPDATE schema_version "
        "SET version = 2");
  }
  ASSERT_OK_AND_ASSIGN(auto partners, this->Open());
  EXPECT_EQ(this->Sql("SELECT version FROM {s}schema_version"), "3");
  ASSERT_THAT(
      partners->CreateOrganisation(this->cli_, "CERT-A", OrgKind::kCert),
      IsOk());
  EXPECT_THAT(this->Lookup("alpha", "old"), SizeIs(1));
  ASSERT_THAT(this->Entries(), SizeIs(2));
  ASSERT_OK_AND_ASSIGN(auto log, OpenAuditLog(this->env_.db()));
  ASSERT_OK_AND_ASSIGN(const AuditVerification verification, log->Verify());
  EXPECT_TRUE(verification.intact());

  // A newer schema is refused.
  this->Sql("UPDATE {s}schema_version SET version = 4");
  EXPECT_THAT(this->Open(), StatusIs(StatusCode::kUnsupported));
}

TEST(PartnersOpenTest, AKnowledgeBaseIsRequired) {
  store::testing::TempFolder folder;
  EXPECT_THAT(OpenPartners((folder.path() / "store.sqlite").string(),
                           PartnersOptions()),
              StatusIs(StatusCode::kInvalidArgument));
  PartnersOptions options;
  options.kb = TestKb();
  options.creation = KeyStoreCreation::kMustExist;
  EXPECT_THAT(OpenPartners((folder.path() / "store.sqlite").string(), options),
              StatusIs(StatusCode::kNotFound));
}

TEST(PartnersNamesTest, NamesAndScopesParseBack) {
  for (const OrgKind kind : {OrgKind::kLawEnforcement, OrgKind::kCert,
                             OrgKind::kVendor, OrgKind::kResearch}) {
    EXPECT_THAT(ParseOrgKind(OrgKindName(kind)), IsOkAndHolds(kind));
  }
  EXPECT_EQ(OrgKindName(OrgKind::kLawEnforcement), "law-enforcement");
  EXPECT_EQ(RoleName(Role::kReviewer), "reviewer");
  EXPECT_THAT(ParseRole("root"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(SubmissionStateName(SubmissionState::kWithdrawn), "withdrawn");
  EXPECT_THAT(ParseSubmissionKind("family"),
              IsOkAndHolds(SubmissionKind::kFamily));
  EXPECT_EQ(ScopeNames(kScopeSubmit | kScopeRead), "read,submit");
  EXPECT_EQ(ScopeNames(0), "");
  EXPECT_THAT(ParseScopes("submit,read"),
              IsOkAndHolds(kScopeRead | kScopeSubmit));
  for (const char* bad : {"", "read,", "write", "read,,submit"}) {
    EXPECT_THAT(ParseScopes(bad), StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_EQ(RoleScopes(Role::kSubmitter), kScopeRead | kScopeSubmit);
  EXPECT_EQ(RoleScopes(Role::kAdmin), kAllScopes);
  const Principal cli = Principal::Cli();
  EXPECT_EQ(cli.user, "cli");
  EXPECT_TRUE(cli.Has(kAllScopes));
}

}  // namespace
}  // namespace kintsugi::partners
