#include "kb/bundle.h"

#include <algorithm>

#include "kintsugi/limits.h"

namespace kintsugi::kb::internal {
namespace {

void PutU32(Bytes* out, std::size_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out->push_back(static_cast<std::uint8_t>((value >> shift) & 0xff));
  }
}

}  // namespace

std::vector<std::string> ListBundlePaths(const std::filesystem::path& root,
                                         std::error_code& ec) {
  namespace stdfs = std::filesystem;
  std::vector<std::string> paths;
  for (const auto& entry : stdfs::directory_iterator(root, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.ends_with(".yaml")) {
      paths.push_back(name);
    }
  }
  const stdfs::path notes = root / "notes";
  if (!ec && stdfs::is_directory(notes)) {
    for (const auto& family : stdfs::directory_iterator(notes, ec)) {
      if (!family.is_directory()) continue;
      for (const auto& note : stdfs::directory_iterator(family.path(), ec)) {
        if (!note.is_regular_file()) continue;
        paths.push_back("notes/" + family.path().filename().string() + "/" +
                        note.path().filename().string());
      }
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

Bytes PackBundle(const std::vector<KbFile>& files) {
  Bytes out(kBundleMagic.begin(), kBundleMagic.end());
  PutU32(&out, files.size());
  for (const auto& file : files) {
    PutU32(&out, file.path.size());
    out.insert(out.end(), file.path.begin(), file.path.end());
    PutU32(&out, file.data.size());
    out.insert(out.end(), file.data.begin(), file.data.end());
  }
  return out;
}

Result<std::vector<KbFile>> UnpackBundle(ByteView bundle) {
  if (bundle.size() > limits::kMaxKbBundleBytes) {
    return ResourceExhaustedError("kb bundle larger than kMaxKbBundleBytes");
  }
  if (!bundle.StartsWith(ByteView::FromString(kBundleMagic))) {
    return CorruptError("kb bundle: bad magic");
  }
  ByteReader reader(bundle);
  KINTSUGI_RETURN_IF_ERROR(reader.Skip(kBundleMagic.size()));
  KINTSUGI_ASSIGN_OR_RETURN(std::uint32_t count, reader.ReadU32Le());
  std::vector<KbFile> files;
  for (std::uint32_t i = 0; i < count; ++i) {
    KINTSUGI_ASSIGN_OR_RETURN(std::uint32_t path_len, reader.ReadU32Le());
    KINTSUGI_ASSIGN_OR_RETURN(ByteView path, reader.ReadBytes(path_len));
    KINTSUGI_ASSIGN_OR_RETURN(std::uint32_t data_len, reader.ReadU32Le());
    KINTSUGI_ASSIGN_OR_RETURN(ByteView data, reader.ReadBytes(data_len));
    files.push_back({std::string(path.AsChars()), data});
  }
  return files;
}

}  // namespace kintsugi::kb::internal
