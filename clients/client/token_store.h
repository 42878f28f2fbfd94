#ifndef TONGHOP_CLIENTS_CLIENT_TOKEN_STORE_H_
#define TONGHOP_CLIENTS_CLIENT_TOKEN_STORE_H_

// Where `tonghop login` keeps a person's bearer token: one file per server
// address under STATE_DIR/tokens/ (STATE_DIR is ~/.tonghop by default).
// The directories are made 0700 and the files written 0600 from the start;
// a file that others can read is refused rather than used.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tonghop::client {

struct StoredToken {
  // The bearer token.
  std::string token;
  // The person it was issued to, "users/{id}".
  std::string user;
  // When it stops working.
  absl::Time expire_time;
};

// Not thread-safe within one process; each write replaces the file whole
// (durable_file.h), so concurrent processes see an old or a new token.
class TokenStore {
 public:
  explicit TokenStore(std::string state_dir) : state_dir_(std::move(state_dir)) {}

  absl::Status Save(absl::string_view server, const StoredToken& token) const;
  // The token kept for `server`, or nullopt when there is none.
  // FAILED_PRECONDITION when its file is readable by others.
  absl::StatusOr<std::optional<StoredToken>> Load(absl::string_view server) const;
  // Forgets the token for `server`; OK when there is none.
  absl::Status Remove(absl::string_view server) const;

  // STATE_DIR/tokens/{server with every character but [A-Za-z0-9.-] as _}.
  std::string PathFor(absl::string_view server) const;

 private:
  std::string state_dir_;
};

}  // namespace tonghop::client

#endif  // TONGHOP_CLIENTS_CLIENT_TOKEN_STORE_H_
