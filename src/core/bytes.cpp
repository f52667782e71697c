#include "kintsugi/bytes.h"

#include <algorithm>
#include <span>
#include <string>

#include "core/hex.h"

namespace kintsugi {
namespace {

template <typename T>
T LoadLe(const std::uint8_t* p) {
  T value = 0;
  for (std::size_t i = sizeof(T); i-- > 0;) {
    value = static_cast<T>(static_cast<T>(value << 8) | p[i]);
  }
  return value;
}

template <typename T>
T LoadBe(const std::uint8_t* p) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value = static_cast<T>(static_cast<T>(value << 8) | p[i]);
  }
  return value;
}

Status Truncated(std::size_t offset, std::size_t length, std::size_t size) {
  return CorruptError("truncated: need " + std::to_string(length) +
                      " bytes at offset " + std::to_string(offset) + ", have " +
                      std::to_string(size));
}

}  // namespace

ByteView ByteView::FromString(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string_view ByteView::AsChars() const {
  return {reinterpret_cast<const char*>(data_), size_};
}

Result<ByteView> ByteView::Checked(std::size_t offset,
                                   std::size_t length) const {
  if (offset > size_ || length > size_ - offset) {
    return Truncated(offset, length, size_);
  }
  return ByteView(data_ + offset, length);
}

Result<std::uint8_t> ByteView::U8(std::size_t offset) const {
  KINTSUGI_ASSIGN_OR_RETURN(ByteView v, Checked(offset, 1));
  return *v.data();
}
Result<std::uint16_t> ByteView::U16Le(std::size_t offset) const {
  KINTSUGI_ASSIGN_OR_RETURN(ByteView v, Checked(offset, 2));
  return LoadLe<std::uint16_t>(v.data());
}
Result<std::uint16_t> ByteView::U16Be(std::size_t offset) const {
  KINTSUGI_ASSIGN_OR_RETURN(ByteView v, Checked(offset, 2));
  return LoadBe<std::uint16_t>(v.data());
}
Result<std::uint32_t> ByteView::U32Le(std::size_t offset) const {
  KINTSUGI_ASSIGN_OR_RETURN(ByteView v, Checked(offset, 4));
  return LoadLe<std::uint32_t>(v.data());
}
Result<std::uint32_t> ByteView::U32Be(std::size_t offset) const {
  KINTSUGI_ASSIGN_OR_RETURN(ByteView v, Checked(offset, 4));
  return LoadBe<std::uint32_t>(v.data());
}
Result<std::uint64_t> ByteView::U64Le(std::size_t offset) const {
  KINTSUGI_ASSIGN_OR_RETURN(ByteView v, Checked(offset, 8));
  return LoadLe<std::uint64_t>(v.data());
}
Result<std::uint64_t> ByteView::U64Be(std::size_t offset) const {
  KINTSUGI_ASSIGN_OR_RETURN(ByteView v, Checked(offset, 8));
  return LoadBe<std::uint64_t>(v.data());
}

Result<ByteView> ByteView::Sub(std::size_t offset, std::size_t length) const {
  return Checked(offset, length);
}

Result<ByteView> ByteView::From(std::size_t offset) const {
  if (offset > size_) return Truncated(offset, 0, size_);
  return ByteView(data_ + offset, size_ - offset);
}

Result<ByteView> ByteView::Tail(std::size_t length) const {
  if (length > size_) return Truncated(0, length, size_);
  return ByteView(data_ + (size_ - length), length);
}

ByteView ByteView::First(std::size_t n) const {
  return {data_, std::min(n, size_)};
}

ByteView ByteView::Last(std::size_t n) const {
  const std::size_t k = std::min(n, size_);
  return {data_ + (size_ - k), k};
}

bool ByteView::MatchesAt(std::size_t offset, ByteView pattern) const {
  if (offset > size_ || pattern.size() > size_ - offset) return false;
  return std::equal(pattern.begin(), pattern.end(), begin() + offset);
}

bool ByteView::StartsWith(ByteView prefix) const {
  return MatchesAt(0, prefix);
}

bool ByteView::EndsWith(ByteView suffix) const {
  return suffix.size() <= size_ && MatchesAt(size_ - suffix.size(), suffix);
}

std::optional<std::size_t> ByteView::Find(ByteView needle,
                                          std::size_t from) const {
  if (from > size_) return std::nullopt;
  if (needle.empty()) return from;
  // string_view's find looks for the first byte with memchr: several times
  // faster than std::search on a 64 KB head or tail.
  const std::size_t at = AsChars().find(needle.AsChars(), from);
  if (at == std::string_view::npos) return std::nullopt;
  return at;
}

bool operator==(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

Result<std::uint8_t> ByteReader::ReadU8() {
  KINTSUGI_ASSIGN_OR_RETURN(auto v, view_.U8(position_));
  position_ += 1;
  return v;
}
Result<std::uint16_t> ByteReader::ReadU16Le() {
  KINTSUGI_ASSIGN_OR_RETURN(auto v, view_.U16Le(position_));
  position_ += 2;
  return v;
}
Result<std::uint16_t> ByteReader::ReadU16Be() {
  KINTSUGI_ASSIGN_OR_RETURN(auto v, view_.U16Be(position_));
  position_ += 2;
  return v;
}
Result<std::uint32_t> ByteReader::ReadU32Le() {
  KINTSUGI_ASSIGN_OR_RETURN(auto v, view_.U32Le(position_));
  position_ += 4;
  return v;
}
Result<std::uint32_t> ByteReader::ReadU32Be() {
  KINTSUGI_ASSIGN_OR_RETURN(auto v, view_.U32Be(position_));
  position_ += 4;
  return v;
}
Result<std::uint64_t> ByteReader::ReadU64Le() {
  KINTSUGI_ASSIGN_OR_RETURN(auto v, view_.U64Le(position_));
  position_ += 8;
  return v;
}
Result<std::uint64_t> ByteReader::ReadU64Be() {
  KINTSUGI_ASSIGN_OR_RETURN(auto v, view_.U64Be(position_));
  position_ += 8;
  return v;
}
Result<ByteView> ByteReader::ReadBytes(std::size_t length) {
  KINTSUGI_ASSIGN_OR_RETURN(auto v, view_.Sub(position_, length));
  position_ += length;
  return v;
}
Status ByteReader::Skip(std::size_t length) {
  KINTSUGI_RETURN_IF_ERROR(view_.Sub(position_, length));
  position_ += length;
  return Status::Ok();
}

std::string ToHex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

namespace internal {

Status DecodeHex(std::string_view hex, std::span<std::uint8_t> out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) {
    return InvalidArgumentError("hex string has an odd number of digits");
  }
  if (out.size() != hex.size() / 2) {
    return InternalError("hex output of the wrong size");
  }
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgumentError("not a hex digit at position " +
                                  std::to_string(hi < 0 ? i : i + 1));
    }
    out[i / 2] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return Status::Ok();
}

}  // namespace internal

Result<Bytes> FromHex(std::string_view hex) {
  Bytes out(hex.size() / 2);
  KINTSUGI_RETURN_IF_ERROR(internal::DecodeHex(hex, out));
  return out;
}

}  // namespace kintsugi
