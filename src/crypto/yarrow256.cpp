#include "crypto/yarrow256.h"

#include <nettle/yarrow.h>

#include <cstring>

namespace kintsugi::crypto {

void Yarrow256SeededOutput(std::string_view seed_text,
                           std::span<std::uint8_t> out) {
  yarrow256_ctx ctx;
  yarrow256_init(&ctx, 0, nullptr);
  yarrow256_seed(&ctx, seed_text.size(),
                 reinterpret_cast<const std::uint8_t*>(seed_text.data()));
  yarrow256_random(&ctx, out.size(), out.data());
  // The context holds the derived AES key: wipe it.
  volatile unsigned char* p = reinterpret_cast<unsigned char*>(&ctx);
  for (std::size_t i = 0; i < sizeof ctx; ++i) p[i] = 0;
}

}  // namespace kintsugi::crypto
