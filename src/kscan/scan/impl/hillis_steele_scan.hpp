#pragma once
// Hillis-Steele inclusive scan: levels d = 1, 2, 4, ... < n, each one parallel step
//   out(i) = in(i - d) ⊕ in(i)  (i >= d),   out(i) = in(i)  (i < d),
// double-buffered between the sequence and a scratch buffer of n elements. Work sum(n - d), span
// ceil(log2 n). When the number of levels is odd the result is copied back to the sequence.
// Before level d, in(j) holds a_{max(0, j-d+1)} ⊕ … ⊕ a_j, so in(i - d) is a full prefix for
// i < 2d.
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/scan_descriptor.hpp"
#include "kscan/scan/impl/scan_common.hpp"

namespace kscan::scan_detail {

template <class ExecSpace, class Op, class Src, class Dst>
void hillis_steele_level(const ExecSpace& space, const Op& op, const Src& src, const Dst& dst,
                         index_t n, index_t d, const char* label) {
  Kokkos::parallel_for(
      label, range<typename Op::value_type>(space, 0, n), KOKKOS_LAMBDA(index_t i) {
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
        copy_label, range<typename Op::value_type>(space, 0, n),
        KOKKOS_LAMBDA(index_t i) { x(i) = buffer(i); });
  }
}

/// Hillis-Steele's levels, for its own row and Sengupta's top: out(i) = in(i - d) ⊕ in(i) has a
/// full prefix on the left for d <= i < 2d.
inline void hillis_steele_steps(ScanSchedule& steps, index_t n) {
  for (index_t d = 1; d < n; d *= 2)
    add_step(steps, n - d, n - d, 1, (n < 2 * d ? n : 2 * d) - d);
}

/// Registry row (scan_registry.hpp).
struct HillisSteeleScan : ScanDefaults {
  static constexpr ScanAlgorithm algorithm = ScanAlgorithm::hillis_steele;
  static constexpr std::array<ScanDeckName, 1> deck_names{
      {{"hillis_steele", "log2 T levels, T log2 T work, double-buffered"}}};
  template <class ExecSpace, class Op, class Seq, class Buffer>
  static void run(const ExecSpace& space, const ScanOptions&, const Op& op, const Seq& x,
                  index_t n, int, const Buffer& buffer) {
    hillis_steele_scan(space, op, x, n, buffer);
  }
  static void schedule(ScanSchedule& steps, const ScanOptions&, index_t n, int) {
    hillis_steele_steps(steps, n);
  }
  static std::int64_t workspace(const ScanOptions&, std::int64_t n, int) { return n >= 2 ? n : 0; }
};

}  // namespace kscan::scan_detail
