#pragma once

// Generators of small, VALID synthetic files of every kind the validators
// know, built in memory, deterministic (same arguments -> same bytes), for
// tests of the validators and of decryptors (recovery-schemes.md §0:
// synthetic plaintext only). Where a size is asked for, the file is at least
// that large, so tests can build files of tens of MB.
//
// Test-only: this is kintsugi::formats_testing, never linked into the tool.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/file_validator.h"
#include "kintsugi/bytes.h"

namespace kintsugi::formats::samples {

// Deterministic pseudo-random bytes (splitmix64), for payloads and for
// "random junk" test inputs.
Bytes PseudoRandomBytes(std::size_t size, std::uint64_t seed);

// ASCII prose-like text of exactly `size` bytes, lines ending in '\n'.
Bytes MakeText(std::size_t size);

// An 8-bit RGB PNG with noisy pixels (so the size is about 3*w*h), IDAT
// split into several chunks.
Bytes MakePng(std::uint32_t width, std::uint32_t height);

struct ZipEntry {
  std::string name;
  std::string data;
  bool deflate = false;  // Stored (method 0) otherwise.
  // Deflated entries only: flag bit 3, zero CRC and sizes in the local
  // header, and a data descriptor (with its signature) after the data, as
  // streaming writers (LibreOffice, jar) make them.
  bool data_descriptor = false;
};
// A ZIP archive with these entries, in order.
Bytes MakeZip(const std::vector<ZipEntry>& entries);
// A minimal Word document ([Content_Types].xml first), at least `min_size`.
Bytes MakeDocx(std::size_t min_size = 0);
// A minimal OpenDocument text (`mimetype` first, stored), at least
// `min_size`.
Bytes MakeOdt(std::size_t min_size = 0);

// A one-page PDF 1.4 with a correct xref table, at least `min_size`.
Bytes MakePdf(std::size_t min_size = 0);
// A baseline JFIF JPEG (16x16 header; entropy data is filler with correct
// byte stuffing), at least `min_size`.
Bytes MakeJpeg(std::size_t min_size = 0);
// A GIF89a with one image of uncompressed LZW codes, at least `min_size`.
Bytes MakeGif(std::size_t min_size = 0);
// A 24-bit bottom-up BMP with a BITMAPINFOHEADER.
Bytes MakeBmp(std::uint32_t width, std::uint32_t height);
// A version-3 compound file (512-byte sectors) holding one stream
// "Contents" of at least `min_size` bytes (capped at about 6 MiB: no DIFAT
// sectors).
Bytes MakeOle2(std::size_t min_size = 0);
// A 7z archive whose start header and next header CRCs are correct, with
// `min_size` bytes of packed data.
Bytes MakeSevenZip(std::size_t min_size = 0);
// A RAR5 archive with one stored file of `min_size` bytes.
Bytes MakeRar(std::size_t min_size = 0);
// A minimal RAR4 (1.5-4.x) archive: marker, archive header, end block.
Bytes MakeRar4();
// gzip of MakeText(uncompressed_size).
Bytes MakeGzip(std::size_t uncompressed_size);
// bzip2 of MakeText(uncompressed_size).
Bytes MakeBzip2(std::size_t uncompressed_size);
// An SQLite 3 database (made by SQLite itself), at least `min_size`.
Bytes MakeSqlite(std::size_t min_size = 0);
// An MP3: ID3v2.3 tag, MPEG-1 Layer III 128 kbit/s frames, ID3v1 tag; at
// least `min_size`.
Bytes MakeMp3(std::size_t min_size = 0);

// A valid sample of `kind` of at least `min_size` bytes (roughly, for PNG,
// BMP and compressed kinds), for table-driven tests.
Bytes MakeSample(FileKind kind, std::size_t min_size = 0);

}  // namespace kintsugi::formats::samples
