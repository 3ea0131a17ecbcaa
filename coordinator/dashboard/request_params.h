// Reading the parts of a dashboard request a client controls: path segments, query parameters and JSON
// bodies. Every function treats its input as hostile and answers INVALID_ARGUMENT naming the field.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COORDINATOR_DASHBOARD_REQUEST_PARAMS_H_
#define HYPERLAB_COORDINATOR_DASHBOARD_REQUEST_PARAMS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace httplib {
struct Request;
}  // namespace httplib

namespace hyperlab::coordinator::dashboard {

// The longest study reference (id or name) and worker id a path may carry.
inline constexpr size_t kMaxRefLength = 256;

// A study id or name from a path segment: 1 to kMaxRefLength printable characters.
absl::StatusOr<std::string> ParseRef(absl::string_view text, absl::string_view field);

// A trial id: decimal digits only (no sign, no spaces), 0 or more, fitting int64.
absl::StatusOr<int64_t> ParseId(absl::string_view text, absl::string_view field);

// Query parameter `name` as an integer in [min, max]; `fallback` when absent. Given twice is an error.
absl::StatusOr<int64_t> IntParam(const httplib::Request& request, const std::string& name, int64_t fallback,
                                 int64_t min, int64_t max);

// Query parameter `name` as text of at most `max_length` bytes; "" when absent.
absl::StatusOr<std::string> TextParam(const httplib::Request& request, const std::string& name,
                                      size_t max_length);

// Query parameter `name` as a boolean: absent, "0" or "false" -> false; "1" or "true" -> true.
absl::StatusOr<bool> BoolParam(const httplib::Request& request, const std::string& name);

// The request body as a JSON object (field "body" in errors).
absl::StatusOr<nlohmann::json> JsonBody(const httplib::Request& request);

// Member `name` of `body` as a non-empty string of at most `max_length` bytes.
absl::StatusOr<std::string> StringMember(const nlohmann::json& body, const std::string& name,
                                         size_t max_length);

}  // namespace hyperlab::coordinator::dashboard

#endif  // HYPERLAB_COORDINATOR_DASHBOARD_REQUEST_PARAMS_H_
