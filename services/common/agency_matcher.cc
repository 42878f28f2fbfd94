#include "services/common/agency_matcher.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/resource_names.h"
#include "services/common/text.h"

namespace tonghop {
namespace {

constexpr absl::string_view kPrefix = "agencies/";
constexpr size_t kMaxNamedSuggestions = 3;

// Ranks: an equal key, then keys holding every typed word in order (fewer
// other words first), then the edit distance.
constexpr int kEqual = 0;
constexpr int kPartial = 100;
constexpr int kNear = 1000;

std::vector<absl::string_view> Words(absl::string_view key) {
  return absl::StrSplit(key, ' ', absl::SkipEmpty());
}

// Whether `typed` appears in `words` in order, other words allowed between:
// "so y te ha noi" in "so y te thanh pho ha noi".
bool ContainsInOrder(const std::vector<absl::string_view>& words,
                     const std::vector<absl::string_view>& typed) {
  if (typed.empty() || typed.size() > words.size()) return false;
  size_t next = 0;
  for (absl::string_view word : words) {
    if (next < typed.size() && word == typed[next]) ++next;
  }
  return next == typed.size();
}

// "dong-nai-so-y-te (Sở Y tế tỉnh Đồng Nai)".
std::string Label(const v1::Agency& agency) {
  std::string id = AgencyId(agency.name());
  return agency.display_name().empty() ? id
                                       : absl::StrCat(id, " (", agency.display_name(), ")");
}

}  // namespace

std::string AgencyId(absl::string_view id_or_name) {
  if (absl::StartsWith(id_or_name, kPrefix)) id_or_name.remove_prefix(kPrefix.size());
  return std::string(id_or_name);
}

AgencyMatcher::AgencyMatcher(const std::vector<v1::Agency>& agencies) : agencies_(agencies) {
  id_keys_.reserve(agencies_.size());
  name_keys_.reserve(agencies_.size());
  for (size_t i = 0; i < agencies_.size(); ++i) {
    const v1::Agency& agency = agencies_[i];
    std::string id = AgencyId(agency.name());
    by_id_.emplace(id, i);
    id_keys_.push_back(NormalizeKey(id));
    std::vector<std::string> keys;
    auto add = [&](absl::string_view name) {
      std::string key = NormalizeKey(name);
      if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end()) {
        keys.push_back(std::move(key));
      }
    };
    add(agency.display_name());
    for (const std::string& alias : agency.aliases()) add(alias);
    name_keys_.push_back(std::move(keys));
  }
}

const v1::Agency* AgencyMatcher::Find(absl::string_view id_or_name) const {
  auto it = by_id_.find(AgencyId(id_or_name));
  return it == by_id_.end() ? nullptr : &agencies_[it->second];
}

std::vector<const v1::Agency*> AgencyMatcher::Suggest(absl::string_view input,
                                                      size_t max) const {
  std::string typed = NormalizeKey(AgencyId(input));
  if (typed.empty() || max == 0) return {};
  std::vector<absl::string_view> typed_words = Words(typed);
  // A suggestion must be surer than the importer's candidates
  // (NameDistance allows half the name): "UBND tỉnh Cà Mau" is not a
  // misspelt "UBND tỉnh Đồng Nai".
  int near = std::max(2, static_cast<int>(typed.size()) / 5);
  std::vector<std::pair<int, size_t>> ranked;
  for (size_t i = 0; i < agencies_.size(); ++i) {
    int best = std::numeric_limits<int>::max();
    std::vector<absl::string_view> id_words = Words(id_keys_[i]);
    if (id_keys_[i] == typed) best = kEqual;
    if (ContainsInOrder(id_words, typed_words)) {
      best = std::min(best, kPartial + static_cast<int>(id_words.size() - typed_words.size()));
    }
    int id_distance = NameDistance(typed, id_keys_[i]);
    if (id_distance >= 0 && id_distance <= near) best = std::min(best, kNear + id_distance);
    for (const std::string& key : name_keys_[i]) {
      if (key == typed) best = kEqual;
      std::vector<absl::string_view> name_words = Words(key);
      if (ContainsInOrder(name_words, typed_words)) {
        best = std::min(best,
                        kPartial + static_cast<int>(name_words.size() - typed_words.size()));
      }
      int distance = NameDistance(typed, key);
      if (distance >= 0 && distance <= near) best = std::min(best, kNear + distance);
    }
    if (best == std::numeric_limits<int>::max()) continue;
    ranked.emplace_back(best, i);
  }
  std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return agencies_[a.second].name() < agencies_[b.second].name();
  });
  // Only the best kind of match is offered: an agency with exactly the typed
  // name hides those that merely contain it, and a near miss those further.
  std::vector<const v1::Agency*> out;
  int best = ranked.empty() ? 0 : ranked.front().first;
  for (const auto& [score, i] : ranked) {
    bool offered = best < kPartial ? score == best
                   : best < kNear  ? score < kNear
                                   : score <= best + 1;
    if (out.size() == max || !offered) break;
    out.push_back(&agencies_[i]);
  }
  return out;
}

std::string AgencyMatcher::DidYouMean(absl::string_view input) const {
  std::vector<const v1::Agency*> suggestions = Suggest(input, kMaxNamedSuggestions);
  if (suggestions.empty()) return "";
  std::vector<std::string> labels;
  for (const v1::Agency* agency : suggestions) labels.push_back(Label(*agency));
  std::string last = labels.back();
  labels.pop_back();
  return labels.empty()
             ? absl::StrCat("did you mean ", last, "?")
             : absl::StrCat("did you mean ", absl::StrJoin(labels, ", "), " or ", last, "?");
}

absl::Status UnknownAgency(absl::string_view input, absl::string_view field,
                           const AgencyMatcher& matcher) {
  std::string id = AgencyId(input);
  bool is_id = IsValidSlugId(id);
  std::string hint = matcher.DidYouMean(input);
  std::vector<std::string> ids;
  for (const v1::Agency* agency : matcher.Suggest(input, kMaxNamedSuggestions)) {
    ids.push_back(AgencyId(agency->name()));
  }
  std::string suffix = hint.empty() ? "" : absl::StrCat("; ", hint);
  std::string vietnamese_hint =
      ids.empty() ? std::string(" Mã cơ quan gồm chữ thường không dấu, số và gạch nối, ví dụ "
                                "dong-nai-so-y-te.")
                  : absl::StrCat(" Có phải ý bạn là: ", absl::StrJoin(ids, ", "), "?");
  // Nothing known is close (or nothing is known): at least the form an id
  // of those words takes.
  std::string shape = absl::StrJoin(KeyWords(input), "-");
  if (!is_id && ids.empty() && IsValidSlugId(shape)) {
    absl::StrAppend(&suffix, "; written as an id it would be ", shape);
    absl::StrAppend(&vietnamese_hint, " Viết dưới dạng mã: ", shape, ".");
  }
  std::map<std::string, std::string> metadata;
  if (!ids.empty()) metadata["suggestions"] = absl::StrJoin(ids, ",");

  if (is_id) {
    std::string name = MakeName("agencies", id);
    metadata["resource"] = name;
    return WithVietnamese(
        WithErrorInfo(absl::NotFoundError(absl::StrCat(name, " does not exist", suffix)),
                      "RESOURCE_NOT_FOUND", metadata),
        absl::StrCat("Không tìm thấy cơ quan ", id, ".", vietnamese_hint));
  }
  constexpr absl::string_view kNotAnId =
      "not an agency id (lowercase letters, digits and hyphens, e.g. dong-nai-so-y-te)";
  absl::Status status =
      field.empty()
          ? absl::InvalidArgumentError(
                absl::StrCat("unknown agency ", QuoteInput(input), ": ", kNotAnId, suffix))
          : InvalidField(field, absl::StrCat(QuoteInput(input), " is ", kNotAnId, suffix));
  return WithVietnamese(
      WithErrorInfo(std::move(status), field.empty() ? "INVALID_AGENCY_ID" : "INVALID_FIELDS",
                    metadata),
      absl::StrCat("Không có cơ quan nào mang mã ", QuoteInput(input), ".", vietnamese_hint));
}

}  // namespace tonghop
