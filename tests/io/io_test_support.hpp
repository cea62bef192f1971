#pragma once
// Shared by the io tests: a temporary directory, hand-built models, series and runs with known
// numbers, and raw HDF5 C API readers (independent of kscan's own io helpers) for checking files.
#include <hdf5.h>
#include <stdlib.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "kscan/data/simulate.hpp"
#include "kscan/experiment/run_environment.hpp"
#include "kscan/experiment/run_result.hpp"
#include "kscan/io/hdf5_layout.hpp"
#include "kscan/model/state_space_model.hpp"

namespace kscan::iotest {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// A fresh directory under /tmp, removed with everything in it on destruction (kept, for
/// looking at the files, when the environment variable KSCAN_KEEP_TEST_FILES is set).
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kscan-io-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    if (std::getenv("KSCAN_KEEP_TEST_FILES")) return;
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Values with full mantissas (thirds, sevenths), distinct for every array and index.
inline double pattern(double base, std::size_t i) { return base + static_cast<double>(i) / 3.0 + 1.0 / 7.0; }

inline HostModel make_model(int nx, int ny, int stored, double base) {
  HostModel m(nx, ny, stored);
  auto fill = [](const auto& view, double b) {
    for (std::size_t i = 0; i < view.span(); ++i) view.data()[i] = pattern(b, i);
  };
  fill(m.F, base + 1);
  fill(m.c, base + 2);
  fill(m.Q, base + 3);
  fill(m.H, base + 4);
  fill(m.d, base + 5);
  fill(m.R, base + 6);
  fill(m.m0, base + 7);
  fill(m.P0, base + 8);
  return m;
}

/// y [T, ny] with NaN at (1, 0) and the whole row 2 (when T > 2); x_true [T, nx] when asked.
inline HostSeries make_series(int T, int nx, int ny, bool with_truth, double base) {
  HostSeries s;
  s.y = decltype(s.y)("y", T, ny);
  for (std::size_t i = 0; i < s.y.span(); ++i) s.y.data()[i] = pattern(base + 10, i);
  if (T > 1) s.y(1, 0) = nan;
  if (T > 2)
    for (int j = 0; j < ny; ++j) s.y(2, j) = nan;
  s.x_true = decltype(s.x_true)("x_true", with_truth ? T : 0, nx);
  for (std::size_t i = 0; i < s.x_true.span(); ++i) s.x_true.data()[i] = pattern(base + 20, i);
  return s;
}

inline RootAttributes make_root() {
  RootAttributes root;
  RunEnvironment& e = root.environment;
  e.kscan_version = "0.1.0 (git test)";
  e.kokkos_version = "3.4.1";
  e.hdf5_version = "1.10.8";
  e.yaml_cpp_version = "0.7.0";
  e.execution_space = "OpenMP";
  e.enabled_backends = {"Serial", "OpenMP"};
  e.concurrency = 2;
  e.device = "Test CPU @ 1 GHz";
  e.hostname = "testhost";
  e.compiler = "gcc test";
  root.created = "2026-11-23T10:00:00Z";
  root.deck = "experiment: {name: io-test, seed: 1}\nmodel: {kind: random}\n";
  return root;
}

/// A run with known numbers: median `median` seconds; repetitions median*{1.1, 1.0, 0.9};
/// each phase p holds (p+1)/10 of each repetition; other metrics derived from `tag`.
inline RunResult make_run(const std::string& method, const std::string& scan,
                          const std::string& precision, std::int64_t T, double median,
                          std::int64_t batch = 1, const std::string& dataset = "default",
                          double tag = 1.0) {
  RunResult r;
  r.key = RunKey{method, scan, precision, T, batch, dataset};
  r.threads_or_device = "OpenMP x2";
  r.total_seconds = {median * 1.1, median, median * 0.9};
  for (int p = 0; p < phase_count; ++p)
    for (double t : r.total_seconds) r.phase_seconds[p].push_back(t * (p + 1) / 10.0);
  RunMetrics& m = r.metrics;
  m.median_seconds = median;
  m.min_seconds = median * 0.9;
  m.mean_seconds = median;
  m.throughput_msps = static_cast<double>(T * batch) / median / 1e6;
  m.flops = 1000.0 * static_cast<double>(T) * tag;
  m.achieved_gflops = m.flops / median / 1e9;
  m.peak_memory_bytes = 4096 * T;
  m.rmse_vs_truth = 0.25 * tag;
  m.max_abs_diff_vs_reference = 1.25e-7 * tag;
  m.max_rel_diff_mean_vs_reference = 2.5e-8 * tag;
  m.max_rel_diff_cov_vs_reference = 5e-8 * tag;
  m.rel_diff_loglik_vs_reference = 1e-9 * tag;
  m.loglik = -123.5 * tag;
  return r;
}

inline void add_estimates(RunResult& r, int nx) {
  r.has_estimates = true;
  r.nx = nx;
  const auto T = static_cast<std::size_t>(r.key.length);
  for (std::size_t i = 0; i < T * nx; ++i) r.mean.push_back(pattern(30, i));
  for (std::size_t i = 0; i < T * nx * nx; ++i) r.covariance.push_back(pattern(40, i));
}

// ---- raw HDF5 C API ------------------------------------------------------------------------

/// hid_t closed on scope exit (tests only).
struct Raw {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Raw() {
    if (id >= 0) close(id);
  }
};

inline hid_t raw_open(const std::string& path) {
  return H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
}

inline bool raw_exists(hid_t loc, const std::string& path) {
  std::string prefix;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    prefix = path.substr(0, end);
    if (!prefix.empty() && prefix != "/" && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0)
      return false;
    start = end + 1;
  }
  return true;
}

/// A variable-length UTF-8 string attribute ("<wrong type>" otherwise).
inline std::string raw_text(hid_t obj, const char* name) {
  Raw attr{H5Aopen(obj, name, H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) return "<missing>";
  Raw type{H5Aget_type(attr.id), H5Tclose};
  if (H5Tget_class(type.id) != H5T_STRING || H5Tis_variable_str(type.id) <= 0 ||
      H5Tget_cset(type.id) != H5T_CSET_UTF8)
    return "<wrong type>";
  char* text = nullptr;
  if (H5Aread(attr.id, type.id, &text) < 0) return "<unreadable>";
  std::string out = text ? text : "";
  H5free_memory(text);
  return out;
}

/// A float64 scalar attribute (NaN when missing or of another type).
inline double raw_real(hid_t obj, const char* name) {
  Raw attr{H5Aopen(obj, name, H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) return nan;
  Raw type{H5Aget_type(attr.id), H5Tclose};
  if (H5Tequal(type.id, H5T_IEEE_F64LE) <= 0) return nan;
  double v = nan;
  H5Aread(attr.id, H5T_NATIVE_DOUBLE, &v);
  return v;
}

/// An int64 scalar attribute (min int64 when missing or of another type).
inline std::int64_t raw_int(hid_t obj, const char* name) {
  constexpr std::int64_t bad = std::numeric_limits<std::int64_t>::min();
  Raw attr{H5Aopen(obj, name, H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) return bad;
  Raw type{H5Aget_type(attr.id), H5Tclose};
  if (H5Tequal(type.id, H5T_STD_I64LE) <= 0) return bad;
  std::int64_t v = bad;
  H5Aread(attr.id, H5T_NATIVE_INT64, &v);
  return v;
}

inline herr_t collect_attribute_name(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

/// Names of an object's attributes, in name order.
inline std::vector<std::string> raw_attribute_names(hid_t obj) {
  std::vector<std::string> names;
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute_name, &names);
  return names;
}

inline std::vector<hsize_t> raw_dims(hid_t loc, const std::string& path) {
  Raw ds{H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return {};
  Raw space{H5Dget_space(ds.id), H5Sclose};
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.id)));
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  return dims;
}

/// A float64 (IEEE f64 LE) dataset's values; empty when missing or of another type.
inline std::vector<double> raw_doubles(hid_t loc, const std::string& path) {
  Raw ds{H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose};
  if (ds.id < 0) return {};
  Raw type{H5Dget_type(ds.id), H5Tclose};
  if (H5Tequal(type.id, H5T_IEEE_F64LE) <= 0) return {};
  Raw space{H5Dget_space(ds.id), H5Sclose};
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id)));
  if (!v.empty()) H5Dread(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  return v;
}

/// Bitwise equality of doubles (NaN equal to NaN of the same bits).
inline bool same_bits(const double* a, const double* b, std::size_t n) {
  return std::memcmp(a, b, n * sizeof(double)) == 0;
}

/// Writes a dataset of any numeric type via the raw API (malformed-file tests).
inline void raw_write(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                      const std::vector<double>& values, hid_t file_type = H5T_IEEE_F64LE) {
  Raw space{H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose};
  Raw ds{H5Dcreate2(loc, name.c_str(), file_type, space.id, H5P_DEFAULT, H5P_DEFAULT,
                    H5P_DEFAULT),
         H5Dclose};
  if (!values.empty())
    H5Dwrite(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
}

}  // namespace kscan::iotest
