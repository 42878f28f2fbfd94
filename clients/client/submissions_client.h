#ifndef TONGHOP_CLIENTS_CLIENT_SUBMISSIONS_CLIENT_H_
#define TONGHOP_CLIENTS_CLIENT_SUBMISSIONS_CLIENT_H_

// The agency side of the Submissions service: drafts, submissions, reviews,
// history and the change feed, with errors as absl::Status (code, message
// and the server's field violations, see services/common/errors.h).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/client/connection.h"
#include "tonghop/v1/registry_service.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::client {

// What a report's values refer to, for labelling them in files people fill
// in: indicators and dimensions by name.
struct IndicatorCatalog {
  std::map<std::string, v1::Indicator> indicators;
  std::map<std::string, v1::Dimension> dimensions;
};

// True for the codes a later retry of the same call may cure (the server was
// unreachable or overloaded), as opposed to a refusal.
bool IsRetryable(const absl::Status& status);

// Calls the Submissions service as the connection's agency. Copyable;
// thread-safe (each call gets its own context).
class SubmissionsClient {
 public:
  explicit SubmissionsClient(Connection connection);

  const Connection& connection() const { return connection_; }

  absl::StatusOr<v1::Report> GetOrCreateDraft(const std::string& plan,
                                               const std::string& period,
                                               const std::string& request_id = "") const;
  absl::StatusOr<v1::Report> UpdateDraft(const v1::Report& report,
                                         const std::string& request_id = "") const;
  absl::StatusOr<v1::Report> Submit(const v1::SubmitRequest& request) const;
  absl::StatusOr<v1::Report> Withdraw(const v1::WithdrawRequest& request) const;
  absl::StatusOr<v1::Report> Review(const v1::ReviewRequest& request) const;
  // The reports `agency` (empty: the caller's) owes, soonest due first.
  absl::StatusOr<std::vector<v1::DueReport>> ListDueReports(const std::string& agency = "") const;
  absl::StatusOr<v1::Report> GetReport(const std::string& name) const;
  // Every page of the listing.
  absl::StatusOr<std::vector<v1::Report>> ListReports(v1::ListReportsRequest request) const;
  absl::StatusOr<std::vector<v1::Report>> ListRevisions(const std::string& name) const;

  // Streams the change feed after `after_sequence`, calling `on_change` for
  // each change until it returns false (the stream is then cancelled and OK
  // returned) or the stream ends (OK with stop_at_end, else its status).
  absl::Status WatchChanges(int64_t after_sequence, bool stop_at_end,
                            const std::function<bool(const v1::Change&)>& on_change) const;

  // The plan a person named: its id ("dong-nai-74-2026"), its resource name
  // ("plans/dong-nai-74-2026") or its symbol ("74/KH-UBND", compared without
  // regard to spaces and letter case). A symbol several issuers use is
  // narrowed to the plans issued by the caller's agency or one above it.
  // NOT_FOUND for an unknown symbol; INVALID_ARGUMENT listing the plans when
  // it stays ambiguous. Empty text stays empty.
  absl::StatusOr<std::string> ResolvePlan(const std::string& text) const;

  // The indicators and dimensions `report`'s values name, read from the
  // registry on the same server.
  absl::StatusOr<IndicatorCatalog> FetchCatalog(const v1::Report& report) const;

 private:
  Connection connection_;
  std::shared_ptr<v1::Submissions::Stub> stub_;
};

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_SUBMISSIONS_CLIENT_H_
