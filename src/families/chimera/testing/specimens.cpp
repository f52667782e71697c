#include "families/chimera/testing/specimens.h"

#include <openssl/bn.h>

#include <memory>
#include <optional>
#include <utility>

#include "crypto/rsa_key_blob.h"
#include "families/chimera/layout.h"
#include "families/testing/specimens.h"

namespace kintsugi::families_testing {
namespace {

// SplitMix64: a small deterministic generator for test bytes.
std::uint64_t Next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void Fill(std::span<std::uint8_t> out, std::uint64_t& state) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::uint8_t>(Next(state) >> 56);
  }
}

}  // namespace

Result<std::vector<crypto::RsaPrivateKey>> MakeChimeraKeys(std::size_t count) {
  std::vector<crypto::RsaPrivateKey> keys;
  keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    KINTSUGI_ASSIGN_OR_RETURN(crypto::RsaPrivateKey key,
                              crypto::RsaPrivateKey::Generate(2048));
    keys.push_back(std::move(key));
  }
  return keys;
}

namespace {

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

SecretBytes BytesOf(const BIGNUM* bn) {
  SecretBytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.mutable_span().data());
  return out;
}

// The key of primes `p` and `q` with e = 65537, or nothing when e has no
// inverse mod (p-1)(q-1) or the modulus is not 2,048 bits.
std::optional<crypto::RsaPrivateKey> KeyOf(const BIGNUM* p, const BIGNUM* q,
                                           BN_CTX* ctx) {
  Bn e(BN_new()), n(BN_new()), p1(BN_new()), q1(BN_new()), phi(BN_new()),
      d(BN_new()), dp(BN_new()), dq(BN_new()), qinv(BN_new());
  if (!e || !n || !p1 || !q1 || !phi || !d || !dp || !dq || !qinv ||
      BN_set_word(e.get(), 65537) != 1 || BN_mul(n.get(), p, q, ctx) != 1 ||
      BN_num_bits(n.get()) != 2048 ||
      BN_sub(p1.get(), p, BN_value_one()) != 1 ||
      BN_sub(q1.get(), q, BN_value_one()) != 1 ||
      BN_mul(phi.get(), p1.get(), q1.get(), ctx) != 1 ||
      BN_mod_inverse(d.get(), e.get(), phi.get(), ctx) == nullptr ||
      BN_mod(dp.get(), d.get(), p1.get(), ctx) != 1 ||
      BN_mod(dq.get(), d.get(), q1.get(), ctx) != 1 ||
      BN_mod_inverse(qinv.get(), q, p, ctx) == nullptr) {
    return std::nullopt;
  }
  crypto::RsaParts parts{BytesOf(n.get()),  BytesOf(e.get()),
                         BytesOf(d.get()),  BytesOf(p),
                         BytesOf(q),        BytesOf(dp.get()),
                         BytesOf(dq.get()), BytesOf(qinv.get())};
  auto key = crypto::RsaPrivateKey::FromParts(parts);
  if (!key) return std::nullopt;
  return std::move(*key);
}

}  // namespace

Result<std::vector<crypto::RsaPrivateKey>> MakeChimeraDecoyKeys(
    std::size_t count) {
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(),
                                                      &BN_CTX_free);
  if (!ctx) return InternalError("out of memory");
  std::vector<Bn> primes;
  std::vector<crypto::RsaPrivateKey> keys;
  while (keys.size() < count) {
    Bn prime(BN_new());
    // OpenSSL sets a prime's top two bits: two of them make 2,048 bits.
    if (!prime || BN_generate_prime_ex(prime.get(), 1024, 0, nullptr, nullptr,
                                       nullptr) != 1) {
      return InternalError("prime generation failed");
    }
    for (const Bn& other : primes) {
      if (keys.size() == count) break;
      if (auto key = KeyOf(prime.get(), other.get(), ctx.get())) {
        keys.push_back(std::move(*key));
      }
    }
    primes.push_back(std::move(prime));
  }
  return keys;
}

Result<std::string> ChimeraLeakText(
    std::span<const crypto::RsaPrivateKey> keys) {
  std::string text;
  for (const crypto::RsaPrivateKey& key : keys) {
    KINTSUGI_ASSIGN_OR_RETURN(const SecretBytes blob,
                              crypto::MakeRsaKeyBlob(key));
    text += ToHex(blob.view()) + "\n";
  }
  return text;
}

SecretBytes MakeChimeraFileKey(std::uint64_t seed) {
  SecretBytes key(families::kChimeraFileKeyBytes);
  std::uint64_t state = seed ^ 0x4348'494d'4552'41ULL;
  Fill(key.mutable_span(), state);
  return key;
}

Result<Bytes> ChimeraEncrypt(std::uint64_t original_size,
                             const crypto::RsaPrivateKey& victim,
                             std::uint64_t seed) {
  const std::uint64_t blocks =
      (original_size + families::kChimeraBlockBytes - 1) /
      families::kChimeraBlockBytes;
  const std::uint64_t ciphertext = blocks * families::kChimeraBlockBytes;
  if (ciphertext > (std::uint64_t{1} << 30)) {
    return InvalidArgumentError("a Chimera specimen is at most 1 GiB");
  }
  Bytes out(static_cast<std::size_t>(ciphertext) +
            families::kChimeraFieldBytes);
  std::uint64_t state = seed;
  Fill(out, state);  // Placeholder ciphertext, then the 16-byte field.
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<std::uint8_t>(original_size >> (8 * i)));
  }
  KINTSUGI_ASSIGN_OR_RETURN(
      const Bytes wrapped,
      victim.Pkcs1v15Encrypt(MakeChimeraFileKey(seed).view()));
  out.insert(out.end(), wrapped.begin(), wrapped.end());
  return out;
}

Status WriteChimeraSpecimen(FileSystem& fs, const Path& dir,
                            std::string_view name, std::uint64_t original_size,
                            const crypto::RsaPrivateKey& victim,
                            std::uint64_t seed) {
  KINTSUGI_ASSIGN_OR_RETURN(const Bytes contents,
                            ChimeraEncrypt(original_size, victim, seed));
  const std::string parameters =
      "family=chimera\nsynthetic=cipher unknown: placeholder ciphertext\n"
      "key_fingerprint=" +
      crypto::RsaModulusFingerprint(victim) +
      "\noriginal_size=" + std::to_string(original_size) + "\n";
  return WriteSpecimen(fs, dir, name, contents, parameters);
}

}  // namespace kintsugi::families_testing
