#include "families/akira/layout.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "recover/lost_bytes.h"

namespace kintsugi::families::akira {
namespace {

// The ciphers of one file, walked in file order (§3.9 steps 6-7).
class Schedule {
 public:
  Schedule(const FileKeys& keys, const Layout& layout) : layout_(layout) {
    (void)kc2_.Init(keys.kcipher2_key.view(), keys.kcipher2_iv.view());
    if (!keys.chacha_key.empty()) {
      has_chacha_ =
          chacha_.Init(keys.chacha_key.view(), keys.chacha_nonce.view()).ok();
    }
  }

  // Processes the original's bytes [pos_, pos_ + in.size()) into `out`.
  void Run(ByteView in, std::span<std::uint8_t> out,
           recover::LostBytesRecorder* lost) {
    std::size_t done = 0;
    while (done < in.size()) {
      std::uint64_t begin = 0;
      std::uint64_t end = 0;
      const Segment segment = layout_.At(pos_, begin, end);
      const auto take = static_cast<std::size_t>(
          std::min<std::uint64_t>(end - pos_, in.size() - done));
      const ByteView piece(in.data() + done, take);
      const std::span<std::uint8_t> to = out.subspan(done, take);
      switch (segment) {
        case Segment::kPlain:
          std::copy(piece.begin(), piece.end(), to.begin());
          break;
        case Segment::kKCipher2:
          (void)kc2_.Xor(piece, to);
          break;
        case Segment::kChaCha8:
          if (has_chacha_) {
            // Every ChaCha8 chunk starts on a fresh block (step 7).
            if (pos_ == begin) chacha_.AlignToBlock();
            (void)chacha_.Xor(piece, to);
          } else {
            std::copy(piece.begin(), piece.end(), to.begin());
            if (lost != nullptr) lost->Add(pos_, take);
          }
          break;
      }
      pos_ += take;
      done += take;
    }
  }

  std::uint64_t position() const { return pos_; }

 private:
  const Layout& layout_;
  crypto::KCipher2 kc2_;
  crypto::ChaCha8 chacha_;
  bool has_chacha_ = false;
  std::uint64_t pos_ = 0;
};

class Decryption final : public recover::StreamDecryption {
 public:
  Decryption(const FileKeys& keys, const Layout& layout)
      : layout_(layout), schedule_(keys, layout_) {}

  Result<std::size_t> Update(ByteView in,
                             std::span<std::uint8_t> out) override {
    // Bytes past the original's end are the trailer: dropped.
    const std::uint64_t left = layout_.size() - schedule_.position();
    const auto take =
        static_cast<std::size_t>(std::min<std::uint64_t>(left, in.size()));
    if (out.size() < take) {
      return InvalidArgumentError("akira: output buffer too small");
    }
    schedule_.Run(in.First(take), out, &lost_);
    return take;
  }

  Result<std::size_t> Finish(std::span<std::uint8_t> out) override {
    (void)out;
    if (schedule_.position() != layout_.size()) {
      return CorruptError("akira: the file ended before its trailer");
    }
    return std::size_t{0};
  }

  std::uint64_t MinOutputBytes() const override { return layout_.size(); }
  LostBytes Lost() const override { return lost_.lost(); }

 private:
  Layout layout_;
  Schedule schedule_;
  recover::LostBytesRecorder lost_;
};

Status CheckKeys(const FileKeys& keys) {
  if (keys.kcipher2_key.size() != crypto::kKCipher2KeyBytes ||
      keys.kcipher2_iv.size() != crypto::kKCipher2IvBytes ||
      !(keys.chacha_key.empty() ||
        (keys.chacha_key.size() == 16 &&
         keys.chacha_nonce.size() == crypto::kChaCha8NonceBytes))) {
    return InvalidArgumentError(
        "an Akira key is a 16-byte KCipher-2 key and IV, and optionally a "
        "16-byte ChaCha8 key and 8-byte nonce");
  }
  return Status::Ok();
}

}  // namespace

std::optional<Layout> Layout::Make(std::uint64_t size, unsigned percent) {
  if (percent == 0 || percent > 100) return std::nullopt;
  Layout layout;
  layout.size_ = size;
  const unsigned all_parts = percent > 49 ? 5 : 3;  // §3.9 step 1.
  layout.parts_ = all_parts - 1;
  // Steps 2-3. size * percent cannot overflow below 2^57 bytes.
  layout.e_ = size * percent / 100 / all_parts;
  layout.step_ = (size - layout.e_ * layout.parts_) / all_parts;
  if (layout.e_ > 0 && layout.step_ < layout.e_) return std::nullopt;
  return layout;
}

Segment Layout::At(std::uint64_t offset, std::uint64_t& begin,
                   std::uint64_t& end) const {
  begin = 0;
  for (unsigned i = 0; i < parts_ && e_ > 0; ++i) {
    const std::uint64_t start = i * step_;
    if (offset < start) {
      begin = i == 0 ? 0 : (i - 1) * step_ + e_;
      end = start;
      return Segment::kPlain;
    }
    if (offset < start + e_) {
      // Step 5: chunks of 0xFFFF, the first and last KCipher-2.
      const std::uint64_t in_part = offset - start;
      const std::uint64_t chunk = in_part / kChunkBytes;
      const std::uint64_t chunks = (e_ + kChunkBytes - 1) / kChunkBytes;
      begin = start + chunk * kChunkBytes;
      end = start + std::min(e_, (chunk + 1) * kChunkBytes);
      return chunk == 0 || chunk + 1 == chunks ? Segment::kKCipher2
                                               : Segment::kChaCha8;
    }
  }
  begin = parts_ == 0 || e_ == 0 ? 0 : (parts_ - 1) * step_ + e_;
  end = size_;
  return Segment::kPlain;
}

std::uint64_t Layout::ChaCha8Bytes() const {
  if (!HasChaCha8()) return 0;
  const std::uint64_t chunks = (e_ + kChunkBytes - 1) / kChunkBytes;
  const std::uint64_t last = e_ - (chunks - 1) * kChunkBytes;
  return parts_ * (e_ - kChunkBytes - last);
}

recover::Key PackKey(const FileKeys& keys) {
  recover::Key key;
  Bytes k(keys.kcipher2_key.view().begin(), keys.kcipher2_key.view().end());
  k.insert(k.end(), keys.chacha_key.view().begin(),
           keys.chacha_key.view().end());
  Bytes iv(keys.kcipher2_iv.view().begin(), keys.kcipher2_iv.view().end());
  iv.insert(iv.end(), keys.chacha_nonce.view().begin(),
            keys.chacha_nonce.view().end());
  key.key = SecretBytes(ByteView(k));
  key.iv = SecretBytes(ByteView(iv));
  std::fill(k.begin(), k.end(), std::uint8_t{0});
  return key;
}

Result<FileKeys> UnpackKey(const recover::Key& key) {
  FileKeys keys;
  const ByteView k = key.key.view();
  const ByteView iv = key.iv.view();
  if (k.size() < 16 || iv.size() < 16) return CheckKeys(keys);
  keys.kcipher2_key = SecretBytes(k.First(16));
  keys.kcipher2_iv = SecretBytes(iv.First(16));
  if (k.size() > 16) keys.chacha_key = SecretBytes(*k.Sub(16, k.size() - 16));
  if (iv.size() > 16) {
    keys.chacha_nonce = SecretBytes(*iv.Sub(16, iv.size() - 16));
  }
  KINTSUGI_RETURN_IF_ERROR(CheckKeys(keys));
  return keys;
}

Result<std::unique_ptr<recover::StreamDecryption>> StartDecryption(
    const FileKeys& keys, const Layout& layout) {
  KINTSUGI_RETURN_IF_ERROR(CheckKeys(keys));
  return std::unique_ptr<recover::StreamDecryption>(
      std::make_unique<Decryption>(keys, layout));
}

Status EncryptInPlace(const FileKeys& keys, const Layout& layout,
                      std::span<std::uint8_t> original) {
  KINTSUGI_RETURN_IF_ERROR(CheckKeys(keys));
  if (original.size() != layout.size()) {
    return InvalidArgumentError("akira: the layout is for another size");
  }
  Schedule schedule(keys, layout);
  schedule.Run(ByteView(original.data(), original.size()), original, nullptr);
  return Status::Ok();
}

}  // namespace kintsugi::families::akira
