#ifndef TONGHOP_SERVICES_AGGREGATION_TEST_FIXTURE_H_
#define TONGHOP_SERVICES_AGGREGATION_TEST_FIXTURE_H_

// Test data for the aggregation unit tests: a small hierarchy with a
// province, a province dissolved into it, departments, communes and an
// independent body; indicators of every aggregation; a plan; and builders
// of synthetic change-feed entries. Header-only, for tests.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/aggregation/aggregate_store.h"
#include "services/aggregation/queries.h"
#include "services/aggregation/registry_view.h"
#include "services/aggregation/report_drafts.h"
#include "services/common/clock.h"
#include "storage/memory_store.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::aggregation::testing {

inline google::type::Date Day(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

inline v1::Agency MakeAgency(const std::string& id, const std::string& display,
                             v1::AgencyKind kind, const std::string& parent_id) {
  v1::Agency a;
  a.set_name("agencies/" + id);
  a.set_display_name(display);
  a.set_kind(kind);
  if (!parent_id.empty()) a.set_parent("agencies/" + parent_id);
  return a;
}

inline std::vector<v1::Agency> Agencies() {
  std::vector<v1::Agency> agencies;
  v1::Agency ministry = MakeAgency("bo-tu-phap", "Bộ Tư pháp", v1::AGENCY_KIND_MINISTRY, "");
  ministry.set_focal_agency("agencies/bo-tu-phap");
  agencies.push_back(ministry);
  v1::Agency dong_nai = MakeAgency("dong-nai", "Tỉnh Đồng Nai", v1::AGENCY_KIND_PROVINCE, "bo-tu-phap");
  dong_nai.set_focal_agency("agencies/dong-nai-so-tu-phap");
  agencies.push_back(dong_nai);
  agencies.push_back(MakeAgency("dong-nai-so-tu-phap", "Sở Tư pháp tỉnh Đồng Nai",
                                v1::AGENCY_KIND_DEPARTMENT, "dong-nai"));
  agencies.push_back(
      MakeAgency("dong-nai-so-y-te", "Sở Y tế tỉnh Đồng Nai", v1::AGENCY_KIND_DEPARTMENT, "dong-nai"));
  agencies.push_back(MakeAgency("dong-nai-cong-an-tinh", "Công an tỉnh Đồng Nai",
                                v1::AGENCY_KIND_SECURITY_FORCE, "dong-nai"));
  agencies.push_back(MakeAgency("dong-nai-tand-tinh", "Tòa án nhân dân tỉnh Đồng Nai",
                                v1::AGENCY_KIND_INDEPENDENT_BODY, "dong-nai"));
  for (const char* id : {"dong-nai-xa-a", "dong-nai-xa-b"}) {
    v1::Agency commune = MakeAgency(id, absl::StrCat("Xã Thử nghiệm ", id[12] == 'a' ? "A" : "B"),
                                    v1::AGENCY_KIND_COMMUNE, "dong-nai");
    *commune.mutable_valid_from() = Day(2025, 7, 1);
    agencies.push_back(commune);
  }
  v1::Agency binh_phuoc =
      MakeAgency("binh-phuoc", "Tỉnh Bình Phước", v1::AGENCY_KIND_PROVINCE, "bo-tu-phap");
  *binh_phuoc.mutable_valid_to() = Day(2025, 6, 30);
  binh_phuoc.add_successors("agencies/dong-nai");
  agencies.push_back(binh_phuoc);
  v1::Agency bp_health = MakeAgency("binh-phuoc-so-y-te", "Sở Y tế tỉnh Bình Phước",
                                    v1::AGENCY_KIND_DEPARTMENT, "binh-phuoc");
  *bp_health.mutable_valid_to() = Day(2025, 6, 30);
  bp_health.add_successors("agencies/dong-nai-so-y-te");
  agencies.push_back(bp_health);
  // Another ministry: it may read every subtree but is in no province's
  // reporting chain.
  agencies.push_back(MakeAgency("bo-ngoai-giao", "Bộ Ngoại giao", v1::AGENCY_KIND_MINISTRY, ""));
  v1::Agency quang_ngai =
      MakeAgency("quang-ngai", "Tỉnh Quảng Ngãi", v1::AGENCY_KIND_PROVINCE, "bo-tu-phap");
  quang_ngai.set_focal_agency("agencies/quang-ngai-so-tu-phap");
  agencies.push_back(quang_ngai);
  agencies.push_back(MakeAgency("quang-ngai-so-tu-phap", "Sở Tư pháp tỉnh Quảng Ngãi",
                                v1::AGENCY_KIND_DEPARTMENT, "quang-ngai"));
  return agencies;
}

inline v1::Indicator MakeIndicator(const std::string& id, v1::ValueType type,
                                   v1::Indicator::Aggregation aggregation,
                                   v1::Direction direction = v1::DIRECTION_UNSPECIFIED) {
  v1::Indicator i;
  i.set_name("indicators/" + id);
  i.set_display_name(absl::StrCat("Chỉ tiêu ", id));
  i.set_unit(type == v1::VALUE_TYPE_PERCENT ? "%" : "vụ việc");
  i.set_value_type(type);
  i.set_aggregation(aggregation);
  i.set_direction(direction);
  return i;
}

inline std::vector<v1::Indicator> Indicators() {
  std::vector<v1::Indicator> list;
  v1::Indicator received = MakeIndicator("complaints-received", v1::VALUE_TYPE_COUNT,
                                         v1::Indicator::AGGREGATION_SUM, v1::DIRECTION_DOWN);
  received.add_dimensions("dimensions/sex");
  received.add_dimensions("dimensions/age-group");
  list.push_back(received);
  list.push_back(MakeIndicator("complaints-resolved", v1::VALUE_TYPE_COUNT, v1::Indicator::AGGREGATION_SUM,
                               v1::DIRECTION_UP));
  v1::Indicator rate = MakeIndicator("complaint-resolution-rate", v1::VALUE_TYPE_PERCENT,
                                     v1::Indicator::AGGREGATION_RATIO, v1::DIRECTION_UP);
  rate.set_numerator("indicators/complaints-resolved");
  rate.set_denominator("indicators/complaints-received");
  list.push_back(rate);
  list.push_back(MakeIndicator("budget", v1::VALUE_TYPE_DECIMAL, v1::Indicator::AGGREGATION_SUM));
  list.push_back(MakeIndicator("largest-case", v1::VALUE_TYPE_COUNT, v1::Indicator::AGGREGATION_MAX));
  list.push_back(MakeIndicator("staff-now", v1::VALUE_TYPE_COUNT, v1::Indicator::AGGREGATION_LATEST));
  list.push_back(MakeIndicator("notes", v1::VALUE_TYPE_COUNT, v1::Indicator::AGGREGATION_NONE));
  // A ratio whose numerator and denominator both break down by sex.
  v1::Indicator identified = MakeIndicator("victims-identified", v1::VALUE_TYPE_COUNT,
                                           v1::Indicator::AGGREGATION_SUM);
  identified.add_dimensions("dimensions/sex");
  list.push_back(identified);
  v1::Indicator assisted = MakeIndicator("victims-assisted", v1::VALUE_TYPE_COUNT,
                                         v1::Indicator::AGGREGATION_SUM);
  assisted.add_dimensions("dimensions/sex");
  list.push_back(assisted);
  v1::Indicator assistance = MakeIndicator("assistance-rate", v1::VALUE_TYPE_PERCENT,
                                           v1::Indicator::AGGREGATION_RATIO, v1::DIRECTION_UP);
  assistance.set_numerator("indicators/victims-assisted");
  assistance.set_denominator("indicators/victims-identified");
  list.push_back(assistance);
  return list;
}

inline v1::Dimension SexDimension() {
  v1::Dimension d;
  d.set_name("dimensions/sex");
  d.set_display_name("Giới tính");
  auto* f = d.add_options();
  f->set_code("female");
  f->set_display_name("Nữ");
  f->set_english_name("Female");
  auto* m = d.add_options();
  m->set_code("male");
  m->set_display_name("Nam");
  m->set_english_name("Male");
  return d;
}

// Age groups, listed youngest first (not in the order of their codes).
inline v1::Dimension AgeGroupDimension() {
  v1::Dimension d;
  d.set_name("dimensions/age-group");
  d.set_display_name("Nhóm tuổi");
  d.set_english_name("Age group");
  for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
           {"under-16", "Dưới 16 tuổi"}, {"16-17", "Từ đủ 16 đến dưới 18 tuổi"},
           {"18-30", "Từ 18 đến 30 tuổi"}, {"over-60", "Trên 60 tuổi"}}) {
    auto* o = d.add_options();
    o->set_code(code);
    o->set_display_name(name);
  }
  return d;
}

inline v1::Assignment AgencyAssignment(const std::string& id, bool requested = false) {
  v1::Assignment a;
  a.set_agency("agencies/" + id);
  a.set_requested(requested);
  return a;
}

inline v1::Assignment GroupAssignment(v1::AgencyKind kind, const std::string& ancestor_id,
                                      bool open, const std::string& label) {
  v1::Assignment a;
  a.mutable_group()->set_kind(kind);
  a.mutable_group()->set_ancestor("agencies/" + ancestor_id);
  a.mutable_group()->set_open(open);
  a.mutable_group()->set_label(label);
  return a;
}

inline constexpr char kPlan[] = "plans/dong-nai-74-2026";

inline v1::Plan MakePlan(const std::string& name = kPlan) {
  v1::Plan plan;
  plan.set_name(name);
  plan.set_symbol("74/KH-UBND");
  plan.set_title("Triển khai thực hiện các khuyến nghị");
  plan.set_issuer("agencies/dong-nai");
  plan.set_first_year(2024);
  plan.set_last_year(2030);
  plan.set_compiler("agencies/dong-nai-so-tu-phap");
  auto* round = plan.add_schedule();
  round->set_period_type(v1::PERIOD_TYPE_ANNUAL);
  round->mutable_due()->set_month(11);
  round->mutable_due()->set_day(5);
  return plan;
}

inline std::vector<v1::Task> MakeTasks(const std::string& plan = kPlan) {
  std::vector<v1::Task> tasks;
  auto task = [&](const std::string& outline, const std::string& title) -> v1::Task& {
    v1::Task t;
    t.set_name(plan + "/tasks/" + outline);
    t.set_outline(outline);
    t.set_title(title);
    tasks.push_back(t);
    return tasks.back();
  };
  task("A", "Nhiệm vụ chung");
  {
    v1::Task& t = task("A.1", "Giải quyết khiếu nại");
    *t.add_lead() = AgencyAssignment("dong-nai-so-tu-phap");
    *t.add_coordinating() = AgencyAssignment("dong-nai-so-y-te");
    t.mutable_deadline()->set_kind(v1::DEADLINE_KIND_EVERY_YEAR);
    t.mutable_deadline()->set_source_text("Hàng năm");
    t.add_indicators("indicators/complaints-received");
    t.add_indicators("indicators/complaints-resolved");
    t.add_indicators("indicators/complaint-resolution-rate");
  }
  {
    v1::Task& t = task("A.2", "Tuyên truyền ở cơ sở");
    *t.add_lead() = GroupAssignment(v1::AGENCY_KIND_COMMUNE, "dong-nai", false,
                                    "UBND các xã, phường");
    t.mutable_deadline()->set_kind(v1::DEADLINE_KIND_YEAR_RANGE);
    t.mutable_deadline()->set_from_year(2026);
    t.mutable_deadline()->set_to_year(2026);
  }
  {
    v1::Task& t = task("A.3", "Xét xử");
    *t.add_lead() = AgencyAssignment("dong-nai-tand-tinh", /*requested=*/true);
    *t.add_coordinating() =
        GroupAssignment(v1::AGENCY_KIND_UNSPECIFIED, "dong-nai", true, "các Sở có liên quan");
    t.mutable_deadline()->set_kind(v1::DEADLINE_KIND_ON_REQUEST);
  }
  {
    v1::Task& t = task("A.4", "Bảo đảm an ninh");
    *t.add_lead() = AgencyAssignment("dong-nai-cong-an-tinh");
    t.mutable_deadline()->set_kind(v1::DEADLINE_KIND_BY_DATE);
    *t.mutable_deadline()->mutable_date() = Day(2026, 6, 30);
    for (const char* i : {"indicators/budget", "indicators/largest-case", "indicators/staff-now",
                          "indicators/notes", "indicators/victims-identified",
                          "indicators/victims-assisted", "indicators/assistance-rate"}) {
      t.add_indicators(i);
    }
  }
  return tasks;
}

inline void LoadRegistry(StaticRegistryView& view) {
  view.SetAgencies(Agencies());
  for (const v1::Indicator& i : Indicators()) view.AddIndicator(i);
  view.AddDimension(SexDimension());
  view.AddDimension(AgeGroupDimension());
  view.SetPlan(MakePlan(), MakeTasks());
}

inline v1::Value IntValue(const std::string& indicator, int64_t v,
                          std::map<std::string, std::string> cells = {}) {
  v1::Value value;
  value.set_indicator("indicators/" + indicator);
  value.set_int_value(v);
  for (const auto& [d, o] : cells) (*value.mutable_cells())[d] = o;
  return value;
}

inline v1::Value DecimalValue(const std::string& indicator, const std::string& v) {
  v1::Value value;
  value.set_indicator("indicators/" + indicator);
  value.set_decimal_value(v);
  return value;
}

// A report revision as the change feed carries it.
inline v1::Report MakeReport(const std::string& agency_id, const std::string& period, int revision,
                             std::vector<v1::Value> values, const std::string& plan = kPlan,
                             int64_t submit_seconds = 1790000000, bool on_time = true) {
  v1::Report r;
  std::string plan_id = plan.substr(plan.find('/') + 1);
  r.set_name(absl::StrCat("reports/", agency_id, "/", plan_id, "/", period));
  r.set_agency("agencies/" + agency_id);
  r.set_plan(plan);
  r.set_period(period);
  r.set_revision(revision);
  r.set_on_time(on_time);
  r.mutable_submit_time()->set_seconds(submit_seconds);
  for (v1::Value& v : values) *r.add_values() = std::move(v);
  return r;
}

inline v1::Change MakeChange(int64_t sequence, v1::ChangeKind kind, v1::Report report) {
  v1::Change c;
  c.set_sequence(sequence);
  c.set_kind(kind);
  switch (kind) {
    case v1::CHANGE_KIND_SUBMITTED: report.set_state(v1::REPORT_STATE_SUBMITTED); break;
    case v1::CHANGE_KIND_ACCEPTED: report.set_state(v1::REPORT_STATE_ACCEPTED); break;
    case v1::CHANGE_KIND_RETURNED: report.set_state(v1::REPORT_STATE_RETURNED); break;
    default: break;
  }
  *c.mutable_report() = std::move(report);
  c.mutable_time()->set_seconds(1790000000 + sequence);
  return c;
}

// The fixture's registry, an in-memory roll-up table fed by hand-made
// changes, and queries over it (the clock on 20 November 2026), as the
// query tests use them.
class QueryEnvironment {
 public:
  QueryEnvironment()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 11, 20, 9, 0, 0), absl::UTCTimeZone())),
        audit_(&store_, "aggregation", &clock_),
        draft_store_(&store_) {
    LoadRegistry(registry_);
    aggregates_ = *AggregateStore::Open(&store_);
    queries_ = std::make_unique<AggregationQueries>(aggregates_.get(), &registry_, &clock_,
                                                    &policy_, &draft_store_);
    drafts_ = std::make_unique<ReportDrafts>(&draft_store_, queries_.get(), &clock_, &policy_,
                                             &audit_);
  }

  // Applies the next change of the feed.
  absl::Status Apply(v1::ChangeKind kind, const v1::Report& report) {
    auto snapshot = *registry_.Snapshot(false);
    return aggregates_->Apply(MakeChange(++sequence_, kind, report), *snapshot->hierarchy);
  }

  const AggregationQueries& queries() const { return *queries_; }
  ReportDrafts& drafts() { return *drafts_; }
  StaticRegistryView& registry() { return registry_; }
  FakeClock& clock() { return clock_; }
  AuditLog& audit() { return audit_; }

 private:
  FakeClock clock_;
  StaticRegistryView registry_;
  storage::MemoryStore store_;
  AccessPolicy policy_{"agencies/bo-tu-phap"};
  AuditLog audit_;
  DraftStore draft_store_;
  std::unique_ptr<AggregateStore> aggregates_;
  std::unique_ptr<AggregationQueries> queries_;
  std::unique_ptr<ReportDrafts> drafts_;
  int64_t sequence_ = 0;
};

// The feed as a vector.
class VectorSource final : public ChangeSource {
 public:
  explicit VectorSource(const std::vector<v1::Change>* changes) : changes_(changes) {}
  absl::Status ReadToEnd(int64_t after,
                         const std::function<absl::Status(const v1::Change&)>& visit) override {
    for (const v1::Change& c : *changes_) {
      if (c.sequence() <= after) continue;
      absl::Status s = visit(c);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  const std::vector<v1::Change>* changes_;
};

}  // namespace tonghop::aggregation::testing

#endif  // TONGHOP_SERVICES_AGGREGATION_TEST_FIXTURE_H_
