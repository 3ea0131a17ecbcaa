// ClientService over gRPC: thin handlers over the Coordinator core for the user's own code running the
// trials of `client` tasks (the Python client). A client is a worker with the one executor "client"
// (Coordinator::Ask registers it on first use); reports and completions are the workers' own paths.
// Thread safety: safe for concurrent calls (the core is).
#ifndef HYPERLAB_COORDINATOR_CLIENT_SERVICE_H_
#define HYPERLAB_COORDINATOR_CLIENT_SERVICE_H_

#include "coordinator/authorizer.h"
#include "coordinator/coordinator.h"
#include "hyperlab/v1/services.grpc.pb.h"

namespace hyperlab::coordinator {

class ClientServiceImpl final : public v1::ClientService::Service {
 public:
  // `core` and `auth` must outlive the service.
  ClientServiceImpl(Coordinator* core, const Authorizer* auth) : core_(core), auth_(auth) {}

  grpc::Status AskTrials(grpc::ServerContext* context, const v1::AskTrialsRequest* request,
                         v1::AskTrialsResponse* response) override;
  grpc::Status ReportTrials(grpc::ServerContext* context, const v1::ReportTrialsRequest* request,
                            v1::ReportTrialsResponse* response) override;
  grpc::Status CompleteTrials(grpc::ServerContext* context, const v1::CompleteTrialsRequest* request,
                              v1::CompleteTrialsResponse* response) override;

 private:
  Coordinator* const core_;
  const Authorizer* const auth_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_CLIENT_SERVICE_H_
