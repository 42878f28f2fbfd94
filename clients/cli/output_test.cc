#include "clients/cli/output.h"

#include <sstream>

#include "gtest/gtest.h"
#include "services/common/errors.h"
#include "tonghop/v1/agency.pb.h"

namespace tonghop::cli {
namespace {

TEST(OutputTest, TableAlignsVietnameseByCharacters) {
  std::ostringstream out;
  PrintTable(out, {"Mã", "Tên"}, {{"dong-nai", "Đồng Nai"}, {"hue", "Huế"}});
  EXPECT_EQ(out.str(),
            "Mã        Tên\n"
            "--------  --------\n"
            "dong-nai  Đồng Nai\n"
            "hue       Huế\n");
}

TEST(OutputTest, CsvQuotesWhereNeeded) {
  std::ostringstream out;
  PrintCsv(out, {"a", "b"}, {{"x,y", "say \"hi\""}});
  EXPECT_EQ(out.str(), "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n");
}

TEST(OutputTest, JsonUsesProtobufMapping) {
  v1::Agency agency;
  agency.set_name("agencies/dong-nai");
  agency.set_focal_agency("agencies/dong-nai-so-tu-phap");
  std::ostringstream out;
  PrintJson(out, agency);
  EXPECT_NE(out.str().find("\"focalAgency\": \"agencies/dong-nai-so-tu-phap\""),
            std::string::npos);
}

TEST(OutputTest, ErrorsListFieldViolations) {
  std::ostringstream err;
  EXPECT_EQ(PrintError(err, InvalidArgument({{"agency.parent", "agencies/x does not exist"},
                                             {"agency.kind", "required"}})),
            1);
  EXPECT_NE(err.str().find("  - agency.parent: agencies/x does not exist\n"), std::string::npos);
  EXPECT_NE(err.str().find("  - agency.kind: required\n"), std::string::npos);
}

}  // namespace
}  // namespace tonghop::cli
