// Axes: the map from data values to pixels, and the ticks a reader needs to read values back.
//
// Three kinds: linear with "nice" 1-2-5 ticks (0, 0.2, 0.4 ...), the range widened to whole ticks;
// logarithmic with ticks at the decades (and at 2 and 5 times them when the range spans under two decades);
// categorical with one band per category (value i is the centre of band i).
// Labels are short and exact for what a tick is: "0.001", "1e-05", "250", "0.35".
//
// Example:
//   Axis x = Axis::Log(1e-4, 1e-1);
//   x.SetPixels(80, 700);
//   double px = x.Map(3e-3);
//   for (const Tick& t : x.ticks()) ...
//
// Thread safety: plain value.
#ifndef HYPERLAB_LAB_PLOT_AXIS_H_
#define HYPERLAB_LAB_PLOT_AXIS_H_

#include <string>
#include <vector>

namespace hyperlab::plot {

struct Tick {
  double value = 0;
  std::string label;
};

// Step of nice ticks: 1, 2 or 5 times a power of ten, giving about `target` intervals over [lo, hi].
double NiceStep(double lo, double hi, int target);
// A tick label for `value` on a grid of `step`: enough decimals for the step, exponent form when tiny or
// huge.
std::string TickLabel(double value, double step);
// A number for people: 4 significant digits, exponent form when tiny or huge ("0.0031", "1.2e-05", "87.3").
std::string ShortNumber(double value);
// Whether values in [lo, hi] read better on a log axis: all positive and spanning two decades or more
// (on a linear axis most of them would lie flat in the bottom percent of it).
bool SpansDecades(double lo, double hi);

class Axis {
 public:
  enum class Kind { kLinear, kLog, kCategorical };

  // [lo, hi] widened to whole nice ticks when `nice` (a range of zero width is widened first).
  static Axis Linear(double lo, double hi, bool nice = true, int target_ticks = 5);
  // For counters (trial ids, steps): ticks at whole numbers only, the range padded by half a unit so that
  // points do not sit on the frame.
  static Axis Counter(double lo, double hi, int target_ticks = 8);
  // REQUIRES: 0 < lo <= hi. The range is kept as given (the search domain), ticks inside it.
  static Axis Log(double lo, double hi);
  // REQUIRES: 0 < lo <= hi. A log axis over [lo, hi] widened to whole decades (1e-4 .. 1e3), for observed
  // values rather than a search domain: no point sits on the frame, every decade is labelled.
  static Axis LogDecades(double lo, double hi);
  static Axis Categorical(std::vector<std::string> names);

  // The pixel interval the range maps onto (`from` may exceed `to`: y axes grow upwards).
  void SetPixels(double from, double to);
  double Map(double value) const;
  // The value at a fraction t in [0, 1] of the axis (linear in log space for log axes; for categorical,
  // a fractional category index).
  double AtFraction(double t) const;
  // Where `value` lies along the axis, as a fraction of its length (0 = lo, 1 = hi).
  double Fraction(double value) const;

  Kind kind() const { return kind_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  // For categorical axes: the width of one band in pixels.
  double BandWidth() const;
  const std::vector<Tick>& ticks() const { return ticks_; }
  // Appends `suffix` to every tick label ("%", " s").
  void AppendToLabels(const std::string& suffix) {
    for (Tick& t : ticks_) t.label += suffix;
  }
  const std::vector<std::string>& categories() const { return categories_; }

 private:
  Kind kind_ = Kind::kLinear;
  double lo_ = 0, hi_ = 1;  // Categorical: -0.5 and n - 0.5.
  double from_ = 0, to_ = 1;
  std::vector<Tick> ticks_;
  std::vector<std::string> categories_;
};

}  // namespace hyperlab::plot

#endif  // HYPERLAB_LAB_PLOT_AXIS_H_
