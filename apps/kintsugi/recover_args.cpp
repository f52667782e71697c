#include "recover_args.h"

#include <charconv>
#include <optional>
#include <string>

#include "cli.h"
#include "kintsugi/bytes.h"
#include "kintsugi/log.h"

namespace kintsugi::cli {

Result<KnownPlaintextAt> ParseKnown(std::string_view text) {
  const auto bad = [&] {
    return InvalidArgumentError(
        "--known wants OFFSET:HEX (e.g. 49152:00000000 or 0xC000:00000000), "
        "got '" +
        SanitizeForLog(std::string(text)) + "'");
  };
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view offset = text.substr(0, colon);
  int base = 10;
  if (offset.size() > 2 && offset[0] == '0' &&
      (offset[1] == 'x' || offset[1] == 'X')) {
    offset.remove_prefix(2);
    base = 16;
  }
  const char* digits = base == 16 ? "0123456789abcdefABCDEF" : "0123456789";
  if (offset.empty() || offset.size() > (base == 16 ? 16u : 19u) ||
      offset.find_first_not_of(digits) != std::string_view::npos) {
    return bad();
  }
  KnownPlaintextAt known;
  known.offset = std::stoull(std::string(offset), nullptr, base);
  auto bytes = FromHex(text.substr(colon + 1));
  if (!bytes || bytes->empty()) return bad();
  known.bytes = std::move(*bytes);
  return known;
}

Result<std::uint64_t> ParseSeedValue(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError(
        "bad seed \"" + std::string(text) +
        "\": give a number or a duration such as 2h13m, 45m, 1d4h, 1500ms");
  };
  if (text.empty()) return bad();
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    if (text.size() > 19) return bad();
    return std::stoull(std::string(text));
  }
  std::uint64_t total = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t digits = text.find_first_not_of("0123456789", at);
    if (digits == at || digits == std::string_view::npos || digits - at > 9) {
      return bad();
    }
    const std::uint64_t n =
        std::stoull(std::string(text.substr(at, digits - at)));
    std::size_t unit_end = text.find_first_of("0123456789", digits);
    if (unit_end == std::string_view::npos) unit_end = text.size();
    const std::string_view unit = text.substr(digits, unit_end - digits);
    std::uint64_t ms = 0;
    if (unit == "d") {
      ms = 86'400'000;
    } else if (unit == "h") {
      ms = 3'600'000;
    } else if (unit == "m") {
      ms = 60'000;
    } else if (unit == "s") {
      ms = 1'000;
    } else if (unit == "ms") {
      ms = 1;
    } else {
      return bad();
    }
    total += n * ms;
    at = unit_end;
  }
  return total;
}

Result<std::pair<std::uint64_t, std::uint64_t>> ParseGap(
    std::string_view text) {
  auto parse = [](std::string_view part) -> std::optional<std::uint64_t> {
    std::uint64_t value = 0;
    const auto [end, error] =
        std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || error != std::errc() ||
        end != part.data() + part.size()) {
      return std::nullopt;
    }
    return value;
  };
  const std::size_t dash = text.find('-', 1);
  std::optional<std::uint64_t> low;
  std::optional<std::uint64_t> high;
  if (dash != std::string_view::npos) {
    low = parse(text.substr(0, dash));
    high = parse(text.substr(dash + 1));
  }
  if (!low || !high || *low > *high) {
    return InvalidArgumentError(
        "--gap: give A-B in nanoseconds with A <= B, e.g. 1000000-1800000");
  }
  return std::make_pair(*low, *high);
}

}  // namespace kintsugi::cli
