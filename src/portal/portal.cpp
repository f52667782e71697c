// The portal (kintsugi/portal.h): routing, the API (docs/api.md), the
// limits and the metrics; the pages are site.cpp's.

#include "kintsugi/portal.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kintsugi/key_dump.h"
#include "kintsugi/key_families.h"
#include "kintsugi/limits.h"
#include "kintsugi/report_json.h"
#include "kintsugi/status_table.h"
#include "portal/api_response.h"
#include "portal/assets.h"
#include "portal/http_server.h"
#include "portal/identify_request.h"
#include "portal/partner.h"
#include "portal/portal_state.h"
#include "portal/site.h"

namespace kintsugi {

using portal::HttpRequest;
using portal::HttpResponse;
using portal::Route;

namespace portal {

Status KeyStorePool::With(const std::function<Status(KeyStore&)>& use) {
  std::unique_ptr<KeyStore> store;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      store = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (store == nullptr) {
    KINTSUGI_ASSIGN_OR_RETURN(store,
                              OpenKeyStore(db_, KeyStoreCreation::kMustExist));
  }
  Status status = use(*store);
  // A store whose connection failed is dropped, not reused.
  if (status.ok() || status.code() != StatusCode::kUnavailable) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(store));
  }
  return status;
}

Status PartnersPool::With(
    const std::function<Status(partners::Partners&)>& use) {
  if (db_.empty()) return UnavailableError("the partner area is not enabled");
  std::unique_ptr<partners::Partners> opened;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      opened = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (opened == nullptr) {
    KINTSUGI_ASSIGN_OR_RETURN(opened, partners::OpenPartners(db_, options_));
  }
  Status status = use(*opened);
  if (status.ok() || status.code() != StatusCode::kUnavailable) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(opened));
  }
  return status;
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  if (response.body.empty() || response.body.back() != '\n') {
    response.body += '\n';
  }
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse JsonError(int status, std::string_view code,
                       std::string_view message) {
  const nlohmann::json doc = {
      {"error", {{"code", code}, {"message", message}}}};
  return JsonResponse(
      status,
      doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse StatusError(const Status& status) {
  return JsonError(OutcomeOf(status.code()).http_status,
                   StatusCodeName(status.code()), status.message());
}

HttpResponse TooMany(unsigned retry_after) {
  HttpResponse response =
      JsonError(429, "rate_limited",
                "too many requests from this address; try again later");
  response.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return response;
}

HttpResponse MethodNotAllowed(std::string_view allow) {
  HttpResponse response =
      JsonError(405, "method_not_allowed", "this method is not allowed here");
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

// The security headers of every answer (issue 14 "Private by design"): no
// third-party anything, no framing, no referrer, no sniffing.
std::vector<std::pair<std::string, std::string>> SecurityHeaders(bool tls) {
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src "
       "'self' data:; connect-src 'self'; form-action 'self'; base-uri "
       "'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Permissions-Policy",
       "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
  if (tls) {
    headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
  }
  return headers;
}

}  // namespace portal

namespace {

using portal::JsonError;
using portal::JsonResponse;
using portal::PortalState;

bool IsGet(const HttpRequest& request) {
  return request.method == "GET" || request.method == "HEAD";
}

bool IsFamilyId(std::string_view id) {
  if (id.empty() || id.size() > limits::kMaxKeyFamilyBytes) return false;
  for (const char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

HttpResponse Identify(PortalState& state, const HttpRequest& request) {
  if (request.method != "POST") return portal::MethodNotAllowed("POST");
  const std::string* type = request.Header("content-type");
  if (type == nullptr || type->rfind("application/json", 0) != 0) {
    return JsonError(415, "unsupported_media_type",
                     "send the evidence as application/json");
  }
  unsigned retry = 0;
  if (!state.identify_limit.Allow(request.client, &retry)) {
    return portal::TooMany(retry);
  }
  auto parsed = portal::ParseIdentifyRequest(request.body);
  if (!parsed) return portal::StatusError(parsed.error());
  auto report = portal::IdentifyAsCli(*state.options.compiled_kb, *parsed);
  if (!report) return portal::StatusError(report.error());
  // The CLI's document on one line: the same JSON, a third fewer bytes.
  return JsonResponse(
      200, IdentifyReportJson(*report, parsed->unread, /*indent=*/-1));
}

// GET /api/v1/keys/FAMILY/VICTIM_ID, and docs/key-server.md's
// GET /api/v1/keys/FAMILY[?handle_kind=KIND&handle=HANDLE].
HttpResponse Keys(PortalState& state, const HttpRequest& request,
                  std::string_view rest) {
  if (!IsGet(request)) return portal::MethodNotAllowed("GET, HEAD");
  unsigned retry = 0;
  if (!state.key_limit.Allow(request.client, &retry)) {
    return portal::TooMany(retry);
  }
  const std::size_t slash = rest.find('/');
  const std::string family(rest.substr(0, slash));
  KeyHandle handle;
  if (slash != std::string_view::npos) {
    handle = {HandleKind::kVictimId, std::string(rest.substr(slash + 1))};
  } else if (const std::string* kind = request.Query("handle_kind")) {
    auto parsed = ParseHandleKind(*kind);
    if (!parsed) return portal::StatusError(parsed.error());
    const std::string* value = request.Query("handle");
    handle = {*parsed, value == nullptr ? "" : *value};
  }
  if (!IsFamilyId(family) || state.families.count(family) == 0) {
    return JsonError(404, "not_found", "no such family");
  }
  if ((handle.kind == HandleKind::kNone) != handle.value.empty() ||
      handle.value.size() > limits::kMaxKeyHandleBytes) {
    return JsonError(400, "invalid_argument",
                     "give one handle (a victim ID) of at most " +
                         std::to_string(limits::kMaxKeyHandleBytes) +
                         " bytes, or none for a family whose files name no "
                         "key");
  }
  const KeyFamily* key_family = FindKeyFamily(family);
  if (handle.kind == HandleKind::kNone &&
      (key_family == nullptr || key_family->handle_kind != HandleKind::kNone)) {
    // Listing is for families whose files name no key: elsewhere it would
    // hand out every victim's key at once.
    return JsonError(400, "invalid_argument",
                     "this family's keys are looked up one victim ID at a "
                     "time");
  }
  std::string body = "[";
  std::size_t count = 0;
  if (!state.keys.empty() && key_family != nullptr) {
    const Status status = state.keys.With([&](KeyStore& store) -> Status {
      const auto add = [&](const KeyRecord& record) {
        if (record.handle.kind != handle.kind) return Status::Ok();
        if (++count > limits::kMaxKeysTriedPerFamily) {
          return ResourceExhaustedError("too many keys to list");
        }
        body += (count == 1 ? "\n" : ",\n") + KeyDumpLine(record);
        return Status::Ok();
      };
      if (handle.kind == HandleKind::kNone) {
        return store.ForEachReleased(family, add);
      }
      KINTSUGI_ASSIGN_OR_RETURN(auto records, store.Lookup(family, handle));
      for (const KeyRecord& record : records) {
        KINTSUGI_RETURN_IF_ERROR(add(record));
      }
      return Status::Ok();
    });
    if (!status.ok()) return portal::StatusError(status);
  }
  body += count == 0 ? "]" : "\n]";
  return JsonResponse(200, std::move(body));
}

HttpResponse Health(const PortalState& state) {
  return JsonResponse(200,
                      fmt::format("{{\"status\": \"ok\", \"families\": {}}}",
                                  state.families.size()));
}

struct Routed {
  Route route;
  HttpResponse response;
};

Routed Dispatch(PortalState& state, const portal::Site& site,
                const HttpRequest& request) {
  const std::string_view path = request.path;
  if (path == "/healthz") {
    if (!IsGet(request))
      return {Route::kHealth, portal::MethodNotAllowed("GET, HEAD")};
    return {Route::kHealth, Health(state)};
  }
  if (path == "/metrics") {
    if (!IsGet(request))
      return {Route::kMetrics, portal::MethodNotAllowed("GET, HEAD")};
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = state.metrics.Prometheus();
    response.headers.emplace_back("Cache-Control", "no-store");
    return {Route::kMetrics, std::move(response)};
  }
  unsigned retry = 0;
  if (!state.request_limit.Allow(request.client, &retry)) {
    return {Route::kOther, portal::TooMany(retry)};
  }
  if (state.options.partners &&
      (path == "/partner" || path.rfind("/partner/", 0) == 0)) {
    return {Route::kPartnerPage, portal::PartnerPages(state, request)};
  }
  constexpr std::string_view kApi = "/api/v1/";
  if (path.rfind(kApi, 0) != 0) {
    Route route = Route::kPage;
    HttpResponse response = site.Handle(request, &route);
    return {route, std::move(response)};
  }
  const std::string_view api = path.substr(kApi.size());
  if (api == "identify") return {Route::kIdentify, Identify(state, request)};
  if (api == "openapi.json") {
    if (!IsGet(request))
      return {Route::kOpenApi, portal::MethodNotAllowed("GET, HEAD")};
    const portal::Asset* asset = portal::FindAsset("api/openapi.json");
    return {Route::kOpenApi,
            asset == nullptr
                ? JsonError(404, "not_found", "no OpenAPI document")
                : JsonResponse(200, std::string(asset->data))};
  }
  if (api == "families") {
    if (!IsGet(request))
      return {Route::kFamilies, portal::MethodNotAllowed("GET, HEAD")};
    return {Route::kFamilies, JsonResponse(200, state.families_json)};
  }
  if (api.rfind("families/", 0) == 0) {
    if (!IsGet(request))
      return {Route::kFamily, portal::MethodNotAllowed("GET, HEAD")};
    const auto found = state.family_json.find(api.substr(9));
    if (found == state.family_json.end()) {
      return {Route::kFamily, JsonError(404, "not_found", "no such family")};
    }
    return {Route::kFamily, JsonResponse(200, found->second)};
  }
  if (state.options.partners && api.rfind("partner/", 0) == 0) {
    return {Route::kPartnerApi,
            portal::PartnerApi(state, request, api.substr(8))};
  }
  if (api.rfind("keys/", 0) == 0) {
    return {Route::kKeys, Keys(state, request, api.substr(5))};
  }
  return {Route::kOther, JsonError(404, "not_found", "no such API endpoint")};
}

Result<std::pair<std::string, std::uint16_t>> ParseListen(
    std::string_view listen) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == listen.size()) {
    return InvalidArgumentError("--listen: not ADDRESS:PORT: " +
                                std::string(listen));
  }
  std::string address(listen.substr(0, colon));
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  unsigned port = 0;
  for (const char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return InvalidArgumentError("--listen: not a port: " +
                                  std::string(listen.substr(colon + 1)));
    }
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) {
    return InvalidArgumentError("--listen: port above 65535");
  }
  if (address == "localhost") address = "127.0.0.1";
  return std::pair{address, static_cast<std::uint16_t>(port)};
}

Result<std::string> ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(std::string(what) + ": cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

struct Portal::Impl {
  explicit Impl(const PortalOptions& options) : state(options) {}
  PortalState state;
  std::unique_ptr<portal::Site> site;
  std::unique_ptr<portal::HttpServer> server;
};

Portal::Portal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Portal::~Portal() { Stop(0); }

std::uint16_t Portal::port() const { return impl_->server->port(); }

void Portal::Stop(unsigned grace_seconds) {
  if (impl_->server != nullptr) impl_->server->Stop(grace_seconds);
}

Result<std::unique_ptr<Portal>> Portal::Start(const PortalOptions& options) {
  if (options.kb == nullptr || options.compiled_kb == nullptr) {
    return InvalidArgumentError("the portal needs a knowledge base");
  }
  KINTSUGI_ASSIGN_OR_RETURN(const auto listen, ParseListen(options.listen));
  auto impl = std::make_unique<Impl>(options);
  PortalState& state = impl->state;
  for (const kb::Family& family : options.kb->families) {
    if (family.disabled) continue;
    state.families.emplace(family.id, &family);
    state.family_json.emplace(family.id, FamilyJson(family) + "\n");
  }
  state.families_json = FamiliesJson(*options.kb);
  if (!options.db.empty()) {
    // Opened once now, so that a wrong --db fails the start, not a lookup.
    const Status opened =
        state.keys.With([](KeyStore&) { return Status::Ok(); });
    KINTSUGI_RETURN_IF_ERROR(opened);
  }
  if (options.partners) {
    if (options.db.empty()) {
      return InvalidArgumentError(
          "the partner area needs the store of the partner accounts (--db)");
    }
    KINTSUGI_RETURN_IF_ERROR(
        state.partners.With([](partners::Partners&) { return Status::Ok(); }));
  }
  KINTSUGI_ASSIGN_OR_RETURN(impl->site, portal::Site::Create(state));

  portal::HttpServerOptions http;
  http.address = listen.first;
  http.port = listen.second;
  http.threads = options.threads;
  http.max_body_bytes = limits::kMaxPortalBodyBytes;
  http.idle_timeout_seconds = 15;
  http.per_ip_connection_limit =
      options.trust_proxy ? 0 : options.connections_per_client;
  http.trust_proxy = options.trust_proxy;
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(http.tls_cert_pem,
                              ReadPem(options.tls_cert_file, "--tls-cert"));
    KINTSUGI_ASSIGN_OR_RETURN(http.tls_key_pem,
                              ReadPem(options.tls_key_file, "--tls-key"));
  }
  http.default_headers = portal::SecurityHeaders(!http.tls_cert_pem.empty());
  http.on_reject = [&state](int status) {
    state.metrics.Record(Route::kOther, status, 0);
  };
  Impl* raw = impl.get();
  KINTSUGI_ASSIGN_OR_RETURN(
      impl->server,
      portal::HttpServer::Start(
          std::move(http), [raw](const HttpRequest& request) {
            const auto start = std::chrono::steady_clock::now();
            Routed routed = Dispatch(raw->state, *raw->site, request);
            const double seconds = std::chrono::duration<double>(
                                       std::chrono::steady_clock::now() - start)
                                       .count();
            raw->state.metrics.Record(routed.route, routed.response.status,
                                      seconds);
            return std::move(routed.response);
          }));
  return std::unique_ptr<Portal>(new Portal(std::move(impl)));
}

}  // namespace kintsugi
