#ifndef TONGHOP_TESTS_INTEGRATION_AGGREGATION_FIXTURE_H_
#define TONGHOP_TESTS_INTEGRATION_AGGREGATION_FIXTURE_H_

// Helpers shared by the aggregation integration tests: the registry of
// services/aggregation/test_fixture.h created through the Registry API, a
// random but valid report history driven through the Submissions API, and
// calls to the Aggregation API that wait for the feed position.

#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/client/connection.h"
#include "clients/client/submissions_client.h"
#include "grpcpp/channel.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/errors.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::testing {

namespace agg = ::tonghop::aggregation::testing;

inline std::shared_ptr<grpc::Channel> ChannelTo(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

inline absl::Status Checked(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  absl::Status s = FromGrpcStatus(status);
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

// Creates the aggregation fixture's agencies, dimension, indicators, plan
// and tasks (and `extra_plans` with their tasks) on the registry behind
// `channel`, as the ministry.
inline absl::Status LoadAggregationRegistry(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::pair<v1::Plan, std::vector<v1::Task>>>& extra_plans = {}) {
  client::Connection ministry(channel, "bo-tu-phap");
  auto stub = v1::Registry::NewStub(channel);
  // Agencies in order, without focal agencies (which may come later), then
  // the focal agencies.
  for (const v1::Agency& agency : agg::Agencies()) {
    v1::CreateAgencyRequest request;
    request.set_agency_id(agency.name().substr(9));
    *request.mutable_agency() = agency;
    request.mutable_agency()->clear_focal_agency();
    v1::Agency created;
    absl::Status s =
        Checked(stub->CreateAgency(ministry.NewContext().get(), request, &created), agency.name());
    if (!s.ok()) return s;
  }
  for (const v1::Agency& agency : agg::Agencies()) {
    if (agency.focal_agency().empty()) continue;
    v1::UpdateAgencyRequest request;
    *request.mutable_agency() = agency;
    request.mutable_update_mask()->add_paths("focal_agency");
    v1::Agency updated;
    absl::Status s =
        Checked(stub->UpdateAgency(ministry.NewContext().get(), request, &updated), agency.name());
    if (!s.ok()) return s;
  }
  for (const v1::Dimension& dimension : {agg::SexDimension(), agg::AgeGroupDimension()}) {
    v1::CreateDimensionRequest request;
    request.set_dimension_id(dimension.name().substr(11));
    *request.mutable_dimension() = dimension;
    v1::Dimension created;
    absl::Status s = Checked(
        stub->CreateDimension(ministry.NewContext().get(), request, &created), dimension.name());
    if (!s.ok()) return s;
  }
  for (const v1::Indicator& indicator : agg::Indicators()) {
    v1::CreateIndicatorRequest request;
    request.set_indicator_id(indicator.name().substr(11));
    *request.mutable_indicator() = indicator;
    v1::Indicator created;
    absl::Status s = Checked(
        stub->CreateIndicator(ministry.NewContext().get(), request, &created), indicator.name());
    if (!s.ok()) return s;
  }
  std::vector<std::pair<v1::Plan, std::vector<v1::Task>>> plans = {
      {agg::MakePlan(), agg::MakeTasks()}};
  for (const auto& extra : extra_plans) plans.push_back(extra);
  for (const auto& [plan, tasks] : plans) {
    v1::CreatePlanRequest request;
    request.set_plan_id(plan.name().substr(6));
    *request.mutable_plan() = plan;
    request.mutable_plan()->set_state(v1::PLAN_STATE_ACTIVE);
    v1::Plan created;
    absl::Status s =
        Checked(stub->CreatePlan(ministry.NewContext().get(), request, &created), plan.name());
    if (!s.ok()) return s;
    for (const v1::Task& task : tasks) {
      v1::CreateTaskRequest task_request;
      task_request.set_parent(plan.name());
      *task_request.mutable_task() = task;
      v1::Task created_task;
      s = Checked(stub->CreateTask(ministry.NewContext().get(), task_request, &created_task),
                  task.name());
      if (!s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

// Who reviews the fixture's reports: the province's Department of Justice,
// and the ministry the Department's own.
inline std::string ReviewerOf(const std::string& agency_id) {
  return agency_id == "dong-nai-so-tu-phap" ? "bo-tu-phap" : "dong-nai-so-tu-phap";
}

inline std::string ReportName(const std::string& agency_id, const std::string& period,
                              const std::string& plan = agg::kPlan) {
  return absl::StrCat("reports/", agency_id, "/", plan.substr(6), "/", period);
}

// A valid report content for an agency of the fixture: figures for the
// indicators its tasks ask for and a status for every task it leads.
inline v1::Report ContentFor(const std::string& agency_id, int64_t base) {
  v1::Report r;
  auto progress = [&](const std::string& outline, v1::ProgressStatus status) {
    v1::TaskProgress* p = r.add_progress();
    p->set_task(absl::StrCat(agg::kPlan, "/tasks/", outline));
    p->set_status(status);
    p->set_summary(absl::StrCat("Báo cáo của ", agency_id, ", số ", base));
  };
  if (agency_id == "dong-nai-so-tu-phap" || agency_id == "dong-nai-so-y-te") {
    if (agency_id == "dong-nai-so-tu-phap") progress("A.1", v1::PROGRESS_STATUS_COMPLETED);
    int64_t received = 10 + base;
    int64_t female = received / 3;
    *r.add_values() = agg::IntValue("complaints-received", received);
    *r.add_values() = agg::IntValue("complaints-received", female, {{"sex", "female"}});
    *r.add_values() = agg::IntValue("complaints-received", received - female, {{"sex", "male"}});
    *r.add_values() = agg::IntValue("complaints-resolved", received - base % 5);
  } else if (agency_id == "dong-nai-cong-an-tinh") {
    progress("A.4", base % 2 ? v1::PROGRESS_STATUS_COMPLETED : v1::PROGRESS_STATUS_IN_PROGRESS);
    *r.add_values() = agg::DecimalValue("budget", absl::StrCat(1000 + base, ".", base % 100));
    *r.add_values() = agg::IntValue("largest-case", base % 17);
    *r.add_values() = agg::IntValue("staff-now", 20 + base % 7);
  } else if (agency_id == "dong-nai-tand-tinh") {
    progress("A.3", v1::PROGRESS_STATUS_NOT_APPLICABLE);
  } else {
    progress("A.2", v1::PROGRESS_STATUS_IN_PROGRESS);
  }
  return r;
}

// Drives a random, valid history through the Submissions API: submits,
// returns (by the province's Department of Justice), resubmits with new
// figures, acceptances, over several agencies and periods.
class RandomHistory {
 public:
  RandomHistory(std::shared_ptr<grpc::Channel> submissions, uint32_t seed)
      : channel_(std::move(submissions)), rng_(seed) {}

  // Continues on another connection (after the server restarted).
  void set_channel(std::shared_ptr<grpc::Channel> channel) { channel_ = std::move(channel); }

  // Performs `count` successful steps.
  absl::Status Run(int count) {
    int done = 0;
    int idle = 0;
    while (done < count && idle < 10000) {
      ++idle;
      std::string period = absl::StrCat(Uniform(2024, 2030));
      std::vector<std::string> pool = {"dong-nai-so-tu-phap", "dong-nai-so-y-te",
                                       "dong-nai-cong-an-tinh", "dong-nai-tand-tinh"};
      if (period >= "2026") {
        pool.push_back("dong-nai-xa-a");
        pool.push_back("dong-nai-xa-b");
      }
      std::string agency = Pick(pool);
      std::string name = ReportName(agency, period);
      v1::ReportState& state = states_[name];
      if (state == v1::REPORT_STATE_ACCEPTED) continue;
      if (state == v1::REPORT_STATE_SUBMITTED) {
        v1::ReviewRequest review;
        review.set_name(name);
        bool accept = Uniform(0, 4) == 0;
        review.set_decision(accept ? v1::REVIEW_DECISION_ACCEPT : v1::REVIEW_DECISION_RETURN);
        if (!accept) review.set_reason("Đề nghị bổ sung số liệu.");
        review.set_request_id(client::NewRequestId());
        auto reviewed =
            client::SubmissionsClient(client::Connection(channel_, ReviewerOf(agency)))
                .Review(review);
        if (!reviewed.ok()) return reviewed.status();
        state = reviewed->state();
      } else {
        v1::SubmitRequest submit;
        submit.set_name(name);
        *submit.mutable_report() = ContentFor(agency, ++counter_);
        submit.set_request_id(client::NewRequestId());
        auto submitted =
            client::SubmissionsClient(client::Connection(channel_, agency)).Submit(submit);
        if (!submitted.ok()) return submitted.status();
        state = submitted->state();
      }
      ++done;
      idle = 0;
    }
    return done == count ? absl::OkStatus() : absl::InternalError("history ran out of moves");
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T>
  T Pick(const std::vector<T>& items) {
    return items[Uniform(0, static_cast<int>(items.size()) - 1)];
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::mt19937 rng_;
  std::map<std::string, v1::ReportState> states_;
  int64_t counter_ = 0;
};

// The last sequence number of the change feed behind `channel`.
inline absl::StatusOr<int64_t> LastSequence(const std::shared_ptr<grpc::Channel>& channel) {
  int64_t last = 0;
  absl::Status s = client::SubmissionsClient(client::Connection(channel, "bo-tu-phap"))
                       .WatchChanges(0, /*stop_at_end=*/true, [&](const v1::Change& c) {
                         last = c.sequence();
                         return true;
                       });
  if (!s.ok()) return s;
  return last;
}

// The Ministry's plan on its own instance in federation tests: every
// province leads task A.1 and reports the complaint figures.
inline constexpr char kNationalPlan[] = "plans/national-2026";
inline std::pair<v1::Plan, std::vector<v1::Task>> NationalPlan() {
  v1::Plan plan = agg::MakePlan(kNationalPlan);
  plan.set_symbol("2715/QĐ-TTg");
  plan.set_issuer("agencies/bo-tu-phap");
  plan.set_compiler("agencies/bo-tu-phap");
  v1::Task task;
  task.set_name(std::string(kNationalPlan) + "/tasks/A.1");
  task.set_outline("A.1");
  task.set_title("Giải quyết khiếu nại");
  *task.add_lead() = agg::GroupAssignment(v1::AGENCY_KIND_PROVINCE, "bo-tu-phap", false,
                                          "UBND các tỉnh, thành phố");
  task.mutable_deadline()->set_kind(v1::DEADLINE_KIND_EVERY_YEAR);
  task.add_indicators("indicators/complaints-received");
  task.add_indicators("indicators/complaints-resolved");
  task.add_indicators("indicators/complaint-resolution-rate");
  return {plan, {task}};
}

// Submits ContentFor(agency_id, base) for `period` and has its reviewer
// accept it.
inline absl::Status SubmitAndAccept(const std::shared_ptr<grpc::Channel>& channel,
                                    const std::string& agency_id, int64_t base,
                                    const std::string& period = "2026") {
  v1::SubmitRequest submit;
  submit.set_name(ReportName(agency_id, period));
  *submit.mutable_report() = ContentFor(agency_id, base);
  auto s = client::SubmissionsClient(client::Connection(channel, agency_id)).Submit(submit);
  if (!s.ok()) return s.status();
  v1::ReviewRequest review;
  review.set_name(submit.name());
  review.set_decision(v1::REVIEW_DECISION_ACCEPT);
  return client::SubmissionsClient(client::Connection(channel, ReviewerOf(agency_id)))
      .Review(review)
      .status();
}

// A context as `agency` with a deadline long enough to wait for the feed.
inline std::unique_ptr<grpc::ClientContext> AggregationContext(const std::string& agency,
                                                               int seconds = 60) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-tonghop-agency", "agencies/" + agency);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// Rollup of the fixture plan once the aggregation has applied `sequence`.
inline absl::StatusOr<v1::RollupResponse> RollupAt(
    const std::shared_ptr<grpc::Channel>& aggregation, int64_t sequence,
    const std::string& root = "agencies/dong-nai", const std::string& period = "2026",
    const std::string& plan = agg::kPlan, const std::string& caller = "bo-tu-phap",
    bool include_unreviewed = false) {
  v1::RollupRequest request;
  request.set_plan(plan);
  request.set_period(period);
  request.set_agency(root);
  request.set_min_sequence(sequence);
  request.set_include_unreviewed(include_unreviewed);
  v1::RollupResponse response;
  auto stub = v1::Aggregation::NewStub(aggregation);
  absl::Status s = Checked(stub->Rollup(AggregationContext(caller).get(), request, &response),
                           "Rollup");
  if (!s.ok()) return s;
  return response;
}

inline absl::StatusOr<v1::RebuildAggregatesResponse> Rebuild(
    const std::shared_ptr<grpc::Channel>& aggregation, bool verify_only) {
  v1::RebuildAggregatesRequest request;
  request.set_verify_only(verify_only);
  v1::RebuildAggregatesResponse response;
  auto stub = v1::Aggregation::NewStub(aggregation);
  absl::Status s = Checked(
      stub->RebuildAggregates(AggregationContext("bo-tu-phap", 300).get(), request, &response),
      "RebuildAggregates");
  if (!s.ok()) return s;
  return response;
}

inline std::string TotalOf(const v1::RollupResponse& response, const std::string& indicator_id) {
  for (const auto& i : response.indicators()) {
    if (i.indicator() == "indicators/" + indicator_id) {
      return i.total().present() ? i.total().value() : "";
    }
  }
  return "?";
}

// Debian's python3 has openpyxl; a python3 from elsewhere on PATH may not,
// and the check script then reads the workbook with the standard library.
inline std::string Python() {
  return std::system("test -x /usr/bin/python3") == 0 ? "/usr/bin/python3" : "python3";
}

}  // namespace tonghop::testing

#endif  // TONGHOP_TESTS_INTEGRATION_AGGREGATION_FIXTURE_H_
