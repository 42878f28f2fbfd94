#ifndef TONGHOP_CLIENTS_CLI_FIGURE_TEXT_H_
#define TONGHOP_CLIENTS_CLI_FIGURE_TEXT_H_

// Figures as the CLI prints them: exact values in the reader's language
// (services/common/display_format.h), and for a figure that is not
// available "—" with a numbered note printed under the table — never 0.

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tonghop/v1/aggregation_service.pb.h"

namespace tonghop::cli {

// Collects the notes of one table's figures. Not thread-safe; one per
// printed table.
class FigureNotes {
 public:
  explicit FigureNotes(std::string language) : language_(std::move(language)) {}

  // The figure's value ("1.234", "90,38"); for one with a note (not
  // available, or partial) the value or "—" followed by the note's number:
  // "— (1)". The same note text gets the same number.
  std::string Value(const v1::Figure& figure);
  // An exact decimal from the API ("1250.5", "+3") in the reader's language.
  std::string Number(absl::string_view exact) const;

  // The notes, one a line: "(1) Không tính được: …". Nothing when none.
  void Print(std::ostream& out) const;
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  std::string language_;
  std::vector<std::string> notes_;
};

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_FIGURE_TEXT_H_
