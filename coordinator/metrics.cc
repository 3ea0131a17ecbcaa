#include "coordinator/metrics.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"

namespace hyperlab::coordinator {
namespace {

// 100 us to 10 s: RPCs and synced writes on loopback take tens of microseconds to tens of milliseconds.
std::vector<double> LatencyBounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string Number(double v) { return absl::StrFormat("%.9g", v); }

const char* CodeName(int code) {
  static const char* const kNames[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

// The full paths of the methods that get their own series: every method of our services as the proto
// descriptors list them (so a new RPC is known without editing this file), plus health and reflection.
std::set<std::string, std::less<>> KnownMethods() {
  std::set<std::string, std::less<>> methods = {
      "/grpc.health.v1.Health/Check",
      "/grpc.health.v1.Health/Watch",
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
  };
  const google::protobuf::FileDescriptor* file = v1::GetStatusRequest::descriptor()->file();
  for (int i = 0; i < file->service_count(); ++i) {
    const google::protobuf::ServiceDescriptor* service = file->service(i);
    for (int j = 0; j < service->method_count(); ++j) {
      methods.insert(absl::StrCat("/", service->full_name(), "/", service->method(j)->name()));
    }
  }
  return methods;
}

void Header(std::string& out, absl::string_view name, absl::string_view type, absl::string_view help) {
  absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

std::string PromLabelValue(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  std::lock_guard<std::mutex> lock(mu_);
  ++buckets_[i];
  sum_ += value;
  ++count_;
}

uint64_t Histogram::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

void Histogram::Render(absl::string_view name, absl::string_view labels, std::string& out) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i];
    absl::StrAppend(&out, name, "_bucket{", labels, sep, "le=\"",
                    i < bounds_.size() ? Number(bounds_[i]) : "+Inf", "\"} ", cumulative, "\n");
  }
  const std::string braces = labels.empty() ? "" : absl::StrCat("{", labels, "}");
  absl::StrAppend(&out, name, "_sum", braces, " ", Number(sum_), "\n", name, "_count", braces, " ", count_,
                  "\n");
}

CoordinatorMetrics::CoordinatorMetrics()
    : known_methods_(KnownMethods()), journal_write_(LatencyBounds()), suggest_(LatencyBounds()) {}

void CoordinatorMetrics::ObserveRpc(absl::string_view method, int grpc_code, double seconds) {
  if (!known_methods_.contains(method)) method = kOtherMethod;
  if (grpc_code < 0 || grpc_code > 16) grpc_code = 2;  // UNKNOWN: one series, not one per stray value.
  Histogram* histogram;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = rpc_duration_.find(method);
    if (it == rpc_duration_.end()) {
      it = rpc_duration_.emplace(std::string(method), std::make_unique<Histogram>(LatencyBounds())).first;
    }
    histogram = it->second.get();
    ++rpc_total_[{std::string(method), grpc_code}];
  }
  histogram->Observe(seconds);
}

void CoordinatorMetrics::CountLeaseExpiries(int64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  lease_expiries_ += n;
}

void CoordinatorMetrics::CountAuthRefused(int grpc_code) {
  std::lock_guard<std::mutex> lock(mu_);
  ++auth_refused_[grpc_code];
}

std::string CoordinatorMetrics::Render(const v1::GetStatusResponse& status) const {
  std::string out;
  // Gauges from the core.
  v1::TrialCounts trials;
  std::map<std::string, int> studies;
  for (const char* state : {"ACTIVE", "PAUSED", "COMPLETED", "FAILED", "CANCELLED"}) studies[state] = 0;
  for (const v1::Study& s : status.studies()) {
    const v1::TrialCounts& c = s.counts();
    trials.set_pending(trials.pending() + c.pending());
    trials.set_running(trials.running() + c.running());
    trials.set_succeeded(trials.succeeded() + c.succeeded());
    trials.set_failed(trials.failed() + c.failed());
    trials.set_stopped(trials.stopped() + c.stopped());
    trials.set_infeasible(trials.infeasible() + c.infeasible());
    trials.set_cancelled(trials.cancelled() + c.cancelled());
    trials.set_reused(trials.reused() + c.reused());
    ++studies[v1::Study::State_Name(s.state())];
  }
  Header(out, "hyperlab_trials", "gauge", "Trials of all studies by state (reused: succeeded by reuse).");
  for (const auto& [state, n] :
       std::initializer_list<std::pair<const char*, int>>{{"PENDING", trials.pending()},
                                                          {"RUNNING", trials.running()},
                                                          {"SUCCEEDED", trials.succeeded()},
                                                          {"FAILED", trials.failed()},
                                                          {"STOPPED", trials.stopped()},
                                                          {"INFEASIBLE", trials.infeasible()},
                                                          {"CANCELLED", trials.cancelled()},
                                                          {"REUSED", trials.reused()}}) {
    absl::StrAppend(&out, "hyperlab_trials{state=\"", state, "\"} ", n, "\n");
  }
  Header(out, "hyperlab_queue_depth", "gauge", "PENDING trials waiting for a worker.");
  absl::StrAppend(&out, "hyperlab_queue_depth ", trials.pending(), "\n");
  Header(out, "hyperlab_studies", "gauge", "Studies by state.");
  for (const auto& [state, n] : studies)
    absl::StrAppend(&out, "hyperlab_studies{state=\"", state, "\"} ", n, "\n");
  int draining = 0;
  for (const v1::WorkerStatus& w : status.worker_status()) draining += w.draining() ? 1 : 0;
  Header(out, "hyperlab_workers", "gauge", "Registered workers.");
  absl::StrAppend(&out, "hyperlab_workers{state=\"active\"} ", status.workers() - draining, "\n");
  absl::StrAppend(&out, "hyperlab_workers{state=\"draining\"} ", draining, "\n");
  Header(out, "hyperlab_uptime_seconds", "gauge", "Seconds since the coordinator started.");
  absl::StrAppend(&out, "hyperlab_uptime_seconds ", Number(status.uptime_ms() / 1000.0), "\n");

  // Measured series.
  Header(out, "hyperlab_journal_write_seconds", "histogram", "Latency of one synced journal write.");
  journal_write_.Render("hyperlab_journal_write_seconds", "", out);
  Header(out, "hyperlab_suggest_seconds", "histogram", "Latency of one search-strategy Suggest call.");
  suggest_.Render("hyperlab_suggest_seconds", "", out);
  std::lock_guard<std::mutex> lock(mu_);
  Header(out, "hyperlab_lease_expiries_total", "counter", "Leases that expired without a heartbeat.");
  absl::StrAppend(&out, "hyperlab_lease_expiries_total ", lease_expiries_, "\n");
  Header(out, "hyperlab_auth_refused_total", "counter",
         "Calls refused for a missing, unknown or weak token.");
  for (int code : {16, 7}) {
    auto it = auth_refused_.find(code);
    absl::StrAppend(&out, "hyperlab_auth_refused_total{code=\"", CodeName(code), "\"} ",
                    it == auth_refused_.end() ? 0 : it->second, "\n");
  }
  Header(out, "hyperlab_rpc_duration_seconds", "histogram", "RPC latency by method, as the server sees it.");
  for (const auto& [method, histogram] : rpc_duration_) {
    histogram->Render("hyperlab_rpc_duration_seconds",
                      absl::StrCat("method=\"", PromLabelValue(method), "\""), out);
  }
  Header(out, "hyperlab_rpc_total", "counter", "RPCs by method and status code.");
  for (const auto& [key, n] : rpc_total_) {
    absl::StrAppend(&out, "hyperlab_rpc_total{method=\"", PromLabelValue(key.first), "\",code=\"",
                    CodeName(key.second), "\"} ", n, "\n");
  }
  return out;
}

}  // namespace hyperlab::coordinator
