#ifndef TONGHOP_SERVICES_COMMON_STATUS_MACROS_H_
#define TONGHOP_SERVICES_COMMON_STATUS_MACROS_H_

// Abseil 20220623 has no status macros; these are the usual two.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TONGHOP_CONCAT_INNER_(a, b) a##b
#define TONGHOP_CONCAT_(a, b) TONGHOP_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    ::absl::Status tonghop_status_ = (expr);      \
    if (!tonghop_status_.ok()) return tonghop_status_; \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status when not OK,
// else moves its value into `lhs` (which may be a declaration).
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  TONGHOP_ASSIGN_OR_RETURN_IMPL_(TONGHOP_CONCAT_(tonghop_statusor_, __LINE__), lhs, rexpr)

#define TONGHOP_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

#endif  // TONGHOP_SERVICES_COMMON_STATUS_MACROS_H_
