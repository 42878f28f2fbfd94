#include "services/aggregation/forwarder.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/aggregation/aggregate_store.h"
#include "services/common/errors.h"
#include "services/common/etag.h"
#include "services/common/identity.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "tonghop/v1/registry_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::aggregation {
namespace {

std::string OutlineOf(absl::string_view task_name) {
  size_t pos = task_name.rfind("/tasks/");
  return pos == absl::string_view::npos ? std::string(task_name)
                                        : std::string(task_name.substr(pos + 7));
}

v1::ProgressStatus Combine(const std::vector<v1::ProgressStatus>& statuses, int leads) {
  if (statuses.empty()) return v1::PROGRESS_STATUS_NOT_STARTED;
  auto all = [&](std::initializer_list<v1::ProgressStatus> allowed) {
    return std::all_of(statuses.begin(), statuses.end(), [&](v1::ProgressStatus s) {
      return std::find(allowed.begin(), allowed.end(), s) != allowed.end();
    });
  };
  auto any = [&](v1::ProgressStatus wanted) {
    return std::find(statuses.begin(), statuses.end(), wanted) != statuses.end();
  };
  bool everyone = static_cast<int>(statuses.size()) == leads;
  if (everyone && all({v1::PROGRESS_STATUS_COMPLETED})) return v1::PROGRESS_STATUS_COMPLETED;
  if (everyone && all({v1::PROGRESS_STATUS_NOT_APPLICABLE})) {
    return v1::PROGRESS_STATUS_NOT_APPLICABLE;
  }
  if (everyone && any(v1::PROGRESS_STATUS_ONGOING) &&
      all({v1::PROGRESS_STATUS_COMPLETED, v1::PROGRESS_STATUS_ONGOING,
           v1::PROGRESS_STATUS_NOT_APPLICABLE})) {
    return v1::PROGRESS_STATUS_ONGOING;
  }
  if (any(v1::PROGRESS_STATUS_IN_PROGRESS) || any(v1::PROGRESS_STATUS_COMPLETED) ||
      any(v1::PROGRESS_STATUS_ONGOING)) {
    return v1::PROGRESS_STATUS_IN_PROGRESS;
  }
  return v1::PROGRESS_STATUS_NOT_STARTED;
}

uint64_t Fnv(uint64_t seed, absl::string_view bytes) {
  uint64_t hash = seed;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

std::map<std::string, std::string> UpstreamIndicatorNames(const v1::Plan& local) {
  std::map<std::string, std::string> renamed;
  for (const v1::IndicatorMapping& m : local.indicator_mappings()) {
    renamed[m.indicator()] = m.upstream_indicator();
  }
  return renamed;
}

std::map<std::string, std::vector<std::string>> StandInsByIndicator(
    const std::vector<v1::Task>& upstream_tasks, const std::vector<v1::Task>& local_tasks) {
  std::map<std::string, std::vector<std::string>> local_by_indicator;
  for (const v1::Task& task : local_tasks) {
    for (const std::string& indicator : task.indicators()) {
      local_by_indicator[indicator].push_back(task.outline());
    }
  }
  std::map<std::string, std::vector<std::string>> stand_ins;
  for (const v1::Task& task : upstream_tasks) {
    std::set<std::string> outlines;
    for (const std::string& indicator : task.indicators()) {
      auto it = local_by_indicator.find(indicator);
      if (it != local_by_indicator.end()) outlines.insert(it->second.begin(), it->second.end());
    }
    if (!outlines.empty()) stand_ins[task.name()].assign(outlines.begin(), outlines.end());
  }
  return stand_ins;
}

ForwardContent BuildForwardContent(
    const v1::Report& draft, const v1::TaskStatusResponse& tasks, std::vector<v1::Value> values,
    const std::map<std::string, std::vector<std::string>>& stand_ins) {
  std::map<std::string, const v1::TaskStatusEntry*> by_outline;
  for (const v1::TaskStatusEntry& t : tasks.tasks()) by_outline[t.outline()] = &t;
  // The local tasks that answer for a remote one: the task of the same
  // outline code, else those carrying the same statistics; only tasks the
  // subtree leads.
  auto local_tasks_for = [&](const std::string& remote_task) {
    std::vector<const v1::TaskStatusEntry*> found;
    auto same = by_outline.find(OutlineOf(remote_task));
    if (same != by_outline.end() && same->second->leads() > 0) return decltype(found){same->second};
    auto alike = stand_ins.find(remote_task);
    if (alike == stand_ins.end()) return found;
    for (const std::string& outline : alike->second) {
      auto it = by_outline.find(outline);
      if (it != by_outline.end() && it->second->leads() > 0) found.push_back(it->second);
    }
    return found;
  };
  ForwardContent content;
  content.report.set_name(draft.name());
  for (const v1::TaskProgress& entry : draft.progress()) {
    v1::TaskProgress* p = content.report.add_progress();
    p->set_task(entry.task());
    std::vector<const v1::TaskStatusEntry*> locals = local_tasks_for(entry.task());
    if (locals.empty()) {
      // Nothing to say about it locally: keep what the draft holds.
      p->set_status(entry.status());
      p->set_summary(entry.summary());
      for (const std::string& o : entry.outputs()) p->add_outputs(o);
      continue;
    }
    std::vector<v1::ProgressStatus> statuses;
    std::vector<std::string> lines;
    std::set<std::string> seen_outputs;
    int leads = 0;
    for (const v1::TaskStatusEntry* local : locals) {
      leads += local->leads();
      for (const v1::AssigneeStatus& a : local->assignees()) {
        if (!a.lead()) continue;
        if (a.status() != v1::PROGRESS_STATUS_UNSPECIFIED) statuses.push_back(a.status());
        if (!a.summary().empty()) {
          // Several local tasks: each line says which one it is about.
          lines.push_back(locals.size() == 1
                              ? absl::StrCat(a.display_name(), ": ", a.summary())
                              : absl::StrCat(local->outline(), " — ", a.display_name(), ": ",
                                             a.summary()));
        }
        for (const std::string& o : a.outputs()) {
          if (seen_outputs.insert(o).second) p->add_outputs(o);
        }
      }
    }
    p->set_status(Combine(statuses, leads));
    p->set_summary(absl::StrJoin(lines, "\n"));
    ++content.progress;
  }
  // Only what the other instance asks of the agency (its draft lists those
  // indicators), and only complete breakdowns: there a breakdown must add up
  // to its total, which a sum over agencies that did not all break their
  // figures down does not.
  std::set<std::string> asked;
  for (const v1::Value& v : draft.values()) asked.insert(v.indicator());
  std::map<std::string, Micros> totals;
  std::map<std::pair<std::string, std::string>, Micros> by_dimension;
  auto micros_of = [](const v1::Value& v) -> std::optional<Micros> {
    if (v.value_case() == v1::Value::kIntValue) return FromInt(v.int_value());
    if (v.value_case() != v1::Value::kDecimalValue) return std::nullopt;
    absl::StatusOr<Micros> m = ParseDecimal(v.decimal_value(), "value");
    if (!m.ok()) return std::nullopt;
    return *m;
  };
  for (const v1::Value& v : values) {
    std::optional<Micros> m = micros_of(v);
    if (!m.has_value()) continue;
    if (v.cells().empty()) {
      totals[v.indicator()] = *m;
    } else if (v.cells().size() == 1) {
      by_dimension[{v.indicator(), v.cells().begin()->first}] += *m;
    }
  }
  std::vector<v1::Value> kept;
  for (v1::Value& v : values) {
    if (!asked.count(v.indicator()) || !micros_of(v).has_value()) continue;
    if (!v.cells().empty()) {
      if (v.cells().size() != 1) continue;
      auto total = totals.find(v.indicator());
      if (total == totals.end() ||
          by_dimension[{v.indicator(), v.cells().begin()->first}] != total->second) {
        continue;
      }
    }
    kept.push_back(std::move(v));
  }
  values = std::move(kept);
  std::sort(values.begin(), values.end(), [](const v1::Value& a, const v1::Value& b) {
    std::string ka = CellKey(a.cells()), kb = CellKey(b.cells());
    return std::tie(a.indicator(), ka) < std::tie(b.indicator(), kb);
  });
  for (v1::Value& v : values) *content.report.add_values() = std::move(v);
  content.fingerprint = ContentFingerprint(content.report);
  return content;
}

std::string ContentFingerprint(const v1::Report& report) {
  v1::Report normal;
  std::vector<v1::TaskProgress> progress(report.progress().begin(), report.progress().end());
  std::sort(progress.begin(), progress.end(),
            [](const v1::TaskProgress& a, const v1::TaskProgress& b) { return a.task() < b.task(); });
  for (v1::TaskProgress& p : progress) {
    p.clear_lead();
    p.clear_title();
    *normal.add_progress() = std::move(p);
  }
  std::vector<std::pair<std::string, v1::Value>> values;
  for (const v1::Value& v : report.values()) {
    // Values left empty are not reported.
    if (v.value_case() == v1::Value::VALUE_NOT_SET) continue;
    v1::Value copy = v;
    // 12 and "12" are the same figure.
    if (copy.value_case() == v1::Value::kDecimalValue) {
      absl::StatusOr<Micros> micros = ParseDecimal(copy.decimal_value(), "value");
      if (micros.ok()) copy.set_decimal_value(FormatMicros(*micros));
    } else if (copy.value_case() == v1::Value::kIntValue) {
      copy.set_decimal_value(FormatMicros(FromInt(copy.int_value())));
    }
    values.push_back({absl::StrCat(v.indicator(), "|", CellKey(v.cells())), std::move(copy)});
  }
  std::sort(values.begin(), values.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [key, v] : values) *normal.add_values() = std::move(v);
  return ComputeEtag(normal);
}

absl::Status UpstreamError(const grpc::Status& status, absl::string_view what) {
  absl::Status s = FromGrpcStatus(status);
  return absl::Status(s.code(), absl::StrCat("upstream: ", what, ": ", s.message()));
}

bool RefusedByUpstream(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kAlreadyExists:
      return true;
    default:
      // Unavailable, deadline exceeded, resource exhausted, aborted,
      // unauthenticated (the connection's certificate), internal, unknown,
      // data loss: every call would fail alike.
      return false;
  }
}

std::string DerivedRequestId(const std::vector<std::string>& parts) {
  std::string joined = absl::StrJoin(parts, "\x1f");
  uint64_t a = Fnv(0xcbf29ce484222325ULL, joined);
  uint64_t b = Fnv(0x84222325cbf29ce4ULL, joined);
  return absl::StrFormat("%08x-%04x-5%03x-%04x-%012x", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                         ((b >> 48) & 0x3fff) | 0x8000, b & 0xffffffffffffULL);
}

Forwarder::Forwarder(const AggregationQueries* queries, const AccessPolicy* policy,
                     Upstream upstream)
    : queries_(queries), policy_(policy), upstream_(std::move(upstream)) {}

std::unique_ptr<grpc::ClientContext> UpstreamContext(const Upstream& upstream) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (upstream.dev_header) {
    context->AddMetadata(std::string(kAgencyHeader), upstream.identity);
  }
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

absl::StatusOr<std::vector<v1::Task>> Forwarder::UpstreamTasks(const std::string& plan) const {
  auto stub = v1::Registry::NewStub(upstream_.channel);
  v1::ListTasksRequest request;
  request.set_parent(plan);
  request.set_page_size(1000);
  std::vector<v1::Task> tasks;
  do {
    v1::ListTasksResponse page;
    auto context = UpstreamContext(upstream_);
    grpc::Status status = stub->ListTasks(context.get(), request, &page);
    if (!status.ok()) return UpstreamError(status, "ListTasks");
    for (v1::Task& task : *page.mutable_tasks()) tasks.push_back(std::move(task));
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return tasks;
}

absl::StatusOr<v1::ForwardResponse> Forwarder::Forward(const Caller& caller,
                                                       const v1::ForwardRequest& request) const {
  if (!ParseSimpleName(request.agency(), "agencies", "agency").ok()) {
    return InvalidField("agency", "is required: agencies/{agency}, whose figures are forwarded");
  }
  {
    ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot,
                     queries_->registry()->Snapshot(false));
    RETURN_IF_ERROR(policy_->CheckForward(caller, *snapshot->hierarchy, request.agency(),
                                          upstream_.channel ? upstream_.identity : ""));
  }
  // By default, the plan the local one feeds (its upstream_plan), else the
  // plan of the same name.
  std::string target_plan = request.target_plan();
  std::vector<v1::Task> local_tasks;
  // Into the plan the local one feeds, its indicators go by the names its
  // indicator_mappings give them, as the continuous push sends them.
  std::map<std::string, std::string> renamed;
  {
    absl::StatusOr<std::shared_ptr<const PlanInfo>> local = queries_->registry()->Plan(request.plan());
    if (local.ok()) {
      local_tasks = (*local)->tasks;
      if (target_plan.empty()) target_plan = (*local)->plan.upstream_plan();
      if (target_plan == (*local)->plan.upstream_plan()) {
        renamed = UpstreamIndicatorNames((*local)->plan);
      }
    }
  }
  auto upstream_name = [&](std::string* indicator) {
    auto it = renamed.find(*indicator);
    if (it != renamed.end()) *indicator = it->second;
  };
  for (v1::Task& task : local_tasks) {
    for (std::string& indicator : *task.mutable_indicators()) upstream_name(&indicator);
  }
  if (target_plan.empty()) target_plan = request.plan();
  if (!ParseSimpleName(target_plan, "plans", "target_plan").ok()) {
    return InvalidField("target_plan", absl::StrCat(QuoteInput(target_plan), " is not plans/{plan}"));
  }
  ASSIGN_OR_RETURN(AggregationQueries::SubtreeFigures figures,
                   queries_->SubtreeValues(caller, request.plan(), request.period(),
                                           request.agency(), request.include_unreviewed()));
  v1::TaskStatusRequest task_request;
  task_request.set_plan(request.plan());
  task_request.set_period(request.period());
  task_request.set_agency(request.agency());
  task_request.set_include_unreviewed(request.include_unreviewed());
  ASSIGN_OR_RETURN(v1::TaskStatusResponse tasks, queries_->TaskStatus(caller, task_request));

  auto stub = v1::Submissions::NewStub(upstream_.channel);

  v1::GetOrCreateDraftRequest draft_request;
  draft_request.set_plan(target_plan);
  draft_request.set_period(request.period());
  draft_request.set_agency(request.agency());
  // No request id: a replayed id would return the draft as it was the first
  // time, not the report as it stands (get-or-create is idempotent anyway).
  v1::Report draft;
  {
    auto context = UpstreamContext(upstream_);
    grpc::Status status = stub->GetOrCreateDraft(context.get(), draft_request, &draft);
    if (!status.ok()) return UpstreamError(status, "GetOrCreateDraft");
  }
  for (v1::Value& value : figures.values) upstream_name(value.mutable_indicator());
  ASSIGN_OR_RETURN(std::vector<v1::Task> upstream_tasks, UpstreamTasks(target_plan));
  ForwardContent content = BuildForwardContent(draft, tasks, std::move(figures.values),
                                               StandInsByIndicator(upstream_tasks, local_tasks));
  v1::ForwardResponse response;
  response.set_fingerprint(content.fingerprint);
  response.set_values(content.report.values_size());
  response.set_progress(content.progress);
  response.set_applied_sequence(figures.applied_sequence);
  response.set_upstream(upstream_.address);
  bool counted = draft.state() == v1::REPORT_STATE_SUBMITTED ||
                 draft.state() == v1::REPORT_STATE_ACCEPTED;
  if (counted && ContentFingerprint(draft) == content.fingerprint) {
    response.set_unchanged(true);
    response.set_outcome(v1::FORWARD_OUTCOME_UNCHANGED);
    *response.mutable_report() = std::move(draft);
    return response;
  }
  response.set_request_id(DerivedRequestId(
      {"submit", request.plan(), target_plan, request.period(), request.agency(),
       content.fingerprint, absl::StrCat(figures.applied_sequence), draft.etag()}));
  v1::SubmitRequest submit;
  submit.set_name(draft.name());
  submit.set_etag(draft.etag());
  submit.set_request_id(response.request_id());
  *submit.mutable_report() = content.report;
  auto context = UpstreamContext(upstream_);
  grpc::Status status = stub->Submit(context.get(), submit, response.mutable_report());
  if (!status.ok()) {
    absl::Status remote = UpstreamError(status, "Submit");
    if (!RefusedByUpstream(remote.code())) return remote;
    return WithVietnamese(
        WithErrorInfo(remote, "FORWARD_REFUSED",
                      {{"upstream", upstream_.address},
                       {"remote_reason", GetErrorInfo(FromGrpcStatus(status)).reason()}}),
        absl::StrCat("Máy chủ cấp trên ", upstream_.address, " từ chối báo cáo: ",
                     status.error_message()));
  }
  // A new revision, or it was not this submission that the answer reports.
  if (response.report().revision() <= draft.revision()) {
    return absl::AbortedError(absl::StrCat(
        "forwarding upstream: the answer names revision ",
        response.report().revision(), ", which was there before; nothing new was submitted. "
        "Forward again."));
  }
  response.set_outcome(v1::FORWARD_OUTCOME_SENT);
  return response;
}

}  // namespace tonghop::aggregation
