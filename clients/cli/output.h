#ifndef TONGHOP_CLIENTS_CLI_OUTPUT_H_
#define TONGHOP_CLIENTS_CLI_OUTPUT_H_

// Printing for the CLI: protobuf JSON, aligned tables, CSV, and errors with
// their field violations.

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/support/status.h"

namespace tonghop::cli {

// The message in protobuf's JSON mapping, indented, with a final newline.
void PrintJson(std::ostream& out, const google::protobuf::Message& message);
std::string ToJson(const google::protobuf::Message& message, bool pretty = true);

// A table with a header row, columns padded to their widest cell (by
// displayed characters, so Vietnamese text lines up).
void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);

// RFC 4180 CSV with a header row.
void PrintCsv(std::ostream& out, const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows);

// "05/11/2026 14:30" in Vietnam time (UTC+7); empty when unset.
std::string VietnamTime(const google::protobuf::Timestamp& ts);
// "05/11/2026" in Vietnam time; empty when unset.
std::string VietnamDate(const google::protobuf::Timestamp& ts);

// At most `max_chars` characters of `text`, with "…" when cut.
std::string Truncate(const std::string& text, size_t max_chars);

// Prints "error: CODE: message" and each field violation on its own line
// to `err`; returns 1 (the exit code for a refused call).
int PrintError(std::ostream& err, const grpc::Status& status);
int PrintError(std::ostream& err, const absl::Status& status);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_OUTPUT_H_
