#include "clients/cli/registry_commands.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cli/import_supplement.h"
#include "clients/cli/output.h"
#include "services/common/errors.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::cli {
namespace {

using v1::Registry;

// Labels shown to officials, Vietnamese with English beside them.
struct Labels {
  const char* id = "Mã";                    // Id
  const char* name = "Tên";                 // Name
  const char* kind = "Loại";                // Kind
  const char* parent = "Trực thuộc";        // Parent
  const char* valid = "Hiệu lực";           // Validity
  const char* outline = "Mục";              // Outline
  const char* lead = "Chủ trì";             // Lead
  const char* deadline = "Thời hạn";        // Deadline
  const char* task = "Nhiệm vụ";            // Task
  const char* symbol = "Số hiệu";           // Symbol
  const char* issuer = "Cơ quan ban hành";  // Issuer
  const char* years = "Năm";                // Years
  const char* unit = "Đơn vị tính";         // Unit
  const char* options = "Phân tổ";          // Options
  const char* dissolved = "giải thể";       // dissolved
  const char* email = "Email";              // E-mail
};
const Labels kLabels;

std::unique_ptr<Registry::Stub> Stub(CliContext& context) {
  return Registry::NewStub(context.connection().channel());
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

template <typename Message>
absl::Status ParseJson(const std::string& json, Message* message, const std::string& path) {
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a valid file: ", status.message().as_string()));
  }
  return absl::OkStatus();
}

std::string KindLabel(v1::AgencyKind kind) {
  switch (kind) {
    case v1::AGENCY_KIND_MINISTRY: return "Bộ";
    case v1::AGENCY_KIND_PROVINCE: return "Tỉnh/TP";
    case v1::AGENCY_KIND_DEPARTMENT: return "Sở, ngành";
    case v1::AGENCY_KIND_DISTRICT: return "Huyện";
    case v1::AGENCY_KIND_COMMUNE: return "Xã/phường";
    case v1::AGENCY_KIND_INDEPENDENT_BODY: return "Cơ quan độc lập";
    case v1::AGENCY_KIND_SECURITY_FORCE: return "Công an/Quân sự";
    default: return "";
  }
}

absl::StatusOr<v1::AgencyKind> ParseKind(const std::string& text) {
  if (text.empty()) return v1::AGENCY_KIND_UNSPECIFIED;
  v1::AgencyKind kind;
  std::string upper = absl::AsciiStrToUpper(text);
  if (v1::AgencyKind_Parse(upper, &kind) || v1::AgencyKind_Parse("AGENCY_KIND_" + upper, &kind)) {
    return kind;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown --kind \"", text,
                                                 "\" (ministry, province, department, "
                                                 "district, commune, independent_body, "
                                                 "security_force)"));
}

std::string DeadlineText(const v1::Deadline& d) {
  if (!d.source_text().empty()) return d.source_text();
  switch (d.kind()) {
    case v1::DEADLINE_KIND_EVERY_YEAR: return "Hàng năm";
    case v1::DEADLINE_KIND_YEAR_RANGE:
      return d.from_year() == d.to_year() || d.from_year() == 0
                 ? absl::StrCat("Năm ", d.to_year())
                 : absl::StrCat(d.from_year(), "-", d.to_year());
    case v1::DEADLINE_KIND_ON_REQUEST: return absl::StrCat("Theo yêu cầu của ", d.requested_by());
    case v1::DEADLINE_KIND_ONGOING: return "Thường xuyên";
    default: return "";
  }
}

std::string AssignmentText(const v1::Assignment& a) {
  std::string text = a.has_group() ? absl::StrCat("[", a.group().label().empty()
                                                           ? AsName("nhóm", IdOf(a.group().ancestor()))
                                                           : a.group().label(), "]")
                                   : IdOf(a.agency());
  if (a.requested()) text = "(đề nghị) " + text;
  return text;
}

// `X get NAME`: prints one resource as JSON. `collection` turns a bare id
// into a name ("agencies"); empty takes the name as given.
template <typename Request, typename Resource>
CommandFn GetCommand(std::string usage, std::string collection,
                     grpc::Status (Registry::Stub::*method)(grpc::ClientContext*, const Request&,
                                                            Resource*)) {
  return [usage, collection, method](CliContext& context, const ParsedArgs& args) {
    if (args.positional.size() != 1) {
      *context.err << "usage: tonghop " << usage << "\n";
      return 2;
    }
    Request request;
    request.set_name(collection.empty() ? args.positional[0]
                                        : AsName(collection, args.positional[0]));
    Resource resource;
    grpc::Status status =
        (Stub(context).get()->*method)(context.connection().NewContext().get(), request, &resource);
    if (!status.ok()) return PrintError(*context.err, status);
    PrintJson(*context.out, resource);
    return 0;
  };
}

// `X delete NAME [--etag=E] [--force]`.
template <typename Request>
CommandFn DeleteCommand(std::string usage, std::string collection,
                        grpc::Status (Registry::Stub::*method)(grpc::ClientContext*, const Request&,
                                                               google::protobuf::Empty*),
                        std::function<void(const ParsedArgs&, Request&)> extra = nullptr) {
  return [usage, collection, method, extra](CliContext& context, const ParsedArgs& args) {
    if (args.positional.size() != 1) {
      *context.err << "usage: tonghop " << usage << "\n";
      return 2;
    }
    Request request;
    request.set_name(collection.empty() ? args.positional[0]
                                        : AsName(collection, args.positional[0]));
    request.set_etag(args.Get("etag"));
    request.set_request_id(client::NewRequestId());
    if (extra) extra(args, request);
    google::protobuf::Empty empty;
    grpc::Status status =
        (Stub(context).get()->*method)(context.connection().NewContext().get(), request, &empty);
    if (!status.ok()) return PrintError(*context.err, status);
    *context.out << "đã xóa (deleted) " << request.name() << "\n";
    return 0;
  };
}

// Fetches every page of a List method, following next_page_token.
template <typename Request, typename Response, typename Item>
grpc::Status FetchAll(CliContext& context, Request request,
                      grpc::Status (Registry::Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                      google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
                      Response* all) {
  auto stub = Stub(context);
  request.set_page_size(1000);
  do {
    Response page;
    grpc::Status status =
        (stub.get()->*method)(context.connection().NewContext().get(), request, &page);
    if (!status.ok()) return status;
    for (auto& item : *(page.*items)()) *(all->*items)()->Add() = std::move(item);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return grpc::Status::OK;
}

// ---- agencies ----

int AgencyList(CliContext& context, const ParsedArgs& args) {
  auto kind = ParseKind(args.Get("kind"));
  if (!kind.ok()) return PrintError(*context.err, kind.status());
  v1::ListAgenciesRequest request;
  if (args.Has("parent")) request.set_parent(AsName("agencies", args.Get("parent")));
  request.set_kind(*kind);
  request.set_id_prefix(args.Get("prefix"));
  v1::ListAgenciesResponse all;
  grpc::Status status = FetchAll(context, request, &Registry::Stub::ListAgencies,
                                 &v1::ListAgenciesResponse::mutable_agencies, &all);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : all.agencies()) {
    std::string valid;
    if (a.has_valid_to()) {
      valid = absl::StrCat(kLabels.dissolved, " ", a.valid_to().day(), "/", a.valid_to().month(),
                           "/", a.valid_to().year());
      if (a.successors_size() > 0) {
        std::vector<std::string> ids;
        for (const auto& s : a.successors()) ids.push_back(IdOf(s));
        absl::StrAppend(&valid, " → ", absl::StrJoin(ids, ", "));
      }
    }
    rows.push_back(
        {IdOf(a.name()), a.display_name(), KindLabel(a.kind()), IdOf(a.parent()), valid, a.email()});
  }
  PrintResult(context, all,
              {kLabels.id, kLabels.name, kLabels.kind, kLabels.parent, kLabels.valid,
               kLabels.email},
              rows);
  return 0;
}

// Counts of what a load or import did.
struct LoadCounts {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
  std::string Summary() const {
    return absl::StrCat(created, " created, ", updated, " updated, ", unchanged, " unchanged");
  }
};

// Creates or replaces `resource` so that the server holds exactly it.
// `get` reads the stored one; `update` writes with allow_missing.
template <typename Resource>
grpc::Status Upsert(
    const Resource& resource, LoadCounts& counts,
    const std::function<grpc::Status(const std::string&, Resource*)>& get,
    const std::function<grpc::Status(const Resource&, Resource*)>& update) {
  Resource stored;
  grpc::Status status = get(resource.name(), &stored);
  bool exists = status.ok();
  if (!exists && status.error_code() != grpc::StatusCode::NOT_FOUND) return status;
  if (exists) {
    Resource comparable = stored;
    comparable.clear_etag();
    if (google::protobuf::util::MessageDifferencer::Equals(comparable, resource)) {
      ++counts.unchanged;
      return grpc::Status::OK;
    }
  }
  Resource to_write = resource;
  if (exists) to_write.set_etag(stored.etag());
  Resource written;
  status = update(to_write, &written);
  if (!status.ok()) return status;
  ++(exists ? counts.updated : counts.created);
  return grpc::Status::OK;
}

// Orders agencies so that every parent comes before its children.
std::vector<v1::Agency> ParentsFirst(std::vector<v1::Agency> agencies) {
  std::map<std::string, v1::Agency*> by_name;
  for (auto& a : agencies) by_name[a.name()] = &a;
  std::vector<v1::Agency> ordered;
  std::set<std::string> placed;
  std::function<void(v1::Agency*, int)> place = [&](v1::Agency* a, int depth) {
    if (placed.count(a->name()) || depth > 64) return;
    auto parent = by_name.find(a->parent());
    if (parent != by_name.end()) place(parent->second, depth + 1);
    if (placed.insert(a->name()).second) ordered.push_back(*a);
  };
  for (auto& a : agencies) place(&a, 0);
  return ordered;
}

// Writes agencies in two passes: first without the references that may
// point forward (focal agency, successors), then with them.
int LoadAgencies(CliContext& context, std::vector<v1::Agency> agencies, LoadCounts& counts) {
  auto stub = Stub(context);
  auto get = [&](const std::string& name, v1::Agency* out) {
    v1::GetAgencyRequest request;
    request.set_name(name);
    return stub->GetAgency(context.connection().NewContext().get(), request, out);
  };
  auto update = [&](const v1::Agency& agency, v1::Agency* out) {
    v1::UpdateAgencyRequest request;
    *request.mutable_agency() = agency;
    request.set_allow_missing(true);
    request.set_request_id(client::NewRequestId());
    return stub->UpdateAgency(context.connection().NewContext().get(), request, out);
  };
  std::vector<v1::Agency> ordered = ParentsFirst(std::move(agencies));
  std::set<std::string> present;
  // Agencies whose forward references were held back, and whether the
  // first pass created them.
  std::vector<std::pair<const v1::Agency*, bool>> second_pass;
  for (const v1::Agency& agency : ordered) {
    v1::Agency first = agency;
    auto missing = [&](const std::string& name) {
      if (name.empty() || present.count(name) || name == agency.name()) return false;
      v1::Agency probe;
      return !get(name, &probe).ok();
    };
    bool deferred = missing(agency.focal_agency());
    for (const auto& s : agency.successors()) deferred = deferred || missing(s);
    if (deferred) {
      first.clear_successors();
      first.clear_valid_to();
      first.clear_focal_agency();
    }
    LoadCounts one;
    grpc::Status status = Upsert<v1::Agency>(first, deferred ? one : counts, get, update);
    if (!status.ok()) {
      *context.err << agency.name() << ":\n";
      return PrintError(*context.err, status);
    }
    if (deferred) second_pass.emplace_back(&agency, one.created == 1);
    present.insert(agency.name());
  }
  for (const auto& [agency, created] : second_pass) {
    LoadCounts one;
    grpc::Status status = Upsert<v1::Agency>(*agency, one, get, update);
    if (!status.ok()) {
      *context.err << agency->name() << ":\n";
      return PrintError(*context.err, status);
    }
    if (created) {
      ++counts.created;
    } else {
      counts.updated += one.updated;
      counts.unchanged += one.unchanged;
    }
  }
  return 0;
}

int LoadDimensions(CliContext& context, const std::vector<v1::Dimension>& dimensions,
                   LoadCounts& counts) {
  auto stub = Stub(context);
  auto get = [&](const std::string& name, v1::Dimension* out) {
    v1::GetDimensionRequest request;
    request.set_name(name);
    return stub->GetDimension(context.connection().NewContext().get(), request, out);
  };
  auto update = [&](const v1::Dimension& dimension, v1::Dimension* out) {
    v1::UpdateDimensionRequest request;
    *request.mutable_dimension() = dimension;
    request.set_allow_missing(true);
    request.set_request_id(client::NewRequestId());
    return stub->UpdateDimension(context.connection().NewContext().get(), request, out);
  };
  for (const auto& d : dimensions) {
    grpc::Status status = Upsert<v1::Dimension>(d, counts, get, update);
    if (!status.ok()) {
      *context.err << d.name() << ":\n";
      return PrintError(*context.err, status);
    }
  }
  return 0;
}

// Indicators refer to each other (ratios, rules): write them without rules
// and ratio references first, then whole.
int LoadIndicators(CliContext& context, const std::vector<v1::Indicator>& indicators,
                   LoadCounts& counts) {
  auto stub = Stub(context);
  auto get = [&](const std::string& name, v1::Indicator* out) {
    v1::GetIndicatorRequest request;
    request.set_name(name);
    return stub->GetIndicator(context.connection().NewContext().get(), request, out);
  };
  auto update = [&](const v1::Indicator& indicator, v1::Indicator* out) {
    v1::UpdateIndicatorRequest request;
    *request.mutable_indicator() = indicator;
    request.set_allow_missing(true);
    request.set_request_id(client::NewRequestId());
    return stub->UpdateIndicator(context.connection().NewContext().get(), request, out);
  };
  std::set<std::string> created_first;
  for (const auto& i : indicators) {
    v1::Indicator stored;
    if (get(i.name(), &stored).ok()) continue;  // exists: the second pass updates it
    v1::Indicator bare = i;
    bare.clear_rules();
    if (bare.aggregation() == v1::Indicator::AGGREGATION_RATIO) {
      bare.set_aggregation(v1::Indicator::AGGREGATION_NONE);
      bare.clear_numerator();
      bare.clear_denominator();
    }
    LoadCounts one;
    grpc::Status status = Upsert<v1::Indicator>(bare, one, get, update);
    if (!status.ok()) {
      *context.err << i.name() << ":\n";
      return PrintError(*context.err, status);
    }
    created_first.insert(i.name());
  }
  for (const auto& i : indicators) {
    LoadCounts one;
    grpc::Status status = Upsert<v1::Indicator>(i, one, get, update);
    if (!status.ok()) {
      *context.err << i.name() << ":\n";
      return PrintError(*context.err, status);
    }
    if (created_first.count(i.name())) {
      ++counts.created;
    } else {
      counts.updated += one.updated;
      counts.unchanged += one.unchanged;
    }
  }
  return 0;
}

template <typename ListMessage>
absl::StatusOr<ListMessage> ReadListFile(const std::string& path) {
  auto content = ReadFile(path);
  if (!content.ok()) return content.status();
  ListMessage list;
  absl::Status parsed = ParseJson(*content, &list, path);
  if (!parsed.ok()) return parsed;
  return list;
}

int AgencyImport(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop agency import FILE\n";
    return 2;
  }
  auto list = ReadListFile<v1::ListAgenciesResponse>(args.positional[0]);
  if (!list.ok()) return PrintError(*context.err, list.status());
  LoadCounts counts;
  std::vector<v1::Agency> agencies(list->agencies().begin(), list->agencies().end());
  int rc = LoadAgencies(context, std::move(agencies), counts);
  if (rc == 0) *context.out << "agencies: " << counts.Summary() << "\n";
  return rc;
}

// ---- dimensions and indicators ----

int DimensionList(CliContext& context, const ParsedArgs&) {
  v1::ListDimensionsResponse all;
  grpc::Status status = FetchAll(context, v1::ListDimensionsRequest(),
                                 &Registry::Stub::ListDimensions,
                                 &v1::ListDimensionsResponse::mutable_dimensions, &all);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : all.dimensions()) {
    rows.push_back({IdOf(d.name()), d.display_name(), absl::StrCat(d.options_size())});
  }
  PrintResult(context, all, {kLabels.id, kLabels.name, kLabels.options}, rows);
  return 0;
}

int DimensionImport(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop dimension import FILE\n";
    return 2;
  }
  auto list = ReadListFile<v1::ListDimensionsResponse>(args.positional[0]);
  if (!list.ok()) return PrintError(*context.err, list.status());
  LoadCounts counts;
  int rc = LoadDimensions(context, {list->dimensions().begin(), list->dimensions().end()}, counts);
  if (rc == 0) *context.out << "dimensions: " << counts.Summary() << "\n";
  return rc;
}

// How an indicator's values break down: "sex, age-group; sex × age-group"
// (its dimensions, then the two-way grids it asks for).
std::string BreakdownText(const v1::Indicator& indicator) {
  std::vector<std::string> dimensions;
  for (const std::string& d : indicator.dimensions()) dimensions.push_back(IdOf(d));
  std::vector<std::string> parts = {absl::StrJoin(dimensions, ", ")};
  for (const v1::DimensionCrossing& c : indicator.crossings()) {
    parts.push_back(absl::StrCat(IdOf(c.rows()), " × ", IdOf(c.columns())));
  }
  return absl::StrJoin(parts, "; ");
}

int IndicatorList(CliContext& context, const ParsedArgs&) {
  v1::ListIndicatorsResponse all;
  grpc::Status status = FetchAll(context, v1::ListIndicatorsRequest(),
                                 &Registry::Stub::ListIndicators,
                                 &v1::ListIndicatorsResponse::mutable_indicators, &all);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::vector<std::string>> rows;
  for (const auto& i : all.indicators()) {
    rows.push_back({IdOf(i.name()), i.display_name(), i.unit(), BreakdownText(i)});
  }
  PrintResult(context, all, {kLabels.id, kLabels.name, kLabels.unit, kLabels.options}, rows);
  return 0;
}

int IndicatorImport(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop indicator import FILE\n";
    return 2;
  }
  auto list = ReadListFile<v1::ListIndicatorsResponse>(args.positional[0]);
  if (!list.ok()) return PrintError(*context.err, list.status());
  LoadCounts counts;
  int rc = LoadIndicators(context, {list->indicators().begin(), list->indicators().end()}, counts);
  if (rc == 0) *context.out << "indicators: " << counts.Summary() << "\n";
  return rc;
}

// ---- plans and tasks ----

int PlanList(CliContext& context, const ParsedArgs& args) {
  v1::ListPlansRequest request;
  if (args.Has("issuer")) request.set_issuer(AsName("agencies", args.Get("issuer")));
  v1::ListPlansResponse all;
  grpc::Status status = FetchAll(context, request, &Registry::Stub::ListPlans,
                                 &v1::ListPlansResponse::mutable_plans, &all);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : all.plans()) {
    rows.push_back({IdOf(p.name()), p.symbol(), IdOf(p.issuer()),
                    absl::StrCat(p.first_year(), "–", p.last_year()), Truncate(p.title(), 70)});
  }
  PrintResult(context, all,
                   {kLabels.id, kLabels.symbol, kLabels.issuer, kLabels.years, kLabels.name}, rows);
  return 0;
}

std::string PeriodText(const v1::ReportingRound& r) {
  std::string period = r.period_type() == v1::PERIOD_TYPE_ANNUAL       ? "hằng năm"
                       : r.period_type() == v1::PERIOD_TYPE_SEMIANNUAL ? "6 tháng"
                       : r.period_type() == v1::PERIOD_TYPE_QUARTERLY  ? "quý"
                                                                       : "?";
  if (r.sub_period() > 0) absl::StrAppend(&period, " (kỳ ", r.sub_period(), ")");
  auto day = [](const v1::RelativeDate& d) {
    return absl::StrCat(d.day(), "/", d.month(), d.year_offset() > 0 ? " năm sau" : "");
  };
  std::string text = absl::StrCat(period, ": nộp trước ", day(r.due()));
  if (r.has_compile_due()) absl::StrAppend(&text, ", tổng hợp trước ", day(r.compile_due()));
  return text;
}

void PrintImportReport(std::ostream& out, const v1::ImportPlanResponse& response) {
  const v1::ImportReport& report = response.report();
  const v1::Plan& plan = response.bundle().plan();
  out << (response.committed() ? "Đã nhập kế hoạch (imported) " : "Chạy thử, chưa lưu (dry run) ")
      << plan.name() << " — " << plan.symbol() << "\n";
  out << "  " << Truncate(plan.title(), 100) << "\n";
  out << "  Năm (years): " << plan.first_year() << "–" << plan.last_year() << "\n";
  out << "  Lịch báo cáo (schedule):";
  if (plan.schedule().empty()) out << " chưa có";
  for (const auto& r : plan.schedule()) out << "\n    - " << PeriodText(r);
  out << "\n";
  out << "  Số nhiệm vụ (tasks): " << report.task_count() << " — theo cấp (by level):";
  for (const auto& level : report.level_counts()) {
    out << " cấp " << level.level() << ": " << level.count() << ";";
  }
  out << "\n";
  if (report.has_counts()) {
    const v1::ImportCounts& c = report.counts();
    out << "  Đếm (counts): " << c.leaves() << " nhiệm vụ cuối, " << c.leaves_with_lead()
        << " có cơ quan chủ trì, " << c.requested_leads() << " chủ trì theo đề nghị, thời hạn đọc được "
        << c.deadlines_parsed() << "/" << c.deadlines_written() << ", " << c.diagnostics()
        << " điểm cần bổ sung\n";
  }
  // The tree, one task a line, indented by depth.
  for (const auto& t : response.bundle().tasks()) {
    size_t depth = static_cast<size_t>(std::count(t.outline().begin(), t.outline().end(), '.'));
    std::vector<std::string> lead;
    for (const auto& a : t.lead()) lead.push_back(AssignmentText(a));
    out << "    " << std::string(2 * depth, ' ') << t.outline() << "  " << Truncate(t.title(), 60);
    if (!lead.empty()) out << " — " << Truncate(absl::StrJoin(lead, "; "), 50);
    std::string deadline = DeadlineText(t.deadline());
    if (!deadline.empty()) out << " — " << Truncate(deadline, 30);
    out << "\n";
  }
  if (report.unresolved_agencies_size() > 0) {
    out << "  Tên cơ quan chưa xác định (unresolved agency names): "
        << report.unresolved_agencies_size() << "\n";
    for (const auto& u : report.unresolved_agencies()) {
      std::vector<std::string> candidates;
      for (const auto& c : u.candidates()) candidates.push_back(IdOf(c));
      out << "    - \"" << u.text() << "\" (" << IdOf(u.task()) << ")";
      if (!candidates.empty()) out << " → gần nhất: " << absl::StrJoin(candidates, ", ");
      out << "\n";
    }
  }
  auto notes = [&](const char* title,
                   const google::protobuf::RepeatedPtrField<v1::ImportNote>& list) {
    if (list.empty()) return;
    out << "  " << title << ": " << list.size() << "\n";
    for (const auto& n : list) {
      // Line 0 is a note on the whole document.
      out << "    - ";
      if (n.line() > 0) out << "dòng " << n.line() << ": ";
      out << n.message();
      if (!n.text().empty()) out << " — \"" << Truncate(n.text(), 80) << "\"";
      out << "\n";
    }
  };
  notes("Đã sửa (repairs)", report.repairs());
  notes("Dòng bỏ qua (ignored lines)", report.ignored_lines());
  notes("Cảnh báo (warnings)", report.warnings());
  if (report.diagnostics_size() > 0) {
    out << "  Cần bổ sung trước khi lưu (to supply before committing): "
        << report.diagnostics_size() << "\n";
    int i = 0;
    for (const auto& d : report.diagnostics()) {
      out << "    " << ++i << ". " << d.message() << "\n       → " << d.remedy() << "\n";
    }
  }
}

// Stores `text` as an alias of `agency` through UpdateAgency (the registry's
// own write path, permissions and etag), unless it is one already. True when
// it was added, false when the agency had it.
absl::StatusOr<bool> AddAlias(CliContext& context, const std::string& agency,
                              const std::string& text) {
  auto stub = Stub(context);
  v1::GetAgencyRequest get;
  get.set_name(agency);
  v1::Agency stored;
  grpc::Status status = stub->GetAgency(context.connection().NewContext().get(), get, &stored);
  if (!status.ok()) return FromGrpcStatus(status);
  for (const auto& a : stored.aliases()) {
    if (a == text) return false;
  }
  v1::UpdateAgencyRequest request;
  *request.mutable_agency() = stored;
  request.mutable_agency()->add_aliases(text);
  request.mutable_update_mask()->add_paths("aliases");
  request.set_request_id(client::NewRequestId());
  v1::Agency updated;
  status = stub->UpdateAgency(context.connection().NewContext().get(), request, &updated);
  if (!status.ok()) return FromGrpcStatus(status);
  return true;
}

// Changes the agency's e-mail address (and, with --english-name, its English
// name) through UpdateAgency with a mask of what the flags give.
int AgencyUpdate(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1 || (!args.Has("email") && !args.Has("english-name"))) {
    *context.err << "usage: tonghop agency update ID [--email=ADDRESS] [--english-name=NAME]\n";
    return 2;
  }
  v1::UpdateAgencyRequest request;
  request.mutable_agency()->set_name(AsName("agencies", args.positional[0]));
  if (args.Has("email")) {
    request.mutable_agency()->set_email(args.Get("email"));
    request.mutable_update_mask()->add_paths("email");
  }
  if (args.Has("english-name")) {
    request.mutable_agency()->set_english_name(args.Get("english-name"));
    request.mutable_update_mask()->add_paths("english_name");
  }
  request.set_request_id(client::NewRequestId());
  v1::Agency updated;
  grpc::Status status =
      Stub(context)->UpdateAgency(context.connection().NewContext().get(), request, &updated);
  if (!status.ok()) return PrintError(*context.err, status);
  PrintJson(*context.out, updated);
  return 0;
}

int AgencyAliasAdd(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 2) {
    *context.err << "usage: tonghop agency alias add AGENCY \"NAME AS WRITTEN\"\n";
    return 2;
  }
  absl::StatusOr<bool> added =
      AddAlias(context, AsName("agencies", args.positional[0]), args.positional[1]);
  if (!added.ok()) return PrintError(*context.err, added.status());
  *context.out << (*added ? "Đã thêm tên gọi khác (alias added): \""
                          : "Đã có sẵn (already an alias): \"")
               << args.positional[1] << "\" → " << AsName("agencies", args.positional[0]) << "\n";
  return 0;
}

// The import request's supplement from --fixup, then --schedule,
// --deadline, --lead, --map, --symbol, --title and --years (a flag overrides the
// file's schedule, symbol, title and years, and adds to its lists).
absl::StatusOr<v1::ImportSupplement> ReadSupplement(const ParsedArgs& args) {
  v1::ImportSupplement supplement;
  if (args.Has("fixup")) {
    absl::StatusOr<std::string> text = ReadFile(args.Get("fixup"));
    if (!text.ok()) return text.status();
    absl::StatusOr<v1::ImportSupplement> fixup = ParseFixup(*text);
    if (!fixup.ok()) return fixup.status();
    supplement = *std::move(fixup);
  }
  if (args.Has("schedule")) {
    absl::StatusOr<std::vector<v1::ReportingRound>> rounds = ParseScheduleSpec(args.Get("schedule"));
    if (!rounds.ok()) return rounds.status();
    supplement.clear_schedule();
    for (auto& r : *rounds) *supplement.add_schedule() = std::move(r);
  }
  for (const std::string& d : args.GetAll("deadline")) {
    absl::StatusOr<v1::TaskDeadlineSupplement> deadline = ParseDeadlineFlag(d);
    if (!deadline.ok()) return deadline.status();
    *supplement.add_task_deadlines() = *std::move(deadline);
  }
  for (const std::string& l : args.GetAll("lead")) {
    absl::StatusOr<v1::TaskLeadSupplement> lead = ParseLeadFlag(l);
    if (!lead.ok()) return lead.status();
    *supplement.add_task_leads() = *std::move(lead);
  }
  for (const std::string& m : args.GetAll("map")) {
    absl::StatusOr<v1::AgencyMapping> mapping = ParseMappingFlag(m);
    if (!mapping.ok()) return mapping.status();
    *supplement.add_agency_mappings() = *std::move(mapping);
  }
  if (args.Has("symbol")) supplement.set_symbol(args.Get("symbol"));
  if (args.Has("title")) supplement.set_title(args.Get("title"));
  if (args.Has("years")) {
    absl::StatusOr<std::pair<int, int>> years = ParseYears(args.Get("years"));
    if (!years.ok()) return years.status();
    supplement.set_first_year(years->first);
    supplement.set_last_year(years->second);
  }
  return supplement;
}

constexpr size_t kMaxImportFileBytes = 10u << 20;

int PlanImport(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop plan import FILE [--format=auto|json|text|csv|docx|pdf] "
                    "[--dry-run] [--issuer=AGENCY] [--plan-id=ID] [--schedule=SPEC] "
                    "[--deadline=TASK=TEXT]... [--lead=TASK=AGENCY]... [--map=NAME=AGENCY]... "
                    "[--symbol=S] [--title=T] [--years=Y-Y] [--fixup=FILE]\n";
    return 2;
  }
  const std::string& path = args.positional[0];
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxImportFileBytes) {
    return PrintError(*context.err,
                      WithVietnamese(absl::InvalidArgumentError(absl::StrCat(
                                         path, " is ", size >> 20,
                                         " MB; a plan is at most 10 MB (not sent)")),
                                     absl::StrCat("Tệp ", path, " quá lớn (", size >> 20,
                                                  " MB); một kế hoạch tối đa 10 MB. Tệp chưa "
                                                  "được gửi đi.")));
  }
  auto content = ReadFile(path);
  if (!content.ok()) return PrintError(*context.err, content.status());
  v1::ImportPlanRequest request;
  request.set_content(*content);
  std::string format = args.Get("format", "auto");
  std::string extension = absl::AsciiStrToLower(std::filesystem::path(path).extension().string());
  if (format == "auto" && extension == ".docx") format = "docx";
  if (format == "auto" && extension == ".pdf") format = "pdf";
  if (format == "json") request.set_format(v1::IMPORT_FORMAT_JSON);
  else if (format == "csv" || format == "tsv") request.set_format(v1::IMPORT_FORMAT_CSV);
  else if (format == "text") request.set_format(v1::IMPORT_FORMAT_TEXT);
  else if (format == "docx") request.set_format(v1::IMPORT_FORMAT_DOCX);
  else if (format == "pdf") request.set_format(v1::IMPORT_FORMAT_PDF);
  else if (format != "auto") {
    *context.err << "tonghop: --format must be auto, json, text, csv, docx or pdf\n";
    return 2;
  }
  absl::StatusOr<v1::ImportSupplement> supplement = ReadSupplement(args);
  if (!supplement.ok()) return PrintError(*context.err, supplement.status());
  *request.mutable_supplement() = *std::move(supplement);
  if (args.Has("issuer")) request.set_issuer(AsName("agencies", args.Get("issuer")));
  request.set_plan_id(args.Get("plan-id"));
  bool dry_run = args.Has("dry-run");
  request.set_validate_only(dry_run);
  request.set_request_id(client::NewRequestId());
  v1::ImportPlanResponse response;
  // A commit that maps names stores each mapping as an alias of its agency
  // first, so that this import and the next ones resolve the name.
  if (!dry_run && request.supplement().agency_mappings_size() > 0) {
    v1::ImportPlanRequest check = request;
    check.set_validate_only(true);
    check.clear_request_id();
    grpc::Status status =
        Stub(context)->ImportPlan(context.connection().NewContext().get(), check, &response);
    if (!status.ok()) return PrintError(*context.err, status);
    // While gaps remain the commit below is refused with them, and no alias
    // is stored.
    for (int i = 0; response.report().diagnostics_size() == 0 &&
                    i < check.supplement().agency_mappings_size();
         ++i) {
      const v1::AgencyMapping& m = check.supplement().agency_mappings(i);
      absl::StatusOr<bool> added = AddAlias(context, m.agency(), m.text());
      if (!added.ok()) return PrintError(*context.err, added.status());
      // JSON output keeps stdout to the response alone.
      std::ostream& note = context.output == OutputFormat::kJson ? *context.err : *context.out;
      if (*added) {
        note << "Đã lưu tên gọi khác (alias stored): \"" << m.text() << "\" → " << m.agency()
             << "\n";
      }
    }
  }
  grpc::Status status = Stub(context)->ImportPlan(context.connection().NewContext().get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  if (context.output == OutputFormat::kJson) {
    PrintJson(*context.out, response);
  } else {
    PrintImportReport(*context.out, response);
  }
  return 0;
}

int PlanExport(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop plan export PLAN [--format=json|csv] [--out=FILE]\n";
    return 2;
  }
  v1::ExportPlanRequest request;
  request.set_name(AsName("plans", args.positional[0]));
  std::string format = args.Get("format", "json");
  if (format == "csv") request.set_format(v1::EXPORT_FORMAT_CSV);
  else if (format != "json") {
    *context.err << "tonghop: --format must be json or csv\n";
    return 2;
  }
  v1::ExportPlanResponse response;
  grpc::Status status = Stub(context)->ExportPlan(context.connection().NewContext().get(), request, &response);
  if (!status.ok()) return PrintError(*context.err, status);
  std::string text = format == "csv" ? response.content() : ToJson(response.bundle()) + "\n";
  if (args.Has("out")) {
    std::ofstream out(args.Get("out"), std::ios::binary);
    out << text;
    if (!out) return PrintError(*context.err, absl::UnavailableError("cannot write " + args.Get("out")));
    *context.out << "wrote " << args.Get("out") << "\n";
  } else {
    *context.out << text;
  }
  return 0;
}

int TaskList(CliContext& context, const ParsedArgs& args) {
  if (!args.Has("plan")) {
    *context.err << "usage: tonghop task list --plan=PLAN [--assignee=AGENCY]\n";
    return 2;
  }
  v1::ListTasksRequest request;
  request.set_parent(AsName("plans", args.Get("plan")));
  if (args.Has("assignee")) request.set_assignee(AsName("agencies", args.Get("assignee")));
  v1::ListTasksResponse all;
  grpc::Status status = FetchAll(context, request, &Registry::Stub::ListTasks,
                                 &v1::ListTasksResponse::mutable_tasks, &all);
  if (!status.ok()) return PrintError(*context.err, status);
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : all.tasks()) {
    std::vector<std::string> lead;
    for (const auto& a : t.lead()) lead.push_back(AssignmentText(a));
    rows.push_back({t.outline(), Truncate(absl::StrJoin(lead, "; "), 60),
                    Truncate(DeadlineText(t.deadline()), 30), Truncate(t.title(), 60)});
  }
  PrintResult(context, all, {kLabels.outline, kLabels.lead, kLabels.deadline, kLabels.task},
                   rows);
  return 0;
}

// ---- registry load ----

int RegistryLoad(CliContext& context, const ParsedArgs& args) {
  if (args.positional.size() != 1) {
    *context.err << "usage: tonghop registry load DIR\n";
    return 2;
  }
  std::filesystem::path dir = args.positional[0];
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) return PrintError(*context.err, absl::NotFoundError(absl::StrCat("cannot read ", dir.string(), ": ", ec.message())));
  std::sort(files.begin(), files.end());
  std::vector<v1::Agency> agencies;
  std::vector<v1::Dimension> dimensions;
  std::vector<v1::Indicator> indicators;
  std::vector<std::pair<std::string, std::string>> plans;  // path, content
  for (const auto& path : files) {
    auto content = ReadFile(path.string());
    if (!content.ok()) return PrintError(*context.err, content.status());
    google::protobuf::Struct top;
    absl::Status parsed = ParseJson(*content, &top, path.string());
    if (!parsed.ok()) return PrintError(*context.err, parsed);
    const auto& fields = top.fields();
    if (fields.count("agencies")) {
      v1::ListAgenciesResponse list;
      parsed = ParseJson(*content, &list, path.string());
      agencies.insert(agencies.end(), list.agencies().begin(), list.agencies().end());
    } else if (fields.count("dimensions")) {
      v1::ListDimensionsResponse list;
      parsed = ParseJson(*content, &list, path.string());
      dimensions.insert(dimensions.end(), list.dimensions().begin(), list.dimensions().end());
    } else if (fields.count("indicators")) {
      v1::ListIndicatorsResponse list;
      parsed = ParseJson(*content, &list, path.string());
      indicators.insert(indicators.end(), list.indicators().begin(), list.indicators().end());
    } else if (fields.count("plan")) {
      v1::PlanBundle bundle;
      parsed = ParseJson(*content, &bundle, path.string());
      plans.emplace_back(path.string(), *content);
    } else {
      *context.err << "skipping " << path.string()
                   << ": not an agencies, dimensions, indicators or plan file\n";
    }
    if (!parsed.ok()) return PrintError(*context.err, parsed);
  }
  LoadCounts agency_counts, dimension_counts, indicator_counts, plan_counts;
  if (int rc = LoadAgencies(context, std::move(agencies), agency_counts)) return rc;
  if (int rc = LoadDimensions(context, dimensions, dimension_counts)) return rc;
  if (int rc = LoadIndicators(context, indicators, indicator_counts)) return rc;
  auto stub = Stub(context);
  for (const auto& [path, content] : plans) {
    v1::PlanBundle bundle;
    (void)ParseJson(content, &bundle, path);
    v1::ExportPlanRequest export_request;
    export_request.set_name(bundle.plan().name());
    v1::ExportPlanResponse stored;
    grpc::Status status = stub->ExportPlan(context.connection().NewContext().get(), export_request, &stored);
    // Compare what the server would store: the bundle after its
    // normalisation, i.e. a dry run's answer without etags.
    v1::ImportPlanRequest request;
    request.set_content(content);
    request.set_format(v1::IMPORT_FORMAT_JSON);
    request.set_validate_only(true);
    v1::ImportPlanResponse dry;
    grpc::Status dry_status = stub->ImportPlan(context.connection().NewContext().get(), request, &dry);
    if (!dry_status.ok()) {
      *context.err << path << ":\n";
      return PrintError(*context.err, dry_status);
    }
    dry.mutable_bundle()->mutable_plan()->clear_etag();
    for (auto& t : *dry.mutable_bundle()->mutable_tasks()) t.clear_etag();
    if (status.ok() &&
        google::protobuf::util::MessageDifferencer::Equals(stored.bundle(), dry.bundle())) {
      ++plan_counts.unchanged;
      continue;
    }
    request.set_validate_only(false);
    request.set_request_id(client::NewRequestId());
    v1::ImportPlanResponse response;
    grpc::Status import_status = stub->ImportPlan(context.connection().NewContext().get(), request, &response);
    if (!import_status.ok()) {
      *context.err << path << ":\n";
      return PrintError(*context.err, import_status);
    }
    ++(status.ok() ? plan_counts.updated : plan_counts.created);
  }
  *context.out << "agencies: " << agency_counts.Summary() << "\n"
               << "dimensions: " << dimension_counts.Summary() << "\n"
               << "indicators: " << indicator_counts.Summary() << "\n"
               << "plans: " << plan_counts.Summary() << "\n";
  return 0;
}

}  // namespace

void RegisterRegistryCommands(CommandTable& table) {
  using S = Registry::Stub;
  table.Add({"agency list", "[--parent=ID] [--kind=KIND] [--prefix=ID]", "list agencies", AgencyList})
      .Takes({"parent=ID", "kind=KIND", "prefix=ID"});
  table.Add({"agency get", "ID", "show one agency",
             GetCommand("agency get ID", "agencies", &S::GetAgency)});
  table.Add({"agency import", "FILE", "create or update the agencies in a file", AgencyImport});
  table.Add({"agency update", "ID [--email=ADDRESS] [--english-name=NAME]",
             "change an agency's e-mail address for notices (or its English name)",
             AgencyUpdate})
      .Takes({"email=ADDRESS", "english-name=NAME"});
  table.Describe("agency update", R"(The agency's address receives its e-mail notices (reminders, returns,
acceptances; for a focal agency, the digest of missing reports), together
with its people's addresses (tonghop user update ID --email=...). An empty
--email= removes the address.

Examples:
  tonghop agency update dong-nai-so-y-te --email=vanthu@soyte.dongnai.gov.vn
  tonghop agency get dong-nai-so-y-te)");
  table.Add({"agency alias add", "AGENCY \"NAME\"",
             "store another name an agency goes by in documents (reused by every import)",
             AgencyAliasAdd});
  table.Add({"agency delete", "ID [--etag=E]", "delete an agency with no children or assignments",
             DeleteCommand("agency delete ID", "agencies", &S::DeleteAgency)})
      .Takes({"etag=E"});
  table.Add({"dimension list", "", "list dimensions", DimensionList});
  table.Add({"dimension get", "ID", "show one dimension with its options",
             GetCommand("dimension get ID", "dimensions", &S::GetDimension)});
  table.Add({"dimension import", "FILE", "create or update the dimensions in a file", DimensionImport});
  table.Add({"dimension delete", "ID [--etag=E]", "delete a dimension no indicator uses",
             DeleteCommand("dimension delete ID", "dimensions", &S::DeleteDimension)})
      .Takes({"etag=E"});
  table.Add({"indicator list", "", "list indicators", IndicatorList});
  table.Add({"indicator get", "ID", "show one indicator",
             GetCommand("indicator get ID", "indicators", &S::GetIndicator)});
  table.Add({"indicator import", "FILE", "create or update the indicators in a file", IndicatorImport});
  table.Add({"indicator delete", "ID [--etag=E]", "delete an indicator nothing uses",
             DeleteCommand("indicator delete ID", "indicators", &S::DeleteIndicator)})
      .Takes({"etag=E"});
  table.Add({"plan list", "[--issuer=ID]", "list plans", PlanList})
      .Takes({"issuer=ID"});
  table.Add({"plan get", "PLAN", "show one plan", GetCommand("plan get PLAN", "plans", &S::GetPlan)});
  table.Add({"plan import",
             "FILE [--format=auto|json|text|csv|docx|pdf] [--dry-run] [--issuer=ID] [--plan-id=ID] "
             "[--schedule=annual:15/11,compile:30/11] [--deadline=TASK=TEXT]... "
             "[--lead=TASK=AGENCY]... [--map=NAME=AGENCY]... [--symbol=S] [--title=T] "
             "[--years=Y-Y] [--fixup=FILE]",
             "import a plan from its document (.docx, .pdf, text), appendix table or canonical "
             "file; a dry run lists what is missing and how to supply it",
             PlanImport})
      .Takes({"format=auto|json|text|csv|docx|pdf", "dry-run", "issuer=ID", "plan-id=ID",
              "schedule=annual:15/11,compile:30/11", "deadline=TASK=TEXT...",
              "lead=TASK=AGENCY...", "map=NAME=AGENCY...", "symbol=S", "title=T", "years=Y-Y",
              "fixup=FILE"});
  table.Add({"plan export", "PLAN [--format=json|csv] [--out=FILE]", "export a plan with its tasks",
             PlanExport})
      .Takes({"format=json|csv", "out=FILE"});
  table.Add({"plan delete", "PLAN [--force] [--etag=E]", "delete a plan (with --force, its tasks too)",
             DeleteCommand<v1::DeletePlanRequest>(
                 "plan delete PLAN [--force]", "plans", &S::DeletePlan,
                 [](const ParsedArgs& args, v1::DeletePlanRequest& r) { r.set_force(args.Has("force")); })})
      .Takes({"force", "etag=E"});
  table.Add({"task list", "--plan=PLAN [--assignee=ID]", "list a plan's tasks in document order", TaskList})
      .Takes({"plan=PLAN", "assignee=ID"});
  table.Add({"task get", "plans/PLAN/tasks/OUTLINE", "show one task",
             GetCommand("task get plans/PLAN/tasks/OUTLINE", "", &S::GetTask)});
  table.Add({"task delete", "plans/PLAN/tasks/OUTLINE [--etag=E]", "delete a task with no sub-tasks",
             DeleteCommand("task delete plans/PLAN/tasks/OUTLINE", "", &S::DeleteTask)})
      .Takes({"etag=E"});
  table.Add({"registry load", "DIR", "load every agency, dimension, indicator and plan file in DIR",
             RegistryLoad});

  table.Describe("plan import", R"(A plan is read from the document the province published: .docx, a PDF
with a text layer (a scan is refused, saying so), plain text, an appendix
table as CSV, or the canonical JSON file. A dry run changes nothing: it
shows what was understood (schedule, task tree, agencies, deadlines) and
lists each thing it could not derive, with its line and the flag that
supplies it. Importing without --dry-run is refused while gaps remain.
A --map is stored as another name of the agency, so the next import
resolves that name by itself.

Examples:
  tonghop plan import ke-hoach.docx --issuer=dong-nai --dry-run
  tonghop plan import ke-hoach.docx --issuer=dong-nai --schedule="annual:15/11,compile:30/11"
  tonghop plan import ke-hoach.docx --issuer=dong-nai --deadline="3=Hằng năm" --lead="4=Sở Tư pháp"
  tonghop plan import ke-hoach.docx --issuer=dong-nai --map="Sở VH-TT-DL=dong-nai-so-van-hoa-the-thao-va-du-lich"
  tonghop plan import ke-hoach.docx --issuer=dong-nai --fixup=bo-sung.json
  tonghop --output=json plan import ke-hoach.pdf --issuer=dong-nai --dry-run)");
  table.Describe("registry load", R"(Reads every .json file in DIR, each holding agencies, dimensions,
indicators or a plan (told apart by its content), and creates or updates
them in that order. Loading the same directory again changes nothing.

Example:
  tonghop registry load deploy/data)");
  table.Describe("agency alias add", R"(Records another name by which documents call the agency, so plan
imports resolve it.

Example:
  tonghop agency alias add dong-nai-so-tu-phap "STP")");
}

}  // namespace tonghop::cli
