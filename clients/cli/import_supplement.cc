#include "clients/cli/import_supplement.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/errors.h"

namespace tonghop::cli {
namespace {

absl::Status Bad(absl::string_view field, absl::string_view english, absl::string_view vietnamese) {
  return WithVietnamese(InvalidField(field, english), vietnamese);
}

std::string Trim(absl::string_view s) { return std::string(absl::StripAsciiWhitespace(s)); }

// "15/11", "15/1+1" → a relative date.
std::optional<v1::RelativeDate> ReadDay(absl::string_view text) {
  std::string t = Trim(text);
  int offset = 0;
  absl::string_view v = t;
  if (absl::ConsumeSuffix(&v, "+1")) offset = 1;
  std::vector<absl::string_view> parts = absl::StrSplit(v, '/');
  int day = 0, month = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &day) ||
      !absl::SimpleAtoi(parts[1], &month)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return std::nullopt;
  v1::RelativeDate date;
  date.set_month(month);
  date.set_day(day);
  date.set_year_offset(offset);
  return date;
}

// "key=value" split at `eq`, both sides trimmed and not empty.
std::optional<std::pair<std::string, std::string>> SplitAt(absl::string_view flag, size_t eq) {
  if (eq == absl::string_view::npos) return std::nullopt;
  std::string key = Trim(flag.substr(0, eq));
  std::string value = Trim(flag.substr(eq + 1));
  if (key.empty() || value.empty()) return std::nullopt;
  return std::make_pair(key, value);
}

// "NAME=AGENCY" split at the last "=" (names may hold one; ids hold none).
std::optional<std::pair<std::string, std::string>> SplitPair(absl::string_view flag) {
  return SplitAt(flag, flag.rfind('='));
}

// "TASK=TEXT" split at the first "=" (outlines hold none; texts may).
std::optional<std::pair<std::string, std::string>> SplitTaskFlag(absl::string_view flag) {
  return SplitAt(flag, flag.find('='));
}

}  // namespace

absl::StatusOr<std::vector<v1::ReportingRound>> ParseScheduleSpec(absl::string_view spec) {
  std::vector<v1::ReportingRound> rounds;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    std::vector<absl::string_view> kv = absl::StrSplit(item, absl::MaxSplits(':', 1));
    std::string key = absl::AsciiStrToLower(Trim(kv[0]));
    std::optional<v1::RelativeDate> day =
        kv.size() == 2 ? ReadDay(kv[1]) : std::optional<v1::RelativeDate>();
    if (!day.has_value()) {
      return Bad("schedule", absl::StrCat("\"", Trim(item), "\" is not PERIOD:DD/MM"),
                 absl::StrCat("Mục lịch báo cáo \"", Trim(item),
                              "\" không đúng dạng kỳ:ngày/tháng (ví dụ annual:15/11)."));
    }
    if (key == "compile") {
      if (rounds.empty()) {
        return Bad("schedule", "compile:DD/MM must follow the round it belongs to",
                   "\"compile:ngày/tháng\" phải đứng sau kỳ báo cáo mà nó thuộc về.");
      }
      *rounds.back().mutable_compile_due() = *day;
      continue;
    }
    v1::ReportingRound round;
    if (key == "annual" || key == "nam") {
      round.set_period_type(v1::PERIOD_TYPE_ANNUAL);
    } else if (key == "semiannual") {
      round.set_period_type(v1::PERIOD_TYPE_SEMIANNUAL);
    } else if (key == "quarterly") {
      round.set_period_type(v1::PERIOD_TYPE_QUARTERLY);
    } else if (key == "s1" || key == "s2") {
      round.set_period_type(v1::PERIOD_TYPE_SEMIANNUAL);
      round.set_sub_period(key[1] - '0');
    } else if (key.size() == 2 && key[0] == 'q' && key[1] >= '1' && key[1] <= '4') {
      round.set_period_type(v1::PERIOD_TYPE_QUARTERLY);
      round.set_sub_period(key[1] - '0');
    } else {
      return Bad("schedule",
                 absl::StrCat("unknown period \"", key,
                              "\": annual, semiannual, s1, s2, quarterly, q1-q4 or compile"),
                 absl::StrCat("Kỳ \"", key,
                              "\" không có: dùng annual (năm), s1, s2 (6 tháng), q1-q4 (quý) "
                              "hoặc compile (hạn tổng hợp)."));
    }
    *round.mutable_due() = *day;
    round.set_source_text(absl::StrCat("--schedule ", Trim(spec)));
    rounds.push_back(std::move(round));
  }
  if (rounds.empty()) {
    return Bad("schedule", "empty schedule", "Lịch báo cáo bổ sung đang trống.");
  }
  return rounds;
}

absl::StatusOr<v1::TaskDeadlineSupplement> ParseDeadlineFlag(absl::string_view flag) {
  std::optional<std::pair<std::string, std::string>> pair = SplitTaskFlag(flag);
  if (!pair.has_value()) {
    return Bad("deadline", absl::StrCat("\"", flag, "\" is not TASK=DEADLINE"),
               absl::StrCat("\"", flag, "\" không đúng dạng mục=thời hạn (ví dụ 2.1=Quý II/2026)."));
  }
  v1::TaskDeadlineSupplement deadline;
  deadline.set_task(pair->first);
  deadline.set_text(pair->second);
  return deadline;
}

absl::StatusOr<v1::TaskLeadSupplement> ParseLeadFlag(absl::string_view flag) {
  std::optional<std::pair<std::string, std::string>> pair = SplitTaskFlag(flag);
  if (!pair.has_value()) {
    return Bad("lead", absl::StrCat("\"", flag, "\" is not TASK=AGENCY"),
               absl::StrCat("\"", flag,
                            "\" không đúng dạng mục=cơ quan chủ trì (ví dụ 2.1=Sở Tư pháp)."));
  }
  v1::TaskLeadSupplement lead;
  lead.set_task(pair->first);
  // An agency id stands for the agency; anything else is a name as written.
  bool is_id = absl::StartsWith(pair->second, "agencies/") ||
               std::all_of(pair->second.begin(), pair->second.end(), [](char c) {
                 return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
               });
  lead.set_text(is_id && !absl::StartsWith(pair->second, "agencies/")
                    ? absl::StrCat("agencies/", pair->second)
                    : pair->second);
  return lead;
}

absl::StatusOr<v1::AgencyMapping> ParseMappingFlag(absl::string_view flag) {
  std::optional<std::pair<std::string, std::string>> pair = SplitPair(flag);
  if (!pair.has_value()) {
    return Bad("map", absl::StrCat("\"", flag, "\" is not NAME=AGENCY"),
               absl::StrCat("\"", flag,
                            "\" không đúng dạng tên=mã cơ quan (ví dụ \"Sở VH-TT-DL=dong-nai-"
                            "so-van-hoa-the-thao-va-du-lich\")."));
  }
  v1::AgencyMapping mapping;
  mapping.set_text(pair->first);
  mapping.set_agency(absl::StartsWith(pair->second, "agencies/")
                         ? pair->second
                         : absl::StrCat("agencies/", pair->second));
  return mapping;
}

absl::StatusOr<std::pair<int, int>> ParseYears(absl::string_view years) {
  std::vector<absl::string_view> parts = absl::StrSplit(years, '-');
  int first = 0, last = 0;
  bool ok = (parts.size() == 1 || parts.size() == 2) &&
            absl::SimpleAtoi(Trim(parts[0]), &first) &&
            absl::SimpleAtoi(Trim(parts.back()), &last) && first >= 1945 && last >= first &&
            last <= 2100;
  if (!ok) {
    return Bad("years", absl::StrCat("\"", years, "\" is not YEAR or YEAR-YEAR"),
               absl::StrCat("\"", years, "\" không đúng dạng năm hoặc năm-năm (ví dụ 2026-2030)."));
  }
  return std::make_pair(first, last);
}

absl::StatusOr<v1::ImportSupplement> ParseFixup(absl::string_view text) {
  v1::ImportSupplement supplement;
  int number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++number;
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    std::string key = colon == std::string::npos ? "" : Trim(line.substr(0, colon));
    std::string value = colon == std::string::npos ? "" : Trim(line.substr(colon + 1));
    std::string lower = absl::AsciiStrToLower(key);
    absl::Status status;
    if (colon == std::string::npos) {
      // Named "fixup" once, by the line's error below.
      status = WithVietnamese(absl::InvalidArgumentError("no \"key: value\""),
                              "không có dạng \"khóa: giá trị\".");
    } else if (lower == "schedule") {
      absl::StatusOr<std::vector<v1::ReportingRound>> rounds = ParseScheduleSpec(value);
      status = rounds.status();
      if (rounds.ok()) {
        supplement.clear_schedule();
        for (auto& r : *rounds) *supplement.add_schedule() = std::move(r);
      }
    } else if (absl::StartsWith(lower, "deadline ")) {
      absl::StatusOr<v1::TaskDeadlineSupplement> deadline =
          ParseDeadlineFlag(absl::StrCat(Trim(key.substr(9)), "=", value));
      status = deadline.status();
      if (deadline.ok()) *supplement.add_task_deadlines() = *std::move(deadline);
    } else if (absl::StartsWith(lower, "lead ")) {
      absl::StatusOr<v1::TaskLeadSupplement> lead =
          ParseLeadFlag(absl::StrCat(Trim(key.substr(5)), "=", value));
      status = lead.status();
      if (lead.ok()) *supplement.add_task_leads() = *std::move(lead);
    } else if (absl::StartsWith(lower, "map ")) {
      absl::StatusOr<v1::AgencyMapping> mapping =
          ParseMappingFlag(absl::StrCat(Trim(key.substr(4)), "=", value));
      status = mapping.status();
      if (mapping.ok()) *supplement.add_agency_mappings() = *std::move(mapping);
    } else if (lower == "symbol") {
      supplement.set_symbol(value);
    } else if (lower == "title") {
      supplement.set_title(value);
    } else if (lower == "years") {
      absl::StatusOr<std::pair<int, int>> span = ParseYears(value);
      status = span.status();
      if (span.ok()) {
        supplement.set_first_year(span->first);
        supplement.set_last_year(span->second);
      }
    } else {
      status = WithVietnamese(
          absl::InvalidArgumentError(absl::StrCat("unknown key \"", key, "\"")),
          absl::StrCat("khóa \"", key,
                       "\" không có (schedule, deadline …, lead …, map …, symbol, title, years)."));
    }
    if (!status.ok()) {
      return WithVietnamese(
          InvalidField("fixup", absl::StrCat("line ", number, ": ", status.message())),
          absl::StrCat("Tệp bổ sung, dòng ", number, ": ", GetVietnameseMessage(status)));
    }
  }
  return supplement;
}

}  // namespace tonghop::cli
