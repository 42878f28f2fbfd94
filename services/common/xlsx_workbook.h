#ifndef TONGHOP_SERVICES_COMMON_XLSX_WORKBOOK_H_
#define TONGHOP_SERVICES_COMMON_XLSX_WORKBOOK_H_

// A libxlsxwriter workbook that is closed on every path: libxlsxwriter
// writes the file when the workbook is closed, and a workbook never closed
// leaks it. For the compiled reports (services/aggregation) and the report
// forms (clients/client).

#include <string>

#include "xlsxwriter.h"

namespace tonghop {

// Owns one lxw_workbook writing to `path`. Close() once to learn whether
// the file was written; otherwise the destructor closes it. Not
// thread-safe (neither is libxlsxwriter's workbook).
class XlsxWorkbook {
 public:
  explicit XlsxWorkbook(const std::string& path) : workbook_(workbook_new(path.c_str())) {}
  ~XlsxWorkbook() {
    if (workbook_ != nullptr) workbook_close(workbook_);
  }
  XlsxWorkbook(const XlsxWorkbook&) = delete;
  XlsxWorkbook& operator=(const XlsxWorkbook&) = delete;

  // Null when libxlsxwriter could not start the workbook.
  lxw_workbook* get() { return workbook_; }
  lxw_error Close() {
    lxw_error error = workbook_close(workbook_);
    workbook_ = nullptr;
    return error;
  }

 private:
  lxw_workbook* workbook_;
};

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_XLSX_WORKBOOK_H_
