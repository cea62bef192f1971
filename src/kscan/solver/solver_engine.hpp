#pragma once
// What runs behind a BatchedKalmanSolver (and behind KalmanSolver, its batch of one): the six
// methods for one compile-time choice of dimensions and numerical form (impl/dims_solver.hpp,
// chosen by dispatch_dims), or a method spread over MPI ranks (src/kscan/distributed). Both sit
// on the parallel filter's one pipeline (impl/filter_pipeline.hpp); this is the one interface
// the solvers talk to them through. (Kokkos' execution spaces are the only "backends" in kscan.)
#include <Kokkos_Core.hpp>
#include <cstddef>
#include <memory>
#include <stdexcept>

#include "kscan/solver/batched_kalman_solver.hpp"

namespace kscan {

template <class Scalar, class ExecSpace>
class SolverEngine {
 public:
  using solver_type = BatchedKalmanSolver<Scalar, ExecSpace>;
  virtual ~SolverEngine() = default;
  /// Runs the method; with a timer, phases are fenced and timed.
  virtual void run(PhaseTimer* timer) = 0;
  virtual typename solver_type::mean_type mean() const = 0;              // [B, T, nx]
  virtual typename solver_type::covariance_type covariance() const = 0;  // [B, T, nx, nx]
  virtual typename solver_type::loglik_type log_likelihood() const = 0;  // [B]
  /// Empty where the engine does not keep them (SolverOptions::diagnostics).
  virtual FilterDiagnostics<Scalar, typename ExecSpace::memory_space> diagnostics() const = 0;
  virtual std::size_t allocated_bytes() const = 0;
  virtual double flops() const = 0;
};

/// A series' measurements y [T, ny] as the batch of one [1, T, ny], unmanaged: the caller keeps
/// `y` alive.
template <class View2>
auto as_batch_of_one(const View2& y) {
  static_assert(View2::rank == 2, "as_batch_of_one: y must be [T, ny]");
  if (y.span() != y.size())
    throw std::invalid_argument("kscan solver: measurements must be contiguous");
  using batch = Kokkos::View<typename View2::value_type***, Kokkos::LayoutRight,
                             typename View2::memory_space>;
  return batch(y.data(), 1, y.extent(0), y.extent(1));
}

}  // namespace kscan
