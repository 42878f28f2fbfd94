#include "services/registry/plan_import/deadline.h"

#include "gtest/gtest.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::Deadline;

TEST(DeadlineTest, EveryYear) {
  Deadline d = ParseDeadline("Hàng năm");
  EXPECT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_EVERY_YEAR);
  EXPECT_EQ(d.source_text(), "Hàng năm");
  EXPECT_EQ(ParseDeadline("hằng năm").kind(), tonghop::v1::DEADLINE_KIND_EVERY_YEAR);
}

TEST(DeadlineTest, YearRanges) {
  Deadline d = ParseDeadline("Năm 2022.");
  EXPECT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_YEAR_RANGE);
  EXPECT_EQ(d.from_year(), 2022);
  EXPECT_EQ(d.to_year(), 2022);
  d = ParseDeadline("2019-2022");
  EXPECT_EQ(d.from_year(), 2019);
  EXPECT_EQ(d.to_year(), 2022);
  d = ParseDeadline("Trong năm 2030, theo yêu cầu của Bộ, ngành trung ương");
  EXPECT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_YEAR_RANGE);
  EXPECT_EQ(d.from_year(), 2030);
  EXPECT_EQ(d.requested_by(), "Bộ, ngành trung ương");
}

TEST(DeadlineTest, OnRequest) {
  Deadline d = ParseDeadline("Theo yêu cầu của Bộ Công an hàng năm");
  EXPECT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_ON_REQUEST);
  EXPECT_EQ(d.requested_by(), "Bộ Công an");
  EXPECT_TRUE(d.annual());
  d = ParseDeadline("Theo hướng dẫn của Bộ, ngành trung ương");
  EXPECT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_ON_REQUEST);
  EXPECT_EQ(d.requested_by(), "Bộ, ngành trung ương");
  EXPECT_FALSE(d.annual());
  d = ParseDeadline("Sau khi có chỉ đạo, hướng dẫn của Bộ Tư pháp.");
  EXPECT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_ON_REQUEST);
  EXPECT_EQ(d.requested_by(), "Bộ Tư pháp");
  // A typo the documents have ("yêu câu") still reads.
  d = ParseDeadline("Theo yêu câu của Bộ Dân tộc và Tôn giáo hàng năm");
  EXPECT_EQ(d.requested_by(), "Bộ Dân tộc và Tôn giáo");
}

TEST(DeadlineTest, Milestones) {
  Deadline d = ParseDeadline("Báo cáo sơ kết: năm 2028 Báo cáo tổng kết: năm 2030");
  ASSERT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_MILESTONES);
  ASSERT_EQ(d.milestones_size(), 2);
  EXPECT_EQ(d.milestones(0).label(), "Báo cáo sơ kết");
  EXPECT_EQ(d.milestones(0).year(), 2028);
  EXPECT_EQ(d.milestones(1).label(), "Báo cáo tổng kết");
  d = ParseDeadline("- Báo cáo giữa kỳ: 2028 - Báo cáo quốc gia định kỳ lần thứ năm: 2031");
  ASSERT_EQ(d.milestones_size(), 2);
  EXPECT_EQ(d.milestones(0).label(), "Báo cáo giữa kỳ");
  EXPECT_EQ(d.milestones(1).label(), "Báo cáo quốc gia định kỳ lần thứ năm");
  EXPECT_EQ(d.milestones(1).year(), 2031);
}

TEST(DeadlineTest, Ongoing) {
  EXPECT_EQ(ParseDeadline("Thường xuyên").kind(), tonghop::v1::DEADLINE_KIND_ONGOING);
  EXPECT_EQ(ParseDeadline("Theo chương trình công tác của các cơ quan liên quan").kind(),
            tonghop::v1::DEADLINE_KIND_ONGOING);
}

TEST(DeadlineTest, ByDate) {
  Deadline d = ParseDeadline("Trước ngày 30/6/2026");
  ASSERT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_BY_DATE);
  EXPECT_EQ(d.date().year(), 2026);
  EXPECT_EQ(d.date().month(), 6);
  EXPECT_EQ(d.date().day(), 30);
  d = ParseDeadline("Quý II/2026");
  EXPECT_EQ(d.date().month(), 6);
  EXPECT_EQ(d.date().day(), 30);
  d = ParseDeadline("Tháng 12 năm 2026");
  EXPECT_EQ(d.date().month(), 12);
  EXPECT_EQ(d.date().day(), 0);
}

TEST(DeadlineTest, UnknownKeepsTheText) {
  Deadline d = ParseDeadline("Khi cần");
  EXPECT_EQ(d.kind(), tonghop::v1::DEADLINE_KIND_UNSPECIFIED);
  EXPECT_EQ(d.source_text(), "Khi cần");
  EXPECT_EQ(ParseDeadline("").source_text(), "");
}

}  // namespace
}  // namespace tonghop::plan_import
