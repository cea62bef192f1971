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
    const auto filtered =
        scanned<Exec>({kscan::ScanAlgorithm::sequential, 0}, kscan::ScanDirection::forward,
                      GeneralOnly<decltype(filter)>{filter}, filter_elements<Exec, T>(p));
    FilterView<Exec, T> filtered_device("test::filtered", filtered.extent(0));
    Kokkos::deep_copy(filtered_device, filtered);
    const auto smoothing = smooth_elements<Exec, T>(p, filtered_device);
    for (const auto& options : scans_to_compare<Exec>()) {
      const auto fast = scanned<Exec>(options, kscan::ScanDirection::reverse, smooth, smoothing);
      const auto slow = scanned<Exec>(options, kscan::ScanDirection::reverse,
                                      GeneralOnly<decltype(smooth)>{smooth}, smoothing);
      double w = 0;
      for (std::size_t k = 0; k < fast.extent(0); ++k) {
        w = std::max({w, worst(fast(k).E, slow(k).E, 4, 4), worst(fast(k).L, slow(k).L, 4, 4),
                      worst(fast(k).g, slow(k).g, 4)});
      }
      EXPECT_LE(w, tol) << kscan::scan_name(options) << " T=" << length;
    }
  }
}

}  // namespace
