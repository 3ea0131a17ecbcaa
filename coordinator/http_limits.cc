#include "coordinator/http_limits.h"

#include <httplib.h>
#include <sys/socket.h>

namespace hyperlab::coordinator {

void ApplyHttpLimits(httplib::Server& http, const HttpLimits& limits) {
  const int threads = limits.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_keep_alive_timeout(limits.idle_seconds);
  http.set_keep_alive_max_count(limits.max_requests_per_connection);
  http.set_read_timeout(limits.io_timeout_seconds, 0);
  http.set_write_timeout(limits.io_timeout_seconds, 0);
  http.set_payload_max_length(limits.max_body_bytes);
  http.set_tcp_nodelay(true);
  http.set_socket_options([](socket_t socket) {
    const int one = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  });
}

}  // namespace hyperlab::coordinator
