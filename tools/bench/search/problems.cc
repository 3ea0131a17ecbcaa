#include "tools/bench/search/problems.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <variant>

#include "common/spec/synthetic_functions.h"
#include "searcher/prng.h"
#include "tools/bench/search/hpo_command.h"

namespace hyperlab::bench {
namespace {

using searcher::Assignment;
using searcher::Parameter;
using searcher::ParameterKind;
using searcher::Scale;
using searcher::SearchSpace;
using Fn = std::function<double(const std::vector<double>&)>;
constexpr double kPi = std::numbers::pi;

double Number(const searcher::Value& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  if (const int64_t* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  return std::numeric_limits<double>::quiet_NaN();
}

std::vector<double> Numbers(const Assignment& a) {
  std::vector<double> x;
  for (const searcher::Value& v : a) x.push_back(Number(v));
  return x;
}

SearchSpace Box(int d, double lo, double hi) {
  SearchSpace space;
  space.parameters.resize(static_cast<size_t>(d));
  for (int j = 0; j < d; ++j) {
    space.parameters[j].name = "x" + std::to_string(j + 1);
    space.parameters[j].min = lo;
    space.parameters[j].max = hi;
  }
  return space;
}

Problem Continuous(std::string name, std::string family, SearchSpace space, double minimum, Fn f) {
  return {.name = std::move(name),
          .family = std::move(family),
          .space = std::move(space),
          .minimum = minimum,
          .evaluate = [f = std::move(f)](const Assignment& a) { return f(Numbers(a)); }};
}

// --- Test functions (x in the function's own domain). ---

double Branin(const std::vector<double>& x) { return hyperlab::Branin(x[0], x[1]); }
double Hartmann6(const std::vector<double>& x) {
  return hyperlab::Hartmann6({x[0], x[1], x[2], x[3], x[4], x[5]});
}

double Hartmann3(const std::vector<double>& x) {
  static constexpr double kAlpha[4] = {1.0, 1.2, 3.0, 3.2};
  static constexpr double kA[4][3] = {{3, 10, 30}, {0.1, 10, 35}, {3, 10, 30}, {0.1, 10, 35}};
  static constexpr double kP[4][3] = {
      {3689, 1170, 2673}, {4699, 4387, 7470}, {1091, 8732, 5547}, {381, 5743, 8828}};
  double total = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 3; ++j) inner += kA[i][j] * std::pow(x[j] - kP[i][j] * 1e-4, 2);
    total += kAlpha[i] * std::exp(-inner);
  }
  return -total;
}

double SixHumpCamel(const std::vector<double>& x) {
  const double a = x[0], b = x[1];
  return (4 - 2.1 * a * a + std::pow(a, 4) / 3) * a * a + a * b + (-4 + 4 * b * b) * b * b;
}

double GoldsteinPrice(const std::vector<double>& x) {
  const double a = x[0], b = x[1];
  const double p = 1 + std::pow(a + b + 1, 2) * (19 - 14 * a + 3 * a * a - 14 * b + 6 * a * b + 3 * b * b);
  const double q =
      30 + std::pow(2 * a - 3 * b, 2) * (18 - 32 * a + 12 * a * a + 48 * b - 36 * a * b + 27 * b * b);
  return p * q;
}

double Rosenbrock(const std::vector<double>& x) {
  double s = 0;
  for (size_t i = 0; i + 1 < x.size(); ++i)
    s += 100 * std::pow(x[i + 1] - x[i] * x[i], 2) + std::pow(x[i] - 1, 2);
  return s;
}

double StyblinskiTang(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += std::pow(v, 4) - 16 * v * v + 5 * v;
  return 0.5 * s;
}

double Ackley(const std::vector<double>& x) {
  double sq = 0, cs = 0;
  for (double v : x) {
    sq += v * v;
    cs += std::cos(2 * kPi * v);
  }
  const double d = static_cast<double>(x.size());
  return -20 * std::exp(-0.2 * std::sqrt(sq / d)) - std::exp(cs / d) + 20 + std::numbers::e;
}

double Rastrigin(const std::vector<double>& x) {
  double s = 10.0 * static_cast<double>(x.size());
  for (double v : x) s += v * v - 10 * std::cos(2 * kPi * v);
  return s;
}

double Levy(const std::vector<double>& x) {
  const size_t d = x.size();
  auto w = [&](size_t i) { return 1 + (x[i] - 1) / 4; };
  double s = std::pow(std::sin(kPi * w(0)), 2);
  for (size_t i = 0; i + 1 < d; ++i) {
    s += std::pow(w(i) - 1, 2) * (1 + 10 * std::pow(std::sin(kPi * w(i) + 1), 2));
  }
  return s + std::pow(w(d - 1) - 1, 2) * (1 + std::pow(std::sin(2 * kPi * w(d - 1)), 2));
}

double Schwefel(const std::vector<double>& x) {
  double s = 418.9828872724338 * static_cast<double>(x.size());
  for (double v : x) s -= v * std::sin(std::sqrt(std::abs(v)));
  return s;
}

double Griewank(const std::vector<double>& x) {
  double s = 0, p = 1;
  for (size_t i = 0; i < x.size(); ++i) {
    s += x[i] * x[i] / 4000;
    p *= std::cos(x[i] / std::sqrt(static_cast<double>(i + 1)));
  }
  return s - p + 1;
}

double Michalewicz(const std::vector<double>& x) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    s -= std::sin(x[i]) * std::pow(std::sin(static_cast<double>(i + 1) * x[i] * x[i] / kPi), 20);
  }
  return s;
}

// Axis-aligned ellipsoid with condition number 1e6.
double Ellipsoid(const std::vector<double>& x) {
  const double d = static_cast<double>(x.size());
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i)
    s += std::pow(10.0, 6.0 * static_cast<double>(i) / (d - 1)) * x[i] * x[i];
  return s;
}

// A weighted sphere whose minimum sits at 0.98 of every range: next to the corner (1, ..., 1).
double CornerSphere(const std::vector<double>& x) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += static_cast<double>(i + 1) * std::pow(x[i] - 0.98, 2);
  return s;
}

// De Jong's step function: flat plateaus, minimum 0 on the cell |x_i| < 0.5.
double Step(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += std::pow(std::floor(v + 0.5), 2);
  return s;
}

double Powell(const std::vector<double>& x) {
  double s = 0;
  for (size_t i = 0; i + 3 < x.size(); i += 4) {
    s += std::pow(x[i] + 10 * x[i + 1], 2) + 5 * std::pow(x[i + 2] - x[i + 3], 2) +
         std::pow(x[i + 1] - 2 * x[i + 2], 4) + 10 * std::pow(x[i] - x[i + 3], 4);
  }
  return s;
}

double Zakharov(const std::vector<double>& x) {
  double a = 0, b = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    a += x[i] * x[i];
    b += 0.5 * static_cast<double>(i + 1) * x[i];
  }
  return a + b * b + std::pow(b, 4);
}

// Held-out functions (added after the strategy was tuned on the others; see AllProblems).
double DixonPrice(const std::vector<double>& x) {
  double s = (x[0] - 1) * (x[0] - 1);
  for (size_t i = 1; i < x.size(); ++i)
    s += static_cast<double>(i + 1) * std::pow(2 * x[i] * x[i] - x[i - 1], 2);
  return s;
}

double Eggholder(const std::vector<double>& x) {
  return -(x[1] + 47) * std::sin(std::sqrt(std::abs(x[1] + x[0] / 2 + 47))) -
         x[0] * std::sin(std::sqrt(std::abs(x[0] - (x[1] + 47))));
}

double Trid(const std::vector<double>& x) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    s += (x[i] - 1) * (x[i] - 1);
    if (i > 0) s -= x[i] * x[i - 1];
  }
  return s;
}

double Bukin6(const std::vector<double>& x) {
  return 100 * std::sqrt(std::abs(x[1] - 0.01 * x[0] * x[0])) + 0.01 * std::abs(x[0] + 10);
}

// Schwefel's problem 1.2, the rotated hyper-ellipsoid: sum_i (x_1 + ... + x_i)^2. Its valleys are
// oblique to every coordinate.
double Schwefel12(const std::vector<double>& x) {
  double s = 0, partial = 0;
  for (double v : x) {
    partial += v;
    s += partial * partial;
  }
  return s;
}

// Salomon's function: 1 - cos(2 pi |x|) + 0.1 |x|, rings around the optimum; radial, so no direction is
// special.
double Salomon(const std::vector<double>& x) {
  double r2 = 0;
  for (double v : x) r2 += v * v;
  const double r = std::sqrt(r2);
  return 1 - std::cos(2 * std::numbers::pi * r) + 0.1 * r;
}

// Shekel's function with 10 wells (m = 10): flat almost everywhere, with narrow wells of different depths.
double Shekel10(const std::vector<double>& x) {
  static constexpr double kBeta[10] = {0.1, 0.2, 0.2, 0.4, 0.4, 0.6, 0.3, 0.7, 0.5, 0.5};
  static constexpr double kC[4][10] = {{4, 1, 8, 6, 3, 2, 5, 8, 6, 7},
                                       {4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6},
                                       {4, 1, 8, 6, 3, 2, 5, 8, 6, 7},
                                       {4, 1, 8, 6, 7, 9, 3, 1, 2, 3.6}};
  double s = 0;
  for (int i = 0; i < 10; ++i) {
    double r2 = kBeta[i];
    for (int j = 0; j < 4; ++j) r2 += (x[j] - kC[j][i]) * (x[j] - kC[j][i]);
    s -= 1 / r2;
  }
  return s;
}

// Hoelder's table: rugged, its four optima near the corners of the box.
double HolderTable(const std::vector<double>& x) {
  return -std::abs(std::sin(x[0]) * std::cos(x[1]) *
                   std::exp(std::abs(1 - std::hypot(x[0], x[1]) / std::numbers::pi)));
}

// Drop-wave: concentric ripples around one optimum.
double DropWave(const std::vector<double>& x) {
  const double r2 = x[0] * x[0] + x[1] * x[1];
  return -(1 + std::cos(12 * std::sqrt(r2))) / (0.5 * r2 + 2);
}

// Colville: a coupled, ill-conditioned quartic in 4-D.
double Colville(const std::vector<double>& x) {
  return 100 * std::pow(x[0] * x[0] - x[1], 2) + std::pow(x[0] - 1, 2) + std::pow(x[2] - 1, 2) +
         90 * std::pow(x[2] * x[2] - x[3], 2) + 10.1 * (std::pow(x[1] - 1, 2) + std::pow(x[3] - 1, 2)) +
         19.8 * (x[1] - 1) * (x[3] - 1);
}

// Beale: sharp ridges, the optimum in a narrow curved valley near an edge.
double Beale(const std::vector<double>& x) {
  const double a = x[0], b = x[1];
  return std::pow(1.5 - a + a * b, 2) + std::pow(2.25 - a + a * b * b, 2) +
         std::pow(2.625 - a + a * b * b * b, 2);
}

// Qing: separable, one optimum per orthant at +-sqrt(i); values span 11 decades (heavy-tailed).
double Qing(const std::vector<double>& x) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += std::pow(x[i] * x[i] - static_cast<double>(i + 1), 2);
  return s;
}

// Sum of different powers: flat bottom, each coordinate mattering less than the one before.
double SumOfPowers(const std::vector<double>& x) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += std::pow(std::abs(x[i]), static_cast<double>(i + 2));
  return s;
}

// Alpine 1: non-smooth and rugged (kinks at every zero of x sin x + 0.1 x).
double Alpine1(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += std::abs(v * std::sin(v) + 0.1 * v);
  return s;
}

// Shubert: 18 global optima among 760 local ones.
double Shubert(const std::vector<double>& x) {
  const auto sum = [](double t) {
    double s = 0;
    for (int i = 1; i <= 5; ++i) s += i * std::cos((i + 1) * t + i);
    return s;
  };
  return sum(x[0]) * sum(x[1]);
}

Parameter Double(std::string name, double lo, double hi, Scale scale = Scale::kLinear) {
  return {.name = std::move(name), .kind = ParameterKind::kDouble, .scale = scale, .min = lo, .max = hi};
}
Parameter Integer(std::string name, double lo, double hi, Scale scale = Scale::kLinear) {
  return {.name = std::move(name), .kind = ParameterKind::kInteger, .scale = scale, .min = lo, .max = hi};
}
Parameter Categorical(std::string name, std::vector<std::string> categories) {
  return {.name = std::move(name), .kind = ParameterKind::kCategorical, .categories = std::move(categories)};
}
Parameter Discrete(std::string name, std::vector<double> numbers) {
  return {.name = std::move(name), .kind = ParameterKind::kDiscrete, .numbers = std::move(numbers)};
}

int CategoryIndex(const searcher::Value& v, const std::vector<std::string>& categories) {
  const std::string* s = std::get_if<std::string>(&v);
  for (size_t i = 0; s && i < categories.size(); ++i) {
    if (categories[i] == *s) return static_cast<int>(i);
  }
  return -1;
}

// `f` with its minimum moved from the centre of the box [lo, hi]^d to centre + shift, shift_i = +-(5.5% to
// 12.5%) of the range, alternating in sign: the centre is the first point of an unscrambled Sobol sequence
// (Optuna's QMCSampler default), which would otherwise hit these optima exactly with its first trial.
Fn Shifted(double (*f)(const std::vector<double>&), double lo, double hi) {
  return [f, lo, hi](const std::vector<double>& x) {
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const double shift = (0.11 + 0.07 * static_cast<double>(i % 3)) * (hi - lo) / 2 * (i % 2 == 0 ? 1 : -1);
      y[i] = x[i] - shift;
    }
    return f(y);
  };
}

Problem WithNoise(Problem p, double sd) {
  p.name += "_noisy";
  p.family = "noisy";
  p.noise_sd = sd;
  return p;
}

Problem Batch(Problem p) {
  p.name += "_batch8";
  p.family = "batch";
  p.pending = 8;
  return p;
}

Problem Hpo(std::string name, SearchSpace space, const std::string& script) {
  std::vector<std::string> argv = {"/usr/bin/python3", script, name};
  for (const Parameter& p : space.parameters) argv.push_back("--" + p.name + "={" + p.name + "}");
  Problem problem{.name = name, .family = "hpo", .space = std::move(space), .command = argv};
  problem.evaluate = [argv, s = problem.space](const Assignment& a) { return RunHpoCommand(argv, s, a); };
  return problem;
}

}  // namespace

std::vector<Problem> AllProblems(const std::string& hpo_script) {
  std::vector<Problem> out;
  const Problem branin = Continuous("branin", "smooth", {{Double("x1", -5, 10), Double("x2", 0, 15)}},
                                    0.397887357729739, Branin);
  const Problem hartmann6 = Continuous("hartmann6", "smooth", Box(6, 0, 1), -3.32236801141551, Hartmann6);
  const Problem ackley5 =
      Continuous("ackley5", "rugged", Box(5, -32.768, 32.768), 0, Shifted(Ackley, -32.768, 32.768));
  const Problem styblinski5 =
      Continuous("styblinski_tang5", "multimodal", Box(5, -5, 5), -39.16616570377142 * 5, StyblinskiTang);
  out.push_back(branin);
  out.push_back(Continuous("six_hump_camel", "multimodal", {{Double("x1", -3, 3), Double("x2", -2, 2)}},
                           -1.031628453489877, SixHumpCamel));
  out.push_back(Continuous("goldstein_price", "ill-conditioned", Box(2, -2, 2), 3, GoldsteinPrice));
  out.push_back(Continuous("hartmann3", "smooth", Box(3, 0, 1), -3.86278214782076, Hartmann3));
  out.push_back(hartmann6);
  out.push_back(Continuous("rosenbrock4", "ill-conditioned", Box(4, -5, 10), 0, Rosenbrock));
  out.push_back(styblinski5);
  out.push_back(ackley5);
  out.push_back(Continuous("rastrigin4", "rugged", Box(4, -5.12, 5.12), 0, Shifted(Rastrigin, -5.12, 5.12)));
  out.push_back(Continuous("levy6", "multimodal", Box(6, -10, 10), 0, Levy));
  out.push_back(Continuous("schwefel4", "corner", Box(4, -500, 500),
                           Schwefel(std::vector<double>(4, 420.9687463)), Schwefel));
  out.push_back(Continuous("griewank8", "multimodal", Box(8, -600, 600), 0, Shifted(Griewank, -600, 600)));
  out.push_back(Continuous("michalewicz5", "rugged", Box(5, 0, kPi), -4.687658179, Michalewicz));
  out.push_back(Continuous("ellipsoid10", "ill-conditioned", Box(10, -5, 5), 0, Shifted(Ellipsoid, -5, 5)));
  out.push_back(Continuous("corner_sphere8", "corner", Box(8, 0, 1), 0, CornerSphere));
  out.push_back(Continuous("step6", "plateaus", Box(6, -5.12, 5.12), 0, Shifted(Step, -5.12, 5.12)));
  out.push_back(Continuous("powell8", "ill-conditioned", Box(8, -4, 5), 0, Powell));
  out.push_back(Continuous("zakharov10", "smooth", Box(10, -5, 10), 0, Zakharov));
  out.push_back(WithNoise(branin, 1.0));
  out.push_back(WithNoise(hartmann6, 0.1));
  out.push_back(WithNoise(styblinski5, 2.0));
  {
    // Hartmann-3 plus an integer, a log-scaled integer and a categorical with their own costs.
    const std::vector<std::string> act = {"relu", "tanh", "sigmoid", "gelu"};
    SearchSpace space{{Double("x1", 0, 1), Double("x2", 0, 1), Double("x3", 0, 1), Integer("layers", 0, 20),
                       Integer("width", 1, 64, Scale::kLog), Categorical("activation", act)}};
    Problem p{.name = "mixed_hartmann3", .family = "mixed", .space = space, .minimum = -3.86278214782076};
    p.evaluate = [act](const Assignment& a) {
      static constexpr double kOffset[4] = {0.3, 0, 0.6, 0.15};
      const std::vector<double> x = Numbers(a);
      const int c = CategoryIndex(a[5], act);
      return Hartmann3(x) + 0.03 * std::abs(x[3] - 13) + 0.2 * std::pow(std::log2(x[4]) - 4, 2) / 9 +
             (c < 0 ? 1.0 : kOffset[c]);
    };
    out.push_back(p);
  }
  {
    // Levy-4 plus a discrete batch size and a categorical optimiser.
    const std::vector<std::string> opt = {"sgd", "adam", "rmsprop"};
    SearchSpace space = Box(4, -10, 10);
    space.parameters.push_back(Discrete("batch", {1, 2, 4, 8, 16, 32}));
    space.parameters.push_back(Categorical("optimizer", opt));
    Problem p{.name = "mixed_levy4", .family = "mixed", .space = space, .minimum = 0};
    p.evaluate = [opt](const Assignment& a) {
      static constexpr double kOffset[3] = {1.0, 0, 0.5};
      const std::vector<double> x = Numbers(a);
      const int c = CategoryIndex(a[5], opt);
      return Levy({x[0], x[1], x[2], x[3]}) + 0.25 * std::pow(std::log2(x[4]) - 3, 2) +
             (c < 0 ? 2.0 : kOffset[c]);
    };
    out.push_back(p);
  }
  {
    // A training-like landscape: learning rate and weight decay over decades (log), momentum, a log-scaled
    // integer batch size; the best learning rate depends on the momentum.
    SearchSpace space{{Double("lr", 1e-5, 1, Scale::kLog), Double("weight_decay", 1e-7, 1e-1, Scale::kLog),
                       Double("momentum", 0, 0.99), Integer("batch", 16, 1024, Scale::kLog)}};
    // The batch size's best integer, 79 (log2 6.304 against the optimum's 6.3), leaves a floor of 1.4e-6.
    Problem p{.name = "log_training",
              .family = "log",
              .space = space,
              .minimum = 0.1 * std::pow(std::log2(79.0) - 6.3, 2)};
    p.evaluate = [](const Assignment& a) {
      const std::vector<double> x = Numbers(a);
      const double lr = std::log10(x[0]) + 2.5 + 1.5 * (x[2] - 0.9), wd = std::log10(x[1]) + 4.6;
      return lr * lr + 0.3 * wd * wd + 4 * std::pow(x[2] - 0.9, 2) + 0.1 * std::pow(std::log2(x[3]) - 6.3, 2);
    };
    out.push_back(p);
  }
  {
    // Rosenbrock in the decimal logarithms of four parameters on [1e-3, 1e3]: the minimum at 10.
    SearchSpace space;
    for (int j = 0; j < 4; ++j)
      space.parameters.push_back(Double("p" + std::to_string(j + 1), 1e-3, 1e3, Scale::kLog));
    Problem p{.name = "log_rosenbrock4", .family = "log", .space = space, .minimum = 0};
    p.evaluate = [](const Assignment& a) {
      std::vector<double> u;
      for (double v : Numbers(a)) u.push_back(std::log10(v));
      return Rosenbrock(u);
    };
    out.push_back(p);
  }
  out.push_back(Batch(branin));
  out.push_back(Batch(hartmann6));
  out.push_back(Batch(ackley5));
  // Held out: added on 2026-12-04, after every change to the strategy so far, to see how it does on
  // landscapes it was not tuned on: a curved ill-conditioned valley, a rugged 2-D function with its optimum
  // on the boundary, Levy and Ackley in 10-D, a coupled (non-separable) quadratic, and a narrow curved ridge.
  // Dixon-Price, Levy and Trid are shifted too: their optima lie near the centre, whose value (regret 1,
  // 1.4 and 56) the centre trial and Sobol's first point would otherwise get at trial 0.
  out.push_back(Continuous("dixon_price6", "heldout", Box(6, -10, 10), 0, Shifted(DixonPrice, -10, 10)));
  out.push_back(Continuous("eggholder", "heldout", Box(2, -512, 512), -959.6406627208507, Eggholder));
  out.push_back(Continuous("levy10", "heldout", Box(10, -10, 10), 0, Shifted(Levy, -10, 10)));
  out.push_back(
      Continuous("ackley10", "heldout", Box(10, -32.768, 32.768), 0, Shifted(Ackley, -32.768, 32.768)));
  out.push_back(Continuous("trid6", "heldout", Box(6, -36, 36), -50, Shifted(Trid, -36, 36)));
  out.push_back(Continuous("bukin6", "heldout", {{Double("x1", -15, -5), Double("x2", -3, 3)}}, 0, Bukin6));
  // Held out from the learned oblique direction (gp_fit.h, added after it): a valley oblique to every
  // parameter, where it should help, and a radial function, where no direction is special.
  out.push_back(Continuous("schwefel12_6", "heldout", Box(6, -65.536, 65.536), 0,
                           Shifted(Schwefel12, -65.536, 65.536)));
  out.push_back(Continuous("salomon6", "heldout", Box(6, -100, 100), 0, Shifted(Salomon, -100, 100)));
  // Probes, outside the benchmark (run only when asked for: --families=probe or by name): noisy and
  // batch-parallel variants of its functions, added on 2026-12-04 evening to check the strategy on
  // combinations it was not run on. Noise sd about a tenth of each function's good-region spread.
  const auto probe = [](Problem p) {
    p.family = "probe";
    return p;
  };
  out.push_back(
      probe(WithNoise(Continuous("six_hump_camel", "multimodal", {{Double("x1", -3, 3), Double("x2", -2, 2)}},
                                 -1.031628453489877, SixHumpCamel),
                      0.3)));
  out.push_back(probe(
      WithNoise(Continuous("goldstein_price", "ill-conditioned", Box(2, -2, 2), 3, GoldsteinPrice), 5)));
  out.push_back(
      probe(WithNoise(Continuous("hartmann3", "smooth", Box(3, 0, 1), -3.86278214782076, Hartmann3), 0.1)));
  out.push_back(probe(WithNoise(Continuous("levy6", "multimodal", Box(6, -10, 10), 0, Levy), 0.5)));
  out.push_back(
      probe(WithNoise(Continuous("rosenbrock4", "ill-conditioned", Box(4, -5, 10), 0, Rosenbrock), 1)));
  out.push_back(probe(Batch(Continuous("zakharov10", "smooth", Box(10, -5, 10), 0, Zakharov))));
  out.push_back(probe(Batch(Continuous("rosenbrock4", "ill-conditioned", Box(4, -5, 10), 0, Rosenbrock))));
  out.push_back(
      probe(Batch(Continuous("michalewicz5", "rugged", Box(5, 0, kPi), -4.687658179, Michalewicz))));
  // More noisy probes, added on 2026-12-04 night after the rule for a noisy objective's recommended trial
  // (GpStrategy::Recommend) was chosen, to check it on noisy problems it was not chosen on: a rugged
  // function, a coupled quadratic, a mixed space and log-scaled parameters.
  const auto named = [&out](const std::string& name) {
    return *std::find_if(out.begin(), out.end(), [&](const Problem& p) { return p.name == name; });
  };
  out.push_back(probe(WithNoise(named("ackley5"), 0.5)));
  out.push_back(probe(WithNoise(named("trid6"), 5)));
  out.push_back(probe(WithNoise(named("mixed_hartmann3"), 0.1)));
  out.push_back(probe(WithNoise(named("log_training"), 0.05)));
  // Held-out probes added on 2026-12-05, before any change that night, to look for landscapes the strategy
  // fails on: flat with narrow wells (Shekel), optima near corners (Hoelder), ripples (drop-wave, Shubert),
  // coupled and ill-conditioned (Colville, Beale), heavy-tailed values (Qing), a flat bottom (sum of
  // powers), non-smooth (Alpine), rugged and separable in 8-10-D, irrelevant parameters, a mixed space
  // and log-scaled parameters.
  out.push_back(probe(Continuous("shekel4", "probe", Box(4, 0, 10), -10.53644315348353, Shekel10)));
  out.push_back(
      probe(Continuous("holder_table", "probe", Box(2, -10, 10), -19.208502567886754, HolderTable)));
  out.push_back(
      probe(Continuous("drop_wave", "probe", Box(2, -5.12, 5.12), -1, Shifted(DropWave, -5.12, 5.12))));
  out.push_back(probe(Continuous("colville", "probe", Box(4, -10, 10), 0, Colville)));
  out.push_back(probe(Continuous("beale", "probe", Box(2, -4.5, 4.5), 0, Beale)));
  out.push_back(probe(Continuous("qing6", "probe", Box(6, -500, 500), 0, Shifted(Qing, -500, 500))));
  out.push_back(probe(Continuous("sum_powers6", "probe", Box(6, -1, 1), 0, Shifted(SumOfPowers, -1, 1))));
  out.push_back(probe(Continuous("alpine6", "probe", Box(6, -10, 10), 0, Shifted(Alpine1, -10, 10))));
  out.push_back(probe(Continuous("shubert", "probe", Box(2, -10, 10), -186.73090883102392, Shubert)));
  out.push_back(
      probe(Continuous("rastrigin8", "probe", Box(8, -5.12, 5.12), 0, Shifted(Rastrigin, -5.12, 5.12))));
  out.push_back(probe(
      Continuous("styblinski_tang10", "probe", Box(10, -5, 5), -39.16616570377142 * 10, StyblinskiTang)));
  // Hartmann-6 among 6 parameters that do not matter, as in a tuning task with irrelevant knobs.
  out.push_back(probe(Continuous("hartmann6_in_12", "probe", Box(12, 0, 1), -3.32236801141551,
                                 [](const std::vector<double>& x) {
                                   return Hartmann6({x[1], x[3], x[5], x[7], x[9], x[11]});
                                 })));
  {
    // Ackley-3 plus an integer depth and a categorical optimiser.
    const std::vector<std::string> opt = {"sgd", "adam", "lamb"};
    SearchSpace space = Box(3, -32.768, 32.768);
    space.parameters.push_back(Integer("depth", 1, 12));
    space.parameters.push_back(Categorical("optimizer", opt));
    Problem p{.name = "mixed_ackley3", .family = "probe", .space = space, .minimum = 0};
    const Fn ackley = Shifted(Ackley, -32.768, 32.768);
    p.evaluate = [opt, ackley](const Assignment& a) {
      static constexpr double kOffset[3] = {0.8, 0, 0.4};
      const std::vector<double> x = Numbers(a);
      const int c = CategoryIndex(a[4], opt);
      return ackley({x[0], x[1], x[2]}) + 0.2 * std::abs(x[3] - 7) + (c < 0 ? 2.0 : kOffset[c]);
    };
    out.push_back(p);
  }
  {
    // Hartmann-6 in the decimal logarithms of six parameters on [1e-4, 1].
    SearchSpace space;
    for (int j = 0; j < 6; ++j)
      space.parameters.push_back(Double("p" + std::to_string(j + 1), 1e-4, 1, Scale::kLog));
    Problem p{.name = "log_hartmann6", .family = "probe", .space = space, .minimum = -3.32236801141551};
    p.evaluate = [](const Assignment& a) {
      std::vector<double> u;
      for (double v : Numbers(a)) u.push_back((std::log10(v) + 4) / 4);
      return Hartmann6(u);
    };
    out.push_back(p);
  }
  // Real tuning tasks: 1 - 3-fold cross-validated accuracy (hpo_task.py).
  out.push_back(Hpo("svm_digits",
                    {{Double("C", 1e-2, 1e3, Scale::kLog), Double("gamma", 1e-5, 1e-1, Scale::kLog)}},
                    hpo_script));
  out.push_back(
      Hpo("hgb_breast_cancer",
          {{Double("learning_rate", 1e-3, 1, Scale::kLog), Integer("max_leaf_nodes", 2, 64, Scale::kLog),
            Integer("min_samples_leaf", 1, 64, Scale::kLog), Double("l2", 1e-6, 10, Scale::kLog)}},
          hpo_script));
  out.push_back(Hpo("rf_wine",
                    {{Integer("n_estimators", 5, 200, Scale::kLog), Integer("max_depth", 1, 20),
                      Double("max_features", 0.05, 1), Integer("min_samples_leaf", 1, 30),
                      Categorical("criterion", {"gini", "entropy"})}},
                    hpo_script));
  return out;
}

double Observe(const Problem& problem, double clean, uint64_t seed, int64_t trial) {
  if (problem.noise_sd == 0) return clean;
  uint64_t h = 1469598103934665603ULL;  // FNV-1a of the name: each problem its own noise.
  for (char c : problem.name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  searcher::Prng rng(seed ^ h, static_cast<uint64_t>(trial));
  const double u = 1 - rng.Uniform(), v = rng.Uniform();
  return clean + problem.noise_sd * std::sqrt(-2 * std::log(u)) * std::cos(2 * kPi * v);
}

}  // namespace hyperlab::bench
