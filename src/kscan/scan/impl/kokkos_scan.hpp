#pragma once
// Kokkos::parallel_scan with the element as the scan's value type.
//
// The functor's join keeps operand order, update = update ⊕ incoming with `update` the earlier
// part, and the scan runs in place: operator() reads x(i) before it writes x(i), and writes only
// in the final pass. Whether a backend actually applies join in that order is not something Kokkos
// documents for non-commutative operators, so kokkos_scan_keeps_order<ExecSpace>() checks it once
// per execution space with 2x2 integer matrix products modulo a prime (exact), and
// inclusive_scan refuses the `kokkos` scan (ScanRefused) where the check fails.
//
// Kokkos < 4 calls join through `volatile` references and finds it by taking &Functor::join, which
// fails for an overload set; so exactly one join is declared: the volatile one before 4.0, the
// plain one from 4.0 on (where volatile joins are rejected).
#include <cstdint>
#include <vector>

#include "kscan/core/impl/kokkos_compat.hpp"
#include "kscan/scan/impl/scan_common.hpp"
#include "kscan/scan/scan_descriptor.hpp"

namespace kscan {

namespace scan_detail {

template <class Op, class Seq>
struct KokkosScanFunctor {
  using value_type = typename Op::value_type;
  Op op;
  Seq x;

  KOKKOS_INLINE_FUNCTION void init(value_type& update) const { update = op.identity(); }

#if KSCAN_NEEDS_VOLATILE_JOIN
  KOKKOS_INLINE_FUNCTION void join(volatile value_type& update,
                                   const volatile value_type& incoming) const {
    // The objects themselves are not volatile; Kokkos < 4 only passes them as such.
    value_type& u = const_cast<value_type&>(update);
    const value_type& in = const_cast<const value_type&>(incoming);
    u = op.combine(u, in);
  }
#else
  KOKKOS_INLINE_FUNCTION void join(value_type& update, const value_type& incoming) const {
    update = op.combine(update, incoming);
  }
#endif

  KOKKOS_INLINE_FUNCTION void operator()(const index_t i, value_type& update,
                                         const bool final) const {
    const value_type element = x(i);
    update = op.combine(update, element);
    if (final) x(i) = update;
  }
};

template <class ExecSpace, class Op, class Seq>
void kokkos_scan(const ExecSpace& space, const Op& op, const Seq& x, index_t n) {
  Kokkos::parallel_scan("kscan::scan::kokkos", range<typename Op::value_type>(space, 0, n),
                        KokkosScanFunctor<Op, Seq>{op, x});
}

// ---- the order probe ------------------------------------------------------------------------

/// 2x2 integer matrix, row-major, entries in [0, p).
struct ProbeMatrix {
  std::int64_t m[4];
};

/// Matrix product modulo a prime: associative, exact, not commutative.
struct ProbeMatrixProduct {
  using value_type = ProbeMatrix;
  static constexpr std::int64_t p = 1000003;
  KOKKOS_INLINE_FUNCTION value_type identity() const { return {{1, 0, 0, 1}}; }
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& a, const value_type& b) const {
    return {{(a.m[0] * b.m[0] + a.m[1] * b.m[2]) % p, (a.m[0] * b.m[1] + a.m[1] * b.m[3]) % p,
             (a.m[2] * b.m[0] + a.m[3] * b.m[2]) % p, (a.m[2] * b.m[1] + a.m[3] * b.m[3]) % p}};
  }
};

/// Runs the `kokkos` scan on ExecSpace for a few lengths and compares with a host loop.
template <class ExecSpace>
bool probe_kokkos_scan_order() {
  using Op = ProbeMatrixProduct;
  using View = Kokkos::View<ProbeMatrix*, typename ExecSpace::memory_space>;
  const Op op;
  const ExecSpace space;
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  const auto next = [&state]() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::int64_t>((state >> 33) % Op::p);
  };
  for (const index_t n : {index_t(2), index_t(3), index_t(17), index_t(1000), index_t(100003)}) {
    View data(Kokkos::view_alloc(Kokkos::WithoutInitializing, "kscan::scan::kokkos::probe"),
              static_cast<std::size_t>(n));
    auto host = Kokkos::create_mirror_view(data);
    std::vector<ProbeMatrix> expected(static_cast<std::size_t>(n));
    for (index_t i = 0; i < n; ++i) {
      const std::size_t k = static_cast<std::size_t>(i);
      host(k) = ProbeMatrix{{next(), next(), next(), next()}};
      expected[k] = i == 0 ? host(k) : op.combine(expected[k - 1], host(k));
    }
    Kokkos::deep_copy(data, host);
    kokkos_scan(space, op, data, n);
    space.fence();
    Kokkos::deep_copy(host, data);
    for (index_t i = 0; i < n; ++i)
      for (int e = 0; e < 4; ++e)
        if (host(static_cast<std::size_t>(i)).m[e] != expected[static_cast<std::size_t>(i)].m[e])
          return false;
  }
  return true;
}

}  // namespace scan_detail

/// Whether Kokkos::parallel_scan on ExecSpace applies join in the order kscan relies on
/// (earlier ⊕ later). Probed on the first call for each ExecSpace (Kokkos must be initialised),
/// then cached.
template <class ExecSpace>
bool kokkos_scan_keeps_order() {
  static const bool keeps_order = scan_detail::probe_kokkos_scan_order<ExecSpace>();
  return keeps_order;
}

namespace scan_detail {

/// Registry row (scan_registry.hpp). Its schedule is nominal: Kokkos decides the real one.
struct KokkosScan : ScanDefaults {
  static constexpr ScanAlgorithm algorithm = ScanAlgorithm::kokkos;
  static constexpr std::array<ScanDeckName, 1> deck_names{
      {{"kokkos", "Kokkos::parallel_scan with the element as value type"}}};
  /// Kokkos 3.4 performs n combines on Serial and 2n + P - 1 on OpenMP with P threads.
  static constexpr bool count_is_exact = false;
  template <class ExecSpace, class Op, class Seq, class Buffer>
  static void run(const ExecSpace& space, const ScanOptions&, const Op& op, const Seq& x,
                  index_t n, int, const Buffer&) {
    kokkos_scan(space, op, x, n);
  }
  /// A two-pass scan: reduce per worker, join the worker sums, rescan. Its running sums start
  /// from the identity, so no combine is known to have a full prefix.
  static void schedule(ScanSchedule& steps, const ScanOptions&, index_t n, int threads) {
    if (threads == 1) {
      add_step(steps, 1, n, n, 0);
      return;
    }
    const index_t p = threads < n ? threads : n;
    const index_t per = (n + p - 1) / p;
    add_step(steps, p, n, per, 0);
    add_step(steps, 1, threads - 1, threads - 1, 0);
    add_step(steps, p, n, per, 0);
  }
  template <class ExecSpace>
  static void check(const ScanOptions&) {
    if (kokkos_scan_keeps_order<ExecSpace>()) return;
    std::string others;
    for (const auto& name : scan_names())
      if (name != deck_names[0].name) others += (others.empty() ? "" : ", ") + name;
    throw ScanRefused(std::string("kscan: scan 'kokkos' refused on backend ") + ExecSpace::name() +
                      ": Kokkos::parallel_scan on this backend does not apply join in operand "
                      "order (earlier, later); a check with 2x2 integer matrix products gave "
                      "wrong prefixes, so non-commutative Kalman operators would be wrong. Use "
                      "another scan (" + others + ").");
  }
};

}  // namespace scan_detail

}  // namespace kscan
