#include "family_options.h"

#include <memory>

#include "cli.h"

namespace kintsugi::cli {
namespace {

struct FamilyOption {
  const char* name;  // Without the dashes.
  const char* family;
  const char* help;
};

// Every value is checked by the decryptor (kInvalidArgument, exit 2).
constexpr FamilyOption kOptions[] = {
    {"rhysida-feed", "rhysida",
     "Rhysida model: how rand() fills a generator's 40 entropy bytes, a list "
     "of byte, le16, be16, le32 (default: all, in that order)"},
    {"rhysida-ctr", "rhysida",
     "Rhysida model: the AES-CTR counter, be (OpenSSL's) and/or le "
     "(default: be,le)"},
    {"rhysida-procs", "rhysida",
     "Rhysida: the victim machine's logical processor count (worker "
     "threads); default: try 1-64"},
    {"rhysida-draw", "rhysida",
     "Rhysida model: key and IV bytes drawn per file, KEY+IV (default: "
     "32+16)"},
    {"rhysida-chunks", "rhysida",
     "Rhysida model: which bytes are encrypted, a list of whole, head:SIZE, "
     "stripes:SIZE:STEP (default: whole; the others are unconfirmed guesses)"},
    {"rhysida-trailer", "rhysida",
     "Rhysida model: bytes appended after the data, a list (default: "
     "512,1024)"},
};

}  // namespace

void AddFamilyOptions(CLI::App* command,
                      std::map<std::string, std::string>* values) {
  for (const FamilyOption& option : kOptions) {
    const std::string name = option.name;
    command
        ->add_option_function<std::string>(
            "--" + name,
            [values, name](const std::string& value) {
              (*values)[name] = value;
            },
            option.help)
        ->check(NonEmpty());
  }
}

const char* MisplacedFamilyOption(
    const std::string& family,
    const std::map<std::string, std::string>& values) {
  for (const FamilyOption& option : kOptions) {
    if (values.count(option.name) != 0 && family != option.family) {
      return option.name;
    }
  }
  return nullptr;
}

}  // namespace kintsugi::cli
