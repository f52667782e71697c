// A partner submission as JSON (kintsugi/partners_json.h).

#include "kintsugi/partners_json.h"

#include <string>

namespace kintsugi::partners {

nlohmann::ordered_json SubmissionJson(const Submission& s) {
  return {{"id", s.id},
          {"kind", std::string(SubmissionKindName(s.kind))},
          {"state", std::string(SubmissionStateName(s.state))},
          {"organisation", s.organisation},
          {"submitter", s.submitter},
          {"case_reference", s.case_reference},
          {"embargo_until", s.embargo_until},
          {"created", s.created},
          {"summary", s.summary},
          {"family", s.family},
          {"key_count", s.key_count},
          {"reviewer", s.reviewer},
          {"reviewer_organisation", s.reviewer_organisation},
          {"reviewed", s.reviewed},
          {"reason", s.reason},
          {"embargo_lifted", s.embargo_lifted}};
}

}  // namespace kintsugi::partners
