// WorkerService over gRPC: thin handlers over the Coordinator core's worker methods.
// Every handler first checks the caller's role and the request's limits (admission.h).
// Thread safety: safe for concurrent calls (the core is).
#ifndef HYPERLAB_COORDINATOR_WORKER_SERVICE_H_
#define HYPERLAB_COORDINATOR_WORKER_SERVICE_H_

#include "coordinator/authorizer.h"
#include "coordinator/coordinator.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {

class WorkerServiceImpl final : public v1::WorkerService::Service {
 public:
  // `core` and `auth` must outlive the service.
  WorkerServiceImpl(Coordinator* core, const Authorizer* auth) : core_(core), auth_(auth) {}

  grpc::Status RegisterWorker(grpc::ServerContext* context, const v1::RegisterWorkerRequest* request,
                              v1::RegisterWorkerResponse* response) override;
  grpc::Status AcquireTrials(grpc::ServerContext* context, const v1::AcquireTrialsRequest* request,
                             v1::AcquireTrialsResponse* response) override;
  grpc::Status ReportTrials(grpc::ServerContext* context, const v1::ReportTrialsRequest* request,
                            v1::ReportTrialsResponse* response) override;
  grpc::Status CompleteTrials(grpc::ServerContext* context, const v1::CompleteTrialsRequest* request,
                              v1::CompleteTrialsResponse* response) override;

 private:
  Coordinator* const core_;
  const Authorizer* const auth_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_WORKER_SERVICE_H_
