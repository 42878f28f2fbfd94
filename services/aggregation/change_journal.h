#ifndef TONGHOP_SERVICES_AGGREGATION_CHANGE_JOURNAL_H_
#define TONGHOP_SERVICES_AGGREGATION_CHANGE_JOURNAL_H_

// Which agencies' reports the latest changes applied to the roll-up table
// touched, so that a query that counted a plan and period at one feed
// position can bring its count to another by reading those agencies again,
// not every reporter.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace tonghop::aggregation {

// An in-memory record of the most recent changes applied to one generation
// of the roll-up table: each change's feed sequence and the plan, period
// and agency whose records it wrote.
//
// Contract: the writer records a batch's changes before the batch is
// written (Record), forgets them if the write fails (ForgetAfter), and
// starts over when the table's position moves by anything but applied
// changes (Reset: opening the table, swapping a rebuilt generation in). So
// for any reader whose snapshot is at position P, every change with a
// sequence in (covered_after(), P] is in the journal. ChangedBetween()
// answers only when the journal still holds every change of the range;
// otherwise the caller must read everything again. Holds at most
// `capacity` changes, dropping the oldest.
//
// Thread-safe. Owns its copies of the names.
class ChangeJournal {
 public:
  explicit ChangeJournal(size_t capacity = 1 << 15) : capacity_(capacity) {}

  struct Entry {
    int64_t sequence = 0;
    std::string plan;
    std::string period;
    std::string agency;
  };

  // Forgets everything; the journal holds every change after `position`
  // that is recorded from now on.
  void Reset(int64_t position);
  // Appends `entries`, whose sequences are above every recorded one and
  // ascending.
  void Record(std::vector<Entry> entries);
  // Forgets the entries above `position` (a batch that was not written).
  void ForgetAfter(int64_t position);

  // The agencies whose records of `plan` and `period` the changes with
  // sequences in (from, to] touched, each once, in no particular order;
  // nullopt when the journal does not hold all of those changes.
  std::optional<std::vector<std::string>> ChangedBetween(absl::string_view plan,
                                                         absl::string_view period, int64_t from,
                                                         int64_t to) const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<Entry> entries_ ABSL_GUARDED_BY(mu_);
  // Every change above this position, up to the newest entry, is held.
  int64_t covered_after_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_CHANGE_JOURNAL_H_
