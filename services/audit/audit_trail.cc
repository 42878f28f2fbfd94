#include "services/audit/audit_trail.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/pagination.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"

namespace tonghop::audit {
namespace {

constexpr absl::string_view kAllStores = "stores/-";

bool Before(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() != b.seconds() ? a.seconds() < b.seconds() : a.nanos() < b.nanos();
}

std::string TimeKey(const google::protobuf::Timestamp& t) {
  return absl::StrCat(t.seconds(), ".", t.nanos());
}

// The records a ListAuditRecordsRequest keeps.
struct Filter {
  std::string actor;
  std::string agency;
  std::string method;
  std::optional<google::protobuf::Timestamp> start;
  std::optional<google::protobuf::Timestamp> end;
  std::function<bool(int32_t code)> result;

  bool Matches(const v1::AuditRecord& r) const {
    if (r.damaged()) return true;
    if (!actor.empty() && r.actor() != actor) return false;
    if (!agency.empty() && r.agency() != agency) return false;
    if (!method.empty() && r.method() != method) return false;
    if (start && Before(r.time(), *start)) return false;
    if (end && !Before(r.time(), *end)) return false;
    return result(r.result().code());
  }
};

absl::StatusOr<std::function<bool(int32_t)>> ResultFilter(absl::string_view result) {
  std::string upper = absl::AsciiStrToUpper(result);
  if (upper.empty()) return [](int32_t) { return true; };
  if (upper == "OK") return [](int32_t code) { return code == 0; };
  if (upper == "REFUSED") return [](int32_t code) { return code != 0; };
  for (absl::StatusCode refusal :
       {absl::StatusCode::kPermissionDenied, absl::StatusCode::kUnauthenticated}) {
    if (upper == absl::StatusCodeToString(refusal)) {
      return [refusal](int32_t code) { return code == static_cast<int32_t>(refusal); };
    }
  }
  return InvalidField("result", absl::StrCat("\"", result,
                                             "\" is not a result: use OK, REFUSED, "
                                             "PERMISSION_DENIED or UNAUTHENTICATED"));
}

// A page token's position: each store's last sequence listed,
// "registry:12,submissions:40".
using Positions = std::map<std::string, int64_t>;

std::string EncodePositions(const Positions& positions) {
  std::vector<std::string> parts;
  for (const auto& [store, sequence] : positions) parts.push_back(absl::StrCat(store, ":", sequence));
  return absl::StrJoin(parts, ",");
}

absl::StatusOr<Positions> DecodePositions(absl::string_view text) {
  Positions positions;
  if (text.empty()) return positions;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, ':');
    int64_t sequence = 0;
    if (kv.first.empty() || !absl::SimpleAtoi(kv.second, &sequence) || sequence < 0) {
      return InvalidField("page_token", "malformed page token");
    }
    positions[std::string(kv.first)] = sequence;
  }
  return positions;
}

}  // namespace

AuditTrail::AuditTrail(std::vector<const AuditLog*> logs) : logs_(std::move(logs)) {
  std::sort(logs_.begin(), logs_.end(), [](const AuditLog* a, const AuditLog* b) {
    return a->store_name() < b->store_name();
  });
}

absl::StatusOr<std::vector<const AuditLog*>> AuditTrail::Select(absl::string_view parent) const {
  if (parent.empty() || parent == kAllStores) return logs_;
  ASSIGN_OR_RETURN(std::string store, ParseSimpleName(parent, "stores", "parent"));
  for (const AuditLog* log : logs_) {
    if (log->store_name() == store) return std::vector<const AuditLog*>{log};
  }
  std::vector<std::string> hosted;
  for (const AuditLog* log : logs_) hosted.push_back(log->store_name());
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat(parent, " is not hosted by this server; it hosts: ",
                                       absl::StrJoin(hosted, ", "))),
      "RESOURCE_NOT_FOUND", {{"resource", std::string(parent)}});
}

absl::StatusOr<v1::ListAuditRecordsResponse> AuditTrail::List(
    const v1::ListAuditRecordsRequest& request) const {
  ASSIGN_OR_RETURN(std::vector<const AuditLog*> logs, Select(request.parent()));
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  Filter filter;
  filter.actor = request.actor();
  filter.agency = request.agency();
  filter.method = request.method();
  if (request.has_start_time()) filter.start = request.start_time();
  if (request.has_end_time()) filter.end = request.end_time();
  if (filter.start && filter.end && !Before(*filter.start, *filter.end)) {
    return InvalidField("end_time", "must be after start_time");
  }
  ASSIGN_OR_RETURN(filter.result, ResultFilter(request.result()));

  std::string query = absl::StrJoin(
      {request.parent().empty() ? std::string(kAllStores) : request.parent(), request.actor(),
       request.agency(), request.method(),
       filter.start ? TimeKey(*filter.start) : std::string(),
       filter.end ? TimeKey(*filter.end) : std::string(),
       absl::AsciiStrToUpper(request.result())},
      "|");
  ASSIGN_OR_RETURN(std::string position, DecodePageToken(request.page_token(), query));
  ASSIGN_OR_RETURN(Positions positions, DecodePositions(position));

  // Each store's next matching records, one more than a page to know
  // whether more follow.
  std::vector<std::deque<v1::AuditRecord>> streams(logs.size());
  for (size_t i = 0; i < logs.size(); ++i) {
    std::deque<v1::AuditRecord>& stream = streams[i];
    auto at = positions.find(logs[i]->store_name());
    RETURN_IF_ERROR(logs[i]->Scan(at == positions.end() ? 0 : at->second,
                                  [&](v1::AuditRecord record) {
                                    if (filter.Matches(record)) stream.push_back(std::move(record));
                                    return static_cast<int>(stream.size()) <= page_size;
                                  }));
  }
  v1::ListAuditRecordsResponse response;
  while (response.audit_records_size() < page_size) {
    std::deque<v1::AuditRecord>* next = nullptr;
    for (std::deque<v1::AuditRecord>& stream : streams) {
      if (stream.empty()) continue;
      if (next == nullptr || Before(stream.front().time(), next->front().time())) next = &stream;
    }
    if (next == nullptr) break;
    positions[next->front().store()] = next->front().sequence();
    *response.add_audit_records() = std::move(next->front());
    next->pop_front();
  }
  bool more = std::any_of(streams.begin(), streams.end(),
                          [](const std::deque<v1::AuditRecord>& s) { return !s.empty(); });
  if (more) response.set_next_page_token(EncodePageToken(EncodePositions(positions), query));
  return response;
}

absl::StatusOr<v1::VerifyAuditLogResponse> AuditTrail::Verify(
    const v1::VerifyAuditLogRequest& request) const {
  ASSIGN_OR_RETURN(std::vector<const AuditLog*> logs, Select(request.parent()));
  v1::VerifyAuditLogResponse response;
  response.set_intact(true);
  for (const AuditLog* log : logs) {
    ASSIGN_OR_RETURN(v1::AuditChainStatus chain, log->Verify());
    response.set_records(response.records() + chain.records());
    if (!chain.intact() && response.intact()) {
      response.set_intact(false);
      response.set_first_broken_record(chain.first_broken_record());
    }
    *response.add_chains() = std::move(chain);
  }
  return response;
}

}  // namespace tonghop::audit
