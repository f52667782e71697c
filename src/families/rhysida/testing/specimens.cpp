#include "families/rhysida/testing/specimens.h"

#include <sodium.h>

#include <string>

#include "families/testing/specimens.h"

namespace kintsugi::families_testing {

using families::rhysida::FileKey;

FileKey RhysidaKey(const RhysidaRun& run, unsigned worker,
                   std::uint64_t index) {
  const families::rhysida::SeedGenerators generators(run.seed, run.reading.feed,
                                                     run.procs);
  return families::rhysida::KeyAt(generators.Worker(worker), run.reading.draw,
                                  index);
}

Bytes RhysidaEncrypt(ByteView plaintext, const RhysidaRun& run, unsigned worker,
                     std::uint64_t index) {
  Bytes out = plaintext.ToBytes();
  auto stream = families::rhysida::CtrKeystream::Create(
      RhysidaKey(run, worker, index), run.reading.counter);
  if (!stream ||
      !families::rhysida::TransformOriginal(*stream, run.reading.chunks, 0, out)
           .ok()) {
    return {};
  }
  // The trailer: random bytes where Rhysida puts its RSA-wrapped key.
  Bytes trailer(static_cast<std::size_t>(run.reading.trailer));
  randombytes_buf(trailer.data(), trailer.size());
  out.insert(out.end(), trailer.begin(), trailer.end());
  return out;
}

Status WriteRhysidaSpecimen(FileSystem& fs, const Path& dir,
                            std::string_view name, ByteView plaintext,
                            const RhysidaRun& run, unsigned worker,
                            std::uint64_t index, bool sidecar) {
  if (worker < 1 || worker > run.procs) {
    return InvalidArgumentError("a Rhysida worker is 1..procs");
  }
  const Bytes contents = RhysidaEncrypt(plaintext, run, worker, index);
  if (contents.empty()) return InternalError("Rhysida specimen failed");
  const std::string parameters =
      "family=rhysida (model, unverified)\nseed=" + std::to_string(run.seed) +
      "\nprocs=" + std::to_string(run.procs) +
      "\nworker=" + std::to_string(worker) +
      "\nindex=" + std::to_string(index) + "\nreading=" + run.reading.Name() +
      "\n";
  return WriteSpecimen(fs, dir, name, contents, parameters, sidecar);
}

}  // namespace kintsugi::families_testing
