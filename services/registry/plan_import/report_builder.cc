#include "services/registry/plan_import/report_builder.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

constexpr size_t kNoteTextBytes = 240;
constexpr absl::string_view kNotRecognised = "not recognised as part of the plan";

bool Blank(absl::string_view line) { return CollapseWhitespace(line).empty(); }

}  // namespace

ReportBuilder::ReportBuilder(std::vector<std::string> lines)
    : lines_(std::move(lines)),
      used_(lines_.size(), false),
      ignored_(lines_.size()) {}

tonghop::v1::ImportNote ReportBuilder::Note(int line, std::string message) const {
  tonghop::v1::ImportNote note;
  note.set_line(line);
  note.set_message(std::move(message));
  if (line >= 1 && line <= line_count()) {
    note.set_text(TruncateUtf8(CollapseWhitespace(lines_[static_cast<size_t>(line - 1)]),
                               kNoteTextBytes));
  }
  return note;
}

void ReportBuilder::Repair(int line, std::string message) {
  repairs_.push_back(Note(line, std::move(message)));
}

void ReportBuilder::Warning(int line, std::string message) {
  warnings_.push_back(Note(line, std::move(message)));
}

void ReportBuilder::Use(int line) {
  if (line >= 1 && line <= line_count()) used_[static_cast<size_t>(line - 1)] = true;
}

void ReportBuilder::Ignore(int line, std::string reason) {
  if (line < 1 || line > line_count()) return;
  size_t i = static_cast<size_t>(line - 1);
  if (used_[i] || !ignored_[i].empty()) return;
  ignored_[i] = std::move(reason);
}

void ReportBuilder::Finish(tonghop::v1::ImportReport* report) const {
  // In line order (notes about the whole plan, line 0, first), so that a
  // reader can follow the document.
  auto by_line = [](const tonghop::v1::ImportNote& a, const tonghop::v1::ImportNote& b) {
    return a.line() < b.line();
  };
  std::vector<tonghop::v1::ImportNote> repairs = repairs_, warnings = warnings_;
  std::stable_sort(repairs.begin(), repairs.end(), by_line);
  std::stable_sort(warnings.begin(), warnings.end(), by_line);
  for (const auto& note : repairs) *report->add_repairs() = note;
  for (const auto& note : warnings) *report->add_warnings() = note;
  // Group runs of ignored lines with one reason; blank lines do not break a
  // run, used lines do.
  int run_start = 0, run_end = 0, run_count = 0;
  std::string run_reason;
  auto flush = [&]() {
    if (run_count == 0) return;
    std::string message = run_count == 1
                              ? run_reason
                              : absl::StrCat(run_reason, " (lines ", run_start, "-",
                                             run_end, ", ", run_count, " lines)");
    *report->add_ignored_lines() = Note(run_start, std::move(message));
    run_count = 0;
  };
  for (size_t i = 0; i < lines_.size(); ++i) {
    int line = static_cast<int>(i) + 1;
    if (Blank(lines_[i])) continue;
    if (used_[i]) {
      flush();
      continue;
    }
    std::string reason = ignored_[i].empty() ? std::string(kNotRecognised) : ignored_[i];
    if (run_count > 0 && reason == run_reason) {
      run_end = line;
      ++run_count;
      continue;
    }
    flush();
    run_reason = reason;
    run_start = run_end = line;
    run_count = 1;
  }
  flush();
}

}  // namespace tonghop::plan_import
