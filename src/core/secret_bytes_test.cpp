#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/bytes.h"
#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What the wipe observer saw: one entry per freed buffer, true when every
// byte of it was zero.
std::vector<bool>* g_freed_all_zero = nullptr;
std::size_t g_freed_bytes = 0;

void RecordWipe(const std::uint8_t* data, std::size_t size) {
  g_freed_all_zero->push_back(
      std::all_of(data, data + size, [](std::uint8_t b) { return b == 0; }));
  g_freed_bytes += size;
}

class SecretBytesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_freed_all_zero = &freed_;
    g_freed_bytes = 0;
    internal::SetSecretWipeObserverForTesting(&RecordWipe);
  }
  void TearDown() override {
    internal::SetSecretWipeObserverForTesting(nullptr);
    g_freed_all_zero = nullptr;
  }

  static Bytes Pattern(std::size_t size) { return Bytes(size, 0xA5); }

  std::vector<bool> freed_;
};

TEST_F(SecretBytesTest, HoldsWhatItWasGiven) {
  const SecretBytes secret{ByteView(Pattern(32))};
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(secret.view(), ByteView(Pattern(32)));
}

TEST_F(SecretBytesTest, DestructionWipesTheBuffer) {
  { const SecretBytes secret{ByteView(Pattern(32))}; }
  ASSERT_EQ(freed_.size(), 1u);
  EXPECT_TRUE(freed_[0]);
  EXPECT_GE(g_freed_bytes, 32u);
}

TEST_F(SecretBytesTest, MovedFromIsEmptyAndTheBufferIsWipedOnce) {
  {
    SecretBytes from{ByteView(Pattern(16))};
    SecretBytes to = std::move(from);
    EXPECT_TRUE(from.empty());  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(to.view(), ByteView(Pattern(16)));
    EXPECT_TRUE(freed_.empty());
  }
  EXPECT_EQ(freed_, std::vector<bool>{true});
}

TEST_F(SecretBytesTest, MoveAssignmentWipesTheOverwrittenBuffer) {
  SecretBytes target{ByteView(Pattern(8))};
  target = SecretBytes(ByteView(Pattern(24)));
  EXPECT_EQ(freed_, std::vector<bool>{true});
  EXPECT_EQ(target.size(), 24u);
}

TEST_F(SecretBytesTest, GrowingWipesTheOldBuffer) {
  SecretBytes secret{ByteView(Pattern(16))};
  secret.Resize(1 << 16);  // Past any capacity: the bytes move.
  EXPECT_EQ(freed_, std::vector<bool>{true});
  EXPECT_EQ(secret.view().First(16), ByteView(Pattern(16)));
  EXPECT_EQ(secret.view().Last(16), ByteView(Bytes(16, 0)));
}

TEST_F(SecretBytesTest, ClearWipesAndFrees) {
  SecretBytes secret{ByteView(Pattern(40))};
  secret.Clear();
  EXPECT_TRUE(secret.empty());
  EXPECT_EQ(freed_, std::vector<bool>{true});
}

TEST_F(SecretBytesTest, CopyIsASecretToo) {
  {
    const SecretBytes original{ByteView(Pattern(12))};
    SecretBytes copy = original;
    EXPECT_EQ(copy, original);
    copy = SecretBytes(ByteView(Pattern(3)));
    EXPECT_NE(copy, original);
  }
  // The original, the copy's first buffer and the 3-byte one.
  EXPECT_EQ(freed_, std::vector<bool>(3, true));
}

TEST_F(SecretBytesTest, TakesAndWipesPlainBytes) {
  Bytes plain = Pattern(20);
  const SecretBytes secret(std::move(plain));
  EXPECT_EQ(secret.view(), ByteView(Pattern(20)));
  EXPECT_TRUE(plain.empty());  // NOLINT(bugprone-use-after-move)
}

TEST_F(SecretBytesTest, ShrinkingKeepsThePrefix) {
  SecretBytes secret{ByteView(Bytes{1, 2, 3, 4})};
  secret.Resize(2);
  EXPECT_EQ(secret.view(), ByteView(Bytes{1, 2}));
  secret.Resize(4);
  EXPECT_EQ(secret.view(), ByteView(Bytes{1, 2, 0, 0}));
}

TEST_F(SecretBytesTest, FromHexDecodesAndRefusesWhatFromHexRefuses) {
  ASSERT_OK_AND_ASSIGN(const SecretBytes secret,
                       SecretBytes::FromHex("00ff7A"));
  EXPECT_EQ(secret.view(), ByteView(Bytes{0x00, 0xff, 0x7a}));
  EXPECT_THAT(SecretBytes::FromHex("abc"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(SecretBytes::FromHex("zz"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(SecretBytes::FromHex("0g").error(), FromHex("0g").error());
}

template <typename T>
concept Streamable = requires(std::ostream& os, const T& value) {
  os << value;
};

TEST_F(SecretBytesTest, NeverPrintsItsBytes) {
  static_assert(!fmt::is_formattable<SecretBytes>::value);
  static_assert(!Streamable<SecretBytes>);
  static_assert(!std::is_convertible_v<SecretBytes, std::string>);
  static_assert(!std::is_constructible_v<std::string, SecretBytes>);
  static_assert(!std::is_convertible_v<SecretBytes, Bytes>);
  static_assert(!std::is_convertible_v<SecretBytes, ByteView>);
  // So that the checks above can fail: a type that prints does.
  static_assert(Streamable<std::string>);
  static_assert(fmt::is_formattable<std::string>::value);

  ASSERT_OK_AND_ASSIGN(const SecretBytes secret,
                       SecretBytes::FromHex("deadbeef"));
  EXPECT_EQ(secret.Describe(), "[secret, 4 bytes]");
  EXPECT_THAT(secret.Describe(), Not(HasSubstr("de")));
}

}  // namespace
}  // namespace kintsugi
