#pragma once
// One method (KF, RTS, TFS, PKF, PRTS, PTFS) over one scan, for one model and one series, on one
// execution space. Workspace is allocated at construction, so run() can be timed repeatedly
// without allocating. Estimates are for steps 1..T: filtered (kf, pkf) or smoothed (the rest).
#include <Kokkos_Core.hpp>
#include <cstddef>
#include <memory>

#include "kscan/core/phase_timer.hpp"
#include "kscan/model/state_space_model.hpp"
#include "kscan/scan/scan_algorithm.hpp"
#include "kscan/solver/form.hpp"
#include "kscan/solver/method.hpp"

namespace kscan {

template <class Scalar, class ExecSpace>
class SolverEngine;

struct SolverOptions {
  Method method = Method::pkf;
  ScanOptions scan{};  // ignored by the sequential methods
  /// Also keep the filtering pass's per-step quantities (FilterDiagnostics): predictions,
  /// innovations with their covariances, log-likelihood terms.
  bool diagnostics = false;
  Form form = Form::standard;
};

/// What the filtering pass knows about each step i = 1..T, for a batch of B series (row i-1):
/// the prediction of x_i from y_1..y_{i-1}, the innovation of y_i with its covariance, and y_i's
/// log-likelihood term. A missing component is NaN in the innovation and in its covariance's row
/// and column (a whole missing observation has log-likelihood term 0).
template <class Scalar, class MemorySpace>
struct FilterDiagnostics {
  Kokkos::View<Scalar***, Kokkos::LayoutRight, MemorySpace> predicted_mean;   // [B, T, nx]
  Kokkos::View<Scalar****, Kokkos::LayoutRight, MemorySpace> predicted_cov;   // [B, T, nx, nx]
  Kokkos::View<Scalar***, Kokkos::LayoutRight, MemorySpace> innovation;       // [B, T, ny]
  Kokkos::View<Scalar****, Kokkos::LayoutRight, MemorySpace> innovation_cov;  // [B, T, ny, ny]
  Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace> loglik_terms;      // [B, T]

  FilterDiagnostics() = default;
  FilterDiagnostics(int batch, int length, int nx, int ny)
      : predicted_mean("kscan::solver::predicted_mean", batch, length, nx),
        predicted_cov("kscan::solver::predicted_cov", batch, length, nx, nx),
        innovation("kscan::solver::innovation", batch, length, ny),
        innovation_cov("kscan::solver::innovation_cov", batch, length, ny, ny),
        loglik_terms("kscan::solver::loglik_terms", batch, length) {}

  bool empty() const { return loglik_terms.extent(0) == 0; }
  std::size_t allocated_bytes() const {
    return sizeof(Scalar) * (predicted_mean.span() + predicted_cov.span() + innovation.span() +
                             innovation_cov.span()) +
           sizeof(double) * loglik_terms.span();
  }
};

template <class Scalar, class ExecSpace = Kokkos::DefaultExecutionSpace>
class KalmanSolver {
 public:
  using execution_space = ExecSpace;
  using memory_space = typename ExecSpace::memory_space;
  using model_type = StateSpaceModel<Scalar, memory_space>;
  using measurements_type = Kokkos::View<Scalar**, Kokkos::LayoutRight, memory_space>;
  using mean_type = Kokkos::View<Scalar**, Kokkos::LayoutRight, memory_space>;
  using covariance_type = Kokkos::View<Scalar***, Kokkos::LayoutRight, memory_space>;

  /// Throws std::invalid_argument for inconsistent shapes and kscan::ScanRefused when the scan
  /// cannot run correctly on this backend.
  KalmanSolver(const SolverOptions& options, const model_type& model,
               const measurements_type& y, const ExecSpace& space = ExecSpace());
  /// A solver over an engine built elsewhere for a batch of one (solver_engine.hpp), e.g. a
  /// method spread over MPI ranks (src/kscan/distributed), run, timed and read like any other.
  explicit KalmanSolver(std::unique_ptr<SolverEngine<Scalar, ExecSpace>> engine);
  ~KalmanSolver();
  KalmanSolver(KalmanSolver&&) noexcept;
  KalmanSolver& operator=(KalmanSolver&&) noexcept;

  /// Runs the method. With a timer, phases are fenced and timed (elements, forward_scan,
  /// backward_scan, combine, copy).
  void run(PhaseTimer* timer = nullptr);

  mean_type mean() const;              // [T, nx]
  covariance_type covariance() const;  // [T, nx, nx]
  double log_likelihood() const;       // log p(y_1..T), from the filtering pass of any method
  /// Per-step quantities as a batch of one (SolverOptions::diagnostics; empty otherwise or where
  /// the engine does not keep them).
  FilterDiagnostics<Scalar, memory_space> diagnostics() const;
  std::size_t allocated_bytes() const; // every View this solver holds (workspace and results)
  double flops() const;                // floating-point operations of one run (operation count)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kscan
