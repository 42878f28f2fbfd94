#include "services/gateway/sessions.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/secrets.h"

namespace tonghop::gateway {
namespace {

// Separates the CSRF token from any other use of the session token's hash
// (the store keys sessions by the plain SHA-256).
constexpr absl::string_view kCsrfLabel = absl::string_view("tonghop csrf v1\0", 16);

}  // namespace

std::string SessionTokenFromCookies(absl::string_view cookie_header) {
  for (absl::string_view pair : absl::StrSplit(cookie_header, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    size_t eq = pair.find('=');
    if (eq == absl::string_view::npos) continue;
    if (pair.substr(0, eq) == kSessionCookieName) return std::string(pair.substr(eq + 1));
  }
  return "";
}

std::string CsrfTokenFor(absl::string_view session_token) {
  return absl::WebSafeBase64Escape(Sha256(absl::StrCat(kCsrfLabel, session_token)));
}

std::string SessionCookie(absl::string_view token, absl::Duration max_age) {
  return absl::StrCat(kSessionCookieName, "=", token, "; Path=/; Max-Age=",
                      absl::ToInt64Seconds(max_age), "; HttpOnly; Secure; SameSite=Strict");
}

std::string ClearedSessionCookie() {
  return absl::StrCat(kSessionCookieName, "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
}

absl::StatusOr<TokenCredential> TokenOf(absl::string_view authorization_header,
                                        absl::string_view cookie_header) {
  TokenCredential credential;
  if (!authorization_header.empty()) {
    if (!absl::StartsWithIgnoreCase(authorization_header, "bearer ")) {
      return Unauthenticated("the Authorization header must be \"Bearer TOKEN\"");
    }
    credential.token = std::string(absl::StripAsciiWhitespace(authorization_header.substr(7)));
    if (credential.token.empty()) return Unauthenticated("the bearer token is empty");
    return credential;
  }
  credential.token = SessionTokenFromCookies(cookie_header);
  credential.from_cookie = !credential.token.empty();
  return credential;
}

absl::Status CheckCsrf(const TokenCredential& credential, bool changes_state,
                       absl::string_view csrf_header) {
  if (!credential.from_cookie || !changes_state) return absl::OkStatus();
  if (csrf_header.empty()) {
    return WithVietnamese(
        WithErrorInfo(absl::PermissionDeniedError(absl::StrCat(
                          "a call that changes data with a session cookie needs the ",
                          kCsrfHeader, " header (the csrfToken of the sign-in answer)")),
                      "CSRF_TOKEN_MISSING"),
        "Thiếu mã chống giả mạo yêu cầu (CSRF); hãy tải lại trang và đăng nhập lại.");
  }
  if (!ConstantTimeEquals(csrf_header, CsrfTokenFor(credential.token))) {
    return WithVietnamese(
        WithErrorInfo(absl::PermissionDeniedError(absl::StrCat(
                          "the ", kCsrfHeader, " header does not belong to this session")),
                      "CSRF_TOKEN_INVALID"),
        "Mã chống giả mạo yêu cầu (CSRF) không đúng; hãy tải lại trang và đăng nhập lại.");
  }
  return absl::OkStatus();
}

}  // namespace tonghop::gateway
