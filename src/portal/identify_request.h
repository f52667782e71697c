#pragma once

// What the portal's identify takes (POST /api/v1/identify, docs/api.md):
// file names with a few KB of head and tail bytes, notes as text, contacts,
// and what it answers: exactly what `kintsugi identify --json` answers for
// the same evidence (the same inputs, the same engine, the same JSON).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/identify.h"
#include "kintsugi/report_json.h"
#include "kintsugi/status.h"

namespace kintsugi::portal {

struct IdentifyRequest {
  // In the CLI's order: contacts, then files, then notes.
  std::vector<identify::Input> inputs;
  // Parts that were well-formed but could not be used (an empty file, a
  // contact too long...), as the CLI lists files it could not read.
  std::vector<UnreadInput> unread;
};

// The request's parts, decoded and checked against the limits but not yet
// read by identify.
struct IdentifyEvidence {
  struct File {
    std::string name;
    std::uint64_t size = 0;
    Bytes head;
    Bytes tail;
  };
  struct Note {
    std::string name;
    std::string text;
  };
  std::vector<std::string> contacts;
  std::vector<File> files;
  std::vector<Note> notes;
};

// The HTTP side of a request: the body's JSON and base64, checked (the
// errors of ParseIdentifyRequest).
Result<IdentifyEvidence> DecodeIdentifyRequest(std::string_view body);

// Identify's side: each part read as the CLI reads a file, a note or a
// contact (identify::InputFromBytes, FileNameInput, ContactInput).
IdentifyRequest ReadEvidence(const IdentifyEvidence& evidence);

// Parses the request body (DecodeIdentifyRequest, then ReadEvidence): {"files":
// [{"name", "size", "head", "tail"}], "notes": [{"name", "text"}], "contacts":
// ["..."]} (any part may be absent; head and tail in base64). kInvalidArgument
// (naming the field) for malformed JSON, a wrong type, bad base64, a head
// longer than `size`; kResourceExhausted past the limits of limits.h (portal).
Result<IdentifyRequest> ParseIdentifyRequest(std::string_view body);

// Identifies as the CLI does: the report, or the CLI's error when no input
// was usable (the first unread one's) or when only non-text, non-encrypted
// files without any evidence were given (kInvalidArgument).
Result<identify::Report> IdentifyAsCli(const identify::CompiledKb& kb,
                                       const IdentifyRequest& request);

}  // namespace kintsugi::portal
