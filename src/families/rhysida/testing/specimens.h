#pragma once

// The Rhysida specimen generator, for tests only (recovery-schemes.md §0,
// recovery-schemes-3.md §3.10 "Synthetic specimens"), under the rules of
// families/testing/specimens.h: synthetic plaintext in, ONE explicit output
// file out (plus, when asked, its sidecar). MODEL, UNVERIFIED: the files it
// writes follow our reconstruction of Rhysida (families/rhysida/model.h),
// whose byte layout no real sample has confirmed; they test that the search
// and the file-order reconstruction find what the model put in, not that
// the model is Rhysida's.
//
// The test chooses everything the malware's run would have decided: the
// seed (its clock), PROCS, each file's (worker, index) and every reading of
// the open parameters. The trailer is 512 (or `reading.trailer`) random
// bytes standing for the RSA-wrapped key: no key pair is involved.

#include <cstdint>
#include <string_view>

#include "families/rhysida/model.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi::families_testing {

struct RhysidaRun {
  std::uint32_t seed = 0;
  unsigned procs = 4;  // Worker threads (PROCS), 1-based workers.
  families::rhysida::Reading reading;
};

// The key and IV the model gives file `index` (0 = its first) of worker
// `worker` (1..procs).
families::rhysida::FileKey RhysidaKey(const RhysidaRun& run, unsigned worker,
                                      std::uint64_t index);

// `plaintext` encrypted as that file, with the random trailer appended.
Bytes RhysidaEncrypt(ByteView plaintext, const RhysidaRun& run, unsigned worker,
                     std::uint64_t index);

// Writes `dir`/`name` (e.g. "report.pdf.rhysida") holding that, and with
// `sidecar` the sidecar recording the run, the worker and the index.
Status WriteRhysidaSpecimen(FileSystem& fs, const Path& dir,
                            std::string_view name, ByteView plaintext,
                            const RhysidaRun& run, unsigned worker,
                            std::uint64_t index, bool sidecar = false);

}  // namespace kintsugi::families_testing
