#ifndef TONGHOP_SERVICES_AGGREGATION_QUERIES_H_
#define TONGHOP_SERVICES_AGGREGATION_QUERIES_H_

// Answers to the Aggregation service's read methods, computed from the
// roll-up table and the registry: Rollup, Completeness, TaskStatus, Trend
// and the content of the compiled report. Knows nothing of gRPC.

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/completeness_tally.h"
#include "services/aggregation/expected_contributions.h"
#include "services/aggregation/registry_view.h"
#include "services/common/agency_matcher.h"
#include "services/common/clock.h"
#include "services/common/identity.h"
#include "services/common/period.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::aggregation {

class DraftStore;
class FigureCalculator;

// Who a plan expects to report in a subtree, and why.
struct ExpectedReporter {
  // True while every assignment naming the agency is a request.
  bool requested = true;
};

// The expected reporters of a plan in `root`'s subtree for a period: agencies
// named by a lead or coordinating assignment (a dissolved one answered for by
// its successors in force) and the members of closed groups, in force on the
// period's last day (ReportingDay in services/common/period.h). Open groups
// add nobody.
std::map<std::string, ExpectedReporter> ExpectedReporters(const PlanInfo& plan,
                                                          const Hierarchy& hierarchy,
                                                          const Period& round,
                                                          absl::string_view root);

// When a task falls due in a period, per the rule documented on
// TaskStatusResponse; nullopt when it does not.
std::optional<absl::CivilDay> TaskDueDate(const v1::Task& task, const v1::Plan& plan,
                                          const Period& period);

// Thread-safe; does not own its collaborators, which must outlive it.
//
// Who may read which subtree is the access policy's to decide
// (AccessPolicy::CheckReadRollup), from the registry snapshot's hierarchy.
class AggregationQueries {
 public:
  // `drafts`, when given, holds the edited drafts compiled reports use
  // (else they carry the generated one).
  AggregationQueries(AggregateStore* store, RegistryView* registry, const Clock* clock,
                     const AccessPolicy* policy, const DraftStore* drafts = nullptr);

  RegistryView* registry() const { return registry_; }

  absl::StatusOr<v1::RollupResponse> Rollup(const Caller& caller,
                                            const v1::RollupRequest& request) const;
  absl::StatusOr<v1::CompletenessResponse> Completeness(
      const Caller& caller, const v1::CompletenessRequest& request) const;
  absl::StatusOr<v1::TaskStatusResponse> TaskStatus(const Caller& caller,
                                                    const v1::TaskStatusRequest& request) const;
  absl::StatusOr<v1::TrendResponse> Trend(const Caller& caller,
                                          const v1::TrendRequest& request) const;
  absl::StatusOr<v1::CompiledReport> Compile(const Caller& caller,
                                             const v1::CompileReportRequest& request) const;
  // Every report behind one figure, with its values. Only for the
  // subtree's own reporting chain (disclosure.h): agencies' own values are
  // finer than any published figure.
  absl::StatusOr<v1::ExplainFigureResponse> ExplainFigure(
      const Caller& caller, const v1::ExplainFigureRequest& request) const;
  // The subtree's figures as ADX or SDMX-CSV (exchange.h) with their code
  // lists; under disclosure control unless the chain asks for exact ones.
  absl::StatusOr<v1::ExportFiguresResponse> ExportFigures(
      const Caller& caller, const v1::ExportFiguresRequest& request) const;

  // Every reported cell of every summable indicator of the plan for the
  // subtree, as report values (what forwarding submits). RATIO and NONE
  // indicators are left out: a ratio is recomputed from its parts.
  struct SubtreeFigures {
    std::vector<v1::Value> values;
    // The feed position they reflect.
    int64_t applied_sequence = 0;
  };
  absl::StatusOr<SubtreeFigures> SubtreeValues(const Caller& caller, absl::string_view plan,
                                               absl::string_view period, absl::string_view root,
                                               bool include_unreviewed) const;

  // OK when `caller` may run administrative operations (rebuild).
  absl::Status AuthorizeAdmin(const Caller& caller) const;

  // OK when `caller` may read `root`'s subtree.
  absl::Status AuthorizeRead(const Caller& caller, const Hierarchy& hierarchy,
                             absl::string_view root) const;

 private:
  struct Scope;
  absl::StatusOr<Scope> Resolve(const Caller& caller, absl::string_view plan,
                                absl::string_view period, absl::string_view root,
                                bool include_unreviewed, absl::string_view language) const;
  // The registry snapshot, read again when it does not know one of `names`
  // (the registry may have learned of them since it was cached).
  absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> SnapshotKnowing(
      const std::vector<std::string>& names) const;
  // NOT_FOUND for `agency`, unknown to `snapshot`, with the agencies it
  // probably meant (the matcher is built once per registry reading).
  absl::Status UnknownAgencyIn(const RegistrySnapshot& snapshot, absl::string_view agency) const;
  v1::CompletenessResponse CompletenessFrom(const Scope& scope,
                                            const AggregateReader& reader) const;

  // The parts of Rollup. What is asked: the grouping, the dimension of a
  // grouping by dimension, the indicators (the plan's when none is named).
  struct RollupAsked {
    v1::RollupGrouping grouping = v1::ROLLUP_GROUPING_TOTAL;
    std::string dimension;
    std::vector<std::string> indicators;
  };
  absl::StatusOr<RollupAsked> ReadRollupRequest(const Scope& scope,
                                                const v1::RollupRequest& request) const;
  // One indicator's rows by cell (only the dimension's one-way cells when
  // grouped by dimension), each with its label.
  std::vector<v1::RollupRow> CellRows(const Scope& scope, const FigureCalculator& figures,
                                      const RollupAsked& asked, const std::string& indicator,
                                      const v1::Indicator* def) const;
  // One indicator's rows by child agency, the root's own report first, the
  // children in Vietnamese order of their names.
  std::vector<v1::RollupRow> ChildAgencyRows(const Scope& scope, const FigureCalculator& figures,
                                             const AggregateReader& reader,
                                             const std::string& indicator,
                                             const v1::Indicator* def) const;
  // Who contributed to the scope's figures: the agencies expected to, and
  // others.
  v1::Coverage RollupCoverage(const Scope& scope, const AggregateReader& reader) const;
  v1::TaskStatusResponse TaskStatusFrom(const Scope& scope, const AggregateReader& reader,
                                        absl::Time as_of, bool overdue_only) const;

  // ExpectedReporters for the scope, computed once per registry reading,
  // plan reading, period and root: it walks the hierarchy for every group a
  // plan names, which would otherwise dominate every national query.
  std::shared_ptr<const std::map<std::string, ExpectedReporter>> Expected(const Scope& scope) const;
  // The names of `expected` (an Expected() answer for `scope`) in the order
  // Completeness lists them: by display name in the scope's language
  // (SortVietnamese). Computed once per answer and language: collating
  // thousands of names was a tenth of a national Completeness.
  std::shared_ptr<const std::vector<std::string>> InNameOrder(
      const Scope& scope,
      const std::shared_ptr<const std::map<std::string, ExpectedReporter>>& expected) const;

  // What counts `expected` (an Expected() answer for `scope`) without
  // reading every reporter at every call, built once per answer: its
  // ExpectedContributions (Rollup's coverage) and its CompletenessTally.
  struct Counters {
    std::shared_ptr<const ExpectedContributions> contributions;
    std::shared_ptr<const CompletenessTally> tally;
  };
  Counters CountersOf(
      const Scope& scope,
      const std::shared_ptr<const std::map<std::string, ExpectedReporter>>& expected) const;
  // What every Completeness answer says besides its counts and lists: the
  // scope, the due date, the feed position.
  v1::CompletenessResponse CompletenessHeader(const Scope& scope,
                                              const AggregateReader& reader) const;
  // Completeness in COMPLETENESS_VIEW_BASIC: the counts only.
  v1::CompletenessResponse CompletenessCountsFrom(const Scope& scope,
                                                  const AggregateReader& reader) const;

  AggregateStore* store_;
  RegistryView* registry_;
  const Clock* clock_;
  const AccessPolicy* policy_;
  const DraftStore* drafts_;

  static constexpr size_t kExpectedCacheSize = 64;
  struct ExpectedEntry {
    std::shared_ptr<const RegistrySnapshot> snapshot;
    std::shared_ptr<const PlanInfo> plan;
    std::string period;
    std::string root;
    std::shared_ptr<const std::map<std::string, ExpectedReporter>> expected;
  };
  struct NameOrderEntry {
    // Held, so that the address cannot be reused by another answer.
    std::shared_ptr<const std::map<std::string, ExpectedReporter>> expected;
    std::string language;
    std::shared_ptr<const std::vector<std::string>> order;
  };
  struct CountersEntry {
    // Held, so that the address cannot be reused by another answer.
    std::shared_ptr<const std::map<std::string, ExpectedReporter>> expected;
    Counters counters;
  };
  mutable absl::Mutex expected_mu_;
  mutable std::deque<ExpectedEntry> expected_cache_ ABSL_GUARDED_BY(expected_mu_);
  mutable std::deque<NameOrderEntry> name_order_cache_ ABSL_GUARDED_BY(expected_mu_);
  mutable std::deque<CountersEntry> counters_cache_ ABSL_GUARDED_BY(expected_mu_);

  mutable absl::Mutex matcher_mu_;
  // The hierarchy the matcher was built from, and the matcher.
  mutable std::weak_ptr<const Hierarchy> matched_ ABSL_GUARDED_BY(matcher_mu_);
  mutable std::shared_ptr<const AgencyMatcher> matcher_ ABSL_GUARDED_BY(matcher_mu_);
};

}  // namespace tonghop::aggregation

#endif  // TONGHOP_SERVICES_AGGREGATION_QUERIES_H_
