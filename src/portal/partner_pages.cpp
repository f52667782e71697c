// The partner pages (partner_site.h): the organisation's submissions,
// submit, one submission, the review queue, releases, the audit log and
// the API tokens. Who may see or do what is decided by partners.h; a page
// shows its refusal (PartnerFailurePage).

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "kintsugi/limits.h"
#include "portal/partner_site.h"
#include "portal/site.h"

namespace kintsugi::portal {
namespace {

using partners::Submission;
using partners::SubmissionKind;
using partners::SubmissionState;

std::string E(std::string_view text) { return HtmlEscape(text); }

// "" as a dash, for table cells.
std::string Cell(std::string_view text) { return text.empty() ? "–" : E(text); }

std::string StateBadge(SubmissionState state) {
  const std::string_view name = partners::SubmissionStateName(state);
  return fmt::format("<span class=\"state state-{0}\">{0}</span>", name);
}

std::string KindName(SubmissionKind kind) {
  return kind == SubmissionKind::kKeys ? "key dump" : "family definition";
}

std::string SubmissionLink(const Submission& s) {
  return fmt::format("<a href=\"/partner/submissions/{0}\">#{0}</a>", s.id);
}

std::string SubmissionTable(const std::vector<Submission>& list) {
  if (list.empty()) return "<p>No submissions.</p>\n";
  std::string html =
      "<table class=\"submissions\">\n<thead><tr><th scope=\"col\">#</th>"
      "<th scope=\"col\">What</th><th scope=\"col\">Case reference</th>"
      "<th scope=\"col\">State</th><th scope=\"col\">Submitted</th>"
      "<th scope=\"col\">Embargo until</th><th scope=\"col\">Reviewed by</th>"
      "</tr></thead>\n<tbody>\n";
  for (const Submission& s : list) {
    html += fmt::format(
        "<tr><td>{}</td><td>{}: {}</td><td>{}</td><td>{}</td><td>{} by {} "
        "({})</td><td>{}</td><td>{}</td></tr>\n",
        SubmissionLink(s), KindName(s.kind), E(s.summary), E(s.case_reference),
        StateBadge(s.state), E(s.created), E(s.submitter), E(s.organisation),
        Cell(s.embargo_until),
        s.reviewer.empty()
            ? std::string("–")
            : E(s.reviewer) + " (" + E(s.reviewer_organisation) + ")");
  }
  return html + "</tbody>\n</table>\n";
}

// A problem message, its lines kept (Submit lists one per line).
std::string Problem(std::string_view text) {
  return "<p class=\"problem\" role=\"alert\">" + E(text) + "</p>\n";
}

struct SubmitValues {
  std::string kind = "keys";
  std::string case_reference;
  std::string embargo_until;
  std::string format;
  std::string content;
};

std::string SubmitForm(const PartnerContext& context, const SubmitValues& v,
                       std::string_view problem) {
  std::string body = "<h1>Submit</h1>\n";
  if (!problem.empty()) body += Problem(problem);
  const auto selected = [](bool yes) { return yes ? " selected" : ""; };
  body += fmt::format(
      "<p>A key dump (docs/key-format.md: JSON lines or CSV) or one family "
      "definition (a knowledge-base YAML file). It takes effect only once a "
      "reviewer of another organisation approves it. Key bytes are shown "
      "to nobody here, reviewers included.</p>\n"
      "<form method=\"post\" action=\"/partner/submit\" "
      "enctype=\"multipart/form-data\">\n{csrf}"
      "<div class=\"field\"><label for=\"kind\">What</label>\n"
      "<select id=\"kind\" name=\"kind\">\n"
      "<option value=\"keys\"{keys}>A key dump</option>\n"
      "<option value=\"family\"{family}>A family definition (YAML)</option>\n"
      "</select></div>\n"
      "<div class=\"field\"><label for=\"case_reference\">Case "
      "reference</label>\n<input type=\"text\" id=\"case_reference\" "
      "name=\"case_reference\" maxlength=\"200\" value=\"{case_reference}\" "
      "aria-describedby=\"case-hint\" required>\n<p id=\"case-hint\" "
      "class=\"hint\">Your organisation's own reference: a case number or a "
      "report id.</p></div>\n"
      "<div class=\"field\"><label for=\"embargo_until\">Embargo until "
      "(keys only, optional)</label>\n<input type=\"date\" "
      "id=\"embargo_until\" name=\"embargo_until\" value=\"{embargo}\" "
      "aria-describedby=\"embargo-hint\">\n<p id=\"embargo-hint\" "
      "class=\"hint\">The keys are stored when approved but given to nobody "
      "before this date (UTC).</p></div>\n"
      "<div class=\"field\"><label for=\"format\">Key dump format</label>\n"
      "<select id=\"format\" name=\"format\">\n"
      "<option value=\"\"{auto}>Recognised from the content</option>\n"
      "<option value=\"jsonl\"{jsonl}>JSON lines</option>\n"
      "<option value=\"csv\"{csv}>CSV</option>\n</select></div>\n"
      "<div class=\"field\"><label for=\"file\">A file</label>\n"
      "<input type=\"file\" id=\"file\" name=\"file\" "
      "aria-describedby=\"file-hint\">\n<p id=\"file-hint\" class=\"hint\">"
      "At most {max_dump} MiB; or paste the text below.</p></div>\n"
      "<div class=\"field\"><label for=\"content\">Or the text</label>\n"
      "<textarea id=\"content\" name=\"content\" rows=\"10\" "
      "spellcheck=\"false\">{content}</textarea></div>\n"
      "<button type=\"submit\">Submit for review</button>\n</form>\n",
      fmt::arg("csrf", CsrfField(context)),
      fmt::arg("keys", selected(v.kind != "family")),
      fmt::arg("family", selected(v.kind == "family")),
      fmt::arg("case_reference", E(v.case_reference)),
      fmt::arg("embargo", E(v.embargo_until)),
      fmt::arg("auto", selected(v.format.empty())),
      fmt::arg("jsonl", selected(v.format == "jsonl")),
      fmt::arg("csv", selected(v.format == "csv")),
      fmt::arg("max_dump", std::min(limits::kMaxSubmittedKeyDumpBytes,
                                    limits::kMaxPortalBodyBytes) /
                               (1024 * 1024)),
      fmt::arg("content", E(v.content)));
  return body;
}

std::string DecisionForm(const PartnerContext& context, const Submission& s) {
  return fmt::format(
      "<form method=\"post\" action=\"/partner/submissions/{0}/review\" "
      "class=\"decision\">\n{1}"
      "<div class=\"field\"><label for=\"reason-{0}\">Reason (required to "
      "reject; a remark to approve)</label>\n<textarea id=\"reason-{0}\" "
      "name=\"reason\" rows=\"2\"></textarea></div>\n"
      "<button type=\"submit\" name=\"decision\" value=\"approve\">Approve "
      "#{0}</button>\n<button type=\"submit\" name=\"decision\" "
      "value=\"reject\" class=\"secondary\">Reject #{0}</button>\n</form>\n",
      s.id, CsrfField(context));
}

}  // namespace

HttpResponse HomePage(PartnerContext& context) {
  auto list =
      Call<std::vector<Submission>>(context.state, [&](partners::Partners& p) {
        return p.Submissions(context.who(), std::nullopt);
      });
  if (!list.ok()) return PartnerFailurePage(context, list.status);
  const bool admin = context.who().role == partners::Role::kAdmin;
  const std::string body =
      "<h1>" +
      (admin ? std::string("Every organisation's submissions")
             : "Submissions of " + E(context.who().organisation)) +
      "</h1>\n<p><a class=\"button\" href=\"/partner/submit\">Submit keys or "
      "a family</a></p>\n" +
      SubmissionTable(*list.value);
  return PartnerHtml(200, PartnerLayout(&context, "Submissions", "", body));
}

HttpResponse SubmitPage(PartnerContext& context) {
  if (context.request.method != "POST") {
    return PartnerHtml(200, PartnerLayout(&context, "Submit", "submit",
                                          SubmitForm(context, {}, "")));
  }
  SubmitValues values;
  values.kind = context.Field("kind");
  values.case_reference = context.Field("case_reference");
  values.embargo_until = context.Field("embargo_until");
  values.format = context.Field("format");
  values.content = context.Field("file");
  if (values.content.empty()) values.content = context.Field("content");
  const auto refuse = [&](const Status& status) {
    // The pasted text comes back; an uploaded file does not (it may be
    // megabytes of keys in a textarea).
    SubmitValues again = values;
    if (!context.Field("file").empty()) again.content.clear();
    // Submit's kResourceExhausted is the content's size, not a rate.
    return PartnerHtml(
        status.code() == StatusCode::kResourceExhausted
            ? 413
            : PartnerHttpStatus(status.code()),
        PartnerLayout(&context, "Submit", "submit",
                      SubmitForm(context, again, status.message())));
  };
  auto kind = partners::ParseSubmissionKind(values.kind);
  if (!kind) return refuse(kind.error());
  partners::SubmissionRequest request;
  request.kind = *kind;
  request.case_reference = values.case_reference;
  request.embargo_until = values.embargo_until;
  request.format = values.format;
  request.content = values.content;
  auto made = Call<Submission>(context.state, [&](partners::Partners& p) {
    return p.Submit(context.who(), request);
  });
  if (!made.ok()) return refuse(made.status);
  return SeeOther("/partner/submissions/" + std::to_string(made.value->id));
}

HttpResponse SubmissionPage(PartnerContext& context, std::int64_t id) {
  Submission s;
  std::vector<partners::KeyPreview> keys;
  const Status status =
      context.state.partners.With([&](partners::Partners& p) -> Status {
        KINTSUGI_ASSIGN_OR_RETURN(s, p.GetSubmission(context.who(), id));
        if (s.kind == SubmissionKind::kKeys) {
          KINTSUGI_ASSIGN_OR_RETURN(keys, p.PreviewKeys(context.who(), id));
        }
        return Status::Ok();
      });
  if (!status.ok()) return PartnerFailurePage(context, status);
  std::string body = fmt::format(
      "<h1>Submission #{} {}</h1>\n<dl class=\"details\">\n"
      "<dt>What</dt><dd>{}: {}</dd>\n<dt>Case reference</dt><dd>{}</dd>\n"
      "<dt>Submitted</dt><dd>{} by {} ({})</dd>\n"
      "<dt>Embargo until</dt><dd>{}</dd>\n",
      s.id, StateBadge(s.state), KindName(s.kind), E(s.summary),
      E(s.case_reference), E(s.created), E(s.submitter), E(s.organisation),
      Cell(s.embargo_until));
  if (!s.reviewer.empty()) {
    body +=
        fmt::format("<dt>Reviewed</dt><dd>{} by {} ({})</dd>\n", E(s.reviewed),
                    E(s.reviewer), E(s.reviewer_organisation));
  }
  if (!s.reason.empty()) {
    body += "<dt>" +
            std::string(s.state == SubmissionState::kRejected ? "Reason"
                                                              : "Remark") +
            "</dt><dd class=\"reason\">" + E(s.reason) + "</dd>\n";
  }
  if (!s.embargo_lifted.empty()) {
    body += "<dt>Embargo lifted</dt><dd>" + E(s.embargo_lifted) + "</dd>\n";
  }
  body += "</dl>\n";
  const partners::Principal& who = context.who();
  if (s.state == SubmissionState::kPending) {
    if (who.organisation == s.organisation && who.Has(partners::kScopeSubmit)) {
      body += fmt::format(
          "<form method=\"post\" action=\"/partner/submissions/{}/withdraw\">"
          "\n{}<button type=\"submit\" class=\"secondary\">Withdraw this "
          "submission</button>\n</form>\n",
          s.id, CsrfField(context));
    } else if (who.organisation != s.organisation &&
               who.role >= partners::Role::kReviewer &&
               who.Has(partners::kScopeReview)) {
      body += "<h2>Review</h2>\n" + DecisionForm(context, s);
    }
  }
  if (s.kind == SubmissionKind::kKeys) {
    body += fmt::format(
        "<h2>Keys ({})</h2>\n<p class=\"hint\">Without their bytes: the "
        "SHA-256 prefix tells keys apart.{}</p>\n<table class=\"keys\">\n"
        "<thead><tr><th scope=\"col\">Family</th><th scope=\"col\">Key "
        "type</th><th scope=\"col\">Handle</th><th scope=\"col\">Source</th>"
        "<th scope=\"col\">Case</th><th scope=\"col\">Date</th>"
        "<th scope=\"col\">State in the dump</th><th "
        "scope=\"col\">Bytes</th><th scope=\"col\">SHA-256</th></tr></thead>"
        "\n<tbody>\n",
        keys.size(),
        s.embargo_until.empty()
            ? ""
            : " With the embargo date, every key is held back until then, "
              "whatever the dump says.");
    for (const partners::KeyPreview& key : keys) {
      body += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
          E(key.family), E(key.key_type), E(key.handle_kind),
          key.handle.empty() ? "" : ": <code>" + E(key.handle) + "</code>",
          Cell(key.source), Cell(key.case_reference), Cell(key.date),
          E(key.state), key.key_bytes, E(key.key_tag));
    }
    body += "</tbody>\n</table>\n";
  } else {
    std::string yaml = s.content;
    std::erase(yaml, '\r');
    body +=
        "<h2>Family definition</h2>\n<pre><code>" + E(yaml) + "</code></pre>\n";
  }
  return PartnerHtml(
      200,
      PartnerLayout(&context, fmt::format("Submission #{}", id), "", body));
}

HttpResponse WithdrawAction(PartnerContext& context, std::int64_t id) {
  auto done = Call<Submission>(context.state, [&](partners::Partners& p) {
    return p.Withdraw(context.who(), id);
  });
  if (!done.ok()) return PartnerFailurePage(context, done.status);
  return SeeOther("/partner/submissions/" + std::to_string(id));
}

HttpResponse ReviewAction(PartnerContext& context, std::int64_t id) {
  const std::string decision = context.Field("decision");
  if (decision != "approve" && decision != "reject") {
    return PartnerFailurePage(context,
                              InvalidArgumentError("choose approve or reject"));
  }
  auto done = Call<Submission>(context.state, [&](partners::Partners& p) {
    return p.Review(context.who(), id,
                    decision == "approve" ? partners::ReviewDecision::kApprove
                                          : partners::ReviewDecision::kReject,
                    context.Field("reason"));
  });
  if (!done.ok()) return PartnerFailurePage(context, done.status);
  return SeeOther("/partner/submissions/" + std::to_string(id));
}

HttpResponse ReviewQueuePage(PartnerContext& context) {
  auto queue = Call<std::vector<Submission>>(
      context.state,
      [&](partners::Partners& p) { return p.ReviewQueue(context.who()); });
  if (!queue.ok()) return PartnerFailurePage(context, queue.status);
  std::string body =
      "<h1>Review queue</h1>\n<p>Submissions of the other organisations "
      "waiting for a decision, oldest first. An approved key dump is "
      "imported at once (held back until its embargo date); an approved "
      "family goes into the next release.</p>\n";
  if (queue.value->empty()) body += "<p>Nothing to review.</p>\n";
  for (const Submission& s : *queue.value) {
    body += fmt::format(
        "<section class=\"review\" id=\"submission-{}\">\n<h2>{} {}: {}</h2>"
        "\n<p>{}. Case reference {}; submitted {} by {} ({}); embargo until "
        "{}.</p>\n",
        s.id, SubmissionLink(s), KindName(s.kind), E(s.summary),
        StateBadge(s.state), E(s.case_reference), E(s.created), E(s.submitter),
        E(s.organisation), Cell(s.embargo_until));
    body += DecisionForm(context, s) + "</section>\n";
  }
  return PartnerHtml(200,
                     PartnerLayout(&context, "Review queue", "review", body));
}

HttpResponse ReleasesPage(PartnerContext& context) {
  auto releases = Call<std::vector<partners::ReleaseInfo>>(
      context.state,
      [&](partners::Partners& p) { return p.Releases(context.who()); });
  if (!releases.ok()) return PartnerFailurePage(context, releases.status);
  std::string body =
      "<h1>Releases</h1>\n<p>Signed knowledge-base releases made from this "
      "store (<code>kintsugi release make</code>), newest first.</p>\n";
  if (releases.value->empty()) {
    body += "<p>No release yet.</p>\n";
  } else {
    body +=
        "<table>\n<thead><tr><th scope=\"col\">Version</th><th "
        "scope=\"col\">Made</th><th scope=\"col\">Signed by</th><th "
        "scope=\"col\">Families</th><th scope=\"col\">Keys</th><th "
        "scope=\"col\">SHA-256 of the bundle</th></tr></thead>\n<tbody>\n";
    for (const partners::ReleaseInfo& r : *releases.value) {
      body += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
          "<td><code class=\"hash\">{}</code></td></tr>\n",
          r.version, E(r.created), E(r.signer), r.families, r.keys,
          E(r.sha256));
    }
    body += "</tbody>\n</table>\n";
  }
  return PartnerHtml(200,
                     PartnerLayout(&context, "Releases", "releases", body));
}

HttpResponse AuditPage(PartnerContext& context) {
  constexpr std::size_t kPage = 100;
  std::uint64_t before = 0;
  if (const std::string* text = context.request.Query("before")) {
    if (const auto id = ParseId(*text)) {
      before = static_cast<std::uint64_t>(*id);
    }
  }
  auto page = Call<partners::Partners::AuditPage>(
      context.state, [&](partners::Partners& p) {
        return p.Audit(context.who(), before, kPage);
      });
  if (!page.ok()) return PartnerFailurePage(context, page.status);
  const AuditVerification& chain = page.value->verification;
  std::string body = "<h1>Audit log</h1>\n";
  if (chain.intact()) {
    body += fmt::format(
        "<p class=\"chain chain-intact\">The chain holds: {} entries, head "
        "<code class=\"hash\">{}</code>.</p>\n",
        chain.entries, AuditHashHex(chain.head));
  } else {
    body += fmt::format(
        "<p class=\"chain chain-broken\" role=\"alert\">The chain is broken "
        "at entry {} ({}): the log was altered. Run <code>kintsugi audit "
        "verify</code>.</p>\n",
        chain.first_bad->seq, AuditFaultName(chain.first_bad->fault));
  }
  body +=
      "<table class=\"audit\">\n<thead><tr><th scope=\"col\">#</th><th "
      "scope=\"col\">Time</th><th scope=\"col\">Who</th><th "
      "scope=\"col\">Action</th><th scope=\"col\">Object</th><th "
      "scope=\"col\">Detail</th></tr></thead>\n<tbody>\n";
  for (const AuditEntry& entry : page.value->entries) {
    body += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td>"
        "<td><code>{}</code></td></tr>\n",
        entry.seq, E(entry.time), E(entry.actor),
        entry.organisation.empty() ? "" : " (" + E(entry.organisation) + ")",
        E(AuditActionName(entry.action)), Cell(entry.object), E(entry.detail));
  }
  body += "</tbody>\n</table>\n";
  if (!page.value->entries.empty() && page.value->entries.size() == kPage &&
      page.value->entries.back().seq > 1) {
    body += fmt::format(
        "<p><a href=\"/partner/audit?before={}\">Older entries</a></p>\n",
        page.value->entries.back().seq);
  }
  return PartnerHtml(200, PartnerLayout(&context, "Audit log", "audit", body));
}

namespace {

std::string TokenTable(const PartnerContext& context,
                       const std::vector<partners::TokenInfo>& tokens) {
  if (tokens.empty()) return "<p>No API tokens.</p>\n";
  std::string html =
      "<table class=\"tokens\">\n<thead><tr><th scope=\"col\">Name</th>"
      "<th scope=\"col\">User</th><th scope=\"col\">Scopes</th>"
      "<th scope=\"col\">Made</th><th scope=\"col\">Expires</th>"
      "<th scope=\"col\">Last used</th><th scope=\"col\">Revoked</th>"
      "<th scope=\"col\"></th></tr></thead>\n<tbody>\n";
  for (const partners::TokenInfo& t : tokens) {
    std::string action;
    if (t.revoked.empty()) {
      action = fmt::format(
          "<form method=\"post\" action=\"/partner/tokens/{}/revoke\" "
          "class=\"inline\">\n{}<button type=\"submit\" class=\"secondary\" "
          "aria-label=\"Revoke {}\">Revoke</button></form>",
          t.id, CsrfField(context), E(t.name));
    }
    html += fmt::format(
        "<tr><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
        E(t.name), E(t.user), E(t.organisation),
        E(partners::ScopeNames(t.scopes)), E(t.created), E(t.expires),
        Cell(t.last_used), Cell(t.revoked), action);
  }
  return html + "</tbody>\n</table>\n";
}

std::string TokenForm(const PartnerContext& context, std::string_view problem) {
  std::string body = "<h2>A new token</h2>\n";
  if (!problem.empty()) body += Problem(problem);
  body += "<form method=\"post\" action=\"/partner/tokens\">\n" +
          CsrfField(context) +
          "<div class=\"field\"><label for=\"name\">Name</label>\n"
          "<input type=\"text\" id=\"name\" name=\"name\" maxlength=\"100\" "
          "required aria-describedby=\"name-hint\">\n<p id=\"name-hint\" "
          "class=\"hint\">What it is for (\"nightly import\").</p></div>\n"
          "<fieldset class=\"field\"><legend>Scopes</legend>\n";
  const unsigned allowed = partners::RoleScopes(context.who().role);
  for (const auto& [bit, name, text] :
       {std::tuple{partners::kScopeRead, "read",
                   "read: submissions, releases, its own tokens"},
        std::tuple{partners::kScopeSubmit, "submit",
                   "submit: submit, withdraw"},
        std::tuple{partners::kScopeReview, "review",
                   "review: the review queue, approve, reject"},
        std::tuple{partners::kScopeAdmin, "admin", "admin: the audit log"}}) {
    if ((allowed & bit) == 0) continue;
    body += fmt::format(
        "<label class=\"check\"><input type=\"checkbox\" name=\"scope\" "
        "value=\"{}\"{}> {}</label>\n",
        name, bit == partners::kScopeRead ? " checked" : "", text);
  }
  body +=
      "</fieldset>\n<div class=\"field\"><label for=\"days\">Expires in "
      "(days)</label>\n<input type=\"number\" id=\"days\" name=\"days\" "
      "min=\"1\" max=\"365\" value=\"90\" required></div>\n"
      "<button type=\"submit\">Make the token</button>\n</form>\n";
  return body;
}

}  // namespace

HttpResponse TokensPage(PartnerContext& context) {
  std::string shown;
  std::string problem;
  int status = 200;
  if (context.request.method == "POST") {
    unsigned scopes = 0;
    std::string names;
    for (const auto& [field, value] : context.form) {
      if (field == "scope") names += (names.empty() ? "" : ",") + value;
    }
    auto parsed = partners::ParseScopes(names);
    const auto days = ParseId(context.Field("days"));
    Called<partners::NewToken> made;
    if (!parsed) {
      made.status = InvalidArgumentError("choose at least one scope");
    } else if (!days || *days > 365) {
      made.status = InvalidArgumentError("the lifetime is 1 to 365 days");
    } else {
      scopes = *parsed;
      made =
          Call<partners::NewToken>(context.state, [&](partners::Partners& p) {
            return p.CreateToken(context.who(), "", context.Field("name"),
                                 scopes, std::chrono::hours(24 * *days));
          });
    }
    if (made.ok()) {
      shown = fmt::format(
          "<section class=\"new-token\" role=\"status\">\n<h2>Your new token "
          "“{}”</h2>\n<p>Copy it now: it is shown this once and stored only "
          "as a hash. Send it as <code>Authorization: Bearer …</code> to "
          "<code>/api/v1/partner/</code>.</p>\n<p><code "
          "id=\"new-token\">{}</code></p>\n</section>\n",
          E(made.value->info.name), E(made.value->token));
    } else {
      status = PartnerHttpStatus(made.status.code());
      problem = made.status.message();
    }
  }
  auto tokens = Call<std::vector<partners::TokenInfo>>(
      context.state,
      [&](partners::Partners& p) { return p.Tokens(context.who()); });
  if (!tokens.ok()) return PartnerFailurePage(context, tokens.status);
  const std::string body = "<h1>API tokens</h1>\n" + shown +
                           "<p>Tokens let your tools use the partner API. "
                           "A token never does more than your role "
                           "allows.</p>\n" +
                           TokenTable(context, *tokens.value) +
                           TokenForm(context, problem);
  return PartnerHtml(status,
                     PartnerLayout(&context, "API tokens", "tokens", body));
}

HttpResponse RevokeAction(PartnerContext& context, std::int64_t id) {
  const Status status = context.state.partners.With(
      [&](partners::Partners& p) { return p.RevokeToken(context.who(), id); });
  if (!status.ok()) return PartnerFailurePage(context, status);
  return SeeOther("/partner/tokens");
}

}  // namespace kintsugi::portal
