#include "families/akira/akira.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "families/akira/layout.h"
#include "families/akira/search.h"
#include "families/akira/testing/specimens.h"
#include "families/akira/window.h"
#include "io/memory_file_system.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"

namespace kintsugi::families {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// recovery-schemes-3.md §3.9 "Test vectors": akira-bruteforce's
// zeroes.vmdk and ones.vmdk (5 MiB each), with the recorded timestamps.
constexpr families_testing::AkiraTimes kZeroes{
    1741841294372043294, 1741841294373353198, 1741841294374553498,
    1741841294375692465};
constexpr families_testing::AkiraTimes kOnes{
    1741841294358447310, 1741841294359461214, 1741841294360506186,
    1741841294361618022};
constexpr std::size_t kFiveMiB = 5 << 20;

std::string HexAt(const Bytes& bytes, std::size_t offset) {
  return ToHex(ByteView(bytes).Sub(offset, 8)->span());
}

TEST(AkiraLayoutTest, TheSmallFileOfTheWriteUp) {
  // 65,616 bytes at 15 %: E = 3,280, step = 19,685 (§3.9 "Evidence").
  const auto layout = akira::Layout::Make(65'616, 15);
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->parts(), 2u);
  EXPECT_EQ(layout->part_bytes(), 3'280u);
  EXPECT_EQ(layout->step(), 19'685u);
  std::uint64_t begin = 0, end = 0;
  EXPECT_EQ(layout->At(0, begin, end), akira::Segment::kKCipher2);
  EXPECT_EQ(end, 3'280u);
  EXPECT_EQ(layout->At(65'535, begin, end), akira::Segment::kPlain);
  EXPECT_EQ(layout->At(19'685, begin, end), akira::Segment::kKCipher2);
  EXPECT_FALSE(layout->HasChaCha8());
}

TEST(AkiraLayoutTest, ChunksOfAPart) {
  // 5 MiB at 15 %: E = 262,144 = 4 chunks of 0xFFFF and 4 bytes.
  const auto layout = akira::Layout::Make(kFiveMiB, 15);
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->part_bytes(), 262'144u);
  std::uint64_t begin = 0, end = 0;
  EXPECT_EQ(layout->At(65'534, begin, end), akira::Segment::kKCipher2);
  EXPECT_EQ(layout->At(65'535, begin, end), akira::Segment::kChaCha8);
  EXPECT_EQ(begin, 65'535u);
  EXPECT_EQ(end, 131'070u);
  EXPECT_EQ(layout->At(262'140, begin, end), akira::Segment::kKCipher2);
  EXPECT_EQ(layout->At(262'144, begin, end), akira::Segment::kPlain);
  EXPECT_EQ(layout->ChaCha8Bytes(), 2u * 3u * 65'535u);
  EXPECT_TRUE(layout->HasChaCha8());
  // 80 %: five parts' formulas make them overlap: refused.
  EXPECT_FALSE(akira::Layout::Make(kFiveMiB, 80).has_value());
  EXPECT_FALSE(akira::Layout::Make(kFiveMiB, 0).has_value());
}

TEST(AkiraSpecimenTest, MatchesRealAkiraCiphertext) {
  // The generator's bytes are the real files' (§3.9 end-to-end vectors).
  const Bytes zeros =
      families_testing::AkiraEncrypt(Bytes(kFiveMiB, 0), kZeroes, 15);
  ASSERT_EQ(zeros.size(), kFiveMiB + 512);
  EXPECT_EQ(HexAt(zeros, 0), "e569698dfb1eb7d5");
  EXPECT_EQ(HexAt(zeros, 65'535), "eecaf9db9d31d303");
  const Bytes ones =
      families_testing::AkiraEncrypt(Bytes(kFiveMiB, 1), kOnes, 15);
  EXPECT_EQ(HexAt(ones, 0), "87790711f1371c9d");
}

akira::FileKeys KeysOf(const families_testing::AkiraTimes& t) {
  akira::FileKeys keys;
  const auto k1 = akira::DeriveKey(t.t1), k2 = akira::DeriveKey(t.t2),
             k3 = akira::DeriveKey(t.t3), k4 = akira::DeriveKey(t.t4);
  keys.chacha_key = SecretBytes(ByteView(k1.data(), 16));
  keys.chacha_nonce = SecretBytes(ByteView(k2.data(), 8));
  keys.kcipher2_key = SecretBytes(ByteView(k3.data(), 16));
  keys.kcipher2_iv = SecretBytes(ByteView(k4.data(), 16));
  return keys;
}

Result<Bytes> Decrypt(const akira::FileKeys& keys, ByteView file,
                      LostBytes* lost = nullptr) {
  const auto layout = akira::Layout::Make(file.size() - 512, 15);
  if (!layout) return InvalidArgumentError("layout");
  KINTSUGI_ASSIGN_OR_RETURN(auto stream, akira::StartDecryption(keys, *layout));
  Bytes out;
  for (std::size_t at = 0; at < file.size(); at += 7'777) {
    const ByteView in =
        *file.Sub(at, std::min<std::size_t>(7'777, file.size() - at));
    Bytes part(in.size() + 16);
    KINTSUGI_ASSIGN_OR_RETURN(std::size_t n, stream->Update(in, part));
    out.insert(out.end(), part.begin(),
               part.begin() + static_cast<std::ptrdiff_t>(n));
  }
  Bytes tail(16);
  KINTSUGI_ASSIGN_OR_RETURN(std::size_t n, stream->Finish(tail));
  EXPECT_EQ(n, 0u);
  if (lost != nullptr) *lost = stream->Lost();
  return out;
}

TEST(AkiraDecryptionTest, RoundTripsAndReportsUnsolvedChaChaBytes) {
  Bytes plain(3 << 20);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    plain[i] = static_cast<std::uint8_t>(i * 7 + (i >> 9));
  }
  const Bytes file = families_testing::AkiraEncrypt(plain, kZeroes, 15);
  ASSERT_OK_AND_ASSIGN(Bytes out, Decrypt(KeysOf(kZeroes), file));
  EXPECT_THAT(out, ElementsAreArray(plain));
  // Without the ChaCha8 key those chunks stay as they are, reported lost.
  akira::FileKeys partial = KeysOf(kZeroes);
  partial.chacha_key = SecretBytes();
  partial.chacha_nonce = SecretBytes();
  LostBytes lost;
  ASSERT_OK_AND_ASSIGN(Bytes half, Decrypt(partial, file, &lost));
  const auto layout = akira::Layout::Make(plain.size(), 15);
  EXPECT_EQ(lost.total, layout->ChaCha8Bytes());
  EXPECT_EQ(half[0], plain[0]);
  EXPECT_NE(half[65'535], plain[65'535]);
  // Keys of the wrong size are refused.
  akira::FileKeys bad = KeysOf(kZeroes);
  bad.kcipher2_iv = SecretBytes(Bytes(8));
  EXPECT_THAT(akira::StartDecryption(bad, *layout),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(AkiraIdentifyTest, TheOlderFooterIsToldApart) {
  // v1/v2: ... mode, percent, original size (LE) at the end.
  const std::uint64_t size = 10'000 + 534;
  Bytes tail(10, 0);
  tail[0] = 1;   // Part.
  tail[1] = 15;  // Percent.
  for (int i = 0; i < 8; ++i) {
    tail[static_cast<std::size_t>(2 + i)] =
        static_cast<std::uint8_t>(std::uint64_t{10'000} >> (8 * i));
  }
  EXPECT_TRUE(akira::HasOlderFooter(tail, size));
  EXPECT_FALSE(akira::HasOlderFooter(tail, size + 1));
  tail[1] = 200;
  EXPECT_FALSE(akira::HasOlderFooter(tail, size));
}

TEST(AkiraWindowTest, LogTimesAndBounds) {
  EXPECT_EQ(akira::LogLineTime("2025-03-13T05:28:14.361Z hostd[1]: x"),
            1741843694361000000ULL);
  EXPECT_EQ(akira::UtcNanos(1741843694361000001ULL),
            "2025-03-13T05:28:14.361000001Z");
  EXPECT_FALSE(akira::LogLineTime("Mar 13 05:28:14 host sshd").has_value());
  io::MemoryFileSystem fs;
  ASSERT_THAT(fs.AddDirs("/logs"), IsOk());
  const std::string log =
      "2025-03-13T05:28:13.900Z hostd[1]: opened /vmfs/volumes/ds/vm1/a.vmx\n"
      "2025-03-13T05:28:14.250Z hostd[1]: other vm2/b.vmdk\n"
      "2025-03-13T05:28:14.300Z hostd[1]: lock vm1/disk-flat.vmdk\n"
      "2025-03-13T05:28:15.300Z hostd[1]: after vm1\n";
  ASSERT_THAT(
      fs.AddFile("/logs/hostd.log",
                 ByteView(reinterpret_cast<const std::uint8_t*>(log.data()),
                          log.size())),
      IsOk());
  akira::WindowEvidence evidence;
  evidence.mtime_ns = 1741843694000000000LL;  // A whole second (VMFS).
  evidence.names = {"disk-flat.vmdk.akira", "disk-flat.vmdk", "vm1"};
  ASSERT_OK_AND_ASSIGN(auto window, akira::ResolveWindow(fs, evidence));
  ASSERT_TRUE(window.has_value());
  EXPECT_EQ(window->last, 1741843694999999999ULL);
  EXPECT_EQ(window->first, 1741843694000000000ULL);
  evidence.logs = {"/logs/hostd.log"};
  ASSERT_OK_AND_ASSIGN(window, akira::ResolveWindow(fs, evidence));
  EXPECT_EQ(window->first, 1741843694300000000ULL);
  EXPECT_THAT(window->first_from, HasSubstr("hostd.log line 3"));
  // A range given wins; a missing log is an error.
  evidence.range = std::make_pair(5u, 9u);
  ASSERT_OK_AND_ASSIGN(window, akira::ResolveWindow(fs, evidence));
  EXPECT_EQ(window->first, 5u);
  evidence.range.reset();
  evidence.logs = {"/logs/none.log"};
  EXPECT_FALSE(akira::ResolveWindow(fs, evidence).ok());
}

}  // namespace
}  // namespace kintsugi::families
