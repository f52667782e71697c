// Fuzzes ByteView and ByteReader: the input is both the data and a little
// program of reads driven by its own first bytes. Any out-of-bounds access is
// a sanitizer report.

#include <cstddef>
#include <cstdint>

#include "fuzz_target.h"
#include "kintsugi/bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using kintsugi::ByteReader;
  using kintsugi::ByteView;
  const ByteView input(data, size);
  ByteReader program(input);
  ByteReader reader(input);
  std::uint64_t sink = 0;
  for (int step = 0; step < 256 && !program.AtEnd(); ++step) {
    auto op = program.ReadU8();
    if (!op) break;
    auto arg = program.ReadU32Le();
    const std::size_t n = arg ? *arg : 0;
    switch (*op % 10) {
      case 0:
        if (auto v = input.U64Le(n)) sink += *v;
        break;
      case 1:
        if (auto v = input.U32Be(n)) sink += *v;
        break;
      case 2:
        if (auto v = input.Sub(n & 0xFFFF, n >> 16)) sink += v->size();
        break;
      case 3:
        if (auto v = input.Tail(n)) sink += v->size();
        break;
      case 4:
        if (auto v = reader.ReadBytes(n & 0xFF)) sink += v->size();
        break;
      case 5:
        if (auto v = reader.ReadU16Le()) sink += *v;
        break;
      case 6:
        if (auto v = input.Find(input.Last(n & 7), n >> 8)) sink += *v;
        break;
      case 7:
        sink += input.First(n).size() + input.Last(n).size();
        break;
      case 8:
        sink += reader.Skip(n & 0xFFF).ok() ? 1u : 0u;
        break;
      default:
        sink += kintsugi::FromHex(input.First(n & 63).AsChars()).ok() ? 1u : 0u;
        break;
    }
  }
  return sink == 0xFFFFFFFFFFFFFFFFull ? 1u : 0u;
}
