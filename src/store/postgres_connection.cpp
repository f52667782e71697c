// The libpq helpers shared by the tables of a PostgreSQL store
// (postgres_connection.h).

#include "store/postgres_connection.h"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "store/postgres_store.h"

namespace kintsugi::store {
namespace {

// libpq's connect_timeout unless the URL sets one: a store that does not
// answer is an error, not a hang.
constexpr const char* kConnectTimeoutSeconds = "10";

void IgnoreNotice(void*, const char*) {}

// libpq's message on one line, without any password of `conninfo`.
std::string ConnectionMessage(const char* libpq_message,
                              const std::string& conninfo,
                              const std::string& password) {
  std::string message = libpq_message == nullptr ? "" : libpq_message;
  for (char& c : message) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  std::string single;
  for (char c : message) {
    if (c == ' ' && (single.empty() || single.back() == ' ')) continue;
    single += c;
  }
  while (!single.empty() && single.back() == ' ') single.pop_back();
  return store::ScrubPasswords(std::move(single), conninfo, password);
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

std::string_view PgTrimmedLine(const char* text) {
  std::string_view line = text == nullptr ? "" : text;
  line = line.substr(0, line.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

Status PgStatus(const PGresult* result, PGconn* conn, std::string_view what) {
  const char* sqlstate = result == nullptr
                             ? nullptr
                             : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary =
      result == nullptr ? nullptr
                        : PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string message =
      fmt::format("{}: {}", what,
                  primary != nullptr ? std::string_view(primary)
                                     : PgTrimmedLine(PQerrorMessage(conn)));
  if (sqlstate == nullptr || std::strlen(sqlstate) != 5) {
    // No server answer: the connection is gone or libpq ran out of memory.
    if (PQstatus(conn) == CONNECTION_BAD) return UnavailableError(message);
    return InternalError(message);
  }
  const std::string_view state(sqlstate, 5);
  const std::string_view group = state.substr(0, 2);
  if (state == "23505") return AlreadyExistsError(message);
  if (state == "57014") return CancelledError(message);
  if (state == "53300" || state == "57P01" || state == "57P02" ||
      state == "57P03" || state == "40001" || state == "40P01" ||
      group == "08") {
    return UnavailableError(message);
  }
  if (group == "28") return UnauthenticatedError(message);
  if (state == "42501") return PermissionDeniedError(message);
  if (group == "53" || group == "54") return ResourceExhaustedError(message);
  if (group == "22" || group == "23") return InvalidArgumentError(message);
  if (state == "3D000") return NotFoundError(message);
  if (state == "XX001" || state == "XX002") return CorruptError(message);
  if (group == "58") return IoError(message);
  return InternalError(message);
}

Result<bool> PgReconnectIfDropped(PGconn* conn, std::string_view what) {
  if (PQstatus(conn) != CONNECTION_BAD) return false;
  PQreset(conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    return UnavailableError(
        fmt::format("{}'s connection was lost and could not be made again: {}",
                    what, PgTrimmedLine(PQerrorMessage(conn))));
  }
  return true;
}

Status PgCommand(PGconn* conn, const char* sql, std::string_view what) {
  const PgResult result(PQexec(conn, sql));
  const ExecStatusType status = PQresultStatus(result.get());
  if (result == nullptr ||
      (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)) {
    return PgStatus(result.get(), conn, what);
  }
  return Status::Ok();
}

bool IsPgText(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0) return false;
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if ((byte & 0xe0) == 0xc0) {
      length = 2;
      code = byte & 0x1fu;
    } else if ((byte & 0xf0) == 0xe0) {
      length = 3;
      code = byte & 0x0fu;
    } else if ((byte & 0xf8) == 0xf0) {
      length = 4;
      code = byte & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3fu);
    }
    constexpr std::array<std::uint32_t, 5> kSmallest = {0, 0, 0x80, 0x800,
                                                        0x10000};
    if (code < kSmallest[length] || code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

std::string_view PgValue(const PGresult* result, int row, int column) {
  const int length = PQgetlength(result, row, column);
  if (length <= 0) return {};
  return std::string_view(PQgetvalue(result, row, column),
                          static_cast<std::size_t>(length));
}

Result<PgConn> PgConnect(const std::string& conninfo) {
  const std::string shown = store::RedactConninfo(conninfo);
  // A malformed string is the caller's mistake, not a server that is down.
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (options == nullptr) {
    const std::string why = ConnectionMessage(
        parse_error == nullptr ? "out of memory" : parse_error, conninfo, "");
    PQfreemem(parse_error);
    return InvalidArgumentError(fmt::format(
        "{}: not a valid PostgreSQL connection string: {}", shown, why));
  }
  std::string password;
  for (const PQconninfoOption* option = options; option->keyword != nullptr;
       ++option) {
    if (std::string_view(option->keyword) == "password" &&
        option->val != nullptr) {
      password = option->val;
    }
  }
  PQconninfoFree(options);
  // Later entries win: the string's own connect_timeout and
  // application_name beat ours; client_encoding is always UTF8.
  const char* const keywords[] = {"connect_timeout",
                                  "fallback_application_name", "dbname",
                                  "client_encoding", nullptr};
  const char* const values[] = {kConnectTimeoutSeconds, "kintsugi",
                                conninfo.c_str(), "UTF8", nullptr};
  PgConn conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) {
    return ResourceExhaustedError("out of memory connecting to " + shown);
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    const std::string why =
        ConnectionMessage(PQerrorMessage(conn.get()), conninfo, password);
    const std::string message = fmt::format(
        "cannot connect to the PostgreSQL key store {}: {}", shown, why);
    if (Contains(why, "authentication failed") ||
        Contains(why, "no password supplied") || Contains(why, "role \"")) {
      return UnauthenticatedError(message);
    }
    if (Contains(why, "no pg_hba.conf entry") ||
        Contains(why, "permission denied")) {
      return PermissionDeniedError(message);
    }
    if (Contains(why, "database \"") && Contains(why, "does not exist")) {
      return NotFoundError(message);
    }
    return UnavailableError(message);
  }
  PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
  return conn;
}

}  // namespace kintsugi::store
