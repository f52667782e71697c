// JsonWriter (json_writer.h).

#include "report_json/json_writer.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace kintsugi {
JsonWriter::JsonWriter(int indent, std::size_t reserve) : indent_(indent) {
  out_.reserve(reserve);
}

void JsonWriter::NewLine() {
  if (indent_ < 0) return;
  out_ += '\n';
  out_.append(levels_.size() * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (levels_.empty()) return;
  if (!levels_.back().first) out_ += ',';
  levels_.back().first = false;
  NewLine();
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_ += '{';
  levels_.push_back({});
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_ += '[';
  levels_.push_back({});
}

void JsonWriter::EndObject() {
  const bool empty = levels_.back().first;
  levels_.pop_back();
  if (!empty) NewLine();
  out_ += '}';
}

void JsonWriter::EndArray() {
  const bool empty = levels_.back().first;
  levels_.pop_back();
  if (!empty) NewLine();
  out_ += ']';
}

void JsonWriter::Key(std::string_view key) {
  Level& level = levels_.back();
  if (!level.first) out_ += ',';
  level.first = false;
  if (indent_ >= 0) NewLine();
  out_ += '"';
  Escaped(key);
  if (indent_ < 0) {
    out_.append("\":", 2);
  } else {
    out_.append("\": ", 3);
  }
  after_key_ = true;
}

namespace {

// True when none of the 8 bytes at `p` is below 0x20, a quote, a
// backslash or from 0x80 up: bytes JSON copies as they are.
bool PlainWord(const char* p) {
  std::uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  // A byte b < n (n <= 0x80) sets its high bit in (b - n) & ~b.
  const auto below = [&](std::uint64_t n) { return (w - kOnes * n) & ~w; };
  const auto equal = [&](std::uint64_t n) {
    const std::uint64_t x = w ^ (kOnes * n);
    return (x - kOnes) & ~x;
  };
  return ((below(0x20) | equal('"') | equal('\\') | w) & kHigh) == 0;
}

bool PlainByte(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

}  // namespace

void JsonWriter::Escaped(std::string_view text) {
  // Most strings (keys, ids, ASCII text) need nothing: found so and
  // appended at once, the rest left to EscapedSlow.
  std::size_t i = 0;
  while (i + 8 <= text.size() && PlainWord(text.data() + i)) i += 8;
  while (i < text.size() && PlainByte(static_cast<unsigned char>(text[i]))) ++i;
  if (i == text.size()) {
    out_.append(text);
    return;
  }
  EscapedSlow(text, i);
}

void JsonWriter::EscapedSlow(std::string_view text, std::size_t from) {
  // One pass: runs of bytes that need nothing are copied whole; a byte from
  // 0x80 up starts a UTF-8 sequence that must be well-formed.
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = from; i < text.size();) {
    // Eight bytes at a time while none needs a look (most text is ASCII).
    while (i + 8 <= text.size() && PlainWord(text.data() + i)) i += 8;
    if (i >= text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::optional<Utf8Char> decoded = DecodeUtf8(text, i);
      if (!decoded) {
        // Rare (a file name in another encoding): nlohmann's own
        // replacement for the rest, so that both agree on every byte.
        out_.append(text.data() + plain, i - plain);
        const std::string dumped =
            nlohmann::json(std::string(text.substr(i)))
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out_.append(dumped, 1, dumped.size() - 2);
        return;
      }
      i += decoded->length;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out_.append(text.data() + plain, i - plain);
    plain = ++i;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        out_ += "\\u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 0xF];
    }
  }
  out_.append(text.data() + plain, text.size() - plain);
}

void JsonWriter::String(std::string_view text) {
  BeforeValue();
  out_ += '"';
  Escaped(text);
  out_ += '"';
}

void JsonWriter::StringOrNull(std::string_view text) {
  if (text.empty()) {
    Null();
  } else {
    String(text);
  }
}

void JsonWriter::Null() {
  BeforeValue();
  out_ += "null";
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
}

void JsonWriter::Int(std::int64_t value) {
  BeforeValue();
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out_.append(buffer, end);
}

void JsonWriter::Uint(std::uint64_t value) {
  BeforeValue();
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out_.append(buffer, end);
}

void JsonWriter::Double(double value) {
  BeforeValue();
  // nlohmann's own number format (Grisu2, ".0" on whole numbers, null for
  // NaN and infinities): numbers are few, exactness matters more.
  out_ += nlohmann::json(value).dump();
}

void JsonWriter::Strings(const std::vector<std::string>& values) {
  BeginArray();
  for (const std::string& value : values) String(value);
  EndArray();
}

}  // namespace kintsugi
