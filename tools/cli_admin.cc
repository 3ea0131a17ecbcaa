// The CLI's operator commands (`hyperlab admin ...`): cluster status, workers (list, drain, evict), trial
// repairs (requeue, fail), journal statistics and backups. Each is a call on the AdminService and a print.
#include <chrono>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "hyperlab/v1/services.grpc.pb.h"
#include "common/base/status_macros.h"
#include "tools/cli.h"
#include "tools/output_format.h"

namespace hyperlab::tools {

namespace {

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

absl::Status AdminStatus(const GlobalOptions& g) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::AdminService::NewStub(c.channel);
  v1::GetStatusResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->GetStatus(CallContext(g).get(), {}, &response)));
  if (format == OutputFormat::kJson) {
    std::cout << nlohmann::json::parse(ProtoToJson(response)).dump(2) << std::endl;
    return absl::OkStatus();
  }
  const v1::BuildInfo& b = response.build();
  std::cout << "hyperlab " << response.version() << " (" << b.git_commit() << ", " << b.build_type() << ", "
            << b.compiler() << ", gRPC " << b.grpc_version() << ", protobuf " << b.protobuf_version()
            << "), up " << response.uptime_ms() / 1000 << " s, auth "
            << (response.auth_enabled() ? "on" : "off") << ", TLS " << (response.tls_enabled() ? "on" : "off")
            << "\n";
  const v1::StorageStats& st = response.storage();
  std::cout << "journal " << st.data_dir() << ": " << st.studies() << " studies, " << st.trials()
            << " trials, " << st.measurements() << " measurements, " << st.disk_bytes() << " bytes in "
            << st.files() << " files\n";
  std::cout << response.workers() << " worker(s), " << response.active_studies() << " active stud"
            << (response.active_studies() == 1 ? "y" : "ies") << "\n";
  std::cout << FormatWorkers({response.worker_status().begin(), response.worker_status().end()},
                             response.lease_timeout_ms(), NowUnixMs(), format);
  std::cout << FormatStudies({response.studies().begin(), response.studies().end()}, format);
  return absl::OkStatus();
}

absl::Status AdminWorkers(const GlobalOptions& g) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::AdminService::NewStub(c.channel);
  v1::ListWorkersResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->ListWorkers(CallContext(g).get(), {}, &response)));
  if (format == OutputFormat::kJson) {
    std::cout << nlohmann::json::parse(ProtoToJson(response)).dump(2) << std::endl;
    return absl::OkStatus();
  }
  std::cout << FormatWorkers({response.workers().begin(), response.workers().end()},
                             response.lease_timeout_ms(), NowUnixMs(), format);
  return absl::OkStatus();
}

absl::Status AdminDrain(const GlobalOptions& g, const std::string& worker, bool drain) {
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::AdminService::NewStub(c.channel);
  v1::DrainWorkerRequest request;
  request.set_worker_id(worker);
  v1::WorkerStatus response;
  RETURN_IF_ERROR(FromGrpc(drain ? stub->DrainWorker(CallContext(g).get(), request, &response)
                                 : stub->UndrainWorker(CallContext(g).get(), request, &response)));
  if (g.format == "json") {
    std::cout << nlohmann::json::parse(ProtoToJson(response)).dump(2) << std::endl;
  } else {
    std::cout << "worker " << worker << (drain ? " drained: it takes no new trials; " : " undrained; ")
              << response.trials_size() << " trial(s) running on it" << std::endl;
  }
  return absl::OkStatus();
}

absl::Status AdminEvict(const GlobalOptions& g, const std::string& worker) {
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::AdminService::NewStub(c.channel);
  v1::EvictWorkerRequest request;
  request.set_worker_id(worker);
  v1::EvictWorkerResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->EvictWorker(CallContext(g).get(), request, &response)));
  if (g.format == "json") {
    std::cout << nlohmann::json::parse(ProtoToJson(response)).dump(2) << std::endl;
    return absl::OkStatus();
  }
  std::cout << "worker " << worker << " evicted; " << response.requeued_size() << " trial(s) requeued";
  for (const v1::LeaseRef& r : response.requeued()) std::cout << " " << r.study_id() << "/" << r.trial_id();
  std::cout << std::endl;
  return absl::OkStatus();
}

namespace {

template <typename Call>
absl::Status TrialAction(const GlobalOptions& g, const std::string& study, int64_t trial,
                         const std::string& reason, Call call) {
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::AdminService::NewStub(c.channel);
  v1::TrialActionRequest request;
  request.set_study(study);
  request.set_trial_id(trial);
  request.set_reason(reason);
  v1::Trial response;
  RETURN_IF_ERROR(FromGrpc(call(*stub, CallContext(g).get(), request, &response)));
  if (g.format == "json") {
    std::cout << TrialToJson(response).dump(2) << std::endl;
  } else {
    std::cout << "trial " << study << "/" << trial << " is now " << v1::Trial::State_Name(response.state())
              << ": " << response.reason() << std::endl;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AdminRequeueTrial(const GlobalOptions& g, const std::string& study, int64_t trial,
                               const std::string& reason) {
  return TrialAction(g, study, trial, reason, [](auto& stub, auto* context, const auto& r, auto* out) {
    return stub.RequeueTrial(context, r, out);
  });
}

absl::Status AdminFailTrial(const GlobalOptions& g, const std::string& study, int64_t trial,
                            const std::string& reason) {
  return TrialAction(g, study, trial, reason, [](auto& stub, auto* context, const auto& r, auto* out) {
    return stub.FailTrial(context, r, out);
  });
}

absl::Status AdminStorage(const GlobalOptions& g) {
  ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(g.format));
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::AdminService::NewStub(c.channel);
  v1::StorageStats response;
  RETURN_IF_ERROR(FromGrpc(stub->GetStorageStats(CallContext(g).get(), {}, &response)));
  if (format == OutputFormat::kJson) {
    std::cout << nlohmann::json::parse(ProtoToJson(response)).dump(2) << std::endl;
    return absl::OkStatus();
  }
  std::cout << FormatStorage(response, format);
  return absl::OkStatus();
}

absl::Status AdminBackup(const GlobalOptions& g, const std::string& dir) {
  ASSIGN_OR_RETURN(Connection c, Connect(g));
  auto stub = v1::AdminService::NewStub(c.channel);
  v1::BackupRequest request;
  request.set_dir(dir);
  v1::BackupResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->Backup(CallContext(g).get(), request, &response)));
  std::cout << "backup written to " << response.dir() << " (" << response.bytes() << " bytes); start a "
            << "coordinator with --data-dir " << response.dir() << " to use it" << std::endl;
  return absl::OkStatus();
}

}  // namespace hyperlab::tools
