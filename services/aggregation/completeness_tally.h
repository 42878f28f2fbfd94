#ifndef TONGHOP_SERVICES_AGGREGATION_COMPLETENESS_TALLY_H_
#define TONGHOP_SERVICES_AGGREGATION_COMPLETENESS_TALLY_H_

// Completeness's counts (received, on time, late, missing, awaiting review,
// returned) of a subtree's expected reporters: the one rule that turns a
// reporter's standing into them, and a tally that keeps them up to date
// from the changes applied since it last counted, so that a national count
// does not read every reporter at every call.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/aggregation/aggregate_schema.h"
#include "services/aggregation/aggregate_store.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {

// A report state as an expected reporter's state (no state: not submitted).
v1::ReporterState StateOf(v1::ReportState state);

// Where one expected reporter's report stands.
struct ReporterStanding {
  // A report of theirs counts in the layer asked for.
  bool counted = false;
  // The counted report was submitted by the due date.
  bool on_time = false;
  v1::ReporterState state = v1::REPORTER_STATE_NOT_SUBMITTED;

  // No report of theirs counts and none awaits review (never submitted, or
  // returned and not resubmitted).
  bool missing() const { return !counted && state != v1::REPORTER_STATE_AWAITING_REVIEW; }
};

// One reporter's standing from its latest report state and the head of its
// counted contribution (either may be absent).
ReporterStanding StandingOf(const std::optional<records::ReportStatus>& status,
                            const std::optional<records::Contribution>& head);

// Completeness's counts over a set of expected reporters.
struct CompletenessCounts {
  int64_t expected = 0;
  int64_t received = 0;
  int64_t on_time = 0;
  int64_t late = 0;
  int64_t missing = 0;
  int64_t awaiting_review = 0;
  int64_t returned = 0;

  // Counts one reporter in (sign +1) or out (sign -1).
  void Add(const ReporterStanding& standing, int sign = 1);
  // Sets the response's count fields.
  void WriteTo(v1::CompletenessResponse& response) const;
};

// The CompletenessCounts of one plan, period and set of expected reporters,
// kept up to date per layer from the store's ChangeJournal.
//
// Contract: Count() answers exactly what counting every expected reporter
// in `reader` would (StandingOf each, added up). The first count in a
// layer, one after a rebuild's swap, and one the journal cannot bridge
// read every reporter; later ones read only the reporters the changes
// between the last count's position and the reader's touched, whichever
// is the newer. A reader that fails part way returns what it read and
// leaves nothing remembered.
//
// Thread-safe: counts in one layer are serialized (each is a few reads
// once the first is done). Holds a copy of the names; does not keep the
// store or readers.
class CompletenessTally {
 public:
  CompletenessTally(std::string plan, std::string period, std::vector<std::string> expected);

  CompletenessCounts Count(const AggregateReader& reader, const ChangeJournal& journal,
                           Layer layer) const;

  // How many reporters the counts so far have read (for tests).
  int64_t reads() const;

 private:
  struct Known {
    uint64_t generation = 0;
    int64_t position = 0;
    std::vector<ReporterStanding> standings;  // by index in expected_
    CompletenessCounts counts;
  };
  ReporterStanding Read(const AggregateReader& reader, Layer layer,
                        const std::string& agency) const;

  const std::string plan_;
  const std::string period_;
  std::vector<std::string> expected_;  // sorted
  mutable absl::Mutex mu_;
  mutable std::optional<Known> known_[2] ABSL_GUARDED_BY(mu_);
  mutable int64_t reads_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_COMPLETENESS_TALLY_H_
