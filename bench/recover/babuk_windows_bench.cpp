// Babuk Windows decryption speed on one core (issue 17: "Babuk Windows ...
// decryption at least 0.7x of the cipher's own speed on one core (HC-128
// against the spec's reference implementation)"). The baseline is the
// plain HC-128 of bench/crypto/hc128_reference.h, structured as the
// eSTREAM reference `hc-128.c` (one step function, every index mod 512);
// it is checked against the HC-128 paper's vector and Babuk's 8-word mode
// vector (recovery-schemes-2.md §2.2) before anything is timed, as is the
// optimised HC-128 (src/crypto/hc128.h).
//
// The decryptor is timed as the pipeline drives it (src/recover/
// pipeline.cpp): a specimen file of each size class of §3.3 read from the
// page cache (each file is read once before timing) through the real file
// system -- the head and tail samples, Probe, FindKey (the footer's CRC
// proves the key), StartDecryption, then ReadFullyAt and Update in chunks
// of limits::kStreamChunkBytes through one reused input and one reused
// output buffer, and Finish. A Babuk file is only partly encrypted, so its
// rate is given two ways: file bytes per second, and encrypted (keystream)
// bytes per second with all the work on the plain bytes around them
// charged to it -- the figure compared with the reference cipher's, which
// XORs every byte it is given (in a buffer that stays in cache).
//
// Times are the thread's CPU time (the machine is shared), by user time as
// `openssl speed` and bench/recover/compare.sh count (the kernel's copy out
// of the page cache is system time), and by user + system time.
// Specimens go to $KINTSUGI_BENCH_DIR (default
// /var/tmp/kintsugi-bench-babuk-windows), one explicit file at a time
// (recovery-schemes.md §0: synthetic text, a local key pair), and are
// reused by later runs. Usage:
//   babuk_windows_bench [SECONDS]   (default 2 per figure; or
//   $KINTSUGI_BENCH_MIN_TIME, as bench/run-all --quick sets it)
// Exits 1 when an implementation misses its vector or the decryptor's
// output is not the plaintext.

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "bench/crypto/hc128_reference.h"
#include "crypto/hc128.h"
#include "crypto/x25519.h"
#include "families/babuk/babuk.h"
#include "families/babuk/windows_cipher.h"
#include "families/babuk/windows_layout.h"
#include "io/memory_file_system.h"
#include "kintsugi/fs.h"
#include "kintsugi/limits.h"
#include "recover/decryptor.h"

namespace kintsugi {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

struct CpuTime {
  double user = 0;
  double system = 0;
};

CpuTime ThreadCpu() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) +
           static_cast<double>(t.tv_usec) * 1e-6;
  };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

struct Rates {
  double by_user = 0;  // Bytes per second of user CPU time.
  double by_all = 0;   // Bytes per second of user + system CPU time.
};

// Runs `work` (one call processes `bytes`) until `seconds` of CPU time
// have passed.
Rates Rate(double seconds, std::uint64_t bytes,
           const std::function<void()>& work) {
  const CpuTime start = ThreadCpu();
  std::uint64_t done = 0;
  CpuTime now;
  do {
    work();
    done += bytes;
    now = ThreadCpu();
  } while (now.user + now.system - start.user - start.system < seconds);
  const double user = now.user - start.user;
  const double all = user + now.system - start.system;
  return {static_cast<double>(done) / user, static_cast<double>(done) / all};
}

double MiBs(double rate) { return rate / static_cast<double>(kMiB); }

// §2.2: the paper's vector 1 and the 8-word vector, through both.
bool VectorsHold() {
  const std::array<std::uint32_t, 8> zero{};
  bench::Hc128Reference reference(zero, zero);
  bool ok = reference.Next() == 0x73150082 && reference.Next() == 0x3bfd03a0;
  std::array<std::uint32_t, 8> key{};
  std::array<std::uint32_t, 8> iv{};
  Bytes key_bytes(32);
  Bytes iv_bytes(32);
  for (std::uint32_t i = 0; i < 32; ++i) {
    key_bytes[i] = static_cast<std::uint8_t>(i);
    iv_bytes[i] = static_cast<std::uint8_t>(0x20 + i);
  }
  for (std::size_t i = 0; i < 8; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      key[i] |= static_cast<std::uint32_t>(key_bytes[4 * i + j]) << (8 * j);
      iv[i] |= static_cast<std::uint32_t>(iv_bytes[4 * i + j]) << (8 * j);
    }
  }
  const Bytes expected = *FromHex(
      "6a4d8e8ad1f1016f388bff609d921b240e5671876690101887cbccb63a918b21"
      "0530bfa1d3e053d6c0e09fe8964fd2d1ea16120806cfd1a81e7291c097ae05da");
  Bytes by_reference(64, 0);
  bench::Hc128Reference eight(key, iv);
  eight.Xor(by_reference.data(), by_reference.data(), by_reference.size());
  ok = ok && by_reference == expected;
  auto ours = crypto::Hc128EightWord(key_bytes, iv_bytes);
  Bytes by_ours(64, 0);
  ok = ok && ours.ok() && ours->Xor(by_ours, by_ours).ok() &&
       by_ours == expected;
  return ok;
}

// The synthetic original of `size` bytes (text).
Bytes Plaintext(std::uint64_t size) {
  Bytes plain(static_cast<std::size_t>(size));
  constexpr std::string_view kText = "Babuk bench text, line after line.\n";
  for (std::size_t i = 0; i < plain.size(); ++i) {
    plain[i] = static_cast<std::uint8_t>(kText[i % kText.size()]);
  }
  return plain;
}

// The Babuk Windows file of Plaintext(original), for the attacker whose
// private key is `attacker` (local: recovery-schemes.md §0).
Bytes Encrypt(const Bytes& plain, const SecretBytes& attacker) {
  const SecretBytes ephemeral(Bytes(32, 0x22));
  const Bytes attacker_public = *crypto::X25519PublicKey(attacker);
  const Bytes file_public = *crypto::X25519PublicKey(ephemeral);
  const SecretBytes km =
      crypto::Sha512(crypto::X25519(ephemeral, attacker_public).value().view());
  Bytes file = plain;
  auto layer = families::BabukWindowsLayer::Create(km, plain.size());
  if (!layer || !layer->Apply(0, file).ok()) std::abort();
  file.insert(file.end(), file_public.begin(), file_public.end());
  const std::uint32_t crc = families::BabukWindowsCrc(km.view());
  for (int i = 0; i < 4; ++i) {
    file.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  }
  file.insert(file.end(), families::kBabukWindowsMarker.begin(),
              families::kBabukWindowsMarker.end());
  return file;
}

Path SpecimenDir() {
  const char* dir = std::getenv("KINTSUGI_BENCH_DIR");
  return dir != nullptr ? Path(dir)
                        : Path("/var/tmp/kintsugi-bench-babuk-windows");
}

// The specimen of an original of `original` bytes at `path`, written
// unless a file of its size is there from an earlier run.
Status EnsureSpecimen(const Path& path, std::uint64_t original,
                      const SecretBytes& attacker) {
  FileSystem& fs = RealFileSystem();
  if (auto info = fs.Stat(path); info.ok()) {
    if (info->size == original + families::kBabukWindowsFooterBytes) {
      return Status::Ok();
    }
    return InvalidArgumentError(path.string() +
                                " is not this benchmark's specimen: remove it");
  }
  KINTSUGI_RETURN_IF_ERROR(fs.CreateDirs(path.parent_path()));
  return WriteNewFile(fs, path, Encrypt(Plaintext(original), attacker));
}

// Buffers reused from file to file, as the pipeline's workers reuse theirs.
struct Buffers {
  Bytes head = Bytes(recover::kProbeHeadBytes);
  Bytes tail = Bytes(recover::kProbeTailBytes);
  Bytes in = Bytes(limits::kStreamChunkBytes);
  Bytes out =
      Bytes(limits::kStreamChunkBytes + recover::StreamDecryption::kSlack);
};

// One file through the decryptor as the pipeline drives it; false when the
// key is not found or, with `plain`, the output is not the plaintext.
bool DecryptOnce(const recover::DecryptorRun& run, const Path& path, Buffers& b,
                 const Bytes* plain) {
  auto file = RealFileSystem().OpenForRead(path);
  if (!file) return false;
  auto size = (*file)->Size();
  if (!size) return false;
  const std::size_t head = std::min<std::size_t>(b.head.size(), *size);
  const std::size_t tail = std::min<std::size_t>(b.tail.size(), *size);
  const std::span<std::uint8_t> head_span = std::span(b.head).first(head);
  const std::span<std::uint8_t> tail_span = std::span(b.tail).first(tail);
  if (!ReadFullyAt(**file, 0, head_span).ok() ||
      !ReadFullyAt(**file, *size - tail, tail_span).ok()) {
    return false;
  }
  const recover::FileSample sample{path, path.filename().string(), *size,
                                   ByteView(b.head).First(head),
                                   ByteView(b.tail).First(tail)};
  const recover::ProbeResult probe = run.Probe(sample);
  const recover::KeyOutcome key = run.FindKey(sample, probe);
  if (key.verdict != recover::KeyVerdict::kFound) return false;
  auto stream = run.StartDecryption(key.key, *size);
  if (!stream) return false;
  std::size_t written = 0;
  for (std::uint64_t at = 0; at < *size; at += b.in.size()) {
    auto got = ReadFullyAt(**file, at, b.in);
    if (!got || *got == 0) return false;
    auto wrote = (*stream)->Update(ByteView(b.in).First(*got), b.out);
    if (!wrote) return false;
    if (plain != nullptr &&
        (written + *wrote > plain->size() ||
         std::memcmp(b.out.data(), plain->data() + written, *wrote) != 0)) {
      return false;
    }
    written += *wrote;
  }
  if (!(*stream)->Finish(b.out).ok()) return false;
  return plain == nullptr || written == plain->size();
}

int Main(int argc, char** argv) {
  double seconds = 2.0;
  if (const char* quick = std::getenv("KINTSUGI_BENCH_MIN_TIME")) {
    seconds = std::atof(quick);
  }
  if (argc > 1) seconds = std::atof(argv[1]);
  if (!VectorsHold()) {
    std::fprintf(stderr, "HC-128 vectors do not hold\n");
    return 1;
  }
  // The ciphers alone, over a buffer that stays in cache.
  constexpr std::size_t kBuffer = 256 * 1024;
  Bytes buffer(kBuffer, 0x5A);
  const std::array<std::uint32_t, 8> key = {1, 2, 3, 4, 5, 6, 7, 8};
  bench::Hc128Reference reference(key, key);
  const Rates reference_rate = Rate(seconds, kBuffer, [&] {
    reference.Xor(buffer.data(), buffer.data(), buffer.size());
  });
  crypto::Hc128 ours = crypto::Hc128Init(key, key);
  const Rates ours_rate = Rate(seconds, kBuffer, [&] {
    if (!ours.Xor(buffer, buffer).ok()) std::abort();
  });
  const double baseline = reference_rate.by_user;
  std::printf(
      "HC-128 reference (eSTREAM-structured, one step a word): %.0f MiB/s\n",
      MiBs(baseline));
  std::printf(
      "HC-128 ours (16 steps unrolled): %.0f MiB/s = %.2fx the reference\n",
      MiBs(ours_rate.by_user), ours_rate.by_user / baseline);

  const SecretBytes attacker(Bytes(32, 0x11));
  recover::RunInputs inputs;
  inputs.key = attacker;
  io::MemoryFileSystem no_files;  // Prepare reads nothing for Babuk.
  auto run = families::BabukWindowsDecryptor().Prepare(no_files, inputs);
  if (!run) return 1;
  struct Class {
    const char* name;
    std::uint64_t original;
  };
  const Class classes[] = {
      {"first tenth, 4 MiB", 4 * kMiB},
      {"three blocks, 16 MiB", 16 * kMiB},
      {"1 MiB in 10, 256 MiB", 256 * kMiB},
  };
  std::printf("%-22s %14s %16s %18s %10s\n", "babuk-windows, 1 core",
              "encrypted MiB", "file MiB/s user", "encrypted MiB/s", "vs ref.");
  Buffers buffers;
  double worst_user = 1e9;
  double worst_all = 1e9;
  for (const Class& c : classes) {
    const Path path = SpecimenDir() /
                      ("specimen-" + std::to_string(c.original) + ".txt.babyk");
    if (Status made = EnsureSpecimen(path, c.original, attacker); !made.ok()) {
      std::fprintf(stderr, "%s\n", made.message().c_str());
      return 1;
    }
    // Checks the output, and brings the file into the page cache.
    const Bytes plain = Plaintext(c.original);
    if (!DecryptOnce(**run, path, buffers, &plain)) {
      std::fprintf(stderr, "%s: the output is not the plaintext\n", c.name);
      return 1;
    }
    const std::uint64_t sizes[] = {c.original};
    const double encrypted = static_cast<double>(
        families::BabukWindowsEncryptedBytes(sizes, c.original));
    const double file_size =
        static_cast<double>(c.original + families::kBabukWindowsFooterBytes);
    const Rates rate =
        Rate(seconds, static_cast<std::uint64_t>(file_size), [&] {
          if (!DecryptOnce(**run, path, buffers, nullptr)) std::abort();
        });
    const double user = rate.by_user * encrypted / file_size;
    const double all = rate.by_all * encrypted / file_size;
    worst_user = std::min(worst_user, user / baseline);
    worst_all = std::min(worst_all, all / baseline);
    char encrypted_cell[64];
    std::snprintf(encrypted_cell, sizeof(encrypted_cell), "%.0f (all %.0f)",
                  MiBs(user), MiBs(all));
    std::printf("%-22s %14.1f %16.0f %18s %9.2fx\n", c.name,
                encrypted / static_cast<double>(kMiB), MiBs(rate.by_user),
                encrypted_cell, user / baseline);
  }
  std::printf(
      "ratio, the lowest class: encrypted bytes/s of the decryptor over the "
      "reference HC-128's bytes/s: %.2fx by user time, %.2fx by user + "
      "system time (target >= 0.70)\n",
      worst_user, worst_all);
  return 0;
}

}  // namespace
}  // namespace kintsugi

int main(int argc, char** argv) { return kintsugi::Main(argc, argv); }
