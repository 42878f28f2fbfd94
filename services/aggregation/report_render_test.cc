#include "services/aggregation/report_render.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tonghop::aggregation {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::CompiledReport Sample() {
  v1::CompiledReport r;
  r.set_plan("plans/dong-nai-74-2026");
  r.set_period("2026");
  r.set_agency("agencies/dong-nai");
  r.set_agency_display_name("Tỉnh Đồng Nai");
  r.set_compiler_display_name("Sở Tư pháp tỉnh Đồng Nai");
  r.set_plan_symbol("74/KH-UBND");
  r.set_plan_title("Triển khai thực hiện các khuyến nghị <ICCPR>");
  r.set_previous_period("2025");
  r.mutable_compiled_on()->set_year(2026);
  r.mutable_compiled_on()->set_month(11);
  r.mutable_compiled_on()->set_day(20);
  r.set_language("vi");
  r.mutable_data_as_of()->set_seconds(1794035100);  // 14:05, 07/11/2026 in Vietnam
  auto* c = r.mutable_completeness();
  c->set_expected(3);
  c->set_received(2);
  c->set_missing(1);
  auto* m = c->add_missing_reporters();
  m->set_agency("agencies/dong-nai-xa-b");
  m->set_display_name("Xã Thử nghiệm B");
  auto* t = r.add_tasks();
  t->set_outline("A.1");
  t->set_title("Giải quyết khiếu nại | tố cáo");
  t->set_depth(2);
  t->set_overdue(true);
  t->set_leads(1);
  auto* a = t->add_assignees();
  a->set_display_name("Sở Tư pháp tỉnh Đồng Nai");
  a->set_lead(true);
  a->set_status(v1::PROGRESS_STATUS_COMPLETED);
  a->set_summary("Đã giải quyết 10 vụ việc");
  auto* s = r.add_statistics();
  s->set_indicator("indicators/complaints-received");
  s->set_display_name("Số vụ việc khiếu nại đã tiếp nhận");
  s->set_unit("vụ việc");
  s->set_direction(v1::DIRECTION_DOWN);
  s->mutable_current()->set_present(true);
  s->mutable_current()->set_value("1234567");
  s->mutable_current()->set_contributors(2);
  s->mutable_previous()->set_present(true);
  s->mutable_previous()->set_value("1000000");
  s->set_change("+234567");
  s->set_against_direction(true);
  auto* row = s->add_rows();
  row->set_label("Nữ");
  row->mutable_figure()->set_present(true);
  row->mutable_figure()->set_value("600000");
  auto* rate = r.add_statistics();
  rate->set_indicator("indicators/complaint-resolution-rate");
  rate->set_display_name("Tỷ lệ giải quyết");
  rate->set_unit("%");
  rate->set_aggregation(v1::Indicator::AGGREGATION_RATIO);
  rate->mutable_current()->set_present(true);
  rate->mutable_current()->set_value("87.50");
  rate->mutable_current()->set_numerator("7");
  rate->mutable_current()->set_denominator("8");
  return r;
}

// The sample's letterhead and narrative, as the generated draft would give.
void AddDraft(v1::CompiledReport& r) {
  v1::CompiledReportDraft* d = r.mutable_draft();
  d->set_governing_body("UBND TỈNH ĐỒNG NAI");
  d->set_issuing_body("SỞ TƯ PHÁP");
  d->set_number_symbol("/BC-STP");
  d->set_place("Đồng Nai");
  d->set_summary("Kết quả thực hiện Kế hoạch số 74/KH-UBND năm 2026");
  d->set_situation("Thực hiện Kế hoạch số 74/KH-UBND (<ICCPR>), Sở Tư pháp đã tổng hợp.");
  v1::ReportSection* a = d->add_results();
  a->set_task_group("A");
  a->set_title("Nhiệm vụ chung");
  a->set_text("Các cơ quan chủ trì báo cáo:\n- A.1. Giải quyết khiếu nại — Sở Tư pháp: xong.");
  d->set_difficulties("- Còn 1 cơ quan chưa gửi báo cáo.");
  d->set_recommendations("Không có.");
  d->add_recipients("Bộ Tư pháp (để báo cáo);");
  d->add_recipients("Lưu: VT.");
  d->set_signing_authority("KT. GIÁM ĐỐC");
  d->set_signer_title("PHÓ GIÁM ĐỐC");
  d->set_signer_name("Nguyễn Văn A");
}

TEST(ReportRenderTest, MarkdownIsAnAdministrativeDocument) {
  v1::CompiledReport r = Sample();
  AddDraft(r);
  std::string md = RenderMarkdown(r);
  EXPECT_THAT(md, HasSubstr("UBND TỈNH ĐỒNG NAI<br>**SỞ TƯ PHÁP**"));
  EXPECT_THAT(md, HasSubstr("**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**<br>**Độc lập - Tự do - Hạnh phúc**"));
  EXPECT_THAT(md, HasSubstr("| Số:      /BC-STP | *Đồng Nai, ngày 20 tháng 11 năm 2026* |"));
  EXPECT_THAT(md, HasSubstr("# BÁO CÁO\n\n**Kết quả thực hiện Kế hoạch số 74/KH-UBND năm 2026**"));
  EXPECT_THAT(md, HasSubstr("## I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN"));
  EXPECT_THAT(md, HasSubstr("## II. KẾT QUẢ THỰC HIỆN\n\n### 1. Nhiệm vụ chung"));
  EXPECT_THAT(md, HasSubstr("- A.1. Giải quyết khiếu nại — Sở Tư pháp: xong."));
  EXPECT_THAT(md, HasSubstr("## III. KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN"));
  EXPECT_THAT(md, HasSubstr("## IV. KIẾN NGHỊ, ĐỀ XUẤT"));
  EXPECT_THAT(md, HasSubstr("Các cơ quan, đơn vị chưa báo cáo: Xã Thử nghiệm B."));
  EXPECT_THAT(md, HasSubstr("**Nơi nhận:**\n\n- Bộ Tư pháp (để báo cáo);  \n- Lưu: VT.  \n"));
  EXPECT_THAT(md, HasSubstr("**KT. GIÁM ĐỐC**  \n**PHÓ GIÁM ĐỐC**\n\n**Nguyễn Văn A**"));
  EXPECT_THAT(md, HasSubstr("Số liệu tính đến 14:05, 07/11/2026; chỉ tính các báo cáo đã được chấp nhận."));
  // Figures in Vietnamese: dots between thousands, comma before decimals.
  EXPECT_THAT(md, HasSubstr("| 1 | **Số vụ việc khiếu nại đã tiếp nhận** | vụ việc | 1.234.567 | 1.000.000 | +234.567 | Ngược xu hướng mong muốn | 2 |"));
  EXPECT_THAT(md, HasSubstr("87,50 (7/8)"));
  EXPECT_THAT(md, HasSubstr("## Phụ lục II — TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ"));
  EXPECT_THAT(md, HasSubstr("Giải quyết khiếu nại \\| tố cáo (QUÁ HẠN)"));
}

TEST(ReportRenderTest, AFigureThatIsNotAvailableIsADashWithItsReason) {
  v1::CompiledReport r = Sample();
  AddDraft(r);
  v1::CompiledStatistic* rate = r.mutable_statistics(1);
  v1::RollupRow* row = rate->add_rows();
  row->set_label("Giới tính: Nữ");
  row->mutable_figure()->set_unavailable_reason(v1::UNAVAILABLE_REASON_NUMERATOR_NOT_DISAGGREGATED);
  row->mutable_figure()->set_note("Không tính được: tử số không được phân tổ theo Giới tính");
  std::string md = RenderMarkdown(r);
  EXPECT_THAT(md, HasSubstr("↳ Giới tính: Nữ | % | — <sup>(1)</sup> |"));
  EXPECT_THAT(md, HasSubstr("*(1) Không tính được: tử số không được phân tổ theo Giới tính*"));
  EXPECT_THAT(md, Not(HasSubstr("| 0.00")));
  EXPECT_THAT(md, Not(HasSubstr("| 0,00")));
  std::string html = RenderHtml(r);
  EXPECT_THAT(html, HasSubstr("title=\"Không tính được: tử số không được phân tổ theo Giới tính\">—<sup>(1)</sup>"));
}

TEST(ReportRenderTest, EnglishWhenAsked) {
  v1::CompiledReport r = Sample();
  AddDraft(r);
  r.set_language("en");
  std::string md = RenderMarkdown(r);
  EXPECT_THAT(md, HasSubstr("SOCIALIST REPUBLIC OF VIET NAM"));
  EXPECT_THAT(md, HasSubstr("Đồng Nai, 20 November 2026"));
  EXPECT_THAT(md, HasSubstr("1,234,567"));
  EXPECT_THAT(md, HasSubstr("87.50 (7/8)"));
}

TEST(ReportRenderTest, HtmlIsEscapedAndItsHeadingsAreNotSmallerThanItsText) {
  v1::CompiledReport r = Sample();
  AddDraft(r);
  std::string html = RenderHtml(r);
  EXPECT_THAT(html, HasSubstr("&lt;ICCPR&gt;"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">1.234.567</td>"));
  EXPECT_THAT(html, HasSubstr("font-size:14pt;line-height"));
  EXPECT_THAT(html, HasSubstr("h3{font-size:14pt"));
  EXPECT_THAT(html, Not(HasSubstr("<h4")));
}

// Markdown is often shown as HTML: what an agency typed stays text there.
TEST(ReportRenderTest, MarkdownCarriesNoMarkupFromTheRegistryOrTheReports) {
  v1::CompiledReport r = Sample();
  AddDraft(r);
  std::string md = RenderMarkdown(r);
  EXPECT_THAT(md, HasSubstr("&lt;ICCPR&gt;"));
  EXPECT_THAT(md, Not(HasSubstr("<ICCPR>")));
}

TEST(ReportRenderTest, XlsxIsAWorkbookAndLeavesNoTemporaryFile) {
  std::string dir = (std::filesystem::temp_directory_path() / "agg-xlsx-test").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto rendered = RenderReport(Sample(), v1::REPORT_FORMAT_XLSX, dir);
  ASSERT_TRUE(rendered.ok()) << rendered.status();
  EXPECT_EQ(rendered->content.substr(0, 2), "PK");
  EXPECT_GT(rendered->content.size(), 1000u);
  EXPECT_EQ(rendered->filename, "bao-cao-dong-nai-dong-nai-74-2026-2026.xlsx");
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST(ReportRenderTest, JsonUsesTheProtoMapping) {
  auto rendered = RenderReport(Sample(), v1::REPORT_FORMAT_UNSPECIFIED, "/tmp");
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(rendered->content_type, "application/json");
  EXPECT_THAT(rendered->content, HasSubstr("\"planSymbol\": \"74/KH-UBND\""));
}

}  // namespace
}  // namespace tonghop::aggregation
