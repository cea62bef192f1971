// SqrtBackwardFilterOperator::combine_suffix (PTFS's square-root backward scan): the suffixes of
// every reverse scan are exact in η and Z Zᵀ, all that the backward information filter keeps,
// against the general square-root combine alone (prefix_combine_support.hpp).
#include "prefix_combine_support.hpp"

namespace {

using namespace kscan::test::prefix_combine;

template <class C>
class SqrtBackwardSuffixCombine : public ::testing::Test {};
TYPED_TEST_SUITE(SqrtBackwardSuffixCombine, kscan::test::SpacesAndPrecisions);

TYPED_TEST(SqrtBackwardSuffixCombine, SameInformationAsTheGeneralCombine) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const double tol = kscan::test::tolerance<T>(1e-5, 1e-12);
  const kscan::SqrtFilterOperator<T, Dims> filter{Dims{}};
  for (const int length : lengths) {
    const auto p = kscan::test::random_problem(4, 2, length, 600 + length);
    const auto elements = filter_elements<Exec, T, kscan::Form::sqrt>(p);
    expect_same_scans<Exec, kscan::ScanDirection::reverse>(
        kscan::SqrtBackwardFilterOperator<T, Dims>{Dims{}},
        GeneralCombineOnly<decltype(filter)>{filter}, elements, tol,
        [](const auto& a, const auto& b) {
          return std::max(worst(gram(a.Z), gram(b.Z), 4, 4), worst(a.eta, b.eta, 4));
        });
  }
}

}  // namespace
