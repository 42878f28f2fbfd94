#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_REPORT_BUILDER_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_REPORT_BUILDER_H_

// Collects what an import did with each line of its input.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::plan_import {

// Accumulates the repairs, warnings and line uses of one import, and turns
// them into an ImportReport in which no non-empty line is unaccounted for:
// a line that no parser used or ignored with a reason is reported as not
// recognised. Consecutive ignored lines with the same reason become one note.
//
// Not thread-safe; one per import. Lines are 1-based.
class ReportBuilder {
 public:
  explicit ReportBuilder(std::vector<std::string> lines);

  void Repair(int line, std::string message);
  void Warning(int line, std::string message);
  // The line contributed to the result.
  void Use(int line);
  // The line contributed nothing, for `reason`; has no effect on a used line
  // or one already ignored.
  void Ignore(int line, std::string reason);

  const std::vector<std::string>& lines() const { return lines_; }
  int line_count() const { return static_cast<int>(lines_.size()); }

  // Writes repairs, warnings and ignored lines into `report`.
  void Finish(tonghop::v1::ImportReport* report) const;

 private:
  tonghop::v1::ImportNote Note(int line, std::string message) const;

  std::vector<std::string> lines_;
  std::vector<bool> used_;
  std::vector<std::string> ignored_;  // reason per line, "" when none
  std::vector<tonghop::v1::ImportNote> repairs_;
  std::vector<tonghop::v1::ImportNote> warnings_;
};

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_REPORT_BUILDER_H_
