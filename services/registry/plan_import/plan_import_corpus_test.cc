// The corpus of layouts (testdata/CORPUS.md): every fixture listed in
// testdata/corpus.tsv imports on a dry run with its reviewed golden tree, and
// the totals of the counts over all of them are printed, so that a change
// that loses something in one layout shows in the totals.
//
// TONGHOP_UPDATE_GOLDEN=1 rewrites the goldens instead (review the diff line
// by line before keeping it).

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/registry/plan_import/golden_testing.h"
#include "services/registry/plan_import/plan_importer.h"

namespace tonghop::plan_import {
namespace {

std::vector<tonghop::v1::Agency> Agencies() {
  tonghop::v1::ListAgenciesResponse list;
  auto status =
      google::protobuf::util::JsonStringToMessage(ReadFile(TestData("agencies.json")), &list);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return {list.agencies().begin(), list.agencies().end()};
}

struct Fixture {
  std::string file, issuer, golden;
};

// corpus.tsv: file, issuer id, golden file; "#" starts a comment.
std::vector<Fixture> Corpus() {
  std::vector<Fixture> fixtures;
  for (absl::string_view line : absl::StrSplit(ReadFile(TestData("corpus.tsv")), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    std::vector<std::string> cells = absl::StrSplit(line, '\t', absl::SkipEmpty());
    if (cells.size() != 3) {
      ADD_FAILURE() << "corpus.tsv: not file, issuer, golden: " << line;
      continue;
    }
    fixtures.push_back({cells[0], absl::StrCat("agencies/", cells[1]), cells[2]});
  }
  return fixtures;
}

TEST(PlanImportCorpusTest, EveryFixtureImportsWithItsGoldenTree) {
  std::vector<tonghop::v1::Agency> agencies = Agencies();
  std::vector<Fixture> fixtures = Corpus();
  ASSERT_GE(fixtures.size(), 1u);
  tonghop::v1::ImportCounts total;
  std::string table = absl::StrFormat("%-40s %6s %6s %6s %6s %9s %6s\n", "fixture", "nodes",
                                      "leaves", "lead", "req", "deadlines", "gaps");
  for (const Fixture& f : fixtures) {
    SCOPED_TRACE(f.file);
    ImportOptions options;
    options.issuer = f.issuer;
    options.agencies = agencies;
    absl::StatusOr<tonghop::v1::ImportPlanResponse> r = ParsePlan(ReadFile(TestData(f.file)), options);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_GT(r->bundle().tasks_size(), 0);
    for (const auto& n : r->report().ignored_lines()) {
      EXPECT_EQ(n.message().find("not recognised"), std::string::npos)
          << "line " << n.line() << " unaccounted for: " << n.text();
    }
    CompareWithGolden(SummarizeImport(*r), TestData(f.golden));
    const auto& c = r->report().counts();
    table += absl::StrFormat("%-40s %6d %6d %6d %6d %4d/%-4d %6d\n", f.file.substr(0, 40),
                             c.nodes(), c.leaves(), c.leaves_with_lead(), c.requested_leads(),
                             c.deadlines_parsed(), c.deadlines_written(), c.diagnostics());
    total.set_nodes(total.nodes() + c.nodes());
    total.set_leaves(total.leaves() + c.leaves());
    total.set_leaves_with_lead(total.leaves_with_lead() + c.leaves_with_lead());
    total.set_requested_leads(total.requested_leads() + c.requested_leads());
    total.set_deadlines_parsed(total.deadlines_parsed() + c.deadlines_parsed());
    total.set_deadlines_written(total.deadlines_written() + c.deadlines_written());
    total.set_diagnostics(total.diagnostics() + c.diagnostics());
  }
  table += absl::StrFormat("%-40s %6d %6d %6d %6d %4d/%-4d %6d\n", "TOTAL", total.nodes(),
                           total.leaves(), total.leaves_with_lead(), total.requested_leads(),
                           total.deadlines_parsed(), total.deadlines_written(),
                           total.diagnostics());
  std::cout << "corpus totals over " << fixtures.size() << " fixtures:\n" << table;
  // Floors under the totals: a regression in one layout lowers them.
  EXPECT_GE(total.leaves_with_lead() * 100, total.leaves() * 90)
      << "fewer than 90% of the leaves have a lead";
  EXPECT_GE(total.deadlines_parsed() * 100, total.deadlines_written() * 90)
      << "fewer than 90% of the written deadlines were read";
}

}  // namespace
}  // namespace tonghop::plan_import
