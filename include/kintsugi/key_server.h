#pragma once

// Remote key lookup (issue 9): an offline tool asks a Kintsugi portal for
// the released keys of one victim ID, when the user asks for it with
// `kintsugi recover --key-server URL`. Off by default. Only the family and
// the handle (the victim ID) leave the machine, never file contents or
// names. The protocol is docs/key-server.md; the portal answers it.

#include <chrono>
#include <memory>
#include <string>

#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi {

struct KeyServerOptions {
  // https://HOST[:PORT][/PREFIX]; http:// only to a loopback address
  // (127.0.0.0/8, ::1, localhost), where nothing crosses a network.
  std::string url;
  // Connection and read time limits of each request.
  std::chrono::seconds timeout{30};
  // A PEM file of CA certificates to trust instead of the system's (a
  // portal with a private CA); empty: the system's.
  std::string ca_file;
};

// A read-only KeyStore that answers Lookup() and ForEachReleased() from a
// key server. Every record the server sends is checked as a key dump's
// (the key parses as its type) and must be for the family and handle asked
// and released; anything else is a kCorrupt answer, not a key.
// kInvalidArgument for a URL that is not https (or http to loopback), has
// credentials, a query or a fragment. Nothing is sent until the first
// lookup. Import(), Stats() and Export() are kUnsupported.
// A failed request is kUnavailable (naming the server, never the handle).
Result<std::unique_ptr<KeyStore>> OpenKeyServer(
    const KeyServerOptions& options);

// A store that answers reads from `first`, and from `second` where `first`
// has nothing (Lookup: when `first` returns no key; ForEachReleased: both,
// `first` then `second`). Import(), Stats() and Export() go to `first`.
// Either may be null (then the other is returned as is).
std::shared_ptr<KeyStore> LayerKeyStores(std::shared_ptr<KeyStore> first,
                                         std::shared_ptr<KeyStore> second);

}  // namespace kintsugi
