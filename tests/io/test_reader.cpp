// Reading back: a dataset round-trips bit for bit, a run round-trips, and every malformed input
// gives an IoError that names the file and the problem.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "io_test_support.hpp"
#include "kscan/io/hdf5_reader.hpp"
#include "kscan/io/hdf5_result_file.hpp"

namespace kscan {
namespace {

using namespace iotest;

template <class View>
void expect_same(const View& a, const View& b, const char* name) {
  ASSERT_EQ(a.span(), b.span()) << name;
  for (std::size_t r = 0; r < View::rank; ++r) EXPECT_EQ(a.extent(r), b.extent(r)) << name;
  EXPECT_TRUE(same_bits(a.data(), b.data(), a.span())) << name;
}

TEST(Hdf5Reader, DatasetRoundTripIsBitExact) {
  TempDir dir;
  const std::string path = dir.file("roundtrip.h5");
  const HostModel tv = make_model(4, 3, 6, 0.5);
  const HostSeries tv_series = make_series(6, 4, 3, true, 0.5);
  const HostModel ti = make_model(1, 1, 1, 7.0);
  const HostSeries ti_series = make_series(9, 1, 1, false, 7.0);
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    file.write_dataset("tv", tv, &tv_series);
    file.write_dataset("ti", ti, &ti_series);
    file.commit();
  }
  EXPECT_EQ(list_datasets(path), (std::vector<std::string>{"ti", "tv"}));
  const StoredDataset a = read_dataset(path, "tv");
  EXPECT_TRUE(a.has_measurements);
  EXPECT_TRUE(a.has_truth);
  EXPECT_EQ(a.model.nx(), 4);
  EXPECT_EQ(a.model.ny(), 3);
  EXPECT_EQ(a.model.stored(), 6);
  EXPECT_EQ(a.series.length(), 6);
  expect_same(a.model.F, tv.F, "F");
  expect_same(a.model.c, tv.c, "c");
  expect_same(a.model.Q, tv.Q, "Q");
  expect_same(a.model.H, tv.H, "H");
  expect_same(a.model.d, tv.d, "d");
  expect_same(a.model.R, tv.R, "R");
  expect_same(a.model.m0, tv.m0, "m0");
  expect_same(a.model.P0, tv.P0, "P0");
  expect_same(a.series.y, tv_series.y, "y");
  expect_same(a.series.x_true, tv_series.x_true, "x_true");
  EXPECT_TRUE(std::isnan(a.series.y(1, 0)));

  const StoredDataset b = read_dataset(path, "ti");
  EXPECT_FALSE(b.has_truth);
  EXPECT_EQ(b.series.x_true.extent(0), 0u);
  EXPECT_FALSE(b.model.time_varying());
  expect_same(b.model.F, ti.F, "F");
  expect_same(b.model.R, ti.R, "R");
  expect_same(b.series.y, ti_series.y, "y");
}

TEST(Hdf5Reader, RunRoundTrip) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  RunResult run = make_run("prts", "ladner_fischer", "float32", 5, 0.003, 2, "tracking", 2.0);
  run.metrics.mfu = 0.03125;
  run.metrics.finite = false;
  add_estimates(run, 2);
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    file.write_run(run);
    EXPECT_EQ(file.runs().size(), 1u);
    file.commit();
  }
  const std::string id = "prts-ladner_fischer-float32-T5-B2-tracking";
  EXPECT_EQ(run.key.id(), id);
  const RunResult back = read_run(path, id, true);
  EXPECT_EQ(back.key.id(), id);
  EXPECT_EQ(back.key.method, "prts");
  EXPECT_EQ(back.key.scan, "ladner_fischer");
  EXPECT_EQ(back.key.precision, "float32");
  EXPECT_EQ(back.key.length, 5);
  EXPECT_EQ(back.key.batch, 2);
  EXPECT_EQ(back.key.dataset, "tracking");
  EXPECT_EQ(back.threads_or_device, run.threads_or_device);
  EXPECT_EQ(back.total_seconds, run.total_seconds);
  for (int p = 0; p < phase_count; ++p) EXPECT_EQ(back.phase_seconds[p], run.phase_seconds[p]);
  const RunMetrics& m = back.metrics;
  EXPECT_EQ(m.median_seconds, run.metrics.median_seconds);
  EXPECT_EQ(m.min_seconds, run.metrics.min_seconds);
  EXPECT_EQ(m.mean_seconds, run.metrics.mean_seconds);
  EXPECT_EQ(m.throughput_msps, run.metrics.throughput_msps);
  EXPECT_EQ(m.flops, run.metrics.flops);
  EXPECT_EQ(m.achieved_gflops, run.metrics.achieved_gflops);
  ASSERT_TRUE(m.mfu.has_value());
  EXPECT_EQ(*m.mfu, 0.03125);
  EXPECT_EQ(m.peak_memory_bytes, run.metrics.peak_memory_bytes);
  EXPECT_EQ(m.rmse_vs_truth, run.metrics.rmse_vs_truth);
  EXPECT_EQ(m.max_abs_diff_vs_reference, run.metrics.max_abs_diff_vs_reference);
  EXPECT_EQ(m.loglik, run.metrics.loglik);
  EXPECT_FALSE(m.finite);
  EXPECT_TRUE(back.has_estimates);
  EXPECT_EQ(back.nx, 2);
  EXPECT_EQ(back.mean, run.mean);
  EXPECT_EQ(back.covariance, run.covariance);
  // Without estimates: nx is known, nothing is loaded.
  const RunResult light = read_run(path, id);
  EXPECT_FALSE(light.has_estimates);
  EXPECT_EQ(light.nx, 2);
  EXPECT_TRUE(light.mean.empty());
  EXPECT_EQ(read_runs(path).size(), 1u);
}

// The form is a run attribute and a /summary column; a sqrt run and the standard run of the same
// method, scan, precision and length are two runs (two ids: --resume skips only the one stored).
TEST(Hdf5Reader, FormRoundTripAndResumeKeepsFormsApart) {
  TempDir dir;
  const std::string path = dir.file("forms.h5");
  RunResult standard = make_run("pkf", "blocked", "float32", 8, 0.002);
  RunResult sqrt_run = standard;
  sqrt_run.key.form = "sqrt";
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    file.write_run(sqrt_run);
    file.commit();
    ASSERT_EQ(file.summary().size(), 1u);
    EXPECT_EQ(file.summary()[0].form, "sqrt");
  }
  const RunResult back = read_run(path, "pkf-sqrt-blocked-float32-T8-B1");
  EXPECT_EQ(back.key.form, "sqrt");
  EXPECT_EQ(back.key.method, "pkf");
  {
    Raw f{raw_open(path), H5Fclose};
    Raw g{H5Gopen2(f.id, "/runs/pkf-sqrt-blocked-float32-T8-B1", H5P_DEFAULT), H5Gclose};
    EXPECT_EQ(raw_text(g.id, "form"), "sqrt");
  }
  {
    auto file = Hdf5ResultFile::create(path, make_root(), true);
    EXPECT_TRUE(file.contains_run(sqrt_run.key.id()));
    EXPECT_FALSE(file.contains_run(standard.key.id()));
    file.write_run(standard);
    file.commit();
    ASSERT_EQ(file.summary().size(), 2u);
    EXPECT_EQ(file.summary()[0].form, "standard");  // standard before sqrt
    EXPECT_EQ(file.summary()[1].form, "sqrt");
  }
  EXPECT_EQ(list_runs(path), (std::vector<std::string>{"pkf-blocked-float32-T8-B1",
                                                       "pkf-sqrt-blocked-float32-T8-B1"}));
}

// Files written before forms existed have no form attribute: their runs are standard.
TEST(Hdf5Reader, RunWithoutFormAttributeIsStandard) {
  TempDir dir;
  const std::string path = dir.file("old.h5");
  const RunResult run = make_run("kf", "none", "float64", 8, 0.001);
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    file.write_run(run);
    file.commit();
  }
  {
    Raw f{H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
    ASSERT_GE(f.id, 0);
    Raw g{H5Gopen2(f.id, ("/runs/" + run.key.id()).c_str(), H5P_DEFAULT), H5Gclose};
    ASSERT_GE(H5Adelete(g.id, "form"), 0);
  }
  const RunResult back = read_run(path, run.key.id());
  EXPECT_EQ(back.key.form, "standard");
  EXPECT_EQ(back.key.id(), run.key.id());
}

/// Expects an IoError whose file is `path` and whose message contains every fragment.
void expect_io_error(const std::function<void()>& action, const std::string& path,
                     const std::vector<std::string>& fragments) {
  try {
    action();
    ADD_FAILURE() << "expected IoError mentioning " << fragments.front();
  } catch (const IoError& e) {
    EXPECT_EQ(e.file(), path) << e.what();
    for (const auto& fragment : fragments)
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
          << "'" << fragment << "' not in: " << e.what();
  }
}

/// A hand-made dataset group /datasets/m: nx 2, ny 1, stored S, T rows of y.
struct RawFile {
  std::string path;
  hid_t file;
  hid_t group;
  RawFile(const std::string& p) : path(p) {
    file = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t datasets = H5Gcreate2(file, "/datasets", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(datasets);
    group = H5Gcreate2(file, "/datasets/m", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  }
  ~RawFile() { close(); }
  void close() {
    if (group >= 0) H5Gclose(group);
    if (file >= 0) H5Fclose(file);
    group = file = -1;
  }
  void put(const std::string& name, std::vector<hsize_t> dims, double value = 0.5,
           hid_t type = H5T_IEEE_F64LE) {
    std::size_t n = 1;
    for (auto d : dims) n *= d;
    raw_write(group, name, dims, std::vector<double>(n, value), type);
  }
  /// A valid time-invariant model with nx 2, ny 1 and T rows of y (c and d omitted).
  void valid(hsize_t T) {
    put("F", {1, 2, 2});
    put("Q", {1, 2, 2});
    put("H", {1, 1, 2});
    put("R", {1, 1, 1});
    put("m0", {2});
    put("P0", {2, 2});
    put("y", {T, 1});
  }
};

TEST(Hdf5Reader, MissingAndForeignFiles) {
  TempDir dir;
  const std::string missing = dir.file("nope.h5");
  expect_io_error([&] { read_dataset(missing, "m"); }, missing, {"no such file"});
  const std::string text = dir.file("text.h5");
  { std::ofstream(text) << "hello"; }
  expect_io_error([&] { read_dataset(text, "m"); }, text, {"not an HDF5 file"});
  expect_io_error([&] { read_dataset(dir.path(), "m"); }, dir.path(), {"is a directory"});
  const std::string empty = dir.file("empty.h5");
  { RawFile f(empty); }
  expect_io_error([&] { read_root_attributes(empty); }, empty, {"no format_version"});
  expect_io_error([&] { read_run(empty, "kf-none-float64-T8-B1"); }, empty,
                  {"no run 'kf-none-float64-T8-B1'"});
}

TEST(Hdf5Reader, MissingGroupListsWhatIsThere) {
  TempDir dir;
  const std::string path = dir.file("f.h5");
  {
    RawFile f(path);
    f.valid(3);
  }
  expect_io_error([&] { read_dataset(path, "other"); }, path,
                  {"no dataset 'other'", "/datasets/other", "the file holds: m"});
}

TEST(Hdf5Reader, TolerantForms) {
  TempDir dir;
  const std::string path = dir.file("tolerant.h5");
  {
    RawFile f(path);
    // float32 and integer arrays, no c/d, rank-2 time-invariant shorthand for F.
    f.put("F", {2, 2}, 0.25, H5T_IEEE_F32LE);
    f.put("Q", {1, 2, 2}, 3.0, H5T_STD_I32LE);
    f.put("H", {1, 1, 2});
    f.put("R", {1, 1, 1});
    f.put("m0", {2});
    f.put("P0", {2, 2});
    f.put("y", {4, 1}, nan);  // every observation missing is allowed
  }
  const StoredDataset d = read_dataset(path, "m");
  EXPECT_EQ(d.model.stored(), 1);
  EXPECT_EQ(d.model.F(0, 1, 1), 0.25);
  EXPECT_EQ(d.model.Q(0, 0, 1), 3.0);
  EXPECT_EQ(d.model.c(0, 1), 0.0);
  EXPECT_EQ(d.model.d(0, 0), 0.0);
  EXPECT_EQ(d.series.length(), 4);
  EXPECT_FALSE(d.has_truth);
}

// Arrays vary in time independently: one F, an H per step; the initial state's convention is
// read back with the model.
TEST(Hdf5Reader, ArraysWithSlotsOfTheirOwn) {
  TempDir dir;
  const std::string path = dir.file("slots.h5");
  {
    RawFile f(path);
    f.valid(3);
    H5Ldelete(f.group, "H", H5P_DEFAULT);
    f.put("H", {3, 1, 2});
  }
  const auto d = read_dataset(path, "m", true);
  const kscan::ModelSlots slots = d.model.slots();
  EXPECT_EQ(slots.F, 1);
  EXPECT_EQ(slots.H, 3);
  EXPECT_EQ(slots.R, 1);
  EXPECT_EQ(d.model.stored(), 3);
  EXPECT_TRUE(d.model.time_varying());
  EXPECT_FALSE(d.model.initial_is_predicted);
}

TEST(Hdf5Reader, ShapeAndValueErrors) {
  TempDir dir;
  int counter = 0;
  // Builds a file from a valid one changed by `edit`, expects an error with `fragments`.
  auto check = [&](const std::function<void(RawFile&)>& edit,
                   const std::vector<std::string>& fragments, bool require = true) {
    const std::string path = dir.file("bad" + std::to_string(counter++) + ".h5");
    {
      RawFile f(path);
      edit(f);
    }
    SCOPED_TRACE(fragments.front());
    expect_io_error([&] { read_dataset(path, "m", require); }, path, fragments);
  };
  auto without = [](RawFile& f, const char* name) { H5Ldelete(f.group, name, H5P_DEFAULT); };

  check([&](RawFile& f) { f.valid(3); without(f, "F"); }, {"has no array 'F'", "/datasets/m"});
  check([&](RawFile& f) { f.valid(3); without(f, "P0"); }, {"has no array 'P0'", "[nx, nx]"});
  check([&](RawFile& f) { f.valid(3); without(f, "y"); }, {"has no measurements", "'y'"});
  check([&](RawFile& f) { f.valid(3); without(f, "F"); f.put("F", {1, 1, 2, 2}); },
        {"'/datasets/m/F' has rank 4", "[1, 1, 2, 2]", "expected rank 3 ([T|1, nx, nx])"});
  check([&](RawFile& f) { f.valid(3); without(f, "F"); f.put("F", {1, 2, 3}); },
        {"not square", "[1, 2, 3]"});
  check([&](RawFile& f) { f.valid(3); without(f, "H"); f.put("H", {1, 1, 3}); },
        {"'/datasets/m/H' has shape [1, 1, 3], expected [1, 1, 2]"});
  // Each array has 1 slot or as many as the longest; the longest must match y.
  check([&](RawFile& f) { f.valid(3); without(f, "Q"); f.put("Q", {2, 2, 2}); },
        {"the model stores 2 time slots but y has 3 rows"});
  check([&](RawFile& f) {
          f.valid(3);
          without(f, "F");
          f.put("F", {3, 2, 2});
          without(f, "Q");
          f.put("Q", {2, 2, 2});
        },
        {"'/datasets/m/Q' has shape [2, 2, 2], expected [3, 2, 2]", "1 slot, or as many"});
  check([&](RawFile& f) { f.valid(3); without(f, "y"); f.put("y", {3, 2}); },
        {"'/datasets/m/y' has shape [3, 2], expected [3, 1]"});
  check([&](RawFile& f) { f.valid(3); without(f, "m0"); f.put("m0", {3}); },
        {"'/datasets/m/m0' has shape [3], expected [2]"});
  check([&](RawFile& f) { f.valid(3); f.put("x_true", {3, 3}); },
        {"'/datasets/m/x_true' has shape [3, 3], expected [3, 2]"});
  check([&](RawFile& f) { f.valid(3); f.put("c", {1, 3}); },
        {"'/datasets/m/c' has shape [1, 3], expected [1, 2]"});
  // Dimensions out of 1..dimension_limit.
  constexpr hsize_t above = kscan::dimension_limit + 1;
  check([&](RawFile& f) {
          f.put("F", {1, above, above});
          f.put("H", {1, 1, above});
        },
        {"state dimension nx = " + std::to_string(above),
         "outside 1.." + std::to_string(kscan::dimension_limit)});
  check([&](RawFile& f) {
          f.put("F", {1, 0, 0});
          f.put("H", {1, 1, 0});
        },
        {"state dimension nx = 0"});
  check([&](RawFile& f) {
          f.put("F", {1, 2, 2});
          f.put("H", {1, 40, 2});
        },
        {"observation dimension ny = 40"});
  // A time-varying model must have one slot per step.
  check([&](RawFile& f) {
          f.put("F", {4, 2, 2});
          f.put("Q", {4, 2, 2});
          f.put("H", {4, 1, 2});
          f.put("R", {4, 1, 1});
          f.put("m0", {2});
          f.put("P0", {2, 2});
          f.put("y", {5, 1});
        },
        {"stores 4 time slots but y has 5 rows"});
  // Values: NaN only in y, never inf.
  check([&](RawFile& f) { f.valid(3); without(f, "R"); f.put("R", {1, 1, 1}, nan); },
        {"'/datasets/m/R' holds a non-finite value"});
  check([&](RawFile& f) {
          f.valid(3);
          without(f, "y");
          f.put("y", {3, 1}, std::numeric_limits<double>::infinity());
        },
        {"'/datasets/m/y' holds a non-finite value", "inf is not allowed"});
  // Not numbers.
  check([&](RawFile& f) {
          f.valid(3);
          without(f, "P0");
          Raw type{H5Tcopy(H5T_C_S1), H5Tclose};
          H5Tset_size(type.id, 4);
          hsize_t dims[2] = {2, 2};
          Raw space{H5Screate_simple(2, dims, nullptr), H5Sclose};
          Raw ds{H5Dcreate2(f.group, "P0", type.id, space.id, H5P_DEFAULT, H5P_DEFAULT,
                            H5P_DEFAULT),
                 H5Dclose};
        },
        {"'/datasets/m/P0' does not hold numbers"});
  // Not a group.
  check([&](RawFile& f) {
          f.close();
          hid_t file = H5Fopen(f.path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
          H5Ldelete(file, "/datasets/m", H5P_DEFAULT);
          raw_write(file, "/datasets/m", {1}, {1.0});
          H5Fclose(file);
        },
        {"no dataset 'm'"});
}

TEST(Hdf5Reader, ModelWithoutMeasurements) {
  TempDir dir;
  const std::string path = dir.file("model.h5");
  {
    RawFile f(path);
    f.valid(3);
    H5Ldelete(f.group, "y", H5P_DEFAULT);
  }
  const StoredDataset d = read_dataset(path, "m", false);
  EXPECT_FALSE(d.has_measurements);
  EXPECT_EQ(d.series.y.extent(0), 0u);
  EXPECT_EQ(d.series.y.extent(1), 1u);
}

}  // namespace
}  // namespace kscan
