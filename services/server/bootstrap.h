#ifndef TONGHOP_SERVICES_SERVER_BOOTSTRAP_H_
#define TONGHOP_SERVICES_SERVER_BOOTSTRAP_H_

// The first administrator of an instance, made on the server's own machine:
//
//   tonghopd --data-dir=DIR --bootstrap-admin=ID [--bootstrap-agency=ID]
//
// opens DIR's registry directly (not over the network: whoever can do this
// can read the data directory anyway), creates users/ID as an active
// administrator of the agency (the operator agency by default) with a
// password read from the terminal or standard input, or generated and
// printed once, and exits. On an existing data directory it resets that
// administrator's password (ending their sessions). It refuses while a
// running tonghopd holds DIR (RocksDB's lock).

#include <iosfwd>
#include <string>

#include "absl/status/statusor.h"
#include "tonghop/v1/user.pb.h"

namespace tonghop {

struct BootstrapOptions {
  // The server's --data-dir; the registry is DATA_DIR/registry.
  std::string data_dir;
  // The administrator's id ("admin", "nguyen-van-an").
  std::string user_id;
  // "agencies/{id}"; the operator agency when empty.
  std::string agency;
  // The instance's operator agency, "agencies/{id}".
  std::string operator_agency;
  // The password; empty: one is generated.
  std::string password;
};

struct BootstrapResult {
  v1::User user;
  // The generated password (empty when one was given): shown once.
  std::string generated_password;
};

absl::StatusOr<BootstrapResult> BootstrapAdmin(const BootstrapOptions& options);

// tonghopd's --bootstrap-admin: reads the password (terminal without echo,
// or a line of standard input; empty: generate one), runs BootstrapAdmin
// and prints what it did on `out` (errors on `err`). Returns the exit code.
int RunBootstrapAdmin(BootstrapOptions options, std::ostream& out, std::ostream& err);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_BOOTSTRAP_H_
