// The `{name}` placeholders of a command task's arguments: `--lr={learning_rate}` runs with the trial's
// value in place of `{learning_rate}`. `{{` and `}}` are literal braces; a lone `}` and an unclosed `{` are
// errors. The coordinator checks templates at submit (task_validation.cc) and the worker substitutes them
// (command_executor.cc), both through this one parser, so a template accepted at submit always runs.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_COMMON_SPEC_COMMAND_TEMPLATE_H_
#define HYPERLAB_COMMON_SPEC_COMMAND_TEMPLATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hyperlab {

struct TemplatePart {
  bool placeholder = false;  // true: `text` names a parameter; false: `text` is literal.
  std::string text;
};

// Splits `arg` into literal text (braces undoubled) and placeholders. INVALID_ARGUMENT
// "unmatched '}' at offset 3; write '}}' for a literal brace" or
// "unclosed '{' at offset 0; write '{{' for a literal brace".
absl::StatusOr<std::vector<TemplatePart>> ParseCommandTemplate(absl::string_view arg);

}  // namespace hyperlab

#endif  // HYPERLAB_COMMON_SPEC_COMMAND_TEMPLATE_H_
