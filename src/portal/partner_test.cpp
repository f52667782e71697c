// The partner area of the portal (issue 12, "Done when": the authorisation
// matrix): an in-process portal on 127.0.0.1 with --partners over an
// SQLite store in a temporary folder, and a test clock shared with the
// partners' layer. Every partner endpoint, API and pages, is called as
// anonymous, a submitter, a reviewer of the submitting organisation, a
// reviewer of another one, an admin, a submitter of another organisation,
// an expired token or session, a revoked token, a token without the
// needed scope and a disabled user, and every answer's status is checked
// against the table below. Also: form posts without or with a wrong CSRF
// token or from another origin are refused; the public pages and API never
// set a cookie and ignore one.

#include "portal/partner.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "core/testing/cli_testing.h"
#include "kintsugi/credentials.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/partners.h"
#include "kintsugi/portal.h"
#include "kintsugi/store.h"

namespace kintsugi {
namespace {

using Json = nlohmann::json;
using partners::Role;
namespace fs = std::filesystem;

constexpr char kPassword[] = "correct horse battery staple";

// The clock of the portal's Partners and of the test's: starts now, moves
// only when a test moves it.
std::atomic<std::int64_t> g_now{0};

std::chrono::system_clock::time_point Now() {
  return std::chrono::system_clock::time_point(
      std::chrono::seconds(g_now.load()));
}

void Advance(std::chrono::seconds by) { g_now += by.count(); }

std::string RandomHex(std::size_t bytes) {
  static std::mt19937_64 random(12);
  std::string hex;
  for (std::size_t i = 0; i < bytes; ++i) {
    hex += fmt::format("{:02x}", static_cast<unsigned>(random() & 0xff));
  }
  return hex;
}

// A key dump of one record of a family of the KB that no decryptor looks
// keys up for yet (so it is checked by docs/key-format.md §2-3 alone): new
// key bytes each time, so that no two submissions collide in the store.
std::string KeyDump() {
  return Json{{"family", "jigsaw"},
              {"handle", "victim-" + RandomHex(6)},
              {"key_type", "symmetric"},
              {"key_hex", RandomHex(32)},
              {"case", "op-matrix"}}
             .dump() +
         "\n";
}

std::string FormEncode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

struct Account {
  std::string user;
  std::string organisation;
  Role role;
  SecretBytes totp;
};

// Who calls: an API token and/or a session (cookie and CSRF token).
struct Actor {
  std::string token;
  std::string user;  // Whose fresh tokens {own-token} makes.
  std::string cookie;
  std::string csrf;
};

struct Reply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  std::string Header(const char* name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? "" : found->second;
  }
};

class PartnerPortalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_now = std::chrono::duration_cast<std::chrono::seconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
    dir_ = new fs::path(testing::MakeTestDir("partner_portal"));
    db_ = new std::string((*dir_ / "store.sqlite").string());
    auto kb = kb::LoadEmbeddedKnowledgeBase();
    ASSERT_TRUE(kb.has_value());
    kb_ = new std::shared_ptr<const kb::KnowledgeBase>(
        std::make_shared<const kb::KnowledgeBase>(std::move(*kb)));
    // The key store first (the portal opens it as existing), then the
    // partner tables, as `kintsugi partners` would.
    ASSERT_TRUE(OpenKeyStore(*db_, KeyStoreCreation::kCreateIfMissing));
    auto opened = partners::OpenPartners(
        *db_, {*kb_, &Now, KeyStoreCreation::kCreateIfMissing});
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    partners_ = opened->release();
    accounts_ = new std::map<std::string, Account>();
    actors_ = new std::map<std::string, Actor>();
    const partners::Principal cli = partners::Principal::Cli();
    for (const auto& [name, kind] :
         {std::pair{"Alpha CERT", partners::OrgKind::kCert},
          std::pair{"Beta Police", partners::OrgKind::kLawEnforcement},
          std::pair{"Kintsugi Ops", partners::OrgKind::kResearch}}) {
      ASSERT_TRUE(partners_->CreateOrganisation(cli, name, kind));
    }
    for (const auto& [user, org, role] :
         {std::tuple{"alice", "Alpha CERT", Role::kSubmitter},
          std::tuple{"arthur", "Alpha CERT", Role::kReviewer},
          std::tuple{"bob", "Beta Police", Role::kReviewer},
          std::tuple{"bella", "Beta Police", Role::kSubmitter},
          std::tuple{"dave", "Beta Police", Role::kReviewer},
          std::tuple{"ada", "Kintsugi Ops", Role::kAdmin},
          std::tuple{"lou", "Alpha CERT", Role::kSubmitter}}) {
      auto made = partners_->CreateUser(cli, user, org, role, kPassword);
      ASSERT_TRUE(made.has_value()) << made.error().ToString();
      (*accounts_)[user] = {user, org, role, std::move(made->totp_secret)};
    }
    // Made before the clock moves 9 hours: an expired token (1 hour) and an
    // expired session (8 hours).
    (*actors_)["expired"] = {
        Token("alice", partners::RoleScopes(Role::kSubmitter),
              std::chrono::hours(1)),
        "alice", "", ""};
    (*actors_)["expired-session"] = Session("alice");
    Advance(std::chrono::hours(9));
    const auto days = std::chrono::hours(24 * 30);
    const unsigned all = partners::kAllScopes;
    for (const auto& [actor, user] :
         {std::pair{"submitter", "alice"}, std::pair{"reviewer-same", "arthur"},
          std::pair{"reviewer-other", "bob"}, std::pair{"admin", "ada"},
          std::pair{"submitter-other", "bella"},
          std::pair{"disabled", "dave"}}) {
      Actor a = Session(user);
      a.token = Token(user, all & partners::RoleScopes((*accounts_)[user].role),
                      days);
      (*actors_)[actor] = a;
    }
    (*actors_)["revoked"] = {
        Token("alice", all & partners::RoleScopes(Role::kSubmitter), days),
        "alice", "", ""};
    ASSERT_TRUE(partners_->RevokeToken(cli, last_token_id_).ok());
    // A read-only token: it may look, not submit or review.
    (*actors_)["no-scope"] = {Token("bob", partners::kScopeRead, days), "bob",
                              "", ""};
    // A session that logged out.
    (*actors_)["logged-out"] = Session("arthur");
    ASSERT_TRUE(partners_->Logout((*actors_)["logged-out"].cookie).ok());
    // Its user disabled after its token and session were made.
    ASSERT_TRUE(partners_->SetDisabled(cli, "dave", true).ok());
    (*actors_)["disabled"].user = "";  // No new token for dave: alice's.
    (*actors_)["anonymous"] = {};

    alpha_ = NewSubmission("submitter");
    decided_ = NewSubmission("submitter");
    ASSERT_TRUE(partners_
                    ->Review(Principal("reviewer-other"), decided_,
                             partners::ReviewDecision::kApprove, "fine")
                    .has_value());

    auto compiled = identify::CompileBuiltInKb();
    ASSERT_TRUE(compiled.has_value());
    PortalOptions options;
    options.listen = "127.0.0.1:0";
    options.kb = *kb_;
    options.compiled_kb = *compiled;
    options.db = *db_;
    options.partners = true;
    options.partners_clock = &Now;
    options.requests = {10000, 10000};
    options.partner_failures = {};  // The matrix fails on purpose; see
                                    // FailedTokensRunIntoTheLimit.
    auto portal = Portal::Start(options);
    ASSERT_TRUE(portal.has_value()) << portal.error().ToString();
    portal_ = portal->release();
  }

  static void TearDownTestSuite() {
    delete portal_;
    delete partners_;
    delete accounts_;
    delete actors_;
    delete kb_;
    fs::remove_all(*dir_);
    delete dir_;
    delete db_;
  }

  // A new API token of `user`, by the CLI.
  static std::string Token(const std::string& user, unsigned scopes,
                           std::chrono::seconds lifetime) {
    auto made = partners_->CreateToken(
        partners::Principal::Cli(), user,
        "matrix-" + std::to_string(++token_count_), scopes, lifetime);
    EXPECT_TRUE(made.has_value()) << made.error().ToString();
    last_token_id_ = made.has_value() ? made->info.id : 0;
    return made.has_value() ? made->token : "";
  }

  // A session of `user`: a login with a code of a step it has not used
  // (the clock moves half a minute first).
  static Actor Session(const std::string& user) {
    Advance(std::chrono::seconds(31));
    const std::string code =
        credentials::TotpCode((*accounts_)[user].totp.view(),
                              static_cast<std::uint64_t>(g_now.load()));
    auto session = partners_->Login(user, kPassword, code, "127.0.0.1");
    EXPECT_TRUE(session.has_value())
        << user << ": " << session.error().ToString();
    if (!session.has_value()) return {};
    return {"", user, session->token, session->csrf};
  }

  static partners::Principal Principal(const std::string& actor) {
    auto who = partners_->TokenPrincipal((*actors_)[actor].token);
    EXPECT_TRUE(who.has_value()) << actor;
    return who.value_or(partners::Principal{});
  }

  // A pending key submission of `actor`'s organisation.
  static std::int64_t NewSubmission(const std::string& actor) {
    partners::SubmissionRequest request;
    request.kind = partners::SubmissionKind::kKeys;
    request.case_reference = "case-" + RandomHex(3);
    request.content = KeyDump();
    auto made = partners_->Submit(Principal(actor), request);
    EXPECT_TRUE(made.has_value()) << made.error().ToString();
    return made.has_value() ? made->id : 0;
  }

  // `text` with {alpha}, {fresh}, {decided}, {beta}, {own-token},
  // {alice-token} and {keys} (a key dump, form-encoded when `form`)
  // replaced.
  static std::string Expand(std::string text, const std::string& actor,
                            bool form) {
    const auto replace = [&](const std::string& name, const auto& make) {
      const std::string placeholder = "{" + name + "}";
      for (std::size_t at = text.find(placeholder); at != std::string::npos;
           at = text.find(placeholder)) {
        text.replace(at, placeholder.size(), make());
      }
    };
    replace("alpha", [] { return std::to_string(alpha_); });
    replace("decided", [] { return std::to_string(decided_); });
    replace("fresh", [] { return std::to_string(NewSubmission("submitter")); });
    replace("beta",
            [] { return std::to_string(NewSubmission("submitter-other")); });
    replace("own-token", [&] {
      const std::string user =
          (*actors_)[actor].user.empty() ? "alice" : (*actors_)[actor].user;
      Token(user, partners::kScopeRead, std::chrono::hours(24));
      return std::to_string(last_token_id_);
    });
    replace("alice-token", [] {
      Token("alice", partners::kScopeRead, std::chrono::hours(24));
      return std::to_string(last_token_id_);
    });
    replace("keys", [&] {
      const std::string dump = KeyDump();
      if (form) return FormEncode(dump);
      return Json(dump).dump().substr(1, Json(dump).dump().size() - 2);
    });
    return text;
  }

  static std::string Origin() {
    return "http://127.0.0.1:" + std::to_string(portal_->port());
  }

  Reply Send(const std::string& method, const std::string& path,
             httplib::Headers headers, const std::string& body = "",
             const std::string& type = "") {
    httplib::Client client("127.0.0.1", portal_->port());
    client.set_read_timeout(30, 0);
    httplib::Result result = method == "GET" ? client.Get(path, headers)
                             : method == "DELETE"
                                 ? client.Delete(path, headers)
                                 : client.Post(path, headers, body, type);
    EXPECT_TRUE(result) << method << " " << path;
    if (!result) return {};
    return {result->status, result->body, result->headers};
  }

  static Portal* portal_;
  static partners::Partners* partners_;
  static fs::path* dir_;
  static std::string* db_;
  static std::shared_ptr<const kb::KnowledgeBase>* kb_;
  static std::map<std::string, Account>* accounts_;
  static std::map<std::string, Actor>* actors_;
  static std::int64_t alpha_, decided_, last_token_id_;
  static int token_count_;
};

Portal* PartnerPortalTest::portal_ = nullptr;
partners::Partners* PartnerPortalTest::partners_ = nullptr;
fs::path* PartnerPortalTest::dir_ = nullptr;
std::string* PartnerPortalTest::db_ = nullptr;
std::shared_ptr<const kb::KnowledgeBase>* PartnerPortalTest::kb_ = nullptr;
std::map<std::string, Account>* PartnerPortalTest::accounts_ = nullptr;
std::map<std::string, Actor>* PartnerPortalTest::actors_ = nullptr;
std::int64_t PartnerPortalTest::alpha_ = 0;
std::int64_t PartnerPortalTest::decided_ = 0;
std::int64_t PartnerPortalTest::last_token_id_ = 0;
int PartnerPortalTest::token_count_ = 0;

// The actors of the API matrix, in the order of its columns.
constexpr const char* kApiActors[] = {
    "anonymous", "submitter",       "reviewer-same", "reviewer-other",
    "admin",     "submitter-other", "expired",       "revoked",
    "no-scope",  "disabled"};

struct ApiRow {
  const char* method;
  const char* path;
  const char* body;  // JSON; placeholders as Expand's.
  std::array<int, std::size(kApiActors)> status;
};

// Who may do what through the API. The submissions {alpha}, {fresh} and
// {decided} are Alpha CERT's (the submitter's and reviewer-same's
// organisation); reviewer-other is Beta Police's, as submitter-other; the
// admin is of a third organisation. no-scope is reviewer-other's user with
// a read-only token: without the review scope, another organisation's
// submission is not its to see (404). A rejection without a reason is
// refused as such (400) before the reviewer's own organisation is.
constexpr ApiRow kApiMatrix[] = {
    //                                         anon subm rsam roth admn soth
    //                                         expd revk nosc disa
    {"GET",
     "/api/v1/partner/whoami",
     "",
     {401, 200, 200, 200, 200, 200, 401, 401, 200, 401}},
    {"GET",
     "/api/v1/partner/submissions",
     "",
     {401, 200, 200, 200, 200, 200, 401, 401, 200, 401}},
    {"GET",
     "/api/v1/partner/submissions?state=pending",
     "",
     {401, 200, 200, 200, 200, 200, 401, 401, 200, 401}},
    {"POST",
     "/api/v1/partner/submissions",
     R"({"kind": "keys", "case_reference": "op-1", "content": "{keys}"})",
     {401, 201, 201, 201, 201, 201, 401, 401, 403, 401}},
    {"POST",
     "/api/v1/partner/submissions",
     R"({"kind": "keys", "case_reference": "op-1", "content": "not a dump"})",
     {401, 400, 400, 400, 400, 400, 401, 401, 403, 401}},
    {"GET",
     "/api/v1/partner/submissions/{alpha}",
     "",
     {401, 200, 200, 200, 200, 404, 401, 401, 404, 401}},
    {"GET",
     "/api/v1/partner/submissions/999999",
     "",
     {401, 404, 404, 404, 404, 404, 401, 401, 404, 401}},
    {"POST",
     "/api/v1/partner/submissions/{fresh}/withdraw",
     "",
     {401, 200, 200, 403, 403, 404, 401, 401, 403, 401}},
    {"GET",
     "/api/v1/partner/reviews",
     "",
     {401, 403, 200, 200, 200, 403, 401, 401, 403, 401}},
    {"POST",
     "/api/v1/partner/submissions/{fresh}/review",
     R"({"decision": "approve", "reason": "checked"})",
     {401, 403, 403, 200, 200, 403, 401, 401, 403, 401}},
    {"POST",
     "/api/v1/partner/submissions/{fresh}/review",
     R"({"decision": "reject", "reason": ""})",
     {401, 403, 403, 400, 400, 403, 401, 401, 403, 401}},
    {"POST",
     "/api/v1/partner/submissions/{decided}/review",
     R"({"decision": "reject", "reason": "too late"})",
     {401, 403, 403, 409, 409, 403, 401, 401, 403, 401}},
    {"GET",
     "/api/v1/partner/releases",
     "",
     {401, 200, 200, 200, 200, 200, 401, 401, 200, 401}},
    {"GET",
     "/api/v1/partner/audit",
     "",
     {401, 403, 403, 403, 200, 403, 401, 401, 403, 401}},
    {"GET",
     "/api/v1/partner/tokens",
     "",
     {401, 200, 200, 200, 200, 200, 401, 401, 200, 401}},
    {"DELETE",
     "/api/v1/partner/tokens/{own-token}",
     "",
     {401, 200, 200, 200, 200, 200, 401, 401, 200, 401}},
    {"POST",
     "/api/v1/partner/tokens/{own-token}/revoke",
     "",
     {401, 200, 200, 200, 200, 200, 401, 401, 200, 401}},
    {"DELETE",
     "/api/v1/partner/tokens/{alice-token}",
     "",
     {401, 200, 404, 404, 200, 404, 401, 401, 404, 401}},
    {"GET",
     "/api/v1/partner/submissions/{alpha}/withdraw",
     "",
     {401, 405, 405, 405, 405, 405, 401, 401, 405, 401}},
    {"GET",
     "/api/v1/partner/no-such-thing",
     "",
     {401, 404, 404, 404, 404, 404, 401, 401, 404, 401}},
};

TEST_F(PartnerPortalTest, ApiAuthorisationMatrix) {
  int checked = 0;
  for (const ApiRow& row : kApiMatrix) {
    for (std::size_t i = 0; i < std::size(kApiActors); ++i) {
      const std::string actor = kApiActors[i];
      const std::string path = Expand(row.path, actor, false);
      SCOPED_TRACE(actor + ": " + row.method + " " + path);
      httplib::Headers headers;
      const Actor& a = (*actors_)[actor];
      if (!a.token.empty()) {
        headers.emplace("Authorization", "Bearer " + a.token);
      }
      // A valid session cookie never authenticates the API.
      if (!a.cookie.empty()) {
        headers.emplace("Cookie", "kintsugi-partner=" + a.cookie);
      }
      const Reply reply =
          Send(row.method, path, headers, Expand(row.body, actor, false),
               "application/json");
      EXPECT_EQ(reply.status, row.status[i]) << reply.body;
      EXPECT_EQ(reply.Header("Cache-Control"), "no-store");
      EXPECT_EQ(reply.Header("Set-Cookie"), "");
      const Json doc = Json::parse(reply.body, nullptr, false);
      EXPECT_FALSE(doc.is_discarded()) << reply.body;
      if (reply.status >= 400) {
        EXPECT_TRUE(doc.contains("error") && doc["error"].contains("code") &&
                    doc["error"].contains("message"))
            << reply.body;
      }
      if (reply.status == 401) {
        EXPECT_EQ(reply.Header("WWW-Authenticate").rfind("Bearer", 0), 0u);
        EXPECT_EQ(doc["error"]["code"], "unauthenticated");
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked,
            static_cast<int>(std::size(kApiMatrix) * std::size(kApiActors)));
}

constexpr const char* kPageActors[] = {
    "anonymous",       "submitter",  "reviewer-same",
    "reviewer-other",  "admin",      "submitter-other",
    "expired-session", "logged-out", "disabled"};

struct PageRow {
  const char* method;
  const char* path;
  const char* form;  // urlencoded; the actor's CSRF token is added.
  std::array<int, std::size(kPageActors)> status;
};

// The same for the pages, signed in by the session cookie. Signed out, a
// page redirects to the login (303) and a form post is refused (401).
constexpr PageRow kPageMatrix[] = {
    //                                          anon subm rsam roth admn soth
    //                                          expd lout disa
    {"GET",
     "/partner/login",
     "",
     {200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"POST",
     "/partner/login",
     "user=nobody-{actor}&password=wrong-password&code=123456",
     {401, 401, 401, 401, 401, 401, 401, 401, 401}},
    {"GET", "/partner", "", {303, 303, 303, 303, 303, 303, 303, 303, 303}},
    {"GET", "/partner/", "", {303, 200, 200, 200, 200, 200, 303, 303, 303}},
    {"GET",
     "/partner/submit",
     "",
     {303, 200, 200, 200, 200, 200, 303, 303, 303}},
    {"POST",
     "/partner/submit",
     "kind=keys&case_reference=op-2&content={keys}",
     {401, 303, 303, 303, 303, 303, 401, 401, 401}},
    {"POST",
     "/partner/submit",
     "kind=keys&case_reference=op-2&content=not+a+dump",
     {401, 400, 400, 400, 400, 400, 401, 401, 401}},
    {"GET",
     "/partner/submissions/{alpha}",
     "",
     {303, 200, 200, 200, 200, 404, 303, 303, 303}},
    {"GET",
     "/partner/submissions/999999",
     "",
     {303, 404, 404, 404, 404, 404, 303, 303, 303}},
    {"POST",
     "/partner/submissions/{fresh}/withdraw",
     "",
     {401, 303, 303, 403, 403, 404, 401, 401, 401}},
    {"GET",
     "/partner/review",
     "",
     {303, 403, 200, 200, 200, 403, 303, 303, 303}},
    {"POST",
     "/partner/submissions/{fresh}/review",
     "decision=approve&reason=checked",
     {401, 403, 403, 303, 303, 403, 401, 401, 401}},
    {"POST",
     "/partner/submissions/{decided}/review",
     "decision=reject&reason=late",
     {401, 403, 403, 409, 409, 403, 401, 401, 401}},
    {"GET",
     "/partner/releases",
     "",
     {303, 200, 200, 200, 200, 200, 303, 303, 303}},
    {"GET",
     "/partner/audit",
     "",
     {303, 403, 403, 403, 200, 403, 303, 303, 303}},
    {"GET",
     "/partner/tokens",
     "",
     {303, 200, 200, 200, 200, 200, 303, 303, 303}},
    {"POST",
     "/partner/tokens",
     "name=cron&scope=read&days=7",
     {401, 200, 200, 200, 200, 200, 401, 401, 401}},
    {"POST",
     "/partner/tokens/{own-token}/revoke",
     "",
     {401, 303, 303, 303, 303, 303, 401, 401, 401}},
    {"POST",
     "/partner/tokens/{alice-token}/revoke",
     "",
     {401, 303, 404, 404, 303, 404, 401, 401, 401}},
    {"GET",
     "/partner/no-such-page",
     "",
     {303, 404, 404, 404, 404, 404, 303, 303, 303}},
};

TEST_F(PartnerPortalTest, PageAuthorisationMatrix) {
  int checked = 0;
  for (const PageRow& row : kPageMatrix) {
    for (std::size_t i = 0; i < std::size(kPageActors); ++i) {
      const std::string actor = kPageActors[i];
      const std::string path = Expand(row.path, actor, true);
      SCOPED_TRACE(actor + ": " + row.method + " " + path);
      const Actor& a = (*actors_)[actor];
      httplib::Headers headers = {{"Origin", Origin()}};
      // An API token never signs in to the pages.
      if (!a.token.empty()) {
        headers.emplace("Authorization", "Bearer " + a.token);
      }
      if (!a.cookie.empty()) {
        headers.emplace("Cookie", "kintsugi-partner=" + a.cookie);
      }
      std::string form = row.form;
      std::size_t at = form.find("{actor}");
      if (at != std::string::npos) form.replace(at, 7, actor);
      form = Expand(form, actor, true);
      if (!a.csrf.empty()) {
        form += (form.empty() ? "csrf=" : "&csrf=") + FormEncode(a.csrf);
      }
      const Reply reply = Send(row.method, path, headers, form,
                               "application/x-www-form-urlencoded");
      EXPECT_EQ(reply.status, row.status[i]) << reply.body.substr(0, 2000);
      EXPECT_EQ(reply.Header("Cache-Control"), "no-store");
      EXPECT_EQ(reply.Header("Set-Cookie"), "");
      if (reply.status == 303) {
        EXPECT_EQ(reply.Header("Location").rfind("/partner/", 0), 0u);
      } else {
        EXPECT_EQ(reply.Header("Content-Type"), "text/html; charset=utf-8");
        EXPECT_NE(reply.body.find("</html>"), std::string::npos);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked,
            static_cast<int>(std::size(kPageMatrix) * std::size(kPageActors)));
}

// A form post carries the session's CSRF token and comes from this site:
// without the token, with a wrong one, or with another Origin or Referer
// it is refused, and nothing is done.
TEST_F(PartnerPortalTest, FormPostsNeedTheCsrfTokenAndThisOrigin) {
  const Actor& a = (*actors_)["submitter"];
  const auto count = [] {
    auto list =
        partners_->Submissions(partners::Principal::Cli(), std::nullopt);
    return list.has_value() ? list->size() : 0;
  };
  const auto post = [&](const std::string& csrf,
                        httplib::Headers headers) -> Reply {
    headers.emplace("Cookie", "kintsugi-partner=" + a.cookie);
    std::string form =
        "kind=keys&case_reference=csrf&content=" + FormEncode(KeyDump());
    if (!csrf.empty()) form += "&csrf=" + FormEncode(csrf);
    return Send("POST", "/partner/submit", headers, form,
                "application/x-www-form-urlencoded");
  };
  const std::size_t before = count();
  std::string wrong = a.csrf;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  for (const auto& [csrf, origin, referer] :
       {std::tuple{std::string(), Origin(), std::string()},
        std::tuple{wrong, Origin(), std::string()},
        std::tuple{a.csrf.substr(1), Origin(), std::string()},
        std::tuple{a.csrf, std::string("https://evil.example"), std::string()},
        std::tuple{a.csrf, std::string("null"), std::string()},
        std::tuple{a.csrf, std::string(),
                   std::string("https://evil.example/partner/submit")}}) {
    SCOPED_TRACE("csrf " + csrf + ", origin " + origin + ", referer " +
                 referer);
    httplib::Headers headers;
    if (!origin.empty()) headers.emplace("Origin", origin);
    if (!referer.empty()) headers.emplace("Referer", referer);
    const Reply reply = post(csrf, headers);
    EXPECT_EQ(reply.status, 403);
    EXPECT_EQ(count(), before);
  }
  // The same post with the token, from this origin (or with no Origin and
  // no Referer at all), goes through.
  EXPECT_EQ(post(a.csrf, {{"Origin", Origin()}}).status, 303);
  EXPECT_EQ(post(a.csrf, {{"Referer", Origin() + "/partner/submit"}}).status,
            303);
  EXPECT_EQ(post(a.csrf, {}).status, 303);
  EXPECT_EQ(count(), before + 3);
  // The login form has no session yet: its Origin is checked.
  const Reply login =
      Send("POST", "/partner/login", {{"Origin", "https://evil.example"}},
           "user=alice&password=x&code=1", "application/x-www-form-urlencoded");
  EXPECT_EQ(login.status, 403);
  // Nor, having no token to check, one that names no origin at all.
  const Reply unnamed =
      Send("POST", "/partner/login", {}, "user=alice&password=x&code=1",
           "application/x-www-form-urlencoded");
  EXPECT_EQ(unnamed.status, 403);
}

// The public pages and API set no cookie, and one sent to them changes
// nothing; the partner area sets its cookie only on a login.
TEST_F(PartnerPortalTest, PublicPagesNeverSetCookies) {
  const std::string cookie =
      "kintsugi-partner=" + (*actors_)["admin"].cookie +
      "; __Host-kintsugi-partner=" + (*actors_)["admin"].cookie;
  for (const char* path :
       {"/", "/en/", "/en/identify", "/en/decryptors", "/en/partners",
        "/en/privacy", "/static/site.css", "/healthz", "/api/v1/families",
        "/api/v1/families/stop-djvu",
        "/api/v1/keys/stop-djvu/"
        "QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
        "/partner/login"}) {
    SCOPED_TRACE(path);
    const Reply plain = Send("GET", path, {});
    const Reply with = Send("GET", path, {{"Cookie", cookie}});
    EXPECT_EQ(plain.Header("Set-Cookie"), "");
    EXPECT_EQ(with.Header("Set-Cookie"), "");
    EXPECT_EQ(plain.status, with.status);
    EXPECT_EQ(plain.body, with.body);
  }
  for (const auto& [path, body, type] :
       {std::tuple{"/api/v1/identify", R"({"contacts": ["a@b.example"]})",
                   "application/json"},
        std::tuple{"/en/result", "names=photo.jpg.djvu",
                   "application/x-www-form-urlencoded"}}) {
    const Reply reply = Send("POST", path, {{"Cookie", cookie}}, body, type);
    EXPECT_EQ(reply.status, 200) << path;
    EXPECT_EQ(reply.Header("Set-Cookie"), "") << path;
  }
}

// A login through the form: the cookie (HttpOnly, SameSite=Strict, scoped
// to /partner/ without TLS) opens the pages, logout ends it; a wrong code
// gets the one generic message; repeated failures get the delay, shown as
// such.
TEST_F(PartnerPortalTest, LoginCookieLogoutAndDelays) {
  Advance(std::chrono::seconds(31));
  const std::string code =
      credentials::TotpCode((*accounts_)["lou"].totp.view(),
                            static_cast<std::uint64_t>(g_now.load()));
  const httplib::Headers origin = {{"Origin", Origin()}};
  const Reply login =
      Send("POST", "/partner/login", origin,
           "user=lou&password=" + FormEncode(kPassword) + "&code=" + code,
           "application/x-www-form-urlencoded");
  ASSERT_EQ(login.status, 303) << login.body;
  EXPECT_EQ(login.Header("Location"), "/partner/");
  const std::string set = login.Header("Set-Cookie");
  EXPECT_EQ(set.rfind("kintsugi-partner=", 0), 0u) << set;
  for (const char* attribute :
       {"; Path=/partner/", "; HttpOnly", "; SameSite=Strict"}) {
    EXPECT_NE(set.find(attribute), std::string::npos) << set;
  }
  EXPECT_EQ(set.find("Secure"), std::string::npos) << set;
  const std::string cookie = set.substr(0, set.find(';'));
  Reply home = Send("GET", "/partner/", {{"Cookie", cookie}});
  ASSERT_EQ(home.status, 200);
  // Its own Referrer-Policy, in place of the public pages' no-referrer
  // (under which browsers post forms with Origin: null).
  EXPECT_EQ(home.headers.count("Referrer-Policy"), 1u);
  EXPECT_EQ(home.Header("Referrer-Policy"), "same-origin");
  EXPECT_EQ(Send("GET", "/en/", {}).Header("Referrer-Policy"), "no-referrer");
  EXPECT_NE(home.Header("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_NE(home.body.find("Signed in as <strong>lou</strong>"),
            std::string::npos);
  // The logout form of the page carries the CSRF token.
  const std::string marker = "name=\"csrf\" value=\"";
  const std::size_t at = home.body.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string csrf = home.body.substr(
      at + marker.size(),
      home.body.find('"', at + marker.size()) - at - marker.size());
  httplib::Headers headers = origin;
  headers.emplace("Cookie", cookie);
  const Reply logout =
      Send("POST", "/partner/logout", headers, "csrf=" + FormEncode(csrf),
           "application/x-www-form-urlencoded");
  EXPECT_EQ(logout.status, 303);
  EXPECT_NE(logout.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Send("GET", "/partner/", {{"Cookie", cookie}}).status, 303);

  // Wrong codes and passwords: one message for all of them.
  std::string generic;
  for (const std::string& form :
       {"user=lou&password=" + FormEncode(kPassword) + "&code=000000",
        std::string("user=lou&password=wrong-password-1&code=") + code,
        std::string("user=no-such-user&password=wrong-password-1&code=1")}) {
    const Reply reply = Send("POST", "/partner/login", origin, form,
                             "application/x-www-form-urlencoded");
    EXPECT_EQ(reply.status, 401) << form;
    const std::size_t p = reply.body.find("class=\"problem\"");
    ASSERT_NE(p, std::string::npos);
    const std::string text =
        reply.body.substr(p, reply.body.find("</p>", p) - p);
    if (generic.empty()) generic = text;
    EXPECT_EQ(text, generic);
  }
  // After a few failures in a row the account waits: the page says so.
  Reply delayed;
  for (int i = 0; i < 5 && delayed.status != 429; ++i) {
    delayed = Send("POST", "/partner/login", origin,
                   "user=lou&password=wrong-password-2&code=000000",
                   "application/x-www-form-urlencoded");
  }
  EXPECT_EQ(delayed.status, 429);
  EXPECT_NE(delayed.body.find("try again in"), std::string::npos);
  EXPECT_NE(delayed.Header("Retry-After"), "");
}

// A submission's page and API answer show its keys without their bytes.
TEST_F(PartnerPortalTest, KeyBytesAreShownToNobody) {
  const std::string key = RandomHex(32);
  partners::SubmissionRequest request;
  request.case_reference = "op-bytes";
  request.content = Json{{"family", "jigsaw"},
                         {"handle", "victim-bytes"},
                         {"key_type", "symmetric"},
                         {"key_hex", key}}
                        .dump() +
                    "\n";
  auto made = partners_->Submit(Principal("submitter"), request);
  ASSERT_TRUE(made.has_value()) << made.error().ToString();
  const std::string path = "/submissions/" + std::to_string(made->id);
  const Reply api =
      Send("GET", "/api/v1/partner" + path,
           {{"Authorization", "Bearer " + (*actors_)["reviewer-other"].token}});
  ASSERT_EQ(api.status, 200) << api.body;
  const Json doc = Json::parse(api.body);
  ASSERT_EQ(doc["keys"].size(), 1u);
  EXPECT_EQ(doc["keys"][0]["handle"], "victim-bytes");
  EXPECT_EQ(doc["keys"][0]["key_bytes"], 32);
  EXPECT_FALSE(doc.contains("content"));
  const Reply page = Send(
      "GET", "/partner" + path,
      {{"Cookie", "kintsugi-partner=" + (*actors_)["reviewer-other"].cookie}});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("victim-bytes"), std::string::npos);
  for (const Reply* reply : {&api, &page}) {
    std::string upper = key;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    EXPECT_EQ(reply->body.find(key.substr(0, 16)), std::string::npos);
    EXPECT_EQ(reply->body.find(upper.substr(0, 16)), std::string::npos);
  }
}

// A family definition submitted through the API: its YAML comes back by
// the API and on its page, where it is text, not markup.
TEST_F(PartnerPortalTest, FamilyDefinitionsAreShownAsText) {
  const std::string yaml =
      "# <script>alert(1)</script> from the analysts\n"
      "id: \"gamma\"\nname: \"Gamma\"\nsources:\n"
      "  - \"misp-galaxy:00000000-0000-0000-0000-000000000003\"\n";
  const httplib::Headers token = {
      {"Authorization", "Bearer " + (*actors_)["submitter"].token}};
  const Reply made = Send("POST", "/api/v1/partner/submissions", token,
                          Json{{"kind", "family"},
                               {"case_reference", "analysis-7"},
                               {"content", yaml}}
                              .dump(),
                          "application/json");
  ASSERT_EQ(made.status, 201) << made.body;
  const Json submission = Json::parse(made.body);
  EXPECT_EQ(submission["kind"], "family");
  EXPECT_EQ(submission["family"], "gamma");
  const std::string path =
      "/submissions/" + std::to_string(submission["id"].get<int>());
  EXPECT_EQ(made.Header("Location"), "/api/v1/partner" + path);
  const Reply api = Send("GET", "/api/v1/partner" + path, token);
  ASSERT_EQ(api.status, 200);
  EXPECT_EQ(Json::parse(api.body)["content"], yaml);
  const Reply page =
      Send("GET", "/partner" + path,
           {{"Cookie", "kintsugi-partner=" + (*actors_)["submitter"].cookie}});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("# &lt;script&gt;alert(1)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  // A family takes no embargo, and bad YAML is refused with its problem.
  for (const Json& body :
       {Json{{"kind", "family"},
             {"case_reference", "a"},
             {"content", yaml},
             {"embargo_until", "2999-01-01"}},
        Json{{"kind", "family"},
             {"case_reference", "a"},
             {"content", "id: [\n"}},
        Json{{"kind", "keys"}, {"case_reference", 7}, {"content", ""}},
        Json{{"kind", "keys"},
             {"case_reference", "a"},
             {"content", "x"},
             {"extra", true}}}) {
    const Reply refused = Send("POST", "/api/v1/partner/submissions", token,
                               body.dump(), "application/json");
    EXPECT_EQ(refused.status, 400) << body.dump() << " " << refused.body;
  }
  EXPECT_EQ(
      Send("POST", "/api/v1/partner/submissions", token, "{}", "text/plain")
          .status,
      415);
}

// Failed token authentications from one address run into the partner
// limit (429, Retry-After), and then even a good token waits.
TEST(PartnerLimitTest, FailedTokensRunIntoTheLimit) {
  const fs::path dir = testing::MakeTestDir("partner_limit");
  const std::string db = (dir / "store.sqlite").string();
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_TRUE(kb.has_value());
  auto shared = std::make_shared<const kb::KnowledgeBase>(std::move(*kb));
  ASSERT_TRUE(OpenKeyStore(db, KeyStoreCreation::kCreateIfMissing));
  auto p = partners::OpenPartners(
      db, {shared, {}, KeyStoreCreation::kCreateIfMissing});
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  const partners::Principal cli = partners::Principal::Cli();
  ASSERT_TRUE(
      (*p)->CreateOrganisation(cli, "Alpha CERT", partners::OrgKind::kCert));
  ASSERT_TRUE((*p)->CreateUser(cli, "alice", "Alpha CERT", Role::kSubmitter,
                               kPassword));
  auto token = (*p)->CreateToken(cli, "alice", "t", partners::kScopeRead,
                                 std::chrono::hours(1));
  ASSERT_TRUE(token.has_value());
  auto compiled = identify::CompileBuiltInKb();
  ASSERT_TRUE(compiled.has_value());
  PortalOptions options;
  options.listen = "127.0.0.1:0";
  options.kb = shared;
  options.compiled_kb = *compiled;
  options.db = db;
  options.partners = true;
  options.partner_failures = {0.001, 3};
  auto portal = Portal::Start(options);
  ASSERT_TRUE(portal.has_value()) << portal.error().ToString();
  httplib::Client client("127.0.0.1", (*portal)->port());
  const httplib::Headers good = {{"Authorization", "Bearer " + token->token}};
  EXPECT_EQ(client.Get("/api/v1/partner/whoami", good)->status, 200);
  const httplib::Headers bad = {
      {"Authorization", "Bearer ksp_" + std::string(43, 'A')}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client.Get("/api/v1/partner/whoami", bad)->status, 401) << i;
  }
  auto refused = client.Get("/api/v1/partner/whoami", bad);
  EXPECT_EQ(refused->status, 429);
  EXPECT_NE(refused->get_header_value("Retry-After"), "");
  EXPECT_EQ(Json::parse(refused->body)["error"]["code"], "rate_limited");
  EXPECT_EQ(client.Get("/api/v1/partner/whoami", good)->status, 429);
  // Login failures count against the same limit.
  auto login = client.Post("/partner/login", "user=alice&password=x&code=1",
                           "application/x-www-form-urlencoded");
  EXPECT_EQ(login->status, 429);
  portal->reset();
  fs::remove_all(dir);
}

// Without --partners there is no partner area at all: no login page, no
// partner API.
TEST(PartnerLimitTest, OffByDefault) {
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_TRUE(kb.has_value());
  auto compiled = identify::CompileBuiltInKb();
  ASSERT_TRUE(compiled.has_value());
  PortalOptions options;
  options.listen = "127.0.0.1:0";
  options.kb = std::make_shared<const kb::KnowledgeBase>(std::move(*kb));
  options.compiled_kb = *compiled;
  auto portal = Portal::Start(options);
  ASSERT_TRUE(portal.has_value());
  httplib::Client client("127.0.0.1", (*portal)->port());
  EXPECT_EQ(client.Get("/partner/login")->status, 404);
  EXPECT_EQ(client.Get("/api/v1/partner/whoami")->status, 404);
  // And it cannot be switched on without a store.
  options.partners = true;
  auto refused = Portal::Start(options);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);
}

// Issue 14: the OpenAPI document (web/api/openapi.json, served at
// /api/v1/openapi.json) names every route the partner API's router takes,
// with its methods, and no other; and the router answers each documented
// operation (not 404 "no such API endpoint", not 405) and refuses every
// other method with 405 and the documented Allow.

// {"get", "/api/v1/partner/whoami"}...: an OpenAPI operation.
using Operation = std::pair<std::string, std::string>;

// The router's table as operations; HEAD goes with GET (the document
// says so once, not per path).
std::set<Operation> RouterOperations() {
  std::set<Operation> operations;
  for (const portal::PartnerApiRoute& route : portal::PartnerApiRoutes()) {
    std::string_view methods = route.methods;
    while (!methods.empty()) {
      const std::size_t comma = methods.find(", ");
      std::string method(methods.substr(0, comma));
      methods =
          comma == std::string_view::npos ? "" : methods.substr(comma + 2);
      if (method == "HEAD") continue;
      for (char& c : method) c = static_cast<char>(c - 'A' + 'a');
      operations.emplace(method, "/api/v1/partner/" + std::string(route.path));
    }
  }
  return operations;
}

// The document's operations under /api/v1/partner/.
std::set<Operation> DocumentedOperations(const Json& doc) {
  std::set<Operation> operations;
  for (const auto& [path, item] : doc["paths"].items()) {
    if (path.rfind("/api/v1/partner/", 0) != 0) continue;
    for (const auto& [method, operation] : item.items()) {
      operations.emplace(method, path);
    }
  }
  return operations;
}

TEST_F(PartnerPortalTest, OpenApiDocumentsEveryPartnerRouteAndNoOther) {
  const Reply served = Send("GET", "/api/v1/openapi.json", {});
  ASSERT_EQ(served.status, 200);
  const Json doc = Json::parse(served.body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  const std::set<Operation> router = RouterOperations();
  const std::set<Operation> documented = DocumentedOperations(doc);
  EXPECT_EQ(router.size(), 12u);  // docs/api.md's list.
  for (const Operation& op : router) {
    EXPECT_TRUE(documented.count(op))
        << "the router takes " << op.first << " " << op.second
        << ", which web/api/openapi.json does not document";
  }
  for (const Operation& op : documented) {
    EXPECT_TRUE(router.count(op))
        << "web/api/openapi.json documents " << op.first << " " << op.second
        << ", which the router does not take";
  }

  // Each documented operation: its bearer scheme, its scope, its errors.
  const Json& scheme = doc["components"]["securitySchemes"]["partnerToken"];
  EXPECT_EQ(scheme.value("type", ""), "http");
  EXPECT_EQ(scheme.value("scheme", ""), "bearer");
  for (const Operation& op : documented) {
    SCOPED_TRACE(op.first + " " + op.second);
    const Json& operation = doc["paths"][op.second][op.first];
    EXPECT_EQ(operation["security"], Json::parse(R"([{"partnerToken": []}])"));
    const Json scopes = Json::parse(R"(["read", "submit", "review", "admin"])");
    EXPECT_NE(
        std::find(scopes.begin(), scopes.end(), operation["x-kintsugi-scope"]),
        scopes.end())
        << operation["x-kintsugi-scope"];
    for (const char* status : {"401", "403", "405", "429", "503"}) {
      EXPECT_TRUE(operation["responses"].contains(status)) << status;
    }
  }

  // The router answers each documented operation as the document says:
  // with an admin's token (every scope), ids that do not exist and bodies
  // that are refused, so that nothing changes.
  const httplib::Headers admin = {
      {"Authorization", "Bearer " + (*actors_)["admin"].token}};
  const std::string missing_id = "999999999";
  for (const auto& [path, item] : doc["paths"].items()) {
    if (path.rfind("/api/v1/partner/", 0) != 0) continue;
    std::string url = path;
    if (const std::size_t at = url.find("{id}"); at != std::string::npos) {
      url.replace(at, 4, missing_id);
    }
    std::string allow;
    for (const char* method : {"GET", "POST", "DELETE", "PUT", "PATCH"}) {
      std::string lower = method;
      for (char& c : lower) c = static_cast<char>(c - 'A' + 'a');
      SCOPED_TRACE(std::string(method) + " " + url);
      httplib::Client client("127.0.0.1", portal_->port());
      client.set_read_timeout(30, 0);
      httplib::Request request;
      request.method = method;
      request.path = url;
      request.headers = admin;
      if (std::string(method) != "GET" && std::string(method) != "DELETE") {
        request.body = "{}";
        request.set_header("Content-Type", "application/json");
      }
      const httplib::Result result = client.send(request);
      ASSERT_TRUE(result);
      const Json reply = Json::parse(result->body, nullptr, false);
      if (item.contains(lower)) {
        allow += allow.empty() ? "" : ", ";
        allow += std::string(method) + (lower == "get" ? ", HEAD" : "");
        EXPECT_NE(result->status, 405) << result->body;
        EXPECT_FALSE(result->status == 404 && reply.is_object() &&
                     reply["error"]["message"] == "no such API endpoint")
            << "documented, but the router has no such endpoint";
      } else {
        EXPECT_EQ(result->status, 405) << result->body;
      }
    }
    // The 405's Allow header is the document's methods (the router's
    // order: GET, HEAD, then POST or DELETE).
    const Reply refused = Send("DELETE", url, admin);
    if (!doc["paths"][path].contains("delete")) {
      EXPECT_EQ(refused.status, 405) << path;
      EXPECT_EQ(refused.Header("Allow"), allow) << path;
    }
  }
  // Paths the document does not name are no endpoint.
  for (const char* path :
       {"/api/v1/partner/frobnicate", "/api/v1/partner/whoami/1",
        "/api/v1/partner/submissions/1/frobnicate",
        "/api/v1/partner/submissions/1/", "/api/v1/partner/tokens/1/withdraw",
        "/api/v1/partner/reviews/1"}) {
    const Reply reply = Send("GET", path, admin);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_NE(reply.body.find("no such API endpoint"), std::string::npos)
        << path << ": " << reply.body;
  }
}

}  // namespace
}  // namespace kintsugi
