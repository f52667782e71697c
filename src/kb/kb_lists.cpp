// Parsers of the KB's list files (docs/kb-format.md §7): the allow list,
// the disable list and the groups of families that share a note template.

#include <algorithm>

#include "kb/kb_format.h"
#include "kb/yaml_read.h"

namespace kintsugi::kb::internal {

using yaml::Bool;
using yaml::Fail;
using yaml::ForEachKey;
using yaml::Guarded;
using yaml::LineOf;
using yaml::List;
using yaml::Scalar;
using yaml::Sources;
using yaml::StringList;

Status ParseAllowList(std::string_view text, const std::string& file,
                      std::vector<AllowEntry>* out,
                      std::vector<AllowContact>* contacts) {
  return Guarded(text, file, [&](const YAML::Node& root) {
    ForEachKey(
        root, "the allow list",
        [&](const std::string& key, const YAML::Node& list) {
          if (key == "contacts") {
            auto parsed =
                List<AllowContact>(list, key, [&](const YAML::Node& n) {
                  AllowContact entry;
                  entry.where = {file, LineOf(n)};
                  ForEachKey(n, "an allowed contact",
                             [&](const std::string& k, const YAML::Node& v) {
                               if (k == "value") {
                                 entry.value = Scalar(v, k);
                               } else if (k == "domain") {
                                 entry.domain = ToLower(Scalar(v, k));
                               } else if (k == "reason") {
                                 entry.reason = Scalar(v, k);
                               } else {
                                 return false;
                               }
                               return true;
                             });
                  if (entry.value.empty() == entry.domain.empty()) {
                    Fail(n,
                         "allowed contact needs exactly one of "
                         "'value' and 'domain'");
                  }
                  return entry;
                });
            if (contacts != nullptr) *contacts = std::move(parsed);
            return true;
          }
          if (key != "allow") return false;
          *out = List<AllowEntry>(list, key, [&](const YAML::Node& n) {
            AllowEntry entry;
            entry.where = {file, LineOf(n)};
            ForEachKey(n, "an allow entry",
                       [&](const std::string& k, const YAML::Node& v) {
                         if (k == "kind") {
                           const std::string kind = Scalar(v, k);
                           const auto parsed = ParseRuleKind(kind);
                           if (!parsed.has_value()) {
                             Fail(v,
                                  "'kind' is '" + kind + "', not a rule kind");
                           }
                           entry.kind = *parsed;
                         } else if (k == "pattern") {
                           entry.pattern = Scalar(v, k);
                         } else if (k == "regex") {
                           entry.is_regex = Bool(v, k);
                         } else if (k == "reason") {
                           entry.reason = Scalar(v, k);
                         } else {
                           return false;
                         }
                         return true;
                       });
            if (entry.pattern.empty()) {
              Fail(n, "allow entry without a 'pattern'");
            }
            return entry;
          });
          return true;
        });
  });
}

Status ParseDisabledList(std::string_view text, const std::string& file,
                         std::vector<std::string>* out) {
  return Guarded(text, file, [&](const YAML::Node& root) {
    ForEachKey(root, "the disable list",
               [&](const std::string& key, const YAML::Node& list) {
                 if (key != "disabled") return false;
                 *out = StringList(list, key);
                 return true;
               });
  });
}

Status ParseGroups(std::string_view text, const std::string& file,
                   std::vector<Group>* out) {
  return Guarded(text, file, [&](const YAML::Node& root) {
    ForEachKey(
        root, "the group list",
        [&](const std::string& key, const YAML::Node& list) {
          if (key != "groups") return false;
          *out = List<Group>(list, key, [&](const YAML::Node& n) {
            Group group;
            group.where = {file, LineOf(n)};
            ForEachKey(n, "a group",
                       [&](const std::string& k, const YAML::Node& v) {
                         if (k == "id") {
                           group.id = Scalar(v, k);
                         } else if (k == "name") {
                           group.name = Scalar(v, k);
                         } else if (k == "kind") {
                           group.kind = Scalar(v, k);
                         } else if (k == "members") {
                           group.members = StringList(v, k);
                         } else if (k == "shares") {
                           group.shares = Scalar(v, k);
                         } else if (k == "sources") {
                           group.sources = Sources(v);
                         } else {
                           return false;
                         }
                         return true;
                       });
            if (group.id.empty()) Fail(n, "group without an 'id'");
            if (group.name.empty()) group.name = group.id;
            if (std::find(std::begin(kGroupKinds), std::end(kGroupKinds),
                          group.kind) == std::end(kGroupKinds)) {
              Fail(n, "group '" + group.id +
                          "': 'kind' must be one of "
                          "rebrand, builder, affiliates, fork");
            }
            if (group.members.size() < 2) {
              Fail(n, "group '" + group.id + "' needs at least two members");
            }
            return group;
          });
          return true;
        });
  });
}

}  // namespace kintsugi::kb::internal
