#pragma once
// The HDF5 layout of a kscan results file (format_version 1, design.md "HDF5 output contract"),
// in one place for the writer (Hdf5ResultFile) and the readers (hdf5_reader.hpp):
//
//   /                     attrs (text unless noted): kscan_version, format_version (int64),
//                         kokkos_version, hdf5_version, yaml_cpp_version, compiler,
//                         execution_space, backends (comma-separated), device,
//                         concurrency (int64), hostname, created (ISO 8601 UTC), deck (YAML);
//                         resumed (ISO 8601, only when a sweep was resumed into the file)
//   /datasets/<name>/     F [S, nx, nx], c [S, nx], Q [S, nx, nx], H [S, ny, nx], d [S, ny],
//                         R [S, ny, ny], m0 [nx], P0 [nx, nx]   (each array 1 or S = T slots,
//                         independently of the others)
//                         y [T, ny] (NaN = missing), x_true [T, nx] when known,
//                         time [T] when the source has a time column (float64, NaN where a
//                         cell was empty; UTF-8 strings when the column is not numeric)
//                         attrs: nx, ny, stored (S, the most slots of any array), length (T; S
//                         when there is no y), time_varying, initial_is_predicted (int64 0/1:
//                         m0, P0 are x_1's a1, P1), diffuse_steps (int64, only with a diffuse
//                         initial state: observations its exact start used)
//   /runs/<id>/           attrs: method, form (standard | sqrt; absent in older files: read
//                         as standard), scan, precision, length, batch, dataset,
//                         threads_or_device, repetitions, and the metrics -- median_seconds,
//                         min_seconds, mean_seconds, throughput_msps, flops, achieved_gflops,
//                         mfu (only when known), peak_memory_bytes (int64), rmse_vs_truth,
//                         max_abs_diff_vs_reference, max_rel_diff_mean_vs_reference,
//                         max_rel_diff_cov_vs_reference, rel_diff_loglik_vs_reference, loglik,
//                         finite (int64 0/1);
//                         operation-count runs (runs.simulate_threads) add flops_span and
//                         simulated_threads (int64), have 0 repetitions and NaN times
//                         timing/total_seconds [reps], timing/<phase>_seconds [reps] for
//                         elements, forward_scan, backward_scan, combine, copy (NaN when a
//                         phase was not timed)
//                         estimates/mean [T, nx], estimates/cov [T, nx, nx] when kept; with
//                         output.diagnostics also predicted_mean [T, nx], predicted_cov
//                         [T, nx, nx], innovation [T, ny], innovation_cov [T, ny, ny] (NaN for
//                         missing components), loglik_terms [T]
//   /summary              compound table, one row per run in /runs (summary.hpp's columns):
//                         text columns are fixed-length null-terminated strings, integer
//                         columns int64, real columns float64 (NaN = absent); written by commit
//   /incomplete/          staging group (absent or empty in a good file): a run or dataset is
//                         written here, flushed, then moved under /runs or /datasets and flushed
//                         again, so that a name under /runs is only ever a complete run.
//
// Every array is float64 little-endian, contiguous, row-major (C order). Strings are UTF-8.
#include <string>
#include <vector>

#include "kscan/core/dims.hpp"
#include "kscan/data/simulate.hpp"
#include "kscan/experiment/run_environment.hpp"
#include "kscan/experiment/run_result.hpp"
#include "kscan/io/hdf5_handles.hpp"
#include "kscan/io/summary.hpp"
#include "kscan/model/state_space_model.hpp"

namespace kscan {

inline constexpr int hdf5_format_version = 1;

/// The root attributes of a results file.
struct RootAttributes {
  RunEnvironment environment;
  std::string created;  // ISO 8601 (iso8601_now())
  std::string deck;     // the resolved deck, YAML
  int format_version = hdf5_format_version;
  std::string resumed;  // ISO 8601 of the latest resume; empty when never resumed
};

/// A model (and its series) as stored under /datasets/<name>.
struct StoredDataset {
  HostModel model;
  HostSeries series;  // y and x_true have extent 0 when the file has none
  bool has_measurements = false;
  bool has_truth = false;
};

namespace layout {

inline constexpr int max_dim = dimension_limit;  // nx and ny a file may hold: 1..max_dim

/// "[1024, 2]", as messages about array shapes write them.
std::string shape_text(const std::vector<hsize_t>& dims);

void write_root_attributes(hid_t file, const RootAttributes& root);
RootAttributes read_root_attributes(hid_t file);

/// Writes the arrays of a dataset into `group` (created by the caller). Throws
/// std::invalid_argument when the model or series is inconsistent.
void write_dataset(hid_t group, const HostModel& model, const HostSeries* series);
/// Reads /datasets/<name>; IoError for a missing group or array, wrong rank or shape, nx or ny
/// outside 1..max_dim, non-finite model values, and (with require_measurements) a missing y.
StoredDataset read_dataset(hid_t file, const std::string& name, bool require_measurements);

/// Throws std::invalid_argument when a run cannot be stored as it is (sizes disagree).
void validate_run(const RunResult& run);
/// Writes attributes, timing and estimates of a run into `group` (created by the caller).
void write_run(hid_t group, const RunResult& run);
/// Reads /runs/<id>; metrics absent from the file read as NaN (0 for peak_memory_bytes).
RunResult read_run(hid_t file, const std::string& id, bool with_estimates);

/// Names under /runs and /datasets (empty when the group does not exist).
std::vector<std::string> run_ids(hid_t file);
std::vector<std::string> dataset_names(hid_t file);

/// Writes /summary (replacing an old one).
void write_summary(hid_t file, const std::vector<SummaryRow>& rows);

}  // namespace layout
}  // namespace kscan
