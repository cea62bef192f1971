// FilterOperator::combine_prefix: the filtering prefixes of every scan equal those of the
// general combine alone (prefix_combine_support.hpp).
#include "prefix_combine_support.hpp"

namespace {

using namespace kscan::test::prefix_combine;

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
    expect_same_scans<Exec>(kscan::ScanDirection::forward, filter,
                            GeneralOnly<decltype(filter)>{filter}, elements, tol,
                            [](const auto& a, const auto& b) {
                              return std::max({worst(a.A, b.A, 4, 4), worst(a.C, b.C, 4, 4),
                                               worst(a.J, b.J, 4, 4), worst(a.b, b.b, 4),
                                               worst(a.eta, b.eta, 4)});
                            });
  }
}

}  // namespace
