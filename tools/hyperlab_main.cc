// hyperlab: the command line. Submits and inspects studies on a coordinator (--coordinator) or reads a
// journal directory directly (--data-dir), and runs a whole cluster in one process (`hyperlab run`).
#include <iostream>

#include "CLI/CLI.hpp"
#include "tools/cli.h"

using hyperlab::tools::GlobalOptions;

int main(int argc, char** argv) {
  GlobalOptions g;
  CLI::App app{"hyperlab: parametric experiments at cluster scale"};
  app.require_subcommand(1);
  app.add_option("--coordinator", g.coordinator,
                 "HOST:PORT (default $HYPERLAB_COORDINATOR or 127.0.0.1:7411)");
  app.add_option("--data-dir", g.data_dir,
                 "journal directory: read it directly (for `run`: where to keep it)");
  app.add_option("--format", g.format, "table, json or csv")->capture_default_str();
  app.add_option("--timeout", g.timeout_s, "deadline of each call, seconds")->capture_default_str();
  app.add_option("--token", g.token,
                 "bearer token (default $HYPERLAB_TOKEN; prefer the variable: flags show in ps)");
  app.add_option("--tls-ca", g.tls_ca, "PEM CA bundle to verify the coordinator (turns TLS on)");
  app.add_option("--tls-cert", g.tls_cert, "PEM client certificate for mTLS");
  app.add_option("--tls-key", g.tls_key, "PEM private key of --tls-cert");

  absl::Status status;
  std::string file, study, sort;
  int workers = 2;
  bool verbose = false;
  double wait_timeout = 0;

  CLI::App* run = app.add_subcommand("run", "run a study file on an embedded single-process cluster");
  run->fallthrough();
  run->add_option("file", file, "study file (YAML)")->required();
  run->add_option("--workers", workers, "local workers")->capture_default_str();
  run->add_flag("--verbose", verbose, "log each trial");
  run->callback([&] { status = hyperlab::tools::Run(g, file, workers, verbose); });

  CLI::App* study_cmd = app.add_subcommand("study", "submit and inspect studies");
  study_cmd->fallthrough();
  study_cmd->require_subcommand(1);
  auto add = [&](const char* name, const char* help, auto fn) {
    CLI::App* sub = study_cmd->add_subcommand(name, help);
    sub->fallthrough();
    sub->add_option(std::string(name) == "submit" ? "file" : "study",
                    std::string(name) == "submit" ? file : study,
                    std::string(name) == "submit" ? "study file (YAML)" : "study id or name")
        ->required();
    sub->callback([&, fn] { status = fn(); });
    return sub;
  };
  add("submit", "create a study from a file; prints its id",
      [&] { return hyperlab::tools::StudySubmit(g, file); });
  add("show", "a study in detail", [&] { return hyperlab::tools::StudyShow(g, study); });
  add("watch", "live progress until the study ends", [&] { return hyperlab::tools::StudyWatch(g, study); });
  add("wait", "exit 0 when the study completes", [&] {
    return hyperlab::tools::StudyWait(g, study, wait_timeout);
  })->add_option("--max-wait", wait_timeout, "give up after this many seconds (0: never)");
  add("best", "the best trial so far", [&] { return hyperlab::tools::StudyBest(g, study); });
  add("cancel", "stop a study for good", [&] { return hyperlab::tools::StudyCancel(g, study); });
  add("pause", "dispatch no new trials until resumed", [&] { return hyperlab::tools::StudyPause(g, study); });
  add("resume", "continue a paused study", [&] { return hyperlab::tools::StudyResume(g, study); });
  int max_trials = 0;
  add("set-budget", "change the number of trials",
      [&] { return hyperlab::tools::StudySetBudget(g, study, max_trials); })
      ->add_option("max_trials", max_trials, "new budget.max_trials")
      ->required();
  CLI::App* list = study_cmd->add_subcommand("list", "all studies");
  list->fallthrough();
  list->callback([&] { status = hyperlab::tools::StudyList(g); });

  CLI::App* trials = app.add_subcommand("trials", "a study's trials");
  trials->fallthrough();
  trials->add_option("study", study, "study id or name")->required();
  trials->add_option("--sort", sort, "metric or parameter; -NAME sorts descending");
  trials->callback([&] { status = hyperlab::tools::Trials(g, study, sort); });

  CLI::App* admin = app.add_subcommand("admin", "operator commands");
  admin->fallthrough();
  admin->require_subcommand(1);
  admin->add_subcommand("status", "cluster status")->fallthrough()->callback([&] {
    status = hyperlab::tools::AdminStatus(g);
  });
  admin->add_subcommand("workers", "registered workers")->fallthrough()->callback([&] {
    status = hyperlab::tools::AdminWorkers(g);
  });
  std::string worker_id, reason;
  int64_t trial_id = 0;
  for (bool drain : {true, false}) {
    CLI::App* sub = admin->add_subcommand(drain ? "drain" : "undrain",
                                          drain ? "give a worker no new trials (running ones finish)"
                                                : "let a drained worker take trials again");
    sub->fallthrough();
    sub->add_option("worker", worker_id, "worker id (see `admin workers`)")->required();
    sub->callback([&, drain] { status = hyperlab::tools::AdminDrain(g, worker_id, drain); });
  }
  CLI::App* evict = admin->add_subcommand("evict", "forget a worker now and requeue its running trials");
  evict->fallthrough();
  evict->add_option("worker", worker_id, "worker id")->required();
  evict->callback([&] { status = hyperlab::tools::AdminEvict(g, worker_id); });
  for (bool requeue : {true, false}) {
    CLI::App* sub = admin->add_subcommand(requeue ? "requeue" : "fail",
                                          requeue ? "put a running or failed trial back in the queue"
                                                  : "mark a pending or running trial FAILED");
    sub->fallthrough();
    sub->add_option("study", study, "study id or name")->required();
    sub->add_option("trial", trial_id, "trial id")->required();
    sub->add_option("--reason", reason, "why, recorded with the trial");
    sub->callback([&, requeue] {
      status = requeue ? hyperlab::tools::AdminRequeueTrial(g, study, trial_id, reason)
                       : hyperlab::tools::AdminFailTrial(g, study, trial_id, reason);
    });
  }
  admin->add_subcommand("storage", "journal statistics")->fallthrough()->callback([&] {
    status = hyperlab::tools::AdminStorage(g);
  });
  std::string backup_dir;
  CLI::App* backup = admin->add_subcommand("backup", "write a consistent checkpoint of the journal");
  backup->fallthrough();
  backup->add_option("dir", backup_dir, "new directory on the coordinator's machine")->required();
  backup->callback([&] { status = hyperlab::tools::AdminBackup(g, backup_dir); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return hyperlab::tools::ReportError(status);
}
