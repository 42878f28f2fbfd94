#ifndef TONGHOP_SERVICES_COMMON_ACCESS_POLICY_H_
#define TONGHOP_SERVICES_COMMON_ACCESS_POLICY_H_

// The one access policy: every permission of every service and of the HTTP
// gateway is decided here, from the caller, what it wants to do, and the
// agencies the resource belongs to. The services only gather the facts
// (the agencies involved) and ask; none writes a rule of its own.
//
// The words used below:
// - The *authority* of an instance is its operator agency (tonghopd
//   --operator-agency; the Ministry of Justice by default). It administers
//   the instance: the registry's structure, the reference data, the change
//   feed, the audit trail, the roll-ups' rebuild.
// - An agency's *chain* is the agency, its parent, and so on up to the root.
// - The *reach* of a caller's agency A is every agency whose chain holds A
//   or an agency whose focal agency is A: A's own subtree, and the subtrees
//   it is the focal agency of (a province's Department of Justice reaches
//   the whole province; the Ministry, focal agency of the root, reaches
//   everything).
// - The *scope* of A is its reach without A itself: the agencies it
//   administers in the registry for others.
// - The *reviewer* of an agency X is the focal agency of the nearest strict
//   ancestor of X whose focal agency is not X itself: a commune's report is
//   reviewed by its province's Department of Justice, that Department's own
//   report by the Ministry. Nobody reviews a report of their own agency.
//
// The rules (docs/security.md prints them as a matrix; access_policy_test.cc
// checks every cell):
// - No identity: nothing (UNAUTHENTICATED).
// - Registry reads: any identified caller. People's records: the person
//   themself, and admins whose reach holds the person's agency.
// - Reports: a clerk of the agency drafts, submits and withdraws them; the
//   reviewer's reviewers review them; anyone of the agency reads them, and
//   reviewers, analysts and admins read the reports of their reach.
//   The e-mail notices sent to an agency (about its reports) are read as
//   its reports are; the instance's notices all together, by the authority.
// - Roll-ups (rollup, completeness, task status, trend, compiled report):
//   anyone of the agency for the agency itself; reviewers, analysts and
//   admins for any agency of their reach; the authority everything.
// - Registry writes need the admin role:
//   - dimensions and indicators: the authority;
//   - agencies: non-structural fields (names, code, aliases, contact) within
//     the caller's reach; creating and deleting within its scope (never the
//     agencies it is the focal agency of, nor its own), with an ordinary
//     kind and no focal agency or successors; changing kind, focal agency,
//     successors or validity is the authority's; moving an agency to another
//     parent needs both parents in the caller's scope, else the authority;
//   - plans and their tasks: plans whose issuer (before and after) is within
//     the caller's reach; and whoever writes, a plan assigns duties
//     (lead or coordinating, requested or not, single agencies or groups)
//     only to agencies within its issuer's reach.
//   - people: admins for agencies of their reach (never their own roles,
//     agency or state).
// - The change feed, the rebuild of the roll-ups and the audit trail: the
//   authority with the admin role.
// - The draft of a compiled report (its letterhead and narrative): edited
//   by reviewers and admins of the compiling agency, who read its figures
//   and forward it; read as the compiled report is.
// - Forward: a reviewer or admin of the forwarded agency's focal agency (or
//   the authority), and only the figures of the agency this instance itself
//   is upstream (the server sends as its own identity, to the upstream
//   configured on the server).
// - An empty registry (no agency at all) accepts writes from the authority
//   only (its machine certificate or its bootstrap administrator).
//
// Thread-safe and immutable after construction.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/identity.h"
#include "tonghop/v1/agency.pb.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop {

// The agencies the policy reasons about, as the asking service sees them.
// Implementations are thread-safe for the duration of one decision.
class AgencyDirectory {
 public:
  virtual ~AgencyDirectory() = default;
  // The agency named `agencies/{id}`, or nullopt when the registry has none.
  virtual absl::StatusOr<std::optional<v1::Agency>> FindAgency(
      absl::string_view name) const = 0;
};

// Every kind of request the policy decides. Each RPC maps to exactly one
// (docs/security.md lists the mapping).
enum class Permission {
  kReadRegistry,
  kWriteReferenceData,
  kWriteAgency,
  kWritePlan,
  kReadUser,
  kWriteUser,
  kWriteReport,
  kReviewReport,
  kReadReport,
  kReadRollup,
  kEditCompiledReport,
  kForward,
  kAdministerInstance,
};

// The English name of a permission ("write a report"), for messages.
absl::string_view PermissionName(Permission permission);

class AccessPolicy {
 public:
  // `operator_agency` is the instance's authority, "agencies/{id}".
  explicit AccessPolicy(std::string operator_agency);

  const std::string& operator_agency() const { return operator_agency_; }

  // True when the caller acts for the instance's authority.
  bool IsAuthority(const Caller& caller) const;

  // OK, UNAUTHENTICATED (no identity) or PERMISSION_DENIED. `resource` is
  // the resource's name, for the message.

  // Registry reads (agencies, dimensions, indicators, plans, tasks, export).
  absl::Status CheckReadRegistry(const Caller& caller) const;

  // Dimensions and indicators; also any registry write while the registry
  // holds no agency (`registry_empty`).
  absl::Status CheckWriteReferenceData(const Caller& caller,
                                       absl::string_view resource) const;

  // Creating (`before` empty), updating or deleting (`after` empty) an
  // agency. `registry_empty`: the registry holds no agency yet.
  absl::Status CheckWriteAgency(const Caller& caller, const AgencyDirectory& directory,
                                const std::optional<v1::Agency>& before,
                                const std::optional<v1::Agency>& after,
                                bool registry_empty) const;

  // Creating, updating or deleting a plan or one of its tasks, or importing
  // one. `issuer_before` is the stored plan's issuer (empty for a new plan),
  // `issuer_after` the issuer it will have; `assignees` every agency the
  // plan's tasks (as they will be) assign duties to, singly or as a group's
  // ancestor.
  absl::Status CheckWritePlan(const Caller& caller, const AgencyDirectory& directory,
                              absl::string_view plan, absl::string_view issuer_before,
                              absl::string_view issuer_after,
                              const std::vector<std::string>& assignees,
                              bool registry_empty) const;

  // Whether the caller may import a plan at all, issued by `issuer` (empty:
  // the file names it): asked before the file is read, so that reading a
  // document, the costliest thing a request can ask, is only done for those
  // who may import. CheckWritePlan decides on what the file holds.
  absl::Status CheckImportPlan(const Caller& caller, const AgencyDirectory& directory,
                               absl::string_view issuer) const;

  // Reading the person `user` of agency `user_agency`.
  absl::Status CheckReadUser(const Caller& caller, const AgencyDirectory& directory,
                             absl::string_view user, absl::string_view user_agency) const;

  // Creating, updating or deleting a person, or resetting their password.
  // `agency_before` is empty for a new person, `agency_after` for a deleted
  // one; both empty (a person who does not exist) only the authority may.
  // `changes_standing`: the agency, roles or state change.
  absl::Status CheckWriteUser(const Caller& caller, const AgencyDirectory& directory,
                              absl::string_view user, absl::string_view agency_before,
                              absl::string_view agency_after, bool changes_standing) const;

  // Drafting, updating, submitting or withdrawing a report of `agency`.
  absl::Status CheckWriteReport(const Caller& caller, absl::string_view agency,
                                absl::string_view resource) const;

  // Reviewing (accepting or returning) a report of `agency`.
  absl::Status CheckReviewReport(const Caller& caller, const AgencyDirectory& directory,
                                 absl::string_view agency, absl::string_view resource) const;

  // Reading reports of `agency` (one, a list, its revisions).
  absl::Status CheckReadReport(const Caller& caller, const AgencyDirectory& directory,
                               absl::string_view agency, absl::string_view resource) const;

  // Reading the roll-ups of the subtree of `root`.
  absl::Status CheckReadRollup(const Caller& caller, const AgencyDirectory& directory,
                               absl::string_view root) const;

  // Editing the draft `resource` of a report compiled by `compiler`.
  absl::Status CheckEditCompiledReport(const Caller& caller, absl::string_view compiler,
                                       absl::string_view resource) const;

  // Forwarding the compiled figures of `agency` upstream, where this
  // instance acts as `upstream_identity` ("agencies/{id}"; empty when no
  // upstream is configured).
  absl::Status CheckForward(const Caller& caller, const AgencyDirectory& directory,
                            absl::string_view agency,
                            absl::string_view upstream_identity) const;

  // The change feed, rebuilding the roll-ups, the audit trail.
  absl::Status CheckAdministerInstance(const Caller& caller, absl::string_view what) const;

  // The agency that reviews the reports of `agency` (see above), or empty
  // when none does.
  absl::StatusOr<std::string> ReviewerOf(const AgencyDirectory& directory,
                                         absl::string_view agency) const;

  // True when `agency` is within the reach of `of` (see above).
  absl::StatusOr<bool> InReach(const AgencyDirectory& directory, absl::string_view of,
                               absl::string_view agency) const;

 private:
  // The agency and its ancestors, nearest first (at most 64; a cycle ends it).
  absl::StatusOr<std::vector<v1::Agency>> Chain(const AgencyDirectory& directory,
                                                absl::string_view agency) const;
  // True when `agency` is within the scope of `of`: within its reach, but
  // neither `of` itself nor an agency whose focal agency is `of`.
  absl::StatusOr<bool> InScope(const AgencyDirectory& directory, absl::string_view of,
                               absl::string_view agency) const;

  // True when `of` may place agencies under `parent`: `of` is the focal
  // agency of `parent`, or `parent` is within the scope of `of`.
  absl::StatusOr<bool> MayHoldChildren(const AgencyDirectory& directory, absl::string_view of,
                                       absl::string_view parent) const;

  std::string operator_agency_;
};

// Every agency a plan's tasks assign duties to: leads and coordinating
// agencies, singly or as a closed group's ancestor (an open group binds
// nobody). Sorted, unique.
std::vector<std::string> AssigneesOf(const std::vector<v1::Task>& tasks);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_ACCESS_POLICY_H_
