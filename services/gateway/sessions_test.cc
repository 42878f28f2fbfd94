#include "services/gateway/sessions.h"

#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "services/common/errors.h"

namespace tonghop::gateway {
namespace {

constexpr char kToken[] = "Q2hvIG3hu5l0IHBoacOqbiBsw6BtIHZp4buHYyBkw6BpIG5nw6B5";

std::string Reason(const absl::Status& status) { return GetErrorInfo(status).reason(); }

TEST(SessionsTest, CookieHasExactlyTheSafeAttributes) {
  std::string cookie = SessionCookie(kToken, absl::Hours(12));
  std::vector<std::string> parts = absl::StrSplit(cookie, "; ");
  ASSERT_FALSE(parts.empty());
  EXPECT_EQ(parts[0], absl::StrCat("__Host-tonghop-session=", kToken));
  std::set<std::string> attributes(parts.begin() + 1, parts.end());
  EXPECT_EQ(attributes, (std::set<std::string>{"Path=/", "Max-Age=43200", "HttpOnly", "Secure",
                                               "SameSite=Strict"}));
  // No Domain (the __Host- prefix forbids it) and no Expires.
  EXPECT_FALSE(absl::StrContains(cookie, "Domain"));
  EXPECT_FALSE(absl::StrContains(cookie, "Expires"));

  std::string cleared = ClearedSessionCookie();
  EXPECT_TRUE(absl::StartsWith(cleared, "__Host-tonghop-session=;"));
  EXPECT_TRUE(absl::StrContains(cleared, "Max-Age=0"));
  EXPECT_TRUE(absl::StrContains(cleared, "HttpOnly; Secure; SameSite=Strict"));
}

TEST(SessionsTest, TheSessionCookieIsFoundAmongOthers) {
  EXPECT_EQ(SessionTokenFromCookies(absl::StrCat("theme=dark; __Host-tonghop-session=", kToken,
                                                 "; lang=vi")),
            kToken);
  EXPECT_EQ(SessionTokenFromCookies(absl::StrCat("__Host-tonghop-session=", kToken)), kToken);
  EXPECT_EQ(SessionTokenFromCookies("tonghop-session=abc; x__Host-tonghop-session=def"), "");
  EXPECT_EQ(SessionTokenFromCookies(""), "");
}

TEST(SessionsTest, CsrfTokenIsBoundToTheSessionAndRevealsNothing) {
  std::string csrf = CsrfTokenFor(kToken);
  EXPECT_EQ(csrf.size(), 43u);
  EXPECT_EQ(csrf, CsrfTokenFor(kToken));
  EXPECT_NE(csrf, CsrfTokenFor("another session token"));
  EXPECT_FALSE(absl::StrContains(csrf, kToken));
  EXPECT_FALSE(absl::StrContains(kToken, csrf));
}

TEST(SessionsTest, BearerHeaderComesBeforeTheCookie) {
  absl::StatusOr<TokenCredential> bearer =
      TokenOf("Bearer abc", absl::StrCat("__Host-tonghop-session=", kToken));
  ASSERT_TRUE(bearer.ok());
  EXPECT_EQ(bearer->token, "abc");
  EXPECT_FALSE(bearer->from_cookie);
  absl::StatusOr<TokenCredential> cookie =
      TokenOf("", absl::StrCat("__Host-tonghop-session=", kToken));
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(cookie->token, kToken);
  EXPECT_TRUE(cookie->from_cookie);
  absl::StatusOr<TokenCredential> none = TokenOf("", "");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->token.empty());
  EXPECT_EQ(TokenOf("Basic dXNlcjpwYXNz", "").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(TokenOf("Bearer ", "").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(SessionsTest, StateChangingCallsWithACookieNeedTheCsrfToken) {
  TokenCredential cookie{kToken, /*from_cookie=*/true};
  TokenCredential bearer{kToken, /*from_cookie=*/false};
  EXPECT_EQ(Reason(CheckCsrf(cookie, true, "")), "CSRF_TOKEN_MISSING");
  EXPECT_EQ(CheckCsrf(cookie, true, "").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Reason(CheckCsrf(cookie, true, CsrfTokenFor("another session"))),
            "CSRF_TOKEN_INVALID");
  EXPECT_EQ(Reason(CheckCsrf(cookie, true, kToken)), "CSRF_TOKEN_INVALID");
  EXPECT_TRUE(CheckCsrf(cookie, true, CsrfTokenFor(kToken)).ok());
  // Reads need none; nor does a bearer token, which no browser adds by itself.
  EXPECT_TRUE(CheckCsrf(cookie, false, "").ok());
  EXPECT_TRUE(CheckCsrf(bearer, true, "").ok());
  EXPECT_FALSE(GetVietnameseMessage(CheckCsrf(cookie, true, "")).empty());
}

}  // namespace
}  // namespace tonghop::gateway
