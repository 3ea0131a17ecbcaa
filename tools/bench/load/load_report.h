// The load generator's results: one JSON document (`--format json`) and the same figures as a human table.
//
// The document: {"config": {...}, "machine": {"cpu", "avx512", "cores"}, "phases": [{"name", "seconds",
// "durable_trials_per_s", "completed", "acquired", "empty_acquires", "watch_messages", "latency_ms":
// {"AcquireTrials": {"count", "p50", "p99", "max"}, ...}, "errors": {"AcquireTrials UNAVAILABLE": n},
// "load_generator_cpu_cores", "coordinator_cpu_cores", "load_average_1m", "studies": [{"name", "completed",
// "trials_per_s"}]}], "restart": {"at_seconds", "to_serving_ms", "to_first_completion_ms"} or null,
// "coordinator_rss_mib"}.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_TOOLS_BENCH_LOAD_LOAD_REPORT_H_
#define HYPERLAB_TOOLS_BENCH_LOAD_LOAD_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tools/bench/load/phase_stats.h"

namespace hyperlab::bench::load {

// Where a phase's CPU time went, in cores (CPU seconds / wall seconds); negative when unknown.
struct PhaseCpu {
  double load_generator_cores = -1;
  double coordinator_cores = -1;
  double load_average_1m = -1;
};

// `studies` names the studies of stats' per-study counts, in order.
nlohmann::json PhaseJson(const std::string& name, double seconds, const PhaseStats& stats,
                         const PhaseCpu& cpu, const std::vector<std::string>& studies);

// {"cpu": "AMD EPYC ...", "avx512": true, "cores": 2} from /proc/cpuinfo.
nlohmann::json MachineJson();

void PrintTable(const nlohmann::json& run, std::ostream& out);

}  // namespace hyperlab::bench::load

#endif  // HYPERLAB_TOOLS_BENCH_LOAD_LOAD_REPORT_H_
