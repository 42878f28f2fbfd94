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
//   --map="Sở VH-TT-DL=dong-nai-so-van-hoa"  an agency name of the document
//       and the registry agency it names (repeatable)
//   --symbol=74/KH-UBND  --title=…  --years=2026-2030
//
// A fix-up file holds the same, one per line ("#" starts a comment):
//
//   schedule: annual:15/11,compile:30/11
//   deadline 2.1: Quý II/2026
//   map Sở VH-TT-DL: dong-nai-so-van-hoa
//   symbol: 74/KH-UBND
//   title: …
//   years: 2026-2030
//
// Pure functions; errors are INVALID_ARGUMENT naming the flag or line, with a
// Vietnamese message.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::cli {

// The rounds of a --schedule value.
absl::StatusOr<std::vector<v1::ReportingRound>> ParseScheduleSpec(absl::string_view spec);

// Adds "OUTLINE=TEXT" to `supplement`'s task deadlines.
absl::Status AddDeadline(absl::string_view flag, v1::ImportSupplement* supplement);

// Adds "NAME=AGENCY" (AGENCY an id or agencies/{id}) to `supplement`'s
// agency mappings.
absl::Status AddMapping(absl::string_view flag, v1::ImportSupplement* supplement);

// Sets the years of "2026-2030" or "2026".
absl::Status SetYears(absl::string_view years, v1::ImportSupplement* supplement);

// Reads a fix-up file's lines into `supplement`.
absl::Status ReadFixup(absl::string_view text, v1::ImportSupplement* supplement);

}  // namespace tonghop::cli

#endif  // TONGHOP_CLIENTS_CLI_IMPORT_SUPPLEMENT_H_
