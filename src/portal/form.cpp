// Form bodies (form.h): multipart/form-data after RFC 7578 and RFC 2046
// §5.1.1 (the boundary and the delimiter lines).

#include "portal/form.h"

#include <algorithm>

namespace kintsugi::portal {
namespace {

char Lower(char c) {
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(text[i]) != Lower(prefix[i])) return false;
  }
  return true;
}

// Up to `n` bytes of `text` from `at`; empty past its end (substr would
// throw).
std::string_view Slice(std::string_view text, std::size_t at, std::size_t n) {
  return at > text.size() ? std::string_view() : text.substr(at, n);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// The parameter `name` of a header value ("form-data; name=\"x\""), its
// quotes removed (a backslash escapes the next character); false when
// absent or when a quoted value is not closed.
bool HeaderParameter(std::string_view value, std::string_view name,
                     std::string* out) {
  const auto space = [&](std::size_t i) {
    return i < value.size() && (value[i] == ' ' || value[i] == '\t');
  };
  std::size_t i = value.find(';');
  while (i < value.size()) {
    ++i;  // Past the ';'.
    while (space(i)) ++i;
    const std::size_t key_start = i;
    while (i < value.size() && value[i] != '=' && value[i] != ';') ++i;
    const std::string_view key = Trim(value.substr(key_start, i - key_start));
    std::string parsed;
    if (i < value.size() && value[i] == '=') {
      ++i;
      while (space(i)) ++i;
      if (i < value.size() && value[i] == '"') {
        ++i;
        bool closed = false;
        while (i < value.size()) {
          const char c = value[i++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\' && i < value.size()) {
            parsed += value[i++];
          } else {
            parsed += c;
          }
        }
        if (!closed) return false;
        while (i < value.size() && value[i] != ';') ++i;
      } else {
        const std::size_t start = i;
        while (i < value.size() && value[i] != ';') ++i;
        parsed = std::string(Trim(value.substr(start, i - start)));
      }
    }
    if (key.size() == name.size() && StartsWithNoCase(key, name)) {
      *out = std::move(parsed);
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> ParseMultipartForm(
    std::string_view content_type, std::string_view body) {
  std::string boundary;
  if (!HeaderParameter(content_type, "boundary", &boundary) ||
      boundary.empty() || boundary.size() > 70) {
    return InvalidArgumentError(
        "a multipart form without a boundary of 1 to 70 characters");
  }
  const std::string delimiter = "--" + boundary;
  // The first delimiter line, after an ignored preamble.
  std::size_t at = 0;
  if (Slice(body, 0, delimiter.size()) != delimiter) {
    at = body.find("\r\n" + delimiter);
    if (at == std::string_view::npos) {
      return InvalidArgumentError("a multipart form without its boundary");
    }
    at += 2;
  }
  std::vector<std::pair<std::string, std::string>> fields;
  const std::string next_delimiter = "\r\n" + delimiter;
  while (true) {
    at += delimiter.size();
    if (Slice(body, at, 2) == "--") return fields;  // The close delimiter.
    // Transport padding (RFC 2046: white space) up to the line's end.
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
    if (Slice(body, at, 2) != "\r\n") {
      return InvalidArgumentError("a multipart boundary line not ended");
    }
    at += 2;
    if (fields.size() == kMaxFormParts) {
      return InvalidArgumentError("a form of more than " +
                                  std::to_string(kMaxFormParts) + " parts");
    }
    const std::size_t headers_end = body.find("\r\n\r\n", at);
    if (Slice(body, at, 2) == "\r\n" || headers_end == std::string_view::npos) {
      return InvalidArgumentError(
          "a multipart part without headers, or with headers not ended");
    }
    const std::string_view headers = body.substr(at, headers_end - at);
    at = headers_end + 4;
    std::string name;
    bool named = false;
    std::size_t line_start = 0;
    while (line_start < headers.size()) {
      const std::size_t line_end =
          std::min(headers.find("\r\n", line_start), headers.size());
      const std::string_view line =
          headers.substr(line_start, line_end - line_start);
      constexpr std::string_view kDisposition = "content-disposition:";
      if (StartsWithNoCase(line, kDisposition)) {
        const std::string_view value = Trim(line.substr(kDisposition.size()));
        named = StartsWithNoCase(value, "form-data") &&
                HeaderParameter(value, "name", &name);
      }
      line_start = line_end + 2;
    }
    if (!named) {
      return InvalidArgumentError(
          "a multipart part without Content-Disposition: form-data; name");
    }
    const std::size_t end = body.find(next_delimiter, at);
    if (end == std::string_view::npos) {
      return InvalidArgumentError("a multipart form cut short");
    }
    fields.emplace_back(std::move(name),
                        std::string(body.substr(at, end - at)));
    at = end + 2;
  }
}

Result<std::vector<std::pair<std::string, std::string>>> ParseForm(
    const HttpRequest& request) {
  const std::string* type = request.Header("content-type");
  if (type == nullptr ||
      StartsWithNoCase(*type, "application/x-www-form-urlencoded")) {
    return ParseFormBody(request.body);
  }
  if (StartsWithNoCase(*type, "multipart/form-data")) {
    return ParseMultipartForm(*type, request.body);
  }
  return InvalidArgumentError("not a form: " + type->substr(0, 100));
}

std::string FormValue(
    const std::vector<std::pair<std::string, std::string>>& fields,
    std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace kintsugi::portal
