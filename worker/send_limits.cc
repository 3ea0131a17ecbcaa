#include "worker/send_limits.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "worker/metric_line.h"
#include "common/base/printable.h"

namespace hyperlab::worker {
namespace {

// Over max_metric_name_length, or not a metric name: the message gives the length, never the name.
absl::Status CheckName(const std::string& name, absl::string_view what) {
  if (name.size() > kMaxMetricNameLength) {
    return absl::ResourceExhaustedError(
        absl::StrCat(what, " name of ", name.size(),
                     " characters, over the limit max_metric_name_length = ", kMaxMetricNameLength));
  }
  if (!IsValidMetricName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " name of ", name.size(), " characters is not [A-Za-z_][A-Za-z0-9_./-]*"));
  }
  return absl::OkStatus();
}

absl::Status CheckMetrics(const google::protobuf::Map<std::string, double>& metrics) {
  if (metrics.size() > static_cast<size_t>(kMaxMetricsPerReport)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        metrics.size(), " metrics, over the limit max_metrics_per_report = ", kMaxMetricsPerReport));
  }
  for (const auto& [name, value] : metrics) {
    if (absl::Status s = CheckName(name, "metric"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckArtifacts(const google::protobuf::Map<std::string, std::string>& artifacts) {
  if (artifacts.size() > static_cast<size_t>(kMaxArtifactsPerCompletion)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        artifacts.size(),
        " artifacts, over the limit max_artifacts_per_completion = ", kMaxArtifactsPerCompletion));
  }
  for (const auto& [name, value] : artifacts) {
    if (absl::Status s = CheckName(name, "artifact"); !s.ok()) return s;
    if (value.size() > kMaxArtifactBytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("artifact '", name, "' of ", value.size(),
                       " bytes, over the limit max_artifact_bytes = ", kMaxArtifactBytes));
    }
    if (!IsValidUtf8(value)) {
      return absl::InvalidArgumentError(absl::StrCat("artifact '", name, "' is not valid UTF-8 text"));
    }
  }
  return absl::OkStatus();
}

std::string FitReason(const std::string& reason) { return PrintablePrefix(reason, kMaxReasonLength); }

}  // namespace

absl::Status CheckMeasurement(const v1::Measurement& measurement) {
  if (absl::Status s = CheckMetrics(measurement.metrics()); !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("measurement at step ", measurement.step(), ": ", s.message()));
  }
  return absl::OkStatus();
}

void StripToFailure(v1::TrialCompletion& completion, const std::string& reason) {
  v1::TrialCompletion stripped;
  *stripped.mutable_lease() = completion.lease();
  stripped.set_state(v1::Trial::FAILED);
  stripped.set_reason(FitReason(reason));
  completion = std::move(stripped);
}

bool FitCompletion(v1::TrialCompletion& c) {
  absl::Status problem = CheckMetrics(c.metrics());
  if (problem.ok()) problem = CheckArtifacts(c.artifacts());
  if (problem.ok() && c.measurements_size() > kMaxMeasurementsPerReport) {
    // Keep the newest: they are what an early-stopping rule and a curve end on.
    c.mutable_measurements()->DeleteSubrange(0, c.measurements_size() - kMaxMeasurementsPerReport);
  }
  for (int i = 0; problem.ok() && i < c.measurements_size(); ++i)
    problem = CheckMeasurement(c.measurements(i));
  if (!problem.ok()) {
    StripToFailure(c, std::string(problem.message()));
    return true;
  }
  c.set_reason(FitReason(c.reason()));
  if (c.ByteSizeLong() > kMaxCallBytes) {
    const int dropped = c.measurements_size();
    c.clear_measurements();
    if (dropped > 0 && c.ByteSizeLong() <= kMaxCallBytes) {
      c.set_reason(FitReason(absl::StrCat(c.reason(), c.reason().empty() ? "" : "; ", "note: ", dropped,
                                          " intermediate measurements not sent (the completion was over ",
                                          kMaxCallBytes, " bytes)")));
    }
  }
  if (c.ByteSizeLong() > kMaxCallBytes) {
    StripToFailure(c, absl::StrCat("the trial's result is over ", kMaxCallBytes,
                                   " bytes (the most a worker sends in one call); its metrics and artifacts "
                                   "were not sent"));
    return true;
  }
  return false;
}

}  // namespace hyperlab::worker
