#ifndef TONGHOP_CLIENTS_LOADGEN_REGISTRATION_H_
#define TONGHOP_CLIENTS_LOADGEN_REGISTRATION_H_

// Puts a generated World into a running registry through its gRPC API, as
// the Ministry of Justice: the ministry itself when missing, the dimensions
// the indicators need (taken from deploy/data when missing), every agency
// (today's, then, when the World has history, those dissolved on 30 June
// 2025 with their successors), the indicators, and the plan with its tasks. Under federation, a
// province's instance gets only its own subtree and the Ministry's only the
// provinces, each with its own plan (see RegistrationOptions). Re-running it on the same
// server rewrites the same resources (upserts), so it is safe to repeat.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/loadgen/generator.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::loadgen {

struct RegistrationOptions {
  // tonghopd's address, host:port.
  std::string address;
  // Client threads writing agencies at once, each with its own channel.
  int concurrency = 4;
  // deploy/data/dimensions.json (a ListDimensionsResponse in JSON), read
  // only when a dimension is missing from the registry.
  std::string dimensions_file;
  // Only this province (an index into World::provinces()) and its units: a
  // province's own instance. -1: every province.
  int province = -1;
  // The provinces without their units (and without their focal agencies,
  // which are units): the Ministry's instance under federation.
  bool provinces_only = false;
  // The plan to import instead of the World's own (World::NationalPlan,
  // World::ProvincialPlan).
  std::optional<v1::PlanBundle> plan;
};

struct RegistrationResult {
  int agencies = 0;
  int indicators = 0;
  int tasks = 0;
  bool created_ministry = false;
  // Dimensions created from dimensions_file, `dimensions/{code}`.
  std::vector<std::string> created_dimensions;
  double seconds = 0;
};

absl::StatusOr<RegistrationResult> RegisterWorld(const World& world,
                                                 const RegistrationOptions& options);

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_REGISTRATION_H_
