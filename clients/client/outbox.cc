#include "clients/client/outbox.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/client/durable_file.h"
#include "clients/client/submissions_client.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace tonghop::client {
namespace {

constexpr absl::string_view kSuffix = ".submit.json";
constexpr char kRefusedDir[] = "refused";

// File names that keep a stable queue order and never collide: the queue
// time in nanoseconds, zero-padded, then the request id (made file-safe).
std::string FileName(absl::Time queued_at, const std::string& request_id) {
  std::string safe;
  for (char c : request_id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    safe += ok ? c : '_';
  }
  return absl::StrCat(absl::StrFormat("%020d", absl::ToUnixNanos(queued_at)), "-", safe,
                      kSuffix);
}

absl::StatusOr<std::string> EntryJson(const std::string& agency,
                                      const v1::SubmitRequest& request, absl::Time queued_at) {
  std::string request_json;
  if (!google::protobuf::util::MessageToJsonString(request, &request_json).ok()) {
    return absl::InternalError("cannot encode the request as JSON");
  }
  google::protobuf::Struct entry;
  (*entry.mutable_fields())["agency"].set_string_value(agency);
  (*entry.mutable_fields())["queuedAt"].set_string_value(
      absl::FormatTime(absl::RFC3339_full, queued_at, absl::UTCTimeZone()));
  if (!google::protobuf::util::JsonStringToMessage(
           request_json, (*entry.mutable_fields())["request"].mutable_struct_value())
           .ok()) {
    return absl::InternalError("cannot encode the request as JSON");
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  if (!google::protobuf::util::MessageToJsonString(entry, &json, options).ok()) {
    return absl::InternalError("cannot encode the outbox entry as JSON");
  }
  return json;
}

absl::StatusOr<Outbox::Entry> ParseEntry(const std::string& path) {
  auto malformed = [&](absl::string_view why) {
    return absl::DataLossError(absl::StrCat("outbox entry ", path, " is unreadable: ", why));
  };
  absl::StatusOr<std::string> json = ReadWholeFile(path);
  if (!json.ok()) return json.status();
  google::protobuf::Struct entry;
  if (!google::protobuf::util::JsonStringToMessage(*json, &entry).ok()) {
    return malformed("not JSON");
  }
  const auto& fields = entry.fields();
  auto agency = fields.find("agency");
  auto queued = fields.find("queuedAt");
  auto request = fields.find("request");
  if (agency == fields.end() || request == fields.end() || !request->second.has_struct_value()) {
    return malformed("agency or request missing");
  }
  Outbox::Entry out;
  out.path = path;
  out.agency = agency->second.string_value();
  std::string request_json;
  if (!google::protobuf::util::MessageToJsonString(request->second.struct_value(),
                                                   &request_json)
           .ok() ||
      !google::protobuf::util::JsonStringToMessage(request_json, &out.request).ok()) {
    return malformed("the request is not a SubmitRequest");
  }
  if (out.request.request_id().empty()) return malformed("the request has no request_id");
  std::string error;
  if (queued == fields.end() ||
      !absl::ParseTime(absl::RFC3339_full, queued->second.string_value(), &out.queued_at,
                       &error)) {
    out.queued_at = absl::UnixEpoch();
  }
  return out;
}

}  // namespace

Outbox::Outbox(std::string directory) : directory_(std::move(directory)) {}

absl::StatusOr<Outbox::Entry> Outbox::Add(const std::string& agency,
                                          const v1::SubmitRequest& request, absl::Time now) {
  if (request.request_id().empty()) {
    return absl::InvalidArgumentError("an outbox entry needs a request_id");
  }
  absl::StatusOr<std::string> json = EntryJson(agency, request, now);
  if (!json.ok()) return json.status();
  Entry entry;
  entry.path = (std::filesystem::path(directory_) / FileName(now, request.request_id())).string();
  entry.agency = agency;
  entry.request = request;
  entry.queued_at = now;
  absl::Status written = WriteFileDurably(entry.path, *json);
  if (!written.ok()) return written;
  return entry;
}

absl::StatusOr<std::vector<Outbox::Entry>> Outbox::Pending() const {
  std::vector<std::string> paths;
  std::error_code ec;
  if (!std::filesystem::exists(directory_, ec)) return std::vector<Entry>();
  for (const auto& file : std::filesystem::directory_iterator(directory_, ec)) {
    std::string name = file.path().filename().string();
    if (file.is_regular_file() && absl::EndsWith(name, kSuffix)) {
      paths.push_back(file.path().string());
    }
  }
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot list ", directory_, ": ", ec.message()));
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Entry> entries;
  for (const std::string& path : paths) {
    absl::StatusOr<Entry> entry = ParseEntry(path);
    if (!entry.ok()) return entry.status();
    entries.push_back(*std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<Outbox::Delivery>> Outbox::Deliver(const SubmitFn& submit) {
  absl::StatusOr<std::vector<Entry>> pending = Pending();
  if (!pending.ok()) return pending.status();
  std::vector<Delivery> deliveries;
  for (Entry& entry : *pending) {
    absl::StatusOr<v1::Report> answer = submit(entry);
    Delivery delivery;
    delivery.entry = std::move(entry);
    if (answer.ok()) {
      delivery.outcome = Outcome::kDelivered;
      delivery.report = *std::move(answer);
      absl::Status removed = RemoveFileDurably(delivery.entry.path);
      if (!removed.ok()) return removed;
      deliveries.push_back(std::move(delivery));
      continue;
    }
    delivery.status = answer.status();
    if (IsRetryable(answer.status())) {
      delivery.outcome = Outcome::kStillPending;
      deliveries.push_back(std::move(delivery));
      break;
    }
    delivery.outcome = Outcome::kRefused;
    std::filesystem::path from(delivery.entry.path);
    std::filesystem::path to = std::filesystem::path(directory_) / kRefusedDir / from.filename();
    absl::Status noted = WriteFileDurably(
        to.string() + ".error.txt",
        absl::StrCat(absl::StatusCodeToString(answer.status().code()), ": ",
                     answer.status().message(), "\n"));
    if (!noted.ok()) return noted;
    absl::Status moved = RenameDurably(from.string(), to.string());
    if (!moved.ok()) return moved;
    delivery.refused_path = to.string();
    deliveries.push_back(std::move(delivery));
  }
  return deliveries;
}

}  // namespace tonghop::client
