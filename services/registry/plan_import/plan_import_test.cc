#include "services/registry/plan_import/plan_importer.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/registry/plan_import/golden_testing.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::Agency;
using ::tonghop::v1::ImportPlanResponse;
using ::tonghop::v1::PlanBundle;
using ::tonghop::v1::Task;

constexpr char kSeed001[] = "001_d6d9ca586d5712e9.txt";
constexpr char kSeed004[] = "004_5bba84d8a6f03fbf.txt";
constexpr char kOwnPlan[] = "tuyen_quang_45_2026.txt";

std::vector<Agency> LoadAgencies(const std::string& path) {
  tonghop::v1::ListAgenciesResponse list;
  auto status = google::protobuf::util::JsonStringToMessage(ReadFile(path), &list);
  EXPECT_TRUE(status.ok()) << path << ": " << status.ToString();
  return {list.agencies().begin(), list.agencies().end()};
}

const std::vector<Agency>& Fixture() {
  static const std::vector<Agency>* agencies =
      new std::vector<Agency>(LoadAgencies(TestData("agencies.json")));
  return *agencies;
}

ImportOptions Options(absl::string_view issuer,
                      tonghop::v1::ImportFormat format = tonghop::v1::IMPORT_FORMAT_UNSPECIFIED) {
  ImportOptions options;
  options.issuer = std::string(issuer);
  options.format = format;
  options.agencies = Fixture();
  return options;
}

ImportPlanResponse MustParse(absl::string_view content, const ImportOptions& options) {
  absl::StatusOr<ImportPlanResponse> response = ParsePlan(content, options);
  EXPECT_TRUE(response.ok()) << response.status();
  return response.ok() ? *response : ImportPlanResponse();
}

// Compares `actual` with the reviewed golden file; TONGHOP_UPDATE_GOLDEN=1
// rewrites it instead (the result must then be reviewed line by line).
void ExpectGolden(const std::string& actual, absl::string_view name) {
  if (CompareWithGolden(actual, TestData(name))) GTEST_SKIP() << "rewrote " << name;
}

std::vector<std::string> OutlinesOf(const PlanBundle& bundle) {
  std::vector<std::string> out;
  for (const Task& t : bundle.tasks()) out.push_back(t.outline());
  return out;
}

// Every assignment whose text says "Đề nghị" is requested, and every
// deadline that was written is structured.
void ExpectRequestsAndDeadlines(const PlanBundle& bundle) {
  for (const Task& t : bundle.tasks()) {
    for (const auto* list : {&t.lead(), &t.coordinating()}) {
      for (const auto& a : *list) {
        if (absl::StartsWith(Fold(a.source_text()), "de nghi")) {
          EXPECT_TRUE(a.requested()) << t.outline() << ": " << a.source_text();
        }
      }
    }
    if (!t.deadline().source_text().empty()) {
      EXPECT_NE(t.deadline().kind(), tonghop::v1::DEADLINE_KIND_UNSPECIFIED)
          << t.outline() << ": " << t.deadline().source_text();
    }
  }
}

const std::vector<std::string>& Expected004() {
  static const std::vector<std::string>* outlines = [] {
    auto* v = new std::vector<std::string>{"A", "A.I", "A.II", "A.II.1"};
    for (int i = 1; i <= 13; ++i) v->push_back(absl::StrCat("A.II.1.", i));
    v->push_back("A.II.2");
    v->push_back("A.II.2.1");
    for (const char* x : {"a", "b", "c", "d"}) v->push_back(absl::StrCat("A.II.2.1.", x));
    v->push_back("A.II.2.2");
    for (const char* x : {"a", "b", "c", "d"}) v->push_back(absl::StrCat("A.II.2.2.", x));
    v->push_back("A.II.3");
    for (int i = 1; i <= 4; ++i) v->push_back(absl::StrCat("A.II.3.", i));
    v->insert(v->end(), {"B", "B.I", "B.II"});
    for (int i = 1; i <= 5; ++i) v->push_back(absl::StrCat("B.II.", i));
    v->insert(v->end(), {"B.III", "B.IV"});
    for (int i = 1; i <= 7; ++i) v->push_back(absl::StrCat("B.IV.", i));
    v->push_back("B.V");
    for (int i = 1; i <= 3; ++i) v->push_back(absl::StrCat("B.V.", i));
    v->insert(v->end(), {"B.VI", "B.VI.1", "B.VI.2", "B.VII", "B.VII.1", "B.VII.2", "C"});
    for (int i = 1; i <= 4; ++i) v->push_back(absl::StrCat("C.", i));
    v->insert(v->end(), {"D", "D.I", "D.I.1", "D.I.2", "D.I.3", "D.II"});
    return v;
  }();
  return *outlines;
}

TEST(PlanImportTest, Golden004AppendixTable) {
  ImportPlanResponse r = MustParse(ReadFile(TestData(kSeed004)), Options("agencies/dong-nai"));
  const PlanBundle& b = r.bundle();
  EXPECT_EQ(r.report().format(), tonghop::v1::IMPORT_FORMAT_TEXT);
  EXPECT_EQ(b.plan().name(), "plans/dong-nai-74-2026");
  EXPECT_EQ(b.plan().symbol(), "74/KH-UBND");
  EXPECT_EQ(b.plan().implements(), "2715/QĐ-TTg");
  EXPECT_EQ(b.plan().issued_on().year(), 2026);
  EXPECT_EQ(b.plan().issued_on().month(), 2);
  EXPECT_EQ(b.plan().issued_on().day(), 5);
  EXPECT_TRUE(absl::StartsWith(b.plan().title(), "Triển khai thực hiện các khuyến nghị"));
  ASSERT_EQ(b.plan().schedule_size(), 1);
  EXPECT_EQ(b.plan().schedule(0).period_type(), tonghop::v1::PERIOD_TYPE_ANNUAL);
  EXPECT_EQ(b.plan().schedule(0).due().month(), 11);
  EXPECT_EQ(b.plan().schedule(0).due().day(), 5);
  EXPECT_EQ(b.plan().schedule(0).compile_due().month(), 11);
  EXPECT_EQ(b.plan().schedule(0).compile_due().day(), 20);
  EXPECT_EQ(b.plan().compiler(), "agencies/dong-nai-so-tu-phap");
  EXPECT_THAT(OutlinesOf(b), testing::ElementsAreArray(Expected004()));
  EXPECT_EQ(r.report().task_count(), static_cast<int>(Expected004().size()));
  EXPECT_THAT(r.report().unresolved_agencies(), testing::IsEmpty());
  for (const Task& t : b.tasks()) {
    EXPECT_EQ(t.name(), absl::StrCat("plans/dong-nai-74-2026/tasks/", t.outline()));
  }
  ExpectRequestsAndDeadlines(b);
  // Repairs the page breaks needed are reported.
  int headers = 0, joined = 0, carried = 0, renumbered = 0;
  for (const auto& n : r.report().repairs()) {
    headers += absl::StrContains(n.message(), "header row repeated") ? 1 : 0;
    joined += absl::StrContains(n.message(), "row without STT") ? 1 : 0;
    carried += absl::StrContains(n.message(), "carried the end of row") ? 1 : 0;
    renumbered += absl::StrContains(n.message(), "outline code") ? 1 : 0;
  }
  EXPECT_EQ(headers, 20);
  EXPECT_EQ(joined, 9);
  EXPECT_EQ(carried, 5);
  EXPECT_EQ(renumbered, 2);
  ExpectGolden(SummarizeImport(r), "004.golden.txt");
}

TEST(PlanImportTest, Golden001Narrative) {
  ImportPlanResponse r = MustParse(ReadFile(TestData(kSeed001)), Options("agencies/quang-ngai"));
  const PlanBundle& b = r.bundle();
  EXPECT_EQ(b.plan().name(), "plans/quang-ngai-153-2021");
  EXPECT_EQ(b.plan().symbol(), "153/KH-UBND");
  EXPECT_EQ(b.plan().implements(), "1252/QĐ-TTg");
  EXPECT_EQ(b.plan().first_year(), 2022);
  EXPECT_EQ(b.plan().last_year(), 2022);
  EXPECT_THAT(OutlinesOf(b), testing::ElementsAre("1", "2", "2.a", "2.b", "3", "4", "4.a", "4.b",
                                                  "4.c", "5"));
  EXPECT_THAT(r.report().unresolved_agencies(), testing::IsEmpty());
  ExpectRequestsAndDeadlines(b);
  // Sections I and III are reported as ignored, not dropped silently.
  std::string ignored;
  for (const auto& n : r.report().ignored_lines()) absl::StrAppend(&ignored, n.message(), "\n");
  EXPECT_THAT(ignored, testing::HasSubstr("I. MỤC ĐÍCH, YÊU CẦU\" is not a task list"));
  EXPECT_THAT(ignored, testing::HasSubstr("III. TỔ CHỨC THỰC HIỆN\" is not a task list"));
  ExpectGolden(SummarizeImport(r), "001.golden.txt");
}

TEST(PlanImportTest, GoldenOwnSemiAnnualPlan) {
  ImportPlanResponse r = MustParse(ReadFile(TestData(kOwnPlan)), Options("agencies/tuyen-quang"));
  const PlanBundle& b = r.bundle();
  EXPECT_EQ(b.plan().name(), "plans/tuyen-quang-45-2026");
  ASSERT_GE(b.plan().schedule_size(), 2);
  EXPECT_EQ(b.plan().schedule(0).period_type(), tonghop::v1::PERIOD_TYPE_SEMIANNUAL);
  ExpectRequestsAndDeadlines(b);
  ExpectGolden(SummarizeImport(r), "tuyen_quang_45_2026.golden.txt");
}

// The appendix of 004 as a table file: its tab-separated lines, and the same
// rows written as CSV with quoting.
std::string Appendix004(char delimiter) {
  std::vector<std::string> lines = absl::StrSplit(ReadFile(TestData(kSeed004)), '\n');
  size_t start = 0;
  while (start < lines.size() && !absl::StartsWith(lines[start], "STT\t")) ++start;
  std::string out;
  for (size_t i = start; i < lines.size(); ++i) {
    if (delimiter == '\t') {
      absl::StrAppend(&out, lines[i], "\n");
      continue;
    }
    std::vector<std::string> cells = absl::StrSplit(lines[i], '\t');
    std::vector<std::string> quoted;
    for (const std::string& c : cells) {
      std::string q = "\"";
      for (char ch : c) {
        if (ch == '"') q.push_back('"');
        q.push_back(ch);
      }
      quoted.push_back(q + "\"");
    }
    absl::StrAppend(&out, absl::StrJoin(quoted, std::string(1, delimiter)), "\n");
  }
  return out;
}

void ExpectSameTasks(const PlanBundle& a, const PlanBundle& b) {
  ASSERT_EQ(a.tasks_size(), b.tasks_size());
  google::protobuf::util::MessageDifferencer diff;
  for (int i = 0; i < a.tasks_size(); ++i) {
    const Task& x = a.tasks(i);
    const Task& y = b.tasks(i);
    EXPECT_EQ(x.outline(), y.outline());
    EXPECT_EQ(x.name(), y.name());
    EXPECT_EQ(x.parent(), y.parent());
    EXPECT_EQ(x.title(), y.title()) << x.outline();
    ASSERT_EQ(x.lead_size(), y.lead_size()) << x.outline();
    for (int j = 0; j < x.lead_size(); ++j) {
      EXPECT_EQ(x.lead(j).agency(), y.lead(j).agency()) << x.outline();
      EXPECT_EQ(x.lead(j).requested(), y.lead(j).requested()) << x.outline();
      EXPECT_EQ(x.lead(j).scope_note(), y.lead(j).scope_note()) << x.outline();
      EXPECT_EQ(x.lead(j).group().kind(), y.lead(j).group().kind()) << x.outline();
      EXPECT_EQ(x.lead(j).group().open(), y.lead(j).group().open()) << x.outline();
      EXPECT_EQ(x.lead(j).group().ancestor(), y.lead(j).group().ancestor()) << x.outline();
    }
    ASSERT_EQ(x.coordinating_size(), y.coordinating_size()) << x.outline();
    for (int j = 0; j < x.coordinating_size(); ++j) {
      EXPECT_EQ(x.coordinating(j).agency(), y.coordinating(j).agency()) << x.outline();
      EXPECT_EQ(x.coordinating(j).requested(), y.coordinating(j).requested()) << x.outline();
      EXPECT_EQ(x.coordinating(j).scope_note(), y.coordinating(j).scope_note()) << x.outline();
      EXPECT_EQ(x.coordinating(j).group().kind(), y.coordinating(j).group().kind());
      EXPECT_EQ(x.coordinating(j).group().open(), y.coordinating(j).group().open());
    }
    EXPECT_THAT(x.expected_results(), testing::ElementsAreArray(y.expected_results()))
        << x.outline();
    tonghop::v1::Deadline dx = x.deadline(), dy = y.deadline();
    dx.clear_source_text();
    dy.clear_source_text();
    EXPECT_TRUE(diff.Equals(dx, dy)) << x.outline() << ": " << dx.ShortDebugString() << " vs "
                                     << dy.ShortDebugString();
  }
}

TEST(PlanImportTest, TableAsCsvOrTsvGivesTheSameTasksAsTheText) {
  ImportPlanResponse text = MustParse(ReadFile(TestData(kSeed004)), Options("agencies/dong-nai"));
  for (char delimiter : {'\t', ',', ';'}) {
    SCOPED_TRACE(std::string(1, delimiter));
    ImportOptions options = Options("agencies/dong-nai");
    options.plan_id = "dong-nai-74-2026";
    ImportPlanResponse table = MustParse(Appendix004(delimiter), options);
    EXPECT_EQ(table.report().format(), tonghop::v1::IMPORT_FORMAT_CSV);
    ExpectSameTasks(text.bundle(), table.bundle());
    EXPECT_EQ(table.report().repairs_size(), text.report().repairs_size());
  }
}

TEST(PlanImportTest, ExportedCsvImportsToTheSameTasks) {
  struct Case {
    const char* file;
    const char* issuer;
  };
  for (const Case& c : {Case{kSeed004, "agencies/dong-nai"}, Case{kSeed001, "agencies/quang-ngai"},
                        Case{kOwnPlan, "agencies/tuyen-quang"}}) {
    SCOPED_TRACE(c.file);
    ImportPlanResponse first = MustParse(ReadFile(TestData(c.file)), Options(c.issuer));
    std::string csv = ExportPlanCsv(first.bundle(), Fixture());
    ImportOptions options = Options(c.issuer);
    options.plan_id = first.bundle().plan().name().substr(std::string("plans/").size());
    ImportPlanResponse second = MustParse(csv, options);
    EXPECT_EQ(second.report().format(), tonghop::v1::IMPORT_FORMAT_CSV);
    ExpectSameTasks(first.bundle(), second.bundle());
    // Names that did not resolve were never on the tasks, so the export
    // cannot carry them; the first import reported them.
    EXPECT_THAT(second.report().unresolved_agencies(), testing::IsEmpty());
    // Nothing to repair in our own export.
    EXPECT_THAT(second.report().repairs(), testing::IsEmpty()) << csv;
  }
}

TEST(PlanImportTest, ExportLooksLikeTheAppendix) {
  ImportPlanResponse r = MustParse(ReadFile(TestData(kSeed004)), Options("agencies/dong-nai"));
  std::string csv = ExportPlanCsv(r.bundle(), Fixture());
  EXPECT_TRUE(absl::StartsWith(
      csv, "\xEF\xBB\xBFSTT,Nhiệm vụ,Cơ quan chủ trì,Cơ quan phối hợp,Kết quả dự kiến,Thời hạn "
           "thực hiện\n"));
  // A.II.1, printed "I" by mistake, is written as the "1" it was read as.
  EXPECT_THAT(csv, testing::HasSubstr("\n1,\"Phối hợp rà soát"));
}

TEST(PlanImportTest, JsonBundleRoundTrips) {
  ImportPlanResponse r = MustParse(ReadFile(TestData(kSeed004)), Options("agencies/dong-nai"));
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(r.bundle(), &json).ok());
  ImportPlanResponse back = MustParse(json, Options(""));
  EXPECT_EQ(back.report().format(), tonghop::v1::IMPORT_FORMAT_JSON);
  EXPECT_EQ(back.report().task_count(), r.bundle().tasks_size());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back.bundle(), r.bundle()));
  EXPECT_THAT(back.report().unresolved_agencies(), testing::IsEmpty());
  EXPECT_FALSE(back.committed());
}

TEST(PlanImportTest, JsonNamingUnknownAgenciesIsReported) {
  PlanBundle bundle;
  bundle.mutable_plan()->set_name("plans/x-1-2026");
  Task* t = bundle.add_tasks();
  t->set_name("plans/x-1-2026/tasks/1");
  t->set_outline("1");
  t->add_lead()->set_agency("agencies/dong-nai-so-tu-phapp");
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(bundle, &json).ok());
  ImportPlanResponse r = MustParse(json, Options("agencies/dong-nai"));
  ASSERT_EQ(r.report().unresolved_agencies_size(), 1);
  EXPECT_THAT(r.report().unresolved_agencies(0).candidates(),
              testing::Contains("agencies/dong-nai-so-tu-phap"));
}

void ExpectInvalid(absl::string_view content, const ImportOptions& options,
                   absl::string_view field, absl::string_view needle) {
  absl::StatusOr<ImportPlanResponse> r = ParsePlan(content, options);
  ASSERT_FALSE(r.ok()) << "accepted: " << content.substr(0, 80);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad = GetBadRequest(r.status());
  ASSERT_EQ(bad.field_violations_size(), 1) << r.status();
  EXPECT_EQ(bad.field_violations(0).field(), field);
  EXPECT_THAT(std::string(r.status().message()), testing::HasSubstr(std::string(needle)));
}

TEST(PlanImportTest, MalformedInputIsRefusedClearly) {
  ImportOptions options = Options("agencies/dong-nai");
  ExpectInvalid("", options, "content", "empty");
  ExpectInvalid(" \n\n\t", options, "content", "empty");
  ExpectInvalid(std::string("PK\x03\x04\0\0binary", 12), options, "content", "damaged");
  ExpectInvalid(std::string("\x01\x02\x00\xff binary", 12), options, "content", "binary");
  ExpectInvalid("Kế hoạch \xC3\x28", options, "content", "UTF-8");
  ExpectInvalid("STT,Nhiệm vụ,Ghi chú\n1,Làm gì đó,\n", Options("agencies/dong-nai",
                                                              tonghop::v1::IMPORT_FORMAT_CSV),
                "content", "Cơ quan chủ trì");
  ExpectInvalid("STT\tNhiệm vụ\tCơ quan chủ trì\n\"1\tx\n", Options("agencies/dong-nai",
                                                                    tonghop::v1::IMPORT_FORMAT_CSV),
                "content", "never closed");
  ExpectInvalid("{\"plan\": 3}", options, "content", "not a PlanBundle");
  std::string fifty_mb(50u * 1024 * 1024, 'a');
  ExpectInvalid(fifty_mb, options, "content", "10 MB");
  ExpectInvalid(ReadFile(TestData(kSeed004)), Options(""), "issuer", "required");
  ExpectInvalid(ReadFile(TestData(kSeed004)), Options("agencies/nowhere"), "issuer",
                "not among");
  ImportOptions bad_id = Options("agencies/dong-nai");
  bad_id.plan_id = "Bad Id";
  ExpectInvalid(ReadFile(TestData(kSeed004)), bad_id, "plan_id", "not a valid id");
  ExpectInvalid("STT\tNhiệm vụ\tCơ quan chủ trì\n1\tMột việc\tSở Tư pháp\n", options, "plan_id",
                "required");
}

// A document with no task at all is not refused: the dry run says so, with
// what to do, and the registry refuses to store it.
TEST(PlanImportTest, NoTasksIsADiagnosticNotARefusal) {
  ImportOptions options = Options("agencies/dong-nai");
  options.plan_id = "dong-nai-1-2026";
  ImportPlanResponse r = MustParse("Một văn bản không có nhiệm vụ nào.\nChỉ là lời văn.\n", options);
  EXPECT_EQ(r.bundle().tasks_size(), 0);
  std::vector<std::string> codes;
  for (const auto& d : r.report().diagnostics()) codes.push_back(d.code());
  EXPECT_THAT(codes, testing::Contains("NO_TASKS"));
  EXPECT_EQ(r.report().counts().diagnostics(), r.report().diagnostics_size());
}

// A lead cell merged over several rows survives a copy only in its first
// row: the rows below name no lead. Each is a gap that shows the lead above
// it; supplied (as written, or as the agency), the task has its lead.
TEST(PlanImportTest, TaskWithoutLeadIsAGapSuppliedByTheOfficial) {
  ImportOptions options = Options("agencies/dong-nai");
  options.plan_id = "dong-nai-1-2026";
  const std::string table =
      "STT\tNhiệm vụ\tCơ quan chủ trì\tThời hạn\n"
      "1\tTập huấn hòa giải viên\tSở Tư pháp\tQuý II/2026\n"
      "2\tBiên soạn sổ tay hòa giải\t\tQuý III/2026\n"
      "3\tKiểm tra công tác hòa giải\t\tQuý IV/2026\n"
      "4\tThông tin về hòa giải\tSở Y tế\tNăm 2026\n";
  ImportPlanResponse r = MustParse(table, options);
  ASSERT_EQ(r.bundle().tasks_size(), 4);
  std::vector<std::string> lead_gaps;
  for (const auto& d : r.report().diagnostics()) {
    if (d.code() != "TASK_LEAD_MISSING") continue;
    lead_gaps.push_back(d.task());
    EXPECT_GT(d.line(), 0);
    EXPECT_THAT(d.message(), testing::HasSubstr("Sở Tư pháp")) << "the lead above it";
    EXPECT_THAT(d.remedy(), testing::HasSubstr("--lead="));
  }
  EXPECT_THAT(lead_gaps, testing::ElementsAre("plans/dong-nai-1-2026/tasks/2",
                                              "plans/dong-nai-1-2026/tasks/3"));
  EXPECT_EQ(r.report().counts().leaves_with_lead(), 2);

  auto* lead = options.supplement.add_task_leads();
  lead->set_task("2");
  lead->set_text("Sở Tư pháp");
  lead = options.supplement.add_task_leads();
  lead->set_task("3");
  lead->set_text("agencies/dong-nai-so-noi-vu");
  r = MustParse(table, options);
  for (const auto& d : r.report().diagnostics()) ADD_FAILURE() << d.code() << ": " << d.message();
  ASSERT_EQ(r.bundle().tasks(1).lead_size(), 1);
  EXPECT_EQ(r.bundle().tasks(1).lead(0).agency(), "agencies/dong-nai-so-tu-phap");
  ASSERT_EQ(r.bundle().tasks(2).lead_size(), 1);
  EXPECT_EQ(r.bundle().tasks(2).lead(0).agency(), "agencies/dong-nai-so-noi-vu");
  EXPECT_EQ(r.report().counts().leaves_with_lead(), 4);

  // A lead for a task the plan does not have is itself a gap.
  lead = options.supplement.add_task_leads();
  lead->set_task("9");
  lead->set_text("Sở Y tế");
  r = MustParse(table, options);
  ASSERT_EQ(r.report().diagnostics_size(), 1);
  EXPECT_EQ(r.report().diagnostics(0).code(), "SUPPLEMENT_UNUSABLE");
}

// The agencies' date and the compiling date in one sentence, the second
// after "để tổng hợp" without naming who compiles.
TEST(PlanImportTest, CompileDateAfterTheAgenciesDateInOneSentence) {
  ImportOptions options = Options("agencies/dong-nai");
  options.plan_id = "dong-nai-1-2026";
  ImportPlanResponse r = MustParse(
      "KẾ HOẠCH\nCông tác hòa giải năm 2026\n\n"
      "Các cơ quan báo cáo kết quả hằng năm trước ngày 15/11 về Sở Tư pháp để tổng hợp "
      "trước ngày 30/11.\n\n"
      "STT\tNhiệm vụ\tCơ quan chủ trì\tThời hạn\n"
      "1\tTập huấn hòa giải viên\tSở Tư pháp\tQuý II/2026\n",
      options);
  ASSERT_EQ(r.bundle().plan().schedule_size(), 1);
  const auto& round = r.bundle().plan().schedule(0);
  EXPECT_EQ(round.period_type(), tonghop::v1::PERIOD_TYPE_ANNUAL);
  EXPECT_EQ(round.due().day(), 15);
  EXPECT_EQ(round.due().month(), 11);
  ASSERT_TRUE(round.has_compile_due());
  EXPECT_EQ(round.compile_due().day(), 30);
  EXPECT_EQ(round.compile_due().month(), 11);
}

TEST(PlanImportTest, CsvWithTitleRowsAboveTheHeader) {
  ImportOptions options = Options("agencies/dong-nai", tonghop::v1::IMPORT_FORMAT_CSV);
  options.plan_id = "dong-nai-1-2026";
  ImportPlanResponse r = MustParse(
      "PHỤ LỤC,,\nCác nhiệm vụ,,\n\nSTT,Nhiệm vụ,Cơ quan chủ trì\n1,Một việc,Sở Y tế\n", options);
  ASSERT_EQ(r.bundle().tasks_size(), 1);
  EXPECT_EQ(r.bundle().tasks(0).lead(0).agency(), "agencies/dong-nai-so-y-te");
  ASSERT_GE(r.report().ignored_lines_size(), 1);
  EXPECT_THAT(r.report().ignored_lines(0).message(), testing::HasSubstr("above the table"));
}

TEST(PlanImportTest, FormatDetection) {
  ImportOptions options = Options("agencies/dong-nai");
  options.plan_id = "dong-nai-1-2026";
  ImportPlanResponse r = MustParse("STT;Nhiệm vụ;Cơ quan chủ trì\n1;Một việc;Sở Tư pháp\n", options);
  EXPECT_EQ(r.report().format(), tonghop::v1::IMPORT_FORMAT_CSV);
  ASSERT_EQ(r.bundle().tasks_size(), 1);
  EXPECT_EQ(r.bundle().tasks(0).lead(0).agency(), "agencies/dong-nai-so-tu-phap");
  r = MustParse(ReadFile(TestData(kSeed001)), Options("agencies/quang-ngai"));
  EXPECT_EQ(r.report().format(), tonghop::v1::IMPORT_FORMAT_TEXT);
}

TEST(PlanImportTest, EveryNonEmptyLineIsAccountedFor) {
  for (const char* file : {kSeed001, kSeed004, kOwnPlan}) {
    SCOPED_TRACE(file);
    std::string content = ReadFile(TestData(file));
    ImportPlanResponse r = MustParse(
        content, Options(file == std::string(kSeed001)   ? "agencies/quang-ngai"
                         : file == std::string(kSeed004) ? "agencies/dong-nai"
                                                         : "agencies/tuyen-quang"));
    for (const auto& n : r.report().ignored_lines()) {
      EXPECT_THAT(n.message(), testing::Not(testing::HasSubstr("not recognised")))
          << "line " << n.line() << ": " << n.text();
    }
  }
}

// TONGHOP_DUMP_IMPORT=file[:issuer] prints the whole bundle as JSON, for
// reviewing an import by eye.
TEST(PlanImportTest, DumpForReview) {
  const char* spec = std::getenv("TONGHOP_DUMP_IMPORT");
  if (spec == nullptr) GTEST_SKIP() << "set TONGHOP_DUMP_IMPORT=file:issuer";
  std::vector<std::string> parts = absl::StrSplit(spec, ':');
  ImportOptions options = Options(parts.size() > 1 ? parts[1] : "agencies/dong-nai");
  ImportPlanResponse r = MustParse(ReadFile(TestData(parts[0])), options);
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(r, &json, print).ok());
  std::cout << json << std::endl;
}

// The reference data another team ships in deploy/data, once it exists.
TEST(PlanImportTest, ShippedReferenceDataResolvesTheSeeds) {
  std::vector<Agency> agencies;
  std::error_code ec;
  if (std::filesystem::is_directory(TONGHOP_DEPLOY_DATA, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(TONGHOP_DEPLOY_DATA, ec)) {
      std::string name = entry.path().filename().string();
      if (absl::StartsWith(name, "agencies") && absl::EndsWith(name, ".json")) {
        std::vector<Agency> more = LoadAgencies(entry.path().string());
        agencies.insert(agencies.end(), more.begin(), more.end());
      }
    }
  }
  if (agencies.empty()) GTEST_SKIP() << "no agencies-*.json in " << TONGHOP_DEPLOY_DATA;
  struct Case {
    const char* file;
    const char* issuer;
  };
  for (const Case& c : {Case{kSeed004, "agencies/dong-nai"}, Case{kSeed001, "agencies/quang-ngai"}}) {
    SCOPED_TRACE(c.file);
    ImportOptions options;
    options.issuer = c.issuer;
    options.agencies = agencies;
    absl::StatusOr<ImportPlanResponse> r = ParsePlan(ReadFile(TestData(c.file)), options);
    ASSERT_TRUE(r.ok()) << r.status();
    std::vector<std::string> unresolved;
    for (const auto& u : r->report().unresolved_agencies()) {
      unresolved.push_back(absl::StrCat(u.text(), " (", u.task(), ")"));
    }
    EXPECT_THAT(unresolved, testing::IsEmpty());
  }
}

}  // namespace
}  // namespace tonghop::plan_import

namespace tonghop::plan_import {
namespace {

// A large table (the 004 appendix repeated to about 5 MB, with the sections
// renumbered so the outline stays valid) is read in one pass.
TEST(PlanImportTest, LargeTableIsRead) {
  std::string table = Appendix004('\t');
  size_t header_end = table.find('\n') + 1;
  std::string body = table.substr(header_end);
  std::string content = table.substr(0, header_end);
  int copies = 0;
  while (content.size() < 5u * 1024 * 1024) {
    std::string copy = body;
    // Sections A-D become E-H, I-L, …: letters keep their sequence.
    for (char letter : {'A', 'B', 'C', 'D'}) {
      char renamed = static_cast<char>(letter + 4 * (copies % 6));
      std::string from = absl::StrCat("\n", std::string(1, letter), "\t");
      std::string to = absl::StrCat("\n", std::string(1, renamed), "\t");
      copy = absl::StrReplaceAll(absl::StrCat("\n", copy), {{from, to}}).substr(1);
    }
    content += copy;
    ++copies;
  }
  ImportOptions options = Options("agencies/dong-nai");
  options.plan_id = "dong-nai-74-2026";
  absl::StatusOr<ImportPlanResponse> r = ParsePlan(content, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->bundle().tasks_size(), copies * static_cast<int>(Expected004().size()));
}

}  // namespace
}  // namespace tonghop::plan_import
