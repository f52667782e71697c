#pragma once

// Nemucod ".crypted": the first 1024 or 2048 bytes of each file XORed with a
// short repeating key, the rest untouched (recovery-schemes.md §3.2). The
// key comes from one encrypted/original pair, from --key, or from the known
// header bytes of many encrypted files of one run, and serves the whole run.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kintsugi/bytes.h"
#include "kintsugi/message.h"
#include "recover/decryptor.h"

namespace kintsugi::families {

// §3.2 "Scheme": the two observed header sizes, ascending.
inline constexpr std::uint64_t kNemucodRegions[] = {1024, 2048};

// The appended extension (§3.2 "Recognition").
inline constexpr std::string_view kNemucodExtension = ".crypted";

// Limits of the key from known file headers (§3.2 "Without an original").
// Encrypted files of known types whose heads are read for known plaintext
// when no pair or key is given. A few dozen files of known types already
// determine a 255-byte key many times over; 512 heads of 2 KiB keep the
// memory at 1 MiB and the reads well under a second.
inline constexpr std::size_t kMaxNemucodHeaderFiles = 512;
// Text files over 1 KiB read as well, only to tell whether 1024 or 2048
// bytes are encrypted (their bytes past 1024 must read as text).
inline constexpr std::size_t kMaxNemucodRegionWitnesses = 64;
// Bytes read from each: the larger encrypted region (§3.2: 2048), so a
// smaller file is read whole and nothing beyond any region is read.
inline constexpr std::size_t kNemucodHeaderReadBytes = 2048;

const recover::Decryptor& NemucodDecryptor();

// The region a key of `key_length` bytes implies when given with --key:
// 2048 for the 255-byte variant and for keys longer than 1024, else 1024
// (§3.2 observed (H, K) pairs).
std::uint64_t NemucodRegionForKeyLength(std::size_t key_length);

// XORs bytes [offset, offset + data.size()) of a file in place with `key`
// repeated over its first `region` bytes.
void NemucodXor(ByteView key, std::uint64_t region, std::uint64_t offset,
                std::span<std::uint8_t> data);

// One encrypted file seen by the known-header analysis.
struct NemucodSample {
  std::string original_name;  // The name without ".crypted".
  std::uint64_t size = 0;
  Bytes head;  // The first min(size, kNemucodHeaderReadBytes) bytes.
};

// What the known plaintext of many files tells (§3.2 "Without an
// original"): a key only when every key byte is determined, consistent and
// checked, never a partial one.
struct NemucodHeaderKey {
  std::optional<recover::Key> key;  // region = H; key = one period.
  std::size_t files_used = 0;       // Files whose known bytes fit the key.
  std::string kinds;                // Their kinds: "png, pdf".
  // With a key: how the region was told, for the user
  // (recover.nemucod_region_*).
  Message detail;
  // Without a key: why there is none and what to give.
  Message why;
};

// Derives the key from the files' known header bytes (formats/known_header.h
// by original extension). `largest_file` is the size of the largest
// encrypted file of the run (the region matters only beyond 1024 bytes).
NemucodHeaderKey NemucodKeyFromHeaders(std::span<const NemucodSample> files,
                                       std::uint64_t largest_file);

}  // namespace kintsugi::families
