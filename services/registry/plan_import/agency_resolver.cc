#include "services/registry/plan_import/agency_resolver.h"

#include <algorithm>
#include <tuple>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::Agency;

constexpr size_t kMaxCandidateKey = 200;

bool EndsWithWords(const std::vector<std::string>& words,
                   const std::vector<std::string>& tail) {
  if (tail.empty() || tail.size() > words.size()) return false;
  return std::equal(tail.begin(), tail.end(), words.end() - static_cast<long>(tail.size()));
}

bool StartsWithWords(const std::vector<std::string>& words, size_t at,
                     std::initializer_list<absl::string_view> head) {
  if (at + head.size() > words.size()) return false;
  size_t i = at;
  for (absl::string_view h : head) {
    if (words[i++] != h) return false;
  }
  return true;
}

// The place a province's committee is named after ("dong nai" of "Ủy ban
// nhân dân tỉnh Đồng Nai"), as key words; empty for null.
std::vector<std::string> PlaceWords(const Agency* province) {
  if (province == nullptr) return {};
  std::vector<std::string> words = KeyWords(province->display_name());
  size_t i = 0;
  if (StartsWithWords(words, 0, {"uy", "ban", "nhan", "dan"})) i = 4;
  if (StartsWithWords(words, i, {"tinh"})) {
    i += 1;
  } else if (StartsWithWords(words, i, {"thanh", "pho"})) {
    i += 2;
  }
  return std::vector<std::string>(words.begin() + static_cast<long>(i), words.end());
}

// Hyphenated compounds of agency and group names that are not in any
// registry name ("tổ chức chính trị - xã hội").
const std::set<std::string>& BuiltinBigrams() {
  static const std::set<std::string>* bigrams = new std::set<std::string>{
      "tri xa", "te xa", "hoi nghe", "tinh song", "gioi lien", "dong thuong",
      "tin truyen"};
  return *bigrams;
}

}  // namespace

AgencyResolver::AgencyResolver(const std::vector<Agency>& agencies,
                               absl::string_view issuer)
    : agencies_(agencies), issuer_(issuer) {
  for (size_t i = 0; i < agencies_.size(); ++i) by_name_[agencies_[i].name()] = i;

  // The national root: follow the issuer's parents while they are known.
  national_root_ = issuer_;
  std::set<std::string> seen;
  for (const Agency* a = Find(issuer_); a != nullptr && !a->parent().empty();
       a = Find(a->parent())) {
    if (!seen.insert(a->parent()).second) break;
    national_root_ = a->parent();
  }

  // The province each agency is in (itself for a province), to keep other
  // provinces' units out of the candidates.
  auto province_of = [&](const Agency* a) -> std::string {
    std::set<std::string> visited;
    for (; a != nullptr && visited.insert(a->name()).second; a = Find(a->parent())) {
      if (a->kind() == tonghop::v1::AGENCY_KIND_PROVINCE) return a->name();
    }
    return "";
  };
  std::string own_province = province_of(Find(issuer_));
  foreign_.assign(agencies_.size(), false);
  foreign_place_.assign(agencies_.size(), "");
  for (size_t i = 0; i < agencies_.size(); ++i) {
    std::string province = province_of(&agencies_[i]);
    foreign_[i] = !province.empty() && !own_province.empty() && province != own_province;
    if (foreign_[i]) foreign_place_[i] = absl::StrJoin(PlaceWords(Find(province)), " ");
  }

  // The issuer's place name ("dong nai"), which its units' names end with.
  std::vector<std::string> place = PlaceWords(Find(issuer_));

  for (size_t i = 0; i < agencies_.size(); ++i) {
    const Agency& a = agencies_[i];
    bool local = a.name() == issuer_ || a.parent() == issuer_;
    std::vector<std::string> names = {a.display_name()};
    names.insert(names.end(), a.aliases().begin(), a.aliases().end());
    for (const std::string& n : names) {
      std::vector<std::string> words = KeyWords(n);
      if (words.empty()) continue;
      for (size_t w = 0; w + 1 < words.size(); ++w) {
        bigrams_.insert(absl::StrCat(words[w], " ", words[w + 1]));
      }
      AddKey(absl::StrJoin(words, " "), i, local);
      if (!local || place.empty() || !EndsWithWords(words, place) ||
          words.size() == place.size()) {
        continue;
      }
      // "Sở Y tế tỉnh Đồng Nai" is also "Sở Y tế tỉnh" and "Sở Y tế".
      words.resize(words.size() - place.size());
      AddKey(absl::StrJoin(words, " "), i, true);
      if (words.size() > 1 && words.back() == "tinh") {
        words.pop_back();
        AddKey(absl::StrJoin(words, " "), i, true);
      } else if (words.size() > 2 && EndsWithWords(words, {"thanh", "pho"})) {
        words.resize(words.size() - 2);
        AddKey(absl::StrJoin(words, " "), i, true);
      }
    }
  }
}

void AgencyResolver::AddKey(const std::string& key, size_t index, bool local) {
  if (key.empty()) return;
  auto add = [&](std::unordered_map<std::string, std::vector<size_t>>& map) {
    std::vector<size_t>& v = map[key];
    if (std::find(v.begin(), v.end(), index) == v.end()) v.push_back(index);
  };
  if (local) add(local_);
  // Shortened keys stay local: "Sở Y tế" means the issuer's own.
  bool full = false;
  const Agency& a = agencies_[index];
  if (NormalizeKey(a.display_name()) == key) full = true;
  for (const std::string& alias : a.aliases()) {
    if (NormalizeKey(alias) == key) full = true;
  }
  if (full) add(global_);
  all_keys_.emplace_back(key, index);
}

const Agency* AgencyResolver::Find(absl::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &agencies_[it->second];
}

std::string AgencyResolver::IssuerFocalAgency() const {
  const Agency* is = Find(issuer_);
  return is == nullptr ? "" : is->focal_agency();
}

Resolution AgencyResolver::Resolve(absl::string_view name) const {
  Resolution r;
  std::vector<std::string> words = KeyWords(name);
  if (words.empty()) return r;
  std::string key = absl::StrJoin(words, " ");
  for (const auto* map : {&local_, &global_}) {
    auto it = map->find(key);
    if (it == map->end()) continue;
    // Another province's unit only by a name that says which province:
    // "Sở GD&ĐT" in a Tuyên Quang plan is not Đồng Nai's, whatever its
    // aliases say; "Thanh tra tỉnh Quảng Ngãi" is Quảng Ngãi's anywhere.
    std::vector<size_t> hits;
    std::string padded = absl::StrCat(" ", key, " ");
    for (size_t index : it->second) {
      bool named = !foreign_place_[index].empty() &&
                   padded.find(absl::StrCat(" ", foreign_place_[index], " ")) != std::string::npos;
      if (!foreign_[index] || named) hits.push_back(index);
    }
    if (hits.size() == 1) {
      r.kind = Resolution::Kind::kAgency;
      r.agency = agencies_[hits.front()].name();
      return r;
    }
    if (!hits.empty()) break;  // ambiguous: leave it to the caller
  }
  if (std::optional<Resolution> group = ResolveGroup(words, name)) return *group;
  return r;
}

std::optional<Resolution> AgencyResolver::ResolveGroup(
    const std::vector<std::string>& words, absl::string_view original) const {
  Resolution r;
  r.kind = Resolution::Kind::kGroup;
  r.group.set_ancestor(issuer_);
  r.group.set_label(CollapseWhitespace(original));

  // Units by administrative level: "UBND các xã, phường", "UBND các huyện,
  // thị xã, thành phố", "các xã, phường", "UBND cấp xã".
  {
    size_t i = 0;
    bool committee = StartsWithWords(words, 0, {"uy", "ban", "nhan", "dan"});
    if (committee) i = 4;
    bool collective = false;
    if (i < words.size() && (words[i] == "cac" || words[i] == "cap")) {
      collective = true;
      ++i;
    }
    bool commune = false, district = false, ok = i < words.size();
    while (ok && i < words.size()) {
      if (StartsWithWords(words, i, {"thi", "tran"}) ||
          StartsWithWords(words, i, {"dac", "khu"})) {
        commune = true;
        i += 2;
      } else if (StartsWithWords(words, i, {"thi", "xa"}) ||
                 StartsWithWords(words, i, {"thanh", "pho"})) {
        district = true;
        i += 2;
      } else if (StartsWithWords(words, i, {"co", "quan"})) {
        ok = false;  // "UBND các xã và các cơ quan": not only units
      } else if (StartsWithWords(words, i, {"lien", "quan"}) ||
                 StartsWithWords(words, i, {"dia", "ban"}) ||
                 StartsWithWords(words, i, {"truc", "thuoc"})) {
        i += 2;
      } else if (words[i] == "xa" || words[i] == "phuong") {
        commune = true;
        ++i;
      } else if (words[i] == "huyen" || words[i] == "quan") {
        district = true;
        ++i;
      } else if (words[i] == "va" || words[i] == "cac" || words[i] == "cap" ||
                 words[i] == "tinh" || words[i] == "co" || words[i] == "tren" ||
                 words[i] == "khac" || words[i] == "o") {
        ++i;
      } else {
        ok = false;
      }
    }
    if (ok && (commune || district) && (committee || collective)) {
      r.group.set_kind(district ? tonghop::v1::AGENCY_KIND_DISTRICT
                                : tonghop::v1::AGENCY_KIND_COMMUNE);
      return r;
    }
  }

  static const std::set<std::string>* national_words = new std::set<std::string>{
      "cac", "bo", "nganh", "co", "lien", "quan", "trung", "uong", "khac", "va", "o"};
  static const std::set<std::string>* open_words = new std::set<std::string>{
      "cac", "so", "ban", "nganh", "co", "quan", "don", "vi", "dia", "phuong",
      "to", "chuc", "hoi", "doan", "the", "chinh", "tri", "xa", "nghe",
      "nghiep", "lien", "khac", "va", "tinh", "thanh", "vien", "truc", "thuoc",
      "tren", "cap", "o", "nha", "nuoc", "doanh", "nghiep", "cua"};
  auto all_in = [&](const std::set<std::string>& allowed) {
    return std::all_of(words.begin(), words.end(),
                       [&](const std::string& w) { return allowed.count(w) > 0; });
  };
  auto has = [&](absl::string_view w) {
    return std::find(words.begin(), words.end(), w) != words.end();
  };

  // National bodies: "các bộ, ngành liên quan", "Bộ, ngành trung ương".
  if (all_in(*national_words) && has("bo") &&
      (words[0] == "cac" || StartsWithWords(words, 0, {"bo", "nganh"}))) {
    r.national = true;
    r.group.set_ancestor(national_root_);
    r.group.set_kind(tonghop::v1::AGENCY_KIND_MINISTRY);
    r.group.set_open(true);
    return r;
  }

  // Open groups: "các Sở, ngành có liên quan", "các cơ quan, đơn vị, địa
  // phương có liên quan", "tổ chức đoàn thể chính trị - xã hội tỉnh".
  bool generic_head = StartsWithWords(words, 0, {"co", "quan"}) ||
                      StartsWithWords(words, 0, {"don", "vi"}) ||
                      StartsWithWords(words, 0, {"to", "chuc"}) ||
                      StartsWithWords(words, 0, {"doan", "the"});
  bool collective_noun = has("so") || has("nganh") || has("don") ||
                         has("phuong") || has("chuc") || has("hoi") ||
                         has("doan") || has("quan");
  if ((words[0] == "cac" || generic_head) && collective_noun &&
      all_in(*open_words)) {
    r.group.set_open(true);
    return r;
  }

  // A role rather than a name: "Cơ quan chủ trì giải quyết bồi thường",
  // "Đơn vị được giao". A proper name would go on with a capital letter
  // ("Cơ quan Cảnh sát điều tra").
  if (StartsWithWords(words, 0, {"co", "quan"}) ||
      StartsWithWords(words, 0, {"don", "vi"})) {
    std::string collapsed = CollapseWhitespace(original);
    size_t first_space = collapsed.find(' ');
    size_t second_space = first_space == std::string::npos
                              ? std::string::npos
                              : collapsed.find(' ', first_space + 1);
    if (second_space != std::string::npos &&
        FirstLetterIsLower(absl::string_view(collapsed).substr(second_space + 1))) {
      r.group.set_open(true);
      return r;
    }
  }
  return std::nullopt;
}

std::vector<std::string> AgencyResolver::Candidates(absl::string_view name,
                                                    size_t max) const {
  std::string key = NormalizeKey(name);
  // Edit distance is quadratic: a paragraph is not a misspelt name.
  if (key.empty() || key.size() > kMaxCandidateKey) return {};
  // The words that tell agencies apart ("van hoa", "the thao"), not the
  // kind and the place every unit of the province shares.
  static const std::set<std::string>* common = new std::set<std::string>{
      "so", "va", "tinh", "cac", "uy", "ban", "nhan", "dan", "cua", "nha", "nuoc"};
  std::set<std::string> wanted;
  for (const std::string& w : KeyWords(name)) {
    if (w.size() > 1 && common->count(w) == 0) wanted.insert(w);
  }
  struct Score {
    int shared = 0;
    int distance = -1;
  };
  std::vector<Score> best(agencies_.size());
  int limit = std::max(3, static_cast<int>(key.size()) / 2);
  for (const auto& [k, index] : all_keys_) {
    if (foreign_[index]) continue;
    int shared = 0;
    for (absl::string_view w : absl::StrSplit(k, ' ')) shared += wanted.count(std::string(w)) > 0 ? 1 : 0;
    int len_diff = std::abs(static_cast<int>(k.size()) - static_cast<int>(key.size()));
    int d = len_diff > limit && shared < 2 ? limit + 1 : EditDistance(key, k);
    // Close in spelling, or sharing most of the distinctive words.
    bool close = d <= limit;
    bool overlapping = shared >= 2 && shared * 2 >= static_cast<int>(wanted.size());
    if (!close && !overlapping) continue;
    Score& b = best[index];
    if (shared > b.shared || (shared == b.shared && (b.distance < 0 || d < b.distance))) {
      b.shared = shared;
      b.distance = d;
    }
  }
  std::vector<std::tuple<int, int, int, size_t>> ranked;
  for (size_t i = 0; i < best.size(); ++i) {
    if (best[i].distance < 0) continue;
    // Prefer the issuer's own units on a tie.
    bool local = agencies_[i].name() == issuer_ || agencies_[i].parent() == issuer_;
    ranked.emplace_back(-best[i].shared, best[i].distance, local ? 0 : 1, i);
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> out;
  for (const auto& entry : ranked) {
    if (out.size() >= max) break;
    out.push_back(agencies_[std::get<3>(entry)].name());
  }
  return out;
}

bool AgencyResolver::HyphenJoins(absl::string_view left_word,
                                 absl::string_view right_word) const {
  std::vector<std::string> left = KeyWords(left_word);
  std::vector<std::string> right = KeyWords(right_word);
  if (left.empty() || right.empty()) return false;
  std::string bigram = absl::StrCat(left.back(), " ", right.front());
  return bigrams_.count(bigram) > 0 || BuiltinBigrams().count(bigram) > 0;
}

}  // namespace tonghop::plan_import
