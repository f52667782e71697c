// The families victims meet most (issue #15, docs/top-families.md): a
// typical incident of each -- a ransom note written for this test from the
// family's curated phrases (never a copied real note), the note's file
// name, a few encrypted file names and, where the family has a byte marker,
// encrypted files laid out with it -- read as a user's files are
// (ReadInput) and identified by the built-in KB as that family. Benign
// files with ordinary names must not be identified as anything.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/testing/status_matchers.h"
#include "io/memory_file_system.h"
#include "kintsugi/identify.h"

namespace kintsugi::identify {
namespace {

// What the incident must give.
enum class Expect : std::uint8_t {
  // Verdict `identified`, naming the family.
  kIdentified,
  // The family ranks first; the verdict may be `ambiguous` because the
  // evidence is honestly shared with a rebrand or a builder's other
  // customers, or is only the note's wording, which copies keep and which
  // identify does not take as proof on its own (the incident says which).
  kTopOne,
};

// Bytes an encrypted file of the family carries (docs/top-families.md).
struct Marker {
  std::string_view head;  // At offset 0, before the random bytes.
  std::string_view tail;  // At the very end, after the random bytes.
};

struct Incident {
  Incident(std::string_view family_id, std::string_view note_file,
           std::string_view note, std::vector<std::string_view> file_names)
      : family(family_id),
        note_name(note_file),
        note_text(note),
        files(std::move(file_names)) {}
  // The family's marker at the start / the end of every encrypted file.
  Incident& Head(std::string_view bytes) {
    marker.head = bytes;
    return *this;
  }
  Incident& Tail(std::string_view bytes) {
    marker.tail = bytes;
    return *this;
  }
  Incident& Names(std::vector<std::string_view> bare_names) {
    names = std::move(bare_names);
    return *this;
  }
  // Only top-1 is expected: `why` says whose evidence it shares, or that
  // there is nothing but wording.
  Incident& TopOnly(std::string_view why) {
    expect = Expect::kTopOne;
    why_shared = why;
    return *this;
  }

  std::string_view family;  // The KB id it must be identified as.
  Expect expect = Expect::kIdentified;
  std::string_view why_shared;
  std::string_view note_name;  // Empty: no note (files only).
  std::string_view note_text;
  std::vector<std::string_view> files;  // Encrypted file names.
  Marker marker;
  // Names given without their content, as `kintsugi identify` takes a
  // listing: e.g. a PDF note, whose text identify does not read.
  std::vector<std::string_view> names;
};

// 40 characters of a STOP/Djvu personal ID and the marker GUID that end
// every file it encrypts (recovery-schemes.md 3.7).
constexpr std::string_view kStopTail =
    "cZs3TaUYZzXCH1vdE44HNr1gnD2LtTIiSFFYv5t1"
    "{36A698B9-D67C-4E07-BE82-0EC5B14B4DF5}";

// Synthetic notes: the family's stable template lines (kb-curated/<id>.yaml)
// around made-up contacts and IDs; no real note was copied.
const std::vector<Incident>& Incidents() {
  static const std::vector<Incident> incidents = {
      Incident("wannacry", "@Please_Read_Me@.txt",
               "Q:  What's wrong with my files?\n\nA:  Your files cannot be "
               "opened any more.\n\nQ:  What do I do?\n\nA:  Please find an "
               "application file named \"@WanaDecryptor@.exe\". It is the "
               "decrypt software.\n",
               {"holiday.jpg.WNCRY", "budget.xlsx.WNCRY", "~SD1234.tmp.WNCRYT"})
          .Head("WANACRY!"),
      Incident("phobos", "info.txt",
               "!!!All of your files are encrypted!!!\nTo decrypt them send "
               "e-mail to this address: restore@example.test.\nIf we don't "
               "answer in 24h., send e-mail to this address: "
               "backup@example.test\n",
               {"photo.jpg.id[1E857D00-2275].[recoverydata@cock.li].eking",
                "report.docx.id[1E857D00-2275].[recoverydata@cock.li].eking"}),
      Incident("dharma", "FILES ENCRYPTED.txt",
               "all your data has been locked us\nYou want to return?\nwrite "
               "email restore@example.test\nAll your files have been encrypted "
               "due to a security problem with your PC.\nWrite this ID in the "
               "title of your message 1A2B3C4D\n",
               {"photo.jpg.id-1A2B3C4D.[restore@example.test].arena",
                "budget.xlsx.id-1A2B3C4D.[restore@example.test].arena"}),
      Incident("stop-djvu", "_readme.txt",
               "ATTENTION!\n\nDon't worry, you can return all your files!\nAll "
               "your files like pictures, databases, documents and other "
               "important are encrypted with strongest encryption and unique "
               "key.\nThe only method of recovering files is to purchase "
               "decrypt tool and unique key for you.\nPlease note that you'll "
               "never restore your data without payment.\n",
               {"holiday.jpg.kvag", "budget.xlsx.kvag"})
          .Tail(kStopTail),
      Incident("lockbit", "HLJkNskOq.README.txt",
               "~~~ LockBit 3.0 the world's fastest and most stable ransomware "
               "from 2019~~~\n\n>>>>> Your data is stolen and encrypted.\n",
               {"report.docx.HLJkNskOq", "photo.jpg.HLJkNskOq"}),
      Incident("gandcrab", "KRAB-DECRYPT.txt",
               "---= GANDCRAB V4 =---\n\nAttention!\n\n---BEGIN "
               "GANDCRAB KEY---\nQUJDREVG\n---END GANDCRAB KEY---\n\n"
               "---BEGIN PC DATA---\nR0hJSktM\n---END PC DATA---\n",
               {"report.docx.KRAB", "photo.jpg.KRAB"}),
      Incident("cerber", "_READ_THIS_FILE_A1B2_.txt",
               "Cannot you find the files you need?\nIs the content of "
               "the files that you looked for not readable?\n\nGreat!!!"
               "\nYou have turned to be a part of a big community "
               "#CerberRansomware.\n",
               {"a1B2c3D4e5.b3f1", "Zz9yX8wV7u.b3f1"}),
      Incident("locky", "_HELP_instructions.txt",
               "!!! IMPORTANT INFORMATION !!!!\n\nAll of your files are "
               "encrypted with RSA-2048 and AES-128 ciphers.\n",
               {"5A8B2F4C-1D3E-6B7A-0123-456789ABCDEF.zepto",
                "5A8B2F4C-1D3E-6B7A-4567-0123456789AB.zepto"}),
      Incident("teslacrypt", "_ReCoVeRy_+abcde.txt",
               "What happened to your files ?\nAll of your files were "
               "protected by a strong encryption with RSA-4096.\nSo, "
               "there are two ways you can choose: wait for a miracle "
               "and get your price doubled, or start obtaining BITCOIN "
               "NOW!\n",
               {"report.docx.micro", "photo.jpg.micro"}),
      Incident(
          "cryptolocker", "what I see on screen.txt",
          "Your personal files are encrypted!\nYour important files "
          "encryption produced on this computer: photos, videos, "
          "documents, etc.\nThe single copy of the private key, which will "
          "allow you to decrypt the files, is located on a secret server."
          "\nPrivate key will be destroyed on 11/20/2013 5:11 PM\n",
          {"report.docx", "photo.jpg"})
          .TopOnly(
              "no note file and no renamed files: only the window's wording"),
      // NotPetya, which victims and help services report as Petya.
      Incident("petya", "README.TXT",
               "Ooops, your important files are encrypted.\n\nIf you see this "
               "text, then your files are no longer accessible, because they "
               "have been encrypted.\nSend your Bitcoin wallet ID and personal "
               "installation key to e-mail wowsmith123456@posteo.net.\n",
               {"report.docx", "photo.jpg"}),
      Incident("ryuk", "RyukReadMe.txt",
               "Your network has been penetrated.\n\nAll files on each host in "
               "the network have been encrypted with a strong algorithm.\n\n"
               "Ryuk\nNo system is safe\n",
               {"report.docx.RYK", "photo.jpg.RYK"})
          .Tail("HERMES"),
      Incident("sodinokibi", "x7k2m9q-readme.txt",
               "---=== Welcome. Again. ===---\n\n[+] Whats Happen? [+]\n\nYour "
               "files are encrypted, and currently unavailable.\n\n1) "
               "[Recommended] Using a TOR browser!\n2) If TOR blocked in your "
               "country, try to use VPN! But you can use our secondary "
               "website. For this:\n  a) Open your any browser (Chrome, "
               "Firefox, Opera, IE, Edge)\n",
               {"report.docx.x7k2m9q", "photo.jpg.x7k2m9q"})
          .TopOnly("a random extension and a note name of a common shape: only "
                   "its own lines' wording"),
      Incident("conti", "R3ADM3.txt",
               "All of your files are currently encrypted by CONTI "
               "strain.\n\n---BEGIN ID---\nQUJDREVGR0g=\n---END ID---\n",
               {"report.docx.CONTI", "photo.jpg.CONTI"}),
      Incident("maze", "DECRYPT-FILES.txt",
               "Attention! What happened? All your files are encrypted "
               "by Maze. To decrypt them, follow the instructions.\n",
               {"report.docx.Xb7fQ", "photo.jpg.Xb7fQ"}),
      Incident("blackcat", "RECOVER-sk5bf2e-FILES.txt",
               ">> What happened?\n\nImportant files on your network "
               "was ENCRYPTED and now they have \"sk5bf2e\" extension.\n",
               {"report.docx.sk5bf2e", "photo.jpg.sk5bf2e"}),
      Incident("akira", "akira_readme.txt",
               "Hi friends,\n\nWhatever who you are and what your title "
               "is if you're reading this it means the internal "
               "infrastructure of your company is fully or partially "
               "dead.\n",
               {"report.docx.akira", "photo.jpg.akira"}),
      Incident("play", "ReadMe.txt",
               "PLAY\nnews portal, tor network links:\n"
               "someone@example.test\n",
               {"report.docx.play", "photo.jpg.play"}),
      Incident("blackbasta", "readme.txt",
               "Your data are stolen and encrypted\nYou can contact us "
               "and decrypt one file for free.\nYour company id for log "
               "in: 0a1b2c3d\n",
               {"report.docx.basta", "photo.jpg.basta"}),
      Incident("hive", "HOW_TO_DECRYPT.txt",
               "Your network has been breached and all data were "
               "encrypted.\nPersonal data, financial reports and "
               "important documents are ready to disclose.\n",
               {"report.docx.hive", "photo.jpg.hive"}),
      Incident("medusa", "!!!READ_ME_MEDUSA!!!.txt",
               "WHAT HAPPEND?\n1. We have PENETRATE your network and "
               "COPIED data.\n",
               {"report.docx.MEDUSA", "photo.jpg.MEDUSA"}),
      Incident("makop", "+README-WARNING+.txt",
               "Upon contacting us proof will be provided that we can "
               "decrypt your data and samples of exfiltrated "
               "confidential information will also be provided.\n",
               {"report.docx.[A1B2C3D4].[restore@example.test].makop",
                "photo.jpg.[A1B2C3D4].[restore@example.test].makop"}),
      Incident("mallox", "FILE RECOVERY.txt",
               "Hello\n\nYour files are encrypted and can not be used\n"
               "To return your files in work condition you need "
               "decryption tool\n",
               {"report.docx.mallox", "photo.jpg.mallox"}),
      Incident("magniber", "READ_ME_FOR_DECRYPT_a1b2c3d4e5f6.txt",
               "ALL YOUR DOCUMENTS PHOTOS DATABASES AND OTHER IMPORTANT "
               "FILES HAVE BEEN ENCRYPTED!\nYour files are NOT damaged! "
               "Your files are modified only. This modification is "
               "reversible.\nThe only 1 way to decrypt your files is to "
               "receive the private key and decryption program.\n",
               {"report.docx.kgpvwnr", "photo.jpg.kgpvwnr"}),
      Incident("globeimposter", "HOW_TO_BACK_FILES.txt",
               "Your files are encrypted!\nWrite to us to get them "
               "back: restore@example.test\n",
               {"report.docx.Tiger4444", "photo.jpg.Tiger4444"}),
      Incident("matrix", "#KBH_README#.rtf",
               "We recommed you to attach 3 encrypted files to your "
               "message. We will demonstrate that we can recover your "
               "files.\n",
               {"report.docx.KBH", "photo.jpg.KBH"}),
      Incident("cryptxxx", "!Recovery_A1B2C3D4E5F6.txt",
               "Be sure to copy your personal ID and the instruction "
               "link to your notepad not to lose them.\n",
               {"report.docx.crypz", "photo.jpg.crypz"}),
      Incident("cryptomix", "_HELP_INSTRUCTION.TXT",
               "Attention! All your data was encrypted!\nFor specific "
               "informartion, please send us an email with your ID "
               "number:\n",
               {"0D0A8C0A8E3D4F5A6B7C8D9E0F1A2B3C.WORK",
                "1A2B3C4D5E6F708192A3B4C5D6E7F801.WORK"}),
      Incident("troldesh-orshade-xtbl", "README1.txt",
               "All the important files on your disks were encrypted.\n"
               "Your files were encrypted. To decrypt them, you need to "
               "send the code: 0A1B2C3D4E5F60718293|0 to the e-mail "
               "address restore@example.test\n",
               {"mpDotG6ha1fTgfZfWNe8lA==.crypted000007",
                "ZgV9oLmV0zBbd3q0eTJ5pQ==.crypted000007"}),
      Incident("scarab",
               "IF YOU WANT TO GET ALL YOUR FILES BACK, PLEASE READ "
               "THIS.TXT",
               "As a bonus, I will tell you how hacked your computer is "
               "and how to protect it in the future.\n",
               {"report.docx.[suupport@protonmail.com].scarab",
                "photo.jpg.[suupport@protonmail.com].scarab"}),
      // Jigsaw leaves no note: the victim types in its window's text.
      Incident("jigsaw", "what I see on screen.txt",
               "Your computer files have been encrypted. Your photos, "
               "videos, documents, etc....\nBut, don't worry! I have not "
               "deleted them, yet.\nYou have 24 hours to pay 150 USD in "
               "Bitcoins to get the decryption key.\nEvery hour files "
               "will be deleted. Increasing in amount every time.\n",
               {"report.docx.fun", "photo.jpg.fun"}),
      Incident("xorist", "HOW TO DECRYPT FILES.TXT",
               "All your important files were encrypted on this "
               "computer.\nThe single copy of the private key, with will "
               "allow you to decrypt the files, is locate on a secret "
               "server on the internet;\nAfter we confirm the payment , "
               "we send the private key so you can decrypt your "
               "system.\n",
               {"report.docx.EnCiPhErEd", "photo.jpg.EnCiPhErEd"}),
      Incident("zeppelin", "!!! ALL YOUR FILES ARE ENCRYPTED !!!.TXT",
               "All your files are encrypted! Write to "
               "restore@example.test.\nYour ID: C59-E0C-929\n",
               {"report.docx.C59-E0C-929", "photo.jpg.C59-E0C-929"}),
      Incident("snatch", "HOW TO RESTORE YOUR FILES.TXT",
               "Hello! All your files are encrypted and only we can "
               "decrypt them.\nWe always reply within 24 hours. If not - "
               "check spam folder, resend your letter or try send letter "
               "from another email service (like protonmail.com).\nTo "
               "prove that we can recover your files, we am ready to "
               "decrypt any three files (less than 1Mb) for free (except "
               "databases, Excel and backups).\n",
               {"report.docx.qkmxz", "photo.jpg.qkmxz"})
          .TopOnly("a note name many families use: only its lines' wording"),
      Incident("nefilim", "NEFILIM-DECRYPT.txt",
               "Two things have happened to your company.\n\nAll of your "
               "files have been encrypted with military grade "
               "algorithms.\n",
               {"report.docx.NEFILIM", "photo.jpg.NEFILIM"}),
      Incident("ragnar-locker", "!$R4GN4R_0DE9A8E0$!.txt",
               "If you reading this message, it means your network was "
               "PENETRATED and all of your files and data has been "
               "ENCRYPTED.\n- You should purchase our decryption tool, "
               "so will be able to restore your files. Without our "
               "decryption keys it's impossible.\n",
               {"report.docx.ragnar_0DE9A8E0", "photo.jpg.ragnar_0DE9A8E0"}),
      Incident("doppelpaymer", "report.docx.readme2unlock.txt",
               "Your network has been hacked.\nYour files, backups and "
               "shadow copies are unavailable until you pay for a "
               "decryption tool.\nDO NOT RENAME/ MOVE/ DELETE the "
               "encrypted and readme files.\n",
               {"report.docx.locked", "photo.jpg.locked"}),
      Incident("netwalker", "eebf08-Readme.txt",
               "Hi!\nYour files are encrypted by Netwalker.\nAll "
               "encrypted files for this computer has extension: "
               ".eebf08\n",
               {"report.docx.eebf08",
                "photo.jpg.mailto[restore@example.test].eebf08"}),
      Incident("avaddon", "avdn_readme_.txt",
               "Your network has been infected!\nYou are not able to "
               "decrypt it by yourself. But don't worry, we can help you "
               "to restore all your files!\nThe only way to restore your "
               "files is to buy our special software. Only we can give "
               "you this software and only we can restore your files!\n",
               {"report.docx.avdn", "photo.jpg.avdn"}),
      Incident("clop", "ClopReadMe.txt",
               "If you want to restore your files write to emails "
               "(contacts are at the bottom of the sheet) and attach 2-3 "
               "encrypted files\nPhotorec, RannohDecryptor etc. repair "
               "tools are useless and can destroy your files "
               "irreversibly.\n",
               {"report.docx.Clop", "photo.jpg.Clop"})
          .TopOnly("its note mentions Kaspersky's RannohDecryptor, which names "
                   "the Rannoh family"),
      Incident("royal", "README.TXT",
               "Hello!\n\nIf you are reading this, it means that your "
               "system were hit by Royal ransomware.\n",
               {"report.docx.royal", "photo.jpg.royal"}),
      Incident("black-suit", "readme.blacksuit.txt",
               "Your files are encrypted and your data was copied. "
               "Contact us through our Tor site to recover them.\n",
               {"report.docx.blacksuit", "photo.jpg.blacksuit"}),
      Incident("8base", "info.txt",
               "We encrypted your workstations and servers to make the "
               "fact of the intrusion visible and to prevent you from "
               "hiding critical data leaks.\n- Give up the idea of using "
               "decryption help programs, otherwise you will destroy the "
               "system permanently.\n",
               {"report.docx.id[1A2B3C4D-3486].[support@example.test].8base",
                "photo.jpg.id[1A2B3C4D-3486].[support@example.test].8base"})
          .TopOnly("its note is RansomHouse's template (related), and its "
                   "files carry the Phobos builder's name pattern"),
      // Rhysida's note is a PDF, whose text identify does not read: the
      // victim gives its name.
      Incident("rhysida", "", "", {"report.docx.rhysida", "photo.jpg.rhysida"})
          .Names({"CriticalBreachDetected.pdf"}),
      Incident("qilin", "Xb7fQa9kLm-RECOVER-README.txt",
               "-- Qilin\n\nYour network/system was encrypted.\n"
               "Encrypted files have new extension.\n",
               {"report.docx.Xb7fQa9kLm", "photo.jpg.Xb7fQa9kLm"}),
      Incident("cuba", "!!FAQ for Decryption!!.txt",
               "Good day. All your files are encrypted. For decryption "
               "contact us.\n",
               {"report.docx.cuba", "photo.jpg.cuba"})
          .Head("FIDEL.CA"),
      Incident("babuk", "How To Restore Your Files.txt",
               "****BY BABUK LOCKER****\nWhat happend?\nYour computers "
               "and servers are encrypted, backups are deleted. We use "
               "strong encryption algorithms.\n",
               {"report.docx.babyk", "photo.jpg.babyk"})
          .Tail("choung dong looks like hot dog!!"),
      Incident("chaos", "read_it.txt",
               "----> Chaos is multi language ransomware. Translate your "
               "note to any language <----\nAll of your files have been "
               "encrypted\nYour computer was infected with a ransomware "
               "virus. Your files have been encrypted and you won't be "
               "able to decrypt them without our help.\n",
               {"report.docx.x7q2", "photo.jpg.x7q2"})
          .TopOnly("a random extension and read_it.txt, which other builders "
                   "use: only its lines' wording"),
      Incident("medusalocker", "HOW_TO_RECOVER_DATA.html",
               "<html><body><h1>/!\\ YOUR COMPANY NETWORK HAS BEEN "
               "PENETRATED /!\\</h1><p>All your important files have "
               "been encrypted!</p><p>Your files are safe! Only "
               "modified. (RSA+AES)</p></body></html>\n",
               {"report.docx.lockfiles", "photo.jpg.lockfiles"}),
      Incident("inc", "INC-README.txt",
               "Inc. Ransomware\n\nWe have hacked you and downloaded all "
               "confidential data of your company and its clients.\n",
               {"report.docx.INC", "photo.jpg.INC"}),
  };
  return incidents;
}

// gtest prints a failing incident by its family, not as bytes.
void PrintTo(const Incident& incident, std::ostream* os) {
  *os << incident.family;
}

// Random bytes (encrypted content) with the family's marker, if any.
std::string EncryptedBytes(const Marker& marker, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(marker.head);
  for (int i = 0; i < 8192; ++i) {
    bytes.push_back(static_cast<char>(random() & 0xFF));
  }
  bytes.append(marker.tail);
  return bytes;
}

// The built-in KB as the CLI loads it (precompiled at build time); null if
// it cannot be loaded.
const CompiledKb* BuiltInKb() {
  static const std::shared_ptr<const CompiledKb> compiled = [] {
    auto compiled_kb = CompileBuiltInKb();
    return compiled_kb.ok() ? *compiled_kb : nullptr;
  }();
  return compiled.get();
}

// The incident's files as a user hands them to identify: written to a
// folder and read back, so each is classified by its content.
std::vector<Input> ReadIncident(const Incident& incident) {
  io::MemoryFileSystem fs;
  std::vector<Path> paths;
  if (!incident.note_name.empty()) {
    const Path path = Path("/incident") / std::string(incident.note_name);
    EXPECT_THAT(fs.AddFile(path, ByteView::FromString(incident.note_text)),
                IsOk());
    paths.push_back(path);
  }
  std::uint32_t seed = 1;
  for (const std::string_view name : incident.files) {
    const Path path = Path("/incident") / std::string(name);
    const std::string bytes = EncryptedBytes(incident.marker, seed++);
    EXPECT_THAT(fs.AddFile(path, ByteView::FromString(bytes)), IsOk());
    paths.push_back(path);
  }
  std::vector<Input> inputs;
  for (const Path& path : paths) {
    auto input = ReadInput(fs, path);
    EXPECT_TRUE(input.ok()) << path.string();
    if (input.ok()) inputs.push_back(std::move(*input));
  }
  for (const std::string_view name : incident.names) {
    inputs.push_back(FileNameInput(name));
  }
  return inputs;
}

std::string Describe(const Report& report) {
  std::string out = std::string(VerdictName(report.verdict)) + ":";
  for (std::size_t i = 0; i < report.candidates.size() && i < 3; ++i) {
    char score[16];
    std::snprintf(score, sizeof score, "%.2f", report.candidates[i].score);
    out += " " + report.candidates[i].family + " " + score;
  }
  return out;
}

class TopFamiliesTest : public ::testing::TestWithParam<Incident> {};

TEST_P(TopFamiliesTest, TypicalIncidentIsIdentified) {
  const Incident& incident = GetParam();
  const CompiledKb* kb = BuiltInKb();
  ASSERT_NE(kb, nullptr);
  const std::vector<Input> inputs = ReadIncident(incident);
  const Report report = kb->Identify(inputs);
  ASSERT_FALSE(report.candidates.empty()) << Describe(report);
  EXPECT_EQ(report.candidates[0].family, incident.family) << Describe(report);
  if (incident.expect == Expect::kIdentified) {
    EXPECT_EQ(report.verdict, Verdict::kIdentified) << Describe(report);
  } else {
    EXPECT_FALSE(incident.why_shared.empty());
    EXPECT_NE(report.verdict, Verdict::kUnknown) << Describe(report);
  }
}

// "stop-djvu" -> "stop_djvu": a test name is an identifier.
std::string TestName(const ::testing::TestParamInfo<Incident>& param_info) {
  std::string name;
  for (const char c : param_info.param.family) {
    name.push_back(c == '-' ? '_' : c);
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(BuiltInKb, TopFamiliesTest,
                         ::testing::ValuesIn(Incidents()), TestName);

// Ordinary files with ordinary names, a README and a shopping list: nothing
// of any family.
TEST(TopFamiliesNegativeTest, BenignFilesAreNotIdentified) {
  const CompiledKb* kb = BuiltInKb();
  ASSERT_NE(kb, nullptr);
  io::MemoryFileSystem fs;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"/home/README.md",
       "# Holiday planner\n\nBuild with make, run ./planner. Files are "
       "saved in your documents folder; see LICENSE for the terms.\n"},
      {"/home/shopping list.txt",
       "Milk, bread, eggs and apples. Call the plumber on Monday.\n"},
      {"/home/holiday photo.jpg",
       EncryptedBytes(Marker{"\xFF\xD8\xFF", ""}, 7)},
      {"/home/budget 2024.xlsx", EncryptedBytes(Marker{"PK\x03\x04", ""}, 8)},
      {"/home/backup.zip", EncryptedBytes(Marker{"PK\x03\x04", ""}, 9)},
      {"/home/song.mp3", EncryptedBytes(Marker{"ID3", ""}, 10)},
      {"/home/Main.java", "public class Main { }\n"},
  };
  std::vector<Input> inputs;
  for (const auto& [path, bytes] : files) {
    ASSERT_THAT(fs.AddFile(path, ByteView::FromString(bytes)), IsOk());
    ASSERT_OK_AND_ASSIGN(Input input, ReadInput(fs, path));
    // Each alone, then all together.
    const Report alone = kb->Identify({&input, 1});
    EXPECT_NE(alone.verdict, Verdict::kIdentified)
        << path << ": " << Describe(alone);
    inputs.push_back(std::move(input));
  }
  const Report together = kb->Identify(inputs);
  EXPECT_NE(together.verdict, Verdict::kIdentified) << Describe(together);
}

}  // namespace
}  // namespace kintsugi::identify
