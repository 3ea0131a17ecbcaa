// The worker's pull loop: register, acquire trials up to its slots, run each on an executor in its own
// thread, heartbeat their leases with any new measurements, and report their outcomes.
//
// The coordinator may go away at any time: every call has a deadline, failures back off exponentially
// (100 ms, doubled per failure up to 5 s, back to 100 ms after a call succeeds), and finished outcomes wait
// in an outbox, still heartbeated, until the coordinator takes them. The loop's timing (backoff, heartbeat
// cadence, idle polls) reads WorkerOptions::clock, so tests drive it without sleeping. A coordinator that
// forgot the worker (restart) answers NOT_FOUND and the worker registers again; its running trials
// re-attach with their next heartbeat. A report answered with ABORTED (lease lost) or FAILED_PRECONDITION
// (study ended) stops that trial's work and drops its result; the other trials go on.
//
// A worker never dies or stalls because of one trial:
//   - an exception out of an executor fails that trial with a reason ("... failed with an exception: ...");
//   - what is sent stays under proto/limits.h (send_limits.h): a trial whose output is over a limit FAILS
//     with a reason naming the limit, its pending measurements are bounded (the oldest dropped and
//     counted in the reason), and a heartbeat carries every lease plus at most
//     kMaxHeartbeatMeasurementBytes of measurements, so one trial's flood cannot cost another its lease;
//   - a completion the coordinator refuses for its content (INVALID_ARGUMENT, RESOURCE_EXHAUSTED,
//     OUT_OF_RANGE) is sent once more as a bare FAILED completion naming the refusal, and forgotten if that
//     is refused too; any other refusal forgets it at once; an item without an answer is sent at most
//     kMaxCompletionAttempts times. A whole CompleteTrials call refused for its content (not a transport
//     error) makes the worker send its completions one per call until the outbox is empty, so the others
//     go through.
//
// Example:
//   Worker worker(channel, {.slots = 2}, MakeDefaultExecutors());
//   std::thread loop([&] { worker.Run(); });
//   ... worker.Stop(); loop.join();
//
// Thread safety: Run is called once; Stop may be called from any thread.
#ifndef HYPERLAB_WORKER_WORKER_H_
#define HYPERLAB_WORKER_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "worker/executor.h"
#include "worker/worker_clock.h"

namespace hyperlab::worker {

// Calls that may carry a completion without an answer for it (the coordinator answered for fewer items, or
// said UNAVAILABLE for it) before the worker forgets it.
inline constexpr int kMaxCompletionAttempts = 20;

struct WorkerOptions {
  // Unique id; default: "<host>-<pid>-<random>".
  std::string id;
  // Trials run at once. Default 1.
  int slots = 1;
  // Threads each trial may use (reported to the coordinator; used by the trainer). Default 1.
  int threads = 1;
  // Wait between acquire attempts while the coordinator has no work. Default 250 ms.
  int64_t idle_poll_ms = 250;
  // Deadline of each call to the coordinator. Default 10 s.
  int64_t call_timeout_ms = 10'000;
  // Print one line per trial started and finished to stderr. Default true.
  bool log_trials = true;
  // When set, one JSON line per completion the coordinator acknowledged is appended (and flushed) to this
  // file: {"study_id", "trial_id", "state", "metrics"}. For crash tests. Default: none.
  std::string ack_log_path;
  // What the worker announces as WorkerInfo.allowed_commands (CommandAllowlist::Announced of the command
  // executor's allowlist), so the coordinator can warn at submit. Default: none.
  std::vector<std::string> allowed_commands;
  // The time the loop decides by (worker_clock.h); not owned, must outlive the worker. Default: the
  // steady clock.
  WorkerClock* clock = nullptr;
};

// The executors every worker has: synthetic, command and train (whose trials use `threads_per_trial`).
std::vector<std::unique_ptr<Executor>> MakeDefaultExecutors(int threads_per_trial = 1);

class Worker {
 public:
  Worker(std::shared_ptr<grpc::Channel> channel, WorkerOptions options,
         std::vector<std::unique_ptr<Executor>> executors);
  ~Worker();

  // Runs the pull loop until Stop(). Trials still running at Stop are abandoned: their work is told to
  // stop (StopRequested), Run waits for their executors to return, and what they return is dropped.
  // Completions still in the outbox are dropped too (not sent again). The leases of both expire at the
  // coordinator, which requeues their trials. Stop wakes the loop out of its waits (a backoff too); a call
  // in flight ends first.
  void Run();
  void Stop();

  const std::string& id() const { return options_.id; }

 private:
  struct Slot;  // One running trial.
  // A completion waiting for the coordinator.
  struct Outgoing {
    v1::TrialCompletion completion;
    bool stripped = false;  // Already re-sent as a bare FAILED completion after a refusal.
    int attempts = 0;       // Calls that carried it and got no answer for it.
  };
  using TrialKey = std::pair<int64_t, int64_t>;

  bool Register();
  void AcquireTrials(int free_slots);
  void Heartbeat();
  void FlushOutbox();
  // Moves slots whose executor has returned into the outbox.
  void CollectFinished();
  // A completion the coordinator refused with `code`: sets `keep` when it is to be sent again (once, as a
  // bare FAILED completion, after a refusal for its content).
  void Refused(Outgoing& item, int code, const std::string& message, bool& keep);
  void Backoff(const grpc::Status& status, const char* what);
  std::unique_ptr<grpc::ClientContext> NewContext() const;
  Executor* ExecutorFor(const v1::Assignment& assignment) const;

  void LogAcknowledged(const v1::TrialCompletion& completion);

  std::unique_ptr<v1::WorkerService::Stub> stub_;
  std::unique_ptr<std::ofstream> ack_log_;
  WorkerOptions options_;
  std::vector<std::unique_ptr<Executor>> executors_;
  WorkerClock& clock_;
  std::atomic<bool> stopping_{false};

  std::mutex mu_;
  std::condition_variable wake_;
  std::map<TrialKey, std::unique_ptr<Slot>> running_;  // Touched only by the Run thread.
  std::deque<Outgoing> outbox_;                        // Touched only by the Run thread.
  bool isolate_ = false;           // Send completions one per call (a batch was refused). Run thread only.
  size_t heartbeat_rotation_ = 0;  // Which trial's measurements go first. Run thread only.
  int64_t heartbeat_interval_ms_ = 1000;
  int64_t backoff_ms_ = 0;
  bool registered_ = false;
  bool draining_ = false;  // The coordinator said this worker is drained. Touched only by the Run thread.
};

}  // namespace hyperlab::worker

#endif  // HYPERLAB_WORKER_WORKER_H_
