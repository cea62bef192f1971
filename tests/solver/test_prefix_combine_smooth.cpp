// SmoothOperator::combine_suffix: the smoothing suffixes of every reverse scan equal those of
// the general combine alone (prefix_combine_support.hpp).
#include "prefix_combine_support.hpp"

namespace {

using namespace kscan::test::prefix_combine;

template <class C>
class SmoothSuffixCombine : public ::testing::Test {};
TYPED_TEST_SUITE(SmoothSuffixCombine, kscan::test::SpacesAndPrecisions);

TYPED_TEST(SmoothSuffixCombine, SameReverseScansAsTheGeneralCombine) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const double tol = kscan::test::tolerance<T>(1e-5, 1e-12);
  const kscan::FilterOperator<T, Dims> filter{Dims{}};
  const kscan::SmoothOperator<T, Dims> smooth{Dims{}};
  for (const int length : lengths) {
    const auto p = kscan::test::random_problem(4, 2, length, 500 + length);
    // smoothing elements from the reference filter (sequential scan, general combine)
    const auto filtered = scanned<Exec, kscan::ScanDirection::forward>(
        {kscan::ScanAlgorithm::sequential, 0}, GeneralCombineOnly<decltype(filter)>{filter},
        filter_elements<Exec, T>(p));
    FilterView<Exec, T> filtered_device("test::filtered", filtered.extent(0));
    Kokkos::deep_copy(filtered_device, filtered);
    const auto smoothing = smooth_elements<Exec, T>(p, filtered_device);
    expect_same_scans<Exec, kscan::ScanDirection::reverse>(
        smooth, GeneralCombineOnly<decltype(smooth)>{smooth}, smoothing, tol,
        [](const auto& a, const auto& b) {
          return std::max({worst(a.E, b.E, 4, 4), worst(a.L, b.L, 4, 4), worst(a.g, b.g, 4)});
        });
  }
}

}  // namespace
