// Trial listings: field values, the catalog of names, sorting (missing values last), selection, columns,
// and the three renderings (CSV quoting, JSON types, aligned text).
#include "lab/trial_table.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lab/lab_test_util.h"
#include "lab/table_render.h"

namespace hyperlab::lab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MlpSpec;
using testing::MlpTrial;
using ::testing::StartsWith;

std::vector<int64_t> Ids(const std::vector<TrialRecord>& records) {
  std::vector<int64_t> ids;
  for (const TrialRecord& r : records) ids.push_back(r.trial.id());
  return ids;
}

std::vector<std::string> Headers(const std::vector<Column>& columns) {
  std::vector<std::string> headers;
  for (const Column& c : columns) headers.push_back(c.header);
  return headers;
}

class TrialTableTest : public ::testing::Test {
 protected:
  TrialTableTest() {
    records_ = {
        {"alpha", MlpTrial(0, "SUCCEEDED", 0.001, "adam", 10,
                           "metrics { key: 'dev_accuracy' value: 0.85 } metrics { key: 'f1_3' value: 0.5 }")},
        {"alpha", MlpTrial(1, "FAILED", 0.1, "sgd", 20, "reason: 'loss became NaN'")},
        {"alpha", MlpTrial(2, "SUCCEEDED", 0.01, "sgd", 5, "metrics { key: 'dev_accuracy' value: 0.88 }")},
        {"alpha", MlpTrial(3, "SUCCEEDED", 0.003, "adam", 20, "metrics { key: 'dev_accuracy' value: 0.85 }")},
    };
    catalog_ = FieldCatalog::Build({MlpSpec("alpha")}, records_);
  }

  std::vector<int64_t> Sorted(const std::string& flag) {
    auto keys = ParseSortKeys(flag, catalog_);
    EXPECT_TRUE(keys.ok()) << keys.status();
    std::vector<TrialRecord> records = records_;
    if (keys.ok()) SortRecords(*keys, records);
    return Ids(records);
  }

  std::vector<TrialRecord> records_;
  FieldCatalog catalog_;
};

TEST_F(TrialTableTest, CatalogListsParametersThenMetricsObjectiveFirst) {
  std::vector<std::string> parameters, metrics;
  for (const Field& f : catalog_.parameters()) parameters.push_back(f.name);
  for (const Field& f : catalog_.metrics()) metrics.push_back(f.name);
  EXPECT_THAT(parameters, ElementsAre("learning_rate", "optimizer", "epochs"));
  // The objective, the spec's metrics, then what the trials reported, by name.
  EXPECT_THAT(metrics, ElementsAre("dev_accuracy", "train_accuracy", "f1_3"));
  EXPECT_EQ(catalog_.Find("optimizer")->type, Field::Type::kText);
  EXPECT_THAT(catalog_.Find("optimizer")->values, ElementsAre("adam", "sgd", "rmsprop"));
  EXPECT_EQ(catalog_.Find("epochs")->type, Field::Type::kNumber);
  EXPECT_EQ(catalog_.Find("nonsense"), nullptr);
}

TEST_F(TrialTableTest, AMetricNamedLikeATrialFieldShadowsIt) {
  records_[0].trial.mutable_metrics()->insert({"runtime", 99});
  records_[0].trial.set_start_unix_ms(1000);
  records_[0].trial.set_end_unix_ms(3500);
  FieldCatalog catalog = FieldCatalog::Build({MlpSpec()}, records_);
  const Field* metric = catalog.Find("runtime");
  const Field* field = catalog.Find("trial.runtime");
  ASSERT_NE(metric, nullptr);
  ASSERT_NE(field, nullptr);
  EXPECT_EQ(FieldValueOf(*metric, records_[0]), Value(99.0));
  EXPECT_EQ(FieldValueOf(*field, records_[0]), Value(2.5));
  EXPECT_EQ(catalog.ColumnName(*field), "trial.runtime");
  EXPECT_THAT(Headers(DefaultColumns(catalog, false, false)), ::testing::Contains("trial.runtime"));
}

TEST_F(TrialTableTest, TrialFieldValues) {
  TrialRecord r = {"alpha",
                   testing::Parse<v1::Trial>(
                       "id: 7 state: SUCCEEDED worker_id: 'host-1/0' attempt: 2 "
                       "start_unix_ms: 1704153600000 end_unix_ms: 1704153601250 measurement_count: 12 "
                       "reused_from { study_id: 3 trial_id: 5 study_name: 'older' } "
                       "notes { text: 'looks odd' } notes { text: 'rerun' }")};
  auto value = [&](const std::string& name) { return FieldValueOf(*catalog_.Find(name), r); };
  EXPECT_EQ(value("id"), Value(int64_t{7}));
  EXPECT_EQ(value("study"), Value(std::string("alpha")));
  EXPECT_EQ(value("state"), Value(std::string("SUCCEEDED")));
  EXPECT_EQ(value("worker"), Value(std::string("host-1/0")));
  EXPECT_EQ(value("attempt"), Value(int64_t{2}));
  EXPECT_EQ(value("runtime"), Value(1.25));
  EXPECT_EQ(value("started"), Value(std::string("2024-01-02T00:00:00Z")));
  EXPECT_EQ(value("ended"), Value(std::string("2024-01-02T00:00:01Z")));
  EXPECT_EQ(value("reused_from"), Value(std::string("older/5")));
  EXPECT_EQ(value("measurements"), Value(int64_t{12}));
  EXPECT_EQ(value("notes"), Value(int64_t{2}));
  EXPECT_TRUE(IsMissing(value("reason")));
  EXPECT_TRUE(IsMissing(value("dev_accuracy")));
  // A trial that has not ended has no runtime (not 0, which would sort as the fastest).
  r.trial.set_end_unix_ms(0);
  EXPECT_TRUE(IsMissing(value("runtime")));
  EXPECT_TRUE(IsMissing(value("ended")));
}

TEST_F(TrialTableTest, SortPutsMissingValuesLastInBothDirections) {
  EXPECT_THAT(Sorted("dev_accuracy"), ElementsAre(0, 3, 2, 1));
  EXPECT_THAT(Sorted("-dev_accuracy"), ElementsAre(2, 0, 3, 1));
}

TEST_F(TrialTableTest, SortBySeveralKeysAndText) {
  EXPECT_THAT(Sorted("-dev_accuracy,-epochs"), ElementsAre(2, 3, 0, 1));
  EXPECT_THAT(Sorted("optimizer, -learning_rate"), ElementsAre(3, 0, 1, 2));
  EXPECT_THAT(Sorted("state"), ElementsAre(1, 0, 2, 3));  // FAILED < SUCCEEDED; ties keep their order.
  EXPECT_THAT(Sorted("-id"), ElementsAre(3, 2, 1, 0));
  EXPECT_THAT(Sorted(""), ElementsAre(0, 1, 2, 3));
}

TEST_F(TrialTableTest, SortByAnUnknownNameIsAnError) {
  auto keys = ParseSortKeys("-dev_acc", catalog_);
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(keys.status().message()),
              StartsWith("--sort: unknown name 'dev_acc'; parameters: learning_rate"));
}

TEST_F(TrialTableTest, SelectFiltersThenSortsThenLimits) {
  auto selected =
      SelectTrials(records_, catalog_, {.where = "epochs >= 10", .sort = "-dev_accuracy", .limit = 2});
  ASSERT_TRUE(selected.ok()) << selected.status();
  EXPECT_THAT(Ids(*selected), ElementsAre(0, 3));
  auto all = SelectTrials(records_, catalog_, {});
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(Ids(*all), ElementsAre(0, 1, 2, 3));
}

TEST_F(TrialTableTest, SelectErrorsNameTheirFlag) {
  auto where = SelectTrials(records_, catalog_, {.where = "epochs >"});
  ASSERT_FALSE(where.ok());
  EXPECT_EQ(where.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(where.status().message()),
              StartsWith("--where: column 9: expected a value after '>'"));
  auto limit = SelectTrials(records_, catalog_, {.limit = -1});
  EXPECT_EQ(limit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(limit.status().message()), StartsWith("--limit:"));
}

TEST_F(TrialTableTest, DefaultColumns) {
  // For people: per-class metrics left out, the reason added.
  EXPECT_THAT(Headers(DefaultColumns(catalog_, /*with_study=*/false, /*for_people=*/true)),
              ElementsAre("id", "state", "learning_rate", "optimizer", "epochs", "dev_accuracy",
                          "train_accuracy", "runtime", "worker", "reason"));
  // For programs: every metric.
  EXPECT_THAT(Headers(DefaultColumns(catalog_, /*with_study=*/true, /*for_people=*/false)),
              ElementsAre("study", "id", "state", "learning_rate", "optimizer", "epochs", "dev_accuracy",
                          "train_accuracy", "f1_3", "runtime", "worker"));
}

TEST_F(TrialTableTest, ChosenColumns) {
  auto columns = ParseColumns(" id, learning_rate ,dev_accuracy,trial.state", catalog_);
  ASSERT_TRUE(columns.ok()) << columns.status();
  EXPECT_THAT(Headers(*columns), ElementsAre("id", "learning_rate", "dev_accuracy", "trial.state"));
  Table table = BuildTable(*columns, records_);
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_THAT(table.rows[1],
              ElementsAre(Value(int64_t{1}), Value(0.1), Value(), Value(std::string("FAILED"))));

  auto unknown = ParseColumns("id,acc", catalog_);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()), StartsWith("--columns: unknown name 'acc'"));
  EXPECT_EQ(ParseColumns(" , ", catalog_).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TrialTableTest, AllColumnsAddPerClassMetricsAndTheReason) {
  EXPECT_THAT(Headers(AllColumns(catalog_, /*with_study=*/false)),
              ElementsAre("id", "state", "learning_rate", "optimizer", "epochs", "dev_accuracy",
                          "train_accuracy", "f1_3", "runtime", "worker", "reason"));
}

TEST_F(TrialTableTest, FitColumnsKeepsTheMostImportantThatFitInTheirOrder) {
  const std::vector<Column> columns = DefaultColumns(catalog_, /*with_study=*/false, /*for_people=*/true);
  const std::vector<size_t> width = ColumnWidths(BuildTable(columns, records_));
  ASSERT_EQ(width.size(), 10u);
  // Exactly the width of id, state, the three parameters and the objective (columns 0-5), two spaces apart.
  size_t budget = 2 * 5;
  for (size_t i = 0; i < 6; ++i) budget += width[i];
  std::vector<std::string> left_out;
  std::vector<Column> kept = FitColumns(columns, records_, {"dev_accuracy"}, budget, &left_out);
  EXPECT_THAT(Headers(kept),
              ElementsAre("id", "state", "learning_rate", "optimizer", "epochs", "dev_accuracy"));
  EXPECT_THAT(left_out, ElementsAre("train_accuracy", "runtime", "worker", "reason"));
  std::string first_line = RenderText(BuildTable(kept, records_));
  first_line = first_line.substr(0, first_line.find('\n'));
  EXPECT_LE(first_line.size(), budget);

  // One character less: the last parameter goes, the objective stays.
  left_out.clear();
  kept = FitColumns(columns, records_, {"dev_accuracy"}, budget - 1, &left_out);
  EXPECT_THAT(Headers(kept), ElementsAre("id", "state", "learning_rate", "optimizer", "dev_accuracy"));
  EXPECT_THAT(left_out, ElementsAre("epochs", "train_accuracy", "runtime", "worker", "reason"));

  // Nothing fits: id, state and the objective are shown anyway.
  EXPECT_THAT(Headers(FitColumns(columns, records_, {"dev_accuracy"}, 0, nullptr)),
              ElementsAre("id", "state", "dev_accuracy"));
  // Room for everything: nothing left out.
  left_out.clear();
  EXPECT_EQ(FitColumns(columns, records_, {"dev_accuracy"}, 1000, &left_out).size(), columns.size());
  EXPECT_TRUE(left_out.empty());
}

// --- Rendering ---------------------------------------------------------------------------------------

TEST(CsvTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("adam"), "adam");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  EXPECT_EQ(CsvField(" padded"), "\" padded\"");
  EXPECT_EQ(CsvField(""), "");
}

TEST(CsvTest, RowsWithExactNumbersAndEmptyMissingCells) {
  Table table{{"id", "lr", "note, first", "acc"},
              {{int64_t{1}, 0.1, std::string("loss \"NaN\", epoch 2"), Value()},
               {int64_t{2}, 1e-5, std::string("ok"), 0.30000000000000004}}};
  EXPECT_EQ(RenderCsv(table),
            "id,lr,\"note, first\",acc\n"
            "1,0.1,\"loss \"\"NaN\"\", epoch 2\",\n"
            "2,1e-05,ok,0.30000000000000004\n");
}

TEST(JsonTest, ValuesKeepTheirTypesAndColumnOrder) {
  Table table{{"id", "optimizer", "lr", "acc", "loss"},
              {{int64_t{3}, std::string("adam"), 0.001, Value(), std::numeric_limits<double>::infinity()}}};
  nlohmann::ordered_json json = RenderJson(table);
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 1u);
  const auto& row = json[0];
  EXPECT_TRUE(row["id"].is_number_integer());
  EXPECT_EQ(row["id"], 3);
  EXPECT_TRUE(row["optimizer"].is_string());
  EXPECT_TRUE(row["lr"].is_number_float());
  EXPECT_DOUBLE_EQ(row["lr"].get<double>(), 0.001);
  EXPECT_TRUE(row["acc"].is_null());
  EXPECT_EQ(row["loss"], "inf");  // JSON has no infinity.
  EXPECT_EQ(json.dump(), R"([{"id":3,"optimizer":"adam","lr":0.001,"acc":null,"loss":"inf"}])");
}

TEST(TextTest, AlignsColumnsAndCutsLongText) {
  Table table{
      {"id", "acc", "reason"},
      {{int64_t{1}, 0.123456789, std::string(70, 'x')}, {int64_t{10}, Value(), std::string("short")}}};
  EXPECT_EQ(RenderText(table),
            "id  acc       reason\n"
            "1   0.123457  " +
                std::string(57, 'x') +
                "...\n"
                "10            short\n");
}

}  // namespace
}  // namespace hyperlab::lab
