// Key dumps: parsing and checking every record, with its line
// (docs/key-format.md), and writing one record as a JSON line.

#include "kintsugi/key_dump.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/rsa_key_blob.h"
#include "crypto/secp256k1.h"
#include "kintsugi/key_families.h"
#include "kintsugi/limits.h"
#include "store/csv.h"

namespace kintsugi {
namespace {

using Json = nlohmann::json;

// The family of the keys in a dump of hex lines (Chimera's leak).
constexpr std::string_view kChimeraKeyFamily = "chimera";

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Never prompts: an encrypted PEM key is refused, not asked about.
int NoPassword(char*, int, int, void*) { return 0; }

// `key` if its parts agree (for RSA: n = pq, de = 1 mod lcm(p-1, q-1), the
// CRT values), else null: a damaged dump can hold a key that parses but
// decrypts nothing. No primality test: too slow for 20,000 keys/s.
Pkey Consistent(Pkey key) {
  if (key == nullptr) return key;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr),
      &EVP_PKEY_CTX_free);
  const bool ok =
      context != nullptr && EVP_PKEY_pairwise_check(context.get()) == 1;
  ERR_clear_error();
  return ok ? std::move(key) : nullptr;
}

Pkey ParsePem(std::string_view pem) {
  if (pem.size() > limits::kMaxKeyBytes) return nullptr;
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return nullptr;
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  ERR_clear_error();
  return Consistent(std::move(key));
}

Pkey ParseDer(ByteView der) {
  if (der.size() > limits::kMaxKeyBytes) return nullptr;
  const unsigned char* cursor = der.data();
  Pkey key(d2i_AutoPrivateKey(nullptr, &cursor, static_cast<long>(der.size())));
  ERR_clear_error();
  // Trailing bytes after the key are not part of a DER key.
  if (key != nullptr && cursor != der.data() + der.size()) return nullptr;
  return Consistent(std::move(key));
}

bool IsFamilyId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

constexpr std::array<std::string_view, 10> kFields = {
    "family",  "handle", "handle_kind", "key_type", "key_pem",
    "key_hex", "source", "case",        "date",     "state"};

// A string field: its value, nullopt when absent; `*problem` set when it is
// there but not a string.
std::optional<std::string> StringField(const Json& object,
                                       std::string_view name,
                                       std::string* problem) {
  const auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    if (problem->empty())
      *problem = fmt::format("\"{}\" is not a string", name);
    return std::nullopt;
  }
  return it->get<std::string>();
}

// The key bytes the store keeps for `type`, from key_pem or key_hex; an RSA
// key's modulus size in `*rsa_bits`.
Result<SecretBytes> KeyBytes(KeyType type,
                             const std::optional<std::string>& pem,
                             const std::optional<std::string>& hex,
                             int* rsa_bits) {
  if (pem.has_value() == hex.has_value()) {
    return InvalidArgumentError("give exactly one of key_pem and key_hex");
  }
  switch (type) {
    case KeyType::kRsaPrivatePem: {
      if (!pem) return InvalidArgumentError("rsa-private-pem takes key_pem");
      Pkey key = ParsePem(*pem);
      if (key == nullptr || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        return InvalidArgumentError(
            "key_pem is not an unencrypted PEM RSA private key");
      }
      *rsa_bits = EVP_PKEY_get_bits(key.get());
      return SecretBytes(ByteView(
          reinterpret_cast<const std::uint8_t*>(pem->data()), pem->size()));
    }
    case KeyType::kRsaPrivateDer: {
      if (!hex) return InvalidArgumentError("rsa-private-der takes key_hex");
      KINTSUGI_ASSIGN_OR_RETURN(SecretBytes der, SecretBytes::FromHex(*hex));
      Pkey key = ParseDer(der.view());
      if (key == nullptr || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        return InvalidArgumentError("key_hex is not a DER RSA private key");
      }
      *rsa_bits = EVP_PKEY_get_bits(key.get());
      return der;
    }
    case KeyType::kX25519Private: {
      if (hex) {
        KINTSUGI_ASSIGN_OR_RETURN(SecretBytes raw, SecretBytes::FromHex(*hex));
        if (raw.size() != 32) {
          return InvalidArgumentError(
              "an x25519-private key_hex is 32 bytes (64 hex digits)");
        }
        return raw;
      }
      Pkey key = ParsePem(*pem);
      if (key == nullptr ||
          EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_X25519) {
        return InvalidArgumentError(
            "key_pem is not an unencrypted PEM X25519 private key");
      }
      SecretBytes raw(32);
      std::size_t size = raw.size();
      if (EVP_PKEY_get_raw_private_key(key.get(), raw.mutable_span().data(),
                                       &size) != 1 ||
          size != 32) {
        ERR_clear_error();
        return InvalidArgumentError("key_pem holds no X25519 private key");
      }
      return raw;
    }
    case KeyType::kSecp256k1Private: {
      if (!hex) {
        return InvalidArgumentError("secp256k1-private takes key_hex");
      }
      KINTSUGI_ASSIGN_OR_RETURN(SecretBytes raw, SecretBytes::FromHex(*hex));
      if (!crypto::IsSecp256k1PrivateKey(raw.view())) {
        return InvalidArgumentError(
            "a secp256k1-private key_hex is 32 bytes (64 hex digits), a "
            "number from 1 to the group order less one");
      }
      return raw;
    }
    case KeyType::kRsaPrivateBlob: {
      // recovery-schemes-2.md §3.6: a blob whose parts disagree decrypts
      // nothing; the message names the relation that fails.
      if (!hex) return InvalidArgumentError("rsa-private-blob takes key_hex");
      KINTSUGI_ASSIGN_OR_RETURN(SecretBytes blob,
                                crypto::RsaKeyBlobFromHex(*hex));
      KINTSUGI_ASSIGN_OR_RETURN(const crypto::RsaPrivateKey key,
                                crypto::ParseRsaKeyBlob(blob.view()));
      *rsa_bits = static_cast<int>(key.ModulusBytes() * 8);
      return blob;
    }
    case KeyType::kSymmetric:
    case KeyType::kSeed: {
      if (!hex) {
        return InvalidArgumentError(
            fmt::format("{} takes key_hex", KeyTypeName(type)));
      }
      return SecretBytes::FromHex(*hex);
    }
  }
  return InvalidArgumentError("unknown key type");
}

std::string KeyTypeList(std::span<const KeyType> types) {
  std::string list;
  for (const KeyType type : types) {
    if (!list.empty()) list += " or ";
    list += KeyTypeName(type);
  }
  return list;
}

// Whether `record` fits its family (docs/key-format.md §4.1): a key-lookup
// family's key types, RSA size and handle; otherwise a family of the
// knowledge base (`*no_decryptor` set). What is wrong, or nullopt.
std::optional<Message> CheckFamily(const KeyRecord& record, int rsa_bits,
                                   const KeyDumpDefaults& defaults,
                                   bool* no_decryptor) {
  const std::string id = record.family;
  const KeyFamily* family = FindKeyFamily(id);
  if (family == nullptr) {
    if (defaults.kb_families.contains(id)) {
      *no_decryptor = true;
      return std::nullopt;
    }
    return Message{MessageId::kKeysUnknownFamily, {{"family", id}}};
  }
  const auto& types = family->key_types;
  if (std::find(types.begin(), types.end(), record.key_type) == types.end()) {
    return Message{MessageId::kKeysFamilyKeyType,
                   {{"family", id},
                    {"types", KeyTypeList(types)},
                    {"type", std::string(KeyTypeName(record.key_type))}}};
  }
  if (family->rsa_bits != 0 && rsa_bits != 0 && rsa_bits != family->rsa_bits) {
    return Message{MessageId::kKeysFamilyRsaSize,
                   {{"family", id},
                    {"bits", std::int64_t{family->rsa_bits}},
                    {"given", std::int64_t{rsa_bits}}}};
  }
  if (record.handle.kind != family->handle_kind) {
    if (family->handle_kind == HandleKind::kNone) {
      return Message{MessageId::kKeysFamilyNoHandle, {{"family", id}}};
    }
    return Message{
        MessageId::kKeysFamilyHandleKind,
        {{"family", id},
         {"kind", std::string(HandleKindName(family->handle_kind))},
         {"given", std::string(HandleKindName(record.handle.kind))}}};
  }
  if (family->handle_fits != nullptr &&
      !family->handle_fits(record.handle.value)) {
    return Message{
        MessageId::kKeysFamilyHandleFormat,
        {{"family", id},
         {"format", std::vector<Message>{Message{family->handle_format, {}}}}}};
  }
  return std::nullopt;
}

// Checks one record of a dump, but for its family; the record (and an RSA
// key's size in `*rsa_bits`), or what is wrong with it.
Result<KeyRecord> ReadRecord(const Json& object,
                             const KeyDumpDefaults& defaults, int* rsa_bits) {
  if (!object.is_object()) {
    return InvalidArgumentError("a record is a JSON object");
  }
  for (const auto& [name, value] : object.items()) {
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      return InvalidArgumentError(fmt::format("unknown field \"{}\"", name));
    }
  }
  std::string problem;
  const auto family = StringField(object, "family", &problem);
  const auto handle = StringField(object, "handle", &problem);
  const auto handle_kind = StringField(object, "handle_kind", &problem);
  const auto key_type = StringField(object, "key_type", &problem);
  const auto key_pem = StringField(object, "key_pem", &problem);
  const auto key_hex = StringField(object, "key_hex", &problem);
  const auto source = StringField(object, "source", &problem);
  const auto case_reference = StringField(object, "case", &problem);
  const auto date = StringField(object, "date", &problem);
  const auto state = StringField(object, "state", &problem);
  if (!problem.empty()) return InvalidArgumentError(problem);
  if (!family || !IsFamilyId(*family)) {
    return InvalidArgumentError(
        "\"family\" is required: a family id of lowercase letters, digits "
        "and hyphens");
  }
  if (!key_type) return InvalidArgumentError("\"key_type\" is required");

  KeyRecord record;
  record.family = *family;
  KINTSUGI_ASSIGN_OR_RETURN(record.key_type, ParseKeyType(*key_type));
  if (handle_kind) {
    KINTSUGI_ASSIGN_OR_RETURN(record.handle.kind,
                              ParseHandleKind(*handle_kind));
  } else {
    record.handle.kind = handle ? HandleKind::kVictimId : HandleKind::kNone;
  }
  record.handle.value = handle.value_or("");
  if (state) {
    KINTSUGI_ASSIGN_OR_RETURN(record.state, ParseReleaseState(*state));
  }
  record.provenance.source = source.value_or(defaults.source);
  record.provenance.case_reference = case_reference.value_or("");
  record.provenance.date = date.value_or("");
  KINTSUGI_ASSIGN_OR_RETURN(
      record.key, KeyBytes(record.key_type, key_pem, key_hex, rsa_bits));
  KINTSUGI_RETURN_IF_ERROR(ValidateKeyRecord(record));
  return record;
}

// The identity two records of one dump must not share: family and handle,
// or family and key digest for records without a handle.
Result<std::string> DuplicateKey(const KeyRecord& record) {
  std::string key = record.family;
  key += '\0';
  key += HandleKindName(record.handle.kind);
  key += '\0';
  if (record.handle.kind != HandleKind::kNone) {
    return key + record.handle.value;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  const ByteView bytes = record.key.view();
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(),
                 nullptr) != 1) {
    ERR_clear_error();
    return InternalError("SHA-256 failed");
  }
  key.append(reinterpret_cast<const char*>(digest.data()), size);
  return key;
}

// Byte offsets where each element of the top-level array in `text` (valid
// JSON, checked by the caller) starts.
std::vector<std::size_t> ElementOffsets(std::string_view text,
                                        std::size_t open) {
  std::vector<std::size_t> offsets;
  int depth = 0;
  bool in_string = false;
  bool expecting = true;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (depth == 0 && c == ']') break;
    if (depth == 0 && c == ',') {
      expecting = true;
      continue;
    }
    if (expecting) {
      offsets.push_back(i);
      expecting = false;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return offsets;
}

// 1-based line numbers of increasing byte offsets.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  std::size_t LineAt(std::size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < position_) {
      position_ = 0;
      line_ = 1;
    }
    line_ += static_cast<std::size_t>(
        std::count(text_.begin() + static_cast<std::ptrdiff_t>(position_),
                   text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    position_ = offset;
    return line_;
  }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
};

class DumpReader {
 public:
  explicit DumpReader(const KeyDumpDefaults& defaults) : defaults_(defaults) {}

  void Add(const Json& value, std::size_t line) {
    ++dump_.record_count;
    int rsa_bits = 0;
    auto record = ReadRecord(value, defaults_, &rsa_bits);
    if (!record) return Problem(line, record.error().message());
    bool no_decryptor = false;
    if (auto misfit =
            CheckFamily(*record, rsa_bits, defaults_, &no_decryptor)) {
      return Problem(line, std::move(*misfit));
    }
    auto duplicate = DuplicateKey(*record);
    if (!duplicate) return Problem(line, duplicate.error().message());
    const auto [it, inserted] = seen_.emplace(*duplicate, line);
    if (!inserted) {
      return Problem(line,
                     record->handle.kind == HandleKind::kNone
                         ? fmt::format("the same key as line {}", it->second)
                         : fmt::format("the same {} handle as line {}",
                                       record->family, it->second));
    }
    if (no_decryptor) ++dump_.no_decryptor_count;
    if (dump_.problems.empty()) {
      dump_.records.push_back(std::move(*record));
      dump_.lines.push_back(line);
    }
  }

  // A line of JSON lines that is not JSON: a record, rejected.
  void Unreadable(std::size_t line) {
    Reject(line, "not valid JSON (or not UTF-8)");
  }

  // Text that is no record (a CSV header or row that cannot be read), counted
  // as one rejected record.
  void Reject(std::size_t line, std::string message) {
    ++dump_.record_count;
    Problem(line, std::move(message));
  }
  void Reject(std::size_t line, Message detail) {
    ++dump_.record_count;
    Problem(line, std::move(detail));
  }

  std::size_t record_count() const { return dump_.record_count; }

  void Problem(std::size_t line, std::string message) {
    Problem(KeyDumpProblem{line, std::move(message), {}});
  }
  void Problem(std::size_t line, Message detail) {
    Problem(KeyDumpProblem{line, "", std::move(detail)});
  }
  void Problem(KeyDumpProblem problem) {
    ++dump_.rejected_count;
    if (dump_.problems.size() < limits::kMaxKeyDumpProblems) {
      dump_.problems.push_back(std::move(problem));
    }
    // Records are kept only while the dump is clean.
    dump_.records.clear();
    dump_.lines.clear();
  }

  ParsedKeyDump Finish() && { return std::move(dump_); }

 private:
  const KeyDumpDefaults& defaults_;
  std::map<std::string, std::size_t> seen_;
  ParsedKeyDump dump_;
};

// What is wrong with a CSV header (docs/key-format.md §1.1), or nullopt.
std::optional<Message> HeaderProblem(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (name.empty()) {
      return Message{MessageId::kKeysCsvUnnamedColumn,
                     {{"number", static_cast<std::int64_t>(i + 1)}}};
    }
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      return Message{MessageId::kKeysCsvUnknownColumn, {{"column", name}}};
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i),
                  name) != names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Message{MessageId::kKeysCsvColumnTwice, {{"column", name}}};
    }
  }
  const auto has = [&names](std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (!has("family") || !has("key_type") ||
      !(has("key_pem") || has("key_hex"))) {
    return Message{MessageId::kKeysCsvHeaderIncomplete, {}};
  }
  return std::nullopt;
}

// The message for a CSV record's problem; `column` names the field of a
// NUL byte or invalid UTF-8 (its header name, or its number in the header).
Message CsvProblemMessage(const store::CsvRecord& record, std::string column) {
  switch (record.problem) {
    case store::CsvProblem::kNulByte:
      return Message{MessageId::kKeysCsvNulByte, {{"column", column}}};
    case store::CsvProblem::kNotUtf8:
      return Message{MessageId::kKeysCsvNotUtf8, {{"column", column}}};
    case store::CsvProblem::kUnclosedQuote:
      return Message{
          MessageId::kKeysCsvUnclosedQuote,
          {{"opened", static_cast<std::int64_t>(record.quote_line)}}};
    case store::CsvProblem::kTextAfterQuote:
      return Message{MessageId::kKeysCsvTextAfterQuote, {}};
    case store::CsvProblem::kQuoteInField:
      return Message{MessageId::kKeysCsvQuoteInField, {}};
    case store::CsvProblem::kBareCr:
    case store::CsvProblem::kNone:  // Not called for it.
      break;
  }
  return Message{MessageId::kKeysCsvBareCr, {}};
}

// A CSV dump: a header row of field names, then one record per row, an
// empty cell being an absent field. Each row becomes the JSON object of the
// same fields, so that both shapes are checked by the same code.
void ReadCsvDump(std::string_view text, DumpReader& reader) {
  // One more than the fields of a record: enough to tell a header that
  // names a field twice or an unknown one.
  store::CsvReader csv(text, kFields.size() + 1);
  store::CsvRecord header;
  const store::CsvReader::Next first = csv.Read(&header);
  if (first == store::CsvReader::Next::kEnd) return;
  if (header.problem != store::CsvProblem::kNone) {
    return reader.Reject(
        header.line,
        CsvProblemMessage(header, std::to_string(header.problem_field + 1)));
  }
  if (auto problem = HeaderProblem(header.fields)) {
    return reader.Reject(header.line, std::move(*problem));
  }
  const std::vector<std::string>& names = header.fields;
  store::CsvRecord row;
  while (true) {
    const store::CsvReader::Next next = csv.Read(&row);
    if (next == store::CsvReader::Next::kEnd) return;
    if (next == store::CsvReader::Next::kSyntaxError) {
      return reader.Reject(row.line, CsvProblemMessage(row, ""));
    }
    if (row.field_count != names.size()) {
      reader.Reject(
          row.line,
          Message{MessageId::kKeysCsvWidth,
                  {{"fields", static_cast<std::int64_t>(row.field_count)},
                   {"columns", static_cast<std::int64_t>(names.size())}}});
      continue;
    }
    if (row.problem != store::CsvProblem::kNone) {
      reader.Reject(row.line, CsvProblemMessage(row, names[row.problem_field]));
      continue;
    }
    Json object = Json::object();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!row.fields[i].empty()) object[names[i]] = std::move(row.fields[i]);
    }
    reader.Add(object, row.line);
  }
}

// Chimera's leak as it was published (docs/key-format.md §1.2): one key
// blob a line, in hex. A dump whose first line is hex digits alone is one
// (a CSV header names fields, a JSON dump starts with a bracket).
bool IsHexLine(std::string_view line) {
  return !line.empty() && std::all_of(line.begin(), line.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
  });
}

std::string_view Trimmed(std::string_view line) {
  const std::size_t begin = line.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return line.substr(begin, line.find_last_not_of(" \t\r") - begin + 1);
}

// Each line a record of family chimera, key type rsa-private-blob and no
// handle, checked as the same record in JSON would be; blank lines are
// skipped. `start` skips a byte-order mark.
void ReadKeyBlobLines(std::string_view text, std::size_t start,
                      DumpReader& reader) {
  std::size_t line_start = start;
  std::size_t line_number = 1;
  while (line_start <= text.size()) {
    std::size_t end = text.find('\n', line_start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line =
        Trimmed(text.substr(line_start, end - line_start));
    if (!line.empty()) {
      reader.Add(Json{{"family", kChimeraKeyFamily},
                      {"key_type", KeyTypeName(KeyType::kRsaPrivateBlob)},
                      {"key_hex", line}},
                 line_number);
    }
    line_start = end + 1;
    ++line_number;
  }
}

std::string HexOf(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    hex += kDigits[b >> 4];
    hex += kDigits[b & 0x0f];
  }
  return hex;
}

}  // namespace

Result<ParsedKeyDump> ParseKeyDump(std::string_view text,
                                   const KeyDumpDefaults& defaults) {
  if (text.size() > limits::kMaxKeyDumpBytes) {
    return ResourceExhaustedError(
        fmt::format("the dump is over {} MiB: split it",
                    limits::kMaxKeyDumpBytes / limits::kMiB));
  }
  std::size_t start = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") start = 3;  // A UTF-8 BOM.
  const std::size_t first = text.find_first_not_of(" \t\r\n", start);
  if (first == std::string_view::npos) {
    return InvalidArgumentError("the dump is empty");
  }
  DumpReader reader(defaults);
  LineCounter lines(text);
  if (text[first] == '[') {
    Json array;
    try {
      array = Json::parse(text.substr(first));
    } catch (const Json::parse_error& error) {
      const std::size_t at = first + (error.byte > 0 ? error.byte - 1 : 0);
      reader.Unreadable(lines.LineAt(at));
      return std::move(reader).Finish();
    } catch (const Json::exception&) {
      reader.Unreadable(lines.LineAt(first));
      return std::move(reader).Finish();
    }
    const std::vector<std::size_t> offsets = ElementOffsets(text, first);
    if (offsets.size() != array.size()) {
      return InternalError("the dump's records were miscounted");
    }
    for (std::size_t i = 0; i < array.size(); ++i) {
      reader.Add(array[i], lines.LineAt(offsets[i]));
    }
    return std::move(reader).Finish();
  }
  if (const std::size_t eol = text.find('\n', first);
      IsHexLine(Trimmed(text.substr(first, eol - first)))) {
    ReadKeyBlobLines(text, start, reader);
    return std::move(reader).Finish();
  }
  if (text[first] != '{') {
    ReadCsvDump(text.substr(start), reader);
    if (reader.record_count() == 0) {
      return InvalidArgumentError("the CSV dump has a header but no records");
    }
    return std::move(reader).Finish();
  }
  std::size_t line_start = start;
  std::size_t line_number = 1;
  while (line_start <= text.size()) {
    std::size_t end = text.find('\n', line_start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(line_start, end - line_start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      try {
        reader.Add(Json::parse(line), line_number);
      } catch (const Json::exception&) {
        reader.Unreadable(line_number);
      }
    }
    line_start = end + 1;
    ++line_number;
  }
  return std::move(reader).Finish();
}

std::string KeyDumpLine(const KeyRecord& record) {
  nlohmann::ordered_json line;
  line["family"] = record.family;
  line["handle_kind"] = HandleKindName(record.handle.kind);
  line["handle"] = record.handle.kind == HandleKind::kNone
                       ? nlohmann::ordered_json(nullptr)
                       : nlohmann::ordered_json(record.handle.value);
  line["key_type"] = KeyTypeName(record.key_type);
  const ByteView key = record.key.view();
  if (record.key_type == KeyType::kRsaPrivatePem) {
    line["key_pem"] = std::string(key.begin(), key.end());
  } else {
    line["key_hex"] = HexOf(key);
  }
  line["source"] = record.provenance.source;
  line["case"] = record.provenance.case_reference;
  if (!record.provenance.date.empty()) line["date"] = record.provenance.date;
  line["state"] = ReleaseStateName(record.state);
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kintsugi
