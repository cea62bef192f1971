// FilterOperator::combine_prefix: the filtering prefixes of every scan equal those of the
// general combine alone (prefix_combine_support.hpp); and the filtering operators'
// combine_into_later, which reverse scans use, and their accumulate_later (in place), which the
// chains of the blocked and team_blocks scans use, equal their combine.
#include <array>
#include <random>

#include "prefix_combine_support.hpp"

namespace {

using namespace kscan::test::prefix_combine;

static_assert(kscan::has_combine_into_later<kscan::FilterOperator<double, Dims>>::value);
static_assert(kscan::has_combine_into_later<kscan::SqrtFilterOperator<double, Dims>>::value);
static_assert(kscan::has_accumulate_later<kscan::FilterOperator<double, Dims>>::value);
static_assert(kscan::has_accumulate_later<kscan::SqrtFilterOperator<double, Dims>>::value);

template <class C>
class FilterPrefixCombine : public ::testing::Test {};
TYPED_TEST_SUITE(FilterPrefixCombine, kscan::test::SpacesAndPrecisions);

TYPED_TEST(FilterPrefixCombine, SameForwardScansAsTheGeneralCombine) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const double tol = kscan::test::tolerance<T>(1e-5, 1e-12);
  const kscan::FilterOperator<T, Dims> filter{Dims{}};
  for (const int length : lengths) {
    const auto p = kscan::test::random_problem(4, 2, length, 500 + length);
    const auto elements = filter_elements<Exec, T>(p);
    expect_same_scans<Exec, kscan::ScanDirection::forward>(
        filter, GeneralCombineOnly<decltype(filter)>{filter}, elements, tol,
        [](const auto& a, const auto& b) {
          return std::max({worst(a.A, b.A, 4, 4), worst(a.C, b.C, 4, 4), worst(a.J, b.J, 4, 4),
                           worst(a.b, b.b, 4), worst(a.eta, b.eta, 4)});
        });
  }
}

/// In a kernel on Exec, general(k) = combine(e(k), e(k + 1)), later_held(k) =
/// combine_into_later(e(k), e(k + 1)) and in_place(k) = e(k + 1) updated by
/// accumulate_later(e(k), ·).
template <class Exec, class Op, class View>
void combine_every_way(const Op& op, const View& e, const View& general, const View& later_held,
                       const View& in_place) {
  const int pairs = static_cast<int>(general.extent(0));
  Kokkos::parallel_for(
      "test::later_held", Kokkos::RangePolicy<Exec>(0, pairs), KOKKOS_LAMBDA(int k) {
        general(k) = op.combine(e(k), e(k + 1));
        later_held(k) = op.combine_into_later(e(k), e(k + 1));
        in_place(k) = e(k + 1);
        op.accumulate_later(e(k), in_place(k));
      });
}

/// The combines of combine_every_way, on the host.
template <class Exec, class Op, class View>
auto combined_every_way(const Op& op, const View& e) {
  const int pairs = static_cast<int>(e.extent(0)) - 1;
  View general("test::general", pairs), later_held("test::later_held", pairs),
      in_place("test::in_place", pairs);
  combine_every_way<Exec>(op, e, general, later_held, in_place);
  const auto host = [](const View& v) {
    return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  };
  return std::array<decltype(host(e)), 3>{host(general), host(later_held), host(in_place)};
}

/// max over k of difference(combine_into_later(e(k), e(k + 1)), combine(e(k), e(k + 1))) and the
/// same for accumulate_later. (The scans and solvers that use them, every reverse scan, the
/// blocked scan's reductions, team_blocks' chains and PTFS's backward filter, are checked against
/// their oracles elsewhere; this ties the operator's other orders to its first, operand by
/// operand. The kernel is a function of its own: nvcc refuses a device lambda in a function with
/// a local lambda's type among its template arguments.)
template <class Exec, class Op, class View, class Difference>
double worst_later_held(const Op& op, const View& e, Difference difference) {
  const auto [general, later_held, in_place] = combined_every_way<Exec>(op, e);
  double w = 0;
  for (std::size_t k = 0; k < general.extent(0); ++k)
    w = std::max({w, difference(later_held(k), general(k)), difference(in_place(k), general(k))});
  return w;
}

/// Square-root elements with random contents (a contraction A, lower-triangular factors U and Z
/// of moderate size): the operator is the same function of any such operands.
template <class Exec, class T>
SqrtView<Exec, T> random_sqrt_elements(int length, unsigned seed) {
  SqrtView<Exec, T> e("test::sqrt_elements", length);
  auto host = Kokkos::create_mirror_view(e);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int k = 0; k < length; ++k) {
    auto& x = host(k);
    for (int r = 0; r < 4; ++r) {
      x.b(r) = T(u(rng));
      x.eta(r) = T(u(rng));
      for (int c = 0; c < 4; ++c) {
        x.A(r, c) = T((r == c ? 0.5 : 0.0) + 0.1 * u(rng));
        x.U(r, c) = c <= r ? T(0.4 * u(rng)) : T(0);
        x.Z(r, c) = c <= r ? T(0.4 * u(rng)) : T(0);
      }
    }
  }
  Kokkos::deep_copy(e, host);
  return e;
}

template <class C>
class FilterLaterHeldCombine : public ::testing::Test {};
TYPED_TEST_SUITE(FilterLaterHeldCombine, kscan::test::SpacesAndPrecisions);

// A reverse scan holds its running suffix, the later operand, so ReverseOperator combines
// through combine_into_later, which computes combine's result in another order.
TYPED_TEST(FilterLaterHeldCombine, SameResultAsTheGeneralCombine) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const kscan::FilterOperator<T, Dims> filter{Dims{}};
  // consecutive elements of the paper's model, the first pair with the prior on the left
  const auto p = kscan::test::random_problem(4, 2, 200, 701);
  const double w = worst_later_held<Exec>(
      filter, filter_elements<Exec, T>(p), [](const auto& a, const auto& b) {
        return std::max({worst(a.A, b.A, 4, 4), worst(a.C, b.C, 4, 4), worst(a.J, b.J, 4, 4),
                         worst(a.b, b.b, 4), worst(a.eta, b.eta, 4)});
      });
  EXPECT_LE(w, kscan::test::tolerance<T>(1e-5, 1e-12));
}

TYPED_TEST(FilterLaterHeldCombine, SquareRootSameResultAsTheGeneralCombine) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const kscan::SqrtFilterOperator<T, Dims> filter{Dims{}};
  const double w = worst_later_held<Exec>(
      filter, random_sqrt_elements<Exec, T>(200, 901), [](const auto& a, const auto& b) {
        return std::max({worst(a.A, b.A, 4, 4), worst(gram(a.U), gram(b.U), 4, 4),
                         worst(gram(a.Z), gram(b.Z), 4, 4), worst(a.b, b.b, 4),
                         worst(a.eta, b.eta, 4)});
      });
  EXPECT_LE(w, kscan::test::tolerance<T>(1e-5, 1e-12));
}

// The square-root combines read only the lower triangles of U and Z (SqrtFilterOperator::lower),
// which is exact only while every factor they produce is lower-triangular: check that, bit for
// bit, for every order.
TYPED_TEST(FilterLaterHeldCombine, SquareRootFactorsStayLowerTriangular) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const kscan::SqrtFilterOperator<T, Dims> filter{Dims{}};
  const auto e = random_sqrt_elements<Exec, T>(50, 907);
  int above = 0;
  for (const auto& combined : combined_every_way<Exec>(filter, e))
    for (std::size_t k = 0; k < combined.extent(0); ++k)
      for (int r = 0; r < 4; ++r)
        for (int c = r + 1; c < 4; ++c)
          above += (combined(k).U(r, c) != T(0)) + (combined(k).Z(r, c) != T(0));
  EXPECT_EQ(above, 0);
}

}  // namespace
