#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PLAN_IMPORT_FUZZ_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PLAN_IMPORT_FUZZ_H_

// The body of the plan importer's fuzz target, shared by the libFuzzer entry
// point (LLVMFuzzerTestOneInput in plan_import_fuzz.cc) and the
// deterministic GoogleTest run over mutated seed documents.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tonghop/v1/agency.pb.h"

namespace tonghop::plan_import {

// A small fixed registry (a province, some of its departments, a court, a
// commune, the ministry) to resolve names against; built once.
const std::vector<tonghop::v1::Agency>& FuzzAgencies();

// Parses `data` as a plan (as text, and with the format detected) and checks
// the result: either INVALID_ARGUMENT with a field violation, or a bundle
// whose plan and task names are valid, whose task names are unique, whose
// parents are earlier tasks whose outline prefixes the child's, and whose
// report counts the tasks. Returns "" when all holds, else what broke.
// Thread-safe.
std::string FuzzOneInput(absl::string_view data);

}  // namespace tonghop::plan_import

// libFuzzer's entry point: aborts when FuzzOneInput finds a broken result.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PLAN_IMPORT_FUZZ_H_
