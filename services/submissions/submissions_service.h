#ifndef TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_SERVICE_H_
#define TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_SERVICE_H_

// The gRPC adapter of the Submissions service: hands each call to the
// Submissions domain class through the service's CallDispatcher
// (services/common/call_dispatcher.h); WatchChanges streams the change feed
// with a write reactor.

#include "services/common/call_dispatcher.h"
#include "services/submissions/submissions.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::submissions {

// Thread-safe (the domain class is). Does not own `submissions` or
// `dispatcher`, which must outlive the server's calls.
//
// Every call's work runs on the dispatcher's threads, never on gRPC's
// callback threads: the domain class waits on the registry's gRPC API, and
// callback threads that wait for it would starve the registry of the threads
// that answer it.
//
// WatchChanges sends every change after `after_sequence` in order, read from
// storage in batches; after catching up it either finishes (stop_at_end) or
// waits for the next commit. A stream ends with UNAVAILABLE when the
// service stops (the client resumes from the last sequence it received), and
// with the client's cancellation otherwise.
class SubmissionsService final : public v1::Submissions::CallbackService {
 public:
  SubmissionsService(Submissions* submissions, CallDispatcher* dispatcher)
      : submissions_(submissions), dispatcher_(dispatcher) {}

  grpc::ServerUnaryReactor* GetOrCreateDraft(grpc::CallbackServerContext* context,
                                             const v1::GetOrCreateDraftRequest* request,
                                             v1::Report* response) override;
  grpc::ServerUnaryReactor* UpdateDraft(grpc::CallbackServerContext* context,
                                        const v1::UpdateDraftRequest* request,
                                        v1::Report* response) override;
  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const v1::SubmitRequest* request,
                                   v1::Report* response) override;
  grpc::ServerUnaryReactor* Withdraw(grpc::CallbackServerContext* context,
                                     const v1::WithdrawRequest* request,
                                     v1::Report* response) override;
  grpc::ServerUnaryReactor* ListDueReports(grpc::CallbackServerContext* context,
                                           const v1::ListDueReportsRequest* request,
                                           v1::ListDueReportsResponse* response) override;
  grpc::ServerUnaryReactor* Review(grpc::CallbackServerContext* context,
                                   const v1::ReviewRequest* request,
                                   v1::Report* response) override;
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* context,
                                      const v1::GetReportRequest* request,
                                      v1::Report* response) override;
  grpc::ServerUnaryReactor* ListReports(grpc::CallbackServerContext* context,
                                        const v1::ListReportsRequest* request,
                                        v1::ListReportsResponse* response) override;
  grpc::ServerUnaryReactor* ListRevisions(grpc::CallbackServerContext* context,
                                          const v1::ListRevisionsRequest* request,
                                          v1::ListRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* ListNotices(grpc::CallbackServerContext* context,
                                        const v1::ListNoticesRequest* request,
                                        v1::ListNoticesResponse* response) override;
  grpc::ServerWriteReactor<v1::Change>* WatchChanges(
      grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) override;

 private:
  Submissions* submissions_;
  CallDispatcher* dispatcher_;
};

}  // namespace tonghop::submissions

#endif  // TONGHOP_SERVICES_SUBMISSIONS_SUBMISSIONS_SERVICE_H_
