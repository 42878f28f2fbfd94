#ifndef TONGHOP_SERVICES_COMMON_AGENCY_MATCHER_H_
#define TONGHOP_SERVICES_COMMON_AGENCY_MATCHER_H_

// Which agency someone meant, from what they typed where an agency id was
// expected: an id in the wrong case ("DONG-NAI-SO-Y-TE"), a misspelt id
// ("dong-nai-so-yte"), part of an id ("so-y-te"), or a Vietnamese name or
// alias with or without diacritics ("Sở Y tế", "so y te tinh dong nai"). Used
// by the CLI before it sends an agency anywhere, and by the services to
// suggest the agency a request probably meant.
//
// Names are compared as NormalizeKey() keys (services/common/text.h: ICU
// folding, case- and diacritic-insensitive, abbreviations expanded) and by
// NameDistance(), the matcher the plan importer uses for agency names.
//
// Nothing is ever resolved silently: an input that is not an exact id is an
// error that carries suggestions.
//
// Immutable after construction; safe for concurrent use. Copies what it
// needs from the agencies it is given.

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tonghop/v1/agency.pb.h"

namespace tonghop {

class AgencyMatcher {
 public:
  explicit AgencyMatcher(const std::vector<v1::Agency>& agencies);

  // The agency with exactly this id ("dong-nai") or name
  // ("agencies/dong-nai"), or nullptr.
  const v1::Agency* Find(absl::string_view id_or_name) const;

  // Up to `max` agencies `input` most likely means, best first: the same key
  // as an id, name or alias; then ids, names and aliases holding every word
  // of the input in order ("Sở Y tế" is in every province's Sở Y tế, "Sở Y
  // tế Hà Nội" in "Sở Y tế thành phố Hà Nội"), fewest other words first; then
  // the nearest by edit distance (within a fifth of the input's length).
  // Only the best kind found is offered: an
  // exact key hides partial matches, and a near miss those one edit further.
  std::vector<const v1::Agency*> Suggest(absl::string_view input, size_t max = 3) const;

  // "did you mean dong-nai-so-y-te (Sở Y tế tỉnh Đồng Nai)?", naming up to
  // three suggestions, or "" when nothing is close.
  std::string DidYouMean(absl::string_view input) const;

  size_t size() const { return agencies_.size(); }

 private:
  std::vector<v1::Agency> agencies_;
  std::unordered_map<std::string, size_t> by_id_;
  // Per agency: the key of its id ("dong nai so y te") and of each name.
  std::vector<std::string> id_keys_;
  std::vector<std::vector<std::string>> name_keys_;
};

// "dong-nai" for "agencies/dong-nai" or "dong-nai".
std::string AgencyId(absl::string_view id_or_name);

// The error for an agency that `matcher` does not know, with what it
// probably meant: for a well-formed id, NOT_FOUND "agencies/x does not
// exist; did you mean y (Sở Y tế …)?" (ErrorInfo RESOURCE_NOT_FOUND); for
// anything else (a Vietnamese name, a typo with a space), INVALID_ARGUMENT
// saying that it is not an agency id, as a violation of `field`, or, when
// `field` is empty (the caller's own identity), in the message alone
// (ErrorInfo INVALID_AGENCY_ID). The suggested ids are also in the ErrorInfo
// metadata "suggestions", comma-separated; the Vietnamese message names them
// too.
absl::Status UnknownAgency(absl::string_view input, absl::string_view field,
                           const AgencyMatcher& matcher);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_AGENCY_MATCHER_H_
