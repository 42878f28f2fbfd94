#include "clients/cli/command.h"

#include "clients/cli/output.h"

namespace tonghop::cli {

const client::Connection& CliContext::connection() {
  if (connection_ == nullptr) {
    connection_ = std::make_unique<client::Connection>(server, agency, tls);
  }
  return *connection_;
}

void PrintResult(CliContext& context, const google::protobuf::Message& response,
                 const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  switch (context.output) {
    case OutputFormat::kJson: PrintJson(*context.out, response); break;
    case OutputFormat::kCsv: PrintCsv(*context.out, header, rows); break;
    case OutputFormat::kTable: PrintTable(*context.out, header, rows); break;
  }
}

}  // namespace tonghop::cli
