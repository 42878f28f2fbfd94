#ifndef TONGHOP_SERVICES_COMMON_SIGN_IN_H_
#define TONGHOP_SERVICES_COMMON_SIGN_IN_H_

// What the HTTP gateway tells the Auth service about a browser's sign-in,
// as metadata on its in-process calls. The Auth service believes these only
// from in-process peers; from anyone else they are ignored.

#include "absl/strings/string_view.h"

namespace tonghop {

// The HTTP client's address (without port), for throttling failed sign-ins
// per address and for the log.
inline constexpr absl::string_view kClientAddressHeader = "x-tonghop-client-address";

// "1": the session is a browser's (kept in an HttpOnly cookie), not a bearer
// token; callers made with it are reported with credential "session".
inline constexpr absl::string_view kBrowserSessionHeader = "x-tonghop-browser-session";

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_COMMON_SIGN_IN_H_
