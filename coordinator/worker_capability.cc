#include "coordinator/worker_capability.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

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

std::string WhyNoWorker(const v1::TaskSpec& task, const std::vector<v1::WorkerInfo>& workers) {
  if (task.has_client()) return "";
  for (const v1::WorkerInfo& w : workers) {
    if (CanRun(w, task)) return "";
  }
  if (workers.empty()) return "no worker is registered: start hyperlab-worker with the coordinator's address";
  const std::string kind = TaskKind(task);
  if (kind == "command" && !task.command().argv().empty()) {
    return absl::StrCat("no registered worker (of ", workers.size(), ") may run the command '",
                        task.command().argv(0),
                        "': start a worker with --allow-command PATH (the program or its directory)");
  }
  return absl::StrCat("no registered worker (of ", workers.size(), ") has an executor for task kind '", kind,
                      "'");
}

}  // namespace hyperlab::coordinator
