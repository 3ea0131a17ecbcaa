#include "common/spec/parameter_value.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/base/number_format.h"

namespace hyperlab {

std::optional<double> NumericValue(const v1::ParameterValue& value) {
  switch (value.kind_case()) {
    case v1::ParameterValue::kDoubleValue:
      return value.double_value();
    case v1::ParameterValue::kIntValue:
      return static_cast<double>(value.int_value());
    default:
      return std::nullopt;
  }
}

std::string ValueText(const v1::ParameterValue& value) {
  switch (value.kind_case()) {
    case v1::ParameterValue::kDoubleValue:
      return FormatNumber(value.double_value());
    case v1::ParameterValue::kIntValue:
      return absl::StrCat(value.int_value());
    case v1::ParameterValue::kStringValue:
      return value.string_value();
    default:
      return "";
  }
}

nlohmann::json NumberJson(double value) {
  if (std::isfinite(value)) return value;
  return FormatNumber(value);
}

nlohmann::json ValueJson(const v1::ParameterValue& value) {
  switch (value.kind_case()) {
    case v1::ParameterValue::kDoubleValue:
      return NumberJson(value.double_value());
    case v1::ParameterValue::kIntValue:
      return value.int_value();
    case v1::ParameterValue::kStringValue:
      return value.string_value();
    default:
      return nullptr;
  }
}

}  // namespace hyperlab
