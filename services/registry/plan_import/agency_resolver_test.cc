#include "services/registry/plan_import/agency_resolver.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/registry/plan_import/assignments.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::Assignment;

std::vector<tonghop::v1::Agency> Fixture() {
  std::ifstream in(std::string(TONGHOP_PLAN_IMPORT_TESTDATA) + "/agencies.json");
  std::stringstream buffer;
  buffer << in.rdbuf();
  tonghop::v1::ListAgenciesResponse list;
  auto status = google::protobuf::util::JsonStringToMessage(buffer.str(), &list);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return {list.agencies().begin(), list.agencies().end()};
}

class AgencyResolverTest : public testing::Test {
 protected:
  AgencyResolverTest() : resolver_(Fixture(), "agencies/dong-nai") {}
  std::string Agency(absl::string_view name) {
    Resolution r = resolver_.Resolve(name);
    return r.kind == Resolution::Kind::kAgency ? r.agency : "";
  }
  AgencyResolver resolver_;
};

TEST_F(AgencyResolverTest, CaseDiacriticsAndDecomposition) {
  EXPECT_EQ(Agency("Sở Tư pháp"), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(Agency("Sở tư pháp"), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(Agency("SỞ TƯ PHÁP"), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(Agency("So\xCC\x9B\xCC\x89 Tu\xCC\x9B pha\xCC\x81p"), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(Agency("Sở Tư pháp tỉnh Đồng Nai"), "agencies/dong-nai-so-tu-phap");
}

TEST_F(AgencyResolverTest, RelativeToTheIssuer) {
  EXPECT_EQ(Agency("Công an tỉnh"), "agencies/dong-nai-cong-an-tinh");
  EXPECT_EQ(Agency("Sở Y tế"), "agencies/dong-nai-so-y-te");
  EXPECT_EQ(Agency("Bộ Chỉ huy Quân sự tỉnh"), "agencies/dong-nai-bo-chi-huy-quan-su-tinh");
  EXPECT_EQ(Agency("TAND tỉnh"), "agencies/dong-nai-toa-an-nhan-dan-tinh");
  EXPECT_EQ(Agency("UBND tỉnh"), "agencies/dong-nai");
  AgencyResolver quang_ngai(Fixture(), "agencies/quang-ngai");
  EXPECT_EQ(quang_ngai.Resolve("Thanh tra tỉnh").agency, "agencies/quang-ngai-thanh-tra-tinh");
  EXPECT_EQ(quang_ngai.Resolve("Sở LĐ-TB&XH").agency,
            "agencies/quang-ngai-so-lao-dong-thuong-binh-va-xa-hoi");
  // Another province's full name resolves from anywhere.
  EXPECT_EQ(Agency("Thanh tra tỉnh Quảng Ngãi"), "agencies/quang-ngai-thanh-tra-tinh");
}

// A name without its province never reaches another province's unit, even
// when that unit carries it as an alias.
TEST(AgencyResolverProvinceTest, AnotherProvincesAliasDoesNotCapture) {
  std::vector<tonghop::v1::Agency> agencies = Fixture();
  for (auto& a : agencies) {
    if (a.name() == "agencies/dong-nai-so-giao-duc-va-dao-tao") a.add_aliases("Sở GD&ĐT");
  }
  AgencyResolver dong_nai(agencies, "agencies/dong-nai");
  EXPECT_EQ(dong_nai.Resolve("Sở GD&ĐT").agency, "agencies/dong-nai-so-giao-duc-va-dao-tao");
  AgencyResolver quang_ngai(agencies, "agencies/quang-ngai");
  EXPECT_EQ(quang_ngai.Resolve("Sở GD&ĐT").kind, Resolution::Kind::kNone);
  EXPECT_EQ(quang_ngai.Resolve("Sở Giáo dục và Đào tạo tỉnh Đồng Nai").agency,
            "agencies/dong-nai-so-giao-duc-va-dao-tao");
  EXPECT_THAT(quang_ngai.Candidates("Sở GD&ĐT", 3),
              testing::Not(testing::Contains("agencies/dong-nai-so-giao-duc-va-dao-tao")));
}

TEST_F(AgencyResolverTest, Groups) {
  Resolution r = resolver_.Resolve("Ủy ban nhân dân các xã, phường");
  ASSERT_EQ(r.kind, Resolution::Kind::kGroup);
  EXPECT_EQ(r.group.kind(), tonghop::v1::AGENCY_KIND_COMMUNE);
  EXPECT_EQ(r.group.ancestor(), "agencies/dong-nai");
  EXPECT_FALSE(r.group.open());
  EXPECT_EQ(resolver_.Resolve("UBND các xã, phường").group.kind(),
            tonghop::v1::AGENCY_KIND_COMMUNE);
  EXPECT_EQ(resolver_.Resolve("UBND các huyện, thị xã, thành phố").group.kind(),
            tonghop::v1::AGENCY_KIND_DISTRICT);
  r = resolver_.Resolve("Các Sở, ngành có liên quan");
  ASSERT_EQ(r.kind, Resolution::Kind::kGroup);
  EXPECT_TRUE(r.group.open());
  EXPECT_EQ(r.group.ancestor(), "agencies/dong-nai");
  EXPECT_TRUE(resolver_.Resolve("các cơ quan, địa phương có liên quan").group.open());
  r = resolver_.Resolve("các bộ, ngành liên quan");
  EXPECT_TRUE(r.national);
  EXPECT_EQ(r.group.ancestor(), "agencies/bo-tu-phap");
  EXPECT_EQ(resolver_.Resolve("Cơ quan chủ trì giải quyết bồi thường").kind,
            Resolution::Kind::kGroup);
  EXPECT_EQ(resolver_.Resolve("Cơ quan Cảnh sát điều tra").kind, Resolution::Kind::kNone);
  EXPECT_EQ(resolver_.Resolve("Ủy ban nhân dân các xã, phường và Công an").kind,
            Resolution::Kind::kNone);
}

TEST_F(AgencyResolverTest, CandidatesForUnknownNames) {
  EXPECT_EQ(resolver_.Resolve("Sở Y tế Đồng Nal").kind, Resolution::Kind::kNone);
  std::vector<std::string> c = resolver_.Candidates("Sở Tư phap Đồng Nal", 3);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0], "agencies/dong-nai-so-tu-phap");
}

TEST_F(AgencyResolverTest, AssignmentsSplitWhereNamesEnd) {
  ParsedAssignments p = ParseAssignments(
      "Sở Tư pháp, Sở Y tế, Sở Nội vụ, Sở Giáo dục và Đào tạo, Công an tỉnh, và các Sở, "
      "ngành có liên quan",
      AssignmentRole::kCoordinating, resolver_);
  EXPECT_TRUE(p.unresolved.empty());
  ASSERT_EQ(p.coordinating.size(), 6u);
  EXPECT_EQ(p.coordinating[3].agency(), "agencies/dong-nai-so-giao-duc-va-dao-tao");
  EXPECT_TRUE(p.coordinating[5].has_group());
  EXPECT_EQ(p.coordinating[5].group().label(), "các Sở, ngành có liên quan");

  p = ParseAssignments("Sở Văn hóa, Thể thao và Du lịch", AssignmentRole::kLead, resolver_);
  ASSERT_EQ(p.lead.size(), 1u);
  EXPECT_EQ(p.lead[0].agency(), "agencies/dong-nai-so-van-hoa-the-thao-va-du-lich");
}

TEST_F(AgencyResolverTest, RequestedBodiesAndScopes) {
  ParsedAssignments p = ParseAssignments(
      "- Công an tỉnh (đối với tổ chức của cơ quan điều tra); - Đề nghị Tòa án nhân dân tỉnh và "
      "Viện Kiểm sát nhân dân tỉnh chủ trì thực hiện (đối với tổ chức của Tòa án và Viện Kiểm "
      "sát)",
      AssignmentRole::kLead, resolver_);
  ASSERT_EQ(p.lead.size(), 3u);
  EXPECT_EQ(p.lead[0].agency(), "agencies/dong-nai-cong-an-tinh");
  EXPECT_FALSE(p.lead[0].requested());
  EXPECT_EQ(p.lead[0].scope_note(), "đối với tổ chức của cơ quan điều tra");
  for (int i : {1, 2}) {
    EXPECT_TRUE(p.lead[i].requested());
    EXPECT_EQ(p.lead[i].scope_note(), "đối với tổ chức của Tòa án và Viện Kiểm sát");
  }
  EXPECT_EQ(p.lead[2].agency(), "agencies/dong-nai-vien-kiem-sat-nhan-dan-tinh");

  p = ParseAssignments(
      "Công an tỉnh; Đề nghị Viện Kiểm sát nhân dân tỉnh chủ trì thực hiện đối với lĩnh vực tố "
      "tụng hình sự",
      AssignmentRole::kLead, resolver_);
  ASSERT_EQ(p.lead.size(), 2u);
  EXPECT_TRUE(p.lead[1].requested());
  EXPECT_EQ(p.lead[1].scope_note(), "đối với lĩnh vực tố tụng hình sự");

  p = ParseAssignments(
      "<ul style=\"list-style-type: none\"> - Sở Y tế (đối với vấn đề tuổi trẻ em) - Đề nghị Tòa "
      "án nhân dân tỉnh, Viện kiểm sát nhân dân tỉnh chủ trì thực hiện theo chức năng, nhiệm vụ ",
      AssignmentRole::kLead, resolver_);
  ASSERT_EQ(p.lead.size(), 3u);
  EXPECT_EQ(p.lead[0].scope_note(), "đối với vấn đề tuổi trẻ em");
  EXPECT_TRUE(p.lead[1].requested());
  EXPECT_TRUE(p.lead[2].requested());
  EXPECT_EQ(p.lead[2].scope_note(), "");
}

TEST_F(AgencyResolverTest, ListAfterCacSo) {
  ParsedAssignments p = ParseAssignments(
      "- Các Sở: Tư pháp, Ngoại vụ, Xây dựng; Bộ Chỉ huy Quân sự tỉnh và các Sở, ngành liên "
      "quan - Ủy ban nhân dân các xã, phường và các cơ quan, tổ chức có liên quan",
      AssignmentRole::kCoordinating, resolver_);
  EXPECT_THAT(p.unresolved, testing::IsEmpty());
  ASSERT_EQ(p.coordinating.size(), 7u);
  EXPECT_EQ(p.coordinating[0].agency(), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(p.coordinating[1].agency(), "agencies/dong-nai-so-ngoai-vu");
  EXPECT_EQ(p.coordinating[2].agency(), "agencies/dong-nai-so-xay-dung");
  EXPECT_EQ(p.coordinating[3].agency(), "agencies/dong-nai-bo-chi-huy-quan-su-tinh");
  EXPECT_TRUE(p.coordinating[4].group().open());
  EXPECT_EQ(p.coordinating[5].group().kind(), tonghop::v1::AGENCY_KIND_COMMUNE);
  EXPECT_TRUE(p.coordinating[6].group().open());
}

TEST_F(AgencyResolverTest, CoordinationAskedInTheLeadColumn) {
  ParsedAssignments p = ParseAssignments(
      "- Sở Nội vụ (các vấn đề chung); - Đề nghị Liên đoàn Lao động tỉnh phối hợp (đối với vấn đề "
      "về công đoàn trong Luật Công đoàn).",
      AssignmentRole::kLead, resolver_);
  ASSERT_EQ(p.lead.size(), 1u);
  ASSERT_EQ(p.coordinating.size(), 1u);
  EXPECT_EQ(p.coordinating[0].agency(), "agencies/dong-nai-lien-doan-lao-dong-tinh");
  EXPECT_TRUE(p.coordinating[0].requested());
  EXPECT_EQ(p.coordinating[0].scope_note(),
            "đối với vấn đề về công đoàn trong Luật Công đoàn");
  EXPECT_EQ(p.warnings.size(), 1u);
}

TEST_F(AgencyResolverTest, UnresolvedNamesAreReportedWhole) {
  ParsedAssignments p = ParseAssignments(
      "Sở Du lịch, Thể thao và Nghệ thuật; Công an tỉnh", AssignmentRole::kLead, resolver_);
  EXPECT_THAT(p.unresolved, testing::ElementsAre("Sở Du lịch, Thể thao và Nghệ thuật"));
  ASSERT_EQ(p.lead.size(), 1u);
}

TEST(AssignmentsTest, SplitResults) {
  EXPECT_THAT(SplitResults("Các kênh tiếp nhận khiếu nại, tố cáo thuận tiện, an toàn; tỷ lệ giải "
                           "quyết tăng qua các năm."),
              testing::ElementsAre("Các kênh tiếp nhận khiếu nại, tố cáo thuận tiện, an toàn",
                                   "tỷ lệ giải quyết tăng qua các năm"));
  EXPECT_THAT(SplitResults("<ul> - Các kênh an toàn - Tỷ lệ tăng qua các năm </ul>"),
              testing::ElementsAre("Các kênh an toàn", "Tỷ lệ tăng qua các năm"));
  EXPECT_THAT(SplitResults("Hội thảo, hội nghị (a; b)"),
              testing::ElementsAre("Hội thảo, hội nghị (a; b)"));
}

}  // namespace
}  // namespace tonghop::plan_import
