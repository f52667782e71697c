// The generic decryptor fuzz target (conventions.md "Tests, fuzzing"): every
// decryptor in the registry probes, finds a key for and stream-decrypts the
// input as if it were an encrypted file, with the name and chunk size drawn
// from the input's first bytes. The known-plaintext strategy also gets the
// input split into a pair. Any out-of-bounds access or crash is a finding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "families/registry.h"
#include "fuzz_target.h"
#include "io/memory_file_system.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "recover/decryptor.h"
#include "recover/strategies.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace kintsugi;
  const ByteView input(data, size);
  if (input.size() < 2) return 0;
  const std::uint8_t selector = *input.U8(0);
  const std::size_t chunk = 1 + *input.U8(1) * 37u;
  const ByteView body = *input.From(2);

  // Known plaintext on the input split in two halves.
  const std::size_t half = body.size() / 2;
  const std::uint64_t regions[] = {1024, 2048};
  recover::DeriveRepeatingXorKey(body.First(half), *body.Sub(half, half),
                                 regions)
      .status()
      .IgnoreError();

  // One released key for the families whose files name no key (Babuk),
  // so their key trial and stream run: bytes 1..32, made up here (the
  // corpus's babuk_* seeds are encrypted for its public key).
  const recover::ReleasedKeys released =
      [](std::string_view) -> Result<std::vector<recover::StoredKey>> {
    Bytes key(32);
    for (std::size_t i = 0; i < key.size(); ++i) {
      key[i] = static_cast<std::uint8_t>(i + 1);
    }
    std::vector<recover::StoredKey> keys;
    keys.push_back({SecretBytes(std::move(key)), "fuzz"});
    return keys;
  };

  io::MemoryFileSystem fs;
  for (const recover::Decryptor* decryptor : families::AllDecryptors()) {
    const recover::DecryptorInfo& info = decryptor->info();
    recover::RunInputs inputs;
    inputs.forced = (selector & 1) != 0;
    inputs.released_keys = released;
    auto run = decryptor->Prepare(fs, inputs);
    if (!run) continue;
    std::string name = "f.pdf";
    if (!info.extensions.empty()) {
      name += std::string(info.extensions[selector % info.extensions.size()]);
    }
    // The file is in the source too: a decryptor may read more of it than
    // the sample (Black Basta's search of its zero regions).
    fs.AddFile("/x/" + name, body).IgnoreError();
    recover::FileSample sample{"/x/" + name, name, body.size(),
                               body.First(recover::kProbeHeadBytes),
                               body.Last(recover::kProbeTailBytes)};
    const recover::ProbeResult probe = (*run)->Probe(sample);
    recover::KeyOutcome key = (*run)->FindKey(sample, probe);
    if (key.verdict != recover::KeyVerdict::kFound) continue;
    auto decryption = (*run)->StartDecryption(key.key, body.size());
    if (!decryption) continue;
    Bytes out(chunk + recover::StreamDecryption::kSlack);
    for (std::size_t at = 0; at < body.size(); at += chunk) {
      const ByteView piece = *body.Sub(at, std::min(chunk, body.size() - at));
      if (!(*decryption)->Update(piece, out).has_value()) break;
    }
    (*decryption)->Finish(out).status().IgnoreError();
  }
  return 0;
}
