#include "coordinator/worker_registry.h"

#include "absl/strings/str_cat.h"
#include "proto/limits.h"

namespace hyperlab::coordinator {
namespace {

absl::Status NotTheOwner(absl::string_view worker_id, absl::string_view owner, absl::string_view caller) {
  auto name = [](absl::string_view p) {
    return p.empty() ? std::string("(no name)") : absl::StrCat("'", p, "'");
  };
  return absl::PermissionDeniedError(absl::StrCat(
      "worker '", worker_id, "' was registered with the token named ", name(owner),
      "; this call's token is named ", name(caller),
      ": a worker id belongs to the token that registered it (start this worker under another --id)"));
}

}  // namespace

WorkerRegistry::WorkerRegistry(JournalCommitter* committer, EventLog* log, int max_workers,
                               std::vector<std::pair<std::string, std::string>> owners,
                               std::vector<std::string> drained)
    : committer_(committer), log_(log), max_workers_(max_workers) {
  MutexLock lock(&mu_);
  for (auto& [id, owner] : owners) owners_.emplace(std::move(id), std::move(owner));
  drained_.insert(drained.begin(), drained.end());
}

absl::Status WorkerRegistry::Register(const v1::WorkerInfo& info, absl::string_view principal,
                                      int64_t now_ms) {
  if (info.id().empty() || info.id().size() > kMaxWorkerIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("worker.id: required, at most ", kMaxWorkerIdLength, " characters"));
  }
  if (info.slots() < 1 || info.slots() > kMaxSlots) {
    return absl::InvalidArgumentError(
        absl::StrCat("worker.slots: must be in [1, ", kMaxSlots, "], got ", info.slots()));
  }
  bool journal_owner = false;
  {
    MutexLock lock(&mu_);
    if (evicted_.count(info.id())) {
      return absl::FailedPreconditionError(
          absl::StrCat("worker '", info.id(), "' was evicted by an operator; ",
                       "start it under another --id (or restart the coordinator)"));
    }
    auto owner = owners_.find(info.id());
    if (owner != owners_.end() && owner->second != principal) {
      return NotTheOwner(info.id(), owner->second, principal);
    }
    // A new id being journaled by a concurrent call belongs to that call's principal already.
    auto claimed = claiming_.find(info.id());
    if (claimed != claiming_.end() && claimed->second != principal) {
      return NotTheOwner(info.id(), claimed->second, principal);
    }
    if (!workers_.count(info.id()) && static_cast<int>(workers_.size()) >= max_workers_) {
      return absl::ResourceExhaustedError(
          absl::StrCat("worker '", info.id(), "': ", workers_.size(),
                       " workers registered, the limit max_workers = ", max_workers_));
    }
    journal_owner = owner == owners_.end();
    if (journal_owner) claiming_.emplace(info.id(), std::string(principal));
  }
  if (journal_owner) {
    // Written without any lock held, so many new workers registering at once share syncs.
    storage::JournalBatch batch;
    batch.worker_owners.emplace_back(info.id(), std::string(principal));
    absl::Status written = committer_->Commit(batch);
    MutexLock lock(&mu_);
    if (auto claimed = claiming_.find(info.id()); claimed != claiming_.end()) claiming_.erase(claimed);
    if (!written.ok()) return written;
    owners_.emplace(info.id(), std::string(principal));
  }
  MutexLock lock(&mu_);
  auto [it, fresh] = workers_.try_emplace(info.id());
  Record& record = it->second;
  if (fresh) record.draining = drained_.count(info.id()) > 0;
  record.info = std::make_shared<const v1::WorkerInfo>(info);
  record.last_seen_ms = now_ms;
  if (fresh && log_ != nullptr) {
    std::string executors, allowed;
    for (const std::string& e : info.executors())
      absl::StrAppend(&executors, executors.empty() ? "" : ",", e);
    for (const std::string& a : info.allowed_commands())
      absl::StrAppend(&allowed, allowed.empty() ? "" : ",", a);
    log_->Info("worker_registered", {{"worker", info.id()},
                                     {"host", info.host()},
                                     {"slots", absl::StrCat(info.slots())},
                                     {"threads", absl::StrCat(info.threads())},
                                     {"executors", executors},
                                     {"allowed_commands", allowed.empty() ? "-" : allowed}});
  }
  return absl::OkStatus();
}

absl::StatusOr<WorkerRegistry::Seen> WorkerRegistry::Touch(absl::string_view worker_id,
                                                           absl::string_view principal, int64_t now_ms) {
  MutexLock lock(&mu_);
  auto it = workers_.find(worker_id);
  if (it == workers_.end()) {
    return absl::NotFoundError(absl::StrCat("worker '", worker_id, "' is not registered; register first"));
  }
  auto owner = owners_.find(worker_id);
  if (owner != owners_.end() && owner->second != principal)
    return NotTheOwner(worker_id, owner->second, principal);
  it->second.last_seen_ms = now_ms;
  return Seen{.draining = it->second.draining, .info = it->second.info};
}

bool WorkerRegistry::IsDraining(absl::string_view worker_id) const {
  MutexLock lock(&mu_);
  auto it = workers_.find(worker_id);
  return it != workers_.end() && it->second.draining;
}

absl::StatusOr<bool> WorkerRegistry::Drain(absl::string_view worker_id, bool drain) {
  MutexLock journal_lock(&journal_mu_);
  bool was_drained = false;
  {
    MutexLock lock(&mu_);
    was_drained = drained_.count(worker_id) > 0;
    if (!workers_.count(worker_id) && !was_drained) {
      return absl::NotFoundError(absl::StrCat("no worker with id '", worker_id, "'"));
    }
  }
  if (was_drained != drain) {
    storage::JournalBatch batch;
    batch.worker_drains.emplace_back(std::string(worker_id), drain);
    if (absl::Status s = committer_->Commit(batch); !s.ok()) return s;
  }
  MutexLock lock(&mu_);
  if (drain) {
    drained_.insert(std::string(worker_id));
  } else if (auto d = drained_.find(worker_id); d != drained_.end()) {
    drained_.erase(d);
  }
  auto it = workers_.find(worker_id);
  if (it != workers_.end()) it->second.draining = drain;
  if (log_ != nullptr)
    log_->Info(drain ? "worker_drained" : "worker_undrained", {{"worker", std::string(worker_id)}});
  return it != workers_.end();
}

absl::Status WorkerRegistry::Evict(absl::string_view worker_id) {
  MutexLock journal_lock(&journal_mu_);
  bool drained = false;
  {
    MutexLock lock(&mu_);
    if (!workers_.count(worker_id))
      return absl::NotFoundError(absl::StrCat("no worker with id '", worker_id, "'"));
    drained = drained_.count(worker_id) > 0;
  }
  if (drained) {
    storage::JournalBatch batch;
    batch.worker_drains.emplace_back(std::string(worker_id), false);
    if (absl::Status s = committer_->Commit(batch); !s.ok()) return s;
  }
  MutexLock lock(&mu_);
  if (auto it = workers_.find(worker_id); it != workers_.end()) workers_.erase(it);
  if (auto d = drained_.find(worker_id); d != drained_.end()) drained_.erase(d);
  evicted_.insert(std::string(worker_id));
  return absl::OkStatus();
}

std::vector<v1::WorkerInfo> WorkerRegistry::Infos() const {
  MutexLock lock(&mu_);
  std::vector<v1::WorkerInfo> out;
  out.reserve(workers_.size());
  for (const auto& [id, record] : workers_) out.push_back(*record.info);
  return out;
}

std::map<std::string, v1::WorkerStatus, std::less<>> WorkerRegistry::Statuses() const {
  MutexLock lock(&mu_);
  std::map<std::string, v1::WorkerStatus, std::less<>> out;
  for (const auto& [id, record] : workers_) {
    v1::WorkerStatus& status = out[id];
    *status.mutable_info() = *record.info;
    status.set_last_seen_unix_ms(record.last_seen_ms);
    status.set_draining(record.draining);
  }
  return out;
}

}  // namespace hyperlab::coordinator
