#include "text/shingles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace kintsugi::text {
namespace {

using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

TEST(NoteShinglesTest, WhatVariesBetweenVictimsDoesNotChangeTheShingles) {
  // Another contact, amount, ID and wallet: the same note to the model.
  const auto a = NoteShingles(
      "write to alpha@mail.cc and pay 300 usd your id 1a2b3c4d to "
      "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq now");
  const auto b = NoteShingles(
      "write to beta@proton.me and pay 1200 usd your id 9z8y7x6w to "
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 now");
  EXPECT_EQ(a, b);
  EXPECT_THAT(a, Not(IsEmpty()));
}

TEST(NoteShinglesTest, TwoAndThreeWordShinglesSortedAndUnique) {
  // "a b c": "a b", "b c" and "a b c".
  const auto three = NoteShingles("all files lost");
  EXPECT_THAT(three, SizeIs(3));
  EXPECT_TRUE(std::is_sorted(three.begin(), three.end()));
  // A repeated phrase adds nothing.
  EXPECT_EQ(NoteShingles("all files lost all files lost"),
            NoteShingles("all files lost all files lost all files lost"));
  EXPECT_THAT(NoteShingles("alone"), IsEmpty());
}

TEST(ShingleJaccardTest, SharesOverUnion) {
  EXPECT_DOUBLE_EQ(ShingleJaccard({1, 2, 3}, {2, 3, 4}), 0.5);
  EXPECT_DOUBLE_EQ(ShingleJaccard({1, 2}, {1, 2}), 1.0);
  EXPECT_DOUBLE_EQ(ShingleJaccard({1, 2}, {3}), 0.0);
  EXPECT_DOUBLE_EQ(ShingleJaccard({}, {1}), 0.0);
}

}  // namespace
}  // namespace kintsugi::text
