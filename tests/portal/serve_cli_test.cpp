// `kintsugi serve` end to end (issue 14): it prints its URL, answers, stops
// cleanly on SIGTERM, serves HTTPS with --tls-cert/--tls-key, refuses an
// address in use; and nothing of what a victim sent reaches the disk or the
// logs (every file under the data folder and the captured stderr is
// searched for a marker sent in every part of the requests).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/cli_testing.h"

namespace kintsugi {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A `kintsugi serve` process with its own HOME and data folder; stderr goes
// to `log`.
class Server {
 public:
  Server(const fs::path& home, std::vector<std::string> args)
      : log_(home / "serve.log") {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      setenv("HOME", home.c_str(), 1);
      setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);
      dup2(out[1], STDOUT_FILENO);
      const int err = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(err, STDERR_FILENO);
      close(out[0]);
      std::string binary = testing::KintsugiBinary();
      std::vector<std::string> all = {binary, "serve", "--json"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (std::string& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = out[0];
  }
  ~Server() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_ >= 0) close(stdout_);
  }

  // The first line on stdout ({"url": ...}), or "" if none within 60 s
  // (the process exited or never listened).
  std::string FirstLine() {
    std::string line;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{stdout_, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char c = 0;
      if (read(stdout_, &c, 1) != 1) return "";
      if (c == '\n') return line;
      line += c;
    }
    return "";
  }

  // Sends `signal` and waits for the exit code (-1 if not within 30 s).
  int Stop(int signal) {
    kill(pid_, signal);
    return Wait();
  }
  int Wait() {
    for (int i = 0; i < 300; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1;
  }
  const fs::path& log() const { return log_; }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  int stdout_ = -1;
  bool exited_ = false;
};

int PortOf(const std::string& line) {
  const Json doc = Json::parse(line, nullptr, false);
  if (!doc.is_object() || !doc.contains("url")) return 0;
  const std::string url = doc["url"];
  return std::atoi(url.substr(url.rfind(':') + 1).c_str());
}

TEST(ServeCliTest, AnswersStopsOnSigtermAndKeepsNothingOfWhatWasSent) {
  const fs::path home = testing::MakeTestDir("serve");
  ASSERT_FALSE(home.empty());
  const std::string marker = "ZQXJ" + std::to_string(getpid()) + "MARKERWV";
  {
    Server server(home, {"--listen", "127.0.0.1:0"});
    const std::string line = server.FirstLine();
    const int port = PortOf(line);
    ASSERT_GT(port, 0) << line << "\n" << ReadFile(server.log());
    httplib::Client client("127.0.0.1", port);
    auto health = client.Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    // The marker in every part of an identify, a result page and a lookup.
    const Json request = {
        {"files",
         {{{"name", marker + ".docx.djvu"},
           {"size", 5000},
           {"head", "AAECAwQFBgcICQ=="},
           {"tail", "AAECAwQFBgcICQ=="}}}},
        {"notes",
         {{{"name", marker + ".txt"},
           {"text", "Your files are encrypted. Write to " + marker +
                        "@example.invalid to get the decryptor. " + marker}}}},
        {"contacts", {marker + "@airmail.cc"}}};
    auto identify =
        client.Post("/api/v1/identify", request.dump(), "application/json");
    ASSERT_TRUE(identify);
    EXPECT_EQ(identify->status, 200) << identify->body;
    auto page = client.Post("/en/result", "note=" + marker + "&names=" + marker,
                            "application/x-www-form-urlencoded");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    auto keys = client.Get("/api/v1/keys/stop-djvu/" + marker);
    ASSERT_TRUE(keys);
    EXPECT_EQ(keys->status, 200);
    EXPECT_EQ(server.Stop(SIGTERM), 0) << ReadFile(server.log());
  }
  // The key store was made, and nothing anywhere holds the marker.
  EXPECT_TRUE(fs::exists(home / "data" / "kintsugi" / "keys.sqlite"));
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(home)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    EXPECT_EQ(ReadFile(entry.path()).find(marker), std::string::npos)
        << entry.path() << " holds what a victim sent";
  }
  EXPECT_GE(files, 2u);  // The store and the log, at least.
  fs::remove_all(home);
}

TEST(ServeCliTest, ServesHttpsAndRefusesAnAddressInUse) {
  const fs::path home = testing::MakeTestDir("serve-tls");
  ASSERT_FALSE(home.empty());
  const std::string cert = (home / "cert.pem").string();
  const std::string key = (home / "key.pem").string();
  const std::string make_cert =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(make_cert.c_str()), 0);
  // Two threads, whatever the cores: two daemons sharing the port
  // (SO_REUSEPORT), which must not let a second server share it too.
  Server server(home, {"--listen", "127.0.0.1:0", "--threads", "2",
                       "--tls-cert", cert, "--tls-key", key});
  const std::string line = server.FirstLine();
  const int port = PortOf(line);
  ASSERT_GT(port, 0) << ReadFile(server.log());
  EXPECT_EQ(line.rfind("{\"url\": \"https://", 0), 0u) << line;
  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(health->get_header_value("Strict-Transport-Security"), "");

  // A second server on the same port: exit 9 (unavailable), said clearly.
  Server second(
      home / "second",
      {"--listen", "127.0.0.1:" + std::to_string(port), "--threads", "2"});
  fs::create_directories(home / "second");
  EXPECT_EQ(second.Wait(), 9);
  EXPECT_EQ(server.Stop(SIGTERM), 0);
  fs::remove_all(home);
}

}  // namespace
}  // namespace kintsugi
