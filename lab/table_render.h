// A table of typed cells and its three renderings: aligned text for a terminal, CSV and JSON for programs.
//
// `hyperlab trials` and `hyperlab study compare` build a Table and print it in the --format asked for.
//
// Thread safety: pure functions.
#ifndef HYPERLAB_LAB_TABLE_RENDER_H_
#define HYPERLAB_LAB_TABLE_RENDER_H_

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "lab/field_value.h"

namespace hyperlab::lab {

struct Table {
  std::vector<std::string> header;
  // Each row has header.size() cells.
  std::vector<std::vector<Value>> rows;
};

// Left-aligned columns two spaces apart; reals to 6 significant digits (as every table of the CLI); missing
// cells blank; text longer than 60 characters cut to 57 and "..." (a long failure reason would push every
// other column away).
std::string RenderText(const Table& table);

// The width RenderText gives each column: its widest cell or header, in characters.
std::vector<size_t> ColumnWidths(const Table& table);

// RFC 4180: one line per row after the header; a field with a comma, a quote, a line break or leading or
// trailing spaces is quoted, quotes doubled. Numbers exact (field_value.h's ExactText); missing cells empty.
std::string RenderCsv(const Table& table);
// One CSV field, quoted when needed.
std::string CsvField(const std::string& text);

// An array with one object per row, keyed by the header, values typed (field_value.h's ToJson).
nlohmann::ordered_json RenderJson(const Table& table);

}  // namespace hyperlab::lab

#endif  // HYPERLAB_LAB_TABLE_RENDER_H_
