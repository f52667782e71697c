// The portal's identify request (identify_request.h, docs/api.md).

#include "portal/identify_request.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "kintsugi/limits.h"

namespace kintsugi::portal {
namespace {

using Json = nlohmann::json;

// `field` names the field for an error message: a function, so that the
// name is only formatted when there is an error.
template <typename Field>
Result<Bytes> DecodeBase64(const Json& value, const Field& field,
                           std::size_t max_bytes) {
  if (!value.is_string()) {
    return InvalidArgumentError(field() + ": not a base64 string");
  }
  const std::string& text = value.get_ref<const std::string&>();
  // Whitespace is not allowed: what a browser's btoa() gives.
  if (text.size() / 4 * 3 > max_bytes + 3) {
    return ResourceExhaustedError(
        fmt::format("{}: more than {} bytes", field(), max_bytes));
  }
  Bytes out(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(),
                        nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgumentError(field() + ": not valid base64");
  }
  out.resize(length);
  if (out.size() > max_bytes) {
    return ResourceExhaustedError(
        fmt::format("{}: more than {} bytes", field(), max_bytes));
  }
  return out;
}

template <typename Where>
Result<std::string> StringField(const Json& object, const char* key,
                                const Where& where) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) {
    return InvalidArgumentError(where() + "." + key + ": missing or not text");
  }
  return found->get<std::string>();
}

const Json* ArrayField(const Json& root, const char* key) {
  const auto found = root.find(key);
  return found == root.end() || found->is_null() ? nullptr : &*found;
}

}  // namespace

Result<IdentifyEvidence> DecodeIdentifyRequest(std::string_view body) {
  const Json root = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgumentError("the request is not a JSON object");
  }
  const Json* files = ArrayField(root, "files");
  const Json* notes = ArrayField(root, "notes");
  const Json* contacts = ArrayField(root, "contacts");
  for (const auto& [name, part] :
       {std::pair{"files", files}, {"notes", notes}, {"contacts", contacts}}) {
    if (part != nullptr && !part->is_array()) {
      return InvalidArgumentError(std::string(name) + ": not an array");
    }
  }
  const std::size_t nfiles = files == nullptr ? 0 : files->size();
  const std::size_t nnotes = notes == nullptr ? 0 : notes->size();
  const std::size_t ncontacts = contacts == nullptr ? 0 : contacts->size();
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
  for (std::size_t i = 0; i < ncontacts; ++i) {
    const Json& contact = (*contacts)[i];
    if (!contact.is_string()) {
      return InvalidArgumentError(fmt::format("contacts[{}]: not text", i));
    }
    evidence.contacts.push_back(contact.get<std::string>());
  }
  for (std::size_t i = 0; i < nfiles; ++i) {
    const Json& file = (*files)[i];
    // Where, for error messages only (formatted when one is needed).
    const auto where = [i] { return fmt::format("files[{}]", i); };
    if (!file.is_object())
      return InvalidArgumentError(where() + ": not an object");
    IdentifyEvidence::File part;
    KINTSUGI_ASSIGN_OR_RETURN(part.name, StringField(file, "name", where));
    if (part.name.empty() || part.name.size() > limits::kMaxPortalNameBytes) {
      return InvalidArgumentError(where() + ".name: empty or too long");
    }
    if (const auto h = file.find("head"); h != file.end()) {
      KINTSUGI_ASSIGN_OR_RETURN(
          part.head,
          DecodeBase64(
              *h, [&] { return where() + ".head"; }, limits::kFileHeadBytes));
    }
    if (const auto t = file.find("tail"); t != file.end()) {
      KINTSUGI_ASSIGN_OR_RETURN(
          part.tail,
          DecodeBase64(
              *t, [&] { return where() + ".tail"; }, limits::kFileTailBytes));
    }
    part.size = part.head.size();
    if (const auto s = file.find("size"); s != file.end()) {
      if (!s->is_number_unsigned()) {
        return InvalidArgumentError(where() + ".size: not a whole number");
      }
      part.size = s->get<std::uint64_t>();
    }
    if (part.size < part.head.size() || part.size < part.tail.size()) {
      return InvalidArgumentError(where() +
                                  ": head or tail longer than the size");
    }
    evidence.files.push_back(std::move(part));
  }
  for (std::size_t i = 0; i < nnotes; ++i) {
    const Json& note = (*notes)[i];
    const auto where = [i] { return fmt::format("notes[{}]", i); };
    if (!note.is_object())
      return InvalidArgumentError(where() + ": not an object");
    IdentifyEvidence::Note part;
    KINTSUGI_ASSIGN_OR_RETURN(part.name, StringField(note, "name", where));
    KINTSUGI_ASSIGN_OR_RETURN(part.text, StringField(note, "text", where));
    if (part.name.empty()) part.name = fmt::format("note-{}.txt", i + 1);
    if (part.name.size() > limits::kMaxPortalNameBytes) {
      return InvalidArgumentError(where() + ".name: too long");
    }
    if (part.text.size() > limits::kMaxNoteBytes) {
      return ResourceExhaustedError(fmt::format(
          "{}.text: more than {} bytes", where(), limits::kMaxNoteBytes));
    }
    evidence.notes.push_back(std::move(part));
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
