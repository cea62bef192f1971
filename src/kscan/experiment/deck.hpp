#pragma once
// An experiment deck, parsed and validated against the key table (schema.hpp), every default
// filled in. Parsing collects every problem and throws one DeckError naming file, line, column,
// key path and what was expected.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kscan/data/simulate.hpp"
#include "kscan/experiment/deck_choices.hpp"
#include "kscan/experiment/deck_error.hpp"
#include "kscan/model/generators.hpp"
#include "kscan/model/state_space_model.hpp"
#include "kscan/scan/scan_algorithm.hpp"

namespace kscan {

struct CsvMeasurements;

/// A model (and, when the file holds one, a series) read from an HDF5 dataset.
struct LoadedDataset {
  HostModel model;
  bool has_series = false;  // y present
  bool has_truth = false;   // x_true present too
  HostSeries series;        // y [T, ny] (NaN = missing); x_true [T, nx] when has_truth
};

/// Reads /datasets/<dataset> of an HDF5 file; throws std::exception with a readable message. The
/// program supplies it (from the io layer), so that this layer does not depend on io.
using DatasetReader =
    std::function<LoadedDataset(const std::string& file, const std::string& dataset)>;

/// Reads measurements from any dataset path of an HDF5 file (data.path): y [T, ny], NaN =
/// missing; throws std::exception with a readable message. Supplied by the program, as the
/// DatasetReader is.
using MeasurementReader =
    std::function<HostSeries(const std::string& file, const std::string& dataset_path)>;

struct DeckOptions {
  /// `--set key.path=value` overrides, applied in order before validation.
  std::vector<std::string> overrides;
  /// When set, model and data files are read at validation (malformed files are deck errors,
  /// dims and lengths become known); otherwise only their existence and HDF5 signature are
  /// checked.
  DatasetReader reader;
  /// As `reader`, for data.path.
  MeasurementReader measurement_reader;
  /// Skip the output-path writability check (tests, --dry-run of a deck for another machine).
  bool check_output = true;
};

struct Deck {
  std::string source;    // deck file as given ("<string>" when parsed from text)
  std::string base_dir;  // directory relative model/data file names are resolved against

  struct Experiment {
    std::string name;
    std::uint64_t seed = 1;
    std::string description;
  } experiment;

  struct Model {
    ModelKind kind = ModelKind::random;
    int state_dim = 4;  // nx (for lti and file: read from the matrices / the file)
    int obs_dim = 2;    // ny; 0 when a file was not read
    bool time_varying = true;
    RandomModelOptions random;      // kind random (length and seed filled per run)
    TrackingModelOptions tracking;  // kind tracking
    LtiModelMatrices lti;           // kind lti
    std::string file;               // kind file: resolved path
    std::string dataset;
    /// model.initial: x_1 ~ N(a1, P1) with some components diffuse, instead of m0, P0.
    struct Initial {
      bool given = false;
      std::vector<double> a1, P1;       // empty: zeros
      bool diffuse = false;
      std::vector<int> diffuse_states;  // empty with diffuse: every component
    } initial;
  } model;

  struct Data {
    DataSource source = DataSource::simulate;
    std::vector<std::int64_t> lengths;  // for file: the file's length (empty when not read)
    std::int64_t batch = 1;
    double missing = 0.0;
    double missing_components = 0.0;
    std::string file;    // source file: resolved path
    /// source file: how it is read (unset for simulated data or a format the deck misnames)
    std::optional<DataFormat> format;
    std::string dataset;  // hdf5 in kscan's layout: the group under /datasets
    std::string path;     // hdf5: any dataset path (instead of `dataset`)
    std::string time_column;           // csv: "" when there is none
    std::vector<std::string> columns;  // csv: the measurement columns, in y's order
    /// The dataset's name in the output (/datasets/<name>) for a file source: the CSV's stem,
    /// the path's last component or `dataset`, made a valid HDF5 link name.
    std::string name;
  } data;

  struct Runs {
    std::vector<std::string> methods;
    std::vector<std::string> scans;
    ScanParameterValues scan_parameters;  // runs.<key> of each scan parameter the deck sets
    std::vector<std::string> precision;
    std::vector<std::string> form;  // standard | sqrt (solver/form.hpp)
    int warmup = 2;
    int repetitions = 10;
    std::string reference = "kf";
    std::optional<std::int64_t> simulate_threads;
    DistributedMode distributed = DistributedMode::sweep;  // over MPI ranks
  } runs;

  struct Output {
    std::string file;
    EstimatesOutput estimates = EstimatesOutput::last;
    std::vector<std::string> diagnostics;  // predicted | innovations | loglik_terms
    std::vector<std::string> summary;
  } output;

  /// Files read at validation (DeckOptions::reader); null otherwise.
  std::shared_ptr<const LoadedDataset> model_data;
  std::shared_ptr<const LoadedDataset> series_data;

  /// Where each given key was found ("model.state_dim" -> deck.yaml:4:14).
  std::map<std::string, DeckLocation> locations;

  /// The resolved deck, every default filled in, as YAML text (stored in the output file).
  std::string resolved_yaml;

  /// Location of a key, or of the deck file when the key was not given.
  DeckLocation location_of(const std::string& path) const;
};

/// Reads, parses and validates a deck file. Throws DeckError.
Deck load_deck(const std::string& path, const DeckOptions& options = {});

/// Parses and validates deck text; `source` names it in messages, relative file names are
/// resolved against `base_dir`. Throws DeckError.
Deck parse_deck(const std::string& text, const std::string& source, const std::string& base_dir,
                const DeckOptions& options = {});

/// Builds the model of a deck for a length (random, tracking, lti; file: the loaded model or
/// `reader`). Throws std::invalid_argument / std::runtime_error.
HostModel build_model(const Deck& deck, std::int64_t length, const DatasetReader& reader = {});

/// The diffuse state components of the deck's initial state (model.initial), in increasing
/// order; empty when the initial state is proper.
std::vector<int> diffuse_components(const Deck& deck, int nx);
/// The series of a deck with data.source: file, read with the readers for HDF5 (the kscan
/// layout or data.path) or directly (csv). Throws std::exception (CsvError for csv).
LoadedDataset read_file_series(const Deck& deck, const DatasetReader& reader,
                               const MeasurementReader& measurement_reader);

/// A CSV table as a series (model empty): y, and its time column as the series' time.
LoadedDataset to_loaded_dataset(const CsvMeasurements& table);

/// `text` as a dataset name: '/' and white space become '_'; "" or only dots: "data".
std::string sanitized_dataset_name(const std::string& text);

}  // namespace kscan
