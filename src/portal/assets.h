#pragma once

// The portal's files, built into the binary (issue 14: "the static assets
// built into the binary"): everything under web/ (pages' styles and
// scripts, the message catalogs, the OpenAPI document, the reporting
// contacts), embedded at build time (src/portal/CMakeLists.txt), so that a
// served page never depends on files beside the binary.

#include <span>
#include <string_view>

namespace kintsugi::portal {

struct Asset {
  std::string_view path;  // Relative to web/, e.g. "static/site.css".
  std::string_view data;
};

// Every embedded file, sorted by path.
std::span<const Asset> EmbeddedAssets();

// The file at `path`; null when there is none.
const Asset* FindAsset(std::string_view path);

// The Content-Type for `path`'s extension.
std::string_view ContentTypeFor(std::string_view path);

}  // namespace kintsugi::portal
