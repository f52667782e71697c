// The user's own YARA rules (--yara RULES) as extra evidence (issue #3).

#include <fmt/format.h>
#include <yara.h>

#include <mutex>

#include "kintsugi/identify.h"
#include "kintsugi/limits.h"

namespace kintsugi::identify {
namespace {

// libyara needs one process-wide initialisation; it is never finalised
// (rules may live until exit).
bool InitializeYara() {
  static const bool ok = yr_initialize() == ERROR_SUCCESS;
  return ok;
}

struct CompileErrors {
  std::string first;
  std::string file;
};

void OnCompileMessage(int error_level, const char* /*file_name*/,
                      int line_number, const YR_RULE* /*rule*/,
                      const char* message, void* user_data) {
  auto* errors = static_cast<CompileErrors*>(user_data);
  if (error_level == YARA_ERROR_LEVEL_ERROR && errors->first.empty()) {
    errors->first = fmt::format("{}:{}: {}", errors->file, line_number,
                                message != nullptr ? message : "error");
  }
}

// `include` would read files we were not asked to read: refused.
const char* RefuseInclude(const char* /*include_name*/,
                          const char* /*calling_rule_filename*/,
                          const char* /*calling_rule_namespace*/,
                          void* /*user_data*/) {
  return nullptr;
}

int OnScanMessage(YR_SCAN_CONTEXT* /*context*/, int message, void* message_data,
                  void* user_data) {
  if (message != CALLBACK_MSG_RULE_MATCHING) return CALLBACK_CONTINUE;
  auto* matches = static_cast<std::vector<YaraRules::Match>*>(user_data);
  const auto* rule = static_cast<const YR_RULE*>(message_data);
  YaraRules::Match match;
  match.rule = rule->identifier != nullptr ? rule->identifier : "";
  const YR_META* meta = nullptr;
  yr_rule_metas_foreach(rule, meta) {
    if (meta->type == META_TYPE_STRING && meta->identifier != nullptr &&
        std::string_view(meta->identifier) == "family" &&
        meta->string != nullptr) {
      match.family = meta->string;
    }
  }
  if (matches->size() < 1000) matches->push_back(std::move(match));
  return CALLBACK_CONTINUE;
}

}  // namespace

struct YaraRules::Impl {
  YR_RULES* rules = nullptr;
  ~Impl() {
    if (rules != nullptr) yr_rules_destroy(rules);
  }
};

YaraRules::YaraRules(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
YaraRules::~YaraRules() = default;

Result<std::shared_ptr<const YaraRules>> YaraRules::Compile(FileSystem& fs,
                                                            const Path& path) {
  KINTSUGI_ASSIGN_OR_RETURN(
      Bytes text, ReadWholeFile(fs, path, limits::kMaxYaraRulesBytes));
  if (!InitializeYara()) return InternalError("libyara failed to initialise");
  YR_COMPILER* compiler = nullptr;
  if (yr_compiler_create(&compiler) != ERROR_SUCCESS) {
    return ResourceExhaustedError("cannot create a YARA compiler");
  }
  CompileErrors errors;
  errors.file = path.string();
  yr_compiler_set_callback(compiler, OnCompileMessage, &errors);
  yr_compiler_set_include_callback(compiler, RefuseInclude, nullptr, nullptr);
  std::string source(ByteView(text).AsChars());
  const int error_count =
      yr_compiler_add_string(compiler, source.c_str(), nullptr);
  if (error_count > 0) {
    yr_compiler_destroy(compiler);
    return InvalidArgumentError(errors.first.empty()
                                    ? errors.file + ": invalid YARA rules"
                                    : errors.first);
  }
  auto impl = std::make_unique<Impl>();
  const int rc = yr_compiler_get_rules(compiler, &impl->rules);
  yr_compiler_destroy(compiler);
  if (rc != ERROR_SUCCESS) {
    return ResourceExhaustedError("cannot build the YARA rules");
  }
  return std::shared_ptr<const YaraRules>(new YaraRules(std::move(impl)));
}

std::vector<YaraRules::Match> YaraRules::Scan(ByteView data) const {
  std::vector<Match> matches;
  if (data.empty()) return matches;
  // A bounded scan: a user's slow rule cannot hang identification.
  constexpr int kTimeoutSeconds = 10;
  yr_rules_scan_mem(impl_->rules, data.data(), data.size(),
                    SCAN_FLAGS_FAST_MODE, OnScanMessage, &matches,
                    kTimeoutSeconds);
  return matches;
}

}  // namespace kintsugi::identify
