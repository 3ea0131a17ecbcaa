#include "common/spec/knobs.h"

#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace hyperlab::worker::train {
namespace {

using ::testing::HasSubstr;

v1::StudySpec Spec(const std::string& text) {
  v1::StudySpec spec;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &spec)) << text;
  return spec;
}

constexpr char kBaseline[] = R"pb(
  name: "fashion-mlp-baseline"
  objective { metric: "test_accuracy" goal: MAXIMIZE }
  parameters {
    name: "learning_rate"
    discrete { values: 0.001 }
  }
  task {
    train {
      data { name: "fashion-mnist" }
      layers: [ 256, 128 ]
      activation: "relu"
      optimizer: "adam"
      batch_size: 128
      epochs: 5
    }
  }
)pb";

v1::Parameter Param(const std::string& name, double d) {
  v1::Parameter p;
  p.set_name(name);
  p.mutable_value()->set_double_value(d);
  return p;
}

v1::Parameter Param(const std::string& name, const std::string& s) {
  v1::Parameter p;
  p.set_name(name);
  p.mutable_value()->set_string_value(s);
  return p;
}

// A task with only a data source.
v1::TrainTask Moons() {
  v1::TrainTask task;
  task.mutable_data()->set_synthetic("moons");
  return task;
}

TEST(ValidateTrainTaskTest, AcceptsTheBaselineFile) { EXPECT_TRUE(ValidateTrainTask(Spec(kBaseline)).ok()); }

TEST(ValidateTrainTaskTest, OtherTasksAreNotItsBusiness) {
  EXPECT_TRUE(ValidateTrainTask(Spec(R"pb(task { synthetic { function: "branin" } })pb")).ok());
}

TEST(ValidateTrainTaskTest, ParameterThatNamesNoKnob) {
  v1::StudySpec spec = Spec(kBaseline);
  spec.mutable_parameters(0)->set_name("lernrate");
  const absl::Status s = ValidateTrainTask(spec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("parameters[0].name: 'lernrate' names no knob of the train task"));
}

TEST(ValidateTrainTaskTest, UnknownActivationListsKnownOnes) {
  v1::StudySpec spec = Spec(kBaseline);
  spec.mutable_task()->mutable_train()->set_activation("foo");
  EXPECT_EQ(ValidateTrainTask(spec).message(),
            "task.train.activation: unknown activation 'foo'; known: relu, sigmoid, tanh, identity");
}

TEST(ValidateTrainTaskTest, RangesOfTaskKnobs) {
  v1::StudySpec spec = Spec(kBaseline);
  spec.mutable_task()->mutable_train()->set_dropout(1.5);
  EXPECT_THAT(ValidateTrainTask(spec).message(),
              HasSubstr("task.train.dropout: dropout must be in [0, 0.99]"));
  spec = Spec(kBaseline);
  spec.mutable_task()->mutable_train()->add_layers(0);
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("task.train.layers[2]"));
  spec = Spec(kBaseline);
  spec.mutable_task()->mutable_train()->set_learning_rate(0);
  EXPECT_THAT(ValidateTrainTask(spec).message(),
              HasSubstr("task.train.learning_rate: learning_rate must be in (0"));
}

TEST(ValidateTrainTaskTest, DomainsMustFitTheKnob) {
  v1::StudySpec spec = Spec(kBaseline);
  *spec.add_parameters() = Spec(R"pb(parameters {
                                       name: "batch_size"
                                       double_range { min: 16 max: 256 }
                                     })pb")
                               .parameters(0);
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("parameters[1]: batch_size takes integers"));
  spec = Spec(kBaseline);
  *spec.add_parameters() = Spec(R"pb(parameters {
                                       name: "batch_size"
                                       discrete { values: [ 32, 64.5 ] }
                                     })pb")
                               .parameters(0);
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("parameters[1].discrete.values[1]"));
  spec = Spec(kBaseline);
  *spec.add_parameters() = Spec(R"pb(parameters {
                                       name: "optimizer"
                                       categorical { values: [ "adam", "adamw" ] }
                                     })pb")
                               .parameters(0);
  EXPECT_THAT(ValidateTrainTask(spec).message(),
              HasSubstr("parameters[1].categorical.values[1]: unknown optimizer 'adamw'"));
  spec = Spec(kBaseline);
  *spec.add_parameters() = Spec(R"pb(parameters {
                                       name: "dropout"
                                       double_range { min: 0 max: 1 }
                                     })pb")
                               .parameters(0);
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("parameters[1].double.max"));
  spec = Spec(kBaseline);
  *spec.add_parameters() = Spec(R"pb(parameters {
                                       name: "layers"
                                       categorical { values: [ "256,128", "64", "none", "12;3" ] }
                                     })pb")
                               .parameters(0);
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("parameters[1].categorical.values[3]"));
}

TEST(ValidateTrainTaskTest, LearningRateOfAHundredIsValid) {
  v1::StudySpec spec = Spec(kBaseline);
  spec.mutable_parameters(0)->mutable_discrete()->add_values(100);
  EXPECT_TRUE(ValidateTrainTask(spec).ok());
}

TEST(ValidateTrainTaskTest, Data) {
  v1::StudySpec spec = Spec(kBaseline);
  spec.mutable_task()->mutable_train()->mutable_data()->set_csv("x.csv");
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("task.train.data: set exactly one source"));
  spec = Spec(kBaseline);
  spec.mutable_task()->mutable_train()->mutable_data()->set_name("mnist");
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("task.train.data.name: unknown dataset 'mnist'"));
  spec = Spec(kBaseline);
  auto* data = spec.mutable_task()->mutable_train()->mutable_data();
  data->clear_name();
  data->set_synthetic("spirals");
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("unknown set 'spirals'; known: spiral, moons"));
  data->set_synthetic("moons");
  data->set_k_folds(1);
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("task.train.data.k_folds"));
}

TEST(ValidateTrainTaskTest, ObjectiveMustBeReported) {
  v1::StudySpec spec = Spec(kBaseline);
  spec.mutable_objective()->set_metric("value");
  EXPECT_THAT(ValidateTrainTask(spec).message(),
              HasSubstr("objective.metric: the train task reports no metric 'value'"));
  spec.mutable_objective()->set_metric("f1_3");
  EXPECT_TRUE(ValidateTrainTask(spec).ok());
  spec.mutable_objective()->set_metric("test_accuracy_std");
  EXPECT_FALSE(ValidateTrainTask(spec).ok());  // Only with k-fold.
  spec.mutable_task()->mutable_train()->mutable_data()->set_k_folds(5);
  EXPECT_TRUE(ValidateTrainTask(spec).ok());
}

TEST(ResolveTrainConfigTest, DefaultsAndTaskValues) {
  v1::TrainTask task = Spec(kBaseline).task().train();
  absl::StatusOr<TrainConfig> c = ResolveTrainConfig(task, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hidden, (std::vector<int>{256, 128}));
  EXPECT_EQ(c->optimizer, OptimizerKind::kAdam);
  EXPECT_EQ(c->batch_size, 128);
  EXPECT_EQ(c->epochs, 5);
  EXPECT_DOUBLE_EQ(c->learning_rate, 0.001);
  EXPECT_DOUBLE_EQ(c->beta2, 0.999);
  EXPECT_FALSE(c->human_level_error.has_value());
  c = ResolveTrainConfig(Moons(), {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->hidden, (std::vector<int>{128}));
}

TEST(ResolveTrainConfigTest, ParametersOverrideKnobs) {
  v1::TrainTask task = Spec(kBaseline).task().train();
  google::protobuf::RepeatedPtrField<v1::Parameter> params;
  *params.Add() = Param("learning_rate", 0.05);
  *params.Add() = Param("batch_size", 64.0);  // A discrete parameter gives doubles.
  *params.Add() = Param("optimizer", std::string("momentum"));
  *params.Add() = Param("layers", std::string("64x32x16"));
  v1::Parameter seed;
  seed.set_name("seed");
  seed.mutable_value()->set_int_value(42);
  *params.Add() = seed;
  absl::StatusOr<TrainConfig> c = ResolveTrainConfig(task, params);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_DOUBLE_EQ(c->learning_rate, 0.05);
  EXPECT_EQ(c->batch_size, 64);
  EXPECT_EQ(c->optimizer, OptimizerKind::kMomentum);
  EXPECT_EQ(c->hidden, (std::vector<int>{64, 32, 16}));
  EXPECT_EQ(c->seed, 42u);
}

TEST(ResolveTrainConfigTest, LayersNoneMeansLogisticRegression) {
  google::protobuf::RepeatedPtrField<v1::Parameter> params;
  *params.Add() = Param("layers", std::string(""));
  absl::StatusOr<TrainConfig> c = ResolveTrainConfig(Spec(kBaseline).task().train(), params);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->hidden.empty());
}

TEST(ResolveTrainConfigTest, HiddenLayersTimesUnits) {
  v1::TrainTask task = Moons();
  task.set_hidden_layers(3);
  task.set_hidden_units(20);
  absl::StatusOr<TrainConfig> c = ResolveTrainConfig(task, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->hidden, (std::vector<int>{20, 20, 20}));
}

TEST(ResolveTrainConfigTest, RejectsBadValues) {
  google::protobuf::RepeatedPtrField<v1::Parameter> params;
  *params.Add() = Param("batch_size", 64.5);
  absl::StatusOr<TrainConfig> c = ResolveTrainConfig(Moons(), params);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("parameter 'batch_size': batch_size takes integers, got 64.5"));
  params.Clear();
  *params.Add() = Param("colour", 1.0);
  EXPECT_THAT(ResolveTrainConfig(Moons(), params).status().message(), HasSubstr("names no knob"));
  v1::TrainTask task = Moons();
  task.set_lr_decay("exponential");
  task.set_lr_decay_rate(2);
  EXPECT_THAT(ResolveTrainConfig(task, {}).status().message(), HasSubstr("task.train.lr_decay_rate"));
}

constexpr char kCnn[] = R"pb(
  name: "fashion-cnn"
  objective { metric: "test_accuracy" goal: MAXIMIZE }
  parameters {
    name: "conv_blocks"
    integer { min: 1 max: 3 }
  }
  parameters {
    name: "pooling"
    categorical { values: [ "max", "avg", "none" ] }
  }
  parameters {
    name: "batch_norm"
    categorical { values: [ "true", "false" ] }
  }
  task {
    train {
      data { name: "fashion-mnist" }
      filters: 16
      kernel_size: 5
      dense_units: 64
      conv_dropout: 0.1
      augment_shift: 2
      augment_flip: true
    }
  }
)pb";

TEST(ConvKnobsTest, AcceptsAConvolutionalStudyOnImages) {
  const absl::Status s = ValidateTrainTask(Spec(kCnn));
  EXPECT_TRUE(s.ok()) << s;
}

TEST(ConvKnobsTest, DefaultsAndTaskValues) {
  absl::StatusOr<TrainConfig> c = ResolveTrainConfig(Spec(kBaseline).task().train(), {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->conv_blocks, 0);  // The fully connected network unless asked.
  EXPECT_EQ(c->filters, 32);
  EXPECT_EQ(c->kernel_size, 3);
  EXPECT_EQ(c->pooling, Pooling::kMax);
  EXPECT_FALSE(c->batch_norm);
  EXPECT_EQ(c->dense_units, 128);
  EXPECT_EQ(c->conv_dropout, 0);
  EXPECT_EQ(c->dense_dropout, 0);
  EXPECT_EQ(c->augment_shift, 0);
  EXPECT_FALSE(c->augment_flip);
  c = ResolveTrainConfig(Spec(kCnn).task().train(), {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->filters, 16);
  EXPECT_EQ(c->kernel_size, 5);
  EXPECT_EQ(c->dense_units, 64);
  EXPECT_DOUBLE_EQ(c->conv_dropout, 0.1);
  EXPECT_EQ(c->augment_shift, 2);
  EXPECT_TRUE(c->augment_flip);
}

TEST(ConvKnobsTest, ParametersOverrideConvKnobs) {
  google::protobuf::RepeatedPtrField<v1::Parameter> params;
  *params.Add() = Param("conv_blocks", 2.0);
  *params.Add() = Param("pooling", std::string("avg"));
  *params.Add() = Param("batch_norm", std::string("true"));
  *params.Add() = Param("filters", 48.0);
  *params.Add() = Param("dense_dropout", 0.25);
  *params.Add() = Param("augment_flip", 0.0);  // A discrete {0, 1} parameter gives doubles.
  absl::StatusOr<TrainConfig> c = ResolveTrainConfig(Spec(kCnn).task().train(), params);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->conv_blocks, 2);
  EXPECT_EQ(c->pooling, Pooling::kAvg);
  EXPECT_TRUE(c->batch_norm);
  EXPECT_EQ(c->filters, 48);
  EXPECT_DOUBLE_EQ(c->dense_dropout, 0.25);
  EXPECT_FALSE(c->augment_flip);  // The task said true.
  v1::Parameter one;
  one.set_name("batch_norm");
  one.mutable_value()->set_int_value(0);
  params.Clear();
  *params.Add() = one;
  c = ResolveTrainConfig(Spec(kCnn).task().train(), params);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->batch_norm);
}

TEST(ConvKnobsTest, BadValuesNameTheKnob) {
  google::protobuf::RepeatedPtrField<v1::Parameter> params;
  *params.Add() = Param("pooling", std::string("min"));
  EXPECT_THAT(ResolveTrainConfig(Spec(kCnn).task().train(), params).status().message(),
              HasSubstr("task.train.pooling: unknown pooling 'min'; known: max, avg, none"));
  params.Clear();
  *params.Add() = Param("batch_norm", 0.5);
  EXPECT_THAT(ResolveTrainConfig(Spec(kCnn).task().train(), params).status().message(),
              HasSubstr("parameter 'batch_norm': batch_norm takes true or false"));
  params.Clear();
  *params.Add() = Param("kernel_size", 11.0);
  EXPECT_THAT(ResolveTrainConfig(Spec(kCnn).task().train(), params).status().message(),
              HasSubstr("parameter 'kernel_size': kernel_size must be in [1, 9], got 11"));

  v1::StudySpec spec = Spec(kCnn);
  spec.mutable_parameters(2)->mutable_categorical()->add_values("maybe");
  EXPECT_THAT(
      ValidateTrainTask(spec).message(),
      HasSubstr("parameters[2].categorical.values[2]: unknown batch_norm 'maybe'; known: true, false"));
  spec = Spec(kCnn);
  *spec.mutable_parameters(2) = Spec(R"pb(parameters {
                                            name: "batch_norm"
                                            double_range { min: 0 max: 1 }
                                          })pb")
                                    .parameters(0);
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("parameters[2]: batch_norm takes true or false"));
  spec = Spec(kCnn);
  spec.mutable_parameters(0)->mutable_integer()->set_max(7);
  EXPECT_THAT(ValidateTrainTask(spec).message(),
              HasSubstr("parameters[0].integer.max: conv_blocks must be in [0, 6], got 7"));
  spec = Spec(kCnn);
  spec.mutable_task()->mutable_train()->set_conv_dropout(1);
  EXPECT_THAT(ValidateTrainTask(spec).message(),
              HasSubstr("task.train.conv_dropout: conv_dropout must be in"));
}

TEST(ConvKnobsTest, ConvKnobsNeedImageData) {
  // In the task: any conv or augment knob other than 0 / false names itself.
  v1::StudySpec spec = Spec(kBaseline);
  *spec.mutable_task()->mutable_train()->mutable_data() = Moons().data();
  spec.mutable_task()->mutable_train()->set_conv_blocks(2);
  absl::Status s = ValidateTrainTask(spec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "task.train.conv_blocks: conv_blocks needs image data (data.name: fashion-mnist or "
            "data.train_images); this task's data is synthetic (moons)");
  spec.mutable_task()->mutable_train()->set_conv_blocks(0);  // Explicitly off: fine.
  spec.mutable_task()->mutable_train()->set_augment_flip(false);
  EXPECT_TRUE(ValidateTrainTask(spec).ok());
  spec.mutable_task()->mutable_train()->set_pooling("max");
  EXPECT_THAT(ValidateTrainTask(spec).message(), HasSubstr("task.train.pooling: pooling needs image data"));
  spec.mutable_task()->mutable_train()->clear_pooling();
  spec.mutable_task()->mutable_train()->mutable_data()->clear_synthetic();
  spec.mutable_task()->mutable_train()->mutable_data()->set_csv("x.csv");
  spec.mutable_task()->mutable_train()->set_augment_shift(2);
  EXPECT_THAT(
      ValidateTrainTask(spec).message(),
      HasSubstr("task.train.augment_shift: augment_shift needs image data (data.name: fashion-mnist or "
                "data.train_images); this task's data is csv"));
  // As a search parameter, whatever its values.
  spec = Spec(kCnn);
  *spec.mutable_task()->mutable_train() = Moons();
  s = ValidateTrainTask(spec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("parameters[0].name: conv_blocks needs image data"));
  // On the worker too.
  google::protobuf::RepeatedPtrField<v1::Parameter> params;
  *params.Add() = Param("filters", 8.0);
  EXPECT_THAT(ResolveTrainConfig(Moons(), params).status().message(),
              HasSubstr("parameter 'filters': filters needs image data"));
}

TEST(KnobsTest, EveryTaskFieldButDataIsAKnob) {
  const std::vector<std::string> names = KnobNames();
  const auto* d = v1::TrainTask::descriptor();
  ASSERT_EQ(static_cast<int>(names.size()), d->field_count() - 1);
  for (const std::string& n : names) EXPECT_NE(d->FindFieldByName(n), nullptr) << n;
  EXPECT_EQ(KnobDefaults().size(), names.size());
}

}  // namespace
}  // namespace hyperlab::worker::train
