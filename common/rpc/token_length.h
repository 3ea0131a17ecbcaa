// The length of a bearer token: the coordinator refuses a token file holding a shorter or longer one, and a
// client refuses to send one.
#ifndef HYPERLAB_COMMON_RPC_TOKEN_LENGTH_H_
#define HYPERLAB_COMMON_RPC_TOKEN_LENGTH_H_

#include <cstddef>

namespace hyperlab {

inline constexpr size_t kMinTokenLength = 16;
inline constexpr size_t kMaxTokenLength = 256;

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_RPC_TOKEN_LENGTH_H_
