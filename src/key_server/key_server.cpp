// The key-server client (include/kintsugi/key_server.h) and the layered
// store. The protocol is docs/key-server.md.

#include "kintsugi/key_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/key_dump.h"
#include "kintsugi/limits.h"
#include "kintsugi/message.h"

namespace kintsugi {
namespace {

// What a key server's answer may hold: far more than any family's released
// keys, far less than memory.
constexpr std::size_t kMaxAnswerBytes = 16 * limits::kMiB;
constexpr std::size_t kMaxAnswerRecords = 10000;
// Lookups remembered per run: every file of one victim names the same ID,
// and the server is asked once.
constexpr std::size_t kMaxCachedLookups = 4096;

struct ServerUrl {
  std::string scheme_host_port;  // "https://host:port", for httplib.
  std::string shown;             // What errors name: scheme://host[:port].
  std::string prefix;            // The path before /api, without a final /.
};

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  // 127.0.0.0/8, written as four decimal parts.
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

Result<ServerUrl> ParseServerUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError(fmt::format("bad key server URL: {}", why));
  };
  std::string_view rest;
  bool https = false;
  if (url.starts_with("https://")) {
    https = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return bad("it must start with https://");
  }
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      return bad("spaces, control characters and non-ASCII are not allowed");
    }
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return bad("no query or fragment");
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return bad("no user name or password in the URL");
  }
  if (authority.empty()) return bad("no host");
  // The host, and the port after it ("[v6]:port" or "host:port").
  std::string_view host = authority;
  std::string_view port;
  if (host.starts_with('[')) {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return bad("unclosed [");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return bad("junk after ]");
      port = host.substr(close + 2);
    }
    host = host.substr(0, close + 1);
  } else if (const std::size_t colon = host.find(':');
             colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty() || host == "[]") return bad("no host");
  if (!port.empty()) {
    if (port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(port)) == 0 ||
        std::stoul(std::string(port)) > 65535) {
      return bad("the port must be 1-65535");
    }
  }
  if (!https && !IsLoopbackHost(host)) {
    return bad(
        "http:// only to this machine (127.0.0.1, ::1, localhost); use "
        "https://");
  }
  while (path.ends_with('/')) path.remove_suffix(1);
  ServerUrl parsed;
  parsed.scheme_host_port =
      std::string(https ? "https://" : "http://") + std::string(authority);
  parsed.shown = parsed.scheme_host_port;
  parsed.prefix = std::string(path);
  return parsed;
}

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

class KeyServerStore final : public KeyStore {
 public:
  KeyServerStore(ServerUrl url, const KeyServerOptions& options)
      : url_(std::move(url)), client_(url_.scheme_host_port) {
    const auto seconds = static_cast<time_t>(options.timeout.count());
    client_.set_connection_timeout(seconds);
    client_.set_read_timeout(seconds);
    client_.set_write_timeout(seconds);
    client_.set_follow_location(false);
    client_.set_keep_alive(true);
    client_.set_default_headers(
        {{"Accept", "application/json"}, {"User-Agent", "kintsugi"}});
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    client_.enable_server_certificate_verification(true);
    if (!options.ca_file.empty()) {
      client_.set_ca_cert_path(options.ca_file.c_str());
    }
#endif
  }

  Status Import(std::span<const KeyRecord>) override {
    return UnsupportedError("a key server is read-only");
  }

  Result<std::vector<KeyRecord>> Lookup(std::string_view family,
                                        const KeyHandle& handle) override {
    if (Status valid = CheckFamily(family); !valid.ok()) return valid;
    std::string cache_key = std::string(family) + '\n' +
                            std::string(HandleKindName(handle.kind)) + '\n' +
                            handle.value;
    if (auto hit = cache_.find(cache_key); hit != cache_.end()) {
      return hit->second;
    }
    std::string path = fmt::format(
        "{}/api/v1/keys/{}?handle_kind={}&handle={}", url_.prefix, family,
        HandleKindName(handle.kind), PercentEncode(handle.value));
    KINTSUGI_ASSIGN_OR_RETURN(std::vector<KeyRecord> records,
                              Fetch(path, family, &handle));
    if (cache_.size() >= kMaxCachedLookups) cache_.clear();
    cache_.emplace(std::move(cache_key), records);
    return records;
  }

  Status ForEachReleased(std::string_view family,
                         const KeyVisitor& visit) override {
    if (Status valid = CheckFamily(family); !valid.ok()) return valid;
    // Asked once per run, like a lookup: every file of a try-every-key
    // family tries the same keys.
    std::string cache_key = std::string(family) + "\n*";
    auto hit = cache_.find(cache_key);
    if (hit == cache_.end()) {
      KINTSUGI_ASSIGN_OR_RETURN(
          std::vector<KeyRecord> records,
          Fetch(fmt::format("{}/api/v1/keys/{}", url_.prefix, family), family,
                nullptr));
      if (cache_.size() >= kMaxCachedLookups) cache_.clear();
      hit = cache_.emplace(std::move(cache_key), std::move(records)).first;
    }
    // A copy: the visitor may look up, and a lookup may clear the cache.
    const std::vector<KeyRecord> records = hit->second;
    for (const KeyRecord& record : records) {
      if (Status status = visit(record); !status.ok()) return status;
    }
    return Status::Ok();
  }

  Result<KeyStoreStats> Stats() override {
    return UnsupportedError("a key server does not give its statistics");
  }

  Status Export(const KeyVisitor&) override {
    return UnsupportedError("a key server's keys cannot be exported");
  }

 private:
  static Status CheckFamily(std::string_view family) {
    if (family.empty() || family.size() > limits::kMaxKeyFamilyBytes ||
        family.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") !=
            std::string_view::npos) {
      return InvalidArgumentError("bad family id for a key server lookup");
    }
    return Status::Ok();
  }

  // GETs `path` and checks the answer: a JSON array of key-dump records,
  // each for `family` (and `handle`, when given) and released.
  Result<std::vector<KeyRecord>> Fetch(const std::string& path,
                                       std::string_view family,
                                       const KeyHandle* handle) {
    std::string body;
    bool too_big = false;
    httplib::Result result =
        client_.Get(path, [&](const char* data, std::size_t size) {
          if (body.size() + size > kMaxAnswerBytes) {
            too_big = true;
            return false;
          }
          body.append(data, size);
          return true;
        });
    if (too_big) {
      return CorruptError(fmt::format("the key server {} sent more than {} MiB",
                                      url_.shown,
                                      kMaxAnswerBytes / limits::kMiB));
    }
    if (!result) {
      return UnavailableError(fmt::format("cannot reach the key server {}: {}",
                                          url_.shown,
                                          httplib::to_string(result.error())));
    }
    if (result->status != 200) {
      return UnavailableError(fmt::format("the key server {} answered HTTP {}",
                                          url_.shown, result->status));
    }
    auto bad = [&](std::string_view why) {
      return CorruptError(
          fmt::format("the key server {} sent {}", url_.shown, why));
    };
    nlohmann::json answer = nlohmann::json::parse(body, nullptr, false);
    body.assign(body.size(), '\0');  // Key bytes, as text.
    if (answer.is_discarded() || !answer.is_array()) {
      return bad("an answer that is not a JSON array");
    }
    if (answer.size() > kMaxAnswerRecords) return bad("too many keys");
    KeyDumpDefaults defaults;
    defaults.source = "key server " + url_.shown;
    std::vector<KeyRecord> records;
    for (std::size_t i = 0; i < answer.size(); ++i) {
      // Each record alone, so that several keys under one handle (which
      // one dump may not hold) can come back.
      std::string text = answer[i].dump();
      Result<ParsedKeyDump> parsed = ParseKeyDump(text, defaults);
      text.assign(text.size(), '\0');
      if (!parsed || !parsed->problems.empty() || parsed->records.size() != 1) {
        // Why, without the record's contents: the dump's own words, or the
        // name of its message.
        std::string why;
        if (parsed && !parsed->problems.empty()) {
          const KeyDumpProblem& problem = parsed->problems.front();
          why = problem.detail.id != MessageId::kCount
                    ? std::string(MessageIdName(problem.detail.id))
                    : problem.message;
        }
        return bad(fmt::format("a malformed key (record {}{}{})", i + 1,
                               why.empty() ? "" : ": ", why));
      }
      KeyRecord& record = parsed->records.front();
      if (record.family != family ||
          (handle != nullptr && !(record.handle == *handle)) ||
          (handle == nullptr && record.handle.kind != HandleKind::kNone)) {
        return bad(fmt::format(
            "a key for another family or handle than asked (record {})",
            i + 1));
      }
      if (record.state != ReleaseState::kReleased) {
        return bad(fmt::format("an embargoed key (record {})", i + 1));
      }
      records.push_back(std::move(record));
    }
    answer = nullptr;
    return records;
  }

  ServerUrl url_;
  httplib::Client client_;
  std::map<std::string, std::vector<KeyRecord>> cache_;
};

class LayeredKeyStore final : public KeyStore {
 public:
  LayeredKeyStore(std::shared_ptr<KeyStore> first,
                  std::shared_ptr<KeyStore> second)
      : first_(std::move(first)), second_(std::move(second)) {}

  Status Import(std::span<const KeyRecord> records) override {
    return first_->Import(records);
  }

  Status Release(std::span<const KeyRecord> records) override {
    return first_->Release(records);
  }

  Result<std::vector<KeyRecord>> Lookup(std::string_view family,
                                        const KeyHandle& handle) override {
    KINTSUGI_ASSIGN_OR_RETURN(std::vector<KeyRecord> found,
                              first_->Lookup(family, handle));
    if (!found.empty()) return found;
    return second_->Lookup(family, handle);
  }

  Status ForEachReleased(std::string_view family,
                         const KeyVisitor& visit) override {
    if (Status status = first_->ForEachReleased(family, visit); !status.ok()) {
      return status;
    }
    return second_->ForEachReleased(family, visit);
  }

  Result<KeyStoreStats> Stats() override { return first_->Stats(); }

  Status Export(const KeyVisitor& visit) override {
    return first_->Export(visit);
  }

 private:
  std::shared_ptr<KeyStore> first_;
  std::shared_ptr<KeyStore> second_;
};

}  // namespace

Result<std::unique_ptr<KeyStore>> OpenKeyServer(
    const KeyServerOptions& options) {
  KINTSUGI_ASSIGN_OR_RETURN(ServerUrl url, ParseServerUrl(options.url));
  if (options.timeout.count() <= 0) {
    return InvalidArgumentError("the key server timeout must be positive");
  }
  return std::unique_ptr<KeyStore>(
      std::make_unique<KeyServerStore>(std::move(url), options));
}

std::shared_ptr<KeyStore> LayerKeyStores(std::shared_ptr<KeyStore> first,
                                         std::shared_ptr<KeyStore> second) {
  if (!first) return second;
  if (!second) return first;
  return std::make_shared<LayeredKeyStore>(std::move(first), std::move(second));
}

}  // namespace kintsugi
