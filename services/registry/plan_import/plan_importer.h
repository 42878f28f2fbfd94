#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PLAN_IMPORTER_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PLAN_IMPORTER_H_

// Importing a plan from its official document, and exporting its task table
// back. The Registry's ImportPlan and ExportPlan call these; they know
// nothing of gRPC or storage.
//
// Inputs: the plain text of the published document (narrative items with
// "- Cơ quan chủ trì:" lines, or an appendix table pasted as tab-separated
// rows), the appendix table as CSV/TSV, or the canonical PlanBundle JSON.
// Output: a PlanBundle (plan + tasks in document order) and an ImportReport
// that says what was recognised, repaired, ignored and not resolved, so that
// nothing is dropped silently.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tonghop/v1/agency.pb.h"
#include "tonghop/v1/plan.pb.h"
#include "tonghop/v1/registry_service.pb.h"

namespace tonghop::plan_import {

struct ImportOptions {
  // IMPORT_FORMAT_UNSPECIFIED detects: JSON when the content is a JSON
  // object, CSV/TSV when its first non-empty line is the table's header row,
  // text otherwise.
  tonghop::v1::ImportFormat format = tonghop::v1::IMPORT_FORMAT_UNSPECIFIED;
  // The issuing agency, "agencies/dong-nai". Required for text and CSV:
  // relative names ("Công an tỉnh") resolve under it.
  std::string issuer;
  // May be empty: derived as "{issuer-id}-{number}-{year}" from the
  // document's symbol and date, e.g. "dong-nai-74-2026".
  std::string plan_id;
  // Every agency of the registry.
  std::vector<tonghop::v1::Agency> agencies;
  // What the official supplies for the gaps of an earlier dry run.
  tonghop::v1::ImportSupplement supplement;
};

// Parses `content`: a plan's text, its appendix table (CSV/TSV), the
// canonical PlanBundle JSON, or the published document as .docx or .pdf.
//
// Never refuses a document for a part of it: whatever it can read gives a
// bundle, and each thing it could not derive (a reporting schedule without
// due dates, a deadline it cannot read, an agency name that does not
// resolve, no tasks at all …) is a diagnostic in the report, with the line it
// comes from and what to supply (options.supplement supplies it on the next
// run). INVALID_ARGUMENT, with a BadRequest field violation on "content" (or
// "format", "issuer", "plan_id"), only for input it cannot read at all:
// empty, binary or not UTF-8, over 10 MB, a broken or oversized .docx, a
// PDF without a text layer, a CSV whose header lacks the required columns.
// The response's `committed` is false. Pure function; safe to call
// concurrently.
absl::StatusOr<tonghop::v1::ImportPlanResponse> ParsePlan(absl::string_view content,
                                                          const ImportOptions& options);

// ParsePlan of an ImportPlan request's content, with the request's format,
// issuer, plan id and supplement, and `agencies` (those the plan may name):
// how the registry reads every plan file, the canonical JSON included.
absl::StatusOr<tonghop::v1::ImportPlanResponse> ParseImportRequest(
    const tonghop::v1::ImportPlanRequest& request,
    const std::vector<tonghop::v1::Agency>& agencies);

// The appendix table of `bundle` as CSV (UTF-8 with a byte-order mark, for
// spreadsheets): STT, task, lead, coordinating, expected result, deadline,
// one row per task in document order. Agencies are written by display name
// (from `agencies`), groups by their label, requested bodies with "Đề nghị",
// scope notes in parentheses, so that ParsePlan of the export gives the same
// tasks.
std::string ExportPlanCsv(const tonghop::v1::PlanBundle& bundle,
                          const std::vector<tonghop::v1::Agency>& agencies);

// A readable summary of an import, one line per task (outline | printed code
// | lead | coordinating | deadline) after the plan's fields, then the
// report's unresolved names and counts. For dry runs and golden tests.
std::string SummarizeImport(const tonghop::v1::ImportPlanResponse& response);

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_PLAN_IMPORTER_H_
