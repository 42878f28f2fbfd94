// tonghop-loadgen: the reporting-day benchmark.
//
// Generates a national hierarchy and plan, registers them through the
// Registry API, optionally loads past years of accepted reports, then has
// every agency submit this year's report concurrently while the focal
// agencies accept them and a dashboard reads the national picture; reports
// throughput, latency, freshness, memory, disk, restart and rebuild figures
// beside the limits (synced RocksDB writes of values and of whole reports,
// bare gRPC) measured in the same run, and judges the targets against them.
// See docs/performance.md.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/client/connection.h"
#include "clients/loadgen/federation.h"
#include "clients/loadgen/generator.h"
#include "clients/loadgen/reporting_day.h"
#include "clients/loadgen/rpc.h"
#include "services/common/flags.h"
#include "services/common/period.h"

namespace tonghop::loadgen {
namespace {

constexpr char kUsage[] = R"(usage: tonghop-loadgen (--spawn | --server=HOST:PORT) [options]
       tonghop-loadgen --federation --ministry=HOST:PORT --province-servers=HOST:PORT,...
                       [options]

The reporting-day benchmark: registers a generated country and plan, loads
past years, then every agency submits this year's report at once while the
provincial Departments of Justice accept them and a dashboard reads the
national roll-ups. Prints a summary and judges the performance targets
(docs/performance.md), the two rates as fractions of limits measured in the
same run; --json-out writes every figure.

  --scale=NAME            small (a test, seconds), medium, national (default small)
  --provinces=N --communes=N --departments=N --independent-bodies=N
  --tasks=N --indicators=N
  --historical-provinces=N --districts=N --historical-communes=N
                          override parts of the scale (the last three: the
                          hierarchy before 1 July 2025)
  --years=N               past years of accepted reports to load first (default
                          0); years before 2025 are reported on the historical
                          hierarchy (more provinces, their districts and
                          communes, dissolved on 30/06/2025 with successors),
                          2025 and later on today's
  --concurrency=N         submitting client threads, each its own channel (default 8)
  --reviewers=N           accepting client threads (default concurrency/2)
  --server=HOST:PORT      use a running tonghopd
  --aggregation-server=HOST:PORT
                          where the Aggregation service runs, when tonghopd is
                          split into processes (default: --server)
  --spawn                 start a tonghopd child on a temporary data directory;
                          also measures peak RSS, disk, restart time
  --tonghopd=PATH         the tonghopd binary for --spawn (default: the one built
                          beside this binary)
  --work-dir=DIR          where the data and the limit measurements go (default:
                          a new directory under $TMPDIR); use the server's disk;
                          a directory you name keeps everything else in it
  --keep-work-dir         do not remove what the run made there at the end
  --plan-id=ID            the generated plan's id (default lg-ke-hoach-tai with
                          --spawn, else lg-ke-hoach-tai-UNIXTIME)
  --year=YYYY             the current year, 2025 or later (default: this year,
                          UTC+7)
  --seed=N                seed of the generated values (default 1)
  --limits=on|off         measure the limits (default on): synced RocksDB
                          WriteBatches of one report's values (1 writer and
                          --concurrency writers), synced report-sized
                          WriteBatches as a Submit writes them and bare gRPC
                          echo calls (--concurrency of each); submit is judged
                          on the lower of the last two
  --limit-seconds=S       minimum time of each limit measurement (default 2)
  --dashboard=on|off      read the dashboard while ingesting (default on)
  --at-rest-rounds=N      rounds of each dashboard query at rest (default 50)
  --compile-repetitions=N CompileReport calls per format (default 5)
  --rebuild=on|off        time RebuildAggregates (default on)
  --verify=on|off         check what the server holds against the generated
                          values (default on)
  --reference-data=DIR    deploy/data, for dimensions missing from the registry
  --json-out=FILE         write every figure as JSON
  --tls-ca=PEM            reach --server over TLS, trusting this CA
                          (default $TONGHOP_TLS_CA)
  --cert=PEM --key=PEM    and present this client certificate (default
                          $TONGHOP_CERT, $TONGHOP_KEY): every call is then made
                          as its holder. The reporting day acts as thousands of
                          agencies, which it names with the development header:
                          use --tls-ca alone, against a server on this machine
                          run with --insecure-dev-identity (--spawn does that,
                          in plaintext)

Federation (deploy/federation-drill.sh, docs/federation.md): the Ministry's
instance and one instance per generated province, already running (each
province's with --upstream to the Ministry's), reached with --tls-ca and the
development header; --provinces must equal the number of province servers.
Registers the provinces and a national plan on the Ministry's, each
province's agencies and plan (feeding the national one) on its own; then
every agency submits to its province and is accepted, calls retried while a
server is down, and prints reports accepted and figures the Ministry holds
per province, lost, counted twice, national = provincial = generated totals
and acceptance -> national figure p50/p99. Servers may be killed and
restarted on the same addresses meanwhile.
  --federation            this mode (--scale, --provinces, --communes,
                          --departments, --independent-bodies, --tasks,
                          --indicators, --year, --seed, --concurrency,
                          --reference-data, --tls-ca apply)
  --ministry=HOST:PORT    the Ministry's instance
  --province-servers=LIST province 1's instance, province 2's, …
  --national-plan-id=ID   the national plan's id (default lg-quoc-gia)
  --progress-file=FILE    rewritten with "accepted N of M" as reports are
                          accepted (the drill kills servers at given points)
  --hold-at=H1,H2,…       before report H (0-based) the load waits until
                          FILE.release-H exists, FILE being --progress-file;
                          the progress line then ends "held H" (the drill
                          kills servers there, however fast the machine)
  --rate=R                reports submitted per second at most (default: as fast
                          as the servers take them)
  --settle-timeout=S      seconds the Ministry may take after the last
                          accept to hold every province's figures (default 600)

Exit status: 0 when every report was submitted and accepted and every
verification passed, 1 otherwise, 2 for bad options.
)";

const absl::Time kProcessStart = absl::Now();

void Log(const std::string& message) {
  std::cerr << absl::StrFormat("[%7.1f s] ", absl::ToDoubleSeconds(absl::Now() - kProcessStart))
            << message << std::endl;
}

// What the command line gave, and the errors found reading it (each bad
// value is named, then the usage printed once).
struct Flags {
  tonghop::ParsedFlags parsed;
  std::vector<std::string> errors;

  bool Has(const std::string& key) const { return parsed.Has(key); }
  std::string Get(const std::string& key, const std::string& fallback) const {
    return parsed.Get(key, fallback);
  }
  int Int(const std::string& key, int fallback) { return Read(parsed.Int(key, fallback), fallback); }
  double Double(const std::string& key, double fallback) {
    return Read(parsed.Double(key, fallback), fallback);
  }
  bool OnOff(const std::string& key, bool fallback) {
    return Read(parsed.OnOff(key, fallback), fallback);
  }

 private:
  template <typename T>
  T Read(absl::StatusOr<T> value, T fallback) {
    if (value.ok()) return *value;
    errors.push_back(std::string(value.status().message()));
    return fallback;
  }
};

Flags ParseFlags(int argc, char** argv) {
  static const std::vector<std::string> kDeclared = {
      "scale=NAME", "provinces=N", "communes=N", "departments=N", "independent-bodies=N",
      "historical-provinces=N", "districts=N", "historical-communes=N",
      "tasks=N", "indicators=N", "years=N", "concurrency=N", "reviewers=N",
      "server=HOST:PORT", "spawn", "tonghopd=PATH", "work-dir=DIR", "keep-work-dir",
      "aggregation-server=HOST:PORT", "plan-id=ID", "year=YYYY", "seed=N", "limits=on|off",
      "limit-seconds=S", "dashboard=on|off", "at-rest-rounds=N", "compile-repetitions=N",
      "rebuild=on|off", "verify=on|off", "reference-data=DIR", "json-out=FILE", "tls-ca=PEM",
      "cert=PEM", "key=PEM", "help", "federation", "ministry=HOST:PORT",
      "province-servers=LIST", "national-plan-id=ID", "progress-file=FILE",
      "settle-timeout=S", "rate=R", "hold-at=LIST"};
  Flags flags;
  absl::StatusOr<tonghop::ParsedFlags> parsed =
      tonghop::ParseFlatCommandLine(argc, argv, kDeclared);
  if (parsed.ok()) {
    flags.parsed = *std::move(parsed);
  } else {
    flags.errors.push_back(std::string(parsed.status().message()));
  }
  return flags;
}

std::string SelfDirectory() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "." : self.parent_path().string();
}

int CurrentYearInVietnam() {
  return static_cast<int>(
      absl::ToCivilYear(absl::Now(), VietnamTime()).year());
}

// --federation: see kUsage and clients/loadgen/federation.h.
int RunFederationMode(Flags& flags, const Scale& scale, int current_year, int seed,
                      int concurrency) {
  FederationOptions options;
  options.ministry = flags.Get("ministry", "");
  options.provinces = absl::StrSplit(flags.Get("province-servers", ""), ',', absl::SkipEmpty());
  options.national_plan_id = flags.Get("national-plan-id", options.national_plan_id);
  options.progress_file = flags.Get("progress-file", "");
  options.settle_timeout = absl::Seconds(flags.Int("settle-timeout", 600));
  options.concurrency = concurrency;
  options.rate = flags.Double("rate", 0);
  for (absl::string_view hold :
       absl::StrSplit(flags.Get("hold-at", ""), ',', absl::SkipEmpty())) {
    int64_t report = 0;
    if (!absl::SimpleAtoi(hold, &report) || report <= 0 ||
        (!options.hold_at.empty() && report <= options.hold_at.back())) {
      flags.errors.push_back(absl::StrCat("--hold-at: \"", hold,
                                          "\" is not a whole number above the one before it"));
      continue;
    }
    options.hold_at.push_back(report);
  }
  if (!options.hold_at.empty() && options.progress_file.empty()) {
    flags.errors.push_back("--hold-at needs --progress-file");
  }
  options.dimensions_file = absl::StrCat(
      flags.Get("reference-data", TONGHOP_SOURCE_DIR "/deploy/data"), "/dimensions.json");
  options.log = Log;
  if (static_cast<int>(options.provinces.size()) != scale.provinces) {
    std::cerr << "tonghop-loadgen: --provinces=" << scale.provinces << " but "
              << options.provinces.size() << " --province-servers\n";
    return 2;
  }
  if (!flags.errors.empty()) {
    for (const auto& e : flags.errors) std::cerr << "tonghop-loadgen: " << e << "\n";
    return 2;
  }
  Log(absl::StrCat("generating ", scale.provinces, " provinces, ", scale.communes,
                   " communes in all"));
  const World world = World::Generate(scale, "lg-ke-hoach-tai", current_year, 0, seed);
  absl::StatusOr<FederationResult> result = RunFederation(world, options);
  if (!result.ok()) {
    std::cerr << "tonghop-loadgen: federation: " << result.status() << "\n";
    return 1;
  }
  PrintFederation(*result, std::cout);
  return result->ok() ? 0 : 1;
}

int Run(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  if (flags.Has("help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!flags.errors.empty()) {  // an unknown option: nothing else is read
    std::cerr << "tonghop-loadgen: " << flags.errors.front() << "\n" << kUsage;
    return 2;
  }
  const bool spawn = flags.Has("spawn");
  const bool federation = flags.Has("federation");
  if (federation) {
    if (spawn || flags.Has("server")) {
      flags.errors.push_back("--federation names its servers with --ministry and "
                             "--province-servers, not --spawn or --server");
    }
    if (!flags.Has("ministry") || !flags.Has("province-servers")) {
      flags.errors.push_back("--federation needs --ministry and --province-servers");
    }
  } else if (spawn == flags.Has("server")) {
    flags.errors.push_back("give exactly one of --spawn and --server=HOST:PORT");
  }
  absl::StatusOr<Scale> named = NamedScale(flags.Get("scale", "small"));
  if (!named.ok()) flags.errors.push_back(std::string(named.status().message()));
  Scale scale = named.ok() ? *named : Scale();
  scale.provinces = flags.Int("provinces", scale.provinces);
  scale.communes = flags.Int("communes", scale.communes);
  // More provinces today than the scale had before 2025 stretch the
  // historical hierarchy to match unless it is given too.
  scale.historical_provinces = flags.Int(
      "historical-provinces", std::max(scale.historical_provinces, scale.provinces));
  scale.historical_districts =
      flags.Int("districts", std::max(scale.historical_districts, scale.historical_provinces));
  scale.historical_communes = flags.Int("historical-communes", scale.historical_communes);
  scale.departments_per_province = flags.Int("departments", scale.departments_per_province);
  scale.independent_bodies_per_province =
      flags.Int("independent-bodies", scale.independent_bodies_per_province);
  scale.tasks = flags.Int("tasks", scale.tasks);
  scale.indicators = flags.Int("indicators", scale.indicators);
  const int years = flags.Int("years", 0);
  const int concurrency = flags.Int("concurrency", 8);
  const int reviewers = flags.Int("reviewers", std::max(1, concurrency / 2));
  const int current_year = flags.Int("year", CurrentYearInVietnam());
  const int seed = flags.Int("seed", 1);
  const bool limits = flags.OnOff("limits", true);
  const double limit_seconds = flags.Double("limit-seconds", 2);
  const bool dashboard = flags.OnOff("dashboard", true);
  const int at_rest_rounds = flags.Int("at-rest-rounds", 50);
  const int compile_repetitions = flags.Int("compile-repetitions", 5);
  const bool rebuild = flags.OnOff("rebuild", true);
  const bool verify = flags.OnOff("verify", true);
  if (named.ok()) {
    if (absl::Status s = ValidateScale(scale); !s.ok()) {
      flags.errors.push_back(std::string(s.message()));
    }
  }
  if (years < 0 || years > 50) flags.errors.push_back("--years: must be 0 to 50");
  if (absl::Status s = CheckCurrentYear(current_year); !s.ok()) {
    flags.errors.push_back(std::string(s.message()));
  }
  if (concurrency < 1 || concurrency > 256) flags.errors.push_back("--concurrency: 1 to 256");
  if (reviewers < 1 || reviewers > 256) flags.errors.push_back("--reviewers: 1 to 256");
  // A spawned server is plaintext: the environment's TLS files are for
  // servers named with --server.
  client::TlsFiles tls_files = spawn ? client::TlsFiles() : client::TlsFilesFromEnvironment();
  if (flags.Has("tls-ca")) tls_files.ca = flags.Get("tls-ca", "");
  if (flags.Has("cert")) tls_files.cert = flags.Get("cert", "");
  if (flags.Has("key")) tls_files.key = flags.Get("key", "");
  absl::StatusOr<ClientTlsOptions> tls = client::ReadClientTls(tls_files);
  if (!tls.ok()) flags.errors.push_back(std::string(tls.status().message()));
  if (tls.ok() && tls->enabled() && spawn) {
    flags.errors.push_back(
        "--spawn starts a plaintext tonghopd on loopback; --tls-ca, --cert and --key are for "
        "--server");
  }
  if (!flags.errors.empty()) {
    for (const auto& e : flags.errors) std::cerr << "tonghop-loadgen: " << e << "\n";
    std::cerr << kUsage;
    return 2;
  }
  if (federation) {
    SetServerTls(*std::move(tls));
    return RunFederationMode(flags, scale, current_year, seed, concurrency);
  }
  if (tls->has_certificate()) {
    Log("--cert: every call is made as the certificate's holder, without the development "
        "header; submissions as other agencies will be refused");
  }
  SetServerTls(*std::move(tls));

  ReportingDayOptions day;
  day.scale = scale;
  day.years = years;
  day.current_year = current_year;
  day.seed = seed;
  day.concurrency = concurrency;
  day.reviewers = reviewers;
  day.spawn = spawn;
  day.tonghopd =
      flags.Get("tonghopd", absl::StrCat(SelfDirectory(), "/../../services/server/tonghopd"));
  day.server = flags.Get("server", "");
  day.aggregation_server = flags.Get("aggregation-server", "");
  day.plan_id = flags.Get(
      "plan-id", spawn ? "lg-ke-hoach-tai"
                       : absl::StrCat("lg-ke-hoach-tai-", absl::ToUnixSeconds(absl::Now())));
  day.dimensions_file = absl::StrCat(
      flags.Get("reference-data", TONGHOP_SOURCE_DIR "/deploy/data"), "/dimensions.json");
  day.limits = limits;
  day.limit_seconds = limit_seconds;
  day.dashboard = dashboard;
  day.at_rest_rounds = at_rest_rounds;
  day.compile_repetitions = compile_repetitions;
  day.rebuild = rebuild;
  day.verify = verify;
  day.work_dir = flags.Get("work-dir", "");
  day.keep_work_dir = flags.Has("keep-work-dir");
  day.json_out = flags.Get("json-out", "");
  day.log = Log;
  return RunReportingDay(day);
}

}  // namespace
}  // namespace tonghop::loadgen

int main(int argc, char** argv) { return tonghop::loadgen::Run(argc, argv); }
