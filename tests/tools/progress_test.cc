// The progress display: the line's content (states, best, rate, ETA) and the two ways it is shown (one
// live line on a terminal; plain, de-duplicated and rate-limited lines elsewhere).
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/output_format.h"
#include "tools/progress_printer.h"

namespace hyperlab::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::Study Study() {
  v1::Study s;
  s.mutable_spec()->set_name("sweep");
  s.mutable_spec()->mutable_objective()->set_metric("dev_accuracy");
  s.set_state(v1::Study::ACTIVE);
  s.set_planned_trials(50);
  v1::TrialCounts& c = *s.mutable_counts();
  c.set_succeeded(20);
  c.set_failed(1);
  c.set_stopped(2);
  c.set_reused(3);
  c.set_running(4);
  s.set_best_trial_id(17);
  s.set_best_value(0.8812);
  return s;
}

TEST(ProgressLineTest, NamesEveryStateItHasBestRateAndEta) {
  const std::string line = ProgressLine(Study(), 230);
  EXPECT_THAT(line, HasSubstr("sweep: 23/50 done (20 ok, 1 failed, 2 stopped, 3 reused), 4 running"));
  EXPECT_THAT(line, HasSubstr("best dev_accuracy=0.8812 (trial 17)"));
  EXPECT_THAT(line, HasSubstr("6.0 trials/min"));  // 23 in 230 s
  EXPECT_THAT(line, HasSubstr("elapsed 3m50s"));
  EXPECT_THAT(line, HasSubstr("eta 4m30s"));  // 27 left at 10 s each
  EXPECT_THAT(line, Not(HasSubstr("infeasible")));
  EXPECT_THAT(ProgressLine(Study(), 2), HasSubstr("11.5 trials/s"));
}

TEST(ProgressLineTest, Durations) {
  EXPECT_EQ(Duration(42.4), "42s");
  EXPECT_EQ(Duration(185), "3m05s");
  EXPECT_EQ(Duration(7625), "2h07m");
}

TEST(ProgressPrinterTest, PlainLinesAreDeduplicatedAndRateLimitedUnlessForced) {
  std::ostringstream out;
  ProgressPrinter p(out, /*live=*/false);
  p.Update("a", false);
  p.Update("a", true);   // Same text: never twice.
  p.Update("b", false);  // Within a second of "a": held back.
  p.Update("c", true);   // A trial ended: shown.
  p.Break();             // Nothing to end in plain mode.
  EXPECT_EQ(out.str(), "a\nc\n");
}

TEST(ProgressPrinterTest, LiveLineIsRewrittenInPlaceAndEndedByBreak) {
  std::ostringstream out;
  {
    ProgressPrinter p(out, /*live=*/true);
    p.Update("one", false);
    p.Update("two", false);
    p.Break();
    out << "other output\n";
    p.Update("three", false);
  }  // The destructor ends the open line.
  EXPECT_EQ(out.str(), "\r\033[Kone\r\033[Ktwo\nother output\n\r\033[Kthree\n");
}

}  // namespace
}  // namespace hyperlab::tools
