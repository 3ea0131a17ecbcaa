#include "worker/train/csv_reader.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "worker/train/data_file_reader.h"

namespace hyperlab::worker::train {
namespace {

std::vector<absl::string_view> Fields(absl::string_view line) {
  std::vector<absl::string_view> out = absl::StrSplit(line, ',');
  for (absl::string_view& f : out) f = absl::StripAsciiWhitespace(f);
  return out;
}

// The next line of `content` (without "\n" or "\r\n"), advancing it.
absl::string_view NextLine(absl::string_view& content) {
  const size_t newline = content.find('\n');
  absl::string_view line = content.substr(0, newline);
  content.remove_prefix(newline == absl::string_view::npos ? content.size() : newline + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Distinct class labels, numbered in order of appearance.
using LabelIds = std::map<std::string, int, std::less<>>;

// The index of the label column in `header` (the last one unless `label_column` names one).
absl::StatusOr<int64_t> LabelColumn(const std::string& path, const std::vector<absl::string_view>& header,
                                    const std::string& label_column) {
  int64_t label = static_cast<int64_t>(header.size()) - 1;
  if (!label_column.empty()) {
    auto it = std::find(header.begin(), header.end(), label_column);
    if (it == header.end()) {
      // label_column is the study's own text; the header's names are the file's and are not quoted.
      return absl::InvalidArgumentError(absl::StrCat(path, ":1: no column named by data.label_column ('",
                                                     label_column, "') in the header"));
    }
    label = it - header.begin();
  }
  if (header.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":1: needs a label and at least one feature"));
  }
  return label;
}

// Appends one row's numbers to `e`: its features, and for regression its label. Every field but a
// classification label must be a number.
absl::Status AppendNumbers(const std::string& path, int64_t line_no,
                           const std::vector<absl::string_view>& fields, int64_t label, bool regression,
                           Examples& e) {
  for (size_t i = 0; i < fields.size(); ++i) {
    const bool is_label = static_cast<int64_t>(i) == label;
    if (is_label && !regression) continue;
    float v = 0;
    if (!absl::SimpleAtof(fields[i], &v)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line_no, ":", i + 1, ": ", is_label ? "the label" : "a feature", " is not a number"));
    }
    (is_label ? e.y : e.x).push_back(v);
  }
  return absl::OkStatus();
}

// The id of a classification label, a new one for a label not seen before (at most kMaxCsvClasses).
absl::StatusOr<int> LabelId(const std::string& path, int64_t line_no, absl::string_view text,
                            LabelIds& label_ids) {
  auto it = label_ids.find(text);
  if (it == label_ids.end()) {
    if (label_ids.size() >= kMaxCsvClasses) {
      return absl::ResourceExhaustedError(
          absl::StrCat(path, ":", line_no, ": more than ", kMaxCsvClasses,
                       " distinct labels, over the limit max_csv_classes = ", kMaxCsvClasses));
    }
    it = label_ids.emplace(std::string(text), static_cast<int>(label_ids.size())).first;
  }
  return it->second;
}

// The class names in class order: sorted as text, or numerically when every label is a number.
std::vector<std::string> SortedClassNames(const LabelIds& label_ids) {
  std::vector<std::string> names;
  for (const auto& [name, id] : label_ids) names.push_back(name);
  const bool numeric = std::all_of(names.begin(), names.end(), [](const std::string& s) {
    double d;
    return absl::SimpleAtod(s, &d);
  });
  if (numeric) {
    std::stable_sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      double x = 0, y = 0;
      (void)absl::SimpleAtod(a, &x);
      (void)absl::SimpleAtod(b, &y);
      // NaN labels last: a strict weak order whatever the file holds.
      return std::make_pair(std::isnan(x), std::isnan(x) ? 0.0 : x) <
             std::make_pair(std::isnan(y), std::isnan(y) ? 0.0 : y);
    });
  }
  return names;
}

// Classification: numbers the classes in sorted order and appends each row's class to out.examples.y.
absl::Status NumberClasses(const std::string& path, const LabelIds& label_ids,
                           const std::vector<int>& row_labels, CsvData& out) {
  std::vector<std::string> names = SortedClassNames(label_ids);
  if (names.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": the label column has only one class"));
  }
  // Ids in order of appearance -> index in the sorted names.
  std::vector<int> index(names.size());
  for (size_t i = 0; i < names.size(); ++i) index[label_ids.find(names[i])->second] = static_cast<int>(i);
  for (int id : row_labels) out.examples.y.push_back(static_cast<float>(index[id]));
  out.class_names = std::move(names);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CsvData> ReadCsv(const std::string& path, const std::string& label_column, bool regression,
                                const DataLimits& limits) {
  absl::StatusOr<DataFileReader> reader = DataFileReader::Open(path, limits);
  if (!reader.ok()) return reader.status();
  absl::StatusOr<std::string> content = reader->ReadAll();
  if (!content.ok()) return content.status();
  return ParseCsv(path, *content, label_column, regression);
}

absl::StatusOr<CsvData> ParseCsv(const std::string& path, absl::string_view content,
                                 const std::string& label_column, bool regression) {
  if (content.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file"));
  const std::vector<absl::string_view> header = Fields(NextLine(content));
  const absl::StatusOr<int64_t> label = LabelColumn(path, header, label_column);
  if (!label.ok()) return label.status();
  CsvData out;
  Examples& e = out.examples;
  e.cols = static_cast<int64_t>(header.size()) - 1;
  LabelIds label_ids;
  std::vector<int> row_labels;
  int64_t line_no = 1;
  while (!content.empty()) {
    ++line_no;
    const absl::string_view line = NextLine(content);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::vector<absl::string_view> fields = Fields(line);
    if (fields.size() != header.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_no, ": ", fields.size(), " fields; the header has ", header.size()));
    }
    if (absl::Status s = AppendNumbers(path, line_no, fields, *label, regression, e); !s.ok()) return s;
    if (!regression) {
      const absl::StatusOr<int> id = LabelId(path, line_no, fields[*label], label_ids);
      if (!id.ok()) return id.status();
      row_labels.push_back(*id);
    }
    ++e.rows;
  }
  if (e.rows == 0) return absl::InvalidArgumentError(absl::StrCat(path, ": no data rows"));
  if (!regression) {
    if (absl::Status s = NumberClasses(path, label_ids, row_labels, out); !s.ok()) return s;
  }
  return out;
}

}  // namespace hyperlab::worker::train
