// libFuzzer target: the CSV reader (worker/train/csv_reader.h). Input: byte 0 = flags (bit 0: regression,
// bit 1: label_column "label" instead of the last column, bit 2: read the bytes as a gzipped file through
// ReadCsv and a memfd instead of ParseCsv), the rest = the file.
//
// Properties: no crash, leak or sanitizer report; an accepted file gives rows x cols features and rows
// targets, classification targets in [0, classes) with at least two class names; a refusal is
// INVALID_ARGUMENT, RESOURCE_EXHAUSTED or NOT_FOUND, one line, starts with the file's name, and quotes
// nothing of the file: every word in it is one of the reader's own words or a number.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "tools/fuzz/fuzz_file.h"
#include "worker/train/csv_reader.h"

namespace {

using namespace hyperlab;  // NOLINT: a fuzzer's one translation unit.

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "property violated: %s\n", what.c_str());
  std::abort();
}

// The words of the reader's messages (and of the limit and field names they cite).
const std::set<std::string>& OwnWords() {
  static const auto* words = new std::set<std::string>{"empty",
                                                       "file",
                                                       "no",
                                                       "column",
                                                       "named",
                                                       "by",
                                                       "data",
                                                       "label_column",
                                                       "in",
                                                       "the",
                                                       "header",
                                                       "needs",
                                                       "a",
                                                       "label",
                                                       "and",
                                                       "at",
                                                       "least",
                                                       "one",
                                                       "feature",
                                                       "fields",
                                                       "has",
                                                       "is",
                                                       "not",
                                                       "number",
                                                       "more",
                                                       "than",
                                                       "distinct",
                                                       "labels",
                                                       "over",
                                                       "limit",
                                                       "max_csv_classes",
                                                       "rows",
                                                       "only",
                                                       "class",
                                                       "bytes",
                                                       "decompressed",
                                                       "max_data_file_bytes",
                                                       "corrupt",
                                                       "or",
                                                       "truncated",
                                                       "gzip",
                                                       "cannot",
                                                       "read",
                                                       "it",
                                                       "missing",
                                                       "unreadable",
                                                       "regular"};
  return *words;
}

void CheckQuotesNothing(std::string message, const std::string& path) {
  message = message.substr(path.size());
  std::string word;
  for (size_t i = 0; i <= message.size(); ++i) {
    const char c = i < message.size() ? message[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      word.push_back(c);
      continue;
    }
    if (!word.empty() && !std::isdigit(static_cast<unsigned char>(word[0])) && OwnWords().count(word) == 0) {
      Fail("message quotes '" + word + "': " + message);
    }
    word.clear();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  const std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool regression = flags & 1;
  const std::string label_column = (flags & 2) ? "label" : "";
  std::string path = "fuzz.csv";
  absl::StatusOr<worker::train::CsvData> csv;
  if (flags & 4) {
    fuzz::MemoryFile file(fuzz::Gzip(content));
    path = file.path();
    csv = worker::train::ReadCsv(path, label_column, regression, {.max_file_bytes = 1 << 20});
  } else {
    csv = worker::train::ParseCsv(path, absl::string_view(content.data(), content.size()), label_column,
                                  regression);
  }
  if (csv.ok()) {
    const worker::train::Examples& e = csv->examples;
    if (e.rows < 1 || e.cols < 1 || e.x.size() != static_cast<size_t>(e.rows * e.cols) ||
        e.y.size() != static_cast<size_t>(e.rows)) {
      Fail("inconsistent examples");
    }
    if (!regression) {
      if (csv->class_names.size() < 2) Fail("fewer than two classes");
      for (float y : e.y) {
        if (!(y >= 0 && y < static_cast<float>(csv->class_names.size()))) Fail("class index out of range");
      }
    }
    return 0;
  }
  const absl::StatusCode code = csv.status().code();
  const std::string message(csv.status().message());
  if (code != absl::StatusCode::kInvalidArgument && code != absl::StatusCode::kResourceExhausted &&
      code != absl::StatusCode::kNotFound) {
    Fail("unexpected code: " + csv.status().ToString());
  }
  if (message.find('\n') != std::string::npos || message.rfind(path, 0) != 0) {
    Fail("message does not start with the file's name: " + message);
  }
  CheckQuotesNothing(message, path);
  return 0;
}
