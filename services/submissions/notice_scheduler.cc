#include "services/submissions/notice_scheduler.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "services/common/period.h"
#include "services/common/resource_names.h"
#include "services/common/status_macros.h"
#include "services/submissions/report_context.h"

namespace tonghop::submissions {
namespace {

// The deepest agency chain followed (as LoadAgencyChain).
constexpr int kMaxDepth = 16;

bool Submitted(const std::optional<v1::Report>& report) {
  return report && (report->state() == v1::REPORT_STATE_SUBMITTED ||
                    report->state() == v1::REPORT_STATE_ACCEPTED);
}

}  // namespace

NoticeScheduler::NoticeScheduler(const RegistryReader* registry, const Submissions* submissions,
                                 NoticeQueue* queue, const Clock* clock,
                                 std::vector<int> remind_days)
    : registry_(registry),
      submissions_(submissions),
      queue_(queue),
      clock_(clock),
      remind_days_(std::move(remind_days)) {
  std::sort(remind_days_.begin(), remind_days_.end());
  remind_days_.erase(std::unique(remind_days_.begin(), remind_days_.end()), remind_days_.end());
}

absl::StatusOr<int> NoticeScheduler::RunOnce() {
  absl::CivilDay today = absl::ToCivilDay(clock_->Now(), VietnamTime());
  int max_remind = remind_days_.empty() ? -1 : remind_days_.back();

  ASSIGN_OR_RETURN(std::vector<v1::Plan> plans, registry_->ListPlans());
  // The rounds near enough to today to owe a notice, by plan.
  struct Round {
    Period period;
    absl::CivilDay due_day;
  };
  std::vector<std::pair<const v1::Plan*, std::vector<Round>>> work;
  for (const v1::Plan& plan : plans) {
    if (plan.state() != v1::PLAN_STATE_ACTIVE) continue;
    std::vector<Round> rounds;
    for (const Period& period : RoundPeriods(plan)) {
      if (period.first_day > today) continue;
      absl::StatusOr<RoundDates> dates = DueDates(plan, period, "period");
      if (!dates.ok()) continue;
      int64_t days_left = dates->due_day - today;
      if (days_left > max_remind || -days_left > kDigestWindowDays) continue;
      rounds.push_back({period, dates->due_day});
    }
    if (!rounds.empty()) work.emplace_back(&plan, std::move(rounds));
  }
  if (work.empty()) return 0;

  ASSIGN_OR_RETURN(std::vector<v1::Agency> agency_list, registry_->ListAgencies());
  std::map<std::string, const v1::Agency*> agencies;
  for (const v1::Agency& agency : agency_list) agencies[agency.name()] = &agency;
  // The strict ancestors of an agency, parent first.
  auto ancestors_of = [&](const v1::Agency& agency) {
    std::vector<v1::Agency> chain;
    std::set<std::string> seen{agency.name()};
    std::string current = agency.parent();
    while (!current.empty() && static_cast<int>(chain.size()) < kMaxDepth &&
           seen.insert(current).second) {
      auto it = agencies.find(current);
      if (it == agencies.end()) break;
      chain.push_back(*it->second);
      current = it->second->parent();
    }
    return chain;
  };

  int queued = 0;
  for (const auto& [plan, rounds] : work) {
    ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, registry_->ListTasks(plan->name()));
    ASSIGN_OR_RETURN(std::string plan_id, ParseSimpleName(plan->name(), "plans", "plan"));
    for (const Round& round : rounds) {
      int64_t days_left = round.due_day - today;
      // Missing reports by focal agency, for the digest.
      std::map<std::string, std::vector<MissingReport>> missing;
      for (const v1::Agency& agency : agency_list) {
        if (!Overlaps(agency.valid_from(), agency.valid_to(), ReportingDay(round.period))) {
          continue;
        }
        std::vector<v1::Agency> ancestors = ancestors_of(agency);
        bool expected = false;
        for (const v1::Task& task : tasks) expected |= RoleOf(task, agency, ancestors).expected;
        if (!expected) continue;
        absl::StatusOr<std::string> agency_id =
            ParseSimpleName(agency.name(), "agencies", "agency");
        if (!agency_id.ok()) continue;
        std::string report_name = MakeReportName(*agency_id, plan_id, round.period.label);
        ASSIGN_OR_RETURN(std::optional<v1::Report> report,
                         submissions_->StoredReport(report_name));
        if (Submitted(report)) continue;
        if (days_left >= 0) {
          auto setting = std::lower_bound(remind_days_.begin(), remind_days_.end(),
                                          static_cast<int>(days_left));
          if (setting == remind_days_.end()) continue;
          ReportNoticeFacts facts{report_name,        agency.name(), agency.display_name(),
                                  plan,               round.period.label, round.due_day};
          ASSIGN_OR_RETURN(bool added, queue_->AddOnce(ReminderNotice(
                                           facts, static_cast<int>(days_left), *setting)));
          queued += added ? 1 : 0;
          continue;
        }
        std::string focal;
        for (const v1::Agency& ancestor : ancestors) {
          if (!ancestor.focal_agency().empty()) {
            focal = ancestor.focal_agency();
            break;
          }
        }
        if (focal.empty()) continue;
        missing[focal].push_back({report_name, agency.display_name(),
                                  report ? report->state() : v1::REPORT_STATE_UNSPECIFIED});
      }
      for (const auto& [focal, reports] : missing) {
        auto it = agencies.find(focal);
        std::string title = it == agencies.end() ? focal : it->second->display_name();
        ASSIGN_OR_RETURN(bool added,
                         queue_->AddOnce(DigestNotice(*plan, round.period.label, round.due_day,
                                                      focal, title, reports)));
        queued += added ? 1 : 0;
      }
    }
  }
  return queued;
}

}  // namespace tonghop::submissions
