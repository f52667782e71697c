// ExportKnowledgeBase: chooses what goes out (selection.cpp) and writes it
// in the format asked for (stix.cpp, misp_galaxy.cpp).

#include "kb_export/selection.h"
#include "kintsugi/kb_export.h"

namespace kintsugi::kb_export {

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kStix:
      return "stix";
    case Format::kMispGalaxy:
      return "misp-galaxy";
  }
  return "stix";
}

std::optional<Format> FormatNamed(std::string_view name) {
  for (Format format : {Format::kStix, Format::kMispGalaxy}) {
    if (FormatName(format) == name) return format;
  }
  return std::nullopt;
}

Result<Export> ExportKnowledgeBase(const kb::KnowledgeBase& kb,
                                   const ExportOptions& options) {
  KINTSUGI_ASSIGN_OR_RETURN(internal::Selection selection,
                            internal::Select(kb, options.families));
  switch (options.format) {
    case Format::kStix:
      return internal::WriteStix(selection, options.created_ms);
    case Format::kMispGalaxy:
      return internal::WriteMispGalaxy(selection, kb, options.created_ms);
  }
  return InvalidArgumentError(std::string(FormatName(options.format)));
}

}  // namespace kintsugi::kb_export
