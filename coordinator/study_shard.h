// One study's share of the coordinator: its state behind its own lock, the queue of operations waiting to
// change it, and the suggestions prepared for it. Independent studies never wait for each other.
//
// Changes go through Run(): operations that arrive while a group of this study's operations is being
// written wait and then run together as the next group, so one journal write (and one sync, shared with
// other studies' groups by the JournalCommitter) carries all of them. Within a group, each operation sees
// the changes of those before it. The lock is held from the first operation of a group until its write is
// durable and applied, so readers see only durable state; a group the journal refuses is undone by
// reloading the study from the journal (the core does that), so nothing of it remains in memory.
//
// Thread safety: all methods are safe to call concurrently; `mu` guards `state`.
#ifndef HYPERLAB_COORDINATOR_STUDY_SHARD_H_
#define HYPERLAB_COORDINATOR_STUDY_SHARD_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "coordinator/mutex.h"
#include "coordinator/study_state.h"
#include "searcher/strategy.h"
#include "storage/journal.h"

namespace hyperlab::coordinator {

struct StudyGroup;  // study_group.h

// A suggested point prepared ahead of its trial, with the strategy state after it.
struct PreparedSuggestion {
  searcher::Assignment assignment;
  std::string state_after;
};

class StudyShard {
 public:
  // An operation of a group; see Run.
  struct Op {
    // Runs under `mu` with the group's context; stages its changes (core-specific). Its status is the
    // operation's result unless the group's write fails.
    std::function<absl::Status(StudyGroup&)> run;
    // kLogged: the operation's changes may be acknowledged before they are synced (study_groups.cc says
    // which may); a group is synced when any of its operations needs it.
    storage::Durability durability = storage::Durability::kSynced;
    absl::Status status;
    bool done = false;  // Guarded by the shard's queue lock.
    CondVar cv;         // Signalled when it is done or first in the queue (one waiter per signal).
  };

  // `prepared_only`: the strategy's suggestions depend on results (bayesian), so they are prepared off-lock.
  StudyShard(int64_t id, std::string name, v1::TaskSpec task, bool prepared_only,
             std::unique_ptr<StudyState> state)
      : prepared_only(prepared_only),
        id_(id),
        name_(std::move(name)),
        task_(std::move(task)),
        state_(std::move(state)) {}

  int64_t id() const { return id_; }
  const std::string& name() const { return name_; }
  // The study's task (fixed at creation): which workers or clients may run its trials.
  const v1::TaskSpec& task() const { return task_; }

  // Queues `op`; returns when it has run as part of a group. The caller whose op is first in the queue
  // runs the group: `run_group(ops)` under `mu`, which must set every op's status.
  void Run(Op& op, const std::function<void(std::vector<Op*>&)>& run_group);

  Mutex mu;
  StudyState& state() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return *state_; }
  void ReplaceState(std::unique_ptr<StudyState> state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    state_ = std::move(state);
  }

  // Suggestions prepared off-lock for strategies whose suggestions depend on results (bayesian), in
  // order, with the strategy state after them.
  std::deque<PreparedSuggestion> prepared ABSL_GUARDED_BY(mu);
  bool suggesting ABSL_GUARDED_BY(mu) = false;    // A preparation is running on the executor.
  bool recommending ABSL_GUARDED_BY(mu) = false;  // A recommendation is computed on the executor.
  // Increased when the study gains a trial its prepared suggestions did not see (an enqueued one): a
  // preparation begun before is dropped, so suggestions stay a function of the journaled history.
  uint64_t prepared_epoch ABSL_GUARDED_BY(mu) = 0;
  // A refused group could not be undone (the journal could not be read): reload before anything else.
  bool broken ABSL_GUARDED_BY(mu) = false;
  absl::Status suggest_error ABSL_GUARDED_BY(mu);  // The last preparation's failure, shown once.

  const bool prepared_only;

  // A lock-free summary for Acquire's fair-share plan, refreshed after every group and preparation:
  // trials this study could lease now (0 when it is not ACTIVE, or when it waits for suggestions being
  // prepared: then `awaiting` is set; or when budget.max_parallel trials run and more are to come: then
  // `full` is set), and trials running.
  std::atomic<int64_t> dispatchable{0};
  std::atomic<bool> awaiting{false};
  std::atomic<bool> full{false};
  std::atomic<int64_t> running{0};

 private:
  const int64_t id_;
  const std::string name_;
  const v1::TaskSpec task_;
  std::unique_ptr<StudyState> state_ ABSL_GUARDED_BY(mu);

  Mutex queue_mu_;
  std::deque<Op*> queue_ ABSL_GUARDED_BY(queue_mu_);
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_STUDY_SHARD_H_
