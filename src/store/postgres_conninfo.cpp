// Passwords out of PostgreSQL connection strings, for messages
// (store/postgres_store.h): a URL's "user:PASSWORD@" and "?password=", a
// key=value string's "password=". The forms are libpq's
// (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/postgres_store.h"

namespace kintsugi::store {
namespace {

using Span = std::pair<std::size_t, std::size_t>;  // [begin, end)

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

std::size_t UrlPrefixLength(std::string_view text) {
  for (std::string_view prefix : {"postgresql://", "postgres://"}) {
    if (text.starts_with(prefix)) return prefix.size();
  }
  return 0;
}

// Where the password values of `conninfo` are.
std::vector<Span> PasswordSpans(std::string_view conninfo) {
  std::vector<Span> spans;
  if (const std::size_t start = UrlPrefixLength(conninfo); start != 0) {
    const std::size_t authority_end =
        std::min(conninfo.find_first_of("/?", start), conninfo.size());
    const std::string_view authority =
        conninfo.substr(start, authority_end - start);
    if (const std::size_t at = authority.rfind('@');
        at != std::string_view::npos) {
      const std::size_t colon = authority.substr(0, at).find(':');
      if (colon != std::string_view::npos) {
        spans.emplace_back(start + colon + 1, start + at);
      }
    }
    const std::size_t query = conninfo.find('?', start);
    if (query == std::string_view::npos) return spans;
    std::size_t at = query + 1;
    while (at <= conninfo.size()) {
      std::size_t end = conninfo.find('&', at);
      if (end == std::string_view::npos) end = conninfo.size();
      const std::string_view pair = conninfo.substr(at, end - at);
      const std::size_t equals = pair.find('=');
      if (equals != std::string_view::npos &&
          pair.substr(0, equals) == "password") {
        spans.emplace_back(at + equals + 1, end);
      }
      at = end + 1;
    }
    return spans;
  }
  // key = value pairs; values may be 'quoted' with \ escapes.
  std::size_t i = 0;
  const std::size_t n = conninfo.size();
  while (i < n) {
    while (i < n && IsSpace(conninfo[i])) ++i;
    const std::size_t key_begin = i;
    while (i < n && conninfo[i] != '=' && !IsSpace(conninfo[i])) ++i;
    const std::string_view key = conninfo.substr(key_begin, i - key_begin);
    while (i < n && IsSpace(conninfo[i])) ++i;
    if (i >= n || conninfo[i] != '=') break;  // Malformed: libpq says so.
    ++i;
    while (i < n && IsSpace(conninfo[i])) ++i;
    std::size_t value_begin = i;
    std::size_t value_end = i;
    if (i < n && conninfo[i] == '\'') {
      value_begin = ++i;
      while (i < n && conninfo[i] != '\'') i += conninfo[i] == '\\' ? 2u : 1u;
      value_end = std::min(i, n);
      if (i < n) ++i;
    } else {
      while (i < n && !IsSpace(conninfo[i])) i += conninfo[i] == '\\' ? 2u : 1u;
      value_end = std::min(i, n);
    }
    if (key == "password") spans.emplace_back(value_begin, value_end);
  }
  return spans;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `text` with %XX decoded where XX is hex (other % kept).
std::string PercentDecoded(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      decoded +=
          static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

void ReplaceAll(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
}

}  // namespace

std::string RedactConninfo(const std::string& conninfo) {
  std::string redacted = conninfo;
  const std::vector<Span> spans = PasswordSpans(conninfo);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    redacted.replace(it->first, it->second - it->first, "***");
  }
  return redacted;
}

std::string ScrubPasswords(std::string message, const std::string& conninfo,
                           const std::string& password) {
  for (const Span& span : PasswordSpans(conninfo)) {
    const std::string_view raw =
        std::string_view(conninfo).substr(span.first, span.second - span.first);
    ReplaceAll(message, raw);
    ReplaceAll(message, PercentDecoded(raw));
  }
  ReplaceAll(message, password);
  return message;
}

}  // namespace kintsugi::store
