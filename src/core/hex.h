#pragma once

// Hex decoding shared by FromHex (kintsugi/bytes.h) and
// SecretBytes::FromHex (kintsugi/secret.h), which decodes straight into a
// secret buffer so that no plain copy of a key is left behind.

#include <cstdint>
#include <span>
#include <string_view>

#include "kintsugi/status.h"

namespace kintsugi::internal {

// Decodes `hex` (upper or lower case digits, nothing else) into `out`,
// which must hold exactly hex.size() / 2 bytes. kInvalidArgument for an odd
// number of digits or a non-digit (named by its position).
Status DecodeHex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace kintsugi::internal
