// Parsing a deck: which key goes to which field of a Deck. The YAML reader (yaml_reader.hpp)
// reads every key by its type from the key table, the checks (deck_checks.hpp) test the model
// and the files, deck_model.cpp builds the model; here are the binding, the defaults computed
// from other keys, and the rules between keys that the table cannot express.
#include "kscan/experiment/deck.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "kscan/data/impl/csv_measurements.hpp"
#include "kscan/experiment/deck_checks.hpp"
#include "kscan/experiment/scalar_text.hpp"
#include "kscan/experiment/schema.hpp"
#include "kscan/experiment/yaml_reader.hpp"
#include "kscan/scan/scan_algorithm.hpp"
#include "kscan/scan/scan_descriptor.hpp"

namespace kscan {

namespace fs = std::filesystem;

DeckLocation Deck::location_of(const std::string& path) const {
  if (const auto it = find_key_or_parent(locations, path); it != locations.end()) return it->second;
  DeckLocation where;
  where.file = source;
  return where;
}

// ---------------------------------------------------------------------------------------------
// The parser

namespace {

/// The reader of a deck's YAML that binds what it reads to a Deck.
class Parser : public YamlReader {
 public:
  Parser(std::string source, std::string base_dir, const DeckOptions& options)
      : YamlReader(std::move(source)), base_dir_(std::move(base_dir)), options_(options) {}

  Deck parse(const std::string& text);

 private:
  /// A choice key as its enum. The key's choices are the enum's names (schema.cpp), so that a
  /// name read_choice accepts always maps.
  template <class E>
  std::optional<E> read_enum(const std::string& path) {
    const auto name = read_choice(path);
    return name ? parse_deck_choice<E>(*name) : std::nullopt;
  }
  /// A file name as given in the deck, relative to its directory: an absolute, normal path.
  std::string resolve_input_path(const std::string& written) const;
  /// model.kind lti: the arrays, checked, as the model's matrices (placeholder m0, P0 when
  /// model.initial replaces them).
  void read_lti(Deck& deck);
  /// model.initial, checked against nx later (check_initial_state): a file model's nx is known
  /// only once the file is read.
  void read_initial(Deck& deck);
  /// Whether model.initial describes a state: a1, P1 or diffuse components given. (A resolved
  /// deck spells out `diffuse: false`, which alone is the default and leaves m0, P0 in charge.)
  bool initial_given() const {
    for (const auto& [path, entry] : entries()) {
      if (path.rfind("model.initial.", 0) != 0 || entry.node.IsNull()) continue;
      if (path != "model.initial.diffuse") return true;
      if (entry.node.IsScalar() && entry.node.Scalar() == "true") return true;
    }
    return false;
  }
  /// data.file and how it is read (format, path or dataset, CSV columns), the defaults a file
  /// model gives them, and the dataset's name in the output.
  void read_file_source(Deck& deck);
  /// A key of another data.format than the deck's, given: an error (as fetch reports keys of
  /// another data.source).
  void refuse_for_format(const Deck& deck, const std::string& path, const char* format);
  /// The model and data files: checked, and read when DeckOptions has the readers (dims, length
  /// and the loaded data then known).
  void read_file_inputs(Deck& deck);
  /// A singular R (found by either model reader) is exact for every method and form but the
  /// standard-form tfs, whose backward information filter needs R⁻¹: refused there, named.
  void refuse_singular_r_for_standard_tfs(const Deck& deck);
  void read_csv_series(Deck& deck);

  std::string base_dir_;
  const DeckOptions& options_;
  CsvOptions csv_options_;  // data.time_column and data.columns as given
  std::string singular_r_;  // where the model's R is singular ("model.R (step 3)"), if it is
};

std::string Parser::resolve_input_path(const std::string& written) const {
  fs::path p(written);
  if (p.is_relative()) p = fs::path(base_dir_) / p;
  std::error_code ec;
  const fs::path absolute = fs::absolute(p, ec);
  return (ec ? p : absolute).lexically_normal().string();
}

void Parser::read_lti(Deck& deck) {
  const std::size_t before = issue_count();
  LtiArrays m;
  for (const char* name : {"F", "c", "Q", "H", "d", "R", "m0", "P0"}) {
    const bool per_step = name[0] != 'm' && name[0] != 'P';  // not the initial state
    if (auto d = read_dense(std::string("model.") + name, per_step)) m[name] = std::move(*d);
  }
  if (failed_since(before) || !m.count("F") || !m.count("H")) return;
  const bool initial = initial_given();
  if (!check_lti_arrays(*this, m, initial, singular_r_)) return;
  const int nx = m["F"].rows, ny = m["H"].rows;
  if (initial) {  // placeholders: model.initial replaces them (build_model)
    m["m0"].values.assign(nx, 0.0);
    m["P0"].values.assign(static_cast<std::size_t>(nx) * nx, 0.0);
  }
  LtiModelMatrices& l = deck.model.lti;
  l.nx = nx;
  l.ny = ny;
  l.F = m["F"].values;
  l.Q = m["Q"].values;
  l.H = m["H"].values;
  l.R = m["R"].values;
  l.m0 = m["m0"].values;
  l.P0 = m["P0"].values;
  if (m.count("c")) l.c = m["c"].values;
  if (m.count("d")) l.d = m["d"].values;
  auto slots_of = [&](const char* name) { return m.count(name) ? m[name].slots : 1; };
  l.slots = {slots_of("F"), slots_of("c"), slots_of("Q"), slots_of("H"), slots_of("d"),
             slots_of("R")};
  deck.model.state_dim = nx;
  deck.model.obs_dim = ny;
  try {
    (void)make_lti_model(l);
  } catch (const std::exception& e) {
    error(where("model"), "model", e.what());
  }
}

void Parser::read_initial(Deck& deck) {
  auto& init = deck.model.initial;
  init.given = initial_given();
  if (const auto a1 = read_dense("model.initial.a1")) init.a1 = a1->values;
  if (const auto p1 = read_dense("model.initial.P1")) init.P1 = p1->values;
  if (const auto v = read_bool("model.initial.diffuse")) init.diffuse = *v;
  if (const auto states = read_dense("model.initial.diffuse_states")) {
    for (const double v : states->values) {
      if (v != std::floor(v) || v < 0 || v > 1e6) {
        error(where("model.initial.diffuse_states"), "model.initial.diffuse_states",
              "expected 0-based state indices (whole numbers >= 0)");
        return;
      }
      init.diffuse_states.push_back(static_cast<int>(v));
    }
    if (!init.diffuse)
      error(where("model.initial.diffuse_states"), "model.initial.diffuse_states",
            "only used with model.initial.diffuse: true");
  }
}

void Parser::refuse_for_format(const Deck& deck, const std::string& path, const char* format) {
  if (!has_value(path) || deck.data.source != DataSource::file ||
      !deck.data.format)  // (an unknown format is reported already)
    return;
  error(key_where(path), path,
        std::string("only used when data.format is ") + format + " (here data.format is " +
            std::string(deck_name(*deck.data.format)) + ")");
}

void Parser::read_file_source(Deck& deck) {
  if (const auto v = read_string("data.file")) {
    deck.data.file = resolve_input_path(*v);
  } else if (deck.data.source == DataSource::file && !has_key("data.file") &&
             choice_known("data.source") && choice_known("model.kind")) {
    if (deck.model.kind == ModelKind::file) {
      deck.data.file = deck.model.file;
      if (!deck.data.file.empty()) resolve("data.file", YAML::Node(deck.data.file));
    } else {
      error(key_where("data"), "data.file",
            "missing required key 'file' (data.source is file and model.kind is " +
                std::string(deck_name(deck.model.kind)) + ")");
    }
  }
  // data.format: csv by the file's extension unless given.
  if (const auto v = read_enum<DataFormat>("data.format")) {
    deck.data.format = *v;
  } else if (deck.data.source == DataSource::file && choice_known("data.source") &&
             !has_key("data.format")) {
    std::string extension = fs::path(deck.data.file).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    deck.data.format = extension == ".csv" ? DataFormat::csv : DataFormat::hdf5;
    resolve("data.format", YAML::Node(std::string(deck_name(*deck.data.format))));
  }
  const bool csv = deck.data.format == DataFormat::csv;
  if (const auto v = read_string("data.path")) {
    deck.data.path = trim(*v);
    if (deck.data.path.empty() || deck.data.path == "/")
      error(where("data.path"), "data.path",
            "expected the path of a dataset in data.file, e.g. /group/y, got " +
                describe(YAML::Node(*v)));
  }
  const auto dataset = read_string("data.dataset");
  if (dataset) deck.data.dataset = *dataset;
  if (const auto v = read_string("data.time_column")) csv_options_.time_column = trim(*v);
  if (const auto v = read_string_list("data.columns")) csv_options_.columns = *v;
  if (csv) {
    refuse_for_format(deck, "data.path", "hdf5");
    refuse_for_format(deck, "data.dataset", "hdf5");
    deck.data.path.clear();
    deck.data.dataset.clear();
  } else {
    refuse_for_format(deck, "data.time_column", "csv");
    refuse_for_format(deck, "data.columns", "csv");
    if (dataset && has_value("data.path"))
      error(key_where("data.dataset"), "data.dataset",
            "data.dataset (a dataset in kscan's layout) and data.path (any dataset) are "
            "mutually exclusive: give one");
  }
  if (dataset || csv || !deck.data.path.empty()) {
    // given, or not needed
  } else if (deck.data.source == DataSource::file && !has_key("data.dataset") &&
             !has_key("data.path") && choice_known("data.source") &&
             choice_known("model.kind")) {
    if (deck.model.kind == ModelKind::file) {
      deck.data.dataset = deck.model.dataset;
      if (!deck.data.dataset.empty()) resolve("data.dataset", YAML::Node(deck.data.dataset));
    } else {
      error(key_where("data"), "data.dataset",
            "missing required key 'dataset' or 'path' (data.source is file, data.format is "
            "hdf5 and model.kind is " + std::string(deck_name(deck.model.kind)) + ")");
    }
  }

  // The dataset's name in the output follows its source.
  if (deck.data.source != DataSource::file) return;
  std::string name;
  if (csv) {
    name = fs::path(deck.data.file).stem().string();
  } else if (!deck.data.path.empty()) {
    std::string p = deck.data.path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    name = p.substr(p.find_last_of('/') == std::string::npos ? 0 : p.find_last_of('/') + 1);
  } else {
    name = deck.data.dataset;
  }
  deck.data.name = sanitized_dataset_name(name);
}

void Parser::refuse_singular_r_for_standard_tfs(const Deck& deck) {
  const auto has = [](const std::vector<std::string>& list, const char* value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  };
  if (singular_r_.empty() || !has(deck.runs.methods, "tfs") || !has(deck.runs.form, "standard"))
    return;
  error(where("runs.methods"), "runs.methods",
        singular_r_ + " is singular (an exactly observed or collinear component); method tfs "
        "in the standard form needs R⁻¹ in its backward information filter and cannot run on "
        "it. Every other method handles a singular R, and so does tfs in the square-root form: "
        "leave tfs out, or run it with runs.form: [sqrt]");
}

void Parser::read_file_inputs(Deck& deck) {
  // Model file.
  if (deck.model.kind == ModelKind::file && !deck.model.file.empty() &&
      check_input_file(*this, "model.file", deck.model.file) && options_.reader) {
    try {
      deck.model_data = std::make_shared<const LoadedDataset>(
          options_.reader(deck.model.file, deck.model.dataset));
      const HostModel& m = deck.model_data->model;
      deck.model.state_dim = m.nx();
      deck.model.obs_dim = m.ny();
      deck.model.time_varying = m.time_varying();
      check_file_model(*this, deck, m, singular_r_);
    } catch (const std::exception& e) {
      error(where("model.file"), "model.file",
            "cannot read dataset '" + deck.model.dataset + "' from '" + deck.model.file +
                "': " + e.what());
    }
  }
  // Measurement file.
  if (deck.data.source != DataSource::file || deck.data.file.empty()) return;
  const std::string& file = deck.data.file;
  if (deck.data.format == DataFormat::csv) {
    read_csv_series(deck);
  } else if (!deck.data.path.empty()) {
    if (!check_input_file(*this, "data.file", file) || !options_.measurement_reader) return;
    try {
      LoadedDataset loaded;
      loaded.series = options_.measurement_reader(file, deck.data.path);
      loaded.has_series = true;
      deck.series_data = std::make_shared<const LoadedDataset>(std::move(loaded));
    } catch (const std::exception& e) {
      error(where("data.path"), "data.path", e.what());
      return;
    }
  } else {
    const bool same = file == deck.model.file && deck.data.dataset == deck.model.dataset;
    if (same && deck.model_data) {
      deck.series_data = deck.model_data;
    } else if (!(same && deck.model.kind == ModelKind::file)) {  // (already checked and reported)
      if (!check_input_file(*this, "data.file", file) || !options_.reader) return;
      try {
        deck.series_data = std::make_shared<const LoadedDataset>(
            options_.reader(file, deck.data.dataset));
      } catch (const std::exception& e) {
        error(where("data.file"), "data.file",
              "cannot read dataset '" + deck.data.dataset + "' from '" + file + "': " +
                  e.what());
        return;
      }
    }
  }
  if (!deck.series_data) return;
  const LoadedDataset& s = *deck.series_data;
  if (!s.has_series || s.series.length() < 1) {
    error(where("data.file"), "data.file",
          "dataset '" + deck.data.dataset + "' in '" + file + "' holds no measurements y");
    return;
  }
  deck.data.lengths = {s.series.length()};
  check_series_matches_model(*this, deck);
}

void Parser::read_csv_series(Deck& deck) {
  if (!check_input_file(*this, "data.file", deck.data.file, /*hdf5=*/false)) return;
  CsvMeasurements table;
  try {
    table = read_csv_measurements(deck.data.file, csv_options_);
  } catch (const CsvError& e) {
    const std::string key = e.option().empty() ? "data.file" : "data." + e.option();
    error(where(key), key, e.what());
    return;
  }
  // Stored resolved, so that the resolved deck reads the same columns without guessing.
  deck.data.time_column = table.time_column;
  deck.data.columns = table.columns;
  resolve("data.time_column", YAML::Node(table.time_column));
  YAML::Node columns(YAML::NodeType::Sequence);
  for (const auto& c : table.columns) columns.push_back(c);
  resolve("data.columns", flow(columns));
  deck.series_data = std::make_shared<const LoadedDataset>(to_loaded_dataset(table));
}

Deck Parser::parse(const std::string& text) {
  Deck deck;
  deck.source = source();
  deck.base_dir = base_dir_;

  // 1. YAML, the overrides, then the keys.
  load(text, options_.overrides);
  for (const auto& [path, entry] : entries()) deck.locations[path] = entry.key_where;

  // 2. Values, section by section (conditions refer to keys read before them).
  if (const auto name = read_string("experiment.name")) {
    deck.experiment.name = trim(*name);
    if (deck.experiment.name.empty() || deck.experiment.name.find('/') != std::string::npos) {
      error(where("experiment.name"), "experiment.name",
            "expected a non-empty name without '/', got " + describe(YAML::Node(*name)));
    }
  } else if (!has_key("experiment.name")) {
    std::string stem = fs::path(source()).stem().string();
    if (stem.empty() || stem.find('/') != std::string::npos) stem = "experiment";
    deck.experiment.name = stem;
    resolve("experiment.name", YAML::Node(stem));
  }
  if (const auto seed = read_integer("experiment.seed"))
    deck.experiment.seed = static_cast<std::uint64_t>(*seed);
  if (const auto description = read_string("experiment.description"))
    deck.experiment.description = *description;

  // model
  if (const auto kind = read_enum<ModelKind>("model.kind")) deck.model.kind = *kind;
  if (const auto v = read_integer("model.state_dim")) deck.model.state_dim = static_cast<int>(*v);
  if (const auto v = read_integer("model.obs_dim")) deck.model.obs_dim = static_cast<int>(*v);
  if (const auto v = read_bool("model.time_varying")) deck.model.time_varying = *v;
  if (const auto v = read_number("model.transition_scale")) deck.model.random.transition_scale = *v;
  if (const auto v = read_number("model.ridge")) deck.model.random.ridge = *v;
  if (const auto v = read_number("model.dt")) deck.model.tracking.dt = *v;
  if (const auto v = read_number("model.process_noise")) deck.model.tracking.process_noise = *v;
  if (const auto v = read_number("model.measurement_std"))
    deck.model.tracking.measurement_std = *v;
  if (choice_known("model.kind")) {
    if (deck.model.kind == ModelKind::lti) {
      read_lti(deck);
    } else {
      for (const char* name : {"F", "c", "Q", "H", "d", "R", "m0", "P0"})
        (void)fetch(std::string("model.") + name);  // reports keys given for another kind
    }
    if (deck.model.kind != ModelKind::random)
      deck.model.time_varying =
          deck.model.kind == ModelKind::lti && deck.model.lti.slots.most() > 1;
    if (deck.model.kind == ModelKind::tracking) {
      deck.model.state_dim = 4;
      deck.model.obs_dim = 2;
    }
    if (deck.model.kind == ModelKind::file) {
      deck.model.state_dim = 0;
      deck.model.obs_dim = 0;
    }
  }
  read_initial(deck);
  if (const auto v = read_string("model.file")) deck.model.file = resolve_input_path(*v);
  if (const auto v = read_string("model.dataset")) deck.model.dataset = *v;
  deck.model.random.nx = deck.model.state_dim;
  deck.model.random.ny = deck.model.obs_dim;
  deck.model.random.time_varying = deck.model.time_varying;
  deck.model.random.seed = deck.experiment.seed;

  // data
  if (const auto source = read_enum<DataSource>("data.source")) deck.data.source = *source;
  if (const auto v = read_lengths("data.lengths")) deck.data.lengths = *v;
  if (const auto v = read_integer("data.batch")) deck.data.batch = *v;
  if (const auto v = read_number("data.missing")) deck.data.missing = *v;
  if (const auto v = read_number("data.missing_components")) deck.data.missing_components = *v;
  read_file_source(deck);
  if (deck.data.source == DataSource::file && deck.data.batch != 1 && choice_known("data.source"))
    error(where("data.batch"), "data.batch",
          "a series read from a file is one series: batch must be 1, got " +
              std::to_string(deck.data.batch));

  // runs
  if (const auto v = read_choice_list("runs.methods")) deck.runs.methods = *v;
  if (const auto v = read_choice_list("runs.scans")) deck.runs.scans = *v;
  for (const ScanParameter* parameter : scan_parameters())
    if (const auto v = read_integer(std::string("runs.") + parameter->key))
      deck.runs.scan_parameters[parameter->key] = static_cast<int>(*v);
  for (const auto& scan : deck.runs.scans)
    if (!parse_scan(scan, deck.runs.scan_parameters))
      error(where("runs.scans"), "runs.scans", "scan '" + scan + "' cannot be configured");
  if (const auto v = read_choice_list("runs.precision")) deck.runs.precision = *v;
  if (const auto v = read_choice_list("runs.form")) deck.runs.form = *v;
  if (const auto v = read_integer("runs.warmup")) deck.runs.warmup = static_cast<int>(*v);
  if (const auto v = read_integer("runs.repetitions")) deck.runs.repetitions = static_cast<int>(*v);
  if (const auto v = read_choice("runs.reference")) deck.runs.reference = *v;
  if (const auto v = read_integer("runs.simulate_threads")) deck.runs.simulate_threads = *v;
  if (const auto v = read_enum<DistributedMode>("runs.distributed")) deck.runs.distributed = *v;
  // The filters spread over ranks (distributed/*_impl.hpp) combine standard-form elements only.
  const bool sqrt_form = std::find(deck.runs.form.begin(), deck.runs.form.end(), "sqrt") !=
                         deck.runs.form.end();
  if (sqrt_form && deck.runs.distributed != DistributedMode::sweep)
    error(where("runs.form"), "runs.form",
          "form sqrt is not available with runs.distributed: " +
              std::string(deck_name(deck.runs.distributed)) +
              " (its filters spread over ranks are in standard form only); use sweep or form "
              "[standard]");

  // output
  if (const auto v = read_string("output.file")) {
    deck.output.file = trim(*v);
  } else if (!has_value("output.file")) {
    deck.output.file = "results/" + deck.experiment.name + ".h5";
    resolve("output.file", YAML::Node(deck.output.file));
  }
  if (const auto v = read_enum<EstimatesOutput>("output.estimates")) deck.output.estimates = *v;
  if (const auto v = read_choice_list("output.diagnostics")) deck.output.diagnostics = *v;
  if (!deck.output.diagnostics.empty() && deck.output.estimates == EstimatesOutput::none)
    error(where("output.diagnostics"), "output.diagnostics",
          "kept with the estimates, and output.estimates is none: set it to last or all");
  // The backends spread over MPI ranks keep the estimates, not the filtering pass's steps.
  if (!deck.output.diagnostics.empty() && deck.runs.distributed != DistributedMode::sweep)
    error(where("output.diagnostics"), "output.diagnostics",
          "not available with runs.distributed: " + std::string(deck_name(deck.runs.distributed)) +
              " (its filters spread over ranks keep only the estimates); use sweep");
  if (const auto v = read_choice_list("output.summary")) deck.output.summary = *v;

  // 3. Files: inputs exist (and are read when a reader is given); the output can be written.
  read_file_inputs(deck);
  refuse_singular_r_for_standard_tfs(deck);
  check_dims_built(*this, deck);
  check_model_steps(*this, deck);
  check_initial_state(*this, deck);
  if (options_.check_output && !deck.output.file.empty())
    check_output_file(*this, deck.output.file);

  throw_if_failed();
  deck.resolved_yaml = resolved_text();
  return deck;
}

}  // namespace

Deck parse_deck(const std::string& text, const std::string& source, const std::string& base_dir,
                const DeckOptions& options) {
  return Parser(source, base_dir, options).parse(text);
}

Deck load_deck(const std::string& path, const DeckOptions& options) {
  std::error_code ec;
  DeckLocation w;
  w.file = path;
  if (fs::is_directory(path, ec)) throw DeckError({DeckIssue{w, "", "is a directory, not a deck"}});
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DeckError({DeckIssue{w, "", std::string("cannot open the deck: ") +
                                          (fs::exists(path, ec) ? std::strerror(errno)
                                                                : "no such file")}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string dir = fs::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  return parse_deck(text.str(), path, dir, options);
}

}  // namespace kscan
