// The store's names: each parses back to what it names, and unknown names
// are refused.

#include "kintsugi/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/status_matchers.h"

namespace kintsugi {
namespace {

TEST(KeyStoreNamesTest, EveryNameParsesBack) {
  for (KeyType type :
       {KeyType::kRsaPrivatePem, KeyType::kRsaPrivateDer,
        KeyType::kX25519Private, KeyType::kSymmetric, KeyType::kSeed}) {
    EXPECT_THAT(ParseKeyType(KeyTypeName(type)), IsOkAndHolds(type));
  }
  for (HandleKind kind : {HandleKind::kNone, HandleKind::kVictimId,
                          HandleKind::kCampaign, HandleKind::kFingerprint}) {
    EXPECT_THAT(ParseHandleKind(HandleKindName(kind)), IsOkAndHolds(kind));
  }
  for (ReleaseState state :
       {ReleaseState::kReleased, ReleaseState::kEmbargoed}) {
    EXPECT_THAT(ParseReleaseState(ReleaseStateName(state)),
                IsOkAndHolds(state));
  }
  EXPECT_EQ(KeyTypeName(KeyType::kRsaPrivatePem), "rsa-private-pem");
  EXPECT_EQ(HandleKindName(HandleKind::kVictimId), "victim-id");
  EXPECT_EQ(ReleaseStateName(ReleaseState::kEmbargoed), "embargoed");
}

TEST(KeyStoreNamesTest, UnknownNamesAreRefused) {
  EXPECT_THAT(ParseKeyType("RSA-PRIVATE-PEM"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseKeyType(""), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseHandleKind("victim"),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseReleaseState("public"),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(KeyStoreNamesTest, DatesAreChecked) {
  KeyRecord record;
  record.family = "f";
  record.key = SecretBytes(Bytes{1});
  for (const char* good : {"", "2024-02-20", "1999-12-31"}) {
    record.provenance.date = good;
    EXPECT_THAT(ValidateKeyRecord(record), IsOk()) << good;
  }
  for (const char* bad : {"2024-2-20", "2024-13-01", "2024-00-10", "2024-01-32",
                          "2024-01-00", "2024/01/01", "2024-01-01T00:00"}) {
    record.provenance.date = bad;
    EXPECT_THAT(ValidateKeyRecord(record),
                StatusIs(StatusCode::kInvalidArgument))
        << bad;
  }
}

}  // namespace
}  // namespace kintsugi
