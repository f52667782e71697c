#pragma once

// A real HTTP server on 127.0.0.1 (an ephemeral port) for the key-server
// client's tests: it answers every GET with the test's handler and keeps
// what each request carried, so a test can check what left the machine.

#include <httplib.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kintsugi::testing {

class FakeKeyServer {
 public:
  struct Request {
    std::string path;    // Without the query.
    std::string target;  // With it, as sent.
    std::string handle_kind;
    std::string handle;
    std::string body;
  };
  using Answer =
      std::function<void(const httplib::Request&, httplib::Response&)>;

  explicit FakeKeyServer(Answer answer) : answer_(std::move(answer)) {
    server_.Get(".*", [this](const httplib::Request& request,
                             httplib::Response& response) {
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(Request{request.path, request.target,
                                    request.get_param_value("handle_kind"),
                                    request.get_param_value("handle"),
                                    request.body});
      }
      answer_(request, response);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeKeyServer() {
    // stop() before the loop runs would leave it running: wait for it.
    while (!server_.is_running()) std::this_thread::yield();
    server_.stop();
    thread_.join();
  }
  FakeKeyServer(const FakeKeyServer&) = delete;
  FakeKeyServer& operator=(const FakeKeyServer&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }
  int port() const { return port_; }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  Answer answer_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Request> requests_;
};

}  // namespace kintsugi::testing
