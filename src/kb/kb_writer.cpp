// The writer of the KB YAML format (docs/kb-format.md): the canonical
// layout the importer writes, every string double-quoted and escaped so the
// files are plain ASCII and load back to an equal Family.

#include <algorithm>
#include <cstdio>
#include <string>

#include "core/utf8.h"
#include "kb/kb_format.h"

namespace kintsugi::kb::internal {
namespace {

// A YAML double-quoted scalar: every byte outside printable ASCII escaped,
// so any string round-trips and the file stays plain ASCII.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (c >= 0x80) {
      // One UTF-8 character as a \u or \U escape; an invalid byte becomes
      // U+FFFD (strictly decoded: an escape of a code point the reader
      // rejects would break the round trip).
      std::uint32_t code = 0xfffd;
      if (const std::optional<Utf8Char> decoded = DecodeUtf8(text, i)) {
        code = decoded->code;
        i += decoded->length - 1;
      }
      char buffer[16];
      if (code > 0xffff) {
        std::snprintf(buffer, sizeof buffer, "\\U%08x", code);
      } else {
        std::snprintf(buffer, sizeof buffer, "\\u%04x", code);
      }
      out += buffer;
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    }
  }
  out += '"';
  return out;
}

void WriteList(std::string* out, std::string_view indent, std::string_view key,
               const std::vector<std::string>& items) {
  if (items.empty()) return;
  *out += std::string(indent) + std::string(key) + ":\n";
  for (const auto& item : items) {
    *out += std::string(indent) + "  - " + Quote(item) + "\n";
  }
}

void WriteSources(std::string* out, std::string_view indent,
                  const std::vector<Source>& sources) {
  std::vector<std::string> items;
  items.reserve(sources.size());
  for (const auto& s : sources) items.push_back(FormatSource(s));
  WriteList(out, indent, "sources", items);
}

bool IsPrintable(const Bytes& bytes) {
  return !bytes.empty() &&
         std::all_of(bytes.begin(), bytes.end(),
                     [](std::uint8_t b) { return b >= 0x20 && b < 0x7f; });
}

std::string Hex64(std::uint64_t value) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%llx",
                static_cast<unsigned long long>(value));
  return buffer;
}

void WriteFields(std::string* out, const std::vector<FileField>& fields) {
  if (fields.empty()) return;
  *out += "    fields:\n";
  for (const FileField& field : fields) {
    *out += "      - at: " + std::to_string(field.at) + "\n";
    *out +=
        "        type: " + std::string(FieldTypeSpelling(field.type)) + "\n";
    if (field.length != 0) {
      *out += "        length: " + std::to_string(field.length) + "\n";
    }
    if (!field.values.empty()) {
      *out += "        values: [";
      for (std::size_t i = 0; i < field.values.size(); ++i) {
        *out += (i == 0 ? "" : ", ") + Quote(Hex64(field.values[i]));
      }
      *out += "]\n";
    }
    if (field.min && field.max &&
        field.min->relative_to_size == field.max->relative_to_size &&
        field.min->value == field.max->value &&
        field.min->delta == field.max->delta) {
      *out += "        equals: " + Quote(FormatFieldBound(*field.min)) + "\n";
      continue;
    }
    if (field.min) {
      *out += "        min: " + Quote(FormatFieldBound(*field.min)) + "\n";
    }
    if (field.max) {
      *out += "        max: " + Quote(FormatFieldBound(*field.max)) + "\n";
    }
  }
}

}  // namespace

std::string FamilyToYaml(const Family& family) {
  std::string out;
  out.reserve(4096);
  out += "# Kintsugi knowledge base, format: docs/kb-format.md\n";
  out += "id: " + Quote(family.id) + "\n";
  out += "name: " + Quote(family.name) + "\n";
  WriteList(&out, "", "aliases", family.aliases);
  if (!family.first_seen.empty()) {
    out += "first_seen: " + Quote(family.first_seen) + "\n";
  }
  if (!family.last_seen.empty()) {
    out += "last_seen: " + Quote(family.last_seen) + "\n";
  }
  WriteList(&out, "", "platforms", family.platforms);
  WriteList(&out, "", "references", family.references);
  WriteList(&out, "", "related", family.related);
  WriteSources(&out, "", family.sources);
  if (family.disabled) out += "disabled: true\n";
  if (!family.rules.empty()) {
    out += "rules:\n";
    for (const auto& rule : family.rules) {
      out += "  - id: " + Quote(rule.id) + "\n";
      out += "    kind: " + std::string(RuleKindSpelling(rule.kind)) + "\n";
      out += "    strength: " + std::string(StrengthSpelling(rule.strength)) +
             "\n";
      if (!rule.pattern.empty()) {
        out += "    pattern: " + Quote(rule.pattern) + "\n";
      }
      if (rule.is_regex) out += "    regex: true\n";
      if (rule.kind == RuleKind::kFileMarker) {
        if (rule.marker.empty()) {
          // A layout of fields only (Akira's footer).
        } else if (IsPrintable(rule.marker)) {
          out += "    marker_text: " +
                 Quote(std::string(rule.marker.begin(), rule.marker.end())) +
                 "\n";
        } else {
          out += "    marker_hex: " + Quote(ToHex(rule.marker)) + "\n";
        }
        out += "    anchor: " + std::string(AnchorSpelling(rule.anchor)) + "\n";
        out += "    offset: " + std::to_string(rule.offset) + "\n";
        WriteFields(&out, rule.fields);
      }
      if (rule.kind == RuleKind::kSizeRelation) {
        out += "    modulus: " + std::to_string(rule.modulus) + "\n";
        out += "    remainder: " + std::to_string(rule.remainder) + "\n";
        if (rule.footer_bytes != 0) {
          out +=
              "    footer_bytes: " + std::to_string(rule.footer_bytes) + "\n";
        }
      }
      if (!rule.min_engine.empty()) {
        out += "    min_engine: " + Quote(rule.min_engine) + "\n";
      }
      WriteSources(&out, "    ", rule.sources);
    }
  }
  if (!family.contacts.empty()) {
    out += "contacts:\n";
    for (const auto& contact : family.contacts) {
      out +=
          "  - kind: " + std::string(ContactKindSpelling(contact.kind)) + "\n";
      out += "    value: " + Quote(contact.value) + "\n";
      WriteSources(&out, "    ", contact.sources);
    }
  }
  WriteList(&out, "", "reference_notes", family.reference_notes);
  const Recovery& r = family.recovery;
  if (r.possible != RecoveryPossible::kUnknown || !r.decryptor.empty() ||
      !r.notes.empty() || !r.sources.empty()) {
    out += "recovery:\n";
    out += "  possible: " + std::string(RecoveryPossibleSpelling(r.possible)) +
           "\n";
    if (!r.decryptor.empty())
      out += "  decryptor: " + Quote(r.decryptor) + "\n";
    if (!r.strategy.empty()) out += "  strategy: " + Quote(r.strategy) + "\n";
    if (r.planned) out += "  planned: true\n";
    WriteList(&out, "  ", "needs", r.needs);
    if (!r.notes.empty()) out += "  notes: " + Quote(r.notes) + "\n";
    WriteSources(&out, "  ", r.sources);
  }
  if (!family.fixtures.empty()) {
    out += "fixtures:\n";
    for (const auto& f : family.fixtures) {
      out += std::string("  - positive: ") + (f.positive ? "true" : "false") +
             "\n";
      WriteList(&out, "    ", "file_names", f.file_names);
      if (!f.note_name.empty()) {
        out += "    note_name: " + Quote(f.note_name) + "\n";
      }
      if (!f.note_text.empty()) {
        out += "    note_text: " + Quote(f.note_text) + "\n";
      }
      WriteList(&out, "    ", "contacts", f.contacts);
      if (!f.file_head.empty()) {
        out += "    file_head_hex: " + Quote(ToHex(f.file_head)) + "\n";
      }
      if (!f.file_tail.empty()) {
        out += "    file_tail_hex: " + Quote(ToHex(f.file_tail)) + "\n";
      }
    }
  }
  return out;
}

}  // namespace kintsugi::kb::internal
