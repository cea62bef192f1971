// Series read from files for decks with data.source: file (declared in deck.hpp): the readers
// the program injects for HDF5, the CSV reader of the data layer, and the dataset names the
// output gives them.
#include <cctype>
#include <stdexcept>

#include "kscan/data/impl/csv_measurements.hpp"
#include "kscan/experiment/deck.hpp"

namespace kscan {

LoadedDataset to_loaded_dataset(const CsvMeasurements& table) {
  const auto T = static_cast<std::size_t>(table.rows);
  const std::size_t ny = table.columns.size();
  LoadedDataset loaded;
  loaded.has_series = true;
  loaded.series.y = decltype(loaded.series.y)("kscan::data::y", T, ny);
  for (std::size_t i = 0; i < T * ny; ++i) loaded.series.y.data()[i] = table.y[i];
  loaded.series.time = table.time;
  loaded.series.time_text = table.time_text;
  return loaded;
}

LoadedDataset read_file_series(const Deck& deck, const DatasetReader& reader,
                               const MeasurementReader& measurement_reader) {
  const auto& d = deck.data;
  if (d.format == DataFormat::csv) {
    CsvOptions options;
    options.time_column = d.time_column;  // resolved at validation: "" is none, not a guess
    options.columns = d.columns;
    return to_loaded_dataset(read_csv_measurements(d.file, options));
  }
  if (!d.path.empty()) {
    if (!measurement_reader)
      throw std::runtime_error("data.path is set but no HDF5 measurement reader is available");
    LoadedDataset loaded;
    loaded.series = measurement_reader(d.file, d.path);
    loaded.has_series = true;
    return loaded;
  }
  if (!reader) throw std::runtime_error("data.source is file but no dataset reader is available");
  return reader(d.file, d.dataset);
}

std::string sanitized_dataset_name(const std::string& text) {
  std::string out = text;
  for (char& ch : out)
    if (ch == '/' || std::isspace(static_cast<unsigned char>(ch)) ||
        std::iscntrl(static_cast<unsigned char>(ch)))
      ch = '_';
  // "." and ".." name groups in HDF5 paths, not links of their own.
  if (out.find_first_not_of('.') == std::string::npos) return "data";
  return out;
}

}  // namespace kscan
