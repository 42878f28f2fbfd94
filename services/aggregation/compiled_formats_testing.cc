#include "services/aggregation/compiled_formats_testing.h"

#include <zip.h>

#include <memory>

#include "poppler/cpp/poppler-document.h"
#include "poppler/cpp/poppler-page.h"

#include <algorithm>
#include <regex>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/decimal.h"

namespace tonghop::aggregation::formats_testing {
namespace {

std::string Id(absl::string_view name) {
  size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

// ---- The independent roll-up ----

struct Definitions {
  std::shared_ptr<const RegistrySnapshot> snapshot;
  const v1::Indicator& Indicator(const std::string& id) const {
    return *snapshot->FindIndicator(absl::StrCat("indicators/", id));
  }
  bool Disaggregates(const std::string& indicator, const std::string& dimension) const {
    for (const std::string& d : Indicator(indicator).dimensions()) {
      if (d == absl::StrCat("dimensions/", dimension)) return true;
    }
    return false;
  }
};

std::string Percent(int64_t n, int64_t d) {
  // 100 × n / d in hundredths, rounded half away from zero (n, d ≥ 0).
  int64_t hundredths = (n * 10000 * 2 + d) / (2 * d);
  std::string frac = absl::StrCat(hundredths % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return absl::StrCat(hundredths / 100, ".", frac);
}

Figure Present(std::string exact) {
  Figure f;
  f.present = true;
  f.exact = std::move(exact);
  return f;
}
Figure Absent() {
  Figure f;
  f.noted = true;  // every figure that is not available says why
  return f;
}

// The dimension of a cell key ("sex=female" → "sex").
std::string DimensionOf(const std::string& cell) { return cell.substr(0, cell.find('=')); }

class Rollup {
 public:
  Rollup(const Definitions& defs, const Counted& counted) : defs_(defs), counted_(counted) {}

  std::optional<int64_t> Value(const std::string& agency, const std::string& indicator,
                               const std::string& cell) const {
    const Values& values = counted_.at(agency).first;
    auto it = values.find({indicator, cell});
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  bool BrokeDown(const std::string& agency, const std::string& indicator,
                 const std::string& dimension) const {
    for (const auto& [key, unused] : counted_.at(agency).first) {
      if (key.first == indicator && !key.second.empty() && DimensionOf(key.second) == dimension) {
        return true;
      }
    }
    return false;
  }

  Figure Sum(const std::string& indicator, const std::string& cell) const {
    int64_t sum = 0;
    int givers = 0;
    for (const auto& [agency, unused] : counted_) {
      if (auto v = Value(agency, indicator, cell)) {
        sum += *v;
        ++givers;
      }
    }
    if (givers == 0) return Absent();
    Figure f = Present(absl::StrCat(sum));
    if (!cell.empty()) {
      int totals = 0;
      int covering = 0;
      for (const auto& [agency, unused] : counted_) {
        if (Value(agency, indicator, "")) ++totals;
        if (BrokeDown(agency, indicator, DimensionOf(cell))) ++covering;
      }
      f.noted = covering < totals;
    }
    return f;
  }

  Figure Extreme(const std::string& indicator, bool latest) const {
    std::optional<int64_t> best;
    int64_t best_time = 0;
    for (const auto& [agency, report] : counted_) {
      auto v = Value(agency, indicator, "");
      if (!v) continue;
      if (!best || (latest ? report.second > best_time : *v > *best)) {
        best = v;
        best_time = report.second;
      }
    }
    return best ? Present(absl::StrCat(*best)) : Absent();
  }

  Figure Ratio(const v1::Indicator& def, const std::string& cell) const {
    std::string n = Id(def.numerator());
    std::string d = Id(def.denominator());
    if (!cell.empty() &&
        (!defs_.Disaggregates(n, DimensionOf(cell)) || !defs_.Disaggregates(d, DimensionOf(cell)))) {
      return Absent();
    }
    int involved = 0;
    int with_n = 0;
    int with_d = 0;
    int64_t sum_n = 0;
    int64_t sum_d = 0;
    for (const auto& [agency, unused] : counted_) {
      auto vn = Value(agency, n, cell);
      auto vd = Value(agency, d, cell);
      if (!vn && !vd) continue;
      ++involved;
      if (vn || (!cell.empty() && BrokeDown(agency, n, DimensionOf(cell)))) ++with_n;
      if (vd || (!cell.empty() && BrokeDown(agency, d, DimensionOf(cell)))) ++with_d;
      sum_n += vn.value_or(0);
      sum_d += vd.value_or(0);
    }
    if (involved == 0 || with_n < involved || with_d < involved || sum_d == 0) return Absent();
    return Present(Percent(sum_n, sum_d));
  }

  Figure Of(const std::string& indicator, const std::string& cell) const {
    const v1::Indicator& def = defs_.Indicator(indicator);
    switch (def.aggregation()) {
      case v1::Indicator::AGGREGATION_RATIO: return Ratio(def, cell);
      case v1::Indicator::AGGREGATION_MAX: return Extreme(indicator, false);
      case v1::Indicator::AGGREGATION_LATEST: return Extreme(indicator, true);
      default: return Sum(indicator, cell);
    }
  }

  // The cells with data, in the dimensions' order (a ratio's are its
  // denominator's).
  std::vector<std::string> Cells(const std::string& indicator) const {
    const v1::Indicator& def = defs_.Indicator(indicator);
    std::string source = def.aggregation() == v1::Indicator::AGGREGATION_RATIO
                             ? Id(def.denominator())
                             : indicator;
    std::set<std::string> given;
    for (const auto& [agency, report] : counted_) {
      for (const auto& [key, unused] : report.first) {
        if (key.first == source && !key.second.empty()) given.insert(key.second);
      }
    }
    std::vector<std::string> ordered;
    for (const std::string& dimension : defs_.Indicator(source).dimensions()) {
      const v1::Dimension* dim = defs_.snapshot->FindDimension(dimension);
      for (const v1::DimensionOption& o : dim->options()) {
        std::string cell = absl::StrCat(Id(dimension), "=", o.code());
        if (given.count(cell)) ordered.push_back(cell);
      }
    }
    return ordered;
  }

 private:
  const Definitions& defs_;
  const Counted& counted_;
};

// ---- Reading figures back ----

// "1.234,5" (or "1,234.5" in English) → "1234.5"; nullopt when not a number.
std::optional<std::string> ExactFromShown(std::string text, bool english = false) {
  text = std::string(absl::StripAsciiWhitespace(text));
  if (text.empty()) return std::nullopt;
  std::string exact;
  for (char c : text) {
    if (c == (english ? ',' : '.')) continue;
    exact.push_back(c == (english ? '.' : ',') ? '.' : c);
  }
  if (!ParseDecimal(exact, "shown").ok()) return std::nullopt;
  return exact;
}

// A figure's cell as shown in a text format: "104", "— (1)", "x (2)",
// "90,38 (94/104)", with the note as "<sup>(n)</sup>" or " (n)".
Figure ParseShown(std::string text) {
  Figure f;
  static const std::regex kSup(R"(\s*<sup>\((\d+)\)</sup>\s*$)");
  static const std::regex kNote(R"(\s*\((\d+)\)\s*$)");
  static const std::regex kParts(R"(\s*\([^()/]*/[^()/]*\)\s*$)");
  std::smatch m;
  if (std::regex_search(text, m, kSup)) {
    f.noted = true;
    text = m.prefix();
  } else if (std::regex_search(text, m, kNote)) {
    f.noted = true;
    text = m.prefix();
  }
  if (std::regex_search(text, m, kParts)) text = m.prefix();
  text = std::string(absl::StripAsciiWhitespace(text));
  if (text == "x") {
    f.withheld = true;
    return f;
  }
  if (auto exact = ExactFromShown(text)) {
    f.present = true;
    f.exact = *exact;
  }
  return f;
}

std::string Unescape(std::string text) {
  return absl::StrReplaceAll(text, {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
                                    {"&amp;", "&"}});
}

// The appendix's statistics table as rows of cell texts (name cells keep a
// marker: "**" total, "↳ " breakdown), from Markdown.
absl::StatusOr<Shown> FromMarkdown(const std::string& md) {
  size_t start = md.find("## Phụ lục I —");
  if (start == std::string::npos) return absl::NotFoundError("no statistics appendix");
  size_t end = md.find("## Phụ lục II", start);
  Shown shown;
  std::string current_indicator;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(md.substr(start, end - start), '\n')) {
    if (!absl::StartsWith(line, "|")) continue;
    if (++line_no <= 2) continue;  // header and rule
    std::vector<std::string> cells = absl::StrSplit(line, " | ");
    if (cells.size() < 5) continue;
    std::string name(absl::StripAsciiWhitespace(cells[1]));
    Row row;
    if (absl::StartsWith(name, "**")) {
      current_indicator = std::string(absl::StripSuffix(absl::StripPrefix(name, "**"), "**"));
      row.previous = ParseShown(cells[4]);
    } else {
      row.label = std::string(absl::StripPrefix(name, "↳ "));
    }
    row.indicator = current_indicator;
    row.current = ParseShown(cells[3]);
    shown.rows.push_back(std::move(row));
  }
  return shown;
}

absl::StatusOr<Shown> FromHtml(const std::string& html) {
  size_t start = html.find("<h2 class=\"appendix\">Phụ lục I<br>");
  if (start == std::string::npos) return absl::NotFoundError("no statistics appendix");
  size_t table = html.find("<tbody>", start);
  size_t end = html.find("</tbody>", table);
  std::string body = html.substr(table, end - table);
  static const std::regex kRow(R"(<tr>(.*?)</tr>)");
  static const std::regex kCell(R"(<td([^>]*)>(.*?)</td>)");
  Shown shown;
  std::string current_indicator;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), kRow); it != std::sregex_iterator();
       ++it) {
    std::string row_html = (*it)[1];
    std::vector<std::pair<std::string, std::string>> cells;
    for (auto c = std::sregex_iterator(row_html.begin(), row_html.end(), kCell);
         c != std::sregex_iterator(); ++c) {
      cells.push_back({(*c)[1], Unescape((*c)[2])});
    }
    if (cells.size() < 5) continue;
    Row row;
    if (absl::StrContains(cells[1].first, "strong")) {
      current_indicator = cells[1].second;
      row.previous = ParseShown(cells[4].second);
    } else {
      row.label = cells[1].second;
    }
    row.indicator = current_indicator;
    row.current = ParseShown(cells[3].second);
    shown.rows.push_back(std::move(row));
  }
  return shown;
}

absl::StatusOr<Shown> FromJson(const std::string& json) {
  v1::CompiledReport report;
  if (!google::protobuf::util::JsonStringToMessage(json, &report).ok()) {
    return absl::InvalidArgumentError("not a CompiledReport in JSON");
  }
  auto figure = [](const v1::Figure& f) {
    Figure out;
    out.present = f.present();
    out.exact = f.value();
    out.noted = !f.note().empty();
    out.withheld = f.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_SMALL_COUNT ||
                   f.unavailable_reason() == v1::UNAVAILABLE_REASON_SUPPRESSED_COMPLEMENTARY;
    return out;
  };
  Shown shown;
  for (const v1::CompiledStatistic& s : report.statistics()) {
    Row total;
    total.indicator = s.display_name();
    total.current = figure(s.current());
    total.previous = figure(s.previous());
    shown.rows.push_back(total);
    for (const v1::RollupRow& r : s.rows()) {
      Row row;
      row.indicator = s.display_name();
      row.label = r.label();
      row.current = figure(r.figure());
      shown.rows.push_back(row);
    }
  }
  return shown;
}

// The files of a zip archive (an XLSX or DOCX), by name.
absl::StatusOr<std::map<std::string, std::string>> Unzip(const std::string& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) return absl::InternalError("zip_source_buffer_create");
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    return absl::InvalidArgumentError(absl::StrCat("not a zip archive: ", zip_error_strerror(&error)));
  }
  std::map<std::string, std::string> files;
  zip_int64_t count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0) continue;
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    if (file == nullptr) continue;
    std::string content(stat.size, '\0');
    zip_int64_t read = zip_fread(file, content.data(), stat.size);
    zip_fclose(file);
    if (read != static_cast<zip_int64_t>(stat.size)) {
      zip_close(archive);
      return absl::DataLossError(absl::StrCat("cannot read ", stat.name));
    }
    files[stat.name] = std::move(content);
  }
  zip_discard(archive);
  return files;
}

// The column letters of a cell reference: "E12" → 4.
int ColumnOf(const std::string& ref) {
  int column = 0;
  for (char c : ref) {
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + (c - 'A' + 1);
  }
  return column - 1;
}

absl::StatusOr<Shown> FromXlsx(const std::string& xlsx) {
  auto files = Unzip(xlsx);
  if (!files.ok()) return files.status();
  std::vector<std::string> shared;
  static const std::regex kSi(R"(<si>(.*?)</si>)");
  static const std::regex kT(R"(<t[^>]*>(.*?)</t>)");
  const std::string& strings = (*files)["xl/sharedStrings.xml"];
  for (auto it = std::sregex_iterator(strings.begin(), strings.end(), kSi);
       it != std::sregex_iterator(); ++it) {
    std::string si = (*it)[1];
    std::string text;
    for (auto t = std::sregex_iterator(si.begin(), si.end(), kT); t != std::sregex_iterator(); ++t) {
      text += Unescape((*t)[1]);
    }
    shared.push_back(text);
  }
  // The statistics are the second sheet.
  const std::string& sheet = (*files)["xl/worksheets/sheet2.xml"];
  if (sheet.empty()) return absl::NotFoundError("no statistics sheet");
  static const std::regex kRow(R"(<row [^>]*>(.*?)</row>)");
  static const std::regex kCell(R"re(<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>))re");
  static const std::regex kV(R"(<v>(.*?)</v>)");
  Shown shown;
  bool header = true;
  for (auto it = std::sregex_iterator(sheet.begin(), sheet.end(), kRow);
       it != std::sregex_iterator(); ++it) {
    if (header) {
      header = false;
      continue;
    }
    std::string row_xml = (*it)[1];
    std::map<int, std::pair<bool, std::string>> cells;  // column → (is number, text)
    for (auto c = std::sregex_iterator(row_xml.begin(), row_xml.end(), kCell);
         c != std::sregex_iterator(); ++c) {
      std::string attributes = (*c)[2];
      std::string inner = (*c)[3];
      std::smatch v;
      if (!std::regex_search(inner, v, kV)) continue;
      bool is_string = absl::StrContains(attributes, "t=\"s\"");
      std::string text = v[1];
      if (is_string) {
        size_t index = 0;
        if (!absl::SimpleAtoi(text, &index) || index >= shared.size()) continue;
        text = shared[index];
      }
      cells[ColumnOf((*c)[1])] = {!is_string, text};
    }
    auto figure = [&](int column) {
      Figure f;
      auto found = cells.find(column);
      if (found == cells.end()) return f;
      if (found->second.first) {
        f.present = true;
        f.binary = true;
        f.exact = found->second.second;
      } else {
        f.withheld = found->second.second == "x";
      }
      auto note = cells.find(column == 4 ? 12 : 13);
      f.noted = note != cells.end() && !note->second.second.empty();
      return f;
    };
    Row row;
    row.indicator = cells[1].second;
    row.label = cells.count(2) ? cells[2].second : "";
    row.current = figure(4);
    if (row.label.empty()) row.previous = figure(5);
    shown.rows.push_back(std::move(row));
  }
  return shown;
}

// The XML text of the elements `tag` (e.g. "w:tr") directly in `xml`, in
// order (no nesting of the same tag is expected).
std::vector<std::string> Elements(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  std::string open = absl::StrCat("<", tag);
  std::string close = absl::StrCat("</", tag, ">");
  size_t at = 0;
  while ((at = xml.find(open, at)) != std::string::npos) {
    char next = xml[at + open.size()];
    if (next != '>' && next != ' ' && next != '/') {
      at += open.size();
      continue;
    }
    size_t end = xml.find(close, at);
    if (end == std::string::npos) break;
    out.push_back(xml.substr(at, end + close.size() - at));
    at = end + close.size();
  }
  return out;
}

std::string WordText(const std::string& xml) {
  static const std::regex kT(R"(<w:t(?: [^>]*)?>(.*?)</w:t>)");
  std::string text;
  for (auto t = std::sregex_iterator(xml.begin(), xml.end(), kT); t != std::sregex_iterator(); ++t) {
    text += Unescape((*t)[1]);
  }
  return text;
}

absl::StatusOr<Shown> FromDocx(const std::string& docx) {
  auto files = Unzip(docx);
  if (!files.ok()) return files.status();
  const std::string& document = (*files)["word/document.xml"];
  size_t title = document.find("SỐ LIỆU THỐNG KÊ");
  if (title == std::string::npos) return absl::NotFoundError("no statistics appendix");
  size_t start = document.find("<w:tbl>", title);
  size_t end = document.find("</w:tbl>", start);
  if (start == std::string::npos || end == std::string::npos) {
    return absl::NotFoundError("no statistics table");
  }
  Shown shown;
  std::string current_indicator;
  bool header = true;
  for (const std::string& tr : Elements(document.substr(start, end - start), "w:tr")) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cells;
    for (const std::string& tc : Elements(tr, "w:tc")) cells.push_back(WordText(tc));
    if (cells.size() < 5) continue;
    Row row;
    if (!cells[0].empty()) {
      current_indicator = cells[1];
      row.previous = ParseShown(cells[4]);
    } else {
      row.label = cells[1];
    }
    row.indicator = current_indicator;
    row.current = ParseShown(cells[3]);
    shown.rows.push_back(std::move(row));
  }
  return shown;
}

// A PDF's text has no table structure: each expected row is found by its
// label, in order, and its figures are the figure-like words after it (the
// unit between is not one). Whitespace is ignored when matching labels, as
// lines wrap anywhere.
absl::StatusOr<Shown> FromPdfText(const std::string& text, const Expected& layout) {
  size_t title = text.find("SỐ LIỆU THỐNG KÊ");
  if (title == std::string::npos) return absl::NotFoundError("no statistics appendix");
  std::string compact;
  std::vector<size_t> positions;
  for (size_t i = title; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') continue;
    compact.push_back(text[i]);
    positions.push_back(i);
  }
  static const std::regex kFigure(R"(^(—|x|[+-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?)(\(\d+\))?$)");
  static const std::regex kNote(R"(^\(\d+\)$)");
  static const std::regex kParts(R"(^\([^()]*/[^()]*\)$)");
  Shown shown;
  size_t cursor = 0;
  for (const Row& e : layout.rows) {
    std::string label = e.label.empty() ? e.indicator : e.label;
    std::string wanted;
    for (char c : label) {
      if (c != ' ') wanted.push_back(c);
    }
    size_t found = compact.find(wanted, cursor);
    if (found == std::string::npos) {
      return absl::NotFoundError(absl::StrCat("row \"", label, "\" not found in order"));
    }
    cursor = found + wanted.size();
    size_t from = positions[cursor - 1] + 1;
    std::vector<std::string> words = absl::StrSplit(text.substr(from, 400), absl::ByAnyChar(" \n\t\r\f"), absl::SkipEmpty());
    std::vector<Figure> figures;
    for (size_t w = 0; w < words.size() && figures.size() < 2; ++w) {
      std::smatch m;
      if (std::regex_match(words[w], m, kFigure)) {
        Figure f = ParseShown(m[1]);
        f.noted = m[2].matched;
        figures.push_back(f);
      } else if (std::regex_match(words[w], kNote) && !figures.empty()) {
        figures.back().noted = true;
      } else if (std::regex_match(words[w], kParts)) {
        continue;
      }
    }
    Row row;
    row.indicator = e.indicator;
    row.label = e.label;
    if (!figures.empty()) row.current = figures[0];
    if (e.label.empty() && figures.size() > 1) row.previous = figures[1];
    shown.rows.push_back(std::move(row));
  }
  return shown;
}

bool SameFigure(const Figure& expected, const Figure& shown) {
  if (expected.present != shown.present) return false;
  if (!expected.present) return true;
  if (shown.binary) {
    // A workbook's numeric cell holds a double: the one nearest the exact
    // figure (what Excel shows as the figure itself).
    return std::strtod(expected.exact.c_str(), nullptr) == std::strtod(shown.exact.c_str(), nullptr);
  }
  auto a = ParseDecimal(expected.exact, "expected");
  auto b = ParseDecimal(shown.exact, "shown");
  return a.ok() && b.ok() && *a == *b;
}

std::string Describe(const Figure& f) {
  std::string text = f.present ? f.exact : (f.withheld ? "x" : "—");
  if (f.noted) absl::StrAppend(&text, " (note)");
  return text;
}

// Disclosure control of one indicator's rows, as the rule in
// disclosure.h reads: per dimension, counts below 5 are withheld, and when
// only one is, the smallest other (a zero only when nothing else is left).
// Returns the withheld cells' labels.
std::set<std::string> Withhold(std::vector<Row>& rows, const Figure& total) {
  std::map<std::string, std::vector<Row*>> groups;
  for (Row& row : rows) groups[row.label.substr(0, row.label.find(':'))].push_back(&row);
  std::set<std::string> withheld;
  for (auto& [dimension, group] : groups) {
    std::vector<Row*> small;
    for (Row* row : group) {
      if (row->current.present && std::stoll(row->current.exact) > 0 &&
          std::stoll(row->current.exact) < 5) {
        small.push_back(row);
      }
    }
    if (small.empty()) continue;
    std::vector<Row*> hidden = small;
    if (small.size() == 1 && total.present) {
      Row* best = nullptr;
      for (bool zero : {false, true}) {
        for (Row* row : group) {
          if (row == small[0] || !row->current.present) continue;
          int64_t v = std::stoll(row->current.exact);
          if (v == 0 && !zero) continue;
          if (best == nullptr || v < std::stoll(best->current.exact)) best = row;
        }
        if (best != nullptr) break;
      }
      if (best != nullptr) hidden.push_back(best);
    }
    for (Row* row : hidden) {
      row->current = Figure{false, "", true, true, false};
      withheld.insert(row->label);
    }
  }
  return withheld;
}

bool IsCount(const v1::Indicator& def) {
  return def.aggregation() == v1::Indicator::AGGREGATION_SUM &&
         def.value_type() == v1::VALUE_TYPE_COUNT;
}

}  // namespace

Expected IndependentRollup(StaticRegistryView& registry, const Counted& current,
                           const Counted& previous) {
  Definitions defs{*registry.Snapshot(false)};
  Rollup now(defs, current);
  Rollup before(defs, previous);
  std::shared_ptr<const PlanInfo> plan = *registry.Plan("plans/dong-nai-74-2026");
  std::vector<std::string> indicators;
  for (const v1::Task& task : plan->tasks) {
    for (const std::string& name : task.indicators()) {
      std::string id = Id(name);
      if (std::find(indicators.begin(), indicators.end(), id) == indicators.end()) {
        indicators.push_back(id);
      }
    }
  }
  auto breakdown = [&](const std::string& id) {
    const v1::Indicator& def = defs.Indicator(id);
    std::vector<Row> rows;
    for (const std::string& cell : now.Cells(id)) {
      Row row;
      row.indicator = def.display_name();
      std::pair<std::string, std::string> kv = absl::StrSplit(cell, '=');
      const v1::Dimension* dim = defs.snapshot->FindDimension(absl::StrCat("dimensions/", kv.first));
      std::string option = kv.second;
      for (const v1::DimensionOption& o : dim->options()) {
        if (o.code() == kv.second) option = o.display_name();
      }
      row.label = absl::StrCat(dim->display_name(), ": ", option);
      row.current = now.Of(id, cell);
      rows.push_back(row);
    }
    return rows;
  };
  Expected expected;
  for (const std::string& id : indicators) {
    const v1::Indicator& def = defs.Indicator(id);
    if (def.aggregation() == v1::Indicator::AGGREGATION_NONE) continue;
    Row total;
    total.indicator = def.display_name();
    total.current = now.Of(id, "");
    total.previous = before.Of(id, "");
    expected.rows.push_back(total);
    std::vector<Row> rows = breakdown(id);
    // A compiled report is published: small counts are withheld.
    if (IsCount(def)) {
      Withhold(rows, total.current);
    } else if (def.aggregation() == v1::Indicator::AGGREGATION_RATIO &&
               IsCount(defs.Indicator(Id(def.denominator())))) {
      std::string denominator = Id(def.denominator());
      std::vector<Row> parts = breakdown(denominator);
      std::set<std::string> hidden = Withhold(parts, now.Of(denominator, ""));
      for (Row& row : rows) {
        if (hidden.count(row.label) && row.current.present) {
          row.current = Figure{false, "", true, true, false};
        }
      }
    }
    for (Row& row : rows) expected.rows.push_back(std::move(row));
  }
  return expected;
}

absl::StatusOr<std::string> DocxText(const std::string& docx) {
  auto files = Unzip(docx);
  if (!files.ok()) return files.status();
  std::string text;
  const std::string& document = (*files)["word/document.xml"];
  for (const std::string& p : Elements(document, "w:p")) absl::StrAppend(&text, WordText(p), "\n");
  return text;
}

absl::StatusOr<std::string> PdfText(const std::string& pdf) {
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  if (document == nullptr) return absl::InvalidArgumentError("not a PDF poppler can read");
  std::string text;
  for (int i = 0; i < document->pages(); ++i) {
    std::unique_ptr<poppler::page> page(document->create_page(i));
    if (page == nullptr) continue;
    poppler::byte_array bytes =
        page->text(poppler::rectf(), poppler::page::raw_order_layout).to_utf8();
    text.append(bytes.begin(), bytes.end());
    text.push_back('\n');
  }
  return text;
}

absl::StatusOr<Shown> ReadFigures(const std::string& content, v1::ReportFormat format,
                                  const Expected* layout) {
  switch (format) {
    case v1::REPORT_FORMAT_DOCX: return FromDocx(content);
    case v1::REPORT_FORMAT_PDF: {
      if (layout == nullptr) return absl::InvalidArgumentError("a PDF is read by its expected rows");
      absl::StatusOr<std::string> text = PdfText(content);
      if (!text.ok()) return text.status();
      return FromPdfText(*text, *layout);
    }
    case v1::REPORT_FORMAT_MARKDOWN: return FromMarkdown(content);
    case v1::REPORT_FORMAT_HTML: return FromHtml(content);
    case v1::REPORT_FORMAT_XLSX: return FromXlsx(content);
    case v1::REPORT_FORMAT_JSON:
    case v1::REPORT_FORMAT_UNSPECIFIED: return FromJson(content);
    default: return absl::UnimplementedError(v1::ReportFormat_Name(format));
  }
}

void ExpectSame(const Expected& expected, const Shown& shown, const std::string& format) {
  EXPECT_EQ(expected.rows.size(), shown.rows.size()) << format << ": number of rows";
  for (size_t i = 0; i < std::min(expected.rows.size(), shown.rows.size()); ++i) {
    const Row& e = expected.rows[i];
    const Row& s = shown.rows[i];
    std::string where = absl::StrCat(format, " row ", i + 1, ": ", e.indicator,
                                     e.label.empty() ? "" : " — ", e.label);
    EXPECT_EQ(e.indicator, s.indicator) << where;
    EXPECT_EQ(e.label, s.label) << where;
    EXPECT_TRUE(SameFigure(e.current, s.current))
        << where << ": expected " << Describe(e.current) << ", shown " << Describe(s.current);
    EXPECT_EQ(e.current.noted, s.current.noted) << where << ": note";
    EXPECT_EQ(e.current.withheld, s.current.withheld) << where << ": withheld";
    if (e.previous.has_value() && s.previous.has_value()) {
      EXPECT_TRUE(SameFigure(*e.previous, *s.previous))
          << where << " (previous): expected " << Describe(*e.previous) << ", shown "
          << Describe(*s.previous);
    }
  }
}

}  // namespace tonghop::aggregation::formats_testing
