#include "services/server/listen_problem.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace tonghop {

std::string ListenProblem(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return "it is not host:port";
  std::string host = address.substr(0, colon);
  std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  int resolved = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (resolved != 0) return absl::StrCat("cannot resolve it: ", gai_strerror(resolved));
  std::string problem;
  for (addrinfo* a = found; a != nullptr && problem.empty(); a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) {
      int error = errno;
      switch (error) {
        case EADDRINUSE:
          problem =
              "the address is already in use (another tonghopd, or another program, listens "
              "there; one port serves one server)";
          break;
        case EACCES:
          problem = "permission denied (ports below 1024 need privileges)";
          break;
        case EADDRNOTAVAIL:
          problem = "this machine has no such address";
          break;
        default:
          problem = std::strerror(error);
      }
    }
    close(fd);
  }
  freeaddrinfo(found);
  if (problem.empty()) problem = "gRPC could not bind it, though it is free now (see its log above)";
  return problem;
}

}  // namespace tonghop
