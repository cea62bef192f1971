// The CSV measurement reader (src/kscan/data/impl/csv_measurements.hpp): header, time column, missing
// cells, column selection, quoting, and every error with the line (and column) it names; the
// Nile series shipped in inputs/data.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "kscan/data/impl/csv_measurements.hpp"

#ifndef KSCAN_SOURCE_DIR
#error "KSCAN_SOURCE_DIR must name the source tree (tests/CMakeLists.txt)"
#endif

namespace {

using kscan::CsvError;
using kscan::CsvOptions;
using kscan::parse_csv_measurements;

/// The CsvError `text` throws: its message, line, column and option ("" message when none).
struct Failure {
  std::string message;
  int line = -1, column = -1;
  std::string option;
};
Failure failure_of(const std::string& text, const CsvOptions& options = {}) {
  try {
    parse_csv_measurements(text, "m.csv", options);
  } catch (const CsvError& e) {
    return {e.what(), e.line(), e.column(), e.option()};
  }
  return {};
}

CsvOptions select(std::vector<std::string> columns) {
  CsvOptions o;
  o.columns = std::move(columns);
  return o;
}

}  // namespace

TEST(CsvMeasurements, HeaderTimeColumnAndValues) {
  const auto t = parse_csv_measurements("year,a,b\n2001,1.5,-2\n2002,3e2,4\n", "m.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"year", "a", "b"}));
  EXPECT_EQ(t.time_column, "year");
  EXPECT_EQ(t.columns, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(t.rows, 2);
  EXPECT_EQ(t.y, (std::vector<double>{1.5, -2, 300, 4}));
  EXPECT_EQ(t.time, (std::vector<double>{2001, 2002}));
  EXPECT_TRUE(t.time_text.empty());
}

TEST(CsvMeasurements, TimeColumnIsTheFirstWhenNamedSo) {
  for (const char* name : {"time", "Date", "YEAR", "t"})
    EXPECT_EQ(parse_csv_measurements(std::string(name) + ",y\n1,2\n", "m.csv").time_column, name);
  // Only the first column is recognised, and only by these names.
  const auto second = parse_csv_measurements("y,time\n1,2\n", "m.csv");
  EXPECT_EQ(second.time_column, "");
  EXPECT_EQ(second.columns, (std::vector<std::string>{"y", "time"}));
  EXPECT_EQ(second.y, (std::vector<double>{1, 2}));
  EXPECT_EQ(parse_csv_measurements("step,y\n1,2\n", "m.csv").time_column, "");
  EXPECT_TRUE(parse_csv_measurements("step,y\n1,2\n", "m.csv").time.empty());
}

TEST(CsvMeasurements, ExplicitTimeColumnOrNone) {
  CsvOptions named;
  named.time_column = "step";
  const auto t = parse_csv_measurements("a,step\n1,10\n2,20\n", "m.csv", named);
  EXPECT_EQ(t.time_column, "step");
  EXPECT_EQ(t.columns, (std::vector<std::string>{"a"}));
  EXPECT_EQ(t.time, (std::vector<double>{10, 20}));
  CsvOptions none;
  none.time_column = "";
  const auto n = parse_csv_measurements("year,a\n1,10\n", "m.csv", none);
  EXPECT_EQ(n.time_column, "");
  EXPECT_EQ(n.columns, (std::vector<std::string>{"year", "a"}));
  EXPECT_EQ(n.y, (std::vector<double>{1, 10}));
}

TEST(CsvMeasurements, MissingCellsAreNaN) {
  const auto t = parse_csv_measurements("t,a,b\n1,,NA\n2,NaN,nan\n3,.,  7  \n4, 5 ,\n", "m.csv");
  ASSERT_EQ(t.rows, 4);
  ASSERT_EQ(t.y.size(), 8u);
  for (int i : {0, 1, 2, 3, 4, 7}) EXPECT_TRUE(std::isnan(t.y[i])) << i;
  EXPECT_EQ(t.y[5], 7);
  EXPECT_EQ(t.y[6], 5);
}

TEST(CsvMeasurements, ColumnsSelectAndOrder) {
  const auto t = parse_csv_measurements("time,a,b,c\n0,1,2,3\n1,4,5,6\n", "m.csv", select({"c", "a"}));
  EXPECT_EQ(t.columns, (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(t.y, (std::vector<double>{3, 1, 6, 4}));
  // A column left out may hold anything.
  const auto u = parse_csv_measurements("a,note\n1,hello\n2,world\n", "m.csv", select({"a"}));
  EXPECT_EQ(u.y, (std::vector<double>{1, 2}));
}

TEST(CsvMeasurements, QuotingLineEndingsAndByteOrderMark) {
  const auto t = parse_csv_measurements(
      "\xEF\xBB\xBF\"date\",\"flow, m3/s\",\"say \"\"x\"\"\"\r\n\"1871-01-01\",\"1120\",1\r\n"
      "1872-01-01,,2\r\n\r\n\n",
      "m.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"date", "flow, m3/s", "say \"x\""}));
  EXPECT_EQ(t.time_column, "date");
  ASSERT_EQ(t.rows, 2);
  EXPECT_EQ(t.y[0], 1120);
  EXPECT_TRUE(std::isnan(t.y[2]));
  EXPECT_EQ(t.y[3], 2);
  // Dates are not numbers: the time column is kept as written.
  EXPECT_TRUE(t.time.empty());
  EXPECT_EQ(t.time_text, (std::vector<std::string>{"1871-01-01", "1872-01-01"}));
}

TEST(CsvMeasurements, ANumericTimeColumnMayHaveGaps) {
  const auto t = parse_csv_measurements("t,a\n0.5,1\n,2\n1.5,3\n", "m.csv");
  ASSERT_EQ(t.time.size(), 3u);
  EXPECT_EQ(t.time[0], 0.5);
  EXPECT_TRUE(std::isnan(t.time[1]));
  EXPECT_EQ(t.time[2], 1.5);
}

TEST(CsvMeasurements, ABadCellNamesLineColumnAndColumnName) {
  const auto f = failure_of("year,flow\n1871,1120\n1872,abc\n");
  EXPECT_EQ(f.message, "m.csv:3:6: column 'flow': expected a number or an empty/NA cell, got 'abc'");
  EXPECT_EQ(f.line, 3);
  EXPECT_EQ(f.column, 6);
  EXPECT_EQ(f.option, "");
  EXPECT_NE(failure_of("t,a\n1,inf\n").message.find("m.csv:2:3: column 'a'"), std::string::npos);
  EXPECT_NE(failure_of("t,a\n1,1.5x\n").message.find("got '1.5x'"), std::string::npos);
}

TEST(CsvMeasurements, RaggedRowsAndBlankLinesInside) {
  EXPECT_EQ(failure_of("t,a\n1,2\n3,4,5\n").message,
            "m.csv:3: expected 2 fields (as the header), got 3 fields");
  EXPECT_EQ(failure_of("t,a,b\n1,2\n").line, 2);
  const auto blank = failure_of("t,a\n1,2\n\n3,4\n");
  EXPECT_EQ(blank.line, 3);
  EXPECT_NE(blank.message.find("got a blank line (write NA for a missing value)"),
            std::string::npos)
      << blank.message;
  // In a one-column file a blank line inside the data is a missing value.
  const auto one = parse_csv_measurements("y\n1\n\n3\n", "m.csv");
  ASSERT_EQ(one.rows, 3);
  EXPECT_TRUE(std::isnan(one.y[1]));
}

TEST(CsvMeasurements, HeaderProblems) {
  EXPECT_EQ(failure_of("").message,
            "m.csv:1: the file is empty; expected a header row of column names");
  EXPECT_EQ(failure_of("\n\n").line, 1);
  EXPECT_EQ(failure_of("year,flow\n").message, "m.csv:1: the file has a header but no data rows");
  EXPECT_EQ(failure_of("year,flow\n\n\n").message,
            "m.csv:1: the file has a header but no data rows");
  EXPECT_EQ(failure_of("a,b,a\n1,2,3\n").message,
            "m.csv:1:5: duplicate column name 'a' (also column 1)");
  EXPECT_EQ(failure_of("a,,b\n1,2,3\n").message,
            "m.csv:1:3: column 2 of the header has no name; the first row must name every column");
  EXPECT_EQ(failure_of("1871,1120\n1872,1160\n").message,
            "m.csv:1:1: expected a header row of column names, got numbers only ('1871', ...)");
  EXPECT_EQ(failure_of("year,\"flow\n1871,1\n").message,
            "m.csv:1:6: a quoted field is not closed (missing '\"')");
  EXPECT_EQ(failure_of("year,\"flow\"x\n1871,1\n").line, 1);
}

TEST(CsvMeasurements, SelectionProblemsNameTheOption) {
  const auto unknown = failure_of("year,flow\n1,2\n", select({"flw"}));
  EXPECT_EQ(unknown.message, "m.csv: no column 'flw' (the header names: year, flow)");
  EXPECT_EQ(unknown.option, "columns");
  EXPECT_EQ(failure_of("year,flow\n1,2\n", select({"year"})).message,
            "m.csv: column 'year' is the time column, not a measurement");
  EXPECT_EQ(failure_of("year,flow\n1,2\n", select({"flow", "flow"})).message,
            "m.csv: column 'flow' is selected twice");
  CsvOptions time;
  time.time_column = "when";
  const auto no_time = failure_of("year,flow\n1,2\n", time);
  EXPECT_EQ(no_time.option, "time_column");
  EXPECT_EQ(no_time.message, "m.csv: no column 'when' (the header names: year, flow)");
  EXPECT_EQ(failure_of("year\n1\n").message,
            "m.csv:1: no measurement columns: the only column, 'year', is the time column");
}

TEST(CsvMeasurements, ReadingAMissingFileIsACsvError) {
  try {
    kscan::read_csv_measurements("/nonexistent/x.csv");
    FAIL() << "no error";
  } catch (const CsvError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/x.csv: cannot open the file");
  }
}

// The Nile series (Durbin & Koopman): annual flow at Aswan, 1871-1970, and the copy with the
// flows of 1891-1910 and 1931-1950 removed (t = 21..40 and 61..80, their section 2.7).
TEST(CsvMeasurements, ShippedNileSeries) {
  const auto dir = std::filesystem::path(KSCAN_SOURCE_DIR) / "inputs" / "data";
  const auto nile = kscan::read_csv_measurements((dir / "nile.csv").string());
  EXPECT_EQ(nile.header, (std::vector<std::string>{"year", "flow"}));
  EXPECT_EQ(nile.time_column, "year");
  ASSERT_EQ(nile.rows, 100);
  ASSERT_EQ(nile.time.size(), 100u);
  EXPECT_EQ(nile.time.front(), 1871);
  EXPECT_EQ(nile.time.back(), 1970);
  EXPECT_EQ(nile.y[0], 1120);
  EXPECT_EQ(nile.y[1], 1160);
  EXPECT_EQ(nile.y[99], 740);
  double sum = 0;
  for (const double v : nile.y) sum += v;
  EXPECT_DOUBLE_EQ(sum / 100, 919.35);

  const auto gaps = kscan::read_csv_measurements((dir / "nile-missing.csv").string());
  ASSERT_EQ(gaps.rows, 100);
  EXPECT_EQ(gaps.time, nile.time);
  for (int t = 1; t <= 100; ++t) {
    const bool missing = (t >= 21 && t <= 40) || (t >= 61 && t <= 80);
    if (missing)
      EXPECT_TRUE(std::isnan(gaps.y[t - 1])) << "t = " << t;
    else
      EXPECT_EQ(gaps.y[t - 1], nile.y[t - 1]) << "t = " << t;
  }
}
