#pragma once
// The up-sweep (reduction tree) shared by Blelloch and Ladner-Fischer, for any n.
//
// Storage rule: the tree node for the aligned block [i, i + size) is kept at position
// min(i + size, n) - 1, the block's last existing element. Positions >= n are simply absent
// (identity), so no padding is needed: a right child that is empty leaves its parent equal to the
// left child, and a clipped right child shares its storage with its parent.
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/impl/scan_common.hpp"
#include "kscan/scan/scan_descriptor.hpp"

namespace kscan::scan_detail {

/// After the call, x(min(i + size, n) - 1) holds the reduction of block [i, i + size) for every
/// aligned block, and x(n - 1) the reduction of the whole sequence. n - 1 combines in
/// ceil(log2 n) steps.
template <class ExecSpace, class Op, class Seq>
void tree_upsweep(const ExecSpace& space, const Op& op, const Seq& x, index_t n,
                  const char* label) {
  for (index_t d = 1; d < n; d *= 2) {
    Kokkos::parallel_for(
        label, range<typename Op::value_type>(space, 0, tree_parents(n, d)),
        KOKKOS_LAMBDA(index_t k) {
          const index_t i = 2 * d * k;
          const index_t left = i + d - 1;
          const index_t right = min_index(i + 2 * d, n) - 1;
          x(right) = combine_maybe_prefix(op, k == 0, x(left), x(right));  // block 0 is a prefix
        });
  }
}

/// tree_upsweep's levels, for the scans built on it (the tree node of the block at 0 is a full
/// prefix).
inline void tree_upsweep_steps(ScanSchedule& steps, index_t n) {
  for (index_t d = 1; d < n; d *= 2) {
    const index_t parents = tree_parents(n, d);
    add_step(steps, parents, parents, 1, 1);
  }
}

}  // namespace kscan::scan_detail
