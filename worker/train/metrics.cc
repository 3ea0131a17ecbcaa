#include "worker/train/metrics.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/spec/train_metrics.h"
#include "nlohmann/json.hpp"

namespace hyperlab::worker::train {

ClassificationReport ReportFromConfusion(std::vector<std::vector<int64_t>> confusion) {
  ClassificationReport r;
  const size_t k = confusion.size();
  r.confusion = std::move(confusion);
  r.precision.assign(k, 0);
  r.recall.assign(k, 0);
  r.f1.assign(k, 0);
  int64_t total = 0, correct = 0;
  for (size_t c = 0; c < k; ++c) {
    int64_t predicted = 0, actual = 0;
    for (size_t o = 0; o < k; ++o) {
      predicted += r.confusion[o][c];
      actual += r.confusion[c][o];
    }
    const int64_t tp = r.confusion[c][c];
    total += actual;
    correct += tp;
    r.precision[c] = predicted > 0 ? static_cast<double>(tp) / predicted : 0;
    r.recall[c] = actual > 0 ? static_cast<double>(tp) / actual : 0;
    const double pr = r.precision[c] + r.recall[c];
    r.f1[c] = pr > 0 ? 2 * r.precision[c] * r.recall[c] / pr : 0;
    r.macro_precision += r.precision[c] / k;
    r.macro_recall += r.recall[c] / k;
    r.macro_f1 += r.f1[c] / k;
  }
  r.accuracy = total > 0 ? static_cast<double>(correct) / total : 0;
  return r;
}

ClassificationReport Classify(const std::vector<int>& truth, const std::vector<int>& predicted, int classes) {
  std::vector<std::vector<int64_t>> confusion(classes, std::vector<int64_t>(classes, 0));
  for (size_t i = 0; i < truth.size(); ++i) ++confusion[truth[i]][predicted[i]];
  return ReportFromConfusion(std::move(confusion));
}

std::string ConfusionMatrixJson(const ClassificationReport& report, const std::vector<std::string>& names) {
  nlohmann::json j;
  j["classes"] = names;
  j["rows"] = "true";
  j["columns"] = "predicted";
  j["matrix"] = report.confusion;
  return j.dump();
}

void AddClassificationMetrics(const ClassificationReport& r, std::map<std::string, double>& m) {
  m[train_metrics::kPrecision] = r.macro_precision;
  m[train_metrics::kRecall] = r.macro_recall;
  m[train_metrics::kF1] = r.macro_f1;
  for (size_t c = 0; c < r.f1.size(); ++c) {
    m[absl::StrCat(train_metrics::kPrecision, "_", c)] = r.precision[c];
    m[absl::StrCat(train_metrics::kRecall, "_", c)] = r.recall[c];
    m[absl::StrCat(train_metrics::kF1, "_", c)] = r.f1[c];
  }
}

RegressionReport Regress(const std::vector<float>& truth, const std::vector<float>& predicted) {
  RegressionReport r;
  const size_t n = truth.size();
  if (n == 0) return r;
  double mean = 0;
  for (float t : truth) mean += t;
  mean /= n;
  double sse = 0, sst = 0, abs = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(predicted[i]) - truth[i];
    sse += d * d;
    abs += std::fabs(d);
    sst += (truth[i] - mean) * (truth[i] - mean);
  }
  r.mse = sse / n;
  r.mae = abs / n;
  r.r2 = sst > 0 ? 1 - sse / sst : 0;
  return r;
}

Gaps MetricGaps(double human, double train_error, double dev_error, double test_error) {
  return {train_error - human, dev_error - train_error, test_error - dev_error};
}

std::map<std::string, double> AverageFolds(const std::vector<std::map<std::string, double>>& folds) {
  std::map<std::string, std::pair<double, int>> sums;
  for (const auto& f : folds) {
    for (const auto& [name, v] : f) {
      sums[name].first += v;
      ++sums[name].second;
    }
  }
  std::map<std::string, double> out;
  for (const auto& [name, s] : sums) out[name] = s.first / s.second;
  std::map<std::string, double> sq;
  for (const auto& f : folds) {
    for (const auto& [name, v] : f) sq[name] += (v - out[name]) * (v - out[name]);
  }
  for (const auto& [name, s] : sums) out[name + "_std"] = std::sqrt(sq[name] / s.second);
  return out;
}

}  // namespace hyperlab::worker::train
