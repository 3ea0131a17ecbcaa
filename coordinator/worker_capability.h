// Whether a registered worker can run a study's task, judged from what it announced at registration
// (WorkerInfo.executors and .allowed_commands). Used to warn at submit when no registered worker could run
// a study; dispatch does not depend on it (a worker that cannot run a trial fails it with the reason).
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

bool CanRun(const v1::WorkerInfo& worker, const v1::TaskSpec& task);

}  // namespace hyperlab::coordinator

#endif  // HYPERLAB_COORDINATOR_WORKER_CAPABILITY_H_
