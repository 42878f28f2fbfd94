// tonghopd: the tonghop server. Hosts the registry, submissions and
// aggregation services (all by default, or those named by --services) on one
// gRPC port, each with its own RocksDB under --data-dir.

#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/server/server_host.h"
#ifdef TONGHOP_HAVE_GATEWAY
#include <filesystem>

#include "services/gateway/http_gateway.h"
#endif

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
  --upstream=HOST:PORT      the instance this one forwards its figures to (the
                            ministry's); called with the instance certificate
  --upstream-agency=ID      development only, without an instance certificate:
                            the agency this instance is upstream (sent as the
                            development header)
  --insecure-dev-identity   accept the x-tonghop-agency development header from
                            loopback callers (never from a proxy); for tests
                            and development only
  --port-file=PATH          also write the bound address to PATH
  --now=RFC3339             run the clock from this instant instead of the
                            real time (drills and demonstrations only), e.g.
                            2026-11-03T09:00:00+07:00
  --http=HOST:PORT          also serve the HTTP/JSON gateway and the dashboard
                            there (port 0 picks one)
  --dashboard-dir=DIR       the dashboard's built files (default: the built
                            clients/dashboard/dist of this source tree, if any)

On start it prints "tonghopd listening on HOST:PORT", then, with --http,
"tonghopd http on HOST:PORT". SIGTERM or SIGINT shuts it down cleanly.
)";

struct Flags {
  std::map<std::string, std::string> values;
  std::vector<std::string> errors;
};

Flags ParseFlags(int argc, char** argv) {
  static const char* kKnown[] = {"data-dir", "listen", "services", "registry-address",
                                 "submissions-address", "aggregation-address",
                                 "operator-agency", "port-file", "http", "dashboard-dir", "now",
                                 "upstream", "upstream-agency", "insecure-dev-identity",
                                 "help"};
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

  if (flags.values.count("upstream")) options.upstream = flags.values["upstream"];
  if (flags.values.count("upstream-agency")) {
    std::string agency = flags.values["upstream-agency"];
    options.upstream_agency =
        absl::StartsWith(agency, "agencies/") ? agency : absl::StrCat("agencies/", agency);
  }
  options.auth.insecure_dev_identity = flags.values.count("insecure-dev-identity") > 0;
  if (options.auth.insecure_dev_identity) {
    std::cerr << "tonghopd: --insecure-dev-identity: the x-tonghop-agency header is accepted "
                 "from loopback; never run a shared server this way"
              << std::endl;
  }

  std::unique_ptr<tonghop::Clock> shifted_clock;
  if (flags.values.count("now")) {
    absl::Time start;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, flags.values["now"], &start, &error)) {
      std::cerr << "tonghopd: --now: " << error << "\n";
      return 2;
    }
    shifted_clock = std::make_unique<tonghop::ShiftedClock>(start);
    options.clock = shifted_clock.get();
    std::cerr << "tonghopd: the clock starts at " << flags.values["now"]
              << " (--now), not the real time" << std::endl;
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

  // The HTTP gateway, when asked for; stopped before the services.
  std::function<void()> stop_http = [] {};
#ifdef TONGHOP_HAVE_GATEWAY
  std::unique_ptr<tonghop::gateway::HttpGateway> gateway;
#endif
  if (flags.values.count("http")) {
#ifdef TONGHOP_HAVE_GATEWAY
    std::string dashboard =
        flags.values.count("dashboard-dir") ? flags.values["dashboard-dir"] : "";
#ifdef TONGHOP_DEFAULT_DASHBOARD_DIR
    if (!flags.values.count("dashboard-dir") &&
        std::filesystem::exists(TONGHOP_DEFAULT_DASHBOARD_DIR "/index.html")) {
      dashboard = TONGHOP_DEFAULT_DASHBOARD_DIR;
    }
#endif
    // The gateway calls the services in-process; it checks itself that the
    // identity header comes from a loopback HTTP client before forwarding it.
    std::shared_ptr<grpc::Channel> backend = (*host)->InProcessChannel();
    auto started =
        tonghop::gateway::HttpGateway::Start(flags.values["http"], backend, dashboard);
    if (!started.ok()) {
      std::cerr << "tonghopd: " << started.status().message() << "\n";
      (*host)->Shutdown();
      return 1;
    }
    gateway = *std::move(started);
    stop_http = [g = gateway.get()] { g->Stop(); };
    std::cout << "tonghopd http on " << gateway->address() << std::endl;
#else
    std::cerr << "tonghopd: --http: this binary was built without the HTTP gateway\n";
    (*host)->Shutdown();
    return 2;
#endif
  }

  tonghop::ServerHost* raw = host->get();
  std::thread signal_waiter([raw, &signals, &stop_http] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "tonghopd: received " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
              << ", shutting down" << std::endl;
    stop_http();
    raw->Shutdown();
  });
  raw->Wait();
  signal_waiter.join();
  std::cerr << "tonghopd: stopped" << std::endl;
  return 0;
}
