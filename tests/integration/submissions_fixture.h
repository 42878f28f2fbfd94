#ifndef TONGHOP_TESTS_INTEGRATION_SUBMISSIONS_FIXTURE_H_
#define TONGHOP_TESTS_INTEGRATION_SUBMISSIONS_FIXTURE_H_

// Helpers shared by the submissions integration tests: the small registry of
// services/submissions/test_fixture.h created through the Registry gRPC API
// as the ministry, and the reports the tests submit.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "clients/client/connection.h"
#include "clients/client/submissions_client.h"
#include "grpcpp/channel.h"
#include "services/common/errors.h"
#include "services/submissions/test_fixture.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::testing {

// The fixture's annual report of Sở Y tế.
inline constexpr char kSoYTeReport[] = "reports/dong-nai-so-y-te/dn-2026/2026";

inline absl::Status Check(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  absl::Status s = FromGrpcStatus(status);
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

// Creates the fixture registry on the server behind `channel`.
inline absl::Status LoadRegistryFixture(const std::shared_ptr<grpc::Channel>& channel) {
  client::Connection ministry(channel, "bo-tu-phap");
  auto stub = v1::Registry::NewStub(channel);
  // Agencies first without focal agencies (they may not exist yet), then
  // the focal agencies.
  for (const v1::Agency& agency : submissions::testing::FixtureAgencies()) {
    v1::CreateAgencyRequest request;
    request.set_agency_id(agency.name().substr(9));
    *request.mutable_agency() = agency;
    request.mutable_agency()->clear_focal_agency();
    v1::Agency created;
    absl::Status s = Check(stub->CreateAgency(ministry.NewContext().get(), request, &created),
                           agency.name());
    if (!s.ok()) return s;
  }
  for (const v1::Agency& agency : submissions::testing::FixtureAgencies()) {
    if (agency.focal_agency().empty()) continue;
    v1::UpdateAgencyRequest request;
    *request.mutable_agency() = agency;
    request.mutable_update_mask()->add_paths("focal_agency");
    v1::Agency updated;
    absl::Status s = Check(stub->UpdateAgency(ministry.NewContext().get(), request, &updated),
                           agency.name());
    if (!s.ok()) return s;
  }
  for (const v1::Dimension& dimension : submissions::testing::FixtureDimensions()) {
    v1::CreateDimensionRequest request;
    request.set_dimension_id(dimension.name().substr(11));
    *request.mutable_dimension() = dimension;
    v1::Dimension created;
    absl::Status s = Check(
        stub->CreateDimension(ministry.NewContext().get(), request, &created), dimension.name());
    if (!s.ok()) return s;
  }
  for (const v1::Indicator& indicator : submissions::testing::FixtureIndicators()) {
    v1::CreateIndicatorRequest request;
    request.set_indicator_id(indicator.name().substr(11));
    *request.mutable_indicator() = indicator;
    v1::Indicator created;
    absl::Status s = Check(
        stub->CreateIndicator(ministry.NewContext().get(), request, &created), indicator.name());
    if (!s.ok()) return s;
  }
  for (const v1::Plan& plan : submissions::testing::FixturePlans()) {
    v1::CreatePlanRequest request;
    request.set_plan_id(plan.name().substr(6));
    *request.mutable_plan() = plan;
    v1::Plan created;
    absl::Status s =
        Check(stub->CreatePlan(ministry.NewContext().get(), request, &created), plan.name());
    if (!s.ok()) return s;
  }
  for (const v1::Task& task : submissions::testing::FixtureTasks()) {
    v1::CreateTaskRequest request;
    request.set_parent(task.name().substr(0, task.name().find("/tasks/")));
    *request.mutable_task() = task;
    v1::Task created;
    absl::Status s =
        Check(stub->CreateTask(ministry.NewContext().get(), request, &created), task.name());
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// A client of the submissions service calling as `agency_id`.
inline client::SubmissionsClient ClientAs(const std::shared_ptr<grpc::Channel>& channel,
                                          const std::string& agency_id) {
  return client::SubmissionsClient(client::Connection(channel, agency_id));
}

// Sở Y tế's report content: progress on A.1 and the complaint figures.
inline v1::Report SoYTeContent(int received = 10, int resolved = 8) {
  v1::Report report;
  v1::TaskProgress* progress = report.add_progress();
  progress->set_task("plans/dn-2026/tasks/A.1");
  progress->set_status(v1::PROGRESS_STATUS_COMPLETED);
  progress->set_summary("Đã tổ chức tiếp công dân và giải quyết khiếu nại theo quy định.");
  auto add = [&](const std::string& indicator, int64_t value, const std::string& sex) {
    v1::Value* v = report.add_values();
    v->set_indicator("indicators/" + indicator);
    v->set_int_value(value);
    if (!sex.empty()) (*v->mutable_cells())["sex"] = sex;
  };
  add("complaints-received", received, "");
  add("complaints-received", received / 2, "male");
  add("complaints-received", received - received / 2, "female");
  add("complaints-resolved", resolved, "");
  return report;
}

inline v1::SubmitRequest SubmitSoYTe(const std::string& request_id, int received = 10,
                                     int resolved = 8) {
  v1::SubmitRequest request;
  request.set_name(kSoYTeReport);
  *request.mutable_report() = SoYTeContent(received, resolved);
  request.set_request_id(request_id);
  return request;
}

}  // namespace tonghop::testing

#endif  // TONGHOP_TESTS_INTEGRATION_SUBMISSIONS_FIXTURE_H_
