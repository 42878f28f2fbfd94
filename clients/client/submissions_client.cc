#include "clients/client/submissions_client.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

#include "services/common/errors.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::client {
namespace {

// Bounds the paging loops against a server that never stops handing out
// tokens.
constexpr int kMaxPages = 10000;

}  // namespace

bool IsRetryable(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

SubmissionsClient::SubmissionsClient(Connection connection)
    : connection_(std::move(connection)),
      stub_(v1::Submissions::NewStub(connection_.channel())) {}

absl::StatusOr<v1::Report> SubmissionsClient::GetOrCreateDraft(
    const std::string& plan, const std::string& period, const std::string& request_id) const {
  v1::GetOrCreateDraftRequest request;
  request.set_plan(plan);
  request.set_period(period);
  request.set_request_id(request_id);
  v1::Report response;
  auto context = connection_.NewContext();
  grpc::Status status = stub_->GetOrCreateDraft(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::Report> SubmissionsClient::UpdateDraft(const v1::Report& report,
                                                          const std::string& request_id) const {
  v1::UpdateDraftRequest request;
  *request.mutable_report() = report;
  request.set_request_id(request_id);
  v1::Report response;
  auto context = connection_.NewContext();
  grpc::Status status = stub_->UpdateDraft(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::Report> SubmissionsClient::Submit(const v1::SubmitRequest& request) const {
  v1::Report response;
  auto context = connection_.NewContext();
  grpc::Status status = stub_->Submit(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::Report> SubmissionsClient::Withdraw(const v1::WithdrawRequest& request) const {
  v1::Report response;
  auto context = connection_.NewContext();
  grpc::Status status = stub_->Withdraw(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<std::vector<v1::DueReport>> SubmissionsClient::ListDueReports(
    const std::string& agency) const {
  v1::ListDueReportsRequest request;
  request.set_agency(agency);
  v1::ListDueReportsResponse response;
  auto context = connection_.NewContext();
  grpc::Status status = stub_->ListDueReports(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return std::vector<v1::DueReport>(response.due_reports().begin(),
                                    response.due_reports().end());
}

absl::StatusOr<std::string> SubmissionsClient::ResolvePlan(const std::string& text) const {
  std::string trimmed(absl::StripAsciiWhitespace(text));
  if (trimmed.empty()) return trimmed;
  if (absl::StartsWith(trimmed, "plans/")) return trimmed;
  if (trimmed.find('/') == std::string::npos) return "plans/" + trimmed;
  auto comparable = [](absl::string_view symbol) {
    std::string out;
    for (char c : symbol) {
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) out += absl::ascii_toupper(c);
    }
    return out;
  };
  auto registry = v1::Registry::NewStub(connection_.channel());
  std::vector<v1::Plan> matches;
  v1::ListPlansRequest request;
  request.set_page_size(1000);
  for (int page = 0; page < kMaxPages; ++page) {
    v1::ListPlansResponse response;
    auto context = connection_.NewContext();
    grpc::Status status = registry->ListPlans(context.get(), request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    for (const v1::Plan& plan : response.plans()) {
      if (comparable(plan.symbol()) == comparable(trimmed)) matches.push_back(plan);
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  if (matches.empty()) {
    return WithVietnamese(
        absl::NotFoundError(absl::StrCat("no plan has the symbol \"", trimmed, "\"")),
        absl::StrCat("Không có kế hoạch nào mang số hiệu \"", trimmed,
                     "\"; xem danh sách bằng lệnh: tonghop plan list"));
  }
  if (matches.size() > 1 && !connection_.agency().empty()) {
    // Keep the plans issued by the caller's agency or one above it.
    std::set<std::string> chain;
    std::string next = connection_.agency();
    while (!next.empty() && chain.insert(next).second) {
      v1::GetAgencyRequest get;
      get.set_name(next);
      v1::Agency agency;
      auto context = connection_.NewContext();
      if (!registry->GetAgency(context.get(), get, &agency).ok()) break;
      next = agency.parent();
    }
    std::vector<v1::Plan> ours;
    for (const v1::Plan& plan : matches) {
      if (chain.count(plan.issuer())) ours.push_back(plan);
    }
    if (!ours.empty()) matches = std::move(ours);
  }
  if (matches.size() > 1) {
    std::vector<std::string> names;
    for (const v1::Plan& plan : matches) names.push_back(plan.name());
    return WithVietnamese(
        absl::InvalidArgumentError(absl::StrCat("several plans have the symbol \"", trimmed,
                                                "\": ", absl::StrJoin(names, ", "),
                                                "; name one of them")),
        absl::StrCat("Nhiều kế hoạch mang số hiệu \"", trimmed,
                     "\": ", absl::StrJoin(names, ", "), "; hãy ghi rõ mã kế hoạch."));
  }
  return matches.front().name();
}

absl::StatusOr<v1::Report> SubmissionsClient::Review(const v1::ReviewRequest& request) const {
  v1::Report response;
  auto context = connection_.NewContext();
  grpc::Status status = stub_->Review(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::Report> SubmissionsClient::GetReport(const std::string& name) const {
  v1::GetReportRequest request;
  request.set_name(name);
  v1::Report response;
  auto context = connection_.NewContext();
  grpc::Status status = stub_->GetReport(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<std::vector<v1::Report>> SubmissionsClient::ListReports(
    v1::ListReportsRequest request) const {
  std::vector<v1::Report> reports;
  for (int page = 0; page < kMaxPages; ++page) {
    v1::ListReportsResponse response;
    auto context = connection_.NewContext();
    grpc::Status status = stub_->ListReports(context.get(), request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    for (v1::Report& report : *response.mutable_reports()) reports.push_back(std::move(report));
    if (response.next_page_token().empty()) return reports;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListReports did not end");
}

absl::StatusOr<std::vector<v1::Report>> SubmissionsClient::ListRevisions(
    const std::string& name) const {
  v1::ListRevisionsRequest request;
  request.set_name(name);
  std::vector<v1::Report> revisions;
  for (int page = 0; page < kMaxPages; ++page) {
    v1::ListRevisionsResponse response;
    auto context = connection_.NewContext();
    grpc::Status status = stub_->ListRevisions(context.get(), request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    for (v1::Report& r : *response.mutable_revisions()) revisions.push_back(std::move(r));
    if (response.next_page_token().empty()) return revisions;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListRevisions did not end");
}

absl::Status SubmissionsClient::WatchChanges(
    int64_t after_sequence, bool stop_at_end,
    const std::function<bool(const v1::Change&)>& on_change) const {
  v1::WatchChangesRequest request;
  request.set_after_sequence(after_sequence);
  request.set_stop_at_end(stop_at_end);
  auto context = connection_.NewStreamContext();
  auto reader = stub_->WatchChanges(context.get(), request);
  v1::Change change;
  bool stopped = false;
  while (reader->Read(&change)) {
    if (!on_change(change)) {
      stopped = true;
      context->TryCancel();
      break;
    }
  }
  if (stopped) {
    // Drain what was in flight so that Finish() does not block.
    while (reader->Read(&change)) {
    }
  }
  grpc::Status status = reader->Finish();
  if (stopped) return absl::OkStatus();
  return FromGrpcStatus(status);
}

absl::StatusOr<IndicatorCatalog> SubmissionsClient::FetchCatalog(
    const v1::Report& report) const {
  auto registry = v1::Registry::NewStub(connection_.channel());
  IndicatorCatalog catalog;
  for (const v1::Value& value : report.values()) {
    if (catalog.indicators.count(value.indicator())) continue;
    v1::GetIndicatorRequest request;
    request.set_name(value.indicator());
    v1::Indicator indicator;
    auto context = connection_.NewContext();
    grpc::Status status = registry->GetIndicator(context.get(), request, &indicator);
    if (!status.ok()) return FromGrpcStatus(status);
    for (const std::string& dimension_name : indicator.dimensions()) {
      if (catalog.dimensions.count(dimension_name)) continue;
      v1::GetDimensionRequest dimension_request;
      dimension_request.set_name(dimension_name);
      v1::Dimension dimension;
      auto dimension_context = connection_.NewContext();
      grpc::Status got =
          registry->GetDimension(dimension_context.get(), dimension_request, &dimension);
      if (!got.ok()) return FromGrpcStatus(got);
      catalog.dimensions[dimension_name] = std::move(dimension);
    }
    catalog.indicators[value.indicator()] = std::move(indicator);
  }
  return catalog;
}

}  // namespace tonghop::client
