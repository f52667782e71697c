#include "kintsugi/key_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "key_server/testing/fake_key_server.h"

namespace kintsugi {
namespace {

using ::testing::HasSubstr;

using FakeServer = testing::FakeKeyServer;

const std::string& RsaPem() {
  static const std::string pem = [] {
    // RSA-2048: the only size the stop-djvu family takes.
    EVP_PKEY* key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return text;
  }();
  return pem;
}

const char kId[] = "8e4ZkQY2nWq9pXc1Lr7Tb3Hv6Js0Ga5Md2Fw8Et1";

nlohmann::json StopRecord(std::string handle = kId) {
  return {{"family", "stop-djvu"},         {"handle", std::move(handle)},
          {"key_type", "rsa-private-pem"}, {"key_pem", RsaPem()},
          {"source", "Europol EC3"},       {"case", "op-1"}};
}

FakeServer::Answer Json(nlohmann::json body, int status = 200) {
  return [body = std::move(body), status](const httplib::Request&,
                                          httplib::Response& response) {
    response.status = status;
    response.set_content(body.dump(), "application/json");
  };
}

std::unique_ptr<KeyStore> Open(const std::string& url) {
  KeyServerOptions options;
  options.url = url;
  options.timeout = std::chrono::seconds(5);
  auto store = OpenKeyServer(options);
  EXPECT_TRUE(store.ok()) << store.error().ToString();
  return store ? std::move(*store) : nullptr;
}

KeyHandle Victim(std::string id = kId) {
  return KeyHandle{HandleKind::kVictimId, std::move(id)};
}

TEST(KeyServerTest, LooksUpAVictimIdAndSendsOnlyTheFamilyAndTheId) {
  FakeServer server(Json(nlohmann::json::array({StopRecord()})));
  auto store = Open(server.url() + "/portal/");
  auto keys = store->Lookup("stop-djvu", Victim());
  ASSERT_TRUE(keys.ok()) << keys.error().ToString();
  ASSERT_EQ(keys->size(), 1U);
  const KeyRecord& key = keys->front();
  EXPECT_EQ(key.family, "stop-djvu");
  EXPECT_EQ(key.handle, Victim());
  EXPECT_EQ(key.key_type, KeyType::kRsaPrivatePem);
  EXPECT_EQ(std::string(key.key.view().begin(), key.key.view().end()),
            RsaPem());
  EXPECT_EQ(key.provenance.source, "Europol EC3");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].path, "/portal/api/v1/keys/stop-djvu");
  EXPECT_EQ(requests[0].handle_kind, "victim-id");
  EXPECT_EQ(requests[0].handle, kId);
  EXPECT_TRUE(requests[0].body.empty());
}

TEST(KeyServerTest, AsksOnceForTheSameIdAndEncodesIt) {
  const std::string odd_id = "a b&c=d/é";
  FakeServer server(Json(nlohmann::json::array()));
  auto store = Open(server.url());
  for (int i = 0; i < 3; ++i) {
    auto keys = store->Lookup("stop-djvu", Victim(odd_id));
    ASSERT_TRUE(keys.ok()) << keys.error().ToString();
    EXPECT_TRUE(keys->empty());
  }
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].handle, odd_id);
}

TEST(KeyServerTest, ForEachReleasedVisitsTheKeysOfATryEveryKeyFamily) {
  nlohmann::json key1 = {{"family", "babuk"},
                         {"key_type", "x25519-private"},
                         {"key_hex", std::string(64, '1')}};
  nlohmann::json key2 = key1;
  key2["key_hex"] = std::string(64, '2');
  FakeServer server(Json(nlohmann::json::array({key1, key2})));
  auto store = Open(server.url());
  int visited = 0;
  for (int round = 0; round < 2; ++round) {
    Status status = store->ForEachReleased("babuk", [&](const KeyRecord& r) {
      EXPECT_EQ(r.key.size(), 32U);
      EXPECT_EQ(r.handle.kind, HandleKind::kNone);
      ++visited;
      return Status::Ok();
    });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ(visited, 4);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].path, "/api/v1/keys/babuk");
  EXPECT_EQ(requests[0].handle_kind, "");
}

TEST(KeyServerTest, RefusesAnswersThatAreNotWhatWasAsked) {
  nlohmann::json embargoed = StopRecord();
  embargoed["state"] = "embargoed";
  nlohmann::json broken = StopRecord();
  broken["key_pem"] =
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE "
      "KEY-----\n";
  nlohmann::json other_family = StopRecord();
  other_family["family"] = "jigsaw";
  const std::vector<std::pair<std::string, nlohmann::json>> cases = {
      {"another id", nlohmann::json::array({StopRecord("someone-else")})},
      {"another family", nlohmann::json::array({other_family})},
      {"embargoed", nlohmann::json::array({embargoed})},
      {"a key that does not parse", nlohmann::json::array({broken})},
      {"an object", nlohmann::json::object()},
  };
  for (const auto& [what, body] : cases) {
    SCOPED_TRACE(what);
    FakeServer server(Json(body));
    auto store = Open(server.url());
    auto keys = store->Lookup("stop-djvu", Victim());
    ASSERT_FALSE(keys.ok());
    EXPECT_EQ(keys.error().code(), StatusCode::kCorrupt);
    // No key bytes and no victim ID in the error.
    EXPECT_THAT(keys.error().ToString(), ::testing::Not(HasSubstr("AAAA")));
    EXPECT_THAT(keys.error().ToString(), ::testing::Not(HasSubstr(kId)));
  }
}

TEST(KeyServerTest, AnHttpErrorIsUnavailableNotNoKey) {
  for (int status : {404, 500, 302}) {
    SCOPED_TRACE(status);
    FakeServer server(Json(nlohmann::json::array(), status));
    auto store = Open(server.url());
    auto keys = store->Lookup("stop-djvu", Victim());
    ASSERT_FALSE(keys.ok());
    EXPECT_EQ(keys.error().code(), StatusCode::kUnavailable);
    EXPECT_THAT(keys.error().ToString(), HasSubstr(std::to_string(status)));
  }
}

TEST(KeyServerTest, AServerThatIsNotThereIsUnavailable) {
  int port = 0;
  {
    FakeServer gone(Json(nlohmann::json::array()));
    port = gone.port();
  }
  auto store = Open("http://127.0.0.1:" + std::to_string(port));
  auto keys = store->Lookup("stop-djvu", Victim());
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.error().code(), StatusCode::kUnavailable);
}

TEST(KeyServerTest, AnAnswerOverTheLimitIsRefused) {
  FakeServer server([](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(17 * 1024 * 1024, ' '),
                         "application/json");
  });
  auto store = Open(server.url());
  auto keys = store->Lookup("stop-djvu", Victim());
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.error().code(), StatusCode::kCorrupt);
}

TEST(KeyServerTest, RefusesUrlsThatWouldLeakOrCrossANetworkInClear) {
  for (const char* url :
       {"http://example.org", "http://10.0.0.1:8080", "ftp://example.org",
        "https://user:pw@example.org", "https://example.org/?x=1",
        "https://example.org/#f", "https://", "https://:443",
        "https://example.org:0", "https://example.org:99999",
        "https://exa mple.org", "example.org", "http://127.0.0.1.evil.org"}) {
    SCOPED_TRACE(url);
    KeyServerOptions options;
    options.url = url;
    auto store = OpenKeyServer(options);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code(), StatusCode::kInvalidArgument);
  }
  for (const char* url : {"https://keys.example.org", "http://127.0.0.1:8080",
                          "http://localhost/k", "http://[::1]:80",
                          "https://[2001:db8::1]:8443/portal"}) {
    SCOPED_TRACE(url);
    KeyServerOptions options;
    options.url = url;
    EXPECT_TRUE(OpenKeyServer(options).ok());
  }
}

TEST(KeyServerTest, AServerIsReadOnly) {
  FakeServer server(Json(nlohmann::json::array()));
  auto store = Open(server.url());
  EXPECT_EQ(store->Import({}).code(), StatusCode::kUnsupported);
  EXPECT_EQ(store->Stats().error().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(server.requests().empty());
}

// A store that holds fixed keys under one handle, and counts lookups.
class FixedStore final : public KeyStore {
 public:
  explicit FixedStore(std::vector<std::string> sources)
      : sources_(std::move(sources)) {}
  Status Import(std::span<const KeyRecord>) override {
    ++imports;
    return Status::Ok();
  }
  Result<std::vector<KeyRecord>> Lookup(std::string_view,
                                        const KeyHandle&) override {
    ++lookups;
    return Records();
  }
  Status ForEachReleased(std::string_view, const KeyVisitor& visit) override {
    for (const KeyRecord& r : Records()) {
      if (Status s = visit(r); !s.ok()) return s;
    }
    return Status::Ok();
  }
  Result<KeyStoreStats> Stats() override { return KeyStoreStats{}; }
  Status Export(const KeyVisitor&) override { return Status::Ok(); }

  int lookups = 0;
  int imports = 0;

 private:
  std::vector<KeyRecord> Records() const {
    std::vector<KeyRecord> records;
    for (const std::string& source : sources_) {
      KeyRecord r;
      r.provenance.source = source;
      records.push_back(std::move(r));
    }
    return records;
  }
  std::vector<std::string> sources_;
};

TEST(LayerKeyStoresTest, AsksTheSecondOnlyWhenTheFirstHasNothing) {
  auto local = std::make_shared<FixedStore>(std::vector<std::string>{"local"});
  auto remote =
      std::make_shared<FixedStore>(std::vector<std::string>{"remote"});
  auto layered = LayerKeyStores(local, remote);
  auto found = layered->Lookup("f", Victim());
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1U);
  EXPECT_EQ(found->front().provenance.source, "local");
  EXPECT_EQ(remote->lookups, 0);

  auto empty = std::make_shared<FixedStore>(std::vector<std::string>{});
  auto fallback = LayerKeyStores(empty, remote);
  found = fallback->Lookup("f", Victim());
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1U);
  EXPECT_EQ(found->front().provenance.source, "remote");

  std::vector<std::string> visited;
  ASSERT_TRUE(layered
                  ->ForEachReleased("f",
                                    [&](const KeyRecord& r) {
                                      visited.push_back(r.provenance.source);
                                      return Status::Ok();
                                    })
                  .ok());
  EXPECT_EQ(visited, (std::vector<std::string>{"local", "remote"}));
  EXPECT_TRUE(layered->Import({}).ok());
  EXPECT_EQ(local->imports, 1);
  EXPECT_EQ(remote->imports, 0);
  EXPECT_EQ(LayerKeyStores(nullptr, remote), remote);
  EXPECT_EQ(LayerKeyStores(local, nullptr), local);
}

}  // namespace
}  // namespace kintsugi
