#include "services/aggregation/disclosure.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "services/aggregation/aggregate_store.h"
#include "services/common/decimal.h"
#include "services/aggregation/report_text.h"

namespace tonghop::aggregation {
namespace {

std::optional<Micros> ValueOf(const v1::Figure& f) {
  if (!f.present()) return std::nullopt;
  absl::StatusOr<Micros> v = ParseDecimal(f.value(), "value");
  if (!v.ok()) return std::nullopt;
  return *v;
}

void Withhold(v1::Figure& f, v1::UnavailableReason reason, std::string note) {
  int32_t contributors = f.contributors();
  f.Clear();
  f.set_contributors(contributors);
  f.set_unavailable_reason(reason);
  f.set_note(std::move(note));
}

// Two-way grids (rows of two dimensions), after the one-dimension tables:
// a grid with a small count, or whose margins lost a cell, is withheld
// whole. Coarser than cell-by-cell suppression, but no withheld figure can
// then be worked out from a grid's lines and its published margins.
void SuppressGrids(const RegistrySnapshot& snapshot, std::vector<v1::RollupRow*>& rows,
                   absl::string_view language, std::vector<std::string>& withheld) {
  std::set<std::string> margins_cut;
  for (const std::string& cell : withheld) {
    std::map<std::string, std::string> parsed = ParseCellKey(cell);
    if (parsed.size() == 1) margins_cut.insert(parsed.begin()->first);
  }
  std::map<std::pair<std::string, std::string>, std::vector<v1::RollupRow*>> grids;
  for (v1::RollupRow* row : rows) {
    if (row->cells_size() != 2) continue;
    std::map<std::string, std::string> cells(row->cells().begin(), row->cells().end());
    grids[{cells.begin()->first, cells.rbegin()->first}].push_back(row);
  }
  for (auto& [dimensions, grid] : grids) {
    int threshold_units = std::max(DisclosureThreshold(snapshot, dimensions.first),
                                   DisclosureThreshold(snapshot, dimensions.second));
    const Micros threshold = FromInt(threshold_units);
    auto small = [&](const v1::RollupRow* row) {
      std::optional<Micros> v = ValueOf(row->figure());
      return v.has_value() && *v > 0 && *v < threshold;
    };
    bool cut = margins_cut.count(dimensions.first) || margins_cut.count(dimensions.second) ||
               std::any_of(grid.begin(), grid.end(), small);
    if (!cut) continue;
    for (v1::RollupRow* row : grid) {
      if (!row->figure().present()) continue;
      if (small(row)) {
        Withhold(*row->mutable_figure(), v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT,
                 absl::Substitute(Text("note_suppressed_small", language), threshold_units));
      } else {
        Withhold(*row->mutable_figure(), v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY,
                 Text("note_suppressed_complementary", language));
      }
      withheld.push_back(CellKey(row->cells()));
    }
  }
}

}  // namespace

bool InReportingChain(const Caller& caller, const Hierarchy& hierarchy, absl::string_view root,
                      const AccessPolicy& policy) {
  if (caller.agency.empty()) return false;
  if (policy.IsAuthority(caller)) return true;
  // The hierarchy answers from memory; an error there means no.
  absl::StatusOr<bool> reach = policy.InReach(hierarchy, caller.agency, root);
  return reach.ok() && *reach;
}

int DisclosureThreshold(const RegistrySnapshot& snapshot, absl::string_view dimension) {
  const v1::Dimension* dim = snapshot.FindDimension(absl::StrCat("dimensions/", dimension));
  if (dim == nullptr || dim->disclosure_threshold() <= 0) return kDefaultDisclosureThreshold;
  return dim->disclosure_threshold();
}

std::vector<std::string> Suppress(const RegistrySnapshot& snapshot, const v1::Figure& total,
                                  std::vector<v1::RollupRow*>& rows, bool counts,
                                  const std::vector<std::string>& denominator_withheld,
                                  absl::string_view language) {
  std::vector<std::string> withheld;
  if (!counts) {
    for (v1::RollupRow* row : rows) {
      // A share that cannot be computed shows nothing to withhold, and its
      // own reason says more.
      if (!row->figure().present()) continue;
      std::string cell = CellKey(row->cells());
      if (std::find(denominator_withheld.begin(), denominator_withheld.end(), cell) ==
          denominator_withheld.end()) {
        continue;
      }
      Withhold(*row->mutable_figure(), v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY,
               Text("note_suppressed_complementary", language));
      withheld.push_back(cell);
    }
    return withheld;
  }
  // One breakdown table per dimension: each is a partition of the total.
  std::map<std::string, std::vector<v1::RollupRow*>> groups;
  for (v1::RollupRow* row : rows) {
    if (row->cells_size() != 1) continue;
    groups[row->cells().begin()->first].push_back(row);
  }
  for (auto& [dimension, group] : groups) {
    const Micros threshold = FromInt(DisclosureThreshold(snapshot, dimension));
    std::vector<v1::RollupRow*> small;
    for (v1::RollupRow* row : group) {
      std::optional<Micros> v = ValueOf(row->figure());
      if (v.has_value() && *v > 0 && *v < threshold) small.push_back(row);
    }
    if (small.empty()) continue;
    std::vector<v1::RollupRow*> complements;
    // One withheld cell of a published total is the total less the others:
    // withhold the next smallest too (a zero only when nothing else is
    // left).
    if (small.size() == 1 && total.present()) {
      v1::RollupRow* best = nullptr;
      std::optional<Micros> best_value;
      for (bool allow_zero : {false, true}) {
        for (v1::RollupRow* row : group) {
          if (row == small[0]) continue;
          std::optional<Micros> v = ValueOf(row->figure());
          if (!v.has_value() || (*v == 0 && !allow_zero)) continue;
          if (!best_value.has_value() || *v < *best_value) {
            best = row;
            best_value = v;
          }
        }
        if (best != nullptr) break;
      }
      if (best != nullptr) complements.push_back(best);
    }
    int threshold_units = DisclosureThreshold(snapshot, dimension);
    for (v1::RollupRow* row : small) {
      Withhold(*row->mutable_figure(), v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT,
               absl::Substitute(Text("note_suppressed_small", language), threshold_units));
      withheld.push_back(CellKey(row->cells()));
    }
    for (v1::RollupRow* row : complements) {
      Withhold(*row->mutable_figure(), v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY,
               Text("note_suppressed_complementary", language));
      withheld.push_back(CellKey(row->cells()));
    }
  }
  SuppressGrids(snapshot, rows, language, withheld);
  return withheld;
}

}  // namespace tonghop::aggregation
