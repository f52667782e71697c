#include "text/indicators.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kintsugi/limits.h"

namespace kintsugi::text {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

std::vector<std::pair<IndicatorKind, std::string>> Kinds(
    std::string_view text) {
  std::vector<std::pair<IndicatorKind, std::string>> out;
  for (const Indicator& i : ExtractIndicators(text)) {
    out.emplace_back(i.kind, i.value);
  }
  return out;
}

// Base58Check addresses computed for this test (hash160 of the BIP-173
// example key, version 0; bytes 00..13, version 5).
constexpr std::string_view kP2pkh = "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH";
constexpr std::string_view kP2sh = "31h38a54tFMrR8kzBnP2241MFD2EUHtGha";

TEST(BitcoinTest, Base58CheckAcceptsValidAddresses) {
  EXPECT_TRUE(IsValidBase58CheckAddress(kP2pkh));
  EXPECT_TRUE(IsValidBase58CheckAddress(kP2sh));
}

TEST(BitcoinTest, Base58CheckRejectsAChangedCharacter) {
  std::string bad(kP2pkh);
  bad[10] = bad[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(IsValidBase58CheckAddress(bad));
  EXPECT_FALSE(IsValidBase58CheckAddress("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAM0"));
  EXPECT_FALSE(IsValidBase58CheckAddress("1111111111111111111111111"));
}

TEST(BitcoinTest, Bech32VectorsFromBip173AndBip350) {
  // BIP-173 (v0, bech32) and BIP-350 (v1, bech32m) test vectors.
  EXPECT_TRUE(
      IsValidBech32Address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));
  EXPECT_TRUE(
      IsValidBech32Address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
  EXPECT_TRUE(IsValidBech32Address(
      "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"));
}

TEST(BitcoinTest, Bech32RejectsBadChecksumAndMixedCase) {
  EXPECT_FALSE(
      IsValidBech32Address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
  EXPECT_FALSE(
      IsValidBech32Address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kV8f3t4"));
  // v1 with a bech32 (not bech32m) checksum: BIP-350 says invalid.
  EXPECT_FALSE(
      IsValidBech32Address("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y"
                           "5r3zarvary0c5xw7k7grplx"));
}

TEST(ExtractTest, FindsContactsWithOffsets) {
  const std::string text =
      "Write to Decrypt.Help@Proton.me or support@tutanota.com.\n"
      "Our site: http://abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcd"
      "efgh.onion/chat\n";
  const auto found = ExtractIndicators(text);
  ASSERT_GE(found.size(), 4u);
  EXPECT_EQ(found[0].kind, IndicatorKind::kEmail);
  EXPECT_EQ(found[0].value, "decrypt.help@proton.me");
  EXPECT_EQ(found[0].offset, 9u);
  EXPECT_EQ(found[1].value, "support@tutanota.com");
  EXPECT_EQ(Kinds(text)[2],
            std::make_pair(IndicatorKind::kUrl,
                           std::string("http://abcdefghijklmnopabcdefghijklm"
                                       "nopabcdefghijklmnopabcdefgh.onion/"
                                       "chat")));
  EXPECT_EQ(Kinds(text)[3].first, IndicatorKind::kOnion);
  EXPECT_EQ(Kinds(text)[3].second,
            "abcdefghijklmnopabcdefghijklmnopabcdefghijklmnopabcdefgh.onion");
}

TEST(ExtractTest, OnionV2AndWrongLengths) {
  EXPECT_THAT(Kinds("visit abcdefghijklmnop.onion now"),
              ElementsAre(std::make_pair(IndicatorKind::kOnion,
                                         "abcdefghijklmnop.onion")));
  EXPECT_THAT(Kinds("visit abcdefghijklmno.onion now"), IsEmpty());
}

TEST(ExtractTest, WalletsToxSession) {
  const std::string tox(76, 'a');
  const std::string session = "05" + std::string(64, 'b');
  const std::string text = "BTC: " + std::string(kP2pkh) +
                           "\nbech32 bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
                           "\nTox " +
                           tox + "\nSession " + session + "\n";
  EXPECT_THAT(
      Kinds(text),
      ElementsAre(std::make_pair(IndicatorKind::kBitcoin, std::string(kP2pkh)),
                  std::make_pair(IndicatorKind::kBitcoin,
                                 std::string("bc1qw508d6qejxtdg4y5r3zarvary0c5"
                                             "xw7kv8f3t4")),
                  std::make_pair(IndicatorKind::kTox, tox),
                  std::make_pair(IndicatorKind::kSession, session)));
}

TEST(ExtractTest, InvalidWalletIsNotReported) {
  std::string bad(kP2pkh);
  bad[5] = bad[5] == 'z' ? 'y' : 'z';
  EXPECT_THAT(Kinds("pay to " + bad), IsEmpty());
}

TEST(ExtractTest, MoneroAddressShape) {
  // 95 base58 characters starting with 4, every block in range.
  const std::string xmr =
      "4" + std::string(87, '1') + "1111111";  // All-zero payload.
  ASSERT_EQ(xmr.size(), 95u);
  EXPECT_TRUE(IsPlausibleMoneroAddress(xmr));
  EXPECT_FALSE(IsPlausibleMoneroAddress("4" + std::string(94, 'z')));
  EXPECT_THAT(Kinds("XMR " + xmr),
              ElementsAre(std::make_pair(IndicatorKind::kMonero, xmr)));
}

TEST(ExtractTest, TelegramLinksAndHandles) {
  EXPECT_THAT(Kinds("Telegram: @Decrypt_Support1"),
              ElementsAre(std::make_pair(IndicatorKind::kTelegram,
                                         "decrypt_support1")));
  EXPECT_THAT(
      Kinds("https://t.me/files_back"),
      ElementsAre(
          std::make_pair(IndicatorKind::kUrl, "https://t.me/files_back"),
          std::make_pair(IndicatorKind::kTelegram, "files_back")));
}

TEST(ExtractTest, VictimIdNearIdKeyword) {
  const std::string text =
      "Your personal ID:\n0123Xyzabcdefghij4567klmnopqrstuvw8901\n"
      "Then a long paragraph without the keyword, far more than a hundred "
      "and twenty characters long, so that the next token is not taken "
      "as one: 0123Xyzabcdefghij4567klmnopqrstuvw8902 ok";
  const auto found = ExtractIndicators(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, IndicatorKind::kVictimId);
  EXPECT_EQ(found[0].value, "0123Xyzabcdefghij4567klmnopqrstuvw8901");
}

TEST(ExtractTest, CountIsBounded) {
  std::string text;
  for (std::size_t i = 0; i < limits::kMaxIndicatorsPerInput + 50; ++i) {
    text += "u" + std::to_string(i) + "@example.com ";
  }
  EXPECT_EQ(ExtractIndicators(text).size(), limits::kMaxIndicatorsPerInput);
}

TEST(ExtractTest, DuplicatesAreReportedOnce) {
  EXPECT_THAT(ExtractIndicators("a@b.cc a@b.cc A@B.CC"),
              ElementsAre(Field(&Indicator::value, "a@b.cc")));
}

}  // namespace
}  // namespace kintsugi::text
