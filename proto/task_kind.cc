#include "proto/task_kind.h"

namespace hyperlab {

std::string TaskKind(const v1::TaskSpec& task) {
  switch (task.kind_case()) {
    case v1::TaskSpec::kSynthetic:
      return "synthetic";
    case v1::TaskSpec::kCommand:
      return "command";
    case v1::TaskSpec::kTrain:
      return "train";
    case v1::TaskSpec::kClient:
      return "client";
    default:
      return "unknown";
  }
}

}  // namespace hyperlab
