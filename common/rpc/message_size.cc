#include "common/rpc/message_size.h"

#include "proto/limits.h"

namespace hyperlab {

void SetClientMessageSizes(grpc::ChannelArguments& args) {
  args.SetMaxSendMessageSize(kMaxRequestBytes);
  args.SetMaxReceiveMessageSize(kMaxResponseBytes);
}

void SetServerMessageSizes(grpc::ServerBuilder& builder, int max_request_bytes) {
  builder.SetMaxReceiveMessageSize(max_request_bytes);
  builder.SetMaxSendMessageSize(kMaxResponseBytes);
}

}  // namespace hyperlab
