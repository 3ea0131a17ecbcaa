// A server interceptor that times every RPC (from the start of the call to the status being sent) and
// records it in CoordinatorMetrics by method and status code. Health and reflection calls are included.
//
// Thread safety: one interceptor per call; the factory and the metrics are shared and thread-safe.
#ifndef HYPERLAB_COORDINATOR_RPC_METRICS_INTERCEPTOR_H_
#define HYPERLAB_COORDINATOR_RPC_METRICS_INTERCEPTOR_H_

#include "coordinator/metrics.h"
#include "grpcpp/support/server_interceptor.h"

namespace hyperlab::coordinator {

class RpcMetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` must outlive the server.
  explicit RpcMetricsInterceptorFactory(CoordinatorMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  CoordinatorMetrics* const metrics_;
};

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_RPC_METRICS_INTERCEPTOR_H_
