// `kintsugi partners ...` (issue 12; docs/partners.md §7, docs/cli.md): the
// operator's side of the partners, in the store's database: organisations,
// users, API tokens, the submissions and the embargoes. Every command acts
// as the command line (partners::Principal::Cli()) and is audited.

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "kintsugi/credentials.h"
#include "kintsugi/fs.h"
#include "kintsugi/log.h"
#include "kintsugi/partners.h"
#include "kintsugi/partners_json.h"
#include "kintsugi/store.h"

namespace kintsugi::cli {
namespace {

using partners::Partners;
using partners::Principal;

struct PartnersArgs {
  std::string db;             // --db; empty: the default store.
  std::string name;           // The organisation, user or token name.
  std::string kind;           // org add --kind.
  std::string org;            // user add --org.
  std::string role;           // --role.
  std::string password_file;  // --password-file; empty: stdin.
  std::string user;           // token create --user.
  std::string scopes;         // token create --scopes.
  int expires_in_days = 90;   // token create --expires-in.
  std::int64_t id = 0;        // token revoke ID.
  std::string state;          // submissions --state.
};

// A password is read whole, and no longer than this: far beyond
// credentials::kMaxPasswordBytes, so that too long a password is refused
// by the rule that says so.
constexpr std::size_t kMaxPasswordFileBytes = 4096;

// Opens the partners of --db (else the default store) with the KB the
// command sees. Only `org add` makes a store; `shown` gets its name as
// printed.
Result<std::unique_ptr<Partners>> Open(const GlobalOptions& options,
                                       const PartnersArgs& args,
                                       KeyStoreCreation creation,
                                       std::string* shown, bool* kb_failed) {
  std::string location = args.db;
  if (location.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(location, DefaultKeyStorePath());
  }
  *shown = KeyStoreDisplayName(location);
  auto kb = LoadKnowledgeBase(options);
  if (!kb) {
    *kb_failed = true;
    return kb.error().WithContext("knowledge base: ");
  }
  partners::PartnersOptions open;
  open.kb = std::make_shared<const kb::KnowledgeBase>(std::move(*kb));
  open.creation = creation;
  return partners::OpenPartners(location, std::move(open));
}

// Runs `work` on the opened partners; a failure to open is reported as
// the store's (or the KB's) own.
int WithPartners(const GlobalOptions& options, const PartnersArgs& args,
                 KeyStoreCreation creation,
                 const std::function<int(Partners&)>& work) {
  std::string shown;
  bool kb_failed = false;
  auto opened = Open(options, args, creation, &shown, &kb_failed);
  if (!opened) {
    if (kb_failed) {
      ReportFailure(options, opened.error());
      return kExitKbInvalid;
    }
    return ReportStoreFailure(options, shown, opened.error(), true);
  }
  return work(**opened);
}

// The password: --password-file FILE (its first line), else one line of
// stdin, read without echo at a terminal.
Result<std::string> ReadPassword(const PartnersArgs& args) {
  std::string password;
  if (!args.password_file.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(
        const Bytes text, ReadWholeFile(RealFileSystem(), args.password_file,
                                        kMaxPasswordFileBytes));
    password.assign(text.begin(), text.end());
    password = password.substr(0, password.find('\n'));
  } else {
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
      std::fprintf(stderr,
                   "Password for %s: ", SanitizeForLog(args.name).c_str());
    }
    std::getline(std::cin, password);
    if (terminal) {
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
      std::fprintf(stderr, "\n");
    }
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    return InvalidArgumentError(
        "no password: give it on stdin (one line) or with --password-file");
  }
  return password;
}

nlohmann::json UserJson(const partners::User& user) {
  return {{"name", user.name},
          {"organisation", user.organisation},
          {"role", std::string(partners::RoleName(user.role))},
          {"disabled", user.disabled},
          {"failed_logins", user.failed_logins},
          {"locked_until", user.locked_until},
          {"created", user.created},
          {"last_login", user.last_login}};
}

nlohmann::json TokenJson(const partners::TokenInfo& token) {
  return {{"id", token.id},
          {"user", token.user},
          {"organisation", token.organisation},
          {"name", token.name},
          {"scopes", partners::ScopeNames(token.scopes)},
          {"created", token.created},
          {"expires", token.expires},
          {"revoked", token.revoked},
          {"last_used", token.last_used}};
}

// What a new or reset second factor prints, once.
int PrintEnrolment(const GlobalOptions& options,
                   const partners::Enrolment& enrolment, const char* what) {
  const std::string secret = credentials::Base32(enrolment.totp_secret.view());
  if (options.json) {
    PrintJson({{"user", UserJson(enrolment.user)},
               {"totp_secret", secret},
               {"totp_uri", enrolment.totp_uri}});
  } else {
    std::printf(
        "%s %s (%s of %s).\n"
        "Second factor (shown once: give it to the user, then forget it):\n"
        "  secret (base32): %s\n  otpauth URI:     %s\n",
        what, SanitizeForLog(enrolment.user.name).c_str(),
        std::string(partners::RoleName(enrolment.user.role)).c_str(),
        SanitizeForLog(enrolment.user.organisation).c_str(), secret.c_str(),
        SanitizeForLog(enrolment.totp_uri).c_str());
  }
  return kExitOk;
}

// A change of a user: `change` on the partners, then one line.
int UserChange(const GlobalOptions& options, const PartnersArgs& args,
               const std::function<Status(Partners&)>& change,
               const std::string& done) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        const Status status = change(p);
        if (!status.ok()) return ReportFailure(options, status);
        if (options.json) {
          PrintJson({{"user", args.name}, {"done", done}});
        } else if (!options.quiet) {
          std::printf("User %s: %s.\n", SanitizeForLog(args.name).c_str(),
                      done.c_str());
        }
        return kExitOk;
      });
}

int RunOrgAdd(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kCreateIfMissing,
      [&](Partners& p) -> int {
        auto kind = partners::ParseOrgKind(args.kind);
        if (!kind) return ReportFailure(options, kind.error());
        auto made = p.CreateOrganisation(Principal::Cli(), args.name, *kind);
        if (!made) return ReportFailure(options, made.error());
        if (options.json) {
          PrintJson({{"organisation",
                      {{"id", made->id},
                       {"name", made->name},
                       {"kind", args.kind},
                       {"created", made->created}}}});
        } else if (!options.quiet) {
          std::printf("Made organisation %s (%s).\n",
                      SanitizeForLog(made->name).c_str(), args.kind.c_str());
        }
        return kExitOk;
      });
}

int RunOrgList(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        auto orgs = p.Organisations(Principal::Cli());
        if (!orgs) return ReportFailure(options, orgs.error());
        if (options.json) {
          nlohmann::json list = nlohmann::json::array();
          for (const partners::Organisation& org : *orgs) {
            list.push_back(
                {{"id", org.id},
                 {"name", org.name},
                 {"kind", std::string(partners::OrgKindName(org.kind))},
                 {"created", org.created}});
          }
          PrintJson({{"organisations", list}});
        } else if (!options.quiet) {
          if ((*orgs).empty()) std::printf("No organisations.\n");
          for (const partners::Organisation& org : *orgs) {
            std::printf("%-30s %-16s %s\n", SanitizeForLog(org.name).c_str(),
                        std::string(partners::OrgKindName(org.kind)).c_str(),
                        org.created.c_str());
          }
        }
        return kExitOk;
      });
}

int RunUserAdd(const GlobalOptions& options, const PartnersArgs& args) {
  auto password = ReadPassword(args);
  if (!password) return ReportFailure(options, password.error());
  return WithPartners(options, args, KeyStoreCreation::kMustExist,
                      [&](Partners& p) -> int {
                        auto role = partners::ParseRole(args.role);
                        if (!role) return ReportFailure(options, role.error());
                        auto made = p.CreateUser(Principal::Cli(), args.name,
                                                 args.org, *role, *password);
                        if (!made) return ReportFailure(options, made.error());
                        return PrintEnrolment(options, *made, "Made user");
                      });
}

int RunUserList(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        auto users = p.Users(Principal::Cli());
        if (!users) return ReportFailure(options, users.error());
        if (options.json) {
          nlohmann::json list = nlohmann::json::array();
          for (const partners::User& user : *users) {
            list.push_back(UserJson(user));
          }
          PrintJson({{"users", list}});
        } else if (!options.quiet) {
          if ((*users).empty()) std::printf("No users.\n");
          for (const partners::User& user : *users) {
            const std::string state = user.disabled ? "disabled"
                                      : !user.locked_until.empty()
                                          ? "locked until " + user.locked_until
                                          : "active";
            std::printf(
                "%-20s %-24s %-10s %-32s last login %s\n", user.name.c_str(),
                SanitizeForLog(user.organisation).c_str(),
                std::string(partners::RoleName(user.role)).c_str(),
                state.c_str(),
                user.last_login.empty() ? "never" : user.last_login.c_str());
          }
        }
        return kExitOk;
      });
}

int RunResetTotp(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        auto reset = p.ResetTotp(Principal::Cli(), args.name);
        if (!reset) return ReportFailure(options, reset.error());
        return PrintEnrolment(options, *reset, "New second factor for");
      });
}

int RunTokenCreate(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        auto scopes = partners::ParseScopes(args.scopes);
        if (!scopes) return ReportFailure(options, scopes.error());
        auto made =
            p.CreateToken(Principal::Cli(), args.user, args.name, *scopes,
                          std::chrono::hours(24) * args.expires_in_days);
        if (!made) return ReportFailure(options, made.error());
        if (options.json) {
          nlohmann::json out = TokenJson(made->info);
          out["token"] = made->token;
          PrintJson(out);
        } else {
          std::printf(
              "Token %lld for %s (%s; expires %s). Shown once: give it to "
              "the user, then forget it:\n%s\n",
              static_cast<long long>(made->info.id), made->info.user.c_str(),
              partners::ScopeNames(made->info.scopes).c_str(),
              made->info.expires.c_str(), made->token.c_str());
        }
        return kExitOk;
      });
}

int RunTokenList(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        auto tokens = p.Tokens(Principal::Cli());
        if (!tokens) return ReportFailure(options, tokens.error());
        if (options.json) {
          nlohmann::json list = nlohmann::json::array();
          for (const partners::TokenInfo& token : *tokens) {
            list.push_back(TokenJson(token));
          }
          PrintJson({{"tokens", list}});
        } else if (!options.quiet) {
          if ((*tokens).empty()) std::printf("No API tokens.\n");
          for (const partners::TokenInfo& token : *tokens) {
            const std::string state = !token.revoked.empty()
                                          ? "revoked " + token.revoked
                                          : "expires " + token.expires;
            std::printf("%-6lld %-20s %-24s %-20s %s\n",
                        static_cast<long long>(token.id), token.user.c_str(),
                        SanitizeForLog(token.name).c_str(),
                        partners::ScopeNames(token.scopes).c_str(),
                        state.c_str());
          }
        }
        return kExitOk;
      });
}

int RunTokenRevoke(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        const Status status = p.RevokeToken(Principal::Cli(), args.id);
        if (!status.ok()) return ReportFailure(options, status);
        if (options.json) {
          PrintJson({{"revoked", args.id}});
        } else if (!options.quiet) {
          std::printf("Token %lld revoked.\n", static_cast<long long>(args.id));
        }
        return kExitOk;
      });
}

int RunSubmissions(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        std::optional<partners::SubmissionState> state;
        if (!args.state.empty()) {
          auto parsed = partners::ParseSubmissionState(args.state);
          if (!parsed) return ReportFailure(options, parsed.error());
          state = *parsed;
        }
        auto list = p.Submissions(Principal::Cli(), state);
        if (!list) return ReportFailure(options, list.error());
        if (options.json) {
          nlohmann::json out = nlohmann::json::array();
          for (const partners::Submission& s : *list) {
            out.push_back(nlohmann::json(partners::SubmissionJson(s)));
          }
          PrintJson({{"submissions", out}});
        } else if (!options.quiet) {
          if ((*list).empty()) std::printf("No submissions.\n");
          for (const partners::Submission& s : *list) {
            std::printf(
                "%-6lld %-9s %-6s %-20s %-20s %s  %s%s\n",
                static_cast<long long>(s.id),
                std::string(partners::SubmissionStateName(s.state)).c_str(),
                std::string(partners::SubmissionKindName(s.kind)).c_str(),
                SanitizeForLog(s.organisation).c_str(), s.submitter.c_str(),
                s.created.c_str(), SanitizeForLog(s.summary).c_str(),
                s.embargo_until.empty()
                    ? ""
                    : (" (embargo until " + s.embargo_until + ")").c_str());
          }
        }
        return kExitOk;
      });
}

int RunLiftEmbargoes(const GlobalOptions& options, const PartnersArgs& args) {
  return WithPartners(
      options, args, KeyStoreCreation::kMustExist, [&](Partners& p) -> int {
        auto released = p.LiftEmbargoes(Principal::Cli());
        if (!released) return ReportFailure(options, released.error());
        if (options.json) {
          PrintJson({{"released", *released}});
        } else if (!options.quiet) {
          std::printf("Released %zu key(s) whose embargo ended.\n", *released);
        }
        return kExitOk;
      });
}

// The stored names of an enum, for CLI11's IsMember.
std::vector<std::string> Names(std::initializer_list<std::string_view> names) {
  return std::vector<std::string>(names.begin(), names.end());
}

const CLI::Validator& ScopeList() {
  static const CLI::Validator validator(
      [](const std::string& value) {
        auto parsed = partners::ParseScopes(value);
        return parsed ? std::string() : parsed.error().message();
      },
      /*validator_desc=*/"SCOPE[,SCOPE...]", "SCOPES");
  return validator;
}

}  // namespace

void AddPartnersCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "partners",
      "Manage partner organisations, users, API tokens and submissions");
  command->require_subcommand(1);
  static PartnersArgs args;
  const auto add_db = [](CLI::App* sub) {
    sub->add_option("--db", args.db,
                    "The store: an SQLite file (default: "
                    "$XDG_DATA_HOME/kintsugi/keys.sqlite) or a "
                    "postgresql:// URL")
        ->check(NonEmpty());
  };
  const auto leaf = [&](CLI::App* parent, const char* name,
                        const char* description,
                        int (*run)(const GlobalOptions&, const PartnersArgs&)) {
    CLI::App* sub = parent->add_subcommand(name, description);
    add_db(sub);
    sub->callback([&options, handler, run] {
      *handler = [&options, run] { return run(options, args); };
    });
    return sub;
  };
  const auto user_name = [](CLI::App* sub) {
    sub->add_option("NAME", args.name, "The user's login name")
        ->required()
        ->check(NonEmpty());
  };
  const std::vector<std::string> kinds =
      Names({"law-enforcement", "cert", "vendor", "research"});
  const std::vector<std::string> roles =
      Names({"submitter", "reviewer", "admin"});

  CLI::App* org = command->add_subcommand("org", "Partner organisations");
  org->require_subcommand(1);
  CLI::App* org_add = leaf(
      org, "add", "Make an organisation (and the store if need be)", RunOrgAdd);
  org_add->add_option("NAME", args.name, "Its name")
      ->required()
      ->check(NonEmpty());
  org_add->add_option("--kind", args.kind, "What it is")
      ->required()
      ->check(CLI::IsMember(kinds));
  leaf(org, "list", "List the organisations", RunOrgList);

  CLI::App* user = command->add_subcommand("user", "Partner users");
  user->require_subcommand(1);
  CLI::App* user_add =
      leaf(user, "add", "Make a user; prints its second factor's secret once",
           RunUserAdd);
  user_name(user_add);
  user_add->add_option("--org", args.org, "Its organisation")
      ->required()
      ->check(NonEmpty());
  user_add->add_option("--role", args.role, "submitter, reviewer or admin")
      ->required()
      ->check(CLI::IsMember(roles));
  user_add
      ->add_option("--password-file", args.password_file,
                   "Read the password from this file's first line "
                   "(default: one line of stdin)")
      ->check(NonEmpty());
  leaf(user, "list", "List the users", RunUserList);
  CLI::App* set_role =
      leaf(user, "set-role", "Change a user's role",
           [](const GlobalOptions& o, const PartnersArgs& a) {
             return UserChange(
                 o, a,
                 [&a](Partners& p) {
                   auto role = partners::ParseRole(a.role);
                   if (!role) return role.error();
                   return p.SetRole(Principal::Cli(), a.name, *role);
                 },
                 "role set to " + a.role);
           });
  user_name(set_role);
  set_role->add_option("--role", args.role, "submitter, reviewer or admin")
      ->required()
      ->check(CLI::IsMember(roles));
  user_name(leaf(user, "unlock", "Clear a user's failed logins and lock",
                 [](const GlobalOptions& o, const PartnersArgs& a) {
                   return UserChange(
                       o, a,
                       [&a](Partners& p) {
                         return p.Unlock(Principal::Cli(), a.name);
                       },
                       "unlocked");
                 }));
  user_name(leaf(user, "disable", "Stop a user's logins, sessions and tokens",
                 [](const GlobalOptions& o, const PartnersArgs& a) {
                   return UserChange(
                       o, a,
                       [&a](Partners& p) {
                         return p.SetDisabled(Principal::Cli(), a.name, true);
                       },
                       "disabled");
                 }));
  user_name(leaf(user, "enable", "Let a disabled user in again",
                 [](const GlobalOptions& o, const PartnersArgs& a) {
                   return UserChange(
                       o, a,
                       [&a](Partners& p) {
                         return p.SetDisabled(Principal::Cli(), a.name, false);
                       },
                       "enabled");
                 }));
  user_name(leaf(user, "reset-totp",
                 "Give a user a new second factor; prints it once",
                 RunResetTotp));
  CLI::App* set_password =
      leaf(user, "set-password", "Set a user's password (ends their sessions)",
           [](const GlobalOptions& o, const PartnersArgs& a) {
             auto password = ReadPassword(a);
             if (!password) return ReportFailure(o, password.error());
             return UserChange(
                 o, a,
                 [&a, &password](Partners& p) {
                   return p.SetPassword(Principal::Cli(), a.name, *password);
                 },
                 "password set");
           });
  user_name(set_password);
  set_password
      ->add_option("--password-file", args.password_file,
                   "Read the password from this file's first line "
                   "(default: one line of stdin)")
      ->check(NonEmpty());

  CLI::App* token = command->add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  CLI::App* token_create =
      leaf(token, "create", "Make an API token for a user; prints it once",
           RunTokenCreate);
  token_create->add_option("--user", args.user, "Whose token it is")
      ->required()
      ->check(NonEmpty());
  token_create
      ->add_option("--name", args.name, "What it is for (\"nightly import\")")
      ->required()
      ->check(NonEmpty());
  token_create
      ->add_option("--scopes", args.scopes,
                   "read, submit, review, admin, separated by commas "
                   "(within the user's role)")
      ->required()
      ->check(ScopeList());
  token_create
      ->add_option("--expires-in", args.expires_in_days,
                   "Days it lasts (1 to 365; default 90)")
      ->check(CLI::Range(1, 365));
  leaf(token, "list", "List every API token (never the tokens themselves)",
       RunTokenList);
  CLI::App* revoke =
      leaf(token, "revoke", "Revoke an API token", RunTokenRevoke);
  revoke->add_option("ID", args.id, "The token's id (token list)")
      ->required()
      ->check(CLI::PositiveNumber);

  CLI::App* submissions =
      leaf(command, "submissions", "List the submissions, newest first",
           RunSubmissions);
  submissions
      ->add_option("--state", args.state,
                   "Only those pending, approved, rejected or withdrawn")
      ->check(CLI::IsMember(
          Names({"pending", "approved", "rejected", "withdrawn"})));
  leaf(command, "lift-embargoes",
       "Release the keys of approved submissions whose embargo date came",
       RunLiftEmbargoes);
}

}  // namespace kintsugi::cli
