#pragma once
// Hillis-Steele inclusive scan: levels d = 1, 2, 4, ... < n, each one parallel step
//   out(i) = in(i - d) ⊕ in(i)  (i >= d),   out(i) = in(i)  (i < d),
// double-buffered between the sequence and a scratch buffer of n elements. Work sum(n - d), span
// ceil(log2 n). When the number of levels is odd the result is copied back to the sequence.
// Before level d, in(j) holds a_{max(0, j-d+1)} ⊕ … ⊕ a_j, so in(i - d) is a full prefix for
// i < 2d.
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/scan_common.hpp"

namespace kscan::scan_detail {

template <class ExecSpace, class Op, class Src, class Dst>
void hillis_steele_level(const ExecSpace& space, const Op& op, const Src& src, const Dst& dst,
                         index_t n, index_t d, const char* label) {
  Kokkos::parallel_for(
      label, range(space, 0, n), KOKKOS_LAMBDA(index_t i) {
        if (i >= d)
          dst(i) = combine_maybe_prefix(op, i < 2 * d, src(i - d), src(i));
        else
          dst(i) = src(i);
      });
}

/// Scans x(0..n-1) in place; `buffer` must hold n elements. The labels name the dispatches
/// (Sengupta's scan reuses this for the top of its tree under its own name).
template <class ExecSpace, class Op, class Seq, class Buffer>
void hillis_steele_scan(const ExecSpace& space, const Op& op, const Seq& x, index_t n,
                        const Buffer& buffer,
                        const char* level_label = "kscan::scan::hillis_steele::level",
                        const char* copy_label = "kscan::scan::hillis_steele::copy_back") {
  if (n < 2) return;
  bool in_buffer = false;  // where the latest level lives
  for (index_t d = 1; d < n; d *= 2) {
    if (in_buffer)
      hillis_steele_level(space, op, buffer, x, n, d, level_label);
    else
      hillis_steele_level(space, op, x, buffer, n, d, level_label);
    in_buffer = !in_buffer;
  }
  if (in_buffer) {
    Kokkos::parallel_for(
        copy_label, range(space, 0, n),
        KOKKOS_LAMBDA(index_t i) { x(i) = buffer(i); });
  }
}

}  // namespace kscan::scan_detail
