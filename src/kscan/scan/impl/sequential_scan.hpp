#pragma once
// Sequential inclusive scan: one work item on the execution space walks the whole sequence.
// n - 1 combines (all with a full prefix on the left), span n - 1. The reference every parallel scan is checked against.
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/scan_descriptor.hpp"
#include "kscan/scan/impl/scan_common.hpp"

namespace kscan::scan_detail {

template <class ExecSpace, class Op, class Seq>
void sequential_scan(const ExecSpace& space, const Op& op, const Seq& x, index_t n) {
  if (n < 2) return;
  Kokkos::parallel_for(
      "kscan::scan::sequential", range<typename Op::value_type>(space, 0, 1),
      KOKKOS_LAMBDA(index_t) {
        typename Op::value_type running = x(0);
        for (index_t i = 1; i < n; ++i) {
          running = combine_prefix(op, running, x(i));
          x(i) = running;
        }
      });
}

/// Registry row (scan_registry.hpp).
struct SequentialScan : ScanDefaults {
  static constexpr ScanAlgorithm algorithm = ScanAlgorithm::sequential;
  static constexpr std::array<ScanDeckName, 1> deck_names{
      {{"sequential", "one thread, T - 1 combines: the reference"}}};
  template <class ExecSpace, class Op, class Seq, class Buffer>
  static void run(const ExecSpace& space, const ScanOptions&, const Op& op, const Seq& x,
                  index_t n, int, const Buffer&) {
    sequential_scan(space, op, x, n);
  }
  static void schedule(ScanSchedule& steps, const ScanOptions&, index_t n, int) {
    add_step(steps, 1, n - 1, n - 1, n - 1);
  }
};

}  // namespace kscan::scan_detail
