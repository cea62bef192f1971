#pragma once
// Reverse (suffix) scans as forward scans: walk the indices backwards and swap combine's operands.
// A forward inclusive scan of b_j = a_{n-1-j} under x ⊕' y = y ⊕ x gives, at position j = n-1-k,
//   b_0 ⊕' ... ⊕' b_j = a_k ⊕ ... ⊕ a_{n-1},
// the suffix of a at k with the operand order of the original operator (earlier ⊕ later).
#include <Kokkos_Core.hpp>

#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/impl/scan_common.hpp"

namespace kscan {

/// The operator with its operands swapped: combine(x, y) = op.combine(y, x). A prefix of the
/// reversed sequence is a suffix of the original one, so its combine_prefix is the original
/// operator's combine_suffix, where that exists. The scans' chains hold their left operand, here
/// the original's later one, so the original's combine_into_later is used where it exists.
template <class Op>
struct ReverseOperator {
  using value_type = typename Op::value_type;
  Op op;
  KOKKOS_INLINE_FUNCTION value_type identity() const { return op.identity(); }
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& earlier,
                                            const value_type& later) const {
    if constexpr (has_combine_into_later<Op>::value)
      return op.combine_into_later(later, earlier);
    else
      return op.combine(later, earlier);
  }
  /// combine(earlier, later) for a kernel that holds neither operand (both read from storage):
  /// the original's own order, which such kernels fit in registers where combine_into_later's
  /// spilled (nx 4, float32: team_blocks' team scan with the filtering operator, 16 + 24 B; the
  /// level-by-level scans with the square-root one, 8-44 B in each of 9 kernels).
  KOKKOS_INLINE_FUNCTION value_type combine_unheld(const value_type& earlier,
                                                   const value_type& later) const {
    return op.combine(later, earlier);
  }
  /// earlier <- combine(earlier, later) in place: the original's accumulate_later, whose
  /// `later` this `earlier` is.
  template <class O = Op, std::enable_if_t<has_accumulate_later<O>::value, int> = 0>
  KOKKOS_INLINE_FUNCTION void accumulate_earlier(value_type& earlier,
                                                 const value_type& later) const {
    op.accumulate_later(later, earlier);
  }
  template <class O = Op, std::enable_if_t<has_combine_suffix<O>::value, int> = 0>
  KOKKOS_INLINE_FUNCTION value_type combine_prefix(const value_type& prefix,
                                                   const value_type& later) const {
    return op.combine_suffix(later, prefix);
  }
};

/// A 1-D view read back to front: (*this)(i) is view(last - i).
template <class View>
struct ReversedSequence {
  View view;
  scan_detail::index_t last;
  KOKKOS_INLINE_FUNCTION typename View::reference_type operator()(scan_detail::index_t i) const {
    return view(last - i);
  }
};

/// The rows of a rank-2 view (a batch of series), each read back to front.
template <class View2>
struct ReversedViewRows {
  View2 view;
  scan_detail::index_t last;
  KOKKOS_INLINE_FUNCTION ReversedSequence<scan_detail::RowSequence<View2>> operator()(
      scan_detail::index_t r) const {
    return {{view, r}, last};
  }
};

}  // namespace kscan
