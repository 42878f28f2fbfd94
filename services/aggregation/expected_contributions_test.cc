#include "services/aggregation/expected_contributions.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregate_schema.h"
#include "services/aggregation/test_fixture.h"
#include "storage/memory_store.h"
#include "storage/store_layout.h"

namespace tonghop::aggregation {
namespace {

using testing::Day;
using testing::IntValue;
using testing::MakeAgency;
using testing::MakeChange;
using testing::MakeReport;

std::string Id(const char* format, int a, int b = 0) { return absl::StrFormat(format, a, b); }

// A country of 40 provinces of 12 communes, and 10 provinces dissolved in
// 2025 whose 5 communes each went to a commune of today's province of the
// same number, and the province to it: many groups under the country, and
// reporters under two provinces at once.
std::vector<v1::Agency> Country() {
  std::vector<v1::Agency> agencies = {
      MakeAgency("country", "Cả nước", v1::AGENCY_KIND_MINISTRY, "")};
  for (int p = 0; p < 40; ++p) {
    agencies.push_back(MakeAgency(Id("p%02d", p), Id("Tỉnh %d", p), v1::AGENCY_KIND_PROVINCE,
                                  "country"));
    for (int c = 0; c < 12; ++c) {
      agencies.push_back(MakeAgency(Id("p%02d-c%02d", p, c), Id("Xã %d-%d", p, c),
                                    v1::AGENCY_KIND_COMMUNE, Id("p%02d", p)));
    }
  }
  for (int o = 0; o < 10; ++o) {
    v1::Agency old = MakeAgency(Id("old%02d", o), Id("Tỉnh cũ %d", o), v1::AGENCY_KIND_PROVINCE,
                                "country");
    *old.mutable_valid_to() = Day(2025, 6, 30);
    old.add_successors("agencies/" + Id("p%02d", o));
    agencies.push_back(old);
    for (int c = 0; c < 5; ++c) {
      v1::Agency commune = MakeAgency(Id("old%02d-c%02d", o, c), Id("Xã cũ %d-%d", o, c),
                                      v1::AGENCY_KIND_COMMUNE, Id("old%02d", o));
      *commune.mutable_valid_to() = Day(2025, 6, 30);
      commune.add_successors("agencies/" + Id("p%02d-c%02d", o, c));
      agencies.push_back(commune);
    }
  }
  return agencies;
}

// What Contributed() must answer, from every head.
int64_t ReadEveryHead(const AggregateReader& reader, Layer layer, const std::string& root,
                      const std::vector<std::string>& expected) {
  int64_t contributed = 0;
  auto heads = reader.Contributions(layer, testing::kPlan, "2026");
  for (const std::string& agency : expected) {
    auto head = heads.find(agency);
    if (head == heads.end()) continue;
    for (const std::string& r : head->second.roots()) contributed += r == root;
  }
  return contributed;
}

// Through random submissions, acceptances and returns, of expected
// reporters and others, the grouped count with what it remembers is the
// count from every head, for the country (many groups) and a province
// (reporters looked up one by one).
TEST(ExpectedContributionsTest, CountsWhatEveryHeadSaysThroughChanges) {
  storage::MemoryStore store;
  ASSERT_TRUE(storage::UpgradeLayout(&store, AggregationLayout()).ok());
  auto aggregates = *AggregateStore::Open(&store);
  std::vector<v1::Agency> agencies = Country();
  Hierarchy hierarchy(agencies);

  // Expected: every other commune, a few provinces, and some of the
  // dissolved communes (a plan of the years before).
  std::vector<std::string> expected_country;
  std::vector<std::string> reporters;
  for (const v1::Agency& a : agencies) {
    if (a.name() == "agencies/country") continue;
    reporters.push_back(a.name().substr(9));
    if (std::hash<std::string>()(a.name()) % 2 == 0) expected_country.push_back(a.name());
  }
  std::vector<std::string> expected_province;
  for (const std::string& name : expected_country) {
    if (hierarchy.InSubtree(name, "agencies/p03")) expected_province.push_back(name);
  }
  ExpectedContributions country(hierarchy, "agencies/country", testing::kPlan, "2026",
                                expected_country);
  ExpectedContributions province(hierarchy, "agencies/p03", testing::kPlan, "2026",
                                 expected_province);
  EXPECT_GT(country.groups(), 30u);

  std::mt19937 random(7);
  std::map<std::string, int> revision;
  int64_t sequence = 0;
  int checks = 0;
  for (int step = 0; step < 1500; ++step) {
    // Most changes in a few provinces, as a reporting day's batches are.
    const std::string& id = reporters[random() % (step % 3 == 0 ? reporters.size() : 60)];
    v1::ChangeKind kind;
    switch (random() % 4) {
      case 0: kind = v1::CHANGE_KIND_RETURNED; break;
      case 1: kind = v1::CHANGE_KIND_SUBMITTED; ++revision[id]; break;
      default: kind = v1::CHANGE_KIND_ACCEPTED; break;
    }
    if (revision[id] == 0) ++revision[id];
    v1::Report report =
        MakeReport(id, "2026", revision[id], {IntValue("complaints-received", step)});
    ASSERT_TRUE(aggregates->Apply(MakeChange(++sequence, kind, report), hierarchy).ok());
    if (step % 7 != 0) continue;
    ASSERT_TRUE(aggregates
                    ->Read([&](const AggregateReader& reader) {
                      EXPECT_EQ(reader.placed_with(), hierarchy.fingerprint());
                      for (Layer layer : {Layer::kAccepted, Layer::kUnreviewed}) {
                        EXPECT_EQ(country.Contributed(reader, layer),
                                  ReadEveryHead(reader, layer, "agencies/country",
                                                expected_country))
                            << "step " << step;
                        EXPECT_EQ(province.Contributed(reader, layer),
                                  ReadEveryHead(reader, layer, "agencies/p03",
                                                expected_province))
                            << "step " << step;
                        ++checks;
                      }
                      return reader.status();
                    })
                    .ok());
  }
  EXPECT_GT(checks, 400);
}

}  // namespace
}  // namespace tonghop::aggregation
