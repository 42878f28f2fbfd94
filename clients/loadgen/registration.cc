#include "clients/loadgen/registration.h"

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/client/connection.h"
#include "clients/loadgen/rpc.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/status_macros.h"
#include "tonghop/v1/registry_service.grpc.pb.h"

namespace tonghop::loadgen {
namespace {

using Stub = v1::Registry::Stub;

absl::Status EnsureMinistry(Stub& stub, RegistrationResult& result) {
  v1::GetAgencyRequest get;
  get.set_name(MinistryName());
  v1::Agency found;
  grpc::Status status = stub.GetAgency(CallAs(MinistryName()).get(), get, &found);
  if (status.ok()) {
    if (found.kind() != v1::AGENCY_KIND_MINISTRY) {
      return absl::FailedPreconditionError(
          absl::StrCat(MinistryName(), " exists but is not a ministry; the load generator "
                                   "registers everything as the Ministry of Justice"));
    }
    return absl::OkStatus();
  }
  if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
    return FromGrpc(status, "get agencies/bo-tu-phap");
  }
  v1::CreateAgencyRequest create;
  create.set_agency_id("bo-tu-phap");
  v1::Agency* ministry = create.mutable_agency();
  ministry->set_display_name("Bộ Tư pháp");
  ministry->set_english_name("Ministry of Justice");
  ministry->set_kind(v1::AGENCY_KIND_MINISTRY);
  ministry->set_focal_agency(MinistryName());
  ministry->add_aliases("Bộ Tư pháp");
  ministry->add_aliases("BTP");
  create.set_request_id(client::NewRequestId());
  v1::Agency created;
  status = stub.CreateAgency(CallAs(MinistryName()).get(), create, &created);
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    return absl::FailedPreconditionError(
        "the registry has agencies but not agencies/bo-tu-phap, and only the first agency "
        "of an empty registry may be created without one; load deploy/data first "
        "(tonghop registry load deploy/data) or use an empty server");
  }
  RETURN_IF_ERROR(FromGrpc(status, "create agencies/bo-tu-phap"));
  result.created_ministry = true;
  return absl::OkStatus();
}

absl::StatusOr<v1::ListDimensionsResponse> ReadDimensionsFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read ", path, " (the reference dimensions; give --reference-data=DIR)"));
  }
  std::stringstream text;
  text << in.rdbuf();
  v1::ListDimensionsResponse dimensions;
  google::protobuf::util::JsonParseOptions parse;
  auto status = google::protobuf::util::JsonStringToMessage(text.str(), &dimensions, parse);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.ToString()));
  }
  return dimensions;
}

absl::Status EnsureDimensions(const World& world, const RegistrationOptions& options,
                              Stub& stub, RegistrationResult& result) {
  std::optional<v1::ListDimensionsResponse> reference;
  for (const auto& [name, codes] : world.dimension_options()) {
    v1::GetDimensionRequest get;
    get.set_name(name);
    v1::Dimension found;
    grpc::Status status = stub.GetDimension(CallAs(MinistryName()).get(), get, &found);
    if (status.ok()) {
      std::set<std::string> have;
      for (const auto& option : found.options()) have.insert(option.code());
      std::vector<std::string> missing;
      for (const std::string& code : codes) {
        if (!have.count(code)) missing.push_back(code);
      }
      if (!missing.empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat(name, " lacks the options ", absl::StrJoin(missing, ", "),
                         " that generated reports use"));
      }
      continue;
    }
    if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
      return FromGrpc(status, absl::StrCat("get ", name));
    }
    if (!reference) {
      ASSIGN_OR_RETURN(reference, ReadDimensionsFile(options.dimensions_file));
    }
    const v1::Dimension* source = nullptr;
    for (const v1::Dimension& d : reference->dimensions()) {
      if (d.name() == name) source = &d;
    }
    if (!source) {
      return absl::NotFoundError(
          absl::StrCat(name, " is neither in the registry nor in ", options.dimensions_file));
    }
    v1::CreateDimensionRequest create;
    create.set_dimension_id(name.substr(sizeof("dimensions/") - 1));
    *create.mutable_dimension() = *source;
    create.mutable_dimension()->clear_name();
    create.set_request_id(client::NewRequestId());
    v1::Dimension created;
    RETURN_IF_ERROR(FromGrpc(stub.CreateDimension(CallAs(MinistryName()).get(), create, &created),
                             absl::StrCat("create ", name)));
    result.created_dimensions.push_back(name);
  }
  return absl::OkStatus();
}

absl::Status Upsert(Stub& stub, const v1::Agency& agency) {
  v1::UpdateAgencyRequest request;
  *request.mutable_agency() = agency;
  request.set_allow_missing(true);
  request.set_request_id(client::NewRequestId());
  v1::Agency stored;
  return FromGrpc(stub.UpdateAgency(CallAs(MinistryName()).get(), request, &stored),
                  absl::StrCat("register ", agency.name()));
}

// Registers `provinces` and `units` (each unit listed after its parent), a
// stub per worker. A province names its Sở Tư pháp as focal agency, which cannot
// exist before the province: provinces first without it (left alone when
// already registered), then their units, then, when `with_focal`, the
// provinces again with it.
absl::Status RegisterProvinces(const std::vector<std::unique_ptr<Stub>>& stubs,
                               const std::vector<v1::Agency>& provinces,
                               const std::vector<v1::Agency>& units, bool with_focal) {
  const int workers = static_cast<int>(stubs.size());
  RETURN_IF_ERROR(ParallelFor(workers, static_cast<int>(provinces.size()), [&](int w, int i) {
    v1::Agency bare = provinces[i];
    bare.clear_focal_agency();
    v1::GetAgencyRequest get;
    get.set_name(bare.name());
    v1::Agency existing;
    if (stubs[w]->GetAgency(CallAs(MinistryName()).get(), get, &existing).ok()) {
      return absl::OkStatus();
    }
    return Upsert(*stubs[w], bare);
  }));
  // In waves, in parallel within each: a unit whose parent is among
  // `units` (a commune under a district) waits for the wave of its parent.
  std::map<std::string, size_t> wave_of;
  std::vector<std::vector<const v1::Agency*>> waves;
  for (const v1::Agency& unit : units) {
    auto parent = wave_of.find(unit.parent());
    const size_t wave = parent == wave_of.end() ? 0 : parent->second + 1;
    wave_of[unit.name()] = wave;
    if (waves.size() <= wave) waves.resize(wave + 1);
    waves[wave].push_back(&unit);
  }
  for (const std::vector<const v1::Agency*>& wave : waves) {
    RETURN_IF_ERROR(ParallelFor(workers, static_cast<int>(wave.size()),
                                [&](int w, int i) { return Upsert(*stubs[w], *wave[i]); }));
  }
  if (!with_focal) return absl::OkStatus();
  return ParallelFor(workers, static_cast<int>(provinces.size()),
                     [&](int w, int i) { return Upsert(*stubs[w], provinces[i]); });
}

}  // namespace

absl::StatusOr<RegistrationResult> RegisterWorld(const World& world,
                                                 const RegistrationOptions& options) {
  const absl::Time start = absl::Now();
  RegistrationResult result;
  std::vector<std::unique_ptr<Stub>> stubs;
  for (int i = 0; i < std::max(1, options.concurrency); ++i) {
    stubs.push_back(v1::Registry::NewStub(NewDedicatedChannel(options.address)));
  }
  Stub& stub = *stubs[0];
  RETURN_IF_ERROR(EnsureMinistry(stub, result));
  RETURN_IF_ERROR(EnsureDimensions(world, options, stub, result));

  std::vector<v1::Agency> provinces;
  for (size_t p = 0; p < world.provinces().size(); ++p) {
    if (options.province < 0 || options.province == static_cast<int>(p)) {
      provinces.push_back(world.provinces()[p]);
    }
  }
  std::vector<v1::Agency> units;
  if (!options.provinces_only) {
    std::set<std::string> wanted;
    for (const v1::Agency& p : provinces) wanted.insert(p.name());
    for (const v1::Agency& unit : world.units()) {
      if (wanted.count(unit.parent())) units.push_back(unit);
    }
  }
  RETURN_IF_ERROR(RegisterProvinces(stubs, provinces, units, !options.provinces_only));
  result.agencies = static_cast<int>(provinces.size() + units.size());
  // The hierarchy before 1 July 2025, after today's: its dissolved units
  // name today's as their successors. A single province's instance or the
  // Ministry's under federation loads no history.
  if (options.province < 0 && !options.provinces_only && world.has_history()) {
    RETURN_IF_ERROR(
        RegisterProvinces(stubs, world.dissolved_provinces(), world.dissolved_units(), true));
    result.agencies +=
        static_cast<int>(world.dissolved_provinces().size() + world.dissolved_units().size());
  }

  // In order: a "resolved" indicator's rule and a percentage's numerator
  // refer to indicators before them.
  for (const v1::Indicator& indicator : world.indicators()) {
    v1::UpdateIndicatorRequest request;
    *request.mutable_indicator() = indicator;
    request.set_allow_missing(true);
    request.set_request_id(client::NewRequestId());
    v1::Indicator stored;
    RETURN_IF_ERROR(FromGrpc(stub.UpdateIndicator(CallAs(MinistryName()).get(), request, &stored),
                             absl::StrCat("register ", indicator.name())));
    ++result.indicators;
  }

  // The plan and its tasks in one atomic import of the canonical bundle.
  const v1::PlanBundle bundle = options.plan ? *options.plan : world.ProvincialPlan("");
  std::string json;
  auto printed = google::protobuf::util::MessageToJsonString(bundle, &json);
  if (!printed.ok()) return absl::InternalError(printed.ToString());
  v1::ImportPlanRequest import;
  import.set_content(json);
  import.set_format(v1::IMPORT_FORMAT_JSON);
  import.set_issuer(bundle.plan().issuer());
  import.set_plan_id(bundle.plan().name().substr(sizeof("plans/") - 1));
  import.set_request_id(client::NewRequestId());
  v1::ImportPlanResponse imported;
  RETURN_IF_ERROR(FromGrpc(
      stub.ImportPlan(CallAs(MinistryName(), absl::Seconds(120)).get(), import, &imported),
      absl::StrCat("import ", bundle.plan().name())));
  if (!imported.committed()) {
    return absl::InternalError(absl::StrCat("import of ", bundle.plan().name(),
                                            " was not committed"));
  }
  result.tasks = imported.bundle().tasks_size();
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return result;
}

}  // namespace tonghop::loadgen
