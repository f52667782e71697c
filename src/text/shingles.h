#pragma once

// The tokeniser and the word shingles of a note (issue #3: "Learn the stable
// parts, not whole files"). Identify's similarity model and the KB
// importer's rebrand detection both compare notes by these, so "similar
// note" means one thing (issue #8).
//
// A folded note (text/markup.h, FoldText) becomes a token stream in which
// what changes between victims is replaced by a placeholder: contacts
// (anything with '@', "://", ".onion", "www.") become <contact>, numbers
// <n>, IDs and wallets (words with digits, or longer than 24 bytes) <id>.
// Its shingles are the hashes of every 2 and 3 consecutive tokens.

#include <cstdint>
#include <string_view>
#include <vector>

namespace kintsugi::text {

// The shingle hashes of a folded note, sorted, without duplicates.
std::vector<std::uint64_t> NoteShingles(std::string_view folded);

// |a & b| / |a | b| of two NoteShingles results (sorted, unique); 0 when
// either is empty.
double ShingleJaccard(const std::vector<std::uint64_t>& a,
                      const std::vector<std::uint64_t>& b);

}  // namespace kintsugi::text
