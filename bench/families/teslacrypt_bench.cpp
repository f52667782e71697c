// TeslaCrypt 3.x/4.x decryption speed on one thread (issue 17: at least
// 0.7x of AES-256-CBC's own speed, `openssl speed -evp aes-256-cbc
// -decrypt`; bench/families/teslacrypt_compare.sh prints the ratio).
//
// BM_TeslaCryptStream/SIZE: the decryptor's stream over a file of SIZE
// bytes held in memory (1 MiB: in cache, as `openssl speed`'s own buffer
// is; 64 MiB: from main memory), fed in the pipeline's chunks
// (limits::kStreamChunkBytes): the
// header skipped, AES-256-CBC without padding, the output cut at the
// original's size and the padding kept for the check at the end.
// BM_AesCbc256Evp: OpenSSL EVP on the same bytes in the same chunks, the
// floor in this process. BM_TeslaCryptFindKey: proving a master key on a
// file's header (two ECDH, two unwraps, validator 1 and 2), once per
// session, for the record.
//
// The file is made here from a locally generated C&C key pair
// (recovery-schemes-2.md §0, §3.1 "Specimen recipe"), never the real one.

#include <benchmark/benchmark.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crypto/aes_cbc.h"
#include "crypto/secp256k1.h"
#include "crypto/x25519.h"
#include "families/teslacrypt/layout.h"
#include "families/teslacrypt/teslacrypt.h"
#include "io/memory_file_system.h"
#include "kintsugi/limits.h"

namespace kintsugi {
namespace {

// The original's size for a file of about `bytes`: 7 bytes over, so the
// padding is checked.
std::size_t OriginalBytes(std::int64_t bytes) {
  return static_cast<std::size_t>(bytes) + 7;
}

SecretBytes Secret(const std::string& label) {
  return crypto::Sha256(
      ByteView::FromString("kintsugi-bench teslacrypt " + label));
}

void Put(Bytes& out, std::size_t offset, ByteView bytes) {
  std::copy(bytes.begin(), bytes.end(),
            out.begin() + static_cast<std::ptrdiff_t>(offset));
}

// AES-256-CBC under IV 0 of 32 bytes, no padding.
Bytes Wrap(const SecretBytes& key, const SecretBytes& secret) {
  const std::array<std::uint8_t, 16> zero{};
  Bytes out = *crypto::AesCbcEncrypt(
      key.view(), ByteView(zero.data(), zero.size()), secret.view());
  out.resize(32);
  return out;
}

// §3.1's chain with the C&C key Secret("c2"), PKCS#7 padding.
struct Specimen {
  SecretBytes c2 = Secret("c2");
  std::size_t original_bytes;
  Bytes file;
  explicit Specimen(std::size_t original) : original_bytes(original) {
    const Bytes c2_public = *crypto::Secp256k1PublicKey(c2);
    const SecretBytes gpriv = Secret("gpriv");
    const SecretBytes r1 = Secret("r1");
    const SecretBytes amaster = Secret("amaster");
    const SecretBytes r2 = Secret("r2");
    const Bytes iv = Secret("iv").view().First(16).ToBytes();
    const SecretBytes g = crypto::Sha256(gpriv.view());
    const Bytes qd = *crypto::Secp256k1PublicKey(g);
    file.assign(families::kTeslaHeaderBytes, 0);
    Put(file, families::kTeslaXpubOffset, *crypto::Secp256k1PublicKey(r1));
    Put(file, families::kTeslaGprivOffset,
        Wrap(crypto::Sha256(crypto::Secp256k1SharedX(r1, c2_public)->view()),
             gpriv));
    Put(file, families::kTeslaVictimPublicOffset, qd);
    Put(file, families::kTeslaYpubOffset, *crypto::Secp256k1PublicKey(r2));
    Put(file, families::kTeslaAmasterOffset,
        Wrap(crypto::Sha256(crypto::Secp256k1SharedX(r2, qd)->view()),
             amaster));
    Put(file, families::kTeslaIvOffset, iv);
    for (std::size_t i = 0; i < 4; ++i) {
      file[families::kTeslaSizeOffset + i] =
          static_cast<std::uint8_t>(original_bytes >> (8 * i));
    }
    Bytes plain(original_bytes);
    for (std::size_t i = 0; i < plain.size(); ++i) {
      plain[i] = static_cast<std::uint8_t>("TeslaCrypt bench "[i % 17]);
    }
    const Bytes data = *crypto::AesCbcEncrypt(amaster.view(), iv, plain);
    file.insert(file.end(), data.begin(), data.end());
  }
};

// One specimen per size, made once (the benchmarks run one at a time).
const Specimen& TheSpecimen(std::int64_t bytes) {
  static std::map<std::int64_t, std::unique_ptr<Specimen>> made;
  auto& specimen = made[bytes];
  if (!specimen) specimen = std::make_unique<Specimen>(OriginalBytes(bytes));
  return *specimen;
}

std::unique_ptr<recover::DecryptorRun> PreparedRun(const Specimen& s) {
  recover::RunInputs inputs;
  inputs.key = s.c2;
  inputs.forced = true;
  io::MemoryFileSystem fs;
  return std::move(*families::TeslaCryptDecryptor().Prepare(fs, inputs));
}

recover::FileSample SampleOf(const Bytes& file) {
  return recover::FileSample{"/bench/a.bin.micro", "a.bin.micro", file.size(),
                             ByteView(file).First(recover::kProbeHeadBytes),
                             ByteView(file).Last(recover::kProbeTailBytes)};
}

void BM_TeslaCryptStream(benchmark::State& state) {
  const Specimen& s = TheSpecimen(state.range(0));
  auto run = PreparedRun(s);
  const recover::FileSample sample = SampleOf(s.file);
  const recover::KeyOutcome key = run->FindKey(sample, run->Probe(sample));
  if (key.verdict != recover::KeyVerdict::kFound) {
    state.SkipWithError("the bench key does not fit its own specimen");
    return;
  }
  Bytes out(limits::kStreamChunkBytes + recover::StreamDecryption::kSlack);
  std::uint64_t written = 0;
  for (auto _ : state) {
    auto stream = run->StartDecryption(key.key, s.file.size());
    for (std::size_t at = 0; at < s.file.size();
         at += limits::kStreamChunkBytes) {
      const ByteView chunk = *ByteView(s.file).Sub(
          at, std::min(limits::kStreamChunkBytes, s.file.size() - at));
      written += *(*stream)->Update(chunk, out);
    }
    if (!(*stream)->Finish(out).ok()) {
      state.SkipWithError("the stream's end check failed");
      return;
    }
    benchmark::DoNotOptimize(out.data());
  }
  if (written !=
      s.original_bytes * static_cast<std::size_t>(state.iterations())) {
    state.SkipWithError("not the original's size");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.file.size()));
}
BENCHMARK(BM_TeslaCryptStream)
    ->Arg(1 << 20)
    ->Arg(64 << 20)
    ->Unit(benchmark::kMillisecond);

void BM_AesCbc256Evp(benchmark::State& state) {
  const Specimen& s = TheSpecimen(state.range(0));
  const SecretBytes key = Secret("amaster");
  const Bytes iv = Secret("iv").view().First(16).ToBytes();
  const ByteView data = *ByteView(s.file).From(families::kTeslaHeaderBytes);
  Bytes out(limits::kStreamChunkBytes + 16);
  for (auto _ : state) {
    auto aes = *crypto::AesCbcDecryptor::CreateUnpadded(key.view(), iv);
    for (std::size_t at = 0; at < data.size();
         at += limits::kStreamChunkBytes) {
      const ByteView chunk =
          *data.Sub(at, std::min(limits::kStreamChunkBytes, data.size() - at));
      benchmark::DoNotOptimize(*aes.Update(chunk, out));
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_AesCbc256Evp)
    ->Arg(1 << 20)
    ->Arg(64 << 20)
    ->Unit(benchmark::kMillisecond);

// A fresh run each time: the session cache would answer the second file.
void BM_TeslaCryptFindKey(benchmark::State& state) {
  const Specimen& s = TheSpecimen(1 << 20);
  const recover::FileSample sample = SampleOf(s.file);
  for (auto _ : state) {
    auto run = PreparedRun(s);
    const recover::KeyOutcome key = run->FindKey(sample, run->Probe(sample));
    benchmark::DoNotOptimize(key.verdict);
  }
}
BENCHMARK(BM_TeslaCryptFindKey)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kintsugi

BENCHMARK_MAIN();
