#include "services/aggregation/received_figures.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/test_fixture.h"
#include "services/common/errors.h"
#include "storage/memory_store.h"

namespace tonghop::aggregation {
namespace {

using ::testing::HasSubstr;
using testing::DecimalValue;
using testing::IntValue;
using testing::LoadRegistry;
using testing::MakePlan;

constexpr char kNational[] = "plans/national-2026";

class ReceivedFiguresTest : public ::testing::Test {
 protected:
  ReceivedFiguresTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 3, 9, 0, 0), absl::UTCTimeZone())),
        audit_(&store_, "aggregation", &clock_),
        policy_("agencies/bo-tu-phap"),
        received_(&store_, &registry_, &policy_, &audit_, &clock_) {
    LoadRegistry(registry_);
    v1::Task task;
    task.set_name(std::string(kNational) + "/tasks/A.1");
    task.add_indicators("indicators/complaints-received");
    task.add_indicators("indicators/complaints-resolved");
    registry_.SetPlan(MakePlan(kNational), {task});
  }

  static v1::PushFiguresRequest Push(int64_t generation, int64_t received) {
    v1::PushFiguresRequest request;
    request.set_plan(kNational);
    request.set_period("2026");
    request.set_agency("agencies/dong-nai");
    request.set_generation(generation);
    request.set_request_id(absl::StrCat("push-", generation));
    *request.add_values() = IntValue("complaints-received", received);
    *request.add_values() = DecimalValue("complaints-resolved", "12.5");
    return request;
  }

  absl::StatusOr<v1::ReceivedFigures> Held() {
    v1::GetReceivedFiguresRequest request;
    request.set_name(std::string(kNational) + "/periods/2026/receivedFigures/dong-nai");
    return received_.Get(Caller("agencies/bo-tu-phap"), request);
  }

  FakeClock clock_;
  storage::MemoryStore store_;
  StaticRegistryView registry_;
  AuditLog audit_;
  AccessPolicy policy_;
  ReceivedFiguresStore received_;
  Caller dong_nai_{"agencies/dong-nai"};
};

TEST_F(ReceivedFiguresTest, KeepsTheNewestGenerationOnlyAndIgnoresRetriesAndLatePushes) {
  auto first = received_.Push(dong_nai_, Push(5, 18));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->outcome(), v1::PUSH_OUTCOME_APPLIED);
  EXPECT_EQ(first->replaced_generation(), 0);

  clock_.Set(clock_.Now() + absl::Minutes(5));
  auto retried = received_.Push(dong_nai_, Push(5, 999));
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->outcome(), v1::PUSH_OUTCOME_ALREADY_RECEIVED);

  auto newer = received_.Push(dong_nai_, Push(9, 33));
  ASSERT_TRUE(newer.ok());
  EXPECT_EQ(newer->outcome(), v1::PUSH_OUTCOME_APPLIED);
  EXPECT_EQ(newer->replaced_generation(), 5);

  auto late = received_.Push(dong_nai_, Push(7, 25));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->outcome(), v1::PUSH_OUTCOME_SUPERSEDED);

  auto held = Held();
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->generation(), 9);
  EXPECT_EQ(held->arrivals(), 2);
  ASSERT_EQ(held->values_size(), 2);
  EXPECT_EQ(held->values(0).int_value(), 33);  // replaced, not added
  EXPECT_EQ(held->values(1).decimal_value(), "12.5");
  EXPECT_EQ(held->agency_display_name(), "Tỉnh Đồng Nai");
  EXPECT_EQ(held->arrive_time().seconds() - held->first_arrive_time().seconds(), 300);
}

// A province restored from a backup (or reinstalled) starts its feed
// positions again: its new epoch replaces what is held whatever the
// generation, and a late push of the old epoch can never come back.
TEST_F(ReceivedFiguresTest, ASendersNewFeedEpochReplacesWhateverTheGenerationAndRetiresTheOld) {
  auto with_epoch = [](v1::PushFiguresRequest push, const std::string& epoch) {
    push.set_feed_epoch(epoch);
    return push;
  };
  ASSERT_TRUE(received_.Push(dong_nai_, with_epoch(Push(120, 40), "store-a:1")).ok());
  // The restored store: generation 101 of a new epoch replaces 120.
  auto restored = received_.Push(dong_nai_, with_epoch(Push(101, 30), "store-b:1"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->outcome(), v1::PUSH_OUTCOME_APPLIED);
  EXPECT_EQ(restored->replaced_generation(), 120);
  // A late push of the old epoch, however new its generation, changes nothing.
  auto late = received_.Push(dong_nai_, with_epoch(Push(130, 99), "store-a:1"));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->outcome(), v1::PUSH_OUTCOME_SUPERSEDED);
  // Within the new epoch, generations compare as before.
  auto same = received_.Push(dong_nai_, with_epoch(Push(101, 77), "store-b:1"));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->outcome(), v1::PUSH_OUTCOME_ALREADY_RECEIVED);
  auto older = received_.Push(dong_nai_, with_epoch(Push(100, 77), "store-b:1"));
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(older->outcome(), v1::PUSH_OUTCOME_SUPERSEDED);
  auto held = Held();
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->generation(), 101);
  EXPECT_EQ(held->feed_epoch(), "store-b:1");
  EXPECT_EQ(held->values(0).int_value(), 30);
  ASSERT_EQ(held->retired_feed_epochs_size(), 1);
  EXPECT_EQ(held->retired_feed_epochs(0), "store-a:1");
  EXPECT_EQ(held->arrivals(), 2);
  // An epoch no store has is refused, changing nothing.
  auto absurd = received_.Push(dong_nai_, with_epoch(Push(500, 1), std::string(5000, 'x')));
  EXPECT_EQ(absurd.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Held()->generation(), 101);
}

TEST_F(ReceivedFiguresTest, RefusesAnotherSendersFiguresAndBadInputChangingNothing) {
  auto other = received_.Push(Caller("agencies/binh-phuoc"), Push(5, 18));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(GetErrorInfo(other.status()).reason(), "NOT_THE_SENDER");
  EXPECT_EQ(received_.Push(Caller(), Push(5, 18)).status().code(),
            absl::StatusCode::kUnauthenticated);
  Caller official("agencies/dong-nai");
  official.user = "users/lan";
  official.kind = CallerKind::kPerson;
  auto person = received_.Push(official, Push(5, 18));
  EXPECT_EQ(person.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(GetErrorInfo(person.status()).reason(), "NOT_AN_INSTANCE");

  v1::PushFiguresRequest unknown_plan = Push(5, 18);
  unknown_plan.set_plan("plans/khong-co");
  EXPECT_EQ(received_.Push(dong_nai_, unknown_plan).status().code(), absl::StatusCode::kNotFound);

  v1::PushFiguresRequest bad = Push(5, 18);
  bad.set_generation(0);
  bad.mutable_values(1)->set_decimal_value("12,5");
  absl::Status refused = received_.Push(dong_nai_, bad).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetBadRequest(refused).field_violations_size(), 2) << refused;
  // A period that is no period, and a negative count.
  v1::PushFiguresRequest bogus = Push(5, -5000);
  bogus.set_period("9999-bogus");
  absl::Status nonsense = received_.Push(dong_nai_, bogus).status();
  EXPECT_EQ(nonsense.code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest nonsense_fields = GetBadRequest(nonsense);
  ASSERT_EQ(nonsense_fields.field_violations_size(), 2) << nonsense;
  EXPECT_EQ(nonsense_fields.field_violations(0).field(), "period");
  EXPECT_EQ(nonsense_fields.field_violations(1).field(), "values[0].int_value");
  // Well-formed periods the national plan has no round for: a year it does
  // not cover, a quarter of a yearly plan.
  for (const char* outside : {"2099", "2026Q3"}) {
    v1::PushFiguresRequest elsewhere = Push(5, 18);
    elsewhere.set_period(outside);
    absl::Status not_a_round = received_.Push(dong_nai_, elsewhere).status();
    EXPECT_EQ(not_a_round.code(), absl::StatusCode::kInvalidArgument) << outside;
    google::rpc::BadRequest fields = GetBadRequest(not_a_round);
    ASSERT_EQ(fields.field_violations_size(), 1) << not_a_round;
    EXPECT_EQ(fields.field_violations(0).field(), "period");
    EXPECT_THAT(fields.field_violations(0).description(), HasSubstr("valid periods"));
  }
  // A department's certificate, for itself: not a province's instance.
  v1::PushFiguresRequest department = Push(5, 18);
  department.set_agency("agencies/dong-nai-so-y-te");
  auto from_department = received_.Push(Caller("agencies/dong-nai-so-y-te"), department);
  EXPECT_EQ(from_department.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(GetErrorInfo(from_department.status()).reason(), "NOT_A_PROVINCE");

  EXPECT_EQ(Held().status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ReceivedFiguresTest, KeepsOnlyTheIndicatorsThePlanAsksFor) {
  v1::PushFiguresRequest request = Push(5, 18);
  *request.add_values() = IntValue("staff-now", 40);  // the province's own
  auto pushed = received_.Push(dong_nai_, request);
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  ASSERT_EQ(pushed->ignored_indicators_size(), 1);
  EXPECT_EQ(pushed->ignored_indicators(0), "indicators/staff-now");
  EXPECT_EQ(pushed->figures().value_count(), 2);
}

TEST_F(ReceivedFiguresTest, ListsTheSendersTheCallerMayRead) {
  ASSERT_TRUE(received_.Push(dong_nai_, Push(5, 18)).ok());
  v1::ListReceivedFiguresRequest request;
  request.set_parent(std::string(kNational) + "/periods/2026");
  auto ministry = received_.List(Caller("agencies/bo-tu-phap"), request);
  ASSERT_TRUE(ministry.ok()) << ministry.status();
  ASSERT_EQ(ministry->received_figures_size(), 1);
  EXPECT_EQ(ministry->received_figures(0).agency(), "agencies/dong-nai");
  EXPECT_EQ(ministry->received_figures(0).values_size(), 0);
  EXPECT_EQ(ministry->received_figures(0).value_count(), 2);

  auto elsewhere = received_.List(Caller("agencies/binh-phuoc"), request);
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status();
  EXPECT_EQ(elsewhere->received_figures_size(), 0);

  request.set_parent("plans/national-2026");
  EXPECT_EQ(received_.List(Caller("agencies/bo-tu-phap"), request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tonghop::aggregation
