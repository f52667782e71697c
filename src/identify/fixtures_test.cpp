// Every fixture of every family in the shipped KB (kb/) through the engine
// (issue #3: "every family with rules has passing fixtures"). A positive
// fixture must rank its family first, or among the close candidates of an
// ambiguous verdict; a negative one must not identify it.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "core/testing/status_matchers.h"
#include "identify/testing/fixture_inputs.h"
#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"

namespace kintsugi::identify {
namespace {

using identify_testing::FixtureInputs;

// True if `family` is the answer, or one of the answers of an ambiguous
// verdict (within 0.15 of the best score, as Decide() groups them).
bool Names(const Report& report, const std::string& family) {
  if (report.verdict == Verdict::kUnknown || report.candidates.empty()) {
    return false;
  }
  const double best = report.candidates[0].score;
  for (const Candidate& c : report.candidates) {
    if (c.score <= best - 0.15) break;
    if (c.family == family) return true;
    if (report.verdict == Verdict::kIdentified) break;
  }
  return false;
}

// True when all the evidence the fixture gives its family is weak
// (".locked", "readme.txt"): by design weak evidence never decides alone,
// so such a positive fixture can only check that no other family is named
// instead.
bool WeakOnly(const Report& report, const std::string& family) {
  for (const Candidate& c : report.candidates) {
    if (c.family != family) continue;
    for (const Evidence& e : c.evidence) {
      if (!e.weak) return false;
    }
  }
  return true;
}

TEST(FixturesTest, EveryShippedFixturePasses) {
  const char* root = std::getenv("KINTSUGI_SOURCE_ROOT");
  ASSERT_NE(root, nullptr) << "KINTSUGI_SOURCE_ROOT is not set";
  ASSERT_OK_AND_ASSIGN(
      const kb::KnowledgeBase kb,
      kb::LoadKnowledgeBase(RealFileSystem(), Path(root) / "kb"));
  ASSERT_OK_AND_ASSIGN(const auto compiled, Compile(kb));
  std::size_t positives = 0;
  std::size_t negatives = 0;
  std::size_t weak_only = 0;
  for (const kb::Family& family : kb.families) {
    if (family.disabled) continue;
    for (const kb::Fixture& fixture : family.fixtures) {
      const std::vector<Input> inputs = FixtureInputs(fixture);
      const Report report = compiled->Identify(inputs);
      const std::string top =
          report.candidates.empty() ? "(none)" : report.candidates[0].family;
      if (fixture.positive && WeakOnly(report, family.id)) {
        ++weak_only;
        EXPECT_TRUE(report.verdict != Verdict::kIdentified || top == family.id)
            << fixture.where.file << ":" << fixture.where.line
            << ": weak-only positive fixture of " << family.id << " identified "
            << top;
      } else if (fixture.positive) {
        ++positives;
        EXPECT_TRUE(Names(report, family.id))
            << fixture.where.file << ":" << fixture.where.line
            << ": positive fixture of " << family.id << " gave "
            << VerdictName(report.verdict) << ", top " << top;
      } else {
        ++negatives;
        EXPECT_FALSE(report.verdict == Verdict::kIdentified && top == family.id)
            << fixture.where.file << ":" << fixture.where.line
            << ": negative fixture of " << family.id << " identified it";
      }
    }
  }
  // The shipped KB has fixtures (lint requires them for families with
  // rules); zero would mean this test checked nothing.
  EXPECT_GT(positives, 0u);
  EXPECT_GT(negatives, 0u);
  RecordProperty("positives", static_cast<int>(positives));
  RecordProperty("negatives", static_cast<int>(negatives));
  RecordProperty("weak_only_positives", static_cast<int>(weak_only));
  std::printf("fixtures: %zu positive, %zu weak-only positive, %zu negative\n",
              positives, weak_only, negatives);
}

}  // namespace
}  // namespace kintsugi::identify
