// JsonWriter (json_writer.h).

#include "report_json/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/utf8.h"

namespace kintsugi {
JsonWriter::JsonWriter(int indent, std::size_t reserve) : indent_(indent) {
  out_.resize(std::max<std::size_t>(reserve, 64));
  levels_.reserve(16);
}

void JsonWriter::Grow(std::size_t n) {
  out_.resize(std::max(out_.size() * 2, size_ + n));
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

// The length of the prefix of `text` that JSON copies as it is.
std::size_t PlainPrefix(std::string_view text) {
  std::size_t i = 0;
#ifdef __SSE2__
  // Sixteen bytes at a time: as signed bytes, those below 0x20 and those
  // from 0x80 up are all less than 0x20.
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    const __m128i special = _mm_or_si128(
        _mm_cmplt_epi8(v, space),
        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) {
      return i + static_cast<std::size_t>(__builtin_ctz(mask));
    }
  }
#endif
  while (i + 8 <= text.size() && PlainWord(text.data() + i)) i += 8;
  while (i < text.size() && PlainByte(static_cast<unsigned char>(text[i]))) {
    ++i;
  }
  return i;
}

bool PlainText(std::string_view text) {
  return PlainPrefix(text) == text.size();
}

}  // namespace

void JsonWriter::NewLine() {
  if (indent_ < 0) return;
  const std::size_t spaces = levels_.size() * static_cast<std::size_t>(indent_);
  char* p = Room(spaces + 1);
  *p = '\n';
  std::memset(p + 1, ' ', spaces);
  size_ += spaces + 1;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (levels_.empty()) return;
  if (!levels_.back().first) Put(',');
  levels_.back().first = false;
  NewLine();
}

void JsonWriter::BeginObject() {
  BeforeValue();
  Put('{');
  levels_.push_back({});
}

void JsonWriter::BeginArray() {
  BeforeValue();
  Put('[');
  levels_.push_back({});
}

void JsonWriter::EndObject() {
  const bool empty = levels_.back().first;
  levels_.pop_back();
  if (!empty) NewLine();
  Put('}');
}

void JsonWriter::EndArray() {
  const bool empty = levels_.back().first;
  levels_.pop_back();
  if (!empty) NewLine();
  Put(']');
}

void JsonWriter::Key(std::string_view key) {
  Level& level = levels_.back();
  const bool comma = !level.first;
  level.first = false;
  after_key_ = true;
  if (indent_ < 0 && PlainText(key)) {
    // The usual case, in one piece: ,"key":
    char* p = Room(key.size() + 4);
    if (comma) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, key.data(), key.size());
    p += key.size();
    *p++ = '"';
    *p++ = ':';
    size_ = static_cast<std::size_t>(p - out_.data());
    return;
  }
  if (comma) Put(',');
  NewLine();
  Put('"');
  Escaped(key);
  Put(indent_ < 0 ? std::string_view("\":") : std::string_view("\": "));
}

void JsonWriter::Escaped(std::string_view text) {
  // Most strings (keys, ids, ASCII text) need nothing: found so and
  // appended at once, the rest left to EscapedSlow.
  const std::size_t i = PlainPrefix(text);
  if (i == text.size()) {
    Put(text);
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
        Put(text.substr(plain, i - plain));
        const std::string dumped =
            nlohmann::json(std::string(text.substr(i)))
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        Put(std::string_view(dumped).substr(1, dumped.size() - 2));
        return;
      }
      i += decoded->length;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    Put(text.substr(plain, i - plain));
    plain = ++i;
    switch (c) {
      case '"':
        Put("\\\"");
        break;
      case '\\':
        Put("\\\\");
        break;
      case '\b':
        Put("\\b");
        break;
      case '\f':
        Put("\\f");
        break;
      case '\n':
        Put("\\n");
        break;
      case '\r':
        Put("\\r");
        break;
      case '\t':
        Put("\\t");
        break;
      default:
        Put("\\u00");
        Put(kHex[c >> 4]);
        Put(kHex[c & 0xF]);
    }
  }
  Put(text.substr(plain));
}

void JsonWriter::String(std::string_view text) {
  BeforeValue();
  const std::size_t plain = PlainPrefix(text);
  if (plain == text.size()) {
    char* p = Room(text.size() + 2);
    *p = '"';
    std::memcpy(p + 1, text.data(), text.size());
    p[text.size() + 1] = '"';
    size_ += text.size() + 2;
    return;
  }
  Put('"');
  EscapedSlow(text, plain);
  Put('"');
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
  Put("null");
}

void JsonWriter::Bool(bool value) {
  BeforeValue();
  Put(value ? std::string_view("true") : std::string_view("false"));
}

void JsonWriter::Int(std::int64_t value) {
  BeforeValue();
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  Put(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

void JsonWriter::Uint(std::uint64_t value) {
  BeforeValue();
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  Put(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

void JsonWriter::Double(double value) {
  BeforeValue();
  // nlohmann's own number format (Grisu2, ".0" on whole numbers, null for
  // NaN and infinities): numbers are few, exactness matters more.
  Put(nlohmann::json(value).dump());
}

void JsonWriter::Strings(const std::vector<std::string>& values) {
  BeginArray();
  for (const std::string& value : values) String(value);
  EndArray();
}

}  // namespace kintsugi
