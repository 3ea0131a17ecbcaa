#include "lab/trial_table.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/base/status_macros.h"
#include "lab/query.h"

namespace hyperlab::lab {
namespace {

// The non-empty comma-separated items of a flag, trimmed.
std::vector<absl::string_view> Items(absl::string_view flag) {
  std::vector<absl::string_view> items;
  for (absl::string_view item : absl::StrSplit(flag, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// `f1_3`, `precision_7`: a metric per class, named by a trailing `_<digits>`.
bool IsPerClass(const std::string& name) {
  const size_t underscore = name.rfind('_');
  return underscore != std::string::npos && underscore + 1 < name.size() &&
         name.find_first_not_of("0123456789", underscore + 1) == std::string::npos;
}

}  // namespace

absl::StatusOr<std::vector<SortKey>> ParseSortKeys(absl::string_view flag, const FieldCatalog& catalog) {
  std::vector<SortKey> keys;
  for (absl::string_view item : Items(flag)) {
    const bool descending = absl::ConsumePrefix(&item, "-");
    const Field* field = catalog.Find(item);
    if (field == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("--sort: ", catalog.UnknownName(item)));
    keys.push_back({*field, descending});
  }
  return keys;
}

void SortRecords(const std::vector<SortKey>& keys, std::vector<TrialRecord>& records) {
  if (keys.empty()) return;
  // Values once per record, not once per comparison.
  std::vector<std::pair<std::vector<Value>, TrialRecord>> keyed;
  keyed.reserve(records.size());
  for (TrialRecord& r : records) {
    std::vector<Value> values;
    for (const SortKey& k : keys) values.push_back(FieldValueOf(k.field, r));
    keyed.emplace_back(std::move(values), std::move(r));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    for (size_t i = 0; i < keys.size(); ++i) {
      const Value &va = a.first[i], &vb = b.first[i];
      if (IsMissing(va) || IsMissing(vb)) {
        if (IsMissing(va) != IsMissing(vb)) return IsMissing(vb);  // Present before missing.
        continue;
      }
      const int c = CompareValues(va, vb);
      if (c != 0) return keys[i].descending ? c > 0 : c < 0;
    }
    return false;
  });
  records.clear();
  for (auto& [values, record] : keyed) records.push_back(std::move(record));
}

absl::StatusOr<std::vector<TrialRecord>> SelectTrials(std::vector<TrialRecord> records,
                                                      const FieldCatalog& catalog,
                                                      const Selection& selection) {
  if (selection.limit < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--limit: must be 0 (all) or more, got ", selection.limit));
  }
  absl::StatusOr<Query> query = Query::Parse(selection.where, catalog);
  if (!query.ok()) return absl::InvalidArgumentError(absl::StrCat("--where: ", query.status().message()));
  ASSIGN_OR_RETURN(std::vector<SortKey> keys, ParseSortKeys(selection.sort, catalog));
  std::vector<TrialRecord> kept;
  for (TrialRecord& r : records) {
    if (query->Matches(r)) kept.push_back(std::move(r));
  }
  SortRecords(keys, kept);
  if (selection.limit > 0 && kept.size() > static_cast<size_t>(selection.limit)) kept.resize(selection.limit);
  return kept;
}

absl::StatusOr<std::vector<Column>> ParseColumns(absl::string_view flag, const FieldCatalog& catalog) {
  std::vector<Column> columns;
  for (absl::string_view item : Items(flag)) {
    const Field* field = catalog.Find(item);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("--columns: ", catalog.UnknownName(item)));
    }
    columns.push_back({std::string(item), *field});
  }
  if (columns.empty()) return absl::InvalidArgumentError("--columns: no column named");
  return columns;
}

std::vector<Column> DefaultColumns(const FieldCatalog& catalog, bool with_study, bool for_people) {
  std::vector<Column> columns;
  auto add_trial_field = [&](absl::string_view name) {
    for (const Field& f : catalog.trial_fields()) {
      if (f.name == name) columns.push_back({catalog.ColumnName(f), f});
    }
  };
  if (with_study) add_trial_field("study");
  add_trial_field("id");
  add_trial_field("state");
  for (const Field& f : catalog.parameters()) columns.push_back({f.name, f});
  for (const Field& f : catalog.metrics()) {
    if (!(for_people && IsPerClass(f.name))) columns.push_back({f.name, f});
  }
  add_trial_field("runtime");
  add_trial_field("worker");
  if (for_people) add_trial_field("reason");
  return columns;
}

std::vector<Column> AllColumns(const FieldCatalog& catalog, bool with_study) {
  std::vector<Column> columns = DefaultColumns(catalog, with_study, /*for_people=*/false);
  for (const Field& f : catalog.trial_fields()) {
    if (f.name == "reason") columns.push_back({catalog.ColumnName(f), f});
  }
  return columns;
}

std::vector<Column> FitColumns(const std::vector<Column>& columns, const std::vector<TrialRecord>& records,
                               const std::vector<std::string>& objectives, size_t max_width,
                               std::vector<std::string>* left_out) {
  const std::vector<size_t> width = ColumnWidths(BuildTable(columns, records));
  // Rank 0 is always shown; then the lower the rank, the more a column matters.
  auto rank = [&](const Column& c) {
    switch (c.field.kind) {
      case Field::Kind::kTrialField:
        if (c.field.name == "study" || c.field.name == "id" || c.field.name == "state") return 0;
        if (c.field.name == "runtime") return 4;
        return c.field.name == "worker" ? 5 : 6;
      case Field::Kind::kMetric:
        return std::find(objectives.begin(), objectives.end(), c.field.name) != objectives.end() ? 0 : 3;
      case Field::Kind::kParameter:
        return 2;
    }
    return 6;
  };
  std::vector<size_t> order(columns.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rank(columns[a]) < rank(columns[b]); });
  std::vector<bool> keep(columns.size(), false);
  size_t used = 0;
  for (size_t i : order) {
    const size_t more = width[i] + (used == 0 ? 0 : 2);  // Two spaces between columns.
    if (rank(columns[i]) == 0 || used + more <= max_width) {
      keep[i] = true;
      used += more;
    }
  }
  std::vector<Column> kept;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (keep[i]) {
      kept.push_back(columns[i]);
    } else if (left_out != nullptr) {
      left_out->push_back(columns[i].header);
    }
  }
  return kept;
}

Table BuildTable(const std::vector<Column>& columns, const std::vector<TrialRecord>& records) {
  Table table;
  for (const Column& c : columns) table.header.push_back(c.header);
  for (const TrialRecord& r : records) {
    std::vector<Value> row;
    for (const Column& c : columns) row.push_back(FieldValueOf(c.field, r));
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace hyperlab::lab
