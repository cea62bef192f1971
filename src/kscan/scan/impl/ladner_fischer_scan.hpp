#pragma once
// In-place Ladner-Fischer scan (the paper's "Inplace LaFi"): the Blelloch up-sweep, then a
// down-sweep that completes the inclusive prefixes directly, with no extra storage.
//
// After the up-sweep, position p < n - 1 holds the reduction of the aligned block of size
// lowbit(p + 1) ending at p, and x(n - 1) the total (already final). Positions 2^j - 1 are final
// too. For half strides d = top/2, ..., 1 the positions p = (2k + 1)d - 1 (k >= 1, p < n - 1) hold
// the block [2kd, p] while x(2kd - 1) is already the full prefix, so
//   x(p) = x(2kd - 1) ⊕ x(p)
// finishes them (earlier part on the left). Every position below n - 1 whose index + 1 is not a
// power of two is filled exactly once: work (n - 1) + (n - 2 - floor(log2(n - 1))) combines for
// n >= 2, span 2 ceil(log2 n) - 1 (levels without any fill are skipped).
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/scan_descriptor.hpp"
#include "kscan/scan/impl/scan_common.hpp"
#include "kscan/scan/impl/tree_sweep.hpp"

namespace kscan::scan_detail {

/// Ladner-Fischer down-sweep at half stride d: positions (2k+1)d - 1, k >= 1, below n - 1.
constexpr index_t ladner_fischer_fills(index_t n, index_t d) {
  const index_t q = (n - 1) / d;
  return q >= 3 ? (q - 1) / 2 : 0;
}

template <class ExecSpace, class Op, class Seq>
void ladner_fischer_scan(const ExecSpace& space, const Op& op, const Seq& x, index_t n) {
  tree_upsweep(space, op, x, n, "kscan::scan::ladner_fischer::upsweep");
  for (index_t d = top_stride(n) / 2; d >= 1; d /= 2) {
    const index_t fills = ladner_fischer_fills(n, d);
    if (fills == 0) continue;
    Kokkos::parallel_for(
        "kscan::scan::ladner_fischer::downsweep", range<typename Op::value_type>(space, 0, fills),
        KOKKOS_LAMBDA(index_t j) {
          const index_t k = j + 1;
          const index_t prefix = 2 * k * d - 1;
          const index_t p = prefix + d;
          x(p) = combine_prefix(op, x(prefix), x(p));
        });
  }
}

/// Registry row (scan_registry.hpp).
struct LadnerFischerScan : ScanDefaults {
  static constexpr ScanAlgorithm algorithm = ScanAlgorithm::ladner_fischer;
  static constexpr std::array<ScanDeckName, 1> deck_names{
      {{"ladner_fischer",
        "in place, 2 log2 T - 1 levels, no workspace (the paper's Inplace LaFi)"}}};
  template <class ExecSpace, class Op, class Seq, class Buffer>
  static void run(const ExecSpace& space, const ScanOptions&, const Op& op, const Seq& x,
                  index_t n, int, const Buffer&) {
    ladner_fischer_scan(space, op, x, n);
  }
  static void schedule(ScanSchedule& steps, const ScanOptions&, index_t n, int) {
    tree_upsweep_steps(steps, n);
    for (index_t d = top_stride(n) / 2; d >= 1; d /= 2) {
      const index_t fills = ladner_fischer_fills(n, d);
      add_step(steps, fills, fills, 1, fills);
    }
  }
};

}  // namespace kscan::scan_detail
