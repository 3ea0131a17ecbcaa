// A coordinator that does nothing: WorkerService and the StudyService calls hyperlab-load makes, answered
// at once from memory on gRPC's callback API (no journal, no locks, no search). hyperlab-load
// --null-coordinator serves it in its own process to measure the load generator's own ceiling: the rate at
// which the real coordinator's figures would stop being the coordinator's.
//
// AcquireTrials hands out max_trials new trials (x1, x2 from a counter) of study 1; Report and Complete
// answer OK per item; CreateStudy returns the spec with a new id; WatchStudy sends one message and holds
// the stream open until the client cancels it.
//
// Thread safety: thread-safe (gRPC calls it from its own threads).
#ifndef HYPERLAB_TOOLS_BENCH_LOAD_NULL_COORDINATOR_H_
#define HYPERLAB_TOOLS_BENCH_LOAD_NULL_COORDINATOR_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"

namespace hyperlab::bench::load {

class NullCoordinator {
 public:
  // Serves on 127.0.0.1 at a free port.
  static absl::StatusOr<std::unique_ptr<NullCoordinator>> Start();
  ~NullCoordinator();
  int port() const { return port_; }

 private:
  NullCoordinator() = default;
  class Services;
  std::unique_ptr<Services> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace hyperlab::bench::load

#endif  // HYPERLAB_TOOLS_BENCH_LOAD_NULL_COORDINATOR_H_
