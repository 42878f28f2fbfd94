#include "services/registry/plan_import/plan_import_fuzz.h"

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "services/registry/plan_import/plan_importer.h"

namespace tonghop::plan_import {
namespace {

constexpr int kMutations = 2000;
constexpr uint32_t kSeed = 20260205;

std::string ReadFile(const std::string& name) {
  std::ifstream in(absl::StrCat(TONGHOP_PLAN_IMPORT_TESTDATA, "/", name), std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Pieces that steer mutations into the parser's interesting corners.
const std::vector<std::string>& Tokens() {
  static const std::vector<std::string>* tokens = new std::vector<std::string>{
      "\t", "\n", "\t\t", "<p>", "</p>", "<ul style=\"x\">", "</ul>", "<li>", "- ", " - ",
      "Đề nghị ", "(", ")", ";", ",", ":", " và ", "\"",
      "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tKết quả dự kiến\tThời hạn\n",
      "STT,Nhiệm vụ,Cơ quan chủ trì\n", "I\t", "II\t", "1\t", "1.1\t", "a\t", "\t\t\t\t\t",
      "II. ", "1. ", "a) ", "- Cơ quan chủ trì: ", "- Cơ quan phối hợp: ", "- Thời gian: ",
      "Hàng năm", "năm 2030", "Theo yêu cầu của ", "Báo cáo sơ kết: năm 2028",
      "Sở Tư pháp", "UBND các xã, phường", "Các Sở: Tư pháp, Y tế", "KẾ HOẠCH\n",
      "Số: 12/KH-UBND\n", "ngày 01 tháng 02 năm 2026", "trước ngày 05/11 hàng năm", "{", "}",
      "&amp;", "&#272;", "Đ", "đ)", "ư", "\xCC\x81", "1.2.3.4", "XXXIX\t", "\r\n"};
  return *tokens;
}

std::string Mutate(const std::string& seed, std::mt19937* rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>((*rng)() % n); };
  std::string s;
  // Mostly a window of the seed, so that each run is quick; sometimes all.
  if (pick(10) == 0) {
    s = seed;
  } else {
    size_t len = 200 + pick(6000);
    size_t start = pick(seed.size());
    s = seed.substr(start, len);
  }
  int edits = 1 + static_cast<int>(pick(8));
  for (int e = 0; e < edits; ++e) {
    switch (pick(7)) {
      case 0: {  // delete a range
        size_t at = pick(s.size() + 1);
        s.erase(at, pick(60));
        break;
      }
      case 1:
      case 2: {  // insert a token
        const std::string& t = Tokens()[pick(Tokens().size())];
        s.insert(pick(s.size() + 1), t);
        break;
      }
      case 3: {  // duplicate a line
        std::vector<std::string> lines = absl::StrSplit(s, '\n');
        if (lines.empty()) break;
        size_t i = pick(lines.size());
        lines.insert(lines.begin() + static_cast<long>(pick(lines.size() + 1)), lines[i]);
        s = absl::StrJoin(lines, "\n");
        break;
      }
      case 4: {  // swap two lines
        std::vector<std::string> lines = absl::StrSplit(s, '\n');
        if (lines.size() < 2) break;
        std::swap(lines[pick(lines.size())], lines[pick(lines.size())]);
        s = absl::StrJoin(lines, "\n");
        break;
      }
      case 5: {  // overwrite an ASCII byte with a structural one
        if (s.empty()) break;
        static const char kBytes[] = "\t\n-;,.()IVX1a ";
        s[pick(s.size())] = kBytes[pick(sizeof(kBytes) - 1)];
        break;
      }
      case 6: {  // a random byte (often breaks UTF-8: the error path)
        if (s.empty() || pick(4) != 0) break;
        s[pick(s.size())] = static_cast<char>(pick(256));
        break;
      }
    }
  }
  return s;
}

TEST(PlanImportFuzzTest, SeedsPass) {
  for (const char* name : {"001_d6d9ca586d5712e9.txt", "004_5bba84d8a6f03fbf.txt",
                           "tuyen_quang_45_2026.txt"}) {
    std::string seed = ReadFile(name);
    ASSERT_FALSE(seed.empty()) << name;
    EXPECT_EQ(FuzzOneInput(seed), "") << name;
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(seed.data()), seed.size()),
              0);
  }
}

TEST(PlanImportFuzzTest, MutatedSeedsNeverBreakTheImporter) {
  std::vector<std::string> seeds = {ReadFile("001_d6d9ca586d5712e9.txt"),
                                    ReadFile("004_5bba84d8a6f03fbf.txt"),
                                    ReadFile("tuyen_quang_45_2026.txt")};
  // The exported table is a seed too: it drives the CSV path.
  ImportOptions options;
  options.issuer = "agencies/dong-nai";
  options.agencies = FuzzAgencies();
  absl::StatusOr<tonghop::v1::ImportPlanResponse> r = ParsePlan(seeds[1], options);
  ASSERT_TRUE(r.ok()) << r.status();
  seeds.push_back(ExportPlanCsv(r->bundle(), FuzzAgencies()));

  std::mt19937 rng(kSeed);
  int failures = 0;
  for (int i = 0; i < kMutations && failures < 5; ++i) {
    std::string input = Mutate(seeds[static_cast<size_t>(rng() % seeds.size())], &rng);
    std::string problem = FuzzOneInput(input);
    if (!problem.empty()) {
      ++failures;
      ADD_FAILURE() << "mutation " << i << ": " << problem << "\ninput:\n" << input.substr(0, 2000);
    }
  }
}

}  // namespace
}  // namespace tonghop::plan_import
