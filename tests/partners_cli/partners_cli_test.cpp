// End to end (issue 12): `kintsugi partners ...`, the operator's commands,
// through the built binary ($KINTSUGI_BINARY) on an SQLite store in a
// mkdtemp folder: organisations, users and their second factor shown once,
// tokens shown once and stored hashed, every exit code, the audit trail,
// and embargoes lifted on submissions made through the library.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "kintsugi/credentials.h"
#include "kintsugi/kb.h"
#include "kintsugi/partners.h"
#include "kintsugi/store.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Json = nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;
constexpr int kExitIo = 6;

constexpr char kPassword[] = "a long enough passphrase";

class PartnersCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("partners");
    ASSERT_FALSE(dir_.empty());
    db_ = (dir_ / "store.sqlite").string();
    testing::WriteTextFile(dir_ / "password.txt",
                           std::string(kPassword) + "\n");
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  testing::CliRun Run(std::vector<std::string> args) {
    args.push_back("--db");
    args.push_back(db_);
    return testing::RunKintsugi(args, dir_);
  }
  Json RunJson(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    const testing::CliRun run = Run(args);
    EXPECT_EQ(run.code, kExitOk) << run.err;
    return Json::parse(run.out, nullptr, false);
  }
  // The audit log's entries, as `audit export` writes them.
  std::string Exported() {
    const testing::CliRun run = Run({"audit", "export"});
    EXPECT_EQ(run.code, kExitOk) << run.err;
    return run.out;
  }

  stdfs::path dir_;
  std::string db_;
};

TEST_F(PartnersCliTest, TheOperatorSetsUpOrganisationsUsersAndTokens) {
  const testing::CliRun org =
      Run({"partners", "org", "add", "CERT-A", "--kind", "cert"});
  ASSERT_EQ(org.code, kExitOk) << org.err;
  EXPECT_EQ(org.out, "Made organisation CERT-A (cert).\n");
  const Json police = RunJson(
      {"partners", "org", "add", "Police-B", "--kind", "law-enforcement"});
  EXPECT_EQ(police["organisation"]["name"], "Police-B");
  EXPECT_EQ(police["organisation"]["kind"], "law-enforcement");
  const Json orgs = RunJson({"partners", "org", "list"});
  ASSERT_EQ(orgs["organisations"].size(), 2u);
  EXPECT_EQ(orgs["organisations"][1]["name"], "Police-B");

  // A user: the second factor is printed once, never stored elsewhere.
  const testing::CliRun added =
      Run({"partners", "user", "add", "alice", "--org", "CERT-A", "--role",
           "submitter", "--password-file", "password.txt"});
  ASSERT_EQ(added.code, kExitOk) << added.err;
  EXPECT_THAT(added.out, AllOf(HasSubstr("Made user alice (submitter of "
                                         "CERT-A)"),
                               HasSubstr("secret (base32): "),
                               HasSubstr("otpauth://totp/")));
  const Json bob =
      RunJson({"partners", "user", "add", "bob", "--org", "Police-B", "--role",
               "reviewer", "--password-file", "password.txt"});
  const std::string secret = bob["totp_secret"];
  EXPECT_EQ(secret.size(), 32u);  // 20 bytes in base32.
  EXPECT_THAT(std::string(bob["totp_uri"]), HasSubstr("secret=" + secret));
  EXPECT_EQ(bob["user"]["organisation"], "Police-B");
  const Json users = RunJson({"partners", "user", "list"});
  ASSERT_EQ(users["users"].size(), 2u);
  EXPECT_EQ(users["users"][1]["name"], "bob");
  EXPECT_EQ(users["users"][1]["role"], "reviewer");
  EXPECT_EQ(users["users"][1]["disabled"], false);

  // A token: printed once, listed without itself, revocable.
  const Json token =
      RunJson({"partners", "token", "create", "--user", "bob", "--name",
               "review bot", "--scopes", "read,review", "--expires-in", "30"});
  const std::string secret_token = token["token"];
  EXPECT_TRUE(credentials::LooksLikeApiToken(secret_token)) << secret_token;
  EXPECT_EQ(token["scopes"], "read,review");
  const testing::CliRun listed = Run({"partners", "token", "list"});
  ASSERT_EQ(listed.code, kExitOk) << listed.err;
  EXPECT_THAT(listed.out, AllOf(HasSubstr("review bot"), HasSubstr("bob"),
                                Not(HasSubstr(secret_token))));
  const std::string id = std::to_string(token["id"].get<long long>());
  const testing::CliRun revoked = Run({"partners", "token", "revoke", id});
  EXPECT_EQ(revoked.code, kExitOk) << revoked.err;
  EXPECT_EQ(revoked.out, "Token " + id + " revoked.\n");
  const Json tokens = RunJson({"partners", "token", "list"});
  EXPECT_NE(tokens["tokens"][0]["revoked"], "");

  // Changes to a user.
  for (const std::vector<std::string>& change :
       {std::vector<std::string>{"set-role", "alice", "--role", "reviewer"},
        std::vector<std::string>{"disable", "alice"},
        std::vector<std::string>{"enable", "alice"},
        std::vector<std::string>{"unlock", "alice"},
        std::vector<std::string>{"set-password", "alice", "--password-file",
                                 "password.txt"}}) {
    std::vector<std::string> args = {"partners", "user"};
    args.insert(args.end(), change.begin(), change.end());
    const testing::CliRun run = Run(args);
    EXPECT_EQ(run.code, kExitOk) << change[0] << ": " << run.err;
    EXPECT_THAT(run.out, StartsWith("User alice: ")) << change[0];
  }
  const Json reset = RunJson({"partners", "user", "reset-totp", "bob"});
  EXPECT_NE(reset["totp_secret"], secret);

  // All of it audited, none of the secrets.
  const std::string log = Exported();
  for (const char* action :
       {"\"org-create\"", "\"user-create\"", "\"token-create\"",
        "\"token-revoke\"", "\"user-change\""}) {
    EXPECT_THAT(log, HasSubstr(action)) << action;
  }
  EXPECT_THAT(log, AllOf(Not(HasSubstr(kPassword)),
                         Not(HasSubstr(secret_token)), Not(HasSubstr(secret))));
  const testing::CliRun verified = Run({"audit", "verify"});
  EXPECT_EQ(verified.code, kExitOk) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("audit log intact: 12 entries"));
}

TEST_F(PartnersCliTest, EachRefusalHasItsExitCode) {
  // Nothing to read yet: no store is made by a listing.
  const testing::CliRun missing = Run({"partners", "org", "list"});
  EXPECT_EQ(missing.code, kExitBadInput) << missing.err;
  EXPECT_FALSE(stdfs::exists(db_));
  ASSERT_EQ(Run({"partners", "org", "add", "CERT-A", "--kind", "cert"}).code,
            kExitOk);
  const struct {
    std::vector<std::string> args;
    int code;
    const char* says;
  } cases[] = {
      {{"partners", "org", "add", "CERT-A", "--kind", "cert"},
       kExitIo,
       "exists already"},
      {{"partners", "org", "add", "X", "--kind", "militia"}, kExitUsage, ""},
      {{"partners", "org", "add", "X"}, kExitUsage, ""},
      {{"partners", "user", "add", "dave", "--org", "Nowhere", "--role",
        "submitter", "--password-file", "password.txt"},
       kExitBadInput,
       "no organisation"},
      {{"partners", "user", "add", "dave", "--org", "CERT-A", "--role",
        "submitter"},
       kExitBadInput,
       "no password"},
      {{"partners", "user", "add", "Dave!", "--org", "CERT-A", "--role",
        "submitter", "--password-file", "password.txt"},
       kExitBadInput,
       "user name"},
      {{"partners", "user", "add", "dave", "--org", "CERT-A", "--role",
        "overlord", "--password-file", "password.txt"},
       kExitUsage,
       ""},
      {{"partners", "user", "set-role", "nobody", "--role", "admin"},
       kExitBadInput,
       "no user"},
      {{"partners", "token", "create", "--user", "nobody", "--name", "x",
        "--scopes", "read"},
       kExitBadInput,
       "no user"},
      {{"partners", "token", "create", "--user", "dave", "--name", "x",
        "--scopes", "write"},
       kExitUsage,
       ""},
      {{"partners", "token", "create", "--user", "dave", "--name", "x",
        "--scopes", "read", "--expires-in", "400"},
       kExitUsage,
       ""},
      {{"partners", "token", "revoke", "999"}, kExitBadInput, "no token"},
      {{"partners", "submissions", "--state", "lost"}, kExitUsage, ""},
  };
  for (const auto& c : cases) {
    const testing::CliRun run = Run(c.args);
    std::string joined;
    for (const std::string& arg : c.args) joined += arg + " ";
    EXPECT_EQ(run.code, c.code) << joined << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.says)) << joined;
  }
  // A short password is refused by the rule that says so.
  testing::WriteTextFile(dir_ / "short.txt", "short\n");
  const testing::CliRun short_password =
      Run({"partners", "user", "add", "dave", "--org", "CERT-A", "--role",
           "submitter", "--password-file", "short.txt"});
  EXPECT_EQ(short_password.code, kExitBadInput);
  // A submitter's token cannot review.
  ASSERT_EQ(Run({"partners", "user", "add", "dave", "--org", "CERT-A", "--role",
                 "submitter", "--password-file", "password.txt"})
                .code,
            kExitOk);
  const testing::CliRun beyond =
      Run({"partners", "token", "create", "--user", "dave", "--name", "x",
           "--scopes", "review"});
  EXPECT_EQ(beyond.code, kExitBadInput);
  EXPECT_THAT(beyond.err, HasSubstr("may not have the scope review"));
  // With --json, the error is on stdout too.
  const testing::CliRun json =
      Run({"--json", "partners", "token", "revoke", "999"});
  EXPECT_EQ(json.code, kExitBadInput);
  EXPECT_EQ(Json::parse(json.out)["error"]["code"], "not_found");
}

TEST_F(PartnersCliTest, SubmissionsAreListedAndEmbargoesLifted) {
  // Made through the library, on a clock of 2020: a key dump held until
  // 2020-06-01, approved by another organisation.
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_THAT(kb, IsOk());
  partners::PartnersOptions options;
  options.kb = std::make_shared<const kb::KnowledgeBase>(std::move(*kb));
  using namespace std::chrono;
  const system_clock::time_point then = sys_days(year(2020) / January / 1);
  options.clock = [then] { return then; };
  ASSERT_OK_AND_ASSIGN(auto p, partners::OpenPartners(db_, options));
  const partners::Principal cli = partners::Principal::Cli();
  ASSERT_THAT(p->CreateOrganisation(cli, "CERT-A", partners::OrgKind::kCert),
              IsOk());
  ASSERT_THAT(p->CreateOrganisation(cli, "Police-B",
                                    partners::OrgKind::kLawEnforcement),
              IsOk());
  ASSERT_THAT(p->CreateUser(cli, "alice", "CERT-A", partners::Role::kSubmitter,
                            kPassword),
              IsOk());
  ASSERT_THAT(p->CreateUser(cli, "bob", "Police-B", partners::Role::kReviewer,
                            kPassword),
              IsOk());
  const auto as = [&](const char* user) {
    auto token =
        p->CreateToken(cli, user, "t",
                       partners::kScopeRead | partners::kScopeSubmit |
                           (user[0] == 'b' ? partners::kScopeReview : 0u),
                       hours(1));
    EXPECT_THAT(token, IsOk());
    auto principal = p->TokenPrincipal(token->token);
    EXPECT_THAT(principal, IsOk());
    return *principal;
  };
  partners::SubmissionRequest request;
  request.case_reference = "op-1";
  request.embargo_until = "2020-06-01";
  request.content =
      R"({"family":"akira","handle_kind":"none","key_type":"symmetric","key_hex":")" +
      std::string(64, 'a') + "\"}\n";
  ASSERT_OK_AND_ASSIGN(const partners::Submission submitted,
                       p->Submit(as("alice"), request));
  ASSERT_THAT(p->Review(as("bob"), submitted.id,
                        partners::ReviewDecision::kApprove, ""),
              IsOk());
  p.reset();

  const Json held = RunJson({"partners", "submissions"});
  ASSERT_EQ(held["submissions"].size(), 1u);
  EXPECT_EQ(held["submissions"][0]["state"], "approved");
  EXPECT_EQ(held["submissions"][0]["embargo_until"], "2020-06-01");
  EXPECT_EQ(held["submissions"][0]["reviewer"], "bob");
  EXPECT_EQ(held["submissions"][0]["summary"], "1 key: akira");
  EXPECT_EQ(
      RunJson({"partners", "submissions", "--state", "pending"})["submissions"]
          .size(),
      0u);
  const Json stats = RunJson({"keys", "stats"});
  EXPECT_EQ(stats["families"]["akira"]["embargoed"], 1);

  // Today is past 2020-06-01: the key is released, once.
  const testing::CliRun lifted = Run({"partners", "lift-embargoes"});
  EXPECT_EQ(lifted.code, kExitOk) << lifted.err;
  EXPECT_EQ(lifted.out, "Released 1 key(s) whose embargo ended.\n");
  EXPECT_EQ(RunJson({"partners", "lift-embargoes"})["released"], 0);
  EXPECT_EQ(RunJson({"keys", "stats"})["families"]["akira"]["released"], 1);
  EXPECT_THAT(Exported(), AllOf(HasSubstr("\"embargo-lift\""),
                                Not(HasSubstr(std::string(64, 'a')))));
  const testing::CliRun text = Run({"partners", "submissions"});
  EXPECT_THAT(text.out, AllOf(HasSubstr("approved"), HasSubstr("CERT-A"),
                              HasSubstr("1 key: akira")));
}

}  // namespace
}  // namespace kintsugi
