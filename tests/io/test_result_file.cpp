// Hdf5ResultFile against the HDF5 output contract (design.md, format_version 1), checked with the
// raw HDF5 C API: root attributes, datasets, runs, /summary, temporary name and rename, resume,
// interrupted files, unwritable outputs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "io_test_support.hpp"
#include "kscan/io/hdf5_reader.hpp"
#include "kscan/io/hdf5_result_file.hpp"

namespace kscan {
namespace {

using namespace iotest;
namespace fs = std::filesystem;

/// The sweep the tests write: 2 datasets, 6 runs with hand-chosen medians.
///   kf   none     float64 T=1024 median 0.020   (sequential: speedup 1)
///   pkf  blocked  float64 T=1024 median 0.005   -> speedup 0.020/0.005 = 4
///   pkf  hillis   float64 T=1024 median 0.040   -> speedup 0.5; mfu 0.125 known
///   pkf  blocked  float32 T=1024 median 0.004   -> no float32 kf: NaN
///   rts  none     float64 T=16   median 0.001, dataset "small"
///   prts blelloch float64 T=16   median 0.0005, dataset "small" -> speedup 2; estimates kept
struct Sweep {
  HostModel tv = make_model(3, 2, 5, 0.0);  // time-varying, T = 5
  HostSeries tv_series = make_series(5, 3, 2, true, 0.0);
  HostModel ti = make_model(2, 1, 1, 100.0);  // time-invariant
  HostSeries ti_series = make_series(4, 2, 1, false, 100.0);
  std::vector<RunResult> runs;
  Sweep() {
    runs.push_back(make_run("kf", "none", "float64", 1024, 0.020, 1, "default", 1.0));
    runs.push_back(make_run("pkf", "blocked", "float64", 1024, 0.005, 1, "default", 2.0));
    runs.push_back(make_run("pkf", "hillis_steele", "float64", 1024, 0.040, 1, "default", 3.0));
    runs.back().metrics.mfu = 0.125;
    runs.push_back(make_run("pkf", "blocked", "float32", 1024, 0.004, 1, "default", 4.0));
    runs.push_back(make_run("rts", "none", "float64", 16, 0.001, 1, "small", 5.0));
    runs.push_back(make_run("prts", "blelloch", "float64", 16, 0.0005, 1, "small", 6.0));
    add_estimates(runs.back(), 3);
  }
  void write(Hdf5ResultFile& file) const {
    file.write_dataset("default", tv, &tv_series);
    file.write_dataset("small", ti, &ti_series);
    for (const auto& r : runs) file.write_run(r);
  }
};

TEST(Hdf5ResultFile, WritesToPartialAndRenamesOnCommit) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  auto file = Hdf5ResultFile::create(path, make_root(), false);
  EXPECT_EQ(file.temporary_path(), path + ".partial");
  EXPECT_EQ(Hdf5ResultFile::temporary_path_for(path), path + ".partial");
  EXPECT_TRUE(file.resumed_from().empty());
  Sweep sweep;
  sweep.write(file);
  EXPECT_TRUE(fs::exists(path + ".partial"));
  EXPECT_FALSE(fs::exists(path));
  file.commit();
  EXPECT_TRUE(file.committed());
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".partial"));
  // After commit: answers from what was committed; writes are refused.
  EXPECT_TRUE(file.contains_run(sweep.runs[0].key.id()));
  EXPECT_TRUE(file.contains_dataset("small"));
  EXPECT_FALSE(file.contains_dataset("other"));
  EXPECT_THROW(file.write_run(make_run("tfs", "none", "float64", 8, 1.0)), IoError);
  EXPECT_THROW(file.commit(), IoError);
  EXPECT_EQ(file.run_ids().size(), 6u);
}

TEST(Hdf5ResultFile, RootAttributes) {
  TempDir dir;
  const std::string path = dir.file("root.h5");
  const RootAttributes root = make_root();
  {
    auto file = Hdf5ResultFile::create(path, root, false);
    file.commit();
  }
  Raw f{raw_open(path), H5Fclose};
  ASSERT_GE(f.id, 0);
  EXPECT_EQ(raw_attribute_names(f.id),
            (std::vector<std::string>{"backends", "compiler", "concurrency", "created", "deck",
                                      "device", "execution_space", "format_version",
                                      "hdf5_version", "hostname", "kokkos_version",
                                      "kscan_version", "yaml_cpp_version"}));
  EXPECT_EQ(raw_text(f.id, "kscan_version"), "0.1.0 (git test)");
  EXPECT_EQ(raw_int(f.id, "format_version"), 1);
  EXPECT_EQ(raw_text(f.id, "kokkos_version"), "3.4.1");
  EXPECT_EQ(raw_text(f.id, "hdf5_version"), "1.10.8");
  EXPECT_EQ(raw_text(f.id, "yaml_cpp_version"), "0.7.0");
  EXPECT_EQ(raw_text(f.id, "execution_space"), "OpenMP");
  EXPECT_EQ(raw_text(f.id, "backends"), "Serial, OpenMP");
  EXPECT_EQ(raw_text(f.id, "device"), "Test CPU @ 1 GHz");
  EXPECT_EQ(raw_int(f.id, "concurrency"), 2);
  EXPECT_EQ(raw_text(f.id, "hostname"), "testhost");
  EXPECT_EQ(raw_text(f.id, "compiler"), "gcc test");
  EXPECT_EQ(raw_text(f.id, "created"), "2026-11-23T10:00:00Z");
  EXPECT_EQ(raw_text(f.id, "deck"), root.deck);
  // Top level: datasets, runs, summary; no staging group left behind.
  EXPECT_TRUE(raw_exists(f.id, "/datasets"));
  EXPECT_TRUE(raw_exists(f.id, "/runs"));
  EXPECT_TRUE(raw_exists(f.id, "/summary"));
  EXPECT_FALSE(raw_exists(f.id, "/incomplete"));
  EXPECT_EQ(raw_dims(f.id, "/summary"), std::vector<hsize_t>{0});  // no runs: no rows

  const RootAttributes back = read_root_attributes(path);
  EXPECT_EQ(back.environment.enabled_backends, root.environment.enabled_backends);
  EXPECT_EQ(back.environment.concurrency, 2);
  EXPECT_EQ(back.deck, root.deck);
  EXPECT_TRUE(back.resumed.empty());
}

TEST(Hdf5ResultFile, LargeDeckAttribute) {
  // Variable-length strings have no 64 KiB attribute limit.
  TempDir dir;
  const std::string path = dir.file("deck.h5");
  RootAttributes root = make_root();
  root.deck = std::string(200000, 'x') + "\nend: true\n";
  auto file = Hdf5ResultFile::create(path, root, false);
  file.commit();
  EXPECT_EQ(read_root_attributes(path).deck, root.deck);
}

TEST(Hdf5ResultFile, Datasets) {
  TempDir dir;
  const std::string path = dir.file("datasets.h5");
  Sweep sweep;
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    sweep.write(file);
    EXPECT_TRUE(file.contains_dataset("default"));
    EXPECT_TRUE(file.contains_dataset("small"));
    EXPECT_FALSE(file.contains_dataset("missing"));
    EXPECT_THROW(file.write_dataset("small", sweep.ti, &sweep.ti_series), IoError);
    file.commit();
  }
  Raw f{raw_open(path), H5Fclose};
  ASSERT_GE(f.id, 0);
  using D = std::vector<hsize_t>;
  // Time-varying, 5 slots, nx 3, ny 2, with truth.
  const std::map<std::string, D> tv_shapes = {
      {"F", D{5, 3, 3}}, {"c", D{5, 3}}, {"Q", D{5, 3, 3}}, {"H", D{5, 2, 3}}, {"d", D{5, 2}},
      {"R", D{5, 2, 2}}, {"m0", D{3}},   {"P0", D{3, 3}},   {"y", D{5, 2}},    {"x_true", D{5, 3}}};
  for (const auto& [name, dims] : tv_shapes)
    EXPECT_EQ(raw_dims(f.id, "/datasets/default/" + name), dims) << name;
  auto check = [&](const std::string& p, const auto& view) {
    const auto values = raw_doubles(f.id, p);
    ASSERT_EQ(values.size(), view.span()) << p;
    EXPECT_TRUE(same_bits(values.data(), view.data(), values.size())) << p;
  };
  check("/datasets/default/F", sweep.tv.F);
  check("/datasets/default/c", sweep.tv.c);
  check("/datasets/default/Q", sweep.tv.Q);
  check("/datasets/default/H", sweep.tv.H);
  check("/datasets/default/d", sweep.tv.d);
  check("/datasets/default/R", sweep.tv.R);
  check("/datasets/default/m0", sweep.tv.m0);
  check("/datasets/default/P0", sweep.tv.P0);
  check("/datasets/default/y", sweep.tv_series.y);
  check("/datasets/default/x_true", sweep.tv_series.x_true);
  const auto y = raw_doubles(f.id, "/datasets/default/y");
  EXPECT_TRUE(std::isnan(y[1 * 2 + 0]));  // missing observations stay NaN
  EXPECT_TRUE(std::isnan(y[2 * 2 + 0]) && std::isnan(y[2 * 2 + 1]));
  {
    Raw g{H5Gopen2(f.id, "/datasets/default", H5P_DEFAULT), H5Gclose};
    EXPECT_EQ(raw_int(g.id, "nx"), 3);
    EXPECT_EQ(raw_int(g.id, "ny"), 2);
    EXPECT_EQ(raw_int(g.id, "stored"), 5);
    EXPECT_EQ(raw_int(g.id, "length"), 5);
    EXPECT_EQ(raw_int(g.id, "time_varying"), 1);
  }
  // Time-invariant, 1 slot, T = 4, no truth.
  const std::map<std::string, D> ti_shapes = {
      {"F", D{1, 2, 2}}, {"c", D{1, 2}}, {"Q", D{1, 2, 2}}, {"H", D{1, 1, 2}},
      {"d", D{1, 1}},    {"R", D{1, 1, 1}}, {"m0", D{2}},   {"P0", D{2, 2}}, {"y", D{4, 1}}};
  for (const auto& [name, dims] : ti_shapes)
    EXPECT_EQ(raw_dims(f.id, "/datasets/small/" + name), dims) << name;
  EXPECT_FALSE(raw_exists(f.id, "/datasets/small/x_true"));
  check("/datasets/small/F", sweep.ti.F);
  check("/datasets/small/y", sweep.ti_series.y);
  Raw g{H5Gopen2(f.id, "/datasets/small", H5P_DEFAULT), H5Gclose};
  EXPECT_EQ(raw_int(g.id, "length"), 4);
  EXPECT_EQ(raw_int(g.id, "time_varying"), 0);
}

TEST(Hdf5ResultFile, DatasetWithoutSeriesAndInvalidDatasets) {
  TempDir dir;
  auto file = Hdf5ResultFile::create(dir.file("m.h5"), make_root(), false);
  const HostModel model = make_model(2, 2, 1, 0.0);
  file.write_dataset("model_only", model, nullptr);
  EXPECT_TRUE(file.contains_dataset("model_only"));
  // A time-varying model whose slots do not match the series length.
  const HostModel tv = make_model(2, 2, 3, 0.0);
  const HostSeries series = make_series(4, 2, 2, false, 0.0);
  EXPECT_THROW(file.write_dataset("bad", tv, &series), std::invalid_argument);
  EXPECT_FALSE(file.contains_dataset("bad"));  // nothing half-written is visible
  EXPECT_THROW(file.write_dataset("a/b", model, nullptr), std::invalid_argument);
  EXPECT_THROW(file.write_dataset("", model, nullptr), std::invalid_argument);
  file.commit();
  const auto stored = read_dataset(dir.file("m.h5"), "model_only", false);
  EXPECT_FALSE(stored.has_measurements);
  EXPECT_EQ(stored.model.nx(), 2);
  EXPECT_EQ(list_datasets(dir.file("m.h5")), std::vector<std::string>{"model_only"});
}

TEST(Hdf5ResultFile, Runs) {
  TempDir dir;
  const std::string path = dir.file("runs.h5");
  Sweep sweep;
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    sweep.write(file);
    for (const auto& r : sweep.runs) EXPECT_TRUE(file.contains_run(r.key.id()));
    EXPECT_FALSE(file.contains_run("kf-none-float32-T1024-B1"));
    EXPECT_THROW(file.write_run(sweep.runs[0]), IoError);  // already stored
    file.commit();
  }
  Raw f{raw_open(path), H5Fclose};
  ASSERT_GE(f.id, 0);
  EXPECT_EQ(list_runs(path),
            (std::vector<std::string>{"kf-none-float64-T1024-B1", "pkf-blocked-float32-T1024-B1",
                                      "pkf-blocked-float64-T1024-B1",
                                      "pkf-hillis_steele-float64-T1024-B1",
                                      "prts-blelloch-float64-T16-B1-small",
                                      "rts-none-float64-T16-B1-small"}));
  for (const RunResult& r : sweep.runs) {
    const std::string id = r.key.id();
    SCOPED_TRACE(id);
    Raw g{H5Gopen2(f.id, ("/runs/" + id).c_str(), H5P_DEFAULT), H5Gclose};
    ASSERT_GE(g.id, 0);
    std::vector<std::string> names = {
        "achieved_gflops", "batch", "dataset", "finite", "flops", "form", "length", "loglik",
        "max_abs_diff_vs_reference", "max_rel_diff_cov_vs_reference",
        "max_rel_diff_mean_vs_reference", "mean_seconds", "median_seconds", "method",
        "min_seconds", "peak_memory_bytes", "precision", "rel_diff_loglik_vs_reference",
        "repetitions", "rmse_vs_truth", "scan", "threads_or_device", "throughput_msps"};
    if (r.metrics.mfu) names.insert(names.begin() + 14, "mfu");
    EXPECT_EQ(raw_attribute_names(g.id), names);
    EXPECT_EQ(raw_text(g.id, "method"), r.key.method);
    EXPECT_EQ(raw_text(g.id, "form"), "standard");
    EXPECT_EQ(raw_text(g.id, "scan"), r.key.scan);
    EXPECT_EQ(raw_text(g.id, "precision"), r.key.precision);
    EXPECT_EQ(raw_int(g.id, "length"), r.key.length);
    EXPECT_EQ(raw_int(g.id, "batch"), r.key.batch);
    EXPECT_EQ(raw_text(g.id, "dataset"), r.key.dataset);
    EXPECT_EQ(raw_text(g.id, "threads_or_device"), "OpenMP x2");
    EXPECT_EQ(raw_int(g.id, "repetitions"), 3);
    const RunMetrics& m = r.metrics;
    EXPECT_EQ(raw_real(g.id, "median_seconds"), m.median_seconds);
    EXPECT_EQ(raw_real(g.id, "min_seconds"), m.min_seconds);
    EXPECT_EQ(raw_real(g.id, "mean_seconds"), m.mean_seconds);
    EXPECT_EQ(raw_real(g.id, "throughput_msps"), m.throughput_msps);
    EXPECT_EQ(raw_real(g.id, "flops"), m.flops);
    EXPECT_EQ(raw_real(g.id, "achieved_gflops"), m.achieved_gflops);
    if (m.mfu)
      EXPECT_EQ(raw_real(g.id, "mfu"), 0.125);
    else
      EXPECT_EQ(H5Aexists(g.id, "mfu"), 0);
    EXPECT_EQ(raw_int(g.id, "peak_memory_bytes"), m.peak_memory_bytes);
    EXPECT_EQ(raw_real(g.id, "rmse_vs_truth"), m.rmse_vs_truth);
    EXPECT_EQ(raw_real(g.id, "max_abs_diff_vs_reference"), m.max_abs_diff_vs_reference);
    EXPECT_EQ(raw_real(g.id, "max_rel_diff_mean_vs_reference"),
              m.max_rel_diff_mean_vs_reference);
    EXPECT_EQ(raw_real(g.id, "max_rel_diff_cov_vs_reference"), m.max_rel_diff_cov_vs_reference);
    EXPECT_EQ(raw_real(g.id, "rel_diff_loglik_vs_reference"), m.rel_diff_loglik_vs_reference);
    EXPECT_EQ(raw_real(g.id, "loglik"), m.loglik);
    EXPECT_EQ(raw_int(g.id, "finite"), 1);

    EXPECT_EQ(raw_dims(g.id, "timing/total_seconds"), std::vector<hsize_t>{3});
    EXPECT_EQ(raw_doubles(g.id, "timing/total_seconds"), r.total_seconds);
    for (int p = 0; p < phase_count; ++p) {
      const std::string name = std::string("timing/") + phase_names[p] + "_seconds";
      EXPECT_EQ(raw_dims(g.id, name), std::vector<hsize_t>{3}) << name;
      EXPECT_EQ(raw_doubles(g.id, name), r.phase_seconds[p]) << name;
    }
    if (r.has_estimates) {
      EXPECT_EQ(raw_dims(g.id, "estimates/mean"), (std::vector<hsize_t>{16, 3}));
      EXPECT_EQ(raw_dims(g.id, "estimates/cov"), (std::vector<hsize_t>{16, 3, 3}));
      EXPECT_EQ(raw_doubles(g.id, "estimates/mean"), r.mean);
      EXPECT_EQ(raw_doubles(g.id, "estimates/cov"), r.covariance);
    } else {
      EXPECT_FALSE(raw_exists(g.id, "estimates"));
    }
  }
}

TEST(Hdf5ResultFile, RunEdgeCases) {
  TempDir dir;
  const std::string path = dir.file("edge.h5");
  auto file = Hdf5ResultFile::create(path, make_root(), false);
  // Operation-count mode: no repetitions at all.
  RunResult counted = make_run("pkf", "sengupta_b", "float64", 64, 0.0);
  counted.total_seconds.clear();
  for (auto& p : counted.phase_seconds) p.clear();
  counted.metrics.flops_span = 123456.0;
  counted.metrics.simulated_threads = 15000;
  file.write_run(counted);
  // Phases not timed: NaN per repetition.
  RunResult untimed = make_run("kf", "none", "float64", 64, 0.5);
  for (auto& p : untimed.phase_seconds) p.clear();
  untimed.metrics.finite = false;
  file.write_run(untimed);
  // Inconsistent sizes are refused before anything is written.
  RunResult bad = make_run("rts", "none", "float64", 64, 0.5);
  bad.phase_seconds[2].pop_back();
  EXPECT_THROW(file.write_run(bad), std::invalid_argument);
  RunResult bad_estimates = make_run("tfs", "none", "float64", 4, 0.5);
  add_estimates(bad_estimates, 2);
  bad_estimates.covariance.pop_back();
  EXPECT_THROW(file.write_run(bad_estimates), std::invalid_argument);
  EXPECT_FALSE(file.contains_run(bad.key.id()));
  EXPECT_FALSE(file.contains_run(bad_estimates.key.id()));
  file.commit();

  Raw f{raw_open(path), H5Fclose};
  EXPECT_EQ(raw_dims(f.id, "/runs/" + counted.key.id() + "/timing/total_seconds"),
            std::vector<hsize_t>{0});
  EXPECT_EQ(raw_dims(f.id, "/runs/" + counted.key.id() + "/timing/copy_seconds"),
            std::vector<hsize_t>{0});
  {
    Raw c{H5Gopen2(f.id, ("/runs/" + counted.key.id()).c_str(), H5P_DEFAULT), H5Gclose};
    EXPECT_EQ(raw_real(c.id, "flops_span"), 123456.0);
    EXPECT_EQ(raw_int(c.id, "simulated_threads"), 15000);
    EXPECT_EQ(raw_int(c.id, "repetitions"), 0);
  }
  for (const RunResult& back : read_runs(path)) {
    const bool is_counted = back.key.id() == counted.key.id();
    EXPECT_EQ(back.metrics.flops_span.has_value(), is_counted) << back.key.id();
    if (is_counted) {
      EXPECT_EQ(*back.metrics.flops_span, 123456.0);
      EXPECT_EQ(back.metrics.simulated_threads, std::int64_t(15000));
    }
  }
  const auto phase = raw_doubles(f.id, "/runs/" + untimed.key.id() + "/timing/combine_seconds");
  ASSERT_EQ(phase.size(), 3u);
  for (double v : phase) EXPECT_TRUE(std::isnan(v));
  Raw g{H5Gopen2(f.id, ("/runs/" + untimed.key.id()).c_str(), H5P_DEFAULT), H5Gclose};
  EXPECT_EQ(raw_int(g.id, "finite"), 0);
  EXPECT_EQ(raw_dims(f.id, "/summary"), std::vector<hsize_t>{2});
}

/// One /summary row read back with the raw API into a memory compound of our own.
struct RawRow {
  char id[64], method[16], form[16], scan[32], precision[16], dataset[16], threads[32];
  std::int64_t length, batch, peak_memory_bytes, repetitions;
  double median_seconds, min_seconds, throughput_msps, speedup, max_abs_diff, rmse, loglik,
      flops, achieved_gflops, mfu, flops_span;
};

std::vector<RawRow> read_summary(hid_t file) {
  Raw ds{H5Dopen2(file, "/summary", H5P_DEFAULT), H5Dclose};
  Raw space{H5Dget_space(ds.id), H5Sclose};
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id));
  Raw type{H5Tcreate(H5T_COMPOUND, sizeof(RawRow)), H5Tclose};
  auto text = [&](const char* name, std::size_t offset, std::size_t size) {
    Raw s{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(s.id, size);
    H5Tset_strpad(s.id, H5T_STR_NULLTERM);
    H5Tset_cset(s.id, H5T_CSET_UTF8);
    H5Tinsert(type.id, name, offset, s.id);
  };
  text("id", offsetof(RawRow, id), 64);
  text("method", offsetof(RawRow, method), 16);
  text("form", offsetof(RawRow, form), 16);
  text("scan", offsetof(RawRow, scan), 32);
  text("precision", offsetof(RawRow, precision), 16);
  text("dataset", offsetof(RawRow, dataset), 16);
  text("threads_or_device", offsetof(RawRow, threads), 32);
  H5Tinsert(type.id, "length", offsetof(RawRow, length), H5T_NATIVE_INT64);
  H5Tinsert(type.id, "batch", offsetof(RawRow, batch), H5T_NATIVE_INT64);
  H5Tinsert(type.id, "peak_memory_bytes", offsetof(RawRow, peak_memory_bytes), H5T_NATIVE_INT64);
  H5Tinsert(type.id, "repetitions", offsetof(RawRow, repetitions), H5T_NATIVE_INT64);
  H5Tinsert(type.id, "median_seconds", offsetof(RawRow, median_seconds), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "min_seconds", offsetof(RawRow, min_seconds), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "throughput_msps", offsetof(RawRow, throughput_msps), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "speedup_vs_sequential", offsetof(RawRow, speedup), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "max_abs_diff_vs_reference", offsetof(RawRow, max_abs_diff),
            H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "rmse_vs_truth", offsetof(RawRow, rmse), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "loglik", offsetof(RawRow, loglik), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "flops", offsetof(RawRow, flops), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "achieved_gflops", offsetof(RawRow, achieved_gflops), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "mfu", offsetof(RawRow, mfu), H5T_NATIVE_DOUBLE);
  H5Tinsert(type.id, "flops_span", offsetof(RawRow, flops_span), H5T_NATIVE_DOUBLE);
  std::vector<RawRow> rows(n);
  if (n) {
    EXPECT_GE(H5Dread(ds.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), 0);
  }
  return rows;
}

std::vector<std::string> summary_member_names(hid_t file) {
  Raw ds{H5Dopen2(file, "/summary", H5P_DEFAULT), H5Dclose};
  Raw type{H5Dget_type(ds.id), H5Tclose};
  EXPECT_EQ(H5Tget_class(type.id), H5T_COMPOUND);
  std::vector<std::string> names;
  for (int i = 0; i < H5Tget_nmembers(type.id); ++i) {
    char* name = H5Tget_member_name(type.id, static_cast<unsigned>(i));
    names.push_back(name);
    H5free_memory(name);
    Raw member{H5Tget_member_type(type.id, static_cast<unsigned>(i)), H5Tclose};
    const H5T_class_t cls = H5Tget_class(member.id);
    if (cls == H5T_STRING)
      EXPECT_EQ(H5Tis_variable_str(member.id), 0) << names.back();  // fixed-length text
    else if (cls == H5T_INTEGER)
      EXPECT_GT(H5Tequal(member.id, H5T_STD_I64LE), 0) << names.back();
    else
      EXPECT_GT(H5Tequal(member.id, H5T_IEEE_F64LE), 0) << names.back();
  }
  return names;
}

TEST(Hdf5ResultFile, SummaryTable) {
  TempDir dir;
  const std::string path = dir.file("summary.h5");
  Sweep sweep;
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    sweep.write(file);
    EXPECT_TRUE(file.summary().empty());
    file.commit();
    EXPECT_EQ(file.summary().size(), 6u);
  }
  Raw f{raw_open(path), H5Fclose};
  EXPECT_EQ(summary_member_names(f.id),
            (std::vector<std::string>{
                "id", "method", "form", "scan", "precision", "length", "batch", "dataset",
                "threads_or_device", "median_seconds", "min_seconds", "throughput_msps",
                "speedup_vs_sequential", "max_abs_diff_vs_reference",
                "max_rel_diff_mean_vs_reference", "max_rel_diff_cov_vs_reference",
                "rel_diff_loglik_vs_reference", "rmse_vs_truth", "loglik",
                "peak_memory_bytes", "flops", "achieved_gflops", "mfu", "flops_span",
                "repetitions"}));
  const auto rows = read_summary(f.id);
  ASSERT_EQ(rows.size(), 6u);
  // Order: kf, rts, pkf..., prts; within a method by scan, precision, batch, length.
  const std::vector<std::string> order = {
      "kf-none-float64-T1024-B1",           "rts-none-float64-T16-B1-small",
      "pkf-blocked-float32-T1024-B1",       "pkf-blocked-float64-T1024-B1",
      "pkf-hillis_steele-float64-T1024-B1", "prts-blelloch-float64-T16-B1-small"};
  const std::vector<double> speedup = {1.0, 1.0, nan, 4.0, 0.5, 2.0};
  std::map<std::string, const RunResult*> by_id;
  for (const auto& r : sweep.runs) by_id[r.key.id()] = &r;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RawRow& row = rows[i];
    SCOPED_TRACE(row.id);
    EXPECT_EQ(std::string(row.id), order[i]);
    const RunResult& r = *by_id.at(row.id);
    EXPECT_EQ(std::string(row.method), r.key.method);
    EXPECT_EQ(std::string(row.form), "standard");
    EXPECT_EQ(std::string(row.scan), r.key.scan);
    EXPECT_EQ(std::string(row.precision), r.key.precision);
    EXPECT_EQ(std::string(row.dataset), r.key.dataset);
    EXPECT_EQ(std::string(row.threads), "OpenMP x2");
    EXPECT_EQ(row.length, r.key.length);
    EXPECT_EQ(row.batch, r.key.batch);
    EXPECT_EQ(row.median_seconds, r.metrics.median_seconds);
    EXPECT_EQ(row.min_seconds, r.metrics.min_seconds);
    EXPECT_EQ(row.throughput_msps, r.metrics.throughput_msps);
    if (std::isnan(speedup[i]))
      EXPECT_TRUE(std::isnan(row.speedup));
    else
      EXPECT_DOUBLE_EQ(row.speedup, speedup[i]);
    EXPECT_EQ(row.max_abs_diff, r.metrics.max_abs_diff_vs_reference);
    EXPECT_EQ(row.rmse, r.metrics.rmse_vs_truth);
    EXPECT_EQ(row.loglik, r.metrics.loglik);
    EXPECT_EQ(row.peak_memory_bytes, r.metrics.peak_memory_bytes);
    EXPECT_EQ(row.flops, r.metrics.flops);
    EXPECT_EQ(row.achieved_gflops, r.metrics.achieved_gflops);
    if (r.metrics.mfu)
      EXPECT_EQ(row.mfu, *r.metrics.mfu);
    else
      EXPECT_TRUE(std::isnan(row.mfu));
    EXPECT_TRUE(std::isnan(row.flops_span));  // timed runs
    EXPECT_EQ(row.repetitions, 3);
  }
}

TEST(Hdf5ResultFile, ResumeCommittedFile) {
  TempDir dir;
  const std::string path = dir.file("resume.h5");
  Sweep sweep;
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    sweep.write(file);
    file.commit();
  }
  RootAttributes later = make_root();
  later.created = "2026-11-24T08:00:00Z";
  later.deck = "experiment: {name: io-test, seed: 2}\n";
  {
    auto file = Hdf5ResultFile::create(path, later, true);
    EXPECT_EQ(file.resumed_from(), path);
    EXPECT_TRUE(file.notes().empty());
    for (const auto& r : sweep.runs) EXPECT_TRUE(file.contains_run(r.key.id()));
    EXPECT_TRUE(file.contains_dataset("default"));
    EXPECT_TRUE(fs::exists(path));  // the committed file is untouched until commit
    RunResult kf32 = make_run("kf", "none", "float32", 1024, 0.012);
    file.write_run(kf32);
    file.commit();
    EXPECT_EQ(file.summary().size(), 7u);
  }
  EXPECT_FALSE(fs::exists(path + ".partial"));
  EXPECT_EQ(list_runs(path).size(), 7u);
  const RootAttributes root = read_root_attributes(path);
  EXPECT_EQ(root.created, "2026-11-23T10:00:00Z");  // the sweep's start is kept
  EXPECT_EQ(root.resumed, "2026-11-24T08:00:00Z");
  EXPECT_EQ(root.deck, later.deck);
  // The resumed summary covers every run: the float32 pkf now has its kf (0.012 / 0.004 = 3).
  Raw f{raw_open(path), H5Fclose};
  const auto rows = read_summary(f.id);
  ASSERT_EQ(rows.size(), 7u);
  bool found = false;
  for (const RawRow& row : rows) {
    if (std::string(row.id) == "pkf-blocked-float32-T1024-B1") {
      EXPECT_DOUBLE_EQ(row.speedup, 3.0);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  // All old runs are complete in the resumed file.
  const auto back = read_runs(path);
  ASSERT_EQ(back.size(), 7u);
  for (const auto& r : sweep.runs) {
    const auto it = std::find_if(back.begin(), back.end(),
                                 [&](const RunResult& b) { return b.key.id() == r.key.id(); });
    ASSERT_NE(it, back.end());
    EXPECT_EQ(it->total_seconds, r.total_seconds);
  }
}

TEST(Hdf5ResultFile, InterruptedFileIsReadableAndResumable) {
  TempDir dir;
  const std::string path = dir.file("interrupted.h5");
  const std::string copy = dir.file("snapshot.h5");
  Sweep sweep;
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    file.write_dataset("default", sweep.tv, &sweep.tv_series);
    file.write_run(sweep.runs[0]);
    file.write_run(sweep.runs[1]);
    // "Killed" here: copy the file as it is on disk while the writer still has it open.
    fs::copy_file(path + ".partial", copy);
    const auto ids = list_runs(copy);
    EXPECT_EQ(ids, (std::vector<std::string>{sweep.runs[0].key.id(), sweep.runs[1].key.id()}));
    const RunResult back = read_run(copy, sweep.runs[1].key.id());
    EXPECT_EQ(back.total_seconds, sweep.runs[1].total_seconds);
    EXPECT_EQ(back.metrics.median_seconds, sweep.runs[1].metrics.median_seconds);
    const StoredDataset data = read_dataset(copy, "default");
    EXPECT_TRUE(same_bits(data.series.y.data(), sweep.tv_series.y.data(), sweep.tv_series.y.span()));
    Raw f{raw_open(copy), H5Fclose};
    ASSERT_GE(f.id, 0);
    EXPECT_FALSE(raw_exists(f.id, "/summary"));  // no summary until commit
    EXPECT_EQ(raw_text(f.id, "created"), "2026-11-23T10:00:00Z");
    // The object goes away without commit(): the .partial stays for --resume.
  }
  EXPECT_TRUE(fs::exists(path + ".partial"));
  EXPECT_FALSE(fs::exists(path));
  {
    auto file = Hdf5ResultFile::create(path, make_root(), true);
    EXPECT_EQ(file.resumed_from(), path + ".partial");
    EXPECT_TRUE(file.contains_run(sweep.runs[0].key.id()));
    EXPECT_TRUE(file.contains_run(sweep.runs[1].key.id()));
    EXPECT_FALSE(file.contains_run(sweep.runs[2].key.id()));
    EXPECT_TRUE(file.contains_dataset("default"));
    for (std::size_t i = 2; i < 4; ++i) file.write_run(sweep.runs[i]);
    file.commit();
  }
  EXPECT_EQ(list_runs(path).size(), 4u);
}

TEST(Hdf5ResultFile, FreshSweepReplacesPartial) {
  TempDir dir;
  const std::string path = dir.file("fresh.h5");
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    file.write_run(make_run("kf", "none", "float64", 8, 1.0));
  }
  auto file = Hdf5ResultFile::create(path, make_root(), false);
  EXPECT_FALSE(file.contains_run("kf-none-float64-T8-B1"));
  ASSERT_EQ(file.notes().size(), 1u);
  EXPECT_NE(file.notes()[0].find("does not resume"), std::string::npos);
}

TEST(Hdf5ResultFile, ResumeWithoutAnyFileStartsFresh) {
  TempDir dir;
  auto file = Hdf5ResultFile::create(dir.file("new.h5"), make_root(), true);
  EXPECT_TRUE(file.resumed_from().empty());
  EXPECT_TRUE(file.run_ids().empty());
}

TEST(Hdf5ResultFile, UnreadablePartialIsSetAside) {
  TempDir dir;
  const std::string path = dir.file("broken.h5");
  { std::ofstream(path + ".partial") << "not hdf5"; }
  auto file = Hdf5ResultFile::create(path, make_root(), true);
  EXPECT_TRUE(file.resumed_from().empty());
  ASSERT_EQ(file.notes().size(), 1u);
  EXPECT_NE(file.notes()[0].find("not an HDF5 file"), std::string::npos);
  EXPECT_TRUE(fs::exists(path + ".partial.unreadable"));
}

TEST(Hdf5ResultFile, ResumeRefusesAnotherDevice) {
  TempDir dir;
  const std::string path = dir.file("device.h5");
  {
    auto file = Hdf5ResultFile::create(path, make_root(), false);
    file.write_run(make_run("kf", "none", "float64", 8, 1.0));
    file.commit();
  }
  RootAttributes gpu = make_root();
  gpu.environment.execution_space = "Cuda";
  gpu.environment.device = "NVIDIA H100";
  try {
    (void)Hdf5ResultFile::create(path, gpu, true);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_NE(std::string(e.what()).find("cannot resume"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NVIDIA H100"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path + ".partial"));  // the copy is removed again
  EXPECT_EQ(list_runs(path).size(), 1u);        // the committed file is untouched
}

TEST(Hdf5ResultFile, ResumeRefusesNonKscanFile) {
  TempDir dir;
  const std::string path = dir.file("foreign.h5");
  {
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
  }
  EXPECT_THROW((void)Hdf5ResultFile::create(path, make_root(), true), IoError);
}

TEST(Hdf5ResultFile, UnwritableOutput) {
  TempDir dir;
  // The parent is a regular file.
  const std::string blocker = dir.file("plain");
  { std::ofstream(blocker) << "x"; }
  try {
    (void)Hdf5ResultFile::create(blocker + "/out.h5", make_root(), false);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.file(), blocker + "/out.h5");
    EXPECT_NE(std::string(e.what()).find("output directory"), std::string::npos) << e.what();
  }
  try {
    (void)Hdf5ResultFile::create(blocker + "/sub/out.h5", make_root(), false);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create the output directory"),
              std::string::npos)
        << e.what();
  }
  // The output names a directory.
  EXPECT_THROW((void)Hdf5ResultFile::create(dir.path(), make_root(), false), IoError);
  EXPECT_THROW((void)Hdf5ResultFile::create("", make_root(), false), IoError);
  // A read-only directory (root may write anywhere, so only checked for other users).
  if (::geteuid() != 0) {
    const std::string ro = dir.file("readonly");
    fs::create_directory(ro);
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
    try {
      (void)Hdf5ResultFile::create(ro + "/out.h5", make_root(), false);
      FAIL() << "expected IoError";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("is not writable"), std::string::npos) << e.what();
    }
  }
}

TEST(Hdf5ResultFile, CreatesMissingOutputDirectories) {
  TempDir dir;
  const std::string path = dir.file("results/nested/out.h5");
  auto file = Hdf5ResultFile::create(path, make_root(), false);
  file.commit();
  EXPECT_TRUE(fs::exists(path));
}

TEST(Hdf5ResultFile, MovedObjectKeepsWorking) {
  TempDir dir;
  const std::string path = dir.file("moved.h5");
  auto first = Hdf5ResultFile::create(path, make_root(), false);
  Hdf5ResultFile second = std::move(first);
  second.write_run(make_run("kf", "none", "float64", 8, 1.0));
  ResultSink& sink = second;
  EXPECT_TRUE(sink.contains_run("kf-none-float64-T8-B1"));
  second.commit();
  EXPECT_EQ(list_runs(path).size(), 1u);
}

}  // namespace
}  // namespace kscan
