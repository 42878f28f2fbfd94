#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_AGENCY_RESOLVER_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_AGENCY_RESOLVER_H_

// Resolving agency names as a plan writes them to registry agencies.

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "tonghop/v1/agency.pb.h"
#include "tonghop/v1/plan.pb.h"

namespace tonghop::plan_import {

// What a name resolved to.
struct Resolution {
  enum class Kind { kNone, kAgency, kGroup };
  Kind kind = Kind::kNone;
  std::string agency;                // for kAgency: "agencies/{id}"
  tonghop::v1::AgencyGroup group;    // for kGroup
  bool national = false;             // a group of national bodies
};

// Resolves names of agencies and groups of agencies against the registry,
// relative to the issuing province.
//
// Names are compared by NormalizeKey (ICU folding: case- and
// diacritic-insensitive, abbreviations expanded). A name is looked up first
// among the issuer and its direct children, where the province's own name
// may be left out ("Sở Y tế", "Công an tỉnh" for "Sở Y tế tỉnh Đồng Nai",
// "Công an tỉnh Đồng Nai"), then among all agencies, where it must be
// unambiguous; another province's agency only by a name that says its
// province. Phrases naming a group are recognised: "UBND các xã, phường"
// (every commune of the province), "UBND các huyện, thị xã, thành phố"
// (every district), "các Sở, ngành có liên quan" (an open group: whoever is
// concerned), "các bộ, ngành liên quan" (national bodies: an open group of
// ministries).
//
// Immutable after construction and safe for concurrent use. Copies what it
// needs from `agencies`.
class AgencyResolver {
 public:
  AgencyResolver(const std::vector<tonghop::v1::Agency>& agencies,
                 absl::string_view issuer);

  // Resolves one name (no parenthesis, no trailing verb phrase).
  Resolution Resolve(absl::string_view name) const;

  // The registry agencies closest to `name`, best first, at most `max`;
  // agencies of other provinces than the issuer's are not offered.
  std::vector<std::string> Candidates(absl::string_view name, size_t max) const;

  // Whether "w1 w2" (key words either side of a " - ") occurs inside a known
  // agency name, so that the hyphen is part of the name rather than a bullet
  // ("Sở Lao động - Thương binh và Xã hội").
  bool HyphenJoins(absl::string_view left_word, absl::string_view right_word) const;

  // The agency named `name` ("agencies/x"), or nullptr.
  const tonghop::v1::Agency* Find(absl::string_view name) const;

  const std::string& issuer() const { return issuer_; }
  // The top of the issuer's chain of parents (the national root), or the
  // issuer itself when it has no known parent.
  const std::string& national_root() const { return national_root_; }
  // The issuer's focal agency (its Sở Tư pháp), or "".
  std::string IssuerFocalAgency() const;

 private:
  void AddKey(const std::string& key, size_t index, bool local);
  std::optional<Resolution> ResolveGroup(const std::vector<std::string>& words,
                                         absl::string_view original) const;

  std::vector<tonghop::v1::Agency> agencies_;
  std::unordered_map<std::string, size_t> by_name_;
  std::string issuer_;
  std::string national_root_;
  // Key → agency indexes; local holds the issuer and its direct children.
  std::unordered_map<std::string, std::vector<size_t>> local_;
  std::unordered_map<std::string, std::vector<size_t>> global_;
  std::vector<std::pair<std::string, size_t>> all_keys_;
  // Agencies under another province than the issuer's, and that
  // province's place name ("quang ngai") for them.
  std::vector<bool> foreign_;
  std::vector<std::string> foreign_place_;
  std::unordered_set<std::string> bigrams_;
};

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_AGENCY_RESOLVER_H_
