#pragma once

// The English catalog, web/i18n/en.json, built into the binary so that the
// CLI needs no file at run time. The .cpp is generated at configure time
// from english_catalog.cpp.in.

#include <string_view>

namespace kintsugi::internal {

extern const std::string_view kEnglishCatalogJson;

}  // namespace kintsugi::internal
