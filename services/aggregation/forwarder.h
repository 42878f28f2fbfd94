#ifndef TONGHOP_SERVICES_AGGREGATION_FORWARDER_H_
#define TONGHOP_SERVICES_AGGREGATION_FORWARDER_H_

// Forwarding upward: a province's compiled figures and task statuses become
// the province's own report on the upstream instance (the ministry's),
// through that instance's Submissions API — GetOrCreateDraft, then Submit.
// The upstream is configured on the server (tonghopd --upstream), never
// named by a caller, and the server calls it only as its own identity (its
// instance certificate), so it can forward only the figures of the agency
// that identity names; the access policy (CheckForward) decides who may ask.
// The answer says what happened, truthfully: SENT (a new revision there),
// UNCHANGED (it already held this content, submitted or accepted; nothing
// sent), or the error FORWARD_REFUSED (it refused the report). Each forward
// is its own request: the request id is derived from the plan, period,
// agency, a fingerprint of the content, the feed position of the figures
// and the upstream report as read (its etag), so a retry after a lost
// answer submits once, and forwarding content the upstream returned is sent
// again rather than answered with the first submission's replay. The
// submission carries the etag read, so a change on the other side in
// between is ABORTED rather than overwritten.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "services/aggregation/queries.h"
#include "tonghop/v1/aggregation_service.pb.h"
#include "tonghop/v1/plan.pb.h"
#include "tonghop/v1/report.pb.h"

namespace tonghop::aggregation {

// What is submitted on the other instance.
struct ForwardContent {
  // Name, progress and values only.
  v1::Report report;
  std::string fingerprint;
  int progress = 0;
};

// How the plan `local` feeds names `local`'s indicators there, where its
// indicator_mappings say (local name to upstream name); an indicator not
// listed keeps its name.
std::map<std::string, std::string> UpstreamIndicatorNames(const v1::Plan& local);

// For each remote task (by name), the outline codes of the local tasks that
// list any of the same indicators: they answer for it when no local task has
// its outline code (a provincial plan and the national one it implements
// number their tasks differently but carry the same statistics).
std::map<std::string, std::vector<std::string>> StandInsByIndicator(
    const std::vector<v1::Task>& upstream_tasks, const std::vector<v1::Task>& local_tasks);

// Fills the remote draft's progress entries from the local task statuses
// (the task of the same outline code the subtree leads, else the tasks
// `stand_ins` names for it), and puts in those of `values` whose
// indicator the draft lists (what the other instance asks of the agency),
// leaving out a dimension's cells unless they add up to the total. Combined status of a
// task's lead assignees: COMPLETED when every one reported it completed;
// NOT_APPLICABLE when every one reported that; ONGOING when all are
// completed, ongoing or not applicable and one is ongoing; IN_PROGRESS when
// any work is reported; NOT_STARTED otherwise. The summary lists each lead's
// summary under its name.
ForwardContent BuildForwardContent(
    const v1::Report& draft, const v1::TaskStatusResponse& tasks, std::vector<v1::Value> values,
    const std::map<std::string, std::vector<std::string>>& stand_ins = {});

// A fingerprint of a report's progress and values that ignores order and
// output-only fields, so the remote copy and the local content compare equal.
std::string ContentFingerprint(const v1::Report& report);

// A UUID-shaped id derived from its inputs.
std::string DerivedRequestId(const std::vector<std::string>& parts);

// A failed call to the upstream instance as a status naming `what` was
// called there.
absl::Status UpstreamError(const grpc::Status& status, absl::string_view what);

// Whether an answer of the upstream (or of this instance, about a call for
// the upstream) refuses that call's content itself (INVALID_ARGUMENT,
// FAILED_PRECONDITION, NOT_FOUND, OUT_OF_RANGE, PERMISSION_DENIED,
// ALREADY_EXISTS), rather than failing for every call alike (unreachable,
// overloaded, timed out, the connection's certificate, an internal error,
// damaged data): a forward is then FORWARD_REFUSED, and a push is held
// while the others go on (UpstreamPusher).
bool RefusedByUpstream(absl::StatusCode code);

// Where and as whom this instance forwards.
struct Upstream {
  // host:port; empty: this instance has no upstream.
  std::string address;
  // The agency this instance is upstream, "agencies/{id}": named by its
  // instance certificate, or in development by --upstream-agency.
  std::string identity;
  // The channel to `address`, with the instance's credentials (null when
  // there is no upstream).
  std::shared_ptr<grpc::Channel> channel;
  // Development only (no instance certificate): send `identity` as the
  // development header.
  bool dev_header = false;
};

// A context for one call to the upstream instance: the development header
// when there is no instance certificate, and a 30 s deadline.
std::unique_ptr<grpc::ClientContext> UpstreamContext(const Upstream& upstream);

// Thread-safe. Does not own `queries` or `policy`.
class Forwarder {
 public:
  Forwarder(const AggregationQueries* queries, const AccessPolicy* policy, Upstream upstream);

  absl::StatusOr<v1::ForwardResponse> Forward(const Caller& caller,
                                              const v1::ForwardRequest& request) const;

 private:
  // Every task of `plan` on the upstream instance.
  absl::StatusOr<std::vector<v1::Task>> UpstreamTasks(const std::string& plan) const;

  const AggregationQueries* queries_;
  const AccessPolicy* policy_;
  Upstream upstream_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_FORWARDER_H_
