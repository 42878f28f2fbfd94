#ifndef TONGHOP_CLIENTS_CLI_IMPORT_SUPPLEMENT_H_
#define TONGHOP_CLIENTS_CLI_IMPORT_SUPPLEMENT_H_

// What the official supplies for the gaps of a plan import, from the CLI's
// flags or a small fix-up file:
//
//   --schedule="annual:15/11,compile:30/11"   reporting rounds: each item is
//       PERIOD:DD/MM[+1] (annual; s1, s2 for the halves of the year; q1 … q4
//       for quarters; semiannual and quarterly for every half or quarter),
//       and compile:DD/MM sets the compiling agency's due date of the round
//       before it; "+1" puts a date in the next year
//   --deadline="2.1=Quý II/2026"             a task's deadline, as the document
//       would write it (repeatable)
//   --lead="2.1=Sở Tư pháp"                  a task's lead agency, as the
//       document would write it or as an agency id (repeatable)
//   --map="Sở VH-TT-DL=dong-nai-so-van-hoa"  an agency name of the document
//       and the registry agency it names (repeatable)
//   --symbol=74/KH-UBND  --title=…  --years=2026-2030
//
// A fix-up file holds the same, one per line ("#" starts a comment):
//
//   schedule: annual:15/11,compile:30/11
//   deadline 2.1: Quý II/2026
//   lead 2.1: Sở Tư pháp
//   map Sở VH-TT-DL: dong-nai-so-van-hoa
//   symbol: 74/KH-UBND
//   title: …
//   years: 2026-2030
//
// Pure functions; errors are INVALID_ARGUMENT naming the flag or line, with a
// Vietnamese message.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::cli {

// The rounds of a --schedule value.
absl::StatusOr<std::vector<v1::ReportingRound>> ParseScheduleSpec(absl::string_view spec);

// The task deadline of a --deadline value, "OUTLINE=TEXT".
absl::StatusOr<v1::TaskDeadlineSupplement> ParseDeadlineFlag(absl::string_view flag);

// The task lead of a --lead value, "OUTLINE=NAME" (NAME as written, or an
// agency id or agencies/{id}, which becomes agencies/{id}).
absl::StatusOr<v1::TaskLeadSupplement> ParseLeadFlag(absl::string_view flag);

// The agency mapping of a --map value, "NAME=AGENCY" (AGENCY an id or
// agencies/{id}).
absl::StatusOr<v1::AgencyMapping> ParseMappingFlag(absl::string_view flag);

// The first and last year of "2026-2030" or "2026".
absl::StatusOr<std::pair<int, int>> ParseYears(absl::string_view years);

// The supplement a fix-up file's lines hold.
absl::StatusOr<v1::ImportSupplement> ParseFixup(absl::string_view text);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_IMPORT_SUPPLEMENT_H_
