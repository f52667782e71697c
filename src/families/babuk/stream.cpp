#include "families/babuk/stream.h"

#include <algorithm>

namespace kintsugi::families {

Result<std::size_t> BabukFooterStream::Update(ByteView in,
                                              std::span<std::uint8_t> out) {
  const std::uint64_t start = position_;
  position_ += in.size();
  if (start >= original_size_) return std::size_t{0};
  const auto keep = static_cast<std::size_t>(
      std::min<std::uint64_t>(in.size(), original_size_ - start));
  if (out.size() < keep) return InternalError("output too small");
  KINTSUGI_RETURN_IF_ERROR(Transform(start, in.First(keep), out.first(keep)));
  return keep;
}

Result<std::size_t> BabukFooterStream::Finish(std::span<std::uint8_t>) {
  if (position_ != file_size_) {
    return CorruptError("the file is not the size it was when probed");
  }
  return std::size_t{0};
}

}  // namespace kintsugi::families
