// The workers the coordinator knows: who registered, under which token, when last seen, drained or
// evicted. Leases live with the trials (study_shard.h); this holds only the workers themselves.
//
// A worker id belongs to the token NAME (principal) that first registered it, and that ownership is
// journaled (storage key o/<id>): after a coordinator restart another token still cannot claim the id
// first (finding 14 of the trust issue). Drains are journaled too; evictions last until restart.
//
// Thread safety: all methods are safe to call concurrently; no lock is held during a journal write except
// journal_mu_ by Drain and Evict (rare operator calls).
#ifndef HYPERLAB_COORDINATOR_WORKER_REGISTRY_H_
#define HYPERLAB_COORDINATOR_WORKER_REGISTRY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "coordinator/event_log.h"
#include "coordinator/journal_committer.h"
#include "coordinator/mutex.h"
#include "hyperlab/v1/services.pb.h"

namespace hyperlab::coordinator {

class WorkerRegistry {
 public:
  // `committer` and `log` (may be null) must outlive the registry. `owners` and `drained` come from the
  // journal.
  WorkerRegistry(JournalCommitter* committer, EventLog* log, int max_workers,
                 std::vector<std::pair<std::string, std::string>> owners, std::vector<std::string> drained);

  // Records (or refreshes) a worker at `now_ms`. INVALID_ARGUMENT for an empty or long id or bad slots;
  // FAILED_PRECONDITION for an evicted id; RESOURCE_EXHAUSTED beyond max_workers; PERMISSION_DENIED when
  // the id belongs to another principal; UNAVAILABLE when the journal refuses a new id's ownership.
  absl::Status Register(const v1::WorkerInfo& info, absl::string_view principal, int64_t now_ms);
  // What Touch tells: whether the worker is draining, and what it announced (to judge what it can run).
  struct Seen {
    bool draining = false;
    std::shared_ptr<const v1::WorkerInfo> info;
  };
  // Marks the worker seen. NOT_FOUND when unregistered; PERMISSION_DENIED when `principal` does not own it.
  absl::StatusOr<Seen> Touch(absl::string_view worker_id, absl::string_view principal, int64_t now_ms);
  bool IsDraining(absl::string_view worker_id) const;
  // Drains or undrains (journaled). NOT_FOUND for an id neither registered nor drained. Returns whether it
  // is registered now.
  absl::StatusOr<bool> Drain(absl::string_view worker_id, bool drain);
  // Forgets a registered worker until restart; its drain is undone in the journal. NOT_FOUND when unknown.
  absl::Status Evict(absl::string_view worker_id);
  // The registered workers' infos (any order), and whether any is registered.
  std::vector<v1::WorkerInfo> Infos() const;
  // Status of every registered worker by id, without its trials.
  std::map<std::string, v1::WorkerStatus, std::less<>> Statuses() const;

 private:
  struct Record {
    std::shared_ptr<const v1::WorkerInfo> info;  // Replaced, never changed, when the worker re-registers.
    int64_t last_seen_ms = 0;
    bool draining = false;
  };

  JournalCommitter* const committer_;
  EventLog* const log_;
  const int max_workers_;
  mutable Mutex mu_;
  std::map<std::string, Record, std::less<>> workers_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string, std::less<>> owners_ ABSL_GUARDED_BY(mu_);  // As journaled.
  // New ids whose ownership is being journaled -> the principal claiming them.
  std::map<std::string, std::string, std::less<>> claiming_ ABSL_GUARDED_BY(mu_);
  std::set<std::string, std::less<>> evicted_ ABSL_GUARDED_BY(mu_);
  std::set<std::string, std::less<>> drained_ ABSL_GUARDED_BY(mu_);  // As journaled.
  Mutex journal_mu_;  // Serializes journaled drains and evictions (taken before mu_).
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_WORKER_REGISTRY_H_
