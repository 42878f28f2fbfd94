#include "services/gateway/transcode.h"

#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "services/common/errors.h"
#include "services/common/text.h"

namespace tonghop::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Well-known types whose JSON form is a scalar, so a query value can set
// them whole.
bool IsScalarInJson(const Descriptor* type) {
  static const std::set<std::string>* kTypes = new std::set<std::string>{
      "google.protobuf.Timestamp",   "google.protobuf.Duration",
      "google.protobuf.FieldMask",   "google.protobuf.DoubleValue",
      "google.protobuf.FloatValue",  "google.protobuf.Int64Value",
      "google.protobuf.UInt64Value", "google.protobuf.Int32Value",
      "google.protobuf.UInt32Value", "google.protobuf.BoolValue",
      "google.protobuf.StringValue", "google.protobuf.BytesValue"};
  return kTypes->count(type->full_name()) > 0;
}

bool IsBool(const FieldDescriptor* field) {
  return field->type() == FieldDescriptor::TYPE_BOOL ||
         (field->type() == FieldDescriptor::TYPE_MESSAGE &&
          field->message_type()->full_name() == "google.protobuf.BoolValue");
}

const FieldDescriptor* FindField(const Descriptor* type, absl::string_view name) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->name() == name || field->json_name() == name) return field;
  }
  return nullptr;
}

absl::Status BadParameter(absl::string_view key, absl::string_view description) {
  return InvalidField(key, description, "INVALID_QUERY_PARAMETER");
}

// The JSON value for one query value of a scalar field.
absl::StatusOr<google::protobuf::Value> LeafValue(const FieldDescriptor* field,
                                                  absl::string_view key,
                                                  absl::string_view text) {
  google::protobuf::Value value;
  if (IsBool(field)) {
    std::string lower = absl::AsciiStrToLower(text);
    if (lower == "true" || lower == "1" || lower.empty()) {
      value.set_bool_value(true);
    } else if (lower == "false" || lower == "0") {
      value.set_bool_value(false);
    } else {
      return BadParameter(key, absl::StrCat(QuoteInput(text), " is not true or false"));
    }
    return value;
  }
  // The JSON mapping accepts numbers, enums, bytes (base64) and the scalar
  // well-known types as strings, so one representation serves every field
  // and the JSON parser gives the one verdict on the value.
  value.set_string_value(std::string(text));
  return value;
}

// Applies one key=value to `root`, the JSON object of `type`.
absl::Status Apply(const Descriptor* type, absl::string_view key, absl::string_view text,
                   google::protobuf::Struct* root, std::set<std::string>* singular_seen) {
  std::vector<absl::string_view> segments = absl::StrSplit(key, '.');
  google::protobuf::Struct* object = root;
  std::string json_path;
  for (size_t i = 0; i < segments.size(); ++i) {
    const FieldDescriptor* field = FindField(type, segments[i]);
    if (field == nullptr) {
      return BadParameter(key, absl::StrCat(type->full_name(), " has no field \"",
                                            segments[i], "\""));
    }
    absl::StrAppend(&json_path, json_path.empty() ? "" : ".", field->json_name());
    auto& fields = *object->mutable_fields();
    bool last = i + 1 == segments.size();
    if (field->is_map()) {
      if (last) {
        return BadParameter(key, absl::StrCat(QuoteInput(segments[i]),
                                              " is a map: give an entry as ", key,
                                              ".{key}=value"));
      }
      const FieldDescriptor* value_field = field->message_type()->map_value();
      if (value_field->type() == FieldDescriptor::TYPE_MESSAGE &&
          !IsScalarInJson(value_field->message_type())) {
        return BadParameter(key, "map entries with message values cannot be set from "
                                 "the query string; POST a JSON body instead");
      }
      std::string entry_key = absl::StrJoin(segments.begin() + i + 1, segments.end(), ".");
      google::protobuf::Value& map_value = fields[field->json_name()];
      if (map_value.kind_case() == google::protobuf::Value::KIND_NOT_SET) {
        map_value.mutable_struct_value();
      }
      auto& entries = *map_value.mutable_struct_value()->mutable_fields();
      if (entries.count(entry_key) > 0) {
        return BadParameter(key, "is given more than once");
      }
      absl::StatusOr<google::protobuf::Value> leaf = LeafValue(value_field, key, text);
      if (!leaf.ok()) return leaf.status();
      entries[entry_key] = *std::move(leaf);
      return absl::OkStatus();
    }
    bool nested = field->type() == FieldDescriptor::TYPE_MESSAGE &&
                  !IsScalarInJson(field->message_type());
    if (nested) {
      if (field->is_repeated()) {
        return BadParameter(key, absl::StrCat(QuoteInput(segments[i]),
                                              " is a list of messages, which cannot be "
                                              "set from the query string; POST a JSON "
                                              "body instead"));
      }
      if (last) {
        return BadParameter(key, absl::StrCat(QuoteInput(segments[i]), " is a message (",
                                              field->message_type()->full_name(),
                                              "): set its fields as ", key, ".{field}"));
      }
      google::protobuf::Value& child = fields[field->json_name()];
      if (child.kind_case() == google::protobuf::Value::KIND_NOT_SET) {
        child.mutable_struct_value();
      }
      object = child.mutable_struct_value();
      type = field->message_type();
      continue;
    }
    if (!last) {
      return BadParameter(key, absl::StrCat(QuoteInput(segments[i]),
                                            " is not a message and has no fields"));
    }
    absl::StatusOr<google::protobuf::Value> leaf = LeafValue(field, key, text);
    if (!leaf.ok()) return leaf.status();
    if (field->is_repeated()) {
      *fields[field->json_name()].mutable_list_value()->add_values() = *std::move(leaf);
    } else {
      if (!singular_seen->insert(json_path).second) {
        return BadParameter(key, "is given more than once, but the field holds one value");
      }
      fields[field->json_name()] = *std::move(leaf);
    }
  }
  return absl::OkStatus();
}

google::protobuf::util::JsonParseOptions StrictParseOptions() {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  return options;
}

}  // namespace

absl::Status ParseJsonBody(absl::string_view body, google::protobuf::Message* message) {
  message->Clear();
  if (absl::StripAsciiWhitespace(body).empty()) return absl::OkStatus();
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), message,
      StrictParseOptions());
  if (status.ok()) return absl::OkStatus();
  message->Clear();
  return InvalidField("body",
                      absl::StrCat("the request body is not a valid ",
                                   message->GetDescriptor()->full_name(), " in JSON: ",
                                   std::string(status.message())),
                      "INVALID_JSON");
}

absl::Status ParseQuery(const std::vector<std::pair<std::string, std::string>>& params,
                        google::protobuf::Message* message) {
  message->Clear();
  if (params.empty()) return absl::OkStatus();
  google::protobuf::Struct root;
  std::set<std::string> singular_seen;
  for (const auto& [key, value] : params) {
    absl::Status applied =
        Apply(message->GetDescriptor(), key, value, &root, &singular_seen);
    if (!applied.ok()) return applied;
  }
  std::string json;
  auto printed = google::protobuf::util::MessageToJsonString(root, &json);
  if (!printed.ok()) {
    return absl::InternalError(absl::StrCat("query parameters: ", std::string(printed.message())));
  }
  auto status = google::protobuf::util::JsonStringToMessage(json, message, StrictParseOptions());
  if (status.ok()) return absl::OkStatus();
  message->Clear();
  // The parser names the field by its proto path; parsing the parameters
  // one at a time finds the one the caller wrote, to name it as written.
  std::unique_ptr<google::protobuf::Message> scratch(message->New());
  for (const auto& [key, value] : params) {
    google::protobuf::Struct single;
    std::set<std::string> seen;
    if (!Apply(message->GetDescriptor(), key, value, &single, &seen).ok()) continue;
    std::string single_json;
    if (!google::protobuf::util::MessageToJsonString(single, &single_json).ok()) continue;
    auto one = google::protobuf::util::JsonStringToMessage(single_json, scratch.get(),
                                                           StrictParseOptions());
    if (!one.ok()) {
      return BadParameter(key, absl::StrCat(QuoteInput(value), " is not a valid value: ",
                                            std::string(one.message())));
    }
  }
  return InvalidField("query",
                      absl::StrCat("the query parameters do not make a valid ",
                                   message->GetDescriptor()->full_name(), ": ",
                                   std::string(status.message())),
                      "INVALID_QUERY_PARAMETER");
}

absl::StatusOr<std::string> PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot print ",
                                            message.GetDescriptor()->full_name(),
                                            " as JSON: ", std::string(status.message())));
  }
  return json;
}

std::string StatusToJson(const grpc::Status& status) {
  // Bounded here too: a status that reached the gateway from elsewhere
  // (another version of a service, gRPC itself) is not re-sent whole.
  google::rpc::Status rpc = BoundedRpcStatus(ToRpcStatus(status));
  absl::StatusOr<std::string> json = PrintJson(rpc);
  if (json.ok()) return *std::move(json);
  // A detail of a type this binary does not know cannot be printed; the code
  // and message still can.
  rpc.clear_details();
  json = PrintJson(rpc);
  return json.ok() ? *std::move(json) : std::string("{}");
}

int HttpStatusForCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::UNKNOWN:
      return 500;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 400;
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::INTERNAL:
      return 500;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DATA_LOSS:
      return 500;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    default:
      return 500;
  }
}

}  // namespace tonghop::gateway
