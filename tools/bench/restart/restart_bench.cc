// Restart time and memory of the coordinator at scale: fills a journal with N trials (succeeded, with a
// few metrics and a fingerprint each, spread over S random-search studies), then measures how long
// Coordinator::Open takes to serve again and the process's resident memory after it.
//
//   hyperlab-restart-bench --trials 1000000 --studies 10 [--dir DIR] [--format json]
//
// Prints a table (or JSON): trials, studies, journal bytes, fill time, open time, RSS before and after.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/base/clock.h"
#include "coordinator/coordinator.h"
#include "storage/rocksdb_journal.h"

namespace {

using hyperlab::v1::Study;
using hyperlab::v1::Trial;

int64_t RssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t DirBytes(const std::string& dir) {
  int64_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) bytes += static_cast<int64_t>(e.file_size());
  }
  return bytes;
}

Study MakeStudy(int64_t id, int64_t trials) {
  Study study;
  study.set_id(id);
  study.set_state(Study::ACTIVE);
  study.set_create_unix_ms(1'700'000'000'000);
  auto* spec = study.mutable_spec();
  spec->set_name(absl::StrCat("restart-bench-", id));
  spec->mutable_objective()->set_metric("value");
  for (const char* name : {"x1", "x2"}) {
    auto* p = spec->add_parameters();
    p->set_name(name);
    p->mutable_double_range()->set_min(0);
    p->mutable_double_range()->set_max(1);
  }
  spec->mutable_algorithm()->mutable_random()->set_seed(static_cast<uint64_t>(id));
  spec->mutable_budget()->set_max_trials(static_cast<int32_t>(trials + 1000));
  spec->mutable_budget()->set_max_parallel(1000);
  spec->mutable_budget()->set_max_failed(static_cast<int32_t>(trials + 1000));
  spec->mutable_budget()->set_max_attempts(3);
  spec->mutable_task()->mutable_synthetic()->set_function("branin");
  return study;
}

Trial MakeTrial(int64_t study_id, int64_t t) {
  Trial trial;
  trial.set_study_id(study_id);
  trial.set_id(t);
  trial.set_state(Trial::SUCCEEDED);
  for (const char* name : {"x1", "x2"}) {
    auto* p = trial.add_parameters();
    p->set_name(name);
    p->mutable_value()->set_double_value(static_cast<double>((t * 7919 + study_id) % 100'003) / 100'003.0);
  }
  (*trial.mutable_metrics())["value"] = static_cast<double>(t % 977);
  (*trial.mutable_metrics())["runtime_s"] = 1.5;
  trial.set_fingerprint(absl::StrCat(absl::Hex(study_id * 1'000'003 + t, absl::kZeroPad16),
                                     "0123456789abcdef", "0123456789abcdef0123456789abcdef"));
  trial.set_worker_id("worker-0001");
  trial.set_attempt(1);
  trial.set_create_unix_ms(1'700'000'000'000 + t);
  trial.set_start_unix_ms(1'700'000'000'000 + t);
  trial.set_end_unix_ms(1'700'000'000'100 + t);
  return trial;
}

// Replaces `dir` with a journal of `trials` trials spread over `studies` studies, written in batches of
// 10,000. False (after saying why) when the journal refuses.
bool FillJournal(const std::string& dir, int64_t trials, int64_t studies) {
  std::filesystem::remove_all(dir);
  auto journal = hyperlab::storage::RocksDbJournal::Open(dir);
  if (!journal.ok()) {
    std::cerr << "restart-bench: " << journal.status() << "\n";
    return false;
  }
  const int64_t per_study = (trials + studies - 1) / studies;
  int64_t written = 0;
  for (int64_t s = 1; s <= studies && written < trials; ++s) {
    const int64_t n = std::min(per_study, trials - written);
    hyperlab::storage::JournalBatch head;
    head.studies.push_back(MakeStudy(s, n));
    if (auto st = (*journal)->Write(head); !st.ok()) return std::cerr << st << "\n", false;
    for (int64_t start = 0; start < n; start += 10'000) {
      hyperlab::storage::JournalBatch batch;
      for (int64_t t = start; t < std::min(n, start + 10'000); ++t) batch.trials.push_back(MakeTrial(s, t));
      if (auto st = (*journal)->Write(batch); !st.ok()) return std::cerr << st << "\n", false;
      written += static_cast<int64_t>(batch.trials.size());
      if (written % 200'000 == 0) std::cerr << "restart-bench: wrote " << written << " trials\n";
    }
  }
  return true;
}

// What is printed.
struct Result {
  int64_t trials = 0;
  int64_t studies = 0;
  int64_t journal_bytes = 0;
  double fill_s = 0;
  double open_s = 0;
  int64_t rss_before_kb = 0;
  int64_t rss_after_kb = 0;
  size_t studies_served = 0;
};

void PrintResult(const Result& r, const std::string& format) {
  if (format == "json") {
    std::printf(
        "{\"trials\": %lld, \"studies\": %lld, \"journal_bytes\": %lld, \"fill_s\": %.3f, \"open_s\": %.3f, "
        "\"rss_before_kb\": %lld, \"rss_after_kb\": %lld, \"studies_served\": %zu}\n",
        static_cast<long long>(r.trials), static_cast<long long>(r.studies),
        static_cast<long long>(r.journal_bytes), r.fill_s, r.open_s, static_cast<long long>(r.rss_before_kb),
        static_cast<long long>(r.rss_after_kb), r.studies_served);
  } else {
    std::printf("%-10s %-8s %-14s %-10s %-14s %-14s\n", "trials", "studies", "journal MB", "fill s",
                "restart s", "RSS after MB");
    std::printf("%-10lld %-8lld %-14.1f %-10.1f %-14.2f %-14.1f\n", static_cast<long long>(r.trials),
                static_cast<long long>(r.studies), r.journal_bytes / 1e6, r.fill_s, r.open_s,
                r.rss_after_kb / 1024.0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Coordinator restart time and memory at N trials"};
  int64_t trials = 100'000;
  int64_t studies = 10;
  std::string dir = "/tmp/hyperlab-restart-bench";
  std::string format = "table";
  app.add_option("--trials", trials, "trials in the journal")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  app.add_option("--studies", studies, "studies they are spread over")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000}));
  app.add_option("--dir", dir, "journal directory (replaced)");
  app.add_option("--format", format, "table or json")->check(CLI::IsMember({"table", "json"}));
  bool reuse = false;
  app.add_flag("--reuse", reuse,
               "open the journal already in --dir (from an earlier run) instead of filling a new one, so "
               "the restart is measured in a fresh process");
  CLI11_PARSE(app, argc, argv);

  const auto fill_start = std::chrono::steady_clock::now();
  if (!reuse && !FillJournal(dir, trials, studies)) return 1;
  const double fill_s = Since(fill_start);
  const int64_t bytes = DirBytes(dir);
  const int64_t rss_before = RssKb();

  // The restart: open the journal and the coordinator, then answer a first call.
  hyperlab::RealClock clock;
  const auto open_start = std::chrono::steady_clock::now();
  auto journal = hyperlab::storage::RocksDbJournal::Open(dir);
  if (!journal.ok()) return std::cerr << journal.status() << "\n", 1;
  auto core = hyperlab::coordinator::Coordinator::Open(journal->get(), &clock);
  if (!core.ok()) return std::cerr << core.status() << "\n", 1;
  const auto first = (*core)->ListStudies();
  const double open_s = Since(open_start);
  const int64_t rss_after = RssKb();

  PrintResult({.trials = trials,
               .studies = studies,
               .journal_bytes = bytes,
               .fill_s = fill_s,
               .open_s = open_s,
               .rss_before_kb = rss_before,
               .rss_after_kb = rss_after,
               .studies_served = first.size()},
              format);
  return 0;
}
