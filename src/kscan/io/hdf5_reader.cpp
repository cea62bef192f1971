#include "kscan/io/hdf5_reader.hpp"

namespace kscan {

StoredDataset read_dataset(const std::string& path, const std::string& name,
                           bool require_measurements) {
  h5::Handle file = h5::open_file(path, false);
  return layout::read_dataset(file.get(), name, require_measurements);
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
