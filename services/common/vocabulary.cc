#include "services/common/vocabulary.h"

#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/text.h"
#include "services/common/vocabulary_data.h"
#include "unicode/unistr.h"

namespace tonghop {
namespace {

struct Term {
  std::string vi;
  std::string en;
  std::vector<std::string> aliases;
};

// Case-folded NFC, for comparing what people type.
std::string Folded(absl::string_view text) {
  std::string trimmed(absl::StripAsciiWhitespace(text));
  absl::StatusOr<std::string> nfc = ToNfc(trimmed, "text");
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(nfc.ok() ? *nfc : trimmed);
  unicode.foldCase();
  std::string folded;
  unicode.toUTF8String(folded);
  return folded;
}

const std::map<std::string, Term, std::less<>>& Terms() {
  static const auto* terms = [] {
    auto* parsed = new std::map<std::string, Term, std::less<>>();
    google::protobuf::Struct root;
    // The file is checked by vocabulary_test; a broken one leaves every
    // label as its enum value's name rather than stopping the server.
    if (!google::protobuf::util::JsonStringToMessage(std::string(kVocabularyJson), &root).ok()) {
      return parsed;
    }
    for (const auto& [name, entry] : root.fields()) {
      if (!entry.has_struct_value()) continue;
      const auto& fields = entry.struct_value().fields();
      Term term;
      if (auto it = fields.find("vi"); it != fields.end()) term.vi = it->second.string_value();
      if (auto it = fields.find("en"); it != fields.end()) term.en = it->second.string_value();
      if (auto it = fields.find("aliases"); it != fields.end()) {
        for (const auto& alias : it->second.list_value().values()) {
          term.aliases.push_back(alias.string_value());
        }
      }
      (*parsed)[name] = std::move(term);
    }
    return parsed;
  }();
  return *terms;
}

// The value's name without its type's prefix: "COMPLETED".
std::string ShortName(const google::protobuf::EnumDescriptor& type,
                      const google::protobuf::EnumValueDescriptor& value) {
  const std::string& name = value.name();
  // The prefix is the common part up to the last '_' of the UNSPECIFIED
  // value's name ("PROGRESS_STATUS_").
  const google::protobuf::EnumValueDescriptor* zero = type.FindValueByNumber(0);
  std::string prefix;
  if (zero != nullptr && absl::EndsWith(zero->name(), "_UNSPECIFIED")) {
    prefix = zero->name().substr(0, zero->name().size() - std::string("UNSPECIFIED").size());
  }
  return absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name;
}

}  // namespace

std::string LabelOf(absl::string_view value_name, Language language) {
  auto it = Terms().find(value_name);
  if (it == Terms().end()) return std::string(value_name);
  const std::string& label = language == Language::kEnglish ? it->second.en : it->second.vi;
  return label.empty() ? std::string(value_name) : label;
}

std::optional<int> ParseEnumText(const google::protobuf::EnumDescriptor& type,
                                 absl::string_view text) {
  std::string wanted = Folded(text);
  std::string as_name = absl::AsciiStrToUpper(absl::StrReplaceAll(
      absl::StripAsciiWhitespace(text), {{"-", "_"}, {" ", "_"}}));
  for (int i = 0; i < type.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& value = *type.value(i);
    if (value.number() == 0) continue;
    if (as_name == value.name() || as_name == ShortName(type, value)) return value.number();
    auto term = Terms().find(value.name());
    if (term == Terms().end()) continue;
    std::vector<std::string> words = term->second.aliases;
    words.push_back(term->second.vi);
    words.push_back(term->second.en);
    for (const std::string& word : words) {
      if (!word.empty() && Folded(word) == wanted) return value.number();
    }
  }
  return std::nullopt;
}

std::string ChoicesOf(const google::protobuf::EnumDescriptor& type) {
  std::vector<std::string> choices;
  for (int i = 0; i < type.value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor& value = *type.value(i);
    if (value.number() == 0) continue;
    choices.push_back(
        absl::StrCat(LabelOf(value.name()), " (", ShortName(type, value), ")"));
  }
  return absl::StrJoin(choices, ", ");
}

}  // namespace tonghop
