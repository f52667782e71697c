// InputFromBytes (the portal's inputs) against ReadInput on the same bytes:
// the portal's identify answers what the CLI answers.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/testing/status_matchers.h"
#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/limits.h"

namespace kintsugi::identify {
namespace {

Bytes Random(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes bytes(size);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  return bytes;
}

Bytes Text(std::string_view text) {
  return ByteView::FromString(text).ToBytes();
}

class InputFromBytesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kintsugi-input-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Both readings of `bytes` as a file named `name`: from disk, and from the
  // head and tail a browser would send.
  std::pair<Result<Input>, Result<Input>> Both(const std::string& name,
                                               const Bytes& bytes) {
    const std::filesystem::path path = dir_ / name;
    {
      std::ofstream out(path, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
    }
    const ByteView view(bytes);
    const ByteView head = view.First(limits::kFileHeadBytes);
    const ByteView tail = bytes.size() > limits::kFileHeadBytes
                              ? view.Last(limits::kFileTailBytes)
                              : ByteView();
    return {ReadInput(RealFileSystem(), path.string()),
            InputFromBytes(path.string(), bytes.size(), head, tail)};
  }

  std::filesystem::path dir_;
};

TEST_F(InputFromBytesTest, ClassifiesAsReadInputDoes) {
  const Bytes large = Random(300 * 1024, 1);
  const Bytes small = Random(1000, 2);
  const Bytes note = Text(
      "All your files are encrypted. To decrypt them write to "
      "help@example.invalid and pay 980 USD in Bitcoin.\n");
  Bytes utf16_bad = {0xFF, 0xFE, 'a', 0, 0x00, 0xD8, 'b', 0};
  for (const auto& [name, bytes] : {std::pair{std::string("a.jpg.djvu"), large},
                                    {"b.docx.locked", small},
                                    {"_readme.txt", note},
                                    {"bad.txt", utf16_bad}}) {
    const auto [read, sent] = Both(name, bytes);
    ASSERT_EQ(read.has_value(), sent.has_value()) << name;
    if (!read) {
      EXPECT_EQ(read.error().code(), sent.error().code()) << name;
      continue;
    }
    EXPECT_EQ(read->kind, sent->kind) << name;
    EXPECT_EQ(read->source, sent->source) << name;
    EXPECT_EQ(read->file_name, sent->file_name) << name;
    EXPECT_EQ(read->content, sent->content) << name;
    EXPECT_EQ(read->tail, sent->tail) << name;
    EXPECT_EQ(read->size, sent->size) << name;
  }
}

TEST_F(InputFromBytesTest, RefusesAHeadLongerThanTheFileAndEmptyBytes) {
  const Bytes head = Random(100, 3);
  EXPECT_THAT(InputFromBytes("x", 10, head, {}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(InputFromBytes("x", 0, {}, {}),
              StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace kintsugi::identify
