#ifndef TONGHOP_SERVICES_COMMON_VOCABULARY_H_
#define TONGHOP_SERVICES_COMMON_VOCABULARY_H_

// The words officials read for the API's states and choices (report
// states, progress of a task, changes), in Vietnamese and English. One
// vocabulary for the CLI, the compiled reports and the dashboard: the
// entries live in services/common/vocabulary.json, which this library
// embeds at build time and the dashboard imports, so that no screen says
// "Đã tiếp nhận" where another says "Đã chấp nhận".
//
// Thread-safe: the vocabulary is parsed once and never changes.

#include <optional>
#include <string>
#include <type_traits>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace tonghop {

enum class Language { kVietnamese, kEnglish };

// The label of the enum value named `value_name` ("REPORT_STATE_ACCEPTED"),
// or `value_name` itself when the vocabulary has no entry for it.
std::string LabelOf(absl::string_view value_name, Language language = Language::kVietnamese);

// The label of an enum value, e.g. LabelOf(v1::REPORT_STATE_ACCEPTED).
template <typename Enum, typename = std::enable_if_t<std::is_enum_v<Enum>>>
std::string LabelOf(Enum value, Language language = Language::kVietnamese) {
  const google::protobuf::EnumValueDescriptor* found =
      google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(static_cast<int>(value));
  return found == nullptr ? std::string() : LabelOf(found->name(), language);
}

// What a person typed for a value of `type`: the full name
// ("PROGRESS_STATUS_COMPLETED"), the short one ("COMPLETED", "completed",
// "in-progress"), the Vietnamese or English label or an alias ("Hoàn
// thành", "hoàn thành", "Completed"); letter case and surrounding spaces do
// not matter. The value's number, or nullopt (also for the UNSPECIFIED
// value, which nobody chooses).
std::optional<int> ParseEnumText(const google::protobuf::EnumDescriptor& type,
                                 absl::string_view text);

// "Hoàn thành (COMPLETED), Đang thực hiện (IN_PROGRESS), …": every choice
// of `type` but UNSPECIFIED, for messages that say what is accepted.
std::string ChoicesOf(const google::protobuf::EnumDescriptor& type);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_VOCABULARY_H_
