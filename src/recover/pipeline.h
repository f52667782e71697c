#pragma once

// The recovery pipeline shared by every decryptor (issue 4): enumerate the
// inputs (walker.h), choose a decryptor per file (evidence.h), obtain its
// key, then decrypt as a stream, verify, and keep the output without ever
// risking the original (output_stage.h). The rules it follows are in
// include/kintsugi/recover.h and journal.h.

#include <span>
#include <string>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/recover.h"
#include "kintsugi/status.h"
#include "recover/decryptor.h"

namespace kintsugi::recover {

// Runs a recovery with the given decryptors (the registry's list in
// production, test doubles in tests): the inputs are read through `source`
// only; outputs and the journal are written through `fs`.
Result<RecoverReport> RunRecovery(ReadOnlyFileSystem& source, FileSystem& fs,
                                  const RecoverOptions& options,
                                  std::span<const Decryptor* const> decryptors);
// The same, with `fs` as the source too.
Result<RecoverReport> RunRecovery(FileSystem& fs, const RecoverOptions& options,
                                  std::span<const Decryptor* const> decryptors);

// Where --out mirrors each of `roots` (absolute, normalised) from: its
// parent folder (DIR/<root name>/...), unless two different roots share a
// name (/a/docs and /b/docs); then, for every root, the deepest folder
// common to all of them (DIR/a/docs, DIR/b/docs), so that outputs of
// different roots never share a folder.
std::vector<Path> OutputBases(std::span<const Path> roots);

}  // namespace kintsugi::recover
