// hyperlab: the command line. Submits and inspects studies on a coordinator (--coordinator) or reads a
// journal directory directly (--data-dir), and runs a whole cluster in one process (`hyperlab run`).
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "coordinator/build_info.h"
#include "tools/cli.h"

using hyperlab::tools::GlobalOptions;

int main(int argc, char** argv) {
  GlobalOptions g;
  CLI::App app{"hyperlab: parametric experiments at cluster scale"};
  app.require_subcommand(1);
  const hyperlab::v1::BuildInfo build = hyperlab::coordinator::GetBuildInfo();
  app.set_version_flag(
      "--version", absl::StrCat("hyperlab ", build.version(), " (", build.git_commit(), ", ",
                                build.build_type(), ", ", build.compiler(), ", gRPC ", build.grpc_version(),
                                ", protobuf ", build.protobuf_version(), ")"));
  app.add_option("--coordinator", g.coordinator,
                 "HOST:PORT (default $HYPERLAB_COORDINATOR or 127.0.0.1:7411)");
  app.add_option("--data-dir", g.data_dir,
                 "journal directory: read it directly (for `run`: where to keep it)");
  app.add_option("--format", g.format, "table, json or csv")->capture_default_str();
  app.add_option("--timeout", g.timeout_s, "deadline of each call, seconds")->capture_default_str();
  app.add_option("--token", g.token,
                 "bearer token (default: the file $HYPERLAB_TOKEN_FILE names, mode 0600 or 0640, or "
                 "$HYPERLAB_TOKEN; prefer those: flags show in ps)");
  app.add_option("--tls-ca", g.tls_ca, "PEM CA bundle to verify the coordinator (turns TLS on)");
  app.add_option("--tls-cert", g.tls_cert, "PEM client certificate for mTLS");
  app.add_option("--tls-key", g.tls_key, "PEM private key of --tls-cert");
  app.add_flag("--insecure-plaintext-tokens", g.insecure_plaintext_tokens,
               "send the token without TLS to a non-loopback address (only on an encrypted network)");

  absl::Status status;
  std::string file, study;
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
  add("wait", "wait for the study to end: exit 0 when it completes, 1 when it fails or is cancelled", [&] {
    return hyperlab::tools::StudyWait(g, study, wait_timeout);
  })->add_option("--max-wait", wait_timeout, "give up after this many seconds (0: never)");
  add("best", "the best trial so far", [&] { return hyperlab::tools::StudyBest(g, study); });
  add("cancel", "stop a study for good", [&] { return hyperlab::tools::StudyCancel(g, study); });
  bool force = false;
  add("delete", "delete a study with its trials (the journal frees the space)", [&] {
    return hyperlab::tools::StudyDelete(g, study, force);
  })->add_flag("--force", force, "cancel its running trials first");
  std::string fork_name;
  bool fork_with_trials = false;
  int fork_max_trials = 0;
  CLI::App* fork = add("fork", "the same study under a new name (after an edit, to iterate)", [&] {
    return hyperlab::tools::StudyFork(g, study, fork_name, fork_with_trials, fork_max_trials);
  });
  fork->add_option("--name", fork_name, "the new study's name")->required();
  fork->add_flag("--with-trials", fork_with_trials,
                 "take over the study's results where the fork suggests the same points (reuse: any); "
                 "default: start afresh (reuse: study)");
  fork->add_option("--max-trials", fork_max_trials, "the fork's budget.max_trials (default: the study's)");
  add("pause", "dispatch no new trials until resumed", [&] { return hyperlab::tools::StudyPause(g, study); });
  add("resume", "continue a paused study", [&] { return hyperlab::tools::StudyResume(g, study); });
  int max_trials = 0;
  add("set-budget", "change the number of trials",
      [&] { return hyperlab::tools::StudySetBudget(g, study, max_trials); })
      ->add_option("max_trials", max_trials, "new budget.max_trials")
      ->required();
  std::string text;
  add("conclude", "record what the study showed (replaces an earlier conclusion)",
      [&] { return hyperlab::tools::StudyConclude(g, study, text); })
      ->add_option("conclusion", text, "the conclusion, in words")
      ->required();
  CLI::App* trial_cmd = app.add_subcommand("trial", "annotate one trial");
  trial_cmd->fallthrough();
  trial_cmd->require_subcommand(1);
  std::string trial_ref;
  CLI::App* note = trial_cmd->add_subcommand("note", "add a note to a trial");
  note->fallthrough();
  note->add_option("trial", trial_ref, "STUDY/TRIAL, e.g. lr-sweep/7")->required();
  note->add_option("text", text, "the note")->required();
  note->callback([&] { status = hyperlab::tools::TrialNote(g, trial_ref, text); });
  std::vector<std::string> compare_studies;
  double compare_target = 0;
  CLI::App* compare = study_cmd->add_subcommand("compare", "studies with the same objective side by side");
  compare->fallthrough();
  compare->add_option("studies", compare_studies, "two or more study ids or names")->required();
  CLI::Option* target_option = compare->add_option(
      "--target", compare_target, "objective value to reach (default: the worst of the best values)");
  compare->callback([&] {
    status = hyperlab::tools::StudyCompare(
        g, compare_studies,
        target_option->count() > 0 ? std::optional<double>(compare_target) : std::nullopt);
  });
  CLI::App* list = study_cmd->add_subcommand("list", "all studies");
  list->fallthrough();
  list->callback([&] { status = hyperlab::tools::StudyList(g); });

  CLI::App* trials =
      app.add_subcommand("trials", "trials of one or more studies: filter, sort, pick columns");
  trials->fallthrough();
  hyperlab::tools::TrialsOptions trials_options;
  trials->add_option("study", trials_options.studies, "study ids or names (or --tag)");
  trials->add_option("--tag", trials_options.tag, "every study with this tag");
  trials->add_option("--where", trials_options.where,
                     "filter, e.g. \"learning_rate < 0.01 and optimizer = adam\" (docs/lab.md)");
  trials->add_option("--sort", trials_options.sort, "column(s) to sort by; -NAME sorts descending");
  trials->add_option("--columns", trials_options.columns,
                     "comma-separated columns, e.g. id,state,lr,value; `all` for every column (the table "
                     "otherwise shows what fits 120 characters)");
  trials->add_flag("--measurements", trials_options.measurements,
                   "one row per reported step (trial, step, time, metrics) instead of one per trial");
  trials->add_option("--limit", trials_options.limit, "show at most N trials (0: all)");
  trials->callback([&] { status = hyperlab::tools::Trials(g, trials_options); });

  std::string plot_kind, plot_output, plot_params;
  hyperlab::plot::PlotOptions plot_options;
  CLI::App* plot = app.add_subcommand("plot", "draw one plot of a study as SVG or PNG");
  plot->fallthrough();
  plot->add_option("study", study, "study id or name")->required();
  plot->add_option("kind", plot_kind, "history, slice, contour, curves, importance, confusion or parallel")
      ->required();
  plot->add_option("-o,--output", plot_output,
                   "the file to write: .svg, or .png (rendered from the SVG); - for SVG on standard output")
      ->required();
  plot->add_option("--metric", plot_options.metric,
                   "metric to plot (default: the objective; curves: loss, i.e. train_loss and dev_loss)");
  plot->add_option("--param", plot_options.param, "slice: only this parameter");
  plot->add_option(
      "--params", plot_params,
      "contour: two parameters P,Q (default: the first two); parallel: the axes, in order (default: all)");
  plot->add_option("--trial", plot_options.trial,
                   "confusion: this trial (default: the best); curves: only this one");
  plot->add_option("--top", plot_options.top, "curves: the best N trials")->capture_default_str();
  plot->callback([&] {
    if (!plot_params.empty()) plot_options.params = absl::StrSplit(plot_params, ',', absl::SkipWhitespace());
    status = hyperlab::tools::Plot(g, study, plot_kind, plot_output, plot_options);
  });
  CLI::App* report = app.add_subcommand("report", "write a study's self-contained HTML report");
  report->fallthrough();
  report->add_option("study", study, "study id or name")->required();
  report->add_option("-o,--output", plot_output, "the HTML file to write (- for standard output)")
      ->required();
  report->callback([&] { status = hyperlab::tools::Report(g, study, plot_output); });

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
    CLI::App* sub = admin->add_subcommand(
        drain ? "drain" : "undrain",
        drain ? "give a worker no new trials (running ones finish; kept across restarts)"
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

  std::vector<std::string> help_topic;
  CLI::App* help = app.add_subcommand("help", "this help, or a command's: hyperlab help study watch");
  help->add_option("command", help_topic, "a command, e.g. `study watch`");
  help->callback([&] {
    const CLI::App* target = &app;
    std::string name = "hyperlab";
    for (const std::string& word : help_topic) {
      const CLI::App* next = nullptr;
      std::vector<std::string> names;
      for (const CLI::App* sub : target->get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name() == word) next = sub;
        names.push_back(sub->get_name());
      }
      if (next == nullptr) {
        status = absl::InvalidArgumentError(absl::StrCat("help: no command '", absl::StrJoin(help_topic, " "),
                                                         "'; commands here: ", absl::StrJoin(names, ", ")));
        return;
      }
      target = next;
      absl::StrAppend(&name, " ", word);
    }
    // Not target->help(): that shows the help of the subcommand being run (this one).
    std::cout << target->get_formatter()->make_help(target, name, CLI::AppFormatMode::Normal);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return hyperlab::tools::ReportErrorWithDetail(status);
}
