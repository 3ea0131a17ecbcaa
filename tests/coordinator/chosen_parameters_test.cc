// ChosenParameters (coordinator/chosen_parameters.h): a user's values checked against the space and made
// the searcher's canonical form, or INVALID_ARGUMENT naming the parameter.
#include "coordinator/chosen_parameters.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperlab::coordinator {
namespace {

using ::testing::HasSubstr;

v1::StudySpec Space() {
  v1::StudySpec spec;
  auto* lr = spec.add_parameters();
  lr->set_name("learning_rate");
  lr->mutable_double_range()->set_min(1e-5);
  lr->mutable_double_range()->set_max(0.1);
  lr->mutable_double_range()->set_scale(v1::LOG);
  auto* batch = spec.add_parameters();
  batch->set_name("batch");
  batch->mutable_discrete()->add_values(32);
  batch->mutable_discrete()->add_values(64);
  auto* layers = spec.add_parameters();
  layers->set_name("layers");
  layers->mutable_integer()->set_min(1);
  layers->mutable_integer()->set_max(4);
  auto* optimizer = spec.add_parameters();
  optimizer->set_name("optimizer");
  optimizer->mutable_categorical()->add_values("adam");
  optimizer->mutable_categorical()->add_values("sgd");
  return spec;
}

google::protobuf::RepeatedPtrField<v1::Parameter> Text(
    const std::vector<std::pair<std::string, std::string>>& values) {
  google::protobuf::RepeatedPtrField<v1::Parameter> out;
  for (const auto& [name, value] : values) {
    v1::Parameter* p = out.Add();
    p->set_name(name);
    p->mutable_value()->set_string_value(value);
  }
  return out;
}

TEST(ChosenParametersTest, TextBecomesTheSearchersTypesInSpecOrder) {
  auto got = ChosenParameters(
      Space(), Text({{"optimizer", "adam"}, {"layers", " 3 "}, {"batch", "64"}, {"learning_rate", "1e-3"}}));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 4u);
  EXPECT_EQ((*got)[0].name(), "learning_rate");
  EXPECT_DOUBLE_EQ((*got)[0].value().double_value(), 1e-3);
  EXPECT_EQ((*got)[1].value().kind_case(), v1::ParameterValue::kDoubleValue);
  EXPECT_EQ((*got)[1].value().double_value(), 64);
  EXPECT_EQ((*got)[2].value().int_value(), 3);
  EXPECT_EQ((*got)[3].value().string_value(), "adam");
}

TEST(ChosenParametersTest, EachFaultNamesItsParameter) {
  const std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, std::string>> cases = {
      {{{"learning_rate", "0.5"}, {"batch", "64"}, {"layers", "3"}, {"optimizer", "adam"}},
       "parameters[0] (name 'learning_rate'): 0.5 is outside its range"},
      {{{"learning_rate", "0.01"}, {"batch", "48"}, {"layers", "3"}, {"optimizer", "adam"}},
       "parameters[1] (name 'batch'): 48 is not one of its values: 32, 64"},
      {{{"learning_rate", "0.01"}, {"batch", "64"}, {"layers", "2.5"}, {"optimizer", "adam"}},
       "parameters[2] (name 'layers'): expected an integer"},
      {{{"learning_rate", "0.01"}, {"batch", "64"}, {"layers", "3"}, {"optimizer", "rmsprop"}},
       "parameters[3] (name 'optimizer'): 'rmsprop' is not one of its values: adam, sgd"},
      {{{"learning_rate", "-inf"}, {"batch", "64"}, {"layers", "3"}, {"optimizer", "adam"}},
       "(name 'learning_rate'): must be finite"},
      {{{"learning_rate", "0.01"}, {"batch", "64"}, {"optimizer", "adam"}}, "'layers' is missing"},
      {{{"momentum", "0.9"}},
       "parameters[0] (name 'momentum'): the study has no such parameter (it has: "
       "learning_rate, batch, layers, optimizer)"},
  };
  for (const auto& [values, says] : cases) {
    auto got = ChosenParameters(Space(), Text(values));
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << says;
    EXPECT_THAT(got.status().message(), HasSubstr(says));
  }
}

TEST(ChosenParametersTest, TypedValues) {
  auto given = Text({{"learning_rate", "0.01"}, {"batch", "32"}, {"layers", "1"}, {"optimizer", "sgd"}});
  given[2].mutable_value()->set_double_value(4.0);  // A whole double is an integer.
  given[1].mutable_value()->set_int_value(32);
  auto got = ChosenParameters(Space(), given);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)[2].value().int_value(), 4);
  EXPECT_EQ((*got)[1].value().double_value(), 32);
  given[3].mutable_value()->set_double_value(1.0);  // Not a categorical value.
  EXPECT_THAT(ChosenParameters(Space(), given).status().message(), HasSubstr("(name 'optimizer')"));
  given[3].clear_value();
  EXPECT_THAT(ChosenParameters(Space(), given).status().message(), HasSubstr("has no value"));
}

}  // namespace
}  // namespace hyperlab::coordinator
