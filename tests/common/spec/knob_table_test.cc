// The knob table is the one place a knob is described: every TrainTask field has a row, each row sets its
// own TrainConfig member, and docs/trainer.md shows the table as it is.
#include "common/spec/knob_table.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/spec/effective_settings.h"
#include "common/spec/knobs.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace hyperlab {
namespace {

namespace pb = google::protobuf;

TEST(KnobTableTest, EveryTrainTaskFieldHasARowOfItsType) {
  const pb::Descriptor* task = v1::TrainTask::descriptor();
  for (int i = 0; i < task->field_count(); ++i) {
    const pb::FieldDescriptor* field = task->field(i);
    if (field->name() == "data") continue;
    const Knob* knob = FindKnob(field->name());
    ASSERT_NE(knob, nullptr) << "TrainTask." << field->name() << " has no row in the knob table";
    switch (knob->kind) {
      case KnobKind::kInt:
        EXPECT_EQ(field->cpp_type(), pb::FieldDescriptor::CPPTYPE_INT32) << knob->name;
        break;
      case KnobKind::kUint64:
        EXPECT_EQ(field->cpp_type(), pb::FieldDescriptor::CPPTYPE_UINT64) << knob->name;
        break;
      case KnobKind::kDouble:
        EXPECT_EQ(field->cpp_type(), pb::FieldDescriptor::CPPTYPE_DOUBLE) << knob->name;
        break;
      case KnobKind::kBool:
        EXPECT_EQ(field->cpp_type(), pb::FieldDescriptor::CPPTYPE_BOOL) << knob->name;
        break;
      case KnobKind::kChoice:
        EXPECT_EQ(field->cpp_type(), pb::FieldDescriptor::CPPTYPE_STRING) << knob->name;
        break;
      case KnobKind::kLayers:
        EXPECT_TRUE(field->is_repeated()) << knob->name;
        break;
    }
  }
  EXPECT_EQ(Knobs().size(), static_cast<size_t>(task->field_count() - 1)) << "a row without a field";
}

// A valid value other than the default for a knob, written into `task`.
void SetOtherValue(const Knob& knob, v1::TrainTask& task) {
  const pb::FieldDescriptor* field = v1::TrainTask::descriptor()->FindFieldByName(knob.name);
  const pb::Reflection* r = task.GetReflection();
  const TrainConfig defaults;
  const std::string default_json = knob.json ? knob.json(defaults) : "";
  switch (knob.kind) {
    case KnobKind::kInt:
      r->SetInt32(&task, field, absl::StrCat(knob.max) == default_json ? knob.min : knob.max);
      break;
    case KnobKind::kUint64:
      r->SetUInt64(&task, field, 12345);
      break;
    case KnobKind::kDouble:
      r->SetDouble(&task, field, knob.max == 1e6 ? 7.5 : knob.max);
      break;
    case KnobKind::kBool:
      r->SetBool(&task, field, default_json != "true");
      break;
    case KnobKind::kChoice:
      r->SetString(
          &task, field,
          default_json == "\"" + knob.choices.back() + "\"" ? knob.choices.front() : knob.choices.back());
      break;
    case KnobKind::kLayers:
      task.add_layers(7);
      break;
  }
}

TEST(KnobTableTest, EachRowSetsItsOwnMemberAndNoOther) {
  v1::TrainTask base;
  base.mutable_data()->set_name("fashion-mnist");  // Image knobs need image data.
  const google::protobuf::RepeatedPtrField<v1::Parameter> none;
  const absl::StatusOr<TrainConfig> default_config = ResolveTrainConfig(base, none);
  ASSERT_TRUE(default_config.ok()) << default_config.status();
  const nlohmann::json defaults = nlohmann::json::parse(EffectiveSettingsJson(*default_config));
  for (const Knob& knob : Knobs()) {
    if (!knob.json) continue;  // hidden_layers, hidden_units: shown as `layers`.
    v1::TrainTask task = base;
    SetOtherValue(knob, task);
    const absl::StatusOr<TrainConfig> config = ResolveTrainConfig(task, none);
    ASSERT_TRUE(config.ok()) << knob.name << ": " << config.status();
    const nlohmann::json settings = nlohmann::json::parse(EffectiveSettingsJson(*config));
    for (const auto& [key, value] : settings.items()) {
      if (key == knob.name) {
        EXPECT_NE(value, defaults[key]) << knob.name << " did not change its own setting";
      } else {
        EXPECT_EQ(value, defaults[key]) << "setting " << knob.name << " changed " << key;
      }
    }
  }
}

TEST(KnobTableTest, ADefaultConfigHoldsTheTableDefaults) {
  const TrainConfig config;
  EXPECT_EQ(config.hidden, std::vector<int>({128}));
  EXPECT_DOUBLE_EQ(config.learning_rate, 0.001);
  EXPECT_EQ(config.optimizer, OptimizerKind::kAdam);
  EXPECT_EQ(config.batch_size, 128);
  EXPECT_EQ(config.seed, 1u);
  EXPECT_FALSE(config.human_level_error.has_value());
  EXPECT_EQ(ChoiceName("activation", Activation::kTanh), "tanh");
  EXPECT_EQ(KnobRangeText(*FindKnob("learning_rate")), "(0, 1e6]");
}

// docs/trainer.md shows the table between these lines; HYPERLAB_UPDATE_DOCS=1 rewrites it.
constexpr char kBegin[] =
    "<!-- knob table: generated from common/spec/knob_table.cc, checked by knob_table_test -->\n";
constexpr char kEnd[] = "<!-- end of knob table -->\n";

TEST(KnobTableTest, TheTrainerDocsShowTheTable) {
  const std::string path = std::string(HYPERLAB_SOURCE_DIR) + "/docs/trainer.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  std::string docs = text.str();
  const size_t begin = docs.find(kBegin);
  const size_t end = docs.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << path << " lacks the line " << kBegin;
  ASSERT_NE(end, std::string::npos) << path << " lacks the line " << kEnd;
  const size_t from = begin + std::string(kBegin).size();
  const std::string shown = docs.substr(from, end - from);
  const std::string table = KnobMarkdownTable();
  if (shown != table && std::getenv("HYPERLAB_UPDATE_DOCS") != nullptr) {
    docs.replace(from, end - from, table);
    std::ofstream(path) << docs;
    GTEST_SKIP() << "rewrote the knob table of " << path;
  }
  EXPECT_EQ(shown, table) << "docs/trainer.md's knob table differs from the table; run this test with "
                             "HYPERLAB_UPDATE_DOCS=1 to rewrite it";
}

}  // namespace
}  // namespace hyperlab
