#include "clients/loadgen/generator.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace tonghop::loadgen {
namespace {

// A department of a generated province: id suffix, Vietnamese and English
// names. Sở Tư pháp comes first: it is the province's focal agency.
struct UnitName {
  const char* slug;
  const char* vi;
  const char* en;
};

constexpr UnitName kDepartments[] = {
    {"so-tu-phap", "Sở Tư pháp", "Department of Justice"},
    {"so-noi-vu", "Sở Nội vụ", "Department of Home Affairs"},
    {"so-tai-chinh", "Sở Tài chính", "Department of Finance"},
    {"so-xay-dung", "Sở Xây dựng", "Department of Construction"},
    {"so-y-te", "Sở Y tế", "Department of Health"},
    {"so-giao-duc-va-dao-tao", "Sở Giáo dục và Đào tạo", "Department of Education and Training"},
    {"so-cong-thuong", "Sở Công Thương", "Department of Industry and Trade"},
    {"so-nong-nghiep-va-moi-truong", "Sở Nông nghiệp và Môi trường",
     "Department of Agriculture and Environment"},
    {"so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ",
     "Department of Science and Technology"},
    {"so-van-hoa-the-thao-va-du-lich", "Sở Văn hóa, Thể thao và Du lịch",
     "Department of Culture, Sports and Tourism"},
    {"so-dan-toc-va-ton-giao", "Sở Dân tộc và Tôn giáo",
     "Department of Ethnic and Religious Affairs"},
    {"so-ngoai-vu", "Sở Ngoại vụ", "Department of Foreign Affairs"},
    {"thanh-tra-tinh", "Thanh tra tỉnh", "Provincial Inspectorate"},
    {"van-phong-ubnd-tinh", "Văn phòng Ủy ban nhân dân tỉnh",
     "Office of the Provincial People's Committee"},
};
constexpr int kMaxDepartments = sizeof(kDepartments) / sizeof(kDepartments[0]);

constexpr UnitName kIndependentBodies[] = {
    {"toa-an-nhan-dan-tinh", "Tòa án nhân dân tỉnh", "Provincial People's Court"},
    {"vien-kiem-sat-nhan-dan-tinh", "Viện kiểm sát nhân dân tỉnh",
     "Provincial People's Procuracy"},
    {"uy-ban-mttq-tinh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
     "Provincial Committee of the Vietnam Fatherland Front"},
};
constexpr int kMaxIndependentBodies =
    sizeof(kIndependentBodies) / sizeof(kIndependentBodies[0]);

// Task titles, cycled: the kinds of work the seed plans assign.
constexpr const char* kTaskTitles[] = {
    "Tuyên truyền, phổ biến nội dung Công ước và các khuyến nghị",
    "Rà soát văn bản quy phạm pháp luật có liên quan",
    "Tập huấn, bồi dưỡng kiến thức cho cán bộ, công chức",
    "Tiếp nhận và giải quyết khiếu nại, tố cáo",
    "Thực hiện trợ giúp pháp lý cho người thuộc diện được trợ giúp",
    "Bảo đảm quyền của phụ nữ, trẻ em và người khuyết tật",
    "Theo dõi, đánh giá tình hình thực hiện và báo cáo định kỳ",
};

constexpr const char* kHeadingTitles[] = {
    "Nâng cao nhận thức và hoàn thiện thể chế",
    "Tổ chức thực hiện các khuyến nghị",
    "Kiểm tra, đánh giá và báo cáo",
};

constexpr const char* kSummaries[] = {
    "Đã ban hành kế hoạch triển khai và tổ chức thực hiện đúng tiến độ.",
    "Đã tổ chức tuyên truyền, phổ biến tới cán bộ, công chức và Nhân dân trên địa bàn.",
    "Đang phối hợp với các cơ quan liên quan rà soát, hoàn thiện.",
    "Đã lồng ghép nội dung nhiệm vụ vào chương trình công tác năm.",
};

// Option codes reports use; a subset of deploy/data/dimensions.json.
const std::vector<std::string>& SexOptions() {
  static const auto* options = new std::vector<std::string>{"male", "female"};
  return *options;
}
const std::vector<std::string>& AgeOptions() {
  static const auto* options =
      new std::vector<std::string>{"under-16", "16-17", "18-30", "31-60", "over-60"};
  return *options;
}
const std::vector<std::string>& EthnicityOptions() {
  static const auto* options = new std::vector<std::string>{
      "kinh", "tay", "thai", "hoa", "khmer", "muong", "nung", "hmong", "dao"};
  return *options;
}

constexpr absl::string_view kSex = "sex";
constexpr absl::string_view kAgeGroup = "age-group";
constexpr absl::string_view kEthnicity = "ethnicity";

// SplitMix64: small, fast and the same on every platform, so a report is
// the same wherever it is rebuilt.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n].
  int64_t Upto(int64_t n) { return n <= 0 ? 0 : static_cast<int64_t>(Next() % (n + 1)); }

 private:
  uint64_t state_;
};

uint64_t Mix(uint64_t a, uint64_t b) {
  Rng rng(a ^ (b * 0x100000001b3ULL));
  return rng.Next();
}

// Splits `total` over cells in proportion to `weights`; the remainder goes
// to the first cells.
std::vector<int64_t> SplitByWeights(int64_t total, const std::vector<int64_t>& weights) {
  int64_t sum = 0;
  for (int64_t w : weights) sum += w;
  std::vector<int64_t> parts(weights.size(), 0);
  if (sum == 0 || total == 0) {
    if (!parts.empty()) parts[0] = total;
    return parts;
  }
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    parts[i] = total * weights[i] / sum;
    given += parts[i];
  }
  for (size_t i = 0; given < total; i = (i + 1) % parts.size()) {
    ++parts[i];
    ++given;
  }
  return parts;
}

// Splits `total` (≤ the sum of `caps`) so that no part exceeds its cap: the
// "resolved" cells of a pair stay within the "received" cells.
std::vector<int64_t> SplitWithinCaps(int64_t total, const std::vector<int64_t>& caps) {
  int64_t cap_sum = 0;
  for (int64_t c : caps) cap_sum += c;
  std::vector<int64_t> parts(caps.size(), 0);
  if (cap_sum == 0) return parts;
  int64_t given = 0;
  for (size_t i = 0; i < caps.size(); ++i) {
    parts[i] = caps[i] * total / cap_sum;
    given += parts[i];
  }
  for (size_t i = 0; given < total && i < caps.size(); ++i) {
    int64_t room = std::min(caps[i] - parts[i], total - given);
    parts[i] += room;
    given += room;
  }
  return parts;
}

v1::Value MakeValue(const std::string& indicator, absl::string_view dimension,
                    const std::string& option, int64_t value) {
  v1::Value v;
  v.set_indicator(indicator);
  if (!dimension.empty()) (*v.mutable_cells())[std::string(dimension)] = option;
  v.set_int_value(value);
  return v;
}

std::string TwoDigits(int n) { return absl::StrFormat("%02d", n); }

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}
// The last day of the historical hierarchy and the first of today's.
google::type::Date LastDayBeforeReorganisation() { return Day(2025, 6, 30); }
google::type::Date ReorganisationDay() { return Day(2025, 7, 1); }

std::string ProvinceId(int index) { return absl::StrCat("lg-p", TwoDigits(index + 1)); }
// "tỉnh Thử nghiệm 05", as it ends a unit's name.
std::string ProvinceVi(int index) {
  return absl::StrCat("tỉnh Thử nghiệm ", TwoDigits(index + 1));
}
std::string ProvinceEn(int index) { return absl::StrCat("Test Province ", TwoDigits(index + 1)); }

// Generated province `index` (0-based), under the ministry, its Sở Tư pháp
// its focal agency.
v1::Agency MakeProvince(int index) {
  const std::string pid = ProvinceId(index);
  v1::Agency province;
  province.set_name(absl::StrCat("agencies/", pid));
  province.set_display_name(absl::StrCat("Tỉnh Thử nghiệm ", TwoDigits(index + 1)));
  province.set_english_name(ProvinceEn(index));
  province.set_kind(v1::AGENCY_KIND_PROVINCE);
  province.set_parent(std::string(World::kMinistry));
  province.set_focal_agency(absl::StrCat("agencies/", pid, "-so-tu-phap"));
  province.add_aliases(absl::StrCat("Ủy ban nhân dân ", ProvinceVi(index)));
  province.set_generated(true);
  return province;
}

v1::Agency MakeUnit(const std::string& id, std::string vi, std::string en, v1::AgencyKind kind,
                    const std::string& parent) {
  v1::Agency unit;
  unit.set_name(absl::StrCat("agencies/", id));
  unit.set_display_name(std::move(vi));
  unit.set_english_name(std::move(en));
  unit.set_kind(kind);
  unit.set_parent(parent);
  unit.set_generated(true);
  return unit;
}

// `agency` dissolved at the 2025 reorganisation, taken over by `successor`:
// what the registry requires of a merged unit.
v1::Agency Dissolved(v1::Agency agency, const std::string& successor) {
  *agency.mutable_valid_to() = LastDayBeforeReorganisation();
  agency.add_successors(successor);
  return agency;
}

// The departments (Sở Tư pháp first) and independent bodies a province has
// at `scale`, with their kinds.
std::vector<std::pair<const UnitName*, v1::AgencyKind>> ProvincialUnits(const Scale& scale) {
  std::vector<std::pair<const UnitName*, v1::AgencyKind>> units;
  for (int d = 0; d < scale.departments_per_province; ++d) {
    units.emplace_back(&kDepartments[d], v1::AGENCY_KIND_DEPARTMENT);
  }
  for (int b = 0; b < scale.independent_bodies_per_province; ++b) {
    units.emplace_back(&kIndependentBodies[b], v1::AGENCY_KIND_INDEPENDENT_BODY);
  }
  return units;
}

// Who reviews `unit`'s reports: its province's focal agency, or the
// ministry for that focal agency itself (nobody reviews their own).
std::string ReviewerOf(const std::string& unit, const std::string& focal) {
  return unit == focal ? std::string(World::kMinistry) : focal;
}

}  // namespace

absl::StatusOr<Scale> NamedScale(absl::string_view name) {
  Scale scale;
  scale.name = std::string(name);
  if (name == "small") {
    scale.provinces = 2;
    scale.communes = 10;
    scale.historical_provinces = 3;
    scale.historical_districts = 4;
    scale.historical_communes = 16;
    scale.departments_per_province = 3;
    scale.independent_bodies_per_province = 1;
    scale.tasks = 5;
    scale.indicators = 6;
  } else if (name == "medium") {
    scale.provinces = 34;
    scale.communes = 340;
    scale.historical_provinces = 63;
    scale.historical_districts = 70;
    scale.historical_communes = 1060;
    scale.departments_per_province = 14;
    scale.independent_bodies_per_province = 3;
    scale.tasks = 60;
    scale.indicators = 40;
  } else if (name == "national") {
    scale.provinces = 34;
    scale.communes = 3321;
    scale.historical_provinces = 63;
    scale.historical_districts = 700;
    scale.historical_communes = 10600;
    scale.departments_per_province = 14;
    scale.independent_bodies_per_province = 3;
    scale.tasks = 60;
    scale.indicators = 40;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--scale: unknown scale \"", name, "\"; use small, medium or national"));
  }
  return scale;
}

absl::Status ValidateScale(const Scale& scale) {
  auto bad = [](absl::string_view field, absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--", field, ": ", why));
  };
  if (scale.provinces < 1 || scale.provinces > 99) return bad("provinces", "must be 1 to 99");
  if (scale.communes < 0 || scale.communes > 999 * scale.provinces) {
    return bad("communes", "must be 0 to 999 per province");
  }
  if (scale.historical_provinces < scale.provinces || scale.historical_provinces > 99) {
    return bad("historical-provinces", "must be 1 to 99 and at least --provinces (today's "
                                       "provinces existed before 2025)");
  }
  if (scale.historical_districts < scale.historical_provinces ||
      scale.historical_districts > 99 * scale.historical_provinces) {
    return bad("districts", "must be 1 to 99 per historical province");
  }
  if (scale.historical_communes < 0 ||
      scale.historical_communes > 999 * scale.historical_districts) {
    return bad("historical-communes", "must be 0 to 999 per district");
  }
  if (scale.departments_per_province < 1 || scale.departments_per_province > kMaxDepartments) {
    return bad("departments", absl::StrCat("must be 1 to ", kMaxDepartments,
                                           " (the first is the province's Sở Tư pháp)"));
  }
  if (scale.independent_bodies_per_province < 0 ||
      scale.independent_bodies_per_province > kMaxIndependentBodies) {
    return bad("independent-bodies", absl::StrCat("must be 0 to ", kMaxIndependentBodies));
  }
  if (scale.tasks < 2 || scale.tasks > 999) {
    return bad("tasks", "must be 2 to 999 (one heading and at least one task)");
  }
  if (scale.indicators < 1 || scale.indicators > 98) return bad("indicators", "must be 1 to 98");
  return absl::OkStatus();
}

absl::Status CheckCurrentYear(int current_year) {
  if (current_year < World::kFirstYearOfTodaysHierarchy) {
    return absl::InvalidArgumentError(
        absl::StrCat("--year: must be ", World::kFirstYearOfTodaysHierarchy,
                     " or later: the current year is reported on today's hierarchy, in force "
                     "from 1 July 2025 (--years loads the years before it)"));
  }
  return absl::OkStatus();
}

std::string CellKey(const google::protobuf::Map<std::string, std::string>& cells) {
  std::map<std::string, std::string> sorted(cells.begin(), cells.end());
  std::vector<std::string> parts;
  for (const auto& [dimension, option] : sorted) parts.push_back(dimension + "=" + option);
  return absl::StrJoin(parts, ",");
}

std::string World::PeriodOf(int year) { return absl::StrCat(year); }

World World::Generate(const Scale& scale, std::string plan_id, int current_year,
                      int history_years, uint64_t seed) {
  World world;
  world.scale_ = scale;
  world.current_year_ = current_year;
  world.first_year_ = current_year - history_years;
  world.seed_ = seed;
  world.GenerateAgencies();
  if (IsHistorical(world.first_year_)) world.GenerateHistoricalAgencies();
  world.GenerateIndicators();
  world.GeneratePlan(plan_id);
  return world;
}

void World::GenerateAgencies() {
  int base = scale_.communes / scale_.provinces;
  int extra = scale_.communes % scale_.provinces;
  for (int p = 0; p < scale_.provinces; ++p) {
    const std::string pid = ProvinceId(p);
    const std::string province_vi = ProvinceVi(p);
    const std::string province_en = ProvinceEn(p);
    provinces_.push_back(MakeProvince(p));
    const std::string& province_name = provinces_.back().name();
    const std::string focal = provinces_.back().focal_agency();

    auto add_unit = [&](v1::Agency unit) {
      reporters_.push_back(
          Reporter{unit.name(), ReviewerOf(unit.name(), focal), p, p, unit.kind()});
      units_.push_back(std::move(unit));
    };
    for (const auto& [u, kind] : ProvincialUnits(scale_)) {
      add_unit(MakeUnit(absl::StrCat(pid, "-", u->slug), absl::StrCat(u->vi, " ", province_vi),
                        absl::StrCat(u->en, ", ", province_en), kind, province_name));
    }
    int communes = base + (p < extra ? 1 : 0);
    for (int c = 0; c < communes; ++c) {
      std::string number = absl::StrFormat("%03d", c + 1);
      v1::Agency commune = MakeUnit(absl::StrCat(pid, "-xa-", number),
                                    absl::StrCat("Xã Thử nghiệm ", number, ", ", province_vi),
                                    absl::StrCat("Test Commune ", number, ", ", province_en),
                                    v1::AGENCY_KIND_COMMUNE, province_name);
      // Every commune of today was formed in the 2025 reorganisation.
      *commune.mutable_valid_from() = ReorganisationDay();
      add_unit(std::move(commune));
    }
  }
}

void World::GenerateHistoricalAgencies() {
  const int today = scale_.provinces;
  const int before = scale_.historical_provinces;
  // Today's communes of each province: the successors of its historical
  // communes, assigned in turn.
  std::vector<std::vector<std::string>> todays_communes(today);
  for (const Reporter& r : reporters_) {
    if (r.kind == v1::AGENCY_KIND_COMMUNE) todays_communes[r.province].push_back(r.agency);
  }
  std::vector<size_t> next_successor(today, 0);
  int district_index = 0;
  for (int h = 0; h < before; ++h) {
    // Today's province h carried on; the others merged into one of them,
    // in turn.
    const int successor = h < today ? h : (h - today) % today;
    const std::string& successor_name = provinces_[successor].name();
    const std::string pid = ProvinceId(h);
    const std::string province_vi = ProvinceVi(h);
    const std::string province_en = ProvinceEn(h);
    const std::string province_name = absl::StrCat("agencies/", pid);
    const std::string focal = absl::StrCat("agencies/", pid, "-so-tu-phap");
    if (h >= today) {
      dissolved_provinces_.push_back(Dissolved(MakeProvince(h), successor_name));
    }
    auto add_reporter = [&](const std::string& name, v1::AgencyKind kind) {
      historical_reporters_.push_back(
          Reporter{name, ReviewerOf(name, focal), h, successor, kind});
    };
    for (const auto& [u, kind] : ProvincialUnits(scale_)) {
      const std::string id = absl::StrCat(pid, "-", u->slug);
      if (h >= today) {
        // A merged province's departments and bodies were merged into the
        // same ones of its successor.
        dissolved_units_.push_back(
            Dissolved(MakeUnit(id, absl::StrCat(u->vi, " ", province_vi),
                               absl::StrCat(u->en, ", ", province_en), kind, province_name),
                      absl::StrCat("agencies/", ProvinceId(successor), "-", u->slug)));
      }
      add_reporter(absl::StrCat("agencies/", id), kind);
    }
    const int districts = scale_.historical_districts / before +
                          (h < scale_.historical_districts % before ? 1 : 0);
    for (int d = 0; d < districts; ++d, ++district_index) {
      const std::string district_number = TwoDigits(d + 1);
      const std::string district_id = absl::StrCat(pid, "-huyen-", district_number);
      const std::string district_vi =
          absl::StrCat("huyện Thử nghiệm ", district_number, ", ", province_vi);
      const std::string district_en =
          absl::StrCat("Test District ", district_number, ", ", province_en);
      // Districts were abolished: their communes now report to the
      // province, which took over.
      dissolved_units_.push_back(
          Dissolved(MakeUnit(district_id, absl::StrCat("Ủy ban nhân dân ", district_vi),
                             district_en, v1::AGENCY_KIND_DISTRICT, province_name),
                    successor_name));
      const std::string district_name = dissolved_units_.back().name();
      const int communes =
          scale_.historical_communes / scale_.historical_districts +
          (district_index < scale_.historical_communes % scale_.historical_districts ? 1 : 0);
      for (int c = 0; c < communes; ++c) {
        const std::string number = absl::StrFormat("%03d", c + 1);
        const std::vector<std::string>& merged_into = todays_communes[successor];
        dissolved_units_.push_back(Dissolved(
            MakeUnit(absl::StrCat(district_id, "-xa-", number),
                     absl::StrCat("Xã Thử nghiệm ", number, ", ", district_vi),
                     absl::StrCat("Test Commune ", number, ", ", district_en),
                     v1::AGENCY_KIND_COMMUNE, district_name),
            merged_into.empty() ? successor_name
                                : merged_into[next_successor[successor]++ % merged_into.size()]));
        add_reporter(dissolved_units_.back().name(), v1::AGENCY_KIND_COMMUNE);
      }
    }
  }
}

std::vector<const v1::Agency*> World::HistoricalProvinces() const {
  std::vector<const v1::Agency*> provinces;
  if (!has_history()) return provinces;
  for (const v1::Agency& p : provinces_) provinces.push_back(&p);
  for (const v1::Agency& p : dissolved_provinces_) provinces.push_back(&p);
  return provinces;
}

const std::vector<Reporter>& World::ReportersOf(int year) const {
  return IsHistorical(year) ? historical_reporters_ : reporters_;
}

void World::GenerateIndicators() {
  dimension_options_[absl::StrCat("dimensions/", kSex)] = SexOptions();
  dimension_options_[absl::StrCat("dimensions/", kAgeGroup)] = AgeOptions();
  dimension_options_[absl::StrCat("dimensions/", kEthnicity)] = EthnicityOptions();

  const int n = scale_.indicators;
  // Indicators [0, with_age) carry the age groups, [with_age, with_age +
  // with_ethnicity) the ethnicities; both even, so that the two halves of a
  // pair always share their dimensions (a rule compares them cell by cell).
  int with_age = 2 * static_cast<int>(std::lround(0.15 * n));
  int with_ethnicity = 2 * static_cast<int>(std::lround(0.125 * n));
  with_age = std::min(with_age, n);
  with_ethnicity = std::min(with_ethnicity, n - with_age);

  for (int i = 0; i < n; ++i) {
    int group = i / 2 + 1;
    bool paired = (i / 2) * 2 + 1 < n;  // this index belongs to a full pair
    bool resolved = paired && i % 2 == 1;
    v1::Indicator ind;
    ind.set_name(absl::StrCat("indicators/lg-chi-tieu-", TwoDigits(i + 1)));
    std::string group_vi = absl::StrCat("nhóm thử nghiệm ", TwoDigits(group));
    std::string group_en = absl::StrCat("test group ", TwoDigits(group));
    if (!paired) {
      ind.set_display_name(absl::StrCat("Số người được tập huấn (", group_vi, ")"));
      ind.set_english_name(absl::StrCat("People trained (", group_en, ")"));
      ind.set_unit("người");
      ind.set_direction(v1::DIRECTION_UP);
    } else if (!resolved) {
      ind.set_display_name(absl::StrCat("Số vụ việc tiếp nhận (", group_vi, ")"));
      ind.set_english_name(absl::StrCat("Cases received (", group_en, ")"));
      ind.set_unit("vụ việc");
    } else {
      ind.set_display_name(absl::StrCat("Số vụ việc đã giải quyết (", group_vi, ")"));
      ind.set_english_name(absl::StrCat("Cases resolved (", group_en, ")"));
      ind.set_unit("vụ việc");
      ind.set_direction(v1::DIRECTION_UP);
      v1::IndicatorRule* rule = ind.add_rules();
      rule->set_kind(v1::IndicatorRule::KIND_AT_MOST);
      rule->set_other(absl::StrCat("indicators/lg-chi-tieu-", TwoDigits(i)));
      rule->set_description("Số vụ việc đã giải quyết không vượt quá số vụ việc tiếp nhận.");
    }
    ind.set_value_type(v1::VALUE_TYPE_COUNT);
    ind.set_aggregation(v1::Indicator::AGGREGATION_SUM);
    ind.set_description("Chỉ tiêu sinh tự động để đo tải; không phải số liệu thật.");
    ind.add_dimensions(absl::StrCat("dimensions/", kSex));
    if (i < with_age) ind.add_dimensions(absl::StrCat("dimensions/", kAgeGroup));
    if (i >= with_age && i < with_age + with_ethnicity) {
      ind.add_dimensions(absl::StrCat("dimensions/", kEthnicity));
    }
    indicators_.push_back(std::move(ind));
    bounded_by_previous_.push_back(resolved);
  }
  int ratios = std::min(4, n / 2);
  for (int k = 0; k < ratios; ++k) {
    v1::Indicator ind;
    ind.set_name(absl::StrCat("indicators/lg-ty-le-giai-quyet-", TwoDigits(k + 1)));
    ind.set_display_name(
        absl::StrCat("Tỷ lệ giải quyết vụ việc (nhóm thử nghiệm ", TwoDigits(k + 1), ")"));
    ind.set_english_name(absl::StrCat("Resolution rate (test group ", TwoDigits(k + 1), ")"));
    ind.set_unit("%");
    ind.set_value_type(v1::VALUE_TYPE_PERCENT);
    ind.set_aggregation(v1::Indicator::AGGREGATION_RATIO);
    ind.set_numerator(indicators_[2 * k + 1].name());
    ind.set_denominator(indicators_[2 * k].name());
    ind.set_direction(v1::DIRECTION_UP);
    ind.set_description("Chỉ tiêu sinh tự động để đo tải; không phải số liệu thật.");
    indicators_.push_back(std::move(ind));
  }
}

void World::GeneratePlan(const std::string& plan_id) {
  const std::string ministry(kMinistry);
  const std::string plan_name = absl::StrCat("plans/", plan_id);
  plan_.set_name(plan_name);
  plan_.set_symbol("01/KH-TN");
  plan_.set_title(
      "Kế hoạch thử nghiệm tải: báo cáo thực hiện toàn quốc (dữ liệu sinh tự động)");
  plan_.set_issuer(ministry);
  plan_.mutable_issued_on()->set_year(first_year_);
  plan_.mutable_issued_on()->set_month(1);
  plan_.mutable_issued_on()->set_day(15);
  plan_.set_implements("2715/QĐ-TTg");
  plan_.set_first_year(first_year_);
  plan_.set_last_year(current_year_);
  plan_.set_state(v1::PLAN_STATE_ACTIVE);
  v1::ReportingRound* round = plan_.add_schedule();
  round->set_period_type(v1::PERIOD_TYPE_ANNUAL);
  round->mutable_due()->set_month(12);
  round->mutable_due()->set_day(15);
  round->mutable_compile_due()->set_month(12);
  round->mutable_compile_due()->set_day(31);
  round->set_source_text("Báo cáo trước ngày 15/12 hằng năm; tổng hợp trước ngày 31/12.");

  auto group = [&](v1::AgencyKind kind, const char* label, bool requested) {
    v1::Assignment a;
    a.mutable_group()->set_kind(kind);
    a.mutable_group()->set_ancestor(ministry);
    a.mutable_group()->set_label(label);
    a.set_requested(requested);
    return a;
  };
  const v1::Assignment departments =
      group(v1::AGENCY_KIND_DEPARTMENT, "Các Sở, ban, ngành", false);
  const v1::Assignment communes =
      group(v1::AGENCY_KIND_COMMUNE, "Ủy ban nhân dân các xã, phường", false);
  const v1::Assignment bodies =
      group(v1::AGENCY_KIND_INDEPENDENT_BODY,
            "Đề nghị Tòa án nhân dân, Viện kiểm sát nhân dân, Ủy ban MTTQ Việt Nam các tỉnh",
            true);
  v1::Assignment open;
  open.mutable_group()->set_ancestor(ministry);
  open.mutable_group()->set_open(true);
  open.mutable_group()->set_label("Các cơ quan, đơn vị có liên quan");
  const bool have_bodies = scale_.independent_bodies_per_province > 0;

  const int headings = scale_.tasks >= 20 ? 3 : 1;
  const int leaves = scale_.tasks - headings;
  const int reported = scale_.indicators;
  // Indicator-carrying tasks: four reported indicators each, led by every
  // kind of reporter, so that every report carries every indicator.
  const int indicator_tasks = std::min(leaves, (reported + 3) / 4);

  auto expect = [&](v1::AgencyKind kind, int task, bool lead) {
    tasks_by_kind_[kind].emplace_back(task, lead);
  };

  int leaf = 0;
  for (int h = 0; h < headings; ++h) {
    std::string letter(1, static_cast<char>('A' + h));
    v1::Task heading;
    heading.set_name(absl::StrCat(plan_name, "/tasks/", letter));
    heading.set_outline(letter);
    heading.set_printed_code(letter);
    heading.set_title(kHeadingTitles[h % 3]);
    heading.set_sequence(static_cast<int>(tasks_.size()) + 1);
    tasks_.push_back(heading);
    int in_heading = leaves / headings + (h < leaves % headings ? 1 : 0);
    for (int n = 1; n <= in_heading; ++n, ++leaf) {
      v1::Task task;
      std::string outline = absl::StrCat(letter, ".", n);
      task.set_name(absl::StrCat(plan_name, "/tasks/", outline));
      task.set_outline(outline);
      task.set_printed_code(absl::StrCat(n));
      task.set_parent(heading.name());
      task.set_title(absl::StrCat(kTaskTitles[leaf % 7], " (nhiệm vụ thử nghiệm ", outline, ")"));
      task.set_sequence(static_cast<int>(tasks_.size()) + 1);
      task.add_expected_results(absl::StrCat("Báo cáo kết quả thực hiện nhiệm vụ ", outline));
      const int index = static_cast<int>(tasks_.size());

      v1::Deadline* d = task.mutable_deadline();
      switch (leaf % 7) {
        case 4:
          d->set_kind(v1::DEADLINE_KIND_YEAR_RANGE);
          d->set_from_year(first_year_);
          d->set_to_year(current_year_);
          d->set_source_text(absl::StrCat(first_year_, "-", current_year_));
          break;
        case 5:
          d->set_kind(v1::DEADLINE_KIND_ON_REQUEST);
          d->set_requested_by("Bộ Tư pháp");
          d->set_source_text("Theo yêu cầu của Bộ Tư pháp");
          break;
        case 6: {
          d->set_kind(v1::DEADLINE_KIND_MILESTONES);
          int mid = first_year_ + (current_year_ - first_year_) / 2;
          v1::Milestone* m1 = d->add_milestones();
          m1->set_label("Báo cáo sơ kết");
          m1->set_year(mid);
          v1::Milestone* m2 = d->add_milestones();
          m2->set_label("Báo cáo tổng kết");
          m2->set_year(current_year_);
          d->set_source_text(absl::StrCat("Báo cáo sơ kết: năm ", mid,
                                          "; Báo cáo tổng kết: năm ", current_year_));
          break;
        }
        default:
          d->set_kind(v1::DEADLINE_KIND_EVERY_YEAR);
          d->set_source_text("Hàng năm");
          break;
      }

      if (leaf < indicator_tasks) {
        *task.add_lead() = departments;
        *task.add_lead() = communes;
        expect(v1::AGENCY_KIND_DEPARTMENT, index, true);
        expect(v1::AGENCY_KIND_COMMUNE, index, true);
        if (have_bodies) {
          *task.add_lead() = bodies;
          expect(v1::AGENCY_KIND_INDEPENDENT_BODY, index, true);
        }
        for (int i = 0; i < reported; ++i) {
          if (i / 4 % indicator_tasks == leaf) task.add_indicators(indicators_[i].name());
        }
        // A pair's percentage sits with the task of its "resolved" half.
        for (size_t r = reported; r < indicators_.size(); ++r) {
          int resolved = 2 * static_cast<int>(r - reported) + 1;
          if (resolved / 4 % indicator_tasks == leaf) task.add_indicators(indicators_[r].name());
        }
      } else {
        int j = leaf - indicator_tasks;
        switch (j % 3) {
          case 0:
            *task.add_lead() = departments;
            *task.add_coordinating() = open;
            expect(v1::AGENCY_KIND_DEPARTMENT, index, true);
            break;
          case 1:
            *task.add_lead() = communes;
            expect(v1::AGENCY_KIND_COMMUNE, index, true);
            break;
          default:
            *task.add_lead() = departments;
            *task.add_coordinating() = communes;
            expect(v1::AGENCY_KIND_DEPARTMENT, index, true);
            expect(v1::AGENCY_KIND_COMMUNE, index, false);
            break;
        }
        if (have_bodies && j % 5 == 4) {
          *task.add_coordinating() = bodies;
          expect(v1::AGENCY_KIND_INDEPENDENT_BODY, index, false);
        }
      }
      tasks_.push_back(std::move(task));
    }
  }
}

std::vector<int> World::InterleavedReporters(int year) const {
  const std::vector<Reporter>& reporters = ReportersOf(year);
  std::vector<std::pair<std::pair<int, int>, int>> keyed;
  std::map<int, int> seen_in_province;
  for (size_t r = 0; r < reporters.size(); ++r) {
    int province = reporters[r].province;
    keyed.push_back({{seen_in_province[province]++, province}, static_cast<int>(r)});
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<int> order;
  for (const auto& k : keyed) order.push_back(k.second);
  return order;
}

v1::PlanBundle World::NationalPlan(const std::string& plan_id) const {
  const std::string ministry(kMinistry);
  v1::PlanBundle bundle;
  v1::Plan* plan = bundle.mutable_plan();
  plan->set_name(absl::StrCat("plans/", plan_id));
  plan->set_symbol(plan_.implements());
  plan->set_title("Kế hoạch quốc gia thử nghiệm: số liệu các tỉnh gửi về (dữ liệu sinh tự động)");
  plan->set_issuer(ministry);
  plan->set_compiler(ministry);
  *plan->mutable_issued_on() = plan_.issued_on();
  plan->set_first_year(plan_.first_year());
  plan->set_last_year(plan_.last_year());
  plan->set_state(v1::PLAN_STATE_ACTIVE);
  *plan->mutable_schedule() = plan_.schedule();
  v1::Task* task = bundle.add_tasks();
  task->set_name(absl::StrCat(plan->name(), "/tasks/A"));
  task->set_outline("A");
  task->set_printed_code("A");
  task->set_title("Số liệu của các tỉnh, thành phố");
  task->set_sequence(1);
  task->mutable_deadline()->set_kind(v1::DEADLINE_KIND_EVERY_YEAR);
  task->mutable_deadline()->set_source_text("Hàng năm");
  v1::AgencyGroup* provinces = task->add_lead()->mutable_group();
  provinces->set_kind(v1::AGENCY_KIND_PROVINCE);
  provinces->set_ancestor(ministry);
  provinces->set_label("Ủy ban nhân dân các tỉnh, thành phố");
  for (int i = 0; i < scale_.indicators; ++i) task->add_indicators(indicators_[i].name());
  return bundle;
}

v1::PlanBundle World::ProvincialPlan(const std::string& upstream_plan) const {
  v1::PlanBundle bundle;
  *bundle.mutable_plan() = plan_;
  bundle.mutable_plan()->set_upstream_plan(upstream_plan);
  for (const v1::Task& task : tasks_) *bundle.add_tasks() = task;
  return bundle;
}

int World::ValuesPerReport() const {
  int values = 0;
  for (int i = 0; i < scale_.indicators; ++i) {
    values += 1;
    for (const std::string& dim : indicators_[i].dimensions()) {
      if (dim == absl::StrCat("dimensions/", kEthnicity)) {
        values += 2;
      } else {
        values += static_cast<int>(dimension_options_.at(dim).size());
      }
    }
  }
  return values;
}

v1::Report World::BuildReport(int reporter, int year) const {
  const Reporter& who = ReportersOf(year)[reporter];
  Rng rng(Mix(Mix(seed_, static_cast<uint64_t>(reporter) + 1), static_cast<uint64_t>(year)));

  v1::Report report;
  std::string agency_id = who.agency.substr(sizeof("agencies/") - 1);
  std::string plan_id = plan_.name().substr(sizeof("plans/") - 1);
  report.set_name(absl::StrCat("reports/", agency_id, "/", plan_id, "/", PeriodOf(year)));

  auto it = tasks_by_kind_.find(who.kind);
  if (it != tasks_by_kind_.end()) {
    for (const auto& [index, lead] : it->second) {
      const v1::Task& task = tasks_[index];
      v1::TaskProgress* progress = report.add_progress();
      progress->set_task(task.name());
      v1::ProgressStatus status;
      switch (task.deadline().kind()) {
        case v1::DEADLINE_KIND_EVERY_YEAR:
          status = rng.Upto(4) == 0 ? v1::PROGRESS_STATUS_COMPLETED : v1::PROGRESS_STATUS_ONGOING;
          break;
        case v1::DEADLINE_KIND_ON_REQUEST:
          status = rng.Upto(1) == 0 ? v1::PROGRESS_STATUS_NOT_APPLICABLE
                                    : v1::PROGRESS_STATUS_COMPLETED;
          break;
        default:
          status = rng.Upto(2) == 0 ? v1::PROGRESS_STATUS_COMPLETED
                                    : v1::PROGRESS_STATUS_IN_PROGRESS;
          break;
      }
      progress->set_status(status);
      progress->set_summary(kSummaries[rng.Upto(3)]);
      if (status == v1::PROGRESS_STATUS_COMPLETED && lead) {
        progress->add_outputs(absl::StrCat("Báo cáo số ", reporter + 1, "/BC ngày 01/12/", year));
      }
    }
  }

  // Reports grow a little year on year, as the plans want.
  int64_t base = who.kind == v1::AGENCY_KIND_COMMUNE      ? 40
                 : who.kind == v1::AGENCY_KIND_DEPARTMENT ? 300
                                                          : 500;
  int64_t top = base + base * std::max(0, year - first_year_) / 20;
  const std::vector<std::string>& ethnicities = EthnicityOptions();
  // Each agency reports the majority group and one other.
  const std::string& minority =
      ethnicities[1 + reporter % static_cast<int>(ethnicities.size() - 1)];

  // The cells of the previous ("received") indicator, by dimension, so that
  // its "resolved" partner stays within them.
  std::map<std::string, std::vector<int64_t>> previous_cells;
  int64_t previous_total = 0;
  for (int i = 0; i < scale_.indicators; ++i) {
    const v1::Indicator& ind = indicators_[i];
    const bool bounded = bounded_by_previous_[i];
    int64_t total = bounded ? previous_total * (50 + rng.Upto(50)) / 100 : rng.Upto(top);
    report.mutable_values()->Add(MakeValue(ind.name(), "", "", total));
    std::map<std::string, std::vector<int64_t>> cells;
    for (const std::string& dim : ind.dimensions()) {
      std::string code = dim.substr(sizeof("dimensions/") - 1);
      std::vector<std::string> options;
      std::vector<int64_t> parts;
      if (code == kEthnicity) {
        options = {ethnicities[0], minority};
      } else {
        options = dimension_options_.at(dim);
      }
      if (bounded) {
        parts = SplitWithinCaps(total, previous_cells[dim]);
      } else if (code == kEthnicity) {
        int64_t other = rng.Upto(total / 3);
        parts = {total - other, other};
      } else {
        std::vector<int64_t> weights;
        for (size_t o = 0; o < options.size(); ++o) weights.push_back(1 + rng.Upto(9));
        parts = SplitByWeights(total, weights);
      }
      for (size_t o = 0; o < options.size(); ++o) {
        report.mutable_values()->Add(MakeValue(ind.name(), code, options[o], parts[o]));
      }
      cells[dim] = std::move(parts);
    }
    previous_cells = std::move(cells);
    previous_total = total;
  }
  return report;
}

ExpectedSums World::Expected(int year, int province) const {
  return ExpectedWhere(year, [province](const Reporter& r) {
    return province < 0 || r.todays_province == province;
  });
}

ExpectedSums World::ExpectedWhere(int year,
                                  const std::function<bool(const Reporter&)>& counts) const {
  ExpectedSums sums;
  const std::vector<Reporter>& reporters = ReportersOf(year);
  for (size_t r = 0; r < reporters.size(); ++r) {
    if (!counts(reporters[r])) continue;
    v1::Report report = BuildReport(static_cast<int>(r), year);
    for (const v1::Value& v : report.values()) {
      sums[v.indicator()][CellKey(v.cells())] += v.int_value();
    }
  }
  return sums;
}

}  // namespace tonghop::loadgen
