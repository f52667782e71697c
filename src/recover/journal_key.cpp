// RecoverJournalKey (kintsugi/recover.h): the name of a run's journal
// folder in the per-user state folder (docs/journal-format.md §1).

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "kintsugi/recover.h"

namespace kintsugi {

Result<std::string> RecoverJournalKey(const RecoverOptions& options) {
  std::vector<std::string> paths;
  for (const Path& p : options.paths) {
    std::error_code ec;
    Path normal = std::filesystem::absolute(p, ec).lexically_normal();
    if (ec) return InvalidArgumentError("bad path " + p.string());
    // "dir/" and "dir" name the same input.
    if (normal.has_relative_path() && !normal.has_filename()) {
      normal = normal.parent_path();
    }
    paths.push_back(normal.string());
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  // NUL ends each field: no path or family id holds one, so two different
  // runs never hash the same bytes.
  std::string message = "kintsugi journal key 1";
  message.push_back('\0');
  for (const std::string& p : paths) {
    message += "path=" + p;
    message.push_back('\0');
  }
  message += "family=" + options.family;
  message.push_back('\0');
  message += options.verified_only ? "verified-only=1" : "verified-only=0";
  message.push_back('\0');

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  if (EVP_Digest(message.data(), message.size(), digest.data(), &digest_size,
                 EVP_sha256(), nullptr) != 1) {
    return InternalError("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  for (unsigned int i = 0; i < digest_size; ++i) {
    key.push_back(kHex[digest[i] >> 4]);
    key.push_back(kHex[digest[i] & 0x0f]);
  }
  return key;
}

}  // namespace kintsugi
