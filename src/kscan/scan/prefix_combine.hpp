#pragma once
// Optional cheaper combines for operands the scan knows more about. An operator may offer
//
//   value_type combine_prefix(const value_type& prefix, const value_type& later) const;
//   value_type combine_suffix(const value_type& earlier, const value_type& suffix) const;
//
// with the result of combine(prefix, later) when `prefix` is a full inclusive prefix
// a_0 ⊕ … ⊕ a_k of the scanned sequence (k >= 0, never the identity), and of
// combine(earlier, suffix) when `suffix` is a full suffix a_k ⊕ … ⊕ a_{n-1}. Such operands often
// have structure a general combine cannot assume (the Kalman filtering prefix has A = 0, J = 0,
// η = 0 because a_0 is the prior), so the cheaper form skips work. Every scan calls
// scan_detail::combine_prefix where its left operand is a full prefix and combine elsewhere; a
// reverse scan turns the operator's combine_suffix into its own combine_prefix. Operators
// without them are combined with combine everywhere. Three more optional members, below, give
// combine's own result in the order that suits a device kernel's registers: combine_into_later,
// combine_unheld and accumulate_later (in place).
#include <Kokkos_Core.hpp>
#include <type_traits>
#include <utility>

namespace kscan {

template <class Op, class = void>
struct has_combine_prefix : std::false_type {};
template <class Op>
struct has_combine_prefix<Op, std::void_t<decltype(std::declval<const Op&>().combine_prefix(
                                  std::declval<const typename Op::value_type&>(),
                                  std::declval<const typename Op::value_type&>()))>>
    : std::true_type {};

/// An operator may also offer
///
///   value_type combine_into_later(const value_type& earlier, const value_type& later) const;
///
/// the result of combine(earlier, later) computed in the order that suits a kernel holding
/// `later` in registers (a GPU thread's running suffix in a reverse scan, ReverseOperator).
template <class Op, class = void>
struct has_combine_into_later : std::false_type {};
template <class Op>
struct has_combine_into_later<
    Op, std::void_t<decltype(std::declval<const Op&>().combine_into_later(
            std::declval<const typename Op::value_type&>(),
            std::declval<const typename Op::value_type&>()))>> : std::true_type {};

template <class Op, class = void>
struct has_combine_suffix : std::false_type {};
template <class Op>
struct has_combine_suffix<Op, std::void_t<decltype(std::declval<const Op&>().combine_suffix(
                                  std::declval<const typename Op::value_type&>(),
                                  std::declval<const typename Op::value_type&>()))>>
    : std::true_type {};

/// And an operator may offer
///
///   value_type combine_unheld(const value_type& earlier, const value_type& later) const;
///
/// the result of combine(earlier, later) in the order that suits a kernel holding neither
/// operand, both read from storage (team_blocks' chains and team scan through combine_to, for an
/// operator without accumulate_later; every level-by-level scan through combine_maybe_prefix).
/// ReverseOperator offers it so that such a kernel uses the original's own order instead of its
/// combine_into_later.
template <class Op, class = void>
struct has_combine_unheld : std::false_type {};
template <class Op>
struct has_combine_unheld<Op, std::void_t<decltype(std::declval<const Op&>().combine_unheld(
                                  std::declval<const typename Op::value_type&>(),
                                  std::declval<const typename Op::value_type&>()))>>
    : std::true_type {};

/// And one in place:
///
///   void accumulate_later(const value_type& earlier, value_type& later) const;
///
/// sets later to combine(earlier, later), part by part, each part stored as soon as it is computed
/// and no part of `later` read after it is overwritten (`earlier` must not be `later`). A kernel
/// whose running value lives in memory (the blocked scan's partial-sum slot, team_blocks' workspace
/// slot) then never holds the whole result in registers: with the square-root filtering operator,
/// nx 4, float32, that took every chain kernel from 32-256 B of spills to none.
/// ReverseOperator turns it into the mirror image, accumulate_earlier (earlier <- combine(earlier,
/// later)); scan_detail::combine_to uses either.
template <class Op, class = void>
struct has_accumulate_later : std::false_type {};
template <class Op>
struct has_accumulate_later<Op, std::void_t<decltype(std::declval<const Op&>().accumulate_later(
                                    std::declval<const typename Op::value_type&>(),
                                    std::declval<typename Op::value_type&>()))>> : std::true_type {
};

template <class Op, class = void>
struct has_accumulate_earlier : std::false_type {};
template <class Op>
struct has_accumulate_earlier<Op, std::void_t<decltype(std::declval<const Op&>().accumulate_earlier(
                                      std::declval<typename Op::value_type&>(),
                                      std::declval<const typename Op::value_type&>()))>>
    : std::true_type {};

/// Op with only its general combine (and its combine_into_later and accumulate_later, the same
/// result in another order, where it has them): for scanning a piece of a sequence that does not
/// start at the sequence's first element (a chunk of a distributed scan), whose local prefixes are
/// not full prefixes.
template <class Op>
struct GeneralCombineOnly {
  using value_type = typename Op::value_type;
  Op op;
  KOKKOS_INLINE_FUNCTION value_type identity() const { return op.identity(); }
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& earlier,
                                            const value_type& later) const {
    return op.combine(earlier, later);
  }
  template <class O = Op, std::enable_if_t<has_combine_into_later<O>::value, int> = 0>
  KOKKOS_INLINE_FUNCTION value_type combine_into_later(const value_type& earlier,
                                                       const value_type& later) const {
    return op.combine_into_later(earlier, later);
  }
  template <class O = Op, std::enable_if_t<has_accumulate_later<O>::value, int> = 0>
  KOKKOS_INLINE_FUNCTION void accumulate_later(const value_type& earlier, value_type& later) const {
    op.accumulate_later(earlier, later);
  }
};

namespace scan_detail {

/// op.combine(prefix, later), through op.combine_prefix where the operator offers it.
template <class Op>
KOKKOS_FORCEINLINE_FUNCTION typename Op::value_type combine_prefix(
    const Op& op, const typename Op::value_type& prefix, const typename Op::value_type& later) {
  if constexpr (has_combine_prefix<Op>::value)
    return op.combine_prefix(prefix, later);
  else
    return op.combine(prefix, later);
}

/// op.combine(earlier, later) where neither operand is held in registers, through
/// op.combine_unheld where the operator offers one (ReverseOperator: the original's own order).
template <class Op>
KOKKOS_FORCEINLINE_FUNCTION typename Op::value_type combine_unheld(
    const Op& op, const typename Op::value_type& earlier, const typename Op::value_type& later) {
  if constexpr (has_combine_unheld<Op>::value)
    return op.combine_unheld(earlier, later);
  else
    return op.combine(earlier, later);
}

/// dest = op.combine(earlier, later) for operands and a `dest` in memory, dest neither operand: in
/// place through op.accumulate_later or op.accumulate_earlier where the operator offers one (dest
/// starts as a copy of that operand), otherwise through combine_unheld.
template <class Op>
KOKKOS_FORCEINLINE_FUNCTION void combine_to(const Op& op, const typename Op::value_type& earlier,
                                            const typename Op::value_type& later,
                                            typename Op::value_type& dest) {
  if constexpr (has_accumulate_later<Op>::value) {
    dest = later;
    op.accumulate_later(earlier, dest);
  } else if constexpr (has_accumulate_earlier<Op>::value) {
    dest = earlier;
    op.accumulate_earlier(dest, later);
  } else {
    dest = combine_unheld(op, earlier, later);
  }
}

/// combine_prefix when `is_prefix`, combine_unheld otherwise: for the level-by-level scans
/// (Hillis-Steele, Blelloch, Sengupta, the tree sweeps), whose work items combine two stored
/// elements once each, and where only some items have a full prefix on the left (e.g. the tree
/// node at the start of the sequence).
template <class Op>
KOKKOS_FORCEINLINE_FUNCTION typename Op::value_type combine_maybe_prefix(
    const Op& op, bool is_prefix, const typename Op::value_type& left,
    const typename Op::value_type& right) {
  if constexpr (has_combine_prefix<Op>::value) {
    if (is_prefix) return op.combine_prefix(left, right);
  }
  return combine_unheld(op, left, right);
}

}  // namespace scan_detail
}  // namespace kscan
