#ifndef TONGHOP_SERVICES_SERVER_LISTEN_PROBLEM_H_
#define TONGHOP_SERVICES_SERVER_LISTEN_PROBLEM_H_

#include <string>

namespace tonghop {

// Why a server cannot listen on "host:port" (gRPC only says that it cannot):
// binds a socket there the way gRPC does and explains the error, e.g. "the
// address is already in use (another tonghopd, or another program, listens
// there)".
std::string ListenProblem(const std::string& address);

}  // namespace tonghop

#endif  // TONGHOP_SERVICES_SERVER_LISTEN_PROBLEM_H_
