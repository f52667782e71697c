#include "identify/testing/encrypted_files.h"

#include <algorithm>
#include <array>

#include "kintsugi/limits.h"

namespace kintsugi::identify::testing {
namespace {

void Append(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}

void Append(Bytes& out, const Bytes& bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void AppendLe(Bytes& out, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
}

void AppendBe(Bytes& out, std::uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
  }
}

void PutLe32(Bytes& out, std::size_t at, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) {
    out[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

// Key material, or, for kNotAKey, text of the same length.
Bytes Key(std::size_t n, Prng& prng, NearMiss miss) {
  if (miss != NearMiss::kNotAKey) return prng.RandomBytes(n);
  const std::string_view text =
      "All rights reserved by Example Holdings and partners, ";
  Bytes out;
  while (out.size() < n) Append(out, text);
  out.resize(n);
  return out;
}

constexpr std::string_view kStopGuid = "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}";
constexpr std::string_view kQilinTrailer = "-----END CIPHERTEXT BLOCK-----";
constexpr std::array<std::uint32_t, 2> kPhobosMagics = {0xAF77BC0Fu,
                                                        0xF0A75E12u};
constexpr std::array<std::string_view, 4> kRcru64Markers = {"wenf=", "&4r*3d",
                                                            "P7A1s", "Fs1z3"};

// Breaks the byte at `from_end` bytes before the end (a magic's last
// byte, typically).
void Spoil(Bytes& out, std::size_t from_end) {
  out[out.size() - from_end] ^= 0x01;
}

// The 534-byte footer of Akira and Conti: a 512-byte RSA blob, 12 bytes,
// mode, percent, original size.
void AppendRsaSizeFooter(Bytes& out, std::size_t body, Prng& prng,
                         NearMiss miss) {
  Append(out, Key(512, prng, miss));
  Append(out, prng.RandomBytes(12));
  out.push_back(static_cast<std::uint8_t>(prng.Below(3)));  // Mode 0..2.
  out.push_back(miss == NearMiss::kWrongMagic
                    ? static_cast<std::uint8_t>(101 + prng.Below(155))
                    : static_cast<std::uint8_t>(prng.Below(101)));
  AppendLe(out, miss == NearMiss::kWrongSize ? body + 1 : body, 8);
}

}  // namespace

std::uint64_t Prng::Next() {
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return state_ * 0x2545F4914F6CDD1Dull;
}

Bytes Prng::RandomBytes(std::size_t n) {
  Bytes out(n);
  std::size_t i = 0;
  while (i < n) {
    std::uint64_t word = Next();
    for (int k = 0; k < 8 && i < n; ++k, ++i) {
      out[i] = static_cast<std::uint8_t>(word);
      word >>= 8;
    }
  }
  return out;
}

std::string Prng::Alphanumeric(std::size_t n) {
  constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += kAlphabet[Below(kAlphabet.size())];
  return out;
}

std::string_view LayoutName(Layout layout) {
  switch (layout) {
    case Layout::kStop:
      return "stop";
    case Layout::kQilin:
      return "qilin";
    case Layout::kInc:
      return "inc";
    case Layout::kMaze:
      return "maze";
    case Layout::kBabukNas:
      return "babuk-nas";
    case Layout::kZeppelin:
      return "zeppelin";
    case Layout::kPhobos:
      return "phobos";
    case Layout::kAkira:
      return "akira";
    case Layout::kConti:
      return "conti";
    case Layout::kEnmity:
      return "enmity";
    case Layout::kMammon:
      return "mammon";
    case Layout::kRcru64:
      return "rcru64";
  }
  return "?";
}

std::vector<Layout> AllLayouts() {
  return {Layout::kStop,   Layout::kQilin,    Layout::kInc,
          Layout::kMaze,   Layout::kBabukNas, Layout::kZeppelin,
          Layout::kPhobos, Layout::kAkira,    Layout::kConti,
          Layout::kEnmity, Layout::kMammon,   Layout::kRcru64};
}

std::string_view NearMissName(NearMiss miss) {
  switch (miss) {
    case NearMiss::kNone:
      return "none";
    case NearMiss::kWrongMagic:
      return "wrong-magic";
    case NearMiss::kWrongSize:
      return "wrong-size";
    case NearMiss::kTruncated:
      return "truncated";
    case NearMiss::kNotAKey:
      return "not-a-key";
  }
  return "?";
}

std::vector<NearMiss> NearMisses(Layout layout) {
  switch (layout) {
    case Layout::kQilin:
    case Layout::kPhobos:
      return {NearMiss::kWrongMagic, NearMiss::kWrongSize,
              NearMiss::kTruncated};
    case Layout::kInc:
      return {NearMiss::kWrongMagic, NearMiss::kTruncated, NearMiss::kNotAKey};
    case Layout::kAkira:
    case Layout::kConti:
      // "Wrong magic" is a percent above 100: there is no magic.
      return {NearMiss::kWrongMagic, NearMiss::kWrongSize, NearMiss::kTruncated,
              NearMiss::kNotAKey};
    case Layout::kRcru64:
      // Its markers are anywhere in the tail: cutting a byte changes
      // nothing.
      return {NearMiss::kWrongMagic};
    default:
      return {NearMiss::kWrongMagic, NearMiss::kTruncated};
  }
}

Bytes EncryptedFile(Layout layout, std::size_t body, Prng& prng, NearMiss miss,
                    unsigned variant) {
  Bytes out;
  if (layout == Layout::kZeppelin) {
    // DA C4.. BF \r\n B3 ZEPPELIN B3 \r\n C0 C4.. D9 \r\n, then the body.
    Bytes frame = {0xDA};
    frame.insert(frame.end(), 8, 0xC4);
    Append(frame, Bytes{0xBF, 0x0D, 0x0A, 0xB3});
    Append(frame, miss == NearMiss::kWrongMagic ? "ZEPPELIM" : "ZEPPELIN");
    Append(frame, Bytes{0xB3, 0x0D, 0x0A, 0xC0});
    frame.insert(frame.end(), 8, 0xC4);
    Append(frame, Bytes{0xD9, 0x0D, 0x0A});
    if (miss == NearMiss::kTruncated) {
      // A file cut inside its header: only the top of the frame is left.
      frame.resize(14);
      return frame;
    }
    Append(out, frame);
    Append(out, prng.RandomBytes(body));
    return out;
  }
  out = prng.RandomBytes(body);
  switch (layout) {
    case Layout::kStop:
      Append(out, prng.RandomBytes(256));
      Append(out, prng.Alphanumeric(38) + "t1");
      Append(out, kStopGuid);
      break;
    case Layout::kQilin:
      Append(out, prng.RandomBytes(64));
      // The size: of the body, or past the whole file.
      AppendLe(out, miss == NearMiss::kWrongSize ? body + 200 : body, 8);
      Append(out, kQilinTrailer);
      break;
    case Layout::kInc:
      Append(out, Key(32, prng, miss));
      Append(out, "INC");
      break;
    case Layout::kMaze:
      Append(out, prng.RandomBytes(256 + 4));
      Append(out, Bytes{0x66, 0x11, 0x61, 0x66});
      break;
    case Layout::kBabukNas:
      Append(out, prng.RandomBytes(32));
      Append(out, Bytes{0xAB, 0xBC, 0xCD, 0xDE, 0xEF, 0xF0});
      break;
    case Layout::kPhobos: {
      // Appended data before the block (the encrypted name, key...).
      const std::size_t extra = 64 + prng.Below(64);
      Append(out, prng.RandomBytes(extra));
      Bytes block = prng.RandomBytes(0xB2);
      std::uint32_t magic = kPhobosMagics[variant % kPhobosMagics.size()];
      if (miss == NearMiss::kWrongMagic) magic ^= 0x00010000u;
      PutLe32(block, 4, magic);
      const std::size_t footer = extra + 0xB2;
      const std::size_t size = out.size() + 0xB2;
      // The footer's length: its own, or more than the whole file.
      PutLe32(block, 0xA8,
              static_cast<std::uint32_t>(
                  miss == NearMiss::kWrongSize ? size + 1 : footer));
      std::copy_n(Bytes{'2', '2', '7', '5', 0, 0}.begin(), 6,
                  block.begin() + 0xAC);
      Append(out, block);
      break;
    }
    case Layout::kAkira:
    case Layout::kConti:
      AppendRsaSizeFooter(out, body, prng, miss);
      // A 534-byte footer has no magic to spoil: done above.
      if (miss == NearMiss::kTruncated) out.pop_back();
      return out;
    case Layout::kEnmity:
      Append(out, prng.RandomBytes(64));
      Append(out, variant % 2 == 0 ? "LB" : "DB");
      break;
    case Layout::kMammon:
      Append(out, prng.RandomBytes(64));
      Append(out, "K:");
      break;
    case Layout::kRcru64:
      for (const std::string_view marker : kRcru64Markers) {
        Append(out, marker);
        Append(out, prng.Alphanumeric(12));
        if (miss == NearMiss::kWrongMagic) {
          out[out.size() - 12 - 1] ^= 0x20;  // Case of its last letter.
        }
      }
      break;
    case Layout::kZeppelin:
      break;
  }
  if (miss == NearMiss::kWrongMagic && layout != Layout::kPhobos &&
      layout != Layout::kRcru64) {
    Spoil(out, 1);
  }
  if (miss == NearMiss::kTruncated) out.pop_back();
  return out;
}

// --- ordinary files --------------------------------------------------------

namespace {

std::uint32_t Crc32(ByteView bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const std::uint8_t b : bytes) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  }
  return ~crc;
}

constexpr std::array<std::string_view, 24> kWords = {
    "the",      "report",  "budget",  "meeting", "quarter",  "project",
    "customer", "invoice", "summary", "design",  "schedule", "review",
    "team",     "office",  "holiday", "photo",   "garden",   "recipe",
    "network",  "server",  "backup",  "print",   "manual",   "update"};

std::string Prose(std::size_t size, Prng& prng) {
  std::string out;
  while (out.size() < size) {
    out += kWords[prng.Below(kWords.size())];
    out += prng.Below(12) == 0 ? ".\n" : " ";
  }
  out.resize(size);
  return out;
}

std::string CSource(std::size_t size, Prng& prng) {
  std::string out = "#include <stdio.h>\n#include <stdlib.h>\n\n";
  for (int n = 0; out.size() < size; ++n) {
    out += "static int " + std::string(kWords[prng.Below(kWords.size())]) +
           "_" + std::to_string(n) + "(int x) {\n  return x * " +
           std::to_string(prng.Below(1000)) + " + " +
           std::to_string(prng.Below(97)) + ";\n}\n\n";
  }
  out.resize(size);
  return out;
}

std::string PythonSource(std::size_t size, Prng& prng) {
  std::string out = "#!/usr/bin/env python3\n\"\"\"Tools.\"\"\"\nimport os\n\n";
  for (int n = 0; out.size() < size; ++n) {
    out += "def " + std::string(kWords[prng.Below(kWords.size())]) + "_" +
           std::to_string(n) + "(path):\n    return os.path.join(path, '" +
           std::string(kWords[prng.Below(kWords.size())]) + "')\n\n";
  }
  out.resize(size);
  return out;
}

std::string Csv(std::size_t size, Prng& prng) {
  std::string out = "date,item,amount\n";
  while (out.size() < size) {
    out += "2024-0" + std::to_string(1 + prng.Below(9)) + "-1" +
           std::to_string(prng.Below(10)) + "," +
           std::string(kWords[prng.Below(kWords.size())]) + "," +
           std::to_string(prng.Below(100000)) + "\n";
  }
  out.resize(size);
  return out;
}

std::string Log(std::size_t size, Prng& prng) {
  std::string out;
  while (out.size() < size) {
    out += "2024-05-0" + std::to_string(1 + prng.Below(9)) +
           " 12:" + std::to_string(10 + prng.Below(50)) + ":00 INFO " +
           std::string(kWords[prng.Below(kWords.size())]) + " done in " +
           std::to_string(prng.Below(900)) + " ms\n";
  }
  out.resize(size);
  return out;
}

std::string Json(std::size_t size, Prng& prng) {
  std::string out = "{\"items\": [";
  while (out.size() + 4 < size) {
    out += "{\"name\": \"" + std::string(kWords[prng.Below(kWords.size())]) +
           "\", \"count\": " + std::to_string(prng.Below(500)) + "}, ";
  }
  out += "{}]}\n";
  return out;
}

std::string Html(std::size_t size, Prng& prng) {
  std::string out =
      "<!DOCTYPE html>\n<html><head><title>Notes</title></head><body>\n";
  while (out.size() + 16 < size) {
    out += "<p>" + Prose(40 + prng.Below(120), prng) + "</p>\n";
  }
  out += "</body></html>\n";
  return out;
}

Bytes Pdf(std::size_t size, Prng& prng) {
  Bytes out;
  Append(out,
         "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog "
         "/Pages 2 0 R >>\nendobj\n4 0 obj\n<< /Length 0 /Filter "
         "/FlateDecode >>\nstream\n");
  const std::size_t stream =
      size > out.size() + 200 ? size - out.size() - 200 : 16;
  Append(out, prng.RandomBytes(stream));
  Append(out,
         "\nendstream\nendobj\nxref\n0 5\n0000000000 65535 f \n"
         "trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n" +
             std::to_string(out.size()) + "\n%%EOF\n");
  return out;
}

void PngChunk(Bytes& out, std::string_view type, const Bytes& data) {
  AppendBe(out, data.size(), 4);
  Bytes typed;
  Append(typed, type);
  Append(typed, data);
  Append(out, typed);
  AppendBe(out, Crc32(typed), 4);
}

Bytes Png(std::size_t size, Prng& prng) {
  Bytes out = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  Bytes ihdr;
  AppendBe(ihdr, 64 + prng.Below(2000), 4);
  AppendBe(ihdr, 64 + prng.Below(2000), 4);
  Append(ihdr, Bytes{8, 6, 0, 0, 0});
  PngChunk(out, "IHDR", ihdr);
  PngChunk(out, "IDAT", prng.RandomBytes(size > 80 ? size - 80 : 8));
  PngChunk(out, "IEND", {});
  return out;
}

Bytes Jpeg(std::size_t size, Prng& prng) {
  Bytes out = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10};
  Append(out, "JFIF");
  Append(out, Bytes{0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00,
                    0xFF, 0xDA, 0x00, 0x0C});
  Bytes scan = prng.RandomBytes(size > 40 ? size - 40 : 8);
  // No marker inside entropy-coded data: 0xFF is followed by 0x00.
  for (std::size_t i = 0; i + 1 < scan.size(); ++i) {
    if (scan[i] == 0xFF) scan[i + 1] = 0x00;
  }
  if (!scan.empty() && scan.back() == 0xFF) scan.back() = 0x00;
  Append(out, scan);
  Append(out, Bytes{0xFF, 0xD9});
  return out;
}

// A ZIP archive of `names`, their data random (stored compressed).
Bytes Zip(std::size_t size, const std::vector<std::string>& names, Prng& prng) {
  Bytes out;
  Bytes central;
  const std::size_t each = std::max<std::size_t>(8, size / (names.size() + 1));
  for (const std::string& name : names) {
    const Bytes data = prng.RandomBytes(each);
    const std::size_t local = out.size();
    AppendLe(out, 0x04034B50, 4);
    Append(out, Bytes{20, 0, 0, 0, 8, 0, 0, 0, 0, 0});
    AppendLe(out, Crc32(data), 4);
    AppendLe(out, data.size(), 4);
    AppendLe(out, data.size() * 3, 4);
    AppendLe(out, name.size(), 2);
    AppendLe(out, 0, 2);
    Append(out, name);
    Append(out, data);
    AppendLe(central, 0x02014B50, 4);
    Append(central, Bytes{20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0});
    AppendLe(central, Crc32(data), 4);
    AppendLe(central, data.size(), 4);
    AppendLe(central, data.size() * 3, 4);
    AppendLe(central, name.size(), 2);
    Append(central, Bytes(12, 0));
    AppendLe(central, local, 4);
    Append(central, name);
  }
  const std::size_t directory = out.size();
  Append(out, central);
  AppendLe(out, 0x06054B50, 4);
  AppendLe(out, 0, 4);
  AppendLe(out, names.size(), 2);
  AppendLe(out, names.size(), 2);
  AppendLe(out, central.size(), 4);
  AppendLe(out, directory, 4);
  AppendLe(out, 0, 2);
  return out;
}

Bytes Gzip(std::size_t size, Prng& prng) {
  Bytes out = {0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03};
  const Bytes deflated = prng.RandomBytes(size > 18 ? size - 18 : 4);
  Append(out, deflated);
  AppendLe(out, Crc32(deflated), 4);
  AppendLe(out, deflated.size() * 3, 4);  // ISIZE: the original size.
  return out;
}

Bytes Elf(std::size_t size, Prng& prng) {
  Bytes out = {0x7F, 'E', 'L', 'F', 2, 1, 1, 0};
  out.resize(64, 0);
  out[16] = 3;     // ET_DYN
  out[18] = 0x3E;  // x86-64
  // Code: mostly small opcodes and zero runs, then strings and a section
  // header table of zero-padded 64-byte entries.
  while (out.size() + 512 < size) {
    Append(out, Bytes{0x55, 0x48, 0x89, 0xE5, 0x48, 0x83, 0xEC});
    out.push_back(static_cast<std::uint8_t>(prng.Below(256)));
    Append(out, Bytes{0xE8});
    AppendLe(out, prng.Below(65536), 4);
    Append(out, Bytes{0xC9, 0xC3, 0x90, 0x90});
  }
  Append(out, std::string_view(".text\0.data\0.bss\0.symtab\0", 25));
  for (int i = 0; i < 6; ++i) {
    Bytes entry(64, 0);
    entry[4] = static_cast<std::uint8_t>(1 + i);
    entry[24] = static_cast<std::uint8_t>(prng.Below(256));
    Append(out, entry);
  }
  return out;
}

}  // namespace

std::size_t OrdinaryKinds() { return 14; }

OrdinaryFile MakeOrdinaryFile(std::size_t index, std::size_t size, Prng& prng) {
  const std::string stem = std::string(kWords[prng.Below(kWords.size())]) +
                           "-" + std::to_string(index);
  auto text = [](const std::string& s) { return Bytes(s.begin(), s.end()); };
  switch (index % OrdinaryKinds()) {
    case 0:
      return {stem + ".pdf", Pdf(size, prng)};
    case 1:
      return {stem + ".png", Png(size, prng)};
    case 2:
      return {stem + ".jpg", Jpeg(size, prng)};
    case 3:
      return {stem + ".zip",
              Zip(size, {stem + ".txt", "images/" + stem + ".png"}, prng)};
    case 4:
      return {stem + ".docx", Zip(size,
                                  {"[Content_Types].xml", "_rels/.rels",
                                   "word/document.xml", "word/styles.xml"},
                                  prng)};
    case 5:
      return {stem + ".tar.gz", Gzip(size, prng)};
    case 6:
      return {stem, Elf(size, prng)};
    case 7:
      return {stem + ".c", text(CSource(size, prng))};
    case 8:
      return {stem + ".py", text(PythonSource(size, prng))};
    case 9:
      return {stem + ".txt", text(Prose(size, prng))};
    case 10:
      return {stem + ".csv", text(Csv(size, prng))};
    case 11:
      return {stem + ".log", text(Log(size, prng))};
    case 12:
      return {stem + ".json", text(Json(size, prng))};
    default:
      return {stem + ".html", text(Html(size, prng))};
  }
}

Input EncryptedFileInput(std::string name, const Bytes& bytes) {
  Input input;
  input.kind = InputKind::kEncryptedFile;
  input.source = name.empty() ? "file" : name;
  input.file_name = std::move(name);
  const ByteView view(bytes);
  input.content = view.First(limits::kFileHeadBytes).ToBytes();
  input.tail = view.Last(limits::kFileTailBytes).ToBytes();
  input.size = bytes.size();
  return input;
}

}  // namespace kintsugi::identify::testing
