// The one reader of a trial's parameter values (v1::ParameterValue: a double, an integer or a string):
// what a value is as a number, as exact text and as JSON. Every layer converts values through these, so
// an unset value, an integer and a non-finite double read the same everywhere.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_SPEC_PARAMETER_VALUE_H_
#define HYPERLAB_COMMON_SPEC_PARAMETER_VALUE_H_

#include <optional>
#include <string>

#include "hyperlab/v1/study.pb.h"
#include "nlohmann/json.hpp"

namespace hyperlab {

// A double or an integer value as a double; nullopt for a string or an unset value.
std::optional<double> NumericValue(const v1::ParameterValue& value);

// The value as text that reads back exactly: an integer in decimal, a double in its shortest round-trip
// form (FormatNumber: "0.001", "1e-05", "nan"), a string as it is; "" when unset.
std::string ValueText(const v1::ParameterValue& value);

// A JSON number for a finite double; "nan", "inf" or "-inf" (strings) otherwise, since JSON has no such
// numbers.
nlohmann::json NumberJson(double value);

// The value as JSON: a number (NumberJson), an integer, a string; null when unset.
nlohmann::json ValueJson(const v1::ParameterValue& value);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_PARAMETER_VALUE_H_
