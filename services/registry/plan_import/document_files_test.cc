// The official's files: a .docx and a .pdf made by LibreOffice from a fixture
// import with the same tree as the fixture's text, and malformed files of
// each kind are refused with a clear message within bounded memory.

#include "services/registry/plan_import/document_files.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "services/registry/plan_import/golden_testing.h"
#include "services/registry/plan_import/malformed_files.h"
#include "services/registry/plan_import/plan_importer.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::ImportPlanResponse;

// Reading a malformed file may take this much memory at most.
constexpr size_t kMemoryBound = 48u << 20;

ImportOptions Options(absl::string_view issuer) {
  tonghop::v1::ListAgenciesResponse list;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(ReadFile(TestData("agencies.json")), &list).ok());
  ImportOptions options;
  options.issuer = std::string(issuer);
  options.agencies.assign(list.agencies().begin(), list.agencies().end());
  return options;
}

void ExpectRefused(const absl::StatusOr<ImportPlanResponse>& r, const std::vector<std::string>& reasons,
                   absl::string_view vietnamese) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(reasons, testing::Contains(GetErrorInfo(r.status()).reason())) << r.status();
  google::rpc::BadRequest bad = GetBadRequest(r.status());
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "content");
  EXPECT_THAT(GetVietnameseMessage(r.status()), testing::HasSubstr(std::string(vietnamese)))
      << r.status();
}

TEST(DocumentFilesTest, ZipBombIsRefusedBeforeInflating) {
  std::string bomb = malformed::MakeZipBomb(size_t{160} << 20);
  ASSERT_LT(bomb.size(), size_t{4} << 20) << "the bomb should be small";
  absl::StatusOr<ImportPlanResponse> r;
  std::optional<size_t> growth = malformed::PeakMemoryGrowth(
      [&]() { r = ParsePlan(bomb, Options("agencies/dong-nai")); });
  ExpectRefused(r, {"DOCX_TOO_LARGE"}, "giải nén");
  if (growth.has_value()) {
    EXPECT_LT(*growth, kMemoryBound);
  }

  // The same with the sizes in the archive's directory lying: reading stops
  // at the limit whatever the archive claims.
  std::string liar = bomb;
  for (size_t at = liar.find("PK\x01\x02"); at != std::string::npos;
       at = liar.find("PK\x01\x02", at + 4)) {
    uint16_t name_length = static_cast<uint8_t>(liar[at + 28]) |
                           (static_cast<uint8_t>(liar[at + 29]) << 8);
    if (liar.compare(at + 46, name_length, "word/document.xml") != 0) continue;
    liar[at + 24] = 0x10;  // uncompressed size: 16 bytes
    liar[at + 25] = liar[at + 26] = liar[at + 27] = 0;
  }
  growth = malformed::PeakMemoryGrowth([&]() { r = ParsePlan(liar, Options("agencies/dong-nai")); });
  ExpectRefused(r, {"DOCX_TOO_LARGE", "DOCX_DAMAGED"}, ".docx");
  if (growth.has_value()) {
    EXPECT_LT(*growth, kMemoryBound);
  }
}

TEST(DocumentFilesTest, ArchiveOfManyEntriesIsRefusedUnread) {
  absl::StatusOr<ImportPlanResponse> r =
      ParsePlan(malformed::MakeZipWithEntries(5000), Options("agencies/dong-nai"));
  ExpectRefused(r, {"DOCX_TOO_MANY_ENTRIES"}, "thành phần");
}

TEST(DocumentFilesTest, BrokenDocxIsRefusedClearly) {
  std::string good = malformed::MakeDocx(
      "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Số: 1/KH-UBND</w:t></w:r></w:p>"
      "</w:body></w:document>");
  ASSERT_TRUE(DocxToText(good).ok());
  ImportOptions options = Options("agencies/dong-nai");
  ExpectRefused(ParsePlan(good.substr(0, good.size() / 2), options), {"DOCX_DAMAGED"}, "hỏng");
  ExpectRefused(ParsePlan(malformed::MakeZip({{"hello.txt", "xin chào"}}), options), {"DOCX_NOT_WORD"},
                "Word");
  ExpectRefused(ParsePlan(malformed::MakeDocx("<w:document><w:body><w:p>"), options),
                {"DOCX_DAMAGED"}, "XML");
  options.format = tonghop::v1::IMPORT_FORMAT_DOCX;
  ExpectRefused(ParsePlan("Đây không phải tệp Word", options), {"DOCX_DAMAGED"}, "hỏng");
}

// A kilobyte of zipped nesting must not run the reader out of stack: it is
// refused before the tree is walked, and a real document's depth passes.
TEST(DocumentFilesTest, DeeplyNestedDocxIsRefusedNotWalked) {
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<x>";
  for (int i = 0; i < 200000; ++i) deep += "</x>";
  std::string bomb = malformed::MakeDocx(
      "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Số: 1/KH-UBND</w:t></w:r>" + deep +
      "</w:p></w:body></w:document>");
  ExpectRefused(ParsePlan(bomb, Options("agencies/dong-nai")), {"DOCX_DAMAGED"}, "sâu");

  std::string nested_tables;
  for (int i = 0; i < 20; ++i) nested_tables += "<w:tbl><w:tr><w:tc>";
  nested_tables += "<w:p><w:r><w:t>ô</w:t></w:r></w:p>";
  for (int i = 0; i < 20; ++i) nested_tables += "</w:tc></w:tr></w:tbl>";
  EXPECT_TRUE(DocxToText(malformed::MakeDocx("<w:document xmlns:w=\"w\"><w:body>" +
                                             nested_tables + "</w:body></w:document>"))
                  .ok());
}

TEST(DocumentFilesTest, PdfWithoutTextLayerIsRefusedSayingSo) {
  std::string scan = malformed::MakeImageOnlyPdf();
  absl::StatusOr<ImportPlanResponse> r = ParsePlan(scan, Options("agencies/dong-nai"));
  ExpectRefused(r, {"PDF_NO_TEXT"}, "scan");
  EXPECT_THAT(std::string(r.status().message()), testing::HasSubstr("no text layer"));
  ExpectRefused(ParsePlan("%PDF-1.4\nnot really a pdf\n", Options("agencies/dong-nai")),
                {"PDF_DAMAGED", "PDF_NO_TEXT"}, "PDF");
}

TEST(DocumentFilesTest, FiftyMegabyteFilesAreRefusedUnread) {
  for (std::string head : {std::string("PK\x03\x04", 4), std::string("%PDF-1.7\n"),
                           std::string("Kế hoạch")}) {
    std::string file = head;
    file.resize(size_t{50} << 20, 'a');
    absl::StatusOr<ImportPlanResponse> r;
    std::optional<size_t> growth =
        malformed::PeakMemoryGrowth([&]() { r = ParsePlan(file, Options("agencies/dong-nai")); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.status().message()), testing::HasSubstr("10 MB")) << r.status();
    if (growth.has_value()) {
      EXPECT_LT(*growth, kMemoryBound) << head;
    }
  }
}

// A Word table keeps its cells: merged cells lie on their grid, a vertically
// merged agency cell applies to every row it spans, a cell's paragraphs stay
// apart.
TEST(DocumentFilesTest, DocxTableCellsAreExact) {
  auto cell = [](const std::string& xml, const std::string& properties = "") {
    return absl::StrCat("<w:tc><w:tcPr>", properties, "</w:tcPr>", xml, "</w:tc>");
  };
  auto p = [](const std::string& text) {
    return absl::StrCat("<w:p><w:r><w:t xml:space=\"preserve\">", text, "</w:t></w:r></w:p>");
  };
  std::string header = absl::StrCat("<w:tr>", cell(p("STT")), cell(p("Nhiệm vụ")),
                                    cell(p("Cơ quan chủ trì")), cell(p("Cơ quan phối hợp")),
                                    cell(p("Thời hạn")), "</w:tr>");
  std::string rows = absl::StrCat(
      "<w:tr>", cell(p("I")), cell(p("Nhóm nhiệm vụ về hòa giải"), "<w:gridSpan w:val=\"4\"/>"),
      "</w:tr>", "<w:tr>", cell(p("1")), cell(p("Tập huấn hòa giải viên")),
      cell(p("Sở Tư pháp"), "<w:vMerge w:val=\"restart\"/>"),
      cell(p("Sở Nội vụ") + p("Công an tỉnh")), cell(p("Quý II/2026")), "</w:tr>", "<w:tr>",
      cell(p("2")), cell(p("Biên soạn sổ tay &lt;hòa giải&gt; &amp; tài liệu")), cell("<w:p/>", "<w:vMerge/>"),
      cell(p("Sở Y tế")), cell(p("Năm 2026")), "</w:tr>");
  std::string xml = absl::StrCat(
      "<w:document xmlns:w=\"w\"><w:body>", p("Số: 90/KH-UBND"),
      p("Đồng Nai, ngày 01 tháng 4 năm 2026"), p("KẾ HOẠCH"), p("Công tác hòa giải năm 2026"),
      "<w:p/>", p("Báo cáo hằng năm trước ngày 15/11."), "<w:tbl>", header, rows,
      "</w:tbl></w:body></w:document>");
  absl::StatusOr<ImportPlanResponse> r =
      ParsePlan(malformed::MakeDocx(xml), Options("agencies/dong-nai"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->report().format(), tonghop::v1::IMPORT_FORMAT_DOCX);
  const auto& tasks = r->bundle().tasks();
  ASSERT_EQ(tasks.size(), 3);
  EXPECT_EQ(tasks[0].outline(), "I");
  EXPECT_EQ(tasks[0].lead_size(), 0);
  EXPECT_EQ(tasks[1].outline(), "I.1");
  ASSERT_EQ(tasks[1].coordinating_size(), 2);
  EXPECT_EQ(tasks[1].coordinating(1).agency(), "agencies/dong-nai-cong-an-tinh");
  EXPECT_EQ(tasks[2].title(), "Biên soạn sổ tay <hòa giải> & tài liệu");
  ASSERT_EQ(tasks[2].lead_size(), 1) << "the merged lead cell spans this row too";
  EXPECT_EQ(tasks[2].lead(0).agency(), "agencies/dong-nai-so-tu-phap");
  EXPECT_TRUE(r->report().repairs().empty()) << r->report().repairs(0).message();
}

// ---- LibreOffice ----

std::string Soffice() {
  for (absl::string_view dir : absl::StrSplit(std::getenv("PATH") ? std::getenv("PATH") : "", ':')) {
    std::string candidate = absl::StrCat(dir, "/soffice");
    if (!dir.empty() && std::filesystem::exists(candidate)) return candidate;
  }
  return "";
}

// Converts `input` in `dir` to `to` ("docx", "pdf") with LibreOffice; "" on
// failure.
std::string Convert(const std::filesystem::path& dir, const std::string& input,
                    const std::string& to) {
  std::string command = absl::StrCat(
      Soffice(), " -env:UserInstallation=file://", (dir / "profile").string(),
      " --headless --infilter=\"Text (encoded):UTF8,LF,Liberation Serif,vi-VN,\" --convert-to ",
      to, " --outdir ", dir.string(), " ", (dir / input).string(), " > ",
      (dir / "soffice.log").string(), " 2>&1");
  if (std::system(command.c_str()) != 0) return "";
  std::filesystem::path out = dir / std::filesystem::path(input).replace_extension(to);
  return ReadFile(out.string());
}

// The tree as it matters: outline, title, agencies, deadline.
std::vector<std::string> Tree(const ImportPlanResponse& r) {
  std::vector<std::string> lines;
  for (const auto& t : r.bundle().tasks()) {
    std::vector<std::string> lead, coord;
    for (const auto& a : t.lead()) lead.push_back(a.agency() + a.group().label());
    for (const auto& a : t.coordinating()) coord.push_back(a.agency() + a.group().label());
    lines.push_back(absl::StrCat(t.outline(), " | ", CollapseWhitespace(t.title()), " | ",
                                 absl::StrJoin(lead, ";"), " | ", absl::StrJoin(coord, ";"), " | ",
                                 t.deadline().ShortDebugString()));
  }
  for (const auto& round : r.bundle().plan().schedule()) {
    lines.push_back(absl::StrCat("round ", round.period_type(), " ", round.sub_period(), " ",
                                 round.due().ShortDebugString(), " ",
                                 round.compile_due().ShortDebugString()));
  }
  lines.push_back(absl::StrCat("plan ", r.bundle().plan().symbol(), " ", r.bundle().plan().title(),
                               " ", r.bundle().plan().first_year(), "-",
                               r.bundle().plan().last_year()));
  return lines;
}

class LibreOfficeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Soffice().empty()) {
      GTEST_SKIP() << "LibreOffice is not installed (Debian package libreoffice-writer-nogui; "
                      "tests/run.sh installs it): the .docx and .pdf made from a fixture are "
                      "not tested";
    }
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("tonghop-lo-", ::getpid(), "-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
};

TEST_F(LibreOfficeTest, DocxAndPdfOfANarrativeFixtureGiveItsTree) {
  const char* fixture = "layout_subitems.txt";
  std::string text = ReadFile(TestData(fixture));
  std::ofstream(dir_ / "plan.txt", std::ios::binary) << text;
  ImportOptions options = Options("agencies/dong-nai");
  absl::StatusOr<ImportPlanResponse> from_text = ParsePlan(text, options);
  ASSERT_TRUE(from_text.ok()) << from_text.status();
  for (const char* to : {"docx", "pdf"}) {
    SCOPED_TRACE(to);
    std::string file = Convert(dir_, "plan.txt", to);
    ASSERT_FALSE(file.empty()) << ReadFile((dir_ / "soffice.log").string());
    absl::StatusOr<ImportPlanResponse> from_file = ParsePlan(file, options);
    ASSERT_TRUE(from_file.ok()) << from_file.status();
    EXPECT_EQ(from_file->report().format(), std::string(to) == "docx"
                                                 ? tonghop::v1::IMPORT_FORMAT_DOCX
                                                 : tonghop::v1::IMPORT_FORMAT_PDF);
    EXPECT_EQ(Tree(*from_file), Tree(*from_text));
    EXPECT_EQ(from_file->report().diagnostics_size(), from_text->report().diagnostics_size());
  }
}

// The tab-separated tables of a fixture as HTML tables, converted to .docx:
// the appendix comes back cell by cell.
TEST_F(LibreOfficeTest, DocxOfATableFixtureGivesItsTree) {
  const char* fixture = "layout_restart_numbering.txt";
  std::string text = ReadFile(TestData(fixture));
  std::string html = "<html><head><meta charset=\"utf-8\"></head><body>\n";
  bool in_table = false;
  auto escape = [](absl::string_view s) {
    return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
  };
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    bool row = line.find('\t') != absl::string_view::npos;
    if (row && !in_table) html += "<table border=\"1\">\n";
    if (!row && in_table) html += "</table>\n";
    in_table = row;
    if (row) {
      html += "<tr>";
      for (absl::string_view c : absl::StrSplit(line, '\t')) html += "<td>" + escape(c) + "</td>";
      html += "</tr>\n";
    } else {
      html += "<p>" + escape(line) + "</p>\n";
    }
  }
  if (in_table) html += "</table>\n";
  html += "</body></html>\n";
  std::ofstream(dir_ / "plan.html", std::ios::binary) << html;
  std::string command = absl::StrCat(Soffice(), " -env:UserInstallation=file://",
                                     (dir_ / "profile").string(),
                                     " --headless --convert-to docx:\"MS Word 2007 XML\" --outdir ",
                                     dir_.string(), " ", (dir_ / "plan.html").string(), " > ",
                                     (dir_ / "soffice.log").string(), " 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile((dir_ / "soffice.log").string());
  std::string docx = ReadFile((dir_ / "plan.docx").string());
  ASSERT_FALSE(docx.empty()) << ReadFile((dir_ / "soffice.log").string());
  ImportOptions options = Options("agencies/tuyen-quang");
  absl::StatusOr<ImportPlanResponse> from_text = ParsePlan(text, options);
  absl::StatusOr<ImportPlanResponse> from_docx = ParsePlan(docx, options);
  ASSERT_TRUE(from_text.ok()) << from_text.status();
  ASSERT_TRUE(from_docx.ok()) << from_docx.status();
  EXPECT_EQ(Tree(*from_docx), Tree(*from_text));
}

}  // namespace
}  // namespace tonghop::plan_import
