#include "families/linux_encoder/layout.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "crypto/aes_cbc.h"

namespace kintsugi::families {
namespace {

// §4.2: musl's rand() is the LCG state = state * kMul + 1 (mod 2^64),
// returning state >> 33.
constexpr std::uint64_t kMul = 6364136223846793005ULL;
// rand() calls per file: 16 key characters, then 16 IV bytes.
constexpr std::uint64_t kCallsPerFile = 32;
constexpr std::uint64_t kKeyCalls = 16;
// A regular file's st_mode type bits (S_IFREG) and the permission bits.
constexpr std::uint32_t kRegularFile = 0100000;
constexpr std::uint32_t kPermissionBits = 07777;

// x -> mul * x + add (mod 2^64): n steps of the generator at once.
struct Affine {
  std::uint64_t mul = 1;
  std::uint64_t add = 0;
  std::uint64_t operator()(std::uint64_t x) const { return mul * x + add; }
};

// `first`, then `second`.
constexpr Affine Then(Affine first, Affine second) {
  return Affine{second.mul * first.mul, second.mul * first.add + second.add};
}

// The generator's state after `n` more calls, as one affine map.
constexpr Affine Steps(std::uint64_t n) {
  Affine result;
  Affine step{kMul, 1};
  while (n != 0) {
    if ((n & 1) != 0) result = Then(result, step);
    step = Then(step, step);
    n >>= 1;
  }
  return result;
}

constexpr Affine kOne = Steps(1);
// From srand's state to the state whose output is file 0's IV byte 0.
constexpr Affine kToFirstIv = Steps(kKeyCalls + 1);
constexpr Affine kNextFile = Steps(kCallsPerFile);

// musl's srand(s): state = s - 1, the subtraction in 32 bits (prng.h).
constexpr std::uint64_t SeedState(std::uint32_t seed) {
  return static_cast<std::uint32_t>(seed - 1U);
}

// The IV byte a state gives: rand() & 0xff.
constexpr std::uint8_t IvByte(std::uint64_t state) {
  return static_cast<std::uint8_t>(state >> 33);
}

// Whether the 14 IV bytes after the one `state` gave match `iv`[1..14].
bool RestMatches(std::uint64_t state, const LinuxEncoderIv& iv) {
  for (std::size_t i = 1; i < kLinuxEncoderIvCompared; ++i) {
    state = kOne(state);
    if (IvByte(state) != iv[i]) return false;
  }
  return true;
}

// §3.4 "Layout": the header skipped, AES-128-CBC without padding, the
// output cut to the original size.
class LinuxEncoderStream final : public recover::StreamDecryption {
 public:
  LinuxEncoderStream(SecretBytes key, ByteView iv, std::uint64_t header_bytes,
                     std::uint64_t file_size,
                     std::optional<std::uint64_t> original_size)
      : key_(std::move(key)),
        previous_(iv.ToBytes()),
        header_bytes_(header_bytes),
        file_size_(file_size),
        original_size_(original_size) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    const std::uint64_t start = position_;
    position_ += in.size();
    if (position_ <= header_bytes_) return std::size_t{0};
    const std::size_t skip = static_cast<std::size_t>(
        start >= header_bytes_ ? 0 : header_bytes_ - start);
    const ByteView cipher = *in.From(skip);
    pending_.insert(pending_.end(), cipher.begin(), cipher.end());
    const std::size_t whole =
        pending_.size() - pending_.size() % kLinuxEncoderBlock;
    if (whole == 0) return std::size_t{0};
    const ByteView blocks = ByteView(pending_).First(whole);
    KINTSUGI_ASSIGN_OR_RETURN(
        Bytes plain,
        crypto::AesCbcDecryptBlocks(key_.view(), ByteView(previous_), blocks));
    previous_ = blocks.Last(kLinuxEncoderBlock).ToBytes();
    pending_.erase(pending_.begin(),
                   pending_.begin() + static_cast<std::ptrdiff_t>(whole));
    std::size_t keep = plain.size();
    if (original_size_) {
      // The stale bytes after the original's end are dropped.
      const std::uint64_t left =
          *original_size_ > written_ ? *original_size_ - written_ : 0;
      keep = static_cast<std::size_t>(std::min<std::uint64_t>(keep, left));
    }
    if (out.size() < keep) return InternalError("output too small");
    std::copy_n(plain.begin(), keep, out.begin());
    std::fill(plain.begin(), plain.end(), std::uint8_t{0});
    written_ += keep;
    return keep;
  }

  // The header was read to find the key: a file that ends elsewhere
  // changed under us (or, not truncated, is not whole blocks).
  Result<std::size_t> Finish(std::span<std::uint8_t>) override {
    if (position_ != file_size_) {
      return CorruptError("the file is not the size it was when probed");
    }
    if (original_size_ && (!pending_.empty() || written_ != *original_size_)) {
      return CorruptError(
          "the ciphertext does not end with a whole block where the header "
          "says");
    }
    return std::size_t{0};
  }

  std::uint64_t MinOutputBytes() const override {
    return original_size_.value_or(0);
  }
  bool Complete() const override { return original_size_.has_value(); }

 private:
  SecretBytes key_;
  Bytes previous_;  // The IV of the next block: the last ciphertext block.
  Bytes pending_;   // Less than a block, between calls.
  std::uint64_t header_bytes_;
  std::uint64_t file_size_;
  std::optional<std::uint64_t> original_size_;  // Unset: truncated.
  std::uint64_t position_ = 0;                  // Bytes of the file seen.
  std::uint64_t written_ = 0;                   // Plaintext bytes released.
};

}  // namespace

std::optional<std::uint64_t> LinuxEncoderHeader::OriginalSize() const {
  if (!whole_blocks()) return std::nullopt;
  if (cipher_bytes == 0) {
    // An empty original: no block, and a nibble of 0.
    if ((iv[kLinuxEncoderBlock - 1] & 0x0fu) != 0) return std::nullopt;
    return 0;
  }
  return cipher_bytes - kLinuxEncoderBlock + last_block_bytes();
}

std::optional<LinuxEncoderHeader> ParseLinuxEncoderHeader(
    ByteView head, std::uint64_t file_size) {
  auto mode = head.U32Le(0);
  auto blob = head.U32Le(4);
  if (!mode || !blob) return std::nullopt;
  const std::uint32_t type = *mode & ~kPermissionBits;
  if (type != kRegularFile && type != 0) return std::nullopt;
  if (*blob == 0 || *blob > kLinuxEncoderMaxBlobBytes) return std::nullopt;
  LinuxEncoderHeader header;
  header.mode = *mode;
  header.blob_bytes = *blob;
  header.header_bytes = 8 + std::uint64_t{*blob} + kLinuxEncoderBlock;
  if (file_size < header.header_bytes || file_size < head.size()) {
    return std::nullopt;
  }
  auto iv = head.Sub(8 + *blob, kLinuxEncoderBlock);
  if (!iv) return std::nullopt;
  std::copy(iv->begin(), iv->end(), header.iv.begin());
  header.cipher_bytes = file_size - header.header_bytes;
  return header;
}

LinuxEncoderKey LinuxEncoderKeyAt(std::uint32_t seed, std::uint64_t index) {
  std::uint64_t state = Steps(kCallsPerFile * index)(SeedState(seed));
  LinuxEncoderKey out;
  out.key = SecretBytes(kKeyCalls);
  for (std::uint8_t& c : out.key.mutable_span()) {
    state = kOne(state);
    const auto r = static_cast<std::uint32_t>(state >> 33);
    c = static_cast<std::uint8_t>(
        kLinuxEncoderCharset[r % kLinuxEncoderCharset.size()]);
  }
  for (std::uint8_t& b : out.iv) {
    state = kOne(state);
    b = IvByte(state);
  }
  return out;
}

std::optional<std::uint32_t> FindLinuxEncoderIv(std::uint32_t seed,
                                                std::uint32_t keys,
                                                const LinuxEncoderIv& iv) {
  std::uint64_t state = kToFirstIv(SeedState(seed));
  for (std::uint32_t i = 0; i < keys; ++i) {
    if (IvByte(state) == iv[0] && RestMatches(state, iv)) return i;
    state = kNextFile(state);
  }
  return std::nullopt;
}

void ScanLinuxEncoderSeeds(std::uint64_t first, std::uint32_t count,
                           std::uint32_t keys, const LinuxEncoderIv& iv,
                           std::vector<std::uint64_t>& hits) {
  constexpr std::uint32_t kLanes = 4;
  for (std::uint32_t at = 0; at < count; at += kLanes) {
    const std::uint32_t lanes = std::min(kLanes, count - at);
    std::uint64_t state[kLanes];
    bool hit[kLanes] = {};
    for (std::uint32_t k = 0; k < kLanes; ++k) {
      // Idle lanes repeat the last seed; their hits are not reported.
      const auto seed =
          static_cast<std::uint32_t>(first + at + std::min(k, lanes - 1));
      state[k] = kToFirstIv(SeedState(seed));
    }
    for (std::uint32_t i = 0; i < keys; ++i) {
      for (std::uint32_t k = 0; k < kLanes; ++k) {
        if (IvByte(state[k]) == iv[0] && RestMatches(state[k], iv)) {
          hit[k] = true;
        }
        state[k] = kNextFile(state[k]);
      }
    }
    for (std::uint32_t k = 0; k < lanes; ++k) {
      if (hit[k]) hits.push_back(first + at + k);
    }
  }
}

std::vector<std::uint64_t> LinuxEncoderIvPrefixes(std::uint32_t seed,
                                                  std::uint32_t keys) {
  std::vector<std::uint64_t> prefixes(keys);
  std::uint64_t state = kToFirstIv(SeedState(seed));
  for (std::uint64_t& prefix : prefixes) {
    std::uint64_t at = state;
    prefix = IvByte(at);
    for (int i = 1; i < 8; ++i) {
      at = kOne(at);
      prefix = (prefix << 8) | IvByte(at);
    }
    state = kNextFile(state);
  }
  return prefixes;
}

std::uint64_t LinuxEncoderIvPrefix(const LinuxEncoderIv& iv) {
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) prefix = (prefix << 8) | iv[i];
  return prefix;
}

std::uint64_t PackLinuxEncoderRegion(std::uint64_t header_bytes,
                                     std::uint64_t last_block_bytes) {
  return (header_bytes & 0xffffffffULL) | ((last_block_bytes & 0xffULL) << 32);
}

Result<std::unique_ptr<recover::StreamDecryption>> StartLinuxEncoderDecryption(
    const recover::Key& key, std::uint64_t file_size) {
  if (key.key.size() != kLinuxEncoderBlock ||
      key.iv.size() != kLinuxEncoderBlock) {
    return InvalidArgumentError("a Linux.Encoder key and IV are 16 bytes");
  }
  const std::uint64_t header_bytes = key.region & 0xffffffffULL;
  const std::uint64_t last = (key.region >> 32) & 0xffULL;
  if (header_bytes > file_size || last > kLinuxEncoderBlock) {
    return InvalidArgumentError("the key's layout does not fit the file");
  }
  std::optional<std::uint64_t> original;
  if (!key.truncated) {
    const std::uint64_t cipher = file_size - header_bytes;
    if (cipher % kLinuxEncoderBlock != 0 || last == 0 ||
        (cipher == 0 && last != kLinuxEncoderBlock)) {
      return InvalidArgumentError("the key's layout does not fit the file");
    }
    original = cipher == 0 ? 0 : cipher - kLinuxEncoderBlock + last;
  }
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<LinuxEncoderStream>(key.key, key.iv.view(), header_bytes,
                                           file_size, original));
}

Result<Bytes> LinuxEncoderDecrypt(ByteView key, ByteView iv,
                                  ByteView ciphertext,
                                  std::uint64_t original_size) {
  KINTSUGI_ASSIGN_OR_RETURN(Bytes plain,
                            crypto::AesCbcDecryptBlocks(key, iv, ciphertext));
  if (original_size < plain.size()) {
    plain.resize(static_cast<std::size_t>(original_size));
  }
  return plain;
}

}  // namespace kintsugi::families
