// The compiled KB of an installed release (kintsugi/compiled_kb_cache.h):
// read back, it answers as the KB compiled now; for other KB bytes, or
// damaged, it is refused, never half used.

#include "kintsugi/compiled_kb_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "identify/testing/fixture_inputs.h"
#include "kb/bundle.h"
#include "kb/kb_format.h"
#include "kintsugi/report_json.h"

namespace kintsugi::identify {
namespace {

using identify_testing::FixtureInputs;

// A small KB as a release would carry it: a few families of the built-in
// one, packed, and loaded back from those bytes.
struct SmallKb {
  Bytes bundle;
  kb::KnowledgeBase kb;
};

SmallKb MakeSmallKb(const std::vector<std::string>& families) {
  SmallKb out;
  auto all = kb::internal::UnpackBundle(kb::internal::EmbeddedBundle());
  EXPECT_TRUE(all.has_value());
  if (!all) return out;
  std::vector<kb::internal::KbFile> files;
  for (const kb::internal::KbFile& file : *all) {
    for (const std::string& id : families) {
      if (file.path == id + ".yaml" || file.path.starts_with("notes/" + id)) {
        files.push_back(file);
      }
    }
  }
  out.bundle = kb::internal::PackBundle(files);
  auto files_back = kb::internal::UnpackBundle(out.bundle);
  EXPECT_TRUE(files_back.has_value());
  if (!files_back) return out;
  auto kb = kb::internal::LoadFromFiles(*files_back, "release:");
  EXPECT_TRUE(kb.has_value()) << kb.error().ToString();
  if (kb) out.kb = std::move(*kb);
  return out;
}

// The reports of `compiled` for every fixture of `kb`.
std::vector<std::string> Reports(const CompiledKb& compiled,
                                 const kb::KnowledgeBase& kb) {
  std::vector<std::string> out;
  for (const kb::Family& family : kb.families) {
    for (const kb::Fixture& fixture : family.fixtures) {
      out.push_back(
          IdentifyReportJson(compiled.Identify(FixtureInputs(fixture))));
    }
  }
  return out;
}

TEST(CompiledKbCacheTest, ReadBackItAnswersAsTheKbCompiledNow) {
  const SmallKb small = MakeSmallKb({"0apt", "akira", "stop-djvu"});
  ASSERT_EQ(small.kb.families.size(), 3u);
  ASSERT_OK_AND_ASSIGN(const CompiledForCache made,
                       CompileForCache(small.kb, small.bundle));
  ASSERT_OK_AND_ASSIGN(const auto fresh, Compile(small.kb));
  ASSERT_OK_AND_ASSIGN(const auto cached,
                       LoadCachedCompiledKb(made.artefact, small.bundle));
  const std::vector<std::string> expected = Reports(*fresh, small.kb);
  EXPECT_GE(expected.size(), 6u);
  EXPECT_EQ(Reports(*cached, small.kb), expected);
  EXPECT_EQ(Reports(*made.compiled, small.kb), expected);
  // A positive fixture is found through the cache: the reports are not
  // all empty answers.
  EXPECT_THAT(expected, ::testing::Contains(::testing::HasSubstr("\"akira\"")));
}

TEST(CompiledKbCacheTest, ItIsRefusedForOtherKbBytes) {
  const SmallKb small = MakeSmallKb({"0apt", "akira"});
  const SmallKb other = MakeSmallKb({"0apt", "stop-djvu"});
  ASSERT_OK_AND_ASSIGN(const CompiledForCache made,
                       CompileForCache(small.kb, small.bundle));
  EXPECT_THAT(LoadCachedCompiledKb(made.artefact, other.bundle),
              StatusIs(StatusCode::kUnsupported));
}

TEST(CompiledKbCacheTest, ADamagedOrCutCacheIsRefused) {
  const SmallKb small = MakeSmallKb({"akira"});
  ASSERT_OK_AND_ASSIGN(const CompiledForCache made,
                       CompileForCache(small.kb, small.bundle));
  const Bytes& good = made.artefact;
  ASSERT_GT(good.size(), 200u);
  for (const std::size_t at :
       {std::size_t{3}, std::size_t{40}, good.size() / 2, good.size() - 1}) {
    Bytes bad = good;
    bad[at] ^= 0x01;
    EXPECT_FALSE(LoadCachedCompiledKb(bad, small.bundle).has_value()) << at;
  }
  for (const std::size_t keep :
       {std::size_t{0}, std::size_t{10}, good.size() / 2, good.size() - 1}) {
    const Bytes cut(good.begin(), good.begin() + static_cast<long>(keep));
    EXPECT_THAT(LoadCachedCompiledKb(cut, small.bundle),
                StatusIs(StatusCode::kCorrupt))
        << keep;
  }
}

}  // namespace
}  // namespace kintsugi::identify
