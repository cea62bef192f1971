#pragma once
// Measurements from a CSV file (decks with data.source: file and a .csv file): a header row of
// column names, then one row per time step. An optional time column is kept apart from the
// measurement columns. Plain C++ (no Kokkos): the deck layer converts the table into a series.
//
// Format: fields separated by ',', optionally double-quoted ("" is a quote inside quotes; a
// quoted field may span lines); spaces around a field are ignored; CRLF, a UTF-8 byte-order mark
// and blank lines are accepted. A measurement cell is a finite number, or missing: empty, NA,
// NaN, nan or '.' (read as NaN, which kscan treats as a missing component).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kscan {

struct CsvOptions {
  /// The time column by name; "" for none; nullopt: the first column when its name is time,
  /// date, year or t (in any letter case), otherwise none.
  std::optional<std::string> time_column;
  /// The measurement columns in this order; empty: every column but the time column.
  std::vector<std::string> columns;
};

/// A CSV problem: `line` and `column` (1-based, 0 when unknown) locate it in the file; `option`
/// names the CsvOptions member it is about ("columns", "time_column"; "" for the file itself).
class CsvError : public std::runtime_error {
 public:
  CsvError(const std::string& file, int line, int column, std::string option,
           const std::string& message);
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& option() const { return option_; }

 private:
  int line_ = 0;
  int column_ = 0;
  std::string option_;
};

struct CsvMeasurements {
  std::vector<std::string> header;   // every column name, in file order
  std::vector<std::string> columns;  // the measurement columns, in the order of y's components
  std::string time_column;           // "" when there is none
  std::int64_t rows = 0;             // T
  std::vector<double> y;             // [T, ny] row-major, NaN = missing
  /// The time column: numbers when every non-empty cell is one (NaN where empty), otherwise
  /// the cells as written (time_text). Both empty without a time column.
  std::vector<double> time;
  std::vector<std::string> time_text;
};

/// Parses CSV text; `source` names the file in messages. Throws CsvError.
CsvMeasurements parse_csv_measurements(const std::string& text, const std::string& source,
                                       const CsvOptions& options = {});

/// Reads and parses a CSV file. Throws CsvError (also when the file cannot be read).
CsvMeasurements read_csv_measurements(const std::string& path, const CsvOptions& options = {});

/// True when the name is one the time column is recognised by (time, date, year, t).
bool is_time_column_name(const std::string& name);

}  // namespace kscan
