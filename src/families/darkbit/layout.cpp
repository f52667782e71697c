#include "families/darkbit/layout.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/aes_cbc.h"

namespace kintsugi::families {
namespace {

constexpr std::uint64_t kBlock = 16;

// §3.11 "Encryption layout": (limitMB, parts, eachPart), eachPart -1 for
// the whole file.
struct SizeClass {
  std::uint64_t limit;
  std::uint64_t parts;
  std::int64_t each;
};
constexpr std::array<SizeClass, 9> kClasses = {{
    {25, 1, -1},
    {1000, 2, 12000},
    {4000, 3, 10000},
    {7000, 2, 20000},
    {11000, 3, 30000},
    {51000, 5, 30000},
    {1000000, 3, 1000000},
    {5000000, 5, 1000000},
    {6000000, 20, 10000000},
}};

bool IsCharset(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

// Whether `text` is well-formed UTF-8 with no control character.
bool CleanUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    std::size_t extra = 0;
    std::uint32_t min = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      extra = 1;
      min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      min = 0x10000;
    } else {
      return false;
    }
    if (text.size() - i <= extra) return false;
    std::uint32_t code = c & (0x3fU >> extra);
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3fU);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// Decrypts the parts of the original in order, copies the rest, drops the
// footer.
class DarkBitStream final : public recover::StreamDecryption {
 public:
  DarkBitStream(ByteView key, ByteView iv, std::uint64_t original_size,
                std::vector<DarkBitPart> parts)
      : key_(key),
        iv_(iv.ToBytes()),
        original_size_(original_size),
        parts_(std::move(parts)) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    std::size_t written = 0;
    std::size_t used = 0;
    while (used < in.size()) {
      if (at_ >= original_size_) {  // The footer.
        at_ += in.size() - used;
        break;
      }
      std::uint64_t run =
          std::min<std::uint64_t>(in.size() - used, original_size_ - at_);
      if (next_ < parts_.size() && at_ >= parts_[next_].offset) {
        const DarkBitPart& part = parts_[next_];
        if (at_ == part.offset) {
          KINTSUGI_ASSIGN_OR_RETURN(
              auto cipher,
              crypto::AesCbcDecryptor::CreateUnpadded(key_.view(), iv_));
          cipher_.emplace(std::move(cipher));
        }
        const std::uint64_t end = part.offset + part.length;
        run = std::min(run, end - at_);
        KINTSUGI_ASSIGN_OR_RETURN(
            const std::size_t n,
            cipher_->Update(*in.Sub(used, static_cast<std::size_t>(run)),
                            out.subspan(written)));
        written += n;
        at_ += run;
        used += static_cast<std::size_t>(run);
        if (at_ == end) {
          KINTSUGI_ASSIGN_OR_RETURN(const std::size_t last,
                                    cipher_->Finish(out.subspan(written)));
          written += last;
          cipher_.reset();
          ++next_;
        }
        continue;
      }
      if (next_ < parts_.size()) {
        run = std::min(run, parts_[next_].offset - at_);
      }
      const ByteView plain = *in.Sub(used, static_cast<std::size_t>(run));
      std::copy(plain.begin(), plain.end(), out.subspan(written).begin());
      written += plain.size();
      at_ += run;
      used += static_cast<std::size_t>(run);
    }
    return written;
  }

  Result<std::size_t> Finish(std::span<std::uint8_t>) override {
    if (at_ < original_size_ || cipher_) {
      return CorruptError("the DarkBit file ended before its footer");
    }
    return std::size_t{0};
  }

  std::uint64_t MinOutputBytes() const override { return original_size_; }

 private:
  SecretBytes key_;
  Bytes iv_;
  std::uint64_t original_size_;
  std::vector<DarkBitPart> parts_;
  std::size_t next_ = 0;  // The next part not finished.
  std::uint64_t at_ = 0;  // Offset in the file.
  std::optional<crypto::AesCbcDecryptor> cipher_;
};

}  // namespace

std::optional<DarkBitFooter> ParseDarkBitFooter(ByteView tail) {
  const std::size_t tag_back = kDarkBitTag.size() + kDarkBitRsaBytes;
  if (tail.size() < kDarkBitFooterFixed + kBlock) return std::nullopt;
  if (*tail.Sub(tail.size() - tag_back, kDarkBitTag.size()) !=
      ByteView::FromString(kDarkBitTag)) {
    return std::nullopt;
  }
  const std::size_t name_end = tail.size() - tag_back;
  for (std::size_t name = kBlock; name + kDarkBitMarker.size() <= name_end;
       name += kBlock) {
    const std::size_t marker = name_end - name - kDarkBitMarker.size();
    if (*tail.Sub(marker, kDarkBitMarker.size()) ==
        ByteView::FromString(kDarkBitMarker)) {
      return DarkBitFooter{kDarkBitFooterFixed + name,
                           tail.Sub(name_end - name, name)->ToBytes()};
    }
  }
  return std::nullopt;
}

std::optional<DarkBitName> ParseDarkBitName(std::string_view file_name) {
  const std::size_t ext = kDarkBitExtension.size();
  if (file_name.size() <= kDarkBitNameChars + ext ||
      !recover::EndsWithIgnoreCase(file_name, kDarkBitExtension)) {
    return std::nullopt;
  }
  const std::string_view stem = file_name.substr(0, file_name.size() - ext);
  const std::string_view random = stem.substr(0, kDarkBitNameChars);
  const std::string_view digits = stem.substr(kDarkBitNameChars);
  if (!std::all_of(random.begin(), random.end(), IsCharset) || digits.empty() ||
      digits.size() > 19 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return DarkBitName{std::string(random), std::stoull(std::string(digits))};
}

std::optional<std::string> DecodeDarkBitName(ByteView plaintext) {
  std::string text(plaintext.begin(), plaintext.end());
  const std::size_t kept = text.find_last_not_of('|');
  if (kept == std::string::npos || text.size() - (kept + 1) >= kBlock) {
    return std::nullopt;
  }
  text.resize(kept + 1);
  if (text.find('|') != std::string::npos || !CleanUtf8(text)) {
    return std::nullopt;
  }
  const std::size_t slash = text.find_last_of("/\\");
  if (slash != std::string::npos) text = text.substr(slash + 1);
  if (text.empty() || text == "." || text == "..") return std::nullopt;
  return text;
}

std::string_view DarkBitReadingName(DarkBitReading reading) {
  return reading == DarkBitReading::kKib ? "kib" : "mib";
}

std::optional<DarkBitReading> DarkBitReadingNamed(std::string_view name) {
  if (name == "kib") return DarkBitReading::kKib;
  if (name == "mib") return DarkBitReading::kMib;
  return std::nullopt;
}

std::vector<DarkBitPart> DarkBitParts(std::uint64_t size,
                                      DarkBitReading reading) {
  const unsigned shift = reading == DarkBitReading::kKib ? 10 : 20;
  std::vector<DarkBitPart> parts;
  for (const SizeClass& c : kClasses) {
    if (size >= (c.limit << shift)) continue;
    const std::uint64_t block =
        (c.each < 0 ? size : static_cast<std::uint64_t>(c.each)) / kBlock *
        kBlock;
    const std::uint64_t step = size / c.parts;
    for (std::uint64_t i = 0; i < c.parts; ++i) {
      const std::uint64_t offset = i * step;
      // A part past the end keeps the whole blocks the file holds there
      // (the classes never make one; a guard for odd sizes).
      const std::uint64_t length =
          std::min(block, (size - offset) / kBlock * kBlock);
      if (length > 0) parts.push_back({offset, length});
    }
    break;
  }
  return parts;
}

std::uint64_t DarkBitPlainBytes(std::uint64_t size, DarkBitReading reading) {
  std::uint64_t encrypted = 0;
  for (const DarkBitPart& part : DarkBitParts(size, reading)) {
    encrypted += part.length;
  }
  return size - encrypted;
}

Result<std::unique_ptr<recover::StreamDecryption>> StartDarkBitDecryption(
    ByteView key, ByteView iv, std::uint64_t file_size,
    std::uint64_t footer_bytes, DarkBitReading reading) {
  if (key.size() != 16 || iv.size() != 16) {
    return InvalidArgumentError("a DarkBit key and IV are 16 bytes each");
  }
  if (footer_bytes > file_size) {
    return CorruptError("the DarkBit footer is longer than the file");
  }
  const std::uint64_t original = file_size - footer_bytes;
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<DarkBitStream>(key, iv, original,
                                      DarkBitParts(original, reading)));
}

}  // namespace kintsugi::families
