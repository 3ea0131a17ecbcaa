#include "common/base/number_format.h"

#include <charconv>

#include "absl/strings/str_cat.h"

namespace hyperlab {

std::string FormatNumber(double value) {
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return absl::StrCat(value);  // Cannot happen: 64 bytes hold any double.
  return std::string(buffer, ptr);
}

}  // namespace hyperlab
