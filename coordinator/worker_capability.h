// Whether a registered worker can run a study's task, judged from what it announced at registration
// (WorkerInfo.executors and .allowed_commands). Dispatch offers a worker only the studies it can run (a
// study no registered worker can run waits, and CreateStudy warns); a client (ClientService) has the one
// executor "client", which no worker may claim.
//
// For a command task the judgement is the worker's own rule (worker/command_allowlist.h) as far as the
// coordinator can apply it: an absolute argv[0] must equal an allowed program or lie under an allowed
// directory (entries ending in "/"); a bare name ("python3") is resolved through the worker's PATH, which
// the coordinator cannot see, so any non-empty allowlist counts as able.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_WORKER_CAPABILITY_H_
#define HYPERLAB_COORDINATOR_WORKER_CAPABILITY_H_

#include <string>

#include "hyperlab/v1/services.pb.h"
#include "proto/task_kind.h"  // TaskKind, for callers naming the kind.

namespace hyperlab::coordinator {

// The executor of ClientService callers: they run `client` tasks, and only those.
inline constexpr char kClientExecutor[] = "client";

bool CanRun(const v1::WorkerInfo& worker, const v1::TaskSpec& task);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_WORKER_CAPABILITY_H_
