#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_TEXT_UTIL_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_TEXT_UTIL_H_

// Text helpers for reading Vietnamese documents: input validation and
// cleaning, and the little HTML that pasted table cells carry. Folding,
// matching keys (ICU), edit distance and truncation are tonghop's common ones
// (services/common/text.h), shared with the services and the CLI.
//
// All functions are pure and thread-safe; the ICU tables they use are built
// once, on first use.

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/text.h"

namespace tonghop::plan_import {

// Inputs above this size are refused rather than parsed.
inline constexpr size_t kMaxContentBytes = 10 * 1024 * 1024;

// Checks that `content` is text this importer can read and returns it
// cleaned: valid UTF-8 converted to NFC, "\n" line ends, no byte-order mark or
// zero-width characters, no-break spaces as spaces, vertical tabs (Word's
// soft line breaks) as spaces. INVALID_ARGUMENT on field "content" when it is
// empty, too large, not UTF-8 or binary.
absl::StatusOr<std::string> CleanContent(absl::string_view content);

// Whitespace runs as one space, trimmed.
std::string CollapseWhitespace(absl::string_view text);

// Whether the first letter of `text` (skipping punctuation and spaces, but
// not digits) is lowercase / uppercase. Both false when there is none.
bool FirstLetterIsLower(absl::string_view text);
bool FirstLetterIsUpper(absl::string_view text);

// Whether `text` contains something that looks like an HTML tag.
bool ContainsHtml(absl::string_view text);

// `raw` with HTML tags removed and entities decoded; block tags (<p>, <li>,
// <br>, <ul>, <div> ...) become line breaks; every line has its whitespace
// collapsed and blank lines are dropped.
std::string HtmlToText(absl::string_view raw);

// Whether `raw` has any text outside tags and whitespace; stops at the
// first such character.
bool HasText(absl::string_view raw);

// HtmlToText with the lines joined by single spaces.
std::string Flatten(absl::string_view raw);

// One top-level block of a cell: a <p>, a list, or a run of text outside them.
struct HtmlBlock {
  std::string tag;  // "p", "ul", "ol", "div", or "" for loose text
  std::string raw;  // the block's content, without its own outer tags
};
// The top-level blocks of `raw`, blank ones dropped.
std::vector<HtmlBlock> HtmlBlocks(absl::string_view raw);

// Splits `text` on `sep` outside parentheses.
std::vector<std::string> SplitOutsideParens(absl::string_view text, char sep);

// Removes leading bullets ("-", "+", "•", "*") and surrounding spaces.
std::string StripBullet(absl::string_view text);

// The verbs that open a task's work ("xay dung", "trien khai", "to chuc" …),
// as folded key words; one or two words each.
const std::set<std::string>& TaskVerbs();

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_TEXT_UTIL_H_
