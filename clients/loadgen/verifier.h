#ifndef TONGHOP_CLIENTS_LOADGEN_VERIFIER_H_
#define TONGHOP_CLIENTS_LOADGEN_VERIFIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "clients/loadgen/generator.h"
#include "grpcpp/support/status.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.grpc.pb.h"

namespace tonghop::loadgen {

// What a verification found: each check's one-line account, and the
// failures (the first few of each kind).
struct VerifyResult {
  bool passed = false;
  std::vector<std::string> checks;
  std::vector<std::string> failures;
};

// Checks what a server holds against the generated world, as the Ministry:
// every report of the current year stored and accepted; the national
// roll-up of every year equal, cell by cell, to the sums of what was sent
// that year, on whichever hierarchy it was reported (percentages the ratio
// of the sums); today's first province's roll-up of every year the sum of
// what its reporters sent, before 2025 those of the provinces merged into
// it; a province dissolved in 2025 still showing its own years before;
// completeness of every year counting every reporter of then, none missing;
// the trend of the first indicator, nationally and for today's first
// province, one point per year across the 2025 boundary, each that year's
// generated sum. Every read waits for the
// aggregation to have applied `sequence`.
//
// One verification per object; not thread-safe. Does not own `world`.
class Verifier {
 public:
  Verifier(const World& world, const std::string& submissions_address,
           const std::string& aggregation_address, int64_t sequence);

  VerifyResult Run(const std::vector<int>& years);

 private:
  void CheckAcceptedReports();
  void CheckNationalRollup(int year);
  // The totals of `agency`'s roll-up for `year` against `expected`.
  void CheckSubtreeTotals(const std::string& agency, int year, const ExpectedSums& expected);
  void CheckCompleteness(int year);
  // The first indicator's trend of `agency` against each year's sums of the
  // reporters whose reports count in today's province `province` (-1: all).
  void CheckTrend(const std::string& agency, int province, const std::vector<int>& years);
  void Fail(std::string message);
  void FailCall(const grpc::Status& status, absl::string_view what);

  const World& world_;
  const int64_t sequence_;
  std::unique_ptr<v1::Submissions::Stub> submissions_;
  std::unique_ptr<v1::Aggregation::Stub> aggregation_;
  VerifyResult result_;
};

}  // namespace tonghop::loadgen

#endif  // TONGHOP_CLIENTS_LOADGEN_VERIFIER_H_
