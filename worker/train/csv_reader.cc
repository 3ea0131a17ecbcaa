#include "worker/train/csv_reader.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hyperlab::worker::train {
namespace {

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out = absl::StrSplit(line, ',');
  for (std::string& f : out) f = std::string(absl::StripAsciiWhitespace(f));
  return out;
}

}  // namespace

absl::StatusOr<CsvData> ReadCsv(const std::string& path, const std::string& label_column, bool regression) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::string line;
  if (!std::getline(in, line)) return absl::InvalidArgumentError(absl::StrCat(path, ": empty file"));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::vector<std::string> header = Fields(line);
  int label = static_cast<int>(header.size()) - 1;
  if (!label_column.empty()) {
    auto it = std::find(header.begin(), header.end(), label_column);
    if (it == header.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":1: no column '", label_column, "' in the header"));
    }
    label = static_cast<int>(it - header.begin());
  }
  if (header.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":1: needs a label and at least one feature"));
  }
  CsvData out;
  Examples& e = out.examples;
  e.cols = static_cast<int64_t>(header.size()) - 1;
  std::vector<std::string> labels;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::vector<std::string> fields = Fields(line);
    if (fields.size() != header.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_no, ": ", fields.size(), " fields; the header has ", header.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (static_cast<int>(i) == label && !regression) continue;
      float v = 0;
      if (!absl::SimpleAtof(fields[i], &v)) {
        return absl::InvalidArgumentError(absl::StrCat(path, ":", line_no, ": column '", header[i], "': '",
                                                       fields[i], "' is not a number"));
      }
      if (static_cast<int>(i) == label) {
        e.y.push_back(v);
      } else {
        e.x.push_back(v);
      }
    }
    if (!regression) labels.push_back(fields[label]);
    ++e.rows;
  }
  if (e.rows == 0) return absl::InvalidArgumentError(absl::StrCat(path, ": no data rows"));
  if (!regression) {
    std::vector<std::string> names = labels;
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    const bool numeric = std::all_of(names.begin(), names.end(), [](const std::string& s) {
      double d;
      return absl::SimpleAtod(s, &d);
    });
    if (numeric) {
      std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        double x = 0, y = 0;
        (void)absl::SimpleAtod(a, &x);
        (void)absl::SimpleAtod(b, &y);
        return x < y;
      });
    }
    std::map<std::string, int> index;
    for (size_t i = 0; i < names.size(); ++i) index[names[i]] = static_cast<int>(i);
    for (const std::string& l : labels) e.y.push_back(static_cast<float>(index[l]));
    if (names.size() < 2) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": the label column has only one class"));
    }
    out.class_names = std::move(names);
  }
  return out;
}

}  // namespace hyperlab::worker::train
