#include "services/registry/plan_import/outline.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tonghop::plan_import {
namespace {

// The alphabet as outlines use it: the Vietnamese letters with đ after d,
// and f, j, w, z where English puts them (some plans number a, b, c, d, e, f).
constexpr std::array<absl::string_view, 27> kLower = {
    "a", "b", "c", "d", "đ", "e", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
constexpr std::array<absl::string_view, 27> kUpper = {
    "A", "B", "C", "D", "Đ", "E", "F", "G", "H", "I", "J", "K", "L", "M",
    "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};

constexpr int kMaxRoman = 39;
constexpr int kMaxDottedParts = 4;

std::string RomanOf(int value) {
  static constexpr std::array<std::pair<int, absl::string_view>, 5> kParts = {
      {{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}};
  std::string out;
  for (const auto& [v, s] : kParts) {
    while (value >= v) {
      out.append(s.data(), s.size());
      value -= v;
    }
  }
  return out;
}

std::optional<int> ParseRoman(absl::string_view text) {
  if (text.empty() || text.size() > 7) return std::nullopt;
  for (char ch : text) {
    if (ch != 'I' && ch != 'V' && ch != 'X') return std::nullopt;
  }
  for (int v = 1; v <= kMaxRoman; ++v) {
    if (RomanOf(v) == text) return v;
  }
  return std::nullopt;
}

std::optional<int> ParseSmallNumber(absl::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  for (char ch : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
  }
  int value = 0;
  if (!absl::SimpleAtoi(text, &value)) return std::nullopt;
  return value;
}

bool Continues(const CodeReading& reading, int last) {
  int diff = reading.value - last;
  if (reading.style == CodeStyle::kUpperLetter ||
      reading.style == CodeStyle::kLowerLetter) {
    // Letters may skip đ (or f, j, w) in one or the other alphabet.
    return diff >= 1 && diff <= 2;
  }
  return diff == 1;
}

// One open level of the outline while it is being read.
struct Level {
  int rank = 0;
  CodeReading reading;
  int item = -1;
  std::vector<int> siblings;  // items at this level under the same parent
};
using Stack = std::vector<Level>;

// The number an item at `level` gives its dotted children ("2" or "2.1").
std::vector<int> FullNumber(const Level& level) {
  std::vector<int> number = level.reading.prefix;
  number.push_back(level.reading.value);
  return number;
}

enum class OptionKind { kPlain, kRetro, kConfusable };

struct Option {
  OptionKind kind = OptionKind::kPlain;
  CodeReading reading;
  bool continues = false;  // continue level `index`, else open after `index`
  size_t index = 0;        // level continued, or levels kept when opening
  double score = 0;
  int retro_level = -1;  // for kRetro: the level whose style changes
};

// Scores placing `reading` on `stack`: 3 continues a sequence, 2 opens a new
// level with its first code, lower scores are out of sequence.
Option Evaluate(const Stack& stack, const CodeReading& reading) {
  Option option;
  option.reading = reading;
  int rank = reading.Rank();
  for (size_t i = 0; i < stack.size(); ++i) {
    if (stack[i].rank != rank) continue;
    option.continues = true;
    option.index = i;
    bool prefix_ok = stack[i].reading.prefix == reading.prefix;
    if (prefix_ok && Continues(reading, stack[i].reading.value)) {
      option.score = 3;
    } else if (prefix_ok && reading.value > stack[i].reading.value) {
      option.score = 1;
    } else {
      option.score = 0;
    }
    return option;
  }
  size_t keep = 0;
  while (keep < stack.size() && stack[keep].rank < rank) ++keep;
  option.continues = false;
  option.index = keep;
  bool parent_ok = true;
  if (reading.style == CodeStyle::kDotted) {
    parent_ok = keep > 0 && FullNumber(stack[keep - 1]) == reading.prefix;
  }
  bool first = reading.value == 1;
  if (parent_ok && first) {
    option.score = 2;
  } else if (parent_ok || first) {
    option.score = 0.5;
  } else {
    option.score = 0.25;
  }
  return option;
}

// Places an item; returns its parent item.
int Apply(Stack* stack, const Option& option, int item) {
  if (option.kind == OptionKind::kRetro) {
    Level& level = (*stack)[static_cast<size_t>(option.retro_level)];
    level.rank = option.reading.Rank();
    level.reading.style = option.reading.style;
  }
  if (option.continues) {
    stack->resize(option.index + 1);
    Level& level = stack->back();
    level.reading = option.reading;
    level.item = item;
    level.siblings.push_back(item);
    return stack->size() >= 2 ? (*stack)[stack->size() - 2].item : -1;
  }
  stack->resize(option.index);
  int parent = stack->empty() ? -1 : stack->back().item;
  Level level;
  level.rank = option.reading.Rank();
  level.reading = option.reading;
  level.item = item;
  level.siblings.push_back(item);
  stack->push_back(std::move(level));
  return parent;
}

std::optional<CodeReading> Confusable(const CodeReading& reading) {
  if (reading.style == CodeStyle::kRoman) {
    return CodeReading{CodeStyle::kArabic, reading.value, {}};
  }
  if (reading.style == CodeStyle::kArabic && reading.value <= kMaxRoman) {
    return CodeReading{CodeStyle::kRoman, reading.value, {}};
  }
  return std::nullopt;
}

// The retro repair: `reading` (Roman or Arabic n > 1) has no level of its
// style, but a level of the confusable style stands at n - 1; that level was
// misprinted and takes the style of `reading`.
std::optional<Option> Retro(const Stack& stack, const CodeReading& reading) {
  std::optional<CodeReading> other = Confusable(reading);
  if (!other.has_value() || reading.value < 2) return std::nullopt;
  int rank = reading.Rank();
  for (size_t i = 0; i < stack.size(); ++i) {
    if (stack[i].rank == rank) return std::nullopt;
  }
  for (size_t i = 0; i < stack.size(); ++i) {
    if (stack[i].rank != other->Rank()) continue;
    if (stack[i].reading.value != reading.value - 1) return std::nullopt;
    for (size_t j = 0; j < i; ++j) {
      if (stack[j].rank >= rank) return std::nullopt;
    }
    for (size_t j = i + 1; j < stack.size(); ++j) {
      if (stack[j].rank <= rank) return std::nullopt;
    }
    Option option;
    option.kind = OptionKind::kRetro;
    option.reading = reading;
    option.continues = true;
    option.index = i;
    option.score = 3;
    option.retro_level = static_cast<int>(i);
    return option;
  }
  return std::nullopt;
}

Option BestPlain(const Stack& stack, const std::vector<CodeReading>& readings) {
  Option best;
  best.score = -1;
  for (const CodeReading& reading : readings) {
    Option option = Evaluate(stack, reading);
    if (option.score > best.score) best = option;
  }
  return best;
}

constexpr int kLookahead = 4;

// How many of the next codes fit cleanly after taking `option`.
int LookaheadFits(Stack stack, const Option& option, int item,
                  const std::vector<std::vector<CodeReading>>& readings) {
  Apply(&stack, option, item);
  int fits = 0;
  int end = std::min(static_cast<int>(readings.size()), item + 1 + kLookahead);
  for (int next = item + 1; next < end; ++next) {
    Option step = BestPlain(stack, readings[static_cast<size_t>(next)]);
    if (step.score >= 2) ++fits;
    Apply(&stack, step, next);
  }
  return fits;
}

}  // namespace

int CodeReading::Rank() const {
  switch (style) {
    case CodeStyle::kUpperLetter:
      return 0;
    case CodeStyle::kRoman:
      return 1;
    case CodeStyle::kArabic:
      return 2;
    case CodeStyle::kDotted:
      return 2 + static_cast<int>(prefix.size());
    case CodeStyle::kLowerLetter:
      return 10;
  }
  return 10;
}

std::string CodeReading::Component() const {
  switch (style) {
    case CodeStyle::kUpperLetter:
      if (value >= 1 && value <= static_cast<int>(kUpper.size())) {
        return value == 5 ? "DD" : std::string(kUpper[value - 1]);
      }
      break;
    case CodeStyle::kRoman:
      return RomanOf(value);
    case CodeStyle::kArabic:
    case CodeStyle::kDotted:
      return absl::StrCat(value);
    case CodeStyle::kLowerLetter:
      if (value >= 1 && value <= static_cast<int>(kLower.size())) {
        return value == 5 ? "dd" : std::string(kLower[value - 1]);
      }
      break;
  }
  return absl::StrCat(value);
}

std::vector<CodeReading> ReadCode(absl::string_view printed) {
  absl::string_view t = absl::StripAsciiWhitespace(printed);
  if (absl::ConsumePrefix(&t, "(")) {
    absl::ConsumeSuffix(&t, ")");
  } else if (!absl::ConsumeSuffix(&t, ".")) {
    absl::ConsumeSuffix(&t, ")");
  }
  t = absl::StripAsciiWhitespace(t);
  std::vector<CodeReading> readings;
  if (t.empty()) return readings;
  if (t.find('.') != absl::string_view::npos) {
    std::vector<absl::string_view> parts = absl::StrSplit(t, '.');
    if (parts.size() < 2 || parts.size() > kMaxDottedParts) return readings;
    CodeReading reading;
    reading.style = CodeStyle::kDotted;
    for (size_t i = 0; i < parts.size(); ++i) {
      std::optional<int> n = ParseSmallNumber(parts[i]);
      if (!n.has_value() || *n < 1) return {};
      if (i + 1 < parts.size()) {
        reading.prefix.push_back(*n);
      } else {
        reading.value = *n;
      }
    }
    readings.push_back(std::move(reading));
    return readings;
  }
  if (std::optional<int> n = ParseSmallNumber(t); n.has_value()) {
    if (*n >= 1) readings.push_back({CodeStyle::kArabic, *n, {}});
    return readings;
  }
  if (std::optional<int> n = ParseRoman(t); n.has_value()) {
    readings.push_back({CodeStyle::kRoman, *n, {}});
  }
  for (size_t i = 0; i < kUpper.size(); ++i) {
    if (t == kUpper[i]) readings.push_back({CodeStyle::kUpperLetter, static_cast<int>(i) + 1, {}});
    if (t == kLower[i]) readings.push_back({CodeStyle::kLowerLetter, static_cast<int>(i) + 1, {}});
  }
  return readings;
}

std::string OutlineTree::OutlineOf(int item, const std::vector<bool>& dropped) const {
  std::vector<std::string> parts;
  for (int i = item; i >= 0; i = parent[static_cast<size_t>(i)]) {
    if (static_cast<size_t>(i) < dropped.size() && dropped[static_cast<size_t>(i)]) {
      continue;
    }
    parts.push_back(reading[static_cast<size_t>(i)].Component());
  }
  std::reverse(parts.begin(), parts.end());
  return absl::StrJoin(parts, ".");
}

OutlineTree BuildOutline(const std::vector<std::string>& printed_codes) {
  std::vector<std::vector<CodeReading>> readings;
  readings.reserve(printed_codes.size());
  for (const std::string& code : printed_codes) readings.push_back(ReadCode(code));

  OutlineTree tree;
  tree.parent.assign(printed_codes.size(), -1);
  tree.reading.resize(printed_codes.size());
  Stack stack;
  for (size_t k = 0; k < printed_codes.size(); ++k) {
    int item = static_cast<int>(k);
    if (readings[k].empty()) {
      // Callers pass only codes; keep going with something sensible.
      readings[k].push_back({CodeStyle::kLowerLetter, 1, {}});
    }
    std::vector<Option> plain;
    double best = -1;
    for (const CodeReading& reading : readings[k]) {
      plain.push_back(Evaluate(stack, reading));
      best = std::max(best, plain.back().score);
    }
    int best_count = 0;
    for (const Option& o : plain) best_count += o.score == best ? 1 : 0;

    Option chosen;
    if (best >= 2 && best_count == 1) {
      for (const Option& o : plain) {
        if (o.score == best) chosen = o;
      }
    } else {
      std::vector<Option> candidates;
      for (const Option& o : plain) {
        if (o.score >= 2) candidates.push_back(o);
      }
      for (const CodeReading& reading : readings[k]) {
        if (std::optional<Option> retro = Retro(stack, reading)) {
          candidates.push_back(*retro);
        }
        if (std::optional<CodeReading> other = Confusable(reading)) {
          Option o = Evaluate(stack, *other);
          o.kind = OptionKind::kConfusable;
          if (o.score >= 2) candidates.push_back(o);
        }
      }
      if (candidates.empty()) {
        for (const Option& o : plain) {
          if (o.score == best) {
            chosen = o;
            break;
          }
        }
      } else {
        int best_fits = -1;
        for (const Option& o : candidates) {
          int fits = LookaheadFits(stack, o, item, readings);
          // Candidates come plain first, so a tie keeps the reading as printed.
          if (fits > best_fits) {
            best_fits = fits;
            chosen = o;
          }
        }
      }
    }

    const std::string& printed = printed_codes[k];
    if (chosen.kind == OptionKind::kRetro) {
      const Level& level = stack[static_cast<size_t>(chosen.retro_level)];
      for (int sibling : level.siblings) {
        CodeReading& r = tree.reading[static_cast<size_t>(sibling)];
        r.style = chosen.reading.style;
        tree.notes.push_back(
            {sibling, true,
             absl::StrCat("outline code \"", printed_codes[static_cast<size_t>(sibling)],
                          "\" read as \"", r.Component(), "\": the code \"",
                          printed, "\" that follows shows this level is numbered ",
                          chosen.reading.style == CodeStyle::kRoman ? "I, II, III"
                                                                    : "1, 2, 3")});
      }
    } else if (chosen.kind == OptionKind::kConfusable) {
      tree.notes.push_back(
          {item, true,
           absl::StrCat("outline code \"", printed, "\" read as \"",
                        chosen.reading.Component(),
                        "\": as printed it is out of sequence here")});
    } else if (chosen.score < 2) {
      std::string after;
      if (!stack.empty()) {
        after = absl::StrCat(" after \"",
                             printed_codes[static_cast<size_t>(stack.back().item)],
                             "\"");
      }
      tree.notes.push_back(
          {item, false,
           absl::StrCat("outline code \"", printed, "\" is out of sequence",
                        after, "; kept as printed")});
    }
    tree.reading[k] = chosen.reading;
    tree.parent[k] = Apply(&stack, chosen, item);
  }
  return tree;
}

}  // namespace tonghop::plan_import
