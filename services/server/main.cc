// tonghopd: the tonghop server. Hosts the registry, submissions and
// aggregation services (all by default, or those named by --services) on one
// gRPC port, each with its own RocksDB under --data-dir.

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/server/server_host.h"

namespace {

constexpr char kUsage[] = R"(usage: tonghopd --data-dir=DIR [options]

  --data-dir=DIR            where the services keep their data (required)
  --listen=HOST:PORT        gRPC address (default 127.0.0.1:7070; port 0 picks one)
  --services=LIST           services hosted here, comma-separated
                            (default: every service in this binary)
  --registry-address=ADDR   where the registry runs, when not hosted here
  --submissions-address=ADDR
  --aggregation-address=ADDR
  --operator-agency=ID      the agency this instance acts as towards other
                            services (default bo-tu-phap)
  --port-file=PATH          also write the bound address to PATH

On start it prints "tonghopd listening on HOST:PORT". SIGTERM or SIGINT
shuts it down cleanly.
)";

struct Flags {
  std::map<std::string, std::string> values;
  std::vector<std::string> errors;
};

Flags ParseFlags(int argc, char** argv) {
  static const char* kKnown[] = {"data-dir", "listen", "services", "registry-address",
                                 "submissions-address", "aggregation-address",
                                 "operator-agency", "port-file", "help"};
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!absl::StartsWith(arg, "--")) {
      flags.errors.push_back(absl::StrCat("unexpected argument \"", arg, "\""));
      continue;
    }
    std::vector<std::string> kv = absl::StrSplit(arg.substr(2), absl::MaxSplits('=', 1));
    bool known = false;
    for (const char* k : kKnown) known = known || kv[0] == k;
    if (!known) {
      flags.errors.push_back(absl::StrCat("unknown option --", kv[0]));
      continue;
    }
    flags.values[kv[0]] = kv.size() > 1 ? kv[1] : "true";
  }
  return flags;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  if (flags.values.count("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!flags.errors.empty() || !flags.values.count("data-dir")) {
    for (const auto& e : flags.errors) std::cerr << "tonghopd: " << e << "\n";
    if (!flags.values.count("data-dir")) std::cerr << "tonghopd: --data-dir is required\n";
    std::cerr << kUsage;
    return 2;
  }

  // Block the shutdown signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  tonghop::ServerOptions options;
  options.data_dir = flags.values["data-dir"];
  options.listen = flags.values.count("listen") ? flags.values["listen"] : "127.0.0.1:7070";
  options.factories = tonghop::AllServiceFactories();
  if (flags.values.count("services")) {
    options.services = absl::StrSplit(flags.values["services"], ',', absl::SkipEmpty());
  } else {
    for (const char* s : {"registry", "submissions", "aggregation"}) {
      if (options.factories.count(s)) options.services.push_back(s);
    }
  }
  for (const char* s : {"registry", "submissions", "aggregation"}) {
    auto it = flags.values.find(absl::StrCat(s, "-address"));
    if (it != flags.values.end()) options.remote_addresses[s] = it->second;
  }
  if (flags.values.count("operator-agency")) {
    std::string agency = flags.values["operator-agency"];
    options.operator_agency =
        absl::StartsWith(agency, "agencies/") ? agency : absl::StrCat("agencies/", agency);
  }

  auto host = tonghop::ServerHost::Start(options);
  if (!host.ok()) {
    std::cerr << "tonghopd: " << host.status().message() << "\n";
    return 1;
  }
  std::string address = (*host)->address();
  if (flags.values.count("port-file")) {
    std::string path = flags.values["port-file"];
    std::string tmp = path + ".tmp";
    std::ofstream(tmp) << address << "\n";
    std::rename(tmp.c_str(), path.c_str());
  }
  std::cout << "tonghopd listening on " << address << " (services: "
            << absl::StrJoin(options.services, ",") << "; data: " << options.data_dir << ")"
            << std::endl;

  tonghop::ServerHost* raw = host->get();
  std::thread signal_waiter([raw, &signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "tonghopd: received " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
              << ", shutting down" << std::endl;
    raw->Shutdown();
  });
  raw->Wait();
  signal_waiter.join();
  std::cerr << "tonghopd: stopped" << std::endl;
  return 0;
}
