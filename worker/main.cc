// hyperlab-worker: pulls trials from a coordinator and runs them until SIGTERM or SIGINT.
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "common/rpc/client_channel.h"
#include "grpcpp/grpcpp.h"
#include "worker/child_environment.h"
#include "worker/command_executor.h"
#include "worker/train_executor.h"
#include "worker/worker.h"

namespace {

using hyperlab::worker::CommandAllowlist;
using hyperlab::worker::Executor;
using hyperlab::worker::Worker;

// What the command line says.
struct Flags {
  std::string coordinator = "127.0.0.1:7411";
  hyperlab::worker::WorkerOptions options;
  bool quiet = false;
  hyperlab::ClientChannelOptions channel;
  std::vector<std::string> allow_command;
  hyperlab::worker::ChildEnvironmentPolicy environment;
  std::vector<std::string> allow_env;
  size_t data_cache_mb = hyperlab::worker::train::kDefaultDataCacheBytes >> 20;
  uint64_t max_data_file_mb = hyperlab::kDefaultMaxDataFileBytes >> 20;
};

void AddFlags(CLI::App& app, Flags& flags) {
  app.add_option("--coordinator", flags.coordinator, "HOST:PORT of the coordinator")->capture_default_str();
  app.add_option("--slots", flags.options.slots, "trials run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--threads", flags.options.threads, "threads per trial")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--id", flags.options.id, "worker id (default: host-pid-random)");
  app.add_flag("--quiet", flags.quiet, "do not log each trial");
  app.add_option("--ack-log", flags.options.ack_log_path,
                 "append each acknowledged completion as a JSON line");
  app.add_option(
      "--token", flags.channel.token,
      "bearer token with role worker (default: the file $HYPERLAB_TOKEN_FILE names, mode 0600 or 0640, or "
      "$HYPERLAB_TOKEN; prefer those: flags show in ps)");
  app.add_flag("--insecure-plaintext-tokens", flags.channel.insecure_plaintext_tokens,
               "send the token without TLS to a non-loopback coordinator (only on an encrypted network)");
  app.add_option("--tls-ca", flags.channel.tls_ca_file,
                 "PEM CA bundle to verify the coordinator (turns TLS on)");
  app.add_option("--tls-cert", flags.channel.tls_cert_file, "PEM client certificate for mTLS");
  app.add_option("--tls-key", flags.channel.tls_key_file, "PEM private key of --tls-cert");
  app.add_option("--allow-command", flags.allow_command,
                 "a program, or a directory of programs, that command trials may run (repeatable); "
                 "without it command trials fail");
  app.add_option("--pass-env", flags.environment.pass_env,
                 "a variable of the worker's environment that command trials get too (repeatable); "
                 "they always get HOME, USER, LOGNAME, LANG, LC_*, TZ, TMPDIR and PATH");
  app.add_option("--allow-env", flags.allow_env,
                 "a variable name that a study's task.command.env may set although its class is refused "
                 "(LD_*, PYTHON*, PATH...; repeatable)");
  app.add_option("--data-cache-mb", flags.data_cache_mb, "MiB of loaded training data kept between trials")
      ->capture_default_str()
      ->check(CLI::Range(size_t{0}, size_t{1} << 30));
  app.add_option("--max-data-file-mb", flags.max_data_file_mb,
                 "MiB one training data file may hold (decompressed); larger ones fail their trial")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
}

// Checks what the flags allow (commands, environment), adds what the worker announces to flags.options,
// and reads the token into flags.channel.token. On a problem, prints it and returns nullopt.
std::optional<CommandAllowlist> CheckFlags(Flags& flags) {
  absl::StatusOr<CommandAllowlist> allowlist = CommandAllowlist::Make(flags.allow_command);
  if (!allowlist.ok()) {
    std::cerr << "hyperlab-worker: " << allowlist.status().message() << "\n";
    return std::nullopt;
  }
  for (const auto& [name, path] : allowlist->resolved_names()) {
    std::cerr << "hyperlab-worker: --allow-command " << name << " is " << path << " (found in PATH)\n";
  }
  flags.options.allowed_commands = allowlist->Announced();
  flags.environment.allow_env.insert(flags.allow_env.begin(), flags.allow_env.end());
  if (absl::Status s = hyperlab::worker::CheckPolicy(flags.environment); !s.ok()) {
    std::cerr << "hyperlab-worker: " << s.message() << "\n";
    return std::nullopt;
  }
  absl::StatusOr<std::string> token = hyperlab::TokenFromFlagOrEnv(flags.channel.token);
  if (!token.ok()) {
    std::cerr << "hyperlab-worker: " << token.status().message() << "\n";
    return std::nullopt;
  }
  flags.channel.token = *token;
  return *std::move(allowlist);
}

// The token never reaches a trial: children get an environment built from scratch that leaves out any
// value holding it; the variable goes from this process's environment, and the process is made
// non-dumpable so that programs of the same user cannot read /proc/<worker>/environ or its memory.
void KeepTokenFromTrials(Flags& flags) {
  if (!flags.channel.token.empty()) flags.environment.secrets.push_back(flags.channel.token);
  unsetenv("HYPERLAB_TOKEN");
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

// The default executors, with the command and train executors configured by the flags.
std::vector<std::unique_ptr<Executor>> MakeExecutors(const Flags& flags, const CommandAllowlist& allowlist) {
  std::vector<std::unique_ptr<Executor>> executors =
      hyperlab::worker::MakeDefaultExecutors(flags.options.threads);
  hyperlab::worker::ConfigureCommandExecutor(executors,
                                             {.allowlist = allowlist, .environment = flags.environment});
  static hyperlab::worker::train::DataCache data_cache(
      {.max_bytes = flags.data_cache_mb << 20, .limits = {.max_file_bytes = flags.max_data_file_mb << 20}});
  hyperlab::worker::train::ConfigureTrainExecutor(executors,
                                                  {.threads = flags.options.threads, .cache = &data_cache});
  return executors;
}

// Blocks SIGTERM and SIGINT in this thread and the threads it starts, for RunUntilSignal to wait for them.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(Flags& flags) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  flags.channel.address = flags.coordinator;
  return hyperlab::NewClientChannel(flags.channel, args);
}

void Announce(const Worker& worker, const Flags& flags, const CommandAllowlist& allowlist) {
  std::cerr << "hyperlab-worker " << worker.id() << ": pulling from " << flags.coordinator << " with "
            << flags.options.slots << " slot(s)"
            << (allowlist.empty() ? "; commands: none allowed" : "; commands allowed: ");
  const std::vector<std::string>& allowed = flags.options.allowed_commands;
  for (size_t i = 0; i < allowed.size(); ++i) std::cerr << (i ? ", " : "") << allowed[i];
  std::cerr << std::endl;
}

// Runs the pull loop until one of `signals` (blocked) arrives.
void RunUntilSignal(Worker& worker, const sigset_t& signals) {
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "hyperlab-worker " << worker.id() << ": signal " << signal << ", stopping" << std::endl;
    worker.Stop();
  });
  worker.Run();
  waiter.join();
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{"hyperlab-worker: runs trials for a hyperlab coordinator"};
  AddFlags(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  flags.options.log_trials = !flags.quiet;
  std::optional<CommandAllowlist> allowlist = CheckFlags(flags);
  if (!allowlist) return 2;
  KeepTokenFromTrials(flags);
  std::vector<std::unique_ptr<Executor>> executors = MakeExecutors(flags, *allowlist);
  const sigset_t signals = BlockStopSignals();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Connect(flags);
  if (!channel.ok()) {
    std::cerr << "hyperlab-worker: " << channel.status().message() << "\n";
    return 2;
  }
  Worker worker(*channel, flags.options, std::move(executors));
  Announce(worker, flags, *allowlist);
  RunUntilSignal(worker, signals);
  return 0;
}
