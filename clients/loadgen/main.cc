// tonghop-loadgen: the reporting-day benchmark.
//
// Generates a national hierarchy and plan, registers them through the
// Registry API, optionally loads past years of accepted reports, then has
// every agency submit this year's report concurrently while the focal
// agencies accept them and a dashboard reads the national picture; reports
// throughput, latency, freshness, memory, disk, restart and rebuild figures
// beside the limits (synced RocksDB writes, bare gRPC) measured in the same
// run. See docs/performance.md.

#include <unistd.h>

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
#include "clients/loadgen/limits.h"
#include "clients/loadgen/registration.h"
#include "clients/loadgen/results.h"
#include "clients/loadgen/rpc.h"
#include "clients/loadgen/server_process.h"
#include "clients/loadgen/workload.h"
#include "services/common/flags.h"
#include "services/common/period.h"
#include "tonghop/v1/aggregation_service.grpc.pb.h"
#include "tonghop/v1/submissions_service.pb.h"

namespace tonghop::loadgen {
namespace {

constexpr char kUsage[] = R"(usage: tonghop-loadgen (--spawn | --server=HOST:PORT) [options]
       tonghop-loadgen --federation --ministry=HOST:PORT --province-servers=HOST:PORT,...
                       [options]

The reporting-day benchmark: registers a generated country and plan, loads
past years, then every agency submits this year's report at once while the
provincial Departments of Justice accept them and a dashboard reads the
national roll-ups. Prints a summary; --json-out writes every figure.

  --scale=NAME            small (a test, seconds), medium, national (default small)
  --provinces=N --communes=N --departments=N --independent-bodies=N
  --tasks=N --indicators=N
                          override parts of the scale
  --years=N               past years of accepted reports to load first (default 0)
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
  --year=YYYY             the current year (default: this year, UTC+7)
  --seed=N                seed of the generated values (default 1)
  --limits=on|off         measure the RocksDB and gRPC limits (default on)
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

// Average serialized sizes of a SubmitRequest and of the Report the server
// answers with (the request's content plus the task titles and the fields
// the server fills in), over a sample of reporters.
std::pair<int, int> MessageSizes(const World& world) {
  std::map<std::string, std::string> titles;
  for (const auto& t : world.tasks()) titles[t.name()] = t.title();
  int64_t up = 0, down = 0;
  int n = std::min<int>(20, static_cast<int>(world.reporters().size()));
  for (int i = 0; i < n; ++i) {
    int r = i * static_cast<int>(world.reporters().size()) / n;
    v1::SubmitRequest request;
    *request.mutable_report() = world.BuildReport(r, world.current_year());
    request.set_name(request.report().name());
    request.set_request_id("00000000-0000-4000-8000-000000000000");
    up += static_cast<int64_t>(request.ByteSizeLong());
    v1::Report answer = request.report();
    for (auto& p : *answer.mutable_progress()) {
      p.set_title(titles[p.task()]);
      p.set_lead(true);
    }
    answer.set_agency(world.reporters()[r].agency);
    answer.set_plan(world.plan().name());
    answer.set_period(World::PeriodOf(world.current_year()));
    answer.set_state(v1::REPORT_STATE_SUBMITTED);
    answer.set_revision(1);
    answer.set_submitted_by(world.reporters()[r].agency);
    answer.set_on_time(true);
    answer.mutable_submit_time()->set_seconds(1'790'000'000);
    answer.mutable_submit_time()->set_nanos(123'456'789);
    *answer.mutable_first_submit_time() = answer.submit_time();
    *answer.mutable_due_time() = answer.submit_time();
    answer.set_etag("0123456789abcdef");
    down += static_cast<int64_t>(answer.ByteSizeLong());
  }
  return {static_cast<int>(up / n), static_cast<int>(down / n)};
}

// The national roll-up answering at `sequence` is what "serving on the
// full data set" means after a restart. Polls: the new process has no other
// way of saying it is ready.
absl::StatusOr<absl::Time> WaitUntilServing(const std::string& address, const World& world,
                                            int64_t sequence, absl::Duration timeout) {
  auto stub = v1::Aggregation::NewStub(NewDedicatedChannel(address));
  const absl::Time deadline = absl::Now() + timeout;
  std::string last_error;
  while (absl::Now() < deadline) {
    v1::RollupRequest request;
    request.set_plan(world.plan().name());
    request.set_period(World::PeriodOf(world.current_year()));
    request.set_agency(std::string(World::kMinistry));
    request.set_min_sequence(sequence);
    v1::RollupResponse response;
    grpc::Status status =
        stub->Rollup(CallAs(std::string(World::kMinistry), absl::Seconds(5)).get(), request,
                     &response);
    if (status.ok() && response.applied_sequence() >= sequence) return absl::Now();
    last_error = status.ok() ? "behind" : status.error_message();
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the restarted server did not serve the national roll-up at sequence ",
                   sequence, ": ", last_error));
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

  // The working directory: data, limit databases, the server's log.
  std::string work_dir = flags.Get("work-dir", "");
  // A directory the user named may hold their own files: only what this run
  // creates in it is removed at the end, and the directory itself only when
  // this run made it and nothing else is left in it.
  bool made_work_dir = false;
  bool own_work_dir = false;
  if (work_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/tonghop-loadgen-XXXXXX");
    if (!mkdtemp(pattern.data())) {
      std::cerr << "tonghop-loadgen: cannot create a directory like " << pattern << "\n";
      return 1;
    }
    work_dir = pattern;
    made_work_dir = true;
    own_work_dir = true;
  } else {
    std::error_code ec;
    work_dir = std::filesystem::absolute(work_dir).string();
    made_work_dir = !std::filesystem::exists(work_dir, ec);
    std::filesystem::create_directories(work_dir, ec);
    if (ec) {
      std::cerr << "tonghop-loadgen: cannot create " << work_dir << ": " << ec.message() << "\n";
      return 1;
    }
    for (const char* entry : {"data", "tonghopd.log", "limit-rocksdb-1", "limit-rocksdb-n"}) {
      if (std::filesystem::exists(std::filesystem::path(work_dir) / entry, ec)) {
        std::cerr << "tonghop-loadgen: " << work_dir << " already holds " << entry
                  << " (from an earlier run, or someone's own); name an empty directory or "
                     "remove it first\n";
        return 1;
      }
    }
  }
  const std::string data_dir = absl::StrCat(work_dir, "/data");
  const std::string log_path = absl::StrCat(work_dir, "/tonghopd.log");
  const bool keep_work_dir = flags.Has("keep-work-dir");
  const std::string plan_id = flags.Get(
      "plan-id", spawn ? "lg-ke-hoach-tai"
                       : absl::StrCat("lg-ke-hoach-tai-", absl::ToUnixSeconds(absl::Now())));

  RunResults results;
  results.machine = DescribeMachine(work_dir);
  const absl::Time run_start = absl::Now();
  Log(absl::StrCat("generating scale ", scale.name, " with ", years, " past years"));
  const World world = World::Generate(scale, plan_id, current_year, years, seed);
  results.scale = scale;
  results.plan = world.plan().name();
  results.current_year = current_year;
  results.history_years = years;
  results.concurrency = concurrency;
  results.reviewers = reviewers;
  results.reporters = static_cast<int>(world.reporters().size());
  results.values_per_report = world.ValuesPerReport();
  std::tie(results.request_bytes, results.response_bytes) = MessageSizes(world);
  for (const auto& [indicator, cells] : world.Expected(current_year, -1)) {
    results.expected_national_totals[indicator] = cells.at("");
  }

  auto finish = [&](int code_if_ok) {
    results.machine.load_at_end = LoadAverage();
    results.total_seconds = absl::ToDoubleSeconds(absl::Now() - run_start);
    PrintSummary(results, std::cout);
    if (flags.Has("json-out")) {
      std::ofstream out(flags.Get("json-out", ""));
      out << ToJson(results) << "\n";
      if (!out) std::cerr << "tonghop-loadgen: cannot write " << flags.Get("json-out", "") << "\n";
    }
    if (!keep_work_dir) {
      std::error_code ec;
      if (own_work_dir) {
        std::filesystem::remove_all(work_dir, ec);
      } else {
        for (const std::string& created :
             {data_dir, log_path, absl::StrCat(work_dir, "/limit-rocksdb-1"),
              absl::StrCat(work_dir, "/limit-rocksdb-n")}) {
          std::filesystem::remove_all(created, ec);
        }
        // Removes the directory only when empty: never anything this run did not make.
        if (made_work_dir) std::filesystem::remove(work_dir, ec);
      }
    } else {
      Log(absl::StrCat("kept ", work_dir));
    }
    return results.ok() ? code_if_ok : 1;
  };
  auto fatal = [&](const std::string& step, const absl::Status& status) {
    results.errors.push_back(absl::StrCat(step, ": ", status.message()));
    Log(absl::StrCat("FAILED ", step, ": ", status.message()));
    return finish(1);
  };

  // 1. Limits, right before the load, on the disk the data will be on.
  const int64_t round_values =
      static_cast<int64_t>(results.reporters) * results.values_per_report;
  if (limits) {
    const absl::Duration min_time = absl::Seconds(limit_seconds);
    Log("measuring the RocksDB synced WriteBatch limit (1 writer)");
    auto single = MeasureRocksDbLimit(absl::StrCat(work_dir, "/limit-rocksdb-1"), 1,
                                      results.values_per_report, round_values, min_time);
    if (!single.ok()) return fatal("RocksDB limit", single.status());
    results.rocksdb_single = *single;
    Log(absl::StrCat("measuring the RocksDB synced WriteBatch limit (", concurrency,
                     " writers)"));
    auto concurrent =
        MeasureRocksDbLimit(absl::StrCat(work_dir, "/limit-rocksdb-n"), concurrency,
                            results.values_per_report, round_values, min_time);
    if (!concurrent.ok()) return fatal("RocksDB limit", concurrent.status());
    results.rocksdb_concurrent = *concurrent;
    Log(absl::StrCat("measuring bare gRPC echo (", concurrency, " threads)"));
    auto echo = MeasureEchoLimit(concurrency, results.request_bytes, results.response_bytes,
                                 results.reporters, min_time);
    if (!echo.ok()) return fatal("gRPC echo limit", echo.status());
    results.echo = *echo;
  }

  // 2. The server.
  std::unique_ptr<TonghopdProcess> server;
  std::string address = flags.Get("server", "");
  const std::string tonghopd = flags.Get(
      "tonghopd", absl::StrCat(SelfDirectory(), "/../../services/server/tonghopd"));
  ServerFigures figures;
  if (spawn) {
    Log(absl::StrCat("starting ", tonghopd, " on ", data_dir));
    auto started = TonghopdProcess::Start(tonghopd, data_dir, log_path, absl::Seconds(60));
    if (!started.ok()) return fatal("start tonghopd", started.status());
    server = *std::move(started);
    address = server->address();
    figures.first_start_seconds = absl::ToDoubleSeconds(server->time_to_listen());
    results.server_mode = absl::StrCat("spawned tonghopd at ", address, " (log ", log_path, ")");
  } else {
    results.server_mode = absl::StrCat("running tonghopd at ", address);
  }

  // 3. Registration.
  RegistrationOptions registration;
  registration.address = address;
  registration.concurrency = concurrency;
  registration.dimensions_file =
      absl::StrCat(flags.Get("reference-data", TONGHOP_SOURCE_DIR "/deploy/data"),
                   "/dimensions.json");
  Log(absl::StrCat("registering ", world.provinces().size() + world.units().size(),
                   " agencies, ", world.indicators().size(), " indicators and ",
                   world.tasks().size(), " tasks"));
  auto registered = RegisterWorld(world, registration);
  if (!registered.ok()) return fatal("registration", registered.status());
  results.registration = *registered;

  WorkloadOptions options;
  options.address = address;
  options.aggregation_address = spawn ? "" : flags.Get("aggregation-server", "");
  options.concurrency = concurrency;
  options.reviewers = reviewers;
  options.dashboard = dashboard;
  options.log = Log;
  Workload workload(world, options);
  // A spawned server's feed starts empty.
  if (absl::Status s = workload.StartFeedWatcher(spawn ? std::optional<int64_t>(0) : std::nullopt);
      !s.ok()) {
    return fatal("feed watcher", s);
  }

  // 4. History, oldest first.
  int64_t stored_values = 0;
  std::vector<int> loaded_years;
  const absl::Time history_start = absl::Now();
  for (int year = world.first_year(); year < current_year; ++year) {
    Log(absl::StrCat("loading ", year, ": ", results.reporters, " reports"));
    auto round = workload.LoadYear(year);
    if (!round.ok()) return fatal(absl::StrCat("history ", year), round.status());
    results.history.push_back(*round);
    stored_values += round->accepted_values;
    loaded_years.push_back(year);
    if (round->errors > 0) {
      results.errors.push_back(absl::StrCat("history ", year, ": ", round->errors, " errors"));
    }
  }
  if (!results.history.empty()) {
    Log("waiting for the roll-ups to apply the history");
    auto waited = workload.WaitForAllApplied(absl::Hours(6));
    if (!waited.ok()) return fatal("history catch-up", waited.status());
    results.history_catch_up_seconds = *waited;
  }
  results.history_seconds = absl::ToDoubleSeconds(absl::Now() - history_start);

  // 5. The reporting day.
  Log(absl::StrCat("reporting day ", current_year, ": ", results.reporters,
                   " agencies submit, focal agencies accept, the dashboard reads"));
  const double client_cpu_before = OwnCpuSeconds();
  const double server_cpu_before = server ? server->CpuSeconds().value_or(0) : 0;
  const absl::Time ingest_start = absl::Now();
  auto ingest = workload.Ingest(current_year);
  results.ingest_wall_seconds = absl::ToDoubleSeconds(absl::Now() - ingest_start);
  results.ingest_client_cpu_seconds = OwnCpuSeconds() - client_cpu_before;
  if (server) figures.ingest_cpu_seconds = server->CpuSeconds().value_or(0) - server_cpu_before;
  if (!ingest.ok()) return fatal("ingest", ingest.status());
  results.ingest = *ingest;
  stored_values += ingest->round.accepted_values;
  loaded_years.push_back(current_year);
  Log(absl::StrCat("submitted ", ingest->round.submitted, ", accepted ",
                   ingest->round.accepted, ", errors ", ingest->round.errors));

  // 6. At rest: the dashboard alone, then a province's compiled report.
  Log("queries at rest");
  auto at_rest = workload.QueriesAtRest(at_rest_rounds);
  if (!at_rest.ok()) {
    results.errors.push_back(absl::StrCat("queries at rest: ", at_rest.status().message()));
  } else {
    results.at_rest = *at_rest;
  }
  Log("CompileReport");
  auto compiled = workload.Compile(0, current_year, compile_repetitions);
  if (!compiled.ok()) {
    results.errors.push_back(absl::StrCat("CompileReport: ", compiled.status().message()));
  } else {
    results.compile = *compiled;
  }
  if (verify) {
    Log("verifying what the server holds");
    results.verify = workload.Verify(loaded_years);
  }
  if (rebuild) {
    Log("RebuildAggregates");
    auto rebuilt = workload.Rebuild();
    if (!rebuilt.ok()) {
      results.errors.push_back(absl::StrCat("RebuildAggregates: ", rebuilt.status().message()));
    } else {
      results.rebuild = *rebuilt;
      if (verify) results.verify_after_rebuild = workload.Verify(loaded_years);
    }
  }
  const int64_t final_sequence = workload.feed_sequence();
  workload.StopFeedWatcher();

  // 7. What only a spawned server shows: memory, disk, restart.
  if (server) {
    auto peak = server->PeakRssBytes();
    if (peak.ok()) figures.peak_rss_bytes = *peak;
    Log("stopping tonghopd");
    auto stopped = server->Terminate(absl::Seconds(60));
    if (!stopped.ok()) {
      results.errors.push_back(absl::StrCat("shutdown: ", stopped.status().message()));
    } else {
      figures.shutdown_seconds = absl::ToDoubleSeconds(*stopped);
    }
    figures.disk = MeasureDisk(data_dir);
    figures.stored_values = stored_values;
    Log("restarting tonghopd on the full data set");
    auto restarted = TonghopdProcess::Start(tonghopd, data_dir, log_path, absl::Seconds(300));
    if (!restarted.ok()) {
      results.errors.push_back(absl::StrCat("restart: ", restarted.status().message()));
    } else {
      server = *std::move(restarted);
      figures.restart_listen_seconds = absl::ToDoubleSeconds(server->time_to_listen());
      auto serving =
          WaitUntilServing(server->address(), world, final_sequence, absl::Seconds(300));
      if (!serving.ok()) {
        results.errors.push_back(absl::StrCat("restart: ", serving.status().message()));
      } else {
        figures.restart_serve_seconds = absl::ToDoubleSeconds(*serving - server->started_at());
        auto rss = server->RssBytes();
        if (rss.ok()) figures.rss_after_restart_bytes = *rss;
        if (verify) {
          workload.SetAddress(server->address(), "");
          results.verify_after_restart = workload.Verify(loaded_years);
        }
      }
      auto peak_again = server->PeakRssBytes();
      if (peak_again.ok()) figures.peak_rss_bytes = std::max(figures.peak_rss_bytes, *peak_again);
      auto stopped_again = server->Terminate(absl::Seconds(60));
      if (!stopped_again.ok()) {
        results.errors.push_back(
            absl::StrCat("second shutdown: ", stopped_again.status().message()));
      }
    }
    results.server = figures;
  }
  Log("done");
  return finish(0);
}

}  // namespace
}  // namespace tonghop::loadgen

int main(int argc, char** argv) { return tonghop::loadgen::Run(argc, argv); }
