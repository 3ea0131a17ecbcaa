#include "worker/train/prepared_data.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/spec/knobs.h"

namespace hyperlab::worker::train {
namespace {

std::vector<int64_t> Shuffled(int64_t n, uint64_t seed) {
  std::vector<int64_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  std::mt19937_64 rng(seed);
  for (int64_t i = n - 1; i > 0; --i) {
    std::swap(v[i], v[std::uniform_int_distribution<int64_t>(0, i)(rng)]);
  }
  return v;
}

Examples Gather(const Examples& from, const std::vector<int64_t>& rows) {
  Examples e;
  e.rows = static_cast<int64_t>(rows.size());
  e.cols = from.cols;
  e.x.resize(e.rows * e.cols);
  e.y.resize(e.rows);
  for (int64_t i = 0; i < e.rows; ++i) {
    std::copy_n(from.row(rows[i]), e.cols, e.x.begin() + i * e.cols);
    e.y[i] = from.y[rows[i]];
  }
  return e;
}

// x <- (x - shift[c]) * scale[c] on every split, statistics from train.
void Normalize(PreparedData& d, Normalization how) {
  if (how == Normalization::kNone || d.train.rows == 0) return;
  const int64_t cols = d.train.cols;
  std::vector<float> shift(cols, 0.f), scale(cols, 1.f);
  if (how == Normalization::kScale) {
    float top = 0;
    for (float v : d.train.x) top = std::max(top, std::fabs(v));
    std::fill(scale.begin(), scale.end(), top > 0 ? 1.f / top : 1.f);
  } else {
    std::vector<double> sum(cols, 0), sq(cols, 0);
    for (int64_t r = 0; r < d.train.rows; ++r) {
      for (int64_t c = 0; c < cols; ++c) {
        const double v = d.train.row(r)[c];
        sum[c] += v;
        sq[c] += v * v;
      }
    }
    for (int64_t c = 0; c < cols; ++c) {
      const double mean = sum[c] / d.train.rows;
      const double var = std::max(0.0, sq[c] / d.train.rows - mean * mean);
      shift[c] = static_cast<float>(mean);
      scale[c] = var > 1e-12 ? static_cast<float>(1 / std::sqrt(var)) : 1.f;
    }
  }
  for (Examples* e : {&d.train, &d.dev, &d.test}) {
    for (int64_t r = 0; r < e->rows; ++r) {
      float* row = e->x.data() + r * cols;
      for (int64_t c = 0; c < cols; ++c) row[c] = (row[c] - shift[c]) * scale[c];
    }
  }
}

}  // namespace

SplitIndices ComputeSplit(int64_t rows, bool has_test, const v1::TrainData& data, int fold) {
  const uint64_t seed = data.has_split_seed() ? data.split_seed() : 1;
  std::vector<int64_t> order = Shuffled(rows, seed);
  SplitIndices s;
  auto begin = order.begin();
  if (!has_test) {
    const double tf = data.has_test_fraction() ? data.test_fraction() : 0.2;
    const auto n_test = static_cast<int64_t>(std::llround(tf * rows));
    s.test.assign(begin, begin + n_test);
    begin += n_test;
  }
  const std::vector<int64_t> pool(begin, order.end());
  const auto n = static_cast<int64_t>(pool.size());
  if (data.k_folds() >= 2) {
    const int64_t lo = n * fold / data.k_folds(), hi = n * (fold + 1) / data.k_folds();
    s.dev.assign(pool.begin() + lo, pool.begin() + hi);
    s.train.assign(pool.begin(), pool.begin() + lo);
    s.train.insert(s.train.end(), pool.begin() + hi, pool.end());
  } else {
    const double df = data.has_dev_fraction() ? data.dev_fraction() : 0.1;
    const auto n_dev = static_cast<int64_t>(std::llround(df * n));
    s.dev.assign(pool.begin(), pool.begin() + n_dev);
    s.train.assign(pool.begin() + n_dev, pool.end());
  }
  return s;
}

absl::StatusOr<PreparedData> PrepareData(const SourceData& source, const v1::TrainData& data, int fold) {
  SplitIndices s = ComputeSplit(source.train.rows, source.test.has_value(), data, fold);
  if (data.train_limit() > 0 && static_cast<int64_t>(s.train.size()) > data.train_limit()) {
    s.train.resize(data.train_limit());
  }
  if (s.train.empty() || s.dev.empty() || (s.test.empty() && !source.test)) {
    return absl::InvalidArgumentError(absl::StrCat("data: a split is empty (train ", s.train.size(), ", dev ",
                                                   s.dev.size(), ", test ", s.test.size(),
                                                   "); use more examples or other fractions"));
  }
  PreparedData d;
  d.train = Gather(source.train, s.train);
  d.dev = Gather(source.train, s.dev);
  d.test = source.test ? *source.test : Gather(source.train, s.test);
  d.image = source.image;
  d.classes = source.classes;
  d.class_names = source.class_names;
  d.digest = source.digest;
  Normalize(d, EffectiveNormalization(data));
  return d;
}

}  // namespace hyperlab::worker::train
