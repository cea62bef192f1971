#pragma once
// What one run of a sweep produces: its identity, every timed repetition, the metrics and
// (optionally) the estimates. The io layer writes these; the runner fills them.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kscan/core/phase_timer.hpp"

namespace kscan {

/// The axes of one run, as the plan enumerates them.
struct RunKey {
  std::string method;     // "kf", "pkf", ...
  std::string scan;       // "blocked", "sengupta_b", ...; "none" for sequential methods
  std::string precision;  // "float32" | "float64"
  std::int64_t length = 0;
  std::int64_t batch = 1;
  std::string dataset;    // name under /datasets
  // Last, so that brace-initialised keys of the fields above still read as before.
  std::string form = "standard";  // "standard" | "sqrt" (solver/form.hpp)
  /// Stable identifier, the group name under /runs: e.g. "pkf-blocked-float32-T65536-B1",
  /// "pkf-sqrt-blocked-float32-T65536-B1" (io/run_key.cpp).
  std::string id() const;
};

struct RunMetrics {
  double median_seconds = 0, min_seconds = 0, mean_seconds = 0;
  double throughput_msps = 0;     // T * batch / median / 1e6
  double flops = 0;               // per run, from the operation count
  double achieved_gflops = 0;     // flops / median / 1e9
  std::optional<double> mfu;      // only when the device peak is known
  /// Operation-count mode only (runs.simulate_threads): flops on the critical path of the
  /// simulated machine, and its thread count. Such runs have no timed repetitions.
  std::optional<double> flops_span;
  std::optional<std::int64_t> simulated_threads;
  std::int64_t peak_memory_bytes = 0;  // kscan's allocations for this run
  double rmse_vs_truth = 0;       // NaN when no truth
  double max_abs_diff_vs_reference = 0;  // against the float64 sequential reference
  // The same, relative to the reference's size, per quantity: max |diff| / max |reference| of
  // the means and of the covariances (absolute where the reference is all zero), and
  // |Δ loglik| / |loglik|; comparable when magnitudes differ (positions of thousands, variances
  // of 1e-6). NaN without a reference.
  double max_rel_diff_mean_vs_reference = 0;
  double max_rel_diff_cov_vs_reference = 0;
  double rel_diff_loglik_vs_reference = 0;
  double loglik = 0;
  bool finite = true;             // every estimate finite
};

/// A metric's name (its attribute on /runs/<id> and its name in analysis/registry.py) and unit.
struct MetricName {
  const char* name;
  const char* unit;  // "s", "flop", "B", "1" (a ratio or a count), ...
};

/// The metric table: f(MetricName, member) for every metric of m, in the order files list
/// them. The writer, the reader, the MPI codec and analysis/registry.py all iterate over this;
/// a member's type says how it is stored: double (a real; NaN where a file lacks it),
/// std::int64_t (an integer; 0 where missing), bool (an integer 0/1; true where missing), and
/// std::optional of a real or an integer (written only when set).
template <class Metrics, class F>
void for_each_metric(Metrics& m, F&& f) {
  f(MetricName{"median_seconds", "s"}, m.median_seconds);
  f(MetricName{"min_seconds", "s"}, m.min_seconds);
  f(MetricName{"mean_seconds", "s"}, m.mean_seconds);
  f(MetricName{"throughput_msps", "Msample/s"}, m.throughput_msps);
  f(MetricName{"flops", "flop"}, m.flops);
  f(MetricName{"achieved_gflops", "Gflop/s"}, m.achieved_gflops);
  f(MetricName{"mfu", "1"}, m.mfu);
  f(MetricName{"flops_span", "flop"}, m.flops_span);
  f(MetricName{"simulated_threads", "1"}, m.simulated_threads);
  f(MetricName{"peak_memory_bytes", "B"}, m.peak_memory_bytes);
  f(MetricName{"rmse_vs_truth", "1"}, m.rmse_vs_truth);
  f(MetricName{"max_abs_diff_vs_reference", "1"}, m.max_abs_diff_vs_reference);
  f(MetricName{"max_rel_diff_mean_vs_reference", "1"}, m.max_rel_diff_mean_vs_reference);
  f(MetricName{"max_rel_diff_cov_vs_reference", "1"}, m.max_rel_diff_cov_vs_reference);
  f(MetricName{"rel_diff_loglik_vs_reference", "1"}, m.rel_diff_loglik_vs_reference);
  f(MetricName{"loglik", "1"}, m.loglik);
  f(MetricName{"finite", "1"}, m.finite);
}

struct RunResult {
  RunKey key;
  std::string threads_or_device;  // "OpenMP x2", "NVIDIA H100 ..."
  std::vector<double> total_seconds;                          // one per timed repetition
  std::array<std::vector<double>, phase_count> phase_seconds;  // per phase, one per repetition
  RunMetrics metrics;
  bool has_estimates = false;
  int nx = 0;
  std::vector<double> mean;        // [T, nx] row-major, float64 copies
  std::vector<double> covariance;  // [T, nx, nx]
  // The filtering pass's per-step quantities (output.diagnostics; each empty unless asked for):
  // FilterDiagnostics as float64 copies. Missing components are NaN in the innovations.
  int ny = 0;
  std::vector<double> predicted_mean, predicted_cov;  // [T, nx], [T, nx, nx]
  std::vector<double> innovation, innovation_cov;     // [T, ny], [T, ny, ny]
  std::vector<double> loglik_terms;                   // [T]
};

}  // namespace kscan
