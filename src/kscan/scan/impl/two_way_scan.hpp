#pragma once
// A forward and a reverse scan of the same elements at once (PTFS: the forward filter and the
// backward information filter). With the blocked scan the two are the rows of one blocked scan,
// each direction with half the workers, so they share every launch: on two host threads that is
// two sequential passes side by side instead of two blocked scans (each about 2.5 / 3.5 of a
// sequential pass on two workers) one after the other. The other algorithms run the two scans
// one after the other with every worker.
#include "kscan/scan/scan.hpp"

namespace kscan {
namespace scan_detail {

/// Rows [0, split) under the forward operator, rows [split, 2 split) under the backward one
/// with its operands swapped (they are reverse scans).
template <class ForwardOp, class BackwardOp>
struct TwoWayOperators {
  ForwardOp forward;
  BackwardOp backward;
  index_t split;
  template <class F>
  KOKKOS_INLINE_FUNCTION void with_operator(index_t r, const F& f) const {
    if (r < split)
      f(forward);
    else
      f(ReverseOperator<BackwardOp>{backward});
  }
};

/// The rows of `forward` and `backward` ([split, n] each, each holding the elements to scan) as
/// one batch for the blocked scan: rows [0, split) are the forward rows, the others the
/// backward rows, read back to front.
template <class ForwardOp, class BackwardOp, class View2>
struct TwoWayBatch {
  static constexpr bool builds = false;
  TwoWayOperators<ForwardOp, BackwardOp> ops;
  View2 forward, backward;
  index_t last;
  index_t count;  // 2 split
  template <class F>
  KOKKOS_INLINE_FUNCTION void visit(index_t r, const F& f) const {
    if (r < ops.split) {
      const RowSequence<View2> x{forward, r};
      f(ops.forward, x, StoredRow<RowSequence<View2>>{x});
    } else {
      const ReversedSequence<RowSequence<View2>> x{{backward, r - ops.split}, last};
      f(ReverseOperator<BackwardOp>{ops.backward}, x,
        StoredRow<ReversedSequence<RowSequence<View2>>>{x});
    }
  }
};

}  // namespace scan_detail

/// For every row r of `forward` and `backward` (both [rows, n], each holding the same elements
/// a_0 .. a_{n-1} of series r), in place:
///   forward(r, k)  <- a_0 ⊕ ... ⊕ a_k        under forward_op,
///   backward(r, k) <- a_k ⊕ ... ⊕ a_{n-1}    under backward_op
/// (inclusive_scan_rows forward and reverse), together where the algorithm allows (blocked: one
/// blocked scan of 2 x rows rows, row_threads(options, 2 rows, P) workers each). The two
/// operators share a value_type; `workspace` serves both scans. The elements are stored twice
/// because the two scans overwrite them at different times; building them twice on the fly
/// costs more than the copy.
template <class ExecSpace, class ForwardOp, class BackwardOp, class View2>
void inclusive_scan_rows_both_ways(
    const ExecSpace& space, const ScanOptions& options, const ForwardOp& forward_op,
    const BackwardOp& backward_op, const View2& forward, const View2& backward,
    ScanWorkspace<typename ForwardOp::value_type, typename ExecSpace::memory_space>& workspace) {
  static_assert(std::is_same<typename ForwardOp::value_type, typename BackwardOp::value_type>::value,
                "inclusive_scan_rows_both_ways: the operators must combine the same elements");
  using scan_detail::index_t;
  const auto rows = static_cast<index_t>(forward.extent(0));
  const auto n = static_cast<index_t>(forward.extent(1));
  if (rows == 0 || n == 0) return;
  scan_detail::check_scan<ExecSpace>(options);
  scan_detail::visit_scan(options.algorithm, [&](auto scan) {
    using Scan = decltype(scan);
    if constexpr (Scan::scans_batches) {
      const int threads = row_threads(options, 2 * rows, space.concurrency());
      workspace.reserve(space, 2 * rows * workspace_elements(options, n, threads));
      Scan::run_batch(space,
                      scan_detail::TwoWayBatch<ForwardOp, BackwardOp, View2>{
                          {forward_op, backward_op, rows}, forward, backward, n - 1, 2 * rows},
                      n, threads, workspace.buffer());
    } else {
      inclusive_scan_rows<ScanDirection::forward>(space, options, forward_op, forward, workspace);
      inclusive_scan_rows<ScanDirection::reverse>(space, options, backward_op, backward, workspace);
    }
  });
}

}  // namespace kscan
