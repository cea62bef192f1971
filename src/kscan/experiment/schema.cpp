#include "kscan/experiment/schema.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kscan/core/dims.hpp"
#include "kscan/experiment/deck_choices.hpp"
#include "kscan/scan/scan_algorithm.hpp"
#include "kscan/scan/scan_descriptor.hpp"
#include "kscan/solver/form.hpp"
#include "kscan/solver/method.hpp"

namespace kscan {
namespace {

std::string join(const std::vector<std::string>& words, const char* separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? separator : "") + words[i];
  return out;
}

std::vector<std::string> form_names() {
  std::vector<std::string> names;
  for (const auto& info : forms) names.emplace_back(info.name);
  return names;
}

std::string number_text(double v) {
  if (v == std::floor(v) && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::ostringstream s;
  s << v;
  return s.str();
}

/// A value of a deck choice as the key table writes it (a default, a condition).
template <class E>
std::string choice_name(E value) {
  return std::string(deck_name(value));
}

/// Only when the choice key `key` has `value`.
template <class E>
DeckCondition when_is(const char* key, E value) {
  return DeckCondition{key, {choice_name(value)}};
}

DeckKey make_key(std::string path, DeckType type, std::string default_yaml = "") {
  DeckKey key;
  key.path = std::move(path);
  key.type = type;
  key.default_yaml = std::move(default_yaml);
  return key;
}

/// A table cell: '|' escaped, so that choices and descriptions do not split the row.
std::string cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

std::vector<DeckKey> build_schema() {
  std::vector<DeckKey> k;
  auto add = [&](DeckKey key) { k.push_back(std::move(key)); };
  auto section = [&](const char* path, const char* description) {
    DeckKey key;
    key.path = path;
    key.type = DeckType::section;
    key.description = description;
    add(key);
  };
  const DeckCondition random = when_is("model.kind", ModelKind::random);
  const DeckCondition tracking = when_is("model.kind", ModelKind::tracking);
  const DeckCondition lti = when_is("model.kind", ModelKind::lti);
  const DeckCondition file_model = when_is("model.kind", ModelKind::file);
  const DeckCondition simulated = when_is("data.source", DataSource::simulate);
  const DeckCondition file_data = when_is("data.source", DataSource::file);

  section("experiment", "What the experiment is; stored with the results.");
  {
    DeckKey key = make_key("experiment.name", DeckType::string);
    key.default_note = "the deck's file name without its extension";
    key.description =
        "Name of the experiment. Names the default output file; must not contain '/'.";
    add(key);
  }
  {
    DeckKey key = make_key("experiment.seed", DeckType::integer, "1");
    key.min = 0;
    key.description =
        "Seed of the random model and of the simulation. A seed gives the same model and "
        "series on every backend; batch member b uses seed + b for its series.";
    add(key);
  }
  {
    DeckKey key = make_key("experiment.description", DeckType::string, "\"\"");
    key.description = "Free text, stored in the output file with the resolved deck.";
    add(key);
  }

  section("model", "The linear-Gaussian state-space model the series are drawn from.");
  {
    DeckKey key = make_key("model.kind", DeckType::choice, choice_name(ModelKind::random));
    key.choices = deck_choice_names<ModelKind>();
    key.description =
        "random: the paper's model (Gaussian entries, F a scaled orthogonal matrix, covariances "
        "X Xᵀ + ridge·I); tracking: 2-D constant-velocity target, 4 states, 2 position "
        "measurements; lti: the matrices given below; file: a model stored in an HDF5 file.";
    add(key);
  }
  {
    DeckKey key = make_key("model.state_dim", DeckType::integer, "4");
    key.when = random;
    key.min = 1;
    key.max = dimension_limit;
    key.description = "State dimension nx.";
    add(key);
  }
  {
    DeckKey key = make_key("model.obs_dim", DeckType::integer, "2");
    key.when = random;
    key.min = 1;
    key.max = dimension_limit;
    key.description = "Measurement dimension ny.";
    add(key);
  }
  {
    DeckKey key = make_key("model.time_varying", DeckType::boolean, "true");
    key.when = random;
    key.description =
        "Draw F, c, Q, H, d, R anew for every step (the paper's setting; the stored model then "
        "grows with T). false draws one set for all steps.";
    add(key);
  }
  {
    DeckKey key = make_key("model.transition_scale", DeckType::number, "0.99");
    key.when = random;
    key.min = 0;
    key.min_exclusive = true;
    key.description = "F is this times an orthogonal matrix: every singular value of F equals it.";
    add(key);
  }
  {
    DeckKey key = make_key("model.ridge", DeckType::number, "0.1");
    key.when = random;
    key.min = 0;
    key.min_exclusive = true;
    key.description = "Q, R and P0 are X Xᵀ + ridge·I for Gaussian X: keeps them well conditioned.";
    add(key);
  }
  {
    DeckKey key = make_key("model.dt", DeckType::number, "0.1");
    key.when = tracking;
    key.min = 0;
    key.min_exclusive = true;
    key.description = "Sampling period of the tracking model.";
    add(key);
  }
  {
    DeckKey key = make_key("model.process_noise", DeckType::number, "1.0");
    key.when = tracking;
    key.min = 0;
    key.min_exclusive = true;
    key.description = "Spectral density q of the white-noise acceleration.";
    add(key);
  }
  {
    DeckKey key = make_key("model.measurement_std", DeckType::number, "0.5");
    key.when = tracking;
    key.min = 0;
    key.min_exclusive = true;
    key.description = "Standard deviation of each position measurement.";
    add(key);
  }
  struct LtiField {
    const char* name;
    DeckType type;
    bool required;
    const char* description;
  };
  const LtiField lti_fields[] = {
      {"F", DeckType::matrix, true,
       "Transition matrix, nx x nx; nx (1.." KSCAN_DIMENSION_LIMIT_TEXT ") is read from it."},
      {"c", DeckType::vector, false, "Transition offset, nx entries."},
      {"Q", DeckType::matrix, true,
       "Process noise covariance, nx x nx, symmetric positive semi-definite."},
      {"H", DeckType::matrix, true,
       "Observation matrix, ny x nx; ny (1.." KSCAN_DIMENSION_LIMIT_TEXT ") is read from it."},
      {"d", DeckType::vector, false, "Observation offset, ny entries."},
      {"R", DeckType::matrix, true,
       "Measurement noise covariance, ny x ny, symmetric positive definite."},
      {"m0", DeckType::vector, false,
       "Mean of the initial state x_0 (the prior one step before the first observation), nx "
       "entries. Give either m0 and P0 or model.initial."},
      {"P0", DeckType::matrix, false,
       "Covariance of the initial state x_0, nx x nx, symmetric positive definite."}};
  for (const auto& f : lti_fields) {
    DeckKey key = make_key(std::string("model.") + f.name, f.type);
    key.when = lti;
    key.required = f.required;
    const bool initial_state = f.name[0] == 'm' || f.name[0] == 'P';  // m0, P0
    key.description = f.description;
    if (!initial_state)
      key.description +=
          " Or a list of T of them, one per step (x_{k+1} = F[k] x_k + ..., y[k] observes "
          "x_{k+1}): each array is time-invariant or time-varying on its own, and T must be "
          "the series length.";
    if (!f.required)
      key.default_note = initial_state ? "required unless model.initial is given" : "zeros";
    add(key);
  }
  section("model.initial",
          "The initial state in the textbook form: the predicted state of the first observation, "
          "x_1 ~ N(a1, P1), with some or all components diffuse (an unknown starting level: "
          "variance -> infinity, handled exactly). For every model kind; replaces m0 and P0 "
          "(the prior one step earlier, which is transformed by F and Q before the first "
          "observation).");
  {
    DeckKey key = make_key("model.initial.a1", DeckType::vector);
    key.default_note = "zeros";
    key.description = "Mean of x_1, nx entries (ignored in the diffuse components).";
    add(key);
  }
  {
    DeckKey key = make_key("model.initial.P1", DeckType::matrix);
    key.default_note = "zeros";
    key.description =
        "Covariance of x_1 apart from the diffuse part (P* of Durbin & Koopman), nx x nx, "
        "symmetric positive semi-definite; its rows and columns of diffuse components must be "
        "zero.";
    add(key);
  }
  {
    DeckKey key = make_key("model.initial.diffuse", DeckType::boolean, "false");
    key.description =
        "Exact diffuse initialisation (Durbin & Koopman, ch. 5) of the components in "
        "model.initial.diffuse_states (all of them when that is not given). The first "
        "observations that identify the diffuse components (usually as many as there are) are "
        "processed exactly on the host in float64 before the method runs on the rest of the "
        "series from the resulting proper prior; log-likelihoods are the diffuse "
        "log-likelihood.";
    add(key);
  }
  {
    DeckKey key = make_key("model.initial.diffuse_states", DeckType::vector);
    key.default_note = "every component";
    key.description =
        "Indices (0-based) of the diffuse state components, when only some are diffuse.";
    add(key);
  }
  {
    DeckKey key = make_key("model.file", DeckType::path);
    key.when = file_model;
    key.required = true;
    key.description =
        "HDF5 file holding the model as kscan writes it (/datasets/<dataset>/F, c, Q, H, d, R, "
        "m0, P0). A relative name is relative to the deck's directory. Checked when the deck is "
        "validated.";
    add(key);
  }
  {
    DeckKey key = make_key("model.dataset", DeckType::string);
    key.when = file_model;
    key.required = true;
    key.description = "Name of the dataset under /datasets in model.file, e.g. T1024.";
    add(key);
  }

  section("data", "The measurement series the methods run on.");
  {
    DeckKey key = make_key("data.source", DeckType::choice, choice_name(DataSource::simulate));
    key.choices = deck_choice_names<DataSource>();
    key.description =
        "simulate: draw states and measurements from the model; file: read y from data.file (a "
        "CSV table or an HDF5 dataset; x_true too when a kscan dataset holds it); its length is "
        "the one length of the sweep, and its measurement dimension must be the model's ny.";
    add(key);
  }
  {
    DeckKey key = make_key("data.lengths", DeckType::lengths, "[1024]");
    key.when = simulated;
    key.min = 1;
    key.max = 2147483647.0;
    key.description =
        "Series lengths T, in the order they run: a list such as [1024, \"2^14\"] or a geometric "
        "range {start, stop, factor} (stop included when reached). Values are positive integers "
        "or powers of two written \"2^k\"; no duplicates. A time-varying random model needs T of "
        "each matrix.";
    add(key);
  }
  {
    DeckKey key = make_key("data.lengths.start", DeckType::length);
    key.required = true;
    key.min = 1;
    key.max = 2147483647.0;
    key.description = "First length of a range.";
    add(key);
  }
  {
    DeckKey key = make_key("data.lengths.stop", DeckType::length);
    key.required = true;
    key.min = 1;
    key.max = 2147483647.0;
    key.description = "Last length of a range (at least start).";
    add(key);
  }
  {
    DeckKey key = make_key("data.lengths.factor", DeckType::integer, "2");
    key.min = 2;
    key.max = 1024;
    key.description = "Ratio of consecutive lengths of a range.";
    add(key);
  }
  {
    DeckKey key = make_key("data.batch", DeckType::integer, "1");
    key.min = 1;
    key.max = 65536;
    key.description =
        "Independent series per length, simulated from the same model (member b with seed + b). "
        "A timed repetition solves all of them together (kernels over series and time; the "
        "sequential methods and the blocked scan run the series in parallel); throughput counts "
        "T x batch. "
        "Accuracy metrics are those of member 0. Must be 1 for data.source: file.";
    add(key);
  }
  {
    DeckKey key = make_key("data.missing", DeckType::number, "0.0");
    key.when = simulated;
    key.min = 0;
    key.max = 1;
    key.max_exclusive = true;
    key.description = "Probability that a whole observation y_k is missing (stored as NaN).";
    add(key);
  }
  {
    DeckKey key = make_key("data.missing_components", DeckType::number, "0.0");
    key.when = simulated;
    key.min = 0;
    key.max = 1;
    key.max_exclusive = true;
    key.description = "Probability that a single component of y_k is missing (NaN).";
    add(key);
  }
  {
    DeckKey key = make_key("data.file", DeckType::path);
    key.when = file_data;
    key.default_note = "model.file (required unless model.kind is file)";
    key.description =
        "File holding the measurements: a CSV table (data.format csv) or an HDF5 file (hdf5: "
        "the dataset data.path, or y of /datasets/<data.dataset> in kscan's layout). A relative "
        "name is relative to the deck's directory. Read when the deck is validated. The output "
        "names the dataset after its source: the CSV's file name without extension, the last "
        "component of data.path, or data.dataset ('/' and spaces become '_').";
    add(key);
  }
  {
    DeckKey key = make_key("data.format", DeckType::choice);
    key.when = file_data;
    key.choices = deck_choice_names<DataFormat>();
    key.default_note = "csv when data.file ends in .csv (any letter case), otherwise hdf5";
    key.description =
        "How data.file is read. csv: a header row of column names, then one row per step; "
        "fields separated by ',', optionally double-quoted; a cell is a number or missing (empty, "
        "NA, NaN, nan or '.'; missing components are NaN in y). Blank lines at the end are "
        "ignored; inside the table a blank line is a row. Problems name the CSV's line and "
        "column.";
    add(key);
  }
  {
    DeckKey key = make_key("data.dataset", DeckType::string);
    key.when = file_data;
    key.default_note =
        "model.dataset (required unless model.kind is file, data.path is given or the format "
        "is csv)";
    key.description =
        "hdf5 only: name of the dataset under /datasets in data.file (kscan's layout: y [T, ny]). "
        "Not together with data.path.";
    add(key);
  }
  {
    DeckKey key = make_key("data.path", DeckType::string);
    key.when = file_data;
    key.default_note = "absent";
    key.description =
        "hdf5 only: path of any dataset in data.file holding the measurements, e.g. /group/y: "
        "floating-point, shape [T, ny] or [T] (ny = 1), NaN = missing. Not together with "
        "data.dataset.";
    add(key);
  }
  {
    DeckKey key = make_key("data.time_column", DeckType::string);
    key.when = file_data;
    key.default_note = "the first column when it is named time, date, year or t (any case)";
    key.description =
        "csv only: the column holding each row's time, kept out of y and stored as time [T] "
        "with the dataset (float64 when every non-missing cell is a number, otherwise the cells "
        "as UTF-8 strings). \"\" for none.";
    add(key);
  }
  {
    DeckKey key = make_key("data.columns", DeckType::string_list);
    key.when = file_data;
    key.default_note = "every column but the time column, in file order";
    key.description =
        "csv only: the measurement columns by header name, in the order of y's components.";
    add(key);
  }

  section("runs", "Which methods, scans, precisions and forms run, and how they are timed.");
  {
    DeckKey key = make_key("runs.methods", DeckType::choice_list,
                           "[" + join(method_names(), ", ") + "]");  // every method
    key.choices = method_names();
    key.description =
        "Methods: the sequential filter and smoothers kf, rts, tfs and their parallel (scan) "
        "counterparts pkf, prts, ptfs.";
    add(key);
  }
  {
    DeckKey key = make_key("runs.scans", DeckType::choice_list, "[blocked]");
    key.choices = scan_names();
    key.description =
        "Scan algorithms the parallel methods run over. The sequential methods take no scan: "
        "they run once per precision, with scan \"none\".";
    add(key);
  }
  for (const ScanParameter* parameter : scan_parameters()) {
    DeckKey key = make_key(std::string("runs.") + parameter->key, DeckType::integer,
                           std::to_string(parameter->default_value));
    key.min = parameter->minimum;
    key.max = parameter->maximum;
    key.description = parameter->description;
    add(key);
  }
  {
    DeckKey key = make_key("runs.precision", DeckType::choice_list, "[float32, float64]");
    key.choices = {"float32", "float64"};
    key.description = "Floating-point precisions every method runs in.";
    add(key);
  }
  {
    DeckKey key = make_key("runs.form", DeckType::choice_list, "[standard]");
    key.choices = form_names();
    key.description =
        "Numerical forms every method runs in: standard carries covariances, sqrt their "
        "Cholesky factors (square-root elements and combines; covariances stay positive "
        "semi-definite, which float32 on awkward models needs). Both compute the same "
        "estimates; parity is against the same float64 standard reference. A run id names a "
        "sqrt run's form after its method, e.g. pkf-sqrt-blocked-float32-T65536-B1. Not "
        "available with runs.distributed other than sweep.";
    add(key);
  }
  {
    DeckKey key = make_key("runs.warmup", DeckType::integer, "2");
    key.min = 0;
    key.max = 1000000;
    key.description = "Untimed runs before the timed ones (first-touch, caches, clocks).";
    add(key);
  }
  {
    DeckKey key = make_key("runs.repetitions", DeckType::integer, "10");
    key.min = 1;
    key.max = 1000000;
    key.description =
        "Timed runs; each is fenced before the clock is read. The median, minimum, mean and "
        "every repetition are stored.";
    add(key);
  }
  {
    DeckKey key = make_key("runs.reference", DeckType::choice, "kf");
    for (const MethodRow& row : method_table)
      if (!is_parallel(row.method)) key.choices.emplace_back(row.name);
    key.description =
        "Sequential method, run once per length in float64, that the parity metrics "
        "(max_abs_diff_vs_reference: means and covariances; max_rel_diff_mean_vs_reference, "
        "max_rel_diff_cov_vs_reference, rel_diff_loglik_vs_reference: the same relative to the "
        "reference's largest value, and the log-likelihood) compare against. Filters (kf, pkf) "
        "are always compared with kf; smoothers with this method when it is a smoother (rts, "
        "tfs), otherwise with rts.";
    add(key);
  }
  {
    DeckKey key = make_key("runs.simulate_threads", DeckType::integer);
    key.min = 1;
    key.default_note = "absent (timed runs)";
    key.description =
        "Operation-count mode, the paper's simulated-hardware experiment (Sec. V-D): every run "
        "is executed once, untimed (its estimates are checked as usual), and costed as the flops "
        "on the critical path of a machine with this many threads, where a parallel step over n "
        "items costs ceil(n / threads) items' flops. Stored as the flops_span metric; warm-up "
        "and repetitions are ignored. The paper simulates 15000 threads.";
    add(key);
  }
  {
    DeckKey key =
        make_key("runs.distributed", DeckType::choice, choice_name(DistributedMode::sweep));
    key.choices = deck_choice_names<DistributedMode>();
    key.description =
        "How `mpirun -n N kscan run` uses its ranks (a build with KSCAN_ENABLE_MPI=ON; one "
        "process is rank 0 of 1). sweep: the runs are spread over the ranks, each run on one "
        "rank; rank 0 writes them all, in plan order. pkf_chunks: every pkf run is one filter "
        "over all ranks, each holding a contiguous chunk of the series (for series too long "
        "for one device). ptfs_two_rank: every ptfs run uses two ranks, the forward scan on "
        "rank 0 and the backward scan on rank 1, combined on rank 0 (needs exactly 2 ranks). "
        "In the last two, the other methods run on rank 0 alone, and runs.simulate_threads is "
        "refused. Timings of a run over ranks include its communication.";
    add(key);
  }

  section("output", "Where the results go.");
  {
    DeckKey key = make_key("output.file", DeckType::path);
    key.default_note = "results/<experiment.name>.h5";
    key.description =
        "HDF5 result file. A relative name is relative to the working directory; missing "
        "directories are created. Its directory must be writable. `--output FILE` overrides it.";
    add(key);
  }
  {
    DeckKey key =
        make_key("output.estimates", DeckType::choice, choice_name(EstimatesOutput::last));
    key.choices = deck_choice_names<EstimatesOutput>();
    key.description =
        "Which runs store their estimates (mean [T, nx], covariance [T, nx, nx]): none, the "
        "runs of the largest length (last), or all.";
    add(key);
  }
  {
    DeckKey key = make_key("output.diagnostics", DeckType::choice_list, "[]");
    key.choices = {"predicted", "innovations", "loglik_terms"};
    key.allow_empty = true;
    key.description =
        "What the runs that store estimates keep of the filtering pass besides mean and cov, "
        "for every method (the parallel ones derive them from the scan's prefixes): predicted: "
        "the prediction of each step from the observations before it (predicted_mean [T, nx], "
        "predicted_cov [T, nx, nx]); innovations: y minus its prediction and its covariance "
        "(innovation [T, ny], innovation_cov [T, ny, ny]; NaN where a component is missing); "
        "loglik_terms: each observation's log-likelihood term (loglik_terms [T]; 0 where it "
        "is missing), which sum to loglik. They are computed inside every timed repetition (phase "
        "copy), so leave them out of benchmarks.";
    add(key);
  }
  {
    DeckKey key = make_key("output.summary", DeckType::choice_list, "[table, csv]");
    key.choices = {"table", "csv", "jsonl"};
    key.allow_empty = true;
    key.description =
        "Summaries besides the HDF5 file: a console table, and CSV/JSONL files named like "
        "output.file with the extension .csv/.jsonl.";
    add(key);
  }
  return k;
}

}  // namespace

const std::vector<DeckKey>& deck_schema() {
  static const std::vector<DeckKey> schema = build_schema();
  return schema;
}

const DeckKey* find_deck_key(const std::string& path) {
  for (const auto& key : deck_schema())
    if (key.path == path) return &key;
  return nullptr;
}

std::vector<std::string> deck_children(const std::string& section) {
  std::vector<std::string> out;
  const std::string prefix = section.empty() ? "" : section + ".";
  for (const auto& key : deck_schema()) {
    if (key.path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = key.path.substr(prefix.size());
    if (!rest.empty() && rest.find('.') == std::string::npos) out.push_back(rest);
  }
  return out;
}

std::string deck_type_name(DeckType type) {
  switch (type) {
    case DeckType::section: return "section";
    case DeckType::string: return "string";
    case DeckType::integer: return "integer";
    case DeckType::number: return "number";
    case DeckType::boolean: return "boolean";
    case DeckType::choice: return "choice";
    case DeckType::choice_list: return "list of choices";
    case DeckType::lengths: return "lengths";
    case DeckType::length: return "length";
    case DeckType::vector: return "list of numbers";
    case DeckType::matrix: return "matrix (list of rows)";
    case DeckType::path: return "file name";
    case DeckType::string_list: return "list of strings";
  }
  return "unknown";
}

std::string deck_allowed_text(const DeckKey& key) {
  if (key.type == DeckType::choice || key.type == DeckType::choice_list)
    return join(key.choices, " | ");
  if (key.type == DeckType::boolean) return "true | false";
  if (!key.min && !key.max) return "";
  if (key.min && key.max && !key.min_exclusive && !key.max_exclusive)
    return number_text(*key.min) + ".." + number_text(*key.max);
  std::string out;
  if (key.min) out = (key.min_exclusive ? "> " : ">= ") + number_text(*key.min);
  if (key.max) out += (out.empty() ? "" : ", ") + std::string(key.max_exclusive ? "< " : "<= ") +
                      number_text(*key.max);
  return out;
}

std::string deck_default_text(const DeckKey& key) {
  if (!key.default_yaml.empty()) return "`" + key.default_yaml + "`";
  if (!key.default_note.empty()) return key.default_note;
  if (key.required) return "required";
  return "";
}

std::string deck_reference_markdown() {
  std::string example_scans;  // every parallel scan (the sequential one is the reference)
  for (const auto& name : scan_names())
    if (name != "sequential") example_scans += (example_scans.empty() ? "" : ", ") + name;
  std::ostringstream md;
  md << "# Deck reference\n\n"
     << "<!-- Generated by `kscan validate --print-schema` from the key table in\n"
     << "     src/kscan/experiment/schema.cpp; do not edit by hand (a test compares them). -->\n\n"
     << "A deck is a YAML file describing one experiment: the model, the data, the runs (method x "
        "scan x precision x form x length) and the output. `kscan validate DECK` checks a deck and "
        "prints its plan; `kscan run DECK` runs it. Every key has a default unless it is marked "
        "required; a key that only applies to some model kind or data source (the \"only when\" "
        "column) is an error elsewhere. Unknown keys are errors, with a \"did you mean\" hint.\n\n"
     << "Errors name the file, line and column, the key path and what was expected, e.g.\n\n"
     << "    inputs/bad.yaml:7:14: model.state_dim: expected an integer in "
        "1.." KSCAN_DIMENSION_LIMIT_TEXT ", got '40'\n\n"
     << "`kscan run` and `kscan validate` accept `--set key.path=value` (repeatable): the value "
        "is parsed as YAML and replaces (or adds) that key before validation, e.g. `--set "
        "data.lengths=[256,512]` or `--set runs.precision=[float64]`. The resolved deck, every "
        "default filled in, is stored in the output file (root attribute `deck`).\n\n"
     << "## Example\n\n"
     << "```yaml\n"
     << "experiment: {name: scan-sweep, seed: 1}\n"
     << "model: {kind: random, state_dim: 4, obs_dim: 2, time_varying: true}\n"
     << "data:\n"
     << "  lengths: {start: 2^4, stop: 2^20, factor: 2}\n"
     << "runs:\n"
     << "  methods: [pkf, prts, ptfs]\n"
     << "  scans: [" << example_scans << "]\n"
     << "  precision: [float32]\n"
     << "output: {file: results/scan-sweep.h5, estimates: none}\n"
     << "```\n";
  std::string current_section;
  for (const auto& key : deck_schema()) {
    if (key.type == DeckType::section) {
      md << "\n## `" << key.path << "`\n\n" << key.description << "\n\n"
         << "| key | type | default | allowed | only when | description |\n"
         << "|---|---|---|---|---|---|\n";
      continue;
    }
    std::string when;
    if (key.when) when = key.when->key + ": " + join(key.when->values, " | ");
    md << "| `" << key.path << "` | " << deck_type_name(key.type) << " | "
       << cell(deck_default_text(key)) << " | " << cell(deck_allowed_text(key)) << " | "
       << cell(when) << " | " << cell(key.description) << " |\n";
  }
  md << "\n## Runs, datasets and estimates\n\n"
     << "The plan is the ordered list of runs: for each length (in deck order), each method, "
        "each scan (once, with scan `none`, for kf, rts and tfs), each precision, each form. A run's id names its group under /runs: method, form (only "
        "when sqrt), scan, precision, length and batch, e.g. `pkf-blocked-float32-T65536-B1` or "
        "`pkf-sqrt-blocked-float32-T65536-B1`, followed by the dataset's name when it "
        "is not `T<length>`, e.g. `kf-none-float64-T100-B1-nile`. A simulated length has one "
        "dataset, `T<length>` (batch member b > 0: `T<length>-b<b>`), under /datasets; a series "
        "read from a file keeps its source's name (see `data.file`). `kscan run --resume` skips "
        "the runs already in the output file.\n\n"
     << "Each run: `warmup` untimed runs, then `repetitions` timed runs of every series of the "
        "batch, with `Kokkos::fence()` before each clock read and per-phase times; median, "
        "minimum and mean; throughput T x batch / median in mega-samples per second; FLOPs from "
        "the operation count and achieved GFLOP/s; MFU only when the device's peak is known; "
        "peak memory of kscan's allocations; RMSE against the simulated states; max |difference| "
        "of means and covariances against the float64 sequential reference (see "
        "`runs.reference`); log-likelihood; whether every estimate is finite.\n";
  return md.str();
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  // Optimal string alignment: insertions, deletions, substitutions and adjacent transpositions.
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (!best || d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  const std::size_t length = std::max(word.size(), best ? best->size() : 0);
  const std::size_t limit = length <= 3 ? 1 : std::max<std::size_t>(2, length * 2 / 5);
  if (!best || best_distance == 0 || best_distance > limit) return std::nullopt;
  return best;
}

}  // namespace kscan
