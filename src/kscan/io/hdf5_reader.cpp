#include "kscan/io/hdf5_reader.hpp"

#include <algorithm>
#include <cmath>

namespace kscan {

StoredDataset read_dataset(const std::string& path, const std::string& name,
                           bool require_measurements) {
  h5::Handle file = h5::open_file(path, false);
  return layout::read_dataset(file.get(), name, require_measurements);
}

HostSeries read_measurement_array(const std::string& path, const std::string& dataset_path) {
  h5::Handle file = h5::open_file(path, false);
  const hid_t f = file.get();
  const std::string name = "'" + dataset_path + "'";
  if (dataset_path.empty() || dataset_path == "/")
    h5::fail(f, "data.path must name a dataset, got " + name);
  if (!h5::exists(f, dataset_path)) {
    // Name the nearest group that exists, so that a typo in one component is easy to see.
    std::string parent = dataset_path;
    while (!parent.empty() && parent != "/") {
      const auto slash = parent.find_last_of('/');
      parent = slash == std::string::npos || slash == 0 ? "/" : parent.substr(0, slash);
      if (parent == "/" || h5::is_group(f, parent)) break;
    }
    std::string hint;
    if (!parent.empty() && h5::is_group(f, parent)) {
      const auto names = h5::link_names(f, parent);
      std::string listed;
      for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n;
      hint = names.empty() ? "; group '" + parent + "' is empty"
                           : "; group '" + parent + "' holds: " + listed;
    }
    h5::fail(f, "no dataset " + name + hint);
  }
  if (!h5::is_dataset(f, dataset_path))
    h5::fail(f, name + " is not a dataset (a group?); data.path names an array [T, ny] or [T]");
  const h5::ArrayShape shape = h5::array_shape(f, dataset_path);
  if (shape.type_class != H5T_FLOAT)
    h5::fail(f, "dataset " + name + " holds " +
                    (shape.type_class == H5T_INTEGER ? std::string("integers")
                                                     : std::string("values that are not numbers")) +
                    "; measurements must be floating-point (float32 or float64, NaN = missing)");
  if (shape.dims.size() != 1 && shape.dims.size() != 2)
    h5::fail(f, "dataset " + name + " has rank " + std::to_string(shape.dims.size()) +
                    " (shape " + layout::shape_text(shape.dims) +
                    "), expected [T, ny] or [T] (one measurement per step)");
  const hsize_t T = shape.dims[0], ny = shape.dims.size() == 2 ? shape.dims[1] : 1;
  if (T < 1) h5::fail(f, "dataset " + name + " has no rows (shape " +
                             layout::shape_text(shape.dims) + ")");
  if (ny < 1 || ny > static_cast<hsize_t>(layout::max_dim))
    h5::fail(f, "dataset " + name + " has ny = " + std::to_string(ny) + " components (shape " +
                    layout::shape_text(shape.dims) + "), expected 1.." +
                    std::to_string(layout::max_dim));
  const std::vector<double> values = h5::read_array(f, dataset_path);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (std::isinf(values[i]))
      h5::fail(f, "dataset " + name + " holds an infinite value at row " +
                      std::to_string(i / ny) + " (NaN marks a missing value; inf is not allowed)");
  HostSeries series;
  series.y = decltype(series.y)("kscan::data::y", T, ny);
  std::copy(values.begin(), values.end(), series.y.data());
  return series;
}

RootAttributes read_root_attributes(const std::string& path) {
  h5::Handle file = h5::open_file(path, false);
  return layout::read_root_attributes(file.get());
}

std::vector<std::string> list_datasets(const std::string& path) {
  h5::Handle file = h5::open_file(path, false);
  return layout::dataset_names(file.get());
}

std::vector<std::string> list_runs(const std::string& path) {
  h5::Handle file = h5::open_file(path, false);
  return layout::run_ids(file.get());
}

RunResult read_run(const std::string& path, const std::string& id, bool with_estimates) {
  h5::Handle file = h5::open_file(path, false);
  return layout::read_run(file.get(), id, with_estimates);
}

std::vector<RunResult> read_runs(const std::string& path, bool with_estimates) {
  h5::Handle file = h5::open_file(path, false);
  std::vector<RunResult> runs;
  for (const std::string& id : layout::run_ids(file.get()))
    runs.push_back(layout::read_run(file.get(), id, with_estimates));
  return runs;
}

}  // namespace kscan
