#include "worker/train/synthetic_data.h"

#include <cmath>
#include <numbers>
#include <random>

#include "absl/strings/str_cat.h"

namespace hyperlab::worker::train {

absl::StatusOr<Examples> MakeSyntheticSet(const std::string& name, int samples, double noise, int classes,
                                          uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  constexpr double kPi = std::numbers::pi;
  Examples e;
  e.cols = 2;
  e.rows = samples;
  e.x.reserve(2 * samples);
  e.y.reserve(samples);
  auto add = [&](double a, double b, int label) {
    e.x.push_back(static_cast<float>(a + noise * gauss(rng)));
    e.x.push_back(static_cast<float>(b + noise * gauss(rng)));
    e.y.push_back(static_cast<float>(label));
  };
  if (name == "spiral") {
    for (int i = 0; i < samples; ++i) {
      const int k = i % classes;
      const double t = uniform(rng);
      const double angle = 2 * kPi * k / classes + 4.0 * t;
      add(t * std::cos(angle), t * std::sin(angle), k);
    }
  } else if (name == "moons") {
    for (int i = 0; i < samples; ++i) {
      const int k = i % 2;
      const double t = kPi * uniform(rng);
      if (k == 0) {
        add(std::cos(t), std::sin(t), 0);
      } else {
        add(1 - std::cos(t), 0.5 - std::sin(t), 1);
      }
    }
  } else if (name == "circles") {
    for (int i = 0; i < samples; ++i) {
      const int k = i % 2;
      const double t = 2 * kPi * uniform(rng);
      const double r = k == 0 ? 1.0 : 0.5;
      add(r * std::cos(t), r * std::sin(t), k);
    }
  } else if (name == "xor") {
    for (int i = 0; i < samples; ++i) {
      const double a = 2 * uniform(rng) - 1, b = 2 * uniform(rng) - 1;
      int label = (a * b > 0) ? 1 : 0;
      if (uniform(rng) < noise / 2) label = 1 - label;
      add(a, b, label);
    }
  } else if (name == "blobs") {
    for (int i = 0; i < samples; ++i) {
      const int k = i % classes;
      const double angle = 2 * kPi * k / classes;
      add(2 * std::cos(angle), 2 * std::sin(angle), k);
    }
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown synthetic set '", name, "'"));
  }
  return e;
}

}  // namespace hyperlab::worker::train
