// End to end (issue 9, remote lookup): `kintsugi recover --key-server URL`
// asks a key server (here a real HTTP server on 127.0.0.1, answering as
// docs/key-server.md says) for the key of a STOP/Djvu personal ID the
// local store lacks; the request carries the family and the ID only.
//
// Specimens (recovery-schemes.md §0, §3.7): synthetic plaintext, an RSA key
// pair generated here, one explicit file in a mkdtemp folder.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/report_testing.h"
#include "core/testing/status_matchers.h"
#include "crypto/rsa_oaep.h"
#include "families/stop_djvu/testing/specimens.h"
#include "formats/testing/sample_files.h"
#include "key_server/testing/fake_key_server.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

using testing::ReadJson;

namespace stdfs = std::filesystem;
using ::testing::ElementsAreArray;

using KeyServer = testing::FakeKeyServer;

class KeyServerCli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(testing::KintsugiBinary().empty()) << "KINTSUGI_BINARY";
    dir_ = testing::MakeTestDir("key-server");
    ASSERT_FALSE(dir_.empty());
    // No default store: keys can only come from the server.
    ASSERT_EQ(setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1), 0);
    ASSERT_EQ(setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1), 0);
    victim_ = dir_ / "victim";
    ASSERT_TRUE(stdfs::create_directories(victim_));
    auto key = crypto::RsaPrivateKey::Generate(2048);
    ASSERT_TRUE(key.ok());
    const SecretBytes pem = *key->ToPem();
    pem_ = std::string(pem.view().begin(), pem.view().end());
    plain_ = formats::samples::MakePdf(200'000);
    id_ = families_testing::MakeStopPersonalId(7, /*offline=*/false);
    ASSERT_THAT(families_testing::WriteStopDjvuSpecimen(
                    RealFileSystem(), victim_, "report.pdf.djvu", plain_, *key,
                    id_, families_testing::MakeStopUuid(7)),
                IsOk());
    encrypted_ =
        *ReadWholeFile(RealFileSystem(), victim_ / "report.pdf.djvu", 1 << 20);
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // The JSON array a key server sends for our ID.
  std::string Keys() const {
    nlohmann::json record = {{"family", "stop-djvu"},
                             {"handle", id_},
                             {"key_type", "rsa-private-pem"},
                             {"key_pem", pem_},
                             {"source", "test portal"}};
    return nlohmann::json::array({record}).dump();
  }

  nlohmann::json Recover(const std::string& url, int expected_exit) {
    const Path json = dir_ / "out.json";
    EXPECT_EQ(
        testing::RunCliToFile(
            {"recover", victim_.string(), "--json", "--key-server", url}, json),
        expected_exit);
    const nlohmann::json report = ReadJson(json);
    if (report.contains("files")) {
      for (const nlohmann::json& f : report["files"]) {
        if (Path(f["path"].get<std::string>()).filename() ==
            "report.pdf.djvu") {
          return f;
        }
      }
    }
    ADD_FAILURE() << report.dump();
    return nlohmann::json::object();
  }

  void ExpectUntouched() {
    auto now =
        ReadWholeFile(RealFileSystem(), victim_ / "report.pdf.djvu", 1 << 20);
    ASSERT_TRUE(now.ok());
    EXPECT_THAT(*now, ElementsAreArray(encrypted_));
    EXPECT_FALSE(stdfs::exists(victim_ / "report.pdf"));
  }

  Path dir_;
  Path victim_;
  std::string pem_;
  Bytes plain_;
  Bytes encrypted_;
  std::string id_;
};

TEST_F(KeyServerCli, RecoversWithAKeyFromTheServerAndSendsOnlyFamilyAndId) {
  KeyServer server([this](const httplib::Request&, httplib::Response& r) {
    r.set_content(Keys(), "application/json");
  });
  const nlohmann::json f = Recover(server.url(), 0);
  EXPECT_EQ(f["status"], "recovered") << f.dump();
  auto out = ReadWholeFile(RealFileSystem(), victim_ / "report.pdf", 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(*out, ElementsAreArray(plain_));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].target,
            "/api/v1/keys/stop-djvu?handle_kind=victim-id&handle=" + id_);
  EXPECT_EQ(requests[0].body, "");
}

TEST_F(KeyServerCli, AServerWithoutTheKeyIsKeyNotFound) {
  KeyServer server([](const httplib::Request&, httplib::Response& r) {
    r.set_content("[]", "application/json");
  });
  const nlohmann::json f = Recover(server.url(), 1);
  EXPECT_EQ(f["status"], "key_not_found") << f.dump();
  ExpectUntouched();
}

TEST_F(KeyServerCli, AFailingServerIsAnErrorNotKeyNotFound) {
  // "No key" would tell the victim that none exists; the server only
  // failed to answer.
  KeyServer server(
      [](const httplib::Request&, httplib::Response& r) { r.status = 503; });
  const nlohmann::json f = Recover(server.url(), 1);
  EXPECT_EQ(f["status"], "error") << f.dump();
  ExpectUntouched();
}

TEST_F(KeyServerCli, PlainHttpToAnotherMachineIsRefusedBeforeAnything) {
  const Path out = dir_ / "out.txt";
  EXPECT_NE(testing::RunCliToFile({"recover", victim_.string(), "--key-server",
                                   "http://192.0.2.1:8080"},
                                  out),
            0);
  ExpectUntouched();
}

}  // namespace
}  // namespace kintsugi
