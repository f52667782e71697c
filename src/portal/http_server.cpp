// The HTTP server over GNU libmicrohttpd (http_server.h, docs/portal-http.md).

#include "portal/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <thread>
#include <vector>

namespace kintsugi::portal {

const std::string* HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

const std::string* HttpRequest::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseFormBody(
    std::string_view body) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view()
                                         : body.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view()
                                                   : pair.substr(eq + 1));
    std::replace(name.begin(), name.end(), '+', ' ');
    std::replace(value.begin(), value.end(), '+', ' ');
    fields.emplace_back(PercentDecode(name), PercentDecode(value));
  }
  return fields;
}

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  // One daemon per thread, on one port (SO_REUSEPORT): the kernel spreads
  // new connections over them evenly (docs/portal-http.md).
  std::vector<MHD_Daemon*> daemons;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopped{false};
};

namespace {

// One request's state, from its first callback to its completion.
struct Pending {
  HttpRequest request;
  bool too_large = false;
};

MHD_Result CollectPair(void* cls, MHD_ValueKind /*kind*/, const char* key,
                       const char* value) {
  auto* pairs =
      static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
  if (key == nullptr) return MHD_YES;
  pairs->emplace_back(key, value == nullptr ? "" : value);
  return MHD_YES;
}

MHD_Result CollectHeader(void* cls, MHD_ValueKind kind, const char* key,
                         const char* value) {
  const MHD_Result result = CollectPair(cls, kind, key, value);
  auto* pairs =
      static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
  if (!pairs->empty()) {
    std::string& name = pairs->back().first;
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
      return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
  }
  return result;
}

std::string PeerAddress(MHD_Connection* connection, bool* loopback) {
  *loopback = false;
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {};
  const sockaddr* address = info->client_addr;
  if (address->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, address, sizeof in);
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    *loopback = (ntohl(in.sin_addr.s_addr) >> 24) == 127;
  } else if (address->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, address, sizeof in6);
    inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    *loopback = IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr);
  }
  return text;
}

// Whether a plain listening socket (SO_REUSEADDR, as MHD binds, but not
// SO_REUSEPORT) could bind `address`: false when anything listens there,
// a server that shares ports included.
bool PortIsFree(const sockaddr* address) {
  const int fd = socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;  // The daemons' own bind reports the problem.
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const socklen_t length = address->sa_family == AF_INET ? sizeof(sockaddr_in)
                                                         : sizeof(sockaddr_in6);
  const bool free = bind(fd, address, length) == 0 || errno != EADDRINUSE;
  close(fd);
  return free;
}

void FreeBody(void* cls) { delete static_cast<std::string*>(cls); }

MHD_Result Queue(MHD_Connection* connection, const HttpServerOptions& options,
                 HttpResponse response) {
  auto* body = new std::string(std::move(response.body));
  MHD_Response* reply = MHD_create_response_from_buffer_with_free_callback_cls(
      body->size(), body->data(), &FreeBody, body);
  if (reply == nullptr) {
    delete body;
    return MHD_NO;
  }
  for (const auto& [name, value] : options.default_headers) {
    // A handler's own header of that name replaces the default (the
    // partner pages' Referrer-Policy).
    const bool replaced = std::any_of(
        response.headers.begin(), response.headers.end(),
        [&](const auto& header) {
          return strcasecmp(header.first.c_str(), name.c_str()) == 0;
        });
    if (!replaced) MHD_add_response_header(reply, name.c_str(), value.c_str());
  }
  MHD_add_response_header(reply, "Content-Type", response.content_type.c_str());
  for (const auto& [name, value] : response.headers) {
    MHD_add_response_header(reply, name.c_str(), value.c_str());
  }
  const MHD_Result result = MHD_queue_response(
      connection, static_cast<unsigned>(response.status), reply);
  MHD_destroy_response(reply);
  return result;
}

HttpResponse Rejection(int status, std::string_view code,
                       std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::string("{\"error\": {\"code\": \"") + std::string(code) +
                  "\", \"message\": \"" + std::string(message) + "\"}}\n";
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

MHD_Result Reject(MHD_Connection* connection, const HttpServer::Impl& impl,
                  int status, std::string_view code, std::string_view message) {
  if (impl.options.on_reject) impl.options.on_reject(status);
  return Queue(connection, impl.options, Rejection(status, code, message));
}

MHD_Result Answer(void* cls, MHD_Connection* connection, const char* url,
                  const char* method, const char* /*version*/,
                  const char* upload_data, size_t* upload_data_size,
                  void** state) {
  auto& impl = *static_cast<HttpServer::Impl*>(cls);
  auto* pending = static_cast<Pending*>(*state);
  if (pending == nullptr) {
    pending = new Pending;
    *state = pending;
    pending->request.method = method == nullptr ? "" : method;
    pending->request.path = url == nullptr ? "" : url;
    const char* length = MHD_lookup_connection_value(
        connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const unsigned long long declared =
        length == nullptr ? 0 : std::strtoull(length, nullptr, 10);
    if (declared > impl.options.max_body_bytes) {
      // Answered now, the body never read: the connection is closed.
      return Reject(connection, impl, 413, "too_large",
                    "the request body is larger than the server accepts");
    }
    // The body lands in one piece of memory, not copied as it grows (the
    // identify page sends a few hundred KB); only up to 1 MiB on the word
    // of a header that may lie.
    constexpr unsigned long long kMaxReserve = 1 << 20;
    pending->request.body.reserve(
        static_cast<std::size_t>(std::min(declared, kMaxReserve)));
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    if (!pending->too_large &&
        pending->request.body.size() + *upload_data_size <=
            impl.options.max_body_bytes) {
      pending->request.body.append(upload_data, *upload_data_size);
    } else {
      pending->too_large = true;
      pending->request.body.clear();
      pending->request.body.shrink_to_fit();
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (pending->too_large) {
    return Reject(connection, impl, 413, "too_large",
                  "the request body is larger than the server accepts");
  }
  HttpRequest& request = pending->request;
  MHD_get_connection_values(connection, MHD_HEADER_KIND, &CollectHeader,
                            &request.headers);
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &CollectPair,
                            &request.query);
  bool loopback = false;
  request.client = PeerAddress(connection, &loopback);
  if (impl.options.trust_proxy && loopback) {
    if (const std::string* real = request.Header("x-real-ip")) {
      request.client = *real;
    }
  }
  request.tls = !impl.options.tls_cert_pem.empty();
  if (impl.options.trust_proxy && loopback) {
    // The proxy terminates TLS (deploy/nginx sets X-Forwarded-Proto).
    if (const std::string* proto = request.Header("x-forwarded-proto")) {
      request.tls = request.tls || *proto == "https";
    }
  }
  HttpResponse response;
  impl.in_flight.fetch_add(1);
  try {
    response = impl.handler(request);
  } catch (const std::exception&) {
    response = Rejection(500, "internal", "the server failed to answer");
  }
  impl.in_flight.fetch_sub(1);
  // The body is not needed any more: free it before the reply is sent.
  request.body.clear();
  request.body.shrink_to_fit();
  return Queue(connection, impl.options, std::move(response));
}

void Completed(void* /*cls*/, MHD_Connection* /*connection*/, void** state,
               MHD_RequestTerminationCode /*why*/) {
  delete static_cast<Pending*>(*state);
  *state = nullptr;
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl, std::uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() { Stop(0); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      HttpHandler handler) {
  sockaddr_in in{};
  sockaddr_in6 in6{};
  const sockaddr* address = nullptr;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC;
  if (inet_pton(AF_INET, options.address.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    in.sin_port = htons(options.port);
    address = reinterpret_cast<const sockaddr*>(&in);
  } else if (inet_pton(AF_INET6, options.address.c_str(), &in6.sin6_addr) ==
             1) {
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(options.port);
    address = reinterpret_cast<const sockaddr*>(&in6);
    flags |= MHD_USE_IPv6;
  } else {
    return InvalidArgumentError("not an IP address to listen on: " +
                                options.address);
  }
  if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES) {
    flags |= MHD_USE_EPOLL;
  } else {
    flags |= MHD_USE_POLL;
  }
  const bool tls =
      !options.tls_cert_pem.empty() || !options.tls_key_pem.empty();
  if (tls) {
    if (options.tls_cert_pem.empty() || options.tls_key_pem.empty()) {
      return InvalidArgumentError(
          "TLS needs both a certificate and its key (--tls-cert, --tls-key)");
    }
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      return UnsupportedError("this libmicrohttpd was built without TLS");
    }
    flags |= MHD_USE_TLS;
  }
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());

  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  const HttpServerOptions& o = impl->options;
  const std::string where =
      o.address + ":" + std::to_string(static_cast<unsigned>(o.port));
  // Each daemon holds its share of the limits. A client's connections are
  // spread over the daemons by the kernel's hash, so one client is held to
  // about its limit in all (exactly, with one thread).
  const auto share = [threads](unsigned limit) {
    return limit == 0 ? 0u : std::max(1u, (limit + threads - 1) / threads);
  };
  // One polling thread per daemon, so that a burst of connections (a page's
  // or a load generator's) is not taken by whichever thread of a pool woke
  // first: with MHD's own pool one thread could hold most of them and
  // leave the other core idle.
  std::uint16_t port = o.port;
  if (threads > 1 && port != 0 && !PortIsFree(address)) {
    // Sharing the port is for this server's own threads: another server
    // there (one more `kintsugi serve` on the same port) is an error, not a
    // silent half of the traffic each.
    return UnavailableError("cannot serve on " + where +
                            " (the address is in use)");
  }
  for (unsigned t = 0; t < threads; ++t) {
    if (address->sa_family == AF_INET) {
      in.sin_port = htons(port);
    } else {
      in6.sin6_port = htons(port);
    }
    // Options that take pointers must outlive the call only: MHD copies
    // the TLS material into its own credentials.
    MHD_OptionItem items[12];
    std::size_t n = 0;
    items[n++] = {MHD_OPTION_SOCK_ADDR, 0, const_cast<sockaddr*>(address)};
    items[n++] = {MHD_OPTION_CONNECTION_TIMEOUT,
                  static_cast<intptr_t>(o.idle_timeout_seconds), nullptr};
    items[n++] = {MHD_OPTION_CONNECTION_LIMIT,
                  static_cast<intptr_t>(share(o.connection_limit)), nullptr};
    if (o.per_ip_connection_limit > 0) {
      items[n++] = {MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                    static_cast<intptr_t>(share(o.per_ip_connection_limit)),
                    nullptr};
    }
    if (threads > 1) {
      items[n++] = {MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, nullptr};
    }
    items[n++] = {MHD_OPTION_NOTIFY_COMPLETED,
                  reinterpret_cast<intptr_t>(&Completed), nullptr};
    if (tls) {
      items[n++] = {MHD_OPTION_HTTPS_MEM_CERT, 0,
                    const_cast<char*>(o.tls_cert_pem.c_str())};
      items[n++] = {MHD_OPTION_HTTPS_MEM_KEY, 0,
                    const_cast<char*>(o.tls_key_pem.c_str())};
    }
    items[n++] = {MHD_OPTION_END, 0, nullptr};
    MHD_Daemon* daemon =
        MHD_start_daemon(flags, port, nullptr, nullptr, &Answer, impl.get(),
                         MHD_OPTION_ARRAY, items, MHD_OPTION_END);
    if (daemon == nullptr) {
      for (MHD_Daemon* started : impl->daemons) MHD_stop_daemon(started);
      impl->daemons.clear();
      return UnavailableError(
          "cannot serve on " + where +
          (tls ? " (the address is in use, not this machine's, or the TLS "
                 "certificate or key is not valid PEM)"
               : " (the address is in use or not this machine's)"));
    }
    impl->daemons.push_back(daemon);
    if (t == 0) {
      // Port 0 took a free port: the other daemons share that one.
      const MHD_DaemonInfo* info =
          MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
      if (info != nullptr) port = info->port;
    }
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), port));
}

void HttpServer::Stop(unsigned grace_seconds) {
  if (impl_ == nullptr || impl_->stopped.exchange(true)) return;
  for (MHD_Daemon* daemon : impl_->daemons) {
    const MHD_socket listening = MHD_quiesce_daemon(daemon);
    if (listening != MHD_INVALID_SOCKET) close(listening);
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(grace_seconds);
  while (impl_->in_flight.load() > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (MHD_Daemon* daemon : impl_->daemons) MHD_stop_daemon(daemon);
  impl_->daemons.clear();
}

}  // namespace kintsugi::portal
