// Numbers as text that reads back exactly: the shortest form that parses to the same double.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_BASE_NUMBER_FORMAT_H_
#define HYPERLAB_COMMON_BASE_NUMBER_FORMAT_H_

#include <string>

namespace hyperlab {

// "0.001", "1e-05", "64", "nan", "inf", "-inf": for command lines, CSV and messages.
std::string FormatNumber(double value);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_BASE_NUMBER_FORMAT_H_
