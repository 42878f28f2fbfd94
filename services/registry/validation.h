#ifndef TONGHOP_SERVICES_REGISTRY_VALIDATION_H_
#define TONGHOP_SERVICES_REGISTRY_VALIDATION_H_

// Validation of registry resources. Each Validate* function adds every
// violation it finds to a ViolationList (field paths under `field`) and
// returns a non-OK status only when the store itself failed.

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/common/errors.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::registry {

// Looks up the resources a resource refers to. Implementations are
// thread-safe for reads.
class ReferenceResolver {
 public:
  virtual ~ReferenceResolver() = default;
  virtual absl::StatusOr<std::optional<v1::Agency>> FindAgency(
      absl::string_view name) const = 0;
  virtual absl::StatusOr<bool> DimensionExists(absl::string_view name) const = 0;
  virtual absl::StatusOr<std::optional<v1::Dimension>> FindDimension(
      absl::string_view name) const = 0;
  virtual absl::StatusOr<std::optional<v1::Indicator>> FindIndicator(
      absl::string_view name) const = 0;
  virtual absl::StatusOr<bool> PlanExists(absl::string_view name) const = 0;
  // "did you mean agencies/… (…)?" for an agency reference that names no
  // agency, or "" when nothing is close (or nothing is known).
  virtual std::string SuggestAgency(absl::string_view input) const { return ""; }
};

// Finds the other tasks of the plan a task belongs to, by outline code.
class TaskLookup {
 public:
  virtual ~TaskLookup() = default;
  virtual absl::StatusOr<std::optional<v1::Task>> FindTask(
      absl::string_view outline) const = 0;
};

// The tasks of a bundle being imported. Does not own the bundle.
class BundleTasks final : public TaskLookup {
 public:
  explicit BundleTasks(const v1::PlanBundle& bundle);
  absl::StatusOr<std::optional<v1::Task>> FindTask(
      absl::string_view outline) const override;
  // True when task `index` repeats an earlier task's outline.
  bool IsDuplicate(int index) const;

 private:
  const v1::PlanBundle& bundle_;
  std::map<std::string, int> first_index_;
};

// Rewrites every string field of `message` (recursively) in Unicode NFC
// and trims surrounding white space; adds a violation for invalid UTF-8.
void NormalizeStrings(google::protobuf::Message& message, const std::string& field,
                      ViolationList& violations);

absl::Status ValidateAgency(const v1::Agency& agency, const ReferenceResolver& refs,
                            const std::string& field, ViolationList& violations);
void ValidateDimension(const v1::Dimension& dimension, const std::string& field,
                       ViolationList& violations);
absl::Status ValidateIndicator(const v1::Indicator& indicator,
                               const ReferenceResolver& refs, const std::string& field,
                               ViolationList& violations);
absl::Status ValidatePlan(const v1::Plan& plan, const ReferenceResolver& refs,
                          const std::string& field, ViolationList& violations);
// `plan_id` is the plan the task belongs to.
absl::Status ValidateTask(const v1::Task& task, const std::string& plan_id,
                          const ReferenceResolver& refs, const TaskLookup& tasks,
                          const std::string& field, ViolationList& violations);

}  // namespace tonghop::registry

#endif  // TONGHOP_SERVICES_REGISTRY_VALIDATION_H_
