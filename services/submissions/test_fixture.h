#ifndef TONGHOP_SERVICES_SUBMISSIONS_TEST_FIXTURE_H_
#define TONGHOP_SERVICES_SUBMISSIONS_TEST_FIXTURE_H_

// A small registry for the submissions tests, shared by the unit tests (which
// put it in a FakeRegistryReader) and the integration tests (which create it
// through the Registry gRPC API). Test-only.
//
//   bo-tu-phap (ministry, its own focal agency)
//   ├── dong-nai (province; focal dong-nai-so-tu-phap)
//   │   ├── dong-nai-so-tu-phap, dong-nai-so-y-te (departments)
//   │   └── dong-nai-xa-a, dong-nai-xa-b (communes)
//   └── ha-noi (province; focal ha-noi-so-tu-phap)
//       └── ha-noi-so-tu-phap, ha-noi-so-y-te (departments)
//
// Plan plans/dn-2026 (annual, due 5 November, 2026-2027):
//   A     heading, no assignment
//   A.1   lead so-y-te; coordinating so-tu-phap; complaints-received
//         (by sex and age group), complaints-resolved (≤ received),
//         complaint-resolution-rate (computed)
//   A.2   lead: every commune of dong-nai (closed group); training-participants
//         (by sex)
//   A.3   lead: open group "các sở, ngành có liên quan" under dong-nai;
//         budget-spent (decimal)
//   A.4   lead so-tu-phap; coordinating every commune of dong-nai
// Plan plans/dn-half (semi-annual, sub_period 0, due 15 July, 2026 only):
//   H.1   lead so-y-te
// Plan plans/dn-draft (still a draft): D.1 lead so-y-te.

#include <string>
#include <vector>

#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::submissions::testing {

inline v1::Agency MakeAgency(const std::string& id, const std::string& display,
                             v1::AgencyKind kind, const std::string& parent,
                             const std::string& focal = "") {
  v1::Agency a;
  a.set_name("agencies/" + id);
  a.set_display_name(display);
  a.set_kind(kind);
  if (!parent.empty()) a.set_parent("agencies/" + parent);
  if (!focal.empty()) a.set_focal_agency("agencies/" + focal);
  return a;
}

// Parents before children.
inline std::vector<v1::Agency> FixtureAgencies() {
  return {
      MakeAgency("bo-tu-phap", "Bộ Tư pháp", v1::AGENCY_KIND_MINISTRY, "", "bo-tu-phap"),
      MakeAgency("dong-nai", "Tỉnh Đồng Nai", v1::AGENCY_KIND_PROVINCE, "bo-tu-phap",
                 "dong-nai-so-tu-phap"),
      MakeAgency("dong-nai-so-tu-phap", "Sở Tư pháp tỉnh Đồng Nai",
                 v1::AGENCY_KIND_DEPARTMENT, "dong-nai"),
      MakeAgency("dong-nai-so-y-te", "Sở Y tế tỉnh Đồng Nai", v1::AGENCY_KIND_DEPARTMENT,
                 "dong-nai"),
      MakeAgency("dong-nai-xa-a", "Xã A", v1::AGENCY_KIND_COMMUNE, "dong-nai"),
      MakeAgency("dong-nai-xa-b", "Xã B", v1::AGENCY_KIND_COMMUNE, "dong-nai"),
      MakeAgency("ha-noi", "Thành phố Hà Nội", v1::AGENCY_KIND_PROVINCE, "bo-tu-phap",
                 "ha-noi-so-tu-phap"),
      MakeAgency("ha-noi-so-tu-phap", "Sở Tư pháp thành phố Hà Nội",
                 v1::AGENCY_KIND_DEPARTMENT, "ha-noi"),
      MakeAgency("ha-noi-so-y-te", "Sở Y tế thành phố Hà Nội", v1::AGENCY_KIND_DEPARTMENT,
                 "ha-noi"),
  };
}

inline std::vector<v1::Dimension> FixtureDimensions() {
  v1::Dimension sex;
  sex.set_name("dimensions/sex");
  sex.set_display_name("Giới tính");
  auto* male = sex.add_options();
  male->set_code("male");
  male->set_display_name("Nam");
  auto* female = sex.add_options();
  female->set_code("female");
  female->set_display_name("Nữ");
  v1::Dimension age;
  age.set_name("dimensions/age-group");
  age.set_display_name("Nhóm tuổi");
  auto* minor = age.add_options();
  minor->set_code("under-18");
  minor->set_display_name("Dưới 18 tuổi");
  auto* adult = age.add_options();
  adult->set_code("adult");
  adult->set_display_name("Từ 18 tuổi");
  return {sex, age};
}

inline v1::Indicator MakeIndicator(const std::string& id, v1::ValueType type,
                                   v1::Indicator::Aggregation aggregation,
                                   const std::vector<std::string>& dimensions) {
  v1::Indicator i;
  i.set_name("indicators/" + id);
  i.set_display_name("Chỉ tiêu " + id);
  i.set_unit(type == v1::VALUE_TYPE_PERCENT ? "%" : "vụ việc");
  i.set_value_type(type);
  i.set_aggregation(aggregation);
  for (const std::string& d : dimensions) i.add_dimensions("dimensions/" + d);
  return i;
}

// Indicators referred to by others come first.
inline std::vector<v1::Indicator> FixtureIndicators() {
  v1::Indicator received = MakeIndicator("complaints-received", v1::VALUE_TYPE_COUNT,
                                         v1::Indicator::AGGREGATION_SUM, {"sex", "age-group"});
  v1::Indicator resolved = MakeIndicator("complaints-resolved", v1::VALUE_TYPE_COUNT,
                                         v1::Indicator::AGGREGATION_SUM, {});
  auto* rule = resolved.add_rules();
  rule->set_kind(v1::IndicatorRule::KIND_AT_MOST);
  rule->set_other("indicators/complaints-received");
  rule->set_description("Số đã giải quyết không thể lớn hơn số đã thụ lý.");
  v1::Indicator rate = MakeIndicator("complaint-resolution-rate", v1::VALUE_TYPE_PERCENT,
                                     v1::Indicator::AGGREGATION_RATIO, {});
  rate.set_numerator("indicators/complaints-resolved");
  rate.set_denominator("indicators/complaints-received");
  v1::Indicator budget = MakeIndicator("budget-spent", v1::VALUE_TYPE_DECIMAL,
                                       v1::Indicator::AGGREGATION_SUM, {});
  v1::Indicator participants = MakeIndicator("training-participants", v1::VALUE_TYPE_COUNT,
                                             v1::Indicator::AGGREGATION_SUM, {"sex"});
  return {received, resolved, rate, budget, participants};
}

// complaints-received as an indicator that also asks for sex × age-group
// as a two-way grid (rows male, female; columns under-18, adult).
inline v1::Indicator FixtureCrossedIndicator() {
  v1::Indicator received = FixtureIndicators().front();
  v1::DimensionCrossing* crossing = received.add_crossings();
  crossing->set_rows("dimensions/sex");
  crossing->set_columns("dimensions/age-group");
  return received;
}

inline std::vector<v1::Plan> FixturePlans() {
  v1::Plan annual;
  annual.set_name("plans/dn-2026");
  annual.set_symbol("74/KH-UBND");
  annual.set_title("Kế hoạch thử nghiệm");
  annual.set_issuer("agencies/dong-nai");
  annual.set_first_year(2026);
  annual.set_last_year(2027);
  annual.set_state(v1::PLAN_STATE_ACTIVE);
  auto* round = annual.add_schedule();
  round->set_period_type(v1::PERIOD_TYPE_ANNUAL);
  round->mutable_due()->set_month(11);
  round->mutable_due()->set_day(5);
  v1::Plan half = annual;
  half.set_name("plans/dn-half");
  half.set_symbol("75/KH-UBND");
  half.set_last_year(2026);
  half.clear_schedule();
  auto* half_round = half.add_schedule();
  half_round->set_period_type(v1::PERIOD_TYPE_SEMIANNUAL);
  half_round->mutable_due()->set_month(7);
  half_round->mutable_due()->set_day(15);
  v1::Plan draft = annual;
  draft.set_name("plans/dn-draft");
  draft.set_symbol("76/KH-UBND");
  draft.set_state(v1::PLAN_STATE_DRAFT);
  return {annual, half, draft};
}

inline v1::Assignment Agency(const std::string& id) {
  v1::Assignment a;
  a.set_agency("agencies/" + id);
  return a;
}

inline v1::Assignment Group(v1::AgencyKind kind, const std::string& ancestor, bool open) {
  v1::Assignment a;
  a.mutable_group()->set_kind(kind);
  a.mutable_group()->set_ancestor("agencies/" + ancestor);
  a.mutable_group()->set_open(open);
  return a;
}

inline v1::Task MakeTask(const std::string& plan, const std::string& outline, int sequence,
                         const std::vector<v1::Assignment>& lead,
                         const std::vector<v1::Assignment>& coordinating,
                         const std::vector<std::string>& indicators) {
  v1::Task t;
  t.set_name("plans/" + plan + "/tasks/" + outline);
  t.set_outline(outline);
  t.set_title("Nhiệm vụ " + outline);
  t.set_sequence(sequence);
  size_t dot = outline.rfind('.');
  if (dot != std::string::npos) {
    t.set_parent("plans/" + plan + "/tasks/" + outline.substr(0, dot));
  }
  for (const auto& a : lead) *t.add_lead() = a;
  for (const auto& a : coordinating) *t.add_coordinating() = a;
  for (const auto& i : indicators) t.add_indicators("indicators/" + i);
  return t;
}

// Parents before children, in document order.
inline std::vector<v1::Task> FixtureTasks() {
  return {
      MakeTask("dn-2026", "A", 1, {}, {}, {}),
      MakeTask("dn-2026", "A.1", 2, {Agency("dong-nai-so-y-te")}, {Agency("dong-nai-so-tu-phap")},
               {"complaints-received", "complaints-resolved", "complaint-resolution-rate"}),
      MakeTask("dn-2026", "A.2", 3, {Group(v1::AGENCY_KIND_COMMUNE, "dong-nai", false)}, {},
               {"training-participants"}),
      MakeTask("dn-2026", "A.3", 4, {Group(v1::AGENCY_KIND_UNSPECIFIED, "dong-nai", true)}, {},
               {"budget-spent"}),
      MakeTask("dn-2026", "A.4", 5, {Agency("dong-nai-so-tu-phap")},
               {Group(v1::AGENCY_KIND_COMMUNE, "dong-nai", false)}, {}),
      MakeTask("dn-half", "H", 1, {}, {}, {}),
      MakeTask("dn-half", "H.1", 2, {Agency("dong-nai-so-y-te")}, {}, {}),
      MakeTask("dn-draft", "D", 1, {}, {}, {}),
      MakeTask("dn-draft", "D.1", 2, {Agency("dong-nai-so-y-te")}, {}, {}),
  };
}

}  // namespace tonghop::submissions::testing

#endif  // TONGHOP_SERVICES_SUBMISSIONS_TEST_FIXTURE_H_
