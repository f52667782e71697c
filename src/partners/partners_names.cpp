// The stored names of the partners' enums and scopes, the principal of the
// command line, and the small checks every part of the partners shares
// (partners.h, partners_internal.h).

#include <fmt/format.h>
#include <time.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/enum_names.h"
#include "core/utf8.h"
#include "partners/partners_internal.h"

namespace kintsugi::partners {
namespace {

constexpr std::array<std::pair<OrgKind, std::string_view>, 4> kOrgKinds = {{
    {OrgKind::kLawEnforcement, "law-enforcement"},
    {OrgKind::kCert, "cert"},
    {OrgKind::kVendor, "vendor"},
    {OrgKind::kResearch, "research"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoles = {{
    {Role::kSubmitter, "submitter"},
    {Role::kReviewer, "reviewer"},
    {Role::kAdmin, "admin"},
}};

constexpr std::array<std::pair<unsigned, std::string_view>, 4> kScopes = {{
    {kScopeRead, "read"},
    {kScopeSubmit, "submit"},
    {kScopeReview, "review"},
    {kScopeAdmin, "admin"},
}};

constexpr std::array<std::pair<SubmissionKind, std::string_view>, 2>
    kSubmissionKinds = {{
        {SubmissionKind::kKeys, "keys"},
        {SubmissionKind::kFamily, "family"},
    }};

constexpr std::array<std::pair<SubmissionState, std::string_view>, 4>
    kSubmissionStates = {{
        {SubmissionState::kPending, "pending"},
        {SubmissionState::kApproved, "approved"},
        {SubmissionState::kRejected, "rejected"},
        {SubmissionState::kWithdrawn, "withdrawn"},
    }};

}  // namespace

std::string_view OrgKindName(OrgKind kind) {
  return ::kintsugi::internal::EnumName(kOrgKinds, kind);
}
Result<OrgKind> ParseOrgKind(std::string_view name) {
  return ::kintsugi::internal::ParseEnumName(kOrgKinds, name,
                                             "organisation kind");
}

std::string_view RoleName(Role role) {
  return ::kintsugi::internal::EnumName(kRoles, role);
}
Result<Role> ParseRole(std::string_view name) {
  return ::kintsugi::internal::ParseEnumName(kRoles, name, "role");
}

std::string_view SubmissionKindName(SubmissionKind kind) {
  return ::kintsugi::internal::EnumName(kSubmissionKinds, kind);
}
Result<SubmissionKind> ParseSubmissionKind(std::string_view name) {
  return ::kintsugi::internal::ParseEnumName(kSubmissionKinds, name,
                                             "submission kind");
}

std::string_view SubmissionStateName(SubmissionState state) {
  return ::kintsugi::internal::EnumName(kSubmissionStates, state);
}
Result<SubmissionState> ParseSubmissionState(std::string_view name) {
  return ::kintsugi::internal::ParseEnumName(kSubmissionStates, name,
                                             "submission state");
}

std::string ScopeNames(unsigned scopes) {
  std::string names;
  for (const auto& [bit, name] : kScopes) {
    if ((scopes & bit) != 0) {
      names += (names.empty() ? "" : ",") + std::string(name);
    }
  }
  return names;
}

Result<unsigned> ParseScopes(std::string_view names) {
  unsigned scopes = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = names.find(',', start);
    const std::string_view name = names.substr(
        start, comma == std::string_view::npos ? comma : comma - start);
    const auto* found = std::find_if(
        kScopes.begin(), kScopes.end(),
        [name](const auto& entry) { return entry.second == name; });
    if (found == kScopes.end()) {
      return InvalidArgumentError(fmt::format(
          "unknown scope \"{}\" (read, submit, review or admin, separated "
          "by commas)",
          name));
    }
    scopes |= found->first;
    if (comma == std::string_view::npos) return scopes;
    start = comma + 1;
  }
}

unsigned RoleScopes(Role role) {
  switch (role) {
    case Role::kSubmitter:
      return kScopeRead | kScopeSubmit;
    case Role::kReviewer:
      return kScopeRead | kScopeSubmit | kScopeReview;
    case Role::kAdmin:
      return kAllScopes;
  }
  return 0;
}

Principal Principal::Cli() {
  Principal cli;
  cli.via = Via::kCli;
  cli.user_id = 0;
  cli.user = "cli";
  cli.organisation = "";
  cli.role = Role::kAdmin;
  cli.scopes = kAllScopes;
  return cli;
}

namespace internal {

std::optional<TimePoint> ParseTime(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SSZ, as AuditTime writes it.
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  const auto number = [text](std::size_t at, std::size_t digits) {
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  struct tm parts {};
  parts.tm_year = number(0, 4) - 1900;
  parts.tm_mon = number(5, 2) - 1;
  parts.tm_mday = number(8, 2);
  parts.tm_hour = number(11, 2);
  parts.tm_min = number(14, 2);
  parts.tm_sec = number(17, 2);
  if (parts.tm_year < 0 || parts.tm_mon < 0 || parts.tm_mon > 11 ||
      parts.tm_mday < 1 || parts.tm_mday > 31 || parts.tm_hour < 0 ||
      parts.tm_hour > 23 || parts.tm_min < 0 || parts.tm_min > 59 ||
      parts.tm_sec < 0 || parts.tm_sec > 60) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

bool IsStorableText(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto decoded = DecodeUtf8(text, at);
    if (!decoded || decoded->code == 0) return false;
    at += decoded->length;
  }
  return true;
}

bool IsPlainText(std::string_view text, std::size_t min, std::size_t max,
                 bool newlines) {
  std::size_t count = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto decoded = DecodeUtf8(text, at);
    if (!decoded) return false;
    const std::uint32_t code = decoded->code;
    const bool line_break = code == '\n' || code == '\t' || code == '\r';
    if ((code < 0x20 && !(newlines && line_break)) || code == 0x7f ||
        (code >= 0x80 && code < 0xa0)) {
      return false;
    }
    at += decoded->length;
    ++count;
  }
  return count >= min && count <= max;
}

bool IsUserName(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsOperator(const Principal& who) {
  return who.via == Principal::Via::kCli ||
         (who.role == Role::kAdmin && who.Has(kScopeAdmin));
}

}  // namespace internal
}  // namespace kintsugi::partners
