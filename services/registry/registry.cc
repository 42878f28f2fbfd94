#include "services/registry/registry.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/agency_matcher.h"
#include "services/common/errors.h"
#include "services/common/etag.h"
#include "services/common/pagination.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/common/text.h"
#include "services/registry/registry_core.h"
#include "services/registry/resource_policies.h"
#include "services/registry/resource_table.h"
#include "services/registry/validation.h"
#include "storage/key_encoding.h"

namespace tonghop::registry {
namespace {

using storage::WriteBatch;

constexpr size_t kMaxImportBytes = 10 << 20;

std::string TaskPosition(const v1::Task& t) {
  return absl::StrCat(t.sequence(), ":", t.outline());
}

int OutlineDepth(absl::string_view outline) {
  return static_cast<int>(std::count(outline.begin(), outline.end(), '.')) + 1;
}

}  // namespace

// The registry: a table for each resource kind, their lists, and plan
// import and export. Members are the Registry's (see there); the tables
// are views of this object.
class Registry::Impl : public RegistryCore {
 public:
  Impl(storage::KvStore* store, const AccessPolicy* policy, AuditLog* audit,
       PlanDocumentParser parser, PlanCsvWriter csv_writer)
      : RegistryCore(store, policy, audit),
        parser_(std::move(parser)),
        csv_writer_(std::move(csv_writer)) {}

  absl::StatusOr<v1::ListAgenciesResponse> ListAgencies(
      const v1::ListAgenciesRequest& request) const {
    ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
    std::string query = absl::StrCat("parent=", request.parent(), ";kind=", request.kind(),
                                     ";prefix=", request.id_prefix());
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), query));
    v1::ListAgenciesResponse response;
    std::string last_id;
    bool more = false;
    auto consider = [&](const v1::Agency& agency) -> bool {
      if (static_cast<int>(response.agencies_size()) == page_size) {
        more = true;
        return false;
      }
      std::string id = IdOf(agency.name());
      if (request.kind() != v1::AGENCY_KIND_UNSPECIFIED && agency.kind() != request.kind()) {
        return true;
      }
      if (!absl::StartsWith(id, request.id_prefix())) return true;
      *response.add_agencies() = agency;
      last_id = id;
      return true;
    };
    absl::Status inner = absl::OkStatus();
    if (!request.parent().empty()) {
      // A parent that does not exist has no children, but is a mistake:
      // NOT_FOUND (AIP-132), with what it probably meant.
      if (!ParseSimpleName(request.parent(), "agencies", "parent").ok()) {
        return UnknownAgencyError(request.parent(), "parent");
      }
      std::string parent_id = IdOf(request.parent());
      ASSIGN_OR_RETURN(std::optional<std::string> parent,
                       store().Get(kResourcesColumnFamily, AgencyKey(parent_id)));
      if (!parent) return UnknownAgencyError(request.parent(), "");
      std::string prefix = ChildPrefix(parent_id);
      std::string start = after.empty() ? prefix : ChildKey(parent_id, after) + '\0';
      RETURN_IF_ERROR(store().Scan(
          kIndexColumnFamily, start, storage::PrefixEnd(prefix),
          [&](absl::string_view key, absl::string_view) {
            std::optional<std::string> child = SecondStringOf(key);
            if (!child) return true;
            auto agency = Read<v1::Agency>(AgencyKey(*child));
            if (!agency.ok()) {
              inner = agency.status();
              return false;
            }
            return !*agency || consider(**agency);
          }));
    } else {
      std::string prefix = TagPrefix(kTagAgency);
      std::string start = prefix;
      if (!after.empty()) start = AgencyKey(after) + '\0';
      else if (!request.id_prefix().empty()) start = ResourceIdPrefixStart(kTagAgency, request.id_prefix());
      RETURN_IF_ERROR(store().Scan(
          kResourcesColumnFamily, start, storage::PrefixEnd(prefix),
          [&](absl::string_view, absl::string_view value) {
            v1::Agency agency;
            if (!agency.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
              inner = absl::DataLossError("corrupt agency record");
              return false;
            }
            if (!request.id_prefix().empty() &&
                IdOf(agency.name()) > request.id_prefix() &&
                !absl::StartsWith(IdOf(agency.name()), request.id_prefix())) {
              return false;  // past the prefix range
            }
            return consider(agency);
          }));
    }
    RETURN_IF_ERROR(inner);
    if (more) response.set_next_page_token(EncodePageToken(last_id, query));
    return response;
  }

  template <typename Resource, typename Response>
  absl::StatusOr<Response> ListSimple(uint8_t tag, int requested_size,
                                      const std::string& page_token,
                                      const std::function<bool(const Resource&)>& keep,
                                      const std::string& query,
                                      google::protobuf::RepeatedPtrField<Resource>* (Response::*field)()) const {
    ASSIGN_OR_RETURN(int page_size, EffectivePageSize(requested_size));
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(page_token, query));
    std::string prefix = TagPrefix(tag);
    std::string start = after.empty() ? prefix : ResourceKey(tag, after) + '\0';
    Response response;
    std::string last_id;
    bool more = false;
    absl::Status inner = absl::OkStatus();
    RETURN_IF_ERROR(store().Scan(
        kResourcesColumnFamily, start, storage::PrefixEnd(prefix),
        [&](absl::string_view, absl::string_view value) {
          Resource resource;
          if (!resource.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
            inner = absl::DataLossError("corrupt registry record");
            return false;
          }
          if (!keep(resource)) return true;
          auto* list = (response.*field)();
          if (list->size() == page_size) {
            more = true;
            return false;
          }
          last_id = IdOf(resource.name());
          *list->Add() = std::move(resource);
          return true;
        }));
    RETURN_IF_ERROR(inner);
    if (more) response.set_next_page_token(EncodePageToken(last_id, query));
    return response;
  }

  absl::StatusOr<v1::ListTasksResponse> ListTasks(const v1::ListTasksRequest& request) const {
    ASSIGN_OR_RETURN(std::string plan_id, ParseSimpleName(request.parent(), "plans", "parent"));
    ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
    std::string query = absl::StrCat(request.parent(), ";assignee=", request.assignee());
    ASSIGN_OR_RETURN(std::string after, DecodePageToken(request.page_token(), query));
    ASSIGN_OR_RETURN(bool plan_exists, PlanExists(request.parent()));
    if (!plan_exists) return NotFound(request.parent());
    ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, PlanTasks(plan_id));
    int after_sequence = -1;
    std::string after_outline;
    if (!after.empty()) {
      std::vector<std::string> parts = absl::StrSplit(after, absl::MaxSplits(':', 1));
      if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &after_sequence)) {
        return InvalidField("page_token", "malformed page token");
      }
      after_outline = parts[1];
    }
    v1::ListTasksResponse response;
    for (const v1::Task& task : tasks) {
      if (after_sequence >= 0 &&
          std::make_pair(task.sequence(), task.outline()) <=
              std::make_pair(after_sequence, after_outline)) {
        continue;
      }
      if (!request.assignee().empty()) {
        bool assigned = false;
        for (const auto* list : {&task.lead(), &task.coordinating()}) {
          for (const v1::Assignment& a : *list) assigned = assigned || a.agency() == request.assignee();
        }
        if (!assigned) continue;
      }
      if (response.tasks_size() == page_size) {
        response.set_next_page_token(
            EncodePageToken(TaskPosition(response.tasks(page_size - 1)), query));
        break;
      }
      *response.add_tasks() = task;
    }
    return response;
  }

  // ---- Import and export ----

  // FAILED_PRECONDITION naming, in Vietnamese, each gap of `report` (what the
  // document did not say and the official must supply); INVALID_ARGUMENT
  // when it holds no task at all; OK without gaps.
  static absl::Status RefuseGaps(const v1::ImportReport& report, const std::string& plan_name) {
    if (report.diagnostics().empty()) return absl::OkStatus();
    for (const v1::ImportDiagnostic& d : report.diagnostics()) {
      if (d.code() == "NO_TASKS") {
        return WithVietnamese(InvalidField("content", d.message_en(), "NO_TASKS"),
                              absl::StrCat(d.message(), " ", d.remedy()));
      }
    }
    std::string vietnamese = absl::StrCat("Chưa lưu kế hoạch: còn ", report.diagnostics_size(),
                                          " điểm văn bản chưa nêu hoặc chưa đọc được, cần bổ sung:");
    std::vector<std::string> english;
    for (int i = 0; i < report.diagnostics_size(); ++i) {
      const v1::ImportDiagnostic& d = report.diagnostics(i);
      absl::StrAppend(&vietnamese, "\n", i + 1, ". ", d.message(), " ", d.remedy());
      english.push_back(absl::StrCat(d.code(), " (", d.field(), "): ", d.message_en()));
    }
    return WithVietnamese(
        FailedPrecondition("IMPORT_GAPS",
                           absl::StrCat(report.diagnostics_size(),
                                        " things the document does not state must be supplied "
                                        "before the plan is stored: ",
                                        absl::StrJoin(english, "; "),
                                        " (run with validate_only to see each with its remedy)"),
                           plan_name),
        vietnamese);
  }

  // The field violations of a dry run's bundle as diagnostics of `report`,
  // except those a gap already names.
  static void AddInvalidFields(const ViolationList& violations, v1::ImportReport* report) {
    std::vector<std::string> named;
    for (const v1::ImportDiagnostic& d : report->diagnostics()) named.push_back(d.field());
    for (const FieldViolation& v : violations.violations()) {
      bool covered = std::any_of(named.begin(), named.end(), [&](const std::string& f) {
        return !f.empty() && absl::StartsWith(v.field, f);
      });
      if (covered) continue;
      v1::ImportDiagnostic* d = report->add_diagnostics();
      d->set_code("INVALID_FIELD");
      d->set_field(v.field);
      d->set_message(absl::StrCat("Trường ", v.field, " chưa hợp lệ: ", v.description, "."));
      d->set_remedy("Sửa văn bản hoặc bổ sung giá trị này rồi chạy thử lại.");
      d->set_message_en(absl::StrCat(v.field, ": ", v.description));
    }
    report->mutable_counts()->set_diagnostics(report->diagnostics_size());
  }

  // Parses the request's content into a bundle and a report.
  absl::StatusOr<v1::ImportPlanResponse> ParseImport(const v1::ImportPlanRequest& request) const {
    if (request.content().empty()) {
      return InvalidField("content", "the file is empty", "EMPTY_INPUT");
    }
    if (request.content().size() > kMaxImportBytes) {
      return WithVietnamese(
          InvalidField("content",
                       absl::StrCat("the file is ", request.content().size() >> 20,
                                    " MB; a plan is at most 10 MB"),
                       "INPUT_TOO_LARGE"),
          absl::StrCat("Tệp quá lớn (", request.content().size() >> 20,
                       " MB); một kế hoạch tối đa 10 MB. Tệp không được đọc."));
    }
    if (!parser_) {
      return absl::FailedPreconditionError("this server was built without the plan reader");
    }
    ASSIGN_OR_RETURN(std::vector<v1::Agency> agencies, AgenciesNamable(request.issuer()));
    return parser_(request, agencies);
  }

  // The agencies a plan of `issuer` may name: those within the issuer's
  // reach (a plan binds no one else, see AccessPolicy::CheckWritePlan) and
  // the issuer's ancestors (the groups it may name, like "các bộ, ngành
  // liên quan"). A name outside them stays unresolved, for the official to
  // see, rather than resolving to a namesake in another province. Every
  // agency when the issuer is not known (validation refuses it later).
  absl::StatusOr<std::vector<v1::Agency>> AgenciesNamable(absl::string_view issuer) const {
    ASSIGN_OR_RETURN(std::vector<v1::Agency> all, AllAgencies());
    ASSIGN_OR_RETURN(std::optional<v1::Agency> known, FindAgency(issuer));
    if (!known) return all;
    std::set<std::string> ancestors;
    for (std::string at = known->parent(); !at.empty() && ancestors.size() < 64;) {
      if (!ancestors.insert(at).second) break;
      ASSIGN_OR_RETURN(std::optional<v1::Agency> node, FindAgency(at));
      if (!node) break;
      at = node->parent();
    }
    std::vector<v1::Agency> namable;
    for (v1::Agency& agency : all) {
      ASSIGN_OR_RETURN(bool reach, access().InReach(*this, issuer, agency.name()));
      if (reach || ancestors.count(agency.name())) namable.push_back(std::move(agency));
    }
    return namable;
  }

  absl::StatusOr<v1::ImportPlanResponse> ImportPlan(const Caller& caller,
                                                    const v1::ImportPlanRequest& request) {
    RETURN_IF_ERROR(access().CheckImportPlan(caller, *this, request.issuer()));
    ASSIGN_OR_RETURN(v1::ImportPlanResponse parsed, ParseImport(request));
    v1::PlanBundle& bundle = *parsed.mutable_bundle();
    v1::ImportReport& report = *parsed.mutable_report();

    // The plan's id: given (which renames the plan in the file), else the
    // bundle's own.
    std::string plan_id = request.plan_id();
    if (plan_id.empty() && !bundle.plan().name().empty()) plan_id = IdOf(bundle.plan().name());
    if (plan_id.empty() || !IsValidSlugId(plan_id)) {
      return InvalidField("plan_id", plan_id.empty()
                                         ? "required: the file names no plan"
                                         : absl::StrCat(QuoteInput(plan_id), " is not a valid id"));
    }
    std::string plan_name = MakeName("plans", plan_id);
    bundle.mutable_plan()->set_name(plan_name);
    bundle.mutable_plan()->clear_etag();
    if (!request.issuer().empty() && bundle.plan().issuer().empty()) {
      bundle.mutable_plan()->set_issuer(request.issuer());
    }
    ViolationList violations;
    std::map<std::string, int> depth_counts;
    for (int i = 0; i < bundle.tasks_size(); ++i) {
      v1::Task& task = *bundle.mutable_tasks(i);
      std::string field = absl::StrCat("bundle.tasks[", i, "]");
      if (!IsValidOutlineCode(task.outline())) {
        violations.Add(field + ".outline", "required: letters, digits and dots, like A.II.1.2");
        continue;
      }
      std::string expected = MakeTaskName(plan_id, task.outline());
      if (!task.name().empty() && task.name() != expected &&
          IdOf(task.name()) != task.outline()) {
        violations.Add(field + ".name",
                       absl::StrCat(QuoteInput(task.name()), " does not match outline \"",
                                    task.outline(), "\""));
      }
      // Parents named under another plan id (a renamed import) follow the plan.
      if (!task.parent().empty()) {
        auto parent = ParseTaskName(task.parent(), field + ".parent");
        if (parent.ok()) task.set_parent(MakeTaskName(plan_id, parent->outline));
      }
      task.set_name(expected);
      task.clear_etag();
      if (task.sequence() == 0) task.set_sequence(i + 1);
      ++depth_counts[absl::StrCat(OutlineDepth(task.outline()))];
    }
    RETURN_IF_ERROR(violations.ToStatus());
    report.clear_level_counts();
    for (int depth = 1; depth <= 16; ++depth) {
      auto it = depth_counts.find(absl::StrCat(depth));
      if (it == depth_counts.end()) continue;
      auto* count = report.add_level_counts();
      count->set_level(depth);
      count->set_count(it->second);
    }
    report.set_task_count(bundle.tasks_size());

    NormalizeStrings(*bundle.mutable_plan(), "bundle.plan", violations);
    for (int i = 0; i < bundle.tasks_size(); ++i) {
      NormalizeStrings(*bundle.mutable_tasks(i), absl::StrCat("bundle.tasks[", i, "]"), violations);
    }
    RETURN_IF_ERROR(violations.ToStatus());

    // The rest runs on the registry's one write path, under its write
    // mutex (the file was read and normalized outside it). The request is
    // keyed by its plan id, derived from the file when not given, so that
    // the audit record names the plan; a retry derives the same id.
    v1::ImportPlanRequest keyed = request;
    keyed.set_plan_id(plan_id);
    return Mutate<v1::ImportPlanResponse>(
        caller, keyed, "ImportPlan", request.validate_only(),
        [&](WriteBatch& batch) -> absl::StatusOr<v1::ImportPlanResponse> {
          ASSIGN_OR_RETURN(std::optional<v1::Plan> existing, Read<v1::Plan>(PlanKey(plan_id)));
          // A table carries tasks only: it corrects the task list of an existing
          // plan, whose header (symbol, title, years, schedule) it keeps.
          bool table_only =
              request.format() == v1::IMPORT_FORMAT_CSV || report.format() == v1::IMPORT_FORMAT_CSV;
          if (table_only && bundle.plan().symbol().empty()) {
            if (!existing) {
              return InvalidField(
                  "plan_id",
                  absl::StrCat("plans/", plan_id,
                               " does not exist and a table carries no plan "
                               "header (symbol, title, years): import the table into an existing "
                               "plan, or import the document's full text"));
            }
            v1::Plan kept = *existing;
            kept.clear_etag();
            *bundle.mutable_plan() = std::move(kept);
          }
          std::vector<v1::Task> bundle_tasks(bundle.tasks().begin(), bundle.tasks().end());
          RETURN_IF_ERROR(AuthorizePlan(caller, plan_name, existing ? existing->issuer() : "",
                                        bundle.plan().issuer(),
                                        PlanAssignees(bundle.plan(), bundle_tasks)));
          // What the document left out must be supplied before the plan is stored.
          if (!request.validate_only()) RETURN_IF_ERROR(RefuseGaps(report, plan_name));
          RETURN_IF_ERROR(ValidatePlan(bundle.plan(), *this, "bundle.plan", violations));
          BundleTasks lookup(bundle);
          for (int i = 0; i < bundle.tasks_size(); ++i) {
            std::string field = absl::StrCat("bundle.tasks[", i, "]");
            if (lookup.IsDuplicate(i)) {
              violations.Add(field + ".outline",
                             absl::StrCat(QuoteInput(bundle.tasks(i).outline()), " appears twice"));
            }
            RETURN_IF_ERROR(
                ValidateTask(bundle.tasks(i), plan_id, *this, lookup, field, violations));
          }
          // A dry run of a published document shows what it read, the fields
          // still invalid among its diagnostics; a canonical file is refused.
          bool document = report.format() != v1::IMPORT_FORMAT_JSON &&
                          report.format() != v1::IMPORT_FORMAT_UNSPECIFIED;
          if (request.validate_only() && document) {
            AddInvalidFields(violations, &report);
          } else {
            RETURN_IF_ERROR(violations.ToStatus());
          }

          // Stored resources carry etags; the response shows them.
          *bundle.mutable_plan() = WithEtag(bundle.plan());
          for (v1::Task& task : *bundle.mutable_tasks()) task = WithEtag(std::move(task));
          if (request.validate_only()) {
            parsed.set_committed(false);
            return parsed;
          }
          if (report.unresolved_agencies_size() > 0) {
            std::vector<std::string> names;
            for (const auto& u : report.unresolved_agencies()) names.push_back(u.text());
            return FailedPrecondition(
                "UNRESOLVED_AGENCIES",
                absl::StrCat(report.unresolved_agencies_size(), " agency names did not resolve (",
                             absl::StrJoin(names, "; "),
                             "); add them as agencies or aliases, or fix the document, then "
                             "import again (run with --dry-run to see the candidates)"),
                plan_name);
          }

          RETURN_IF_ERROR(PlanTable::Put(batch, existing, bundle.plan()));
          ASSIGN_OR_RETURN(std::vector<v1::Task> old_tasks, PlanTasks(plan_id));
          std::map<std::string, v1::Task> old_by_outline;
          for (v1::Task& t : old_tasks) old_by_outline[t.outline()] = std::move(t);
          for (const v1::Task& task : bundle.tasks()) {
            std::optional<v1::Task> before;
            auto it = old_by_outline.find(task.outline());
            if (it != old_by_outline.end()) {
              before = std::move(it->second);
              old_by_outline.erase(it);
            }
            RETURN_IF_ERROR(TaskTable::Put(batch, before, task));
          }
          for (const auto& [outline, task] : old_by_outline) {
            RETURN_IF_ERROR(TaskTable::Remove(batch, task));
          }
          parsed.set_committed(true);
          return parsed;
        });
  }

  absl::StatusOr<v1::ExportPlanResponse> ExportPlan(const v1::ExportPlanRequest& request) const {
    ASSIGN_OR_RETURN(v1::Plan plan, plan_table_.Get(request.name()));
    ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, PlanTasks(IdOf(plan.name())));
    v1::ExportPlanResponse response;
    v1::PlanBundle& bundle = *response.mutable_bundle();
    *bundle.mutable_plan() = std::move(plan);
    bundle.mutable_plan()->clear_etag();
    for (v1::Task& task : tasks) {
      task.clear_etag();
      *bundle.add_tasks() = std::move(task);
    }
    if (request.format() == v1::EXPORT_FORMAT_CSV) {
      if (!csv_writer_) {
        return InvalidField("format", "CSV export is not available on this server");
      }
      ASSIGN_OR_RETURN(std::vector<v1::Agency> agencies, AllAgencies());
      response.set_content(csv_writer_(bundle, agencies));
    }
    return response;
  }

  ResourceTable<AgencyPolicy> agency_table_{this, AgencyPolicy(this)};
  ResourceTable<DimensionPolicy> dimension_table_{this, DimensionPolicy(this)};
  ResourceTable<IndicatorPolicy> indicator_table_{this, IndicatorPolicy(this)};
  PlanTable plan_table_{this, PlanPolicy(this)};
  TaskTable task_table_{this, TaskPolicy(this)};
  PlanDocumentParser parser_;
  PlanCsvWriter csv_writer_;
};

Registry::Registry(storage::KvStore* store, const AccessPolicy* policy, AuditLog* audit,
                   PlanDocumentParser parser, PlanCsvWriter csv_writer)
    : impl_(std::make_shared<Impl>(store, policy, audit, std::move(parser),
                                   std::move(csv_writer))) {}

AuditLog& Registry::audit_log() const { return impl_->audit(); }

const AgencyDirectory& Registry::agencies() const { return *impl_; }

absl::StatusOr<std::string> Registry::MutateMessage(const Caller& caller,
                                                    const google::protobuf::Message& request,
                                                    absl::string_view method, bool validate_only,
                                                    const MessageApply& apply) {
  return impl_->MutateMessage(caller, request, method, validate_only, apply);
}

void Registry::PutReference(WriteBatch& batch, absl::string_view target,
                            absl::string_view referrer, bool present) const {
  impl_->PutReference(batch, target, referrer, present);
}

absl::StatusOr<v1::Agency> Registry::GetAgency(absl::string_view name) const {
  // A name that is no agency's is answered with what it probably meant.
  if (!ParseSimpleName(name, "agencies", "name").ok()) {
    return impl_->UnknownAgencyError(name, "name");
  }
  ASSIGN_OR_RETURN(std::optional<v1::Agency> agency, impl_->agency_table_.Find(name));
  if (!agency) return impl_->UnknownAgencyError(name, "");
  return *std::move(agency);
}
absl::StatusOr<v1::ListAgenciesResponse> Registry::ListAgencies(
    const v1::ListAgenciesRequest& request) const {
  return impl_->ListAgencies(request);
}
absl::StatusOr<v1::Agency> Registry::CreateAgency(const Caller& caller,
                                                  const v1::CreateAgencyRequest& request) {
  return impl_->agency_table_.Create(caller, request);
}
absl::StatusOr<v1::Agency> Registry::UpdateAgency(const Caller& caller,
                                                  const v1::UpdateAgencyRequest& request) {
  return impl_->agency_table_.Update(caller, request);
}
absl::Status Registry::DeleteAgency(const Caller& caller, const v1::DeleteAgencyRequest& request) {
  return impl_->agency_table_.Delete(caller, request);
}

absl::StatusOr<v1::Dimension> Registry::GetDimension(absl::string_view name) const {
  return impl_->dimension_table_.Get(name);
}
absl::StatusOr<v1::ListDimensionsResponse> Registry::ListDimensions(
    const v1::ListDimensionsRequest& request) const {
  return impl_->ListSimple<v1::Dimension, v1::ListDimensionsResponse>(
      kTagDimension, request.page_size(), request.page_token(),
      [](const v1::Dimension&) { return true; }, "dimensions",
      &v1::ListDimensionsResponse::mutable_dimensions);
}
absl::StatusOr<v1::Dimension> Registry::CreateDimension(
    const Caller& caller, const v1::CreateDimensionRequest& request) {
  return impl_->dimension_table_.Create(caller, request);
}
absl::StatusOr<v1::Dimension> Registry::UpdateDimension(
    const Caller& caller, const v1::UpdateDimensionRequest& request) {
  return impl_->dimension_table_.Update(caller, request);
}
absl::Status Registry::DeleteDimension(const Caller& caller,
                                       const v1::DeleteDimensionRequest& request) {
  return impl_->dimension_table_.Delete(caller, request);
}

absl::StatusOr<v1::Indicator> Registry::GetIndicator(absl::string_view name) const {
  return impl_->indicator_table_.Get(name);
}
absl::StatusOr<v1::ListIndicatorsResponse> Registry::ListIndicators(
    const v1::ListIndicatorsRequest& request) const {
  return impl_->ListSimple<v1::Indicator, v1::ListIndicatorsResponse>(
      kTagIndicator, request.page_size(), request.page_token(),
      [](const v1::Indicator&) { return true; }, "indicators",
      &v1::ListIndicatorsResponse::mutable_indicators);
}
absl::StatusOr<v1::Indicator> Registry::CreateIndicator(
    const Caller& caller, const v1::CreateIndicatorRequest& request) {
  return impl_->indicator_table_.Create(caller, request);
}
absl::StatusOr<v1::Indicator> Registry::UpdateIndicator(
    const Caller& caller, const v1::UpdateIndicatorRequest& request) {
  return impl_->indicator_table_.Update(caller, request);
}
absl::Status Registry::DeleteIndicator(const Caller& caller,
                                       const v1::DeleteIndicatorRequest& request) {
  return impl_->indicator_table_.Delete(caller, request);
}

absl::StatusOr<v1::Plan> Registry::GetPlan(absl::string_view name) const {
  return impl_->plan_table_.Get(name);
}
absl::StatusOr<v1::ListPlansResponse> Registry::ListPlans(
    const v1::ListPlansRequest& request) const {
  std::string issuer = request.issuer();
  return impl_->ListSimple<v1::Plan, v1::ListPlansResponse>(
      kTagPlan, request.page_size(), request.page_token(),
      [issuer](const v1::Plan& p) { return issuer.empty() || p.issuer() == issuer; },
      absl::StrCat("plans;issuer=", issuer), &v1::ListPlansResponse::mutable_plans);
}
absl::StatusOr<v1::Plan> Registry::CreatePlan(const Caller& caller,
                                              const v1::CreatePlanRequest& request) {
  return impl_->plan_table_.Create(caller, request);
}
absl::StatusOr<v1::Plan> Registry::UpdatePlan(const Caller& caller,
                                              const v1::UpdatePlanRequest& request) {
  return impl_->plan_table_.Update(caller, request);
}
absl::Status Registry::DeletePlan(const Caller& caller, const v1::DeletePlanRequest& request) {
  return impl_->plan_table_.Delete(caller, request);
}

absl::StatusOr<v1::Task> Registry::GetTask(absl::string_view name) const {
  return impl_->task_table_.Get(name);
}
absl::StatusOr<v1::ListTasksResponse> Registry::ListTasks(
    const v1::ListTasksRequest& request) const {
  return impl_->ListTasks(request);
}
absl::StatusOr<v1::Task> Registry::CreateTask(const Caller& caller,
                                              const v1::CreateTaskRequest& request) {
  return impl_->task_table_.Create(caller, request);
}
absl::StatusOr<v1::Task> Registry::UpdateTask(const Caller& caller,
                                              const v1::UpdateTaskRequest& request) {
  return impl_->task_table_.Update(caller, request);
}
absl::Status Registry::DeleteTask(const Caller& caller, const v1::DeleteTaskRequest& request) {
  return impl_->task_table_.Delete(caller, request);
}

absl::StatusOr<v1::ImportPlanResponse> Registry::ImportPlan(
    const Caller& caller, const v1::ImportPlanRequest& request) {
  return AuditRefusal(impl_->audit(), caller, "ImportPlan", request,
                      impl_->ImportPlan(caller, request));
}
absl::StatusOr<v1::ExportPlanResponse> Registry::ExportPlan(
    const v1::ExportPlanRequest& request) const {
  return impl_->ExportPlan(request);
}

}  // namespace tonghop::registry
