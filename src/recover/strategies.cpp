#include "recover/strategies.h"

#include <algorithm>
#include <string>

#include "crypto/aes_cbc.h"

namespace kintsugi::recover {
namespace {

constexpr std::size_t kBlock = crypto::kAesBlockBytes;

}  // namespace

std::optional<CbcKeyMatch> FindCbcKey(
    std::span<const CbcKeyCandidate> candidates, const FileSample& file,
    std::span<const formats::FileKind> expected, std::size_t try_first) {
  if (file.size == 0 || file.size % kBlock != 0) return std::nullopt;
  const bool one_block = file.size == kBlock;
  // The tail must hold the last two blocks (or the only one).
  const std::size_t need = one_block ? kBlock : 2 * kBlock;
  auto tail = file.tail.Tail(need);
  auto first = file.head.Sub(0, kBlock);
  if (!tail || !first) return std::nullopt;
  std::optional<CbcKeyMatch> padding_only;
  if (try_first >= candidates.size()) try_first = 0;
  for (std::size_t n = 0; n < candidates.size(); ++n) {
    // `try_first`, then the others in order.
    const std::size_t i = n == 0 ? try_first : (n <= try_first ? n - 1 : n);
    const CbcKeyCandidate& candidate = candidates[i];
    ByteView prev = candidate.iv.view();
    ByteView last = *tail;
    if (!one_block) {
      prev = tail->First(kBlock);
      last = tail->Last(kBlock);
    }
    auto block = crypto::AesCbcDecryptBlocks(candidate.key.view(), prev, last);
    if (!block) continue;
    const auto pad = crypto::Pkcs7PaddingLength(*block);
    if (!pad) continue;
    CbcKeyMatch match{i, false, *pad};
    if (!expected.empty()) {
      auto head = crypto::AesCbcDecryptBlocks(candidate.key.view(),
                                              candidate.iv.view(), *first);
      if (head) {
        const std::uint64_t original_size = file.size - *pad;
        ByteView plain_first = *head;
        if (one_block) plain_first = plain_first.First(kBlock - *pad);
        for (formats::FileKind kind : expected) {
          if (formats::HeaderPlausible(kind, plain_first, original_size)) {
            match.header_matched = true;
            break;
          }
        }
      }
    }
    if (match.header_matched || expected.empty()) return match;
    if (!padding_only) padding_only = match;
  }
  return padding_only;
}

std::size_t ShortestPeriod(ByteView data) {
  // Prefix function (Knuth-Morris-Pratt): the shortest period is the length
  // minus the longest proper border.
  const std::size_t n = data.size();
  if (n == 0) return 0;
  const auto bytes = data.span();
  std::vector<std::size_t> border(n, 0);
  for (std::size_t i = 1; i < n; ++i) {
    std::size_t k = border[i - 1];
    while (k > 0 && bytes[i] != bytes[k]) k = border[k - 1];
    if (bytes[i] == bytes[k]) ++k;
    border[i] = k;
  }
  return n - border[n - 1];
}

Result<RepeatingXorKey> DeriveRepeatingXorKey(
    ByteView encrypted, ByteView original,
    std::span<const std::uint64_t> regions) {
  if (regions.empty()) return InternalError("no candidate regions");
  if (encrypted.size() != original.size()) {
    return InvalidArgumentError(
        "the encrypted file and the original differ in size (" +
        std::to_string(encrypted.size()) + " vs " +
        std::to_string(original.size()) +
        " bytes); this scheme keeps the size, so they are not a pair");
  }
  const auto enc = encrypted.span();
  const auto orig = original.span();
  std::optional<std::size_t> last_diff;
  for (std::size_t i = encrypted.size(); i > 0; --i) {
    if (enc[i - 1] != orig[i - 1]) {
      last_diff = i - 1;
      break;
    }
  }
  if (!last_diff) {
    return InvalidArgumentError(
        "the encrypted file and the original are identical");
  }
  std::optional<std::uint64_t> region;
  for (std::uint64_t r : regions) {
    if (r > *last_diff) {
      region = r;
      break;
    }
  }
  if (!region) {
    return InvalidArgumentError(
        "the files differ beyond the first " + std::to_string(regions.back()) +
        " bytes: not a pair for this scheme (or not this family)");
  }
  const std::uint64_t smallest = regions.front();
  if (encrypted.size() <= smallest && regions.size() > 1) {
    return InvalidArgumentError(
        "the pair is too short (" + std::to_string(encrypted.size()) +
        " bytes) to tell how much of each file was encrypted; give a pair "
        "of more than " +
        std::to_string(smallest) + " bytes");
  }
  const std::size_t covered = static_cast<std::size_t>(
      std::min<std::uint64_t>(*region, encrypted.size()));
  Bytes keystream(covered);
  for (std::size_t i = 0; i < covered; ++i) {
    keystream[i] = static_cast<std::uint8_t>(enc[i] ^ orig[i]);
  }
  const std::size_t period = ShortestPeriod(keystream);
  if (covered < *region && 2 * period > covered) {
    return InvalidArgumentError(
        "the pair (" + std::to_string(covered) +
        " bytes) is shorter than the encrypted region (" +
        std::to_string(*region) +
        " bytes) and the key does not repeat within it; give a longer pair");
  }
  keystream.resize(period);
  return RepeatingXorKey{SecretBytes(std::move(keystream)), *region};
}

}  // namespace kintsugi::recover
