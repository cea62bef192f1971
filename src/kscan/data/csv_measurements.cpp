#include "kscan/data/impl/csv_measurements.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

namespace kscan {

namespace {

std::string located(const std::string& file, int line, int column, const std::string& message) {
  std::string where = file;
  if (line > 0) {
    where += ":" + std::to_string(line);
    if (column > 0) where += ":" + std::to_string(column);
  }
  return where + ": " + message;
}

struct Field {
  std::string text;
  int line = 0;
  int column = 0;
};

struct Record {
  std::vector<Field> fields;
  int line = 0;
  /// An unquoted record with no text at all: a blank line.
  bool blank() const { return fields.size() == 1 && fields[0].text.empty() && !quoted; }
  bool quoted = false;
};

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

/// Splits the text into records of fields, with the line and column each field starts at. A
/// quoted field keeps its text verbatim; an unquoted one is trimmed.
std::vector<Record> split_records(const std::string& text, const std::string& source) {
  std::vector<Record> records;
  std::size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  int line = 1;
  std::size_t line_start = i;
  while (i < text.size()) {
    Record record;
    record.line = line;
    for (;;) {  // one field per pass
      Field field;
      field.line = line;
      field.column = static_cast<int>(i - line_start) + 1;
      std::size_t k = i;
      while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k;
      if (k < text.size() && text[k] == '"') {
        record.quoted = true;
        field.column = static_cast<int>(k - line_start) + 1;
        const int open_line = line, open_column = field.column;
        i = k + 1;
        for (;;) {
          if (i >= text.size())
            throw CsvError(source, open_line, open_column, "",
                           "a quoted field is not closed (missing '\"')");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.text += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
          }
          field.text += text[i++];
        }
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
        if (i < text.size() && text[i] != ',' && text[i] != '\n')
          throw CsvError(source, line, static_cast<int>(i - line_start) + 1, "",
                         "unexpected text after a quoted field; expected ',' or the end of "
                         "the line");
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n') field.text += text[i++];
        if (!field.text.empty() && field.text.back() == '\r') field.text.pop_back();
        field.text = trim(field.text);
      }
      record.fields.push_back(field);
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      break;  // end of line or of text
    }
    if (i < text.size() && text[i] == '\n') {
      ++i;
      ++line;
      line_start = i;
    }
    records.push_back(std::move(record));
  }
  // Blank lines after the last row end the file; inside the data they are rows (see below).
  while (!records.empty() && records.back().blank()) records.pop_back();
  return records;
}

bool is_missing_marker(const std::string& cell) {
  return cell.empty() || cell == "NA" || cell == "NaN" || cell == "nan" || cell == ".";
}

/// A number, NaN for a missing cell, nullopt for anything else (inf is not a measurement).
std::optional<double> parse_cell(const std::string& cell) {
  if (is_missing_marker(cell)) return std::numeric_limits<double>::quiet_NaN();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(cell.c_str(), &end);
  if (end != cell.c_str() + cell.size() || errno == ERANGE || std::isinf(v)) return std::nullopt;
  return v;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

}  // namespace

CsvError::CsvError(const std::string& file, int line, int column, std::string option,
                   const std::string& message)
    : std::runtime_error(located(file, line, column, message)),
      line_(line),
      column_(column),
      option_(std::move(option)) {}

bool is_time_column_name(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "time" || lower == "date" || lower == "year" || lower == "t";
}

CsvMeasurements parse_csv_measurements(const std::string& text, const std::string& source,
                                       const CsvOptions& options) {
  const std::vector<Record> records = split_records(text, source);
  if (records.empty())
    throw CsvError(source, 1, 0, "", "the file is empty; expected a header row of column names");

  // Header.
  CsvMeasurements out;
  const Record& head = records.front();
  std::map<std::string, std::size_t> index;
  bool all_numbers = true;
  for (std::size_t c = 0; c < head.fields.size(); ++c) {
    const Field& f = head.fields[c];
    if (f.text.empty())
      throw CsvError(source, f.line, f.column, "",
                     "column " + std::to_string(c + 1) + " of the header has no name; the "
                     "first row must name every column");
    if (const auto first = index.find(f.text); first != index.end())
      throw CsvError(source, f.line, f.column, "",
                     "duplicate column name '" + f.text + "' (also column " +
                         std::to_string(first->second + 1) + ")");
    index[f.text] = c;
    out.header.push_back(f.text);
    const auto number = parse_cell(f.text);
    all_numbers = all_numbers && number && !std::isnan(*number);
  }
  if (all_numbers)
    throw CsvError(source, head.line, 1, "",
                   "expected a header row of column names, got numbers only ('" +
                       head.fields[0].text + "', ...)");
  if (records.size() < 2)
    throw CsvError(source, head.line, 0, "", "the file has a header but no data rows");

  // Time column.
  std::optional<std::size_t> time_index;
  if (options.time_column) {
    if (!options.time_column->empty()) {
      const auto it = index.find(*options.time_column);
      if (it == index.end())
        throw CsvError(source, 0, 0, "time_column",
                       "no column '" + *options.time_column + "' (the header names: " +
                           join_names(out.header) + ")");
      time_index = it->second;
    }
  } else if (is_time_column_name(out.header[0])) {
    time_index = 0;
  }
  if (time_index) out.time_column = out.header[*time_index];

  // Measurement columns.
  std::vector<std::size_t> selected;
  if (options.columns.empty()) {
    for (std::size_t c = 0; c < out.header.size(); ++c)
      if (!time_index || c != *time_index) selected.push_back(c);
    if (selected.empty())
      throw CsvError(source, head.line, 0, "",
                     "no measurement columns: the only column, '" + out.header[0] +
                         "', is the time column");
  } else {
    std::map<std::string, bool> seen;
    for (const std::string& name : options.columns) {
      const auto it = index.find(name);
      if (it == index.end())
        throw CsvError(source, 0, 0, "columns",
                       "no column '" + name + "' (the header names: " + join_names(out.header) +
                           ")");
      if (time_index && it->second == *time_index)
        throw CsvError(source, 0, 0, "columns",
                       "column '" + name + "' is the time column, not a measurement");
      if (seen[name])
        throw CsvError(source, 0, 0, "columns", "column '" + name + "' is selected twice");
      seen[name] = true;
      selected.push_back(it->second);
    }
  }
  for (const auto c : selected) out.columns.push_back(out.header[c]);

  // Rows.
  const std::size_t width = out.header.size(), ny = selected.size();
  out.rows = static_cast<std::int64_t>(records.size() - 1);
  out.y.reserve(static_cast<std::size_t>(out.rows) * ny);
  std::vector<std::string> time_cells;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const Record& row = records[r];
    if (row.fields.size() != width) {
      const std::string got = row.blank() ? "a blank line" : std::to_string(row.fields.size()) +
                                                                 " fields";
      throw CsvError(source, row.line, 0, "",
                     "expected " + std::to_string(width) + " fields (as the header), got " + got +
                         (width == 1 ? "" : row.blank() ? " (write NA for a missing value)" : ""));
    }
    for (const auto c : selected) {
      const Field& f = row.fields[c];
      const auto value = parse_cell(f.text);
      if (!value)
        throw CsvError(source, f.line, f.column, "",
                       "column '" + out.header[c] +
                           "': expected a number or an empty/NA cell, got '" + f.text + "'");
      out.y.push_back(*value);
    }
    if (time_index) time_cells.push_back(row.fields[*time_index].text);
  }

  // The time column is numeric when every non-empty cell is a number.
  if (time_index) {
    std::vector<double> numbers;
    bool numeric = true;
    for (const std::string& cell : time_cells) {
      const auto value = parse_cell(cell);
      if (!value) {
        numeric = false;
        break;
      }
      numbers.push_back(*value);
    }
    if (numeric)
      out.time = std::move(numbers);
    else
      out.time_text = std::move(time_cells);
  }
  return out;
}

CsvMeasurements read_csv_measurements(const std::string& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CsvError(path, 0, 0, "", "cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw CsvError(path, 0, 0, "", "cannot read the file");
  return parse_csv_measurements(text.str(), path, options);
}

}  // namespace kscan
