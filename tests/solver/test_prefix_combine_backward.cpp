// BackwardFilterOperator::combine_suffix (PTFS's backward scan): the suffixes of every reverse
// scan are exact in η and J, all that the backward information filter keeps, against the
// general combine alone (prefix_combine_support.hpp).
#include "prefix_combine_support.hpp"

namespace {

using namespace kscan::test::prefix_combine;

template <class C>
class BackwardSuffixCombine : public ::testing::Test {};
TYPED_TEST_SUITE(BackwardSuffixCombine, kscan::test::SpacesAndPrecisions);

TYPED_TEST(BackwardSuffixCombine, SameInformationAsTheGeneralCombine) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const double tol = kscan::test::tolerance<T>(1e-5, 1e-12);
  const kscan::FilterOperator<T, Dims> filter{Dims{}};
  for (const int length : lengths) {
    const auto p = kscan::test::random_problem(4, 2, length, 500 + length);
    const auto elements = filter_elements<Exec, T>(p);
    for (const auto& options : scans_to_compare<Exec>()) {
      const auto fast = scanned<Exec>(options, kscan::ScanDirection::reverse,
                                      kscan::BackwardFilterOperator<T, Dims>{Dims{}}, elements);
      const auto slow = scanned<Exec>(options, kscan::ScanDirection::reverse,
                                      GeneralOnly<decltype(filter)>{filter}, elements);
      double w = 0;
      for (std::size_t k = 0; k < fast.extent(0); ++k)
        w = std::max({w, worst(fast(k).J, slow(k).J, 4, 4), worst(fast(k).eta, slow(k).eta, 4)});
      EXPECT_LE(w, tol) << kscan::scan_name(options) << " T=" << length;
    }
  }
}

}  // namespace
