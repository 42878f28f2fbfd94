#include "services/submissions/submissions.h"

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/common/errors.h"
#include "services/common/etag.h"
#include "services/common/pagination.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/common/period.h"
#include "services/common/timestamps.h"
#include "services/submissions/notices.h"
#include "services/submissions/report_context.h"
#include "services/submissions/report_validator.h"
#include "services/submissions/submissions_errors.h"
#include "storage/key_encoding.h"

namespace tonghop::submissions {
namespace {

using storage::WriteBatch;

constexpr size_t kMaxReasonBytes = 8 * 1024;

std::string AgencyName(absl::string_view id) { return MakeName("agencies", id); }

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// The revision as it was when submitted, before any review: its etag is the
// one its agency was answered with.
v1::Report AsSubmitted(v1::Report revision) {
  revision.set_state(v1::REPORT_STATE_SUBMITTED);
  revision.clear_review_reason();
  revision.clear_reviewed_by();
  revision.clear_review_time();
  return WithEtag(std::move(revision));
}

bool SameContent(const v1::Report& a, const v1::Report& b) {
  v1::Report left;
  v1::Report right;
  *left.mutable_progress() = a.progress();
  *left.mutable_values() = a.values();
  *right.mutable_progress() = b.progress();
  *right.mutable_values() = b.values();
  return ComputeEtag(left) == ComputeEtag(right);
}

template <typename T>
absl::StatusOr<std::optional<T>> Parse(const std::optional<std::string>& bytes,
                                       absl::string_view what) {
  if (!bytes) return std::optional<T>();
  T value;
  if (!value.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("corrupt ", what, " record"));
  }
  return std::optional<T>(std::move(value));
}

// What the caller may do with one agency's reports.
enum class Need { kRead, kWrite, kReview };

absl::string_view StateName(v1::ReportState state) {
  switch (state) {
    case v1::REPORT_STATE_DRAFT:
      return "a draft";
    case v1::REPORT_STATE_SUBMITTED:
      return "submitted and waiting for review";
    case v1::REPORT_STATE_ACCEPTED:
      return "accepted";
    case v1::REPORT_STATE_RETURNED:
      return "returned";
    case v1::REPORT_STATE_WITHDRAWN:
      return "withdrawn";
    case v1::REPORT_STATE_REPLACED:
      return "replaced";
    default:
      return "in an unknown state";
  }
}

}  // namespace


class Submissions::Impl {
 public:
  Impl(storage::KvStore* store, const RegistryReader* registry, const Clock* clock,
       const AccessPolicy* policy, AuditLog* audit, int64_t last_sequence)
      : store_(store),
        audit_(audit),
        registry_(registry),
        clock_(clock),
        policy_(policy),
        idempotency_(store, kIdempotencyColumnFamily),
        notices_(store, clock),
        feed_epoch_(store->epoch().ToString()),
        last_sequence_(last_sequence),
        published_sequence_(last_sequence) {}

  const std::string& feed_epoch() const { return feed_epoch_; }

  absl::Status CheckFeedPosition(absl::string_view epoch, int64_t after) const {
    if (epoch.empty()) return absl::OkStatus();
    if (epoch != feed_epoch_) {
      return WithErrorInfo(
          absl::FailedPreconditionError(absl::StrCat(
              "the change feed is in epoch ", feed_epoch_, ", not ", epoch,
              ": its store was replaced or reopened without changes it had acknowledged; "
              "read it again from the start")),
          "FEED_EPOCH_CHANGED", {{"epoch", feed_epoch_}, {"expected_epoch", std::string(epoch)}});
    }
    int64_t last = last_sequence();
    if (after > last) {
      return WithErrorInfo(
          absl::FailedPreconditionError(absl::StrCat(
              "the change feed ends at sequence ", last, ", before ", after,
              ": it was rewound (restored from an older copy?); read it again from the start")),
          "FEED_REWOUND",
          {{"epoch", feed_epoch_}, {"last_sequence", absl::StrCat(last)},
           {"after_sequence", absl::StrCat(after)}});
    }
    return absl::OkStatus();
  }

  ChangeNotifier& notifier() { return notifier_; }
  AuditLog& audit() { return *audit_; }

  // The feed's last published change: durable, and readable by ReadChanges.
  int64_t last_sequence() const {
    absl::MutexLock lock(&published_mu_);
    return published_sequence_;
  }

  // ---- Permissions ----

  // OK when the access policy lets `caller` do `need` on the reports of
  // agency `agency_id`; returns the agency followed by its ancestors (empty
  // when the registry does not know the agency and the caller may read
  // anyway). Writing needs a registered agency.
  absl::StatusOr<std::vector<v1::Agency>> Authorize(const Caller& caller,
                                                    absl::string_view agency_id, Need need,
                                                    absl::string_view action,
                                                    absl::string_view resource) const {
    std::string agency = AgencyName(agency_id);
    const AgencyDirectory& directory = *registry_;
    switch (need) {
      case Need::kWrite:
        RETURN_IF_ERROR(policy_->CheckWriteReport(caller, agency, resource));
        break;
      case Need::kReview:
        RETURN_IF_ERROR(policy_->CheckReviewReport(caller, directory, agency, resource));
        break;
      case Need::kRead:
        RETURN_IF_ERROR(policy_->CheckReadReport(caller, directory, agency, resource));
        break;
    }
    ASSIGN_OR_RETURN(std::vector<v1::Agency> chain, LoadAgencyChain(*registry_, agency));
    if (need == Need::kWrite && chain.empty()) {
      return WithErrorInfo(PermissionDenied(caller.Actor(), action, resource),
                           "AGENCY_NOT_REGISTERED", {{"agency", agency}});
    }
    return chain;
  }

  absl::Status AuthorizeWatch(const Caller& caller) const {
    return policy_->CheckAdministerInstance(caller, "the change feed of reports");
  }

  // ---- Storage ----

  absl::StatusOr<std::optional<v1::Report>> ReadReport(const ReportNameParts& parts) const {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_->Get(kReportsColumnFamily, ReportKey(parts)));
    return Parse<v1::Report>(bytes, "report");
  }

  absl::StatusOr<std::optional<v1::Report>> ReadRevision(const ReportNameParts& parts,
                                                         int64_t revision) const {
    ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                     store_->Get(kReportsColumnFamily, RevisionKey(parts, revision)));
    return Parse<v1::Report>(bytes, "revision");
  }

  // Every stored revision of a report, oldest first.
  absl::StatusOr<std::vector<v1::Report>> ReadRevisions(const ReportNameParts& parts) const {
    std::vector<v1::Report> revisions;
    std::string prefix = RevisionPrefix(parts);
    absl::Status inner;
    RETURN_IF_ERROR(store_->Scan(
        kReportsColumnFamily, prefix, storage::PrefixEnd(prefix),
        [&](absl::string_view, absl::string_view value) {
          v1::Report revision;
          if (!revision.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            inner = absl::DataLossError("corrupt revision record");
            return false;
          }
          revisions.push_back(std::move(revision));
          return true;
        }));
    RETURN_IF_ERROR(inner);
    return revisions;
  }

  // A submission's etag check. Besides the stored etag, the etag its agency
  // was answered with for the latest revision is accepted as long as the
  // content has not been edited since: only a review or a withdrawal (or
  // nothing) happened in between, so a file submitted, returned (or
  // withdrawn) and corrected, or corrected before review, is submitted
  // again without reading the report anew.
  absl::Status CheckSubmitEtag(absl::string_view given, const v1::Report& stored,
                               const ReportNameParts& parts) const {
    if (given.empty() || given == stored.etag()) return absl::OkStatus();
    if (stored.revision() > 0 && stored.state() != v1::REPORT_STATE_ACCEPTED) {
      ASSIGN_OR_RETURN(std::optional<v1::Report> latest, ReadRevision(parts, stored.revision()));
      if (latest && SameContent(*latest, stored) && AsSubmitted(*latest).etag() == given) {
        return absl::OkStatus();
      }
    }
    return EtagMismatch(stored.name());
  }

  // ---- The write path ----

  // What a mutation adds besides its batch: the change it publishes.
  struct Effects {
    std::optional<v1::Change> change;
  };

  // Looks the request id up without the lock, so that a retry is answered
  // even when the registry has changed since the first call.
  template <typename Request>
  absl::StatusOr<std::optional<v1::Report>> Answered(const Caller& caller,
                                                     const Request& request,
                                                     absl::string_view method) const {
    Request fingerprinted = request;
    fingerprinted.clear_request_id();
    std::string fingerprint = IdempotencyTable::Fingerprint(fingerprinted);
    ASSIGN_OR_RETURN(std::optional<std::string> answered,
                     idempotency_.Lookup(caller.agency, request.request_id(), method,
                                         fingerprint));
    if (!answered) return std::optional<v1::Report>();
    // The first call may still be waiting for its sync (Mutate).
    RETURN_IF_ERROR(store_->AwaitDurable(LastTicket()));
    v1::Report report;
    if (!report.ParseFromString(*answered)) {
      return absl::DataLossError("corrupt stored answer");
    }
    return std::optional<v1::Report>(std::move(report));
  }

  // Runs `apply` under the write mutex. A request id answered before returns
  // that answer; otherwise `apply` checks everything and fills the batch,
  // which is written with the answer, the change (with the next sequence
  // number) and the counter, all at once.
  //
  // Group commit: the batch is written unsynced under the mutex, so the
  // next mutation reads it, and its sync is awaited after the mutex is
  // released, so concurrent mutations share one sync (KvStore::
  // AwaitDurable). Nothing is answered, and no change is published on the
  // feed, before everything it was decided on is durable; watchers are
  // woken then.
  template <typename Request>
  absl::StatusOr<v1::Report> Mutate(
      const Caller& caller, const Request& request, absl::string_view method,
      const std::function<absl::StatusOr<v1::Report>(WriteBatch&, Effects&)>& apply) {
    Request fingerprinted = request;
    fingerprinted.clear_request_id();
    std::string fingerprint = IdempotencyTable::Fingerprint(fingerprinted);
    absl::StatusOr<Decided> decided = Decide(caller, request, method, fingerprint, apply);
    // A refusal, too, waits for what it was decided on.
    RETURN_IF_ERROR(store_->AwaitDurable(decided.ok() ? decided->ticket : LastTicket()));
    if (!decided.ok()) return decided.status();
    if (decided->sequence != 0) Publish(decided->sequence);
    return std::move(decided->answer);
  }

  // What Mutate decided under the write mutex.
  struct Decided {
    v1::Report answer;
    int64_t sequence = 0;             // the change written; 0: none
    storage::WriteTicket ticket = 0;  // the latest write the answer depends on
  };

  template <typename Request>
  absl::StatusOr<Decided> Decide(
      const Caller& caller, const Request& request, absl::string_view method,
      const std::string& fingerprint,
      const std::function<absl::StatusOr<v1::Report>(WriteBatch&, Effects&)>& apply) {
    absl::MutexLock lock(&write_mu_);
    Decided decided;
    decided.ticket = last_ticket_;
    ASSIGN_OR_RETURN(std::optional<std::string> answered,
                     idempotency_.Lookup(caller.agency, request.request_id(), method,
                                         fingerprint));
    if (answered) {
      if (!decided.answer.ParseFromString(*answered)) {
        return absl::DataLossError("corrupt stored answer");
      }
      return decided;
    }
    WriteBatch batch;
    Effects effects;
    ASSIGN_OR_RETURN(decided.answer, apply(batch, effects));
    // A change is recorded in the audit trail; an answer alone is not.
    bool changed = !batch.empty();
    int64_t sequence = last_sequence_;
    if (effects.change) {
      sequence = last_sequence_ + 1;
      effects.change->set_sequence(sequence);
      batch.Put(kFeedColumnFamily, ChangeKey(sequence), effects.change->SerializeAsString());
      batch.Put(kFeedColumnFamily, CounterKey(), EncodeCounter(sequence));
    }
    idempotency_.Record(batch, caller.agency, request.request_id(), method, fingerprint,
                        decided.answer.SerializeAsString());
    if (changed) {
      ASSIGN_OR_RETURN(decided.ticket,
                       audit_->WriteUnsynced(
                           batch, MakeAuditEvent(caller, method, request, &decided.answer)));
    } else {
      ASSIGN_OR_RETURN(decided.ticket, store_->WriteUnsynced(batch));
    }
    last_ticket_ = std::max(last_ticket_, decided.ticket);
    if (sequence != last_sequence_) {
      last_sequence_ = sequence;
      decided.sequence = sequence;
    }
    return decided;
  }

  storage::WriteTicket LastTicket() const {
    absl::MutexLock lock(&write_mu_);
    return last_ticket_;
  }

  // Makes the feed end at `sequence` (when later than it does), now that
  // every change up to it is durable, and wakes the watchers.
  void Publish(int64_t sequence) {
    {
      absl::MutexLock lock(&published_mu_);
      if (sequence <= published_sequence_) return;
      published_sequence_ = sequence;
    }
    notifier_.Notify(sequence);
  }

  static absl::Status CheckEtag(absl::string_view given, const v1::Report& stored) {
    if (!given.empty() && given != stored.etag()) return EtagMismatch(stored.name());
    return absl::OkStatus();
  }

  // ---- Mutations ----

  absl::StatusOr<v1::Report> GetOrCreateDraft(const Caller& caller,
                                              const v1::GetOrCreateDraftRequest& request) {
    std::string agency = request.agency().empty() ? caller.agency : request.agency();
    if (agency.empty()) {
      return Unauthenticated("reports need a caller identity: the calling agency");
    }
    ASSIGN_OR_RETURN(std::string agency_id, ParseSimpleName(agency, "agencies", "agency"));
    ASSIGN_OR_RETURN(std::vector<v1::Agency> chain,
                     Authorize(caller, agency_id, Need::kWrite, "create",
                               AgencyName(agency_id)));
    ViolationList violations;
    absl::StatusOr<std::string> plan_id = ParseSimpleName(request.plan(), "plans", "plan");
    if (!plan_id.ok()) violations.Add("plan", std::string(plan_id.status().message()));
    absl::StatusOr<Period> period = ParsePeriod(request.period(), "period");
    if (!period.ok()) {
      google::rpc::BadRequest bad = GetBadRequest(period.status());
      for (const auto& v : bad.field_violations()) violations.Add(v.field(), v.description());
    }
    RETURN_IF_ERROR(violations.ToStatus());
    ReportNameParts parts{agency_id, *plan_id, request.period()};

    ASSIGN_OR_RETURN(std::optional<v1::Report> answered,
                     Answered(caller, request, "GetOrCreateDraft"));
    if (answered) return *answered;
    ASSIGN_OR_RETURN(std::optional<v1::Report> existing, ReadReport(parts));
    if (existing) {
      if (!CheckEditable(*existing).ok()) return *existing;
      // A draft or returned report is edited with a slot for every value the
      // agency owes, also those it has not reported (nothing is stored); as
      // stored when the registry cannot say what is owed.
      absl::StatusOr<ReportContext> context = LoadReportContext(
          *registry_, std::move(chain), request.plan(), request.period(), "period");
      if (!context.ok()) return *existing;
      return WithEverySlot(*context, *std::move(existing));
    }

    ASSIGN_OR_RETURN(ReportContext context,
                     LoadReportContext(*registry_, std::move(chain), request.plan(),
                                       request.period(), "period"));
    if (!context.concerned()) return NotAssigned(request.plan(), agency);
    return Mutate<v1::GetOrCreateDraftRequest>(
        caller, request, "GetOrCreateDraft",
        [&](WriteBatch& batch, Effects&) -> absl::StatusOr<v1::Report> {
          ASSIGN_OR_RETURN(std::optional<v1::Report> stored, ReadReport(parts));
          if (stored) return *stored;
          v1::Report draft = BuildDraft(context);
          *draft.mutable_due_time() = ToTimestamp(context.dates.due_day_start);
          draft = WithEtag(std::move(draft));
          batch.Put(kReportsColumnFamily, ReportKey(parts), draft.SerializeAsString());
          return draft;
        });
  }

  absl::StatusOr<v1::Report> UpdateDraft(const Caller& caller,
                                         const v1::UpdateDraftRequest& request) {
    ASSIGN_OR_RETURN(ReportNameParts parts,
                     ParseReportName(request.report().name(), "report.name"));
    ASSIGN_OR_RETURN(std::vector<v1::Agency> chain,
                     Authorize(caller, parts.agency_id, Need::kWrite, "update",
                               request.report().name()));
    if (request.report().etag().empty()) {
      return InvalidField("report.etag",
                          "required: the etag of the report as you last read it, so that "
                          "changes made since are not overwritten");
    }
    ASSIGN_OR_RETURN(std::optional<v1::Report> answered,
                     Answered(caller, request, "UpdateDraft"));
    if (answered) return *answered;
    ASSIGN_OR_RETURN(ReportContext context,
                     LoadReportContext(*registry_, std::move(chain),
                                       MakeName("plans", parts.plan_id), parts.period,
                                       "report.name"));
    return Mutate<v1::UpdateDraftRequest>(
        caller, request, "UpdateDraft",
        [&](WriteBatch& batch, Effects&) -> absl::StatusOr<v1::Report> {
          ASSIGN_OR_RETURN(std::optional<v1::Report> stored, ReadReport(parts));
          if (!stored) return NotFound(request.report().name());
          RETURN_IF_ERROR(CheckEtag(request.report().etag(), *stored));
          RETURN_IF_ERROR(CheckEditable(*stored));
          v1::Report content = request.report();
          ViolationList violations;
          ValidateReportContent(context, ValidationMode::kDraft, "report", content, violations);
          if (!violations.empty()) return InvalidReport(violations.ToStatus());
          v1::Report updated = *stored;
          *updated.mutable_progress() = std::move(*content.mutable_progress());
          *updated.mutable_values() = std::move(*content.mutable_values());
          updated.clear_warnings();
          for (v1::ReportWarning& w : FigureWarnings(context, updated)) {
            *updated.add_warnings() = std::move(w);
          }
          updated = WithEtag(std::move(updated));
          batch.Put(kReportsColumnFamily, ReportKey(parts), updated.SerializeAsString());
          return updated;
        });
  }

  static absl::Status CheckEditable(const v1::Report& stored) {
    if (stored.state() == v1::REPORT_STATE_DRAFT || stored.state() == v1::REPORT_STATE_RETURNED) {
      return absl::OkStatus();
    }
    if (stored.state() == v1::REPORT_STATE_ACCEPTED) {
      return ReportAccepted(stored.name(), stored.revision());
    }
    return ReportAwaitingReview(stored.name(), stored.revision());
  }

  absl::StatusOr<v1::Report> Submit(const Caller& caller, const v1::SubmitRequest& request) {
    ASSIGN_OR_RETURN(ReportNameParts parts, ParseReportName(request.name(), "name"));
    ASSIGN_OR_RETURN(std::vector<v1::Agency> chain,
                     Authorize(caller, parts.agency_id, Need::kWrite, "submit", request.name()));
    if (request.has_report() && !request.report().name().empty() &&
        request.report().name() != request.name()) {
      return InvalidField("report.name",
                          absl::StrCat(QuoteInput(request.report().name()),
                                       " differs from name \"", request.name(), "\""));
    }
    if (request.validate_only()) return ValidateSubmission(std::move(chain), parts, request);
    ASSIGN_OR_RETURN(std::optional<v1::Report> answered, Answered(caller, request, "Submit"));
    if (answered) return *answered;
    ASSIGN_OR_RETURN(ReportContext context,
                     LoadReportContext(*registry_, std::move(chain),
                                       MakeName("plans", parts.plan_id), parts.period, "name"));
    std::string etag = !request.etag().empty() ? request.etag() : request.report().etag();
    // Content sent with the request is checked before the write mutex, so
    // that concurrent submissions validate in parallel; its violations are
    // still answered after the state checks, as when checked under it.
    std::optional<v1::Report> sent;
    ViolationList sent_violations;
    std::vector<v1::ReportWarning> sent_warnings;
    if (request.has_report()) {
      sent = request.report();
      ValidateReportContent(context, ValidationMode::kSubmit, "report", *sent, sent_violations);
      if (sent_violations.empty()) sent_warnings = FigureWarnings(context, *sent);
    }
    return Mutate<v1::SubmitRequest>(
        caller, request, "Submit",
        [&](WriteBatch& batch, Effects& effects) -> absl::StatusOr<v1::Report> {
          ASSIGN_OR_RETURN(std::optional<v1::Report> stored, ReadReport(parts));
          if (!stored) {
            if (!request.has_report()) return NotFound(request.name());
            if (!etag.empty()) return EtagMismatch(request.name());
            if (!context.concerned()) {
              return NotAssigned(MakeName("plans", parts.plan_id), AgencyName(parts.agency_id));
            }
            stored = BuildDraft(context);
          } else {
            RETURN_IF_ERROR(CheckSubmitEtag(etag, *stored, parts));
            if (stored->state() == v1::REPORT_STATE_ACCEPTED) {
              return ReportAccepted(stored->name(), stored->revision());
            }
          }
          if (sent && !sent_violations.empty()) {
            return InvalidReport(sent_violations.ToStatus());
          }
          v1::Report content;
          std::vector<v1::ReportWarning> warnings;
          if (sent) {
            content = std::move(*sent);
            warnings = std::move(sent_warnings);
          } else {
            content = *stored;
            ViolationList violations;
            ValidateReportContent(context, ValidationMode::kSubmit, "report", content, violations);
            if (!violations.empty()) return InvalidReport(violations.ToStatus());
            warnings = FigureWarnings(context, content);
          }

          // Submitting again before review replaces the pending revision.
          if (stored->state() == v1::REPORT_STATE_SUBMITTED) {
            ASSIGN_OR_RETURN(std::optional<v1::Report> pending,
                             ReadRevision(parts, stored->revision()));
            if (!pending) return absl::DataLossError("submitted revision is missing");
            pending->set_state(v1::REPORT_STATE_REPLACED);
            std::string key = RevisionKey(parts, pending->revision());
            batch.Put(kReportsColumnFamily, key, WithEtag(*std::move(pending)).SerializeAsString());
          }

          absl::Time now = clock_->Now();
          v1::Report submitted = *stored;
          *submitted.mutable_progress() = std::move(*content.mutable_progress());
          *submitted.mutable_values() = std::move(*content.mutable_values());
          submitted.set_state(v1::REPORT_STATE_SUBMITTED);
          submitted.set_revision(stored->revision() + 1);
          *submitted.mutable_submit_time() = ToTimestamp(now);
          // The round's first submission decides whether the report came
          // on time: a correction after a return or a replacement before
          // review keeps it.
          if (!submitted.has_first_submit_time()) {
            *submitted.mutable_first_submit_time() = ToTimestamp(now);
          }
          submitted.set_on_time(
              IsOnTime(context.dates, FromProto(submitted.first_submit_time())));
          submitted.clear_warnings();
          for (v1::ReportWarning& w : warnings) *submitted.add_warnings() = std::move(w);
          *submitted.mutable_due_time() = ToTimestamp(context.dates.due_day_start);
          submitted.set_submitted_by(caller.Actor());
          submitted.clear_review_reason();
          submitted.clear_reviewed_by();
          submitted.clear_review_time();
          submitted = WithEtag(std::move(submitted));
          std::string bytes = submitted.SerializeAsString();
          batch.Put(kReportsColumnFamily, ReportKey(parts), bytes);
          batch.Put(kReportsColumnFamily, RevisionKey(parts, submitted.revision()), bytes);
          v1::Change change;
          change.set_kind(v1::CHANGE_KIND_SUBMITTED);
          *change.mutable_report() = submitted;
          *change.mutable_time() = ToTimestamp(now);
          effects.change = std::move(change);
          return submitted;
        });
  }

  // Submit with validate_only: the same checks of the content as a
  // submission, and the warnings it would get, with nothing stored and no
  // etag or state check (the form asks while it is being filled in).
  absl::StatusOr<v1::Report> ValidateSubmission(std::vector<v1::Agency> chain,
                                                const ReportNameParts& parts,
                                                const v1::SubmitRequest& request) {
    ASSIGN_OR_RETURN(ReportContext context,
                     LoadReportContext(*registry_, std::move(chain),
                                       MakeName("plans", parts.plan_id), parts.period, "name"));
    ASSIGN_OR_RETURN(std::optional<v1::Report> stored, ReadReport(parts));
    if (!stored && !request.has_report()) return NotFound(request.name());
    if (!stored && !context.concerned()) {
      return NotAssigned(MakeName("plans", parts.plan_id), AgencyName(parts.agency_id));
    }
    v1::Report checked = stored ? *stored : BuildDraft(context);
    v1::Report content = request.has_report() ? request.report() : checked;
    ViolationList violations;
    ValidateReportContent(context, ValidationMode::kSubmit, "report", content, violations);
    if (!violations.empty()) return InvalidReport(violations.ToStatus());
    *checked.mutable_progress() = std::move(*content.mutable_progress());
    *checked.mutable_values() = std::move(*content.mutable_values());
    checked.clear_warnings();
    for (v1::ReportWarning& w : FigureWarnings(context, checked)) {
      *checked.add_warnings() = std::move(w);
    }
    return checked;
  }

  absl::StatusOr<v1::Report> Withdraw(const Caller& caller, const v1::WithdrawRequest& request) {
    ASSIGN_OR_RETURN(ReportNameParts parts, ParseReportName(request.name(), "name"));
    RETURN_IF_ERROR(
        Authorize(caller, parts.agency_id, Need::kWrite, "withdraw", request.name()).status());
    ASSIGN_OR_RETURN(std::optional<v1::Report> answered, Answered(caller, request, "Withdraw"));
    if (answered) return *answered;
    return Mutate<v1::WithdrawRequest>(
        caller, request, "Withdraw",
        [&](WriteBatch& batch, Effects& effects) -> absl::StatusOr<v1::Report> {
          ASSIGN_OR_RETURN(std::optional<v1::Report> stored, ReadReport(parts));
          if (!stored) return NotFound(request.name());
          RETURN_IF_ERROR(CheckSubmitEtag(request.etag(), *stored, parts));
          if (stored->state() != v1::REPORT_STATE_SUBMITTED) {
            return ReportNotPending(request.name(), StateName(stored->state()));
          }
          ASSIGN_OR_RETURN(std::vector<v1::Report> revisions, ReadRevisions(parts));
          if (revisions.empty() || revisions.back().revision() != stored->revision()) {
            return absl::DataLossError("submitted revision is missing");
          }
          v1::Report withdrawn_revision = revisions.back();
          withdrawn_revision.set_state(v1::REPORT_STATE_WITHDRAWN);
          std::string revision_key = RevisionKey(parts, withdrawn_revision.revision());
          batch.Put(kReportsColumnFamily, revision_key,
                    WithEtag(std::move(withdrawn_revision)).SerializeAsString());

          // The report becomes what it was before this submission: returned
          // with the latest return's reason, or a draft that was never
          // submitted (and so not yet on time either).
          const v1::Report* last_return = nullptr;
          for (const v1::Report& r : revisions) {
            if (r.state() == v1::REPORT_STATE_RETURNED) last_return = &r;
          }
          v1::Report report = *stored;
          if (last_return != nullptr) {
            report.set_state(v1::REPORT_STATE_RETURNED);
            report.set_review_reason(last_return->review_reason());
            report.set_reviewed_by(last_return->reviewed_by());
            *report.mutable_review_time() = last_return->review_time();
            *report.mutable_submit_time() = last_return->submit_time();
            report.set_submitted_by(last_return->submitted_by());
          } else {
            report.set_state(v1::REPORT_STATE_DRAFT);
            report.clear_submit_time();
            report.clear_first_submit_time();
            report.clear_submitted_by();
            report.set_on_time(false);
          }
          report = WithEtag(std::move(report));
          batch.Put(kReportsColumnFamily, ReportKey(parts), report.SerializeAsString());
          v1::Change change;
          change.set_kind(v1::CHANGE_KIND_WITHDRAWN);
          *change.mutable_report() = report;
          *change.mutable_time() = ToTimestamp(clock_->Now());
          effects.change = std::move(change);
          return report;
        });
  }

  absl::StatusOr<v1::Report> Review(const Caller& caller, const v1::ReviewRequest& request) {
    ASSIGN_OR_RETURN(ReportNameParts parts, ParseReportName(request.name(), "name"));
    ASSIGN_OR_RETURN(std::vector<v1::Agency> chain,
                     Authorize(caller, parts.agency_id, Need::kReview, "review", request.name()));
    ViolationList violations;
    std::string reason;
    if (request.decision() != v1::REVIEW_DECISION_ACCEPT &&
        request.decision() != v1::REVIEW_DECISION_RETURN) {
      violations.Add("decision", "required: ACCEPT, or RETURN with a reason");
    }
    absl::StatusOr<std::string> nfc = ToNfc(request.reason(), "reason");
    if (!nfc.ok()) {
      violations.Add("reason", "is not valid UTF-8");
    } else {
      reason = std::string(absl::StripAsciiWhitespace(*nfc));
      if (reason.size() > kMaxReasonBytes) {
        violations.Add("reason", absl::StrCat("is too long: at most ", kMaxReasonBytes, " bytes"));
      }
      if (request.decision() == v1::REVIEW_DECISION_RETURN && reason.empty()) {
        violations.Add("reason", "required when returning a report: say what to fix");
      }
    }
    RETURN_IF_ERROR(violations.ToStatus());
    // What the notice of the review says, read before the write lock.
    std::string plan_name = MakeName("plans", parts.plan_id);
    ASSIGN_OR_RETURN(std::optional<v1::Plan> plan, registry_->FindPlan(plan_name));
    ReportNoticeFacts facts{request.name(), AgencyName(parts.agency_id),
                            chain.empty() ? AgencyName(parts.agency_id) : chain.front().display_name(),
                            nullptr, parts.period, absl::CivilDay()};
    v1::Plan plan_facts;
    if (plan) plan_facts = *plan;
    else plan_facts.set_name(plan_name);
    facts.plan = &plan_facts;
    if (absl::StatusOr<Period> period = ParsePeriod(parts.period, "name"); period.ok() && plan) {
      if (absl::StatusOr<RoundDates> dates = DueDates(*plan, *period, "name"); dates.ok()) {
        facts.due_day = dates->due_day;
      }
    }
    return Mutate<v1::ReviewRequest>(
        caller, request, "Review",
        [&](WriteBatch& batch, Effects& effects) -> absl::StatusOr<v1::Report> {
          ASSIGN_OR_RETURN(std::optional<v1::Report> stored, ReadReport(parts));
          if (!stored) return NotFound(request.name());
          RETURN_IF_ERROR(CheckEtag(request.etag(), *stored));
          if (stored->state() != v1::REPORT_STATE_SUBMITTED) {
            return ReportNotSubmitted(request.name(), StateName(stored->state()));
          }
          ASSIGN_OR_RETURN(std::optional<std::string> revision_bytes,
                           store_->Get(kReportsColumnFamily, RevisionKey(parts, stored->revision())));
          ASSIGN_OR_RETURN(std::optional<v1::Report> revision,
                           Parse<v1::Report>(revision_bytes, "revision"));
          if (!revision) return absl::DataLossError("submitted revision is missing");

          absl::Time now = clock_->Now();
          bool accept = request.decision() == v1::REVIEW_DECISION_ACCEPT;
          for (v1::Report* r : {&*stored, &*revision}) {
            r->set_state(accept ? v1::REPORT_STATE_ACCEPTED : v1::REPORT_STATE_RETURNED);
            r->set_review_reason(reason);
            r->set_reviewed_by(caller.Actor());
            *r->mutable_review_time() = ToTimestamp(now);
            *r = WithEtag(std::move(*r));
          }
          batch.Put(kReportsColumnFamily, ReportKey(parts), stored->SerializeAsString());
          batch.Put(kReportsColumnFamily, RevisionKey(parts, revision->revision()),
                    revision->SerializeAsString());
          // The notice commits with the review, or neither does.
          notices_.Add(batch, ReviewNotice(facts, accept, reason, caller.Actor(),
                                           revision->revision()));
          v1::Change change;
          change.set_kind(accept ? v1::CHANGE_KIND_ACCEPTED : v1::CHANGE_KIND_RETURNED);
          *change.mutable_report() = *stored;
          *change.mutable_time() = ToTimestamp(now);
          effects.change = std::move(change);
          return *stored;
        });
  }

  // ---- Reads ----

  absl::StatusOr<v1::Report> GetReport(const Caller& caller,
                                       const v1::GetReportRequest& request) const {
    ASSIGN_OR_RETURN(ReportNameParts parts, ParseReportName(request.name(), "name"));
    RETURN_IF_ERROR(
        Authorize(caller, parts.agency_id, Need::kRead, "read", request.name()).status());
    ASSIGN_OR_RETURN(std::optional<v1::Report> stored, ReadReport(parts));
    if (!stored) return NotFound(request.name());
    return *stored;
  }

  absl::StatusOr<v1::ListRevisionsResponse> ListRevisions(
      const Caller& caller, const v1::ListRevisionsRequest& request) const {
    ASSIGN_OR_RETURN(ReportNameParts parts, ParseReportName(request.name(), "name"));
    RETURN_IF_ERROR(
        Authorize(caller, parts.agency_id, Need::kRead, "read", request.name()).status());
    ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
    ASSIGN_OR_RETURN(std::string after,
                     DecodePageToken(request.page_token(), absl::StrCat("revisions:", request.name())));
    int64_t after_revision = 0;
    if (!after.empty() && !absl::SimpleAtoi(after, &after_revision)) {
      return InvalidField("page_token", "malformed page token");
    }
    ASSIGN_OR_RETURN(std::optional<v1::Report> stored, ReadReport(parts));
    if (!stored) return NotFound(request.name());
    v1::ListRevisionsResponse response;
    std::string prefix = RevisionPrefix(parts);
    bool more = false;
    absl::Status inner;
    RETURN_IF_ERROR(store_->Scan(
        kReportsColumnFamily, RevisionKey(parts, after_revision + 1), storage::PrefixEnd(prefix),
        [&](absl::string_view, absl::string_view value) {
          if (response.revisions_size() == page_size) {
            more = true;
            return false;
          }
          if (!response.add_revisions()->ParseFromArray(value.data(),
                                                        static_cast<int>(value.size()))) {
            inner = absl::DataLossError("corrupt revision record");
            return false;
          }
          return true;
        }));
    RETURN_IF_ERROR(inner);
    if (more) {
      response.set_next_page_token(EncodePageToken(
          absl::StrCat(response.revisions(response.revisions_size() - 1).revision()),
          absl::StrCat("revisions:", request.name())));
    }
    return response;
  }

  absl::StatusOr<v1::ListReportsResponse> ListReports(
      const Caller& caller, const v1::ListReportsRequest& request) const {
    RETURN_IF_ERROR(policy_->CheckReadRegistry(caller));
    ViolationList violations;
    std::string plan_id;
    if (!request.plan().empty()) {
      absl::StatusOr<std::string> id = ParseSimpleName(request.plan(), "plans", "plan");
      if (id.ok()) plan_id = *id;
      else violations.Add("plan", std::string(id.status().message()));
    }
    if (!request.period().empty()) {
      absl::StatusOr<Period> period = ParsePeriod(request.period(), "period");
      if (!period.ok()) violations.Add("period", std::string(period.status().message()));
    }
    if (!request.agency_subtree().empty()) {
      absl::StatusOr<std::string> id =
          ParseSimpleName(request.agency_subtree(), "agencies", "agency_subtree");
      if (!id.ok()) violations.Add("agency_subtree", std::string(id.status().message()));
    }
    if (!v1::ReportState_IsValid(request.state())) {
      violations.Add("state", absl::StrCat(request.state(), " is not a report state"));
    }
    absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
    if (!page_size.ok()) violations.Add("page_size", "must not be negative");
    RETURN_IF_ERROR(violations.ToStatus());

    std::string query = absl::StrCat("reports:", caller.agency, "|", request.plan(), "|",
                                     request.period(), "|", request.agency_subtree(), "|",
                                     request.state());
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), query));
    const AgencyDirectory& directory = *registry_;
    // Whether the caller may read each agency's reports, asked of the
    // policy once per agency in this call.
    std::map<std::string, bool> readable;
    auto may_read = [&](const v1::Report& report) -> absl::StatusOr<bool> {
      auto it = readable.find(report.agency());
      if (it != readable.end()) return it->second;
      absl::Status allowed =
          policy_->CheckReadReport(caller, directory, report.agency(), report.name());
      if (!allowed.ok() && allowed.code() != absl::StatusCode::kPermissionDenied) {
        return allowed;
      }
      readable[report.agency()] = allowed.ok();
      return allowed.ok();
    };

    std::string prefix = ReportPrefix(plan_id, request.period());
    std::string start = after.empty() ? prefix : after + '\0';
    if (start < prefix) {
      return InvalidField("page_token", "page token is outside this query");
    }

    // Memo of each agency's chain for this call: who may read it, and
    // whether it is in the requested subtree.
    std::map<std::string, std::vector<v1::Agency>> chains;
    auto chain_of = [&](const std::string& agency) -> absl::StatusOr<const std::vector<v1::Agency>*> {
      auto it = chains.find(agency);
      if (it == chains.end()) {
        ASSIGN_OR_RETURN(std::vector<v1::Agency> chain, LoadAgencyChain(*registry_, agency));
        it = chains.emplace(agency, std::move(chain)).first;
      }
      return &it->second;
    };

    v1::ListReportsResponse response;
    ASSIGN_OR_RETURN(
        std::string next_page_token,
        ScanPage<v1::Report>(
            *store_, kReportsColumnFamily, start, storage::PrefixEnd(prefix), *page_size, query,
            [&](absl::string_view, absl::string_view value)
                -> absl::StatusOr<std::optional<v1::Report>> {
              v1::Report report;
              if (!report.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                return absl::DataLossError("corrupt report record");
              }
              if (request.state() != v1::REPORT_STATE_UNSPECIFIED &&
                  report.state() != request.state()) {
                return std::nullopt;
              }
              if (!request.period().empty() && report.period() != request.period()) {
                return std::nullopt;
              }
              ASSIGN_OR_RETURN(bool allowed, may_read(report));
              if (!allowed) return std::nullopt;
              if (!request.agency_subtree().empty()) {
                ASSIGN_OR_RETURN(const std::vector<v1::Agency>* chain, chain_of(report.agency()));
                bool inside = report.agency() == request.agency_subtree();
                for (const v1::Agency& node : *chain) {
                  inside |= node.name() == request.agency_subtree();
                }
                if (!inside) return std::nullopt;
              }
              return report;
            },
            *response.mutable_reports()));
    response.set_next_page_token(std::move(next_page_token));
    return response;
  }

  absl::StatusOr<v1::ListDueReportsResponse> ListDueReports(
      const Caller& caller, const v1::ListDueReportsRequest& request) const {
    std::string agency = request.agency().empty() ? caller.agency : request.agency();
    if (agency.empty()) {
      return Unauthenticated("reports need a caller identity: the calling agency");
    }
    ASSIGN_OR_RETURN(std::string agency_id, ParseSimpleName(agency, "agencies", "agency"));
    ASSIGN_OR_RETURN(std::vector<v1::Agency> chain,
                     Authorize(caller, agency_id, Need::kRead, "read", AgencyName(agency_id)));
    v1::ListDueReportsResponse response;
    if (chain.empty()) return response;  // an agency the registry does not know owes nothing
    std::vector<v1::Agency> ancestors(chain.begin() + 1, chain.end());
    absl::Time now = clock_->Now();
    absl::CivilDay today = absl::ToCivilDay(now, VietnamTime());
    ASSIGN_OR_RETURN(std::vector<v1::Plan> plans, registry_->ListPlans());
    for (const v1::Plan& plan : plans) {
      if (plan.state() != v1::PLAN_STATE_ACTIVE) continue;
      ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, registry_->ListTasks(plan.name()));
      bool expected = false;
      for (const v1::Task& task : tasks) expected |= RoleOf(task, chain.front(), ancestors).expected;
      if (!expected) continue;
      absl::StatusOr<std::string> plan_id_or = ParseSimpleName(plan.name(), "plans", "plan");
      if (!plan_id_or.ok()) continue;
      const std::string& plan_id = *plan_id_or;
      for (const Period& period : RoundPeriods(plan)) {
        if (period.first_day > today) continue;  // not begun
        absl::StatusOr<RoundDates> dates = DueDates(plan, period, "period");
        if (!dates.ok()) continue;
        ReportNameParts parts{agency_id, plan_id, period.label};
        ASSIGN_OR_RETURN(std::optional<v1::Report> report, ReadReport(parts));
        if (report && report->state() == v1::REPORT_STATE_ACCEPTED) continue;
        v1::DueReport* due = response.add_due_reports();
        due->set_report(MakeReportName(agency_id, plan_id, period.label));
        due->set_plan(plan.name());
        due->set_plan_symbol(plan.symbol());
        due->set_plan_title(plan.title());
        due->set_period(period.label);
        *due->mutable_due_time() = ToTimestamp(dates->due_day_start);
        due->set_days_left(static_cast<int32_t>(dates->due_day - today));
        if (report) {
          due->set_state(report->state());
          due->set_revision(report->revision());
          if (report->state() == v1::REPORT_STATE_RETURNED) {
            due->set_review_reason(report->review_reason());
          }
        }
      }
    }
    std::stable_sort(response.mutable_due_reports()->begin(),
                     response.mutable_due_reports()->end(),
                     [](const v1::DueReport& a, const v1::DueReport& b) {
                       return a.due_time().seconds() < b.due_time().seconds();
                     });
    return response;
  }

  absl::StatusOr<std::optional<v1::Report>> StoredReport(absl::string_view name) const {
    ASSIGN_OR_RETURN(ReportNameParts parts, ParseReportName(name, "name"));
    return ReadReport(parts);
  }

  absl::StatusOr<v1::ListNoticesResponse> ListNotices(
      const Caller& caller, const v1::ListNoticesRequest& request) const {
    v1::ListNoticesRequest query = request;
    if (request.agency().empty()) {
      RETURN_IF_ERROR(policy_->CheckAdministerInstance(caller, "the notices"));
    } else {
      // An agency's notices are about its reports: read as they are.
      ASSIGN_OR_RETURN(std::string agency_id,
                       ParseSimpleName(request.agency(), "agencies", "agency"));
      RETURN_IF_ERROR(Authorize(caller, agency_id, Need::kRead, "read the notices of",
                                AgencyName(agency_id))
                          .status());
      query.set_agency(AgencyName(agency_id));
    }
    if (!v1::NoticeState_IsValid(request.state())) {
      return InvalidField("state", absl::StrCat(request.state(), " is not a notice state"));
    }
    return notices_.List(query);
  }

  NoticeQueue& notice_queue() { return notices_; }

  absl::StatusOr<std::vector<v1::Change>> ReadChanges(int64_t after, int limit) const {
    std::vector<v1::Change> changes;
    int64_t published = last_sequence();
    if (limit <= 0 || after >= published) return changes;
    absl::Status inner;
    // A change written but not yet durable is not on the feed.
    RETURN_IF_ERROR(store_->Scan(
        kFeedColumnFamily, ChangeKey(after + 1), ChangeKey(published + 1),
        [&](absl::string_view, absl::string_view value) {
          v1::Change change;
          if (!change.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            inner = absl::DataLossError("corrupt change record");
            return false;
          }
          change.set_epoch(feed_epoch_);
          changes.push_back(std::move(change));
          return static_cast<int>(changes.size()) < limit;
        }));
    RETURN_IF_ERROR(inner);
    return changes;
  }

 private:
  storage::KvStore* store_;
  AuditLog* audit_;
  const RegistryReader* registry_;
  const Clock* clock_;
  const AccessPolicy* policy_;
  IdempotencyTable idempotency_;
  NoticeQueue notices_;
  const std::string feed_epoch_;
  ChangeNotifier notifier_;
  mutable absl::Mutex write_mu_;
  int64_t last_sequence_ ABSL_GUARDED_BY(write_mu_);
  // The latest write an answer was decided on.
  storage::WriteTicket last_ticket_ ABSL_GUARDED_BY(write_mu_) = 0;
  mutable absl::Mutex published_mu_;
  int64_t published_sequence_ ABSL_GUARDED_BY(published_mu_);
};

absl::StatusOr<std::unique_ptr<Submissions>> Submissions::Open(storage::KvStore* store,
                                                               AuditLog* audit,
                                                               const RegistryReader* registry,
                                                               const Clock* clock,
                                                               const AccessPolicy* policy) {
  ASSIGN_OR_RETURN(std::optional<std::string> counter, store->Get(kFeedColumnFamily, CounterKey()));
  int64_t last_sequence = 0;
  if (counter) {
    std::optional<int64_t> value = DecodeCounter(*counter);
    if (!value) return absl::DataLossError("corrupt change-feed counter");
    last_sequence = *value;
  }
  return std::unique_ptr<Submissions>(new Submissions(std::make_unique<Impl>(
      store, registry, clock, policy, audit, last_sequence)));
}

Submissions::Submissions(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Submissions::~Submissions() = default;

absl::StatusOr<v1::Report> Submissions::GetOrCreateDraft(
    const Caller& caller, const v1::GetOrCreateDraftRequest& request) {
  absl::StatusOr<v1::Report> result = impl_->GetOrCreateDraft(caller, request);
  if (IsAuditedRefusal(result.status())) {
    // The request names the report by its parts.
    AuditEvent event =
        MakeAuditEvent(caller, "GetOrCreateDraft", request, nullptr, result.status());
    std::string agency = request.agency().empty() ? caller.agency : request.agency();
    event.resource = MakeReportName(
        ParseSimpleName(agency, "agencies", "agency").value_or(agency),
        ParseSimpleName(request.plan(), "plans", "plan").value_or(request.plan()),
        request.period());
    impl_->audit().RecordRefusal(event);
  }
  return result;
}
absl::StatusOr<v1::Report> Submissions::UpdateDraft(const Caller& caller,
                                                    const v1::UpdateDraftRequest& request) {
  return AuditRefusal(impl_->audit(), caller, "UpdateDraft", request,
                      impl_->UpdateDraft(caller, request));
}
absl::StatusOr<v1::Report> Submissions::Submit(const Caller& caller,
                                               const v1::SubmitRequest& request) {
  return AuditRefusal(impl_->audit(), caller, "Submit", request, impl_->Submit(caller, request));
}
absl::StatusOr<v1::Report> Submissions::Withdraw(const Caller& caller,
                                                 const v1::WithdrawRequest& request) {
  return AuditRefusal(impl_->audit(), caller, "Withdraw", request,
                      impl_->Withdraw(caller, request));
}
absl::StatusOr<v1::Report> Submissions::Review(const Caller& caller,
                                               const v1::ReviewRequest& request) {
  return AuditRefusal(impl_->audit(), caller, "Review", request, impl_->Review(caller, request));
}
absl::StatusOr<v1::Report> Submissions::GetReport(const Caller& caller,
                                                  const v1::GetReportRequest& request) const {
  return impl_->GetReport(caller, request);
}
absl::StatusOr<v1::ListReportsResponse> Submissions::ListReports(
    const Caller& caller, const v1::ListReportsRequest& request) const {
  return impl_->ListReports(caller, request);
}
absl::StatusOr<v1::ListDueReportsResponse> Submissions::ListDueReports(
    const Caller& caller, const v1::ListDueReportsRequest& request) const {
  return impl_->ListDueReports(caller, request);
}
absl::StatusOr<v1::ListRevisionsResponse> Submissions::ListRevisions(
    const Caller& caller, const v1::ListRevisionsRequest& request) const {
  return impl_->ListRevisions(caller, request);
}
absl::StatusOr<std::optional<v1::Report>> Submissions::StoredReport(
    absl::string_view name) const {
  return impl_->StoredReport(name);
}
absl::StatusOr<v1::ListNoticesResponse> Submissions::ListNotices(
    const Caller& caller, const v1::ListNoticesRequest& request) const {
  return impl_->ListNotices(caller, request);
}
NoticeQueue& Submissions::notice_queue() { return impl_->notice_queue(); }
absl::Status Submissions::AuthorizeWatch(const Caller& caller) const {
  return impl_->AuthorizeWatch(caller);
}
absl::StatusOr<std::vector<v1::Change>> Submissions::ReadChanges(int64_t after,
                                                                 int limit) const {
  return impl_->ReadChanges(after, limit);
}
int64_t Submissions::last_sequence() const { return impl_->last_sequence(); }
const std::string& Submissions::feed_epoch() const { return impl_->feed_epoch(); }
absl::Status Submissions::CheckFeedPosition(absl::string_view epoch, int64_t after) const {
  return impl_->CheckFeedPosition(epoch, after);
}
ChangeNotifier& Submissions::notifier() { return impl_->notifier(); }
AuditLog& Submissions::audit_log() { return impl_->audit(); }

}  // namespace tonghop::submissions
