#ifndef TONGHOP_SERVICES_AGGREGATION_DISCLOSURE_H_
#define TONGHOP_SERVICES_AGGREGATION_DISCLOSURE_H_

// Statistical disclosure control: who sees exact figures, and how small
// counts are withheld in everything else.
//
// A subtree's own reporting chain (the root itself, the agencies above it,
// their focal agencies, and this instance's authority: the agencies whose
// reach, in the access policy's words, holds the root) sees exact figures.
// Everything published — compiled reports, exports — and every read by a
// caller outside that chain is controlled: in each breakdown of a count by
// one dimension, a cell below the dimension's threshold
// (Dimension.disclosure_threshold, default 5) is withheld, and so are the
// complementary cells needed so that no withheld cell can be worked out
// from the total and the cells shown. A ratio's cell is withheld with its
// denominator's. Zeros are shown (a zero identifies nobody) and are never
// used as complements.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/aggregation/hierarchy.h"
#include "services/aggregation/registry_view.h"
#include "services/common/access_policy.h"
#include "services/common/identity.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {

// The default threshold: counts below 5 are withheld.
inline constexpr int kDefaultDisclosureThreshold = 5;

// True when `caller` is in `root`'s own reporting chain: `root` itself, an
// agency `root` counts under, the focal agency of one of those, or the
// instance's authority. The access policy answers it (AccessPolicy::InReach
// and IsAuthority); this is the one place the aggregation service asks who
// sees exact figures.
bool InReportingChain(const Caller& caller, const Hierarchy& hierarchy, absl::string_view root,
                      const AccessPolicy& policy);

// The threshold of a dimension (its code: "ethnicity").
int DisclosureThreshold(const RegistrySnapshot& snapshot, absl::string_view dimension);

// Withholds cells of one indicator's breakdown rows (`rows`, the cells of
// every dimension, with the indicator's `total`) in place: the figure of a
// withheld cell loses its value and says why. `counts` is true for counts
// (SUM of COUNT values), the only figures controlled directly; for a ratio,
// pass the withheld cells of its denominator as `denominator_withheld`
// (cell keys) and they are withheld here too. Returns the cell keys
// withheld, for ratios that divide by this indicator. A two-way grid's
// cells (rows of two dimensions) are withheld together, whole, when one of
// them is a small count or a margin of the grid was withheld.
std::vector<std::string> Suppress(const RegistrySnapshot& snapshot, const v1::Figure& total,
                                  std::vector<v1::RollupRow*>& rows, bool counts,
                                  const std::vector<std::string>& denominator_withheld,
                                  absl::string_view language);

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_DISCLOSURE_H_
