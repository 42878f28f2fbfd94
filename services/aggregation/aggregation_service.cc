#include "services/aggregation/aggregation_service.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "services/aggregation/report_render.h"
#include "services/common/errors.h"
#include "services/common/grpc_util.h"

namespace tonghop::aggregation {

// One unary call. Finished exactly once: by its work, by cancellation while
// it waits, or by shutdown. Deletes itself when gRPC is done with it.
class AggregationService::Call final : public grpc::ServerUnaryReactor {
 public:
  Call(AggregationService* service, Caller caller, int64_t min_sequence,
       std::function<absl::Status(const Caller&)> work)
      : service_(service),
        caller_(std::move(caller)),
        min_sequence_(min_sequence),
        work_(std::move(work)) {}

  int64_t min_sequence() const { return min_sequence_; }
  void Run() { FinishOnce(ToGrpcStatus(work_(caller_))); }
  void FinishOnce(const grpc::Status& status) {
    if (!finished_.exchange(true)) Finish(status);
  }
  void OnCancel() override { service_->Cancelled(this); }
  void OnDone() override {
    service_->Done(this);
    delete this;
  }

 private:
  AggregationService* service_;
  Caller caller_;
  int64_t min_sequence_;
  std::function<absl::Status(const Caller&)> work_;
  std::atomic<bool> finished_{false};
};

AggregationService::AggregationService(AggregateStore* store, const AggregationQueries* queries,
                                       ReportDrafts* drafts, const Forwarder* forwarder,
                                       RebuildFn rebuild, const IdentityResolver* identity,
                                       AuditLog* audit, std::string temp_dir, int workers)
    : store_(store),
      queries_(queries),
      drafts_(drafts),
      forwarder_(forwarder),
      rebuild_(std::move(rebuild)),
      identity_(identity),
      audit_(audit),
      temp_dir_(std::move(temp_dir)) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

AggregationService::~AggregationService() { Shutdown(); }

void AggregationService::Shutdown() {
  std::vector<Call*> abandoned;
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_ && workers_.empty()) return;
    shutdown_ = true;
    for (auto& [unused, call] : waiting_) abandoned.push_back(call);
    waiting_.clear();
  }
  for (Call* call : abandoned) {
    call->FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  std::deque<Call*> queued;
  {
    absl::MutexLock lock(&mu_);
    queued.swap(ready_);
  }
  for (Call* call : queued) {
    call->FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
}

void AggregationService::Work() {
  while (true) {
    Call* call = nullptr;
    {
      absl::MutexLock lock(&mu_);
      auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return shutdown_ || !ready_.empty();
      };
      mu_.Await(absl::Condition(&has_work));
      if (ready_.empty()) return;
      call = ready_.front();
      ready_.pop_front();
    }
    call->Run();
  }
}

void AggregationService::Enqueue(Call* call) {
  absl::MutexLock lock(&mu_);
  ready_.push_back(call);
}

void AggregationService::OnApplied(int64_t sequence) {
  absl::MutexLock lock(&mu_);
  auto end = waiting_.upper_bound(sequence);
  for (auto it = waiting_.begin(); it != end; ++it) ready_.push_back(it->second);
  waiting_.erase(waiting_.begin(), end);
}

void AggregationService::Cancelled(Call* call) {
  bool was_waiting = false;
  {
    absl::MutexLock lock(&mu_);
    auto range = waiting_.equal_range(call->min_sequence());
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second == call) {
        waiting_.erase(it);
        was_waiting = true;
        break;
      }
    }
  }
  if (was_waiting) {
    call->FinishOnce(grpc::Status(
        grpc::StatusCode::CANCELLED,
        absl::StrCat("cancelled while waiting for the change feed to reach sequence ",
                     call->min_sequence())));
  }
}

void AggregationService::Done(Call* call) {
  absl::MutexLock lock(&mu_);
  auto range = waiting_.equal_range(call->min_sequence());
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == call) {
      waiting_.erase(it);
      break;
    }
  }
}

grpc::ServerUnaryReactor* AggregationService::Dispatch(
    grpc::CallbackServerContext* context, const google::protobuf::Message& request,
    int64_t min_sequence, std::function<absl::Status(const Caller&)> work, AuditedWrite write) {
  if (auto* refused = RefuseBadRequest(context, request)) return refused;
  absl::StatusOr<Caller> caller = identity_->Resolve(*context);
  if (!caller.ok()) {
    if (write.request != nullptr) {
      AuditUnidentifiedRefusal(*audit_, *context, write.method, *write.request, caller.status());
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  if (write.request != nullptr) {
    work = [this, write, work = std::move(work)](const Caller& caller) {
      return AuditRefusal(*audit_, caller, write.method, *write.request, work(caller));
    };
  }
  Call* call = new Call(this, *std::move(caller), min_sequence, std::move(work));
  bool refused = false;
  {
    // The position is read under the lock OnApplied takes, so a call cannot
    // start waiting just after the position it waits for was announced.
    absl::MutexLock lock(&mu_);
    if (shutdown_) {
      refused = true;
    } else if (min_sequence > store_->applied_sequence()) {
      waiting_.emplace(min_sequence, call);
    } else {
      ready_.push_back(call);
    }
  }
  if (refused) {
    call->FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
  return call;
}

grpc::ServerUnaryReactor* AggregationService::Rollup(grpc::CallbackServerContext* context,
                                                     const v1::RollupRequest* request,
                                                     v1::RollupResponse* response) {
  return Dispatch(context, *request, request->min_sequence(), [=](const Caller& caller) {
    absl::StatusOr<v1::RollupResponse> result = queries_->Rollup(caller, *request);
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

grpc::ServerUnaryReactor* AggregationService::Completeness(
    grpc::CallbackServerContext* context, const v1::CompletenessRequest* request,
    v1::CompletenessResponse* response) {
  return Dispatch(context, *request, request->min_sequence(), [=](const Caller& caller) {
    absl::StatusOr<v1::CompletenessResponse> result = queries_->Completeness(caller, *request);
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

grpc::ServerUnaryReactor* AggregationService::TaskStatus(grpc::CallbackServerContext* context,
                                                         const v1::TaskStatusRequest* request,
                                                         v1::TaskStatusResponse* response) {
  return Dispatch(context, *request, request->min_sequence(), [=](const Caller& caller) {
    absl::StatusOr<v1::TaskStatusResponse> result = queries_->TaskStatus(caller, *request);
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

grpc::ServerUnaryReactor* AggregationService::Trend(grpc::CallbackServerContext* context,
                                                    const v1::TrendRequest* request,
                                                    v1::TrendResponse* response) {
  return Dispatch(context, *request, request->min_sequence(), [=](const Caller& caller) {
    absl::StatusOr<v1::TrendResponse> result = queries_->Trend(caller, *request);
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

grpc::ServerUnaryReactor* AggregationService::CompileReport(
    grpc::CallbackServerContext* context, const v1::CompileReportRequest* request,
    v1::CompileReportResponse* response) {
  return Dispatch(context, *request, request->min_sequence(),
                  [=](const Caller& caller) -> absl::Status {
    absl::StatusOr<v1::CompiledReport> report = queries_->Compile(caller, *request);
    if (!report.ok()) return report.status();
    absl::StatusOr<RenderedReport> rendered = RenderReport(*report, request->format(), temp_dir_);
    if (!rendered.ok()) return rendered.status();
    *response->mutable_report() = *std::move(report);
    response->set_content(std::move(rendered->content));
    response->set_content_type(rendered->content_type);
    response->set_filename(rendered->filename);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AggregationService::Forward(grpc::CallbackServerContext* context,
                                                      const v1::ForwardRequest* request,
                                                      v1::ForwardResponse* response) {
  return Dispatch(
      context, *request, request->min_sequence(),
      [=](const Caller& caller) {
        absl::StatusOr<v1::ForwardResponse> result = forwarder_->Forward(caller, *request);
        if (!result.ok()) return result.status();
        *response = *std::move(result);
        // The change is on the other instance; here it is a record of its own.
        if (response->unchanged()) return absl::OkStatus();
        return audit_->AppendStandalone(MakeAuditEvent(caller, "Forward", *request, response));
      },
      {"Forward", request});
}

grpc::ServerUnaryReactor* AggregationService::RebuildAggregates(
    grpc::CallbackServerContext* context, const v1::RebuildAggregatesRequest* request,
    v1::RebuildAggregatesResponse* response) {
  return Dispatch(
      context, *request, 0,
      [=](const Caller& caller) -> absl::Status {
        absl::Status allowed = queries_->AuthorizeAdmin(caller);
        if (!allowed.ok()) return allowed;
        absl::StatusOr<v1::RebuildAggregatesResponse> result = rebuild_(caller, *request);
        if (result.ok()) *response = *std::move(result);
        return result.status();
      },
      {"RebuildAggregates", request});
}

grpc::ServerUnaryReactor* AggregationService::ExplainFigure(grpc::CallbackServerContext* context,
                                                            const v1::ExplainFigureRequest* request,
                                                            v1::ExplainFigureResponse* response) {
  return Dispatch(context, *request, request->min_sequence(), [=](const Caller& caller) {
    absl::StatusOr<v1::ExplainFigureResponse> result = queries_->ExplainFigure(caller, *request);
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

grpc::ServerUnaryReactor* AggregationService::ExportFigures(grpc::CallbackServerContext* context,
                                                            const v1::ExportFiguresRequest* request,
                                                            v1::ExportFiguresResponse* response) {
  return Dispatch(context, *request, request->min_sequence(), [=](const Caller& caller) {
    absl::StatusOr<v1::ExportFiguresResponse> result = queries_->ExportFigures(caller, *request);
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

grpc::ServerUnaryReactor* AggregationService::GetCompiledReportDraft(
    grpc::CallbackServerContext* context, const v1::GetCompiledReportDraftRequest* request,
    v1::CompiledReportDraft* response) {
  return Dispatch(context, *request, 0, [=](const Caller& caller) {
    absl::StatusOr<v1::CompiledReportDraft> result = drafts_->Get(caller, *request);
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

grpc::ServerUnaryReactor* AggregationService::UpdateCompiledReportDraft(
    grpc::CallbackServerContext* context, const v1::UpdateCompiledReportDraftRequest* request,
    v1::CompiledReportDraft* response) {
  return Dispatch(
      context, *request, 0,
      [=](const Caller& caller) {
        absl::StatusOr<v1::CompiledReportDraft> result = drafts_->Update(caller, *request);
        if (result.ok()) *response = *std::move(result);
        return result.status();
      },
      {"UpdateCompiledReportDraft", request});
}

grpc::ServerUnaryReactor* AggregationService::ListCompiledReportDraftRevisions(
    grpc::CallbackServerContext* context,
    const v1::ListCompiledReportDraftRevisionsRequest* request,
    v1::ListCompiledReportDraftRevisionsResponse* response) {
  return Dispatch(context, *request, 0, [=](const Caller& caller) {
    absl::StatusOr<v1::ListCompiledReportDraftRevisionsResponse> result =
        drafts_->ListRevisions(caller, *request);
    if (result.ok()) *response = *std::move(result);
    return result.status();
  });
}

}  // namespace tonghop::aggregation
