#include "tools/bench/load/phase_stats.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hyperlab::bench::load {
namespace {

const char* CodeName(int code) {
  static constexpr const char* kNames[PhaseStats::kCodes] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  return kNames[code];
}

}  // namespace

const char* RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kRegister:
      return "RegisterWorker";
    case Rpc::kAcquire:
      return "AcquireTrials";
    case Rpc::kReport:
      return "ReportTrials";
    case Rpc::kComplete:
      return "CompleteTrials";
    case Rpc::kWatch:
      return "WatchStudy";
    case Rpc::kCount:
      break;
  }
  return "?";
}

void PhaseStats::RecordError(Rpc rpc, int code) {
  code = std::clamp(code, 0, kCodes - 1);
  errors_[Index(rpc)][code].fetch_add(1, std::memory_order_relaxed);
}

int64_t PhaseStats::TotalErrors() const {
  int64_t n = 0;
  for (const auto& by_code : errors_) {
    for (const auto& c : by_code) n += c.load(std::memory_order_relaxed);
  }
  return n;
}

std::map<std::string, int64_t> PhaseStats::Errors() const {
  std::map<std::string, int64_t> out;
  for (size_t r = 0; r < errors_.size(); ++r) {
    for (int code = 0; code < kCodes; ++code) {
      const int64_t n = errors_[r][code].load(std::memory_order_relaxed);
      if (n > 0) out[absl::StrCat(RpcName(static_cast<Rpc>(r)), " ", CodeName(code))] = n;
    }
  }
  return out;
}

}  // namespace hyperlab::bench::load
