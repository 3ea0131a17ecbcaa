// hyperlab-load: drives a coordinator with simulated workers over real gRPC and measures it (issue 13).
//
// N workers x S slots (worker_fleet.h) loop AcquireTrials -> ReportTrials x R -> CompleteTrials on K
// bayesian and M random studies (Branin, synthetic task, large budgets), optionally with W WatchStudy
// streams on the first random study (study_watchers.h) and a SIGKILL + restart of the coordinator in the
// middle. Each phase prints durable trials/s (completions acknowledged OK), Acquire/Report/Complete latency
// p50/p99/max and errors by code; `--format json` prints the same as one JSON document (load_report.h).
// Without --target it starts --coordinator-bin itself on a free loopback port and a temporary journal;
// --null-coordinator serves one that does nothing (null_coordinator.h), to measure the generator itself.
//
// Usage: hyperlab-load [--workers 1000] [--slots 1] [--random-studies 1] [--bayesian-studies 16]
//          [--phases warmup:5,steady:20] [--restart-at 12] [--watchers 1000] [--format json] ...
//        (hyperlab-load --help lists every option; docs/scale.md has the scenarios.)
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "grpcpp/grpcpp.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "proto/limits.h"
#include "tools/bench/load/completion_queue_pool.h"
#include "tools/bench/load/coordinator_process.h"
#include "tools/bench/load/load_report.h"
#include "tools/bench/load/null_coordinator.h"
#include "tools/bench/load/phase_stats.h"
#include "tools/bench/load/study_watchers.h"
#include "tools/bench/load/worker_fleet.h"

namespace hyperlab::bench::load {
namespace {

struct Phase {
  std::string name;
  double seconds = 0;
};

struct Flags {
  std::string coordinator_bin = "build/coordinator/hyperlab-coordinator";
  std::vector<std::string> coordinator_args;
  std::string target;
  bool null_coordinator = false;
  std::string data_dir;
  FleetOptions fleet;
  int random_studies = 1;
  int bayesian_studies = 0;
  int budget = 1000000;
  int bayesian_parallel = 4;
  int watchers = 0;
  int threads = 2;
  int channels = 0;
  std::string phases = "warmup:5,measure:20";
  double restart_at = 0;
  double progress_seconds = 3;
  std::string format = "table";
  std::string study_prefix;
};

absl::StatusOr<std::vector<Phase>> ParsePhases(const std::string& text) {
  std::vector<Phase> phases;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(item, ':');
    Phase phase;
    if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtod(parts[1], &phase.seconds) ||
        !(phase.seconds > 0 && phase.seconds <= 86400)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--phases: `", item, "` is not NAME:SECONDS with 0 < SECONDS <= 86400"));
    }
    phase.name = parts[0];
    phases.push_back(phase);
  }
  if (phases.empty()) return absl::InvalidArgumentError("--phases: no phase given");
  return phases;
}

double CpuSecondsOfSelf() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double LoadAverage() {
  double load[1] = {-1};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Reconnect quickly after a restart, as hyperlab-worker does, so the restart figures are the
    // coordinator's and not gRPC's default backoff (1 s growing to 120 s).
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // A distinct argument and a private subchannel pool: each channel is its own TCP connection, as
    // separate worker processes would have.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("hyperlab.load.channel", i);
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

v1::StudySpec StudySpecFor(const std::string& name, bool bayesian, const Flags& flags, uint64_t seed) {
  v1::StudySpec spec;
  spec.set_name(name);
  spec.set_hypothesis("hyperlab-load: simulated workers, synthetic Branin, no work done");
  spec.mutable_objective()->set_metric("value");
  spec.mutable_objective()->set_goal(v1::Objective::MINIMIZE);
  const std::pair<const char*, std::pair<double, double>> params[] = {{"x1", {-5, 10}}, {"x2", {0, 15}}};
  for (const auto& [param, range] : params) {
    v1::ParameterSpec* p = spec.add_parameters();
    p->set_name(param);
    p->mutable_double_range()->set_min(range.first);
    p->mutable_double_range()->set_max(range.second);
  }
  if (bayesian) {
    spec.mutable_algorithm()->mutable_bayesian()->set_seed(seed);
  } else {
    spec.mutable_algorithm()->mutable_random()->set_seed(seed);
  }
  spec.mutable_budget()->set_max_trials(flags.budget);
  // Random studies: as parallel as the limits allow (every simulated slot may hold one of their trials).
  spec.mutable_budget()->set_max_parallel(bayesian ? flags.bayesian_parallel
                                                   : std::min<int>(flags.budget, hyperlab::kMaxParallel));
  spec.mutable_task()->mutable_synthetic()->set_function("branin");
  spec.add_tags("hyperlab-load");
  return spec;
}

absl::Status CreateStudies(const std::shared_ptr<grpc::Channel>& channel, const Flags& flags,
                           std::vector<std::string>* names, std::vector<int64_t>* ids) {
  auto stub = v1::StudyService::NewStub(channel);
  for (int i = 0; i < flags.random_studies + flags.bayesian_studies; ++i) {
    const bool bayesian = i >= flags.random_studies;
    const std::string name = bayesian
                                 ? absl::StrCat(flags.study_prefix, "-bayesian-", i - flags.random_studies)
                                 : absl::StrCat(flags.study_prefix, "-random-", i);
    v1::CreateStudyRequest request;
    *request.mutable_spec() = StudySpecFor(name, bayesian, flags, static_cast<uint64_t>(i) + 1);
    v1::CreateStudyResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    context.set_wait_for_ready(true);
    const grpc::Status status = stub->CreateStudy(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("CreateStudy ", name, ": ", status.error_message()));
    }
    names->push_back(name);
    ids->push_back(response.study().id());
  }
  return absl::OkStatus();
}

// Polls GetStudy on a fresh connection until it answers OK; returns NowMicros() then (0 after 120 s).
int64_t WaitServing(const std::string& target, const std::string& study) {
  auto stub = v1::StudyService::NewStub(MakeChannels(target, 1)[0]);
  const int64_t give_up = NowMicros() + 120'000'000;
  while (NowMicros() < give_up) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(250));
    context.set_wait_for_ready(true);
    v1::GetStudyRequest request;
    request.set_study(study);
    v1::Study reply;
    if (stub->GetStudy(&context, request, &reply).ok()) return NowMicros();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return 0;
}

void CancelStudies(const std::shared_ptr<grpc::Channel>& channel, const std::vector<std::string>& names) {
  auto stub = v1::StudyService::NewStub(channel);
  for (const std::string& name : names) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::CancelStudyRequest request;
    request.set_study(name);
    v1::Study reply;
    stub->CancelStudy(&context, request, &reply);
  }
}

double SecondsSince(int64_t micros) { return static_cast<double>(NowMicros() - micros) / 1e6; }

// The run's settings as its JSON document reports them.
nlohmann::json ConfigJson(const Flags& flags, int channel_count) {
  return {{"target", flags.null_coordinator ? "null"
                     : flags.target.empty() ? "started"
                                            : flags.target},
          {"workers", flags.fleet.workers},
          {"slots", flags.fleet.slots},
          {"random_studies", flags.random_studies},
          {"bayesian_studies", flags.bayesian_studies},
          {"bayesian_parallel", flags.bayesian_parallel},
          {"budget", flags.budget},
          {"watchers", flags.watchers},
          {"max_acquire", flags.fleet.max_acquire},
          {"reports_per_trial", flags.fleet.reports_per_trial},
          {"idle_backoff_ms", flags.fleet.idle_backoff_ms},
          {"threads", flags.threads},
          {"channels", channel_count},
          {"phases", flags.phases},
          {"restart_at", flags.restart_at}};
}

// What the phases of one run share, and the progress lines' state.
struct RunContext {
  const Flags& flags;
  const std::string& target;
  CoordinatorProcess* coordinator;  // Null when the coordinator is not ours (then it is not restarted).
  const std::vector<std::string>& studies;
  WorkerFleet& fleet;
  nlohmann::json& run;
  int64_t start = 0;         // NowMicros() when the fleet started.
  bool restarted = false;    // The restart is done, or none was asked for.
  double next_progress = 0;  // Seconds since start.
  int64_t last_completed = 0;
  double last_progress_at = 0;
};

// SIGKILLs the coordinator and restarts it; records in run["restart"] how long it took to serve again and to
// complete a first trial. False (after saying why) when it does not serve again.
bool RestartCoordinator(RunContext& r) {
  const int64_t killed = NowMicros();
  r.fleet.MarkRestart(killed);
  absl::Status s = r.coordinator->Kill();
  if (s.ok()) s = r.coordinator->Restart();
  const int64_t serving = s.ok() ? WaitServing(r.target, r.studies[0]) : 0;
  if (!s.ok() || serving == 0) {
    std::cerr << "hyperlab-load: restart failed: " << (s.ok() ? "not serving after 120 s" : s.message())
              << "\n";
    return false;
  }
  int64_t first = 0;
  while ((first = r.fleet.FirstCompletionSinceMark()) == 0 && NowMicros() - serving < 60'000'000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  r.run["restart"] = {
      {"at_seconds", static_cast<double>(killed - r.start) / 1e6},
      {"to_serving_ms", static_cast<double>(serving - killed) / 1e3},
      {"to_first_completion_ms", first == 0 ? -1.0 : static_cast<double>(first - killed) / 1e3}};
  return true;
}

void PrintProgress(RunContext& r, const Phase& phase, const PhaseStats& stats, double elapsed) {
  const int64_t completed = r.fleet.completed();
  std::cerr << absl::StrFormat(
      "[%6.1fs] %-8s %8.0f trials/s  %10d durable  %6d errors in phase\n", elapsed, phase.name,
      static_cast<double>(completed - r.last_completed) / (elapsed - r.last_progress_at), completed,
      stats.TotalErrors());
  r.last_completed = completed;
  r.last_progress_at = elapsed;
  r.next_progress = elapsed + r.flags.progress_seconds;
}

// CPU time of this process and of the coordinator at the start of a phase.
struct CpuMark {
  double self;
  double coordinator;  // -1: not ours.
  pid_t pid;           // The coordinator's, to tell whether it was restarted since.
};

CpuMark MarkCpu(const CoordinatorProcess* coordinator) {
  return {CpuSecondsOfSelf(), coordinator != nullptr ? coordinator->CpuSeconds() : -1,
          coordinator != nullptr ? coordinator->pid() : -1};
}

// Cores used since `mark` over `wall` seconds (the coordinator's only when it ran throughout), and the load.
PhaseCpu CpuSince(const CpuMark& mark, double wall, const CoordinatorProcess* coordinator) {
  PhaseCpu cpu;
  cpu.load_generator_cores = (CpuSecondsOfSelf() - mark.self) / wall;
  if (coordinator != nullptr && coordinator->pid() == mark.pid && mark.coordinator >= 0) {
    cpu.coordinator_cores = (coordinator->CpuSeconds() - mark.coordinator) / wall;
  }
  cpu.load_average_1m = LoadAverage();
  return cpu;
}

// Runs one phase, counting into `stats` (then into `drain`), restarting the coordinator when its time comes,
// and appends the phase to run["phases"]. False when the restart failed.
bool RunPhase(RunContext& r, const Phase& phase, PhaseStats& stats, PhaseStats& drain, PhaseClock& clock) {
  clock.Switch(&stats);
  const int64_t phase_start = NowMicros();
  const CpuMark cpu_mark = MarkCpu(r.coordinator);
  while (SecondsSince(phase_start) < phase.seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double elapsed = SecondsSince(r.start);
    if (!r.restarted && elapsed >= r.flags.restart_at) {
      r.restarted = true;
      if (r.coordinator == nullptr) {
        std::cerr << "hyperlab-load: --restart-at ignored: no coordinator process of ours to restart\n";
        continue;
      }
      if (!RestartCoordinator(r)) return false;
    }
    if (elapsed >= r.next_progress) PrintProgress(r, phase, stats, elapsed);
  }
  const double wall = SecondsSince(phase_start);
  const PhaseCpu cpu = CpuSince(cpu_mark, wall, r.coordinator);
  clock.Switch(&drain);
  r.run["phases"].push_back(PhaseJson(phase.name, wall, stats, cpu, r.studies));
  return true;
}

// Creates the studies, runs the fleet and the watchers through the phases (restarting `coordinator`, when
// given, at --restart-at) and fills `out`. Its connections are closed when it returns, before the
// coordinator is stopped. Returns the exit code.
int Drive(const Flags& flags, const std::vector<Phase>& phases, const std::string& target,
          CoordinatorProcess* coordinator, nlohmann::json* out) {
  const int channel_count =
      flags.channels > 0 ? flags.channels : std::max(1, std::min(flags.fleet.workers + flags.watchers, 64));
  std::vector<std::shared_ptr<grpc::Channel>> channels = MakeChannels(target, channel_count);
  std::vector<std::string> studies;
  FleetOptions fleet_options = flags.fleet;
  if (absl::Status s = CreateStudies(channels[0], flags, &studies, &fleet_options.study_ids); !s.ok()) {
    std::cerr << "hyperlab-load: " << s.message() << "\n";
    return 1;
  }

  std::vector<std::unique_ptr<PhaseStats>> stats;
  for (size_t i = 0; i <= phases.size(); ++i)
    stats.push_back(std::make_unique<PhaseStats>(studies.size()));  // + the drain
  PhaseClock clock(stats[0].get());
  CompletionQueuePool pool(flags.threads);
  WorkerFleet fleet(fleet_options, channels, &pool, &clock);
  StudyWatchers watchers(flags.watchers, flags.random_studies > 0 ? studies[0] : studies.back(), channels,
                         &pool, &clock);

  nlohmann::json& run = *out;
  run["config"] = ConfigJson(flags, channel_count);
  run["machine"] = MachineJson();
  run["phases"] = nlohmann::json::array();
  run["restart"] = nullptr;

  RunContext context{.flags = flags,
                     .target = target,
                     .coordinator = coordinator,
                     .studies = studies,
                     .fleet = fleet,
                     .run = run,
                     .start = NowMicros(),
                     .restarted = flags.restart_at <= 0,
                     .next_progress = flags.progress_seconds};
  fleet.Start();
  watchers.Start();
  for (size_t i = 0; i < phases.size(); ++i) {
    if (!RunPhase(context, phases[i], *stats[i], *stats.back(), clock)) return 1;
  }
  run["coordinator_rss_mib"] = coordinator != nullptr ? coordinator->RssMiB() : -1.0;
  watchers.Stop();
  fleet.Stop();
  pool.Shutdown();
  if (coordinator == nullptr) CancelStudies(channels[0], studies);
  return 0;
}

int Run(const Flags& flags, const std::vector<Phase>& phases) {
  std::unique_ptr<CoordinatorProcess> coordinator;
  std::unique_ptr<NullCoordinator> null_coordinator;
  std::string target = flags.target;
  std::filesystem::path temp_dir;
  if (flags.null_coordinator) {
    auto started = NullCoordinator::Start();
    if (!started.ok()) {
      std::cerr << "hyperlab-load: " << started.status().message() << "\n";
      return 1;
    }
    null_coordinator = std::move(*started);
    target = absl::StrCat("127.0.0.1:", null_coordinator->port());
  } else if (target.empty()) {
    char pattern[] = "/tmp/hyperlab-load-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      std::cerr << "hyperlab-load: cannot create a temporary directory under /tmp\n";
      return 1;
    }
    temp_dir = pattern;
    CoordinatorProcessOptions options;
    options.binary = flags.coordinator_bin;
    options.data_dir = flags.data_dir.empty() ? (temp_dir / "journal").string() : flags.data_dir;
    options.extra_args = flags.coordinator_args;
    options.log_path = (temp_dir / "coordinator.log").string();
    auto started = CoordinatorProcess::Start(options);
    if (!started.ok()) {
      std::cerr << "hyperlab-load: " << started.status().message() << "\n";
      std::ifstream log(options.log_path);
      std::cerr << log.rdbuf();
      return 1;
    }
    coordinator = std::move(*started);
    target = absl::StrCat("127.0.0.1:", coordinator->port());
  }
  auto cleanup = [&] {
    if (coordinator != nullptr) coordinator->Stop();
    if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir);
  };

  nlohmann::json run;
  const int rc = Drive(flags, phases, target, coordinator.get(), &run);
  cleanup();
  if (rc != 0) return rc;
  if (flags.format == "json") {
    std::cout << run.dump(2) << "\n";
  } else {
    PrintTable(run, std::cout);
  }
  return 0;
}

// Where the coordinator is: started here (the default), given (--target), or none that does anything.
void AddCoordinatorOptions(CLI::App& app, Flags& flags) {
  app.add_option("--coordinator-bin", flags.coordinator_bin, "the coordinator to start (unless --target)")
      ->capture_default_str();
  app.add_option("--coordinator-arg", flags.coordinator_args,
                 "an extra argument for the started coordinator");
  app.add_option("--target", flags.target, "HOST:PORT of a running coordinator (then none is started)");
  app.add_flag("--null-coordinator", flags.null_coordinator,
               "serve a coordinator that does nothing, in this process: the load generator's own ceiling");
  app.add_option("--data-dir", flags.data_dir,
                 "journal of the started coordinator (kept); default: a temporary one, removed at the end");
}

// The simulated workers and what each does.
void AddFleetOptions(CLI::App& app, Flags& flags) {
  app.add_option("--workers", flags.fleet.workers, "simulated workers")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--slots", flags.fleet.slots, "slots per worker")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--acquire-max", flags.fleet.max_acquire, "AcquireTrials.max_trials of each call")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--reports-per-trial", flags.fleet.reports_per_trial,
                 "ReportTrials calls (one measurement each) before each completion")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  app.add_option("--idle-backoff-ms", flags.fleet.idle_backoff_ms, "wait after an empty AcquireTrials reply")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
}

// The studies and their watchers.
void AddStudyOptions(CLI::App& app, Flags& flags) {
  app.add_option("--random-studies", flags.random_studies, "random-search studies (M)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  app.add_option("--bayesian-studies", flags.bayesian_studies, "bayesian studies (K)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  app.add_option("--budget", flags.budget, "budget.max_trials of every study")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--bayesian-parallel", flags.bayesian_parallel,
                 "budget.max_parallel of the bayesian studies")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--watchers", flags.watchers, "WatchStudy streams on the first random study")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
}

// The client's threads and connections, the phases and the report.
void AddRunOptions(CLI::App& app, Flags& flags) {
  app.add_option("--threads", flags.threads, "client threads (one CompletionQueue each)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--channels", flags.channels, "TCP connections (default: min(workers + watchers, 64))")
      ->check(CLI::Range(1, 100000));
  app.add_option("--phases", flags.phases, "NAME:SECONDS,... measured one after the other")
      ->capture_default_str();
  app.add_option("--restart-at", flags.restart_at,
                 "SIGKILL the started coordinator this many seconds into the run and restart it")
      ->check(CLI::Range(0.0, 86400.0));
  app.add_option("--progress-seconds", flags.progress_seconds,
                 "progress line on stderr every this many seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--format", flags.format, "table or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json"}));
  app.add_option("--study-prefix", flags.study_prefix,
                 "study names start with this (default: load-<unix time>)");
}

}  // namespace
}  // namespace hyperlab::bench::load

int main(int argc, char** argv) {
  using hyperlab::bench::load::Flags;
  Flags flags;
  CLI::App app{"hyperlab-load: simulated workers over real gRPC against a coordinator; trials/s and latency"};
  hyperlab::bench::load::AddCoordinatorOptions(app, flags);
  hyperlab::bench::load::AddFleetOptions(app, flags);
  hyperlab::bench::load::AddStudyOptions(app, flags);
  hyperlab::bench::load::AddRunOptions(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (flags.random_studies + flags.bayesian_studies == 0) {
    std::cerr << "hyperlab-load: --random-studies and --bayesian-studies are both 0: nothing to run\n";
    return 2;
  }
  auto phases = hyperlab::bench::load::ParsePhases(flags.phases);
  if (!phases.ok()) {
    std::cerr << "hyperlab-load: " << phases.status().message() << "\n";
    return 2;
  }
  if (flags.study_prefix.empty()) flags.study_prefix = absl::StrCat("load-", time(nullptr));
  flags.fleet.id_prefix = absl::StrCat(flags.study_prefix, "-", getpid());
  return hyperlab::bench::load::Run(flags, *phases);
}
