#ifndef TONGHOP_TESTS_INTEGRATION_FAULT_FIXTURE_H_
#define TONGHOP_TESTS_INTEGRATION_FAULT_FIXTURE_H_

// Helpers of the fault tests: damaging a store's write-ahead log the way a
// disk or an operator might.

#include <filesystem>
#include <fstream>
#include <string>

namespace tonghop::testing {

// The newest write-ahead log file (*.log) of the database in `dir`; empty
// when there is none.
inline std::string NewestLog(const std::string& dir) {
  std::string newest;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log" && entry.path().string() > newest) {
      newest = entry.path().string();
    }
  }
  return newest;
}

// Flips `count` bytes of `path` from `offset` on (each XOR 0x5a).
inline void FlipBytes(const std::string& path, uint64_t offset, int count) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (int i = 0; i < count; ++i) {
    file.seekg(static_cast<std::streamoff>(offset + i));
    char c = 0;
    file.get(c);
    file.seekp(static_cast<std::streamoff>(offset + i));
    file.put(static_cast<char>(c ^ 0x5a));
  }
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace tonghop::testing

#endif  // TONGHOP_TESTS_INTEGRATION_FAULT_FIXTURE_H_
