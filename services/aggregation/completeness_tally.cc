#include "services/aggregation/completeness_tally.h"

#include <algorithm>
#include <utility>

namespace tonghop::aggregation {

v1::ReporterState StateOf(v1::ReportState state) {
  switch (state) {
    case v1::REPORT_STATE_SUBMITTED:
      return v1::REPORTER_STATE_AWAITING_REVIEW;
    case v1::REPORT_STATE_ACCEPTED:
      return v1::REPORTER_STATE_ACCEPTED;
    case v1::REPORT_STATE_RETURNED:
      return v1::REPORTER_STATE_RETURNED;
    default:
      return v1::REPORTER_STATE_NOT_SUBMITTED;
  }
}

ReporterStanding StandingOf(const std::optional<records::ReportStatus>& status,
                            const std::optional<records::Contribution>& head) {
  ReporterStanding standing;
  if (status.has_value()) standing.state = StateOf(status->state());
  if (head.has_value()) {
    standing.counted = true;
    standing.on_time = head->report().on_time();
  }
  return standing;
}

void CompletenessCounts::Add(const ReporterStanding& standing, int sign) {
  expected += sign;
  if (standing.counted) {
    received += sign;
    (standing.on_time ? on_time : late) += sign;
  }
  if (standing.state == v1::REPORTER_STATE_AWAITING_REVIEW) awaiting_review += sign;
  if (standing.state == v1::REPORTER_STATE_RETURNED) returned += sign;
  if (standing.missing()) missing += sign;
}

void CompletenessCounts::WriteTo(v1::CompletenessResponse& response) const {
  response.set_expected(static_cast<int32_t>(expected));
  response.set_received(static_cast<int32_t>(received));
  response.set_on_time(static_cast<int32_t>(on_time));
  response.set_late(static_cast<int32_t>(late));
  response.set_missing(static_cast<int32_t>(missing));
  response.set_awaiting_review(static_cast<int32_t>(awaiting_review));
  response.set_returned(static_cast<int32_t>(returned));
}

CompletenessTally::CompletenessTally(std::string plan, std::string period,
                                     std::vector<std::string> expected)
    : plan_(std::move(plan)), period_(std::move(period)), expected_(std::move(expected)) {
  std::sort(expected_.begin(), expected_.end());
  expected_.erase(std::unique(expected_.begin(), expected_.end()), expected_.end());
}

ReporterStanding CompletenessTally::Read(const AggregateReader& reader, Layer layer,
                                         const std::string& agency) const {
  return StandingOf(reader.Status(plan_, period_, agency),
                    reader.Head(layer, plan_, period_, agency));
}

CompletenessCounts CompletenessTally::Count(const AggregateReader& reader,
                                            const ChangeJournal& journal, Layer layer) const {
  absl::MutexLock lock(&mu_);
  std::optional<Known>& known = known_[layer == Layer::kAccepted ? 0 : 1];
  const int64_t position = reader.applied_sequence();
  std::optional<std::vector<std::string>> changed;
  if (known.has_value() && known->generation == reader.generation()) {
    // Changes either way: a reader older than the last count reads the
    // reporters the changes since its position touched as they were.
    changed = journal.ChangedBetween(plan_, period_, std::min(known->position, position),
                                     std::max(known->position, position));
  }
  if (changed.has_value()) {
    for (const std::string& agency : *changed) {
      auto it = std::lower_bound(expected_.begin(), expected_.end(), agency);
      if (it == expected_.end() || *it != agency) continue;
      ReporterStanding& standing = known->standings[it - expected_.begin()];
      known->counts.Add(standing, -1);
      standing = Read(reader, layer, agency);
      known->counts.Add(standing, +1);
      ++reads_;
    }
  } else {
    known.emplace();
    known->standings.reserve(expected_.size());
    for (const std::string& agency : expected_) {
      known->standings.push_back(Read(reader, layer, agency));
      known->counts.Add(known->standings.back());
    }
    reads_ += static_cast<int64_t>(expected_.size());
  }
  known->generation = reader.generation();
  known->position = position;
  CompletenessCounts counts = known->counts;
  // What a failing reader read is not the table's state.
  if (!reader.status().ok()) known.reset();
  return counts;
}

int64_t CompletenessTally::reads() const {
  absl::MutexLock lock(&mu_);
  return reads_;
}

}  // namespace tonghop::aggregation
