// The HTTP server wrapper (http_server.h): how connections are spread over
// its threads, and that its port is not shared with another server.

#include "portal/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace kintsugi::portal {
namespace {

// Each daemon has its own thread and listening socket (SO_REUSEPORT): the
// kernel hands each new connection to one of them, so every thread gets its
// share of a burst of connections even while it is busy, and persistent
// connections stay spread under load. (One daemon with a pool of threads
// let whichever thread was awake accept them all: here, every connection
// opened while the other thread answers a slow request.)
TEST(HttpServerTest, EachThreadGetsItsShareOfABurstOfConnections) {
  std::mutex mutex;
  std::map<std::thread::id, int> served;
  HttpServerOptions options;
  options.port = 0;
  options.threads = 2;
  auto server = HttpServer::Start(options, [&](const HttpRequest& request) {
    if (request.path == "/slow") {
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
    } else {
      const std::lock_guard<std::mutex> lock(mutex);
      ++served[std::this_thread::get_id()];
    }
    HttpResponse response;
    response.body = "ok";
    return response;
  });
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  const std::uint16_t port = (*server)->port();
  // One thread busy with a slow request...
  std::thread slow([port] {
    httplib::Client client("127.0.0.1", port);
    auto reply = client.Get("/slow");
    EXPECT_TRUE(reply && reply->status == 200);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // ...while 64 connections are opened together, one request on each.
  constexpr std::size_t kConnections = 64;
  std::vector<int> statuses(kConnections, 0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < kConnections; ++i) {
    threads.emplace_back([&statuses, port, i] {
      httplib::Client client("127.0.0.1", port);
      auto reply = client.Get("/");
      statuses[i] = reply ? reply->status : -1;
    });
  }
  for (std::thread& thread : threads) thread.join();
  slow.join();
  for (const int status : statuses) EXPECT_EQ(status, 200);
  ASSERT_EQ(served.size(), 2u);
  // An even split is 32/32; a fair hash leaves fewer than 12 on one side
  // in about one burst in five million.
  for (const auto& [thread, count] : served) EXPECT_GE(count, 12);
  (*server)->Stop(1);
}

// The port is shared by the server's own daemons only.
TEST(HttpServerTest, APortItServesIsInUseForAnotherServer) {
  HttpServerOptions options;
  options.port = 0;
  options.threads = 2;
  const auto answer = [](const HttpRequest&) { return HttpResponse{}; };
  auto first = HttpServer::Start(options, answer);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  options.port = (*first)->port();
  auto second = HttpServer::Start(options, answer);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), StatusCode::kUnavailable);
  options.threads = 1;
  EXPECT_FALSE(HttpServer::Start(options, answer).ok());
}

}  // namespace
}  // namespace kintsugi::portal
