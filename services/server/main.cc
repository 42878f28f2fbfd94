// tonghopd: the tonghop server. Hosts the registry, submissions and
// aggregation services (all by default, or those named by --services) on one
// gRPC port, each with its own RocksDB under --data-dir.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/common/flags.h"
#include "services/common/resource_names.h"
#include "services/common/text.h"
#include "services/server/instance_backup.h"
#include "services/server/bootstrap.h"
#include "services/server/server_host.h"
#include "storage/rocksdb_store.h"
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
  --port-file=PATH          also write the bound address to PATH
  --now=RFC3339             run the clock from this instant instead of the
                            real time (drills and demonstrations only), e.g.
                            2026-11-03T09:00:00+07:00
  --http=HOST:PORT          also serve the HTTP/JSON gateway and the dashboard
                            there (port 0 picks one)
  --dashboard-dir=DIR       the dashboard's built files (default: the built
                            clients/dashboard/dist of this source tree, if any)
  --disk-free-warning=LIMIT warn (log, and the tonghop.storage.{store}.space
                            health status) when the free space of a store's
                            disk falls below LIMIT: a percentage of the disk
                            or a size (default 10%; e.g. 5%, 2G, 500M)
  --accept-data-loss        open a store whose write-ahead log is damaged or
                            shorter than the writes it acknowledged, at its
                            last consistent point. Without it tonghopd
                            refuses to start and names the store; with it,
                            the damaged log is copied aside and what is
                            dropped is recorded in the store's
                            tonghop-data-loss.log and on stderr. Take it off
                            again after that start. Restoring the store from
                            a backup is the other way out.
  --session-lifetime=DUR    how long a sign-in lasts (default 12h; e.g. 8h, 30m)

E-mail notices (docs/notices.md):
  --smtp=HOST:PORT          the mail relay notices are sent to; without it
                            notices are queued (tonghop notice list), not sent
  --smtp-from=ADDR          the sender's address (default tonghop@localhost)
  --remind-days=N,…         days before a due date on which the agencies that
                            owe the report are reminded (default 7,1)

  --bootstrap-admin=ID      instead of serving: create the administrator
                            users/ID in --data-dir (or reset their password),
                            with a password typed without echo or read from
                            standard input (empty: one is generated and printed
                            once), then exit. Run it while no tonghopd uses DIR.
  --bootstrap-agency=ID     the administrator's agency (default: the operator
                            agency)

Operations (docs/operations.md):
  --metrics=HOST:PORT       serve Prometheus metrics at /metrics, and /healthz
                            and /readyz, over plain HTTP there (port 0 picks
                            one); anyone who reaches it reads them, so bind a
                            loopback or monitoring-network address.
                            /healthz and /readyz are also on --http
  --request-log=WHERE       one JSON line per request: stderr (default), none,
                            or a file to append to
  --restore-from=DIR        restore the backup in DIR (tonghop admin backup)
                            into --data-dir, which must be empty or missing,
                            after verifying it; then exit. Start tonghopd
                            again without it to serve the restored data
  --backup-id=N             with --restore-from: that backup of DIR
                            (default: the latest)

Security (docs: README, "Identity"):
  --tls-cert=PEM --tls-key=PEM
                            serve gRPC and the HTTP gateway over TLS only, with
                            this certificate chain and key
  --client-ca=PEM           accept client certificates signed by this CA
                            (mutual TLS); a certificate names its holder as
                            spiffe://TRUST-DOMAIN/agencies/ID or .../users/ID
  --trust-domain=NAME       the SPIFFE trust domain of client certificates
                            (default tonghop)
  --tls-ca=PEM              trust this CA when calling services in other
                            processes and upstream instances (default: the
                            system's roots)
  --instance-cert=PEM --instance-key=PEM
                            what this instance presents to them: a client
                            certificate naming the agency it acts as there,
                            spiffe://TRUST-DOMAIN/agencies/ID (the operator
                            agency towards its own services in other
                            processes; towards --upstream, the agency whose
                            figures it forwards). Default: --tls-cert/--tls-key
                            when that certificate names an agency, else none
  --insecure-dev-identity   accept the development header x-tonghop-agency
                            (any agency, no proof) from loopback peers that
                            name no proxy; for development and tests only

On start it prints "tonghopd listening on HOST:PORT", then, with --http,
"tonghopd http on HOST:PORT" ("tonghopd https on HOST:PORT" with TLS), then,
with --metrics, "tonghopd metrics on HOST:PORT".
SIGTERM or SIGINT shuts it down cleanly. A full disk does not stop it:
writes are refused (RESOURCE_EXHAUSTED) while reads go on, and resume by
themselves once space is freed.
)";

// What the command line gave: each flag's value, or the errors to print.
struct Flags {
  std::map<std::string, std::string> values;
  std::vector<std::string> errors;
};

Flags ParseFlags(int argc, char** argv) {
  static const std::vector<std::string> kDeclared = {
      "data-dir=DIR", "listen=HOST:PORT", "services=LIST", "registry-address=ADDR",
      "submissions-address=ADDR", "aggregation-address=ADDR", "operator-agency=ID",
      "port-file=PATH", "http=HOST:PORT", "dashboard-dir=DIR", "now=RFC3339",
      "upstream=HOST:PORT", "upstream-agency=ID", "tls-cert=PEM", "tls-key=PEM",
      "client-ca=PEM", "trust-domain=NAME", "tls-ca=PEM", "instance-cert=PEM",
      "instance-key=PEM", "insecure-dev-identity", "session-lifetime=DUR",
      "bootstrap-admin=ID", "bootstrap-agency=ID", "disk-free-warning=LIMIT",
      "accept-data-loss", "metrics=HOST:PORT", "request-log=WHERE", "restore-from=DIR",
      "backup-id=N", "smtp=HOST:PORT", "smtp-from=ADDR", "remind-days=DAYS", "help"};
  Flags flags;
  absl::StatusOr<tonghop::ParsedFlags> parsed =
      tonghop::ParseFlatCommandLine(argc, argv, kDeclared);
  if (!parsed.ok()) {
    flags.errors.push_back(std::string(parsed.status().message()));
    return flags;
  }
  flags.values = parsed->flags;
  return flags;
}

#ifdef TONGHOP_HAVE_GATEWAY
// Records each HTTP request in the server's request log and metrics.
tonghop::gateway::HttpObserver ObserveHttp(tonghop::ServerHost* host) {
  return [host](const tonghop::gateway::HttpExchange& exchange) {
    tonghop::RequestRecord record;
    record.transport = "http";
    record.method = exchange.method;
    record.code = absl::StrCat(exchange.status);
    record.latency = exchange.latency;
    record.caller = exchange.caller;
    record.peer = exchange.peer;
    host->request_log().Record(record);
  };
}
#endif

// Restores --restore-from into --data-dir and says what it did.
int Restore(const std::string& backup_dir, const std::string& backup_id,
            const std::string& data_dir) {
  int64_t id = 0;
  if (!backup_id.empty() && (!absl::SimpleAtoi(backup_id, &id) || id <= 0)) {
    std::cerr << "tonghopd: --backup-id must be a backup's number (1, 2, ...)\n";
    return 2;
  }
  absl::StatusOr<tonghop::v1::BackupInstanceResponse> restored =
      tonghop::RestoreInstance(backup_dir, id, data_dir);
  if (!restored.ok()) {
    std::cerr << "tonghopd: restore: " << restored.status().message() << "\n";
    return 1;
  }
  std::cout << "tonghopd: restored backup " << restored->backup_id() << " of " << backup_dir
            << " (started " << absl::FormatTime(absl::RFC3339_sec,
                                                 absl::FromUnixSeconds(
                                                     restored->start_time().seconds()),
                                                 absl::UTCTimeZone())
            << ") into " << data_dir << ", verified:";
  for (const auto& store : restored->stores()) {
    std::cout << " " << store.store() << " (sequence " << store.sequence() << ")";
  }
  std::cout << ". Start tonghopd with --data-dir=" << data_dir
            << " (without --restore-from) to serve it." << std::endl;
  return 0;
}

// Where request log lines go, from --request-log; nullopt and a message on
// stderr when it cannot be opened.
std::optional<tonghop::RequestLogSink> RequestLogSinkFor(const std::string& where) {
  if (where == "none") return tonghop::RequestLogSink();
  int fd = STDERR_FILENO;
  if (where != "stderr") {
    fd = open(where.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
      std::cerr << "tonghopd: --request-log: cannot open " << where << ": "
                << std::strerror(errno) << "\n";
      return std::nullopt;
    }
  }
  // One write per line: lines from concurrent requests never interleave.
  return tonghop::RequestLogSink([fd](absl::string_view line) {
    ssize_t unused = write(fd, line.data(), line.size());
    (void)unused;
  });
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
    if (flags.errors.empty()) std::cerr << "tonghopd: --data-dir is required\n";
    std::cerr << kUsage;
    return 2;
  }
  if (flags.values.count("restore-from")) {
    return Restore(flags.values["restore-from"],
                   flags.values.count("backup-id") ? flags.values["backup-id"] : "",
                   flags.values["data-dir"]);
  }

  // Agencies given as flags travel in a header, where gRPC aborts on a value
  // that is not printable ASCII: a name ("Bộ Tư pháp") is a usage error here.
  std::string operator_agency = "agencies/bo-tu-phap";
  std::string upstream_agency;
  std::string bootstrap_agency;
  const std::pair<const char*, std::string*> agency_flags[] = {
      {"operator-agency", &operator_agency},
      {"upstream-agency", &upstream_agency},
      {"bootstrap-agency", &bootstrap_agency}};
  for (const auto& [flag, target] : agency_flags) {
    if (!flags.values.count(flag)) continue;
    std::string agency = flags.values[flag];
    std::string name =
        absl::StartsWith(agency, "agencies/") ? agency : absl::StrCat("agencies/", agency);
    if (!tonghop::ParseSimpleName(name, "agencies", flag).ok()) {
      std::cerr << "tonghopd: --" << flag << "=" << tonghop::QuoteInput(agency)
                << " is not an agency id (lowercase letters, digits and hyphens, e.g. "
                   "bo-tu-phap)\n";
      return 2;
    }
    *target = name;
  }
  if (flags.values.count("bootstrap-admin")) {
    tonghop::BootstrapOptions bootstrap;
    bootstrap.data_dir = flags.values["data-dir"];
    bootstrap.user_id = flags.values["bootstrap-admin"];
    bootstrap.operator_agency = operator_agency;
    bootstrap.agency = bootstrap_agency;
    return tonghop::RunBootstrapAdmin(std::move(bootstrap), std::cout, std::cerr);
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
  options.operator_agency = operator_agency;
  options.upstream_agency = upstream_agency;
  if (flags.values.count("session-lifetime")) {
    if (!absl::ParseDuration(flags.values["session-lifetime"], &options.session_lifetime) ||
        options.session_lifetime <= absl::ZeroDuration()) {
      std::cerr << "tonghopd: --session-lifetime: \"" << flags.values["session-lifetime"]
                << "\" is not a positive duration such as 12h or 30m\n";
      return 2;
    }
  }
  if (flags.values.count("upstream")) options.upstream = flags.values["upstream"];
  if (flags.values.count("smtp")) options.notices.smtp_relay = flags.values["smtp"];
  if (flags.values.count("smtp-from")) {
    options.notices.from = flags.values["smtp-from"];
    if (!tonghop::IsValidEmailAddress(options.notices.from)) {
      std::cerr << "tonghopd: --smtp-from: \"" << options.notices.from
                << "\" is not an e-mail address\n";
      return 2;
    }
  }
  if (flags.values.count("remind-days")) {
    options.notices.remind_days.clear();
    for (absl::string_view part :
         absl::StrSplit(flags.values["remind-days"], ',', absl::SkipEmpty())) {
      int days = 0;
      if (!absl::SimpleAtoi(part, &days) || days < 0 || days > 366) {
        std::cerr << "tonghopd: --remind-days: \"" << flags.values["remind-days"]
                  << "\" is not a list of days such as 7,1\n";
        return 2;
      }
      options.notices.remind_days.push_back(days);
    }
  }
  // Certificates and keys are read here; the host checks that they fit.
  const std::pair<const char*, std::string tonghop::TlsOptions::*> kPemFlags[] = {
      {"tls-cert", &tonghop::TlsOptions::cert_pem},
      {"tls-key", &tonghop::TlsOptions::key_pem},
      {"client-ca", &tonghop::TlsOptions::client_ca_pem},
      {"tls-ca", &tonghop::TlsOptions::ca_pem},
      {"instance-cert", &tonghop::TlsOptions::instance_cert_pem},
      {"instance-key", &tonghop::TlsOptions::instance_key_pem}};
  for (const auto& [flag, field] : kPemFlags) {
    if (!flags.values.count(flag)) continue;
    absl::StatusOr<std::string> pem =
        tonghop::ReadPemFile(absl::StrCat("--", flag), flags.values[flag]);
    if (!pem.ok()) {
      std::cerr << "tonghopd: " << pem.status().message() << "\n";
      return 2;
    }
    options.tls.*field = *std::move(pem);
  }
  if (flags.values.count("trust-domain")) {
    const std::string& domain = flags.values["trust-domain"];
    if (domain.empty() || domain == "true" ||
        domain.find_first_of("/:") != std::string::npos) {
      std::cerr << "tonghopd: --trust-domain must be a name such as tonghop (no / or :)\n";
      return 2;
    }
    options.auth.trust_domain = domain;
  }
  if (flags.values.count("insecure-dev-identity")) {
    const std::string& value = flags.values["insecure-dev-identity"];
    if (value != "true" && value != "false") {
      std::cerr << "tonghopd: --insecure-dev-identity takes no value (or =true, =false)\n";
      return 2;
    }
    options.auth.insecure_dev_identity = value == "true";
  }
  if (options.auth.insecure_dev_identity) {
    std::cerr << "tonghopd: --insecure-dev-identity: any program on this machine can act as "
                 "any agency with the x-tonghop-agency header; never use it in production"
              << std::endl;
  }
  if (flags.values.count("disk-free-warning")) {
    auto threshold = tonghop::storage::ParseDiskThreshold(flags.values["disk-free-warning"]);
    if (!threshold.ok()) {
      std::cerr << "tonghopd: --disk-free-warning: " << threshold.status().message() << "\n";
      return 2;
    }
    options.storage.low_disk_warning = *threshold;
  }
  if (flags.values.count("accept-data-loss")) {
    options.storage.accept_data_loss = true;
    std::cerr << "tonghopd: --accept-data-loss: a store whose write-ahead log is damaged or "
                 "short is opened without the writes it lost; each loss is recorded in the "
                 "store's tonghop-data-loss.log. Remove the flag after this start."
              << std::endl;
  }

  std::optional<tonghop::RequestLogSink> request_log = RequestLogSinkFor(
      flags.values.count("request-log") ? flags.values["request-log"] : "stderr");
  if (!request_log.has_value()) return 2;
  options.request_log = *std::move(request_log);

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
  const std::string listen_host = options.listen.substr(0, options.listen.rfind(':'));
  if (!options.tls.enabled() && !absl::StartsWith(listen_host, "127.") &&
      listen_host != "localhost" && listen_host != "[::1]") {
    std::cerr << "tonghopd: serving plaintext on " << options.listen
              << ": callers on the network cannot prove who they are and nothing is "
                 "encrypted; give --tls-cert and --tls-key (and --client-ca)"
              << std::endl;
  }
  std::string security = "plaintext";
  if (options.tls.enabled()) {
    security = options.tls.client_ca_pem.empty() ? "tls" : "mutual tls";
  }
  std::cout << "tonghopd listening on " << address << " (services: "
            << absl::StrJoin(options.services, ",") << "; data: " << options.data_dir << "; "
            << security << ")" << std::endl;

  // The HTTP gateway, when asked for; stopped before the services.
  std::function<void()> stop_http = [] {};
#ifdef TONGHOP_HAVE_GATEWAY
  std::unique_ptr<tonghop::gateway::HttpGateway> gateway;
  std::unique_ptr<tonghop::gateway::MonitoringServer> monitoring_server;
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
    // The gateway authenticates each HTTP caller with the server's
    // authenticator and calls the services in-process as that caller.
    tonghop::gateway::HttpGatewayOptions http;
    http.listen = flags.values["http"];
    http.backend = (*host)->InProcessChannel();
    http.authenticator = &(*host)->authenticator();
    http.static_dir = dashboard;
    http.tls = options.tls;
    http.readiness = [raw = host->get()] { return raw->NotReadyReasons(); };
    http.observer = ObserveHttp(host->get());
    http.clock = options.clock;
    auto started = tonghop::gateway::HttpGateway::Start(std::move(http));
    if (!started.ok()) {
      std::cerr << "tonghopd: " << started.status().message() << "\n";
      (*host)->Shutdown();
      return 1;
    }
    gateway = *std::move(started);
    stop_http = [g = gateway.get()] { g->Stop(); };
    std::cout << "tonghopd " << (options.tls.enabled() ? "https" : "http") << " on "
              << gateway->address() << std::endl;
#else
    std::cerr << "tonghopd: --http: this binary was built without the HTTP gateway\n";
    (*host)->Shutdown();
    return 2;
#endif
  }

  // The monitoring listener, when asked for.
  if (flags.values.count("metrics")) {
#ifdef TONGHOP_HAVE_GATEWAY
    tonghop::gateway::MonitoringServerOptions monitoring;
    monitoring.listen = flags.values["metrics"];
    tonghop::ServerHost* served = host->get();
    monitoring.metrics = [served] { return served->monitor().metrics().TextExposition(); };
    monitoring.readiness = [served] { return served->NotReadyReasons(); };
    monitoring.observer = ObserveHttp(served);
    auto started = tonghop::gateway::MonitoringServer::Start(std::move(monitoring));
    if (!started.ok()) {
      std::cerr << "tonghopd: " << started.status().message() << "\n";
      stop_http();
      (*host)->Shutdown();
      return 1;
    }
    // It stays up while the services drain, answering /readyz with 503
    // ("shutting down"), and stops when main returns.
    monitoring_server = *std::move(started);
    std::cout << "tonghopd metrics on " << monitoring_server->address() << std::endl;
#else
    std::cerr << "tonghopd: --metrics: this binary was built without the HTTP gateway\n";
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
