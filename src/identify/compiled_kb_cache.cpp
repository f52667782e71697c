// The compiled KB of an installed release (kintsugi/compiled_kb_cache.h):
// the precompiled KB's format, with the databases built for this CPU.

#include "kintsugi/compiled_kb_cache.h"

#include <hs/hs.h>

#include <utility>

#include "identify/compiled_kb.h"
#include "identify/precompiled_kb.h"

namespace kintsugi::identify {

Result<std::shared_ptr<const CompiledKb>> LoadCachedCompiledKb(
    ByteView artefact, ByteView kb_bundle) {
  if (artefact.empty()) return CorruptError("the compiled KB file is empty");
  KINTSUGI_ASSIGN_OR_RETURN(std::unique_ptr<CompiledKb::Impl> impl,
                            internal::LoadPrecompiledKb(artefact, kb_bundle));
  return CompiledKb::Impl::Share(std::move(impl));
}

Result<CompiledForCache> CompileForCache(const kb::KnowledgeBase& kb,
                                         ByteView kb_bundle) {
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) != HS_SUCCESS) {
    return InternalError("Hyperscan cannot describe this CPU");
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::unique_ptr<CompiledKb::Impl> impl,
                            internal::CompileImpl(kb, {}, &platform));
  CompiledForCache out;
  KINTSUGI_ASSIGN_OR_RETURN(
      out.artefact, internal::SavePrecompiledKb(*impl, kb_bundle, platform));
  // What is used is what was saved, read back: the compiler's own object
  // lacks what the loader adds (the scratch prototype), and a saved
  // artefact that does not read back is caught here, not on the next run.
  KINTSUGI_ASSIGN_OR_RETURN(out.compiled,
                            LoadCachedCompiledKb(out.artefact, kb_bundle));
  return out;
}

}  // namespace kintsugi::identify
