#include "families/rhysida/model.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "prng/prng.h"

namespace kintsugi::families::rhysida {
namespace {

constexpr std::uint64_t kNoEnd = std::numeric_limits<std::uint64_t>::max();

// A size as the options write it: digits, then k/K (KiB) or m/M (MiB).
std::optional<std::uint64_t> ParseSize(std::string_view text) {
  std::uint64_t unit = 1;
  if (!text.empty() && (text.back() == 'k' || text.back() == 'K')) {
    unit = 1024;
    text.remove_suffix(1);
  } else if (!text.empty() && (text.back() == 'm' || text.back() == 'M')) {
    unit = 1024 * 1024;
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value * unit;
}

}  // namespace

std::string_view FeedName(Feed feed) {
  switch (feed) {
    case Feed::kByte:
      return "byte";
    case Feed::kLe16:
      return "le16";
    case Feed::kBe16:
      return "be16";
    case Feed::kLe32:
      return "le32";
  }
  return "byte";
}

std::optional<Feed> FeedFromName(std::string_view name) {
  for (Feed feed : kAllFeeds) {
    if (FeedName(feed) == name) return feed;
  }
  return std::nullopt;
}

unsigned FeedCalls(Feed feed) {
  switch (feed) {
    case Feed::kByte:
      return 40;
    case Feed::kLe16:
    case Feed::kBe16:
      return 20;
    case Feed::kLe32:
      return 10;
  }
  return 40;
}

std::string_view CounterName(Counter counter) {
  return counter == Counter::kBigEndian ? "be" : "le";
}

std::optional<Counter> CounterFromName(std::string_view name) {
  for (Counter counter : kAllCounters) {
    if (CounterName(counter) == name) return counter;
  }
  return std::nullopt;
}

std::string Draw::Name() const {
  return std::to_string(key_bytes) + "+" + std::to_string(iv_bytes);
}

Result<Draw> ParseDraw(std::string_view text) {
  const auto bad = [&] {
    return InvalidArgumentError(
        "--rhysida-draw wants KEY+IV in bytes, KEY 16, 24 or 32 and IV 1 to "
        "16 (e.g. 32+16), got '" +
        std::string(text.substr(0, 40)) + "'");
  };
  const std::size_t plus = text.find('+');
  if (plus == std::string_view::npos) return bad();
  const auto key = ParseSize(text.substr(0, plus));
  const auto iv = ParseSize(text.substr(plus + 1));
  if (!key || !iv || (*key != 16 && *key != 24 && *key != 32) || *iv < 1 ||
      *iv > kAesBlock) {
    return bad();
  }
  return Draw{static_cast<std::size_t>(*key), static_cast<std::size_t>(*iv)};
}

std::string ChunkRule::Name() const {
  if (whole()) return "whole";
  if (step == 0) return "head:" + std::to_string(size);
  return "stripes:" + std::to_string(size) + ":" + std::to_string(step);
}

std::uint64_t ChunkRule::EncryptedBefore(std::uint64_t at) const {
  if (whole()) return at;
  if (step == 0) return std::min(at, size);
  return (at / step) * size + std::min(at % step, size);
}

bool ChunkRule::Encrypted(std::uint64_t at, std::uint64_t* run_end) const {
  if (whole()) {
    *run_end = kNoEnd;
    return true;
  }
  if (step == 0) {
    *run_end = at < size ? size : kNoEnd;
    return at < size;
  }
  const std::uint64_t start = at - at % step;
  const bool encrypted = at % step < size;
  const std::uint64_t end = encrypted ? start + size : start + step;
  *run_end = end < start ? kNoEnd : end;  // Past 2^64: to the end.
  return encrypted;
}

Result<ChunkRule> ParseChunkRule(std::string_view text) {
  const auto bad = [&] {
    return InvalidArgumentError(
        "--rhysida-chunks wants whole, head:SIZE or stripes:SIZE:STEP (SIZE "
        "a multiple of 16 under STEP, with k or m for KiB or MiB), got '" +
        std::string(text.substr(0, 40)) + "'");
  };
  if (text == "whole") return ChunkRule{};
  ChunkRule rule;
  if (text.starts_with("head:")) {
    const auto size = ParseSize(text.substr(5));
    if (!size) return bad();
    rule.size = *size;
  } else if (text.starts_with("stripes:")) {
    const std::string_view rest = text.substr(8);
    const std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return bad();
    const auto size = ParseSize(rest.substr(0, colon));
    const auto step = ParseSize(rest.substr(colon + 1));
    if (!size || !step || *step <= *size) return bad();
    rule.size = *size;
    rule.step = *step;
  } else {
    return bad();
  }
  if (rule.size == 0 || rule.size % kAesBlock != 0) return bad();
  return rule;
}

SeedGenerators::SeedGenerators(std::uint32_t seed, Feed feed,
                               unsigned workers) {
  prng::MsvcRand random(seed);
  generators_.resize(workers);
  std::array<std::uint8_t, crypto::ChaCha20Prng::kEntropyBytes> entropy{};
  for (unsigned c = 0; c <= workers; ++c) {
    std::size_t at = 0;
    for (unsigned call = 0; call < FeedCalls(feed); ++call) {
      const auto r = static_cast<std::uint32_t>(random.Next());
      const auto low = static_cast<std::uint8_t>(r & 0xffU);
      const auto high = static_cast<std::uint8_t>((r >> 8) & 0xffU);
      switch (feed) {
        case Feed::kByte:
          entropy[at++] = low;
          break;
        case Feed::kLe16:
          entropy[at++] = low;
          entropy[at++] = high;
          break;
        case Feed::kBe16:
          entropy[at++] = high;
          entropy[at++] = low;
          break;
        case Feed::kLe32:
          entropy[at++] = low;
          entropy[at++] = high;
          entropy[at++] = 0;  // rand() <= 0x7fff.
          entropy[at++] = 0;
          break;
      }
    }
    // Generator 0 is fed (its rand() values are spent) and never used.
    if (c == 0) continue;
    crypto::ChaCha20Prng& generator = generators_[c - 1];
    generator.AddEntropy(ByteView(entropy.data(), entropy.size()));
    generator.Ready();
  }
  sodium_memzero(entropy.data(), entropy.size());
}

FileKey KeyAt(const crypto::ChaCha20Prng& generator, const Draw& draw,
              std::uint64_t index) {
  FileKey key;
  key.key_bytes = draw.key_bytes;
  std::array<std::uint8_t, 32 + kAesBlock> drawn{};
  const std::span<std::uint8_t> bytes = std::span(drawn).first(draw.per_file());
  // Cannot fail: the generators SeedGenerators makes are ready.
  if (!generator.ReadAt(index * draw.per_file(), bytes).ok()) return key;
  std::copy_n(bytes.begin(), draw.key_bytes, key.key.begin());
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(draw.key_bytes),
              draw.iv_bytes, key.iv.begin());
  sodium_memzero(drawn.data(), drawn.size());
  return key;
}

std::array<std::uint8_t, kAesBlock> CounterBlock(
    const std::array<std::uint8_t, kAesBlock>& iv, Counter counter,
    std::uint64_t n) {
  std::array<std::uint8_t, kAesBlock> block = iv;
  unsigned carry = 0;
  for (std::size_t i = 0; i < kAesBlock; ++i) {
    const std::size_t at =
        counter == Counter::kBigEndian ? kAesBlock - 1 - i : i;
    const unsigned add =
        i < 8 ? static_cast<unsigned>((n >> (8 * i)) & 0xffU) : 0U;
    const unsigned sum = block[at] + add + carry;
    block[at] = static_cast<std::uint8_t>(sum & 0xffU);
    carry = sum >> 8;
  }
  return block;
}

Result<CtrKeystream> CtrKeystream::Create(const FileKey& key, Counter counter) {
  KINTSUGI_ASSIGN_OR_RETURN(
      crypto::AesEcb cipher,
      crypto::AesEcb::Create(key.key_bytes, /*encrypt=*/true));
  KINTSUGI_RETURN_IF_ERROR(cipher.SetKey(key.key_view()));
  return CtrKeystream(std::move(cipher), key, counter);
}

Status CtrKeystream::Apply(std::uint64_t offset, std::span<std::uint8_t> data) {
  // Up to 64 counter blocks a batch through one ECB call.
  constexpr std::size_t kBatch = 64;
  std::array<std::uint8_t, kBatch * kAesBlock> pad{};
  std::size_t done = 0;
  while (done < data.size()) {
    const std::uint64_t at = offset + done;
    const std::uint64_t first_block = at / kAesBlock;
    const auto skip = static_cast<std::size_t>(at % kAesBlock);
    const std::size_t want = std::min(data.size() - done, pad.size() - skip);
    const std::size_t blocks = (skip + want + kAesBlock - 1) / kAesBlock;
    for (std::size_t b = 0; b < blocks; ++b) {
      const auto counter = CounterBlock(iv_, counter_, first_block + b);
      std::copy(counter.begin(), counter.end(),
                pad.begin() + static_cast<std::ptrdiff_t>(b * kAesBlock));
    }
    const std::span<std::uint8_t> used =
        std::span(pad).first(blocks * kAesBlock);
    KINTSUGI_RETURN_IF_ERROR(
        cipher_.Apply(ByteView(used.data(), used.size()), used));
    for (std::size_t i = 0; i < want; ++i) data[done + i] ^= pad[skip + i];
    done += want;
  }
  sodium_memzero(pad.data(), pad.size());
  return Status::Ok();
}

Status TransformOriginal(CtrKeystream& stream, const ChunkRule& rule,
                         std::uint64_t offset, std::span<std::uint8_t> data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const std::uint64_t at = offset + done;
    std::uint64_t run_end = 0;
    const bool encrypted = rule.Encrypted(at, &run_end);
    const std::size_t take = static_cast<std::size_t>(
        std::min<std::uint64_t>(data.size() - done, run_end - at));
    if (encrypted) {
      KINTSUGI_RETURN_IF_ERROR(
          stream.Apply(rule.EncryptedBefore(at), data.subspan(done, take)));
    }
    done += take;
  }
  return Status::Ok();
}

std::string Reading::Name() const {
  return "feed " + std::string(FeedName(feed)) + ", draw " + draw.Name() +
         ", counter " + std::string(CounterName(counter)) + ", chunks " +
         chunks.Name() + ", trailer " + std::to_string(trailer);
}

namespace {

class Decryption final : public recover::StreamDecryption {
 public:
  Decryption(CtrKeystream stream, const ChunkRule& rule,
             std::uint64_t original_size)
      : stream_(std::move(stream)),
        rule_(rule),
        original_size_(original_size) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    // Bytes past the original are the trailer: dropped.
    const std::size_t keep = static_cast<std::size_t>(std::min<std::uint64_t>(
        in.size(), original_size_ > at_ ? original_size_ - at_ : 0));
    std::copy_n(in.begin(), keep, out.begin());
    KINTSUGI_RETURN_IF_ERROR(
        TransformOriginal(stream_, rule_, at_, out.first(keep)));
    at_ += in.size();
    return keep;
  }
  Result<std::size_t> Finish(std::span<std::uint8_t>) override { return 0; }
  std::uint64_t MinOutputBytes() const override { return original_size_; }

 private:
  CtrKeystream stream_;
  ChunkRule rule_;
  std::uint64_t original_size_;
  std::uint64_t at_ = 0;
};

}  // namespace

Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
    const FileKey& key, const Reading& reading, std::uint64_t file_size) {
  if (file_size < reading.trailer) {
    return CorruptError("a Rhysida file is at least its " +
                        std::to_string(reading.trailer) + "-byte trailer");
  }
  KINTSUGI_ASSIGN_OR_RETURN(CtrKeystream stream,
                            CtrKeystream::Create(key, reading.counter));
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<Decryption>(std::move(stream), reading.chunks,
                                   file_size - reading.trailer));
}

}  // namespace kintsugi::families::rhysida
