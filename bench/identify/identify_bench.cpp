// Speed of identification (issue #3, "Speed"): compiling the full KB,
// loading the precompiled built-in KB (issue #15, "Cold start"),
// identifying one note of a few KiB, identifying 100,000 file names.
// Figures and the machine: docs/benchmarks-identify.md.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"

namespace kintsugi::identify {
namespace {

// The KB under test: $KINTSUGI_KB, else the built-in one.
const kb::KnowledgeBase& TheKb() {
  static const kb::KnowledgeBase kb = [] {
    const char* dir = std::getenv("KINTSUGI_KB");
    auto loaded = dir != nullptr ? kb::LoadKnowledgeBase(RealFileSystem(), dir)
                                 : kb::LoadEmbeddedKnowledgeBase();
    if (!loaded) {
      std::fprintf(stderr, "cannot load the KB: %s\n",
                   loaded.error().ToString().c_str());
      std::exit(1);
    }
    return std::move(*loaded);
  }();
  return kb;
}

// The compiled KB under test: $KINTSUGI_KB compiled, else the built-in one
// as users get it (precompiled at build time, its Hyperscan databases
// built for a baseline CPU).
const CompiledKb& TheCompiledKb() {
  static const std::shared_ptr<const CompiledKb> compiled = [] {
    auto c = std::getenv("KINTSUGI_KB") != nullptr ? Compile(TheKb())
                                                   : CompileBuiltInKb();
    if (!c) {
      std::fprintf(stderr, "cannot compile the KB: %s\n",
                   c.error().ToString().c_str());
      std::exit(1);
    }
    return *c;
  }();
  return *compiled;
}

void BM_CompileFullKb(benchmark::State& state) {
  const kb::KnowledgeBase& kb = TheKb();
  for (auto _ : state) {
    auto compiled = Compile(kb);
    benchmark::DoNotOptimize(compiled);
  }
  state.counters["families"] = static_cast<double>(kb.families.size());
}
BENCHMARK(BM_CompileFullKb)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// What a command that needs the built-in KB spends on it (issue #15 "Cold
// start"): the precompiled KB checked and loaded.
void BM_LoadBuiltInKb(benchmark::State& state) {
  for (auto _ : state) {
    auto compiled = CompileBuiltInKb();
    if (!compiled) {
      state.SkipWithError(compiled.error().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(compiled);
  }
}
BENCHMARK(BM_LoadBuiltInKb)->Unit(benchmark::kMillisecond);

// A reference note of 2..8 KiB from the KB (the first by path), as a user
// would hand it in.
Input SomeNote() {
  for (const auto& [path, bytes] : TheKb().note_texts) {
    if (bytes.size() >= 2048 && bytes.size() <= 8192) {
      Input input;
      input.kind = InputKind::kNote;
      input.source = path;
      input.file_name = Path(path).filename().string();
      input.content = bytes;
      input.size = bytes.size();
      return input;
    }
  }
  Input input;
  input.kind = InputKind::kNote;
  input.source = "synthetic.txt";
  input.file_name = "synthetic.txt";
  std::string text;
  while (text.size() < 4096) {
    text += "All your files are encrypted. Contact us at a@b.cc. ";
  }
  input.content.assign(text.begin(), text.end());
  input.size = input.content.size();
  return input;
}

void BM_IdentifyNote(benchmark::State& state) {
  const CompiledKb& kb = TheCompiledKb();
  const Input note = SomeNote();
  for (auto _ : state) {
    Report report = kb.Identify({&note, 1});
    benchmark::DoNotOptimize(report);
  }
  state.SetLabel(std::to_string(note.content.size()) + " bytes");
}
BENCHMARK(BM_IdentifyNote)->Unit(benchmark::kMicrosecond);

// 100,000 names: half end in an extension of the KB, half are ordinary.
std::vector<Input> Names() {
  std::vector<std::string> extensions;
  for (const kb::Family& f : TheKb().families) {
    for (const kb::Rule& r : f.rules) {
      if (r.kind == kb::RuleKind::kExtension && !r.is_regex) {
        extensions.push_back(r.pattern);
      }
    }
  }
  if (extensions.empty()) extensions.push_back(".locked");
  std::vector<Input> names;
  names.reserve(100000);
  for (std::size_t i = 0; i < 100000; ++i) {
    std::string name = "Documents/report_" + std::to_string(i) + ".docx";
    if (i % 2 == 0) name += extensions[(i / 2) % extensions.size()];
    names.push_back(FileNameInput(name));
  }
  return names;
}

// Each name identified on its own, as `scan` will do it.
void BM_Identify100kFileNames(benchmark::State& state) {
  const CompiledKb& kb = TheCompiledKb();
  const std::vector<Input> names = Names();
  for (auto _ : state) {
    std::size_t identified = 0;
    for (const Input& name : names) {
      const Report report = kb.Identify({&name, 1});
      identified += report.verdict != Verdict::kUnknown ? 1 : 0;
    }
    benchmark::DoNotOptimize(identified);
  }
}
BENCHMARK(BM_Identify100kFileNames)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

}  // namespace
}  // namespace kintsugi::identify

BENCHMARK_MAIN();
