#include "services/common/request_check.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace tonghop {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// How many of an enum's values a violation names.
constexpr int kMaxNamedValues = 8;

std::string UnknownValue(const EnumDescriptor* type, int number) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count() && i < kMaxNamedValues; ++i) {
    names.push_back(type->value(i)->name());
  }
  return absl::StrCat(number, " is not a value of ", type->full_name(), " (",
                      absl::StrJoin(names, ", "),
                      type->value_count() > kMaxNamedValues ? ", …" : "", ")");
}

void CheckEnum(const EnumDescriptor* type, int number, const std::string& path,
               ViolationList& violations) {
  if (type->FindValueByNumber(number) == nullptr) {
    violations.Add(path, UnknownValue(type, number));
  }
}

// "[sex]" for a string key, "[3]" for a number.
std::string MapKey(const Message& entry) {
  const FieldDescriptor* key = entry.GetDescriptor()->map_key();
  const Reflection* r = entry.GetReflection();
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return absl::StrCat("[", r->GetString(entry, key), "]");
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat("[", r->GetInt32(entry, key), "]");
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat("[", r->GetInt64(entry, key), "]");
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat("[", r->GetUInt32(entry, key), "]");
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat("[", r->GetUInt64(entry, key), "]");
    case FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(entry, key) ? "[true]" : "[false]";
    default:
      return "[]";
  }
}

void Walk(const Message& message, const std::string& prefix, ViolationList& violations) {
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    std::string path = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    if (field->is_map()) {
      const FieldDescriptor* value = field->message_type()->map_value();
      for (int i = 0; i < r->FieldSize(message, field); ++i) {
        const Message& entry = r->GetRepeatedMessage(message, field, i);
        std::string at = absl::StrCat(path, MapKey(entry));
        const Reflection* er = entry.GetReflection();
        if (value->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          CheckEnum(value->enum_type(), er->GetEnumValue(entry, value), at, violations);
        } else if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          Walk(er->GetMessage(entry, value), at, violations);
        }
      }
      continue;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      if (field->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, field); ++i) {
          CheckEnum(field->enum_type(), r->GetRepeatedEnumValue(message, field, i),
                    absl::StrCat(path, "[", i, "]"), violations);
        }
      } else {
        CheckEnum(field->enum_type(), r->GetEnumValue(message, field), path, violations);
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < r->FieldSize(message, field); ++i) {
          Walk(r->GetRepeatedMessage(message, field, i), absl::StrCat(path, "[", i, "]"),
               violations);
        }
      } else {
        Walk(r->GetMessage(message, field), path, violations);
      }
    }
  }
}

}  // namespace

void FindUnknownEnumValues(const Message& message, ViolationList& violations) {
  Walk(message, "", violations);
}

absl::Status CheckRequest(const Message& request) {
  ViolationList violations;
  FindUnknownEnumValues(request, violations);
  return violations.ToStatus("UNKNOWN_ENUM_VALUE");
}

}  // namespace tonghop
