#pragma once

// Writes JSON straight into a string, without building a document first:
// the identify report on the portal's hot path (issue 14's load target) is
// written this way. The output is byte for byte what nlohmann::json's
// dump(indent, ' ', false, error_handler_t::replace) gives for the same
// value, provided the caller writes each object's keys in ascending byte
// order, as nlohmann's std::map keeps them (report_json_test re-dumps
// every document written here through nlohmann and compares).

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace kintsugi {

class JsonWriter {
 public:
  // `indent` < 0: compact (no spaces, no newlines); otherwise that many
  // spaces per level, one member or element per line.
  explicit JsonWriter(int indent, std::size_t reserve = 4096);

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // An object's next key; keys must come in ascending byte order.
  void Key(std::string_view key);

  // Text as UTF-8; bytes that are not valid UTF-8 become U+FFFD, as
  // nlohmann's `replace` makes them.
  void String(std::string_view text);
  void StringOrNull(std::string_view text);  // null when empty
  void Null();
  void Bool(bool value);
  void Int(std::int64_t value);
  void Uint(std::uint64_t value);
  void Double(double value);  // nlohmann's shortest form ("0.5", "1.0")
  void Strings(const std::vector<std::string>& values);  // an array

  // The document; the writer is spent after.
  std::string Take() {
    out_.resize(size_);
    return std::move(out_);
  }

 private:
  void BeforeValue();
  void NewLine();
  void Escaped(std::string_view text);
  // Escaped's general case; the bytes before `from` need nothing.
  void EscapedSlow(std::string_view text, std::size_t from);
  // Where the next `n` bytes go; Put* advance past what they write.
  char* Room(std::size_t n) {
    if (out_.size() - size_ < n) Grow(n);
    return out_.data() + size_;
  }
  void Grow(std::size_t n);
  void Put(char c) {
    *Room(1) = c;
    ++size_;
  }
  void Put(std::string_view text) {
    std::memcpy(Room(text.size()), text.data(), text.size());
    size_ += text.size();
  }

  struct Level {
    bool first = true;
  };
  // out_'s first size_ bytes are the document so far; the rest is room,
  // so that writing a piece is a copy, not a string's append.
  std::string out_;
  std::size_t size_ = 0;
  int indent_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

}  // namespace kintsugi
