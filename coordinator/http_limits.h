// The bounds every HTTP endpoint of the coordinator (metrics, dashboard) runs with on cpp-httplib: a
// bounded thread pool, idle and I/O timeouts, a request count per connection, a body size, and
// SO_REUSEADDR only (httplib's default adds SO_REUSEPORT, which would let a second coordinator bind the
// same port and take half the requests; server.cc turns it off for gRPC for the same reason).
//
// Example:
//   ApplyHttpLimits(http, {.threads = 16, .idle_seconds = 1, .io_timeout_seconds = 2,
//                          .max_requests_per_connection = 16, .max_body_bytes = 8192});
#ifndef HYPERLAB_COORDINATOR_HTTP_LIMITS_H_
#define HYPERLAB_COORDINATOR_HTTP_LIMITS_H_

#include <cstddef>
#include <ctime>

namespace httplib {
class Server;
}  // namespace httplib

namespace hyperlab::coordinator {

struct HttpLimits {
  int threads = 16;
  time_t idle_seconds = 1;
  time_t io_timeout_seconds = 2;
  size_t max_requests_per_connection = 16;
  size_t max_body_bytes = 8192;
};

// Configures `http` (before it listens) with `limits`, TCP_NODELAY and SO_REUSEADDR only.
void ApplyHttpLimits(httplib::Server& http, const HttpLimits& limits);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_HTTP_LIMITS_H_
