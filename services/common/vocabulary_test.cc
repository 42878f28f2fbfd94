#include "services/common/vocabulary.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tonghop/v1/aggregation_service.pb.h"
#include "tonghop/v1/report.pb.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop {
namespace {

using ::testing::HasSubstr;

// Every value people see has a label in both languages.
template <typename Enum>
void ExpectEveryValueLabelled() {
  const google::protobuf::EnumDescriptor* type = google::protobuf::GetEnumDescriptor<Enum>();
  for (int i = 0; i < type->value_count(); ++i) {
    const std::string& name = type->value(i)->name();
    if (type->value(i)->number() == 0 && name != "PROGRESS_STATUS_UNSPECIFIED") continue;
    EXPECT_NE(LabelOf(name), name) << name;
    EXPECT_NE(LabelOf(name, Language::kEnglish), name) << name;
  }
}

TEST(VocabularyTest, EveryStateAndChoiceHasBothLabels) {
  ExpectEveryValueLabelled<v1::ReportState>();
  ExpectEveryValueLabelled<v1::ReporterState>();
  ExpectEveryValueLabelled<v1::ProgressStatus>();
  ExpectEveryValueLabelled<v1::ChangeKind>();
}

TEST(VocabularyTest, OneWordForOneState) {
  EXPECT_EQ(LabelOf(v1::REPORT_STATE_ACCEPTED), "Đã chấp nhận");
  EXPECT_EQ(LabelOf(v1::REPORTER_STATE_ACCEPTED), LabelOf(v1::REPORT_STATE_ACCEPTED));
  EXPECT_EQ(LabelOf(v1::REPORTER_STATE_AWAITING_REVIEW), LabelOf(v1::REPORT_STATE_SUBMITTED));
  EXPECT_EQ(LabelOf(v1::PROGRESS_STATUS_COMPLETED, Language::kEnglish), "Completed");
}

TEST(VocabularyTest, PeopleMayTypeNamesLabelsAndAliases) {
  const auto& progress = *v1::ProgressStatus_descriptor();
  for (const char* text : {"PROGRESS_STATUS_COMPLETED", "COMPLETED", "completed", " Hoàn thành ",
                           "hoàn thành", "HOÀN THÀNH", "Đã hoàn thành", "Completed"}) {
    EXPECT_EQ(ParseEnumText(progress, text), v1::PROGRESS_STATUS_COMPLETED) << text;
  }
  EXPECT_EQ(ParseEnumText(progress, "in-progress"), v1::PROGRESS_STATUS_IN_PROGRESS);
  EXPECT_EQ(ParseEnumText(progress, "Đang thực hiện"), v1::PROGRESS_STATUS_IN_PROGRESS);
  EXPECT_EQ(ParseEnumText(progress, "Chưa thực hiện"), v1::PROGRESS_STATUS_NOT_STARTED);
  // Decomposed input (NFD) reads the same.
  EXPECT_EQ(ParseEnumText(progress, "Hoa\xcc\x80n tha\xcc\x80nh"), v1::PROGRESS_STATUS_COMPLETED);
  EXPECT_EQ(ParseEnumText(progress, "UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseEnumText(progress, "xong"), std::nullopt);
  EXPECT_EQ(ParseEnumText(*v1::ReportState_descriptor(), "submitted"),
            v1::REPORT_STATE_SUBMITTED);
}

TEST(VocabularyTest, ChoicesNameTheLabelAndTheShortName) {
  std::string choices = ChoicesOf(*v1::ProgressStatus_descriptor());
  EXPECT_THAT(choices, HasSubstr("Hoàn thành (COMPLETED)"));
  EXPECT_THAT(choices, HasSubstr("Đang thực hiện (IN_PROGRESS)"));
  EXPECT_THAT(choices, ::testing::Not(HasSubstr("UNSPECIFIED")));
}

}  // namespace
}  // namespace tonghop
