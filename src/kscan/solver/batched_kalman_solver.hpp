#pragma once
// One method over one scan for a batch of B independent series of the same model and length,
// solved together on one execution space: the sequential methods run one series per work item,
// the parallel ones build elements and extract results over series x steps and scan with
// inclusive_scan_rows (the blocked scan runs the series in parallel). KalmanSolver is the batch
// of one. Workspace is allocated at construction (scan scratch on the first run), so run() can
// be timed repeatedly without allocating.
#include <Kokkos_Core.hpp>
#include <cstddef>
#include <memory>

#include "kscan/solver/kalman_solver.hpp"

namespace kscan {

template <class Scalar, class ExecSpace>
class SolverEngine;

template <class Scalar, class ExecSpace = Kokkos::DefaultExecutionSpace>
class BatchedKalmanSolver {
 public:
  using execution_space = ExecSpace;
  using memory_space = typename ExecSpace::memory_space;
  using model_type = StateSpaceModel<Scalar, memory_space>;
  using measurements_type = Kokkos::View<Scalar***, Kokkos::LayoutRight, memory_space>;
  using mean_type = Kokkos::View<Scalar***, Kokkos::LayoutRight, memory_space>;
  using covariance_type = Kokkos::View<Scalar****, Kokkos::LayoutRight, memory_space>;
  using loglik_type = Kokkos::View<double*, memory_space>;

  /// y is [B, T, ny] (B >= 1 series). Throws std::invalid_argument for inconsistent shapes and
  /// kscan::ScanRefused when the scan cannot run correctly on this backend.
  BatchedKalmanSolver(const SolverOptions& options, const model_type& model,
                      const measurements_type& y, const ExecSpace& space = ExecSpace());
  /// A solver over an engine built elsewhere (solver_engine.hpp), e.g. a method spread over MPI
  /// ranks (src/kscan/distributed), run, timed and read like the solver's own.
  explicit BatchedKalmanSolver(std::unique_ptr<SolverEngine<Scalar, ExecSpace>> engine);
  ~BatchedKalmanSolver();
  BatchedKalmanSolver(BatchedKalmanSolver&&) noexcept;
  BatchedKalmanSolver& operator=(BatchedKalmanSolver&&) noexcept;

  /// Runs the method on every series. With a timer, phases are fenced and timed.
  void run(PhaseTimer* timer = nullptr);

  mean_type mean() const;              // [B, T, nx]
  covariance_type covariance() const;  // [B, T, nx, nx]
  loglik_type log_likelihood() const;  // [B]: log p(y_1..T) of each series
  /// Per-step predictions, innovations and log-likelihood terms (SolverOptions::diagnostics;
  /// empty otherwise).
  FilterDiagnostics<Scalar, memory_space> diagnostics() const;
  std::size_t allocated_bytes() const; // every View this solver holds (workspace and results)
  double flops() const;                // floating-point operations of one run, all series

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kscan
