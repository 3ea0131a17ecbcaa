#include "coordinator/worker_capability.h"

#include "absl/strings/match.h"

namespace hyperlab::coordinator {

bool CanRun(const v1::WorkerInfo& worker, const v1::TaskSpec& task) {
  const std::string kind = TaskKind(task);
  bool has_executor = false;
  for (const std::string& e : worker.executors()) has_executor = has_executor || e == kind;
  if (!has_executor) return false;
  if (kind != "command") return true;
  if (worker.allowed_commands().empty() || task.command().argv().empty()) return false;
  const std::string& program = task.command().argv(0);
  if (!absl::StartsWith(program, "/")) return true;
  for (const std::string& allowed : worker.allowed_commands()) {
    if (program == allowed) return true;
    if (absl::EndsWith(allowed, "/") && absl::StartsWith(program, allowed)) return true;
  }
  return false;
}

}  // namespace hyperlab::coordinator
