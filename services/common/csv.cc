#include "services/common/csv.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace tonghop {
namespace {

// Digits with at most a leading sign and the separators of a written
// number, in either convention ("-1.200,5", "+3", "-0.25").
bool LooksLikeNumber(absl::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  bool digit = false;
  for (char ch : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(ch))) {
      digit = true;
    } else if (ch != '.' && ch != ',') {
      return false;
    }
  }
  return digit;
}

}  // namespace

std::string CsvField(absl::string_view field) {
  bool quote = field.find_first_of(",;\"\t\r\n") != absl::string_view::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!quote) return std::string(field);
  return absl::StrCat("\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"");
}

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) row.push_back(',');
    row += CsvField(fields[i]);
  }
  row += "\r\n";
  return row;
}

std::string SpreadsheetText(absl::string_view text) {
  if (text.empty() || LooksLikeNumber(text)) return std::string(text);
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return absl::StrCat("'", text);
    default:
      return std::string(text);
  }
}

}  // namespace tonghop
