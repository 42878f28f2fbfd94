#ifndef TONGHOP_CLIENTS_CLI_OUTPUT_H_
#define TONGHOP_CLIENTS_CLI_OUTPUT_H_

// Printing for the CLI: protobuf JSON, aligned tables, CSV, and errors with
// their field violations.

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/support/status.h"
#include "services/common/text.h"  // Truncate

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

// A timestamp from the API as officials read it, in Vietnam time
// (services/common/display_format.h): "14:30, 05/11/2026", with `seconds`
// "14:30:05, 05/11/2026"; empty when unset.
std::string VietnamDateTime(const google::protobuf::Timestamp& ts, bool seconds = false);

// The day of a timestamp from the API in Vietnam time: "05/11/2026"; empty
// when unset.
std::string VietnamDate(const google::protobuf::Timestamp& ts);

// Prints "error: CODE: message" and each field violation on its own line
// to `err`; returns 1 (the exit code for a refused call).
int PrintError(std::ostream& err, const grpc::Status& status);
int PrintError(std::ostream& err, const absl::Status& status);
// The same, each field violation preceded by where it is for the person
// (`where(field)`, e.g. "form.csv, dòng 167") when that is known.
int PrintError(std::ostream& err, const absl::Status& status,
               const std::function<std::string(const std::string& field)>& where);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_OUTPUT_H_
