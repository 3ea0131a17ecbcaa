#include "common/spec/train_data_spec.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/spec/spec_errors.h"
#include "common/spec/train_metrics.h"

namespace hyperlab {
namespace {

using spec_errors::Invalid;

absl::Status CheckFraction(const std::string& path, double v, double max) {
  if (!std::isfinite(v) || v < 0 || v > max) {
    return Invalid(path, absl::StrCat("must be in [0, ", max, "], got ", v));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckTrainData(const v1::TrainData& d, const std::string& path) {
  const int sources = d.has_name() + d.has_train_images() + d.has_csv() + d.has_synthetic();
  if (sources != 1) {
    return Invalid(path, absl::StrCat("set exactly one source: name, train_images (+ train_labels), csv or "
                                      "synthetic; got ",
                                      sources));
  }
  if (d.has_name() && d.name() != "fashion-mnist") {
    return Invalid(path + ".name", absl::StrCat("unknown dataset '", d.name(), "'; known: fashion-mnist"));
  }
  if (d.has_train_images() != d.has_train_labels()) {
    return Invalid(path + ".train_labels", "train_images and train_labels go together");
  }
  if (d.has_test_images() != d.has_test_labels()) {
    return Invalid(path + ".test_labels", "test_images and test_labels go together");
  }
  if (d.has_test_images() && !d.has_train_images()) {
    return Invalid(path + ".test_images", "needs train_images");
  }
  if ((d.has_label_column() || d.has_regression()) && !d.has_csv()) {
    return Invalid(path + (d.has_regression() ? ".regression" : ".label_column"), "applies to csv data only");
  }
  if (d.has_synthetic()) {
    bool known = false;
    for (const std::string& n : SyntheticSetNames()) known = known || n == d.synthetic();
    if (!known) {
      return Invalid(path + ".synthetic", absl::StrCat("unknown set '", d.synthetic(), "'; known: ",
                                                       absl::StrJoin(SyntheticSetNames(), ", ")));
    }
  } else if (d.has_samples() || d.has_noise() || d.has_classes() || d.has_data_seed()) {
    return Invalid(path, "samples, noise, classes and data_seed apply to synthetic data only");
  }
  if (d.has_samples() && (d.samples() < 10 || d.samples() > 10'000'000)) {
    return Invalid(path + ".samples", absl::StrCat("must be in [10, 10000000], got ", d.samples()));
  }
  if (d.has_noise() && (!std::isfinite(d.noise()) || d.noise() < 0 || d.noise() > 10)) {
    return Invalid(path + ".noise", absl::StrCat("must be in [0, 10], got ", d.noise()));
  }
  if (d.has_classes() && (d.classes() < 2 || d.classes() > 100)) {
    return Invalid(path + ".classes", absl::StrCat("must be in [2, 100], got ", d.classes()));
  }
  if (d.has_classes() && d.synthetic() != "spiral" && d.synthetic() != "blobs") {
    return Invalid(path + ".classes", "only spiral and blobs take a number of classes");
  }
  if (d.has_dev_fraction()) {
    if (auto s = CheckFraction(path + ".dev_fraction", d.dev_fraction(), 0.9); !s.ok()) return s;
  }
  if (d.has_test_fraction()) {
    if (auto s = CheckFraction(path + ".test_fraction", d.test_fraction(), 0.9); !s.ok()) return s;
  }
  if (d.has_k_folds() && d.k_folds() != 0 && (d.k_folds() < 2 || d.k_folds() > 100)) {
    return Invalid(path + ".k_folds", absl::StrCat("must be 0 (off) or in [2, 100], got ", d.k_folds()));
  }
  if (d.has_normalization() && d.normalization() != "none" && d.normalization() != "scale" &&
      d.normalization() != "standardize") {
    return Invalid(path + ".normalization", absl::StrCat("unknown normalization '", d.normalization(),
                                                         "'; known: none, scale, standardize"));
  }
  if (d.has_train_limit() && d.train_limit() < 0) {
    return Invalid(path + ".train_limit", absl::StrCat("must be >= 0, got ", d.train_limit()));
  }
  return absl::OkStatus();
}

std::vector<std::string> TrainMetricNames(bool regression) {
  namespace m = train_metrics;
  std::vector<std::string> names = {m::kTrainLoss, m::kDevLoss,        m::kTestLoss,
                                    m::kEpochsRun, m::kRuntimeSeconds, m::kSamplesPerSecond};
  if (regression) {
    for (const char* n : {m::kMse, m::kMae, m::kR2, m::kDevMse, m::kTrainMse}) names.push_back(n);
  } else {
    for (const char* n :
         {m::kTrainAccuracy, m::kDevAccuracy, m::kTestAccuracy, m::kPrecision, m::kRecall, m::kF1,
          m::kTrainError, m::kDevError, m::kTestError, m::kAvoidableBias, m::kVariance, m::kDevOverfit}) {
      names.push_back(n);
    }
  }
  return names;
}

absl::Status CheckTrainMetricName(const std::string& path, absl::string_view metric,
                                  const v1::TrainData& data) {
  const bool regression = data.has_csv() && data.regression();
  absl::string_view base = metric;
  if (data.k_folds() >= 2) absl::ConsumeSuffix(&base, "_std");
  for (const std::string& n : TrainMetricNames(regression)) {
    if (base == n) return absl::OkStatus();
  }
  if (!regression) {
    for (absl::string_view prefix : {"precision_", "recall_", "f1_"}) {
      absl::string_view rest = base;
      if (absl::ConsumePrefix(&rest, prefix) && !rest.empty() &&
          std::all_of(rest.begin(), rest.end(), [](char c) { return absl::ascii_isdigit(c); })) {
        return absl::OkStatus();
      }
    }
  }
  return Invalid(path, absl::StrCat("the train task reports no metric '", metric, "'; it reports ",
                                    absl::StrJoin(TrainMetricNames(regression), ", "),
                                    regression ? "" : ", precision_<class>, recall_<class>, f1_<class>"));
}

}  // namespace hyperlab
