#ifndef TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_GOLDEN_TESTING_H_
#define TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_GOLDEN_TESTING_H_

// For the importer's tests: reading testdata, and comparing an import's
// summary with its reviewed golden file, line by line.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace tonghop::plan_import {

// A file of the importer's testdata directory.
inline std::string TestData(absl::string_view name) {
  return absl::StrCat(TONGHOP_PLAN_IMPORT_TESTDATA, "/", name);
}

// The bytes of `path` (empty when it cannot be read).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Compares `actual` with the golden file at `path`, reporting each differing
// line; with TONGHOP_UPDATE_GOLDEN=1 in the environment it rewrites the file
// instead and returns true (the result must then be reviewed line by line).
inline bool CompareWithGolden(const std::string& actual, const std::string& path) {
  if (std::getenv("TONGHOP_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return true;
  }
  std::string expected = ReadFile(path);
  if (expected == actual) return false;
  std::vector<std::string> e = absl::StrSplit(expected, '\n');
  std::vector<std::string> a = absl::StrSplit(actual, '\n');
  std::string diff;
  for (size_t i = 0; i < std::max(e.size(), a.size()); ++i) {
    std::string el = i < e.size() ? e[i] : "<none>";
    std::string al = i < a.size() ? a[i] : "<none>";
    if (el != al) absl::StrAppend(&diff, "line ", i + 1, "\n  golden: ", el, "\n  actual: ", al, "\n");
  }
  ADD_FAILURE() << path << " differs from the import:\n" << diff;
  return false;
}

}  // namespace tonghop::plan_import

#endif  // TONGHOP_SERVICES_REGISTRY_PLAN_IMPORT_GOLDEN_TESTING_H_
