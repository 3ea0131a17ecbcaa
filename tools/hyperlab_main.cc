// hyperlab: the command line. Submits and inspects studies on a coordinator (--coordinator) or reads a
// journal directory directly (--data-dir), and runs a whole cluster in one process (`hyperlab run`).
//
// main() registers each command group's CLI11 subcommands (one function per group, in the order `--help`
// lists them), parses, and turns the chosen command's status into the exit code.
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "coordinator/build_info.h"
#include "tools/cli.h"

using hyperlab::tools::GlobalOptions;

namespace {

// What the command line fills in; it outlives the parse, which runs the chosen command's callback. Some
// arguments are shared by several commands (only one command runs).
struct Cli {
  GlobalOptions g;
  absl::Status status;  // The chosen command's result.
  std::string file, study, text, plot_output;
  int workers = 2;
  bool verbose = false;
  double wait_timeout = 0;
  bool force = false;
  std::string fork_name;
  bool fork_with_trials = false;
  int fork_max_trials = 0;
  int max_trials = 0;
  std::string trial_ref;
  std::vector<std::string> params;  // trial add --param NAME=VALUE
  std::vector<std::string> compare_studies;
  double compare_target = 0;
  hyperlab::tools::TrialsOptions trials_options;
  std::string plot_kind, plot_params;
  hyperlab::plot::PlotOptions plot_options;
  std::string worker_id, reason;
  int64_t trial_id = 0;
  std::string backup_dir;
  std::vector<std::string> help_topic;
};

void AddGlobalOptions(CLI::App& app, GlobalOptions& g) {
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
}

void AddRunCommand(CLI::App& app, Cli& cli) {
  CLI::App* run = app.add_subcommand("run", "run a study file on an embedded single-process cluster");
  run->fallthrough();
  run->add_option("file", cli.file, "study file (YAML)")->required();
  run->add_option("--workers", cli.workers, "local workers")->capture_default_str();
  run->add_flag("--verbose", cli.verbose, "log each trial");
  run->callback([&cli] { cli.status = hyperlab::tools::Run(cli.g, cli.file, cli.workers, cli.verbose); });
}

// Adds `study NAME` taking the study (for submit: the study file) and running `fn`.
template <typename Fn>
CLI::App* AddStudySubcommand(CLI::App* study_cmd, Cli& cli, const char* name, const char* help, Fn fn) {
  CLI::App* sub = study_cmd->add_subcommand(name, help);
  sub->fallthrough();
  sub->add_option(std::string(name) == "submit" ? "file" : "study",
                  std::string(name) == "submit" ? cli.file : cli.study,
                  std::string(name) == "submit" ? "study file (YAML)" : "study id or name")
      ->required();
  sub->callback([&cli, fn] { cli.status = fn(); });
  return sub;
}

// study submit, show, watch, wait, best, cancel, delete, fork, pause, resume, set-budget, conclude.
void AddStudyLifecycleCommands(CLI::App* study_cmd, Cli& cli) {
  auto add = [&](const char* name, const char* help, auto fn) {
    return AddStudySubcommand(study_cmd, cli, name, help, fn);
  };
  add("submit", "create a study from a file; prints its id",
      [&cli] { return hyperlab::tools::StudySubmit(cli.g, cli.file); });
  add("show", "a study in detail", [&cli] { return hyperlab::tools::StudyShow(cli.g, cli.study); });
  add("watch", "live progress until the study ends",
      [&cli] { return hyperlab::tools::StudyWatch(cli.g, cli.study); });
  add("wait", "wait for the study to end: exit 0 when it completes, 1 when it fails or is cancelled", [&cli] {
    return hyperlab::tools::StudyWait(cli.g, cli.study, cli.wait_timeout);
  })->add_option("--max-wait", cli.wait_timeout, "give up after this many seconds (0: never)");
  add("best", "the best trial so far (several objectives: the Pareto front)",
      [&cli] { return hyperlab::tools::StudyBest(cli.g, cli.study); });
  add("cancel", "stop a study for good", [&cli] { return hyperlab::tools::StudyCancel(cli.g, cli.study); });
  add("delete", "delete a study with its trials (the journal frees the space)", [&cli] {
    return hyperlab::tools::StudyDelete(cli.g, cli.study, cli.force);
  })->add_flag("--force", cli.force, "cancel its running trials first");
  CLI::App* fork = add("fork", "the same study under a new name (after an edit, to iterate)", [&cli] {
    return hyperlab::tools::StudyFork(cli.g, cli.study, cli.fork_name, cli.fork_with_trials,
                                      cli.fork_max_trials);
  });
  fork->add_option("--name", cli.fork_name, "the new study's name")->required();
  fork->add_flag("--with-trials", cli.fork_with_trials,
                 "take over the study's results where the fork suggests the same points (reuse: any); "
                 "default: start afresh (reuse: study)");
  fork->add_option("--max-trials", cli.fork_max_trials,
                   "the fork's budget.max_trials (default: the study's)");
  add("pause", "dispatch no new trials until resumed",
      [&cli] { return hyperlab::tools::StudyPause(cli.g, cli.study); });
  add("resume", "continue a paused study", [&cli] { return hyperlab::tools::StudyResume(cli.g, cli.study); });
  add("set-budget", "change the number of trials",
      [&cli] { return hyperlab::tools::StudySetBudget(cli.g, cli.study, cli.max_trials); })
      ->add_option("max_trials", cli.max_trials, "new budget.max_trials")
      ->required();
  add("conclude", "record what the study showed (replaces an earlier conclusion)",
      [&cli] { return hyperlab::tools::StudyConclude(cli.g, cli.study, cli.text); })
      ->add_option("conclusion", cli.text, "the conclusion, in words")
      ->required();
}

// study compare and list: commands over several studies.
void AddStudyCollectionCommands(CLI::App* study_cmd, Cli& cli) {
  CLI::App* compare = study_cmd->add_subcommand("compare", "studies with the same objective side by side");
  compare->fallthrough();
  compare->add_option("studies", cli.compare_studies, "two or more study ids or names")->required();
  CLI::Option* target_option = compare->add_option(
      "--target", cli.compare_target, "objective value to reach (default: the worst of the best values)");
  compare->callback([&cli, target_option] {
    cli.status = hyperlab::tools::StudyCompare(
        cli.g, cli.compare_studies,
        target_option->count() > 0 ? std::optional<double>(cli.compare_target) : std::nullopt);
  });
  CLI::App* list = study_cmd->add_subcommand("list", "all studies");
  list->fallthrough();
  list->callback([&cli] { cli.status = hyperlab::tools::StudyList(cli.g); });
}

void AddStudyCommands(CLI::App& app, Cli& cli) {
  CLI::App* study_cmd = app.add_subcommand("study", "submit and inspect studies");
  study_cmd->fallthrough();
  study_cmd->require_subcommand(1);
  AddStudyLifecycleCommands(study_cmd, cli);
  AddStudyCollectionCommands(study_cmd, cli);
}

void AddTrialCommands(CLI::App& app, Cli& cli) {
  CLI::App* trial_cmd = app.add_subcommand("trial", "annotate one trial, or add one");
  trial_cmd->fallthrough();
  trial_cmd->require_subcommand(1);
  CLI::App* note = trial_cmd->add_subcommand("note", "add a note to a trial");
  note->fallthrough();
  note->add_option("trial", cli.trial_ref, "STUDY/TRIAL, e.g. lr-sweep/7")->required();
  note->add_option("text", cli.text, "the note")->required();
  note->callback([&cli] { cli.status = hyperlab::tools::TrialNote(cli.g, cli.trial_ref, cli.text); });
  CLI::App* add = trial_cmd->add_subcommand("add", "enqueue a trial with parameters you choose (runs next)");
  add->fallthrough();
  add->add_option("study", cli.study, "study name or id")->required();
  add->add_option("--param", cli.params, "NAME=VALUE, once per parameter of the study")->required();
  add->add_option("--note", cli.text, "a note recorded with the trial");
  add->callback([&cli] { cli.status = hyperlab::tools::TrialAdd(cli.g, cli.study, cli.params, cli.text); });
}

void AddTrialsCommand(CLI::App& app, Cli& cli) {
  CLI::App* trials =
      app.add_subcommand("trials", "trials of one or more studies: filter, sort, pick columns");
  trials->fallthrough();
  hyperlab::tools::TrialsOptions& trials_options = cli.trials_options;
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
  trials->callback([&cli] { cli.status = hyperlab::tools::Trials(cli.g, cli.trials_options); });
}

// plot and report: a study drawn to a file.
void AddPlotCommands(CLI::App& app, Cli& cli) {
  hyperlab::plot::PlotOptions& plot_options = cli.plot_options;
  CLI::App* plot = app.add_subcommand("plot", "draw one plot of a study as SVG or PNG");
  plot->fallthrough();
  plot->add_option("study", cli.study, "study id or name")->required();
  plot->add_option("kind", cli.plot_kind,
                   "history, slice, contour, curves, importance, confusion, parallel or pareto")
      ->required();
  plot->add_option("-o,--output", cli.plot_output,
                   "the file to write: .svg, or .png (rendered from the SVG); - for SVG on standard output")
      ->required();
  plot->add_option("--metric", plot_options.metric,
                   "metric to plot (default: the objective; curves: loss, i.e. train_loss and dev_loss)");
  plot->add_option("--param", plot_options.param, "slice: only this parameter");
  plot->add_option(
      "--params", cli.plot_params,
      "contour: two parameters P,Q (default: the first two); parallel: the axes, in order (default: all); "
      "pareto: two objectives' metrics (default: the first two)");
  plot->add_option("--trial", plot_options.trial,
                   "confusion: this trial (default: the best); curves: only this one");
  plot->add_option("--top", plot_options.top, "curves: the best N trials")->capture_default_str();
  plot->callback([&cli] {
    if (!cli.plot_params.empty()) {
      cli.plot_options.params = absl::StrSplit(cli.plot_params, ',', absl::SkipWhitespace());
    }
    cli.status = hyperlab::tools::Plot(cli.g, cli.study, cli.plot_kind, cli.plot_output, cli.plot_options);
  });
  CLI::App* report = app.add_subcommand("report", "write a study's self-contained HTML report");
  report->fallthrough();
  report->add_option("study", cli.study, "study id or name")->required();
  report->add_option("-o,--output", cli.plot_output, "the HTML file to write (- for standard output)")
      ->required();
  report->callback([&cli] { cli.status = hyperlab::tools::Report(cli.g, cli.study, cli.plot_output); });
}

// admin drain, undrain and evict: commands on one worker.
void AddAdminWorkerCommands(CLI::App* admin, Cli& cli) {
  for (bool drain : {true, false}) {
    CLI::App* sub = admin->add_subcommand(
        drain ? "drain" : "undrain",
        drain ? "give a worker no new trials (running ones finish; kept across restarts)"
              : "let a drained worker take trials again");
    sub->fallthrough();
    sub->add_option("worker", cli.worker_id, "worker id (see `admin workers`)")->required();
    sub->callback([&cli, drain] { cli.status = hyperlab::tools::AdminDrain(cli.g, cli.worker_id, drain); });
  }
  CLI::App* evict = admin->add_subcommand("evict", "forget a worker now and requeue its running trials");
  evict->fallthrough();
  evict->add_option("worker", cli.worker_id, "worker id")->required();
  evict->callback([&cli] { cli.status = hyperlab::tools::AdminEvict(cli.g, cli.worker_id); });
}

// admin requeue and fail: commands on one trial.
void AddAdminTrialCommands(CLI::App* admin, Cli& cli) {
  for (bool requeue : {true, false}) {
    CLI::App* sub = admin->add_subcommand(requeue ? "requeue" : "fail",
                                          requeue ? "put a running or failed trial back in the queue"
                                                  : "mark a pending or running trial FAILED");
    sub->fallthrough();
    sub->add_option("study", cli.study, "study id or name")->required();
    sub->add_option("trial", cli.trial_id, "trial id")->required();
    sub->add_option("--reason", cli.reason, "why, recorded with the trial");
    sub->callback([&cli, requeue] {
      cli.status = requeue ? hyperlab::tools::AdminRequeueTrial(cli.g, cli.study, cli.trial_id, cli.reason)
                           : hyperlab::tools::AdminFailTrial(cli.g, cli.study, cli.trial_id, cli.reason);
    });
  }
}

void AddAdminCommands(CLI::App& app, Cli& cli) {
  CLI::App* admin = app.add_subcommand("admin", "operator commands");
  admin->fallthrough();
  admin->require_subcommand(1);
  admin->add_subcommand("status", "cluster status")->fallthrough()->callback([&cli] {
    cli.status = hyperlab::tools::AdminStatus(cli.g);
  });
  admin->add_subcommand("workers", "registered workers")->fallthrough()->callback([&cli] {
    cli.status = hyperlab::tools::AdminWorkers(cli.g);
  });
  AddAdminWorkerCommands(admin, cli);
  AddAdminTrialCommands(admin, cli);
  admin->add_subcommand("storage", "journal statistics")->fallthrough()->callback([&cli] {
    cli.status = hyperlab::tools::AdminStorage(cli.g);
  });
  CLI::App* backup = admin->add_subcommand("backup", "write a consistent checkpoint of the journal");
  backup->fallthrough();
  backup->add_option("dir", cli.backup_dir, "new directory on the coordinator's machine")->required();
  backup->callback([&cli] { cli.status = hyperlab::tools::AdminBackup(cli.g, cli.backup_dir); });
}

// help [COMMAND...]: the help of `app` or of one of its commands.
void AddHelpCommand(CLI::App& app, Cli& cli) {
  CLI::App* help = app.add_subcommand("help", "this help, or a command's: hyperlab help study watch");
  help->add_option("command", cli.help_topic, "a command, e.g. `study watch`");
  help->callback([&app, &cli] {
    const CLI::App* target = &app;
    std::string name = "hyperlab";
    for (const std::string& word : cli.help_topic) {
      const CLI::App* next = nullptr;
      std::vector<std::string> names;
      for (const CLI::App* sub : target->get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name() == word) next = sub;
        names.push_back(sub->get_name());
      }
      if (next == nullptr) {
        cli.status =
            absl::InvalidArgumentError(absl::StrCat("help: no command '", absl::StrJoin(cli.help_topic, " "),
                                                    "'; commands here: ", absl::StrJoin(names, ", ")));
        return;
      }
      target = next;
      absl::StrAppend(&name, " ", word);
    }
    // Not target->help(): that shows the help of the subcommand being run (this one).
    std::cout << target->get_formatter()->make_help(target, name, CLI::AppFormatMode::Normal);
  });
}

}  // namespace

int main(int argc, char** argv) {
  Cli cli;
  CLI::App app{"hyperlab: parametric experiments at cluster scale"};
  app.require_subcommand(1);
  AddGlobalOptions(app, cli.g);
  AddRunCommand(app, cli);
  AddStudyCommands(app, cli);
  AddTrialCommands(app, cli);
  AddTrialsCommand(app, cli);
  AddPlotCommands(app, cli);
  AddAdminCommands(app, cli);
  AddHelpCommand(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return hyperlab::tools::ReportErrorWithDetail(cli.status);
}
