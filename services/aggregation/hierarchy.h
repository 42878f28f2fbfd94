#ifndef TONGHOP_SERVICES_AGGREGATION_HIERARCHY_H_
#define TONGHOP_SERVICES_AGGREGATION_HIERARCHY_H_

// The reporting hierarchy as roll-ups see it: an immutable snapshot of the
// registry's agencies.
//
// An agency's report counts in the subtree of every agency reachable from
// it by following `parent` and `successors` links: its ancestors in the
// hierarchy it reported under, and — for units dissolved in a
// reorganisation — the units that took them over and their ancestors. So a
// 2024 report of agencies/binh-phuoc (dissolved, successor dong-nai) counts
// in binh-phuoc's, dong-nai's and the ministry's subtrees, once each, and
// Đồng Nai's 2024 figures line up with its 2026 ones.

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "services/common/access_policy.h"
#include "services/common/period.h"
#include "tonghop/v1/agency.pb.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::aggregation {

// Immutable after construction, so thread-safe; share it by shared_ptr.
// Move-only. Its agencies are what the access policy reasons about.
class Hierarchy final : public AgencyDirectory {
 public:
  explicit Hierarchy(std::vector<v1::Agency> agencies);
  // Moving keeps the map's nodes, which the indexes point into; copying
  // would not.
  Hierarchy(Hierarchy&&) = default;
  Hierarchy& operator=(Hierarchy&&) = default;
  Hierarchy(const Hierarchy&) = delete;
  Hierarchy& operator=(const Hierarchy&) = delete;

  // nullptr when unknown.
  const v1::Agency* Find(absl::string_view name) const;
  // AgencyDirectory: a copy of Find's agency.
  absl::StatusOr<std::optional<v1::Agency>> FindAgency(absl::string_view name) const override;
  bool Contains(absl::string_view name) const { return Find(name) != nullptr; }

  // Every subtree root `agency` counts under, itself included, sorted. An
  // unknown agency counts only under itself.
  std::vector<std::string> Roots(absl::string_view agency) const;
  // True when some agency has `agency` as its parent or among its
  // successors, in any period: whether anyone else can count under it.
  bool HasBelow(absl::string_view agency) const;
  // True when `agency` counts in `root`'s subtree.
  bool InSubtree(absl::string_view agency, absl::string_view root) const;

  // True when the agency existed during some part of the period.
  static bool InForce(const v1::Agency& agency, const Period& period);

  // The agencies directly under `root` in the period: those whose parent it
  // is and those merged into it (it is among their successors), in force in
  // the period, by name.
  std::vector<const v1::Agency*> Children(absl::string_view root, const Period& period) const;

  // The members of a closed group in the period: agencies in force, of the
  // group's kind (any when unspecified), in the ancestor's subtree and not
  // the ancestor itself, by name.
  std::vector<const v1::Agency*> GroupMembers(const v1::AgencyGroup& group,
                                              const Period& period) const;

  // Who answers for `agency` in the period: itself when in force (or
  // unknown), else its successors, transitively, that are.
  std::vector<std::string> Resolve(absl::string_view agency, const Period& period) const;

  // Display name in "vi" or "en" (falls back to Vietnamese, then the name).
  std::string DisplayName(absl::string_view agency, absl::string_view language) const;

  // A checksum of everything roll-ups depend on (names, parents,
  // successors); equal fingerprints mean equal roll-up placement.
  const std::string& fingerprint() const { return fingerprint_; }
  size_t size() const { return agencies_.size(); }
  const std::map<std::string, v1::Agency>& agencies() const { return agencies_; }

 private:
  // The roots of `agency`, computed by walking its links.
  std::vector<std::string> WalkRoots(absl::string_view agency) const;

  std::map<std::string, v1::Agency> agencies_;
  // Every known agency's roots, computed once: queries test subtree
  // membership for thousands of agencies per call.
  absl::flat_hash_map<std::string, std::vector<std::string>> roots_;
  absl::flat_hash_map<std::string, const v1::Agency*> by_name_;
  // parent → children and successor → merged units.
  std::map<std::string, std::vector<std::string>> below_;
  std::string fingerprint_;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_HIERARCHY_H_
