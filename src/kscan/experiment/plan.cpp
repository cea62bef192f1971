#include "kscan/experiment/plan.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "kscan/scan/scan_descriptor.hpp"

namespace kscan {

std::string PlannedDataset::member_name(std::int64_t b) const {
  return b == 0 ? name : name + "-b" + std::to_string(b);
}

Method reference_method(Method method, const std::string& deck_reference) {
  if (!is_smoother(method)) return Method::kf;
  const auto named = parse_method(deck_reference);
  if (named && is_smoother(*named) && !is_parallel(*named)) return *named;
  return Method::rts;
}

Plan make_plan(const Deck& deck) {
  Plan plan;
  plan.warmup = deck.runs.warmup;
  plan.repetitions = deck.runs.repetitions;
  plan.simulate_threads = deck.runs.simulate_threads;
  plan.estimates = deck.output.estimates;
  plan.diagnostics = deck.output.diagnostics;
  plan.output_file = deck.output.file;
  plan.summary = deck.output.summary;
  if (deck.data.lengths.empty() && deck.data.source == DataSource::file)
    plan.notes.push_back("the length comes from '" + deck.data.file +
                         "', which was not read: no runs listed");
  const std::int64_t longest =
      deck.data.lengths.empty()
          ? 0
          : *std::max_element(deck.data.lengths.begin(), deck.data.lengths.end());
  for (const auto length : deck.data.lengths) {
    PlannedDataset dataset;
    if (deck.data.source == DataSource::file && !deck.data.name.empty()) {
      dataset.name = deck.data.name;  // the source's own name (one length, one series)
    } else {
      dataset.name = "T";  // appended, not "T" + ...: GCC 12 -O3 warns (-Wrestrict) in C++20
      dataset.name += std::to_string(length);
    }
    dataset.length = length;
    dataset.batch = deck.data.batch;
    plan.datasets.push_back(dataset);
    const std::size_t index = plan.datasets.size() - 1;
    const bool keep = deck.output.estimates == EstimatesOutput::all ||
                      (deck.output.estimates == EstimatesOutput::last && length == longest);
    for (const auto& method_text : deck.runs.methods) {
      const auto method = parse_method(method_text);
      if (!method) continue;  // validated
      std::vector<std::string> scans = {"none"};
      if (is_parallel(*method)) scans = deck.runs.scans;
      for (const auto& scan_text : scans) {
        ScanOptions scan{};
        if (scan_text != "none") {
          const auto parsed = parse_scan(scan_text, deck.runs.scan_parameters);
          if (!parsed) continue;  // validated
          scan = *parsed;
        }
        for (const auto& precision : deck.runs.precision) {
          for (const auto& form_text : deck.runs.form) {
            const auto form = parse_form(form_text);
            if (!form) continue;  // validated
            PlannedRun run;
            run.key.method = method_text;
            run.key.form = form_text;
            run.key.scan = scan_text;
            run.key.precision = precision;
            run.key.length = length;
            run.key.batch = deck.data.batch;
            run.key.dataset = dataset.name;
            run.method = *method;
            run.scan = scan;
            run.form = *form;
            run.dataset = index;
            run.keep_estimates = keep;
            plan.runs.push_back(run);
          }
        }
      }
    }
  }
  if (plan.simulate_threads)
    plan.notes.push_back("operation-count mode: each run is executed once, untimed (warm-up and "
                         "repetitions are ignored), and costed in flops on the critical path of "
                         "a simulated machine of " + std::to_string(*plan.simulate_threads) +
                         " threads");
  return plan;
}

namespace {

std::string model_text(const Deck& deck) {
  const auto& m = deck.model;
  std::ostringstream s;
  s << deck_name(m.kind);
  if (m.kind == ModelKind::file) s << " '" << m.file << "' dataset " << m.dataset;
  if (m.state_dim > 0) s << ", nx " << m.state_dim << ", ny " << m.obs_dim;
  if (m.kind == ModelKind::random)
    s << (m.time_varying ? ", time-varying" : ", time-invariant") << ", transition_scale "
      << m.random.transition_scale << ", ridge " << m.random.ridge;
  if (m.kind == ModelKind::tracking)
    s << ", dt " << m.tracking.dt << ", process_noise " << m.tracking.process_noise
      << ", measurement_std " << m.tracking.measurement_std;
  return s.str();
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + words[i];
  return out;
}

}  // namespace

std::string format_plan(const Deck& deck, const Plan& plan) {
  std::ostringstream s;
  s << "deck        " << deck.source << "\n"
    << "experiment  " << deck.experiment.name << " (seed " << deck.experiment.seed << ")";
  if (!deck.experiment.description.empty()) s << ": " << deck.experiment.description;
  s << "\nmodel       " << model_text(deck);
  if (deck.model.initial.given) {
    s << "; initial state x_1 ~ N(a1, P1)";
    if (deck.model.initial.diffuse) {
      std::vector<std::string> names;
      for (const int i : diffuse_components(deck, deck.model.state_dim))
        names.push_back(std::to_string(i));
      s << ", exactly diffuse in "
        << (names.empty() ? "every component"
                          : (names.size() > 1 ? "components " : "component ") + join(names));
    }
  }
  s << "\n"
    << "data        " << deck_name(deck.data.source);
  if (deck.data.source == DataSource::file) {
    const auto& d = deck.data;
    s << " '" << d.file << "' (" << (d.format ? deck_name(*d.format) : "?");
    if (!d.path.empty()) s << ", path " << d.path;
    if (!d.dataset.empty()) s << ", dataset " << d.dataset;
    if (!d.columns.empty()) s << ", columns " << join(d.columns);
    if (!d.time_column.empty()) s << ", time " << d.time_column;
    s << ") as dataset " << d.name;
  }
  s << ", batch " << deck.data.batch;
  if (deck.data.source == DataSource::simulate)
    s << ", missing rows " << deck.data.missing << ", missing components "
      << deck.data.missing_components;
  s << "\nlengths     ";
  for (std::size_t i = 0; i < plan.datasets.size(); ++i)
    s << (i ? ", " : "") << plan.datasets[i].length;
  if (plan.datasets.empty()) s << "(from the data file)";
  s << "\nmethods     " << join(deck.runs.methods) << "\n"
    << "scans       " << join(deck.runs.scans) << " (";
  for (const ScanDeckName& name : scan_deck_names())
    if (const ScanParameter* parameter = name.parameter) {
      const auto set = deck.runs.scan_parameters.find(parameter->key);
      s << name.name << " " << parameter->symbol << " = "
        << (set != deck.runs.scan_parameters.end() ? set->second : parameter->default_value)
        << "; ";
    }
  s << "sequential methods: none)\n"
    << "precision   " << join(deck.runs.precision) << "\n";
  // The form line only when a deck asks for more than the standard form (the plans of older
  // decks read as before).
  if (deck.runs.form != std::vector<std::string>{"standard"})
    s << "form        " << join(deck.runs.form)
      << " (every method; parity against the float64 standard-form reference)\n";
  s << "timing      " << plan.warmup << " warm-up + " << plan.repetitions
    << " timed repetitions per run\n"
    << "reference   float64 kf for filters, "
    << method_name(reference_method(Method::rts, deck.runs.reference)) << " for smoothers\n"
    << "output      " << plan.output_file << " (estimates: " << deck_name(plan.estimates)
    << (plan.diagnostics.empty() ? "" : " with " + join(plan.diagnostics)) << "; summary: " << (plan.summary.empty() ? "none" : join(plan.summary)) << ")\n";
  for (const auto& note : plan.notes) s << "note        " << note << "\n";
  std::int64_t samples = 0;
  for (const auto& run : plan.runs)
    samples += run.key.length * run.key.batch * (plan.warmup + plan.repetitions);
  s << "runs        " << plan.runs.size() << " (" << plan.datasets.size() << " datasets, "
    << samples << " time steps solved in all)\n";
  const int width = static_cast<int>(std::to_string(plan.runs.size()).size());
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    s << "  " << std::setw(width) << i + 1 << "  " << plan.runs[i].key.id();
    if (plan.runs[i].keep_estimates) s << "  [estimates]";
    s << "\n";
  }
  return s.str();
}

}  // namespace kscan
