#pragma once

// What the binary was built from (cmake/BuildInfo.cmake writes the
// definitions at build time).

namespace kintsugi::cli {

// The commit, 12 hex digits, "-dirty" after them when tracked files had
// changed; "unknown" when the source was no git checkout.
const char* BuildCommit();
// The date (YYYY-MM-DD, UTC) of the last commit that changed kb/: the
// built-in knowledge base's date; empty when unknown.
const char* BuiltInKbDate();

}  // namespace kintsugi::cli
