#ifndef TONGHOP_SERVICES_AGGREGATION_EXPECTED_CONTRIBUTIONS_H_
#define TONGHOP_SERVICES_AGGREGATION_EXPECTED_CONTRIBUTIONS_H_

// How many of a subtree's expected reporters have a report counted, without
// reading every expected reporter's head at every call.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "services/aggregation/aggregate_schema.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/hierarchy.h"

namespace tonghop::aggregation {

// The expected reporters of one plan, period and root, grouped by the
// largest subtree under the root that each counts in (a province under the
// country), so that a count reads one subtree record per group and looks
// into a group again only when who counts in it changed
// (AggregateReader::CountedIn's members digest).
//
// Contract: Contributed() answers how many of the expected reporters have
// a head in the reader's table. It is exact only when every head's roots
// are `hierarchy`'s (reader.placed_with() == hierarchy.fingerprint()); the
// caller checks that. Groups of one reporter, and the root itself, are
// looked up at every call. The remembered count of a group is a function
// of the group's members digest alone, so an answer remembered from one
// reader is right for any later one whose digest is the same.
//
// Thread-safe: Contributed() may run on many threads; what it remembers is
// guarded by a mutex held only to read or store a group's count. Holds
// copies of the names it needs; the hierarchy and the expected set are not
// kept.
class ExpectedContributions {
 public:
  ExpectedContributions(const Hierarchy& hierarchy, absl::string_view root,
                        absl::string_view plan, absl::string_view period,
                        const std::vector<std::string>& expected);

  int64_t Contributed(const AggregateReader& reader, Layer layer) const;

  // How many groups read their subtree record (for tests and profiles).
  size_t groups() const { return groups_.size(); }

 private:
  struct Group {
    std::string subtree;
    std::vector<std::string> agencies;
  };
  // What a group's count was when its subtree held these members.
  struct Known {
    AggregateReader::Counted counted;
    int64_t contributed = 0;
  };
  int64_t GroupContributed(const AggregateReader& reader, Layer layer, size_t group) const;

  std::string root_;
  std::string plan_;
  std::string period_;
  std::vector<Group> groups_;
  // Looked up one by one: the root itself and reporters alone in their group.
  std::vector<std::string> alone_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::pair<int, size_t>, Known> known_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_EXPECTED_CONTRIBUTIONS_H_
