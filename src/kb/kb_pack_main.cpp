// Build tool: packs a kb/ folder into the bundle that embedded_kb.cpp
// compiles into the binary. Usage: kb_pack KB_DIR OUTPUT.
//
// It runs at build time on the project's own kb/ folder, before any
// FileSystem implementation exists in the build graph, so it uses
// std::filesystem and iostreams directly; it never runs on user input.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kb/bundle.h"

namespace {

namespace stdfs = std::filesystem;

bool ReadFile(const stdfs::path& path, kintsugi::Bytes* out) {
  std::error_code ec;
  std::uintmax_t size = stdfs::file_size(path, ec);
  if (ec) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->resize(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(out->data()),  // NOLINT
          static_cast<std::streamsize>(size));
  return static_cast<std::uintmax_t>(in.gcount()) == size;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: kb_pack KB_DIR OUTPUT\n");
    return 2;
  }
  const stdfs::path root = argv[1];
  std::error_code ec;
  const std::vector<std::string> paths =
      kintsugi::kb::internal::ListBundlePaths(root, ec);
  if (ec) {
    std::fprintf(stderr, "kb_pack: cannot list %s: %s\n", argv[1],
                 ec.message().c_str());
    return 1;
  }
  std::vector<kintsugi::Bytes> contents(paths.size());
  std::vector<kintsugi::kb::internal::KbFile> files;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (!ReadFile(root / paths[i], &contents[i])) {
      std::fprintf(stderr, "kb_pack: cannot read %s\n", paths[i].c_str());
      return 1;
    }
    files.push_back({paths[i], kintsugi::ByteView(contents[i])});
  }
  kintsugi::Bytes bundle = kintsugi::kb::internal::PackBundle(files);
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bundle.data()),  // NOLINT
            static_cast<std::streamsize>(bundle.size()));
  if (!out) {
    std::fprintf(stderr, "kb_pack: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
