// The workers' calls that bring results back: heartbeats and measurements (early stopping judges them
// once journaled), completions (one trial's over-limit output fails that trial only), and the expiry of
// leases whose worker stopped reporting.
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_macros.h"
#include "coordinator/coordinator.h"
#include "coordinator/fingerprint.h"
#include "coordinator/request_limits.h"
#include "coordinator/study_group.h"
#include "proto/outcomes.h"

namespace hyperlab::coordinator {
namespace {

bool IsTerminal(v1::Trial::State s) {
  return s == v1::Trial::SUCCEEDED || s == v1::Trial::FAILED || s == v1::Trial::STOPPED ||
         s == v1::Trial::INFEASIBLE || s == v1::Trial::CANCELLED;
}

v1::ItemStatus ItemOf(const absl::Status& status) {
  v1::ItemStatus out;
  out.set_code(static_cast<int32_t>(status.code()));
  out.set_message(std::string(status.message()));
  return out;
}

// Checks that `lease` names the trial's current lease and that `worker_id` holds it. ABORTED when not;
// FAILED_PRECONDITION when the study has ended; NOT_FOUND for an unknown trial.
absl::Status CheckLease(const StudyState& state, const v1::LeaseRef& lease, absl::string_view worker_id) {
  if (lease.trial_id() < 0 || lease.trial_id() >= static_cast<int64_t>(state.trials().size())) {
    return absl::NotFoundError(absl::StrCat("study ", lease.study_id(), " has no trial ", lease.trial_id()));
  }
  if (state.ended()) {
    return absl::FailedPreconditionError(absl::StrCat("study ", lease.study_id(), " has ended (",
                                                      v1::Study::State_Name(state.study().state()), ")"));
  }
  const v1::Trial& trial = state.trials()[lease.trial_id()];
  if (trial.state() != v1::Trial::RUNNING || trial.lease_id() != lease.lease_id() ||
      trial.worker_id() != worker_id) {
    return absl::AbortedError(absl::StrCat("trial ", lease.study_id(), "/", lease.trial_id(),
                                           ": this lease is not held by worker '", worker_id, "' (trial is ",
                                           v1::Trial::State_Name(trial.state()), ")"));
  }
  return absl::OkStatus();
}

// A task whose workers digest what it runs (train data, a command's program): the first well-formed
// digest reported (a SHA-256 as 64 lowercase hex digits, optionally prefixed "sha256:"; anything else is
// ignored) names the study's content; a trial fingerprinted by path until then takes its content
// fingerprint, so later studies find its result; a trial run on other content fails (not comparable).
std::string ReportedDigest(const v1::Study& study, const v1::TrialCompletion& c) {
  if (!DigestedByWorkers(study.spec().task())) return "";
  auto digest = c.artifacts().find(DigestArtifact(study.spec().task()));
  std::string reported = digest == c.artifacts().end() ? "" : digest->second;
  if (absl::StartsWith(reported, "sha256:")) reported = reported.substr(7);
  if (reported.size() != 64 || reported.find_first_not_of("0123456789abcdef") != std::string::npos) return "";
  return reported;
}

void TakeDigest(const v1::Study& study, const v1::TrialCompletion& c, absl::string_view worker_id,
                v1::Trial& trial, storage::JournalBatch& batch) {
  const std::string reported = ReportedDigest(study, c);
  if (reported.empty()) return;
  if (!study.data_digest().empty() && reported != study.data_digest()) {
    trial.set_state(v1::Trial::FAILED);
    trial.set_reason(absl::StrCat(
        "worker '", worker_id, "' has other ",
        study.spec().task().has_command() ? "program or argument files" : "data", " (digest ",
        reported.substr(0, 16), "...) than the study's first trials (", study.data_digest().substr(0, 16),
        "...): its result would not be comparable; a changed program is a new study"));
    return;
  }
  v1::Study named = study;
  if (study.data_digest().empty()) {  // The first worker to report names it.
    named.set_data_digest(reported);
    batch.studies.push_back(named);
  }
  if (absl::StartsWith(trial.fingerprint(), "path:")) {
    trial.set_fingerprint(StudyTrialFingerprint(named, trial.parameters()));
  }
}

// Groups item indexes by the study their lease names.
template <typename Items>
std::map<int64_t, std::vector<size_t>> ByStudy(const Items& items) {
  std::map<int64_t, std::vector<size_t>> out;
  for (size_t i = 0; i < items.size(); ++i) out[items[i].lease().study_id()].push_back(i);
  return out;
}

// What a completion did report, for a reason that says what to fix: "it reported: loss, steps" (its final
// metrics and those of its measurements), or that it reported none.
std::string SeenMetrics(const v1::TrialCompletion& c) {
  std::set<std::string> names;
  for (const auto& [name, value] : c.metrics()) names.insert(name);
  for (const v1::Measurement& m : c.measurements()) {
    for (const auto& [name, value] : m.metrics()) names.insert(name);
  }
  if (names.empty()) return "it reported no metrics";
  std::string joined;
  for (const std::string& name : names) {
    if (joined.size() > 200) return absl::StrCat("it reported: ", joined, ", ...");
    absl::StrAppend(&joined, joined.empty() ? "" : ", ", name);
  }
  return absl::StrCat("it reported: ", joined);
}

}  // namespace

absl::StatusOr<std::vector<v1::TrialReportResult>> Coordinator::Report(
    absl::string_view worker_id, const std::vector<v1::TrialReport>& reports, absl::string_view principal) {
  if (static_cast<int>(reports.size()) > options_.max_batch) {
    return absl::InvalidArgumentError(absl::StrCat("reports: at most ", options_.max_batch, " per call"));
  }
  RETURN_IF_ERROR(workers_->Touch(worker_id, principal, clock_->NowMs()).status());
  std::vector<v1::TrialReportResult> results(reports.size());
  std::vector<absl::Status> failures;
  for (const auto& by_study : ByStudy(reports)) {
    const int64_t study_id = by_study.first;
    const std::vector<size_t>& items = by_study.second;
    StudyShard* shard = Find(study_id);
    if (shard == nullptr) {
      for (size_t i : items) {
        *results[i].mutable_status() =
            ItemOf(absl::NotFoundError(absl::StrCat("no study with id ", study_id)));
      }
      continue;
    }
    absl::Status written = Mutate(
        *shard,
        [&](StudyGroup& g) {
          for (size_t i : items) {
            const v1::LeaseRef& ref = reports[i].lease();
            absl::Status status = CheckLease(g.state, ref, worker_id);
            if (status.ok()) {
              g.state.mutable_trial(ref.trial_id())
                  .set_lease_expire_unix_ms(g.now_ms + options_.lease_timeout_ms);
              status = ValidateReportItem(reports[i], static_cast<int>(i));
            }
            *results[i].mutable_status() = ItemOf(status);
            if (!status.ok() || reports[i].measurements().empty()) continue;
            v1::Trial trial = g.state.trials()[ref.trial_id()];
            storage::JournalBatch batch;
            for (const v1::Measurement& m : reports[i].measurements()) {
              storage::MeasurementRecord record{ref.study_id(), ref.trial_id(), trial.measurement_count(), m};
              if (record.measurement.time_unix_ms() == 0) record.measurement.set_time_unix_ms(g.now_ms);
              batch.measurements.push_back(std::move(record));
              trial.set_measurement_count(trial.measurement_count() + 1);
            }
            batch.trials.push_back(std::move(trial));
            g.Stage(std::move(batch));
            // Early stopping judges the measurements once they are journaled.
            g.on_durable.push_back([&g, &results, &reports, i, trial_id = ref.trial_id()] {
              for (const v1::Measurement& m : reports[i].measurements()) {
                if (g.state.AddMeasurement(trial_id, m)) results[i].set_should_stop(true);
              }
              if (g.state.trials()[trial_id].state() != v1::Trial::RUNNING) results[i].set_should_stop(false);
            });
          }
          return absl::OkStatus();
        },
        storage::Durability::kLogged);
    if (!written.ok()) {
      // This study's items were not recorded (others may have been): each says so, to be sent again.
      failures.push_back(written);
      for (size_t i : items) *results[i].mutable_status() = ItemOf(written);
    }
  }
  if (!failures.empty() && failures.size() == ByStudy(reports).size()) return failures.front();
  return results;
}

absl::StatusOr<std::vector<v1::ItemStatus>> Coordinator::Complete(
    absl::string_view worker_id, const std::vector<v1::TrialCompletion>& completions,
    absl::string_view principal) {
  if (static_cast<int>(completions.size()) > options_.max_batch) {
    return absl::InvalidArgumentError(absl::StrCat("completions: at most ", options_.max_batch, " per call"));
  }
  RETURN_IF_ERROR(workers_->Touch(worker_id, principal, clock_->NowMs()).status());
  std::vector<v1::ItemStatus> results(completions.size());
  std::vector<absl::Status> failures;
  for (const auto& by_study : ByStudy(completions)) {
    const int64_t study_id = by_study.first;
    const std::vector<size_t>& items = by_study.second;
    StudyShard* shard = Find(study_id);
    if (shard == nullptr) {
      for (size_t i : items)
        results[i] = ItemOf(absl::NotFoundError(absl::StrCat("no study with id ", study_id)));
      continue;
    }
    absl::Status written = Mutate(*shard, [&](StudyGroup& g) {
      CompleteInGroup(g, worker_id, completions, items, results);
      return absl::OkStatus();
    });
    if (!written.ok()) {
      // This study's completions were not recorded (others may have been): each says so, to be resent.
      failures.push_back(written);
      for (size_t i : items) results[i] = ItemOf(written);
    }
  }
  if (!failures.empty() && failures.size() == ByStudy(completions).size()) return failures.front();
  return results;
}

// A leased trial its holder did not run (a client that prefetched it and stopped; a worker asked for the
// program's digest only): pending again, as if never leased, so it goes to the next asker without an
// attempt counted against it. With a digest, the trial takes its content fingerprint and, when that
// experiment ran or runs elsewhere, waits for its result instead.
void Coordinator::GiveBack(StudyGroup& g, const v1::TrialCompletion& c, absl::string_view worker_id) {
  v1::Trial trial = g.state.trials()[c.lease().trial_id()];
  trial.clear_lease_id();
  trial.clear_lease_expire_unix_ms();
  storage::JournalBatch batch;
  const std::string path_fingerprint = trial.fingerprint();
  TakeDigest(g.state.study(), c, worker_id, trial, batch);
  if (trial.state() == v1::Trial::FAILED) {  // Run elsewhere on other content: not comparable.
    trial.set_end_unix_ms(g.now_ms);
  } else {
    trial.set_state(v1::Trial::PENDING);
    trial.set_attempt(std::max(0, trial.attempt() - 1));
    trial.set_reason(absl::StrCat("given back unrun by '", worker_id, "'"));
    trial.clear_worker_id();
    trial.clear_start_unix_ms();
    if (trial.fingerprint() != path_fingerprint) AwaitTwin(g, trial);
  }
  batch.trials.push_back(std::move(trial));
  g.Stage(std::move(batch));
}

void Coordinator::CompleteInGroup(StudyGroup& g, absl::string_view worker_id,
                                  const std::vector<v1::TrialCompletion>& completions,
                                  const std::vector<size_t>& items, std::vector<v1::ItemStatus>& results) {
  for (size_t i : items) {
    const v1::TrialCompletion& c = completions[i];
    absl::Status status = CheckLease(g.state, c.lease(), worker_id);
    const bool give_back = c.state() == v1::Trial::PENDING;
    if (status.ok() && !give_back && (!IsTerminal(c.state()) || c.state() == v1::Trial::CANCELLED)) {
      status = absl::InvalidArgumentError(absl::StrCat("completions[", i, "].state: must be SUCCEEDED, ",
                                                       "FAILED, STOPPED, INFEASIBLE or PENDING, got ",
                                                       v1::Trial::State_Name(c.state())));
    }
    if (status.ok() && give_back && g.state.study().spec().task().has_command() &&
        absl::StartsWith(g.state.trials()[c.lease().trial_id()].fingerprint(), "path:") &&
        ReportedDigest(g.state.study(), c).empty()) {
      // Leased digest_only: given back without the digest, it would only be leased the same way again.
      status = absl::InvalidArgumentError(
          absl::StrCat("completions[", i, "].artifacts[\"program_digest\"]: a trial leased digest_only is ",
                       "given back with its program's SHA-256 (64 lowercase hex digits)"));
    }
    results[i] = ItemOf(status);
    if (!status.ok()) continue;
    const int64_t id = c.lease().trial_id();
    if (give_back) {
      GiveBack(g, c, worker_id);
      continue;
    }
    v1::Trial trial = g.state.trials()[id];
    trial.set_end_unix_ms(g.now_ms);
    trial.clear_lease_id();
    trial.clear_lease_expire_unix_ms();
    storage::JournalBatch batch;
    // One trial's over-limit output fails that trial, with the limit as its reason; its payload is
    // dropped and the worker's other trials go on.
    if (absl::Status over = ValidateCompletionItem(c, static_cast<int>(i)); !over.ok()) {
      trial.set_state(v1::Trial::FAILED);
      trial.set_reason(absl::StrCat("the worker's result was refused: ", over.message()));
      batch.trials.push_back(std::move(trial));
      g.Stage(std::move(batch));
      continue;
    }
    trial.set_state(c.state());
    *trial.mutable_metrics() = c.metrics();
    *trial.mutable_artifacts() = c.artifacts();
    trial.set_reason(c.reason().substr(0, 4096));
    const v1::Study& study = g.state.study();
    TakeDigest(study, c, worker_id, trial, batch);
    const std::string& metric = PrimaryObjective(study.spec()).metric();
    if (trial.state() == v1::Trial::SUCCEEDED) {
      auto it = c.metrics().find(metric);
      if (it == c.metrics().end() || !std::isfinite(it->second)) {
        trial.set_state(v1::Trial::FAILED);
        trial.set_reason(
            it == c.metrics().end()
                ? absl::StrCat("objective metric '", metric, "' was not reported (", SeenMetrics(c), ")")
                : absl::StrCat("objective metric '", metric, "' is ", it->second));
      }
    }
    for (const v1::Measurement& m : c.measurements()) {
      batch.measurements.push_back({c.lease().study_id(), id, trial.measurement_count(), m});
      trial.set_measurement_count(trial.measurement_count() + 1);
    }
    batch.trials.push_back(std::move(trial));
    g.Stage(std::move(batch));
    g.on_durable.push_back([this, &g, &c, id, worker = std::string(worker_id)] {
      const v1::Trial& done = g.state.trials()[id];
      if (options_.log != nullptr) {
        options_.log->Info("trial_completed", {{"study", absl::StrCat(done.study_id())},
                                               {"trial", absl::StrCat(id)},
                                               {"worker", worker},
                                               {"state", v1::Trial::State_Name(done.state())},
                                               {"reason", done.reason().substr(0, 200)}});
      }
      for (const v1::Measurement& m : c.measurements()) g.state.AddMeasurement(id, m);
      if (done.state() == v1::Trial::SUCCEEDED) g.state.MarkCompleted(id);
    });
  }
}

absl::Status Coordinator::ExpireLeases() {
  std::vector<TrialKey> retry;
  {
    MutexLock lock(&retry_mu_);
    retry.swap(retry_);
  }
  if (!retry.empty()) ResolveWaiters(std::move(retry));
  int64_t expired = 0;
  for (StudyShard* shard : AllShards()) {
    if (shard->running.load(std::memory_order_relaxed) == 0) continue;
    RETURN_IF_ERROR(Mutate(*shard, [&](StudyGroup& g) {
      const StudyState& state = g.state;
      if (state.ended()) return absl::OkStatus();
      const int max_attempts = state.study().spec().budget().max_attempts();
      storage::JournalBatch batch;
      for (int64_t id : state.running()) {
        const v1::Trial& running = state.trials()[id];
        if (running.lease_expire_unix_ms() > g.now_ms) continue;
        v1::Trial trial = running;
        if (trial.attempt() >= max_attempts) {
          trial.set_state(v1::Trial::FAILED);
          trial.set_reason(absl::StrCat("lease expired ", trial.attempt(), " times (budget.max_attempts); ",
                                        "last worker ", trial.worker_id(), " stopped reporting"));
          trial.set_end_unix_ms(g.now_ms);
        } else {
          trial.set_state(v1::Trial::PENDING);
          trial.set_reason(absl::StrCat("lease of worker ", trial.worker_id(), " expired; requeued"));
        }
        trial.clear_lease_id();
        trial.clear_lease_expire_unix_ms();
        if (options_.log != nullptr) {
          options_.log->Warn("lease_expired", {{"study", absl::StrCat(trial.study_id())},
                                               {"trial", absl::StrCat(trial.id())},
                                               {"worker", trial.worker_id()},
                                               {"attempt", absl::StrCat(trial.attempt())},
                                               {"state", v1::Trial::State_Name(trial.state())}});
        }
        batch.trials.push_back(std::move(trial));
      }
      expired += static_cast<int64_t>(batch.trials.size());
      g.Stage(std::move(batch));
      return absl::OkStatus();
    }));
  }
  if (options_.metrics != nullptr && expired > 0) options_.metrics->CountLeaseExpiries(expired);
  return absl::OkStatus();
}

}  // namespace hyperlab::coordinator
