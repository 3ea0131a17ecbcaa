// The built-in trainer's knobs as one declarative table: each row gives a knob's name, kind, default, range
// or choices, whether it needs image data, what it means, and the TrainConfig member it sets.
//
// Everything about knobs reads this table: validation of a study's task and parameters (knobs.h), the
// effective configuration of a trial (ResolveTrainConfig), TrainConfig's defaults, the `settings` artifact
// (effective_settings.h) and the knob table of docs/trainer.md (KnobMarkdownTable; a test keeps the docs
// equal to it).
//
// Adding a knob: a field of the same name in TrainTask (proto/hyperlab/v1/train.proto), a member in
// TrainConfig (train_config.h), and one row in Knobs() (knob_table.cc). The trainer then reads the member.
// A test checks that every TrainTask field but `data` has a row.
//
// Thread safety: the table is built once, immutable, and safe to read from any thread.
#ifndef HYPERLAB_COMMON_SPEC_KNOB_TABLE_H_
#define HYPERLAB_COMMON_SPEC_KNOB_TABLE_H_

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/spec/train_config.h"
#include "google/protobuf/descriptor.h"
#include "hyperlab/v1/train.pb.h"

namespace hyperlab {

enum class KnobKind {
  kInt,     // int32 field
  kUint64,  // uint64 field (the seed): any value
  kDouble,  // double field
  kBool,    // bool field: true/false, or 1/0 from a parameter
  kChoice,  // string field naming one of `choices`
  kLayers,  // the repeated `layers` field; a parameter gives it as text ("256,128")
};

struct Knob {
  std::string name;  // Also the TrainTask field's name.
  KnobKind kind = KnobKind::kDouble;
  // Numbers lie in [min, max], or (min, max] when min_open.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;
  std::vector<std::string> choices;  // kChoice: in the enum's order; kBool: true, false.
  bool image_only = false;           // Needs image data when set to anything but 0 / false.
  std::string default_text;          // The default as the docs show it ("0.001", "0 (off)").
  std::string range_text;            // The docs' range column when it says more than the range.
  std::string doc;                   // The docs' meaning column.

  // Sets the member from the task's field (set in `task`, already checked). Empty for the knobs that
  // resolve together (layers, hidden_layers, hidden_units: see ResolveTrainConfig).
  std::function<void(const v1::TrainTask& task, const google::protobuf::FieldDescriptor& field,
                     TrainConfig& config)>
      apply;
  // Sets the member to the default.
  std::function<void(TrainConfig& config)> set_default;
  // The member's value as JSON; empty for knobs that the settings spell out under another knob.
  std::function<std::string(const TrainConfig& config)> json;
};

// Every knob, in TrainTask field order.
const std::vector<Knob>& Knobs();

// The knob called `name`, or nullptr.
const Knob* FindKnob(absl::string_view name);

// "[0, 0.99]", "(0, 1e6]": a number knob's range as messages and docs write it.
std::string KnobRangeText(const Knob& knob);

// The knob table of docs/trainer.md, in Markdown: | knob | default | range / values | meaning |.
std::string KnobMarkdownTable();

// The name of a choice knob's value, e.g. ChoiceName("activation", Activation::kTanh) == "tanh".
const std::string& ChoiceName(absl::string_view knob, int index);
template <typename Enum>
const std::string& ChoiceName(absl::string_view knob, Enum value) {
  return ChoiceName(knob, static_cast<int>(value));
}

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_KNOB_TABLE_H_
