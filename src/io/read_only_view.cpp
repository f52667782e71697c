// ReadOnlyView (include/kintsugi/fs.h): a separate object that forwards the
// reading calls only, so that no cast reaches the writing half of the file
// system behind it.

#include <memory>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi {
namespace {

class ReadOnlyFileSystemView final : public ReadOnlyFileSystem {
 public:
  explicit ReadOnlyFileSystemView(ReadOnlyFileSystem& fs) : fs_(fs) {}

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const Path& path) override {
    return fs_.OpenForRead(path);
  }
  Result<FileInfo> Stat(const Path& path,
                        bool follow_symlinks = false) override {
    return fs_.Stat(path, follow_symlinks);
  }
  Result<std::vector<DirEntry>> ListDir(const Path& dir) override {
    return fs_.ListDir(dir);
  }
  Result<bool> IsPseudoFileSystem(const Path& dir) override {
    return fs_.IsPseudoFileSystem(dir);
  }

 private:
  ReadOnlyFileSystem& fs_;
};

}  // namespace

std::unique_ptr<ReadOnlyFileSystem> ReadOnlyView(ReadOnlyFileSystem& fs) {
  return std::make_unique<ReadOnlyFileSystemView>(fs);
}

}  // namespace kintsugi
