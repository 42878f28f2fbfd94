#include "clients/cli/figure_text.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/display_format.h"

namespace tonghop::cli {

std::string FigureNotes::Number(absl::string_view exact) const {
  return FormatNumber(exact, language_);
}

std::string FigureNotes::Value(const v1::Figure& figure) {
  std::string value = figure.present() ? Number(figure.value()) : "—";
  if (figure.note().empty()) return value;
  auto it = std::find(notes_.begin(), notes_.end(), figure.note());
  size_t number = static_cast<size_t>(it - notes_.begin()) + 1;
  if (it == notes_.end()) notes_.push_back(figure.note());
  return absl::StrCat(value, " (", number, ")");
}

void FigureNotes::Print(std::ostream& out) const {
  for (size_t i = 0; i < notes_.size(); ++i) out << "(" << i + 1 << ") " << notes_[i] << "\n";
}

}  // namespace tonghop::cli
