#pragma once
// The single entry point of the scan layer: in-place inclusive scans, forward (prefix) or reverse
// (suffix), over any associative, possibly non-commutative operator
//
//   struct SomeOp {
//     using value_type = Element;  // trivially copyable
//     KOKKOS_INLINE_FUNCTION value_type identity() const;
//     KOKKOS_INLINE_FUNCTION value_type combine(const value_type& earlier,
//                                               const value_type& later) const;
//     // optional, see prefix_combine.hpp: cheaper forms for a full prefix on the left or a
//     // full suffix on the right, used wherever the scan knows it has one
//     KOKKOS_INLINE_FUNCTION value_type combine_prefix(const value_type& prefix,
//                                                      const value_type& later) const;
//     KOKKOS_INLINE_FUNCTION value_type combine_suffix(const value_type& earlier,
//                                                      const value_type& suffix) const;
//   };
//
// with any of the algorithms of ScanAlgorithm, on any execution space. Kernels are enqueued on the
// given execution-space instance and are not fenced: fence `space` before reading the results on
// the host or stopping a clock. The only allocation is the workspace's growth (first use).
#include <string>
#include <type_traits>

#include "kscan/scan/combine_count.hpp"
#include "kscan/scan/impl/reverse_operator.hpp"
#include "kscan/scan/scan_algorithm.hpp"
#include "kscan/scan/impl/scan_common.hpp"
#include "kscan/scan/impl/scan_registry.hpp"
#include "kscan/scan/scan_workspace.hpp"

namespace kscan {

namespace scan_detail {

/// Scan::check, or nothing for an unregistered algorithm.
template <class ExecSpace>
void check_scan(const ScanOptions& options) {
  visit_scan(options.algorithm,
             [&](auto scan) { decltype(scan)::template check<ExecSpace>(options); });
}

/// A row's elements in the order a reverse scan reads them.
inline StoredRows back_to_front(StoredRows, index_t) { return {}; }
template <class Source>
ReversedSource<Source> back_to_front(const Source& source, index_t last) {
  return {source, last};
}

/// Scan::run_batch over every row of data in Direction, each with `threads` workers, from the
/// rows' own contents (Source = StoredRows) or from source(r, i), element i of row r in the row's
/// own order.
template <ScanDirection Direction, class Scan, class ExecSpace, class Op, class View2, class Source,
          class Buffer>
void batch_scan_rows(const ExecSpace& space, const Op& op, const View2& data, const Source& source,
                     int threads, const Buffer& buffer) {
  const auto rows = static_cast<index_t>(data.extent(0));
  const auto last = static_cast<index_t>(data.extent(1)) - 1;
  if constexpr (Direction == ScanDirection::forward) {
    Scan::run_batch(space, UniformBatch<Op, ViewRows<View2>, Source>{{op}, {data}, source, rows},
                    last + 1, threads, buffer);
  } else {
    const auto reversed_source = back_to_front(source, last);
    Scan::run_batch(space,
                    UniformBatch<ReverseOperator<Op>, ReversedViewRows<View2>,
                                 std::decay_t<decltype(reversed_source)>>{
                        {{op}}, {data, last}, reversed_source, rows},
                    last + 1, threads, buffer);
  }
}

/// f(std::integral_constant<ScanDirection, d>{}) for the runtime direction d: the overloads that
/// take a direction at run time compile both.
template <class F>
void with_direction(ScanDirection direction, F&& f) {
  if (direction == ScanDirection::forward)
    f(std::integral_constant<ScanDirection, ScanDirection::forward>{});
  else
    f(std::integral_constant<ScanDirection, ScanDirection::reverse>{});
}

}  // namespace scan_detail

/// In-place inclusive scan of data(0..n-1), n = data.extent(0) (any n; n = 0 does nothing):
///   forward: data(k) <- a_0 ⊕ ... ⊕ a_k,   reverse: data(k) <- a_k ⊕ ... ⊕ a_{n-1},
/// always with the earlier element on the left of ⊕. `workspace` grows when the scan needs more
/// scratch than it holds (workspace_elements). Throws what the scan's row refuses (its `check`):
/// ScanRefused for `kokkos` where Kokkos::parallel_scan does not keep the operand order on
/// ExecSpace, std::invalid_argument for a negative Sengupta threshold.
///
/// The direction is a template argument, inclusive_scan<ScanDirection::reverse>(space, ...), so
/// that only its kernels are compiled (a solver scans each of its operators one way only: half
/// the device code); the overload that takes it at run time compiles both.
template <ScanDirection Direction, class ExecSpace, class Op, class View>
void inclusive_scan(
    const ExecSpace& space, const ScanOptions& options, const Op& op, const View& data,
    ScanWorkspace<typename Op::value_type, typename ExecSpace::memory_space>& workspace) {
  using value_type = typename Op::value_type;
  static_assert(Kokkos::is_view<View>::value, "inclusive_scan: data must be a Kokkos::View");
  static_assert(View::rank == 1, "inclusive_scan: data must be a rank-1 view");
  static_assert(std::is_same<typename View::value_type, value_type>::value,
                "inclusive_scan: data must hold non-const Op::value_type elements");
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename View::memory_space>::accessible,
                "inclusive_scan: data must be accessible from the execution space");

  const scan_detail::index_t n = static_cast<scan_detail::index_t>(data.extent(0));
  if (n == 0) return;
  scan_detail::check_scan<ExecSpace>(options);
  const int threads = space.concurrency();
  workspace.reserve(space, workspace_elements(options, n, threads));
  const auto& buffer = workspace.buffer();
  scan_detail::visit_scan(options.algorithm, [&](auto scan) {
    using Scan = decltype(scan);
    if constexpr (Direction == ScanDirection::forward)
      Scan::run(space, options, op, data, n, threads, buffer);
    else
      Scan::run(space, options, ReverseOperator<Op>{op}, ReversedSequence<View>{data, n - 1}, n,
                threads, buffer);
  });
}

template <class ExecSpace, class Op, class View>
void inclusive_scan(
    const ExecSpace& space, const ScanOptions& options, ScanDirection direction, const Op& op,
    const View& data,
    ScanWorkspace<typename Op::value_type, typename ExecSpace::memory_space>& workspace) {
  scan_detail::with_direction(direction, [&](auto d) {
    inclusive_scan<decltype(d)::value>(space, options, op, data, workspace);
  });
}

/// inclusive_scan of every row of data (data.extent(0) independent series of data.extent(1)
/// elements each). A scan that takes batches (the blocked scan) runs the rows together, each with
/// row_threads workers (a batch of at least P series is P sequential scans at a time, parallel
/// over the series); the other algorithms scan the rows one after another, each with every
/// worker. Direction as in inclusive_scan.
template <ScanDirection Direction, class ExecSpace, class Op, class View2>
void inclusive_scan_rows(
    const ExecSpace& space, const ScanOptions& options, const Op& op, const View2& data,
    ScanWorkspace<typename Op::value_type, typename ExecSpace::memory_space>& workspace) {
  inclusive_scan_rows<Direction>(space, options, op, scan_detail::StoredRows{}, data, workspace);
}

template <class ExecSpace, class Op, class View2>
void inclusive_scan_rows(
    const ExecSpace& space, const ScanOptions& options, ScanDirection direction, const Op& op,
    const View2& data,
    ScanWorkspace<typename Op::value_type, typename ExecSpace::memory_space>& workspace) {
  inclusive_scan_rows(space, options, direction, op, scan_detail::StoredRows{}, data, workspace);
}

/// Whether inclusive_scan_rows has a scan that takes batches build the elements inside its passes
/// on ExecSpace: on host backends (an execution space that reaches host memory), not on devices.
template <class ExecSpace>
inline constexpr bool builds_in_scan =
    Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible;

/// data(r, i) = source(r, i) for every row r and element i of data, in one kernel named `label`.
template <class ExecSpace, class Source, class View2>
void store_elements(const std::string& label, const ExecSpace& space, const Source& source,
                    const View2& data) {
  using scan_detail::index_t;
  const auto n = static_cast<index_t>(data.extent(1));
  Kokkos::parallel_for(
      label,
      scan_detail::range<typename View2::value_type>(space, 0,
                                                     static_cast<index_t>(data.extent(0)) * n),
      KOKKOS_LAMBDA(index_t k) { data(k / n, k % n) = source(k / n, k % n); });
}

/// inclusive_scan_rows of the elements source(r, i) -- element i of row r in the row's own order,
/// r < data.extent(0), i < data.extent(1), any callable with that signature returning
/// Op::value_type, or scan_detail::StoredRows{} for data's own contents -- with the scanned values
/// written to data. On a host backend a scan that takes batches builds each element where it
/// first combines it (blocked_scan.hpp), which saves writing and reading every element; the other
/// algorithms, and every algorithm on a device, store them all first: a device thread that builds
/// an element and combines it in one kernel holds more than the 128 registers kernel_policy.hpp
/// allows it (nx 4, ny 2, float32: 476 B of spills in the blocked scan's first pass, make
/// check-cuda 2026-12-06). Either way each element is built once and combined in the same order
/// as by store_elements followed by inclusive_scan_rows, so the results are the same.
template <ScanDirection Direction, class ExecSpace, class Op, class Source, class View2>
void inclusive_scan_rows(
    const ExecSpace& space, const ScanOptions& options, const Op& op, const Source& source,
    const View2& data,
    ScanWorkspace<typename Op::value_type, typename ExecSpace::memory_space>& workspace) {
  static_assert(Kokkos::is_view<View2>::value && View2::rank == 2,
                "inclusive_scan_rows: data must be a rank-2 Kokkos::View [rows, n]");
  using scan_detail::index_t;
  constexpr bool stored = std::is_same<Source, scan_detail::StoredRows>::value;
  const auto rows = static_cast<index_t>(data.extent(0));
  const auto n = static_cast<index_t>(data.extent(1));
  if (rows == 0 || n == 0) return;
  scan_detail::check_scan<ExecSpace>(options);
  scan_detail::visit_scan(options.algorithm, [&](auto scan) {
    using Scan = decltype(scan);
    if constexpr (Scan::scans_batches) {
      const int threads = row_threads(options, rows, space.concurrency());
      workspace.reserve(space, rows * workspace_elements(options, n, threads));
      if constexpr (stored || builds_in_scan<ExecSpace>) {
        scan_detail::batch_scan_rows<Direction, Scan>(space, op, data, source, threads,
                                                      workspace.buffer());
      } else {
        store_elements("kscan::scan::store_elements", space, source, data);
        scan_detail::batch_scan_rows<Direction, Scan>(space, op, data, scan_detail::StoredRows{},
                                                      threads, workspace.buffer());
      }
    } else {
      if constexpr (!stored) store_elements("kscan::scan::store_elements", space, source, data);
      for (index_t r = 0; r < rows; ++r)
        inclusive_scan<Direction>(space, options, op, Kokkos::subview(data, r, Kokkos::ALL),
                                  workspace);
    }
  });
}

template <class ExecSpace, class Op, class Source, class View2>
void inclusive_scan_rows(
    const ExecSpace& space, const ScanOptions& options, ScanDirection direction, const Op& op,
    const Source& source, const View2& data,
    ScanWorkspace<typename Op::value_type, typename ExecSpace::memory_space>& workspace) {
  scan_detail::with_direction(direction, [&](auto d) {
    inclusive_scan_rows<decltype(d)::value>(space, options, op, source, data, workspace);
  });
}

}  // namespace kscan
