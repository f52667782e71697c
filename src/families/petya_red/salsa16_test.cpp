#include "families/petya_red/salsa16.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/testing/status_matchers.h"
#include "families/petya_red/testing/specimens.h"
#include "io/memory_file_system.h"

namespace kintsugi::petya_red {
namespace {

template <typename Container>
std::string Hex(const Container& bytes, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
    out += hex;
  }
  return out;
}

KeyCharacters Key(std::string_view text) {
  KeyCharacters key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = text[i];
  return key;
}

// §3.12 "Test vectors", the first: hack-petya's nonce.txt and key
// 1111111111111111 (its bundled files give the whole 512-byte keystream).
TEST(PetyaRedSalsa16Test, HackPetyaVector) {
  const Nonce nonce{0xd4, 0x0e, 0x32, 0x63, 0xc8, 0x8e, 0x82, 0x20};
  const Sector keystream = SectorKeystream(Key("11111111"), nonce);
  EXPECT_EQ(Hex(keystream, 32),
            "ccf00000560f000056bf0000d65f0000"
            "d6440000dac80000a85d0000907f0000");
}

// §3.12 "Test vectors", the second: block 0's keystream and the start of
// sector 55 for key characters Ab3dEf5h and nonce 0102030405060708.
TEST(PetyaRedSalsa16Test, Ab3dEf5hVector) {
  const Nonce nonce{1, 2, 3, 4, 5, 6, 7, 8};
  const KeyCharacters key = Key("Ab3dEf5h");
  EXPECT_EQ(Hex(SectorKeystream(key, nonce), 64),
            "ccf0000076c30000b88300005a0b00003c120000dac80000020400000a140000"
            "000c000000c60000635a0000fe150000c09800005ed9000044620000ebca0000");
  const Sector sector55 = VerificationSector(key, nonce);
  EXPECT_EQ(Hex(sector55, 32),
            "fbc7373741f437378fb437376d3c37370b253737edff3737353337373d233737");
  // Bytes 2-3 of every 4-byte group stay 0x37 (§3.12 "Identification").
  for (std::size_t i = 0; i < sector55.size(); i += 4) {
    EXPECT_EQ(sector55[i + 2], 0x37);
    EXPECT_EQ(sector55[i + 3], 0x37);
  }
}

TEST(PetyaRedSalsa16Test, StateLayout) {
  const Nonce nonce{1, 2, 3, 4, 5, 6, 7, 8};
  const Words w = InitialState(Key("Ab3dEf5h"), nonce, 0x00050007);
  EXPECT_EQ(w[0], 0x7865);
  EXPECT_EQ(w[5], 0x646e);
  EXPECT_EQ(w[10], 0x2d32);
  EXPECT_EQ(w[15], 0x6574);
  // 'A' = 0x41: low byte 0x41 + 0x7A = 0xbb, high byte 0x82.
  EXPECT_EQ(w[1], 0x82bb);
  EXPECT_EQ(w[11], KeyWord('E'));
  EXPECT_EQ(w[6], 0x0201);  // Nonce bytes 0 and 1.
  EXPECT_EQ(w[7], 0x0605);  // Nonce bytes 4 and 5; 2, 3, 6, 7 unused.
  EXPECT_EQ(w[8], 0x0007);
  EXPECT_EQ(w[9], 0x0005);
}

TEST(PetyaRedSalsa16Test, BlocksDifferByCounter) {
  const Nonce nonce{1, 2, 3, 4, 5, 6, 7, 8};
  const Sector keystream = SectorKeystream(Key("Ab3dEf5h"), nonce);
  for (std::size_t n = 1; n < kSectorBlocks; ++n) {
    const Words block =
        KeystreamBlock(Key("Ab3dEf5h"), nonce, static_cast<std::uint32_t>(n));
    EXPECT_EQ(keystream[n * kBlockBytes], block[0] & 0xff);
    EXPECT_EQ(keystream[n * kBlockBytes + 1], block[0] >> 8);
  }
  EXPECT_NE(KeystreamBlock(Key("Ab3dEf5h"), nonce, 1),
            KeystreamBlock(Key("Ab3dEf5h"), nonce, 0));
}

TEST(PetyaRedSalsa16Test, TypedKeyInterleavesAFiller) {
  const auto typed = TypedKey(Key("Ab3dEf5h"));
  EXPECT_EQ(std::string(typed.begin(), typed.end()), "Axbx3xdxExfx5xhx");
}

TEST(PetyaRedSpecimenTest, WritesTheTwoSectorsAndAnImage) {
  io::MemoryFileSystem fs;
  const Path dir = "/specimens";
  ASSERT_THAT(fs.AddDirs(dir), IsOk());
  const Nonce nonce{9, 8, 7, 6, 5, 4, 3, 2};
  const KeyCharacters key = Key("Ab3dEf5h");
  ASSERT_THAT(families_testing::WritePetyaRedSectors(fs, dir, key, nonce),
              IsOk());
  ASSERT_OK_AND_ASSIGN(Bytes s54, fs.Contents(dir / "sector54.bin"));
  ASSERT_OK_AND_ASSIGN(Bytes s55, fs.Contents(dir / "sector55.bin"));
  ASSERT_EQ(s54.size(), kSectorBytes);
  EXPECT_EQ(s54[0], 1);
  EXPECT_EQ(
      Hex(Bytes(s54.begin() + kNonceOffset, s54.begin() + kNonceOffset + 8), 8),
      "0908070605040302");
  const Sector expected = VerificationSector(key, nonce);
  EXPECT_EQ(s55, Bytes(expected.begin(), expected.end()));

  ASSERT_THAT(
      families_testing::WritePetyaRedImage(fs, dir, "disk.img", key, nonce),
      IsOk());
  ASSERT_OK_AND_ASSIGN(Bytes image, fs.Contents(dir / "disk.img"));
  ASSERT_EQ(image.size(), 56 * kSectorBytes);
  EXPECT_EQ(Bytes(image.begin() + 54 * kSectorBytes,
                  image.begin() + 55 * kSectorBytes),
            s54);
  EXPECT_EQ(Bytes(image.begin() + 55 * kSectorBytes, image.end()), s55);
  EXPECT_EQ(image[0], 0);  // No MBR: sector 0 is zeros.
  // A second write of the same name is refused, never overwritten.
  EXPECT_FALSE(
      families_testing::WritePetyaRedImage(fs, dir, "disk.img", key, nonce)
          .ok());
}

}  // namespace
}  // namespace kintsugi::petya_red
