#include "services/aggregation/report_render.h"

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tonghop::aggregation {
namespace {

using ::testing::HasSubstr;

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

TEST(ReportRenderTest, MarkdownHasEverySection) {
  std::string md = RenderMarkdown(Sample());
  EXPECT_THAT(md, HasSubstr("# BÁO CÁO"));
  EXPECT_THAT(md, HasSubstr("Kết quả thực hiện Kế hoạch số 74/KH-UBND"));
  EXPECT_THAT(md, HasSubstr("**Ngày tổng hợp:** 20/11/2026"));
  EXPECT_THAT(md, HasSubstr("- Xã Thử nghiệm B"));
  EXPECT_THAT(md, HasSubstr("A.1. Giải quyết khiếu nại \\| tố cáo — **QUÁ HẠN**"));
  EXPECT_THAT(md, HasSubstr("**Sở Tư pháp tỉnh Đồng Nai** (Chủ trì): Hoàn thành — Đã giải quyết 10 vụ việc"));
  EXPECT_THAT(md, HasSubstr("| Số vụ việc khiếu nại đã tiếp nhận | vụ việc | 1234567 | 1000000 | +234567 | Giảm | Ngược xu hướng mong muốn | 2 |"));
  EXPECT_THAT(md, HasSubstr("87.50 (7/8)"));
}

TEST(ReportRenderTest, EnglishWhenAsked) {
  v1::CompiledReport r = Sample();
  r.set_language("en");
  std::string md = RenderMarkdown(r);
  EXPECT_THAT(md, HasSubstr("Results of implementing plan 74/KH-UBND"));
  EXPECT_THAT(md, HasSubstr("2026-11-20"));
}

TEST(ReportRenderTest, HtmlIsEscaped) {
  std::string html = RenderHtml(Sample());
  EXPECT_THAT(html, HasSubstr("&lt;ICCPR&gt;"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("<td>1234567</td>"));
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
