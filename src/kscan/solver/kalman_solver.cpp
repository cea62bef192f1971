#include "kscan/solver/kalman_solver.hpp"

#include <optional>
#include <stdexcept>

#include "kscan/core/impl/execution_spaces.hpp"
#include "kscan/solver/solver_engine.hpp"

namespace kscan {

// The batch of one: y viewed as [1, T, ny] (unmanaged, so `y` is kept alive here), results as
// series 0 of the batch's.
template <class Scalar, class ExecSpace>
struct KalmanSolver<Scalar, ExecSpace>::Impl {
  using batch_type = BatchedKalmanSolver<Scalar, ExecSpace>;
  measurements_type y;
  std::optional<batch_type> batch;
};

template <class Scalar, class ExecSpace>
KalmanSolver<Scalar, ExecSpace>::KalmanSolver(const SolverOptions& options,
                                              const model_type& model,
                                              const measurements_type& y,
                                              const ExecSpace& space)
    : impl_(std::make_unique<Impl>()) {
  impl_->y = y;
  impl_->batch.emplace(options, model, as_batch_of_one(y), space);
}

template <class Scalar, class ExecSpace>
KalmanSolver<Scalar, ExecSpace>::KalmanSolver(
    std::unique_ptr<SolverEngine<Scalar, ExecSpace>> engine)
    : impl_(std::make_unique<Impl>()) {
  impl_->batch.emplace(std::move(engine));
}

template <class Scalar, class ExecSpace>
KalmanSolver<Scalar, ExecSpace>::~KalmanSolver() = default;
template <class Scalar, class ExecSpace>
KalmanSolver<Scalar, ExecSpace>::KalmanSolver(KalmanSolver&&) noexcept = default;
template <class Scalar, class ExecSpace>
KalmanSolver<Scalar, ExecSpace>& KalmanSolver<Scalar, ExecSpace>::operator=(
    KalmanSolver&&) noexcept = default;

template <class Scalar, class ExecSpace>
void KalmanSolver<Scalar, ExecSpace>::run(PhaseTimer* timer) {
  impl_->batch->run(timer);
}
template <class Scalar, class ExecSpace>
auto KalmanSolver<Scalar, ExecSpace>::mean() const -> mean_type {
  return Kokkos::subview(impl_->batch->mean(), 0, Kokkos::ALL, Kokkos::ALL);
}
template <class Scalar, class ExecSpace>
auto KalmanSolver<Scalar, ExecSpace>::covariance() const -> covariance_type {
  return Kokkos::subview(impl_->batch->covariance(), 0, Kokkos::ALL, Kokkos::ALL, Kokkos::ALL);
}
template <class Scalar, class ExecSpace>
double KalmanSolver<Scalar, ExecSpace>::log_likelihood() const {
  double value = 0;
  Kokkos::deep_copy(value, Kokkos::subview(impl_->batch->log_likelihood(), 0));
  return value;
}
template <class Scalar, class ExecSpace>
auto KalmanSolver<Scalar, ExecSpace>::diagnostics() const
    -> FilterDiagnostics<Scalar, memory_space> {
  return impl_->batch->diagnostics();
}
template <class Scalar, class ExecSpace>
std::size_t KalmanSolver<Scalar, ExecSpace>::allocated_bytes() const {
  return impl_->batch->allocated_bytes();
}
template <class Scalar, class ExecSpace>
double KalmanSolver<Scalar, ExecSpace>::flops() const {
  return impl_->batch->flops();
}

#define KSCAN_INSTANTIATE(SPACE)          \
  template class KalmanSolver<float, SPACE>; \
  template class KalmanSolver<double, SPACE>;
KSCAN_FOR_EACH_EXECUTION_SPACE(KSCAN_INSTANTIATE)

}  // namespace kscan
