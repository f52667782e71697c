#pragma once

// The KB bundle: every file of a kb/ folder in one blob, compiled into the
// binary (docs/kb-format.md §9). Layout, all integers little-endian:
//   "KSKB0001"  u32 count  { u32 path_len  path  u32 data_len  data }*count

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "kb/kb_format.h"
#include "kintsugi/bytes.h"

namespace kintsugi::kb::internal {

inline constexpr std::string_view kBundleMagic = "KSKB0001";

// The files of the KB folder `root` that a bundle holds, relative to it and
// sorted: the *.yaml files at the top and notes/FAMILY/NAME. `ec` is set
// when a folder cannot be listed.
std::vector<std::string> ListBundlePaths(const std::filesystem::path& root,
                                         std::error_code& ec);

// Packs `files` (paths relative to the KB root) into a bundle.
Bytes PackBundle(const std::vector<KbFile>& files);

// Splits a bundle into its files; the views point into `bundle`. kCorrupt on
// a truncated or malformed bundle, kResourceExhausted past
// limits::kMaxKbBundleBytes.
Result<std::vector<KbFile>> UnpackBundle(ByteView bundle);

// The bundle built into the binary (embedded_kb.cpp); the precompiled KB
// checks that it was made from these bytes (docs/kb-format.md §9).
ByteView EmbeddedBundle();

}  // namespace kintsugi::kb::internal
