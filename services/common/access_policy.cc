#include "services/common/access_policy.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"

namespace tonghop {
namespace {

// Longest chain walked; the registry refuses cycles, this only bounds a
// damaged one.
constexpr int kMaxDepth = 64;

bool ReadsForOthers(const Caller& caller) {
  return caller.HasRole(Role::kReviewer) || caller.HasRole(Role::kAnalyst) ||
         caller.HasRole(Role::kAdmin);
}

// Kinds a province's Department of Justice may give the agencies it creates.
bool IsOrdinaryKind(v1::AgencyKind kind) {
  switch (kind) {
    case v1::AGENCY_KIND_DEPARTMENT:
    case v1::AGENCY_KIND_DISTRICT:
    case v1::AGENCY_KIND_COMMUNE:
    case v1::AGENCY_KIND_INDEPENDENT_BODY:
    case v1::AGENCY_KIND_SECURITY_FORCE:
      return true;
    default:
      return false;
  }
}

bool SameDate(const google::type::Date& a, const google::type::Date& b) {
  return a.year() == b.year() && a.month() == b.month() && a.day() == b.day();
}

bool SameSuccessors(const v1::Agency& a, const v1::Agency& b) {
  std::set<std::string> x(a.successors().begin(), a.successors().end());
  std::set<std::string> y(b.successors().begin(), b.successors().end());
  return x == y;
}

// The fields whose change reshapes the hierarchy (who reports to whom, who
// reviews, what counts under what), parent excepted.
bool ChangesStructureBesidesParent(const v1::Agency& before, const v1::Agency& after) {
  return before.kind() != after.kind() || before.focal_agency() != after.focal_agency() ||
         !SameSuccessors(before, after) || before.has_valid_from() != after.has_valid_from() ||
         !SameDate(before.valid_from(), after.valid_from()) ||
         before.has_valid_to() != after.has_valid_to() ||
         !SameDate(before.valid_to(), after.valid_to());
}

absl::Status Denied(const Caller& caller, absl::string_view action, absl::string_view resource) {
  return PermissionDenied(caller.Actor(), action, resource);
}

absl::Status NeedRole(const Caller& caller, Role role, absl::string_view action,
                      absl::string_view resource) {
  if (caller.HasRole(role)) return absl::OkStatus();
  return WithErrorInfo(
      PermissionDenied(caller.Actor(), action, resource), "ROLE_REQUIRED",
      {{"role", std::string(RoleName(role))}, {"caller", caller.Actor()}});
}

absl::Status NeedIdentity(const Caller& caller) {
  if (!caller.agency.empty()) return absl::OkStatus();
  return Unauthenticated(
      "this call needs an identity: a client certificate, a bearer token (tonghop login) or a "
      "signed-in session");
}

}  // namespace

absl::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kReadRegistry: return "read the registry";
    case Permission::kWriteReferenceData: return "change dimensions and indicators";
    case Permission::kWriteAgency: return "change an agency";
    case Permission::kWritePlan: return "change a plan";
    case Permission::kReadUser: return "read a person's record";
    case Permission::kWriteUser: return "change a person's record";
    case Permission::kWriteReport: return "write a report";
    case Permission::kReviewReport: return "review a report";
    case Permission::kReadReport: return "read a report";
    case Permission::kReadRollup: return "read roll-ups";
    case Permission::kEditCompiledReport: return "edit a compiled report";
    case Permission::kForward: return "forward figures upstream";
    case Permission::kAdministerInstance: return "administer the instance";
  }
  return "";
}

std::vector<std::string> AssigneesOf(const std::vector<v1::Task>& tasks) {
  std::set<std::string> out;
  auto add = [&out](const v1::Assignment& a) {
    if (a.has_group()) {
      // An open group ("các bộ, ngành liên quan") binds nobody: whoever is
      // concerned reports, and nobody is counted missing.
      if (a.group().open()) return;
      if (!a.group().ancestor().empty()) out.insert(a.group().ancestor());
    } else if (!a.agency().empty()) {
      out.insert(a.agency());
    }
  };
  for (const v1::Task& task : tasks) {
    for (const v1::Assignment& a : task.lead()) add(a);
    for (const v1::Assignment& a : task.coordinating()) add(a);
  }
  return std::vector<std::string>(out.begin(), out.end());
}

AccessPolicy::AccessPolicy(std::string operator_agency)
    : operator_agency_(std::move(operator_agency)) {}

bool AccessPolicy::IsAuthority(const Caller& caller) const {
  return !caller.agency.empty() && caller.agency == operator_agency_;
}

absl::StatusOr<std::vector<v1::Agency>> AccessPolicy::Chain(const AgencyDirectory& directory,
                                                            absl::string_view agency) const {
  std::vector<v1::Agency> chain;
  std::string current(agency);
  std::set<std::string> seen;
  while (!current.empty() && chain.size() < kMaxDepth && seen.insert(current).second) {
    ASSIGN_OR_RETURN(std::optional<v1::Agency> node, directory.FindAgency(current));
    if (!node) break;
    current = node->parent();
    chain.push_back(*std::move(node));
  }
  return chain;
}

absl::StatusOr<bool> AccessPolicy::InReach(const AgencyDirectory& directory,
                                           absl::string_view of,
                                           absl::string_view agency) const {
  if (of.empty() || agency.empty()) return false;
  if (of == agency) return true;
  ASSIGN_OR_RETURN(std::vector<v1::Agency> chain, Chain(directory, agency));
  for (const v1::Agency& node : chain) {
    if (node.name() == of || node.focal_agency() == of) return true;
  }
  return false;
}

absl::StatusOr<bool> AccessPolicy::InScope(const AgencyDirectory& directory,
                                           absl::string_view of,
                                           absl::string_view agency) const {
  if (of.empty() || agency.empty() || of == agency) return false;
  ASSIGN_OR_RETURN(std::vector<v1::Agency> chain, Chain(directory, agency));
  if (chain.empty() || chain.front().focal_agency() == of) return false;
  for (const v1::Agency& node : chain) {
    if (node.name() == of || node.focal_agency() == of) return true;
  }
  return false;
}

absl::StatusOr<bool> AccessPolicy::MayHoldChildren(const AgencyDirectory& directory,
                                                   absl::string_view of,
                                                   absl::string_view parent) const {
  if (of.empty() || parent.empty()) return false;
  ASSIGN_OR_RETURN(std::optional<v1::Agency> node, directory.FindAgency(parent));
  if (node && node->focal_agency() == of) return true;
  return InScope(directory, of, parent);
}

absl::StatusOr<std::string> AccessPolicy::ReviewerOf(const AgencyDirectory& directory,
                                                     absl::string_view agency) const {
  ASSIGN_OR_RETURN(std::vector<v1::Agency> chain, Chain(directory, agency));
  for (size_t i = 1; i < chain.size(); ++i) {
    const std::string& focal = chain[i].focal_agency();
    if (!focal.empty() && focal != agency) return focal;
  }
  return std::string();
}

absl::Status AccessPolicy::CheckReadRegistry(const Caller& caller) const {
  return NeedIdentity(caller);
}

absl::Status AccessPolicy::CheckWriteReferenceData(const Caller& caller,
                                                   absl::string_view resource) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  RETURN_IF_ERROR(NeedRole(caller, Role::kAdmin, "change", resource));
  if (IsAuthority(caller)) return absl::OkStatus();
  return Denied(caller, "change", resource);
}

absl::Status AccessPolicy::CheckWriteAgency(const Caller& caller,
                                            const AgencyDirectory& directory,
                                            const std::optional<v1::Agency>& before,
                                            const std::optional<v1::Agency>& after,
                                            bool registry_empty) const {
  const std::string& name = after ? after->name() : before ? before->name() : operator_agency_;
  absl::string_view action = !before ? "create" : !after ? "delete" : "update";
  RETURN_IF_ERROR(NeedIdentity(caller));
  RETURN_IF_ERROR(NeedRole(caller, Role::kAdmin, action, name));
  if (IsAuthority(caller)) return absl::OkStatus();
  if (registry_empty) return Denied(caller, action, name);
  const std::string& me = caller.agency;
  if (before && after) {
    if (ChangesStructureBesidesParent(*before, *after)) {
      return WithErrorInfo(Denied(caller, "change the kind, focal agency, successors or validity "
                                          "of",
                                  name),
                           "STRUCTURAL_CHANGE", {{"agency", name}});
    }
    if (before->parent() != after->parent()) {
      ASSIGN_OR_RETURN(bool old_parent, MayHoldChildren(directory, me, before->parent()));
      ASSIGN_OR_RETURN(bool new_parent, MayHoldChildren(directory, me, after->parent()));
      ASSIGN_OR_RETURN(bool moved, InScope(directory, me, name));
      if (!old_parent || !new_parent || !moved) {
        return WithErrorInfo(Denied(caller, "move", name), "STRUCTURAL_CHANGE",
                             {{"agency", name}});
      }
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(bool reach, InReach(directory, me, name));
    if (reach) return absl::OkStatus();
    return Denied(caller, action, name);
  }
  const v1::Agency& agency = after ? *after : *before;
  if (!IsOrdinaryKind(agency.kind()) || !agency.focal_agency().empty() ||
      agency.successors_size() > 0) {
    return WithErrorInfo(Denied(caller, action, name), "STRUCTURAL_CHANGE",
                         {{"agency", name}});
  }
  // A new agency is in scope when its parent may hold children the caller
  // creates; a deleted one when it is in scope.
  bool allowed = false;
  if (after) {
    ASSIGN_OR_RETURN(allowed, MayHoldChildren(directory, me, agency.parent()));
  } else {
    ASSIGN_OR_RETURN(allowed, InScope(directory, me, name));
  }
  if (allowed) return absl::OkStatus();
  return Denied(caller, action, name);
}

absl::Status AccessPolicy::CheckWritePlan(const Caller& caller, const AgencyDirectory& directory,
                                          absl::string_view plan,
                                          absl::string_view issuer_before,
                                          absl::string_view issuer_after,
                                          const std::vector<std::string>& assignees,
                                          bool registry_empty) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  RETURN_IF_ERROR(NeedRole(caller, Role::kAdmin, "change", plan));
  if (registry_empty && !IsAuthority(caller)) return Denied(caller, "change", plan);
  if (!IsAuthority(caller)) {
    for (absl::string_view issuer : {issuer_before, issuer_after}) {
      if (issuer.empty()) continue;
      ASSIGN_OR_RETURN(bool reach, InReach(directory, caller.agency, issuer));
      if (!reach) return Denied(caller, "change", plan);
    }
  }
  // Whoever writes it, a plan binds only the agencies its issuer reaches.
  // An agency the registry does not know is left to validation, which
  // names it.
  if (!issuer_after.empty()) {
    for (const std::string& assignee : assignees) {
      ASSIGN_OR_RETURN(std::optional<v1::Agency> known, directory.FindAgency(assignee));
      if (!known) continue;
      ASSIGN_OR_RETURN(bool reach, InReach(directory, issuer_after, assignee));
      if (!reach) {
        return WithErrorInfo(
            PermissionDenied(caller.Actor(),
                             absl::StrCat("assign duties to ", assignee, " in"), plan),
            "ASSIGNEE_OUTSIDE_ISSUER_SCOPE",
            {{"assignee", assignee}, {"issuer", std::string(issuer_after)}});
      }
    }
  }
  return absl::OkStatus();
}

absl::Status AccessPolicy::CheckImportPlan(const Caller& caller,
                                           const AgencyDirectory& directory,
                                           absl::string_view issuer) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  RETURN_IF_ERROR(NeedRole(caller, Role::kAdmin, "import", "plans"));
  if (!issuer.empty() && !IsAuthority(caller)) {
    ASSIGN_OR_RETURN(bool reach, InReach(directory, caller.agency, issuer));
    if (!reach) return Denied(caller, "import a plan of", issuer);
  }
  return absl::OkStatus();
}

absl::Status AccessPolicy::CheckReadUser(const Caller& caller, const AgencyDirectory& directory,
                                         absl::string_view user,
                                         absl::string_view user_agency) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  if (!caller.user.empty() && caller.user == user) return absl::OkStatus();
  RETURN_IF_ERROR(NeedRole(caller, Role::kAdmin, "read", user));
  if (IsAuthority(caller)) return absl::OkStatus();
  ASSIGN_OR_RETURN(bool reach, InReach(directory, caller.agency, user_agency));
  if (reach) return absl::OkStatus();
  return Denied(caller, "read", user);
}

absl::Status AccessPolicy::CheckWriteUser(const Caller& caller, const AgencyDirectory& directory,
                                          absl::string_view user,
                                          absl::string_view agency_before,
                                          absl::string_view agency_after,
                                          bool changes_standing) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  RETURN_IF_ERROR(NeedRole(caller, Role::kAdmin, "change", user));
  if (!caller.user.empty() && caller.user == user && changes_standing) {
    return WithErrorInfo(Denied(caller, "change their own roles, agency or state as", user),
                         "SELF_ELEVATION");
  }
  if (IsAuthority(caller)) return absl::OkStatus();
  // A person no agency is known for (one that does not exist) is judged
  // the authority's: nobody else learns who exists.
  if (agency_before.empty() && agency_after.empty()) return Denied(caller, "change", user);
  for (absl::string_view agency : {agency_before, agency_after}) {
    if (agency.empty()) continue;
    ASSIGN_OR_RETURN(bool reach, InReach(directory, caller.agency, agency));
    if (!reach) return Denied(caller, "change", user);
  }
  return absl::OkStatus();
}

absl::Status AccessPolicy::CheckWriteReport(const Caller& caller, absl::string_view agency,
                                            absl::string_view resource) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  if (caller.agency != agency) return Denied(caller, "write", resource);
  return NeedRole(caller, Role::kClerk, "write", resource);
}

absl::Status AccessPolicy::CheckReviewReport(const Caller& caller,
                                             const AgencyDirectory& directory,
                                             absl::string_view agency,
                                             absl::string_view resource) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  if (caller.agency == agency) {
    return WithErrorInfo(Denied(caller, "review", resource), "OWN_REPORT");
  }
  ASSIGN_OR_RETURN(std::string reviewer, ReviewerOf(directory, agency));
  if (reviewer.empty() || reviewer != caller.agency) return Denied(caller, "review", resource);
  return NeedRole(caller, Role::kReviewer, "review", resource);
}

absl::Status AccessPolicy::CheckReadReport(const Caller& caller,
                                           const AgencyDirectory& directory,
                                           absl::string_view agency,
                                           absl::string_view resource) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  if (caller.agency == agency) return absl::OkStatus();
  if (!ReadsForOthers(caller)) return Denied(caller, "read", resource);
  if (IsAuthority(caller)) return absl::OkStatus();
  ASSIGN_OR_RETURN(bool reach, InReach(directory, caller.agency, agency));
  if (reach) return absl::OkStatus();
  return Denied(caller, "read", resource);
}

absl::Status AccessPolicy::CheckReadRollup(const Caller& caller,
                                           const AgencyDirectory& directory,
                                           absl::string_view root) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  if (caller.agency == root) return absl::OkStatus();
  if (!ReadsForOthers(caller)) return Denied(caller, "read the roll-ups of", root);
  if (IsAuthority(caller)) return absl::OkStatus();
  ASSIGN_OR_RETURN(bool reach, InReach(directory, caller.agency, root));
  if (reach) return absl::OkStatus();
  return Denied(caller, "read the roll-ups of", root);
}

absl::Status AccessPolicy::CheckEditCompiledReport(const Caller& caller,
                                                   absl::string_view compiler,
                                                   absl::string_view resource) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  if (compiler.empty() || caller.agency != compiler) return Denied(caller, "edit", resource);
  if (!caller.HasRole(Role::kReviewer) && !caller.HasRole(Role::kAdmin)) {
    return NeedRole(caller, Role::kReviewer, "edit", resource);
  }
  return absl::OkStatus();
}

absl::Status AccessPolicy::CheckForward(const Caller& caller, const AgencyDirectory& directory,
                                        absl::string_view agency,
                                        absl::string_view upstream_identity) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  if (!caller.HasRole(Role::kReviewer) && !caller.HasRole(Role::kAdmin)) {
    return NeedRole(caller, Role::kReviewer, "forward the figures of", agency);
  }
  if (!IsAuthority(caller)) {
    ASSIGN_OR_RETURN(std::optional<v1::Agency> forwarded, directory.FindAgency(agency));
    if (!forwarded || forwarded->focal_agency() != caller.agency) {
      return Denied(caller, "forward the figures of", agency);
    }
  }
  if (upstream_identity.empty()) {
    return FailedPrecondition(
        "NO_UPSTREAM",
        "this instance has no upstream: start tonghopd with --upstream=HOST:PORT and the "
        "certificate it presents there");
  }
  if (upstream_identity != agency) {
    return WithErrorInfo(
        PermissionDenied(caller.Actor(), "forward the figures of", agency),
        "NOT_THIS_INSTANCE_IDENTITY",
        {{"agency", std::string(agency)}, {"instance_identity", std::string(upstream_identity)}});
  }
  return absl::OkStatus();
}

absl::Status AccessPolicy::CheckAdministerInstance(const Caller& caller,
                                                   absl::string_view what) const {
  RETURN_IF_ERROR(NeedIdentity(caller));
  RETURN_IF_ERROR(NeedRole(caller, Role::kAdmin, "administer", what));
  if (IsAuthority(caller)) return absl::OkStatus();
  return Denied(caller, "administer", what);
}

}  // namespace tonghop
