#include "services/common/agency_matcher.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"

namespace tonghop {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Agency Make(const std::string& id, const std::string& display,
                std::vector<std::string> aliases = {}) {
  v1::Agency agency;
  agency.set_name("agencies/" + id);
  agency.set_display_name(display);
  for (const std::string& alias : aliases) agency.add_aliases(alias);
  return agency;
}

AgencyMatcher Fixture() {
  return AgencyMatcher({
      Make("bo-tu-phap", "Bộ Tư pháp", {"BTP"}),
      Make("dong-nai", "Tỉnh Đồng Nai", {"UBND tỉnh Đồng Nai", "Đồng Nai"}),
      Make("dong-nai-so-tu-phap", "Sở Tư pháp tỉnh Đồng Nai", {"Sở Tư pháp"}),
      Make("dong-nai-so-y-te", "Sở Y tế tỉnh Đồng Nai", {"Sở Y tế"}),
      Make("ha-noi-so-y-te", "Sở Y tế thành phố Hà Nội"),
      Make("dong-nai-xa-phu-huu", "Xã Phú Hữu"),
  });
}

std::vector<std::string> Ids(const std::vector<const v1::Agency*>& agencies) {
  std::vector<std::string> ids;
  for (const v1::Agency* agency : agencies) ids.push_back(AgencyId(agency->name()));
  return ids;
}

TEST(AgencyMatcherTest, FindsExactIdsAndNamesOnly) {
  AgencyMatcher matcher = Fixture();
  ASSERT_NE(matcher.Find("dong-nai-so-y-te"), nullptr);
  EXPECT_EQ(matcher.Find("agencies/dong-nai-so-y-te")->display_name(), "Sở Y tế tỉnh Đồng Nai");
  EXPECT_EQ(matcher.Find("DONG-NAI-SO-Y-TE"), nullptr);
  EXPECT_EQ(matcher.Find("Sở Y tế"), nullptr);
}

TEST(AgencyMatcherTest, SuggestsForWrongCaseMisspellingAndNames) {
  AgencyMatcher matcher = Fixture();
  EXPECT_THAT(Ids(matcher.Suggest("DONG-NAI-SO-Y-TE")), ElementsAre("dong-nai-so-y-te"));
  // Other ids are within the edit limit too, but further than the nearest.
  EXPECT_THAT(Ids(matcher.Suggest("dong-nai-so-yte")), ElementsAre("dong-nai-so-y-te"));
  // An alias, with and without diacritics, decomposed or not.
  EXPECT_THAT(Ids(matcher.Suggest("Sở Y tế")), ElementsAre("dong-nai-so-y-te"));
  EXPECT_EQ(Ids(matcher.Suggest("so y te"))[0], "dong-nai-so-y-te");
  EXPECT_EQ(Ids(matcher.Suggest("So\xCC\x9B\xCC\x89 Y te\xCC\x82\xCC\x81"))[0],
            "dong-nai-so-y-te");
  // "so-y-te" is Đồng Nai's alias "Sở Y tế"; part of a name is in every
  // province's department, the fewest other words first.
  EXPECT_THAT(Ids(matcher.Suggest("so-y-te")), ElementsAre("dong-nai-so-y-te"));
  EXPECT_THAT(Ids(matcher.Suggest("y-te")), ElementsAre("dong-nai-so-y-te", "ha-noi-so-y-te"));
  EXPECT_EQ(Ids(matcher.Suggest("Sở Y tế Hà Nội"))[0], "ha-noi-so-y-te");
  EXPECT_EQ(Ids(matcher.Suggest("xa phu huu"))[0], "dong-nai-xa-phu-huu");
  EXPECT_TRUE(matcher.Suggest("Ủy ban nhân dân tỉnh Cà Mau").empty());
  EXPECT_TRUE(matcher.Suggest("").empty());
  EXPECT_TRUE(matcher.Suggest(std::string(100000, 'x')).empty());
}

TEST(AgencyMatcherTest, UnknownIdIsNotFoundWithASuggestion) {
  absl::Status status = UnknownAgency("dong-nai-so-yte", "", Fixture());
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(),
            "agencies/dong-nai-so-yte does not exist; did you mean dong-nai-so-y-te (Sở Y tế "
            "tỉnh Đồng Nai)?");
  EXPECT_EQ(GetErrorInfo(status).reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(GetErrorInfo(status).metadata().at("suggestions"), "dong-nai-so-y-te");
  EXPECT_EQ(GetErrorInfo(status).metadata().at("resource"), "agencies/dong-nai-so-yte");
  EXPECT_EQ(GetVietnameseMessage(status),
            "Không tìm thấy cơ quan dong-nai-so-yte. Có phải ý bạn là: dong-nai-so-y-te?");
}

TEST(AgencyMatcherTest, NameInsteadOfIdIsInvalidNamingTheField) {
  absl::Status status = UnknownAgency("Sở Y tế", "parent", Fixture());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad = GetBadRequest(status);
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "parent");
  // "Sở Y tế" is Đồng Nai's alias: that exact name hides Hà Nội's.
  EXPECT_EQ(bad.field_violations(0).description(),
            "\"Sở Y tế\" is not an agency id (lowercase letters, digits and hyphens, e.g. "
            "dong-nai-so-y-te); did you mean dong-nai-so-y-te (Sở Y tế tỉnh Đồng Nai)?");
  // Without a field (the caller's own identity), the same words in the message.
  absl::Status caller = UnknownAgency("Sở Y tế", "", Fixture());
  EXPECT_EQ(caller.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetErrorInfo(caller).reason(), "INVALID_AGENCY_ID");
  EXPECT_THAT(std::string(caller.message()),
              HasSubstr("unknown agency \"Sở Y tế\": not an agency id"));
  EXPECT_THAT(std::string(caller.message()), HasSubstr("did you mean dong-nai-so-y-te"));
}

TEST(AgencyMatcherTest, NothingCloseSaysHowIdsLook) {
  absl::Status status = UnknownAgency("ca-mau", "", Fixture());
  EXPECT_EQ(status.message(), "agencies/ca-mau does not exist");
  EXPECT_THAT(GetVietnameseMessage(status), HasSubstr("ví dụ dong-nai-so-y-te"));
  // With no agencies to suggest from (the registry could not be read), a
  // name still gets the form its id would take.
  absl::Status name = UnknownAgency("Sở Y tế", "", AgencyMatcher({}));
  EXPECT_THAT(std::string(name.message()), HasSubstr("written as an id it would be so-y-te"));
  EXPECT_THAT(GetVietnameseMessage(name), HasSubstr("Viết dưới dạng mã: so-y-te."));
}

}  // namespace
}  // namespace tonghop
