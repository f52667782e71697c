// UUIDv5 against published vectors (docs/exports.md "Identifiers"): the
// ids of every export rest on it, so a wrong byte order or version bit
// would change every id partners have stored.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/testing/status_matchers.h"
#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export {
namespace {

TEST(UuidTest, Rfc9562VectorForTheDnsNamespace) {
  // RFC 9562 Appendix A.4 (UUIDv5, DNS namespace, "www.example.com").
  EXPECT_EQ(UuidV5(DnsNamespace(), "www.example.com").ToString(),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2");
}

TEST(UuidTest, PythonDocumentationVector) {
  // The uuid module's documented example: uuid5(NAMESPACE_DNS,
  // 'python.org').
  EXPECT_EQ(UuidV5(DnsNamespace(), "python.org").ToString(),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(UuidTest, NamespacesAreTheRfcOnes) {
  // RFC 9562 §6.6.
  EXPECT_EQ(DnsNamespace().ToString(), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(UrlNamespace().ToString(), "6ba7b811-9dad-11d1-80b4-00c04fd430c8");
}

TEST(UuidTest, KintsugiNamespaceIsDerivedAsDocumented) {
  EXPECT_EQ(KintsugiNamespace(),
            UuidV5(UrlNamespace(), "urn:kintsugi:kb-export"));
  EXPECT_EQ(KintsugiNamespace().ToString(),
            "c17153af-a23a-5aee-a186-5faff6e58fa8");
}

TEST(UuidTest, VersionAndVariantBitsAreSetForAnyName) {
  for (std::string_view name : {"", "a", "family:stop-djvu", "\xff\x00\x01"}) {
    const Uuid uuid = UuidV5(KintsugiNamespace(), name);
    EXPECT_EQ(uuid.bytes[6] >> 4, 5) << name;
    EXPECT_EQ(uuid.bytes[8] >> 6, 2) << name;
  }
  EXPECT_NE(UuidV5(KintsugiNamespace(), "a"), UuidV5(KintsugiNamespace(), "b"));
  EXPECT_NE(UuidV5(DnsNamespace(), "a"), UuidV5(UrlNamespace(), "a"));
}

TEST(UuidTest, ParseReadsBackWhatToStringWrites) {
  const Uuid uuid = UuidV5(DnsNamespace(), "www.example.com");
  EXPECT_THAT(ParseUuid(uuid.ToString()), IsOkAndHolds(uuid));
  EXPECT_THAT(ParseUuid("2ED6657D-E927-568B-95E1-2665A8AEA6A2"),
              IsOkAndHolds(uuid));
}

TEST(UuidTest, ParseRefusesOtherForms) {
  for (std::string_view bad : {"", "2ed6657d-e927-568b-95e1-2665a8aea6a",
                               "2ed6657de927568b95e12665a8aea6a2",
                               "2ed6657d-e927-568b-95e1-2665a8aea6a2 ",
                               "2ed6657d_e927-568b-95e1-2665a8aea6a2",
                               "2ed6657d-e927-568b-95e1-2665a8aea6g2",
                               "2ed6657-de927-568b-95e1-2665a8aea6a2",
                               "{2ed6657d-e927-568b-95e1-2665a8aea6}"}) {
    EXPECT_THAT(ParseUuid(bad), StatusIs(StatusCode::kInvalidArgument)) << bad;
  }
}

}  // namespace
}  // namespace kintsugi::kb_export
