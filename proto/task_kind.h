// The name of a task's kind ("synthetic", "command", "train", "client"; "unknown" when none is set), as
// workers advertise their executors and as logs and errors name them.
#ifndef HYPERLAB_PROTO_TASK_KIND_H_
#define HYPERLAB_PROTO_TASK_KIND_H_

#include <string>

#include "hyperlab/v1/study.pb.h"

namespace hyperlab {

std::string TaskKind(const v1::TaskSpec& task);

}  // namespace hyperlab

#endif  // HYPERLAB_PROTO_TASK_KIND_H_
