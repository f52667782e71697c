// Fuzz target: a multipart/form-data body (src/portal/form.h), the partner
// pages' uploads. The first line of the input is the Content-Type header,
// the rest the body. Parsing must never crash or hang; what parses has at
// most kMaxFormParts fields, each no larger than the body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_target.h"
#include "portal/form.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view type = input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos
                                    ? std::string_view()
                                    : input.substr(newline + 1);
  auto fields = kintsugi::portal::ParseMultipartForm(type, body);
  if (fields.has_value()) {
    if (fields->size() > kintsugi::portal::kMaxFormParts) __builtin_trap();
    for (const auto& [name, value] : *fields) {
      if (name.size() > body.size() || value.size() > body.size()) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
