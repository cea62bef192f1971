#include "kscan/experiment/runner.hpp"

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "kscan/data/simulate.hpp"
#include "kscan/experiment/device_peaks.hpp"
#include "kscan/experiment/diffuse_split.hpp"
#include "kscan/experiment/run_environment.hpp"
#include "kscan/solver/batched_kalman_solver.hpp"
#include "kscan/solver/kalman_solver.hpp"
#include "kscan/solver/operation_count.hpp"

namespace kscan {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;
using Clock = std::chrono::steady_clock;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto total = static_cast<long long>(seconds + 0.5);
  std::ostringstream s;
  if (total >= 3600)
    s << total / 3600 << ":" << std::setw(2) << std::setfill('0') << total / 60 % 60 << ":"
      << std::setw(2) << total % 60;
  else
    s << total / 60 << ":" << std::setw(2) << std::setfill('0') << total % 60;
  return s.str();
}

std::string duration_text(double seconds) {
  std::ostringstream s;
  s << std::setprecision(3);
  if (seconds < 1e-3)
    s << seconds * 1e6 << " us";
  else if (seconds < 1.0)
    s << seconds * 1e3 << " ms";
  else
    s << seconds << " s";
  return s.str();
}

/// "case i/N <id> elapsed ETA": one rewritten line on a terminal, a line per case otherwise.
class Progress {
 public:
  Progress(const RunnerOptions& o, double total_weight, std::size_t cases)
      : out_(o.quiet ? nullptr : o.progress),
        warn_(o.warnings),
        terminal_(o.progress_is_terminal),
        total_(total_weight),
        cases_(cases),
        start_(Clock::now()) {}

  double elapsed() const { return seconds_since(start_); }

  void status(const std::string& text) {
    if (!out_ || !terminal_) return;
    *out_ << "\r\033[K" << text << std::flush;
    open_ = true;
  }
  void begin(std::size_t index, const std::string& id) {
    if (!out_ || !terminal_) return;
    status(prefix(index, id) + "  elapsed " + clock_text(elapsed()) + "  ETA " + eta());
  }
  void end(std::size_t index, const std::string& id, double weight, const std::string& outcome) {
    done_ += weight;
    if (!out_ || terminal_) return;
    *out_ << prefix(index, id) << "  " << outcome << "  elapsed " << clock_text(elapsed())
          << "  ETA " << eta() << "\n"
          << std::flush;
  }
  void skip(double weight) { total_ -= weight; }
  void line(const std::string& text) {
    if (!out_) return;
    close();
    *out_ << text << "\n" << std::flush;
  }
  void warn(const std::string& text) {
    if (!warn_) return;
    close();
    *warn_ << "kscan: warning: " << text << "\n" << std::flush;
  }
  void close() {
    if (out_ && open_) *out_ << "\n" << std::flush;
    open_ = false;
  }

 private:
  std::string prefix(std::size_t index, const std::string& id) const {
    return "case " + std::to_string(index + 1) + "/" + std::to_string(cases_) + " " + id;
  }
  std::string eta() const {
    if (done_ <= 0) return "?";
    return clock_text(elapsed() / done_ * std::max(0.0, total_ - done_));
  }

  std::ostream* out_;
  std::ostream* warn_;
  bool terminal_;
  double total_;
  double done_ = 0;
  std::size_t cases_;
  Clock::time_point start_;
  bool open_ = false;
};

/// Relative cost of a run, for the ETA: time steps solved, smoothers twice a filter.
double weight(const PlannedRun& run, const Plan& plan) {
  const double passes = is_smoother(run.method) ? 2.0 : 1.0;
  const double executions = plan.simulate_threads ? 1.0 : plan.warmup + plan.repetitions;
  return static_cast<double>(run.key.length) * static_cast<double>(run.key.batch) * executions *
         passes;
}

/// The float64 sequential result of batch member 0, on the host, row-major.
struct Reference {
  bool ready = false;
  std::string error;  // why it is missing
  std::vector<double> mean;  // [T, nx]
  std::vector<double> cov;   // [T, nx, nx]
  double loglik = 0;
};

template <class V>
std::vector<double> as_doubles(const V& v) {
  std::vector<double> out(v.span());
  for (std::size_t i = 0; i < v.span(); ++i) out[i] = static_cast<double>(v.data()[i]);
  return out;
}

template <class Scalar>
struct DeviceData {
  StateSpaceModel<Scalar, Mem> model;
  typename BatchedKalmanSolver<Scalar, Exec>::measurements_type y;  // [batch, T, ny]
  std::size_t model_bytes = 0;
  std::size_t measurement_bytes = 0;
};

template <class Scalar>
DeviceData<Scalar> to_device(const HostModel& model, const std::vector<HostSeries>& series) {
  DeviceData<Scalar> d;
  d.model = convert_model<Scalar, Mem>(model);
  const auto& m = d.model;
  d.model_bytes = sizeof(Scalar) * (m.F.span() + m.Q.span() + m.H.span() + m.R.span() +
                                    m.c.span() + m.d.span() + m.m0.span() + m.P0.span());
  d.y = typename BatchedKalmanSolver<Scalar, Exec>::measurements_type(
      "kscan::data::batch_y", series.size(), series[0].y.extent(0), series[0].y.extent(1));
  for (std::size_t b = 0; b < series.size(); ++b)
    Kokkos::deep_copy(Kokkos::subview(d.y, b, Kokkos::ALL, Kokkos::ALL),
                      convert_measurements<Scalar, Mem>(series[b].y));
  d.measurement_bytes = sizeof(Scalar) * d.y.span();
  return d;
}

Reference compute_reference(Method method, const HostModel& model, const HostSeries& series,
                            const DiffuseSplit* split) {
  Reference ref;
  try {
    DeviceData<double> d = to_device<double>(model, {series});
    SolverOptions options;
    options.method = method;
    KalmanSolver<double, Exec> solver(options, d.model,
                                      Kokkos::subview(d.y, 0, Kokkos::ALL, Kokkos::ALL));
    solver.run();
    Kokkos::fence();
    ref.mean = as_doubles(Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.mean()));
    ref.cov = as_doubles(
        Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.covariance()));
    ref.loglik = solver.log_likelihood();
    if (split) {
      const auto rest_mean = ref.mean, rest_cov = ref.cov;
      prepend_diffuse_steps(*split, is_smoother(method), rest_mean, rest_cov, ref.mean, ref.cov);
      ref.loglik += split->start.loglik;
    }
    ref.ready = true;
  } catch (const std::exception& e) {
    ref.error = e.what();
  }
  return ref;
}

struct RegionGuard {
  explicit RegionGuard(const std::string& name) { Kokkos::Profiling::pushRegion(name); }
  ~RegionGuard() { Kokkos::Profiling::popRegion(); }
  RegionGuard(const RegionGuard&) = delete;
  RegionGuard& operator=(const RegionGuard&) = delete;
};

struct Abandoned {};

bool stopping(const std::atomic<bool>* stop) { return stop && stop->load(); }

template <class V>
bool all_finite(const V& v) {
  const auto* p = v.data();
  for (std::size_t i = 0; i < v.span(); ++i)
    if (!std::isfinite(static_cast<double>(p[i]))) return false;
  return true;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return kNaN;
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(a[i] - b[i]);
    if (std::isnan(d)) return kNaN;
    worst = std::max(worst, d);
  }
  return worst;
}

/// max |a - b| / max |b|: relative to the reference's size (absolute where b is all zero).
double max_rel_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double scale = 0.0;
  for (const double v : b) scale = std::max(scale, std::abs(v));
  const double worst = max_abs_diff(a, b);
  return scale > 0 ? worst / scale : worst;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct RunContext {
  const Plan& plan;
  const HostSeries& truth;          // batch member 0, the whole series
  const Reference* reference;       // null when not available
  const DiffuseSplit* split;        // the exact diffuse start the solver's series follows; or null
  const std::atomic<bool>* stop;
  std::string device;               // device name, for the peak table
  std::string execution_space;
  std::string threads_or_device;
  const RunnerOptions& hooks;
};

/// The solver of one run: every batch member in one BatchedKalmanSolver (its kernels run over
/// series and time together) over its own engine or, when a RunnerOptions hook supplies one, an
/// engine built elsewhere for the run's single series (a method spread over MPI ranks). Its
/// estimates are read as [B, T, nx], [B, T, nx, nx] and [B] host arrays.
template <class Scalar>
class RunSolver {
 public:
  using batch_type = BatchedKalmanSolver<Scalar, Exec>;
  using HostMeans = Kokkos::View<Scalar***, Kokkos::LayoutRight, Kokkos::HostSpace>;
  using HostCovariances = Kokkos::View<Scalar****, Kokkos::LayoutRight, Kokkos::HostSpace>;
  using HostLogliks = Kokkos::View<double*, Kokkos::HostSpace>;

  RunSolver(const PlannedRun& run, const SolverOptions& options, const DeviceData<Scalar>& data,
            const RunnerOptions& hooks) {
    const EngineFactory<Scalar>* factory = nullptr;
    if constexpr (std::is_same_v<Scalar, float>) factory = &hooks.engine_float;
    else factory = &hooks.engine_double;
    if (*factory) {
      const typename KalmanSolver<Scalar, Exec>::measurements_type y =
          Kokkos::subview(data.y, 0, Kokkos::ALL, Kokkos::ALL);
      if (auto engine = (*factory)(run, options, data.model, y)) {
        if (data.y.extent(0) != 1)
          throw std::invalid_argument("a run over a supplied engine takes one series (batch 1)");
        batch_.emplace(std::move(engine));
        return;
      }
    }
    batch_.emplace(options, data.model, data.y);
  }

  void run(PhaseTimer* timer = nullptr) { batch_->run(timer); }
  double flops() const { return batch_->flops(); }
  std::size_t allocated_bytes() const { return batch_->allocated_bytes(); }

  // (a supplied engine's reads are collective over its ranks: every rank calls them, in this
  // order: means, covariances, log-likelihoods)
  HostMeans means() const {
    return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch_->mean());
  }
  HostCovariances covariances() const {
    return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch_->covariance());
  }
  /// The filtering pass's per-step quantities, on the host; empty unless the options asked for
  /// them (and for an engine built elsewhere, which does not keep them).
  FilterDiagnostics<Scalar, Kokkos::HostSpace> diagnostics() const {
    const auto d = batch_->diagnostics();
    FilterDiagnostics<Scalar, Kokkos::HostSpace> host;
    if (d.empty()) return host;
    auto copy = [](const auto& v) {
      return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
    };
    host.predicted_mean = copy(d.predicted_mean);
    host.predicted_cov = copy(d.predicted_cov);
    host.innovation = copy(d.innovation);
    host.innovation_cov = copy(d.innovation_cov);
    host.loglik_terms = copy(d.loglik_terms);
    return host;
  }
  HostLogliks log_likelihoods() const {
    return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch_->log_likelihood());
  }

 private:
  std::optional<batch_type> batch_;
};

/// Warm-up, then fenced timed repetitions: total and phase times, median, min, mean and
/// throughput.
template <class Scalar>
void time_repetitions(RunSolver<Scalar>& solver, const RunContext& ctx, RunResult& result) {
  for (int w = 0; w < ctx.plan.warmup; ++w) {
    solver.run();
    Kokkos::fence();
    if (stopping(ctx.stop)) throw Abandoned{};
  }
  const int reps = ctx.plan.repetitions;
  result.total_seconds.reserve(reps);
  for (auto& phase : result.phase_seconds) phase.reserve(reps);
  for (int r = 0; r < reps; ++r) {
    PhaseTimer timer;
    Kokkos::fence();
    const auto start = Clock::now();
    solver.run(&timer);
    Kokkos::fence();
    result.total_seconds.push_back(seconds_since(start));
    for (int p = 0; p < phase_count; ++p)
      result.phase_seconds[p].push_back(timer.seconds(static_cast<Phase>(p)));
    if (stopping(ctx.stop)) throw Abandoned{};
  }
  RunMetrics& m = result.metrics;
  const auto& t = result.total_seconds;
  m.median_seconds = median_of(t);
  m.min_seconds = *std::min_element(t.begin(), t.end());
  m.mean_seconds = std::accumulate(t.begin(), t.end(), 0.0) / static_cast<double>(t.size());
  const double samples =
      static_cast<double>(result.key.length) * static_cast<double>(result.key.batch);
  m.throughput_msps = m.median_seconds > 0 ? samples / m.median_seconds / 1e6 : kNaN;
}

/// Operation-count metrics of a run on the simulated machine of p threads; batch members run one
/// after another on it, so their counts add. Nothing was timed: times are NaN.
template <class Model>
void count_simulated(const PlannedRun& run, const SolverOptions& options, const Model& model,
                     std::int64_t p, RunMetrics& m) {
  const int schedule_threads = static_cast<int>(std::min<std::int64_t>(p, 1 << 30));
  const OperationCount count =
      count_operations(options, model.nx(), model.ny(), run.key.length, schedule_threads, p);
  const double members = static_cast<double>(run.key.batch);
  m.median_seconds = m.min_seconds = m.mean_seconds = kNaN;
  m.throughput_msps = m.achieved_gflops = kNaN;
  m.flops = count.total * members;
  m.flops_span = count.span * members;
  m.simulated_threads = p;
}

/// Series 0's per-step quantities that output.diagnostics names, as float64 copies.
template <class Scalar>
void keep_diagnostics(const FilterDiagnostics<Scalar, Kokkos::HostSpace>& d,
                      const std::vector<std::string>& wanted, const DiffuseSplit* split,
                      RunResult& result) {
  if (d.empty())
    throw std::runtime_error("output.diagnostics: this run's engine does not keep the filtering "
                             "pass's per-step quantities");
  // Series 0 is the first block; the diffuse start's steps (if any) come first.
  auto member0 = [&](const auto& view, std::vector<double>& into,
                     std::vector<double> DiffuseStart::*start_part) {
    const std::size_t n = view.span() / view.extent(0);
    into = split ? split->start.*start_part : std::vector<double>{};
    into.insert(into.end(), view.data(), view.data() + n);
  };
  auto asked = [&](const char* name) {
    return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  result.ny = static_cast<int>(d.innovation.extent(2));
  if (asked("predicted")) {
    member0(d.predicted_mean, result.predicted_mean, &DiffuseStart::predicted_mean);
    member0(d.predicted_cov, result.predicted_cov, &DiffuseStart::predicted_cov);
  }
  if (asked("innovations")) {
    member0(d.innovation, result.innovation, &DiffuseStart::innovation);
    member0(d.innovation_cov, result.innovation_cov, &DiffuseStart::innovation_cov);
  }
  if (asked("loglik_terms"))
    member0(d.loglik_terms, result.loglik_terms, &DiffuseStart::loglik_terms);
}

template <class Scalar>
RunResult execute(const PlannedRun& run, DeviceData<Scalar>& data, const RunContext& ctx) {
  RegionGuard region("kscan::run " + run.key.id());
  RunResult result;
  result.key = run.key;
  result.threads_or_device = ctx.threads_or_device;

  SolverOptions options;
  options.method = run.method;
  options.scan = run.scan;
  options.form = run.form;  // the reference stays standard: sqrt runs are measured against it
  options.diagnostics = run.keep_estimates && !ctx.plan.diagnostics.empty();
  RunSolver<Scalar> solver(run, options, data, ctx.hooks);

  RunMetrics& m = result.metrics;
  if (ctx.plan.simulate_threads) {
    solver.run();
    Kokkos::fence();
    count_simulated(run, options, data.model, *ctx.plan.simulate_threads, m);
  } else {
    time_repetitions(solver, ctx, result);
    m.flops = solver.flops();
    m.achieved_gflops = m.median_seconds > 0 ? m.flops / m.median_seconds / 1e9 : kNaN;
    if (const auto peak = device_peak_gflops(ctx.device, ctx.execution_space, run.key.precision))
      m.mfu = m.achieved_gflops / *peak;
  }
  // after running: scan scratch is allocated by the first run
  m.peak_memory_bytes = static_cast<std::int64_t>(solver.allocated_bytes() + data.model_bytes +
                                                  data.measurement_bytes);

  // Estimates of member 0 (over the whole series, diffuse start included): accuracy, parity,
  // estimates; every member: finiteness.
  const auto means = solver.means();
  const auto covs = solver.covariances();
  const auto logliks = solver.log_likelihoods();
  std::vector<double> mean = as_doubles(Kokkos::subview(means, 0, Kokkos::ALL, Kokkos::ALL));
  std::vector<double> cov =
      as_doubles(Kokkos::subview(covs, 0, Kokkos::ALL, Kokkos::ALL, Kokkos::ALL));
  const int nx = static_cast<int>(means.extent(2));
  m.loglik = logliks(0);
  if (ctx.split) {
    const auto rest_mean = mean, rest_cov = cov;
    prepend_diffuse_steps(*ctx.split, is_smoother(run.method), rest_mean, rest_cov, mean, cov);
    m.loglik += ctx.split->start.loglik;
  }
  m.finite = all_finite(means) && all_finite(covs) && all_finite(logliks) &&
             std::isfinite(m.loglik);
  const std::size_t steps = mean.size() / static_cast<std::size_t>(nx);
  const auto& truth = ctx.truth.x_true;
  if (truth.extent(0) == steps && static_cast<int>(truth.extent(1)) == nx && steps > 0) {
    double sum = 0.0;
    for (std::size_t i = 0; i < steps; ++i)
      for (int j = 0; j < nx; ++j) {
        const double e = mean[i * nx + j] - truth(i, j);
        sum += e * e;
      }
    m.rmse_vs_truth = std::sqrt(sum / (static_cast<double>(steps) * nx));
  } else {
    m.rmse_vs_truth = kNaN;
  }
  if (ctx.reference && ctx.reference->ready) {
    const Reference& ref = *ctx.reference;
    m.max_abs_diff_vs_reference = std::max(max_abs_diff(mean, ref.mean), max_abs_diff(cov, ref.cov));
    m.max_rel_diff_mean_vs_reference = max_rel_diff(mean, ref.mean);
    m.max_rel_diff_cov_vs_reference = max_rel_diff(cov, ref.cov);
    m.rel_diff_loglik_vs_reference =
        std::abs(m.loglik - ref.loglik) / (ref.loglik != 0 ? std::abs(ref.loglik) : 1.0);
  } else {
    m.max_abs_diff_vs_reference = m.max_rel_diff_mean_vs_reference = kNaN;
    m.max_rel_diff_cov_vs_reference = m.rel_diff_loglik_vs_reference = kNaN;
  }
  if (std::isnan(m.max_abs_diff_vs_reference) && ctx.reference && ctx.reference->ready)
    m.finite = false;

  if (run.keep_estimates) {
    result.has_estimates = true;
    result.nx = nx;
    result.mean = std::move(mean);
    result.covariance = std::move(cov);
    if (options.diagnostics)
      keep_diagnostics(solver.diagnostics(), ctx.plan.diagnostics, ctx.split, result);
  }
  return result;
}

std::string run_outcome(const RunResult& r) {
  std::ostringstream s;
  if (r.metrics.flops_span)
    s << std::setprecision(4) << *r.metrics.flops_span / 1e6 << " Mflop on the critical path";
  else
    s << "median " << duration_text(r.metrics.median_seconds) << ", " << std::setprecision(3)
      << r.metrics.throughput_msps << " MS/s";
  if (!r.metrics.finite) s << ", NON-FINITE";
  return s.str();
}

}  // namespace

std::string threads_or_device() {
  const auto e = current_environment();
  const std::string& space = e.execution_space;
  if (space == "Cuda" || space == "HIP" || space == "SYCL" || space == "Experimental::HIP")
    return e.device;
  return space + " x" + std::to_string(e.concurrency);
}

RunnerReport run_plan(const Deck& deck, const Plan& plan, ResultSink& sink,
                      const RunnerOptions& options) {
  RunnerReport report;
  report.planned = plan.runs.size();
  double total_weight = 0;
  auto assigned = [&](std::size_t i) { return !options.assigned || options.assigned(i); };
  for (std::size_t i = 0; i < plan.runs.size(); ++i)
    if (assigned(i)) total_weight += weight(plan.runs[i], plan);
  Progress progress(options, total_weight, plan.runs.size());

  const auto env = current_environment();
  const std::string placement =
      plan.simulate_threads ? "simulated x" + std::to_string(*plan.simulate_threads)
                            : threads_or_device();

  for (std::size_t d = 0; d < plan.datasets.size(); ++d) {
    if (stopping(options.stop)) {
      report.interrupted = true;
      break;
    }
    const PlannedDataset& dataset = plan.datasets[d];
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < plan.runs.size(); ++i) {
      if (plan.runs[i].dataset != d || !assigned(i)) continue;
      if (sink.contains_run(plan.runs[i].key.id())) {
        ++report.skipped;
        progress.skip(weight(plan.runs[i], plan));
        progress.end(i, plan.runs[i].key.id(), 0, "already in the output, skipped");
      } else {
        pending.push_back(i);
      }
    }
    bool datasets_written = true;
    for (std::int64_t b = 0; b < dataset.batch; ++b)
      datasets_written = datasets_written && sink.contains_dataset(dataset.member_name(b));
    if (pending.empty() && datasets_written) continue;

    // Model and series.
    progress.status("preparing " + dataset.name + " (model, series, references)");
    const HostModel model = build_model(deck, dataset.length, options.reader);
    std::vector<HostSeries> series;
    if (deck.data.source == DataSource::simulate) {
      for (std::int64_t b = 0; b < dataset.batch; ++b) {
        SimulationOptions s;
        s.length = static_cast<int>(dataset.length);
        s.seed = deck.experiment.seed + static_cast<std::uint64_t>(b);
        s.missing_rows = deck.data.missing;
        s.missing_components = deck.data.missing_components;
        series.push_back(simulate(model, s));
      }
    } else {
      std::shared_ptr<const LoadedDataset> loaded = deck.series_data;
      if (!loaded)
        loaded = std::make_shared<const LoadedDataset>(
            read_file_series(deck, options.reader, options.measurement_reader));
      if (!loaded->has_series)
        throw std::runtime_error("dataset '" + dataset.name + "' holds no measurements");
      series.push_back(loaded->series);
    }
    // A diffuse initial state: the methods solve the series after its exact start.
    std::optional<DiffuseSplit> split;
    if (const auto diffuse = diffuse_components(deck, model.nx()); !diffuse.empty()) {
      if (series.size() != 1)
        throw std::runtime_error("model.initial.diffuse runs one series (data.batch: 1)");
      split = split_diffuse(model, series[0], diffuse);
      series[0].diffuse_steps = split->steps();
    }
    for (std::int64_t b = 0; b < dataset.batch; ++b) {
      const std::string name = dataset.member_name(b);
      if (!sink.contains_dataset(name)) sink.write_dataset(name, model, &series[b]);
    }
    const HostModel& solved_model = split ? split->rest_model : model;
    const std::vector<HostSeries> solved_series =
        split ? std::vector<HostSeries>{split->rest_series} : series;

    // References (float64, sequential, member 0), computed when a pending run needs one.
    std::map<Method, Reference> references;
    for (const auto i : pending) {
      const Method r = reference_method(plan.runs[i].method, deck.runs.reference);
      if (references.count(r)) continue;
      progress.status("preparing " + dataset.name + ": float64 " + method_name(r) + " reference");
      references[r] = compute_reference(r, solved_model, solved_series[0],
                                        split ? &*split : nullptr);
      if (!references[r].ready)
        progress.warn("the float64 " + method_name(r) + " reference for " + dataset.name +
                      " failed (" + references[r].error + "); parity is NaN for its runs");
    }

    std::optional<DeviceData<float>> device32;
    std::optional<DeviceData<double>> device64;
    for (const auto i : pending) {
      if (stopping(options.stop)) {
        report.interrupted = true;
        break;
      }
      const PlannedRun& run = plan.runs[i];
      const std::string id = run.key.id();
      progress.begin(i, id);
      RunContext ctx{plan,
                     series[0],
                     &references[reference_method(run.method, deck.runs.reference)],
                     split ? &*split : nullptr,
                     options.stop,
                     env.device,
                     env.execution_space,
                     placement,
                     options};
      std::optional<RunResult> result;
      try {
        if (run.key.precision == "float32") {
          if (!device32) device32 = to_device<float>(solved_model, solved_series);
          result = execute<float>(run, *device32, ctx);
        } else {
          if (!device64) device64 = to_device<double>(solved_model, solved_series);
          result = execute<double>(run, *device64, ctx);
        }
      } catch (const Abandoned&) {
        report.interrupted = true;
        progress.line("interrupted: " + id + " abandoned, " + std::to_string(report.completed) +
                      " runs completed in this session are stored");
        break;
      } catch (const std::exception& e) {
        ++report.failed;
        report.failures.push_back(id + ": " + e.what());
        progress.warn("run " + id + " failed: " + e.what());
        progress.end(i, id, weight(run, plan), "FAILED");
        continue;
      }
      sink.write_run(*result);  // I/O errors propagate: the sweep cannot continue without a file
      ++report.completed;
      if (!result->metrics.finite) {
        ++report.non_finite;
        progress.warn("run " + id + " produced non-finite estimates (NaN or Inf)");
      }
      progress.end(i, id, weight(run, plan), run_outcome(*result));
      result->has_estimates = false;
      result->mean.clear();
      result->mean.shrink_to_fit();
      result->covariance.clear();
      result->covariance.shrink_to_fit();
      for (auto* v : {&result->predicted_mean, &result->predicted_cov, &result->innovation,
                      &result->innovation_cov, &result->loglik_terms})
        std::vector<double>().swap(*v);
      report.results.push_back(std::move(*result));
    }
    if (report.interrupted) break;
  }
  progress.close();
  report.elapsed_seconds = progress.elapsed();
  return report;
}

}  // namespace kscan
