// Hand-made specs and trials for the lab tests, written as text protos so each test shows its data.
#ifndef HYPERLAB_TESTS_LAB_LAB_TEST_UTIL_H_
#define HYPERLAB_TESTS_LAB_LAB_TEST_UTIL_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "hyperlab/v1/study.pb.h"

namespace hyperlab::lab::testing {

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

// A study maximising dev_accuracy over learning_rate (log double), optimizer (categorical) and epochs.
inline v1::StudySpec MlpSpec(const std::string& name = "alpha") {
  return Parse<v1::StudySpec>(R"pb(
                                objective { metric: "dev_accuracy" goal: MAXIMIZE }
                                metrics: "train_accuracy"
                                parameters {
                                  name: "learning_rate"
                                  double_range { min: 1e-4 max: 1 scale: LOG }
                                }
                                parameters {
                                  name: "optimizer"
                                  categorical { values: [ "adam", "sgd", "rmsprop" ] }
                                }
                                parameters {
                                  name: "epochs"
                                  integer { min: 1 max: 50 }
                                }
                              )pb" +
                              absl::StrCat(" name: '", name, "'"));
}

// A trial of MlpSpec; `extra` holds more text-proto fields, e.g. `metrics { key: "dev_accuracy" value: 0.8
// }`.
inline v1::Trial MlpTrial(int64_t id, const std::string& state, double learning_rate,
                          const std::string& optimizer, int64_t epochs, const std::string& extra = "") {
  return Parse<v1::Trial>(absl::StrCat(
      "id: ", id, " state: ", state, " parameters { name: 'learning_rate' value { double_value: ",
      learning_rate, " } } parameters { name: 'optimizer' value { string_value: '", optimizer,
      "' } } parameters { name: 'epochs' value { int_value: ", epochs, " } } ", extra));
}

}  // namespace hyperlab::lab::testing

#endif  // HYPERLAB_TESTS_LAB_LAB_TEST_UTIL_H_
