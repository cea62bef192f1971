// Decks reading measurements from files (data.source: file): the data.format, data.path,
// data.time_column and data.columns keys, the CSV read at validation (errors carry both the
// deck's and the CSV's location), ny against the model's, and the dataset's name in the plan.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "kscan/experiment/deck.hpp"
#include "kscan/experiment/plan.hpp"

#ifndef KSCAN_SOURCE_DIR
#error "KSCAN_SOURCE_DIR must name the source tree (tests/CMakeLists.txt)"
#endif

namespace fs = std::filesystem;

namespace {

const std::string kNileModel =
    "model: {kind: lti, F: [[1]], Q: [[1469.1]], H: [[1]], R: [[15099]], m0: [1120], "
    "P0: [[1e7]]}\n";

/// A directory for CSV files, removed afterwards.
class Scratch {
 public:
  Scratch() {
    char pattern[] = "/tmp/kscan-deck-data-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  kscan::Deck parse(const std::string& text, kscan::DeckOptions options = {}) const {
    options.check_output = false;
    return kscan::parse_deck(text, "deck.yaml", dir_.string(), options);
  }
  std::string error_of(const std::string& text, kscan::DeckOptions options = {}) const {
    try {
      parse(text, std::move(options));
    } catch (const kscan::DeckError& e) {
      return e.what();
    }
    return "";
  }

 private:
  fs::path dir_;
};

/// `needle` in `haystack`, with the haystack shown when it is not.
::testing::AssertionResult has(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << needle << "' not in:\n" << haystack;
}

}  // namespace

TEST(DeckFileData, CsvIsReadAtValidationAndNamesTheDataset) {
  Scratch s;
  s.write("river flow.csv", "year,flow,other\n1871,1120,1\n1872,,2\n1873,963,3\n");
  const auto deck = s.parse(kNileModel + "data: {source: file, file: river flow.csv, columns: [flow]}\n"
                            "runs: {methods: [kf, pkf], precision: [float64]}\n");
  EXPECT_EQ(deck.data.format, kscan::DataFormat::csv);
  EXPECT_EQ(deck.data.time_column, "year");
  EXPECT_EQ(deck.data.columns, (std::vector<std::string>{"flow"}));
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(deck.data.name, "river_flow");
  ASSERT_TRUE(deck.series_data);
  const auto& series = deck.series_data->series;
  ASSERT_EQ(series.y.extent(0), 3u);
  ASSERT_EQ(series.y.extent(1), 1u);
  EXPECT_EQ(series.y(0, 0), 1120);
  EXPECT_TRUE(std::isnan(series.y(1, 0)));
  EXPECT_EQ(series.y(2, 0), 963);
  EXPECT_EQ(series.time, (std::vector<double>{1871, 1872, 1873}));
  // The resolved deck says what was read, so that it reads the same without guessing.
  EXPECT_TRUE(has(deck.resolved_yaml, "format: csv"));
  EXPECT_TRUE(has(deck.resolved_yaml, "time_column: year"));
  EXPECT_TRUE(has(deck.resolved_yaml, "columns: [flow]"));

  const auto plan = kscan::make_plan(deck);
  ASSERT_EQ(plan.datasets.size(), 1u);
  EXPECT_EQ(plan.datasets[0].name, "river_flow");
  EXPECT_EQ(plan.datasets[0].length, 3);
  ASSERT_EQ(plan.runs.size(), 2u);
  EXPECT_EQ(plan.runs[0].key.id(), "kf-none-float64-T3-B1-river_flow");
  EXPECT_EQ(plan.runs[1].key.id(), "pkf-blocked-float64-T3-B1-river_flow");
}

TEST(DeckFileData, ShippedNileCsvReadsWithTheLocalLevelModel) {
  kscan::DeckOptions options;
  options.check_output = false;
  const auto deck = kscan::parse_deck(
      kNileModel + "data: {source: file, file: inputs/data/nile-missing.csv}\n", "nile.yaml",
      KSCAN_SOURCE_DIR, options);
  EXPECT_EQ(deck.data.name, "nile-missing");
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{100}));
  const auto& y = deck.series_data->series.y;
  EXPECT_EQ(y(0, 0), 1120);
  EXPECT_TRUE(std::isnan(y(20, 0)));  // 1891, t = 21
  EXPECT_TRUE(std::isnan(y(79, 0)));  // 1950, t = 80
  EXPECT_EQ(y(80, 0), 744);           // 1951
}

TEST(DeckFileData, FormatFollowsTheExtensionUnlessGiven) {
  Scratch s;
  s.write("upper.CSV", "t,y\n0,1\n");
  EXPECT_EQ(s.parse(kNileModel + "data: {source: file, file: upper.CSV}\n").data.format,
            kscan::DataFormat::csv);
  s.write("table.txt", "t,y\n0,1\n1,2\n");
  const auto deck = s.parse(kNileModel + "data: {source: file, file: table.txt, format: csv}\n");
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(deck.data.name, "table");
  // Not .csv: read as HDF5, which this text is not.
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: table.txt, path: /y}\n"),
                  "is not an HDF5 file"));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: upper.CSV, format: xls}\n"),
                  "unknown data format 'xls'"));
}

TEST(DeckFileData, CsvErrorsNameTheDeckKeyAndTheCsvLine) {
  Scratch s;
  const std::string csv = s.write("bad.csv", "year,flow\n1871,1120\n1872,abc\n");
  const auto message =
      s.error_of(kNileModel + "data:\n  source: file\n  file: bad.csv\n");
  EXPECT_TRUE(has(message, "deck.yaml:4:9: data.file: " + csv +
                               ":3:6: column 'flow': expected a number or an empty/NA cell, got "
                               "'abc'"));
  s.write("ok.csv", "year,flow\n1871,1120\n");
  EXPECT_TRUE(has(s.error_of(kNileModel + "data:\n  source: file\n  file: ok.csv\n  columns: [flw]\n"),
                  "deck.yaml:5:12: data.columns: "));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data:\n  source: file\n  file: ok.csv\n  columns: [flw]\n"),
                  "no column 'flw' (the header names: year, flow)"));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: ok.csv, time_column: when}\n"),
                  "data.time_column: "));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: missing.csv}\n"),
                  "missing.csv' does not exist"));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: ok.csv, columns: []}\n"),
                  "data.columns: expected at least one name"));
}

TEST(DeckFileData, TheMeasurementDimensionMustBeTheModels) {
  Scratch s;
  s.write("two.csv", "t,a,b\n0,1,2\n1,3,4\n");
  const auto message = s.error_of(kNileModel + "data: {source: file, file: two.csv}\n");
  EXPECT_TRUE(has(message, "data.file: the measurements in '"));
  EXPECT_TRUE(has(message, "two.csv' (columns a, b) have ny = 2 components, the model observes "
                           "ny = 1 (rows of model.H); they must match"));
  // Selecting one column fits; the random model's obs_dim is named too.
  EXPECT_EQ(s.parse(kNileModel + "data: {source: file, file: two.csv, columns: [b]}\n")
                .series_data->series.y(1, 0),
            4);
  EXPECT_TRUE(has(s.error_of("model: {kind: random, obs_dim: 3}\n"
                             "data: {source: file, file: two.csv}\n"),
                  "the model observes ny = 3 (model.obs_dim)"));
}

TEST(DeckFileData, KeysOfTheOtherFormatAreRefused) {
  Scratch s;
  s.write("ok.csv", "year,flow\n1871,1120\n");
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: ok.csv, path: /y}\n"),
                  "data.path: only used when data.format is hdf5 (here data.format is csv)"));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: ok.csv, dataset: T1}\n"),
                  "data.dataset: only used when data.format is hdf5 (here data.format is csv)"));
  s.write("x.h5", "");
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: x.h5, path: /y, columns: [a]}\n"),
                  "data.columns: only used when data.format is csv (here data.format is hdf5)"));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: x.h5, path: /y, time_column: t}\n"),
                  "data.time_column: only used when data.format is csv"));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: x.h5, path: /y, dataset: T1}\n"),
                  "data.dataset: data.dataset (a dataset in kscan's layout) and data.path (any "
                  "dataset) are mutually exclusive"));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {source: file, file: x.h5}\n"),
                  "missing required key 'dataset' or 'path'"));
  EXPECT_TRUE(has(s.error_of(kNileModel + "data: {columns: [a]}\n"),
                  "data.columns: only used when data.source is file"));
}

TEST(DeckFileData, AnHdf5PathUsesTheInjectedReaderAndItsLastComponent) {
  Scratch s;
  const std::string file = s.write("x.h5", "\x89HDF\r\n\x1a\n");  // the signature is checked
  std::string asked;
  kscan::DeckOptions options;
  options.measurement_reader = [&](const std::string& f, const std::string& path) {
    asked = f + " " + path;
    kscan::HostSeries series;
    series.y = decltype(series.y)("y", 5, 1);
    for (int i = 0; i < 5; ++i) series.y(i, 0) = i * 0.5;
    return series;
  };
  const auto deck =
      s.parse(kNileModel + "data: {source: file, file: x.h5, path: /obs/river flow/}\n", options);
  EXPECT_EQ(asked, file + " /obs/river flow/");
  EXPECT_EQ(deck.data.format, kscan::DataFormat::hdf5);
  EXPECT_EQ(deck.data.name, "river_flow");
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{5}));
  EXPECT_EQ(kscan::make_plan(deck).datasets.at(0).name, "river_flow");
  EXPECT_EQ(deck.series_data->series.y(4, 0), 2.0);

  options.measurement_reader = [](const std::string&, const std::string&) -> kscan::HostSeries {
    throw std::runtime_error("x.h5: no dataset '/obs/flow'");
  };
  try {
    s.parse(kNileModel + "data: {source: file, file: x.h5, path: /obs/flow}\n", options);
    FAIL() << "accepted";
  } catch (const kscan::DeckError& e) {
    EXPECT_TRUE(has(e.what(), "deck.yaml:2:40: data.path: x.h5: no dataset '/obs/flow'"));
  }
}

TEST(DeckFileData, DatasetNamesAreSanitised) {
  EXPECT_EQ(kscan::sanitized_dataset_name("a/b c\td"), "a_b_c_d");
  EXPECT_EQ(kscan::sanitized_dataset_name(""), "data");
  EXPECT_EQ(kscan::sanitized_dataset_name(".."), "data");
  EXPECT_EQ(kscan::sanitized_dataset_name("T1024"), "T1024");
  EXPECT_EQ(kscan::sanitized_dataset_name("nile.v2"), "nile.v2");
}

TEST(DeckFileData, SimulatedLengthsKeepTheirNames) {
  Scratch s;
  const auto plan = kscan::make_plan(s.parse("data: {lengths: [16, 32]}\n"));
  ASSERT_EQ(plan.datasets.size(), 2u);
  EXPECT_EQ(plan.datasets[0].name, "T16");
  EXPECT_EQ(plan.datasets[1].name, "T32");
}
