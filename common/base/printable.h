// Text a worker sends or prints that came from elsewhere (a program's stderr, an exception's what(), a
// coordinator's message) must be valid UTF-8, or protobuf refuses the whole message it is in, and must not
// steer a terminal.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_BASE_PRINTABLE_H_
#define HYPERLAB_COMMON_BASE_PRINTABLE_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace hyperlab {

// Replaces what cannot go into a proto string or a terminal: invalid UTF-8 and control characters
// other than tab and newline become '?' (a carriage return becomes a newline).
std::string Printable(absl::string_view text);

// The length of the valid UTF-8 sequence at text[i] (1 to 4), or 0 when the bytes there are not one:
// RFC 3629, so no overlong forms, no surrogates, nothing above U+10FFFF. Requires i < text.size().
size_t Utf8SequenceLength(absl::string_view text, size_t i);

// True when `text` is valid UTF-8 (what a proto3 string field must hold).
bool IsValidUtf8(absl::string_view text);

// Printable(text) cut to at most `max_bytes` bytes (never inside a UTF-8 sequence), ending in "..." when
// cut.
std::string PrintablePrefix(absl::string_view text, size_t max_bytes);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_BASE_PRINTABLE_H_
