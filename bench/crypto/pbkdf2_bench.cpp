// PBKDF2-HMAC-SHA1 speed (issue 10): derivations of one 20-byte block with
// 1000 iterations per second -- the unit of a Hidden Tear seed search and
// of hashcat's -m 12000 benchmark -- for OpenSSL (the reference) and each
// SHA-1 engine, on one thread and on every core, measured on the wall clock
// over a fixed time. bench/crypto/compare_hashcat.sh runs it and hashcat on
// the same machine and prints the ratio.
//
// Usage: pbkdf2_bench [SECONDS]   (default 5 per line)
// Prints lines "NAME THREADS RATE" (derivations per second, all threads).

#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/pbkdf2_sha1.h"
#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

constexpr std::uint32_t kIterations = 1000;
constexpr std::size_t kBatch = 64;

// Runs `work` (one call derives `per_call` blocks) on `threads` threads for
// `seconds`, and returns derivations per second.
double Rate(unsigned threads, double seconds, std::size_t per_call,
            const std::function<void(unsigned)>& work) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> done{0};
  std::vector<std::thread> pool;
  const auto start = std::chrono::steady_clock::now();
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::uint64_t mine = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        work(t);
        mine += per_call;
      }
      done += mine;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& thread : pool) thread.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return static_cast<double>(done.load()) / elapsed;
}

int Main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const Bytes salt = {1, 2, 3, 4, 5, 6, 7, 8};
  // 32-byte passwords, as Hidden Tear's SHA-256 of the candidate.
  std::vector<std::vector<Bytes>> passwords(cores);
  std::vector<std::vector<ByteView>> views(cores);
  std::vector<Bytes> outs(cores, Bytes(kBatch * kSha1DigestBytes));
  for (unsigned t = 0; t < cores; ++t) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      Bytes p(32);
      for (std::size_t j = 0; j < p.size(); ++j) {
        p[j] = static_cast<std::uint8_t>(i * 31 + j + t);
      }
      passwords[t].push_back(p);
    }
    views[t].assign(passwords[t].begin(), passwords[t].end());
  }
  for (unsigned threads : {1U, cores}) {
    const double openssl = Rate(threads, seconds, 1, [&](unsigned t) {
      std::uint8_t out[kSha1DigestBytes];
      PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(passwords[t][0].data()),
                        32, salt.data(), 8, kIterations, EVP_sha1(), 20, out);
    });
    std::printf("openssl %u %.0f\n", threads, openssl);
    for (Sha1Engine engine : {Sha1Engine::kPortable, Sha1Engine::kShaNi,
                              Sha1Engine::kAvx512, Sha1Engine::kAvx2}) {
      if (!Sha1EngineAvailable(engine)) continue;
      const double rate = Rate(threads, seconds, kBatch, [&](unsigned t) {
        Pbkdf2HmacSha1Batch(engine, views[t], salt, kIterations,
                            kSha1DigestBytes, outs[t]);
      });
      std::printf("%s %u %.0f\n", std::string(Sha1EngineName(engine)).c_str(),
                  threads, rate);
    }
    if (cores == 1) break;
  }
  return 0;
}

}  // namespace
}  // namespace kintsugi::crypto

int main(int argc, char** argv) { return kintsugi::crypto::Main(argc, argv); }
