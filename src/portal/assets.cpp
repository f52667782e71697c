// Lookup of the embedded web/ files (assets.h); the table itself is
// generated (embedded_assets.cpp.in).

#include "portal/assets.h"

#include <algorithm>

namespace kintsugi::portal {

const Asset* FindAsset(std::string_view path) {
  const std::span<const Asset> assets = EmbeddedAssets();
  const auto found = std::lower_bound(
      assets.begin(), assets.end(), path,
      [](const Asset& asset, std::string_view p) { return asset.path < p; });
  if (found == assets.end() || found->path != path) return nullptr;
  return &*found;
}

std::string_view ContentTypeFor(std::string_view path) {
  const std::size_t dot = path.rfind('.');
  const std::string_view ext =
      dot == std::string_view::npos ? std::string_view() : path.substr(dot);
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace kintsugi::portal
