#pragma once

// The one explicit list of decryptors (conventions.md: no self-registering
// static objects). To add a decryptor: write src/families/<family>/ (the
// build picks up its sources and tests) and add it to AllDecryptors() in
// registry.cpp (docs/writing-a-decryptor.md).

#include <span>

#include "recover/decryptor.h"

namespace kintsugi::families {

// Every decryptor, in the order probing tries them.
std::span<const recover::Decryptor* const> AllDecryptors();

}  // namespace kintsugi::families
