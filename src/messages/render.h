#pragma once

// Render() (kintsugi/message.h) appended to a string the caller keeps:
// the report writers render a sentence per piece of evidence, and a
// string of its own for each cost as much as the JSON around it.

#include <string>

#include "kintsugi/message.h"

namespace kintsugi {

void RenderTo(std::string& out, const Message& message,
              const MessageCatalog& catalog);

}  // namespace kintsugi
