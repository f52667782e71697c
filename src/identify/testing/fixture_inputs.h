#pragma once

// A KB fixture (docs/kb-format.md §11) as the inputs a user would give
// identify: its file names, its note, its contacts and its file bytes.
// Shared by the fixture test and the precompiled-KB test.

#include <string>
#include <utility>
#include <vector>

#include "kintsugi/identify.h"
#include "kintsugi/kb.h"

namespace kintsugi::identify_testing {

using identify::ContactInput;
using identify::FileNameInput;
using identify::Input;
using identify::InputKind;

inline std::vector<Input> FixtureInputs(const kb::Fixture& fixture) {
  std::vector<Input> inputs;
  for (const std::string& name : fixture.file_names) {
    inputs.push_back(FileNameInput(name));
  }
  if (!fixture.note_text.empty()) {
    Input note;
    note.kind = InputKind::kNote;
    note.file_name = fixture.note_name.empty() ? "note.txt" : fixture.note_name;
    note.source = note.file_name;
    note.content = ByteView::FromString(fixture.note_text).ToBytes();
    note.size = note.content.size();
    inputs.push_back(std::move(note));
  } else if (!fixture.note_name.empty()) {
    inputs.push_back(FileNameInput(fixture.note_name));
  }
  for (const std::string& contact : fixture.contacts) {
    auto input = ContactInput(contact);
    if (input) inputs.push_back(std::move(*input));
  }
  if (!fixture.file_head.empty() || !fixture.file_tail.empty()) {
    Input file;
    file.kind = InputKind::kEncryptedFile;
    file.source = "fixture-file";
    file.file_name = fixture.file_names.empty() ? "" : fixture.file_names[0];
    file.content =
        fixture.file_head.empty() ? fixture.file_tail : fixture.file_head;
    file.tail =
        fixture.file_tail.empty() ? fixture.file_head : fixture.file_tail;
    file.size = file.content.size() + file.tail.size();
    inputs.push_back(std::move(file));
  }
  return inputs;
}

}  // namespace kintsugi::identify_testing
