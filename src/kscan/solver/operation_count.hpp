#pragma once
// Operation counts of one solver run, from the flop counts of its building blocks
// (flop_count.hpp) and the step schedule of its scans (combine_count.hpp) -- the same geometry
// the kernels execute.
//
// `total` counts every operation once: the work, behind achieved GFLOP/s.
// `span` is the paper's simulated machine (Sec. V-D): p threads, where a parallel step over n
// items costs ceil(n / p) times one item's flops and a step of one item costs its flops in full.
// Where a scan step mixes general combines with cheaper prefix (suffix) combines, it costs its
// threads' busiest load with the general ones dealt out first. Sequential methods are one long
// chain, so their span is their total. PTFS's forward and backward scans are independent: over
// the blocked scan they run as one (each laid out for half the workers, step by step together);
// over the other scans one after the other, so their spans add. Element construction is counted
// as its own parallel step, also where the blocked scan builds elements inside its passes.
#include <cstdint>

#include "kscan/solver/kalman_solver.hpp"

namespace kscan {

struct OperationCount {
  double total = 0;  // flops of one run, every operation once
  double span = 0;   // flops on the critical path of the simulated machine
};

/// Counts of `options.method` over `length` steps with state dimension nx and measurement
/// dimension ny. `scan_threads` is the worker count the scan schedule is laid out for (it
/// matters to `blocked` and `kokkos` only); `simulated_threads` is p (>= 1).
OperationCount count_operations(const SolverOptions& options, int nx, int ny,
                                 std::int64_t length, int scan_threads,
                                 std::int64_t simulated_threads);

/// The parallel filter over a window of `steps` steps (impl/filter_pipeline.hpp), as spread over
/// MPI ranks: the steps' elements, the forward scan of the window's row -- led by the prior
/// element when `with_prior`; a row without it holds no full prefix, so its combines are all
/// general ones -- and the steps' log-likelihood innovations. PKF's count is the window of the
/// whole series with the prior.
OperationCount count_filter_window(const SolverOptions& options, int nx, int ny,
                                   std::int64_t steps, bool with_prior, int scan_threads,
                                   std::int64_t simulated_threads);

}  // namespace kscan
