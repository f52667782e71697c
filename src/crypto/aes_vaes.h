#pragma once

// AES-CBC decryption with VAES over 512-bit registers (AVX-512F + VAES:
// AMD Zen 4 and later, Intel Ice Lake and later), for the bulk of a
// hard-coded-key or recovered-key file (recovery-schemes.md §3.1 Jigsaw).
//
// Why by hand: OpenSSL 3.0, the packaged one, decrypts CBC with 128-bit
// AES-NI only (eight blocks in flight). CBC decryption is parallel, and VAES
// decrypts four blocks per instruction, so this kernel moves the AES share
// of a recovery from about 40% of its time to about 10% (docs/
// benchmarks-recover.md). It is used only where the CPU has the
// instructions; everywhere else AesCbcDecryptor stays on OpenSSL, and the
// tests compare both on random keys, IVs, lengths and splits.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace kintsugi::crypto::internal {

// The round keys of the equivalent inverse cipher (FIPS-197 §5.3.5), in
// the order the decryption uses them (round 0 first), each 16 bytes.
struct AesDecryptionKeys {
  std::array<std::array<std::uint8_t, 16>, 15> round;
  int rounds = 0;  // 10, 12 or 14.
};

// True when the CPU and the OS support AVX-512F and VAES (and AES-NI).
bool VaesAvailable();

// Expands a 16-, 24- or 32-byte key; false for another size. Needs AES-NI
// (implied by VaesAvailable()).
bool ExpandDecryptionKeys(std::span<const std::uint8_t> key,
                          AesDecryptionKeys& keys);

// Decrypts `in` (a multiple of 16 bytes) into `out` (at least as large; it
// may be the same memory as `in`, not otherwise overlapping). `iv` is the
// previous ciphertext block on entry and the last ciphertext block of `in`
// on return, so consecutive calls continue one CBC stream. Needs
// VaesAvailable().
void CbcDecryptVaes(const AesDecryptionKeys& keys,
                    std::array<std::uint8_t, 16>& iv,
                    std::span<const std::uint8_t> in,
                    std::span<std::uint8_t> out);

}  // namespace kintsugi::crypto::internal
