#pragma once
// Accounting of the scans, computed from the same geometry the algorithms use: how many operator
// applications (combine calls) a scan of length n performs, in which parallel steps, and how much
// workspace it needs. The solver turns these into FLOP counts and the paper's simulated-machine
// operation counts.
#include <cstdint>
#include <vector>

#include "kscan/scan/scan_algorithm.hpp"
#include "kscan/scan/scan_step.hpp"

namespace kscan {

/// The combining steps of a scan of length n with `threads` workers (only `blocked` and `kokkos`
/// depend on it), in execution order. Steps that only copy (Blelloch's input copy and root
/// clearing, Hillis-Steele's copy back) are not listed. For `kokkos` this is a nominal two-pass
/// scan (reduce per worker, join the worker sums, rescan): Kokkos decides the real schedule.
std::vector<ScanStep> scan_schedule(const ScanOptions& options, std::int64_t n, int threads);

/// Exact number of combine calls of a scan of length n with `threads` workers: the sum of
/// scan_schedule's steps. Exact for every algorithm but `kokkos` (see combine_count_is_exact).
std::int64_t combine_count(const ScanOptions& options, std::int64_t n, int threads);

/// How many of combine_count's combines have a full prefix on the left (exact for every
/// algorithm; 0 for `kokkos`, which never knows). Operators with a combine_prefix pay its cost
/// for these and combine's for the rest.
std::int64_t prefix_combine_count(const ScanOptions& options, std::int64_t n, int threads);

/// False for `kokkos`, whose count depends on the backend (Kokkos 3.4: n on Serial, 2n + P - 1 on
/// OpenMP with P threads); combine_count then returns the nominal 2n + P - 1 (n for one worker).
bool combine_count_is_exact(const ScanOptions& options);

/// Number of combining parallel steps (scan_schedule's length): the span in kernel launches.
std::int64_t parallel_steps(const ScanOptions& options, std::int64_t n, int threads);

/// The paper's simulated machine: each step costs ceil(items / p) x chain combines on p
/// simulated threads. Multiply by one combine's flops for the operation count.
std::int64_t simulated_combine_depth(const ScanOptions& options, std::int64_t n, int threads,
                                     std::int64_t p);

/// Workers each series of a batch of `rows` gets in inclusive_scan_rows: threads / rows (at least
/// 1) for `blocked`, which runs the rows together, and all of them for the other algorithms,
/// which scan one row after another. Count a row's combines with this many threads.
int row_threads(const ScanOptions& options, std::int64_t rows, int threads);

/// Elements of scratch a scan of length n needs from its ScanWorkspace (0: none).
std::int64_t workspace_elements(const ScanOptions& options, std::int64_t n, int threads);

}  // namespace kscan
