// The HTML report: self-contained, every section there, user text escaped, the metric analysis right.
#include "lab/plot/report.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/plot/fixtures.h"
#include "tests/lab/plot/xml_checker.h"
#include "lab/plot/metric_analysis.h"

namespace hyperlab::plot {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

StudyData FullStudy() {
  StudyData data = testing::FixtureStudy();
  v1::StudySpec& spec = *data.study.mutable_spec();
  spec.set_hypothesis("A learning rate near 3e-3 beats 0.88 <b>dev</b> accuracy & more.");
  spec.add_metrics("test_accuracy");
  spec.add_tags("fashion");
  spec.mutable_task()->mutable_train()->mutable_data()->set_name("fashion-mnist");
  spec.mutable_task()->mutable_train()->set_epochs(5);
  data.study.set_conclusion("Confirmed: 0.896 at lr=0.003.");
  data.study.set_conclusion_unix_ms(1700000000000);
  data.study.set_data_digest("files-digest-42");
  v1::Trial& best = *data.trials[6].mutable_trial();
  (*best.mutable_artifacts())["settings"] =
      R"({"learning_rate":0.003,"optimizer":"adam","data":{"name":"fashion-mnist","train_limit":0}})";
  (*best.mutable_artifacts())["data_digest"] = "sha256:abc123";
  (*best.mutable_artifacts())["confusion_matrix"] = R"({"classes":["a","b"],"matrix":[[9,1],[2,8]]})";
  best.set_worker_id("worker-7");
  v1::Note* note = data.trials[2].mutable_trial()->add_notes();
  note->set_text("Looks like the <script> ran twice?");
  note->set_time_unix_ms(1700000001000);
  for (auto& t : data.trials) {
    if (t.trial().metrics().empty()) continue;
    for (int step = 1; step <= 3; ++step) {
      testing::AddMeasurement(t, step,
                              {{"train_loss", 1.0 / step},
                               {"dev_loss", 1.2 / step},
                               {"train_accuracy", 0.5 + 0.1 * step},
                               {"dev_accuracy", 0.45 + 0.1 * step}});
    }
  }
  return data;
}

TEST(ReportTest, IsSelfContained) {
  const std::string html = RenderReport(FullStudy());
  for (const char* outside : {"http://", "https://", "<link", "<script", "src=", "url(", "@import", "<iframe",
                              "<img", "<object", "<embed"}) {
    EXPECT_THAT(html, Not(HasSubstr(outside))) << outside;
  }
  EXPECT_THAT(html, HasSubstr("<style>"));
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
}

TEST(ReportTest, HasEverySection) {
  const std::string html = RenderReport(FullStudy());
  for (const char* id : {"hypothesis", "conclusion", "summary", "design", "best-trials", "plots", "analysis",
                         "reproduce", "notes", "problems"}) {
    EXPECT_THAT(html, HasSubstr(absl::StrCat("<section id=\"", id, "\">"))) << id;
  }
  EXPECT_THAT(html, HasSubstr("Confirmed: 0.896 at lr=0.003."));
  EXPECT_THAT(html, HasSubstr("random search, seed 7"));
  EXPECT_THAT(html, HasSubstr("fashion-mnist"));
  EXPECT_THAT(html, HasSubstr("[0.0001, 0.1]"));
  EXPECT_THAT(html, HasSubstr("succeeded 9"));
  EXPECT_THAT(html, HasSubstr("failed 1"));
  EXPECT_THAT(html, HasSubstr("stopped 1"));
  EXPECT_THAT(html, HasSubstr("loss became NaN at epoch 2"));  // Failed trials with their reasons.
  EXPECT_THAT(html, HasSubstr("sha256:abc123"));               // Data digest of the best trial.
  EXPECT_THAT(html, HasSubstr("files-digest-42"));             // And of the study's data files.
  EXPECT_THAT(html, HasSubstr("data.name"));                   // Its effective settings, flattened.
  EXPECT_THAT(html, HasSubstr("worker-7"));
}

TEST(ReportTest, PlotsAreInlineAndWellFormed) {
  const std::string html = RenderReport(FullStudy());
  // history, importance, slices, parallel coordinates, contour, loss curves, accuracy curves, confusion
  // matrix.
  // (Not std::regex: libstdc++'s recursion overflows the stack on inputs this long.)
  int count = 0;
  for (size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) {
    const size_t end = html.find("</svg>", at);
    ASSERT_NE(end, std::string::npos);
    auto root = testing::ParseXml(html.substr(at, end + 6 - at));
    EXPECT_TRUE(root.ok()) << root.status();
    EXPECT_FALSE((*root)->WithTag("title").empty());
    ++count;
  }
  EXPECT_EQ(count, 8);
  EXPECT_THAT(html, Not(HasSubstr("not available")));
}

TEST(ReportTest, ImportanceFromFewTrialsCarriesACaveat) {
  // The fixture has 9 succeeded trials: the report says the shares are rough, under the plot.
  const std::string html = RenderReport(testing::FixtureStudy());
  const size_t caveat = html.find("<p class=\"caveat\">Only 9 trials");
  ASSERT_NE(caveat, std::string::npos);
  EXPECT_GT(caveat, html.find("Importance: what"));
  // 24 trials with 20 succeeded: no caveat.
  EXPECT_EQ(RenderReport(testing::LossStudy(24)).find("class=\"caveat\""), std::string::npos);
}

TEST(ReportTest, HasTheParallelCoordinatesPlot) {
  const std::string html = RenderReport(testing::FixtureStudy());
  EXPECT_NE(html.find("Parallel coordinates: dev_accuracy"), std::string::npos);
}

TEST(ReportTest, MissingPlotsSaySo) {
  StudyData data = testing::FixtureStudy();
  data.trials.resize(2);
  const std::string html = RenderReport(data);
  EXPECT_THAT(html, HasSubstr("Contour: not available"));
  EXPECT_THAT(html, HasSubstr("at least 3"));
  EXPECT_THAT(html, HasSubstr("no trial reported intermediate measurements"));
  EXPECT_THAT(html, HasSubstr("No conclusion recorded yet"));
}

int Rows(const std::string& html) {
  const size_t start = html.find("<section id=\"best-trials\">");
  const std::string table = html.substr(start, html.find("</section>", start) - start);
  int rows = -1;  // The header row is not a trial.
  for (size_t at = table.find("</tr>"); at != std::string::npos; at = table.find("</tr>", at + 1)) ++rows;
  return rows;
}

TEST(ReportTest, BestTrialsTableHasTheBestSucceededTrialsInOrder) {
  StudyData data = FullStudy();
  const std::string html = RenderReport(data);
  EXPECT_EQ(Rows(html), 9);  // All 9 succeeded trials: fewer than the 10 the table may hold.
  EXPECT_EQ(Rows(RenderReport(data, {.best_trials = 4})), 4);
  const size_t start = html.find("<section id=\"best-trials\">");
  const std::string table = html.substr(start, html.find("</section>", start) - start);
  const size_t first = table.find("<tr class=\"best\"><td class=\"num\">1</td><td class=\"num\">6</td>");
  EXPECT_NE(first, std::string::npos) << table;
  EXPECT_LT(table.find("<td class=\"num\">2</td><td class=\"num\">2</td>"),
            table.find("<td class=\"num\">3</td><td class=\"num\">9</td>"));
  EXPECT_THAT(table, HasSubstr("dev_<wbr>accuracy (max)"));  // Headers may wrap after underscores.
  EXPECT_THAT(table, HasSubstr("test_<wbr>accuracy"));
}

TEST(ReportTest, UserTextIsEscaped) {
  const std::string html = RenderReport(FullStudy());
  EXPECT_THAT(html, HasSubstr("0.88 &lt;b&gt;dev&lt;/b&gt; accuracy &amp; more."));
  EXPECT_THAT(html, HasSubstr("Looks like the &lt;script&gt; ran twice?"));
  EXPECT_THAT(html, Not(HasSubstr("<b>dev</b>")));
}

TEST(ReportTest, MetricAnalysisSaysNotSetWithoutHumanLevelError) {
  const std::string html = RenderReport(FullStudy());
  const size_t start = html.find("<section id=\"analysis\">");
  const std::string section = html.substr(start, html.find("</section>", start) - start);
  EXPECT_THAT(section, HasSubstr("human-level error</td><td class=\"num\">not set"));
  EXPECT_THAT(section, HasSubstr("avoidable bias</td><td class=\"num\">not set"));
  EXPECT_THAT(section, HasSubstr("variance</td><td class=\"num\">+3.00 points"));  // dev - train = 0.03.
  EXPECT_THAT(section, HasSubstr("dev overfitting</td><td class=\"num\">+1.00 points"));
  EXPECT_THAT(section, HasSubstr("Set task.train.human_level_error"));
}

TEST(MetricAnalysisTest, GapsFromTheErrors) {
  v1::Study study = testing::MakeStudy("s", "dev_accuracy", true, {});
  study.mutable_spec()->mutable_task()->mutable_train()->set_human_level_error(0.02);
  v1::Trial trial;
  (*trial.mutable_metrics())["train_accuracy"] = 0.9;
  (*trial.mutable_metrics())["dev_accuracy"] = 0.85;
  (*trial.mutable_metrics())["test_accuracy"] = 0.84;
  const MetricAnalysis a = AnalyseTrial(study, trial);
  EXPECT_DOUBLE_EQ(*a.human_level_error, 0.02);
  EXPECT_NEAR(*a.train_error, 0.10, 1e-12);
  EXPECT_NEAR(*a.dev_error, 0.15, 1e-12);
  EXPECT_NEAR(*a.test_error, 0.16, 1e-12);
  EXPECT_NEAR(*a.avoidable_bias, 0.08, 1e-12);
  EXPECT_NEAR(*a.variance, 0.05, 1e-12);
  EXPECT_NEAR(*a.dev_overfit, 0.01, 1e-12);
  EXPECT_THAT(Diagnosis(a), HasSubstr("Avoidable bias is the largest gap"));

  (*trial.mutable_metrics())["train_accuracy"] = 0.99;
  EXPECT_THAT(Diagnosis(AnalyseTrial(study, trial)), HasSubstr("Variance is the largest gap"));
}

TEST(MetricAnalysisTest, HumanLevelErrorFromTheTrialsSettings) {
  const v1::Study study = testing::MakeStudy("s", "dev_accuracy", true, {});
  v1::Trial trial;
  EXPECT_FALSE(HumanLevelError(study, trial).has_value());
  (*trial.mutable_artifacts())["settings"] = R"({"human_level_error":0.05})";
  EXPECT_DOUBLE_EQ(*HumanLevelError(study, trial), 0.05);
}

}  // namespace
}  // namespace hyperlab::plot
