#include "clients/cli/import_supplement.h"

#include "gtest/gtest.h"
#include "services/common/errors.h"

namespace tonghop::cli {
namespace {

TEST(ImportSupplementTest, ScheduleSpec) {
  auto rounds = ParseScheduleSpec("annual:15/11,compile:30/11");
  ASSERT_TRUE(rounds.ok()) << rounds.status();
  ASSERT_EQ(rounds->size(), 1u);
  EXPECT_EQ((*rounds)[0].period_type(), v1::PERIOD_TYPE_ANNUAL);
  EXPECT_EQ((*rounds)[0].due().month(), 11);
  EXPECT_EQ((*rounds)[0].due().day(), 15);
  EXPECT_EQ((*rounds)[0].compile_due().day(), 30);

  rounds = ParseScheduleSpec("s1:10/6, compile:15/6, s2:10/12, compile:15/12, annual:15/1+1");
  ASSERT_TRUE(rounds.ok()) << rounds.status();
  ASSERT_EQ(rounds->size(), 3u);
  EXPECT_EQ((*rounds)[1].sub_period(), 2);
  EXPECT_EQ((*rounds)[1].compile_due().month(), 12);
  EXPECT_EQ((*rounds)[2].due().year_offset(), 1);

  for (const char* bad : {"", "annual", "annual:31/2", "compile:1/1", "monthly:1/1", "q5:1/1"}) {
    auto r = ParseScheduleSpec(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_FALSE(GetVietnameseMessage(r.status()).empty()) << bad;
  }
}

TEST(ImportSupplementTest, DeadlinesMappingsAndYears) {
  absl::StatusOr<v1::TaskDeadlineSupplement> deadline = ParseDeadlineFlag("2.1=Quý II/2026");
  ASSERT_TRUE(deadline.ok()) << deadline.status();
  EXPECT_EQ(deadline->task(), "2.1");
  EXPECT_EQ(deadline->text(), "Quý II/2026");
  absl::StatusOr<v1::AgencyMapping> mapping =
      ParseMappingFlag("Sở VH-TT-DL=dong-nai-so-van-hoa-the-thao-va-du-lich");
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  EXPECT_EQ(mapping->text(), "Sở VH-TT-DL");
  EXPECT_EQ(mapping->agency(), "agencies/dong-nai-so-van-hoa-the-thao-va-du-lich");
  absl::StatusOr<std::pair<int, int>> years = ParseYears("2026-2030");
  ASSERT_TRUE(years.ok()) << years.status();
  EXPECT_EQ(*years, std::make_pair(2026, 2030));
  EXPECT_EQ(*ParseYears("2027"), std::make_pair(2027, 2027));
  absl::StatusOr<v1::TaskLeadSupplement> lead = ParseLeadFlag("2=Sở Tư pháp");
  ASSERT_TRUE(lead.ok()) << lead.status();
  EXPECT_EQ(lead->task(), "2");
  EXPECT_EQ(lead->text(), "Sở Tư pháp");
  EXPECT_EQ(ParseLeadFlag("2=dong-nai-so-noi-vu")->text(), "agencies/dong-nai-so-noi-vu");
  EXPECT_EQ(ParseLeadFlag("2=agencies/dong-nai-so-noi-vu")->text(), "agencies/dong-nai-so-noi-vu");
  EXPECT_FALSE(ParseLeadFlag("2=").ok());
  EXPECT_FALSE(ParseDeadlineFlag("2.1").ok());
  EXPECT_FALSE(ParseMappingFlag("=x").ok());
  EXPECT_FALSE(ParseYears("2030-2026").ok());
  EXPECT_FALSE(GetVietnameseMessage(ParseYears("hai nghìn").status()).empty());
}

TEST(ImportSupplementTest, FixupFile) {
  absl::StatusOr<v1::ImportSupplement> s = ParseFixup(
      "# bổ sung cho kế hoạch 175\n"
      "schedule: s1:15/6,s2:15/12,annual:15/11,compile:30/11\n"
      "deadline 1: Quý III/2026\n"
      "deadline 3: Hằng năm\n"
      "lead 2: Sở Tư pháp\n"
      "map Trung tâm TGPL tỉnh: dong-nai-trung-tam-tro-giup-phap-ly\n"
      "years: 2026-2030\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->schedule_size(), 3);
  EXPECT_EQ(s->task_deadlines_size(), 2);
  EXPECT_EQ(s->task_deadlines(1).task(), "3");
  ASSERT_EQ(s->task_leads_size(), 1);
  EXPECT_EQ(s->task_leads(0).text(), "Sở Tư pháp");
  EXPECT_EQ(s->agency_mappings(0).text(), "Trung tâm TGPL tỉnh");
  EXPECT_EQ(s->agency_mappings(0).agency(), "agencies/dong-nai-trung-tam-tro-giup-phap-ly");
  EXPECT_EQ(s->first_year(), 2026);
  EXPECT_EQ(s->last_year(), 2030);
  s = ParseFixup("schedule: annual:15/11\nnonsense line\n");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(GetVietnameseMessage(s.status()).find("dòng 2"), std::string::npos)
      << GetVietnameseMessage(s.status());
  EXPECT_EQ(s.status().message(), "fixup: line 2: no \"key: value\"");
}

}  // namespace
}  // namespace tonghop::cli
