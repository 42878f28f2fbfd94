#include "services/aggregation/received_figures.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/decimal.h"
#include "services/common/errors.h"
#include "services/common/pagination.h"
#include "services/common/period.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/common/timestamps.h"
#include "storage/key_encoding.h"

namespace tonghop::aggregation {
namespace {

constexpr int kMostRetiredEpochs = 16;

// Both epochs known and different: the sender's feed started again.
bool IsNewEpoch(const v1::ReceivedFigures& held, const v1::PushFiguresRequest& push) {
  return !held.feed_epoch().empty() && !push.feed_epoch().empty() &&
         held.feed_epoch() != push.feed_epoch();
}

// Whether what is held already answers `push` (ALREADY_RECEIVED or
// SUPERSEDED): a retired epoch's push never replaces; another new epoch's
// always does; within one epoch, a generation not above the one held.
bool Supersedes(const v1::ReceivedFigures& held, const v1::PushFiguresRequest& push) {
  for (const std::string& retired : held.retired_feed_epochs()) {
    if (retired == push.feed_epoch()) return true;
  }
  if (IsNewEpoch(held, push)) return false;
  return held.generation() >= push.generation();
}


using google::protobuf::util::TimeUtil;

std::string ResourceName(absl::string_view plan, absl::string_view period,
                         absl::string_view agency) {
  return absl::StrCat(plan, "/periods/", period, "/receivedFigures/",
                      agency.substr(agency.find('/') + 1));
}

absl::StatusOr<std::optional<v1::ReceivedFigures>> ReadRecord(const storage::KvReader& reader,
                                                              absl::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, reader.Get(kReceivedFiguresCf, key));
  if (!bytes) return std::optional<v1::ReceivedFigures>();
  v1::ReceivedFigures record;
  if (!record.ParseFromString(*bytes)) {
    return absl::DataLossError(absl::StrCat("corrupt received figures record ", key));
  }
  return std::optional<v1::ReceivedFigures>(std::move(record));
}

}  // namespace

absl::StatusOr<PlanPeriod> ParsePlanPeriodName(absl::string_view name, absl::string_view field) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "plans" || parts[1].empty() || parts[2] != "periods" ||
      parts[3].empty()) {
    return InvalidField(field, absl::StrCat("\"", name, "\" is not plans/{plan}/periods/{period}"));
  }
  return PlanPeriod{MakeName("plans", parts[1]), parts[3]};
}

std::string ValueKey(const v1::Value& value) {
  std::map<std::string, std::string> cells(value.cells().begin(), value.cells().end());
  std::string key = value.indicator();
  for (const auto& [dimension, option] : cells) absl::StrAppend(&key, "\x1f", dimension, "=", option);
  absl::StrAppend(&key, "\x1e", value.value_case() == v1::Value::kIntValue
                                    ? absl::StrCat(value.int_value())
                                    : value.decimal_value());
  return key;
}

ReceivedFiguresStore::ReceivedFiguresStore(storage::KvStore* store, RegistryView* registry,
                                           const AccessPolicy* policy, AuditLog* audit,
                                           const Clock* clock)
    : store_(store), registry_(registry), policy_(policy), audit_(audit), clock_(clock) {}

absl::StatusOr<v1::PushFiguresResponse> ReceivedFiguresStore::Push(
    const Caller& caller, const v1::PushFiguresRequest& request) {
  if (caller.agency.empty()) {
    return Unauthenticated("pushing figures needs the sending instance's certificate");
  }
  ViolationList violations;
  if (!ParseSimpleName(request.plan(), "plans", "plan").ok()) {
    violations.Add("plan", absl::StrCat("\"", request.plan(), "\" is not plans/{plan}"));
  }
  if (!ParsePeriod(request.period(), "period").ok()) {
    violations.Add("period", absl::StrCat(QuoteInput(request.period()),
                                          " is not a period label (\"2026\", \"2026S1\")"));
  }
  if (!ParseSimpleName(request.agency(), "agencies", "agency").ok()) {
    violations.Add("agency", absl::StrCat("\"", request.agency(), "\" is not agencies/{agency}"));
  }
  if (request.generation() <= 0) violations.Add("generation", "must be positive");
  if (request.request_id().empty()) violations.Add("request_id", "is required");
  // "{store id}:{generation}": a store's identity is a few dozen characters.
  constexpr size_t kLongestFeedEpoch = 200;
  if (request.feed_epoch().size() > kLongestFeedEpoch) {
    violations.Add("feed_epoch", absl::StrCat("is ", request.feed_epoch().size(),
                                              " bytes long; a feed epoch is at most ",
                                              kLongestFeedEpoch));
  }
  for (int i = 0; i < request.values_size(); ++i) {
    const v1::Value& value = request.values(i);
    std::string at = absl::StrCat("values[", i, "]");
    if (value.value_case() == v1::Value::kDecimalValue &&
        !ParseDecimalSum(value.decimal_value(), at).ok()) {
      violations.Add(at + ".decimal_value",
                     absl::StrCat("\"", value.decimal_value(), "\" is not a decimal number"));
    } else if (value.value_case() == v1::Value::VALUE_NOT_SET) {
      violations.Add(at, "has no value");
    } else if (value.value_case() == v1::Value::kIntValue && value.int_value() < 0) {
      violations.Add(at + ".int_value",
                     absl::StrCat("a count cannot be negative (", value.int_value(), ")"));
    }
  }
  if (request.has_completeness()) {
    const v1::SenderCompleteness& c = request.completeness();
    for (const auto& [field, count] :
         std::vector<std::pair<const char*, int32_t>>{{"expected", c.expected()},
                                                     {"received", c.received()},
                                                     {"accepted", c.accepted()},
                                                     {"on_time", c.on_time()},
                                                     {"late", c.late()},
                                                     {"missing", c.missing()},
                                                     {"awaiting_review", c.awaiting_review()},
                                                     {"returned", c.returned()}}) {
      if (count < 0) violations.Add(absl::StrCat("completeness.", field), "must not be negative");
    }
    if (c.accepted() > c.received() || c.received() > c.expected() ||
        c.on_time() + c.late() > c.accepted()) {
      violations.Add("completeness",
                     "the counts do not add up: they must keep accepted <= received <= "
                     "expected and on_time + late <= accepted");
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  if (caller.is_person()) {
    return WithErrorInfo(PermissionDenied(caller.Actor(), "push the figures of", request.agency()),
                         "NOT_AN_INSTANCE",
                         {{"agency", request.agency()},
                          {"why", "figures are pushed by the sending instance, with its certificate"}});
  }
  if (caller.agency != request.agency()) {
    return WithErrorInfo(PermissionDenied(caller.Actor(), "push the figures of", request.agency()),
                         "NOT_THE_SENDER", {{"agency", request.agency()}});
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, registry_->Snapshot(false));
  if (!snapshot->hierarchy->Contains(request.agency())) {
    // The snapshot is kept for a while; an agency created since is not in it.
    ASSIGN_OR_RETURN(snapshot, registry_->Snapshot(true));
  }
  const v1::Agency* sender = snapshot->hierarchy->Find(request.agency());
  if (sender == nullptr) return NotFound(request.agency());
  // Figures come up from a province's instance; a department's or a
  // commune's certificate has no national figures to send.
  if (sender->kind() != v1::AGENCY_KIND_PROVINCE) {
    return WithErrorInfo(PermissionDenied(caller.Actor(), "push the figures of", request.agency()),
                         "NOT_A_PROVINCE", {{"agency", request.agency()}});
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, registry_->Plan(request.plan()));
  // Only a round of the national plan: figures for a period it has no round
  // for would sit in the national view where nobody asked for them.
  ASSIGN_OR_RETURN(Period period, ParsePeriod(request.period(), "period"));
  RETURN_IF_ERROR(DueDates(plan->plan, period, "period").status());
  std::set<std::string> listed;
  for (const v1::Task& task : plan->tasks) listed.insert(task.indicators().begin(), task.indicators().end());
  std::set<std::string> ignored;
  std::vector<const v1::Value*> kept;
  for (const v1::Value& value : request.values()) {
    if (listed.count(value.indicator())) {
      kept.push_back(&value);
    } else {
      ignored.insert(value.indicator());
    }
  }

  std::string key = ReceivedFiguresKey(request.plan(), request.period(), request.agency());
  absl::MutexLock lock(&push_mu_);
  ASSIGN_OR_RETURN(std::optional<v1::ReceivedFigures> held, ReadRecord(*store_, key));
  v1::PushFiguresResponse response;
  if (held && Supersedes(*held, request)) {
    response.set_outcome(held->generation() == request.generation() &&
                                 held->feed_epoch() == request.feed_epoch()
                             ? v1::PUSH_OUTCOME_ALREADY_RECEIVED
                             : v1::PUSH_OUTCOME_SUPERSEDED);
    *response.mutable_figures() = std::move(*held);
    response.mutable_figures()->clear_values();
    return response;
  }
  google::protobuf::Timestamp now = ToTimestamp(clock_->Now());
  v1::ReceivedFigures record;
  record.set_name(ResourceName(request.plan(), request.period(), request.agency()));
  record.set_plan(request.plan());
  record.set_period(request.period());
  record.set_agency(request.agency());
  record.set_agency_display_name(sender->display_name());
  record.set_source_plan(request.source_plan());
  record.set_generation(request.generation());
  record.set_feed_epoch(request.feed_epoch());
  if (held) {
    *record.mutable_retired_feed_epochs() = held->retired_feed_epochs();
    if (IsNewEpoch(*held, request)) {
      record.add_retired_feed_epochs(held->feed_epoch());
      // Bounded: a sender restored over and over keeps its latest ones.
      while (record.retired_feed_epochs_size() > kMostRetiredEpochs) {
        record.mutable_retired_feed_epochs()->erase(record.mutable_retired_feed_epochs()->begin());
      }
    }
  }
  *record.mutable_first_arrive_time() = held ? held->first_arrive_time() : now;
  *record.mutable_arrive_time() = now;
  *record.mutable_compute_time() = request.compute_time();
  // A figure the held generation already had, with the same value, keeps
  // the time it first arrived with it.
  std::map<std::string, google::protobuf::Timestamp> arrived_before;
  if (held) {
    for (int i = 0; i < held->values_size(); ++i) {
      arrived_before[ValueKey(held->values(i))] = i < held->value_arrive_times_size()
                                                      ? held->value_arrive_times(i)
                                                      : held->arrive_time();
    }
  }
  for (const v1::Value* value : kept) {
    *record.add_values() = *value;
    auto before = arrived_before.find(ValueKey(*value));
    *record.add_value_arrive_times() = before == arrived_before.end() ? now : before->second;
  }
  if (request.has_completeness()) *record.mutable_completeness() = request.completeness();
  record.set_value_count(record.values_size());
  record.set_arrivals((held ? held->arrivals() : 0) + 1);
  for (const std::string& indicator : ignored) response.add_ignored_indicators(indicator);
  response.set_outcome(v1::PUSH_OUTCOME_APPLIED);
  response.set_replaced_generation(held ? held->generation() : 0);
  *response.mutable_figures() = record;
  response.mutable_figures()->clear_values();
  storage::WriteBatch batch;
  batch.Put(kReceivedFiguresCf, key, record.SerializeAsString());
  RETURN_IF_ERROR(audit_->Write(batch, MakeAuditEvent(caller, "PushFigures", request, &response)));
  return response;
}

absl::StatusOr<v1::ReceivedFigures> ReceivedFiguresStore::Get(
    const Caller& caller, const v1::GetReceivedFiguresRequest& request) const {
  const std::string collection = "/receivedFigures/";
  size_t at = request.name().find(collection);
  absl::StatusOr<PlanPeriod> period = ParsePlanPeriodName(request.name().substr(0, at), "name");
  if (at == std::string::npos || !period.ok() ||
      at + collection.size() >= request.name().size()) {
    return InvalidField("name", absl::StrCat("\"", request.name(),
                                             "\" is not plans/{plan}/periods/{period}/"
                                             "receivedFigures/{agency}"));
  }
  std::string agency = MakeName("agencies", request.name().substr(at + collection.size()));
  ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, registry_->Snapshot(false));
  RETURN_IF_ERROR(policy_->CheckReadRollup(caller, *snapshot->hierarchy, agency));
  ASSIGN_OR_RETURN(std::optional<v1::ReceivedFigures> held,
                   ReadRecord(*store_, ReceivedFiguresKey(period->plan, period->period, agency)));
  if (!held) return NotFound(request.name());
  return *std::move(held);
}

absl::StatusOr<std::vector<v1::ReceivedFigures>> ReceivedFiguresStore::All(
    absl::string_view plan, absl::string_view period) const {
  std::string prefix = ReceivedPeriodPrefix(plan, period);
  std::vector<v1::ReceivedFigures> out;
  absl::Status failed;
  RETURN_IF_ERROR(store_->Scan(kReceivedFiguresCf, prefix, storage::PrefixEnd(prefix),
                               [&](absl::string_view key, absl::string_view bytes) {
                                 v1::ReceivedFigures record;
                                 if (!record.ParseFromString(std::string(bytes))) {
                                   failed = absl::DataLossError(absl::StrCat(
                                       "corrupt received figures record ", key));
                                   return false;
                                 }
                                 out.push_back(std::move(record));
                                 return true;
                               }));
  RETURN_IF_ERROR(failed);
  return out;
}

absl::StatusOr<v1::ListReceivedFiguresResponse> ReceivedFiguresStore::List(
    const Caller& caller, const v1::ListReceivedFiguresRequest& request) const {
  if (caller.agency.empty()) {
    return Unauthenticated("listing the figures received needs an identified caller");
  }
  ASSIGN_OR_RETURN(PlanPeriod period, ParsePlanPeriodName(request.parent(), "parent"));
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), request.parent()));
  ASSIGN_OR_RETURN(std::shared_ptr<const RegistrySnapshot> snapshot, registry_->Snapshot(false));
  std::string prefix = ReceivedPeriodPrefix(period.plan, period.period);
  std::string start = after.empty() ? prefix : absl::StrCat(prefix, after, std::string(1, '\0'));
  v1::ListReceivedFiguresResponse response;
  absl::Status failed;
  std::string last;
  RETURN_IF_ERROR(store_->Scan(
      kReceivedFiguresCf, start, storage::PrefixEnd(prefix),
      [&](absl::string_view key, absl::string_view bytes) {
        if (response.received_figures_size() == page_size) {
          response.set_next_page_token(EncodePageToken(last, request.parent()));
          return false;
        }
        v1::ReceivedFigures record;
        if (!record.ParseFromString(std::string(bytes))) {
          failed = absl::DataLossError(absl::StrCat("corrupt received figures record ", key));
          return false;
        }
        last = record.agency();
        if (!policy_->CheckReadRollup(caller, *snapshot->hierarchy, record.agency()).ok()) {
          return true;
        }
        if (!request.include_values()) record.clear_values();
        *response.add_received_figures() = std::move(record);
        return true;
      }));
  RETURN_IF_ERROR(failed);
  return response;
}

}  // namespace tonghop::aggregation
