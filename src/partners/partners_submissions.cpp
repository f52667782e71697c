// Submissions, four-eyes review, embargoes, releases and the audit view
// (include/kintsugi/partners.h; docs/partners.md §4-5). Every change, its
// keys and its audit entry are one storage transaction (partner_db.h).

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/limits.h"
#include "partners/partners_internal.h"

namespace kintsugi::partners::internal {
namespace {

using nlohmann::json;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// YYYY-MM-DD naming a day of the calendar.
bool IsCalendarDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!IsDigit(text[i])) return false;
  }
  const auto number = [text](std::size_t at, std::size_t digits) {
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::string Object(std::int64_t id) {
  return "submission/" + std::to_string(id);
}

// KeyPreview::key_tag: 8 bytes of BLAKE2b keyed with a secret drawn once
// per process, in hex. It tells the keys of one preview apart, but unlike a
// plain hash it cannot be checked against guesses: a low-entropy key (a
// seed, a timestamp) stays unknown to the reviewers who see it.
std::string KeyTag(ByteView key) {
  static const std::array<unsigned char, crypto_generichash_KEYBYTES> secret =
      [] {
        std::array<unsigned char, crypto_generichash_KEYBYTES> bytes{};
        if (sodium_init() < 0) std::abort();
        randombytes_buf(bytes.data(), bytes.size());
        return bytes;
      }();
  std::array<unsigned char, 8> tag{};
  if (crypto_generichash(tag.data(), tag.size(), key.data(), key.size(),
                         secret.data(), secret.size()) != 0) {
    return "";
  }
  return ToHex(ByteView(tag.data(), tag.size()));
}

std::vector<Submission> Public(std::vector<SubmissionRow> rows) {
  std::vector<Submission> out;
  out.reserve(rows.size());
  for (SubmissionRow& row : rows) out.push_back(std::move(row.submission));
  return out;
}

Status RequireScope(const Principal& who, unsigned scope) {
  if (who.Has(scope)) return Status::Ok();
  return PermissionDeniedError(
      fmt::format("this needs the {} scope, which the token does not have",
                  ScopeNames(scope)));
}

bool IsReviewer(const Principal& who) {
  return who.via != Principal::Via::kCli && who.role >= Role::kReviewer &&
         who.Has(kScopeReview);
}

}  // namespace

bool PartnersImpl::CanSee(const Principal& who, const UserRow* acting,
                          const SubmissionRow& row) const {
  if (IsOperator(who)) return true;
  if (acting == nullptr) return false;
  if (row.organisation_id == acting->organisation_id) {
    return who.Has(kScopeRead);
  }
  // A reviewer of another organisation: what waits for review, and what
  // they reviewed themselves.
  return IsReviewer(who) &&
         (row.submission.state == SubmissionState::kPending ||
          row.reviewer_id == acting->user.id);
}

Result<SubmissionRow> PartnersImpl::Visible(const Principal& who,
                                            std::int64_t id,
                                            bool with_content) {
  std::optional<UserRow> acting;
  if (!IsOperator(who)) {
    KINTSUGI_ASSIGN_OR_RETURN(acting, Acting(who));
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::optional<SubmissionRow> row,
                            tables_.FindSubmission(id, with_content));
  if (!row || !CanSee(who, acting ? &*acting : nullptr, *row)) {
    return NotFoundError(fmt::format("no submission {}", id));
  }
  return std::move(*row);
}

Result<Submission> PartnersImpl::Stored(std::int64_t id) {
  KINTSUGI_ASSIGN_OR_RETURN(std::optional<SubmissionRow> row,
                            tables_.FindSubmission(id, false));
  if (!row) return NotFoundError(fmt::format("no submission {}", id));
  return std::move(row->submission);
}

Result<CheckedKeys> PartnersImpl::StoredKeys(const SubmissionRow& row) {
  return CheckKeyDump(row.submission.content, row.format, *options_.kb,
                      row.submission.organisation,
                      row.submission.case_reference);
}

Result<Submission> PartnersImpl::Submit(const Principal& who,
                                        const SubmissionRequest& request) {
  KINTSUGI_RETURN_IF_ERROR(RequireScope(who, kScopeSubmit));
  KINTSUGI_ASSIGN_OR_RETURN(const UserRow acting, Acting(who));
  if (!IsPlainText(request.case_reference, 1, limits::kMaxCaseReferenceChars)) {
    return InvalidArgumentError(fmt::format(
        "a case reference is 1 to {} characters of text without control "
        "characters",
        limits::kMaxCaseReferenceChars));
  }
  const bool keys = request.kind == SubmissionKind::kKeys;
  const std::size_t max =
      keys ? limits::kMaxSubmittedKeyDumpBytes : limits::kMaxKbFileBytes;
  if (request.content.size() > max) {
    return ResourceExhaustedError(
        fmt::format("a {} submission is at most {} MiB",
                    SubmissionKindName(request.kind), max / (1024 * 1024)));
  }
  if (!IsStorableText(request.content)) {
    return InvalidArgumentError("a submission is UTF-8 text without NUL bytes");
  }
  SubmissionRow row;
  Submission& s = row.submission;
  s.kind = request.kind;
  s.case_reference = request.case_reference;
  s.state = SubmissionState::kPending;
  s.organisation = acting.user.organisation;
  s.submitter = acting.user.name;
  row.organisation_id = acting.organisation_id;
  row.submitter_id = acting.user.id;
  json detail = {{"kind", std::string(SubmissionKindName(request.kind))},
                 {"case_reference", request.case_reference}};
  if (keys) {
    if (!request.embargo_until.empty()) {
      if (!IsCalendarDate(request.embargo_until)) {
        return InvalidArgumentError("an embargo date is YYYY-MM-DD");
      }
      if (request.embargo_until < Today()) {
        return InvalidArgumentError(
            fmt::format("the embargo date {} is in the past (today is {}, UTC)",
                        request.embargo_until, Today()));
      }
    }
    KINTSUGI_ASSIGN_OR_RETURN(
        const CheckedKeys checked,
        CheckKeyDump(request.content, request.format, *options_.kb,
                     acting.user.organisation, request.case_reference));
    s.embargo_until = request.embargo_until;
    s.summary = checked.summary;
    s.key_count = checked.records.size();
    row.format = request.format;
    detail["keys"] = s.key_count;
    detail["families"] = checked.families;
    detail["embargo_until"] = s.embargo_until;
  } else if (request.kind == SubmissionKind::kFamily) {
    if (!request.embargo_until.empty()) {
      return InvalidArgumentError("a family definition takes no embargo");
    }
    if (!request.format.empty() && request.format != "yaml") {
      return InvalidArgumentError("a family definition is a YAML file");
    }
    KINTSUGI_ASSIGN_OR_RETURN(s.family, families_.Check(request.content));
    s.summary = s.family;
    detail["family"] = s.family;
  } else {
    return InvalidArgumentError("unknown submission kind");
  }
  s.content = request.content;
  std::int64_t id = 0;
  const Status written = storage_->Transaction([&]() -> Status {
    s.created = Now();
    KINTSUGI_ASSIGN_OR_RETURN(id, tables_.InsertSubmission(row));
    return Log(who, AuditAction::kSubmit, Object(id), detail);
  });
  if (!written.ok()) return written;
  return Stored(id);
}

Result<std::vector<Submission>> PartnersImpl::Submissions(
    const Principal& who, std::optional<SubmissionState> state) {
  KINTSUGI_RETURN_IF_ERROR(RequireScope(who, kScopeRead));
  SubmissionQuery query;
  query.state = state;
  if (!IsOperator(who)) {
    KINTSUGI_ASSIGN_OR_RETURN(const UserRow acting, Acting(who));
    query.organisation = acting.organisation_id;
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::vector<SubmissionRow> rows,
                            tables_.Submissions(query));
  return Public(std::move(rows));
}

Result<std::vector<Submission>> PartnersImpl::ReviewQueue(
    const Principal& who) {
  KINTSUGI_RETURN_IF_ERROR(RequireScope(who, kScopeReview));
  KINTSUGI_ASSIGN_OR_RETURN(const UserRow acting, Acting(who));
  if (!IsReviewer(who)) {
    return PermissionDeniedError("the review queue is for reviewers");
  }
  SubmissionQuery query;
  query.other_than = acting.organisation_id;
  query.state = SubmissionState::kPending;
  query.oldest_first = true;
  KINTSUGI_ASSIGN_OR_RETURN(std::vector<SubmissionRow> rows,
                            tables_.Submissions(query));
  return Public(std::move(rows));
}

Result<Submission> PartnersImpl::GetSubmission(const Principal& who,
                                               std::int64_t id) {
  KINTSUGI_ASSIGN_OR_RETURN(SubmissionRow row, Visible(who, id, true));
  // Key bytes are shown to nobody (PreviewKeys shows the records).
  if (row.submission.kind == SubmissionKind::kKeys) {
    row.submission.content.clear();
  }
  return std::move(row.submission);
}

Result<std::vector<KeyPreview>> PartnersImpl::PreviewKeys(const Principal& who,
                                                          std::int64_t id) {
  KINTSUGI_ASSIGN_OR_RETURN(const SubmissionRow row, Visible(who, id, true));
  if (row.submission.kind != SubmissionKind::kKeys) {
    return InvalidArgumentError(
        fmt::format("submission {} is not a key dump", id));
  }
  std::vector<KeyPreview> previews;
  // A rejected or withdrawn dump's keys were erased.
  if (row.submission.content.empty()) return previews;
  KINTSUGI_ASSIGN_OR_RETURN(const CheckedKeys checked, StoredKeys(row));
  for (const KeyRecord& record : checked.records) {
    KeyPreview preview;
    preview.family = record.family;
    preview.key_type = std::string(KeyTypeName(record.key_type));
    preview.handle_kind = std::string(HandleKindName(record.handle.kind));
    preview.handle = record.handle.value;
    preview.source = record.provenance.source;
    preview.case_reference = record.provenance.case_reference;
    preview.date = record.provenance.date;
    preview.state = std::string(ReleaseStateName(record.state));
    preview.key_bytes = record.key.size();
    preview.key_tag = KeyTag(record.key.view());
    previews.push_back(std::move(preview));
  }
  return previews;
}

Result<Submission> PartnersImpl::Review(const Principal& who, std::int64_t id,
                                        ReviewDecision decision,
                                        std::string_view reason) {
  KINTSUGI_RETURN_IF_ERROR(RequireScope(who, kScopeReview));
  KINTSUGI_ASSIGN_OR_RETURN(const UserRow acting, Acting(who));
  if (!IsReviewer(who)) {
    return PermissionDeniedError("reviewing is for reviewers");
  }
  const bool approve = decision == ReviewDecision::kApprove;
  // Checked once who may review it is settled: its own organisation is
  // told "not yours", not "give a reason".
  const bool reason_ok =
      IsPlainText(reason, approve ? 0 : 1, limits::kMaxPartnerReasonBytes,
                  /*newlines=*/true) &&
      (approve ||
       reason.find_first_not_of(" \t\r\n") != std::string_view::npos);
  const Status written = storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<SubmissionRow> found,
                              tables_.FindSubmission(id, true));
    if (!found || !CanSee(who, &acting, *found)) {
      return NotFoundError(fmt::format("no submission {}", id));
    }
    SubmissionRow& row = *found;
    Submission& s = row.submission;
    if (row.organisation_id == acting.organisation_id) {
      return PermissionDeniedError(
          "a submission is reviewed by another organisation than its own");
    }
    if (s.state != SubmissionState::kPending) {
      return AlreadyExistsError(fmt::format("submission {} is {} already", id,
                                            SubmissionStateName(s.state)));
    }
    if (!reason_ok) {
      return InvalidArgumentError(
          approve ? "a remark is text without control characters"
                  : "a rejection needs a reason (text, without control "
                    "characters)");
    }
    json detail = {{"kind", std::string(SubmissionKindName(s.kind))},
                   {"submitter_organisation", s.organisation}};
    if (!reason.empty()) detail["reason"] = std::string(reason);
    if (approve && s.kind == SubmissionKind::kKeys) {
      KINTSUGI_ASSIGN_OR_RETURN(CheckedKeys checked, StoredKeys(row));
      // Held back while the embargo date is ahead, whatever the dump says.
      row.embargo_held = !s.embargo_until.empty() && s.embargo_until > Today();
      if (row.embargo_held) {
        for (KeyRecord& record : checked.records) {
          record.state = ReleaseState::kEmbargoed;
        }
      }
      KINTSUGI_RETURN_IF_ERROR(storage_->ImportKeys(checked.records));
      detail["keys"] = checked.records.size();
      detail["embargoed"] = row.embargo_held;
    } else if (approve) {
      // The KB may have changed since it was submitted.
      KINTSUGI_RETURN_IF_ERROR(families_.Check(s.content).status());
      detail["family"] = s.family;
    }
    s.state = approve ? SubmissionState::kApproved : SubmissionState::kRejected;
    row.reviewer_id = acting.user.id;
    s.reviewed = Now();
    s.reason = std::string(reason);
    KINTSUGI_RETURN_IF_ERROR(tables_.UpdateSubmission(row));
    if (!approve && s.kind == SubmissionKind::kKeys) {
      KINTSUGI_RETURN_IF_ERROR(tables_.EraseContent(id));
    }
    return Log(
        who, approve ? AuditAction::kReviewApprove : AuditAction::kReviewReject,
        Object(id), detail);
  });
  if (!written.ok()) return written;
  return Stored(id);
}

Result<Submission> PartnersImpl::Withdraw(const Principal& who,
                                          std::int64_t id) {
  KINTSUGI_RETURN_IF_ERROR(RequireScope(who, kScopeSubmit));
  KINTSUGI_ASSIGN_OR_RETURN(const UserRow acting, Acting(who));
  const Status written = storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<SubmissionRow> found,
                              tables_.FindSubmission(id, false));
    if (!found || !CanSee(who, &acting, *found)) {
      return NotFoundError(fmt::format("no submission {}", id));
    }
    SubmissionRow& row = *found;
    if (row.organisation_id != acting.organisation_id) {
      return PermissionDeniedError(
          "only its own organisation withdraws a submission");
    }
    if (row.submission.state != SubmissionState::kPending) {
      return AlreadyExistsError(
          fmt::format("submission {} is {} already", id,
                      SubmissionStateName(row.submission.state)));
    }
    row.submission.state = SubmissionState::kWithdrawn;
    KINTSUGI_RETURN_IF_ERROR(tables_.UpdateSubmission(row));
    if (row.submission.kind == SubmissionKind::kKeys) {
      KINTSUGI_RETURN_IF_ERROR(tables_.EraseContent(id));
    }
    return Log(
        who, AuditAction::kWithdraw, Object(id),
        {{"kind", std::string(SubmissionKindName(row.submission.kind))}});
  });
  if (!written.ok()) return written;
  return Stored(id);
}

// --- releases --------------------------------------------------------------

Result<std::size_t> PartnersImpl::Lift(const Principal& who, std::int64_t id) {
  std::size_t released = 0;
  const Status written = storage_->Transaction([&]() -> Status {
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<SubmissionRow> found,
                              tables_.FindSubmission(id, true));
    // Lifted by another process meanwhile.
    if (!found || !found->embargo_held) return Status::Ok();
    SubmissionRow& row = *found;
    KINTSUGI_ASSIGN_OR_RETURN(const CheckedKeys checked, StoredKeys(row));
    // Keys their dump itself marked embargoed stay so.
    std::vector<KeyRecord> open;
    for (const KeyRecord& record : checked.records) {
      if (record.state == ReleaseState::kReleased) open.push_back(record);
    }
    KINTSUGI_RETURN_IF_ERROR(storage_->ReleaseKeys(open));
    row.embargo_held = false;
    row.submission.embargo_lifted = Now();
    KINTSUGI_RETURN_IF_ERROR(tables_.UpdateSubmission(row));
    released = open.size();
    return Log(who, AuditAction::kEmbargoLift, Object(id),
               {{"embargo_until", row.submission.embargo_until},
                {"released_keys", open.size()},
                {"still_embargoed", checked.records.size() - open.size()}});
  });
  if (!written.ok()) return written;
  return released;
}

Result<std::size_t> PartnersImpl::LiftEmbargoes(const Principal& who) {
  if (!IsOperator(who)) {
    return PermissionDeniedError(
        "only the instance's operators lift embargoes");
  }
  SubmissionQuery query;
  query.state = SubmissionState::kApproved;
  query.embargo_held = true;
  query.oldest_first = true;
  KINTSUGI_ASSIGN_OR_RETURN(const std::vector<SubmissionRow> held,
                            tables_.Submissions(query));
  const std::string today = Today();
  std::size_t released = 0;
  Status first_failure;
  // One transaction per submission: a dump the KB no longer reads holds
  // back its own keys, not everyone's.
  for (const SubmissionRow& row : held) {
    if (row.submission.embargo_until > today) continue;
    Result<std::size_t> lifted = Lift(who, row.submission.id);
    if (lifted) {
      released += *lifted;
    } else if (first_failure.ok()) {
      first_failure =
          lifted.error().WithContext(Object(row.submission.id) + ": ");
    }
  }
  if (!first_failure.ok()) return first_failure;
  return released;
}

Result<std::vector<ApprovedFamily>> PartnersImpl::ApprovedFamilies(
    const Principal& who) {
  if (!IsOperator(who)) {
    return PermissionDeniedError(
        "only the instance's operators see what the next release takes");
  }
  SubmissionQuery query;
  query.state = SubmissionState::kApproved;
  query.oldest_first = true;
  KINTSUGI_ASSIGN_OR_RETURN(std::vector<SubmissionRow> rows,
                            tables_.Submissions(query));
  std::erase_if(rows, [](const SubmissionRow& row) {
    return row.submission.kind != SubmissionKind::kFamily;
  });
  // Approval order: when reviewed, then by id.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const SubmissionRow& a, const SubmissionRow& b) {
                     return a.submission.reviewed < b.submission.reviewed;
                   });
  std::map<std::string, std::int64_t> latest;
  for (const SubmissionRow& row : rows) {
    latest[row.submission.family] = row.submission.id;
  }
  std::vector<ApprovedFamily> families;
  for (const SubmissionRow& row : rows) {
    if (latest[row.submission.family] != row.submission.id) continue;
    KINTSUGI_ASSIGN_OR_RETURN(const std::optional<SubmissionRow> full,
                              tables_.FindSubmission(row.submission.id, true));
    if (!full) continue;
    families.push_back(
        {row.submission.id, row.submission.family, full->submission.content});
  }
  return families;
}

Result<AuditLog*> PartnersImpl::Reader() {
  if (reader_ == nullptr) {
    KINTSUGI_ASSIGN_OR_RETURN(
        reader_,
        OpenAuditLog(db_, KeyStoreCreation::kMustExist, options_.clock));
  }
  return reader_.get();
}

Result<std::vector<ReleaseInfo>> PartnersImpl::Releases(const Principal& who) {
  KINTSUGI_RETURN_IF_ERROR(RequireScope(who, kScopeRead));
  KINTSUGI_ASSIGN_OR_RETURN(AuditLog* const log, Reader());
  std::vector<ReleaseInfo> releases;
  KINTSUGI_RETURN_IF_ERROR(log->Export([&](const AuditEntry& entry) {
    if (entry.action != AuditAction::kRelease) return Status::Ok();
    const json detail = json::parse(entry.detail, nullptr, false);
    if (!detail.is_object()) return Status::Ok();
    const auto number = [&detail](const char* name) -> std::uint64_t {
      const auto it = detail.find(name);
      return it != detail.end() && it->is_number_unsigned()
                 ? it->get<std::uint64_t>()
                 : 0;
    };
    const auto text = [&detail](const char* name) -> std::string {
      const auto it = detail.find(name);
      return it != detail.end() && it->is_string() ? it->get<std::string>()
                                                   : "";
    };
    ReleaseInfo release;
    release.version = number("version");
    release.created = text("created");
    release.signer = text("signer");
    release.families = number("families");
    release.keys = number("released_keys");
    release.sha256 = text("sha256");
    releases.push_back(std::move(release));
    return Status::Ok();
  }));
  std::reverse(releases.begin(), releases.end());
  return releases;
}

Result<Partners::AuditPage> PartnersImpl::Audit(const Principal& who,
                                                std::uint64_t before,
                                                std::size_t limit) {
  if (!IsOperator(who)) {
    return PermissionDeniedError("the audit log is for administrators");
  }
  limit = std::min(limit, limits::kMaxAuditPageEntries);
  KINTSUGI_ASSIGN_OR_RETURN(AuditLog* const log, Reader());
  AuditPage page;
  KINTSUGI_ASSIGN_OR_RETURN(page.verification, log->Verify());
  std::deque<AuditEntry> last;
  if (limit > 0) {
    KINTSUGI_RETURN_IF_ERROR(log->Export([&](const AuditEntry& entry) {
      if (before != 0 && entry.seq >= before) return Status::Ok();
      last.push_back(entry);
      if (last.size() > limit) last.pop_front();
      return Status::Ok();
    }));
  }
  page.entries.assign(last.rbegin(), last.rend());
  return page;
}

}  // namespace kintsugi::partners::internal
