#include "families/registry.h"

#include <algorithm>

#include "recover/pipeline.h"

// Each family's header, then its line in AllDecryptors(): all that adding a
// family changes outside its folder (docs/writing-a-decryptor.md).
#include "families/akira/akira.h"
#include "families/babuk/babuk.h"
#include "families/black_basta/black_basta.h"
#include "families/chimera/chimera.h"
#include "families/cryptxxx/cryptxxx.h"
#include "families/darkbit/darkbit.h"
#include "families/dma_locker/dma_locker.h"
#include "families/hidden_tear/hidden_tear.h"
#include "families/hive/hive.h"
#include "families/jigsaw/jigsaw.h"
#include "families/linux_encoder/linux_encoder.h"
#include "families/nemucod/nemucod.h"
#include "families/princess_locker/princess_locker.h"
#include "families/rhysida/rhysida.h"
#include "families/stop_djvu/stop_djvu.h"
#include "families/teslacrypt/teslacrypt.h"

namespace kintsugi {
namespace families {

std::span<const recover::Decryptor* const> AllDecryptors() {
  static const recover::Decryptor* const kAll[] = {
      &JigsawDecryptor(),         &NemucodDecryptor(),
      &StopDjvuDecryptor(),       &BabukNasDecryptor(),
      &BabukEsxiDecryptor(),      &HiddenTearDecryptor(),
      &LinuxEncoderDecryptor(),   &DmaLockerDecryptor(),
      &PrincessLockerDecryptor(), &BabukWindowsDecryptor(),
      &BlackBastaDecryptor(),     &CryptxxxDecryptor(),
      &TeslaCryptDecryptor(),     &HiveDecryptor(),
      &ChimeraDecryptor(),        &DarkBitDecryptor(),
      &RhysidaDecryptor(),        &AkiraDecryptor(),
  };
  return kAll;
}

}  // namespace families

// The public entry points of include/kintsugi/recover.h live here because
// they need both the pipeline (src/recover) and the registry.
Result<RecoverReport> Recover(FileSystem& fs, const RecoverOptions& options) {
  return recover::RunRecovery(fs, options, families::AllDecryptors());
}

Result<RecoverReport> Recover(ReadOnlyFileSystem& source, FileSystem& out,
                              const RecoverOptions& options) {
  return recover::RunRecovery(source, out, options, families::AllDecryptors());
}

std::vector<DecryptorSummary> ListDecryptors() {
  std::vector<DecryptorSummary> list;
  for (const recover::Decryptor* decryptor : families::AllDecryptors()) {
    const recover::DecryptorInfo& info = decryptor->info();
    DecryptorSummary summary;
    summary.id = std::string(info.id);
    summary.family = std::string(info.family_id);
    summary.strategy = std::string(recover::StrategyName(info.strategy));
    for (auto v : info.variants) summary.variants.emplace_back(v);
    for (auto e : info.extensions) summary.extensions.emplace_back(e);
    summary.needs = Message{info.needs, {}};
    summary.spec = std::string(info.spec);
    list.push_back(std::move(summary));
  }
  return list;
}

bool DecryptorBuilt(std::string_view id) {
  if (id.empty()) return false;
  const auto all = families::AllDecryptors();
  return std::any_of(all.begin(), all.end(), [&](const recover::Decryptor* d) {
    return d->info().id == id;
  });
}

}  // namespace kintsugi
