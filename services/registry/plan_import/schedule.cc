#include "services/registry/plan_import/schedule.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::PeriodType;
using ::tonghop::v1::ReportingRound;

// A due date read from a clause: a day of a month, or a day of each
// quarter's last month ("ngày 15 của tháng cuối quý").
struct DueDate {
  int month = 0;  // 0 with quarter_end
  int day = 0;
  bool quarter_end = false;
  int year_offset = 0;
  bool compile = false;
  size_t token = 0;
};

struct Marker {
  PeriodType period = tonghop::v1::PERIOD_TYPE_UNSPECIFIED;
  size_t token = 0;
};

// Folded words and commas of a clause.
std::vector<std::string> Tokens(absl::string_view folded) {
  std::vector<std::string> tokens;
  std::string word;
  auto flush = [&]() {
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
  };
  for (char ch : folded) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (absl::ascii_isalnum(u) || u >= 0x80 || ch == '/') {
      word.push_back(ch);
    } else {
      flush();
      if (ch == ',') tokens.emplace_back(",");
    }
  }
  flush();
  return tokens;
}

std::optional<int> SmallNumber(absl::string_view s) {
  int n = 0;
  if (s.empty() || s.size() > 2 || !absl::SimpleAtoi(s, &n)) return std::nullopt;
  return n;
}

bool At(const std::vector<std::string>& t, size_t i, std::initializer_list<const char*> words) {
  if (i + words.size() > t.size()) return false;
  size_t k = i;
  for (const char* w : words) {
    if (t[k++] != w) return false;
  }
  return true;
}

std::vector<Marker> Markers(const std::vector<std::string>& t) {
  std::vector<Marker> markers;
  for (size_t i = 0; i < t.size(); ++i) {
    bool six = (t[i] == "06" || t[i] == "6" || t[i] == "sau") && At(t, i + 1, {"thang"});
    if (six || At(t, i, {"nua", "nam"})) {
      markers.push_back({tonghop::v1::PERIOD_TYPE_SEMIANNUAL, i});
      // "6 tháng, năm", "6 tháng và hằng năm", "6 tháng, 01 năm": both.
      size_t j = i + 2;
      while (j < t.size() && (t[j] == "," || t[j] == "va" || t[j] == "hoac")) ++j;
      if (j > i + 2 && j < t.size() &&
          (t[j] == "nam" || At(t, j, {"hang", "nam"}) || At(t, j, {"01", "nam"}) ||
           At(t, j, {"1", "nam"}) || At(t, j, {"ca", "nam"}))) {
        markers.push_back({tonghop::v1::PERIOD_TYPE_ANNUAL, j});
        i = j;
      } else {
        i += 1;
      }
      continue;
    }
    if (At(t, i, {"hang", "quy"}) || At(t, i, {"moi", "quy"}) || At(t, i, {"ky", "quy"}) ||
        At(t, i, {"bao", "cao", "quy"}) || At(t, i, {"tung", "quy"})) {
      markers.push_back({tonghop::v1::PERIOD_TYPE_QUARTERLY, i});
      continue;
    }
    if (At(t, i, {"hang", "nam"}) || At(t, i, {"moi", "nam"}) || At(t, i, {"ky", "nam"}) ||
        At(t, i, {"bao", "cao", "nam"}) || At(t, i, {"tung", "nam"})) {
      markers.push_back({tonghop::v1::PERIOD_TYPE_ANNUAL, i});
    }
  }
  return markers;
}

std::vector<DueDate> Dates(const std::vector<std::string>& t) {
  std::vector<DueDate> dates;
  for (size_t i = 0; i < t.size(); ++i) {
    DueDate date;
    date.token = i;
    std::vector<absl::string_view> parts = absl::StrSplit(t[i], '/');
    if (parts.size() == 2) {
      std::optional<int> d = SmallNumber(parts[0]), m = SmallNumber(parts[1]);
      if (!d || !m) continue;
      date.day = *d;
      date.month = *m;
    } else if (parts.size() == 1 && t[i] == "ngay" && i + 1 < t.size()) {
      std::optional<int> d = SmallNumber(t[i + 1]);
      if (!d) continue;
      size_t j = i + 2;
      if (At(t, j, {"cua"})) ++j;
      if (At(t, j, {"thang", "cuoi", "quy"})) {
        date.day = *d;
        date.quarter_end = true;
        i = j + 2;
      } else if (At(t, j, {"thang"}) && j + 1 < t.size()) {
        std::optional<int> m = SmallNumber(t[j + 1]);
        if (!m) continue;
        // "ngày 20 tháng 6 năm 2026" is a one-off date.
        if (At(t, j + 2, {"nam"}) && j + 3 < t.size() && t[j + 3].size() == 4) continue;
        date.day = *d;
        date.month = *m;
        i = j + 1;
      } else {
        continue;
      }
    } else {
      continue;
    }
    if (date.day < 1 || date.day > 31 || (!date.quarter_end && (date.month < 1 || date.month > 12))) {
      continue;
    }
    for (size_t k = i + 1; k < t.size() && k <= i + 3; ++k) {
      if (At(t, k, {"nam", "sau"})) date.year_offset = 1;
    }
    dates.push_back(date);
  }
  return dates;
}

bool Has(const std::vector<std::string>& t, std::initializer_list<const char*> words,
         size_t before = std::string::npos) {
  for (size_t i = 0; i < t.size() && i < before; ++i) {
    if (At(t, i, words)) return true;
  }
  return false;
}

struct PeriodInfo {
  std::vector<DueDate> due, compile;
  std::vector<std::string> sources;
  std::set<int> lines;
  int first_line = 0;
  std::string stated_source;
  int stated_line = 0;
};

ReportingRound MakeRound(PeriodType period, const PeriodInfo& info) {
  ReportingRound round;
  round.set_period_type(period);
  round.set_source_text(info.sources.empty() ? info.stated_source
                                             : absl::StrJoin(info.sources, "\n"));
  return round;
}

void SetDate(const DueDate& d, int month, tonghop::v1::RelativeDate* out) {
  out->set_month(month);
  out->set_day(d.day);
  out->set_year_offset(d.year_offset);
}

// The period a date belongs to: one named right after it ("trước ngày 15/6
// (báo cáo 6 tháng)"), else the nearest named before it, else the first.
const Marker& OwnerOf(const std::vector<Marker>& markers, const DueDate& d,
                      const std::vector<std::string>& t) {
  for (const Marker& m : markers) {
    if (m.token <= d.token || m.token > d.token + 4) continue;
    bool between_only_labels = true;
    for (size_t k = d.token + 1; k < m.token; ++k) {
      if (t[k] != "bao" && t[k] != "cao" && t[k] != "doi" && t[k] != "voi" && t[k] != "ky" &&
          t[k] != "dinh") {
        between_only_labels = false;
      }
    }
    if (between_only_labels) return m;
  }
  const Marker* owner = nullptr;
  for (const Marker& m : markers) {
    if (m.token < d.token) owner = &m;
  }
  return owner != nullptr ? *owner : markers.front();
}

}  // namespace

ScheduleRead ReadSchedule(const std::vector<std::pair<int, std::string>>& lines) {
  std::map<PeriodType, PeriodInfo> periods;
  for (const auto& [line_no, line] : lines) {
    std::vector<std::string> clauses;
    for (absl::string_view part : absl::StrSplit(line, ';')) {
      for (absl::string_view sentence : absl::StrSplit(part, ". ")) {
        std::string c = CollapseWhitespace(sentence);
        if (!c.empty()) clauses.push_back(c);
      }
    }
    std::optional<PeriodType> carried;
    for (const std::string& clause : clauses) {
      std::vector<std::string> t = Tokens(Fold(clause));
      bool reporting = Has(t, {"bao", "cao"}) || Has(t, {"dinh", "ky"}) || Has(t, {"gui"});
      if (!reporting) continue;
      std::vector<Marker> markers = Markers(t);
      std::vector<DueDate> dates = Dates(t);
      if (markers.empty() && carried.has_value() && !dates.empty()) {
        markers.push_back({*carried, 0});
      }
      if (markers.empty()) continue;
      carried = markers.back().period;
      size_t last_compile_word = 0;
      for (size_t i = 0; i < t.size(); ++i) {
        if (At(t, i, {"tong", "hop"})) last_compile_word = i;
      }
      // "… báo cáo về Sở Tư pháp trước ngày 15/11 để tổng hợp trước ngày
      // 30/11": a date on each side of the compiling names both.
      bool dated_around_compiling =
          last_compile_word > 0 &&
          std::any_of(dates.begin(), dates.end(),
                      [&](const DueDate& d) { return d.token < last_compile_word; }) &&
          std::any_of(dates.begin(), dates.end(),
                      [&](const DueDate& d) { return d.token > last_compile_word; });
      bool compiles = Has(t, {"tong", "hop"}) && (At(t, 0, {"so", "tu", "phap"}) ||
                                                  Has(t, {"bo"}) || dated_around_compiling);
      for (DueDate& d : dates) {
        // "… trước ngày 05/11 để Sở Tư pháp tổng hợp, báo cáo Bộ … trước
        // ngày 20/11": the date before the compiling is the agencies'.
        bool compile_before = Has(t, {"tong", "hop"}, d.token);
        bool later_date = std::any_of(dates.begin(), dates.end(), [&](const DueDate& o) {
          return o.token > last_compile_word;
        });
        d.compile = compiles && (compile_before || !later_date);
        PeriodInfo& info = periods[OwnerOf(markers, d, t).period];
        (d.compile ? info.compile : info.due).push_back(d);
        if (std::find(info.sources.begin(), info.sources.end(), clause) == info.sources.end()) {
          info.sources.push_back(clause);
        }
        if (info.first_line == 0) info.first_line = line_no;
        info.lines.insert(line_no);
      }
      for (const Marker& m : markers) {
        PeriodInfo& info = periods[m.period];
        bool dated = std::any_of(dates.begin(), dates.end(), [&](const DueDate& d) {
          return OwnerOf(markers, d, t).period == m.period;
        });
        if (!dated && info.stated_line == 0 && Has(t, {"dinh", "ky"})) {
          info.stated_line = line_no;
          info.stated_source = clause;
        }
      }
    }
  }

  ScheduleRead read;
  bool annual = periods.count(tonghop::v1::PERIOD_TYPE_ANNUAL) > 0 &&
                !(periods[tonghop::v1::PERIOD_TYPE_ANNUAL].due.empty() &&
                  periods[tonghop::v1::PERIOD_TYPE_ANNUAL].compile.empty() &&
                  periods[tonghop::v1::PERIOD_TYPE_ANNUAL].stated_line == 0);
  for (auto& [period, info] : periods) {
    bool dated = !info.due.empty() || !info.compile.empty();
    if (!dated) {
      if (info.stated_line == 0) continue;
      read.rounds.push_back(MakeRound(period, info));
      read.round_lines.push_back(info.stated_line);
      read.used_lines.push_back(info.stated_line);
      continue;
    }
    int first_line = info.first_line;
    // "ngày 15 của tháng cuối quý": one date for every quarter.
    if (period == tonghop::v1::PERIOD_TYPE_QUARTERLY && info.due.size() == 1 &&
        info.due[0].quarter_end) {
      for (int q = 1; q <= 4; ++q) {
        ReportingRound round = MakeRound(period, info);
        round.set_sub_period(q);
        SetDate(info.due[0], 3 * q, round.mutable_due());
        if (info.compile.size() == 1) {
          SetDate(info.compile[0], info.compile[0].quarter_end ? 3 * q : info.compile[0].month,
                  round.mutable_compile_due());
        }
        read.rounds.push_back(std::move(round));
        read.round_lines.push_back(first_line);
      }
    } else {
      size_t n = period == tonghop::v1::PERIOD_TYPE_ANNUAL
                     ? 1
                     : std::max<size_t>(1, std::max(info.due.size(), info.compile.size()));
      for (size_t i = 0; i < n; ++i) {
        ReportingRound round = MakeRound(period, info);
        if (n > 1) {
          round.set_sub_period(static_cast<int>(i) + 1);
        } else if (period == tonghop::v1::PERIOD_TYPE_SEMIANNUAL && annual) {
          // "Báo cáo 6 tháng … báo cáo năm …": the six-month report is the
          // first half's; the year's report covers the rest.
          round.set_sub_period(1);
        }
        if (i < info.due.size() && !info.due[i].quarter_end) {
          SetDate(info.due[i], info.due[i].month, round.mutable_due());
        }
        if (i < info.compile.size() && !info.compile[i].quarter_end) {
          SetDate(info.compile[i], info.compile[i].month, round.mutable_compile_due());
        }
        read.rounds.push_back(std::move(round));
        read.round_lines.push_back(first_line);
      }
    }
    read.used_lines.insert(read.used_lines.end(), info.lines.begin(), info.lines.end());
    if (info.stated_line > 0) read.used_lines.push_back(info.stated_line);
  }
  return read;
}

}  // namespace tonghop::plan_import
