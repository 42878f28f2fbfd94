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
// (percentages the ratio of the sums); a province's roll-up the sum of its
// own reporters; completeness counting every reporter; the trend of the
// first indicator one point per year, each that year's national sum. Every
// read waits for the aggregation to have applied `sequence`.
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
  void CheckProvincialRollup();
  void CheckCompleteness();
  void CheckTrend(const std::vector<int>& years);
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
