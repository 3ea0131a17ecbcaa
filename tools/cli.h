// Shared pieces of the `hyperlab` command line: global options, the connection to a coordinator (remote,
// or a journal directory opened read-only in-process), and the mapping of errors to exit codes.
//
// Exit codes (docs/architecture.md, rule 7): 0 success, 2 bad usage or bad input (INVALID_ARGUMENT), 1 other
// errors. Errors print one line: "hyperlab: <CODE>: <what and where>", with a hint for UNAUTHENTICATED (pass
// a token), PERMISSION_DENIED (the token's role) and UNAVAILABLE (coordinator down, or TLS settings). Thread
// safety: used from the main thread only.
#ifndef HYPERLAB_TOOLS_CLI_H_
#define HYPERLAB_TOOLS_CLI_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "coordinator/server.h"
#include "grpcpp/grpcpp.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "lab/plot/plots.h"

namespace hyperlab::tools {

struct GlobalOptions {
  // HOST:PORT of a coordinator. Default: $HYPERLAB_COORDINATOR, else 127.0.0.1:7411.
  std::string coordinator;
  // A journal directory to read directly instead (read commands only); for `run`, the journal to use.
  std::string data_dir;
  std::string format = "table";
  // Deadline of each call, seconds.
  double timeout_s = 30;
  // Bearer token (--token; default $HYPERLAB_TOKEN) and TLS files (--tls-ca, --tls-cert, --tls-key); see
  // common/rpc/client_channel.h.
  std::string token;
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  // Send the token without TLS to a non-loopback address (--insecure-plaintext-tokens): only on a network
  // that is itself encrypted.
  bool insecure_plaintext_tokens = false;
};

struct Connection {
  std::unique_ptr<coordinator::CoordinatorServer> local;  // Set in --data-dir mode.
  std::shared_ptr<grpc::Channel> channel;
};

// `args`: extra channel arguments for a remote coordinator (a watch's short reconnect backoff).
absl::StatusOr<Connection> Connect(const GlobalOptions& options, const grpc::ChannelArguments& args = {});
// A client context with the global deadline (none when `stream` is true).
std::unique_ptr<grpc::ClientContext> CallContext(const GlobalOptions& options, bool stream = false);
absl::Status FromGrpc(const grpc::Status& status);
// The study named or numbered `ref` (GetStudy with the options' deadline).
absl::StatusOr<v1::Study> GetStudy(const GlobalOptions& g, v1::StudyService::Stub& stub,
                                   const std::string& ref);
// Prints the one-line error and returns the exit code for `status`.
int ReportError(const absl::Status& status);

// Subcommands. Each returns an absl::Status; the caller turns it into an exit code.
absl::Status StudySubmit(const GlobalOptions& g, const std::string& file);
absl::Status StudyList(const GlobalOptions& g);
absl::Status StudyShow(const GlobalOptions& g, const std::string& study);
// Live progress until the study ends; prints "coordinator unreachable, retrying" as soon as the
// coordinator goes away and carries on within about a second and a half of its return.
absl::Status StudyWatch(const GlobalOptions& g, const std::string& study);
// OK when the study completes; FAILED_PRECONDITION ("study 'S' ended FAILED: <reason>") when it ends
// otherwise (failed, cancelled, paused). Says "coordinator unreachable, retrying" on stderr while the
// coordinator is away and carries on when it is back.
absl::Status StudyWait(const GlobalOptions& g, const std::string& study, double timeout_s);
absl::Status StudyBest(const GlobalOptions& g, const std::string& study);
absl::Status StudyCancel(const GlobalOptions& g, const std::string& study);
// Deletes a study (refused while trials run unless `force`). With --data-dir, opens the journal read-write.
absl::Status StudyDelete(const GlobalOptions& g, const std::string& study, bool force);
// Creates `name` with the study's spec: reuse any (with_trials: its results are taken over where the fork
// suggests the same points) or study (afresh); max_trials > 0 replaces the budget.
absl::Status StudyFork(const GlobalOptions& g, const std::string& study, const std::string& name,
                       bool with_trials, int max_trials);
absl::Status StudyPause(const GlobalOptions& g, const std::string& study);
absl::Status StudyResume(const GlobalOptions& g, const std::string& study);
absl::Status StudySetBudget(const GlobalOptions& g, const std::string& study, int max_trials);
absl::Status AdminBackup(const GlobalOptions& g, const std::string& dir);
// Records the study's conclusion (replacing an earlier one).
absl::Status StudyConclude(const GlobalOptions& g, const std::string& study, const std::string& conclusion);
// `trial` is STUDY/TRIAL, e.g. "lr-sweep/7".
absl::Status TrialNote(const GlobalOptions& g, const std::string& trial, const std::string& text);
// `hyperlab trial add STUDY --param NAME=VALUE ...`: enqueues a trial with these parameters (each value as
// text, read by its parameter's kind on the coordinator) and prints it: its id, and, when the experiment
// ran before, the trial whose result it reuses (or waits for). INVALID_ARGUMENT for a --param without '='.
absl::Status TrialAdd(const GlobalOptions& g, const std::string& study,
                      const std::vector<std::string>& params, const std::string& note);
// Prints "trial N: reused result of S/T" for each reused trial of `study` with id >= `from`; returns the
// next id to look from.
absl::StatusOr<int64_t> PrintReuses(const GlobalOptions& g, const std::shared_ptr<grpc::Channel>& channel,
                                    int64_t study_id, int64_t from);
// `hyperlab trials` (tools/cli_lab.cc; the language and columns are in lab/).
struct TrialsOptions {
  // Study ids or names; or else every study tagged `tag`. A `study` column appears for more than one.
  std::vector<std::string> studies;
  std::string tag;
  std::string where;  // A query (lab/query.h); empty: every trial.
  std::string sort;   // NAME or -NAME (descending), comma-separated; missing values last.
  // Comma-separated names, or "all"; empty: id, state, parameters, metrics, runtime, worker (the table:
  // the ones that fit 120 characters, in that order of importance).
  std::string columns;
  int limit = 0;  // 0: all.
  // One row per measurement (a reported step) of the selected trials instead of one per trial
  // (lab/measurement_table.h).
  bool measurements = false;
};
absl::Status Trials(const GlobalOptions& g, const TrialsOptions& options);
// `hyperlab study compare A B ...` (lab/study_comparison.h). `target`: nullopt for the default,
// the worst of the studies' best values.
absl::Status StudyCompare(const GlobalOptions& g, const std::vector<std::string>& studies,
                          std::optional<double> target);
// ReportError for messages of several lines (a --where error with the expression and a caret under the
// fault): the first line as ReportError prints it, the others below it unchanged.
int ReportErrorWithDetail(const absl::Status& status);
// `hyperlab plot S KIND -o FILE` and `hyperlab report S -o FILE` (tools/cli_plot.cc; the plots and the
// report are in lab/plot/). FILE "-" is standard output.
absl::Status Plot(const GlobalOptions& g, const std::string& study, const std::string& kind,
                  const std::string& output, const plot::PlotOptions& options);
absl::Status Report(const GlobalOptions& g, const std::string& study, const std::string& output);
absl::Status AdminStatus(const GlobalOptions& g);
absl::Status AdminWorkers(const GlobalOptions& g);
// Drains (`drain` true) or undrains a worker and prints its status.
absl::Status AdminDrain(const GlobalOptions& g, const std::string& worker, bool drain);
absl::Status AdminEvict(const GlobalOptions& g, const std::string& worker);
absl::Status AdminRequeueTrial(const GlobalOptions& g, const std::string& study, int64_t trial,
                               const std::string& reason);
absl::Status AdminFailTrial(const GlobalOptions& g, const std::string& study, int64_t trial,
                            const std::string& reason);
absl::Status AdminStorage(const GlobalOptions& g);
// `hyperlab run`: OK when the study completes; FAILED_PRECONDITION ("study 'S' ended FAILED: <reason>") when
// it ends otherwise, after printing its best trial; FAILED_PRECONDITION when the data dir is in use.
absl::Status Run(const GlobalOptions& g, const std::string& file, int workers, bool verbose);

}  // namespace hyperlab::tools

#endif  // HYPERLAB_TOOLS_CLI_H_
