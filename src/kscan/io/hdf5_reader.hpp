#pragma once
// Reading kscan HDF5 files (layout: hdf5_layout.hpp): a dataset group back into a model and its
// series (decks with `model.kind: file` / `data.source: file`), the root attributes, and the runs
// (for --resume, the summary and tests). Files are opened read-only; every failure is an
// IoError naming the file and what is wrong (missing file, not HDF5, missing group or array,
// wrong rank or shape, nx or ny outside 1..dimension_limit, non-finite values).
#include <string>
#include <vector>

#include "kscan/io/hdf5_layout.hpp"

namespace kscan {

/// Reads /datasets/<name>. The arrays may be any integer or floating-point type (converted to
/// float64); c and d may be absent (zero); a time-invariant F, Q, H, R, c, d may also be stored
/// without the leading slot axis ([nx, nx] for [1, nx, nx]). With `require_measurements`, a
/// missing y is an error; otherwise series.y has extent 0 and has_measurements is false.
StoredDataset read_dataset(const std::string& path, const std::string& name,
                           bool require_measurements = true);

/// Reads measurements from any HDF5 dataset: floating-point, shape [T, ny] or [T] (ny = 1),
/// T >= 1, ny in 1..dimension_limit, NaN = missing (inf is refused). IoError for a missing path, a group, a
/// wrong rank or size, and a non-float type (integers cannot mark a missing value).
HostSeries read_measurement_array(const std::string& path, const std::string& dataset_path);

/// The root attributes; IoError when the file has no format_version (not a kscan file).
RootAttributes read_root_attributes(const std::string& path);

/// Names under /datasets and /runs, in name order (empty when the group is absent).
std::vector<std::string> list_datasets(const std::string& path);
std::vector<std::string> list_runs(const std::string& path);

/// One run: key, threads_or_device, every repetition, metrics (NaN when a metric is absent;
/// mfu empty when absent); mean and covariance only with `with_estimates` (nx is set whenever
/// estimates are stored).
RunResult read_run(const std::string& path, const std::string& id, bool with_estimates = false);
/// Every run under /runs, in id order.
std::vector<RunResult> read_runs(const std::string& path, bool with_estimates = false);

}  // namespace kscan
