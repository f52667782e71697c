#include "families/cryptxxx/testing/specimens.h"

#include <array>
#include <string>
#include <utility>

#include "families/testing/specimens.h"

namespace kintsugi::families_testing {

Bytes Rc4Keystream(ByteView key, std::size_t length) {
  std::array<std::uint8_t, 256> s{};
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i] = static_cast<std::uint8_t>(i);
  }
  const auto k = key.span();
  if (k.empty()) return Bytes(length, 0);
  std::size_t j = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    j = (j + s[i] + k[i % k.size()]) & 0xFF;
    std::swap(s[i], s[j]);
  }
  Bytes out(length);
  std::size_t a = 0;
  std::size_t b = 0;
  for (std::size_t n = 0; n < length; ++n) {
    a = (a + 1) & 0xFF;
    b = (b + s[a]) & 0xFF;
    std::swap(s[a], s[b]);
    out[n] = s[(s[a] + s[b]) & 0xFF];
  }
  return out;
}

Bytes MakeCryptxxxKey(std::uint64_t seed) {
  Bytes key(16);
  std::uint64_t state = seed ^ 0x43'5858'58ULL;
  for (std::uint8_t& byte : key) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    byte = static_cast<std::uint8_t>(state >> 56);
  }
  return key;
}

Bytes CryptxxxEncrypt(ByteView plaintext, ByteView key,
                      std::size_t trailer_bytes) {
  Bytes out = Rc4Keystream(key, plaintext.size());
  const auto plain = plaintext.span();
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= plain[i];
  for (std::size_t i = 0; i < trailer_bytes; ++i) {
    out.push_back(static_cast<std::uint8_t>(0xA5 ^ i));
  }
  return out;
}

Status WriteCryptxxxSpecimen(FileSystem& fs, const Path& dir,
                             std::string_view name, ByteView plaintext,
                             ByteView key, std::size_t trailer_bytes) {
  const Bytes contents = CryptxxxEncrypt(plaintext, key, trailer_bytes);
  const std::string parameters =
      "family=cryptxxx\nrc4_key=" + ToHex(key) +
      "\ntrailer=" + std::to_string(trailer_bytes) +
      "\nplaintext_size=" + std::to_string(plaintext.size()) + "\n";
  return WriteSpecimen(fs, dir, name, contents, parameters);
}

Status WriteCryptxxxNotes(FileSystem& fs, const Path& dir) {
  const std::string text =
      "Synthetic CryptXXX test note (Kintsugi specimen). Your files are "
      "encrypted. This is test data, not a real ransom note.\n";
  for (std::string_view name :
       {"de_crypt_readme.txt", "de_crypt_readme.bmp", "de_crypt_readme.html"}) {
    KINTSUGI_RETURN_IF_ERROR(WriteSpecimen(
        fs, dir, name, ByteView::FromString(text), "", /*sidecar=*/false));
  }
  return Status::Ok();
}

}  // namespace kintsugi::families_testing
