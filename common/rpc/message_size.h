// The message sizes of every gRPC channel to and from the coordinator, from the one limits table
// (proto/limits.h): a client sends requests of up to kMaxRequestBytes and receives responses of up to
// kMaxResponseBytes; the server receives up to kMaxRequestBytes and sends up to kMaxResponseBytes. Before
// this, the server accepted 16 MiB while workers and the CLI received gRPC's default 4 MiB, so one large
// study made every worker's lease call and everyone's `study list` fail (issue 14, #8).
//
// Used by NewClientChannel (worker, CLI), CoordinatorServer's builder and its in-process channels.
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_RPC_MESSAGE_SIZE_H_
#define HYPERLAB_COMMON_RPC_MESSAGE_SIZE_H_

#include "grpcpp/server_builder.h"
#include "grpcpp/support/channel_arguments.h"

namespace hyperlab {

// Sets the client-side send and receive limits on `args`, overriding any set before.
void SetClientMessageSizes(grpc::ChannelArguments& args);

// Sets the server-side limits: receive `max_request_bytes` (kMaxRequestBytes unless a test lowers it), send
// kMaxResponseBytes.
void SetServerMessageSizes(grpc::ServerBuilder& builder, int max_request_bytes);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_RPC_MESSAGE_SIZE_H_
