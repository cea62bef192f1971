// BatchedKalmanSolver against per-series KalmanSolver solves: every method, several scans, both
// precisions, every backend, with missing observations. The per-series computation is the same
// (the blocked scan of a batch with at least as many series as workers scans each series
// sequentially, so it is compared with the sequential scan), so results agree to 1e-12.
#include <kscan/scan/combine_count.hpp>
#include <kscan/solver/batched_kalman_solver.hpp>
#include <kscan/solver/impl/filter_element.hpp>
#include <kscan/solver/impl/smooth_element.hpp>

#include "solver_test_support.hpp"
#include "test_types.hpp"

namespace {

using kscan::Method;
using kscan::ScanAlgorithm;
using kscan::ScanOptions;
using kscan::test::relative_difference;

template <class C>
class Batched : public ::testing::Test {};
TYPED_TEST_SUITE(Batched, kscan::test::SpacesAndPrecisions);

template <class Config>
void check_batch(int batch, int length) {
  using Exec = typename Config::execution_space;
  using T = typename Config::scalar_type;
  using memory = typename Exec::memory_space;
  using Batch = kscan::BatchedKalmanSolver<T, Exec>;
  const auto p = kscan::test::random_problem(4, 2, length, 77, 0.1, 0.1);
  std::vector<kscan::HostSeries> series;
  for (int b = 0; b < batch; ++b) {
    kscan::SimulationOptions s;
    s.length = length;
    s.seed = 300 + b;
    s.missing_rows = 0.1;
    series.push_back(kscan::simulate(p.model, s));
  }
  const auto model = kscan::convert_model<T, memory>(p.model);
  typename Batch::measurements_type y("test::batch_y", batch, length, 2);
  for (int b = 0; b < batch; ++b)
    Kokkos::deep_copy(Kokkos::subview(y, b, Kokkos::ALL, Kokkos::ALL),
                      kscan::convert_measurements<T, memory>(series[b].y));
  const int threads = Exec().concurrency();
  const std::vector<ScanOptions> scans = {{ScanAlgorithm::blocked, 0},
                                          {ScanAlgorithm::ladner_fischer, 0},
                                          {ScanAlgorithm::hillis_steele, 0},
                                          {ScanAlgorithm::sengupta, 2}};
  for (Method method : kscan::test::all_methods()) {
    for (const ScanOptions& scan : scans) {
      if (!kscan::is_parallel(method) && scan.algorithm != ScanAlgorithm::blocked) continue;
      Batch solver({method, scan}, model, y);
      solver.run();
      solver.run();  // twice: the second run reuses the workspace and overwrites everything
      const auto mean = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.mean());
      const auto cov =
          Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.covariance());
      const auto loglik =
          Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.log_likelihood());
      ASSERT_EQ(mean.extent(0), std::size_t(batch));
      ASSERT_EQ(cov.extent(3), std::size_t(4));
      // a batch of at least as many series as workers scans each series sequentially
      const ScanOptions single =
          scan.algorithm == ScanAlgorithm::blocked && kscan::row_threads(scan, batch, threads) == 1
              ? ScanOptions{ScanAlgorithm::sequential, 0}
              : scan;
      for (int b = 0; b < batch; ++b) {
        const auto e = kscan::test::solve<Exec, T>(p.model, series[b], method, single);
        const auto m = Kokkos::subview(mean, b, Kokkos::ALL, Kokkos::ALL);
        const auto c = Kokkos::subview(cov, b, Kokkos::ALL, Kokkos::ALL, Kokkos::ALL);
        const std::string label = kscan::method_name(method) + "/" + kscan::scan_name(scan) +
                                  " B=" + std::to_string(batch) + " series " + std::to_string(b);
        EXPECT_LE(relative_difference(std::vector<double>(m.data(), m.data() + m.span()), e.mean),
                  1e-12)
            << label << " mean";
        EXPECT_LE(relative_difference(std::vector<double>(c.data(), c.data() + c.span()), e.cov),
                  1e-12)
            << label << " covariance";
        EXPECT_LE(relative_difference(loglik(b), e.loglik), 1e-12) << label << " log-likelihood";
      }
    }
  }
}

TYPED_TEST(Batched, MatchesPerSeriesSolves) {
  check_batch<TypeParam>(5, 37);
  check_batch<TypeParam>(1, 20);
  check_batch<TypeParam>(2, 1);
}

// PKF's filtered estimates are b and C of its prefixes, PRTS's smoothed ones g and L of its
// suffixes: a run holds the elements it scans, the scan's workspace and the log-likelihoods, and
// no copy of the estimates (mean() and covariance() build them when read). In-place scans stay
// within 1.1x of the elements as stored, Hillis-Steele's double buffer within 2.2x.
TYPED_TEST(Batched, ParallelFiltersHoldTheirEstimatesInTheirElements) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  using Batch = kscan::BatchedKalmanSolver<T, Exec>;
  // the element types of the dims the solver dispatches 4 x 2 to
  const auto filter_bytes = kscan::dispatch_dims(
      4, 2, [](auto dims) { return sizeof(kscan::FilterElement<T, decltype(dims)>); });
  const auto smooth_bytes = kscan::dispatch_dims(
      4, 2, [](auto dims) { return sizeof(kscan::SmoothElement<T, decltype(dims)>); });
  const int length = 1000;
  const auto p = kscan::test::random_problem(4, 2, length, 41);
  const auto model = kscan::convert_model<T, typename Exec::memory_space>(p.model);
  const std::vector<std::pair<ScanOptions, double>> bounds = {
      {{ScanAlgorithm::blocked, 0}, 1.1},
      {{ScanAlgorithm::ladner_fischer, 0}, 1.1},
      {{ScanAlgorithm::sequential, 0}, 1.1},
      {{ScanAlgorithm::hillis_steele, 0}, 2.2}};
  for (const int batch : {1, 3}) {
    typename Batch::measurements_type y("test::y", batch, length, 2);
    for (int b = 0; b < batch; ++b)
      Kokkos::deep_copy(Kokkos::subview(y, b, Kokkos::ALL, Kokkos::ALL),
                        kscan::convert_measurements<T, typename Exec::memory_space>(p.series.y));
    for (const auto& [scan, bound] : bounds) {
      for (const Method method : {Method::pkf, Method::prts}) {
        Batch solver({method, scan}, model, y);
        solver.run();  // (scan scratch is allocated by the first run)
        const double elements =
            static_cast<double>(batch) *
            ((length + 1) * filter_bytes + (method == Method::prts ? length * smooth_bytes : 0));
        const auto held = static_cast<double>(solver.allocated_bytes());
        const std::string label = kscan::method_name(method) + "/" + kscan::scan_name(scan) +
                                  " B=" + std::to_string(batch);
        EXPECT_GE(held, elements) << label;
        EXPECT_LE(held, bound * elements) << label;
        // reading builds the estimates: every step of every series, finite
        const auto cov =
            Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.covariance());
        ASSERT_EQ(cov.extent(0), std::size_t(batch)) << label;
        ASSERT_EQ(cov.extent(1), std::size_t(length)) << label;
        EXPECT_GT(cov(batch - 1, length - 1, 0, 0), T(0)) << label;
      }
    }
  }
}

TYPED_TEST(Batched, RejectsAnEmptyBatch) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const auto p = kscan::test::random_problem(4, 2, 3, 5);
  const auto model = kscan::convert_model<T, typename Exec::memory_space>(p.model);
  typename kscan::BatchedKalmanSolver<T, Exec>::measurements_type y("test::y", 0, 3, 2);
  EXPECT_THROW((kscan::BatchedKalmanSolver<T, Exec>({Method::pkf, {}}, model, y)),
               std::invalid_argument);
}

}  // namespace
