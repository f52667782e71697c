#include "families/akira/search.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "crypto/chacha8.h"
#include "crypto/kcipher2.h"
#include "crypto/yarrow256.h"

namespace kintsugi::families::akira {
namespace {

constexpr std::uint64_t kMs = 1'000'000;

std::uint64_t LoadBe64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

bool Passes(const std::vector<Target>& targets, std::uint64_t keystream) {
  for (const Target& t : targets) {
    if ((keystream & t.mask) == t.want) return true;
  }
  return false;
}

// Calls f(t, key) for t in [from, to] (both included), a block at a time.
template <typename F>
void ForEachKey(KeyCache& cache, std::uint64_t from, std::uint64_t to, F&& f) {
  std::uint64_t t = from;
  while (t <= to) {
    const std::uint64_t b = t / KeyCache::kKeyBlock;
    const auto block = cache.Block(b);
    const std::uint64_t block_last =
        b * KeyCache::kKeyBlock + (KeyCache::kKeyBlock - 1);
    const std::uint64_t last = std::min(to, block_last);
    for (; t <= last; ++t) {
      if (!f(t, (*block)[t - b * KeyCache::kKeyBlock])) return;
    }
    if (last == to) return;
  }
}

// Calls f(t, key) for t = base + d, d in `band` (the skipped part is not
// walked, so its keys are not derived).
template <typename F>
void ForEachGap(KeyCache& cache, const GapBand& band, std::uint64_t base,
                F&& f) {
  bool go_on = true;
  auto wrapped = [&](std::uint64_t t, const Key16& key) {
    go_on = f(t, key);
    return go_on;
  };
  if (band.skip_low > band.skip_high || band.skip_high < band.low ||
      band.skip_low > band.high) {
    ForEachKey(cache, base + band.low, base + band.high, wrapped);
    return;
  }
  if (band.skip_low > band.low) {
    ForEachKey(cache, base + band.low, base + band.skip_low - 1, wrapped);
  }
  if (go_on && band.skip_high < band.high) {
    ForEachKey(cache, base + band.skip_high + 1, base + band.high, wrapped);
  }
}

}  // namespace

Key16 DeriveKey(std::uint64_t t) {
  char text[24];
  const auto [end, error] = std::to_chars(text, text + sizeof text, t);
  (void)error;  // 20 digits at most: always fits.
  Key16 key;
  crypto::Yarrow256SeededOutput(
      std::string_view(text, static_cast<std::size_t>(end - text)), key);
  return key;
}

Target MakeTarget(const std::uint8_t ciphertext[8], ByteView plaintext,
                  std::string what) {
  Target target;
  target.what = std::move(what);
  std::uint8_t pt[8] = {};
  std::uint8_t mask[8] = {};
  for (std::size_t i = 0; i < 8 && i < plaintext.size(); ++i) {
    pt[i] = plaintext.data()[i];
    mask[i] = 0xff;
  }
  target.mask = LoadBe64(mask);
  target.want = (LoadBe64(ciphertext) ^ LoadBe64(pt)) & target.mask;
  return target;
}

KeyCache::KeyCache(std::size_t max_blocks)
    : max_blocks_(std::max<std::size_t>(max_blocks, 4)) {}

std::shared_ptr<const std::vector<Key16>> KeyCache::Block(std::uint64_t b) {
  {
    std::unique_lock lock(mutex_);
    while (true) {
      auto it = blocks_.find(b);
      if (it == blocks_.end()) break;
      if (it->second.keys) {
        it->second.used = ++clock_;
        return it->second.keys;
      }
      ready_.wait(lock);  // Another worker is deriving it.
    }
    blocks_[b] = Entry{nullptr, ++clock_};
  }
  auto keys = std::make_shared<std::vector<Key16>>(kKeyBlock);
  for (std::uint64_t i = 0; i < kKeyBlock; ++i) {
    (*keys)[i] = DeriveKey(b * kKeyBlock + i);
  }
  derived_ += 1;
  std::lock_guard lock(mutex_);
  blocks_[b] = Entry{keys, ++clock_};
  while (blocks_.size() > max_blocks_) {
    auto oldest = blocks_.end();
    for (auto it = blocks_.begin(); it != blocks_.end(); ++it) {
      if (it->second.keys && it->first != b &&
          (oldest == blocks_.end() || it->second.used < oldest->second.used)) {
        oldest = it;
      }
    }
    if (oldest == blocks_.end()) break;
    blocks_.erase(oldest);
  }
  ready_.notify_all();
  return keys;
}

std::uint64_t GapBand::Width() const {
  std::uint64_t width = high - low + 1;
  if (skip_low <= skip_high) width -= skip_high - skip_low + 1;
  return width;
}

std::vector<GapBand> GapSteps(
    std::optional<std::pair<std::uint64_t, std::uint64_t>> given) {
  if (given) return {GapBand{given->first, given->second, 1, 0}};
  return {
      GapBand{1 * kMs, 18 * kMs / 10, 1, 0},
      GapBand{8 * kMs / 10, 27 * kMs / 10, 1 * kMs, 18 * kMs / 10},
      GapBand{5 * kMs / 10, 4 * kMs, 8 * kMs / 10, 27 * kMs / 10},
  };
}

const gpu::AkiraPairSearch* StageADevice() {
  static const std::unique_ptr<gpu::AkiraPairSearch> device =
      []() -> std::unique_ptr<gpu::AkiraPairSearch> {
    const char* choice = std::getenv("KINTSUGI_OPENCL_DEVICE");
    const std::string_view want = choice ? choice : "gpu";
    if (want == "off" || !gpu::OpenClCompiledIn()) return nullptr;
    auto devices = gpu::OpenClDevices();
    if (!devices || devices->empty()) return nullptr;
    std::optional<gpu::OpenClDevice> chosen =
        gpu::PreferredOpenClDevice(*devices);
    if (!chosen && want == "any") chosen = devices->front();
    if (!chosen) return nullptr;
    auto opened = gpu::AkiraPairSearch::Open(*chosen);
    if (!opened) return nullptr;
    return std::move(*opened);
  }();
  return device.get();
}

bool StageATester::TestOnDevice(std::uint64_t first, std::uint32_t count,
                                std::vector<std::uint64_t>& hits) const {
  // K(t) for every t the pairs read: [first, first + count - 1 + high].
  const std::uint64_t span = std::uint64_t{count} + band_.high;
  if (count == 0 || span > std::uint64_t{UINT32_MAX}) return false;
  std::vector<gpu::AkiraKey> keys(static_cast<std::size_t>(span));
  ForEachKey(cache_, first, first + span - 1,
             [&](std::uint64_t t, const Key16& key) {
               keys[static_cast<std::size_t>(t - first)] = key;
               return true;
             });
  gpu::AkiraPairJob job;
  job.keys = keys;
  job.first = 0;
  job.count = count;
  for (const Target& target : targets_) {
    job.targets.push_back(gpu::AkiraTarget{target.want, target.mask});
  }
  // The band less its skipped middle: one or two intervals of gaps.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> intervals;
  if (band_.skip_low > band_.skip_high || band_.skip_high < band_.low ||
      band_.skip_low > band_.high) {
    intervals.emplace_back(band_.low, band_.high);
  } else {
    if (band_.skip_low > band_.low) {
      intervals.emplace_back(band_.low, band_.skip_low - 1);
    }
    if (band_.skip_high < band_.high) {
      intervals.emplace_back(band_.skip_high + 1, band_.high);
    }
  }
  std::vector<std::uint64_t> found;
  for (const auto& [low, high] : intervals) {
    job.gap_min = static_cast<std::uint32_t>(low);
    job.gap_max = static_cast<std::uint32_t>(high);
    auto pairs = device_->Run(job);
    if (!pairs) return false;
    for (const gpu::PairHit& hit : *pairs) found.push_back(first + hit.index);
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  hits.insert(hits.end(), found.begin(), found.end());
  return true;
}

void StageATester::Test(std::uint64_t first, std::uint32_t count,
                        std::vector<std::uint64_t>& hits) const {
  if (device_ && TestOnDevice(first, count, hits)) return;
  for (std::uint64_t t3 = first; t3 < first + count; ++t3) {
    Key16 key{};
    ForEachKey(cache_, t3, t3, [&](std::uint64_t, const Key16& k) {
      key = k;
      return true;
    });
    const crypto::KCipher2Key expanded = crypto::KCipher2Expand(key.data());
    bool hit = false;
    ForEachGap(cache_, band_, t3, [&](std::uint64_t, const Key16& iv) {
      if (Passes(targets_, crypto::KCipher2First8(expanded, iv.data()))) {
        hit = true;
        return false;
      }
      return true;
    });
    if (hit) hits.push_back(t3);
  }
}

std::optional<std::uint64_t> StageATester::T4For(std::uint64_t t3) const {
  const Key16 key = DeriveKey(t3);
  const crypto::KCipher2Key expanded = crypto::KCipher2Expand(key.data());
  std::optional<std::uint64_t> found;
  ForEachGap(cache_, band_, t3, [&](std::uint64_t t4, const Key16& iv) {
    if (Passes(targets_, crypto::KCipher2First8(expanded, iv.data()))) {
      found = t4;
      return false;
    }
    return true;
  });
  return found;
}

bool StageATester::Confirm(std::uint64_t t3) const {
  return T4For(t3).has_value();
}

std::pair<std::uint64_t, std::uint64_t> StageBTester::Window() const {
  const auto below = [&](std::uint64_t by) { return t3_ > by ? t3_ - by : 0; };
  return {below(2 * band_.high), below(2 * band_.low)};
}

template <typename F>
void StageBTester::ForEachT2(std::uint64_t t1, F&& f) const {
  // T2 in [T1 + low, T1 + high] and T3 - T2 in [low, high].
  if (t3_ < band_.low) return;
  const std::uint64_t from =
      std::max(t1 + band_.low, t3_ > band_.high ? t3_ - band_.high : 0);
  const std::uint64_t to = std::min(t1 + band_.high, t3_ - band_.low);
  if (from > to) return;
  ForEachKey(cache_, from, to, [&](std::uint64_t t2, const Key16& nonce) {
    // Pairs whose two gaps an earlier step searched are skipped.
    if (band_.Skipped(t2 - t1) && band_.Skipped(t3_ - t2)) return true;
    return f(t2, nonce);
  });
}

void StageBTester::Test(std::uint64_t first, std::uint32_t count,
                        std::vector<std::uint64_t>& hits) const {
  for (std::uint64_t t1 = first; t1 < first + count; ++t1) {
    Key16 key{};
    ForEachKey(cache_, t1, t1, [&](std::uint64_t, const Key16& k) {
      key = k;
      return true;
    });
    bool hit = false;
    ForEachT2(t1, [&](std::uint64_t, const Key16& nonce) {
      if (Passes(targets_, crypto::ChaCha8First8(key.data(), nonce.data()))) {
        hit = true;
        return false;
      }
      return true;
    });
    if (hit) hits.push_back(t1);
  }
}

std::optional<std::uint64_t> StageBTester::T2For(std::uint64_t t1) const {
  const Key16 key = DeriveKey(t1);
  std::optional<std::uint64_t> found;
  ForEachT2(t1, [&](std::uint64_t t2, const Key16& nonce) {
    if (Passes(targets_, crypto::ChaCha8First8(key.data(), nonce.data()))) {
      found = t2;
      return false;
    }
    return true;
  });
  return found;
}

bool StageBTester::Confirm(std::uint64_t t1) const {
  return T2For(t1).has_value();
}

}  // namespace kintsugi::families::akira
