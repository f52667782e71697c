// Makes the tree that bench/recover/tree.sh recovers (issue 16: a run over
// a million small files stays under 256 MiB): N small files in folders of
// 1,000, one in 100 a Jigsaw specimen (synthetic text encrypted with the
// published key 1, recovery-schemes.md §0 and §3.1), and in the top folder
// a symbolic link to / and a hard link to one specimen, which a run must
// neither follow nor recover twice.
//
// Usage: recover_tree_gen DIR N   (DIR must not exist)

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "crypto/aes_cbc.h"
#include "families/jigsaw/jigsaw.h"
#include "formats/testing/sample_files.h"
#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"

int main(int argc, char** argv) {
  using namespace kintsugi;
  if (argc != 3) {
    std::fprintf(stderr, "usage: recover_tree_gen DIR N\n");
    return 2;
  }
  const Path root = argv[1];
  const unsigned long files = std::strtoul(argv[2], nullptr, 10);
  std::error_code ec;
  if (std::filesystem::exists(root, ec) ||
      !std::filesystem::create_directories(root, ec)) {
    std::fprintf(stderr, "recover_tree_gen: %s exists or cannot be made\n",
                 argv[1]);
    return 1;
  }
  const Bytes plain = formats::samples::MakeText(120);
  // recovery-schemes.md §3.1 "Specimen recipe" (the test-only generator's
  // recipe: PKCS#7 and AES-128-CBC with the published key 1 and IV).
  const Bytes encrypted =
      *crypto::AesCbcEncrypt(*FromHex(families::kJigsawKey1Hex),
                             *FromHex(families::kJigsawIvHex), plain);
  Path first_specimen;
  for (unsigned long i = 0; i < files; ++i) {
    const Path folder = root / ("d" + std::to_string(i / 1000));
    if (i % 1000 == 0) std::filesystem::create_directory(folder, ec);
    const bool specimen = i % 100 == 7;
    const Path path =
        folder / ("f" + std::to_string(i) + (specimen ? ".txt.fun" : ".txt"));
    // Written without fsync (WriteNewFile syncs each file: hours for a
    // million): a benchmark tree, not data.
    const Bytes& bytes = specimen ? encrypted : plain;
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) !=
                      static_cast<ssize_t>(bytes.size())) {
      std::perror(("recover_tree_gen: " + path.string()).c_str());
      return 1;
    }
    ::close(fd);
    if (specimen && first_specimen.empty()) first_specimen = path;
  }
  if (::symlink("/", (root / "to-root").c_str()) != 0 ||
      (!first_specimen.empty() &&
       ::link(first_specimen.c_str(), (root / "hard-link.txt.fun").c_str()) !=
           0)) {
    std::perror("recover_tree_gen: link");
    return 1;
  }
  return 0;
}
