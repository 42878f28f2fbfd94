#ifndef TONGHOP_SERVICES_GATEWAY_SESSIONS_H_
#define TONGHOP_SERVICES_GATEWAY_SESSIONS_H_

// People in a browser, at the HTTP gateway: the session cookie and the
// CSRF token bound to it.
//
//   POST /v1/auth/login   {"user": "lan", "password": "…"} (application/json)
//       → 200 {"user": {…}, "expireTime": "…", "csrfToken": "…"} and
//         Set-Cookie: __Host-tonghop-session=TOKEN; Path=/; Max-Age=N;
//                     HttpOnly; Secure; SameSite=Strict
//   POST /v1/auth/logout  (cookie and X-CSRF-Token) → 200 {}, the session
//                         ended and the cookie removed
//
// The cookie holds the session token itself (HttpOnly: the page's scripts
// never see it; Secure, and the __Host- prefix: only over HTTPS, only for
// this host, never set by a subdomain; SameSite=Strict: never sent on a
// request another site starts). Every state-changing call (any method but
// GET and HEAD) made with the cookie must carry X-CSRF-Token: the session's
// CSRF token, which the login answer gave to the page. It is derived from
// the session token (a SHA-256 with a label), so it is bound to that one
// session, needs no storage, and reveals nothing of the token. Without it
// the call is refused with 403 before anything else happens.
//
// An `Authorization: Bearer TOKEN` header (the CLI's token, a script's)
// identifies the caller as well; browsers never add it by themselves, so it
// needs no CSRF token.
//
// Pure functions: thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tonghop::gateway {

inline constexpr absl::string_view kSessionCookieName = "__Host-tonghop-session";
inline constexpr absl::string_view kCsrfHeader = "X-CSRF-Token";
inline constexpr absl::string_view kLoginPath = "/v1/auth/login";
inline constexpr absl::string_view kLogoutPath = "/v1/auth/logout";

// The value of the session cookie in a Cookie header ("a=1; NAME=TOKEN"),
// or "" when there is none.
std::string SessionTokenFromCookies(absl::string_view cookie_header);

// The CSRF token of the session `session_token`: 43 base64url characters.
std::string CsrfTokenFor(absl::string_view session_token);

// Set-Cookie values that store `token` for `max_age`, and that remove it.
std::string SessionCookie(absl::string_view token, absl::Duration max_age);
std::string ClearedSessionCookie();

// How a request proves who it is with a token.
struct TokenCredential {
  // The token ("" when the request carries none).
  std::string token;
  // True when it came from the session cookie (then CSRF applies), false
  // for an Authorization header.
  bool from_cookie = false;
};

// The token of a request: its `Authorization: Bearer` header, else its
// session cookie. UNAUTHENTICATED when an Authorization header is present
// but not a bearer token.
absl::StatusOr<TokenCredential> TokenOf(absl::string_view authorization_header,
                                        absl::string_view cookie_header);

// OK when a request that `changes_state` with `credential` may proceed:
// a cookie's session needs `csrf_header` equal to its CSRF token, else
// PERMISSION_DENIED (reason CSRF_TOKEN_MISSING or CSRF_TOKEN_INVALID).
absl::Status CheckCsrf(const TokenCredential& credential, bool changes_state,
                       absl::string_view csrf_header);

}  // namespace tonghop::gateway

#endif  // TONGHOP_SERVICES_GATEWAY_SESSIONS_H_
