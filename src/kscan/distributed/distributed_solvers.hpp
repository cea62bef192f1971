#pragma once
// Solvers spread over the ranks of an MPI communicator: engines (solver_engine.hpp) that
// KalmanSolver runs, times and reads like the one-process methods (its engine constructor), both
// on the parallel filter's pipeline (solver/impl/filter_pipeline.hpp):
//
//   chunked PKF      every rank holds a contiguous chunk of the steps, scans it locally, reduces
//                    it to one filtering element; the chunk aggregates are combined across ranks
//                    in rank order (MPI_Exscan with the non-commutative filtering operator) and
//                    each rank finishes its chunk with the prefix of the ranks before it.
//   two-rank PTFS    the forward (filter) scan on rank 0 and the backward (information) scan on
//                    rank 1 run at the same time; rank 1 sends (η, J) of every suffix to rank 0,
//                    which combines them with its filtered (m, P).
//
// Every call on these engines is collective (all ranks of the communicator, in the same order):
// run() starts and ends with a barrier, so the clock around it measures the slowest rank;
// mean() and covariance() gather the whole series on rank 0 (other ranks get zero steps);
// allocated_bytes() and flops() are totals over the ranks.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <memory>

#include "kscan/core/dims.hpp"
#include "kscan/solver/kalman_solver.hpp"
#include "kscan/solver/solver_engine.hpp"

namespace kscan {

/// A distributed solver, on the default execution space (the one the runner uses).
template <class Scalar>
using DistributedSolver = std::unique_ptr<SolverEngine<Scalar, Kokkos::DefaultExecutionSpace>>;

namespace distributed_detail {

/// Solver<Scalar, Exec, Dims> for the model's dimensions, chosen at run time as the one-process
/// solver chooses its own (dispatch_dims).
template <template <class, class, class> class Solver, class Scalar>
DistributedSolver<Scalar> for_model_dims(
    const SolverOptions& options, const typename KalmanSolver<Scalar>::model_type& model,
    const typename KalmanSolver<Scalar>::measurements_type& y, MPI_Comm comm) {
  using Exec = Kokkos::DefaultExecutionSpace;
  return dispatch_dims(model.nx(), model.ny(), [&](auto dims) -> DistributedSolver<Scalar> {
    return std::make_unique<Solver<Scalar, Exec, decltype(dims)>>(dims, options, model, y, comm);
  });
}

}  // namespace distributed_detail

/// PKF over every rank of `comm`, each holding the steps mpi::chunk_of gives it (a rank may hold
/// none). `y` is the whole series; the rank uses its chunk of it.
template <class Scalar>
DistributedSolver<Scalar> make_chunked_pkf(
    const SolverOptions& options, const typename KalmanSolver<Scalar>::model_type& model,
    const typename KalmanSolver<Scalar>::measurements_type& y, MPI_Comm comm);

/// PTFS on the two ranks of `comm` (throws std::invalid_argument for another size).
template <class Scalar>
DistributedSolver<Scalar> make_two_rank_ptfs(
    const SolverOptions& options, const typename KalmanSolver<Scalar>::model_type& model,
    const typename KalmanSolver<Scalar>::measurements_type& y, MPI_Comm comm);

}  // namespace kscan
