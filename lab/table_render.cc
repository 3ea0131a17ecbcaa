#include "lab/table_render.h"

#include <algorithm>

#include "absl/strings/str_join.h"

namespace hyperlab::lab {
namespace {

constexpr size_t kMaxTextWidth = 60;

// Display width: UTF-8 continuation bytes take no column.
size_t Width(const std::string& s) {
  return std::count_if(s.begin(), s.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

std::string Cell(const Value& v) {
  std::string text = ShortText(v);
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (Width(text) <= kMaxTextWidth) return text;
  // Cut on a character boundary.
  size_t bytes = 0, chars = 0;
  while (bytes < text.size() && chars < kMaxTextWidth - 3) {
    ++bytes;
    while (bytes < text.size() && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) ++bytes;
    ++chars;
  }
  return text.substr(0, bytes) + "...";
}

// The header and every row as the text RenderText shows.
std::vector<std::vector<std::string>> Cells(const Table& table) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back(table.header);
  for (const auto& row : table.rows) {
    std::vector<std::string> line;
    for (const Value& v : row) line.push_back(Cell(v));
    cells.push_back(std::move(line));
  }
  return cells;
}

std::vector<size_t> Widths(const std::vector<std::vector<std::string>>& cells, size_t columns) {
  std::vector<size_t> width(columns, 0);
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], Width(line[c]));
  }
  return width;
}

}  // namespace

std::vector<size_t> ColumnWidths(const Table& table) { return Widths(Cells(table), table.header.size()); }

std::string RenderText(const Table& table) {
  const std::vector<std::vector<std::string>> cells = Cells(table);
  const std::vector<size_t> width = Widths(cells, table.header.size());
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (size_t c = 0; c < line.size(); ++c) {
      if (c > 0) text += "  ";
      text += line[c];
      if (c + 1 < line.size()) text.append(width[c] - Width(line[c]), ' ');
    }
    // Blank trailing cells would leave trailing spaces.
    text.erase(text.find_last_not_of(' ') + 1);
    out += text + "\n";
  }
  return out;
}

std::string CsvField(const std::string& text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string RenderCsv(const Table& table) {
  std::string out =
      absl::StrJoin(table.header, ",", [](std::string* o, const std::string& h) { o->append(CsvField(h)); });
  out += "\n";
  for (const auto& row : table.rows) {
    out += absl::StrJoin(row, ",", [](std::string* o, const Value& v) { o->append(CsvField(ExactText(v))); });
    out += "\n";
  }
  return out;
}

nlohmann::ordered_json RenderJson(const Table& table) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& row : table.rows) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (size_t c = 0; c < table.header.size() && c < row.size(); ++c)
      object[table.header[c]] = ToJson(row[c]);
    out.push_back(std::move(object));
  }
  return out;
}

}  // namespace hyperlab::lab
