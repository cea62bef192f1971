#include "kscan/solver/batched_kalman_solver.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "kscan/core/impl/execution_spaces.hpp"
#include "kscan/scan/scan.hpp"
#include "kscan/solver/impl/dims_solver.hpp"

namespace kscan {

template <class Scalar, class ExecSpace>
struct BatchedKalmanSolver<Scalar, ExecSpace>::Impl {
  std::unique_ptr<SolverEngine<Scalar, ExecSpace>> engine;
};

template <class Scalar, class ExecSpace>
BatchedKalmanSolver<Scalar, ExecSpace>::BatchedKalmanSolver(const SolverOptions& options,
                                                            const model_type& model,
                                                            const measurements_type& y,
                                                            const ExecSpace& space)
    : impl_(std::make_unique<Impl>()) {
  const int nx = model.nx(), ny = model.ny();
  const auto length = static_cast<long long>(y.extent(1));
  if (nx < 1 || nx > max_dimension || ny < 1 || ny > max_dimension)
    throw std::invalid_argument("kscan solver: state and observation dimensions must be in 1.." +
                                std::to_string(max_dimension) + ", got nx=" + std::to_string(nx) +
                                ", ny=" + std::to_string(ny));
  if (y.extent(0) < 1) throw std::invalid_argument("kscan solver: the batch holds no series");
  if (length < 1) throw std::invalid_argument("kscan solver: the series must have length >= 1");
  if (static_cast<int>(y.extent(2)) != ny)
    throw std::invalid_argument("kscan solver: measurements have " + std::to_string(y.extent(2)) +
                                " components, the model observes " + std::to_string(ny));
  const ModelSlots slots = model.slots();
  // A named array, not a braced list: nvcc's front end cannot deduce the range of the latter.
  const std::array<std::pair<const char*, int>, 6> stored_slots = {
      {{"F", slots.F}, {"c", slots.c}, {"Q", slots.Q}, {"H", slots.H}, {"d", slots.d},
       {"R", slots.R}}};
  for (const auto& [name, stored] : stored_slots)
    if (stored != 1 && stored != length)
      throw std::invalid_argument(std::string("kscan solver: the model's ") + name + " has " +
                                  std::to_string(stored) + " time slots; it must have 1 or one "
                                  "per measurement (" + std::to_string(length) + ")");
  if (is_parallel(options.method)) scan_detail::check_scan<ExecSpace>(options.scan);
  impl_->engine = dispatch_dims(nx, ny, [&](auto dims) {
    return options.form == Form::sqrt
               ? make_dims_solver<Scalar, ExecSpace, Form::sqrt>(dims, options, model, y, space)
               : make_dims_solver<Scalar, ExecSpace, Form::standard>(dims, options, model, y,
                                                                     space);
  });
}

template <class Scalar, class ExecSpace>
BatchedKalmanSolver<Scalar, ExecSpace>::BatchedKalmanSolver(
    std::unique_ptr<SolverEngine<Scalar, ExecSpace>> engine)
    : impl_(std::make_unique<Impl>()) {
  if (!engine) throw std::invalid_argument("kscan solver: null engine");
  impl_->engine = std::move(engine);
}

template <class Scalar, class ExecSpace>
BatchedKalmanSolver<Scalar, ExecSpace>::~BatchedKalmanSolver() = default;
template <class Scalar, class ExecSpace>
BatchedKalmanSolver<Scalar, ExecSpace>::BatchedKalmanSolver(BatchedKalmanSolver&&) noexcept =
    default;
template <class Scalar, class ExecSpace>
BatchedKalmanSolver<Scalar, ExecSpace>& BatchedKalmanSolver<Scalar, ExecSpace>::operator=(
    BatchedKalmanSolver&&) noexcept = default;

template <class Scalar, class ExecSpace>
void BatchedKalmanSolver<Scalar, ExecSpace>::run(PhaseTimer* timer) {
  impl_->engine->run(timer);
}
template <class Scalar, class ExecSpace>
auto BatchedKalmanSolver<Scalar, ExecSpace>::mean() const -> mean_type {
  return impl_->engine->mean();
}
template <class Scalar, class ExecSpace>
auto BatchedKalmanSolver<Scalar, ExecSpace>::covariance() const -> covariance_type {
  return impl_->engine->covariance();
}
template <class Scalar, class ExecSpace>
auto BatchedKalmanSolver<Scalar, ExecSpace>::log_likelihood() const -> loglik_type {
  return impl_->engine->log_likelihood();
}
template <class Scalar, class ExecSpace>
auto BatchedKalmanSolver<Scalar, ExecSpace>::diagnostics() const
    -> FilterDiagnostics<Scalar, memory_space> {
  return impl_->engine->diagnostics();
}
template <class Scalar, class ExecSpace>
std::size_t BatchedKalmanSolver<Scalar, ExecSpace>::allocated_bytes() const {
  return impl_->engine->allocated_bytes();
}
template <class Scalar, class ExecSpace>
double BatchedKalmanSolver<Scalar, ExecSpace>::flops() const {
  return impl_->engine->flops();
}

#define KSCAN_INSTANTIATE(SPACE)                   \
  template class BatchedKalmanSolver<float, SPACE>; \
  template class BatchedKalmanSolver<double, SPACE>;
KSCAN_FOR_EACH_EXECUTION_SPACE(KSCAN_INSTANTIATE)

}  // namespace kscan
