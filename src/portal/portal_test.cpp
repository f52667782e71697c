// The portal on 127.0.0.1 (issue 14): every API endpoint, bad input and the
// limits, the pages and their headers, and identify's answer against the
// CLI's for the same evidence.

#include "kintsugi/portal.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/testing/cli_testing.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/report_json.h"
#include "kintsugi/store.h"
#include "portal/assets.h"
#include "portal/site.h"

namespace kintsugi {
namespace {

using Json = nlohmann::json;

const std::string kVictimId(40, 'Q');
const std::string kEmbargoedId(40, 'E');

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Base64(std::string_view bytes) {
  std::string out(
      sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL),
      '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // The terminating NUL.
  return out;
}

KeyRecord StopKey(const std::string& id, ReleaseState state) {
  KeyRecord record;
  record.family = "stop-djvu";
  record.key_type = KeyType::kRsaPrivatePem;
  record.handle = {HandleKind::kVictimId, id};
  const std::string pem = "-----BEGIN PRIVATE KEY-----\n" + id + "\n";
  record.key = SecretBytes(ByteView::FromString(pem));
  record.provenance = {"test", "case-1", "2024-01-02"};
  record.state = state;
  return record;
}

class PortalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(testing::MakeTestDir("portal"));
    auto store = OpenSqliteKeyStore((*dir_ / "keys.sqlite").string());
    ASSERT_TRUE(store.has_value());
    const KeyRecord records[] = {
        StopKey(kVictimId, ReleaseState::kReleased),
        StopKey(kEmbargoedId, ReleaseState::kEmbargoed)};
    ASSERT_TRUE((*store)->Import(records).ok());
    auto kb = kb::LoadEmbeddedKnowledgeBase();
    ASSERT_TRUE(kb.has_value());
    auto compiled = identify::CompileBuiltInKb();
    ASSERT_TRUE(compiled.has_value());
    PortalOptions options;
    options.listen = "127.0.0.1:0";
    options.kb = std::make_shared<const kb::KnowledgeBase>(std::move(*kb));
    options.compiled_kb = *compiled;
    options.db = (*dir_ / "keys.sqlite").string();
    options.keys = {0.001, 3};        // Three lookups, then 429.
    options.requests = {1000, 1000};  // EveryPageInEveryLanguage asks 266.
    auto portal = Portal::Start(options);
    ASSERT_TRUE(portal.has_value()) << portal.error().ToString();
    portal_ = portal->release();
    kb_ = new std::shared_ptr<const kb::KnowledgeBase>(options.kb);
  }
  static void TearDownTestSuite() {
    delete portal_;
    delete kb_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  httplib::Client Client() {
    httplib::Client client("127.0.0.1", portal_->port());
    client.set_read_timeout(30, 0);
    return client;
  }

  static Portal* portal_;
  static std::filesystem::path* dir_;
  static std::shared_ptr<const kb::KnowledgeBase>* kb_;
};

Portal* PortalTest::portal_ = nullptr;
std::filesystem::path* PortalTest::dir_ = nullptr;
std::shared_ptr<const kb::KnowledgeBase>* PortalTest::kb_ = nullptr;

TEST_F(PortalTest, HealthAndSecurityHeadersWithoutCookies) {
  auto client = Client();
  auto reply = client.Get("/healthz");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(Json::parse(reply->body)["status"], "ok");
  for (const char* path : {"/healthz", "/en/", "/api/v1/families"}) {
    auto r = client.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_NE(r->get_header_value("Content-Security-Policy")
                  .find("default-src 'none'"),
              std::string::npos)
        << path;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_FALSE(r->has_header("Set-Cookie")) << path;
  }
}

TEST_F(PortalTest, FamiliesAreTheCliDocument) {
  auto client = Client();
  auto reply = client.Get("/api/v1/families");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(Json::parse(reply->body), Json::parse(FamiliesJson(**kb_)));
  auto one = client.Get("/api/v1/families/stop-djvu");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  const Json family = Json::parse(one->body);
  EXPECT_EQ(family["id"], "stop-djvu");
  EXPECT_EQ(family["recovery"]["decryptor"], "stop-djvu");
  auto missing = client.Get("/api/v1/families/no-such-family");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json::parse(missing->body)["error"]["code"], "not_found");
  auto post = client.Post("/api/v1/families", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

TEST_F(PortalTest, IdentifyAnswersWhatTheCliAnswers) {
  const std::filesystem::path examples =
      std::filesystem::path(std::getenv("KINTSUGI_SOURCE_ROOT")) / "examples";
  const std::filesystem::path note = *dir_ / "_readme.txt";
  const std::filesystem::path file = *dir_ / "holiday-photo.jpg.djvu";
  std::filesystem::copy_file(examples / "_readme.txt", note,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(examples / "holiday-photo.jpg.djvu", file,
                             std::filesystem::copy_options::overwrite_existing);
  const std::filesystem::path out = *dir_ / "cli.json";
  ASSERT_EQ(
      testing::RunCliToFile({"identify", "--json", file.string(), note.string(),
                             "--contact", "helpmanager@airmail.cc"},
                            out),
      0);
  const std::string bytes = ReadFile(file);
  const Json request = {
      {"files",
       {{{"name", file.string()},
         {"size", bytes.size()},
         {"head", Base64(bytes)}}}},
      {"notes", {{{"name", note.string()}, {"text", ReadFile(note)}}}},
      {"contacts", {"helpmanager@airmail.cc"}}};
  auto client = Client();
  auto reply =
      client.Post("/api/v1/identify", request.dump(), "application/json");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  const Json cli = Json::parse(ReadFile(out));
  EXPECT_EQ(Json::parse(reply->body), cli);
  EXPECT_EQ(cli["verdict"], "identified");
}

TEST_F(PortalTest, IdentifyRefusesBadInputWithJsonErrors) {
  auto client = Client();
  const auto post = [&](const std::string& body, const char* type) {
    auto reply = client.Post("/api/v1/identify", body, type);
    EXPECT_TRUE(reply);
    return reply ? std::pair{reply->status, reply->body}
                 : std::pair{0, std::string()};
  };
  EXPECT_EQ(post("{}", "text/plain").first, 415);
  for (const std::string body :
       {"not json", "[]", "{}", "{\"files\": 3}",
        "{\"files\": [{\"name\": \"a\", \"head\": \"!!!\"}]}",
        "{\"files\": [{\"name\": \"a\", \"size\": 1, \"head\": \"QUJD\"}]}",
        "{\"contacts\": [7]}"}) {
    const auto [status, text] = post(body, "application/json");
    EXPECT_EQ(status, 400) << body;
    const Json error = Json::parse(text, nullptr, false);
    ASSERT_TRUE(error.is_object()) << text;
    EXPECT_EQ(error["error"]["code"], "invalid_argument") << body;
  }
  // Only an ordinary binary file, no evidence in its name: the CLI's error.
  const std::string ordinary(4096, '\0');
  const Json other = {
      {"files", {{{"name", "holiday"}, {"head", Base64(ordinary)}}}}};
  const auto [status, text] = post(other.dump(), "application/json");
  EXPECT_EQ(status, 400) << text;
  EXPECT_NE(text.find("none of the inputs looks like"), std::string::npos);
  // More than a head's worth of bytes in one head.
  const std::string big(70 * 1024, 'A');
  const Json large = {{"files", {{{"name", "a"}, {"head", Base64(big)}}}}};
  EXPECT_EQ(post(large.dump(), "application/json").first, 413);
}

// The headers of a request whose declared body is over the server's limit:
// the answer (413) comes before any of the body is sent.
TEST_F(PortalTest, ABodyOverTheLimitIsRefusedUnread) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(portal_->port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address),
            0);
  const std::string request =
      "POST /api/v1/identify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Length: 17000000\r\n\r\n";
  ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  char buffer[512] = {};
  const ssize_t got = recv(fd, buffer, sizeof buffer - 1, 0);
  close(fd);
  ASSERT_GT(got, 0);
  EXPECT_EQ(std::string(buffer).rfind("HTTP/1.1 413", 0), 0u) << buffer;
}

TEST_F(PortalTest, KeysGiveReleasedKeysOnlyOneIdAtATimeAndAreRateLimited) {
  auto client = Client();
  auto released = client.Get("/api/v1/keys/stop-djvu/" + kVictimId);
  ASSERT_TRUE(released);
  EXPECT_EQ(released->status, 200);
  const Json keys = Json::parse(released->body);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]["handle"], kVictimId);
  auto embargoed = client.Get(
      "/api/v1/keys/stop-djvu?handle_kind=victim-id&handle=" + kEmbargoedId);
  ASSERT_TRUE(embargoed);
  EXPECT_EQ(embargoed->status, 200);
  EXPECT_EQ(Json::parse(embargoed->body), Json::array());
  // Listing a family whose files name their key is refused.
  auto list = client.Get("/api/v1/keys/stop-djvu");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 400);
  // The fourth lookup within the burst is refused, with Retry-After.
  auto limited = client.Get("/api/v1/keys/stop-djvu/" + kVictimId);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_TRUE(limited->has_header("Retry-After"));
  // Nothing of the ID reaches the metrics.
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->body.find(kVictimId), std::string::npos);
  EXPECT_NE(
      metrics->body.find(
          "kintsugi_http_requests_total{route=\"keys\",status=\"429\"} 1"),
      std::string::npos)
      << metrics->body;
}

TEST_F(PortalTest, PagesAreServedInTheNegotiatedLanguage) {
  auto client = Client();
  auto root = client.Get("/", {{"Accept-Language", "xx, en;q=0.5"}});
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 302);
  EXPECT_EQ(root->get_header_value("Location"), "/en/");
  for (const char* page :
       {"/en/", "/en/identify", "/en/decryptors", "/en/prevention",
        "/en/report", "/en/partners", "/en/privacy"}) {
    auto reply = client.Get(page);
    ASSERT_TRUE(reply) << page;
    EXPECT_EQ(reply->status, 200) << page;
    EXPECT_NE(reply->body.find("<html lang=\"en\" dir=\"ltr\">"),
              std::string::npos)
        << page;
    EXPECT_EQ(reply->body.find("portal."), std::string::npos)
        << page << ": an untranslated key";
  }
  auto missing = client.Get("/en/no-such-page");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto css = client.Get("/static/site.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
}

// Every page in every language: served, in that language and direction,
// linking every other language (the picker), with no key left untranslated.
TEST_F(PortalTest, EveryPageInEveryLanguage) {
  auto client = Client();
  std::size_t languages = 0;
  for (const auto& [code, name] : portal::KnownLanguages()) {
    ++languages;
    const std::string lang(code);
    const bool rtl = lang == "ar" || lang == "he" || lang == "fa";
    for (const char* page : {"", "identify", "decryptors", "prevention",
                             "report", "partners", "privacy"}) {
      const std::string path = "/" + lang + "/" + page;
      auto reply = client.Get(path);
      ASSERT_TRUE(reply) << path;
      ASSERT_EQ(reply->status, 200) << path;
      EXPECT_NE(reply->body.find("<html lang=\"" + lang + "\" dir=\"" +
                                 (rtl ? "rtl" : "ltr") + "\">"),
                std::string::npos)
          << path;
      EXPECT_EQ(reply->body.find(">portal."), std::string::npos) << path;
      // Every KB text (recovery.needs) translated and current.
      if (lang != "en") {
        EXPECT_EQ(reply->body.find("<span lang=\"en\" dir=\"ltr\">"),
                  std::string::npos)
            << path;
      }
      EXPECT_NE(reply->body.find("hreflang=\"ja\""), std::string::npos) << path;
    }
  }
  EXPECT_GE(languages, 38u);
  // Japanese from Accept-Language.
  auto root = client.Get("/", {{"Accept-Language", "ja-JP,ja;q=0.9,en;q=0.8"}});
  ASSERT_TRUE(root);
  EXPECT_EQ(root->get_header_value("Location"), "/ja/");
}

TEST_F(PortalTest, ResultPageWorksWithoutJavaScript) {
  auto client = Client();
  auto reply = client.Post("/en/result",
                           "note=&contacts=helpmanager%40airmail.cc&names=a."
                           "jpg.djvu%0D%0Ab.doc.djvu",
                           "application/x-www-form-urlencoded");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_NE(reply->body.find("STOP/Djvu"), std::string::npos);
  EXPECT_NE(reply->body.find("class=\"verdict"), std::string::npos);
  // A name is shown as text, whatever it holds.
  auto hostile = client.Post(
      "/en/result", "names=%3Cscript%3Ealert(1)%3C%2Fscript%3E%FF.docx.djvu",
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(hostile);
  EXPECT_EQ(hostile->status, 200);
  EXPECT_EQ(hostile->body.find("<script>alert"), std::string::npos);
  EXPECT_NE(
      hostile->body.find("&lt;script&gt;alert(1)&lt;/script&gt;\xEF\xBF\xBD"),
      std::string::npos);
}

// Issue 17: the free-decryptor list holds only families whose files this
// build recovers (not Chimera, whose decryptor only matches leaked keys),
// and a GandCrab result names the vendor's tool (recovery-schemes-2.md
// §3.6, §3.8).
TEST_F(PortalTest, OnlyDecryptorsThatRecoverAreOfferedAndGandCrabIsReferred) {
  auto client = Client();
  auto list = client.Get("/en/decryptors");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
  EXPECT_NE(list->body.find("STOP/Djvu"), std::string::npos);
  EXPECT_EQ(list->body.find("Chimera"), std::string::npos);
  auto result = client.Post(
      "/en/result",
      "note=---%3D+GANDCRAB+V4.0+%3D---%0D%0A---BEGIN+GANDCRAB+KEY---%0D%0A"
      "AAAA%0D%0A---END+GANDCRAB+KEY---&contacts=&names=a.docx.KRAB%0D%0A"
      "b.xlsx.KRAB",
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_NE(result->body.find("GandCrab"), std::string::npos);
  EXPECT_NE(result->body.find("class=\"no-decryptor\""), std::string::npos);
  EXPECT_NE(result->body.find("Bitdefender&#39;s free GandCrab decryption "
                              "tool, from No More Ransom "
                              "(https://www.nomoreransom.org)"),
            std::string::npos)
      << result->body;
}

// The translation of a KB text in web/i18n/kb/<lang>.json, as HTML.
std::string KbTranslation(std::string_view lang, const std::string& key) {
  const portal::Asset* asset =
      portal::FindAsset("i18n/kb/" + std::string(lang) + ".json");
  if (asset == nullptr) return "(no web/i18n/kb/" + std::string(lang) + ")";
  const Json root = Json::parse(asset->data, nullptr, false);
  if (!root.is_object()) return "(web/i18n/kb/ does not parse)";
  return portal::HtmlEscape(
      root["texts"].value(key, Json::object()).value("text", "(" + key + ")"));
}

// Issue 14: the KB's recovery.needs are shown in the page's language, on
// the decryptors page and in a result.
TEST_F(PortalTest, KbNeedsAreInThePageLanguage) {
  auto client = Client();
  const kb::Family* stop = kb::FindFamily(**kb_, "stop-djvu");
  ASSERT_NE(stop, nullptr);
  ASSERT_FALSE(stop->recovery.needs.empty());
  for (const char* lang : {"fr", "ar", "ja"}) {
    auto list = client.Get(std::string("/") + lang + "/decryptors");
    ASSERT_TRUE(list);
    EXPECT_NE(
        list->body.find(KbTranslation(lang, "stop-djvu.recovery.needs.0")),
        std::string::npos)
        << lang;
    EXPECT_EQ(list->body.find(portal::HtmlEscape(stop->recovery.needs[0])),
              std::string::npos)
        << lang;
  }
  auto result = client.Post(
      "/he/result",
      "note=---%3D+GANDCRAB+V4.0+%3D---%0D%0A---BEGIN+GANDCRAB+KEY---%0D%0A"
      "AAAA%0D%0A---END+GANDCRAB+KEY---&contacts=&names=a.docx.KRAB%0D%0A"
      "b.xlsx.KRAB",
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_NE(result->body.find(KbTranslation("he", "gandcrab.recovery.needs.0")),
            std::string::npos)
      << result->body;
}

// A group's name (kb/groups.yaml) is shown in the page's language.
TEST_F(PortalTest, KbGroupNamesAreInThePageLanguage) {
  auto client = Client();
  const std::string note =
      "note=however%2C+there+is+an+opportunity+to+resolve+this+situation+"
      "while+keeping+all+information+confidentialand+preventing+further+"
      "leakage.%0D%0Ain+exchange+for+compensation%2C+all+issues+will+be+"
      "closed%2C+and+there+will+be+no+consequences+for+your+company.";
  auto english = client.Post("/en/result", note + "&contacts=&names=",
                             "application/x-www-form-urlencoded");
  ASSERT_TRUE(english);
  ASSERT_NE(english->body.find("The Chaos builder"), std::string::npos)
      << english->body;
  for (const char* lang : {"de", "fa", "zh"}) {
    auto result = client.Post(
        std::string("/") + lang + "/result",
        note + "&contacts=&names=", "application/x-www-form-urlencoded");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200);
    EXPECT_NE(
        result->body.find(KbTranslation(lang, "groups/chaos-builder.name")),
        std::string::npos)
        << lang << result->body;
    EXPECT_EQ(result->body.find("The Chaos builder"), std::string::npos)
        << lang;
  }
}

// A translation of an older English text is never shown: the page shows
// the KB's English, marked lang="en", inside the sentence in its language.
TEST(PortalKbTextsTest, AChangedKbTextIsShownInEnglishNotStale) {
  auto kb = kb::LoadEmbeddedKnowledgeBase();
  ASSERT_TRUE(kb.has_value());
  const std::string changed = "one encrypted file & its <original>";
  for (kb::Family& family : kb->families) {
    if (family.id == "stop-djvu") family.recovery.needs = {changed};
  }
  auto compiled = identify::CompileBuiltInKb();
  ASSERT_TRUE(compiled.has_value());
  PortalOptions options;
  options.listen = "127.0.0.1:0";
  options.kb = std::make_shared<const kb::KnowledgeBase>(std::move(*kb));
  options.compiled_kb = *compiled;
  auto portal = Portal::Start(options);
  ASSERT_TRUE(portal.has_value()) << portal.error().ToString();
  httplib::Client client("127.0.0.1", (*portal)->port());
  client.set_read_timeout(30, 0);
  auto list = client.Get("/fr/decryptors");
  ASSERT_TRUE(list);
  EXPECT_NE(list->body.find("<span lang=\"en\" dir=\"ltr\">" +
                            portal::HtmlEscape(changed) + "</span>"),
            std::string::npos)
      << list->body;
  EXPECT_EQ(list->body.find(KbTranslation("fr", "stop-djvu.recovery.needs.0")),
            std::string::npos);
  // Families whose texts did not change keep their translations.
  EXPECT_NE(list->body.find(KbTranslation("fr", "nemucod.recovery.needs.0")),
            std::string::npos);
}

}  // namespace
}  // namespace kintsugi
