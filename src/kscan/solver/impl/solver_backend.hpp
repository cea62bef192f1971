#pragma once
// The solver for one compile-time choice of dimensions, for a batch of series.
// BatchedKalmanSolver picks one of these at run time (dispatch_dims) and talks to it through
// SolverBackend; each instantiation is compiled in a translation unit of its own (see
// src/kscan/solver/instances/).
#include <Kokkos_Core.hpp>
#include <memory>

#include "kscan/core/dims.hpp"
#include "kscan/solver/batched_kalman_solver.hpp"

namespace kscan {

template <class Scalar, class ExecSpace>
class SolverBackend {
 public:
  using solver_type = BatchedKalmanSolver<Scalar, ExecSpace>;
  virtual ~SolverBackend() = default;
  virtual void run(PhaseTimer* timer) = 0;
  virtual typename solver_type::mean_type mean() const = 0;
  virtual typename solver_type::covariance_type covariance() const = 0;
  virtual typename solver_type::loglik_type log_likelihood() const = 0;
  virtual FilterDiagnostics<Scalar, typename ExecSpace::memory_space> diagnostics() const = 0;
  virtual std::size_t allocated_bytes() const = 0;
  virtual double flops() const = 0;
};

/// The solver of `options.method` in form F (F must be options.form).
template <class Scalar, class ExecSpace, Form F, class Dims>
std::unique_ptr<SolverBackend<Scalar, ExecSpace>> make_solver_backend(
    const Dims& dims, const SolverOptions& options,
    const typename BatchedKalmanSolver<Scalar, ExecSpace>::model_type& model,
    const typename BatchedKalmanSolver<Scalar, ExecSpace>::measurements_type& y,
    const ExecSpace& space);

}  // namespace kscan
