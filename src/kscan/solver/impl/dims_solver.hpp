#pragma once
// The solver engine for one compile-time choice of dimensions and numerical form, for a batch of
// series: BatchedKalmanSolver picks one at run time (dispatch_dims). Each instantiation is
// compiled in a translation unit of its own (src/kscan/solver/instances/); the definition is in
// dims_solver_impl.hpp.
#include <memory>

#include "kscan/core/dims.hpp"
#include "kscan/solver/solver_engine.hpp"

namespace kscan {

/// The engine of `options.method` in form F (F must be options.form).
template <class Scalar, class ExecSpace, Form F, class Dims>
std::unique_ptr<SolverEngine<Scalar, ExecSpace>> make_dims_solver(
    const Dims& dims, const SolverOptions& options,
    const typename BatchedKalmanSolver<Scalar, ExecSpace>::model_type& model,
    const typename BatchedKalmanSolver<Scalar, ExecSpace>::measurements_type& y,
    const ExecSpace& space);

}  // namespace kscan
