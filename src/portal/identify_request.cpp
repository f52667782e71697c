// The portal's identify request (identify_request.h, docs/api.md).

#include "portal/identify_request.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <simdjson.h>

#include <algorithm>
#include <optional>

#include "kintsugi/limits.h"

namespace kintsugi::portal {
namespace {

using simdjson::dom::element;

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// The '=' that end `text` (what a well-formed text ends with: 0 to 2).
std::size_t Padding(std::string_view text) {
  std::size_t pad = 0;
  while (pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  return pad;
}

// What a browser's btoa() gives: groups of four characters, padded with
// at most two '=' at the very end, no whitespace anywhere. EVP_DecodeBlock
// alone would also take whitespace around the text and '=' inside it; the
// characters between the ends are its to check.
bool StrictBase64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  if (text.empty()) return true;
  const std::size_t pad = Padding(text);
  if (pad > 2) return false;
  const std::string_view body = text.substr(0, text.size() - pad);
  return IsBase64Char(body.front()) && IsBase64Char(body.back()) &&
         body.find('=') == std::string_view::npos;
}

// `field` names the field for an error message: a function, so that the
// name is only formatted when there is an error.
template <typename Field>
Result<Bytes> DecodeBase64(element value, const Field& field,
                           std::size_t max_bytes) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return InvalidArgumentError(field() + ": not a base64 string");
  }
  // Whitespace is not allowed: what a browser's btoa() gives.
  if (text.size() / 4 * 3 > max_bytes + 3) {
    return ResourceExhaustedError(
        fmt::format("{}: more than {} bytes", field(), max_bytes));
  }
  if (!StrictBase64(text)) {
    return InvalidArgumentError(field() + ": not valid base64");
  }
  // OpenSSL's decoder: ten times libsodium's constant-time one here (a
  // page's request carries 64 KB heads and tails, issue 14's identify
  // load). It is lenient where StrictBase64 was not.
  Bytes out(text.size() / 4 * 3);
  const int decoded =
      text.empty()
          ? 0
          : EVP_DecodeBlock(out.data(),
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
  if (decoded < 0) {
    return InvalidArgumentError(field() + ": not valid base64");
  }
  const std::size_t length = static_cast<std::size_t>(decoded) - Padding(text);
  out.resize(length);
  if (out.size() > max_bytes) {
    return ResourceExhaustedError(
        fmt::format("{}: more than {} bytes", field(), max_bytes));
  }
  return out;
}

// The member `key` of `object`, or nothing when absent. A key given twice
// counts once, its last value (as nlohmann's parser, used before, kept it).
std::optional<element> Member(simdjson::dom::object object,
                              std::string_view key) {
  std::optional<element> found;
  for (const simdjson::dom::key_value_pair field : object) {
    if (field.key == key) found = field.value;
  }
  return found;
}

template <typename Where>
Result<std::string> StringField(simdjson::dom::object object, const char* key,
                                const Where& where) {
  const std::optional<element> found = Member(object, key);
  std::string_view text;
  if (!found || found->get_string().get(text) != simdjson::SUCCESS) {
    return InvalidArgumentError(where() + "." + key + ": missing or not text");
  }
  return std::string(text);
}

}  // namespace

Result<IdentifyEvidence> DecodeIdentifyRequest(std::string_view body) {
  // simdjson: the request is parsed a few times faster than a document
  // library builds its tree (issue 14's load target), and validated whole
  // (UTF-8, nesting, numbers) before anything is read. A parser a call, so
  // no request's bytes outlive it.
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true)
          .get_object()
          .get(root) != simdjson::SUCCESS) {
    return InvalidArgumentError("the request is not a JSON object");
  }
  std::optional<simdjson::dom::array> parts[3];
  constexpr const char* kParts[3] = {"files", "notes", "contacts"};
  std::size_t counts[3] = {0, 0, 0};
  for (std::size_t k = 0; k < 3; ++k) {
    const std::optional<element> value = Member(root, kParts[k]);
    if (!value || value->is_null()) continue;
    simdjson::dom::array array;
    if (value->get_array().get(array) != simdjson::SUCCESS) {
      return InvalidArgumentError(std::string(kParts[k]) + ": not an array");
    }
    parts[k] = array;
    for ([[maybe_unused]] const element item : array) ++counts[k];
  }
  const auto [nfiles, nnotes, ncontacts] = counts;
  if (nfiles > limits::kMaxPortalFiles || nnotes > limits::kMaxPortalNotes ||
      ncontacts > limits::kMaxContacts) {
    return ResourceExhaustedError(fmt::format(
        "more than {} files, {} notes or {} contacts in one request",
        limits::kMaxPortalFiles, limits::kMaxPortalNotes,
        limits::kMaxContacts));
  }
  if (nfiles + nnotes + ncontacts == 0) {
    return InvalidArgumentError(
        "nothing to identify: give at least one file, note or contact");
  }
  IdentifyEvidence evidence;
  evidence.contacts.reserve(ncontacts);
  evidence.files.reserve(nfiles);
  evidence.notes.reserve(nnotes);
  std::size_t i = 0;
  if (parts[2]) {
    for (const element contact : *parts[2]) {
      std::string_view text;
      if (contact.get_string().get(text) != simdjson::SUCCESS) {
        return InvalidArgumentError(fmt::format("contacts[{}]: not text", i));
      }
      evidence.contacts.emplace_back(text);
      ++i;
    }
  }
  i = 0;
  if (parts[0]) {
    for (const element item : *parts[0]) {
      // Where, for error messages only (formatted when one is needed).
      const auto where = [i] { return fmt::format("files[{}]", i); };
      ++i;
      simdjson::dom::object file;
      if (item.get_object().get(file) != simdjson::SUCCESS) {
        return InvalidArgumentError(where() + ": not an object");
      }
      IdentifyEvidence::File part;
      KINTSUGI_ASSIGN_OR_RETURN(part.name, StringField(file, "name", where));
      if (part.name.empty() || part.name.size() > limits::kMaxPortalNameBytes) {
        return InvalidArgumentError(where() + ".name: empty or too long");
      }
      if (const auto h = Member(file, "head")) {
        KINTSUGI_ASSIGN_OR_RETURN(
            part.head,
            DecodeBase64(
                *h, [&] { return where() + ".head"; }, limits::kFileHeadBytes));
      }
      if (const auto t = Member(file, "tail")) {
        KINTSUGI_ASSIGN_OR_RETURN(
            part.tail,
            DecodeBase64(
                *t, [&] { return where() + ".tail"; }, limits::kFileTailBytes));
      }
      part.size = part.head.size();
      if (const auto size = Member(file, "size")) {
        // A whole number from 0 up: not -1, not 1.5, not 1e3.
        if (!size->is_uint64() ||
            size->get_uint64().get(part.size) != simdjson::SUCCESS) {
          return InvalidArgumentError(where() + ".size: not a whole number");
        }
      }
      if (part.size < part.head.size() || part.size < part.tail.size()) {
        return InvalidArgumentError(where() +
                                    ": head or tail longer than the size");
      }
      evidence.files.push_back(std::move(part));
    }
  }
  i = 0;
  if (parts[1]) {
    for (const element item : *parts[1]) {
      const auto where = [i] { return fmt::format("notes[{}]", i); };
      const std::size_t index = i++;
      simdjson::dom::object note;
      if (item.get_object().get(note) != simdjson::SUCCESS) {
        return InvalidArgumentError(where() + ": not an object");
      }
      IdentifyEvidence::Note part;
      KINTSUGI_ASSIGN_OR_RETURN(part.name, StringField(note, "name", where));
      KINTSUGI_ASSIGN_OR_RETURN(part.text, StringField(note, "text", where));
      if (part.name.empty()) part.name = fmt::format("note-{}.txt", index + 1);
      if (part.name.size() > limits::kMaxPortalNameBytes) {
        return InvalidArgumentError(where() + ".name: too long");
      }
      if (part.text.size() > limits::kMaxNoteBytes) {
        return ResourceExhaustedError(fmt::format(
            "{}.text: more than {} bytes", where(), limits::kMaxNoteBytes));
      }
      evidence.notes.push_back(std::move(part));
    }
  }
  return evidence;
}

IdentifyRequest ReadEvidence(const IdentifyEvidence& evidence) {
  IdentifyRequest request;
  for (const std::string& contact : evidence.contacts) {
    auto input = identify::ContactInput(contact);
    if (!input) {
      request.unread.push_back({"contact", input.error()});
      continue;
    }
    request.inputs.push_back(std::move(*input));
  }
  for (const IdentifyEvidence::File& file : evidence.files) {
    if (file.head.empty() && file.tail.empty()) {
      // A name alone: evidence by its name, as a listing gives.
      request.inputs.push_back(identify::FileNameInput(file.name));
      continue;
    }
    auto input =
        identify::InputFromBytes(file.name, file.size, file.head, file.tail);
    if (!input) {
      request.unread.push_back({file.name, input.error()});
      continue;
    }
    request.inputs.push_back(std::move(*input));
  }
  for (const IdentifyEvidence::Note& note : evidence.notes) {
    const ByteView bytes = ByteView::FromString(note.text);
    auto input = identify::InputFromBytes(note.name, bytes.size(), bytes, {});
    if (!input) {
      request.unread.push_back({note.name, input.error()});
      continue;
    }
    request.inputs.push_back(std::move(*input));
  }
  return request;
}

Result<IdentifyRequest> ParseIdentifyRequest(std::string_view body) {
  KINTSUGI_ASSIGN_OR_RETURN(IdentifyEvidence evidence,
                            DecodeIdentifyRequest(body));
  return ReadEvidence(evidence);
}

Result<identify::Report> IdentifyAsCli(const identify::CompiledKb& kb,
                                       const IdentifyRequest& request) {
  if (request.inputs.empty()) return request.unread.front().status;
  identify::Report report = kb.Identify(request.inputs);
  KINTSUGI_RETURN_IF_ERROR(
      identify::CheckSomethingToIdentify(request.inputs, report));
  return report;
}

}  // namespace kintsugi::portal
