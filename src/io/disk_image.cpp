// Disk images as a ReadOnlyFileSystem (kintsugi/disk_image.h) over The
// Sleuth Kit. Every call into The Sleuth Kit is made under the image's one
// mutex (its handles are not safe for concurrent use) and with a read
// budget (limits::kMaxDiskImageBytesPerCall).

#include "kintsugi/disk_image.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/disk_image_tsk.h"
#include "io/path_check.h"
#include "kintsugi/limits.h"

namespace kintsugi {
namespace io::disk_image {
namespace {

// NTFS's metadata files ($MFT, $MFTMirr, $LogFile, $Volume, $AttrDef, the
// root itself, $Bitmap, $Boot, $BadClus, $Secure, $UpCase, $Extend) and its
// reserved records: MFT records below 16. They are the file system's
// structures, not the user's files.
constexpr TSK_INUM_T kFirstNtfsUserRecord = 16;

// What The Sleuth Kit appends to a FAT volume label's name
// (tsk/fs/fatxxfs_meta.c) when it lists the label as a root entry.
constexpr std::string_view kFatVolumeLabelSuffix = " (Volume Label Entry)";

// Folder listings kept for resolving paths (a walk Stats every entry of
// the folder it just listed); the cache is emptied past this many.
constexpr std::size_t kCachedListings = 64;

FileType FromNameType(TSK_FS_NAME_TYPE_ENUM type) {
  switch (type) {
    case TSK_FS_NAME_TYPE_REG:
      return FileType::kRegular;
    case TSK_FS_NAME_TYPE_DIR:
      return FileType::kDirectory;
    case TSK_FS_NAME_TYPE_LNK:
      return FileType::kSymlink;
    default:
      return FileType::kOther;
  }
}

FileType FromMetaType(TSK_FS_META_TYPE_ENUM type) {
  switch (type) {
    case TSK_FS_META_TYPE_REG:
      return FileType::kRegular;
    case TSK_FS_META_TYPE_DIR:
      return FileType::kDirectory;
    case TSK_FS_META_TYPE_LNK:
      return FileType::kSymlink;
    default:
      return FileType::kOther;
  }
}

// A partition (or the whole image holding a file system directly).
struct Volume {
  std::string name;           // "p1"; empty for a bare file system.
  std::uint64_t device = 0;   // The partition's number; 0 when bare.
  TSK_FS_INFO* fs = nullptr;  // Null: no file system The Sleuth Kit knows.
  Status fs_error;            // Why `fs` is null.
};

struct Entry {
  std::string name;
  TSK_INUM_T addr = 0;
  FileType type = FileType::kOther;
};
using Listing = std::shared_ptr<const std::vector<Entry>>;

// A resolved path: the top of a partitioned image, the root of a volume
// without a file system, or a file of a volume's file system.
struct Node {
  bool top = false;
  std::size_t volume = 0;
  bool has_fs = true;
  TSK_INUM_T addr = 0;
  FileType type = FileType::kDirectory;
};

// Closes a TSK_FS_FILE when it goes out of scope.
struct FileCloser {
  void operator()(TSK_FS_FILE* file) const { tsk_fs_file_close(file); }
};
using TskFile = std::unique_ptr<TSK_FS_FILE, FileCloser>;

// Everything opened from one image; shared by the file system and the
// files it opened, so a file may outlive the file system object.
class OpenedImage {
 public:
  explicit OpenedImage(std::unique_ptr<TskImage> image)
      : image_(std::move(image)) {}
  ~OpenedImage() {
    for (Volume& v : volumes_) {
      if (v.fs != nullptr) tsk_fs_close(v.fs);
    }
    if (vs_ != nullptr) tsk_vs_close(vs_);
  }
  OpenedImage(const OpenedImage&) = delete;
  OpenedImage& operator=(const OpenedImage&) = delete;

  Status Load();

  std::mutex& mutex() { return mutex_; }
  TskImage& image() { return *image_; }
  const std::vector<Volume>& volumes() const { return volumes_; }
  bool partitioned() const { return partitioned_; }

  // The rest is called with mutex() held.
  Result<Node> Resolve(const Path& path, bool follow_last);
  Result<Listing> List(const Node& dir, const Path& shown);
  Result<TskFile> OpenMeta(const Node& node, const Path& shown);
  // kResourceExhausted for a file whose size The Sleuth Kit cannot map in
  // bounded time (limits::kMaxDiskImageFileBeyondImage).
  Status CheckSize(const TSK_FS_META& meta, const Path& shown);
  Result<FileInfo> Info(const Node& node, const Path& shown);
  std::string Shown(const Path& path) const {
    return image_->name() + ":" + path.string();
  }

 private:
  Node VolumeRoot(std::size_t volume) const;
  Result<std::string> LinkTarget(const Node& node, const Path& shown);

  std::mutex mutex_;
  std::unique_ptr<TskImage> image_;
  TSK_VS_INFO* vs_ = nullptr;
  std::vector<Volume> volumes_;
  bool partitioned_ = false;
  std::map<std::pair<std::size_t, TSK_INUM_T>, Listing> listings_;
};

Status OpenedImage::Load() {
  TSK_IMG_INFO* info = image_->info();
  const std::string& name = image_->name();
  image_->StartCall(limits::kMaxDiskImageBytesPerCall);
  if (TSK_FS_INFO* fs = tsk_fs_open_img(info, 0, TSK_FS_TYPE_DETECT)) {
    volumes_.push_back({"", 0, fs, Status::Ok()});
    return Status::Ok();
  }
  if (image_->exhausted()) {
    return TskFailure(*image_, StatusCode::kCorrupt, "", name);
  }
  const std::string no_fs = TakeTskError();
  image_->StartCall(limits::kMaxDiskImageBytesPerCall);
  vs_ = tsk_vs_open(info, 0, TSK_VS_TYPE_DETECT);
  if (vs_ == nullptr) {
    if (image_->exhausted()) {
      return TskFailure(*image_, StatusCode::kCorrupt, "", name);
    }
    const std::string no_vs = TakeTskError();
    return UnsupportedError(
        "disk_image.unrecognised: " + name + ": no file system (" + no_fs +
        ") and no partition table (" + no_vs + ") The Sleuth Kit knows");
  }
  partitioned_ = true;
  // Numbered as Linux numbers them (kintsugi/disk_image.h).
  std::vector<const TSK_VS_PART_INFO*> parts;
  for (TSK_PNUM_T i = 0; i < vs_->part_count; ++i) {
    const TSK_VS_PART_INFO* part = tsk_vs_part_get(vs_, i);
    if (part == nullptr || (part->flags & TSK_VS_PART_FLAG_ALLOC) == 0) {
      continue;
    }
    if (parts.size() == limits::kMaxDiskImagePartitions) {
      return ResourceExhaustedError(
          "disk_image.limit: " + name + ": more than " +
          std::to_string(limits::kMaxDiskImagePartitions) +
          " partitions (limits::kMaxDiskImagePartitions)");
    }
    parts.push_back(part);
  }
  if (parts.empty()) {
    return UnsupportedError("disk_image.unrecognised: " + name +
                            ": a partition table without partitions");
  }
  std::vector<std::uint64_t> numbers;
  std::uint64_t logical = 5;
  for (const TSK_VS_PART_INFO* part : parts) {
    const bool dos = vs_->vstype == TSK_VS_TYPE_DOS;
    if (dos && part->table_num > 0) {
      numbers.push_back(logical++);
    } else if ((dos || vs_->vstype == TSK_VS_TYPE_GPT) && part->slot_num >= 0) {
      numbers.push_back(static_cast<std::uint64_t>(part->slot_num) + 1);
    } else {
      numbers.push_back(numbers.size() + 1);
    }
  }
  std::vector<std::uint64_t> sorted = numbers;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    // A damaged table naming one slot twice: in table order instead.
    for (std::size_t i = 0; i < numbers.size(); ++i) numbers[i] = i + 1;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    Volume v;
    v.device = numbers[i];
    v.name = "p" + std::to_string(numbers[i]);
    image_->StartCall(limits::kMaxDiskImageBytesPerCall);
    v.fs = tsk_fs_open_vol(parts[i], TSK_FS_TYPE_DETECT);
    if (v.fs == nullptr) {
      v.fs_error = TskFailure(*image_, StatusCode::kUnsupported,
                              "disk_image.no_file_system", Shown("/" + v.name));
    }
    volumes_.push_back(std::move(v));
  }
  std::sort(volumes_.begin(), volumes_.end(),
            [](const Volume& a, const Volume& b) { return a.name < b.name; });
  return Status::Ok();
}

Node OpenedImage::VolumeRoot(std::size_t volume) const {
  Node node;
  node.volume = volume;
  node.has_fs = volumes_[volume].fs != nullptr;
  node.addr = node.has_fs ? volumes_[volume].fs->root_inum : 0;
  return node;
}

Result<Listing> OpenedImage::List(const Node& dir, const Path& shown) {
  const Volume& volume = volumes_[dir.volume];
  if (!dir.has_fs) return volume.fs_error;
  const auto key = std::make_pair(dir.volume, dir.addr);
  if (auto it = listings_.find(key); it != listings_.end()) return it->second;
  TSK_FS_INFO* fs = volume.fs;
  {
    KINTSUGI_ASSIGN_OR_RETURN(TskFile self, OpenMeta(dir, shown));
    KINTSUGI_RETURN_IF_ERROR(CheckSize(*self->meta, shown));
  }
  image_->StartCall(limits::kMaxDiskImageBytesPerCall);
  TSK_FS_DIR* tsk_dir = tsk_fs_dir_open_meta(fs, dir.addr);
  if (tsk_dir == nullptr) {
    return TskFailure(*image_, StatusCode::kCorrupt, "disk_image.bad_folder",
                      Shown(shown));
  }
  const std::size_t count = tsk_fs_dir_getsize(tsk_dir);
  auto entries = std::make_shared<std::vector<Entry>>();
  const bool ntfs_root =
      TSK_FS_TYPE_ISNTFS(fs->ftype) != 0 && dir.addr == fs->root_inum;
  const bool fat_root =
      TSK_FS_TYPE_ISFAT(fs->ftype) != 0 && dir.addr == fs->root_inum;
  Status status;
  for (std::size_t i = 0; i < count; ++i) {
    const TSK_FS_NAME* name = tsk_fs_dir_get_name(tsk_dir, i);
    if (name == nullptr || name->name == nullptr) continue;
    const std::string text = name->name;
    if (text.empty() || text == "." || text == ".." ||
        text.find('/') != std::string::npos) {
      continue;
    }
    if ((name->flags & TSK_FS_NAME_FLAG_ALLOC) == 0) continue;  // Deleted.
    if (name->type == TSK_FS_NAME_TYPE_VIRT ||
        name->type == TSK_FS_NAME_TYPE_VIRT_DIR ||
        name->meta_addr == TSK_FS_ORPHANDIR_INUM(fs)) {
      continue;  // $OrphanFiles, FAT's $MBR, $FAT1, $FAT2.
    }
    if (ntfs_root && name->meta_addr < kFirstNtfsUserRecord) continue;
    // The Sleuth Kit shows a FAT volume's label as a file of the root
    // named "LABEL (Volume Label Entry)", of type regular: not a file.
    if (fat_root && text.ends_with(kFatVolumeLabelSuffix)) continue;
    if (entries->size() == limits::kMaxDiskImageDirEntries) {
      status = ResourceExhaustedError(
          "disk_image.limit: " + Shown(shown) + ": more than " +
          std::to_string(limits::kMaxDiskImageDirEntries) +
          " names (limits::kMaxDiskImageDirEntries)");
      break;
    }
    Entry entry{text, name->meta_addr, FromNameType(name->type)};
    // The folder does not say what the entry is, or it may be one of The
    // Sleuth Kit's virtual files under a name of the file system's
    // (exFAT's "$ALLOC_BITMAP", "$UPCASE_TABLE"): its metadata says.
    if (name->type == TSK_FS_NAME_TYPE_UNDEF || text.front() == '$') {
      bool virtual_file = false;
      if (TSK_FS_FILE* file = tsk_fs_dir_get(tsk_dir, i)) {
        if (file->meta != nullptr) {
          entry.type = FromMetaType(file->meta->type);
          virtual_file = file->meta->type == TSK_FS_META_TYPE_VIRT ||
                         file->meta->type == TSK_FS_META_TYPE_VIRT_DIR;
        }
        tsk_fs_file_close(file);
      }
      if (virtual_file) continue;
    }
    entries->push_back(std::move(entry));
  }
  tsk_fs_dir_close(tsk_dir);
  tsk_error_reset();
  if (!status.ok()) return status;
  std::stable_sort(
      entries->begin(), entries->end(),
      [](const Entry& a, const Entry& b) { return a.name < b.name; });
  // A damaged folder naming a file twice: the first one only, so that
  // listing and resolving agree.
  entries->erase(std::unique(entries->begin(), entries->end(),
                             [](const Entry& a, const Entry& b) {
                               return a.name == b.name;
                             }),
                 entries->end());
  if (listings_.size() >= kCachedListings) listings_.clear();
  Listing listing = std::move(entries);
  listings_.emplace(key, listing);
  return listing;
}

Result<TskFile> OpenedImage::OpenMeta(const Node& node, const Path& shown) {
  image_->StartCall(limits::kMaxDiskImageBytesPerCall);
  TskFile file(
      tsk_fs_file_open_meta(volumes_[node.volume].fs, nullptr, node.addr));
  if (file == nullptr || file->meta == nullptr) {
    return TskFailure(*image_, StatusCode::kCorrupt, "disk_image.bad_file",
                      Shown(shown));
  }
  return file;
}

Status OpenedImage::CheckSize(const TSK_FS_META& meta, const Path& shown) {
  const std::uint64_t size =
      meta.size < 0 ? 0 : static_cast<std::uint64_t>(meta.size);
  if (size <= image_->size() + limits::kMaxDiskImageFileBeyondImage) {
    return Status::Ok();
  }
  return ResourceExhaustedError(
      "disk_image.limit: " + Shown(shown) + ": claims " + std::to_string(size) +
      " bytes, more than the whole image holds "
      "(limits::kMaxDiskImageFileBeyondImage; damaged, or sparse)");
}

Result<FileInfo> OpenedImage::Info(const Node& node, const Path& shown) {
  FileInfo info;
  if (node.top || !node.has_fs) {
    info.type = FileType::kDirectory;
    info.mode = 0555;
    info.device = node.top ? 0 : volumes_[node.volume].device;
    return info;
  }
  KINTSUGI_ASSIGN_OR_RETURN(TskFile file, OpenMeta(node, shown));
  const TSK_FS_META& meta = *file->meta;
  info.type = FromMetaType(meta.type);
  info.size = meta.size < 0 ? 0 : static_cast<std::uint64_t>(meta.size);
  info.mtime_ns = static_cast<std::int64_t>(meta.mtime) * 1'000'000'000 +
                  static_cast<std::int64_t>(meta.mtime_nano % 1'000'000'000);
  info.mode = static_cast<std::uint32_t>(meta.mode) & 07777;
  info.device = volumes_[node.volume].device;
  info.inode = node.addr;
  return info;
}

Result<std::string> OpenedImage::LinkTarget(const Node& node,
                                            const Path& shown) {
  KINTSUGI_ASSIGN_OR_RETURN(TskFile file, OpenMeta(node, shown));
  if (file->meta->link != nullptr && file->meta->link[0] != '\0') {
    std::string target = file->meta->link;
    if (target.size() > limits::kMaxDiskImageLinkBytes) {
      return CorruptError("disk_image.bad_link: " + Shown(shown));
    }
    return target;
  }
  // Where the file system keeps the target as the link's content.
  const TSK_OFF_T size = file->meta->size;
  if (size <= 0 ||
      static_cast<std::uint64_t>(size) > limits::kMaxDiskImageLinkBytes) {
    return CorruptError("disk_image.bad_link: " + Shown(shown));
  }
  std::string target(static_cast<std::size_t>(size), '\0');
  const ssize_t n = tsk_fs_file_read(file.get(), 0, target.data(),
                                     target.size(), TSK_FS_FILE_READ_FLAG_NONE);
  if (n != static_cast<ssize_t>(target.size())) {
    return TskFailure(*image_, StatusCode::kCorrupt, "disk_image.bad_link",
                      Shown(shown));
  }
  return target;
}

Result<Node> OpenedImage::Resolve(const Path& path, bool follow_last) {
  KINTSUGI_RETURN_IF_ERROR(CheckPath(path));
  if (!path.is_absolute()) {
    return InvalidArgumentError("disk_image.relative_path: " + Shown(path));
  }
  // Components still to resolve, the next one last.
  std::vector<std::string> pending;
  for (const Path& part : path.relative_path()) {
    pending.push_back(part.string());
  }
  std::reverse(pending.begin(), pending.end());
  std::vector<Node> stack;
  if (partitioned_) {
    Node top;
    top.top = true;
    stack.push_back(top);
  } else {
    stack.push_back(VolumeRoot(0));
  }
  std::size_t hops = 0;
  while (!pending.empty()) {
    const std::string part = std::move(pending.back());
    pending.pop_back();
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (stack.size() > 1) stack.pop_back();
      continue;
    }
    const Node& current = stack.back();
    if (current.top) {
      const auto it =
          std::find_if(volumes_.begin(), volumes_.end(),
                       [&](const Volume& v) { return v.name == part; });
      if (it == volumes_.end()) {
        return NotFoundError("disk_image.not_found: " + Shown(path));
      }
      stack.push_back(
          VolumeRoot(static_cast<std::size_t>(it - volumes_.begin())));
      continue;
    }
    if (current.type != FileType::kDirectory) {
      return NotFoundError("disk_image.not_a_folder: " + Shown(path));
    }
    KINTSUGI_ASSIGN_OR_RETURN(const Listing listing, List(current, path));
    const auto it = std::lower_bound(
        listing->begin(), listing->end(), part,
        [](const Entry& e, const std::string& name) { return e.name < name; });
    if (it == listing->end() || it->name != part) {
      return NotFoundError("disk_image.not_found: " + Shown(path));
    }
    Node node = current;
    node.addr = it->addr;
    node.type = it->type;
    if (node.type == FileType::kSymlink && (!pending.empty() || follow_last)) {
      if (++hops > limits::kMaxDiskImageSymlinkHops) {
        return ResourceExhaustedError(
            "disk_image.limit: " + Shown(path) + ": more than " +
            std::to_string(limits::kMaxDiskImageSymlinkHops) +
            " symbolic links (limits::kMaxDiskImageSymlinkHops)");
      }
      KINTSUGI_ASSIGN_OR_RETURN(const std::string target,
                                LinkTarget(node, path));
      const Path target_path(target);
      // An absolute target is inside the same file system (the image
      // holds no other root it could mean).
      if (target_path.is_absolute()) stack.resize(partitioned_ ? 2 : 1);
      std::vector<std::string> more;
      for (const Path& p : target_path.relative_path()) {
        more.push_back(p.string());
      }
      pending.insert(pending.end(), more.rbegin(), more.rend());
      continue;
    }
    stack.push_back(node);
  }
  return stack.back();
}

class ImageFile final : public ReadableFile {
 public:
  ImageFile(std::shared_ptr<OpenedImage> image, TskFile file, Path path)
      : image_(std::move(image)),
        file_(std::move(file)),
        path_(std::move(path)) {
    const TSK_OFF_T size = file_->meta->size;
    size_ = size < 0 ? 0 : static_cast<std::uint64_t>(size);
  }
  ~ImageFile() override {
    std::lock_guard lock(image_->mutex());
    file_.reset();
  }
  ImageFile(const ImageFile&) = delete;
  ImageFile& operator=(const ImageFile&) = delete;

  Result<std::size_t> ReadAt(std::uint64_t offset,
                             std::span<std::uint8_t> out) override {
    if (offset >= size_ || out.empty()) return std::size_t{0};
    const std::size_t n = static_cast<std::size_t>(
        std::min<std::uint64_t>(out.size(), size_ - offset));
    std::lock_guard lock(image_->mutex());
    image_->image().StartCall(limits::kMaxDiskImageBytesPerCall + n);
    const ssize_t read = tsk_fs_file_read(
        file_.get(), static_cast<TSK_OFF_T>(offset),
        reinterpret_cast<char*>(out.data()), n, TSK_FS_FILE_READ_FLAG_NONE);
    if (read <= 0) {
      return TskFailure(image_->image(), StatusCode::kCorrupt,
                        "disk_image.read_failed", image_->Shown(path_));
    }
    return static_cast<std::size_t>(read);
  }
  Result<std::uint64_t> Size() override { return size_; }

 private:
  std::shared_ptr<OpenedImage> image_;
  TskFile file_;
  Path path_;
  std::uint64_t size_ = 0;
};

class ImageFileSystem final : public ReadOnlyFileSystem {
 public:
  explicit ImageFileSystem(std::shared_ptr<OpenedImage> image)
      : image_(std::move(image)) {}

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const Path& path) override {
    std::lock_guard lock(image_->mutex());
    KINTSUGI_ASSIGN_OR_RETURN(const Node node, image_->Resolve(path, true));
    if (node.top || !node.has_fs) {
      return UnsupportedError("disk_image.not_a_file: " + image_->Shown(path) +
                              ": a folder, not a file");
    }
    KINTSUGI_ASSIGN_OR_RETURN(TskFile file, image_->OpenMeta(node, path));
    KINTSUGI_RETURN_IF_ERROR(image_->CheckSize(*file->meta, path));
    const FileType type = FromMetaType(file->meta->type);
    if (type != FileType::kRegular) {
      return UnsupportedError("disk_image.not_a_file: " + image_->Shown(path) +
                              (type == FileType::kDirectory
                                   ? ": a folder, not a file"
                                   : ": not a regular file"));
    }
    return std::unique_ptr<ReadableFile>(
        std::make_unique<ImageFile>(image_, std::move(file), path));
  }

  Result<FileInfo> Stat(const Path& path, bool follow_symlinks) override {
    std::lock_guard lock(image_->mutex());
    KINTSUGI_ASSIGN_OR_RETURN(const Node node,
                              image_->Resolve(path, follow_symlinks));
    return image_->Info(node, path);
  }

  Result<std::vector<DirEntry>> ListDir(const Path& dir) override {
    std::lock_guard lock(image_->mutex());
    KINTSUGI_ASSIGN_OR_RETURN(const Node node, image_->Resolve(dir, true));
    std::vector<DirEntry> out;
    if (node.top) {
      for (const Volume& v : image_->volumes()) {
        out.push_back({v.name, FileType::kDirectory});
      }
      return out;
    }
    if (node.type != FileType::kDirectory) {
      return InvalidArgumentError("disk_image.not_a_folder: " +
                                  image_->Shown(dir));
    }
    KINTSUGI_ASSIGN_OR_RETURN(const Listing listing, image_->List(node, dir));
    out.reserve(listing->size());
    for (const Entry& e : *listing) out.push_back({e.name, e.type});
    return out;
  }

 private:
  std::shared_ptr<OpenedImage> image_;
};

Result<std::unique_ptr<ReadOnlyFileSystem>> OpenFrom(
    std::unique_ptr<ImageBytes> bytes, std::string name) {
  KINTSUGI_ASSIGN_OR_RETURN(std::unique_ptr<TskImage> tsk,
                            TskImage::Open(std::move(bytes), std::move(name)));
  auto image = std::make_shared<OpenedImage>(std::move(tsk));
  {
    std::lock_guard lock(image->mutex());
    KINTSUGI_RETURN_IF_ERROR(image->Load());
  }
  return std::unique_ptr<ReadOnlyFileSystem>(
      std::make_unique<ImageFileSystem>(std::move(image)));
}

}  // namespace
}  // namespace io::disk_image

Result<std::unique_ptr<ReadOnlyFileSystem>> OpenDiskImage(const Path& image) {
  KINTSUGI_ASSIGN_OR_RETURN(auto bytes, io::disk_image::OpenImageFile(image));
  return io::disk_image::OpenFrom(std::move(bytes), image.string());
}

Result<std::unique_ptr<ReadOnlyFileSystem>> OpenDiskImageBytes(ByteView image) {
  return io::disk_image::OpenFrom(io::disk_image::ImageInMemory(image),
                                  "(image in memory)");
}

}  // namespace kintsugi
