// Boost.Beast 1.74: asynchronous, one io_context run by one thread per core.
// Built with -include utility: Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, and clang-format would sort
// an include put before it.
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <cstdlib>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "body.h"
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
static std::string g_body;
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket s) : stream_(std::move(s)) {}
  void Read() {
    req_ = {};
    stream_.expires_after(std::chrono::seconds(10));
    http::async_read(stream_, buffer_, req_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       self->Write();
                     });
  }

 private:
  void Write() {
    res_ = {};
    res_.version(req_.version());
    res_.keep_alive(req_.keep_alive());
    if (req_.target().starts_with("/api/v1/families/")) {
      res_.result(http::status::ok);
      res_.set(http::field::content_type, "application/json");
      res_.body() = g_body;
    } else {
      res_.result(http::status::not_found);
    }
    res_.prepare_payload();
    http::async_write(
        stream_, res_,
        [self = shared_from_this()](beast::error_code ec, size_t) {
          if (ec || !self->res_.keep_alive()) return self->Close();
          self->Read();
        });
  }
  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};
static void Accept(tcp::acceptor& a) {
  a.async_accept([&a](beast::error_code ec, tcp::socket s) {
    if (!ec) std::make_shared<Session>(std::move(s))->Read();
    Accept(a);
  });
}
int main(int argc, char** argv) {
  const unsigned short port = argc > 1 ? std::atoi(argv[1]) : 18083;
  g_body = Body();
  const unsigned threads = std::thread::hardware_concurrency();
  asio::io_context io(static_cast<int>(threads));
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
  Accept(acceptor);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
}
