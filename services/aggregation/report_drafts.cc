#include "services/aggregation/report_drafts.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "services/aggregation/aggregate_schema.h"
#include "services/aggregation/report_draft.h"
#include "services/common/errors.h"
#include "services/common/etag.h"
#include "services/common/pagination.h"
#include "services/common/period.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "storage/key_encoding.h"

namespace tonghop::aggregation {
namespace {

constexpr char kUpdateMethod[] = "UpdateCompiledReportDraft";
// Longest text accepted in one field (a long narrative section).
constexpr size_t kMaxFieldBytes = 200000;

absl::StatusOr<v1::CompiledReportDraft> Parse(const std::string& bytes) {
  v1::CompiledReportDraft draft;
  if (!draft.ParseFromString(bytes)) {
    return absl::DataLossError("aggregation store: unreadable report draft");
  }
  return draft;
}

// The editable fields, by their names in an update mask.
const std::vector<std::string>& EditableFields() {
  static const auto* fields = new std::vector<std::string>{
      "governing_body", "issuing_body",  "number_symbol", "place",         "issue_date",
      "summary",        "situation",     "results",       "difficulties",  "recommendations",
      "recipients",     "signing_authority", "signer_title", "signer_name"};
  return *fields;
}

// Copies the field `path` from `from` to `to`.
void CopyField(const std::string& path, const v1::CompiledReportDraft& from,
               v1::CompiledReportDraft& to) {
  const google::protobuf::Descriptor* descriptor = v1::CompiledReportDraft::descriptor();
  const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByName(path);
  const google::protobuf::Reflection* reflection = to.GetReflection();
  reflection->ClearField(&to, field);
  if (field->is_repeated()) {
    for (int i = 0; i < reflection->FieldSize(from, field); ++i) {
      if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
        reflection->AddMessage(&to, field)->CopyFrom(reflection->GetRepeatedMessage(from, field, i));
      } else {
        reflection->AddString(&to, field, reflection->GetRepeatedString(from, field, i));
      }
    }
  } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
    if (reflection->HasField(from, field)) {
      reflection->MutableMessage(&to, field)->CopyFrom(reflection->GetMessage(from, field));
    }
  } else {
    reflection->SetString(&to, field, reflection->GetString(from, field));
  }
}

// Every text of the draft in NFC, each field checked; the results' groups
// must be groups of the plan, each once.
absl::Status Normalize(v1::CompiledReportDraft& draft, const std::set<std::string>& groups) {
  ViolationList violations;
  auto text = [&](std::string* value, const std::string& field) {
    if (value->size() > kMaxFieldBytes) {
      violations.Add(field, absl::StrCat("is longer than ", kMaxFieldBytes, " bytes"));
      return;
    }
    absl::StatusOr<std::string> nfc = ToNfc(*value, field);
    if (!nfc.ok()) {
      violations.Add(field, "is not valid UTF-8");
      return;
    }
    *value = *std::move(nfc);
  };
  text(draft.mutable_governing_body(), "draft.governing_body");
  text(draft.mutable_issuing_body(), "draft.issuing_body");
  text(draft.mutable_number_symbol(), "draft.number_symbol");
  text(draft.mutable_place(), "draft.place");
  text(draft.mutable_summary(), "draft.summary");
  text(draft.mutable_situation(), "draft.situation");
  text(draft.mutable_difficulties(), "draft.difficulties");
  text(draft.mutable_recommendations(), "draft.recommendations");
  text(draft.mutable_signing_authority(), "draft.signing_authority");
  text(draft.mutable_signer_title(), "draft.signer_title");
  text(draft.mutable_signer_name(), "draft.signer_name");
  for (int i = 0; i < draft.recipients_size(); ++i) {
    text(draft.mutable_recipients(i), absl::StrCat("draft.recipients[", i, "]"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < draft.results_size(); ++i) {
    v1::ReportSection* section = draft.mutable_results(i);
    std::string field = absl::StrCat("draft.results[", i, "]");
    if (!groups.count(section->task_group())) {
      violations.Add(field + ".task_group",
                     absl::StrCat("\"", section->task_group(), "\" is not a group of the plan's tasks (",
                                  absl::StrJoin(groups, ", "), ")"));
    } else if (!seen.insert(section->task_group()).second) {
      violations.Add(field + ".task_group",
                     absl::StrCat("\"", section->task_group(), "\" has a section already"));
    }
    text(section->mutable_title(), field + ".title");
    text(section->mutable_text(), field + ".text");
  }
  if (draft.has_issue_date()) {
    const google::type::Date& d = draft.issue_date();
    absl::CivilDay day(d.year(), d.month(), d.day());
    if (d.year() < 1900 || d.year() > 2999 || day.month() != d.month() || day.day() != d.day()) {
      violations.Add("draft.issue_date", "is not a date");
    }
  }
  return violations.ToStatus();
}

}  // namespace

std::vector<std::string> DraftStore::ColumnFamilies() {
  return storage::ColumnFamilyNames({kDraftsCf, kDraftRequestsCf});
}

absl::StatusOr<std::optional<v1::CompiledReportDraft>> DraftStore::Latest(
    absl::string_view name) const {
  ASSIGN_OR_RETURN(std::optional<std::string> head, store_->Get(kDraftsCf, DraftHeadKey(name)));
  if (!head.has_value()) return std::optional<v1::CompiledReportDraft>();
  int32_t revision = 0;
  if (!absl::SimpleAtoi(*head, &revision)) {
    return absl::DataLossError("aggregation store: unreadable draft head");
  }
  ASSIGN_OR_RETURN(std::optional<v1::CompiledReportDraft> latest, Revision(name, revision));
  if (!latest.has_value()) return absl::DataLossError("aggregation store: a draft's latest revision is missing");
  return latest;
}

absl::StatusOr<std::optional<v1::CompiledReportDraft>> DraftStore::Revision(
    absl::string_view name, int32_t revision) const {
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   store_->Get(kDraftsCf, DraftRevisionKey(name, revision)));
  if (!stored.has_value()) return std::optional<v1::CompiledReportDraft>();
  ASSIGN_OR_RETURN(v1::CompiledReportDraft draft, Parse(*stored));
  return std::optional<v1::CompiledReportDraft>(std::move(draft));
}

absl::StatusOr<std::vector<v1::CompiledReportDraft>> DraftStore::Revisions(absl::string_view name,
                                                                           int32_t before,
                                                                           int limit) const {
  // Revisions are few (one per edit): read them in order, keep the newest.
  std::vector<v1::CompiledReportDraft> all;
  std::string prefix = DraftRevisionPrefix(name);
  absl::Status parse_error;
  RETURN_IF_ERROR(store_->Scan(kDraftsCf, prefix, storage::PrefixEnd(prefix),
                               [&](absl::string_view, absl::string_view value) {
                                 absl::StatusOr<v1::CompiledReportDraft> draft =
                                     Parse(std::string(value));
                                 if (!draft.ok()) {
                                   parse_error = draft.status();
                                   return false;
                                 }
                                 if (before == 0 || draft->revision() < before) {
                                   all.push_back(*std::move(draft));
                                 }
                                 return true;
                               }));
  RETURN_IF_ERROR(parse_error);
  std::vector<v1::CompiledReportDraft> newest;
  for (auto it = all.rbegin(); it != all.rend() && static_cast<int>(newest.size()) < limit; ++it) {
    newest.push_back(*it);
  }
  return newest;
}

void DraftStore::Stage(storage::WriteBatch& batch, const v1::CompiledReportDraft& draft) const {
  std::string bytes;
  draft.SerializeToString(&bytes);
  batch.Put(kDraftsCf, DraftRevisionKey(draft.name(), draft.revision()), bytes);
  batch.Put(kDraftsCf, DraftHeadKey(draft.name()), absl::StrCat(draft.revision()));
}

ReportDrafts::ReportDrafts(DraftStore* drafts, const AggregationQueries* queries,
                           const Clock* clock, const AccessPolicy* policy, AuditLog* audit)
    : drafts_(drafts),
      queries_(queries),
      clock_(clock),
      policy_(policy),
      audit_(audit),
      idempotency_(drafts->store(), kDraftRequestsCf) {}

absl::StatusOr<v1::CompiledReport> ReportDrafts::Compiled(const Caller& caller,
                                                          absl::string_view name,
                                                          absl::string_view language) const {
  ASSIGN_OR_RETURN(DraftNameParts parts, ParseDraftName(name, "name"));
  v1::CompileReportRequest request;
  request.set_plan(parts.plan);
  request.set_period(parts.period);
  request.set_agency(parts.agency);
  request.set_language(std::string(language));
  return queries_->Compile(caller, request);
}

absl::StatusOr<v1::CompiledReportDraft> ReportDrafts::Get(
    const Caller& caller, const v1::GetCompiledReportDraftRequest& request) const {
  if (request.revision() < 0) return InvalidField("revision", "must not be negative");
  // Reading the draft is reading the report: the same permission.
  ASSIGN_OR_RETURN(v1::CompiledReport report, Compiled(caller, request.name(), request.language()));
  if (request.revision() == 0) return report.draft();
  ASSIGN_OR_RETURN(std::optional<v1::CompiledReportDraft> stored,
                   drafts_->Revision(request.name(), request.revision()));
  if (!stored.has_value()) return NotFound(absl::StrCat(request.name(), "@", request.revision()));
  return *stored;
}

absl::StatusOr<v1::CompiledReportDraft> ReportDrafts::Update(
    const Caller& caller, const v1::UpdateCompiledReportDraftRequest& request) {
  const std::string& name = request.draft().name();
  RETURN_IF_ERROR(ParseDraftName(name, "draft.name").status());
  std::vector<std::string> paths(request.update_mask().paths().begin(),
                                 request.update_mask().paths().end());
  if (paths.empty()) paths = EditableFields();
  for (const std::string& path : paths) {
    if (std::find(EditableFields().begin(), EditableFields().end(), path) == EditableFields().end()) {
      return InvalidField("update_mask", absl::StrCat("\"", path, "\" is not an editable field (",
                                                      absl::StrJoin(EditableFields(), ", "), ")"));
    }
  }
  v1::UpdateCompiledReportDraftRequest fingerprinted = request;
  fingerprinted.clear_request_id();
  std::string fingerprint = IdempotencyTable::Fingerprint(fingerprinted);
  ASSIGN_OR_RETURN(std::optional<std::string> answered,
                   idempotency_.Lookup(caller.agency, request.request_id(), kUpdateMethod,
                                       fingerprint));
  if (answered.has_value()) return Parse(*answered);

  // The current draft (stored, or generated from the data) and who
  // compiles the report.
  ASSIGN_OR_RETURN(v1::CompiledReport report, Compiled(caller, name, "vi"));
  RETURN_IF_ERROR(policy_->CheckEditCompiledReport(caller, report.compiler(), name));
  std::set<std::string> groups;
  for (const v1::TaskStatusEntry& t : report.tasks()) {
    if (t.depth() == 1) groups.insert(t.outline());
  }

  absl::MutexLock lock(&write_mu_);
  // A retry that raced with its first attempt finds its answer here.
  ASSIGN_OR_RETURN(answered, idempotency_.Lookup(caller.agency, request.request_id(), kUpdateMethod,
                                                 fingerprint));
  if (answered.has_value()) return Parse(*answered);
  ASSIGN_OR_RETURN(std::optional<v1::CompiledReportDraft> stored, drafts_->Latest(name));
  const std::string& etag = request.draft().etag();
  if (stored.has_value() && etag != stored->etag()) {
    if (etag.empty()) {
      return InvalidField("draft.etag",
                          "required: the etag of the draft as you last read it, so that another "
                          "edit made since is not overwritten");
    }
    return EtagMismatch(name);
  }
  if (!stored.has_value() && !etag.empty()) return EtagMismatch(name);

  v1::CompiledReportDraft draft = stored.has_value() ? *stored : report.draft();
  for (const std::string& path : paths) CopyField(path, request.draft(), draft);
  RETURN_IF_ERROR(Normalize(draft, groups));
  draft.set_name(name);
  draft.set_revision(stored.has_value() ? stored->revision() + 1 : 1);
  *draft.mutable_update_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_->Now()));
  draft.set_updated_by(caller.Actor());
  draft = WithEtag(std::move(draft));

  storage::WriteBatch batch;
  drafts_->Stage(batch, draft);
  std::string answer;
  draft.SerializeToString(&answer);
  idempotency_.Record(batch, caller.agency, request.request_id(), kUpdateMethod, fingerprint,
                      answer);
  RETURN_IF_ERROR(audit_->Write(
      batch, MakeAuditEvent(caller, "UpdateCompiledReportDraft", request, &draft)));
  return draft;
}

absl::StatusOr<v1::ListCompiledReportDraftRevisionsResponse> ReportDrafts::ListRevisions(
    const Caller& caller, const v1::ListCompiledReportDraftRevisionsRequest& request) const {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  ASSIGN_OR_RETURN(std::string position, DecodePageToken(request.page_token(), request.name()));
  int32_t before = 0;
  if (!position.empty() && !absl::SimpleAtoi(position, &before)) {
    return InvalidField("page_token", "is not a page token of this list");
  }
  RETURN_IF_ERROR(Compiled(caller, request.name(), "vi").status());
  ASSIGN_OR_RETURN(std::vector<v1::CompiledReportDraft> revisions,
                   drafts_->Revisions(request.name(), before, page_size + 1));
  v1::ListCompiledReportDraftRevisionsResponse response;
  for (size_t i = 0; i < revisions.size() && static_cast<int>(i) < page_size; ++i) {
    *response.add_drafts() = revisions[i];
  }
  if (static_cast<int>(revisions.size()) > page_size) {
    response.set_next_page_token(
        EncodePageToken(absl::StrCat(revisions[static_cast<size_t>(page_size) - 1].revision()),
                        request.name()));
  }
  return response;
}

}  // namespace tonghop::aggregation
