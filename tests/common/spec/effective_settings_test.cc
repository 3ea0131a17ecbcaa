// The `settings` artifact: every knob's effective value, defaults included, as a JSON object a reader can
// reproduce the trial from.
#include "common/spec/effective_settings.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "common/spec/knobs.h"

namespace hyperlab::worker::train {
namespace {

TEST(EffectiveSettingsTest, EveryKnobAppearsWithItsValue) {
  v1::TrainTask task;
  task.mutable_data()->set_name("fashion-mnist");
  task.add_layers(256);
  task.add_layers(128);
  task.set_optimizer("momentum");
  google::protobuf::RepeatedPtrField<v1::Parameter> parameters;
  v1::Parameter* lr = parameters.Add();
  lr->set_name("learning_rate");
  lr->mutable_value()->set_double_value(0.0125);
  absl::StatusOr<TrainConfig> config = ResolveTrainConfig(task, parameters);
  ASSERT_TRUE(config.ok()) << config.status();

  const nlohmann::json settings = nlohmann::json::parse(EffectiveSettingsJson(*config));
  for (const std::string& knob : KnobNames()) {
    if (knob == "hidden_layers" || knob == "hidden_units") continue;  // Spelled out as `layers`.
    EXPECT_TRUE(settings.contains(knob)) << "knob '" << knob << "' missing from the settings";
  }
  EXPECT_EQ(settings["layers"], nlohmann::json::array({256, 128}));
  EXPECT_EQ(settings["optimizer"], "momentum");         // From the task.
  EXPECT_DOUBLE_EQ(settings["learning_rate"], 0.0125);  // From the parameter.
  EXPECT_DOUBLE_EQ(settings["momentum"], 0.9);          // A default.
  EXPECT_EQ(settings["batch_size"], 128);               // A default.
  EXPECT_EQ(settings["human_level_error"], nullptr);    // Unset.
  EXPECT_EQ(settings["data"]["name"], "fashion-mnist");
  EXPECT_EQ(settings["normalization"], "scale");  // IDX data's default.
}

}  // namespace
}  // namespace hyperlab::worker::train
