// The one place where the core's absl::Status becomes a gRPC status (docs/architecture.md, rule 4).
//
// Codes carry over unchanged (absl and gRPC share the canonical numbering); the message is kept as it is,
// because it already names what was wrong and where, except that control characters (a newline inside a
// quoted user value, say) are escaped: an error stays one line for the client.
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_GRPC_STATUS_H_
#define HYPERLAB_COORDINATOR_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/support/status.h"

namespace hyperlab::coordinator {

grpc::Status ToGrpcStatus(const absl::Status& status);

// `message` with \n, \r and other control characters written as escapes.
std::string OneLine(absl::string_view message);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_GRPC_STATUS_H_
