// The partner API, /api/v1/partner/ (partner.h, docs/api.md "The partner
// API"): API tokens only (`Authorization: Bearer ksp_...`; a cookie is
// never looked at), JSON in and out, errors as the public API's.

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "kintsugi/audit_json.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "kintsugi/partners_json.h"
#include "kintsugi/status_table.h"
#include "portal/api_response.h"
#include "portal/partner.h"
#include "portal/portal_state.h"

namespace kintsugi::portal {

using partners::Principal;
using Json = nlohmann::ordered_json;

int PartnerHttpStatus(StatusCode code) {
  if (code == StatusCode::kResourceExhausted) return 429;
  return OutcomeOf(code).http_status;
}

unsigned RetryAfterSeconds(const Status& status) {
  const std::string& text = status.message();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') continue;
    std::size_t end = i;
    unsigned long long value = 0;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9' &&
           value < 1000000) {
      value = value * 10 + static_cast<unsigned>(text[end] - '0');
      ++end;
    }
    if (text.compare(end, 2, " s") == 0 &&
        (end + 2 == text.size() || text[end + 2] == ' ' ||
         text[end + 2] == ')' || text[end + 2] == ';' || text[end + 2] == ',' ||
         text[end + 2] == '.')) {
      return static_cast<unsigned>(std::max<unsigned long long>(1, value));
    }
    i = end;
  }
  return 1;
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t id = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  if (id <= 0) return std::nullopt;
  return id;
}

std::vector<std::string> ScopeList(unsigned scopes) {
  std::vector<std::string> list;
  const std::string all = partners::ScopeNames(scopes);
  std::size_t start = 0;
  while (start < all.size()) {
    const std::size_t comma = std::min(all.find(',', start), all.size());
    list.push_back(all.substr(start, comma - start));
    start = comma + 1;
  }
  return list;
}

namespace {

std::string Dump(const Json& doc) {
  return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

// A failure of the partners' layer: its status and code, Retry-After for
// a 429, WWW-Authenticate for a 401 (RFC 6750 §3).
HttpResponse PartnerError(const Status& status) {
  const int http = PartnerHttpStatus(status.code());
  HttpResponse response =
      JsonError(http, StatusCodeName(status.code()), status.message());
  if (http == 429) {
    response.headers.emplace_back("Retry-After",
                                  std::to_string(RetryAfterSeconds(status)));
  }
  if (http == 401) {
    response.headers.emplace_back("WWW-Authenticate",
                                  "Bearer realm=\"kintsugi-partner\", "
                                  "error=\"invalid_token\"");
  }
  return response;
}

// One submission as the API answers it (the same shape as the CLI's).
Json SubmissionDoc(const partners::Submission& s) {
  return Json(partners::SubmissionJson(s));
}

Json SubmissionsJson(const std::vector<partners::Submission>& list) {
  Json array = Json::array();
  for (const partners::Submission& s : list) array.push_back(SubmissionDoc(s));
  return Json{{"submissions", std::move(array)}};
}

Json KeyPreviewJson(const partners::KeyPreview& key) {
  return {{"family", key.family},
          {"key_type", key.key_type},
          {"handle_kind", key.handle_kind},
          {"handle", key.handle},
          {"source", key.source},
          {"case_reference", key.case_reference},
          {"date", key.date},
          {"state", key.state},
          {"key_bytes", key.key_bytes},
          {"key_tag", key.key_tag}};
}

Json TokenJson(const partners::TokenInfo& token) {
  return {{"id", token.id},
          {"user", token.user},
          {"organisation", token.organisation},
          {"name", token.name},
          {"scopes", ScopeList(token.scopes)},
          {"created", token.created},
          {"expires", token.expires},
          {"revoked", token.revoked},
          {"last_used", token.last_used}};
}

// The JSON object of a POST body; an error response otherwise.
std::optional<HttpResponse> ParseJsonBody(const HttpRequest& request,
                                          Json* body) {
  const std::string* type = request.Header("content-type");
  if (type == nullptr || type->rfind("application/json", 0) != 0) {
    return JsonError(415, "unsupported_media_type",
                     "send the request as application/json");
  }
  *body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body->is_discarded() || !body->is_object()) {
    return JsonError(400, "invalid_argument", "the body is not a JSON object");
  }
  return std::nullopt;
}

// A string member of `body`: "" when absent; false when not a string.
bool StringMember(const Json& body, const char* name, std::string* out) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return true;
  if (!found->is_string()) return false;
  *out = found->get<std::string>();
  return true;
}

HttpResponse Submit(PortalState& state, const Principal& who,
                    const HttpRequest& request) {
  Json body;
  if (auto error = ParseJsonBody(request, &body)) return std::move(*error);
  std::string kind, case_reference, embargo, content, format;
  for (const auto& [name, out] :
       {std::pair{"kind", &kind}, std::pair{"case_reference", &case_reference},
        std::pair{"embargo_until", &embargo}, std::pair{"content", &content},
        std::pair{"format", &format}}) {
    if (!StringMember(body, name, out)) {
      return JsonError(400, "invalid_argument",
                       fmt::format("\"{}\" must be a string", name));
    }
  }
  for (const auto& [name, value] : body.items()) {
    if (name != "kind" && name != "case_reference" && name != "embargo_until" &&
        name != "content" && name != "format") {
      return JsonError(400, "invalid_argument",
                       "unknown member \"" + name.substr(0, 64) + "\"");
    }
  }
  auto parsed_kind = partners::ParseSubmissionKind(kind);
  if (!parsed_kind) return PartnerError(parsed_kind.error());
  const std::size_t limit = *parsed_kind == partners::SubmissionKind::kFamily
                                ? limits::kMaxKbFileBytes
                                : limits::kMaxSubmittedKeyDumpBytes;
  if (content.size() > limit) {
    return JsonError(413, "resource_exhausted",
                     fmt::format("the content is larger than {} bytes", limit));
  }
  partners::SubmissionRequest submission;
  submission.kind = *parsed_kind;
  submission.case_reference = std::move(case_reference);
  submission.embargo_until = std::move(embargo);
  submission.content = std::move(content);
  submission.format = std::move(format);
  auto made = Call<partners::Submission>(
      state, [&](partners::Partners& p) { return p.Submit(who, submission); });
  if (made.status.code() == StatusCode::kResourceExhausted) {
    // Submit's one limit is the content's size: a body too large, not a
    // rate.
    return JsonError(413, StatusCodeName(made.status.code()),
                     made.status.message());
  }
  if (!made.status.ok()) return PartnerError(made.status);
  HttpResponse response = JsonResponse(201, Dump(SubmissionDoc(*made.value)));
  response.headers.emplace_back("Location", "/api/v1/partner/submissions/" +
                                                std::to_string(made.value->id));
  return response;
}

HttpResponse OneSubmission(PortalState& state, const Principal& who,
                           std::int64_t id) {
  Json doc;
  const Status status =
      state.partners.With([&](partners::Partners& p) -> Status {
        KINTSUGI_ASSIGN_OR_RETURN(const partners::Submission s,
                                  p.GetSubmission(who, id));
        doc = SubmissionDoc(s);
        if (s.kind == partners::SubmissionKind::kKeys) {
          KINTSUGI_ASSIGN_OR_RETURN(const auto keys, p.PreviewKeys(who, id));
          Json array = Json::array();
          for (const partners::KeyPreview& key : keys) {
            array.push_back(KeyPreviewJson(key));
          }
          doc["keys"] = std::move(array);
        } else {
          doc["content"] = s.content;
        }
        return Status::Ok();
      });
  if (!status.ok()) return PartnerError(status);
  return JsonResponse(200, Dump(doc));
}

HttpResponse Review(PortalState& state, const Principal& who,
                    const HttpRequest& request, std::int64_t id) {
  Json body;
  if (auto error = ParseJsonBody(request, &body)) return std::move(*error);
  std::string decision, reason;
  if (!StringMember(body, "decision", &decision) ||
      !StringMember(body, "reason", &reason)) {
    return JsonError(400, "invalid_argument",
                     "\"decision\" and \"reason\" must be strings");
  }
  partners::ReviewDecision parsed;
  if (decision == "approve") {
    parsed = partners::ReviewDecision::kApprove;
  } else if (decision == "reject") {
    parsed = partners::ReviewDecision::kReject;
  } else {
    return JsonError(400, "invalid_argument",
                     "\"decision\" must be \"approve\" or \"reject\"");
  }
  auto reviewed = Call<partners::Submission>(state, [&](partners::Partners& p) {
    return p.Review(who, id, parsed, reason);
  });
  if (!reviewed.status.ok()) return PartnerError(reviewed.status);
  return JsonResponse(200, Dump(SubmissionDoc(*reviewed.value)));
}

HttpResponse Audit(PortalState& state, const Principal& who,
                   const HttpRequest& request) {
  std::uint64_t before = 0;
  std::size_t limit = 100;
  if (const std::string* text = request.Query("before")) {
    const auto id = ParseId(*text);
    if (!id) return JsonError(400, "invalid_argument", "bad \"before\"");
    before = static_cast<std::uint64_t>(*id);
  }
  if (const std::string* text = request.Query("limit")) {
    const auto n = ParseId(*text);
    if (!n || static_cast<std::size_t>(*n) > limits::kMaxAuditPageEntries) {
      return JsonError(400, "invalid_argument",
                       fmt::format("\"limit\" must be from 1 to {}",
                                   limits::kMaxAuditPageEntries));
    }
    limit = static_cast<std::size_t>(*n);
  }
  auto page = Call<partners::Partners::AuditPage>(
      state,
      [&](partners::Partners& p) { return p.Audit(who, before, limit); });
  if (!page.status.ok()) return PartnerError(page.status);
  const AuditVerification& chain = page.value->verification;
  Json first_bad = nullptr;
  if (chain.first_bad) {
    first_bad = {
        {"seq", chain.first_bad->seq},
        {"reason", std::string(AuditFaultName(chain.first_bad->fault))}};
  }
  Json entries = Json::array();
  for (const AuditEntry& entry : page.value->entries) {
    entries.push_back(Json(AuditEntryJson(entry)));
  }
  return JsonResponse(200, Dump({{"chain",
                                  {{"intact", chain.intact()},
                                   {"entries", chain.entries},
                                   {"head", AuditHashHex(chain.head)},
                                   {"first_bad", std::move(first_bad)}}},
                                 {"entries", std::move(entries)}}));
}

HttpResponse Revoke(PortalState& state, const Principal& who, std::int64_t id) {
  const Status status = state.partners.With(
      [&](partners::Partners& p) { return p.RevokeToken(who, id); });
  if (!status.ok()) return PartnerError(status);
  return JsonResponse(200, Dump({{"id", id}, {"revoked", true}}));
}

constexpr PartnerApiRoute kRoutes[] = {
    {"whoami", "GET, HEAD"},           {"submissions", "GET, HEAD, POST"},
    {"submissions/{id}", "GET, HEAD"}, {"submissions/{id}/withdraw", "POST"},
    {"reviews", "GET, HEAD"},          {"submissions/{id}/review", "POST"},
    {"releases", "GET, HEAD"},         {"audit", "GET, HEAD"},
    {"tokens", "GET, HEAD"},           {"tokens/{id}", "DELETE"},
    {"tokens/{id}/revoke", "POST"},
};

// The route whose path `rest` fits, segment by segment ("{id}" fits any
// non-empty segment, kept in `id`); nullptr when none does.
const PartnerApiRoute* FindRoute(std::string_view rest, std::string_view* id) {
  for (const PartnerApiRoute& route : kRoutes) {
    std::string_view path = route.path;
    std::string_view text = rest;
    bool fits = true;
    while (fits && !path.empty()) {
      const std::size_t p = path.find('/');
      const std::size_t t = text.find('/');
      const std::string_view want = path.substr(0, p);
      const std::string_view got = text.substr(0, t);
      if (want == "{id}") {
        fits = !got.empty();
        if (fits) *id = got;
      } else {
        fits = want == got;
      }
      if ((p == std::string_view::npos) != (t == std::string_view::npos)) {
        fits = false;
      }
      path = p == std::string_view::npos ? "" : path.substr(p + 1);
      text = t == std::string_view::npos ? "" : text.substr(t + 1);
    }
    if (fits && text.empty()) return &route;
  }
  return nullptr;
}

// Whether `methods` ("GET, HEAD, POST") names `method`.
bool Takes(std::string_view methods, std::string_view method) {
  while (!methods.empty()) {
    const std::size_t comma = methods.find(", ");
    if (methods.substr(0, comma) == method) return true;
    methods = comma == std::string_view::npos ? "" : methods.substr(comma + 2);
  }
  return false;
}

HttpResponse Submissions(PortalState& state, const Principal& who,
                         const HttpRequest& request) {
  std::optional<partners::SubmissionState> filter;
  if (const std::string* text = request.Query("state")) {
    auto parsed = partners::ParseSubmissionState(*text);
    if (!parsed) return PartnerError(parsed.error());
    filter = *parsed;
  }
  auto list = Call<std::vector<partners::Submission>>(
      state, [&](partners::Partners& p) { return p.Submissions(who, filter); });
  if (!list.status.ok()) return PartnerError(list.status);
  return JsonResponse(200, Dump(SubmissionsJson(*list.value)));
}

HttpResponse Releases(PortalState& state, const Principal& who) {
  auto list = Call<std::vector<partners::ReleaseInfo>>(
      state, [&](partners::Partners& p) { return p.Releases(who); });
  if (!list.status.ok()) return PartnerError(list.status);
  Json array = Json::array();
  for (const partners::ReleaseInfo& r : *list.value) {
    array.push_back({{"version", r.version},
                     {"created", r.created},
                     {"signer", r.signer},
                     {"families", r.families},
                     {"keys", r.keys},
                     {"sha256", r.sha256}});
  }
  return JsonResponse(200, Dump({{"releases", std::move(array)}}));
}

HttpResponse Tokens(PortalState& state, const Principal& who) {
  auto list = Call<std::vector<partners::TokenInfo>>(
      state, [&](partners::Partners& p) { return p.Tokens(who); });
  if (!list.status.ok()) return PartnerError(list.status);
  Json array = Json::array();
  for (const partners::TokenInfo& t : *list.value) {
    array.push_back(TokenJson(t));
  }
  return JsonResponse(200, Dump({{"tokens", std::move(array)}}));
}

// The routes once `who` is known: kRoutes' path, then its method.
HttpResponse Answer(PortalState& state, const HttpRequest& request,
                    const Principal& who, std::string_view rest) {
  std::string_view id_text;
  const PartnerApiRoute* route = FindRoute(rest, &id_text);
  if (route == nullptr) {
    return JsonError(404, "not_found", "no such API endpoint");
  }
  if (!Takes(route->methods, request.method)) {
    return MethodNotAllowed(route->methods);
  }
  const std::string_view path = route->path;
  if (path == "whoami") {
    Json doc = {{"user", who.user},
                {"organisation", who.organisation},
                {"role", std::string(partners::RoleName(who.role))},
                {"scopes", ScopeList(who.scopes)},
                {"token_id", who.token_id}};
    return JsonResponse(200, Dump(doc));
  }
  if (path == "submissions") {
    if (request.method == "POST") return Submit(state, who, request);
    return Submissions(state, who, request);
  }
  if (path == "reviews") {
    auto list = Call<std::vector<partners::Submission>>(
        state, [&](partners::Partners& p) { return p.ReviewQueue(who); });
    if (!list.status.ok()) return PartnerError(list.status);
    return JsonResponse(200, Dump(SubmissionsJson(*list.value)));
  }
  if (path == "releases") return Releases(state, who);
  if (path == "audit") return Audit(state, who, request);
  if (path == "tokens") return Tokens(state, who);
  // The routes with an {id}.
  const auto id = ParseId(id_text);
  if (!id) {
    return JsonError(
        404, "not_found",
        path.rfind("tokens/", 0) == 0 ? "no such token" : "no such submission");
  }
  if (path == "tokens/{id}" || path == "tokens/{id}/revoke") {
    return Revoke(state, who, *id);
  }
  if (path == "submissions/{id}") return OneSubmission(state, who, *id);
  if (path == "submissions/{id}/withdraw") {
    auto withdrawn = Call<partners::Submission>(
        state, [&](partners::Partners& p) { return p.Withdraw(who, *id); });
    if (!withdrawn.status.ok()) return PartnerError(withdrawn.status);
    return JsonResponse(200, Dump(SubmissionDoc(*withdrawn.value)));
  }
  if (path == "submissions/{id}/review") {
    return Review(state, who, request, *id);
  }
  return JsonError(404, "not_found", "no such API endpoint");
}

// The bearer token of the Authorization header (RFC 6750 §2.1); "" when
// there is none.
std::string BearerToken(const HttpRequest& request) {
  const std::string* header = request.Header("authorization");
  if (header == nullptr || header->size() < 7) return "";
  std::string scheme = header->substr(0, 7);
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (scheme != "bearer ") return "";
  std::string token = header->substr(7);
  while (!token.empty() && token.front() == ' ') token.erase(0, 1);
  while (!token.empty() && token.back() == ' ') token.pop_back();
  return token;
}

}  // namespace

std::span<const PartnerApiRoute> PartnerApiRoutes() { return kRoutes; }

HttpResponse PartnerApi(PortalState& state, const HttpRequest& request,
                        std::string_view rest) {
  unsigned retry = 0;
  if (!state.partner_failures.Check(request.client, &retry)) {
    return TooMany(retry);
  }
  const std::string token = BearerToken(request);
  if (token.empty()) {
    HttpResponse response =
        JsonError(401, "unauthenticated",
                  "send an API token: Authorization: Bearer ksp_...");
    response.headers.emplace_back("WWW-Authenticate",
                                  "Bearer realm=\"kintsugi-partner\"");
    return response;
  }
  auto who = Call<Principal>(
      state, [&](partners::Partners& p) { return p.TokenPrincipal(token); });
  if (!who.status.ok()) {
    if (who.status.code() == StatusCode::kUnauthenticated) {
      // Charged to the address: guessing tokens runs into 429.
      state.partner_failures.Allow(request.client);
    }
    if (PartnerHttpStatus(who.status.code()) >= 500) {
      // The store's own words are for the operator's log, not for a
      // caller nobody has authenticated yet.
      Log(LogLevel::kWarning, "partner API: a token could not be checked: {}",
          who.status.ToString());
      return PartnerError(Status(who.status.code(),
                                 "the token could not be checked; try again "
                                 "later"));
    }
    return PartnerError(who.status);
  }
  return Answer(state, request, *who.value, rest);
}

}  // namespace kintsugi::portal
