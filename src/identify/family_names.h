#pragma once

// Family names mentioned in a note ("Akira", "BlackField", "LockBit 3.0"):
// many notes sign with the family's name, and a name is a stable part that
// carries over to notes the KB has never seen. Names that are ordinary
// words, or that the reference notes of two or more other families also
// contain, are not used (they would match everywhere).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kintsugi::identify {

// The words of `text`: lowercase runs of ASCII letters and digits (and
// non-ASCII bytes, so names in other scripts survive), in order.
std::vector<std::string> NameWords(std::string_view text);

class FamilyNames {
 public:
  // Adds a name or alias of `family`; ignored when it is too short, too
  // long (> 3 words) or a generic word.
  void Add(std::uint32_t family, std::string_view name);
  // Marks the names a reference note of `family` mentions that belong to
  // other families (for the "generic" test in Finish).
  void SeeReferenceNote(std::uint32_t family, std::string_view folded);
  // Drops names that notes of >= 2 other families mention.
  void Finish();

  struct Mention {
    std::uint32_t family = 0;
    std::string name;
  };
  // Names in `text`, each (family, name) once.
  std::vector<Mention> Find(std::string_view text) const;

  std::size_t size() const { return names_.size(); }

 private:
  template <typename F>
  void ForEachNgram(const std::vector<std::string>& words, F&& f) const;

  std::unordered_map<std::string, std::vector<std::uint32_t>> names_;
  // Name -> other families whose reference notes mention it.
  std::unordered_map<std::string, std::vector<std::uint32_t>> seen_by_;
};

}  // namespace kintsugi::identify
