#pragma once
// Blelloch's scan: up-sweep, identity at the root, down-sweep (giving the exclusive scan), and a
// final pass that ⊕'s each original element onto its exclusive prefix. The input is copied into
// the workspace first (n elements). The prefix before the block at 0 is the identity at every
// level, and a combine with it is a copy, so those are copies: work 3n - 3 - ceil(log2 n)
// combines, span at most 2 ceil(log2 n) (n >= 2; a down-sweep level with one parent only
// copies). The down-sweep and the final pass are then all full-prefix combines (combine_prefix):
// the combine with the identity was the down-sweep's only general one, and with the square-root
// filtering operator it spilled 4 B (nx 4, float32).
//
// Down-sweep, operand order for a non-commutative ⊕: a parent holds the prefix of everything
// before its block (the earlier part); the left child receives it unchanged and the right child
// receives parent ⊕ (reduction of the left child).
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/scan_descriptor.hpp"
#include "kscan/scan/impl/scan_common.hpp"
#include "kscan/scan/impl/tree_sweep.hpp"

namespace kscan::scan_detail {

/// Scans x(0..n-1) in place; `original` must hold n elements.
template <class ExecSpace, class Op, class Seq, class Buffer>
void blelloch_scan(const ExecSpace& space, const Op& op, const Seq& x, index_t n,
                   const Buffer& original) {
  using value_type = typename Op::value_type;
  Kokkos::parallel_for(
      "kscan::scan::blelloch::copy_input", range<value_type>(space, 0, n),
      KOKKOS_LAMBDA(index_t i) { original(i) = x(i); });
  tree_upsweep(space, op, x, n, "kscan::scan::blelloch::upsweep");
  Kokkos::parallel_for(
      "kscan::scan::blelloch::clear_root", range<value_type>(space, 0, 1),
      KOKKOS_LAMBDA(index_t) { x(n - 1) = op.identity(); });
  for (index_t d = top_stride(n); d >= 1; d /= 2) {
    Kokkos::parallel_for(
        "kscan::scan::blelloch::downsweep", range<value_type>(space, 0, tree_parents(n, d)),
        KOKKOS_LAMBDA(index_t k) {
          const index_t i = 2 * d * k;
          const index_t left = i + d - 1;
          const index_t right = min_index(i + 2 * d, n) - 1;  // also the parent's storage
          // the parent of the block at 0 is the identity, every other one a full prefix. Both
          // operands are read where they are stored, so a GPU thread holds only the parts a step
          // of the combine needs, not two whole elements.
          const value_type right_prefix = k == 0 ? x(left) : combine_prefix(op, x(right), x(left));
          x(left) = x(right);
          x(right) = right_prefix;
        });
  }
  Kokkos::parallel_for(
      "kscan::scan::blelloch::final", range<value_type>(space, 0, n), KOKKOS_LAMBDA(index_t i) {
        x(i) = i == 0 ? original(0) : combine_prefix(op, x(i), original(i));
      });
}

/// Registry row (scan_registry.hpp).
struct BlellochScan : ScanDefaults {
  static constexpr ScanAlgorithm algorithm = ScanAlgorithm::blelloch;
  static constexpr std::array<ScanDeckName, 1> deck_names{
      {{"blelloch", "up-sweep, identity at the root, down-sweep, a final pass with the input"}}};
  template <class ExecSpace, class Op, class Seq, class Buffer>
  static void run(const ExecSpace& space, const ScanOptions&, const Op& op, const Seq& x,
                  index_t n, int, const Buffer& buffer) {
    blelloch_scan(space, op, x, n, buffer);
  }
  static void schedule(ScanSchedule& steps, const ScanOptions&, index_t n, int) {
    tree_upsweep_steps(steps, n);
    for (index_t d = top_stride(n); d >= 1; d /= 2) {
      const index_t parents = tree_parents(n, d);
      add_step(steps, parents, parents - 1, 1, parents - 1);  // (block 0's is copied)
    }
    add_step(steps, n, n - 1, 1, n - 1);
  }
  static std::int64_t workspace(const ScanOptions&, std::int64_t n, int) { return n; }
};

}  // namespace kscan::scan_detail
