#pragma once

// PBKDF2-HMAC-SHA1 (RFC 8018 §5.2) built for seed searches (issue 10):
// Hidden Tear derives every candidate's AES key with 1000 iterations
// (recovery-schemes.md §3.3), so a search is as fast as this loop.
//
// The fast path precomputes the HMAC inner and outer states once per
// password, so each iteration is exactly two SHA-1 compressions of one
// fixed-layout block; the compression runs on the CPU's SHA extensions
// (SHA-NI) where present, chosen at run time, else on a portable
// implementation; several candidates are interleaved per call so that the
// core overlaps their independent compressions. OpenSSL's
// PKCS5_PBKDF2_HMAC stays the reference: tests compare every engine with it
// on random inputs and with RFC 6070's vectors.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "kintsugi/bytes.h"

namespace kintsugi::crypto {

inline constexpr std::size_t kSha1DigestBytes = 20;

enum class Sha1Engine : std::uint8_t {
  kPortable,  // Plain C++ on 32-bit words; every x86-64 (and elsewhere).
  kShaNi,     // The SHA extensions (sha1rnds4 ...), where the CPU has them.
  kAvx512,    // 16 candidates in the lanes of AVX-512 registers.
  kAvx2,      // 8 candidates in the lanes of AVX2 registers.
};

// The fastest engine this CPU runs (AVX-512, else AVX2, else SHA-NI, else
// portable: the order bench/crypto/pbkdf2_bench measures).
Sha1Engine BestSha1Engine();
// Whether this CPU runs `engine`.
bool Sha1EngineAvailable(Sha1Engine engine);
// "portable", "sha-ni", "avx512", "avx2".
std::string_view Sha1EngineName(Sha1Engine engine);

// PBKDF2-HMAC-SHA1 of one password into `out` (any length; iterations
// >= 1), on BestSha1Engine().
void Pbkdf2HmacSha1(ByteView password, ByteView salt, std::uint32_t iterations,
                    std::span<std::uint8_t> out);

// The same for many passwords with one salt, iteration count and output
// length: out[i * out_len, (i + 1) * out_len) for passwords[i].
// `out.size()` must be passwords.size() * out_len. This is the search's
// inner loop: candidates are interleaved, `engine` (which must be
// available) does the compressions.
void Pbkdf2HmacSha1Batch(Sha1Engine engine, std::span<const ByteView> passwords,
                         ByteView salt, std::uint32_t iterations,
                         std::size_t out_len, std::span<std::uint8_t> out);

}  // namespace kintsugi::crypto
