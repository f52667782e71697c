// Build tool: compiles the KB bundle kintsugi_kb_pack made into the
// precompiled KB that builtin_kb.cpp compiles into the binary
// (docs/kb-format.md §9). Usage: kb_precompile BUNDLE OUTPUT.
//
// It runs at build time on the project's own kb/, so it reads and writes
// with iostreams directly; it never runs on user input. The databases are
// built for a baseline CPU (BaselinePlatform), so the binary starts fast on
// any machine, not only on the one that built it.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "identify/precompiled_kb.h"
#include "kb/bundle.h"
#include "kb/kb_format.h"

namespace {

namespace stdfs = std::filesystem;

int Fail(const std::string& message) {
  std::fprintf(stderr, "kb_precompile: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: kb_precompile BUNDLE OUTPUT\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const kintsugi::Bytes bundle((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) {
    return Fail(std::string("cannot read ") + argv[1]);
  }
  auto files = kintsugi::kb::internal::UnpackBundle(bundle);
  if (!files) return Fail(files.error().ToString());
  auto kb = kintsugi::kb::internal::LoadFromFiles(*files, "kb/");
  if (!kb) return Fail(kb.error().ToString());
  const hs_platform_info_t platform =
      kintsugi::identify::internal::BaselinePlatform();
  auto impl = kintsugi::identify::internal::CompileImpl(*kb, {}, &platform);
  if (!impl) return Fail(impl.error().ToString());
  auto artefact =
      kintsugi::identify::internal::SavePrecompiledKb(**impl, bundle, platform);
  if (!artefact) return Fail(artefact.error().ToString());
  // Written beside the output and renamed, so an interrupted build never
  // leaves half an artefact that looks finished.
  const stdfs::path output = argv[2];
  const stdfs::path partial = output.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(artefact->data()),  // NOLINT
              static_cast<std::streamsize>(artefact->size()));
    if (!out) return Fail("cannot write " + partial.string());
  }
  std::error_code error;
  stdfs::rename(partial, output, error);
  if (error) return Fail("cannot write " + output.string());
  return 0;
}
