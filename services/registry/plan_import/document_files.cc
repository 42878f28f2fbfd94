#include "services/registry/plan_import/document_files.h"

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"

namespace tonghop::plan_import {

absl::Status RefuseFile(absl::string_view reason, absl::string_view english,
                        absl::string_view vietnamese) {
  return WithVietnamese(InvalidField("content", english, reason), vietnamese);
}

absl::Status CheckFileSize(absl::string_view content, const FileLimits& limits) {
  if (content.size() <= limits.max_file_bytes) return absl::OkStatus();
  return RefuseFile("INPUT_TOO_LARGE",
                    absl::StrCat("the file is ", content.size() >> 20, " MB; a plan is at most ",
                                 limits.max_file_bytes >> 20, " MB"),
                    absl::StrCat("Tệp quá lớn (", content.size() >> 20,
                                 " MB); một kế hoạch tối đa ", limits.max_file_bytes >> 20, " MB."));
}

}  // namespace tonghop::plan_import
