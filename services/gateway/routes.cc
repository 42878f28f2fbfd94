#include "services/gateway/routes.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace tonghop::gateway {
namespace {

struct ParsedRule {
  std::string service;
  std::string method;  // without the trailing '*'
  bool prefix = false;
  bool allow_get = false;
};

absl::StatusOr<ParsedRule> ParseRule(const MethodRule& rule) {
  size_t slash = rule.pattern.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rule.pattern.size() ||
      rule.pattern.find('/', slash + 1) != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "method rule \"", rule.pattern, "\" is not \"{service}/{method}\""));
  }
  ParsedRule parsed;
  parsed.service = rule.pattern.substr(0, slash);
  parsed.method = rule.pattern.substr(slash + 1);
  parsed.allow_get = rule.allow_get;
  if (absl::EndsWith(parsed.method, "*")) {
    parsed.prefix = true;
    parsed.method.pop_back();
  }
  if (parsed.method.find('*') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "method rule \"", rule.pattern, "\": '*' may only end the method name"));
  }
  return parsed;
}

}  // namespace

const std::vector<MethodRule>& DefaultMethodRules() {
  static const std::vector<MethodRule>* rules = new std::vector<MethodRule>{
      {"tonghop.v1.Registry/Get*", true},
      {"tonghop.v1.Registry/List*", true},
      {"tonghop.v1.Registry/ExportPlan", true},
      // The dashboard's plan import: a dry run and a commit, and a name
      // picked for an agency stored as its alias.
      {"tonghop.v1.Registry/ImportPlan", false},
      {"tonghop.v1.Registry/UpdateAgency", false},
      {"tonghop.v1.Submissions/GetReport", true},
      {"tonghop.v1.Submissions/ListReports", true},
      {"tonghop.v1.Submissions/ListRevisions", true},
      {"tonghop.v1.Submissions/ListDueReports", true},
      {"tonghop.v1.Submissions/ListNotices", true},
      {"tonghop.v1.Submissions/GetOrCreateDraft", false},
      {"tonghop.v1.Submissions/UpdateDraft", false},
      {"tonghop.v1.Submissions/Submit", false},
      {"tonghop.v1.Submissions/Withdraw", false},
      {"tonghop.v1.Submissions/Review", false},
      {"tonghop.v1.Aggregation/Rollup", true},
      {"tonghop.v1.Aggregation/Completeness", true},
      {"tonghop.v1.Aggregation/TaskStatus", true},
      {"tonghop.v1.Aggregation/Trend", true},
      {"tonghop.v1.Aggregation/CompileReport", true},
      {"tonghop.v1.Aggregation/ExplainFigure", true},
      {"tonghop.v1.Aggregation/ExportFigures", true},
      {"tonghop.v1.Aggregation/GetCompiledReportDraft", true},
      {"tonghop.v1.Aggregation/ListCompiledReportDraftRevisions", true},
      {"tonghop.v1.Aggregation/UpdateCompiledReportDraft", false},
      // The Ministry's view of the figures the provinces pushed.
      {"tonghop.v1.Federation/GetReceivedFigures", true},
      {"tonghop.v1.Federation/ListReceivedFigures", true},
      {"tonghop.v1.Federation/GetNationalOverview", true},
      {"tonghop.v1.Federation/GetNationalTrend", true},
      {"tonghop.v1.Federation/ExportNationalTable", true},
      // The sending side: what this instance pushed upstream, what is held.
      {"tonghop.v1.Federation/GetUpstreamStatus", true},
      {"tonghop.v1.Audit/ListAuditRecords", true},
      // Signing in and out have routes of their own (sessions.h).
      {"tonghop.v1.Auth/WhoAmI", true},
      {"tonghop.v1.Auth/ResetPassword", false},
  };
  return *rules;
}

std::string ServiceSegment(const google::protobuf::ServiceDescriptor& service) {
  std::string name = service.name();
  if (name.size() > 7 && absl::EndsWith(name, "Service")) name.resize(name.size() - 7);
  return absl::AsciiStrToLower(name);
}

absl::StatusOr<RouteTable> RouteTable::Build(const google::protobuf::DescriptorPool* pool,
                                             const std::vector<MethodRule>& rules) {
  RouteTable table;
  std::map<std::string, Route> by_path;
  for (const MethodRule& rule : rules) {
    absl::StatusOr<ParsedRule> parsed = ParseRule(rule);
    if (!parsed.ok()) return parsed.status();
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(parsed->service);
    if (service == nullptr) {
      if (std::find(table.missing_services_.begin(), table.missing_services_.end(),
                    parsed->service) == table.missing_services_.end()) {
        table.missing_services_.push_back(parsed->service);
      }
      continue;
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      bool matches = parsed->prefix ? absl::StartsWith(method->name(), parsed->method)
                                    : method->name() == parsed->method;
      if (!matches) continue;
      if (method->client_streaming() || method->server_streaming()) {
        // A prefix may sweep up a stream, which HTTP/JSON cannot carry; a
        // rule naming one exactly is a configuration mistake.
        if (parsed->prefix) continue;
        return absl::InvalidArgumentError(absl::StrCat(
            "method rule \"", rule.pattern, "\" names a streaming method; the gateway ",
            "serves unary methods only"));
      }
      const google::protobuf::Descriptor* input = method->input_type();
      for (int f = 0; f < input->field_count(); ++f) {
        const google::protobuf::FieldDescriptor* field = input->field(f);
        if (field->name() == kAltParameter || field->json_name() == kAltParameter) {
          return absl::InvalidArgumentError(absl::StrCat(
              input->full_name(), " has a field named \"", kAltParameter,
              "\", which the gateway reserves for its own query parameter"));
        }
      }
      Route route;
      route.path = absl::StrCat("/v1/", ServiceSegment(*service), "/", method->name());
      route.grpc_method = absl::StrCat("/", service->full_name(), "/", method->name());
      route.method = method;
      route.allow_get = parsed->allow_get;
      // When two rules match one method, a rule that allows GET wins only
      // if no rule restricts it: restriction is the safe reading.
      auto [it, inserted] = by_path.emplace(route.path, route);
      if (!inserted) it->second.allow_get = it->second.allow_get && route.allow_get;
    }
  }
  for (auto& [path, route] : by_path) table.routes_.push_back(std::move(route));
  return table;
}

const Route* RouteTable::Find(absl::string_view path) const {
  auto it = std::lower_bound(routes_.begin(), routes_.end(), path,
                             [](const Route& route, absl::string_view p) {
                               return route.path < p;
                             });
  if (it == routes_.end() || it->path != path) return nullptr;
  return &*it;
}

}  // namespace tonghop::gateway
