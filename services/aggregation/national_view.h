#ifndef TONGHOP_SERVICES_AGGREGATION_NATIONAL_VIEW_H_
#define TONGHOP_SERVICES_AGGREGATION_NATIONAL_VIEW_H_

// The Ministry's view of the country, computed from the figures the
// provinces' instances pushed (ReceivedFiguresStore): which provinces have
// sent, when, and whether on time against the national plan's compile-due
// date; the national roll-up of every indicator by province and by
// dimension; the cross-province table as CSV or XLSX; and the national
// trend of every indicator over the plan's periods.
//
// The rules:
// - The provinces are this instance's agencies of kind PROVINCE in force in
//   the period; a sender that is none of them is listed after them.
// - A province is on time when its first figures for the period arrived by
//   the end of the compile-due day of the plan's round (Vietnam time); the
//   round's compile_due is the provinces' deadline for their compiled
//   figures. Later corrections do not make it late.
// - A province that never sent, or did not send an indicator, has no figure
//   for it (not present), never 0; the national figure is over the
//   provinces that sent it (`contributors` says how many).
// - SUM adds exactly (services/common/decimal), MAX takes the largest;
//   RATIO is 100 × Σ numerator / Σ denominator over the provinces that
//   sent both parts (provinces push the parts, not the ratio); LATEST and
//   NONE are not combined across provinces.
//
// Reading is the Ministry's alone: the access policy's roll-up read of the
// instance's authority agency (CheckReadRollup of the operator agency), so
// only the Ministry's people and its own instance pass.
//
// Thread-safe; does not own its collaborators, which must outlive it.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/aggregation/received_figures.h"
#include "services/aggregation/registry_view.h"
#include "services/common/access_policy.h"
#include "services/common/identity.h"
#include "tonghop/v1/federation_service.pb.h"

namespace tonghop::aggregation {

// Computes the overview from the senders' records; pure. `received` holds
// every sender's record for the plan and period, values included.
v1::NationalOverview ComputeNationalOverview(const PlanInfo& plan, const RegistrySnapshot& snapshot,
                                             absl::string_view period,
                                             const std::vector<v1::ReceivedFigures>& received,
                                             absl::string_view language);

// The cross-province table of an overview: a header (province, receipt,
// arrival, one column per indicator) and one row per province, then the
// national total. Cells are exact figures, "—" where there is none.
struct NationalTable {
  std::vector<std::string> header;
  // Each cell with whether it is a number.
  std::vector<std::vector<std::pair<std::string, bool>>> rows;
};
NationalTable NationalTableOf(const v1::NationalOverview& overview, absl::string_view language);

class NationalView {
 public:
  // `temp_dir` is where workbooks are written before they are sent.
  NationalView(const ReceivedFiguresStore* received, RegistryView* registry,
               const AccessPolicy* policy, std::string temp_dir);

  absl::StatusOr<v1::NationalOverview> Overview(const Caller& caller,
                                                const v1::GetNationalOverviewRequest& request) const;
  absl::StatusOr<v1::NationalTrend> Trend(const Caller& caller,
                                          const v1::GetNationalTrendRequest& request) const;
  absl::StatusOr<v1::ExportNationalTableResponse> Export(
      const Caller& caller, const v1::ExportNationalTableRequest& request) const;

 private:
  // OK when the caller may read the national view; the snapshot read.
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> Authorize(const Caller& caller) const;
  absl::StatusOr<v1::NationalOverview> Compute(const RegistrySnapshot& snapshot,
                                               absl::string_view plan, absl::string_view period,
                                               absl::string_view language) const;

  const ReceivedFiguresStore* received_;
  RegistryView* registry_;
  const AccessPolicy* policy_;
  std::string temp_dir_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_NATIONAL_VIEW_H_
