#include "tools/bench/load/load_report.h"

#include <algorithm>
#include <fstream>
#include <thread>

#include "absl/strings/str_format.h"

namespace hyperlab::bench::load {

nlohmann::json PhaseJson(const std::string& name, double seconds, const PhaseStats& stats,
                         const PhaseCpu& cpu, const std::vector<std::string>& studies) {
  nlohmann::json phase;
  phase["name"] = name;
  phase["seconds"] = seconds;
  phase["completed"] = stats.completed();
  phase["durable_trials_per_s"] = seconds > 0 ? static_cast<double>(stats.completed()) / seconds : 0.0;
  phase["acquired"] = stats.acquired();
  phase["empty_acquires"] = stats.empty_acquires();
  phase["watch_messages"] = stats.watch_messages();
  nlohmann::json latency = nlohmann::json::object();
  for (int r = 0; r < static_cast<int>(Rpc::kCount); ++r) {
    const LatencyHistogram& h = stats.latency(static_cast<Rpc>(r));
    if (h.Count() == 0) continue;
    latency[RpcName(static_cast<Rpc>(r))] = {{"count", h.Count()},
                                             {"p50", h.Percentile(0.5) / 1000.0},
                                             {"p99", h.Percentile(0.99) / 1000.0},
                                             {"max", static_cast<double>(h.Max()) / 1000.0}};
  }
  phase["latency_ms"] = latency;
  phase["errors"] = stats.Errors();
  phase["load_generator_cpu_cores"] = cpu.load_generator_cores;
  phase["coordinator_cpu_cores"] = cpu.coordinator_cores;
  phase["load_average_1m"] = cpu.load_average_1m;
  phase["studies"] = nlohmann::json::array();
  for (size_t i = 0; i < studies.size() && i < stats.studies(); ++i) {
    const int64_t n = stats.completed_in(i);
    phase["studies"].push_back({{"name", studies[i]},
                                {"completed", n},
                                {"trials_per_s", seconds > 0 ? static_cast<double>(n) / seconds : 0.0}});
  }
  return phase;
}

nlohmann::json MachineJson() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::string model = "unknown";
  bool avx512 = false;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0 && model == "unknown") {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) model = line.substr(colon + 2);
    }
    if (line.rfind("flags", 0) == 0 && line.find(" avx512f") != std::string::npos) avx512 = true;
  }
  return {{"cpu", model}, {"avx512", avx512}, {"cores", std::thread::hardware_concurrency()}};
}

namespace {

std::string Cores(const nlohmann::json& v) {
  const double x = v.get<double>();
  return x < 0 ? "n/a" : absl::StrFormat("%.2f", x);
}

}  // namespace

void PrintTable(const nlohmann::json& run, std::ostream& out) {
  const nlohmann::json& c = run["config"];
  out << absl::StrFormat(
      "hyperlab-load: %d workers x %d slots, %d random + %d bayesian studies, %d watchers, acquire %d, "
      "%d reports/trial, %d client threads, %d channels\n",
      c["workers"].get<int>(), c["slots"].get<int>(), c["random_studies"].get<int>(),
      c["bayesian_studies"].get<int>(), c["watchers"].get<int>(), c["max_acquire"].get<int>(),
      c["reports_per_trial"].get<int>(), c["threads"].get<int>(), c["channels"].get<int>());
  out << absl::StrFormat("machine: %s (avx512: %s), %d cores\n", run["machine"]["cpu"].get<std::string>(),
                         run["machine"]["avx512"].get<bool>() ? "yes" : "no",
                         run["machine"]["cores"].get<int>());
  out << absl::StrFormat("%-10s %7s %10s  %-15s %8s %9s %9s %9s\n", "phase", "seconds", "trials/s", "rpc",
                         "calls", "p50 ms", "p99 ms", "max ms");
  for (const nlohmann::json& p : run["phases"]) {
    bool first = true;
    auto lead = [&] {
      std::string s =
          first ? absl::StrFormat("%-10s %7.1f %10.1f", p["name"].get<std::string>(),
                                  p["seconds"].get<double>(), p["durable_trials_per_s"].get<double>())
                : absl::StrFormat("%-10s %7s %10s", "", "", "");
      first = false;
      return s;
    };
    for (const auto& [rpc, l] : p["latency_ms"].items()) {
      out << absl::StrFormat("%s  %-15s %8d %9.2f %9.2f %9.2f\n", lead(), rpc, l["count"].get<int64_t>(),
                             l["p50"].get<double>(), l["p99"].get<double>(), l["max"].get<double>());
    }
    if (first) out << lead() << "  (no call answered)\n";
    out << absl::StrFormat("%-10s   completed %d, acquired %d, empty acquires %d, watch messages %d\n", "",
                           p["completed"].get<int64_t>(), p["acquired"].get<int64_t>(),
                           p["empty_acquires"].get<int64_t>(), p["watch_messages"].get<int64_t>());
    out << absl::StrFormat("%-10s   cpu cores: load generator %s, coordinator %s; load average %s\n", "",
                           Cores(p["load_generator_cpu_cores"]), Cores(p["coordinator_cpu_cores"]),
                           Cores(p["load_average_1m"]));
    // Per kind of study (names end in -random-I or -bayesian-I): trials/s of all, and of the slowest one.
    for (const char* kind : {"random", "bayesian"}) {
      int count = 0;
      double total = 0;
      double slowest = 0;
      for (const nlohmann::json& s : p["studies"]) {
        if (s["name"].get<std::string>().find(std::string("-") + kind + "-") == std::string::npos) continue;
        const double rate = s["trials_per_s"].get<double>();
        slowest = count == 0 ? rate : std::min(slowest, rate);
        total += rate;
        ++count;
      }
      if (count == 0) continue;
      out << absl::StrFormat("%-10s   %d %s stud%s: %.1f trials/s (slowest study %.1f)\n", "", count, kind,
                             count == 1 ? "y" : "ies", total, slowest);
    }
    for (const auto& [what, n] : p["errors"].items()) {
      out << absl::StrFormat("%-10s   error: %s x %d\n", "", what, n.get<int64_t>());
    }
  }
  if (run.contains("restart") && !run["restart"].is_null()) {
    const nlohmann::json& r = run["restart"];
    out << absl::StrFormat(
        "restart (SIGKILL at %.1f s): serving again after %.0f ms, first durable completion after %.0f ms\n",
        r["at_seconds"].get<double>(), r["to_serving_ms"].get<double>(),
        r["to_first_completion_ms"].get<double>());
  }
  if (run.contains("coordinator_rss_mib") && run["coordinator_rss_mib"].get<double>() >= 0) {
    out << absl::StrFormat("coordinator RSS at the end: %.0f MiB\n",
                           run["coordinator_rss_mib"].get<double>());
  }
}

}  // namespace hyperlab::bench::load
