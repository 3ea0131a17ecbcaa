// hyperlab-worker: pulls trials from a coordinator and runs them until SIGTERM or SIGINT.
#include <signal.h>

#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "grpcpp/grpcpp.h"
#include "worker/worker.h"

int main(int argc, char** argv) {
  std::string coordinator = "127.0.0.1:7411";
  hyperlab::worker::WorkerOptions options;
  bool quiet = false;
  CLI::App app{"hyperlab-worker: runs trials for a hyperlab coordinator"};
  app.add_option("--coordinator", coordinator, "HOST:PORT of the coordinator")->capture_default_str();
  app.add_option("--slots", options.slots, "trials run at once")->capture_default_str()->check(CLI::Range(1, 1024));
  app.add_option("--threads", options.threads, "threads per trial")->capture_default_str()->check(CLI::Range(1, 1024));
  app.add_option("--id", options.id, "worker id (default: host-pid-random)");
  app.add_flag("--quiet", quiet, "do not log each trial");
  app.add_option("--ack-log", options.ack_log_path, "append each acknowledged completion as a JSON line");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.log_trials = !quiet;

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  auto channel = grpc::CreateCustomChannel(coordinator, grpc::InsecureChannelCredentials(), args);
  hyperlab::worker::Worker worker(channel, options, hyperlab::worker::MakeDefaultExecutors());
  std::cerr << "hyperlab-worker " << worker.id() << ": pulling from " << coordinator << " with "
            << options.slots << " slot(s)" << std::endl;
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
