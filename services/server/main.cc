// tonghopd: the tonghop server. Hosts the registry, submissions and
// aggregation services (all by default, or those named by --services) on one
// gRPC port, each with its own RocksDB under --data-dir.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
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

// Where request log lines go, from --request-log.
absl::StatusOr<tonghop::RequestLogSink> RequestLogSinkFor(const std::string& where) {
  if (where == "none") return tonghop::RequestLogSink();
  int fd = STDERR_FILENO;
  if (where != "stderr") {
    fd = open(where.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0) {
      return absl::InvalidArgumentError(absl::StrCat("--request-log: cannot open ", where, ": ",
                                                     std::strerror(errno)));
    }
  }
  // One write per line: lines from concurrent requests never interleave.
  return tonghop::RequestLogSink([fd](absl::string_view line) {
    ssize_t unused = write(fd, line.data(), line.size());
    (void)unused;
  });
}

// The agencies named by flags. They travel in a header, where gRPC aborts
// on a value that is not printable ASCII: a name ("Bộ Tư pháp") is a usage
// error here.
struct AgencyFlags {
  std::string operator_agency = "agencies/bo-tu-phap";
  std::string upstream_agency;
  std::string bootstrap_agency;
};

absl::StatusOr<AgencyFlags> ReadAgencyFlags(const Flags& flags) {
  AgencyFlags agencies;
  const std::pair<const char*, std::string*> agency_flags[] = {
      {"operator-agency", &agencies.operator_agency},
      {"upstream-agency", &agencies.upstream_agency},
      {"bootstrap-agency", &agencies.bootstrap_agency}};
  for (const auto& [flag, target] : agency_flags) {
    auto it = flags.values.find(flag);
    if (it == flags.values.end()) continue;
    const std::string& agency = it->second;
    std::string name =
        absl::StartsWith(agency, "agencies/") ? agency : absl::StrCat("agencies/", agency);
    if (!tonghop::ParseSimpleName(name, "agencies", flag).ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag, "=", tonghop::QuoteInput(agency),
          " is not an agency id (lowercase letters, digits and hyphens, e.g. bo-tu-phap)"));
    }
    *target = name;
  }
  return agencies;
}

// What tonghopd serves, read from its flags.
struct ServeConfig {
  tonghop::ServerOptions options;
  // --now: the clock options.clock points at.
  std::unique_ptr<tonghop::Clock> shifted_clock;
  std::string port_file;
  // --http and --dashboard-dir, --metrics; empty when not asked for.
  std::string http;
  std::string dashboard_dir;
  std::string metrics;
};

// The value of `flag`, or "" when it is not given.
std::string FlagOr(const Flags& flags, const std::string& flag, const std::string& fallback = "") {
  auto it = flags.values.find(flag);
  return it == flags.values.end() ? fallback : it->second;
}

// The notices' flags: --smtp, --smtp-from, --remind-days.
absl::Status ReadNoticeFlags(const Flags& flags, tonghop::ServerOptions& options) {
  options.notices.smtp_relay = FlagOr(flags, "smtp", options.notices.smtp_relay);
  if (flags.values.count("smtp-from")) {
    options.notices.from = FlagOr(flags, "smtp-from");
    if (!tonghop::IsValidEmailAddress(options.notices.from)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--smtp-from: \"", options.notices.from, "\" is not an e-mail address"));
    }
  }
  if (flags.values.count("remind-days")) {
    options.notices.remind_days.clear();
    const std::string list = FlagOr(flags, "remind-days");
    for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipEmpty())) {
      int days = 0;
      if (!absl::SimpleAtoi(part, &days) || days < 0 || days > 366) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--remind-days: \"", list, "\" is not a list of days such as 7,1"));
      }
      options.notices.remind_days.push_back(days);
    }
  }
  return absl::OkStatus();
}

// The identity flags: certificates and keys (read here; the host checks
// that they fit), --trust-domain, --insecure-dev-identity.
absl::Status ReadIdentityFlags(const Flags& flags, tonghop::ServerOptions& options) {
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
        tonghop::ReadPemFile(absl::StrCat("--", flag), FlagOr(flags, flag));
    if (!pem.ok()) return pem.status();
    options.tls.*field = *std::move(pem);
  }
  if (flags.values.count("trust-domain")) {
    const std::string domain = FlagOr(flags, "trust-domain");
    if (domain.empty() || domain == "true" || domain.find_first_of("/:") != std::string::npos) {
      return absl::InvalidArgumentError(
          "--trust-domain must be a name such as tonghop (no / or :)");
    }
    options.auth.trust_domain = domain;
  }
  if (flags.values.count("insecure-dev-identity")) {
    const std::string value = FlagOr(flags, "insecure-dev-identity");
    if (value != "true" && value != "false") {
      return absl::InvalidArgumentError(
          "--insecure-dev-identity takes no value (or =true, =false)");
    }
    options.auth.insecure_dev_identity = value == "true";
  }
  return absl::OkStatus();
}

// Everything main() needs to serve; an error is a usage error.
absl::StatusOr<ServeConfig> ReadServeConfig(const Flags& flags, const AgencyFlags& agencies) {
  ServeConfig config;
  tonghop::ServerOptions& options = config.options;
  options.data_dir = FlagOr(flags, "data-dir");
  options.listen = FlagOr(flags, "listen", "127.0.0.1:7070");
  options.factories = tonghop::AllServiceFactories();
  if (flags.values.count("services")) {
    options.services = absl::StrSplit(FlagOr(flags, "services"), ',', absl::SkipEmpty());
  } else {
    for (const char* s : {"registry", "submissions", "aggregation"}) {
      if (options.factories.count(s)) options.services.push_back(s);
    }
  }
  for (const char* s : {"registry", "submissions", "aggregation"}) {
    auto it = flags.values.find(absl::StrCat(s, "-address"));
    if (it != flags.values.end()) options.remote_addresses[s] = it->second;
  }
  options.operator_agency = agencies.operator_agency;
  options.upstream_agency = agencies.upstream_agency;
  if (flags.values.count("session-lifetime")) {
    const std::string lifetime = FlagOr(flags, "session-lifetime");
    if (!absl::ParseDuration(lifetime, &options.session_lifetime) ||
        options.session_lifetime <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--session-lifetime: \"", lifetime, "\" is not a positive duration such as 12h or 30m"));
    }
  }
  options.upstream = FlagOr(flags, "upstream", options.upstream);
  if (absl::Status s = ReadNoticeFlags(flags, options); !s.ok()) return s;
  if (absl::Status s = ReadIdentityFlags(flags, options); !s.ok()) return s;
  if (options.auth.insecure_dev_identity) {
    std::cerr << "tonghopd: --insecure-dev-identity: any program on this machine can act as "
                 "any agency with the x-tonghop-agency header; never use it in production"
              << std::endl;
  }
  if (flags.values.count("disk-free-warning")) {
    auto threshold = tonghop::storage::ParseDiskThreshold(FlagOr(flags, "disk-free-warning"));
    if (!threshold.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--disk-free-warning: ", threshold.status().message()));
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
  absl::StatusOr<tonghop::RequestLogSink> request_log =
      RequestLogSinkFor(FlagOr(flags, "request-log", "stderr"));
  if (!request_log.ok()) return request_log.status();
  options.request_log = *std::move(request_log);
  if (flags.values.count("now")) {
    absl::Time start;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, FlagOr(flags, "now"), &start, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("--now: ", error));
    }
    config.shifted_clock = std::make_unique<tonghop::ShiftedClock>(start);
    options.clock = config.shifted_clock.get();
    std::cerr << "tonghopd: the clock starts at " << FlagOr(flags, "now")
              << " (--now), not the real time" << std::endl;
  }
  config.port_file = FlagOr(flags, "port-file");
  config.http = FlagOr(flags, "http");
  config.dashboard_dir = FlagOr(flags, "dashboard-dir");
  config.metrics = FlagOr(flags, "metrics");
  return config;
}

// Says where the server listens and how callers are identified.
void AnnounceListening(const ServeConfig& config, const std::string& address) {
  const tonghop::ServerOptions& options = config.options;
  if (!config.port_file.empty()) {
    std::string tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << address << "\n";
    std::rename(tmp.c_str(), config.port_file.c_str());
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
}

// The HTTP gateway (--http) and the monitoring listener (--metrics) of a
// running host. Not thread-safe; StopGateway() may be called from the
// signal thread once Start() has returned. The monitoring listener stays up
// while the services drain, answering /readyz with 503 ("shutting down"),
// and stops when this is destroyed.
class HttpListeners {
 public:
  // A usage error when this binary has no gateway (FAILED_PRECONDITION), the
  // listener's own error otherwise.
  absl::Status Start(const ServeConfig& config, tonghop::ServerHost* host) {
    if (config.http.empty() && config.metrics.empty()) return absl::OkStatus();
#ifdef TONGHOP_HAVE_GATEWAY
    if (!config.http.empty()) {
      std::string dashboard = config.dashboard_dir;
#ifdef TONGHOP_DEFAULT_DASHBOARD_DIR
      if (dashboard.empty() &&
          std::filesystem::exists(TONGHOP_DEFAULT_DASHBOARD_DIR "/index.html")) {
        dashboard = TONGHOP_DEFAULT_DASHBOARD_DIR;
      }
#endif
      // The gateway authenticates each HTTP caller with the server's
      // authenticator and calls the services in-process as that caller.
      tonghop::gateway::HttpGatewayOptions http;
      http.listen = config.http;
      http.backend = host->InProcessChannel();
      http.authenticator = &host->authenticator();
      http.static_dir = dashboard;
      http.tls = config.options.tls;
      http.readiness = [host] { return host->NotReadyReasons(); };
      http.observer = ObserveHttp(host);
      http.clock = config.options.clock;
      auto started = tonghop::gateway::HttpGateway::Start(std::move(http));
      if (!started.ok()) return started.status();
      gateway_ = *std::move(started);
      std::cout << "tonghopd " << (config.options.tls.enabled() ? "https" : "http") << " on "
                << gateway_->address() << std::endl;
    }
    if (!config.metrics.empty()) {
      tonghop::gateway::MonitoringServerOptions monitoring;
      monitoring.listen = config.metrics;
      monitoring.metrics = [host] { return host->monitor().metrics().TextExposition(); };
      monitoring.readiness = [host] { return host->NotReadyReasons(); };
      monitoring.observer = ObserveHttp(host);
      auto started = tonghop::gateway::MonitoringServer::Start(std::move(monitoring));
      if (!started.ok()) return started.status();
      monitoring_ = *std::move(started);
      std::cout << "tonghopd metrics on " << monitoring_->address() << std::endl;
    }
    return absl::OkStatus();
#else
    return absl::FailedPreconditionError(
        absl::StrCat(config.http.empty() ? "--metrics" : "--http",
                     ": this binary was built without the HTTP gateway"));
#endif
  }

  // Stops the gateway (before the services, so no request finds them gone).
  void StopGateway() {
#ifdef TONGHOP_HAVE_GATEWAY
    if (gateway_ != nullptr) gateway_->Stop();
#endif
  }

 private:
#ifdef TONGHOP_HAVE_GATEWAY
  std::unique_ptr<tonghop::gateway::HttpGateway> gateway_;
  std::unique_ptr<tonghop::gateway::MonitoringServer> monitoring_;
#endif
};

// Serves until SIGTERM or SIGINT (blocked in every thread by the caller).
int Serve(const ServeConfig& config, sigset_t signals) {
  auto host = tonghop::ServerHost::Start(config.options);
  if (!host.ok()) {
    std::cerr << "tonghopd: " << host.status().message() << "\n";
    return 1;
  }
  tonghop::ServerHost* raw = host->get();
  AnnounceListening(config, raw->address());
  HttpListeners listeners;
  if (absl::Status started = listeners.Start(config, raw); !started.ok()) {
    std::cerr << "tonghopd: " << started.message() << "\n";
    listeners.StopGateway();
    raw->Shutdown();
    return absl::IsFailedPrecondition(started) ? 2 : 1;
  }
  std::thread signal_waiter([raw, &signals, &listeners] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "tonghopd: received " << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
              << ", shutting down" << std::endl;
    listeners.StopGateway();
    raw->Shutdown();
  });
  raw->Wait();
  signal_waiter.join();
  std::cerr << "tonghopd: stopped" << std::endl;
  return 0;
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
    return Restore(FlagOr(flags, "restore-from"), FlagOr(flags, "backup-id"),
                   FlagOr(flags, "data-dir"));
  }
  absl::StatusOr<AgencyFlags> agencies = ReadAgencyFlags(flags);
  if (!agencies.ok()) {
    std::cerr << "tonghopd: " << agencies.status().message() << "\n";
    return 2;
  }
  if (flags.values.count("bootstrap-admin")) {
    tonghop::BootstrapOptions bootstrap;
    bootstrap.data_dir = FlagOr(flags, "data-dir");
    bootstrap.user_id = FlagOr(flags, "bootstrap-admin");
    bootstrap.operator_agency = agencies->operator_agency;
    bootstrap.agency = agencies->bootstrap_agency;
    return tonghop::RunBootstrapAdmin(std::move(bootstrap), std::cout, std::cerr);
  }

  // Block the shutdown signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<ServeConfig> config = ReadServeConfig(flags, *agencies);
  if (!config.ok()) {
    std::cerr << "tonghopd: " << config.status().message() << "\n";
    return 2;
  }
  return Serve(*config, signals);
}
