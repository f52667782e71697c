// Disk images (kintsugi/disk_image.h): images built in a temporary folder
// from a tree of files (mke2fs -d for ext4, mkfs.fat + mcopy for FAT, an
// MBR written here for a partitioned disk) read back through the adapter
// exactly as the tree was: the same names, types, sizes, bytes and mtimes;
// and damaged images fail with a clear status. Skipped only where a tool
// is missing.

#include "kintsugi/disk_image.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/testing/cli_testing.h"
#include "core/testing/status_matchers.h"
#include "io/testing/image_tools.h"
#include "kintsugi/fs.h"

namespace kintsugi {
namespace {

namespace stdfs = std::filesystem;
using ::testing::ElementsAre;

using testing::FindImageTool;
using testing::RunQuietly;

Bytes RandomBytes(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes out(size);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

void WriteFile(const stdfs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

Bytes ReadFile(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// Mtimes on even seconds, before 2038 and after 1980: what FAT can hold.
void SetMtime(const stdfs::path& path, std::int64_t seconds) {
  const timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0)
      << path;
}

// What a walk sees of one file or folder.
struct Seen {
  FileType type = FileType::kOther;
  std::uint64_t size = 0;
  Bytes bytes;
  std::int64_t mtime_s = 0;
  std::uint32_t mode = 0;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{type " << static_cast<int>(s.type) << ", size " << s.size
            << ", mtime " << s.mtime_s << ", mode " << std::oct << s.mode
            << std::dec << "}";
}

struct WalkOptions {
  bool modes = true;  // FAT keeps no permission bits.
};

// The tree as the real file system shows it (never following links).
std::map<std::string, Seen> WalkTree(const stdfs::path& root,
                                     WalkOptions options) {
  std::map<std::string, Seen> out;
  for (const auto& entry : stdfs::recursive_directory_iterator(root)) {
    const std::string rel =
        "/" + entry.path().lexically_relative(root).string();
    struct stat st {};
    EXPECT_EQ(::lstat(entry.path().c_str(), &st), 0);
    Seen seen;
    seen.mtime_s = st.st_mtim.tv_sec;
    seen.mode = options.modes ? (st.st_mode & 07777) : 0;
    if (S_ISLNK(st.st_mode)) {
      seen.type = FileType::kSymlink;
      seen.mode = 0;
      seen.mtime_s = 0;
    } else if (S_ISDIR(st.st_mode)) {
      seen.type = FileType::kDirectory;
      seen.mtime_s = 0;  // Changed by adding entries; not compared.
    } else {
      seen.type = FileType::kRegular;
      seen.bytes = ReadFile(entry.path());
      seen.size = seen.bytes.size();
    }
    out[rel] = seen;
  }
  return out;
}

// The same through a ReadOnlyFileSystem, reading files in odd-sized
// chunks (as a walker's head/tail reads would).
void WalkImage(ReadOnlyFileSystem& fs, const Path& dir, const Path& shown_as,
               WalkOptions options, std::map<std::string, Seen>& out) {
  auto listing = fs.ListDir(dir);
  ASSERT_THAT(listing, IsOk()) << dir;
  for (std::size_t i = 1; i < listing->size(); ++i) {
    EXPECT_LT((*listing)[i - 1].name, (*listing)[i].name) << dir;
  }
  for (const DirEntry& e : *listing) {
    EXPECT_NE(e.name, ".");
    EXPECT_NE(e.name, "..");
    const Path path = dir / e.name;
    const Path shown = shown_as / e.name;
    if (shown == "/lost+found") continue;  // mke2fs's own folder.
    auto info = fs.Stat(path, false);
    ASSERT_THAT(info, IsOk()) << path;
    EXPECT_EQ(info->type, e.type) << path;
    Seen seen;
    seen.type = info->type;
    seen.mtime_s = info->mtime_ns / 1'000'000'000;
    seen.mode = options.modes ? info->mode : 0;
    if (info->type == FileType::kSymlink) {
      seen.mode = 0;
      seen.mtime_s = 0;
    } else if (info->type == FileType::kDirectory) {
      seen.mtime_s = 0;
      WalkImage(fs, path, shown, options, out);
    } else if (info->type == FileType::kRegular) {
      seen.size = info->size;
      auto file = fs.OpenForRead(path);
      ASSERT_THAT(file, IsOk()) << path;
      std::vector<std::uint8_t> chunk(7919);
      for (std::uint64_t at = 0;;) {
        auto n = (*file)->ReadAt(at, chunk);
        ASSERT_THAT(n, IsOk()) << path;
        if (*n == 0) break;
        seen.bytes.insert(seen.bytes.end(), chunk.begin(),
                          chunk.begin() + static_cast<std::ptrdiff_t>(*n));
        at += *n;
      }
    }
    out[shown.string()] = seen;
  }
}

class DiskImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTestDir("disk-image");
    ASSERT_FALSE(dir_.empty());
    tree_ = dir_ / "tree";
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);  // Our own mkdtemp folder only.
  }

  // A few folders, files of many sizes (empty, one byte, around the 4 KiB
  // block, > 64 KiB), unicode names and, unless `symlinks` is false, a
  // relative and an absolute symbolic link.
  void MakeTree(bool symlinks) {
    stdfs::create_directories(tree_ / "docs" / "deep" / "deeper");
    stdfs::create_directories(tree_ / "empty folder");
    stdfs::create_directories(tree_ / "fotos-été");
    WriteFile(tree_ / "empty.txt", {});
    WriteFile(tree_ / "one.txt", {'x'});
    WriteFile(tree_ / "docs" / "block.bin", RandomBytes(4096, 1));
    WriteFile(tree_ / "docs" / "odd.bin", RandomBytes(4097, 2));
    WriteFile(tree_ / "docs" / "deep" / "big.bin", RandomBytes(300000, 3));
    WriteFile(tree_ / "docs" / "deep" / "deeper" / "note.txt",
              {'h', 'i', '\n'});
    WriteFile(tree_ / "fotos-été" / "страница 文件.jpg", RandomBytes(70000, 4));
    std::int64_t t = 1'600'000'000;
    for (const auto& e : stdfs::recursive_directory_iterator(tree_)) {
      if (e.is_regular_file()) SetMtime(e.path(), t += 2);
    }
    ::chmod((tree_ / "one.txt").c_str(), 0640);
    ::chmod((tree_ / "docs" / "odd.bin").c_str(), 0755);
    if (symlinks) {
      stdfs::create_symlink("one.txt", tree_ / "link-to-one");
      stdfs::create_symlink("../docs/deep/big.bin",
                            tree_ / "fotos-été" / "link-to-big");
      stdfs::create_symlink("/docs/deep/deeper", tree_ / "absolute-link");
      stdfs::create_symlink("loop-b", tree_ / "loop-a");
      stdfs::create_symlink("loop-a", tree_ / "loop-b");
    }
  }

  // An ext4 image of the tree (mke2fs -d), or "" with the reason skipped.
  stdfs::path MakeExt4(const std::string& options = "",
                       const std::string& size = "8M") {
    const std::string mke2fs = FindImageTool("mke2fs");
    if (mke2fs.empty()) return "";
    const stdfs::path image = dir_ / "ext4.img";
    EXPECT_TRUE(RunQuietly(mke2fs + " -q -t ext4 -F " + options + " -d " +
                           testing::ShellQuote(tree_) + " " +
                           testing::ShellQuote(image) + " " + size));
    return image;
  }

  stdfs::path dir_;
  stdfs::path tree_;
};

TEST_F(DiskImageTest, Ext4ImageReadsAsTheTreeItCameFrom) {
  MakeTree(/*symlinks=*/true);
  const stdfs::path image = MakeExt4();
  if (image.empty()) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  const Bytes before = ReadFile(image);
  auto fs = OpenDiskImage(image);
  ASSERT_THAT(fs, IsOk());
  std::map<std::string, Seen> seen;
  WalkImage(**fs, "/", "/", {}, seen);
  const auto expected = WalkTree(tree_, {});
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(seen.size(), 17u);
  // Nothing was written to the evidence.
  EXPECT_TRUE(ReadFile(image) == before);
}

TEST_F(DiskImageTest, Ext4SymlinksAreReportedAndFollowedOnlyWhenAsked) {
  MakeTree(/*symlinks=*/true);
  const stdfs::path image = MakeExt4();
  if (image.empty()) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  auto fs = OpenDiskImage(image);
  ASSERT_THAT(fs, IsOk());
  ReadOnlyFileSystem& f = **fs;
  auto link = f.Stat("/link-to-one", false);
  ASSERT_THAT(link, IsOk());
  EXPECT_EQ(link->type, FileType::kSymlink);
  auto target = f.Stat("/link-to-one", true);
  ASSERT_THAT(target, IsOk());
  auto one = f.Stat("/one.txt", false);
  ASSERT_THAT(one, IsOk());
  EXPECT_EQ(target->type, FileType::kRegular);
  EXPECT_EQ(target->inode, one->inode);
  EXPECT_EQ(target->size, 1u);
  EXPECT_EQ(one->mode, 0640u);
  // Relative with "..", and absolute: inside the image, never the host.
  auto big = f.Stat("/fotos-été/link-to-big", true);
  ASSERT_THAT(big, IsOk());
  EXPECT_EQ(big->size, 300000u);
  auto deeper = f.ListDir("/absolute-link");
  ASSERT_THAT(deeper, IsOk());
  ASSERT_EQ(deeper->size(), 1u);
  EXPECT_EQ((*deeper)[0].name, "note.txt");
  auto through = ReadWholeFile(f, "/absolute-link/note.txt", 100);
  ASSERT_THAT(through, IsOk());
  EXPECT_EQ(through->size(), 3u);
  // OpenForRead follows, as open(2) does.
  auto bytes = ReadWholeFile(f, "/link-to-one", 10);
  ASSERT_THAT(bytes, IsOk());
  EXPECT_THAT(*bytes, ElementsAre('x'));
  // A loop ends at the named limit.
  EXPECT_THAT(f.Stat("/loop-a", true),
              StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(f.Stat("/loop-a", false), IsOk());
  // Missing paths, files as folders, folders as files.
  EXPECT_THAT(f.Stat("/nope", false), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(f.Stat("/one.txt/x", false), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(f.OpenForRead("/docs"), StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT(f.ListDir("/one.txt"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(f.Stat("relative", false),
              StatusIs(StatusCode::kInvalidArgument));
  // ".." at the root stays there, as on a real file system.
  auto up = f.Stat("/../docs/./deep/..", false);
  ASSERT_THAT(up, IsOk());
  EXPECT_EQ(up->type, FileType::kDirectory);
}

TEST_F(DiskImageTest, FatImageReadsAsTheTreeItCameFrom) {
  const std::string mkfs = FindImageTool("mkfs.fat");
  const std::string mcopy = FindImageTool("mcopy");
  if (mkfs.empty() || mcopy.empty()) {
    GTEST_SKIP() << "mkfs.fat (dosfstools) or mcopy (mtools) not installed";
  }
  MakeTree(/*symlinks=*/false);  // FAT has none.
  const stdfs::path image = dir_ / "fat.img";
  ASSERT_TRUE(RunQuietly(mkfs + " -n KINTSUGI -C " +
                         testing::ShellQuote(image) + " 8192"));
  std::string copy = "cd " + testing::ShellQuote(tree_) +
                     " && LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 " + mcopy +
                     " -s -m -i " + testing::ShellQuote(image);
  for (const auto& e : stdfs::directory_iterator(tree_)) {
    copy += " " + testing::ShellQuote(e.path().filename());
  }
  ASSERT_TRUE(RunQuietly(copy + " ::"));
  auto fs = OpenDiskImage(image);
  ASSERT_THAT(fs, IsOk());
  std::map<std::string, Seen> seen;
  WalkImage(**fs, "/", "/", {.modes = false}, seen);
  EXPECT_EQ(seen, WalkTree(tree_, {.modes = false}));
  EXPECT_EQ(seen.size(), 12u);
}

// An MBR with two primary partitions: ext4 in the first, nothing The
// Sleuth Kit knows in the second.
TEST_F(DiskImageTest, PartitionsAreTopLevelFolders) {
  MakeTree(/*symlinks=*/false);
  constexpr std::uint64_t kSector = 512;
  constexpr std::uint64_t kFirst = 2048;        // 1 MiB.
  constexpr std::uint64_t kSectors = 8 * 2048;  // 8 MiB each.
  const stdfs::path image =
      MakeExt4("-E offset=" + std::to_string(kFirst * kSector), "8M");
  if (image.empty()) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  stdfs::resize_file(image, (kFirst + 2 * kSectors) * kSector);
  Bytes mbr(512, 0);
  auto entry = [&](std::size_t slot, std::uint8_t type, std::uint32_t start,
                   std::uint32_t count) {
    const std::size_t at = 446 + 16 * slot;
    mbr[at + 4] = type;
    for (int i = 0; i < 4; ++i) {
      mbr[at + 8 + static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(start >> (8 * i));
      mbr[at + 12 + static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(count >> (8 * i));
    }
  };
  entry(0, 0x83, kFirst, kSectors);
  entry(1, 0x83, kFirst + kSectors, kSectors);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;
  {
    std::fstream out(image, std::ios::binary | std::ios::in | std::ios::out);
    out.write(reinterpret_cast<const char*>(mbr.data()), 512);
  }
  auto fs = OpenDiskImage(image);
  ASSERT_THAT(fs, IsOk());
  auto top = (*fs)->ListDir("/");
  ASSERT_THAT(top, IsOk());
  ASSERT_EQ(top->size(), 2u);
  EXPECT_EQ((*top)[0].name, "p1");
  EXPECT_EQ((*top)[1].name, "p2");
  EXPECT_EQ((*top)[0].type, FileType::kDirectory);
  std::map<std::string, Seen> seen;
  WalkImage(**fs, "/p1", "/", {}, seen);
  EXPECT_EQ(seen, WalkTree(tree_, {}));
  auto p1 = (*fs)->Stat("/p1/docs", false);
  ASSERT_THAT(p1, IsOk());
  EXPECT_EQ(p1->device, 1u);
  EXPECT_THAT((*fs)->ListDir("/p2"), StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT((*fs)->Stat("/p3", false), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT((*fs)->OpenForRead("/p1"), StatusIs(StatusCode::kUnsupported));
  auto up = (*fs)->ListDir("/p1/..");
  ASSERT_THAT(up, IsOk());
  EXPECT_EQ(up->size(), 2u);
}

// CRC-32 (IEEE, reflected), as GPT's headers carry it.
std::uint32_t Crc32(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xffffffffu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  }
  return ~crc;
}

void PutLe(Bytes& out, std::size_t at, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out[at + static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(value >> (8 * i));
  }
}

// A GPT disk (UEFI 2.x §5.3) with the ext4 file system in its third entry:
// numbered by its entry, /p3, as Linux would name it sda3.
TEST_F(DiskImageTest, GptPartitionsAreNumberedByTheirEntry) {
  MakeTree(/*symlinks=*/false);
  constexpr std::uint64_t kSector = 512;
  constexpr std::uint64_t kFirst = 2048;
  constexpr std::uint64_t kSectors = 8 * 2048;
  const stdfs::path image =
      MakeExt4("-E offset=" + std::to_string(kFirst * kSector), "8M");
  if (image.empty()) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  const std::uint64_t total = kFirst + kSectors + 64;
  stdfs::resize_file(image, total * kSector);
  Bytes head(34 * kSector, 0);
  // The protective MBR.
  head[446 + 4] = 0xee;
  PutLe(head, 446 + 8, 1, 4);
  PutLe(head, 446 + 12, total - 1, 4);
  head[510] = 0x55;
  head[511] = 0xaa;
  // Entry 3 (index 2) of 128: Linux file system data.
  const std::size_t entries = 2 * kSector;
  const std::size_t entry = entries + 2 * 128;
  const std::uint8_t linux_data[16] = {0xaf, 0x3d, 0xc6, 0x0f, 0x83, 0x84,
                                       0x72, 0x47, 0x8e, 0x79, 0x3d, 0x69,
                                       0xd8, 0x47, 0x7d, 0xe4};
  std::copy(std::begin(linux_data), std::end(linux_data),
            head.begin() + static_cast<std::ptrdiff_t>(entry));
  head[entry + 16] = 1;  // A unique GUID that is not zero.
  PutLe(head, entry + 32, kFirst, 8);
  PutLe(head, entry + 40, kFirst + kSectors - 1, 8);
  // The header.
  const std::size_t h = kSector;
  const char signature[] = "EFI PART";
  std::copy(signature, signature + 8,
            head.begin() + static_cast<std::ptrdiff_t>(h));
  PutLe(head, h + 8, 0x00010000, 4);
  PutLe(head, h + 12, 92, 4);
  PutLe(head, h + 24, 1, 8);
  PutLe(head, h + 32, total - 1, 8);
  PutLe(head, h + 40, 34, 8);
  PutLe(head, h + 48, total - 34, 8);
  head[h + 56] = 7;  // Disk GUID.
  PutLe(head, h + 72, 2, 8);
  PutLe(head, h + 80, 128, 4);
  PutLe(head, h + 84, 128, 4);
  PutLe(head, h + 88, Crc32(head.data() + entries, 128 * 128), 4);
  PutLe(head, h + 16, Crc32(head.data() + h, 92), 4);
  {
    std::fstream out(image, std::ios::binary | std::ios::in | std::ios::out);
    out.write(reinterpret_cast<const char*>(head.data()),
              static_cast<std::streamsize>(head.size()));
  }
  auto fs = OpenDiskImage(image);
  ASSERT_THAT(fs, IsOk());
  auto top = (*fs)->ListDir("/");
  ASSERT_THAT(top, IsOk());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].name, "p3");
  std::map<std::string, Seen> seen;
  WalkImage(**fs, "/p3", "/", {}, seen);
  EXPECT_EQ(seen, WalkTree(tree_, {}));
}

TEST_F(DiskImageTest, ConcurrentReadersGetTheRightBytes) {
  MakeTree(/*symlinks=*/false);
  const stdfs::path image = MakeExt4();
  if (image.empty()) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  auto fs = OpenDiskImage(image);
  ASSERT_THAT(fs, IsOk());
  const std::vector<std::string> files = {"/docs/deep/big.bin", "/docs/odd.bin",
                                          "/docs/block.bin",
                                          "/fotos-été/страница 文件.jpg"};
  std::vector<bool> same(files.size(), false);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < files.size(); ++i) {
    threads.emplace_back([&, i] {
      bool all = true;
      for (int round = 0; round < 5; ++round) {
        auto bytes = ReadWholeFile(**fs, files[i], 1 << 20);
        all = all && bytes.has_value() &&
              *bytes == ReadFile(tree_.string() + files[i]);
        all = all && (*fs)->ListDir("/docs").has_value();
      }
      same[i] = all;
    });
  }
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_TRUE(same[i]) << files[i];
  }
}

TEST_F(DiskImageTest, WhatIsNoImageGetsAClearStatus) {
  EXPECT_THAT(OpenDiskImage(dir_ / "missing.img"),
              StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(OpenDiskImage(dir_), StatusIs(StatusCode::kUnsupported));
  WriteFile(dir_ / "empty.img", {});
  EXPECT_THAT(OpenDiskImage(dir_ / "empty.img"),
              StatusIs(StatusCode::kUnsupported));
  WriteFile(dir_ / "random.img", RandomBytes(1 << 20, 9));
  auto random = OpenDiskImage(dir_ / "random.img");
  EXPECT_THAT(random, StatusIs(StatusCode::kUnsupported));
  EXPECT_THAT(random.error().message(),
              ::testing::StartsWith("disk_image.unrecognised: "));
  EXPECT_THAT(OpenDiskImageBytes(ByteView::FromString("hello")),
              StatusIs(StatusCode::kUnsupported));
}

// A truncated image opens or not, but every call ends with a status.
TEST_F(DiskImageTest, TruncatedExt4ImageFailsCleanly) {
  MakeTree(/*symlinks=*/true);
  const stdfs::path image = MakeExt4();
  if (image.empty()) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  const Bytes whole = ReadFile(image);
  for (std::size_t keep : {1024u, 2048u, 65536u, 1u << 20}) {
    SCOPED_TRACE(keep);
    auto fs = OpenDiskImageBytes(ByteView(whole).First(keep));
    if (!fs) {
      EXPECT_THAT(
          fs.error().code(),
          ::testing::AnyOf(StatusCode::kCorrupt, StatusCode::kUnsupported));
      continue;
    }
    // What is read is what the file holds; what is cut off is an error.
    auto big = ReadWholeFile(**fs, "/docs/deep/big.bin", 1 << 20);
    if (big) {
      EXPECT_TRUE(*big == ReadFile(tree_ / "docs/deep/big.bin"));
    } else {
      EXPECT_THAT(big.error().code(), ::testing::AnyOf(StatusCode::kCorrupt,
                                                       StatusCode::kNotFound));
    }
  }
}

}  // namespace
}  // namespace kintsugi
