#include "services/common/access_policy.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace tonghop {
namespace {

// The hierarchy the rules are stated on: the ministry (root, its own focal
// agency); Đồng Nai with its Department of Justice, Department of Health and
// a commune under a (historical) district; Quảng Ngãi with its Department of
// Justice and police.
class FakeDirectory final : public AgencyDirectory {
 public:
  FakeDirectory() {
    Add("bo-tu-phap", v1::AGENCY_KIND_MINISTRY, "", "bo-tu-phap");
    Add("dong-nai", v1::AGENCY_KIND_PROVINCE, "bo-tu-phap", "dong-nai-so-tu-phap");
    Add("dong-nai-so-tu-phap", v1::AGENCY_KIND_DEPARTMENT, "dong-nai", "");
    Add("dong-nai-so-y-te", v1::AGENCY_KIND_DEPARTMENT, "dong-nai", "");
    Add("dong-nai-huyen-a", v1::AGENCY_KIND_DISTRICT, "dong-nai", "");
    Add("dong-nai-huyen-b", v1::AGENCY_KIND_DISTRICT, "dong-nai", "");
    Add("dong-nai-xa-a", v1::AGENCY_KIND_COMMUNE, "dong-nai-huyen-a", "");
    Add("quang-ngai", v1::AGENCY_KIND_PROVINCE, "bo-tu-phap", "quang-ngai-so-tu-phap");
    Add("quang-ngai-so-tu-phap", v1::AGENCY_KIND_DEPARTMENT, "quang-ngai", "");
    Add("quang-ngai-cong-an", v1::AGENCY_KIND_SECURITY_FORCE, "quang-ngai", "");
  }

  absl::StatusOr<std::optional<v1::Agency>> FindAgency(absl::string_view name) const override {
    auto it = agencies_.find(std::string(name));
    if (it == agencies_.end()) return std::optional<v1::Agency>();
    return std::optional<v1::Agency>(it->second);
  }

  v1::Agency Get(const std::string& id) const { return agencies_.at("agencies/" + id); }

 private:
  void Add(const std::string& id, v1::AgencyKind kind, const std::string& parent,
           const std::string& focal) {
    v1::Agency a;
    a.set_name("agencies/" + id);
    a.set_display_name(id);
    a.set_kind(kind);
    if (!parent.empty()) a.set_parent("agencies/" + parent);
    if (!focal.empty()) a.set_focal_agency("agencies/" + focal);
    agencies_[a.name()] = a;
  }

  std::map<std::string, v1::Agency> agencies_;
};

Caller Person(const std::string& agency, RoleSet roles, const std::string& user = "users/u") {
  Caller caller("agencies/" + agency);
  caller.kind = CallerKind::kPerson;
  caller.user = user;
  caller.roles = roles;
  return caller;
}
Caller Machine(const std::string& agency) { return Caller("agencies/" + agency); }

constexpr RoleSet kAdmin = static_cast<RoleSet>(Role::kAdmin);
constexpr RoleSet kClerk = static_cast<RoleSet>(Role::kClerk);
constexpr RoleSet kReviewer = static_cast<RoleSet>(Role::kReviewer);
constexpr RoleSet kAnalyst = static_cast<RoleSet>(Role::kAnalyst);

absl::StatusCode Code(const absl::Status& s) { return s.code(); }
constexpr absl::StatusCode kOk = absl::StatusCode::kOk;
constexpr absl::StatusCode kDenied = absl::StatusCode::kPermissionDenied;
constexpr absl::StatusCode kNoIdentity = absl::StatusCode::kUnauthenticated;

class AccessPolicyTest : public ::testing::Test {
 protected:
  FakeDirectory dir_;
  AccessPolicy policy_{"agencies/bo-tu-phap"};
};

TEST_F(AccessPolicyTest, ReviewerIsTheNearestFocalAgencyAboveAndNeverOneself) {
  EXPECT_EQ(*policy_.ReviewerOf(dir_, "agencies/dong-nai-xa-a"), "agencies/dong-nai-so-tu-phap");
  EXPECT_EQ(*policy_.ReviewerOf(dir_, "agencies/dong-nai-so-y-te"),
            "agencies/dong-nai-so-tu-phap");
  // The Department of Justice's own report goes to the ministry.
  EXPECT_EQ(*policy_.ReviewerOf(dir_, "agencies/dong-nai-so-tu-phap"), "agencies/bo-tu-phap");
  EXPECT_EQ(*policy_.ReviewerOf(dir_, "agencies/dong-nai"), "agencies/bo-tu-phap");
  EXPECT_EQ(*policy_.ReviewerOf(dir_, "agencies/bo-tu-phap"), "");

  const Caller justice = Person("dong-nai-so-tu-phap", kReviewer);
  EXPECT_EQ(Code(policy_.CheckReviewReport(justice, dir_, "agencies/dong-nai-xa-a", "r")), kOk);
  EXPECT_EQ(Code(policy_.CheckReviewReport(justice, dir_, "agencies/dong-nai-so-tu-phap", "r")),
            kDenied)
      << "a focal agency accepting its own report";
  // The ministry reviews only the reports it is the nearest reviewer of.
  const Caller ministry = Machine("bo-tu-phap");
  EXPECT_EQ(Code(policy_.CheckReviewReport(ministry, dir_, "agencies/dong-nai-xa-a", "r")),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckReviewReport(ministry, dir_, "agencies/dong-nai-so-tu-phap", "r")),
            kOk);
  EXPECT_EQ(Code(policy_.CheckReviewReport(Person("dong-nai-so-tu-phap", kClerk), dir_,
                                           "agencies/dong-nai-xa-a", "r")),
            kDenied)
      << "a clerk does not review";
  EXPECT_EQ(Code(policy_.CheckReviewReport(Caller(), dir_, "agencies/dong-nai-xa-a", "r")),
            kNoIdentity);
}

TEST_F(AccessPolicyTest, ReportsAreWrittenByTheirAgencysClerks) {
  EXPECT_EQ(Code(policy_.CheckWriteReport(Person("dong-nai-xa-a", kClerk), "agencies/dong-nai-xa-a",
                                          "r")),
            kOk);
  EXPECT_EQ(Code(policy_.CheckWriteReport(Person("dong-nai-xa-a", kAnalyst),
                                          "agencies/dong-nai-xa-a", "r")),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckWriteReport(Machine("dong-nai-so-tu-phap"), "agencies/dong-nai-xa-a",
                                          "r")),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckWriteReport(Machine("bo-tu-phap"), "agencies/dong-nai-xa-a", "r")),
            kDenied)
      << "not even the authority writes another agency's report";
}

TEST_F(AccessPolicyTest, ReadingFollowsReach) {
  const std::string commune = "agencies/dong-nai-xa-a";
  EXPECT_EQ(Code(policy_.CheckReadReport(Person("dong-nai-xa-a", kClerk), dir_, commune, "r")),
            kOk);
  EXPECT_EQ(Code(policy_.CheckReadReport(Person("dong-nai-so-tu-phap", kAnalyst), dir_, commune,
                                         "r")),
            kOk);
  EXPECT_EQ(Code(policy_.CheckReadReport(Person("dong-nai-so-tu-phap", kClerk), dir_, commune,
                                         "r")),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckReadReport(Person("quang-ngai-so-tu-phap", kAnalyst), dir_, commune,
                                         "r")),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckReadReport(Person("bo-tu-phap", kAnalyst), dir_, commune, "r")),
            kOk);
  EXPECT_EQ(Code(policy_.CheckReadRollup(Person("dong-nai-so-y-te", kAnalyst), dir_,
                                         "agencies/dong-nai")),
            kDenied)
      << "a department does not read the province's roll-up";
  EXPECT_EQ(Code(policy_.CheckReadRollup(Machine("dong-nai-so-tu-phap"), dir_,
                                         "agencies/dong-nai")),
            kOk);
}

TEST_F(AccessPolicyTest, StructuralChangesAreTheAuthoritys) {
  const Caller justice = Person("dong-nai-so-tu-phap", kAdmin);
  // Names within reach: yes.
  v1::Agency before = dir_.Get("dong-nai-so-y-te");
  v1::Agency renamed = before;
  renamed.set_display_name("Sở Y tế (mới)");
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, before, renamed, false)), kOk);
  // Its own agency's kind to MINISTRY: no.
  v1::Agency self = dir_.Get("dong-nai-so-tu-phap");
  v1::Agency promoted = self;
  promoted.set_kind(v1::AGENCY_KIND_MINISTRY);
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, self, promoted, false)), kDenied);
  // The province's focal agency pointed at a commune: no.
  v1::Agency province = dir_.Get("dong-nai");
  v1::Agency repointed = province;
  repointed.set_focal_agency("agencies/dong-nai-xa-a");
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, province, repointed, false)), kDenied);
  // The province moved under another: no.
  v1::Agency moved_province = province;
  moved_province.set_parent("agencies/quang-ngai");
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, province, moved_province, false)),
            kDenied);
  // Another province's agency moved under its own province: no.
  v1::Agency police = dir_.Get("quang-ngai-cong-an");
  v1::Agency captured = police;
  captured.set_parent("agencies/dong-nai");
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, police, captured, false)), kDenied);
  // A commune moved between two districts of its own province: yes.
  v1::Agency commune = dir_.Get("dong-nai-xa-a");
  v1::Agency rehomed = commune;
  rehomed.set_parent("agencies/dong-nai-huyen-b");
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, commune, rehomed, false)), kOk);
  // The authority does all of it.
  EXPECT_EQ(Code(policy_.CheckWriteAgency(Machine("bo-tu-phap"), dir_, self, promoted, false)),
            kOk);
  // Without the admin role, not even names.
  EXPECT_EQ(Code(policy_.CheckWriteAgency(Person("dong-nai-so-tu-phap", kReviewer), dir_, before,
                                          renamed, false)),
            kDenied);
}

TEST_F(AccessPolicyTest, CreatingAndDeletingStayInScope) {
  const Caller justice = Person("dong-nai-so-tu-phap", kAdmin);
  v1::Agency commune;
  commune.set_name("agencies/dong-nai-xa-moi");
  commune.set_kind(v1::AGENCY_KIND_COMMUNE);
  commune.set_parent("agencies/dong-nai");
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, std::nullopt, commune, false)), kOk);
  v1::Agency ministry = commune;
  ministry.set_kind(v1::AGENCY_KIND_MINISTRY);
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, std::nullopt, ministry, false)), kDenied);
  v1::Agency elsewhere = commune;
  elsewhere.set_parent("agencies/quang-ngai");
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, std::nullopt, elsewhere, false)),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, dir_.Get("dong-nai-xa-a"), std::nullopt,
                                          false)),
            kOk);
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, dir_.Get("dong-nai"), std::nullopt,
                                          false)),
            kDenied)
      << "never the agency it is the focal agency of";
  EXPECT_EQ(Code(policy_.CheckWriteAgency(justice, dir_, dir_.Get("dong-nai-so-tu-phap"),
                                          std::nullopt, false)),
            kDenied)
      << "never its own";
}

TEST_F(AccessPolicyTest, AnEmptyRegistryAcceptsOnlyTheAuthority) {
  v1::Agency root;
  root.set_name("agencies/bo-tu-phap");
  root.set_kind(v1::AGENCY_KIND_MINISTRY);
  FakeDirectory empty_world;
  EXPECT_EQ(Code(policy_.CheckWriteAgency(Machine("dong-nai-so-tu-phap"), empty_world,
                                          std::nullopt, root, true)),
            kDenied)
      << "the first caller does not become whoever it claims";
  EXPECT_EQ(Code(policy_.CheckWriteAgency(Machine("bo-tu-phap"), empty_world, std::nullopt, root,
                                          true)),
            kOk);
  EXPECT_EQ(Code(policy_.CheckWritePlan(Machine("dong-nai"), empty_world, "plans/p", "",
                                        "agencies/dong-nai", {}, true)),
            kDenied);
}

TEST_F(AccessPolicyTest, OnlyAnAdministratorInReachOfTheIssuerMayHaveAPlanFileRead) {
  EXPECT_EQ(Code(policy_.CheckImportPlan(Caller(), dir_, "agencies/dong-nai")),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Code(policy_.CheckImportPlan(Person("dong-nai-so-y-te", kClerk), dir_,
                                         "agencies/dong-nai")),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckImportPlan(Person("dong-nai-so-y-te", kClerk), dir_, "")),
            kDenied);
  const Caller justice = Person("dong-nai-so-tu-phap", kAdmin);
  EXPECT_EQ(Code(policy_.CheckImportPlan(justice, dir_, "agencies/dong-nai")), kOk);
  EXPECT_EQ(Code(policy_.CheckImportPlan(justice, dir_, "")), kOk);
  EXPECT_EQ(Code(policy_.CheckImportPlan(justice, dir_, "agencies/quang-ngai")), kDenied);
  EXPECT_EQ(Code(policy_.CheckImportPlan(Machine("bo-tu-phap"), dir_, "agencies/quang-ngai")),
            kOk);
}

TEST_F(AccessPolicyTest, APlanBindsOnlyItsIssuersReach) {
  const Caller commune_admin = Person("dong-nai-xa-a", kAdmin);
  // A commune's plan assigning the ministry and another province's police.
  EXPECT_EQ(Code(policy_.CheckWritePlan(commune_admin, dir_, "plans/p", "",
                                        "agencies/dong-nai-xa-a",
                                        {"agencies/bo-tu-phap", "agencies/quang-ngai-cong-an"},
                                        false)),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckWritePlan(commune_admin, dir_, "plans/p", "",
                                        "agencies/dong-nai-xa-a", {"agencies/dong-nai-xa-a"},
                                        false)),
            kOk);
  const Caller justice = Person("dong-nai-so-tu-phap", kAdmin);
  EXPECT_EQ(Code(policy_.CheckWritePlan(justice, dir_, "plans/p", "", "agencies/dong-nai",
                                        {"agencies/dong-nai-so-y-te", "agencies/dong-nai-xa-a"},
                                        false)),
            kOk);
  EXPECT_EQ(Code(policy_.CheckWritePlan(justice, dir_, "plans/p", "", "agencies/quang-ngai", {},
                                        false)),
            kDenied)
      << "a plan issued by another province";
  // Even the authority cannot make a province's plan bind another province.
  EXPECT_EQ(Code(policy_.CheckWritePlan(Machine("bo-tu-phap"), dir_, "plans/p", "",
                                        "agencies/dong-nai", {"agencies/quang-ngai-cong-an"},
                                        false)),
            kDenied);
}

TEST_F(AccessPolicyTest, PeopleAreManagedWithinReachAndNobodyElevatesThemself) {
  const Caller justice = Person("dong-nai-so-tu-phap", kAdmin, "users/lan");
  EXPECT_EQ(Code(policy_.CheckWriteUser(justice, dir_, "users/an", "", "agencies/dong-nai-xa-a",
                                        true)),
            kOk);
  EXPECT_EQ(Code(policy_.CheckWriteUser(justice, dir_, "users/an", "",
                                        "agencies/quang-ngai-so-tu-phap", true)),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckWriteUser(justice, dir_, "users/lan", "agencies/dong-nai-so-tu-phap",
                                        "agencies/bo-tu-phap", true)),
            kDenied);
  // A person who does not exist: no agency to judge by, so only the
  // authority hears that they do not.
  EXPECT_EQ(Code(policy_.CheckWriteUser(justice, dir_, "users/nobody", "", "", false)), kDenied);
  EXPECT_EQ(Code(policy_.CheckWriteUser(Person("bo-tu-phap", kAdmin, "users/minh"), dir_,
                                        "users/nobody", "", "", false)),
            kOk);
  EXPECT_EQ(Code(policy_.CheckReadUser(Person("dong-nai-xa-a", kClerk, "users/an"), dir_,
                                       "users/an", "agencies/dong-nai-xa-a")),
            kOk);
  EXPECT_EQ(Code(policy_.CheckReadUser(Person("dong-nai-xa-a", kClerk, "users/an"), dir_,
                                       "users/lan", "agencies/dong-nai-so-tu-phap")),
            kDenied);
}

TEST_F(AccessPolicyTest, ForwardSendsOnlyWhatTheInstanceIs) {
  const Caller justice = Person("dong-nai-so-tu-phap", kReviewer);
  EXPECT_EQ(Code(policy_.CheckForward(justice, dir_, "agencies/dong-nai", "agencies/dong-nai")),
            kOk);
  // A commune's figures sent as that commune: the confused deputy.
  EXPECT_EQ(Code(policy_.CheckForward(justice, dir_, "agencies/dong-nai-xa-a",
                                      "agencies/dong-nai")),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckForward(Person("dong-nai-so-y-te", kAdmin), dir_,
                                      "agencies/dong-nai", "agencies/dong-nai")),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckForward(justice, dir_, "agencies/dong-nai", "")),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(AccessPolicyTest, CompiledReportsAreEditedByTheirCompilersReviewersAndAdmins) {
  constexpr char kDraft[] = "compiledReports/dong-nai/p/2026/draft";
  const std::string compiler = "agencies/dong-nai-so-tu-phap";
  EXPECT_EQ(Code(policy_.CheckEditCompiledReport(Person("dong-nai-so-tu-phap", kReviewer),
                                                 compiler, kDraft)),
            kOk);
  EXPECT_EQ(Code(policy_.CheckEditCompiledReport(Person("dong-nai-so-tu-phap", kAdmin),
                                                 compiler, kDraft)),
            kOk);
  EXPECT_EQ(Code(policy_.CheckEditCompiledReport(Machine("dong-nai-so-tu-phap"), compiler,
                                                 kDraft)),
            kOk);
  EXPECT_EQ(Code(policy_.CheckEditCompiledReport(Person("dong-nai-so-tu-phap", kClerk),
                                                 compiler, kDraft)),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckEditCompiledReport(Person("dong-nai-so-tu-phap", kAnalyst),
                                                 compiler, kDraft)),
            kDenied);
  // Not the province's People's Committee, nor the Ministry: the report is
  // the Department of Justice's to write.
  EXPECT_EQ(Code(policy_.CheckEditCompiledReport(Machine("dong-nai"), compiler, kDraft)),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckEditCompiledReport(Machine("bo-tu-phap"), compiler, kDraft)),
            kDenied);
  EXPECT_EQ(Code(policy_.CheckEditCompiledReport(Caller(), compiler, kDraft)), kNoIdentity);
}

TEST_F(AccessPolicyTest, InstanceAdministrationIsTheAuthoritys) {
  EXPECT_EQ(Code(policy_.CheckAdministerInstance(Machine("bo-tu-phap"), "x")), kOk);
  EXPECT_EQ(Code(policy_.CheckAdministerInstance(Person("bo-tu-phap", kAnalyst), "x")), kDenied);
  EXPECT_EQ(Code(policy_.CheckAdministerInstance(Machine("dong-nai-so-tu-phap"), "x")), kDenied);
  EXPECT_EQ(Code(policy_.CheckAdministerInstance(Caller(), "x")), kNoIdentity);
  EXPECT_EQ(Code(policy_.CheckWriteReferenceData(Machine("dong-nai-so-tu-phap"), "dimensions/x")),
            kDenied);
}

}  // namespace
}  // namespace tonghop
