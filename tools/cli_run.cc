// `hyperlab run FILE`: the embedded single-process cluster on a study file, with progress and the best
// trial at the end. Running it again with the same file and directory continues the same study. Exits 1
// when the study ends other than COMPLETED (FAILED: every trial, or too many, failed).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "proto/outcomes.h"
#include "tools/cli.h"
#include "tools/embedded_cluster.h"
#include "tools/output_format.h"
#include "tools/progress_printer.h"
#include "tools/study_file.h"
#include "worker/command_allowlist.h"

namespace hyperlab::tools {
namespace {

// Cancels the current watch when SIGINT or SIGTERM arrives, so the run stops cleanly and can be resumed.
class Interrupts {
 public:
  Interrupts() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    std::thread([this] {
      int signal = 0;
      sigwait(&signals_, &signal);
      interrupted_ = true;
      std::lock_guard<std::mutex> lock(mu_);
      if (context_ != nullptr) context_->TryCancel();
    }).detach();
  }
  void Watch(grpc::ClientContext* context) {
    std::lock_guard<std::mutex> lock(mu_);
    context_ = context;
    if (interrupted_ && context_ != nullptr) context_->TryCancel();
  }
  bool interrupted() const { return interrupted_; }

 private:
  sigset_t signals_;
  std::atomic<bool> interrupted_{false};
  std::mutex mu_;
  grpc::ClientContext* context_ = nullptr;
};

}  // namespace

absl::Status Run(const GlobalOptions& g, const std::string& file, int workers, bool verbose) {
  ASSIGN_OR_RETURN(v1::StudySpec spec, LoadStudyFile(file));
  const std::string data_dir = g.data_dir.empty() ? "hyperlab-data" : g.data_dir;
  if (workers < 1) return absl::InvalidArgumentError(absl::StrCat("--workers: must be >= 1, got ", workers));
  // The user's own machine and the user's own study: its program may run (and nothing else).
  std::vector<std::string> allowed;
  if (spec.task().has_command() && !spec.task().command().argv().empty()) {
    absl::StatusOr<std::string> program =
        worker::CommandAllowlist::Resolve(spec.task().command().argv(0), spec.task().command().working_dir());
    if (program.ok()) {
      allowed.push_back(*program);
    } else {
      std::cout << "warning: " << program.status().message() << "; the study's trials will fail" << std::endl;
    }
  }
  Interrupts interrupts;
  ASSIGN_OR_RETURN(
      std::unique_ptr<EmbeddedCluster> cluster,
      EmbeddedCluster::Start(
          {.data_dir = data_dir, .workers = workers, .log_trials = verbose, .allowed_commands = allowed}));
  auto stub = v1::StudyService::NewStub(cluster->channel());

  v1::CreateStudyRequest create;
  *create.mutable_spec() = spec;
  v1::CreateStudyResponse created;
  RETURN_IF_ERROR(FromGrpc(stub->CreateStudy(CallContext(g).get(), create, &created)));
  const v1::Study& study = created.study();
  for (const std::string& warning : created.warnings()) std::cout << "warning: " << warning << std::endl;
  std::cout << (created.existed() ? "continuing" : "created") << " study '" << spec.name() << "' (id "
            << study.id() << ") in " << data_dir << " with " << workers << " local worker(s)" << std::endl;

  const auto start = std::chrono::steady_clock::now();
  ProgressPrinter progress(std::cout, ProgressPrinter::StdoutIsTerminal());
  v1::Study last = study;
  grpc::ClientContext watch;
  interrupts.Watch(&watch);
  v1::WatchStudyRequest request;
  request.set_study(absl::StrCat(study.id()));
  auto reader = stub->WatchStudy(&watch, request);
  int64_t next_trial = 0, reused_seen = study.counts().reused();
  for (v1::Study update; reader->Read(&update);) {
    if (update.counts().reused() > reused_seen) {
      reused_seen = update.counts().reused();
      progress.Break();
      ASSIGN_OR_RETURN(next_trial, PrintReuses(g, cluster->channel(), study.id(), next_trial));
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.Update(ProgressLine(update, elapsed), TrialsEnded(last, update));
    last = update;
  }
  progress.Break();
  const grpc::Status watch_status = reader->Finish();
  interrupts.Watch(nullptr);
  cluster->Stop();
  if (interrupts.interrupted()) {
    std::cout << "interrupted; run the same command again to continue the study" << std::endl;
    return absl::CancelledError("interrupted");
  }
  RETURN_IF_ERROR(FromGrpc(watch_status));

  // A study that did not complete ends the run with an error (exit 1) after what it has to show, so that a
  // script or CI job sees the failure: "hyperlab: FAILED_PRECONDITION: study 'S' ended FAILED: ...".
  const bool completed = last.state() == v1::Study::COMPLETED;
  const std::string ending =
      absl::StrCat("study '", spec.name(), "' ", completed ? "" : "ended ",
                   v1::Study::State_Name(last.state()), last.reason().empty() ? "" : ": " + last.reason());
  if (completed) std::cout << ending << std::endl;
  // The journal is closed now: read the result back from it, as any later inspection will.
  GlobalOptions local = g;
  local.data_dir = data_dir;
  if (last.best_trial_id() >= 0) {
    std::cout << "best trial:" << std::endl;
    RETURN_IF_ERROR(StudyBest(local, absl::StrCat(study.id())));
  }
  std::cout << "inspect: hyperlab --data-dir " << data_dir << " trials " << spec.name() << " --sort "
            << (PrimaryObjective(spec).goal() == v1::Objective::MAXIMIZE ? "-" : "")
            << PrimaryObjective(spec).metric() << std::endl;
  if (!completed) return absl::FailedPreconditionError(ending);
  return absl::OkStatus();
}

}  // namespace hyperlab::tools
