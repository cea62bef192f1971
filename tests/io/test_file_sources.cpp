// Measurements from files into a results file: read_measurement_array (any HDF5 dataset path)
// and its errors, and decks over a CSV or an HDF5 path run through the runner -- the dataset
// keeps its source's name, y and time read back equal the source's values, and --resume finds
// the runs again.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "io_test_support.hpp"
#include "kscan/experiment/plan.hpp"
#include "kscan/experiment/runner.hpp"
#include "kscan/io/hdf5_handles.hpp"
#include "kscan/io/hdf5_reader.hpp"
#include "kscan/io/hdf5_result_file.hpp"

namespace {

using namespace kscan::iotest;

const std::string kLocalLevel =
    "model: {kind: lti, F: [[1]], Q: [[1469.1]], H: [[1]], R: [[15099]], m0: [1120], "
    "P0: [[1e7]]}\n";

/// An HDF5 file with /obs/flow [4, 2] float64 (one NaN), /obs/level [3] float32, /obs/counts
/// [3] int32, /obs/cube [2, 2, 2], /obs/empty [0, 1], /obs/spike [2] with an inf.
std::string make_measurement_file(const TempDir& dir) {
  const std::string path = dir.file("measured.h5");
  Raw file{H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
  Raw group{H5Gcreate2(file.id, "obs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
  raw_write(group.id, "flow", {4, 2}, {1.5, 2.5, kscan::iotest::nan, 4, 5, 6, 7.25, 8});
  raw_write(group.id, "level", {3}, {0.5, 1.5, 2.5}, H5T_IEEE_F32LE);
  raw_write(group.id, "counts", {3}, {1, 2, 3}, H5T_STD_I32LE);
  raw_write(group.id, "cube", {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  raw_write(group.id, "empty", {0, 1}, {});
  raw_write(group.id, "spike", {2}, {1, std::numeric_limits<double>::infinity()});
  return path;
}

std::string error_of(const std::string& file, const std::string& path) {
  try {
    kscan::read_measurement_array(file, path);
  } catch (const kscan::IoError& e) {
    return e.what();
  }
  return "";
}

kscan::LoadedDataset dataset_reader(const std::string& file, const std::string& name) {
  auto stored = kscan::read_dataset(file, name, false);
  return {stored.model, stored.has_measurements, stored.has_truth, stored.series};
}

/// Validates and runs a deck (kf and pkf, float64, one repetition) into `out`.
kscan::RunnerReport run_deck(const std::string& text, const TempDir& dir, const std::string& out,
                             bool resume = false) {
  kscan::DeckOptions options;
  options.reader = dataset_reader;
  options.measurement_reader = kscan::read_measurement_array;
  options.check_output = false;
  const auto deck = kscan::parse_deck(
      text + "runs: {methods: [kf, pkf], precision: [float64], warmup: 0, repetitions: 1}\n",
      "deck.yaml", dir.path(), options);
  const auto plan = kscan::make_plan(deck);
  auto file = kscan::Hdf5ResultFile::create(out, make_root(), resume);
  kscan::RunnerOptions runner;
  runner.reader = dataset_reader;
  runner.measurement_reader = kscan::read_measurement_array;
  auto report = kscan::run_plan(deck, plan, file, runner);
  file.commit();
  return report;
}

std::vector<std::string> raw_strings(hid_t loc, const std::string& path) {
  Raw ds{H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return {};
  Raw type{H5Dget_type(ds.id), H5Tclose};
  if (H5Tget_class(type.id) != H5T_STRING || H5Tis_variable_str(type.id) <= 0) return {};
  Raw space{H5Dget_space(ds.id), H5Sclose};
  std::vector<char*> cells(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id)));
  H5Dread(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, cells.data());
  std::vector<std::string> out(cells.begin(), cells.end());
  H5Dvlen_reclaim(type.id, space.id, H5P_DEFAULT, cells.data());
  return out;
}

}  // namespace

TEST(MeasurementArray, ReadsTwoAndOneDimensionalFloats) {
  TempDir dir;
  const std::string file = make_measurement_file(dir);
  const auto flow = kscan::read_measurement_array(file, "/obs/flow");
  ASSERT_EQ(flow.y.extent(0), 4u);
  ASSERT_EQ(flow.y.extent(1), 2u);
  EXPECT_EQ(flow.y(0, 0), 1.5);
  EXPECT_EQ(flow.y(0, 1), 2.5);
  EXPECT_TRUE(std::isnan(flow.y(1, 0)));
  EXPECT_EQ(flow.y(3, 0), 7.25);
  EXPECT_EQ(flow.x_true.extent(0), 0u);
  const auto level = kscan::read_measurement_array(file, "obs/level");  // relative to the root
  ASSERT_EQ(level.y.extent(0), 3u);
  ASSERT_EQ(level.y.extent(1), 1u);
  EXPECT_EQ(level.y(2, 0), 2.5);
}

TEST(MeasurementArray, ErrorsNameThePathAndWhatIsWrong) {
  TempDir dir;
  const std::string file = make_measurement_file(dir);
  EXPECT_EQ(error_of(file, "/obs/flw"),
            file + ": no dataset '/obs/flw'; group '/obs' holds: counts, cube, empty, flow, "
                   "level, spike");
  EXPECT_EQ(error_of(file, "/nowhere/y"), file + ": no dataset '/nowhere/y'; group '/' holds: obs");
  EXPECT_EQ(error_of(file, "/obs"),
            file + ": '/obs' is not a dataset (a group?); data.path names an array [T, ny] or [T]");
  EXPECT_EQ(error_of(file, "/obs/cube"),
            file + ": dataset '/obs/cube' has rank 3 (shape [2, 2, 2]), expected [T, ny] or [T] "
                   "(one measurement per step)");
  EXPECT_EQ(error_of(file, "/obs/counts"),
            file + ": dataset '/obs/counts' holds integers; measurements must be floating-point "
                   "(float32 or float64, NaN = missing)");
  EXPECT_EQ(error_of(file, "/obs/empty"), file + ": dataset '/obs/empty' has no rows (shape [0, 1])");
  EXPECT_NE(error_of(file, "/obs/spike").find("infinite value at row 1"), std::string::npos);
  EXPECT_NE(error_of(dir.file("none.h5"), "/y").find("none.h5"), std::string::npos);
}

TEST(FileSources, CsvSeriesIsStoredUnderItsOwnNameWithItsTime) {
  TempDir dir;
  std::ofstream(dir.file("nile-part.csv")) << "year,flow\n1871,1120\n1872,\n1873,963\n1874,NA\n"
                                              "1875,1210\n";
  const std::string out = dir.file("out.h5");
  const auto report =
      run_deck(kLocalLevel + "data: {source: file, file: nile-part.csv}\n", dir, out);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(report.completed, 2u);

  EXPECT_EQ(kscan::list_datasets(out), (std::vector<std::string>{"nile-part"}));
  EXPECT_EQ(kscan::list_runs(out), (std::vector<std::string>{"kf-none-float64-T5-B1-nile-part",
                                                             "pkf-blocked-float64-T5-B1-nile-part"}));
  const auto stored = kscan::read_dataset(out, "nile-part");
  ASSERT_EQ(stored.series.y.extent(0), 5u);
  ASSERT_EQ(stored.series.y.extent(1), 1u);
  const double expected[] = {1120, kscan::iotest::nan, 963, kscan::iotest::nan, 1210};
  for (int t = 0; t < 5; ++t) {
    if (std::isnan(expected[t]))
      EXPECT_TRUE(std::isnan(stored.series.y(t, 0))) << t;
    else
      EXPECT_EQ(stored.series.y(t, 0), expected[t]) << t;
  }
  Raw file{raw_open(out), H5Fclose};
  EXPECT_EQ(raw_doubles(file.id, "/datasets/nile-part/time"),
            (std::vector<double>{1871, 1872, 1873, 1874, 1875}));
  const auto run = kscan::read_run(out, "kf-none-float64-T5-B1-nile-part");
  EXPECT_EQ(run.key.dataset, "nile-part");
  EXPECT_EQ(run.key.length, 5);
  EXPECT_TRUE(std::isfinite(run.metrics.loglik));

  // Resuming into the file finds every run and the dataset again.
  const auto again =
      run_deck(kLocalLevel + "data: {source: file, file: nile-part.csv}\n", dir, out, true);
  EXPECT_EQ(again.skipped, 2u);
  EXPECT_EQ(again.completed, 0u);
  EXPECT_EQ(kscan::list_runs(out).size(), 2u);
}

TEST(FileSources, ATextTimeColumnIsStoredAsStrings) {
  TempDir dir;
  std::ofstream(dir.file("dated.csv")) << "date,a\n2020-01-01,1\n2020-01-02,2\n";
  const std::string out = dir.file("out.h5");
  run_deck(kLocalLevel + "data: {source: file, file: dated.csv}\n", dir, out);
  Raw file{raw_open(out), H5Fclose};
  EXPECT_EQ(raw_strings(file.id, "/datasets/dated/time"),
            (std::vector<std::string>{"2020-01-01", "2020-01-02"}));
  const auto stored = kscan::read_dataset(out, "dated");
  EXPECT_EQ(stored.series.y(1, 0), 2);
}

TEST(FileSources, Hdf5PathSeriesIsNamedAfterItsLastComponent) {
  TempDir dir;
  make_measurement_file(dir);
  const std::string out = dir.file("out.h5");
  const auto report =
      run_deck(kLocalLevel + "data: {source: file, file: measured.h5, path: /obs/level}\n", dir,
               out);
  EXPECT_EQ(report.completed, 2u);
  EXPECT_EQ(kscan::list_datasets(out), (std::vector<std::string>{"level"}));
  const auto stored = kscan::read_dataset(out, "level");
  ASSERT_EQ(stored.series.y.extent(0), 3u);
  EXPECT_EQ(stored.series.y(0, 0), 0.5);
  EXPECT_EQ(stored.series.y(1, 0), 1.5);
  EXPECT_EQ(stored.series.y(2, 0), 2.5);
  EXPECT_EQ(kscan::read_run(out, "pkf-blocked-float64-T3-B1-level").key.length, 3);

  // ny 2 against the model's 1: refused at validation, naming both.
  kscan::DeckOptions options;
  options.measurement_reader = kscan::read_measurement_array;
  options.check_output = false;
  try {
    kscan::parse_deck(kLocalLevel + "data: {source: file, file: measured.h5, path: /obs/flow}\n",
                      "deck.yaml", dir.path(), options);
    FAIL() << "accepted";
  } catch (const kscan::DeckError& e) {
    EXPECT_NE(std::string(e.what()).find("(dataset /obs/flow) have ny = 2 components, the model "
                                         "observes ny = 1"),
              std::string::npos)
        << e.what();
  }
}

TEST(FileSources, KscanLayoutKeepsTheGivenDatasetName) {
  TempDir dir;
  const std::string source = dir.file("source.h5");
  {
    auto file = kscan::Hdf5ResultFile::create(source, make_root(), false);
    auto series = make_series(6, 1, 1, false, 0.0);
    file.write_dataset("river", make_model(1, 1, 1, 0.0), &series);
    file.commit();
  }
  const std::string out = dir.file("out.h5");
  run_deck(kLocalLevel + "data: {source: file, file: source.h5, dataset: river}\n", dir, out);
  EXPECT_EQ(kscan::list_datasets(out), (std::vector<std::string>{"river"}));
  const auto stored = kscan::read_dataset(out, "river");
  const auto expected = make_series(6, 1, 1, false, 0.0);
  ASSERT_EQ(stored.series.y.extent(0), 6u);
  EXPECT_TRUE(same_bits(stored.series.y.data(), expected.y.data(), 6));
}
