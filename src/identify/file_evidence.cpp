#include "identify/file_evidence.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>

#include "text/decode.h"
#include "text/indicators.h"

namespace kintsugi::identify {
namespace {

using text::DecodedText;
using text::ExtractIndicators;
using text::ProfileText;
using text::TextEncoding;
using text::TextEncodingName;

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

// Whether "id" starts at `at` of `name` as a word of its own: at the start,
// or after a separator (".id[", "_id-", "[id-"), never inside a word
// ("valid-2024").
bool IsIdWord(std::string_view name, std::size_t at) {
  if (at + 2 > name.size() || (name[at] != 'i' && name[at] != 'I') ||
      (name[at + 1] != 'd' && name[at + 1] != 'D')) {
    return false;
  }
  if (at == 0) return true;
  const char before = name[at - 1];
  return before == '.' || before == '_' || before == '-' || before == ' ' ||
         before == '[' || before == '(' || before == '{';
}

// Bytes of head used for entropy: enough to be stable, small enough that a
// partly encrypted file (only its start encrypted) still counts.
constexpr std::size_t kEntropyWindow = 4096;

// Reads a numeric field at `pos` of `view`.
std::optional<std::uint64_t> ReadField(ByteView view, std::size_t pos,
                                       kb::FieldType type) {
  auto widen = [](auto result) -> std::optional<std::uint64_t> {
    if (!result) return std::nullopt;
    return static_cast<std::uint64_t>(*result);
  };
  switch (type) {
    case kb::FieldType::kU8:
      return widen(view.U8(pos));
    case kb::FieldType::kLe16:
      return widen(view.U16Le(pos));
    case kb::FieldType::kBe16:
      return widen(view.U16Be(pos));
    case kb::FieldType::kLe32:
      return widen(view.U32Le(pos));
    case kb::FieldType::kBe32:
      return widen(view.U32Be(pos));
    case kb::FieldType::kLe64:
      return widen(view.U64Le(pos));
    case kb::FieldType::kBe64:
      return widen(view.U64Be(pos));
    case kb::FieldType::kKey:
      break;
  }
  return std::nullopt;
}

// `value` against a bound: <= it (`upper`) or >= it. A bound relative to
// the size may fall below 0 or past 2^64-1.
bool WithinBound(std::uint64_t value, const kb::FieldBound& bound,
                 std::uint64_t size, bool upper) {
  if (!bound.relative_to_size) {
    return upper ? value <= bound.value : value >= bound.value;
  }
  if (bound.delta < 0) {
    const auto below = static_cast<std::uint64_t>(-bound.delta);
    if (size < below) return !upper;  // The bound is negative.
    const std::uint64_t limit = size - below;
    return upper ? value <= limit : value >= limit;
  }
  const auto above = static_cast<std::uint64_t>(bound.delta);
  if (size > UINT64_MAX - above) return upper;  // Past 2^64 - 1.
  const std::uint64_t limit = size + above;
  return upper ? value <= limit : value >= limit;
}

bool FieldHolds(const kb::FileField& field, ByteView view, std::size_t pos,
                std::uint64_t size) {
  if (field.type == kb::FieldType::kKey) {
    const Result<ByteView> bytes =
        view.Sub(pos, static_cast<std::size_t>(field.length));
    return bytes.has_value() && LooksLikeKey(*bytes);
  }
  const std::optional<std::uint64_t> value = ReadField(view, pos, field.type);
  if (!value) return false;
  if (!field.values.empty() &&
      std::find(field.values.begin(), field.values.end(), *value) ==
          field.values.end()) {
    return false;
  }
  if (field.min && !WithinBound(*value, *field.min, size, /*upper=*/false)) {
    return false;
  }
  return !field.max || WithinBound(*value, *field.max, size, /*upper=*/true);
}

std::size_t FieldBytes(const kb::FileField& field) {
  switch (field.type) {
    case kb::FieldType::kU8:
      return 1;
    case kb::FieldType::kLe16:
    case kb::FieldType::kBe16:
      return 2;
    case kb::FieldType::kLe32:
    case kb::FieldType::kBe32:
      return 4;
    case kb::FieldType::kLe64:
    case kb::FieldType::kBe64:
      return 8;
    case kb::FieldType::kKey:
      break;
  }
  return static_cast<std::size_t>(field.length);
}

// Offsets in a rule are far below 2^48 (the parser's limit for `at`;
// larger `offset`s are clamped here), so this arithmetic cannot overflow.
constexpr std::int64_t kFar = std::int64_t{1} << 50;

std::int64_t Clamped(std::uint64_t value) {
  return value > static_cast<std::uint64_t>(kFar)
             ? kFar
             : static_cast<std::int64_t>(value);
}

}  // namespace

bool LooksLikeKey(ByteView bytes) {
  if (bytes.empty()) return false;
  std::array<bool, 256> seen{};
  std::size_t distinct = 0;
  std::size_t printable = 0;
  for (const std::uint8_t b : bytes) {
    if (!seen[b]) {
      seen[b] = true;
      ++distinct;
    }
    if (b >= 0x20 && b < 0x7F) ++printable;
  }
  const auto n = static_cast<double>(bytes.size());
  const double expected = 256.0 * (1.0 - std::pow(255.0 / 256.0, n));
  return static_cast<double>(distinct) >= 0.6 * expected &&
         8 * printable <= 7 * bytes.size();
}

bool MatchesFileMarker(const kb::Rule& rule, ByteView head, ByteView tail,
                       std::uint64_t size) {
  const ByteView marker(rule.marker);
  const std::int64_t offset = Clamped(rule.offset);
  // The view the fields are read from and the marker's position in it.
  ByteView view;
  std::int64_t base = 0;
  switch (rule.anchor) {
    case kb::Anchor::kStart:
      if (!head.MatchesAt(static_cast<std::size_t>(offset), marker)) {
        return false;
      }
      view = head;
      base = offset;
      break;
    case kb::Anchor::kEnd:
      // `offset` is the distance of the marker's (or footer's) start from
      // the end; the footer must fit in the file.
      if (rule.offset > size || rule.offset < marker.size()) return false;
      if (!marker.empty() &&
          (rule.offset > tail.size() ||
           !tail.MatchesAt(tail.size() - static_cast<std::size_t>(offset),
                           marker))) {
        return false;
      }
      view = tail;
      base = static_cast<std::int64_t>(tail.size()) - offset;
      break;
    case kb::Anchor::kHead:
      return rule.fields.empty() && head.Find(marker).has_value();
    case kb::Anchor::kTail:
      return rule.fields.empty() && tail.Find(marker).has_value();
  }
  for (const kb::FileField& field : rule.fields) {
    const std::int64_t pos = base + std::clamp(field.at, -kFar, kFar);
    const auto bytes = static_cast<std::int64_t>(FieldBytes(field));
    if (pos < 0 || pos + bytes > static_cast<std::int64_t>(view.size())) {
      return false;
    }
    if (!FieldHolds(field, view, static_cast<std::size_t>(pos), size)) {
      return false;
    }
  }
  return true;
}

FileNameEvidence ParseFileName(std::string_view name) {
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  FileNameEvidence out;
  // Split on dots outside brackets.
  std::vector<std::size_t> dots;
  int depth = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '[' || c == '(' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == ')' || c == '}') && depth > 0) {
      --depth;
    } else if (c == '.' && depth == 0 && i > 0) {
      dots.push_back(i);
    }
  }
  for (std::size_t k = 0; k < dots.size(); ++k) {
    const std::size_t end = k + 1 < dots.size() ? dots[k + 1] : name.size();
    const std::string_view part = name.substr(dots[k], end - dots[k]);
    if (part.size() > 1) out.extension_chain.emplace_back(part);
  }
  if (!out.extension_chain.empty()) out.extension = out.extension_chain.back();
  out.indicators = ExtractIndicators(name);
  // IDs: runs of alphanumerics (with inner '-') of >= 6 characters inside
  // brackets, or after "id-" / "id_" starting a part of the name.
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '[' && name[i] != '(' && name[i] != '{' &&
        !(i >= 2 && (name[i] == '-' || name[i] == '_') &&
          IsIdWord(name, i - 2))) {
      continue;
    }
    std::size_t end = i + 1;
    while (end < name.size() && (IsAlnum(name[end]) || name[end] == '-')) {
      ++end;
    }
    const std::string_view id = name.substr(i + 1, end - i - 1);
    const bool has_digit =
        id.find_first_of("0123456789") != std::string_view::npos;
    const bool email = end < name.size() && name[end] == '@';
    if (id.size() >= 6 && id.size() <= 128 && has_digit && !email &&
        out.ids.size() < 16) {
      out.ids.emplace_back(id);
    }
  }
  // Contacts: the bracketed element after an ID element (".id[...]",
  // ".id-...").
  for (std::size_t k = 0; k + 1 < out.extension_chain.size(); ++k) {
    const std::string_view part = out.extension_chain[k];
    if (part.size() < 5 || !IsIdWord(part, 1) ||
        (part[3] != '[' && part[3] != '-' && part[3] != '_')) {
      continue;
    }
    const std::string_view next =
        std::string_view(out.extension_chain[k + 1]).substr(1);
    if (next.size() < 3 || next.size() > 130) continue;
    const char open = next.front();
    const char close = next.back();
    if ((open == '[' && close == ']') || (open == '{' && close == '}')) {
      const std::string_view inner = next.substr(1, next.size() - 2);
      if (inner.find_first_of("[]{}") == std::string_view::npos &&
          out.contacts.size() < 4) {
        out.contacts.emplace_back(inner);
      }
    }
  }
  return out;
}

double ShannonEntropy(ByteView bytes) {
  if (bytes.empty()) return 0.0;
  std::array<std::size_t, 256> counts{};
  for (const std::uint8_t b : bytes) ++counts[b];
  const auto n = static_cast<double>(bytes.size());
  double entropy = 0.0;
  for (const std::size_t count : counts) {
    if (count == 0) continue;
    const double p = static_cast<double>(count) / n;
    entropy -= p * std::log2(p);
  }
  return entropy;
}

ContentVerdict ClassifyContent(ByteView head) {
  ContentVerdict out;
  const ByteView window = head.First(kEntropyWindow);
  out.head_entropy = ShannonEntropy(window);
  const DecodedText text = ProfileText(head.First(16 * 1024));
  out.printable_ratio = text.printable_ratio;
  out.encoding = std::string(TextEncodingName(text.encoding));
  if (head.empty()) return out;
  // Text: nearly everything printable, and not a near-random byte soup that
  // happens to decode as Windows-1252.
  const bool texty =
      text.printable_ratio >= 0.95 &&
      (text.encoding != TextEncoding::kWindows1252 || out.head_entropy < 6.5);
  if (texty) {
    out.content = ContentClass::kNote;
    return out;
  }
  // High entropy relative to what this many bytes can reach: log2(n) bits
  // for n < 256 distinct-byte samples, 8 otherwise.
  const double reachable =
      std::min(8.0, std::log2(static_cast<double>(window.size())));
  const double threshold = window.size() >= 1024 ? 7.2 : 0.85 * reachable;
  if (window.size() >= 16 && out.head_entropy >= threshold) {
    out.content = ContentClass::kEncryptedFile;
  }
  return out;
}

}  // namespace kintsugi::identify
