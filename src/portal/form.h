#pragma once

// HTML form bodies (the partner pages, issue 12): the two encodings a
// browser posts a form in. application/x-www-form-urlencoded is
// ParseFormBody (http_server.h); multipart/form-data (RFC 7578), which a
// form with a file input needs, is read here. Bodies are hostile: a
// malformed one is kInvalidArgument, never a crash; the whole body is
// already bounded by the server's limit.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/status.h"
#include "portal/http_server.h"

namespace kintsugi::portal {

// Parts of a multipart body beyond this are refused (a form has a dozen).
inline constexpr std::size_t kMaxFormParts = 64;

// The fields of a multipart/form-data body, in order: each part's name and
// content (a file part's content is the file; its file name is dropped).
// `content_type` is the request's header, whose boundary parameter splits
// the body. kInvalidArgument for a missing or bad boundary, a part without
// a name, a body not closed by its final boundary, or more than
// kMaxFormParts parts.
Result<std::vector<std::pair<std::string, std::string>>> ParseMultipartForm(
    std::string_view content_type, std::string_view body);

// A request's form fields, by its Content-Type: urlencoded (also when
// absent) or multipart; kInvalidArgument for another type.
Result<std::vector<std::pair<std::string, std::string>>> ParseForm(
    const HttpRequest& request);

// The first field named `name`, or "".
std::string FormValue(
    const std::vector<std::pair<std::string, std::string>>& fields,
    std::string_view name);

}  // namespace kintsugi::portal
