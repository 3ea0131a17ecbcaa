#include "coordinator/request_limits.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/base/status_macros.h"

namespace hyperlab::coordinator {
namespace {

absl::Status Over(absl::string_view field, size_t got, absl::string_view unit, absl::string_view limit,
                  size_t value) {
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", got, " ", unit, ", over the limit ", limit, " = ", value));
}

absl::Status Length(absl::string_view field, const std::string& s, absl::string_view limit, size_t value) {
  if (s.size() > value) return Over(field, s.size(), "bytes", limit, value);
  return absl::OkStatus();
}

template <typename Repeated>
absl::Status Count(absl::string_view field, const Repeated& items, absl::string_view limit, int value) {
  if (static_cast<int64_t>(items.size()) > value)
    return Over(field, static_cast<size_t>(items.size()), "entries", limit, value);
  return absl::OkStatus();
}

absl::Status StudyRef(const std::string& study) {
  return Length("study", study, "max_study_ref_length", kMaxStudyRefLength);
}

absl::Status WorkerId(absl::string_view field, const std::string& id) {
  return Length(field, id, "max_worker_id_length", kMaxWorkerIdLength);
}

absl::Status Metrics(const std::string& field, const google::protobuf::Map<std::string, double>& metrics) {
  RETURN_IF_ERROR(Count(field, metrics, "max_metrics_per_report", kMaxMetricsPerReport));
  for (const auto& [name, value] : metrics) {
    if (name.size() > kMaxMetricNameLength) {
      return Over(absl::StrCat(field, "[\"", name.substr(0, 32), "...\"]"), name.size(), "bytes of name",
                  "max_metric_name_length", kMaxMetricNameLength);
    }
  }
  return absl::OkStatus();
}

absl::Status Measurements(const std::string& field,
                          const google::protobuf::RepeatedPtrField<v1::Measurement>& measurements) {
  RETURN_IF_ERROR(Count(field, measurements, "max_measurements_per_report", kMaxMeasurementsPerReport));
  for (int i = 0; i < measurements.size(); ++i) {
    RETURN_IF_ERROR(Metrics(absl::StrCat(field, "[", i, "].metrics"), measurements[i].metrics()));
  }
  return absl::OkStatus();
}

absl::Status Lease(const std::string& field, const v1::LeaseRef& lease) {
  return Length(absl::StrCat(field, ".lease_id"), lease.lease_id(), "max_lease_id_length", kMaxLeaseIdLength);
}

// The completions of a CompleteTrials or AskTrials call: how many, and that each names a lease.
absl::Status Completions(const google::protobuf::RepeatedPtrField<v1::TrialCompletion>& completions) {
  RETURN_IF_ERROR(Count("completions", completions, "max_reports_per_call", kMaxReportsPerCall));
  for (int i = 0; i < completions.size(); ++i) {
    RETURN_IF_ERROR(Lease(absl::StrCat("completions[", i, "].lease"), completions[i].lease()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRequest(const v1::CreateStudyRequest& r) {
  const size_t bytes = r.spec().ByteSizeLong();
  if (bytes > kMaxSpecBytes) return Over("spec", bytes, "bytes", "max_spec_bytes", kMaxSpecBytes);
  return absl::OkStatus();
}
absl::Status ValidateRequest(const v1::GetStudyRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::ListStudiesRequest& r) {
  return Length("tag", r.tag(), "max_name_length", kMaxMetricNameLength);
}
absl::Status ValidateRequest(const v1::CancelStudyRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::DeleteStudyRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::WatchStudyRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::ListTrialsRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::GetBestTrialRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::GetParetoFrontRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::PauseStudyRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::ResumeStudyRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::SetStudyBudgetRequest& r) { return StudyRef(r.study()); }
absl::Status ValidateRequest(const v1::ConcludeStudyRequest& r) {
  RETURN_IF_ERROR(StudyRef(r.study()));
  return Length("conclusion", r.conclusion(), "max_note_length", kMaxNoteLength);
}
absl::Status ValidateRequest(const v1::AddTrialNoteRequest& r) {
  RETURN_IF_ERROR(StudyRef(r.study()));
  return Length("text", r.text(), "max_note_length", kMaxNoteLength);
}

absl::Status ValidateRequest(const v1::EnqueueTrialRequest& r) {
  RETURN_IF_ERROR(StudyRef(r.study()));
  RETURN_IF_ERROR(Length("note", r.note(), "max_note_length", kMaxNoteLength));
  RETURN_IF_ERROR(Count("parameters", r.parameters(), "max_parameters", kMaxParameters));
  for (int i = 0; i < r.parameters_size(); ++i) {
    const v1::Parameter& p = r.parameters(i);
    RETURN_IF_ERROR(
        Length(absl::StrCat("parameters[", i, "].name"), p.name(), "max_name_length", kMaxNameLength));
    RETURN_IF_ERROR(Length(absl::StrCat("parameters[", i, "].value"), p.value().string_value(),
                           "max_value_length", kMaxValueLength));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequest(const v1::RegisterWorkerRequest& r) {
  const v1::WorkerInfo& w = r.worker();
  RETURN_IF_ERROR(WorkerId("worker.id", w.id()));
  RETURN_IF_ERROR(Length("worker.host", w.host(), "max_host_length", kMaxHostLength));
  RETURN_IF_ERROR(Length("worker.version", w.version(), "max_host_length", kMaxHostLength));
  if (w.slots() > kMaxSlots) return Over("worker.slots", w.slots(), "slots", "max_slots", kMaxSlots);
  RETURN_IF_ERROR(Count("worker.executors", w.executors(), "max_executors", kMaxExecutors));
  for (int i = 0; i < w.executors_size(); ++i) {
    RETURN_IF_ERROR(Length(absl::StrCat("worker.executors[", i, "]"), w.executors(i),
                           "max_metric_name_length", kMaxMetricNameLength));
  }
  RETURN_IF_ERROR(
      Count("worker.allowed_commands", w.allowed_commands(), "max_allowed_commands", kMaxAllowedCommands));
  for (int i = 0; i < w.allowed_commands_size(); ++i) {
    RETURN_IF_ERROR(Length(absl::StrCat("worker.allowed_commands[", i, "]"), w.allowed_commands(i),
                           "max_path_length", kMaxPathLength));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequest(const v1::AcquireTrialsRequest& r) {
  RETURN_IF_ERROR(WorkerId("worker_id", r.worker_id()));
  if (r.max_trials() > kMaxAcquire)
    return Over("max_trials", r.max_trials(), "trials", "max_acquire", kMaxAcquire);
  return absl::OkStatus();
}

absl::Status ValidateRequest(const v1::AskTrialsRequest& r) {
  RETURN_IF_ERROR(WorkerId("client_id", r.client_id()));
  RETURN_IF_ERROR(StudyRef(r.study()));
  if (r.max_trials() > kMaxAcquire)
    return Over("max_trials", r.max_trials(), "trials", "max_acquire", kMaxAcquire);
  RETURN_IF_ERROR(Length("host", r.host(), "max_host_length", kMaxHostLength));
  RETURN_IF_ERROR(Length("version", r.version(), "max_host_length", kMaxHostLength));
  return Completions(r.completions());
}

absl::Status ValidateRequest(const v1::ReportTrialsRequest& r) {
  RETURN_IF_ERROR(WorkerId("worker_id", r.worker_id()));
  RETURN_IF_ERROR(Count("reports", r.reports(), "max_reports_per_call", kMaxReportsPerCall));
  for (int i = 0; i < r.reports_size(); ++i) {
    RETURN_IF_ERROR(Lease(absl::StrCat("reports[", i, "].lease"), r.reports(i).lease()));
  }
  return absl::OkStatus();
}

absl::Status ValidateReportItem(const v1::TrialReport& report, int index) {
  return Measurements(absl::StrCat("reports[", index, "].measurements"), report.measurements());
}

absl::Status ValidateRequest(const v1::CompleteTrialsRequest& r) {
  RETURN_IF_ERROR(WorkerId("worker_id", r.worker_id()));
  return Completions(r.completions());
}

absl::Status ValidateCompletionItem(const v1::TrialCompletion& c, int index) {
  const std::string field = absl::StrCat("completions[", index, "]");
  RETURN_IF_ERROR(Metrics(absl::StrCat(field, ".metrics"), c.metrics()));
  RETURN_IF_ERROR(Length(absl::StrCat(field, ".reason"), c.reason(), "max_reason_length", kMaxReasonLength));
  RETURN_IF_ERROR(Measurements(absl::StrCat(field, ".measurements"), c.measurements()));
  RETURN_IF_ERROR(Count(absl::StrCat(field, ".artifacts"), c.artifacts(), "max_artifacts_per_completion",
                        kMaxArtifactsPerCompletion));
  for (const auto& [name, value] : c.artifacts()) {
    RETURN_IF_ERROR(
        Length(absl::StrCat(field, ".artifacts key"), name, "max_metric_name_length", kMaxMetricNameLength));
    RETURN_IF_ERROR(Length(absl::StrCat(field, ".artifacts[\"", name.substr(0, 64), "\"]"), value,
                           "max_artifact_bytes", kMaxArtifactBytes));
  }
  return absl::OkStatus();
}

absl::Status ValidateRequest(const v1::GetStatusRequest&) { return absl::OkStatus(); }
absl::Status ValidateRequest(const v1::ListWorkersRequest&) { return absl::OkStatus(); }
absl::Status ValidateRequest(const v1::BackupRequest& r) {
  return Length("dir", r.dir(), "max_path_length", kMaxPathLength);
}
absl::Status ValidateRequest(const v1::DrainWorkerRequest& r) { return WorkerId("worker_id", r.worker_id()); }
absl::Status ValidateRequest(const v1::EvictWorkerRequest& r) { return WorkerId("worker_id", r.worker_id()); }
absl::Status ValidateRequest(const v1::TrialActionRequest& r) {
  RETURN_IF_ERROR(StudyRef(r.study()));
  return Length("reason", r.reason(), "max_operator_reason_length", kMaxOperatorReasonLength);
}
absl::Status ValidateRequest(const v1::GetStorageStatsRequest&) { return absl::OkStatus(); }

}  // namespace hyperlab::coordinator
