#pragma once

// ByteView: the one way Kintsugi reads untrusted bytes (conventions.md
// "Untrusted bytes"). Every read is bounds-checked and fails with kCorrupt
// ("truncated") instead of overrunning; offset arithmetic is overflow-safe.
// A ByteView does not own its bytes; the owner must outlive it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/status.h"

namespace kintsugi {

using Bytes = std::vector<std::uint8_t>;

class ByteView {
 public:
  using const_iterator = const std::uint8_t*;

  ByteView() = default;
  ByteView(const std::uint8_t* data, std::size_t size)
      : data_(size == 0 ? nullptr : data), size_(size) {}
  ByteView(std::span<const std::uint8_t> span)  // NOLINT: implicit by design
      : ByteView(span.data(), span.size()) {}
  ByteView(const Bytes& bytes)  // NOLINT: implicit by design
      : ByteView(bytes.data(), bytes.size()) {}

  // Views the characters of `text` as bytes.
  static ByteView FromString(std::string_view text);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // For handing the whole view to a library (OpenSSL, Hyperscan); never for
  // offset arithmetic of our own.
  const std::uint8_t* data() const { return data_; }
  std::span<const std::uint8_t> span() const { return {data_, size_}; }
  std::string_view AsChars() const;
  Bytes ToBytes() const { return Bytes(begin(), end()); }

  const_iterator begin() const { return data_; }
  const_iterator end() const { return data_ + size_; }

  // Fixed-width reads at an absolute offset.
  Result<std::uint8_t> U8(std::size_t offset) const;
  Result<std::uint16_t> U16Le(std::size_t offset) const;
  Result<std::uint16_t> U16Be(std::size_t offset) const;
  Result<std::uint32_t> U32Le(std::size_t offset) const;
  Result<std::uint32_t> U32Be(std::size_t offset) const;
  Result<std::uint64_t> U64Le(std::size_t offset) const;
  Result<std::uint64_t> U64Be(std::size_t offset) const;

  // The `length` bytes at `offset`; kCorrupt if they are not all inside.
  Result<ByteView> Sub(std::size_t offset, std::size_t length) const;
  // Everything from `offset` on; kCorrupt if offset > size().
  Result<ByteView> From(std::size_t offset) const;
  // The last `length` bytes; kCorrupt if there are fewer.
  Result<ByteView> Tail(std::size_t length) const;

  // Clamped variants that never fail: at most `n` bytes from the start or
  // the end (for "head and tail of a file" where short files are fine).
  ByteView First(std::size_t n) const;
  ByteView Last(std::size_t n) const;

  bool StartsWith(ByteView prefix) const;
  bool EndsWith(ByteView suffix) const;
  // True if `pattern` occurs at `offset` (false past the end).
  bool MatchesAt(std::size_t offset, ByteView pattern) const;
  // First offset >= `from` where `needle` occurs.
  std::optional<std::size_t> Find(ByteView needle, std::size_t from = 0) const;

  friend bool operator==(ByteView a, ByteView b);

 private:
  Result<ByteView> Checked(std::size_t offset, std::size_t length) const;

  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// A cursor over a ByteView for sequential parsing.
class ByteReader {
 public:
  explicit ByteReader(ByteView view) : view_(view) {}

  std::size_t position() const { return position_; }
  std::size_t remaining() const { return view_.size() - position_; }
  bool AtEnd() const { return remaining() == 0; }

  Result<std::uint8_t> ReadU8();
  Result<std::uint16_t> ReadU16Le();
  Result<std::uint16_t> ReadU16Be();
  Result<std::uint32_t> ReadU32Le();
  Result<std::uint32_t> ReadU32Be();
  Result<std::uint64_t> ReadU64Le();
  Result<std::uint64_t> ReadU64Be();
  Result<ByteView> ReadBytes(std::size_t length);
  Status Skip(std::size_t length);

 private:
  ByteView view_;
  std::size_t position_ = 0;
};

// Lowercase hex, two characters a byte.
std::string ToHex(ByteView bytes);
// Parses hex (either case, even length, no separators); kInvalidArgument
// otherwise.
Result<Bytes> FromHex(std::string_view hex);

}  // namespace kintsugi
