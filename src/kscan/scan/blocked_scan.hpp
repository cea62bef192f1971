#pragma once
// Blocked scan, the CPU workhorse: P = min(workers, n) contiguous chunks, one per worker.
//   1. reduce:   every chunk but the last reduces its elements (parallel over chunks);
//   2. partials: one work item scans the P - 1 chunk sums, so sum(c - 1) becomes the prefix of
//                everything before chunk c;
//   3. rescan:   every chunk scans its elements in place, starting from its prefix.
// Work 2n - len(last chunk) - 2 combines for P >= 2 (n - 1 for P = 1), span about 2n/P + P.
// Workspace: P - 1 elements.
#include "kscan/scan/scan_common.hpp"

namespace kscan::scan_detail {

template <class ExecSpace, class Op, class Seq, class Buffer>
void blocked_scan(const ExecSpace& space, const Op& op, const Seq& x, index_t n, int threads,
                  const Buffer& partial) {
  using value_type = typename Op::value_type;
  const index_t chunks = blocked_chunks(n, threads);
  if (chunks >= 2) {
    Kokkos::parallel_for(
        "kscan::scan::blocked::reduce", range(space, 0, chunks - 1), KOKKOS_LAMBDA(index_t c) {
          const index_t begin = chunk_begin(c, n, chunks);
          const index_t end = chunk_begin(c + 1, n, chunks);
          value_type sum = x(begin);
          for (index_t i = begin + 1; i < end; ++i) sum = op.combine(sum, x(i));
          partial(c) = sum;
        });
    if (chunks >= 3) {
      Kokkos::parallel_for(
          "kscan::scan::blocked::partials", range(space, 0, 1), KOKKOS_LAMBDA(index_t) {
            value_type running = partial(0);
            for (index_t c = 1; c < chunks - 1; ++c) {
              running = op.combine(running, partial(c));
              partial(c) = running;
            }
          });
    }
  }
  Kokkos::parallel_for(
      "kscan::scan::blocked::rescan", range(space, 0, chunks), KOKKOS_LAMBDA(index_t c) {
        const index_t begin = chunk_begin(c, n, chunks);
        const index_t end = chunk_begin(c + 1, n, chunks);
        // chunk 0 starts from its own first element, the others from their prefix
        value_type running = c == 0 ? x(0) : partial(c - 1);
        for (index_t i = c == 0 ? begin + 1 : begin; i < end; ++i) {
          running = op.combine(running, x(i));
          x(i) = running;
        }
      });
}

}  // namespace kscan::scan_detail
