#include "services/aggregation/upstream_pusher.h"

#include <iostream>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/aggregation/grpc_change_stream.h"
#include "services/common/errors.h"
#include "services/common/period.h"
#include "services/common/resource_names.h"
#include "services/common/sleeper.h"
#include "services/common/status_macros.h"
#include "services/common/timestamps.h"
#include "storage/key_encoding.h"
#include "tonghop/v1/federation_service.grpc.pb.h"

namespace tonghop::aggregation {
namespace {

constexpr absl::Duration kFirstBackoff = absl::Milliseconds(100);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);
constexpr absl::Duration kFirstHoldDelay = absl::Seconds(1);
constexpr absl::Duration kMaxHoldDelay = absl::Minutes(5);
constexpr absl::Duration kReconcileEvery = absl::Minutes(10);

absl::StatusOr<int64_t> ReadNumber(const storage::KvReader& reader, absl::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, reader.Get(kUpstreamPushCf, key));
  if (!text) return 0;
  int64_t number = 0;
  if (!absl::SimpleAtoi(*text, &number)) {
    return absl::DataLossError(absl::StrCat("corrupt upstream push record ", key));
  }
  return number;
}

absl::StatusOr<records::UpstreamHold> ParseHold(absl::string_view key, const std::string& bytes) {
  records::UpstreamHold hold;
  if (!hold.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("corrupt held push record ", key));
  }
  return hold;
}

absl::StatusOr<std::optional<records::UpstreamHold>> ReadHold(const storage::KvReader& reader,
                                                              absl::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, reader.Get(kUpstreamPushCf, key));
  if (!bytes) return std::nullopt;
  return ParseHold(key, *bytes);
}

}  // namespace

absl::Duration HoldDelay(int attempts) {
  return DoublingDelay(kFirstHoldDelay, kMaxHoldDelay, std::max(attempts, 1));
}

v1::SenderCompleteness SenderCompletenessOf(const v1::CompletenessResponse& completeness) {
  v1::SenderCompleteness out;
  out.set_expected(completeness.expected());
  // Counted without unreviewed reports, `received` is the accepted ones.
  out.set_accepted(completeness.received());
  out.set_received(completeness.received() + completeness.awaiting_review());
  out.set_on_time(completeness.on_time());
  out.set_late(completeness.late());
  out.set_missing(completeness.missing());
  out.set_awaiting_review(completeness.awaiting_review());
  out.set_returned(completeness.returned());
  if (completeness.has_due_date()) *out.mutable_due_date() = completeness.due_date();
  return out;
}

UpstreamPusher::UpstreamPusher(storage::KvStore* store, const AggregateStore* aggregates,
                               const AggregationQueries* queries, RegistryView* registry,
                               const RegistryReader* plans, const AccessPolicy* policy,
                               const Clock* clock, Upstream upstream, std::string operator_agency)
    : store_(store),
      aggregates_(aggregates),
      queries_(queries),
      registry_(registry),
      plans_(plans),
      policy_(policy),
      clock_(clock),
      upstream_(std::move(upstream)),
      operator_agency_(std::move(operator_agency)) {}

UpstreamPusher::~UpstreamPusher() { Stop(); }

void UpstreamPusher::Start(std::shared_ptr<grpc::Channel> submissions) {
  submissions_ = std::move(submissions);
  worker_ = std::thread([this] { Run(); });
}

void UpstreamPusher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

void UpstreamPusher::OnApplied(int64_t sequence) {
  absl::MutexLock lock(&mu_);
  announced_ = std::max(announced_, sequence);
}

absl::StatusOr<int64_t> UpstreamPusher::PushedPosition() const {
  ASSIGN_OR_RETURN(std::optional<std::string> value,
                   store_->Get(kUpstreamPushCf, UpstreamPositionKey()));
  if (!value) return 0;
  std::optional<int64_t> position = DecodeFeedPosition(*value);
  if (!position) return absl::DataLossError("corrupt upstream push position");
  return *position;
}

bool UpstreamPusher::WaitForStop(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), timeout);
  return stopping_;
}

void UpstreamPusher::Run() {
  Backoff backoff(kFirstBackoff, kMaxBackoff);
  int64_t pushed = -1;
  // The feed epoch last reconciled in, and when to reconcile next: at
  // once, at every new epoch, then every kReconcileEvery.
  std::string reconciled_epoch;
  absl::Time next_reconcile = absl::InfinitePast();
  // The feed epoch the persisted position is known to be of.
  std::string followed_epoch;
  while (true) {
    const std::string epoch = aggregates_->feed_mark().epoch;
    if (epoch != followed_epoch) {
      absl::Status followed = FollowFeedEpoch(epoch);
      if (!followed.ok()) {
        std::cerr << "upstream push: " << followed << "\n";
        if (WaitForStop(kMaxBackoff)) return;
        continue;
      }
      followed_epoch = epoch;
      pushed = -1;  // read again: it may have started again
    }
    if (clock_->Now() >= next_reconcile || epoch != reconciled_epoch) {
      absl::Status reconciled = Reconcile();
      if (reconciled.ok()) {
        reconciled_epoch = epoch;
        next_reconcile = clock_->Now() + kReconcileEvery;
      } else {
        std::cerr << "upstream push to " << upstream_.address
                  << " (comparing with what it holds): " << reconciled << "\n";
        next_reconcile = clock_->Now() + kMaxBackoff;
        reconciled_epoch = epoch;  // tried; the timer tries again
      }
      if (WaitForStop(absl::ZeroDuration())) return;
    }
    if (pushed < 0) {
      absl::StatusOr<int64_t> position = PushedPosition();
      if (!position.ok()) {
        std::cerr << "upstream push: " << position.status() << "\n";
        if (WaitForStop(kMaxBackoff)) return;
        continue;
      }
      pushed = *position;
    }
    {
      absl::MutexLock lock(&mu_);
      // The store's position too: changes applied before the listener was
      // called (at startup) are announced by nobody.
      auto has_work = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || std::max(announced_, aggregates_->applied_sequence()) > pushed;
      };
      // The timeout re-reads the store's position, which the listener
      // announces only on the applying thread.
      mu_.AwaitWithTimeout(absl::Condition(&has_work), absl::Seconds(1));
      if (stopping_) return;
    }
    int64_t applied = aggregates_->applied_sequence();
    if (applied <= pushed) {
      absl::Status retried = RetryDueHolds();
      if (!retried.ok()) {
        std::cerr << "upstream push to " << upstream_.address << " (held pushes): " << retried
                  << "\n";
      }
      continue;
    }
    absl::Status status = PushRange(pushed, applied);
    if (status.ok()) {
      pushed = applied;
      backoff.Reset();
      // Under steady load too: the holds whose delay has passed.
      status = RetryDueHolds();
      if (!status.ok()) {
        std::cerr << "upstream push to " << upstream_.address << " (held pushes): " << status
                  << "\n";
      }
      continue;
    }
    const absl::Duration delay = backoff.Next();
    std::cerr << "upstream push to " << upstream_.address << " (changes " << pushed + 1 << " to "
              << applied << "): " << status << "; retrying in " << delay << "\n";
    if (WaitForStop(delay)) return;
  }
}

absl::Status UpstreamPusher::PushRange(int64_t after, int64_t upto) {
  std::set<std::pair<std::string, std::string>> touched;
  bool past_end = false;
  GrpcChangeSource source(submissions_, operator_agency_);
  absl::Status read = source.ReadToEnd(after, [&](const v1::Change& change) {
    if (change.sequence() > upto) {
      past_end = true;
      return absl::CancelledError("past the applied position");
    }
    touched.insert({change.report().plan(), change.report().period()});
    return absl::OkStatus();
  });
  if (!read.ok() && !past_end) return read;
  for (const auto& [plan, period] : touched) RETURN_IF_ERROR(PushOrHold(plan, period));
  storage::WriteBatch batch;
  batch.Put(kUpstreamPushCf, UpstreamPositionKey(), EncodeFeedPosition(upto));
  return store_->Write(batch);
}

absl::Status UpstreamPusher::PushOne(const std::string& plan, const std::string& period,
                                     bool force) {
  const std::string held_key = UpstreamHeldKey(plan, period);
  ASSIGN_OR_RETURN(std::optional<records::UpstreamHold> held, ReadHold(*store_, held_key));
  const bool held_before = held.has_value();
  // A held push that was to replace what the upstream holds stays one.
  if (held_before && held->replace()) force = true;
  // A plan deleted since, or no longer feeding an upstream plan, has
  // nothing to push; a hold of it ends.
  auto nothing_to_push = [&]() -> absl::Status {
    if (!held_before) return absl::OkStatus();
    storage::WriteBatch batch;
    batch.Delete(kUpstreamPushCf, held_key);
    return store_->Write(batch);
  };
  absl::StatusOr<std::shared_ptr<const PlanInfo>> info = registry_->Plan(plan);
  if (absl::IsNotFound(info.status())) return nothing_to_push();
  RETURN_IF_ERROR(info.status());
  const v1::Plan& local = (*info)->plan;
  if (local.upstream_plan().empty()) return nothing_to_push();

  Caller instance(operator_agency_);
  instance.credential = "internal";
  {
    ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, registry_->Snapshot(false));
    RETURN_IF_ERROR(policy_->CheckForward(instance, *snapshot->hierarchy, upstream_.identity,
                                          upstream_.channel ? upstream_.identity : ""));
  }
  // Completeness first: the figures read after it are at least as new, so
  // the completeness a push carries is never older than its generation's
  // figures by more than the changes the next push brings.
  v1::CompletenessRequest completeness_request;
  completeness_request.set_plan(plan);
  completeness_request.set_period(period);
  completeness_request.set_agency(upstream_.identity);
  // The counts are all a push carries.
  completeness_request.set_view(v1::COMPLETENESS_VIEW_BASIC);
  const std::string epoch = aggregates_->feed_mark().epoch;
  ASSIGN_OR_RETURN(v1::CompletenessResponse completeness,
                   queries_->Completeness(instance, completeness_request));
  ASSIGN_OR_RETURN(AggregationQueries::SubtreeFigures figures,
                   queries_->SubtreeValues(instance, plan, period, upstream_.identity, false));
  if (aggregates_->feed_mark().epoch != epoch) {
    return absl::UnavailableError("the roll-ups were rebuilt from another feed epoch meanwhile");
  }
  std::string generation_key = UpstreamGenerationKey(plan, period);
  ASSIGN_OR_RETURN(int64_t acknowledged, ReadNumber(*store_, generation_key));
  // Nothing accepted yet and nothing sent before: nothing to say upstream.
  // Once figures were sent, an empty set is sent too (a return withdrew
  // them).
  if (!force && figures.values.empty() && acknowledged == 0) return nothing_to_push();
  if (!force && figures.applied_sequence <= acknowledged) return nothing_to_push();

  const std::map<std::string, std::string> renamed = UpstreamIndicatorNames(local);
  v1::PushFiguresRequest request;
  request.set_plan(local.upstream_plan());
  request.set_period(period);
  request.set_agency(upstream_.identity);
  request.set_generation(figures.applied_sequence);
  request.set_feed_epoch(epoch);
  request.set_source_plan(plan);
  for (v1::Value& value : figures.values) {
    auto it = renamed.find(value.indicator());
    if (it != renamed.end()) value.set_indicator(it->second);
    *request.add_values() = std::move(value);
  }
  *request.mutable_completeness() = SenderCompletenessOf(completeness);
  *request.mutable_compute_time() = ToTimestamp(clock_->Now());
  request.set_request_id(DerivedRequestId({"push", upstream_.identity, local.upstream_plan(),
                                           period, absl::StrCat(request.generation()), epoch}));
  v1::PushFiguresResponse response;
  auto context = UpstreamContext(upstream_);
  grpc::Status status =
      v1::Federation::NewStub(upstream_.channel)->PushFigures(context.get(), request, &response);
  if (!status.ok()) return UpstreamError(status, absl::StrCat("PushFigures ", plan, " ", period));
  storage::WriteBatch batch;
  batch.Put(kUpstreamPushCf, generation_key, absl::StrCat(request.generation()));
  batch.Delete(kUpstreamPushCf, held_key);
  RETURN_IF_ERROR(store_->Write(batch));
  if (held_before) {
    std::cerr << "upstream push to " << upstream_.address << ": " << plan << " " << period
              << " taken after being held (generation " << request.generation() << ")\n";
  }
  return absl::OkStatus();
}

absl::Status UpstreamPusher::PushOrHold(const std::string& plan, const std::string& period,
                                        bool force) {
  absl::Status pushed = PushOne(plan, period, force);
  if (pushed.ok() || !RefusedByUpstream(pushed.code())) return pushed;
  return Hold(plan, period, pushed, force);
}

absl::Status UpstreamPusher::Hold(const std::string& plan, const std::string& period,
                                  const absl::Status& refusal, bool replace) {
  const std::string key = UpstreamHeldKey(plan, period);
  ASSIGN_OR_RETURN(std::optional<records::UpstreamHold> held, ReadHold(*store_, key));
  records::UpstreamHold hold = held.value_or(records::UpstreamHold());
  const int64_t now = absl::ToUnixMicros(clock_->Now());
  if (!held) {
    hold.set_plan(plan);
    hold.set_period(period);
    hold.set_first_refuse_micros(now);
  }
  absl::StatusOr<std::shared_ptr<const PlanInfo>> info = registry_->Plan(plan);
  if (info.ok()) hold.set_upstream_plan((*info)->plan.upstream_plan());
  hold.set_code(static_cast<int32_t>(refusal.code()));
  hold.set_message(std::string(refusal.message()));
  hold.set_last_attempt_micros(now);
  hold.set_attempts(hold.attempts() + 1);
  if (replace) hold.set_replace(true);
  storage::WriteBatch batch;
  batch.Put(kUpstreamPushCf, key, hold.SerializeAsString());
  RETURN_IF_ERROR(store_->Write(batch));
  std::cerr << "upstream push to " << upstream_.address << ": " << plan << " " << period
            << " refused (" << refusal << "); held, attempt " << hold.attempts()
            << ", next in " << HoldDelay(hold.attempts()) << "; the other plans go on\n";
  return absl::OkStatus();
}

absl::Status UpstreamPusher::FollowFeedEpoch(const std::string& epoch) {
  if (epoch.empty()) return absl::OkStatus();  // no change applied yet
  ASSIGN_OR_RETURN(std::optional<std::string> pushed_in,
                   store_->Get(kUpstreamPushCf, UpstreamEpochKey()));
  if (pushed_in == epoch) return absl::OkStatus();
  storage::WriteBatch batch;
  batch.Put(kUpstreamPushCf, UpstreamEpochKey(), epoch);
  // None recorded: a store from before epochs were, whose position is of the
  // feed the roll-ups were built from.
  if (pushed_in.has_value()) {
    batch.Delete(kUpstreamPushCf, UpstreamPositionKey());
    const std::string prefix = UpstreamGenerationPrefix();
    RETURN_IF_ERROR(store_->Scan(kUpstreamPushCf, prefix, storage::PrefixEnd(prefix),
                                 [&](absl::string_view key, absl::string_view) {
                                   batch.Delete(kUpstreamPushCf, key);
                                   return true;
                                 }));
    std::cerr << "upstream push to " << upstream_.address << ": the change feed is now epoch "
              << epoch << " (was " << *pushed_in << "): pushing it from its start\n";
  }
  return store_->Write(batch);
}

absl::Status UpstreamPusher::Reconcile() {
  const std::string epoch = aggregates_->feed_mark().epoch;
  ASSIGN_OR_RETURN(std::vector<v1::Plan> plans, plans_->ListPlans());
  auto stub = v1::Federation::NewStub(upstream_.channel);
  int pushed_again = 0;
  for (const v1::Plan& plan : plans) {
    if (plan.upstream_plan().empty()) continue;
    for (const Period& period : RoundPeriods(plan)) {
      v1::GetReceivedFiguresRequest request;
      request.set_name(absl::StrCat(plan.upstream_plan(), "/periods/", period.label,
                                    "/receivedFigures/", IdOf(upstream_.identity)));
      v1::ReceivedFigures held;
      auto context = UpstreamContext(upstream_);
      grpc::Status status = stub->GetReceivedFigures(context.get(), request, &held);
      const bool missing = status.error_code() == grpc::StatusCode::NOT_FOUND;
      if (!status.ok() && !missing) {
        // A plan the upstream lacks or refuses is the pushes' to hold.
        absl::Status error = UpstreamError(status, "GetReceivedFigures");
        if (RefusedByUpstream(error.code())) continue;
        return error;
      }
      ASSIGN_OR_RETURN(int64_t acknowledged,
                       ReadNumber(*store_, UpstreamGenerationKey(plan.name(), period.label)));
      const bool another_epoch = !missing && !epoch.empty() && !held.feed_epoch().empty() &&
                                 held.feed_epoch() != epoch;
      const bool behind = missing ? acknowledged > 0 : held.generation() < acknowledged;
      if (!another_epoch && !behind) continue;
      RETURN_IF_ERROR(PushOrHold(plan.name(), period.label, /*force=*/true));
      ++pushed_again;
    }
  }
  if (pushed_again > 0) {
    std::cerr << "upstream push to " << upstream_.address << ": pushed " << pushed_again
              << " plan period(s) again that it held from another feed epoch or older than "
                 "acknowledged\n";
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<records::UpstreamHold>> UpstreamPusher::HeldPushes() const {
  // Holds are few: one per plan and period the upstream refuses.
  constexpr size_t kMostHolds = 100000;
  ASSIGN_OR_RETURN(std::vector<storage::KeyValue> entries,
                   store_->ScanPrefix(kUpstreamPushCf, UpstreamHeldPrefix(), kMostHolds));
  std::vector<records::UpstreamHold> holds;
  for (const storage::KeyValue& entry : entries) {
    ASSIGN_OR_RETURN(records::UpstreamHold hold, ParseHold(entry.key, entry.value));
    holds.push_back(std::move(hold));
  }
  return holds;
}

absl::Status UpstreamPusher::RetryDueHolds() {
  ASSIGN_OR_RETURN(std::vector<records::UpstreamHold> holds, HeldPushes());
  const absl::Time now = clock_->Now();
  for (const records::UpstreamHold& hold : holds) {
    if (now < absl::FromUnixMicros(hold.last_attempt_micros()) + HoldDelay(hold.attempts())) {
      continue;
    }
    RETURN_IF_ERROR(PushOrHold(hold.plan(), hold.period()));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::UpstreamStatus> UpstreamPusher::Status(const Caller& caller) const {
  {
    ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, registry_->Snapshot(false));
    RETURN_IF_ERROR(policy_->CheckReadRollup(caller, *snapshot->hierarchy, upstream_.identity));
  }
  v1::UpstreamStatus status;
  status.set_name("upstreamStatus");
  status.set_upstream(upstream_.address);
  status.set_agency(upstream_.identity);
  ASSIGN_OR_RETURN(int64_t pushed, PushedPosition());
  status.set_pushed_position(pushed);
  status.set_applied_position(aggregates_->applied_sequence());
  ASSIGN_OR_RETURN(std::vector<records::UpstreamHold> holds, HeldPushes());
  for (const records::UpstreamHold& hold : holds) {
    v1::HeldPush* out = status.add_held();
    out->set_plan(hold.plan());
    out->set_period(hold.period());
    out->set_upstream_plan(hold.upstream_plan());
    out->set_code(absl::StatusCodeToString(static_cast<absl::StatusCode>(hold.code())));
    out->set_message(hold.message());
    *out->mutable_first_refuse_time() = ToTimestamp(absl::FromUnixMicros(hold.first_refuse_micros()));
    const absl::Time last = absl::FromUnixMicros(hold.last_attempt_micros());
    *out->mutable_last_attempt_time() = ToTimestamp(last);
    out->set_attempts(hold.attempts());
    *out->mutable_next_attempt_time() = ToTimestamp(last + HoldDelay(hold.attempts()));
  }
  return status;
}

}  // namespace tonghop::aggregation
