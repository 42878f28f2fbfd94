#include "services/registry/plan_import/assignments.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/registry/plan_import/text_util.h"

namespace tonghop::plan_import {
namespace {

using ::tonghop::v1::Assignment;

constexpr size_t kMaxPiecesPerName = 8;

bool IsWordChar(char ch) {
  return absl::ascii_isalnum(static_cast<unsigned char>(ch)) ||
         static_cast<unsigned char>(ch) >= 0x80;
}

std::string TrimItem(absl::string_view s) {
  size_t b = 0, e = s.size();
  auto junk = [](char ch) {
    return ch == ' ' || ch == ',' || ch == ';' || ch == '.' || ch == ':';
  };
  while (b < e && junk(s[b])) ++b;
  while (e > b && junk(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Parenthesis depth before each byte of `s`, plus one entry for the end.
std::vector<int> Depths(absl::string_view s) {
  std::vector<int> depth(s.size() + 1, 0);
  int d = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    depth[i] = d;
    if (s[i] == '(') ++d;
    if (s[i] == ')' && d > 0) --d;
  }
  depth[s.size()] = d;
  return depth;
}

// Word-bounded occurrences of `phrase` in folded text `f` at depth 0.
std::vector<size_t> FindWords(const std::string& f, const std::vector<int>& depth,
                              absl::string_view phrase) {
  std::vector<size_t> hits;
  absl::string_view text(f);
  for (size_t pos = text.find(phrase); pos != absl::string_view::npos;
       pos = text.find(phrase, pos + 1)) {
    size_t end = pos + phrase.size();
    if (pos > 0 && IsWordChar(f[pos - 1])) continue;
    if (end < f.size() && IsWordChar(f[end])) continue;
    if (depth[pos] != 0) continue;
    hits.push_back(pos);
  }
  return hits;
}

absl::string_view FirstWord(absl::string_view s) {
  s = absl::StripLeadingAsciiWhitespace(s);
  size_t end = s.find(' ');
  return s.substr(0, end);
}

absl::string_view LastWord(absl::string_view s) {
  s = absl::StripTrailingAsciiWhitespace(s);
  size_t start = s.rfind(' ');
  return start == absl::string_view::npos ? s : s.substr(start + 1);
}

// Splits one line of a cell into items at ";" and bullets outside
// parentheses. In a line that is a list, a " - " is a bullet when an item
// starting with a capital follows and the words either side do not belong
// to one name.
std::vector<std::string> SplitLine(absl::string_view line,
                                   const AgencyResolver* resolver) {
  std::vector<std::string> items;
  // Only a line that is a list ("- A - B", a flattened <ul>) has bullets
  // inside it; elsewhere " - " joins words ("song ngữ Việt - Tày").
  absl::string_view lead = absl::StripLeadingAsciiWhitespace(line);
  bool list = absl::StartsWith(lead, "- ") || absl::StartsWith(lead, "– ") ||
              absl::StartsWith(lead, "+ ") || absl::StartsWith(lead, "• ");
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (ch == '(') ++depth;
    if (ch == ')' && depth > 0) --depth;
    if (depth != 0) continue;
    if (ch == ';') {
      items.emplace_back(line.substr(start, i - start));
      start = i + 1;
      continue;
    }
    if (ch != ' ' || !list) continue;
    absl::string_view rest = line.substr(i + 1);
    size_t dash = 0;
    if (absl::StartsWith(rest, "- ")) dash = 1;
    if (absl::StartsWith(rest, "– ")) dash = std::string_view("–").size();
    if (dash == 0) continue;
    absl::string_view after = rest.substr(dash + 1);
    if (!FirstLetterIsUpper(after)) continue;
    absl::string_view left = line.substr(start, i - start);
    if (resolver != nullptr && resolver->HyphenJoins(LastWord(left), FirstWord(after))) {
      continue;
    }
    items.emplace_back(left);
    start = i + 1;
  }
  items.emplace_back(line.substr(start));
  return items;
}

// Splits `item` before every "Đề nghị" that does not open it.
std::vector<std::string> SplitBeforeRequests(const std::string& item) {
  FoldedText ft = FoldWithOffsets(item);
  std::vector<int> depth = Depths(ft.folded);
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t pos : FindWords(ft.folded, depth, "de nghi")) {
    size_t orig = ft.offsets[pos];
    if (orig <= start || TrimItem(item.substr(start, orig - start)).empty()) continue;
    out.push_back(item.substr(start, orig - start));
    start = orig;
  }
  out.push_back(item.substr(start));
  return out;
}

// Words that begin an agency's name; a piece starting otherwise continues
// the name before it ("Sở Văn hóa, Thể thao và Du lịch").
bool StartsAName(absl::string_view piece) {
  static const std::set<std::string>* heads = new std::set<std::string>{
      "so", "uy", "cong", "toa", "vien", "bo", "ban", "hoi", "doan", "lien",
      "thanh", "cuc", "chi", "trung", "dai", "bao", "van", "kho", "ngan",
      "truong", "benh", "mat", "cac", "to", "co", "don", "phong", "quy",
      "ky", "tinh", "huyen", "xa", "phuong", "hoc", "nha", "cang", "cuu"};
  std::vector<std::string> words = KeyWords(piece);
  return !words.empty() && heads->count(words.front()) > 0;
}

struct NameAndScope {
  std::string name;
  std::string scope;
  bool unclosed = false;
};

// "Sở Y tế (các vấn đề …)" → name and scope.
NameAndScope SplitParen(absl::string_view text) {
  NameAndScope out;
  std::string t = TrimItem(text);
  size_t open = std::string::npos;
  int depth = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '(') {
      if (depth == 0 && open == std::string::npos) open = i;
      ++depth;
    } else if (t[i] == ')' && depth > 0) {
      --depth;
    }
  }
  if (open == std::string::npos) {
    out.name = t;
    return out;
  }
  out.name = TrimItem(t.substr(0, open));
  std::string inner = t.substr(open + 1);
  if (depth > 0) {
    out.unclosed = true;
  } else if (!inner.empty() && inner.back() == ')') {
    inner.pop_back();
  }
  out.scope = CollapseWhitespace(TrimItem(inner));
  return out;
}

// Verb phrases after the names: where the names end.
constexpr absl::string_view kCutMarkers[] = {
    "chu tri", "phoi hop", "thuc hien", "tham gia", "theo", "trong pham vi",
    "can cu", "phu hop", "co trach nhiem", "chiu trach nhiem", "doi voi",
    "tuy theo", "trien khai"};
constexpr absl::string_view kVerbs[] = {"chu tri", "phoi hop", "thuc hien",
                                        "tham gia", "trien khai"};

bool IsBareGenericNoun(absl::string_view head) {
  std::vector<std::string> words = KeyWords(head);
  if (words.size() == 2) {
    return (words[0] == "co" && words[1] == "quan") ||
           (words[0] == "don" && words[1] == "vi");
  }
  return words.empty();
}

struct Segment {
  std::string source;  // the item as written
  std::string head;    // the names
  std::string scope;   // scope for every name (from the verb phrase)
  bool requested = false;
  bool asks_coordination = false;  // "… phối hợp" in the verb phrase
  std::string prefix;  // "Sở" for "Các Sở: Tư pháp, Ngoại vụ"
};

Segment ReadSegment(const std::string& item) {
  Segment seg;
  seg.source = CollapseWhitespace(TrimItem(StripBullet(item)));
  std::string text = seg.source;
  FoldedText ft = FoldWithOffsets(text);
  if (absl::StartsWith(ft.folded, "de nghi") &&
      (ft.folded.size() == 7 || !IsWordChar(ft.folded[7]))) {
    seg.requested = true;
    text = CollapseWhitespace(text.substr(ft.offsets[7]));
    ft = FoldWithOffsets(text);
  }
  std::vector<int> depth = Depths(ft.folded);
  size_t cut = std::string::npos;
  for (absl::string_view marker : kCutMarkers) {
    for (size_t pos : FindWords(ft.folded, depth, marker)) {
      if (pos == 0 || pos >= cut) continue;
      if (IsBareGenericNoun(text.substr(0, ft.offsets[pos]))) continue;
      cut = pos;
      break;
    }
  }
  if (cut == std::string::npos) {
    seg.head = text;
  } else {
    seg.head = TrimItem(text.substr(0, ft.offsets[cut]));
    std::string tail_folded = ft.folded.substr(cut);
    std::string tail = text.substr(ft.offsets[cut]);
    // Drop the verbs; what follows may be the scope.
    bool stripped = true;
    while (stripped) {
      stripped = false;
      for (absl::string_view verb : kVerbs) {
        if (absl::StartsWith(tail_folded, verb) &&
            (tail_folded.size() == verb.size() || !IsWordChar(tail_folded[verb.size()]))) {
          if (verb == "phoi hop") seg.asks_coordination = true;
          FoldedText tf = FoldWithOffsets(tail);
          tail = std::string(absl::StripLeadingAsciiWhitespace(
              absl::string_view(tail).substr(tf.offsets[verb.size()])));
          tail_folded = Fold(tail);
          stripped = true;
        }
      }
    }
    if (absl::StartsWith(tail, "(")) {
      seg.scope = SplitParen(absl::StrCat("x ", tail)).scope;
    } else if (absl::StartsWith(tail_folded, "doi voi") ||
               absl::StartsWith(tail_folded, "ve ")) {
      seg.scope = CollapseWhitespace(TrimItem(tail));
    }
  }
  // "Các Sở: Tư pháp, Ngoại vụ, Xây dựng"
  size_t colon = seg.head.find(':');
  if (colon != std::string::npos) {
    std::vector<std::string> before = KeyWords(seg.head.substr(0, colon));
    if (before.size() == 2 && before[0] == "cac" &&
        (before[1] == "so" || before[1] == "bo")) {
      seg.prefix = before[1] == "so" ? "Sở" : "Bộ";
      seg.head = TrimItem(seg.head.substr(colon + 1));
    }
  }
  return seg;
}

// The pieces of a segment's names: [begin, end) byte ranges of `head`,
// split at "," and "và" outside parentheses.
std::vector<std::pair<size_t, size_t>> Pieces(const std::string& head) {
  FoldedText ft = FoldWithOffsets(head);
  std::vector<int> depth = Depths(ft.folded);
  std::vector<std::pair<size_t, size_t>> cuts;  // folded [sep_begin, sep_end)
  for (size_t i = 0; i < ft.folded.size(); ++i) {
    if (ft.folded[i] == ',' && depth[i] == 0) cuts.emplace_back(i, i + 1);
  }
  for (size_t pos : FindWords(ft.folded, depth, "va")) cuts.emplace_back(pos, pos + 2);
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::pair<size_t, size_t>> pieces;
  size_t start = 0;
  for (const auto& [b, e] : cuts) {
    if (b < start) continue;
    pieces.emplace_back(ft.offsets[start], ft.offsets[b]);
    start = e;
  }
  pieces.emplace_back(ft.offsets[start], head.size());
  // Drop empty pieces (", và").
  std::vector<std::pair<size_t, size_t>> out;
  for (const auto& p : pieces) {
    if (!TrimItem(head.substr(p.first, p.second - p.first)).empty()) out.push_back(p);
  }
  return out;
}

InlineAgencies FindInSentence(const std::string& text, const AgencyResolver& resolver);

}  // namespace

ParsedAssignments ParseAssignments(absl::string_view cell, AssignmentRole role,
                                   const AgencyResolver& resolver) {
  ParsedAssignments out;
  std::string text = HtmlToText(cell);
  std::vector<std::string> items;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    for (const std::string& piece : SplitLine(line, &resolver)) {
      for (std::string& item : SplitBeforeRequests(piece)) items.push_back(std::move(item));
    }
  }
  // "X chủ trì, phối hợp với Y" in the lead column: Y coordinates.
  std::vector<std::string> coordination;
  if (role == AssignmentRole::kLead) {
    for (std::string& item : items) {
      InlineAgencies inline_agencies = FindInSentence(CollapseWhitespace(item), resolver);
      if (inline_agencies.found && !inline_agencies.coordinating.empty()) {
        item = inline_agencies.lead;
        coordination.push_back(inline_agencies.coordinating);
      }
    }
  }
  for (const std::string& text : coordination) {
    ParsedAssignments more = ParseAssignments(text, AssignmentRole::kCoordinating, resolver);
    for (auto& a : more.coordinating) out.coordinating.push_back(std::move(a));
    for (auto& u : more.unresolved) out.unresolved.push_back(std::move(u));
    for (auto& w : more.warnings) out.warnings.push_back(std::move(w));
  }
  for (const std::string& item : items) {
    Segment seg = ReadSegment(item);
    if (seg.head.empty()) continue;
    bool to_coordinating = role == AssignmentRole::kLead && seg.asks_coordination;
    std::vector<Assignment>& target =
        (role == AssignmentRole::kLead && !to_coordinating) ? out.lead : out.coordinating;
    if (to_coordinating) {
      out.warnings.push_back(absl::StrCat(
          "\"", seg.source,
          "\" in the lead column asks for coordination (phối hợp); recorded as "
          "coordinating"));
    }
    std::vector<std::pair<size_t, size_t>> pieces = Pieces(seg.head);
    auto join = [&](size_t i, size_t j) {
      return seg.head.substr(pieces[i].first, pieces[j].second - pieces[i].first);
    };
    auto resolve = [&](size_t i, size_t j, NameAndScope* ns) {
      *ns = SplitParen(join(i, j));
      Resolution r = resolver.Resolve(ns->name);
      if (r.kind == Resolution::Kind::kNone && i == j && !seg.prefix.empty()) {
        r = resolver.Resolve(absl::StrCat(seg.prefix, " ", ns->name));
        if (r.kind != Resolution::Kind::kNone) {
          ns->name = absl::StrCat(seg.prefix, " ", ns->name);
        }
      }
      return r;
    };
    auto resolves_from = [&](size_t i) {
      NameAndScope ns;
      for (size_t j = i; j < std::min(pieces.size(), i + kMaxPiecesPerName); ++j) {
        if (resolve(i, j, &ns).kind != Resolution::Kind::kNone) return true;
      }
      return false;
    };
    for (size_t i = 0; i < pieces.size();) {
      NameAndScope ns;
      Resolution r;
      // A name spans a few pieces at most ("Sở Văn hóa, Thể thao và Du
      // lịch"); the bound keeps a cell of thousands of commas linear.
      size_t j = std::min(pieces.size(), i + kMaxPiecesPerName);
      while (j-- > i) {
        r = resolve(i, j, &ns);
        if (r.kind != Resolution::Kind::kNone) break;
      }
      if (r.kind == Resolution::Kind::kNone) {
        // Not resolved: take the pieces that continue this name.
        j = i;
        while (j + 1 < pieces.size() && !StartsAName(join(j + 1, j + 1)) &&
               !resolves_from(j + 1)) {
          ++j;
        }
        ns = SplitParen(join(i, j));
        if (!ns.name.empty()) out.unresolved.push_back(ns.name);
        i = j + 1;
        continue;
      }
      if (ns.unclosed) {
        out.warnings.push_back(absl::StrCat("the parenthesis after \"", ns.name,
                                            "\" is not closed; read to the end of the item"));
      }
      Assignment a;
      bool independent = false;
      if (r.kind == Resolution::Kind::kAgency) {
        a.set_agency(r.agency);
        const tonghop::v1::Agency* agency = resolver.Find(r.agency);
        independent = agency != nullptr &&
                      agency->kind() == tonghop::v1::AGENCY_KIND_INDEPENDENT_BODY;
      } else {
        *a.mutable_group() = r.group;
        a.mutable_group()->set_label(ns.name);
      }
      a.set_scope_note(ns.scope.empty() ? seg.scope : ns.scope);
      a.set_requested(seg.requested || independent);
      a.set_source_text(seg.source);
      target.push_back(std::move(a));
      i = j + 1;
    }
  }
  return out;
}

std::vector<std::string> SplitResults(absl::string_view cell) {
  std::vector<std::string> results;
  std::string text = HtmlToText(cell);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    for (const std::string& piece : SplitLine(line, nullptr)) {
      std::string item = StripBullet(piece);
      while (!item.empty() && (item.back() == '.' || item.back() == ';' ||
                               item.back() == ',' || item.back() == ' ')) {
        item.pop_back();
      }
      item = CollapseWhitespace(item);
      if (!item.empty()) results.push_back(std::move(item));
    }
  }
  return results;
}

namespace {

// Where the work begins after a list of coordinating agencies: the first
// task verb that is not a noun ("các tổ chức"), or a clause break.
size_t EndOfCoordination(const std::string& text, const FoldedText& ft, const std::vector<int>& depth,
                         size_t from) {
  const std::string& folded = ft.folded;
  const std::set<std::string>& verbs = TaskVerbs();
  size_t i = from;
  std::string previous;
  while (i < folded.size()) {
    char ch = folded[i];
    if (depth[i] == 0 && (ch == ';' || ch == '(' || ch == ':' ||
                          (ch == '.' && (i + 1 == folded.size() || folded[i + 1] == ' ')))) {
      return i;
    }
    if (!IsWordChar(ch) || (i > 0 && IsWordChar(folded[i - 1]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < folded.size() && IsWordChar(folded[end])) ++end;
    std::string one = folded.substr(i, end - i);
    size_t next = end;
    while (next < folded.size() && folded[next] == ' ') ++next;
    size_t next_end = next;
    while (next_end < folded.size() && IsWordChar(folded[next_end])) ++next_end;
    std::string two = absl::StrCat(one, " ", folded.substr(next, next_end - next));
    // A capitalised verb is part of a name ("Sở Xây dựng"); the work that
    // follows the names starts in lowercase.
    bool noun = previous == "cac" || previous == "nhung" || previous == "cua" ||
                !FirstLetterIsLower(absl::string_view(text).substr(ft.offsets[i]));
    if (depth[i] == 0 && !noun && i > from &&
        (verbs.count(two) > 0 || (verbs.count(one) > 0 && one.size() > 3))) {
      return i;
    }
    previous = one;
    i = end;
  }
  return folded.size();
}

std::string WithoutGiao(const std::string& head) {
  std::string f = Fold(head);
  if (absl::StartsWith(f, "giao ")) return TrimItem(head.substr(FoldWithOffsets(head).offsets[5]));
  return head;
}

InlineAgencies FindInSentence(const std::string& text, const AgencyResolver& resolver) {
  InlineAgencies out;
  FoldedText ft = FoldWithOffsets(text);
  std::vector<int> depth = Depths(ft.folded);
  std::vector<size_t> chu = FindWords(ft.folded, depth, "chu tri");
  std::vector<size_t> phoi = FindWords(ft.folded, depth, "phoi hop");
  size_t head_end = !chu.empty() ? chu.front() : !phoi.empty() ? phoi.front() : std::string::npos;
  if (head_end == std::string::npos || head_end == 0) return out;
  std::string head = WithoutGiao(TrimItem(text.substr(0, ft.offsets[head_end])));
  if (!IsAgencyList(head, resolver)) return out;
  out.found = true;
  out.lead = head;
  size_t coordination = std::string::npos;
  for (size_t p : phoi) {
    if (p >= head_end) {
      coordination = p;
      break;
    }
  }
  if (coordination == std::string::npos) return out;
  size_t start = coordination + std::string_view("phoi hop").size();
  while (start < ft.folded.size() && ft.folded[start] == ' ') ++start;
  for (absl::string_view word : {"voi ", "cung "}) {
    if (absl::StartsWith(absl::string_view(ft.folded).substr(start), word)) {
      start += word.size();
      break;
    }
  }
  size_t end = EndOfCoordination(text, ft, depth, start);
  if (end > start) {
    out.coordinating = TrimItem(text.substr(ft.offsets[start], ft.offsets[end] - ft.offsets[start]));
  }
  return out;
}

}  // namespace

bool IsAgencyList(absl::string_view text, const AgencyResolver& resolver) {
  std::string t = TrimItem(text);
  if (t.empty()) return false;
  ParsedAssignments parsed = ParseAssignments(t, AssignmentRole::kLead, resolver);
  return parsed.unresolved.empty() && parsed.lead.size() + parsed.coordinating.size() > 0;
}

InlineAgencies FindInlineAgencies(absl::string_view sentence, const AgencyResolver& resolver) {
  std::string text = CollapseWhitespace(sentence);
  // "… (Sở Tư pháp chủ trì, phối hợp Sở Nội vụ)" at the end of the sentence.
  std::string trimmed = TrimItem(text);
  if (!trimmed.empty() && trimmed.back() == ')') {
    int depth = 0;
    for (size_t i = trimmed.size(); i-- > 0;) {
      if (trimmed[i] == ')') ++depth;
      if (trimmed[i] == '(' && --depth == 0) {
        std::string inner = trimmed.substr(i + 1, trimmed.size() - i - 2);
        InlineAgencies in = FindInSentence(inner, resolver);
        if (in.found) return in;
        break;
      }
    }
  }
  return FindInSentence(text, resolver);
}

}  // namespace tonghop::plan_import
