#pragma once
// Runs a plan: per length, the model and series (simulated or read), the float64 sequential
// references, then every run — warm-up, fenced timed repetitions with phase times, metrics,
// estimates — handed to a ResultSink one completed run at a time. In operation-count mode
// (Plan::simulate_threads) each run is executed once, untimed, and costed by count_operations.
#include <atomic>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "kscan/experiment/deck.hpp"
#include "kscan/experiment/plan.hpp"
#include "kscan/experiment/result_sink.hpp"
#include "kscan/experiment/run_result.hpp"
#include "kscan/solver/kalman_solver.hpp"
#include "kscan/solver/solver_engine.hpp"

namespace kscan {

/// Builds the engine of a run's solver in place of the solver's own (a method spread over MPI
/// ranks, src/kscan/distributed); a null result means the usual solver.
template <class Scalar>
using EngineFactory =
    std::function<std::unique_ptr<SolverEngine<Scalar, Kokkos::DefaultExecutionSpace>>(
        const PlannedRun& run, const SolverOptions& options,
        const typename KalmanSolver<Scalar>::model_type& model,
        const typename KalmanSolver<Scalar>::measurements_type& y)>;

struct RunnerOptions {
  /// Reads model.file / data.file datasets the deck did not load at validation.
  DatasetReader reader;
  /// Reads data.path measurements the deck did not load at validation.
  MeasurementReader measurement_reader;
  /// Set (e.g. by a SIGINT/SIGTERM handler) to stop: the current run is abandoned, nothing after
  /// it starts, and run_plan returns normally with what was completed.
  const std::atomic<bool>* stop = nullptr;
  /// Progress ("case i/N <id> elapsed ETA"); null or quiet for none.
  std::ostream* progress = nullptr;
  /// Progress rewrites one line with \r (a terminal) instead of printing a line per run.
  bool progress_is_terminal = false;
  bool quiet = false;
  /// Warnings (non-finite estimates, refused scans, failed runs); null for none.
  std::ostream* warnings = nullptr;
  /// The runs this process computes, by index into Plan::runs (an MPI rank's share); null: all.
  std::function<bool(std::size_t run_index)> assigned;
  /// Hooks for the solvers of float32 and float64 runs; null: the solver's own engine.
  EngineFactory<float> engine_float;
  EngineFactory<double> engine_double;
};

struct RunnerReport {
  std::size_t planned = 0;
  std::size_t completed = 0;    // written to the sink in this call
  std::size_t skipped = 0;      // already in the sink (resume)
  std::size_t failed = 0;       // threw (refused scan, numerical or allocation failure, ...)
  std::size_t non_finite = 0;   // completed, but some estimate is NaN or Inf
  bool interrupted = false;     // stopped by RunnerOptions::stop
  std::vector<std::string> failures;  // "<id>: <reason>"
  /// Every completed run of this call, without estimates (for the summaries).
  std::vector<RunResult> results;
  double elapsed_seconds = 0;
};

/// Runs the plan of a deck. Kokkos must be initialised. Failures of single runs are reported,
/// not thrown; errors of the sink (I/O) and of building a model or series propagate.
RunnerReport run_plan(const Deck& deck, const Plan& plan, ResultSink& sink,
                      const RunnerOptions& options = {});

/// "OpenMP x16" on a host backend, the device name on a GPU backend.
std::string threads_or_device();

}  // namespace kscan
