// The runner against an in-memory ResultSink: every metric filled, estimates as asked, parity
// with the float64 reference, resume, interruption, batches.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <sstream>

#include "kscan/core/dims.hpp"
#include "kscan/experiment/device_peaks.hpp"
#include "kscan/experiment/runner.hpp"
#include "kscan/io/summary.hpp"
#include "kscan/solver/operation_count.hpp"

namespace {

class MemorySink : public kscan::ResultSink {
 public:
  bool contains_run(const std::string& id) const override { return runs.count(id) > 0; }
  bool contains_dataset(const std::string& name) const override {
    return datasets.count(name) > 0;
  }
  void write_dataset(const std::string& name, const kscan::HostModel& model,
                     const kscan::HostSeries* series) override {
    ASSERT_FALSE(datasets.count(name)) << "dataset written twice: " << name;
    datasets[name] = {model.nx(), series ? series->length() : 0};
  }
  void write_run(const kscan::RunResult& run) override {
    ASSERT_FALSE(runs.count(run.key.id())) << "run written twice: " << run.key.id();
    runs[run.key.id()] = run;
    if (after_write) after_write();
  }
  std::map<std::string, std::pair<int, int>> datasets;  // nx, T
  std::map<std::string, kscan::RunResult> runs;
  std::function<void()> after_write;
};

kscan::Deck parse(const std::string& text) {
  kscan::DeckOptions options;
  options.check_output = false;
  return kscan::parse_deck(text, "runner.yaml", ".", options);
}

const char* kSmallDeck =
    "experiment: {name: runner-test, seed: 3}\n"
    "model: {kind: random, state_dim: 3, obs_dim: 2}\n"
    "data: {lengths: [16, 33]}\n"
    "runs: {methods: [kf, rts, tfs, pkf, prts, ptfs], scans: [blocked, ladner_fischer],\n"
    "       precision: [float64, float32], warmup: 1, repetitions: 3}\n"
    "output: {estimates: last}\n";

}  // namespace

TEST(Runner, SmallSweepFillsEveryMetric) {
  const auto deck = parse(kSmallDeck);
  const auto plan = kscan::make_plan(deck);
  MemorySink sink;
  std::ostringstream progress, warnings;
  kscan::RunnerOptions options;
  options.progress = &progress;
  options.warnings = &warnings;
  const auto report = kscan::run_plan(deck, plan, sink, options);
  EXPECT_EQ(report.failed, 0u) << warnings.str();
  EXPECT_EQ(report.completed, plan.runs.size());
  EXPECT_EQ(report.skipped, 0u);
  EXPECT_FALSE(report.interrupted);
  EXPECT_EQ(report.results.size(), plan.runs.size());
  ASSERT_EQ(sink.runs.size(), plan.runs.size());
  EXPECT_EQ(sink.datasets.at("T16"), std::make_pair(3, 16));
  EXPECT_EQ(sink.datasets.at("T33"), std::make_pair(3, 33));
  // Plain progress lines, one per case.
  EXPECT_NE(progress.str().find("case 1/" + std::to_string(plan.runs.size())), std::string::npos)
      << progress.str();

  for (const auto& planned : plan.runs) {
    const auto& run = sink.runs.at(planned.key.id());
    const auto& m = run.metrics;
    SCOPED_TRACE(planned.key.id());
    ASSERT_EQ(run.total_seconds.size(), 3u);
    for (const auto& phase : run.phase_seconds) EXPECT_EQ(phase.size(), 3u);
    EXPECT_GT(m.median_seconds, 0.0);
    EXPECT_LE(m.min_seconds, m.median_seconds);
    EXPECT_GT(m.mean_seconds, 0.0);
    EXPECT_NEAR(m.throughput_msps, planned.key.length / m.median_seconds / 1e6,
                1e-9 * m.throughput_msps);
    EXPECT_GT(m.flops, 0.0);
    EXPECT_NEAR(m.achieved_gflops, m.flops / m.median_seconds / 1e9, 1e-9 * m.achieved_gflops);
    EXPECT_FALSE(m.mfu.has_value()) << "no peak is known for a host backend";
    EXPECT_GT(m.peak_memory_bytes, 0);
    EXPECT_TRUE(m.finite);
    EXPECT_TRUE(std::isfinite(m.rmse_vs_truth));
    EXPECT_TRUE(std::isfinite(m.loglik));
    const double tolerance = planned.key.precision == "float64" ? 1e-8 : 5e-2;
    EXPECT_LE(m.max_abs_diff_vs_reference, tolerance);
    // relative to the reference's size: no larger than the absolute one on a model whose means
    // and covariances exceed 1, and below float32's precision-level error in relative terms
    const double relative = planned.key.precision == "float64" ? 1e-10 : 1e-3;
    EXPECT_LE(m.max_rel_diff_mean_vs_reference, relative);
    EXPECT_LE(m.max_rel_diff_cov_vs_reference, relative);
    EXPECT_LE(m.rel_diff_loglik_vs_reference, relative);
    if (planned.key.method == "kf" && planned.key.precision == "float64") {
      EXPECT_EQ(m.max_abs_diff_vs_reference, 0.0) << "kf float64 is its own reference";
      EXPECT_EQ(m.max_rel_diff_mean_vs_reference, 0.0);
      EXPECT_EQ(m.rel_diff_loglik_vs_reference, 0.0);
    }
    EXPECT_EQ(run.has_estimates, planned.key.length == 33);
    if (run.has_estimates) {
      EXPECT_EQ(run.nx, 3);
      EXPECT_EQ(run.mean.size(), 33u * 3);
      EXPECT_EQ(run.covariance.size(), 33u * 9);
    }
    EXPECT_FALSE(run.threads_or_device.empty());
  }
  // Filtering and smoothing of the same data: the log-likelihood does not depend on the method.
  const double loglik = sink.runs.at(plan.runs[0].key.id()).metrics.loglik;
  for (const auto& planned : plan.runs) {
    if (planned.key.length == 16 && planned.key.precision == "float64") {
      EXPECT_NEAR(sink.runs.at(planned.key.id()).metrics.loglik, loglik, 1e-8 * std::abs(loglik))
          << planned.key.id();
    }
  }
}

TEST(Runner, ResumeSkipsStoredRuns) {
  const auto deck = parse(kSmallDeck);
  const auto plan = kscan::make_plan(deck);
  MemorySink sink;
  kscan::run_plan(deck, plan, sink);
  // Drop two runs: only they run again; the datasets are not rewritten.
  sink.runs.erase(plan.runs[1].key.id());
  sink.runs.erase(plan.runs.back().key.id());
  const auto report = kscan::run_plan(deck, plan, sink);
  EXPECT_EQ(report.completed, 2u);
  EXPECT_EQ(report.skipped, plan.runs.size() - 2);
  EXPECT_EQ(sink.runs.size(), plan.runs.size());
}

TEST(Runner, StopFlagEndsTheSweepAfterTheCurrentRun) {
  const auto deck = parse(kSmallDeck);
  const auto plan = kscan::make_plan(deck);
  std::atomic<bool> stop{false};
  MemorySink sink;
  sink.after_write = [&] { stop = true; };
  kscan::RunnerOptions options;
  options.stop = &stop;
  const auto report = kscan::run_plan(deck, plan, sink, options);
  EXPECT_TRUE(report.interrupted);
  EXPECT_EQ(report.completed, 1u);
  EXPECT_EQ(sink.runs.size(), 1u);

  MemorySink empty;
  const auto none = kscan::run_plan(deck, plan, empty, options);  // already set: nothing runs
  EXPECT_TRUE(none.interrupted);
  EXPECT_EQ(none.completed, 0u);
  EXPECT_TRUE(empty.datasets.empty());
}

TEST(Runner, BatchRunsEverySeries) {
  const auto deck = parse(
      "model: {kind: tracking}\n"
      "data: {lengths: [20], batch: 3, missing: 0.2}\n"
      "runs: {methods: [kf, pkf], scans: [hillis_steele], precision: [float64], warmup: 0,"
      " repetitions: 2}\n");
  const auto plan = kscan::make_plan(deck);
  MemorySink sink;
  const auto report = kscan::run_plan(deck, plan, sink);
  EXPECT_EQ(report.completed, 2u);
  for (const char* name : {"T20", "T20-b1", "T20-b2"}) EXPECT_TRUE(sink.datasets.count(name)) << name;
  for (const auto& [id, run] : sink.runs) {
    EXPECT_EQ(run.key.batch, 3);
    EXPECT_NEAR(run.metrics.throughput_msps, 60 / run.metrics.median_seconds / 1e6,
                1e-9 * run.metrics.throughput_msps);
    EXPECT_LE(run.metrics.max_abs_diff_vs_reference, 1e-8) << id;
  }
}

/// A one-process solver handed to the runner as an engine built elsewhere.
class SolverAsEngine final : public kscan::SolverEngine<double, Kokkos::DefaultExecutionSpace> {
 public:
  using solver_type = kscan::BatchedKalmanSolver<double>;
  SolverAsEngine(const kscan::SolverOptions& options, const solver_type::model_type& model,
                 const kscan::KalmanSolver<double>::measurements_type& y)
      : y_(y), solver_(options, model, kscan::as_batch_of_one(y)) {}
  void run(kscan::PhaseTimer* timer) override { solver_.run(timer); }
  solver_type::mean_type mean() const override { return solver_.mean(); }
  solver_type::covariance_type covariance() const override { return solver_.covariance(); }
  solver_type::loglik_type log_likelihood() const override { return solver_.log_likelihood(); }
  kscan::FilterDiagnostics<double, solver_type::memory_space> diagnostics() const override {
    return solver_.diagnostics();
  }
  std::size_t allocated_bytes() const override { return solver_.allocated_bytes(); }
  double flops() const override { return solver_.flops(); }

 private:
  kscan::KalmanSolver<double>::measurements_type y_;  // the batch of one views its data
  solver_type solver_;
};

// The hooks MPI runs use (src/kscan/distributed): `assigned` picks the runs this process
// computes; an engine factory replaces a run's solver. Here the factory swaps float64 pkf for a
// float64 kf engine, so those runs equal the kf reference exactly -- which pkf does not.
TEST(Runner, HooksChooseTheRunsAndTheirSolvers) {
  const auto deck = parse(kSmallDeck);
  const auto plan = kscan::make_plan(deck);
  // Pairs of runs (a method and scan in both precisions) alternately in and out.
  const auto take = [](std::size_t i) { return (i / 2) % 2 == 1; };
  std::size_t taken = 0;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) taken += take(i) ? 1 : 0;
  kscan::RunnerOptions options;
  options.assigned = take;
  int built = 0;
  options.engine_double = [&](const kscan::PlannedRun& run, const kscan::SolverOptions&,
                               const auto& model, const auto& y)
      -> std::unique_ptr<kscan::SolverEngine<double, Kokkos::DefaultExecutionSpace>> {
    if (run.method != kscan::Method::pkf) return nullptr;
    ++built;
    kscan::SolverOptions kf;
    kf.method = kscan::Method::kf;
    return std::make_unique<SolverAsEngine>(kf, model, y);
  };
  MemorySink sink;
  const auto report = kscan::run_plan(deck, plan, sink, options);
  EXPECT_EQ(report.completed, taken);
  EXPECT_EQ(report.skipped, 0u);
  int hooked = 0, pkf32 = 0;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const auto& key = plan.runs[i].key;
    ASSERT_EQ(sink.runs.count(key.id()), take(i) ? 1u : 0u) << key.id();
    if (!take(i) || key.method != "pkf") continue;
    const double parity = sink.runs.at(key.id()).metrics.max_abs_diff_vs_reference;
    if (key.precision == "float64") {
      ++hooked;
      EXPECT_EQ(parity, 0.0) << key.id();  // the kf engine, bit for bit the reference
    } else {
      ++pkf32;
      EXPECT_GT(parity, 0.0) << key.id();  // the float32 pkf of KalmanSolver itself
    }
  }
  EXPECT_EQ(built, hooked);
  EXPECT_GT(hooked, 0);
  EXPECT_GT(pkf32, 0);
  EXPECT_EQ(sink.datasets.size(), plan.datasets.size());
}

// runs.form reaches each run's SolverOptions, and a sqrt run is measured against the same
// float64 standard-form reference as the standard run. The hook stands the standard solver in for
// the sqrt one, so that this holds whatever the sqrt numerics do: a sqrt kf given the standard
// kf is then bit for bit its reference.
TEST(Runner, FormReachesTheSolverAndSqrtRunsShareTheStandardReference) {
  const auto deck = parse(
      "model: {kind: random, state_dim: 3, obs_dim: 2}\n"
      "data: {lengths: [16]}\n"
      "runs: {methods: [kf, rts, pkf], scans: [blocked], precision: [float64],\n"
      "       form: [standard, sqrt], warmup: 0, repetitions: 1}\n");
  const auto plan = kscan::make_plan(deck);
  ASSERT_EQ(plan.runs.size(), 6u);
  std::map<std::string, kscan::Form> given;
  kscan::RunnerOptions options;
  options.engine_double = [&](const kscan::PlannedRun& run, const kscan::SolverOptions& solver,
                               const auto& model, const auto& y)
      -> std::unique_ptr<kscan::SolverEngine<double, Kokkos::DefaultExecutionSpace>> {
    given[run.key.id()] = solver.form;
    kscan::SolverOptions standard = solver;
    standard.form = kscan::Form::standard;
    return std::make_unique<SolverAsEngine>(standard, model, y);
  };
  MemorySink sink;
  const auto report = kscan::run_plan(deck, plan, sink, options);
  EXPECT_EQ(report.failed, 0u);
  ASSERT_EQ(sink.runs.size(), plan.runs.size());
  for (const auto& planned : plan.runs) {
    const std::string id = planned.key.id();
    ASSERT_EQ(given.count(id), 1u) << id;
    EXPECT_EQ(given.at(id), planned.form) << id;
    const auto& stored = sink.runs.at(id);
    EXPECT_EQ(stored.key.form, planned.key.form) << id;
    if (planned.method != kscan::Method::pkf)
      EXPECT_EQ(stored.metrics.max_abs_diff_vs_reference, 0.0) << id;
  }
  EXPECT_EQ(given.at("kf-sqrt-none-float64-T16-B1"), kscan::Form::sqrt);
  EXPECT_EQ(given.at("kf-none-float64-T16-B1"), kscan::Form::standard);
  // Same numerics, same reference: the sqrt pkf's parity is the standard pkf's.
  EXPECT_EQ(sink.runs.at("pkf-sqrt-blocked-float64-T16-B1").metrics.max_abs_diff_vs_reference,
            sink.runs.at("pkf-blocked-float64-T16-B1").metrics.max_abs_diff_vs_reference);
}

// Operation-count mode: every run executed once and checked, no timing, and its cost the
// simulated span of the operation count (which the solver tests check against the paper).
TEST(Runner, OperationCountModeCostsRunsOnTheSimulatedMachine) {
  const auto deck = parse(
      "model: {kind: random, state_dim: 4, obs_dim: 2}\n"
      "data: {lengths: [100, 257]}\n"
      "runs: {methods: [kf, pkf, ptfs], scans: [hillis_steele, ladner_fischer],\n"
      "       precision: [float64], simulate_threads: 64}\n");
  const auto plan = kscan::make_plan(deck);
  ASSERT_TRUE(plan.simulate_threads.has_value());
  MemorySink sink;
  const auto report = kscan::run_plan(deck, plan, sink);
  EXPECT_EQ(report.failed, 0u);
  ASSERT_EQ(sink.runs.size(), plan.runs.size());
  for (const auto& planned : plan.runs) {
    const auto& run = sink.runs.at(planned.key.id());
    const auto& m = run.metrics;
    EXPECT_TRUE(run.total_seconds.empty()) << run.key.id();
    EXPECT_TRUE(std::isnan(m.median_seconds)) << run.key.id();
    EXPECT_EQ(run.threads_or_device, "simulated x64");
    EXPECT_EQ(m.simulated_threads, std::int64_t(64));
    kscan::SolverOptions options;
    options.method = planned.method;
    options.scan = planned.scan;
    const auto expected = kscan::count_operations(options, 4, 2, planned.key.length, 64, 64);
    ASSERT_TRUE(m.flops_span.has_value()) << run.key.id();
    EXPECT_DOUBLE_EQ(*m.flops_span, expected.span) << run.key.id();
    EXPECT_DOUBLE_EQ(m.flops, expected.total) << run.key.id();
    EXPECT_TRUE(m.finite) << run.key.id();
    EXPECT_LE(m.max_abs_diff_vs_reference, 1e-8) << run.key.id();  // the run did execute
  }
  // Hillis-Steele's double buffer (allocated by the first run) is in the peak memory; in-place
  // Ladner-Fischer has none.
  const auto peak = [&](const char* id) { return sink.runs.at(id).metrics.peak_memory_bytes; };
  EXPECT_GT(peak("pkf-hillis_steele-float64-T257-B1"),
            peak("pkf-ladner_fischer-float64-T257-B1") + 200 * 4 * 4 * 8);
  // Speedups compare spans: PKF's span on 64 threads is far below KF's chain.
  for (const auto& row : kscan::summary_rows(report.results)) {
    if (row.method != "pkf") continue;
    EXPECT_GT(row.speedup_vs_sequential, 1.0) << row.id;
    EXPECT_TRUE(std::isfinite(row.flops_span)) << row.id;
  }
}

TEST(Runner, DevicePeaksOnlyForKnownGpus) {
  EXPECT_EQ(kscan::device_peak_gflops("NVIDIA A100-SXM4-80GB", "Cuda", "float32"), 19500.0);
  EXPECT_EQ(kscan::device_peak_gflops("NVIDIA H100 80GB HBM3", "Cuda", "float64"), 33500.0);
  EXPECT_EQ(kscan::device_peak_gflops("NVIDIA H100 PCIe", "Cuda", "float32"), 51200.0);
  EXPECT_FALSE(kscan::device_peak_gflops("NVIDIA H100 NVL", "Cuda", "float32"));
  EXPECT_FALSE(kscan::device_peak_gflops("AMD EPYC 7643", "OpenMP", "float64"));
  EXPECT_FALSE(kscan::device_peak_gflops("NVIDIA A100-SXM4-80GB", "OpenMP", "float32"));
  EXPECT_FALSE(kscan::device_peak_gflops("NVIDIA GeForce RTX 4090", "Cuda", "float32"));
}
