#pragma once

// The API's answers (docs/api.md "Errors"), shared by the public API
// (portal.cpp) and the partner API (partner_api.cpp).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/status.h"
#include "portal/http_server.h"

namespace kintsugi::portal {

// `body` as application/json (a final newline added), Cache-Control:
// no-store.
HttpResponse JsonResponse(int status, std::string body);

// {"error": {"code", "message"}}: the CLI's --json error object; the code
// is a StatusCodeName or one of the HTTP ones of docs/api.md.
HttpResponse JsonError(int status, std::string_view code,
                       std::string_view message);

// The error of `status` with its HTTP status of status_table.h.
HttpResponse StatusError(const Status& status);

// 429 rate_limited with Retry-After.
HttpResponse TooMany(unsigned retry_after);

// 405 with Allow.
HttpResponse MethodNotAllowed(std::string_view allow);

// The headers every answer of the portal carries (HttpServerOptions::
// default_headers): the Content-Security-Policy and the other security
// headers; Strict-Transport-Security too over `tls`.
std::vector<std::pair<std::string, std::string>> SecurityHeaders(bool tls);

}  // namespace kintsugi::portal
