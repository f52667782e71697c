// A release made from what partners contributed (issue 12): submissions
// approved by a reviewer of another organisation are in the bundle that
// `kintsugi release make` signs (a new family definition laid over the KB,
// released keys), pending and rejected ones are not, and embargoed keys
// stay out until their date has come, when the release frees them.
//
// The partners' side runs through the library (partners.h) with a test
// clock ten days in the past; `kintsugi release make` then runs with the
// real clock, so an embargo that ended in between is lifted by it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "kintsugi/credentials.h"
#include "kintsugi/kb.h"
#include "kintsugi/partners.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using std::chrono::system_clock;

constexpr int kExitOk = 0;

std::string Date(system_clock::time_point when) {
  return AuditTime(when).substr(0, 10);  // YYYY-MM-DD
}

std::string KeyLine(const std::string& handle, char fill) {
  return Json{{"family", "akira"},
              {"key_type", "symmetric"},
              {"handle", handle},
              {"key_hex", std::string(64, fill)},
              {"case", "op-" + handle}}
             .dump() +
         "\n";
}

// A family definition as a partner would write it (docs/kb-format.md):
// lint asks for sources and a positive and a negative fixture.
std::string FamilyYaml(const std::string& id, const std::string& extension) {
  return "id: \"" + id + "\"\nname: \"" + id +
         "\"\nsources:\n  - \"partner:OP-TEST\"\nrules:\n"
         "  - id: \"ext-partner\"\n    kind: extension\n"
         "    strength: strong\n    pattern: \"" +
         extension +
         "\"\n    sources:\n      - \"partner:OP-TEST\"\nfixtures:\n"
         "  - positive: true\n    file_names:\n      - \"report.docx" +
         extension +
         "\"\n  - positive: false\n    file_names:\n"
         "      - \"holiday photo.jpg\"\n";
}

const std::string kNewFamily =
    FamilyYaml("zz-partner-locker", ".partnerlocked");

// What an encrypted file looks like to identify: bytes without structure.
std::string RandomBytes() {
  std::random_device random;
  std::string out(4096, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xFF);
  return out;
}

class PartnersReleaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTestDir("partners-release");
    ASSERT_FALSE(dir_.empty());
    ASSERT_EQ(setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1), 0);
    db_ = (dir_ / "partners.sqlite").string();
    ASSERT_OK_AND_ASSIGN(kb::KnowledgeBase kb, kb::LoadEmbeddedKnowledgeBase());
    partners::PartnersOptions options;
    options.kb = std::make_shared<const kb::KnowledgeBase>(std::move(kb));
    options.clock = [this] { return now_; };
    ASSERT_OK_AND_ASSIGN(partners_,
                         partners::OpenPartners(db_, std::move(options)));
    const partners::Principal cli = partners::Principal::Cli();
    ASSERT_TRUE(partners_
                    ->CreateOrganisation(cli, "Police A",
                                         partners::OrgKind::kLawEnforcement)
                    .has_value());
    ASSERT_TRUE(
        partners_->CreateOrganisation(cli, "CERT B", partners::OrgKind::kCert)
            .has_value());
    submitter_ = SignIn("alice", "Police A", partners::Role::kSubmitter);
    reviewer_ = SignIn("bob", "CERT B", partners::Role::kReviewer);
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  partners::Principal SignIn(const std::string& name, const std::string& org,
                             partners::Role role) {
    const std::string password = "a long test password " + name;
    auto enrolment = partners_->CreateUser(partners::Principal::Cli(), name,
                                           org, role, password);
    EXPECT_TRUE(enrolment.has_value()) << enrolment.error().ToString();
    if (!enrolment) return {};
    const auto seconds =
        static_cast<std::uint64_t>(system_clock::to_time_t(now_));
    auto session = partners_->Login(
        name, password,
        credentials::TotpCode(enrolment->totp_secret.view(), seconds),
        "127.0.0.1");
    EXPECT_TRUE(session.has_value()) << session.error().ToString();
    return session ? session->principal : partners::Principal{};
  }

  // Submitted by alice (Police A); approved by bob (CERT B) when asked.
  std::int64_t Submit(partners::SubmissionKind kind, const std::string& content,
                      const std::string& embargo, bool approve) {
    partners::SubmissionRequest request;
    request.kind = kind;
    request.case_reference = "OP-TEST";
    request.embargo_until = embargo;
    request.content = content;
    auto made = partners_->Submit(submitter_, request);
    EXPECT_TRUE(made.has_value()) << made.error().ToString();
    if (!made) return 0;
    if (approve) {
      auto reviewed = partners_->Review(
          reviewer_, made->id, partners::ReviewDecision::kApprove, "checked");
      EXPECT_TRUE(reviewed.has_value()) << reviewed.error().ToString();
    }
    return made->id;
  }

  testing::CliRun Run(const std::vector<std::string>& args) {
    return testing::RunKintsugi(args, dir_);
  }

  // A key pair (rel.secret, rel.pub) and `kintsugi release make` of the
  // store into `out`, with --json.
  testing::CliRun MakeRelease(const std::string& out,
                              const std::string& version) {
    const testing::CliRun keygen = Run(
        {"release", "keygen", "--secret", "rel.secret", "--public", "rel.pub"});
    EXPECT_EQ(keygen.code, kExitOk) << keygen.err;
    return Run({"release", "make", "--db", db_, "--secret", "rel.secret",
                "--out", out, "--release-version", version, "--json"});
  }

  stdfs::path dir_;
  std::string db_;
  // Ten days ago: an embargo until five days ago is over for the release.
  system_clock::time_point now_ =
      system_clock::now() - std::chrono::hours(24 * 10);
  std::unique_ptr<partners::Partners> partners_;
  partners::Principal submitter_;
  partners::Principal reviewer_;
};

TEST_F(PartnersReleaseTest, TheReleaseCarriesWhatWasApprovedAndNoEmbargo) {
  const auto day = std::chrono::hours(24);
  Submit(partners::SubmissionKind::kFamily, kNewFamily, "", true);
  Submit(partners::SubmissionKind::kKeys, KeyLine("victim-open", 'a'), "",
         true);
  // Embargoed until five days ago (from the test clock: in five days).
  Submit(partners::SubmissionKind::kKeys, KeyLine("victim-was-held", 'b'),
         Date(now_ + 5 * day), true);
  // Embargoed until twenty days from today.
  Submit(partners::SubmissionKind::kKeys, KeyLine("victim-still-held", 'c'),
         Date(now_ + 30 * day), true);
  // Never approved.
  Submit(partners::SubmissionKind::kKeys, KeyLine("victim-pending", 'd'), "",
         false);

  const testing::CliRun made = MakeRelease("r1.bundle", "1");
  ASSERT_EQ(made.code, kExitOk) << made.err;
  const Json report = Json::parse(made.out);
  EXPECT_EQ(report["approved_families"], 1);
  EXPECT_EQ(report["lifted_keys"], 1);
  EXPECT_EQ(report["keys"], 2);

  const std::string bytes = testing::ReadTextFile(dir_ / "r1.bundle");
  EXPECT_THAT(bytes, HasSubstr("victim-open"));
  EXPECT_THAT(bytes, HasSubstr("victim-was-held"));
  EXPECT_THAT(bytes, Not(HasSubstr("victim-still-held")));
  EXPECT_THAT(bytes, Not(HasSubstr("victim-pending")));

  // The new family is in the release's KB: identified from a file name.
  const testing::CliRun verified =
      Run({"kb", "verify", "r1.bundle", "--public", "rel.pub", "--json"});
  ASSERT_EQ(verified.code, kExitOk) << verified.err;
  testing::WriteTextFile(dir_ / "report.docx.partnerlocked", RandomBytes());
  const testing::CliRun identified =
      Run({"identify", "report.docx.partnerlocked", "--kb", "r1.bundle",
           "--release-key", "rel.pub", "--json"});
  ASSERT_EQ(identified.code, kExitOk) << identified.err;
  EXPECT_THAT(identified.out, HasSubstr("\"zz-partner-locker\""));
  // Without the release it is unknown: the built-in KB lacks it.
  const testing::CliRun builtin =
      Run({"identify", "report.docx.partnerlocked", "--json"});
  EXPECT_THAT(builtin.out, Not(HasSubstr("\"zz-partner-locker\"")));

  // The lift is on the submission and in the audit log, with the release.
  const testing::CliRun audit = Run({"audit", "export", "--db", db_});
  ASSERT_EQ(audit.code, kExitOk) << audit.err;
  EXPECT_THAT(audit.out, HasSubstr("\"action\":\"embargo-lift\""));
  EXPECT_THAT(audit.out, HasSubstr("\"action\":\"release\""));
  EXPECT_EQ(Run({"audit", "verify", "--db", db_}).code, kExitOk);
}

TEST_F(PartnersReleaseTest, AChangedFamilyReplacesTheKbsOwnAndARejectedOneNot) {
  // 0apt as a partner changed it: an extension rule instead of its own.
  const std::string changed = FamilyYaml("0apt", ".zeroaptx");
  Submit(partners::SubmissionKind::kFamily, changed, "", true);
  // Rejected: never in a release.
  const std::int64_t rejected =
      Submit(partners::SubmissionKind::kFamily, kNewFamily, "", false);
  ASSERT_TRUE(partners_
                  ->Review(reviewer_, rejected,
                           partners::ReviewDecision::kReject,
                           "no sample to back the extension")
                  .has_value());
  const testing::CliRun made = MakeRelease("r.bundle", "2");
  ASSERT_EQ(made.code, kExitOk) << made.err;
  EXPECT_EQ(Json::parse(made.out)["approved_families"], 1);
  for (const char* name : {"a.zeroaptx", "b.partnerlocked"}) {
    testing::WriteTextFile(dir_ / name, RandomBytes());
  }
  const testing::CliRun changed_run =
      Run({"identify", "a.zeroaptx", "--kb", "r.bundle", "--release-key",
           "rel.pub", "--json"});
  ASSERT_EQ(changed_run.code, kExitOk) << changed_run.err;
  EXPECT_THAT(changed_run.out, HasSubstr("\"family\": \"0apt\""));
  const testing::CliRun rejected_run =
      Run({"identify", "b.partnerlocked", "--kb", "r.bundle", "--release-key",
           "rel.pub", "--json"});
  EXPECT_THAT(rejected_run.out, Not(HasSubstr("zz-partner-locker")));
}

}  // namespace
}  // namespace kintsugi
