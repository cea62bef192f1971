#pragma once
// Shared by the prefix-combine tests (test_prefix_combine_*.cpp, one per operator so that a
// device build compiles them in parallel): the Kalman operators' cheaper combines
// (FilterOperator::combine_prefix for the filtering prefixes, SmoothOperator::combine_suffix for
// the smoothing suffixes, BackwardFilterOperator's and SqrtBackwardFilterOperator's
// combine_suffix for the backward information filter's η and J or Z) must give the same scans as
// their general combine alone: every scan, ragged lengths and T = 1.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <kscan/scan/scan.hpp>
#include <kscan/solver/impl/filter_element.hpp>
#include <kscan/solver/impl/form_kernels.hpp>
#include <kscan/solver/impl/smooth_element.hpp>
#include <kscan/solver/impl/sqrt_filter_element.hpp>

#include "solver_test_support.hpp"
#include "test_types.hpp"

namespace kscan::test::prefix_combine {

using Dims = kscan::FixedDims<4, 2>;

/// The operator without its optional cheaper combines (combine_prefix, combine_suffix):
/// kscan::GeneralCombineOnly, whose scans then use combine where those would serve and associate
/// as they do with Op (it keeps combine_into_later and accumulate_later, the general result in
/// another order), so that only the cheaper forms differ.
using kscan::GeneralCombineOnly;
static_assert(kscan::has_combine_prefix<kscan::FilterOperator<double, Dims>>::value);
static_assert(!kscan::has_combine_suffix<kscan::FilterOperator<double, Dims>>::value);
static_assert(kscan::has_combine_suffix<kscan::SmoothOperator<double, Dims>>::value);
static_assert(kscan::has_combine_suffix<kscan::BackwardFilterOperator<double, Dims>>::value);
static_assert(!kscan::has_combine_suffix<kscan::SqrtFilterOperator<double, Dims>>::value);
static_assert(kscan::has_combine_suffix<kscan::SqrtBackwardFilterOperator<double, Dims>>::value);
static_assert(
    kscan::has_combine_unheld<kscan::ReverseOperator<kscan::FilterOperator<double, Dims>>>::value);
static_assert(!kscan::has_combine_unheld<kscan::FilterOperator<double, Dims>>::value);
static_assert(
    !kscan::has_combine_prefix<GeneralCombineOnly<kscan::FilterOperator<double, Dims>>>::value);
static_assert(
    kscan::has_combine_into_later<GeneralCombineOnly<kscan::FilterOperator<double, Dims>>>::value);
static_assert(
    !kscan::has_combine_into_later<GeneralCombineOnly<kscan::SmoothOperator<double, Dims>>>::value);
static_assert(kscan::has_accumulate_later<
              GeneralCombineOnly<kscan::SqrtFilterOperator<double, Dims>>>::value);
static_assert(
    !kscan::has_accumulate_later<GeneralCombineOnly<kscan::SmoothOperator<double, Dims>>>::value);

template <class Exec, class T>
using FilterView = Kokkos::View<kscan::FilterElement<T, Dims>*, typename Exec::memory_space>;
template <class Exec, class T>
using SqrtView = Kokkos::View<kscan::SqrtFilterElement<T, Dims>*, typename Exec::memory_space>;
template <class Exec, class T>
using SmoothView = Kokkos::View<kscan::SmoothElement<T, Dims>*, typename Exec::memory_space>;

/// a_0 (the prior) and a_1..a_T of the paper's random model, in form F.
template <class Exec, class T, kscan::Form F = kscan::Form::standard>
Kokkos::View<typename kscan::FormKernels<T, Dims, F>::filter_element*, typename Exec::memory_space>
filter_elements(const kscan::test::Problem& p) {
  using K = kscan::FormKernels<T, Dims, F>;
  using memory = typename Exec::memory_space;
  const auto model = kscan::convert_model<T, memory>(p.model);
  const auto y = kscan::convert_measurements<T, memory>(p.series.y);
  const int length = static_cast<int>(y.extent(0));
  Kokkos::View<typename K::filter_element*, memory> e("test::filter_elements", length + 1);
  const Dims dims;
  Kokkos::parallel_for(
      "test::filter_elements", Kokkos::RangePolicy<Exec>(0, length + 1), KOKKOS_LAMBDA(int k) {
        e(k) = k == 0 ? K::prior_element(dims, model) : K::element(dims, model, y, k - 1);
      });
  return e;
}

/// Smoothing elements of steps 1..T from filtered prefixes (b, C) = (m_k, P_k).
template <class Exec, class T>
SmoothView<Exec, T> smooth_elements(const kscan::test::Problem& p,
                                    const FilterView<Exec, T>& prefix) {
  const auto model = kscan::convert_model<T, typename Exec::memory_space>(p.model);
  const int length = static_cast<int>(prefix.extent(0)) - 1;
  SmoothView<Exec, T> e("test::smooth_elements", length);
  const Dims dims;
  Kokkos::parallel_for(
      "test::smooth_elements", Kokkos::RangePolicy<Exec>(0, length), KOKKOS_LAMBDA(int i) {
        e(i) = kscan::make_smooth_element<T>(dims, model, prefix(i + 1).b, prefix(i + 1).C, i + 1,
                                             i + 1 == length);
      });
  return e;
}

/// Scans a copy of `input` with `op` in Direction (a template argument: only that direction's
/// kernels are compiled, which halves these tests' device code) and returns it on the host.
template <class Exec, ScanDirection Direction, class Op, class View>
auto scanned(const kscan::ScanOptions& options, const Op& op, const View& input) {
  View data("test::scanned", input.extent(0));
  Kokkos::deep_copy(data, input);
  kscan::ScanWorkspace<typename Op::value_type, typename Exec::memory_space> workspace;
  kscan::inclusive_scan<Direction>(Exec(), options, op, data, workspace);
  Exec().fence();
  return Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), data);
}

/// max |a - b| / max(1, |b|) over the first `rows x cols` entries of two small matrices.
template <class M>
double worst(const M& a, const M& b, int rows, int cols) {
  double w = 0;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const double x = a(r, c), y = b(r, c);
      w = std::max(w, std::abs(x - y) / std::max(1.0, std::abs(y)));
    }
  return w;
}
template <class V>
double worst(const V& a, const V& b, int n) {
  double w = 0;
  for (int r = 0; r < n; ++r) {
    const double x = a(r), y = b(r);
    w = std::max(w, std::abs(x - y) / std::max(1.0, std::abs(y)));
  }
  return w;
}

/// F Fᵀ of a 4 x 4 factor (a factor is unique only up to the signs of its columns).
template <class M>
kscan::Mat<double, 4, 4> gram(const M& f) {
  kscan::Mat<double, 4, 4> g{};
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c)
      for (int k = 0; k < 4; ++k) g(r, c) += double(f(r, k)) * double(f(c, k));
  return g;
}

/// The lengths every prefix-combine test scans.
inline constexpr int lengths[] = {1, 2, 3, 17, 100, 1025};

/// The scans a test compares on `Exec` (the Kokkos scan only where it keeps the order).
template <class Exec>
std::vector<ScanOptions> scans_to_compare() {
  std::vector<ScanOptions> out;
  for (const auto& options : all_scans())
    if (options.algorithm != ScanAlgorithm::kokkos || kokkos_scan_keeps_order<Exec>())
      out.push_back(options);
  return out;
}

/// Scans `input` in Direction with every scan of `Exec`, once with `fast` and once with `slow`
/// (the general combine alone), and expects the largest `difference(fast_k, slow_k)` over the
/// scanned elements to be within `tol`.
template <class Exec, ScanDirection Direction, class Fast, class Slow, class View, class Difference>
void expect_same_scans(const Fast& fast, const Slow& slow, const View& input, double tol,
                       Difference difference) {
  for (const auto& options : scans_to_compare<Exec>()) {
    const auto a = scanned<Exec, Direction>(options, fast, input);
    const auto b = scanned<Exec, Direction>(options, slow, input);
    double w = 0;
    for (std::size_t k = 0; k < a.extent(0); ++k) w = std::max(w, difference(a(k), b(k)));
    EXPECT_LE(w, tol) << kscan::scan_name(options) << ", " << input.extent(0) << " elements";
  }
}

}  // namespace kscan::test::prefix_combine
