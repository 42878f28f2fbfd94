#include "services/registry/plan_import/deadline.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::Deadline;

bool IsAlnum(char ch) {
  return absl::ascii_isalnum(static_cast<unsigned char>(ch)) ||
         static_cast<unsigned char>(ch) >= 0x80;
}

bool IsDigit(char ch) { return absl::ascii_isdigit(static_cast<unsigned char>(ch)); }

// First occurrence of `phrase` in `folded` at or after `from`, on word
// boundaries; npos if none.
size_t FindWord(absl::string_view folded, absl::string_view phrase,
                size_t from = 0) {
  for (size_t pos = folded.find(phrase, from); pos != absl::string_view::npos;
       pos = folded.find(phrase, pos + 1)) {
    bool left = pos == 0 || !IsAlnum(folded[pos - 1]);
    size_t end = pos + phrase.size();
    bool right = end >= folded.size() || !IsAlnum(folded[end]);
    if (left && right) return pos;
  }
  return absl::string_view::npos;
}

bool HasWord(absl::string_view folded, absl::string_view phrase) {
  return FindWord(folded, phrase) != absl::string_view::npos;
}

// Reads a run of digits at `*pos`; advances past it.
std::optional<int> ReadNumber(absl::string_view s, size_t* pos, size_t max_digits) {
  size_t start = *pos;
  while (*pos < s.size() && IsDigit(s[*pos]) && *pos - start < max_digits) ++*pos;
  if (*pos == start || (*pos < s.size() && IsDigit(s[*pos]))) return std::nullopt;
  int value = 0;
  if (!absl::SimpleAtoi(s.substr(start, *pos - start), &value)) return std::nullopt;
  return value;
}

bool PlausibleYear(int year) { return year >= 1945 && year <= 2100; }

void SkipSpaces(absl::string_view s, size_t* pos) {
  while (*pos < s.size() && s[*pos] == ' ') ++*pos;
}

// Standalone four-digit years not part of a date or a document symbol.
std::vector<int> StandaloneYears(absl::string_view f) {
  std::vector<int> years;
  for (size_t i = 0; i + 4 <= f.size(); ++i) {
    if (!IsDigit(f[i]) || (i > 0 && (IsDigit(f[i - 1]) || f[i - 1] == '/'))) {
      continue;
    }
    size_t pos = i;
    std::optional<int> n = ReadNumber(f, &pos, 4);
    if (!n.has_value() || pos - i != 4) continue;
    if (pos < f.size() && f[pos] == '/') continue;
    if (PlausibleYear(*n)) years.push_back(*n);
    i = pos;
  }
  return years;
}

std::string Trimmed(absl::string_view s) {
  size_t b = 0, e = s.size();
  auto junk = [](char ch) {
    return ch == ' ' || ch == ',' || ch == ';' || ch == '.' || ch == '-' ||
           ch == ':' || ch == '*';
  };
  while (b < e && junk(s[b])) ++b;
  while (e > b && junk(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

absl::string_view Original(absl::string_view text, const FoldedText& ft,
                           size_t begin, size_t end) {
  size_t ob = ft.offsets[begin];
  size_t oe = ft.offsets[end];
  return text.substr(ob, oe - ob);
}

bool ReadMilestones(absl::string_view text, const FoldedText& ft,
                    Deadline* deadline) {
  const std::string& f = ft.folded;
  size_t label_start = 0;
  std::vector<std::pair<std::string, int>> milestones;
  for (size_t colon = f.find(':'); colon != std::string::npos;
       colon = f.find(':', colon + 1)) {
    size_t pos = colon + 1;
    SkipSpaces(f, &pos);
    if (absl::StartsWith(absl::string_view(f).substr(pos), "nam ")) {
      pos += 4;
      SkipSpaces(f, &pos);
    }
    size_t year_start = pos;
    std::optional<int> year = ReadNumber(f, &pos, 4);
    if (!year.has_value() || pos - year_start != 4 || !PlausibleYear(*year)) {
      continue;
    }
    std::string label = Trimmed(Original(text, ft, label_start, colon));
    label = CollapseWhitespace(label);
    if (label.empty()) return false;
    milestones.emplace_back(label, *year);
    label_start = pos;
  }
  if (milestones.empty()) return false;
  deadline->set_kind(tonghop::v1::DEADLINE_KIND_MILESTONES);
  for (const auto& [label, year] : milestones) {
    auto* m = deadline->add_milestones();
    m->set_label(label);
    m->set_year(year);
  }
  return true;
}

int LastDayOfMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) {
    return 29;
  }
  return kDays[month - 1];
}

// The month after the word "thang" at `at` ("tháng 6"); `*pos` is left
// after it.
std::optional<int> MonthAfterThang(absl::string_view f, size_t at, size_t* pos) {
  *pos = at + 5;
  SkipSpaces(f, pos);
  std::optional<int> month = ReadNumber(f, pos, 2);
  if (!month.has_value() || *month < 1 || *month > 12) return std::nullopt;
  return month;
}

// "6 tháng đầu năm 2026" → 30/6/2026; "6 tháng cuối năm 2026" → 31/12/2026.
bool ReadHalfYear(absl::string_view f, Deadline* deadline) {
  for (const char* six : {"6 thang ", "06 thang ", "sau thang "}) {
    size_t at = FindWord(f, absl::string_view(six).substr(0, std::strlen(six) - 1));
    if (at == absl::string_view::npos) continue;
    size_t pos = at + std::strlen(six);
    int month = 0;
    if (absl::StartsWith(f.substr(pos), "dau nam")) {
      month = 6;
    } else if (absl::StartsWith(f.substr(pos), "cuoi nam")) {
      month = 12;
    } else {
      continue;
    }
    pos = f.find("nam", pos) + 3;
    SkipSpaces(f, &pos);
    size_t ys = pos;
    std::optional<int> year = ReadNumber(f, &pos, 4);
    if (!year.has_value() || pos - ys != 4 || !PlausibleYear(*year)) continue;
    deadline->set_kind(tonghop::v1::DEADLINE_KIND_BY_DATE);
    deadline->mutable_date()->set_year(*year);
    deadline->mutable_date()->set_month(month);
    deadline->mutable_date()->set_day(month == 6 ? 30 : 31);
    return true;
  }
  return false;
}

// The one day of the year a recurring deadline names: "15/12", "quý I"
// (31/3), "tháng 6" (30/6), none when it names several or none.
std::optional<std::pair<int, int>> YearlyDay(absl::string_view f) {
  std::vector<std::pair<int, int>> days;  // month, day
  for (size_t i = 0; i < f.size(); ++i) {
    if (!IsDigit(f[i]) || (i > 0 && (IsDigit(f[i - 1]) || f[i - 1] == '/'))) continue;
    size_t pos = i;
    std::optional<int> day = ReadNumber(f, &pos, 2);
    if (!day.has_value() || pos >= f.size() || f[pos] != '/') continue;
    ++pos;
    std::optional<int> month = ReadNumber(f, &pos, 2);
    if (!month.has_value() || (pos < f.size() && f[pos] == '/')) continue;
    if (*month >= 1 && *month <= 12 && *day >= 1 && *day <= LastDayOfMonth(2001, *month)) {
      days.emplace_back(*month, *day);
    }
    i = pos;
  }
  for (size_t at = FindWord(f, "thang"); at != absl::string_view::npos;
       at = FindWord(f, "thang", at + 1)) {
    size_t pos = 0;
    std::optional<int> month = MonthAfterThang(f, at, &pos);
    if (!month.has_value()) continue;
    if (at >= 2 && (f.substr(at - 2, 2) == "6 " || f.substr(at - 3, 3) == "06 ")) continue;
    days.emplace_back(*month, LastDayOfMonth(2001, *month));
  }
  static constexpr std::pair<absl::string_view, int> kQuarters[] = {
      {"iv", 4}, {"iii", 3}, {"ii", 2}, {"i", 1}, {"4", 4}, {"3", 3}, {"2", 2}, {"1", 1}};
  for (size_t at = FindWord(f, "quy"); at != absl::string_view::npos;
       at = FindWord(f, "quy", at + 1)) {
    size_t pos = at + 3;
    SkipSpaces(f, &pos);
    for (const auto& [word, q] : kQuarters) {
      if (absl::StartsWith(f.substr(pos), word) &&
          (pos + word.size() == f.size() || !IsAlnum(f[pos + word.size()]))) {
        days.emplace_back(3 * q, LastDayOfMonth(2001, 3 * q));
        break;
      }
    }
  }
  if (days.size() != 1) return std::nullopt;
  return days.front();
}

// A date as (year, month, day); day 0 is the whole month.
using Ymd = std::tuple<int, int, int>;

// Sets `deadline` to the latest of `dates` (the end of a range "tháng 3/2026 -
// tháng 12/2026"), if any.
bool Latest(const std::vector<Ymd>& dates, Deadline* deadline) {
  if (dates.empty()) return false;
  auto end_of = [](const Ymd& d) {
    auto [y, m, day] = d;
    return std::make_tuple(y, m, day == 0 ? LastDayOfMonth(y, m) : day);
  };
  Ymd best = dates.front();
  for (const Ymd& d : dates) {
    if (end_of(d) > end_of(best)) best = d;
  }
  deadline->set_kind(tonghop::v1::DEADLINE_KIND_BY_DATE);
  deadline->mutable_date()->set_year(std::get<0>(best));
  deadline->mutable_date()->set_month(std::get<1>(best));
  if (std::get<2>(best) > 0) deadline->mutable_date()->set_day(std::get<2>(best));
  return true;
}

// The year after "tháng 6" or "quý II", folded: "/2026" or " năm 2026";
// nullopt when neither follows, or the year is not a plausible one.
std::optional<int> YearAfterMonthOrQuarter(absl::string_view f, size_t pos) {
  if (pos < f.size() && f[pos] == '/') {
    ++pos;
  } else {
    SkipSpaces(f, &pos);
    if (!absl::StartsWith(f.substr(pos), "nam ")) return std::nullopt;
    pos += 4;
    SkipSpaces(f, &pos);
  }
  size_t ys = pos;
  std::optional<int> year = ReadNumber(f, &pos, 4);
  if (!year.has_value() || pos - ys != 4 || !PlausibleYear(*year)) return std::nullopt;
  return year;
}

bool ReadDate(absl::string_view f, Deadline* deadline) {
  std::vector<Ymd> dates;
  // dd/mm/yyyy
  for (size_t i = 0; i < f.size(); ++i) {
    if (!IsDigit(f[i]) || (i > 0 && IsDigit(f[i - 1]))) continue;
    size_t pos = i;
    std::optional<int> day = ReadNumber(f, &pos, 2);
    if (!day.has_value() || pos >= f.size() || (f[pos] != '/' && f[pos] != '-' && f[pos] != '.')) continue;
    char sep = f[pos++];
    std::optional<int> month = ReadNumber(f, &pos, 2);
    if (!month.has_value() || pos >= f.size() || f[pos] != sep) continue;
    ++pos;
    size_t ys = pos;
    std::optional<int> year = ReadNumber(f, &pos, 4);
    if (!year.has_value() || pos - ys != 4 || !PlausibleYear(*year)) continue;
    if (*month < 1 || *month > 12 || *day < 1 || *day > LastDayOfMonth(*year, *month)) continue;
    dates.emplace_back(*year, *month, *day);
    i = pos;
  }
  if (Latest(dates, deadline)) return true;
  // tháng M/YYYY, tháng M năm YYYY
  for (size_t at = FindWord(f, "thang"); at != absl::string_view::npos;
       at = FindWord(f, "thang", at + 1)) {
    size_t pos = 0;
    std::optional<int> month = MonthAfterThang(f, at, &pos);
    if (!month.has_value()) continue;
    std::optional<int> year = YearAfterMonthOrQuarter(f, pos);
    if (!year.has_value()) continue;
    dates.emplace_back(*year, *month, 0);
  }
  if (Latest(dates, deadline)) return true;
  // quý I/2026, quý 2 năm 2026: the quarter's last day.
  for (size_t at = FindWord(f, "quy"); at != absl::string_view::npos;
       at = FindWord(f, "quy", at + 1)) {
    size_t pos = at + 3;
    SkipSpaces(f, &pos);
    int quarter = 0;
    static constexpr std::pair<absl::string_view, int> kQuarters[] = {
        {"iv", 4}, {"iii", 3}, {"ii", 2}, {"i", 1},
        {"4", 4},  {"3", 3},   {"2", 2},  {"1", 1}};
    for (const auto& [word, q] : kQuarters) {
      if (absl::StartsWith(f.substr(pos), word)) {
        quarter = q;
        pos += word.size();
        break;
      }
    }
    if (quarter == 0) continue;
    std::optional<int> year = YearAfterMonthOrQuarter(f, pos);
    if (!year.has_value()) continue;
    dates.emplace_back(*year, quarter * 3, LastDayOfMonth(*year, quarter * 3));
  }
  return Latest(dates, deadline);
}

// "… (yêu cầu|hướng dẫn|chỉ đạo) của X [hàng năm]" → X as written.
std::optional<std::string> RequestedBy(absl::string_view text,
                                       const FoldedText& ft, bool* on_request) {
  const std::string& f = ft.folded;
  static constexpr absl::string_view kMarkers[] = {
      "yeu cau cua", "huong dan cua", "chi dao cua", "de nghi cua"};
  size_t best = std::string::npos;
  size_t best_end = 0;
  for (absl::string_view marker : kMarkers) {
    size_t at = FindWord(f, marker);
    if (at != absl::string_view::npos && at < best) {
      best = at;
      best_end = at + marker.size();
    }
  }
  if (best == std::string::npos) {
    if (HasWord(f, "theo yeu cau") || HasWord(f, "khi co yeu cau") ||
        HasWord(f, "theo huong dan") || HasWord(f, "theo chi dao")) {
      *on_request = true;
    }
    return std::nullopt;
  }
  *on_request = true;
  size_t end = f.size();
  for (absl::string_view stop : {"hang nam", "moi nam"}) {
    size_t at = FindWord(f, stop, best_end);
    if (at != absl::string_view::npos) end = std::min(end, at);
  }
  for (char stop : {';', '('}) {
    size_t at = f.find(stop, best_end);
    if (at != std::string::npos) end = std::min(end, at);
  }
  std::string who = CollapseWhitespace(Trimmed(Original(text, ft, best_end, end)));
  if (who.empty()) return std::nullopt;
  return who;
}

}  // namespace

Deadline ParseDeadline(absl::string_view input) {
  Deadline deadline;
  std::string text = CollapseWhitespace(input);
  if (text.empty()) return deadline;
  deadline.set_source_text(text);
  FoldedText ft = FoldWithOffsets(text);
  const std::string& f = ft.folded;
  bool annual = HasWord(f, "hang nam") || HasWord(f, "moi nam");

  if (ReadMilestones(text, ft, &deadline)) return deadline;
  if (ReadHalfYear(f, &deadline)) return deadline;
  if (annual && StandaloneYears(f).empty()) {
    // "Trước ngày 15/12 hằng năm", "Quý I hằng năm": every year, by a day.
    bool on_request = false;
    RequestedBy(text, ft, &on_request);
    if (!on_request) {
      if (std::optional<std::pair<int, int>> day = YearlyDay(f)) {
        deadline.set_kind(tonghop::v1::DEADLINE_KIND_EVERY_YEAR);
        deadline.mutable_yearly_due()->set_month(day->first);
        deadline.mutable_yearly_due()->set_day(day->second);
        return deadline;
      }
    }
  }
  if (ReadDate(f, &deadline)) return deadline;

  bool on_request = false;
  std::optional<std::string> who = RequestedBy(text, ft, &on_request);
  std::vector<int> years = StandaloneYears(f);
  if (!years.empty()) {
    deadline.set_kind(tonghop::v1::DEADLINE_KIND_YEAR_RANGE);
    deadline.set_from_year(*std::min_element(years.begin(), years.end()));
    deadline.set_to_year(*std::max_element(years.begin(), years.end()));
    if (who.has_value()) deadline.set_requested_by(*who);
    deadline.set_annual(annual);
    return deadline;
  }
  if (on_request) {
    deadline.set_kind(tonghop::v1::DEADLINE_KIND_ON_REQUEST);
    if (who.has_value()) deadline.set_requested_by(*who);
    deadline.set_annual(annual);
    return deadline;
  }
  if (HasWord(f, "thuong xuyen") || HasWord(f, "lien tuc") || HasWord(f, "hang quy") ||
      HasWord(f, "moi quy") || HasWord(f, "hang thang") || HasWord(f, "hang tuan") ||
      absl::StartsWith(f, "theo chuong trinh") ||
      absl::StartsWith(f, "theo ke hoach cong tac")) {
    deadline.set_kind(tonghop::v1::DEADLINE_KIND_ONGOING);
    deadline.set_annual(annual);
    return deadline;
  }
  if (annual) {
    deadline.set_kind(tonghop::v1::DEADLINE_KIND_EVERY_YEAR);
    return deadline;
  }
  return deadline;
}

std::vector<int> DeadlineYears(const Deadline& deadline) {
  std::vector<int> years;
  if (deadline.from_year() > 0) years.push_back(deadline.from_year());
  if (deadline.to_year() > 0) years.push_back(deadline.to_year());
  if (deadline.has_date() && deadline.date().year() > 0) {
    years.push_back(deadline.date().year());
  }
  for (const auto& m : deadline.milestones()) years.push_back(m.year());
  return years;
}

}  // namespace tonghop::plan_import
