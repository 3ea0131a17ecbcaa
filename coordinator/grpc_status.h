// The one place where the core's absl::Status becomes a gRPC status (STYLE.md, point 4).
//
// Codes carry over unchanged (absl and gRPC share the canonical numbering); the message is kept as it is,
// because it already names what was wrong and where.
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_GRPC_STATUS_H_
#define HYPERLAB_COORDINATOR_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace hyperlab::coordinator {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_GRPC_STATUS_H_
