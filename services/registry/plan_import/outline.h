#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_OUTLINE_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_OUTLINE_H_

// Reading a plan's outline codes (A, I, 1, 1.1, a ...) into a tree.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tonghop::plan_import {

// The numbering styles of Vietnamese plans, outermost first.
enum class CodeStyle {
  kUpperLetter,  // A, B, C
  kRoman,        // I, II, III
  kArabic,       // 1, 2, 3
  kDotted,       // 1.1, 1.2, 2.1.3 (up to four parts)
  kLowerLetter,  // a, b, c, d, đ, e
};

// One way to read a printed code. "I" reads as Roman one or as the letter I;
// context decides.
struct CodeReading {
  CodeStyle style = CodeStyle::kArabic;
  int value = 0;            // 1-based position in its sequence
  std::vector<int> prefix;  // for kDotted: the leading parts ("2.1.3" → 2, 1)

  // Nesting rank: smaller is outer. Dotted codes nest by their length.
  int Rank() const;
  // The ASCII component of an outline code: "A", "II", "3", "a"; đ is "dd".
  std::string Component() const;
  bool operator==(const CodeReading& other) const {
    return style == other.style && value == other.value &&
           prefix == other.prefix;
  }
};

// The readings of `printed` ("II", "1.1.", "a)", "(b)"), most likely first;
// empty when it is not an outline code.
std::vector<CodeReading> ReadCode(absl::string_view printed);

// A note the outline builder makes about one item.
struct OutlineNote {
  int item = 0;
  bool repair = false;  // a repair (code renumbered) rather than a warning
  std::string message;
};

// Where each item of a document's outline sits.
struct OutlineTree {
  std::vector<int> parent;               // index of the parent item, -1 at top
  std::vector<CodeReading> reading;      // the reading finally used
  std::vector<OutlineNote> notes;
  // The full code of item i, its components joined by dots, with the
  // components of items marked in `dropped` left out.
  std::string OutlineOf(int item, const std::vector<bool>& dropped = {}) const;
};

// Builds the outline tree of a sequence of printed codes, in document order.
//
// Each code is placed by the usual rules (a code continues the sequence of
// its style on the stack of open levels, or opens a level of an inner style
// under the innermost open item) and, where the document's numbering is out
// of sequence, repaired: a Roman "I" printed where an Arabic "1" belongs is
// read as "1", and an Arabic "1" followed by a Roman "II" is read as "I".
// When several readings fit, the one that lets the next few codes fit best
// wins. Every repair and every code left out of sequence is noted.
//
// Pure function; items whose printed code has no reading must not be passed.
OutlineTree BuildOutline(const std::vector<std::string>& printed_codes);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_OUTLINE_H_
