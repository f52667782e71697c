#pragma once

// Disk images as a read-only source (issue 11): a raw (dd) image of a file
// system or of a whole disk, read through The Sleuth Kit, so that scan and
// recover can work on the evidence without mounting or changing it.
//
// What the image holds decides its paths:
//  - a file system at offset 0 (ext2/3/4, FAT12/16/32, exFAT, NTFS, ... as
//    The Sleuth Kit recognises it): the file system's own paths,
//    "/dir/file";
//  - otherwise a partition table (DOS/MBR or GPT): each partition is a
//    top-level folder named "p" and its number as Linux numbers it
//    ("/p1/dir/file" for sda1): a GPT entry's index plus one, a DOS primary
//    partition's slot (1-4), DOS logical partitions 5, 6, ... in the order
//    of their chain. Partitions with no file system The Sleuth Kit knows
//    are listed too; listing one fails with kUnsupported (a walk reports
//    it and goes on).
//
// What is left out of listings: "." and "..", deleted and unallocated
// names, The Sleuth Kit's virtual entries ($OrphanFiles, FAT's $MBR, $FAT1,
// $FAT2, and a FAT volume's label) and NTFS's metadata files in its root ($MFT,
// $LogFile, $Bitmap, $Extend, ...: MFT records 0-15). Names are as the file
// system stores them (UTF-8 for FAT long names and NTFS). Symbolic links are
// reported as FileType::kSymlink and followed, inside the image only, by
// Stat(follow_symlinks = true) and OpenForRead, never by ListDir. Stat's
// `device` is the partition number (0 for a bare file system) and `inode`
// the file system's metadata address.
//
// Nothing is ever written: the image is opened O_RDONLY and The Sleuth Kit
// only reads through us. Every call may be made from any thread: The
// Sleuth Kit's handles are not safe for concurrent use, so one mutex per
// opened image serialises its calls (reads of several files of one image
// do not run in parallel). Damaged images fail with kCorrupt or
// kUnsupported (the message starts with a message id, docs/messages.md
// "Disk images"), and every call's image reads are bounded
// (limits::kMaxDiskImageBytesPerCall), so a looping structure ends with
// kResourceExhausted rather than a hang; so does opening or listing a file
// that claims to be larger than the whole image
// (limits::kMaxDiskImageFileBeyondImage: damaged, or sparse), whose holes
// The Sleuth Kit would otherwise map one by one.

#include <memory>

#include "kintsugi/bytes.h"
#include "kintsugi/fs.h"
#include "kintsugi/status.h"

namespace kintsugi {

// Opens the image file `image` (read-only). kNotFound / kPermissionDenied /
// kIoError as opening any file; kUnsupported
// ("disk_image.unrecognised: ...") when it holds neither a file system nor
// a partition table The Sleuth Kit knows; kCorrupt
// ("disk_image.corrupt: ...") when it starts as one but cannot be read.
Result<std::unique_ptr<ReadOnlyFileSystem>> OpenDiskImage(const Path& image);

// The same over an image held in memory (the fuzz target and tests); the
// bytes are copied.
Result<std::unique_ptr<ReadOnlyFileSystem>> OpenDiskImageBytes(ByteView image);

}  // namespace kintsugi
