#include "crypto/yarrow256.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

#include "kintsugi/bytes.h"

namespace kintsugi::crypto {
namespace {

// recovery-schemes-3.md §3.9 "Test vectors": Y(seed)[0:32].
TEST(Yarrow256Test, AkiraSeedVectors) {
  struct Vector {
    std::string_view seed, out;
  };
  constexpr Vector kVectors[] = {
      {"1741841294358447310",
       "890b6351c8ff5082a1a83be1480ac7ee2993519396c00b382fc98e4174165061"},
      {"1741841294359461214",
       "4a64263f796dedbe594aed42edc9749300ddaaaf0575e4f15fcacc31a32f799a"},
      {"1741841294360506186",
       "a120cbd81a246a926e83f9fbf0d94943ec72a04c67143183b4a9be82b43a98c7"},
      {"1741841294361618022",
       "5f7717abcf49906c8585f40f711206dc75d244b9ef95af0fca060d4e29cf96e2"},
      {"1741841294372043294",
       "4b54d5cf9c979821f4d569c7dabd586db43fe016b23ec2707d2dc42845c07393"},
      {"1741841294373353198",
       "6ead9a759dbdff55642e24a6bfcc29f1f4abaecb3058e63cc9fa241758c88d56"},
      {"1741841294374553498",
       "d0482116257e8723ee9d0bc26666a44fa734d8bd14eb45c79f14e56788264d20"},
      {"1741841294375692465",
       "080256b8b7d946e1ec8f3421e06b00a3571f269c1bc0545b2061ba6d36bc69a1"},
      {"1786077189676504072",
       "f5efe26dddb4365dd43bfe743d26b8c660075948bba8eb7f52e8e47f9e3c57a7"},
      {"1786077189678050965",
       "fef60dd4f09625ccaf5a383e01349ed73d391f4c48b53e6e0f95d1032d0d5650"},
      {"0", "281cf342dea09abe26f2faaee1079bc8715e3a984a603054b8641b1fda245f3e"},
      {"300079396800",
       "ad4848ba1a3ebc00895127f86043264e4f3fd1991f90461e642d2f05de4ce15d"},
  };
  for (const Vector& v : kVectors) {
    Bytes out(32);
    Yarrow256SeededOutput(v.seed, out);
    EXPECT_EQ(ToHex(out), v.out) << v.seed;
  }
}

TEST(Yarrow256Test, AShorterReadIsAPrefix) {
  Bytes out(16);
  Yarrow256SeededOutput("1741841294360506186", out);
  EXPECT_EQ(ToHex(out), "a120cbd81a246a926e83f9fbf0d94943");
}

}  // namespace
}  // namespace kintsugi::crypto
