#pragma once

// The portal's HTTP server (issue 14): GNU libmicrohttpd, chosen by
// measurement (docs/portal-http.md), wrapped once here so that nothing
// above it sees the library. Handlers get a whole request (its body
// already read, within a limit) and return a whole response; the library
// does the connections, keep-alive, time-outs and TLS.
//
// Nothing of a request body is written anywhere by this layer: bodies live
// in memory for the request's lifetime and are freed with it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/status.h"

namespace kintsugi::portal {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // Percent-decoded, without the query.
  // Query arguments, percent-decoded, in order.
  std::vector<std::pair<std::string, std::string>> query;
  // Header names in lower case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The client's address: the peer's, or X-Real-IP when the peer is a
  // trusted proxy (HttpServerOptions::trust_proxy).
  std::string client;
  // Sent over HTTPS: to this server, or to the trusted proxy in front of
  // it (X-Forwarded-Proto: https from a loopback peer, with trust_proxy).
  bool tls = false;

  // The first header / query argument of that name; null when absent.
  const std::string* Header(std::string_view lower_name) const;
  const std::string* Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// What happens to a request the server answers itself (too large, bad
// method...), for the metrics: the handler never sees those.
using HttpRejectHook = std::function<void(int status)>;

struct HttpServerOptions {
  // An IPv4 or IPv6 address (without brackets) and a port; port 0 takes a
  // free one (HttpServer::port() tells which).
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  // Polling threads, one daemon each on the same port (each serves many
  // connections); 0: one per core.
  unsigned threads = 0;
  // Open connections in all, and from one client address. Each thread
  // holds its share; a client's connections are spread over the threads
  // by the kernel, so with several threads it is held to about its limit.
  unsigned connection_limit = 4096;
  unsigned per_ip_connection_limit = 0;  // 0: no per-address limit.
  // A connection idle (no byte read or written) this long is closed: a
  // slow client cannot hold a thread, as none is held per connection.
  unsigned idle_timeout_seconds = 15;
  // Request bodies larger than this are answered 413 without being read.
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  // PEM certificate chain and key: HTTPS instead of HTTP.
  std::string tls_cert_pem;
  std::string tls_key_pem;
  // Take the client address from X-Real-IP when the peer is loopback (a
  // reverse proxy on the same machine: deploy/nginx).
  bool trust_proxy = false;
  // Headers added to every response (the security headers), unless the
  // handler's response has one of the same name.
  std::vector<std::pair<std::string, std::string>> default_headers;
  HttpRejectHook on_reject;
};

class HttpServer {
 public:
  // Binds and starts serving. kInvalidArgument for a bad address or TLS
  // material, kUnavailable when the address cannot be bound (in use).
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                   HttpHandler handler);
  ~HttpServer();  // Stop().
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const { return port_; }

  // Stops accepting connections, lets the requests being handled finish
  // (up to `grace_seconds`), then closes everything. Idempotent.
  void Stop(unsigned grace_seconds = 10);

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl, std::uint16_t port);
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

// "%41b" -> "Ab"; '+' stays '+'. Invalid escapes are kept as written.
std::string PercentDecode(std::string_view text);

// Parses an application/x-www-form-urlencoded body ('+' is a space).
std::vector<std::pair<std::string, std::string>> ParseFormBody(
    std::string_view body);

}  // namespace kintsugi::portal
