// hyperlab-worker: pulls trials from a coordinator and runs them until SIGTERM or SIGINT.
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "common/rpc/client_channel.h"
#include "grpcpp/grpcpp.h"
#include "worker/child_environment.h"
#include "worker/command_executor.h"
#include "worker/train_executor.h"
#include "worker/worker.h"

int main(int argc, char** argv) {
  std::string coordinator = "127.0.0.1:7411";
  hyperlab::worker::WorkerOptions options;
  bool quiet = false;
  CLI::App app{"hyperlab-worker: runs trials for a hyperlab coordinator"};
  app.add_option("--coordinator", coordinator, "HOST:PORT of the coordinator")->capture_default_str();
  app.add_option("--slots", options.slots, "trials run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--threads", options.threads, "threads per trial")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--id", options.id, "worker id (default: host-pid-random)");
  app.add_flag("--quiet", quiet, "do not log each trial");
  app.add_option("--ack-log", options.ack_log_path, "append each acknowledged completion as a JSON line");
  hyperlab::ClientChannelOptions channel_options;
  app.add_option(
      "--token", channel_options.token,
      "bearer token with role worker (default: the file $HYPERLAB_TOKEN_FILE names, mode 0600 or 0640, or "
      "$HYPERLAB_TOKEN; prefer those: flags show in ps)");
  app.add_flag("--insecure-plaintext-tokens", channel_options.insecure_plaintext_tokens,
               "send the token without TLS to a non-loopback coordinator (only on an encrypted network)");
  app.add_option("--tls-ca", channel_options.tls_ca_file,
                 "PEM CA bundle to verify the coordinator (turns TLS on)");
  app.add_option("--tls-cert", channel_options.tls_cert_file, "PEM client certificate for mTLS");
  app.add_option("--tls-key", channel_options.tls_key_file, "PEM private key of --tls-cert");
  std::vector<std::string> allow_command;
  app.add_option("--allow-command", allow_command,
                 "a program, or a directory of programs, that command trials may run (repeatable); "
                 "without it command trials fail");
  hyperlab::worker::ChildEnvironmentPolicy environment;
  app.add_option("--pass-env", environment.pass_env,
                 "a variable of the worker's environment that command trials get too (repeatable); "
                 "they always get HOME, USER, LOGNAME, LANG, LC_*, TZ, TMPDIR and PATH");
  std::vector<std::string> allow_env;
  app.add_option("--allow-env", allow_env,
                 "a variable name that a study's task.command.env may set although its class is refused "
                 "(LD_*, PYTHON*, PATH...; repeatable)");
  size_t data_cache_mb = hyperlab::worker::train::kDefaultDataCacheBytes >> 20;
  app.add_option("--data-cache-mb", data_cache_mb, "MiB of loaded training data kept between trials")
      ->capture_default_str()
      ->check(CLI::Range(size_t{0}, size_t{1} << 30));
  uint64_t max_data_file_mb = hyperlab::kDefaultMaxDataFileBytes >> 20;
  app.add_option("--max-data-file-mb", max_data_file_mb,
                 "MiB one training data file may hold (decompressed); larger ones fail their trial")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 30));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.log_trials = !quiet;
  absl::StatusOr<hyperlab::worker::CommandAllowlist> allowlist =
      hyperlab::worker::CommandAllowlist::Make(allow_command);
  if (!allowlist.ok()) {
    std::cerr << "hyperlab-worker: " << allowlist.status().message() << "\n";
    return 2;
  }
  for (const auto& [name, path] : allowlist->resolved_names()) {
    std::cerr << "hyperlab-worker: --allow-command " << name << " is " << path << " (found in PATH)\n";
  }
  options.allowed_commands = allowlist->Announced();
  environment.allow_env.insert(allow_env.begin(), allow_env.end());
  if (absl::Status s = hyperlab::worker::CheckPolicy(environment); !s.ok()) {
    std::cerr << "hyperlab-worker: " << s.message() << "\n";
    return 2;
  }
  absl::StatusOr<std::string> token = hyperlab::TokenFromFlagOrEnv(channel_options.token);
  if (!token.ok()) {
    std::cerr << "hyperlab-worker: " << token.status().message() << "\n";
    return 2;
  }
  channel_options.token = *token;
  // The token never reaches a trial: children get an environment built from scratch that leaves out any
  // value holding it; the variable goes from this process's environment, and the process is made
  // non-dumpable so that programs of the same user cannot read /proc/<worker>/environ or its memory.
  if (!channel_options.token.empty()) environment.secrets.push_back(channel_options.token);
  unsetenv("HYPERLAB_TOKEN");
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  std::vector<std::unique_ptr<hyperlab::worker::Executor>> executors =
      hyperlab::worker::MakeDefaultExecutors(options.threads);
  hyperlab::worker::ConfigureCommandExecutor(executors,
                                             {.allowlist = *allowlist, .environment = environment});
  static hyperlab::worker::train::DataCache data_cache(
      {.max_bytes = data_cache_mb << 20, .limits = {.max_file_bytes = max_data_file_mb << 20}});
  hyperlab::worker::train::ConfigureTrainExecutor(executors,
                                                  {.threads = options.threads, .cache = &data_cache});

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  channel_options.address = coordinator;
  auto channel = hyperlab::NewClientChannel(channel_options, args);
  if (!channel.ok()) {
    std::cerr << "hyperlab-worker: " << channel.status().message() << "\n";
    return 2;
  }
  hyperlab::worker::Worker worker(*channel, options, std::move(executors));
  std::cerr << "hyperlab-worker " << worker.id() << ": pulling from " << coordinator << " with "
            << options.slots << " slot(s)"
            << (allowlist->empty() ? "; commands: none allowed" : "; commands allowed: ");
  for (size_t i = 0; i < options.allowed_commands.size(); ++i) {
    std::cerr << (i ? ", " : "") << options.allowed_commands[i];
  }
  std::cerr << std::endl;
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "hyperlab-worker " << worker.id() << ": signal " << signal << ", stopping" << std::endl;
    worker.Stop();
  });
  worker.Run();
  waiter.join();
  return 0;
}
