// What the CLI prints for people and for programs: numbers to 6 significant digits in tables and exact in
// CSV and JSON, JSON integers as numbers, the studies table with its objective, the workers table aligned
// and with lost workers marked, and the data-dir-in-use error.
#include "tools/output_format.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tools/embedded_cluster.h"

namespace hyperlab::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

v1::Study LrStudy() {
  return Parse<v1::Study>(R"pb(
    id: 21
    state: ACTIVE
    best_trial_id: 7
    best_value: 0.8813456789
    planned_trials: 12
    spec {
      name: "lr-sweep"
      objective { metric: "dev_accuracy" goal: MAXIMIZE }
      parameters {
        name: "learning_rate"
        double_range { min: 1e-4 max: 1 scale: LOG }
      }
      parameters {
        name: "batch_size"
        discrete { values: [ 64, 128 ] }
      }
    }
  )pb");
}

v1::Trial LrTrial() {
  return Parse<v1::Trial>(R"pb(
    id: 7
    state: SUCCEEDED
    parameters {
      name: "learning_rate"
      value { double_value: 0.0013170400777787628 }
    }
    parameters {
      name: "batch_size"
      value { int_value: 64 }
    }
    metrics { key: "dev_accuracy" value: 0.8813456789 }
    start_unix_ms: 1000
    end_unix_ms: 13345
  )pb");
}

TEST(TableNumberTest, SixSignificantDigits) {
  EXPECT_EQ(TableNumber(0.0013170400777787628), "0.00131704");
  EXPECT_EQ(TableNumber(0.8813456789), "0.881346");
  EXPECT_EQ(TableNumber(0.5), "0.5");
  EXPECT_EQ(TableNumber(1234567.0), "1.23457e+06");
  EXPECT_EQ(TableNumber(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(TableNumber(std::nan("")), "nan");
}

TEST(FormatTrialsTest, TableShowsEveryRealToSixDigitsAndCsvKeepsThemExact) {
  const std::string table = FormatTrials(LrStudy(), {LrTrial()}, OutputFormat::kTable);
  EXPECT_THAT(table, HasSubstr("0.00131704"));
  EXPECT_THAT(table, Not(HasSubstr("0.0013170400777787628")));
  EXPECT_THAT(table, HasSubstr("0.881346"));
  EXPECT_THAT(table, HasSubstr("12.345"));  // runtime_s
  EXPECT_THAT(table, Not(HasSubstr("12.35 ")));
  const std::string csv = FormatTrials(LrStudy(), {LrTrial()}, OutputFormat::kCsv);
  EXPECT_THAT(csv, HasSubstr("0.0013170400777787628"));
  EXPECT_THAT(csv, HasSubstr("0.8813456789"));
}

TEST(FormatTrialsTest, OneTrialWiderThanATerminalIsShownAFieldPerLine) {
  v1::Trial trial = LrTrial();
  EXPECT_THAT(FormatTrials(LrStudy(), {trial}, OutputFormat::kTable), HasSubstr("learning_rate"));
  EXPECT_EQ(FormatTrials(LrStudy(), {trial}, OutputFormat::kTable).find("field"), std::string::npos);
  for (int i = 0; i < 20; ++i) (*trial.mutable_metrics())[absl::StrCat("metric_number_", i, "x")] = i + 0.5;
  const std::string table = FormatTrials(LrStudy(), {trial}, OutputFormat::kTable);
  EXPECT_THAT(table, HasSubstr("field"));
  EXPECT_THAT(table, HasSubstr("0.00131704"));
  EXPECT_THAT(table, HasSubstr("metric_number_19x"));
  for (const absl::string_view line : absl::StrSplit(table, '\n')) EXPECT_LE(line.size(), 120u) << line;
  // Several trials stay one per row (`trials --columns all` asks for the width).
  EXPECT_EQ(FormatTrials(LrStudy(), {trial, trial}, OutputFormat::kTable).find("field"), std::string::npos);
}

TEST(ProtoToJsonTest, SixtyFourBitIntegersAreNumbersAndRealsExact) {
  v1::Study study = LrStudy();
  study.set_best_value(0.0013170400777787628);
  const nlohmann::json j = nlohmann::json::parse(ProtoToJson(study));
  ASSERT_TRUE(j["id"].is_number_integer()) << j["id"];
  EXPECT_EQ(j["id"].get<int64_t>(), 21);
  EXPECT_EQ(j["best_trial_id"].get<int64_t>(), 7);
  EXPECT_EQ(j["best_value"].get<double>(), 0.0013170400777787628);
  // Nested and repeated: discrete values are int64 inside a repeated message.
  const nlohmann::json& values = j["spec"]["parameters"][1]["discrete"]["values"];
  ASSERT_TRUE(values.is_array()) << j["spec"];
  EXPECT_TRUE(values[0].is_number_integer()) << values;
  EXPECT_EQ(values[1].get<int64_t>(), 128);

  const auto workers = Parse<v1::ListWorkersResponse>(R"pb(
    lease_timeout_ms: 30000
    workers {
      info { id: "w1" }
      last_seen_unix_ms: 1700000000123
      trials { study_id: 3 trial_id: 4 lease_id: "abc" }
    }
  )pb");
  const nlohmann::json w = nlohmann::json::parse(ProtoToJson(workers));
  EXPECT_EQ(w["lease_timeout_ms"], 30000);
  EXPECT_EQ(w["workers"][0]["last_seen_unix_ms"], 1700000000123);
  EXPECT_EQ(w["workers"][0]["trials"][0]["trial_id"], 4);
  EXPECT_EQ(w["workers"][0]["trials"][0]["lease_id"], "abc");
}

TEST(FormatStudiesTest, ShowsTheObjectiveAndItsGoal) {
  const std::vector<std::string> lines = Lines(FormatStudies({LrStudy()}, OutputFormat::kTable));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr("objective"));
  EXPECT_THAT(lines[0], HasSubstr("goal"));
  EXPECT_THAT(lines[1], HasSubstr("dev_accuracy  maximize"));
  EXPECT_THAT(lines[1], HasSubstr("0.881346"));
  // Aligned: the objective starts at the same column in both lines.
  EXPECT_EQ(lines[0].find("objective"), lines[1].find("dev_accuracy"));
  EXPECT_THAT(FormatStudies({LrStudy()}, OutputFormat::kCsv), HasSubstr(",dev_accuracy,maximize,"));
}

TEST(FormatStudyDetailTest, ShowsTheRecommendedTrialOnlyWhenThereIsOne) {
  v1::Study study = LrStudy();
  EXPECT_THAT(FormatStudyDetail(study, OutputFormat::kTable),
              HasSubstr("best        trial 7: dev_accuracy="));
  EXPECT_THAT(FormatStudyDetail(study, OutputFormat::kTable), Not(HasSubstr("recommended")));
  study.mutable_spec()->mutable_objective()->set_noisy(true);
  study.set_recommended_trial_id(4);
  study.set_recommended_value(0.87);
  study.set_recommended_seen(12);
  EXPECT_THAT(FormatStudyDetail(study, OutputFormat::kTable),
              HasSubstr("recommended trial 4: dev_accuracy=0.87 (the objective is noisy: the trial the model "
                        "is surest is good, after 12 ended trials)"));
  EXPECT_THAT(FormatStudyDetail(study, OutputFormat::kJson), HasSubstr("\"recommended_trial_id\": 4"));
}

TEST(FormatWorkersTest, AWorkerUnseenForLongerThanTheLeaseTimeoutIsLost) {
  const int64_t now = 1'700'000'100'000;
  auto worker = [&](const std::string& id, int64_t unseen_ms, bool draining) {
    v1::WorkerStatus w;
    w.mutable_info()->set_id(id);
    w.mutable_info()->set_host("host-with-a-long-name");
    w.mutable_info()->set_slots(2);
    w.mutable_info()->add_executors("synthetic");
    w.set_last_seen_unix_ms(now - unseen_ms);
    w.set_draining(draining);
    return w;
  };
  std::vector<v1::WorkerStatus> workers = {worker("fresh", 2'000, false), worker("gone", 31'000, false),
                                           worker("drained", 1'000, true),
                                           worker("gone-drained", 60'000, true)};
  workers[0].add_trials()->set_trial_id(5);
  const std::vector<std::string> lines = Lines(FormatWorkers(workers, 30'000, now, OutputFormat::kTable));
  ASSERT_EQ(lines.size(), 5u);
  const size_t state = lines[0].find("state");
  ASSERT_NE(state, std::string::npos);
  EXPECT_EQ(lines[1].substr(state, 6), "active");
  EXPECT_EQ(lines[2].substr(state, 4), "lost");
  EXPECT_EQ(lines[3].substr(state, 8), "draining");
  EXPECT_EQ(lines[4].substr(state, 4), "lost");
  EXPECT_THAT(lines[1], HasSubstr("1 (0/5)"));
  EXPECT_THAT(lines[2], HasSubstr("31s ago"));
  // Without a lease timeout (an older coordinator) nobody is called lost.
  EXPECT_THAT(FormatWorkers(workers, 0, now, OutputFormat::kTable), Not(HasSubstr("lost")));
}

TEST(JournalInUseTest, TheLockErrorSaysTheDataDirIsInUse) {
  const absl::Status locked = absl::UnavailableError(
      "opening journal /tmp/d: IO error: While lock file: /tmp/d/LOCK: Resource temporarily unavailable");
  const absl::Status s = JournalInUse(locked, "/tmp/d");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("data dir /tmp/d is in use by another process"));
  EXPECT_THAT(std::string(s.message()), Not(HasSubstr("TLS")));
  const absl::Status same_process = absl::UnavailableError(
      "opening journal /tmp/d: IO error: lock hold by current process, acquire time 1 acquiring thread 2: "
      "/tmp/d/LOCK: No locks available");
  EXPECT_EQ(JournalInUse(same_process, "/tmp/d").code(), absl::StatusCode::kFailedPrecondition);
  const absl::Status other = absl::UnavailableError("opening journal /tmp/d: IO error: No space left");
  EXPECT_EQ(JournalInUse(other, "/tmp/d"), other);
}

}  // namespace
}  // namespace hyperlab::tools
