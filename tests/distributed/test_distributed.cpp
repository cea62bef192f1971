// The distributed layer against one-process references, run by ctest with mpirun -n 1, 2, 3:
// chunked PKF and two-rank PTFS against KalmanSolver's PKF / PTFS on the whole series (float64
// to 1e-9 relative), ragged chunks and series shorter than the rank count; the chunk split; the
// RunResult encoding; the rank placement of Kokkos.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdlib>
#include <numeric>

#include "kscan/distributed/distributed_solvers.hpp"
#include "kscan/distributed/mpi_session.hpp"
#include "kscan/distributed/mpi_support.hpp"
#include "kscan/distributed/run_result_codec.hpp"
#include "kscan/solver/impl/filter_element.hpp"
#include "kscan/solver/impl/flop_count.hpp"
#include "solver_test_support.hpp"

namespace kscan {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

int world_rank() { return mpi::rank(MPI_COMM_WORLD); }
int world_size() { return mpi::size(MPI_COMM_WORLD); }

test::Estimate read(KalmanSolver<double>& solver) {
  // mean() and covariance() are collective: every rank calls them, rank 0 gets the series.
  const auto mean = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.mean());
  const auto cov = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.covariance());
  test::Estimate e;
  e.mean.assign(mean.data(), mean.data() + mean.span());
  e.cov.assign(cov.data(), cov.data() + cov.span());
  e.loglik = solver.log_likelihood();
  return e;
}

/// The distributed method on every rank of `comm`, checked on rank 0 against `method` in one
/// process on the same series; the differences, broadcast so every rank asserts the same.
struct Difference {
  double mean = 0, cov = 0, loglik = 0;
  std::size_t rows = 0;
};

template <class Make>
Difference against_one_process(const test::Problem& p, Method method, ScanOptions scan,
                               Make make) {
  const auto model = convert_model<double, Mem>(p.model);
  const auto y = convert_measurements<double, Mem>(p.series.y);
  KalmanSolver<double> distributed(make(SolverOptions{method, scan}, model, y));
  distributed.run();
  distributed.run();  // a second run reuses the workspace and must give the same
  const auto got = read(distributed);
  Difference d;
  if (world_rank() == 0) {
    const auto want = test::solve<Exec, double>(p.model, p.series, method, scan);
    d.mean = test::relative_difference(got.mean, want.mean);
    d.cov = test::relative_difference(got.cov, want.cov);
    d.loglik = test::relative_difference(got.loglik, want.loglik);
    d.rows = got.mean.size() / static_cast<std::size_t>(p.model.nx());
  }
  MPI_Bcast(&d, sizeof d, MPI_BYTE, 0, MPI_COMM_WORLD);
  return d;
}

DistributedSolver<double> chunked(const SolverOptions& o, const KalmanSolver<double>::model_type& m,
                                  const KalmanSolver<double>::measurements_type& y) {
  return make_chunked_pkf<double>(o, m, y, MPI_COMM_WORLD);
}

TEST(ChunkedPkf, MatchesOneProcessPkfAtRaggedAndShortLengths) {
  // 1 and 2 are shorter than 3 ranks (empty chunks); 5, 17, 1000 do not divide by 2 or 3.
  for (const int length : {1, 2, 3, 5, 17, 1000}) {
    for (const auto scan : {ScanOptions{ScanAlgorithm::blocked, 0},
                            ScanOptions{ScanAlgorithm::ladner_fischer, 0},
                            ScanOptions{ScanAlgorithm::sequential, 0}}) {
      const auto p = test::random_problem(4, 2, length, 11 + length);
      const auto d = against_one_process(p, Method::pkf, scan, chunked);
      SCOPED_TRACE("T=" + std::to_string(length) + " scan=" + scan_name(scan) +
                   " ranks=" + std::to_string(world_size()));
      EXPECT_EQ(d.rows, static_cast<std::size_t>(length));
      EXPECT_LT(d.mean, 1e-9);
      EXPECT_LT(d.cov, 1e-9);
      EXPECT_LT(d.loglik, 1e-9);
    }
  }
}

TEST(ChunkedPkf, MatchesOneProcessWithRunTimeDimsAndMissingData) {
  // DynamicDims (nx = 3, ny = 2) sends the run-time dims through the MPI user operator.
  const auto p = test::random_problem(3, 2, 257, 5, /*missing_rows=*/0.2,
                                      /*missing_components=*/0.1);
  const auto d = against_one_process(p, Method::pkf, {}, chunked);
  EXPECT_LT(d.mean, 1e-9);
  EXPECT_LT(d.cov, 1e-9);
  EXPECT_LT(d.loglik, 1e-9);
}

TEST(ChunkedPkf, MemoryAndFlopsAreTotalsOverTheRanks) {
  const int length = 100;
  const auto p = test::random_problem(2, 1, length, 3);
  const auto model = convert_model<double, Mem>(p.model);
  const auto y = convert_measurements<double, Mem>(p.series.y);
  const SolverOptions options{Method::pkf, {ScanAlgorithm::sequential, 0}};  // no workspace
  KalmanSolver<double> solver(chunked(options, model, y));
  solver.run();
  // Over the ranks: the T + 1 prefixes (a_0 on rank 0), which hold the filtered estimates, and
  // each rank's log-likelihood. The element is that of the dims the solver dispatches 2 x 1 to
  // (FixedDims<2, 1> where the build compiles that size, the general path otherwise).
  const std::size_t element_bytes =
      dispatch_dims(2, 1, [](auto dims) { return sizeof(FilterElement<double, decltype(dims)>); });
  EXPECT_EQ(solver.allocated_bytes(),
            (length + 1) * element_bytes + world_size() * sizeof(double));
  // One process combines T times; every rank after the first adds one combine per step it
  // holds (the carry) and one in the exchange, and scans one element fewer.
  KalmanSolver<double> one(options, model, y);
  double extra = 0;
  for (int r = 1; r < world_size(); ++r) {
    const auto c = mpi::chunk_of(length, world_size(), r);
    extra += c.size() > 0 ? static_cast<double>(c.size()) : 1.0;
  }
  EXPECT_NEAR(solver.flops(), one.flops() + extra * flops::filter_combine(2), 1e-6 * one.flops());
}

TEST(TwoRankPtfs, MatchesOneProcessPtfs) {
  if (world_size() != 2) GTEST_SKIP() << "needs 2 ranks";
  for (const int length : {1, 2, 3, 17, 1000}) {
    const auto p = test::random_problem(4, 2, length, 21 + length, 0.1);
    const auto d = against_one_process(
        p, Method::ptfs, {ScanAlgorithm::ladner_fischer, 0},
        [](const SolverOptions& o, const auto& m, const auto& y) {
          return make_two_rank_ptfs<double>(o, m, y, MPI_COMM_WORLD);
        });
    SCOPED_TRACE("T=" + std::to_string(length));
    EXPECT_EQ(d.rows, static_cast<std::size_t>(length));
    EXPECT_LT(d.mean, 1e-9);
    EXPECT_LT(d.cov, 1e-9);
    EXPECT_LT(d.loglik, 1e-9);
  }
}

TEST(TwoRankPtfs, FlopsAreTheOneProcessPtfsPlusTheSecondRanksElements) {
  if (world_size() != 2) GTEST_SKIP() << "needs 2 ranks";
  const int length = 100;
  const auto p = test::random_problem(2, 1, length, 5);
  const auto model = convert_model<double, Mem>(p.model);
  const auto y = convert_measurements<double, Mem>(p.series.y);
  const SolverOptions options{Method::ptfs, {ScanAlgorithm::ladner_fischer, 0}};
  KalmanSolver<double> solver(make_two_rank_ptfs<double>(options, model, y, MPI_COMM_WORLD));
  const KalmanSolver<double> one(options, model, y);
  EXPECT_NEAR(solver.flops(), one.flops() + length * flops::filter_element(2, 1),
              1e-9 * one.flops());
}

TEST(TwoRankPtfs, RefusesAnotherRankCount) {
  if (world_size() == 2) GTEST_SKIP() << "needs a rank count other than 2";
  const auto p = test::random_problem(2, 1, 8, 1);
  const auto model = convert_model<double, Mem>(p.model);
  const auto y = convert_measurements<double, Mem>(p.series.y);
  EXPECT_THROW(make_two_rank_ptfs<double>(SolverOptions{Method::ptfs, {}}, model, y,
                                          MPI_COMM_WORLD),
               std::invalid_argument);
}

TEST(Chunks, CoverTheSeriesInRankOrderWithSizesWithinOne) {
  for (const long long length : {0LL, 1LL, 2LL, 5LL, 7LL, 1000LL})
    for (const int ranks : {1, 2, 3, 4, 7}) {
      long long next = 0, smallest = length, largest = 0;
      for (int r = 0; r < ranks; ++r) {
        const auto c = mpi::chunk_of(length, ranks, r);
        EXPECT_EQ(c.begin, next);
        next = c.end;
        smallest = std::min(smallest, c.size());
        largest = std::max(largest, c.size());
      }
      EXPECT_EQ(next, length);
      EXPECT_LE(largest - smallest, 1);
    }
  EXPECT_EQ(mpi::chunk_of(7, 3, 0).size(), 3);  // the first ranks take the remainder
  EXPECT_EQ(mpi::chunk_of(7, 3, 2).size(), 2);
  EXPECT_EQ(mpi::chunk_of(2, 3, 2).size(), 0);
}

TEST(RunResultCodec, RoundTripsEveryField) {
  RunResult r;
  r.key = {"ptfs", "sengupta_b", "float32", 4097, 3, "T4097"};
  r.key.form = "sqrt";
  r.threads_or_device = "OpenMP x7";
  r.total_seconds = {1.5, 2.5};
  for (int p = 0; p < phase_count; ++p) r.phase_seconds[p] = {0.1 * p, 0.2 * p};
  RunMetrics& in = r.metrics;
  in.median_seconds = 1;
  in.min_seconds = 2;
  in.mean_seconds = 3;
  in.throughput_msps = 4;
  in.flops = 5;
  in.achieved_gflops = 6;
  in.mfu = 0.25;
  in.flops_span = 1.5e9;
  in.simulated_threads = 15000;
  in.peak_memory_bytes = 123456789;
  in.rmse_vs_truth = 7;
  in.max_abs_diff_vs_reference = 8;
  in.max_rel_diff_mean_vs_reference = 8.25;
  in.max_rel_diff_cov_vs_reference = 8.5;
  in.rel_diff_loglik_vs_reference = 8.75;
  in.loglik = -9;
  in.finite = false;
  r.has_estimates = true;
  r.nx = 2;
  r.mean = {1, 2, 3, 4};
  r.covariance = {1, 0, 0, 1, 2, 0, 0, 2};
  const RunResult back = decode_run_result(encode_run_result(r));
  EXPECT_EQ(back.key.id(), r.key.id());
  EXPECT_EQ(back.key.dataset, "T4097");
  EXPECT_EQ(back.key.form, "sqrt");
  EXPECT_EQ(back.threads_or_device, r.threads_or_device);
  EXPECT_EQ(back.total_seconds, r.total_seconds);
  for (int p = 0; p < phase_count; ++p) EXPECT_EQ(back.phase_seconds[p], r.phase_seconds[p]);
  const RunMetrics& m = back.metrics;
  EXPECT_EQ(m.median_seconds, 1);
  EXPECT_EQ(m.min_seconds, 2);
  EXPECT_EQ(m.mean_seconds, 3);
  EXPECT_EQ(m.throughput_msps, 4);
  EXPECT_EQ(m.flops, 5);
  EXPECT_EQ(m.achieved_gflops, 6);
  ASSERT_TRUE(m.mfu.has_value());
  EXPECT_EQ(*m.mfu, 0.25);
  ASSERT_TRUE(m.flops_span.has_value());
  EXPECT_EQ(*m.flops_span, 1.5e9);
  ASSERT_TRUE(m.simulated_threads.has_value());
  EXPECT_EQ(*m.simulated_threads, 15000);
  EXPECT_EQ(m.peak_memory_bytes, 123456789);
  EXPECT_EQ(m.rmse_vs_truth, 7);
  EXPECT_EQ(m.max_abs_diff_vs_reference, 8);
  EXPECT_EQ(m.max_rel_diff_mean_vs_reference, 8.25);
  EXPECT_EQ(m.max_rel_diff_cov_vs_reference, 8.5);
  EXPECT_EQ(m.rel_diff_loglik_vs_reference, 8.75);
  EXPECT_EQ(m.loglik, -9);
  EXPECT_FALSE(m.finite);
  EXPECT_TRUE(back.has_estimates);
  EXPECT_EQ(back.nx, 2);
  EXPECT_EQ(back.mean, r.mean);
  EXPECT_EQ(back.covariance, r.covariance);

  r.metrics.mfu.reset();
  r.metrics.flops_span.reset();
  const RunMetrics absent = decode_run_result(encode_run_result(r)).metrics;
  EXPECT_FALSE(absent.mfu.has_value());
  EXPECT_FALSE(absent.flops_span.has_value());
  EXPECT_TRUE(absent.simulated_threads.has_value());
  auto bytes = encode_run_result(r);
  bytes.pop_back();
  EXPECT_THROW(decode_run_result(bytes), std::runtime_error);
}

TEST(RankPlacement, SharesTheHostCoresOrKeepsTheUsersChoice) {
  constexpr bool on_device =
      !Kokkos::SpaceAccessibility<Kokkos::HostSpace, Exec::memory_space>::accessible;
  if (on_device) GTEST_SKIP() << "host backend test";
  const char* saved = std::getenv("OMP_NUM_THREADS");
  const std::string saved_value = saved ? saved : "";
  unsetenv("OMP_NUM_THREADS");
  auto threads = [](const std::vector<std::string>& args) {
    EXPECT_EQ(args.size(), 1u);
    return args.empty() ? -1 : std::stoi(args[0].substr(args[0].find('=') + 1));
  };
  EXPECT_EQ(threads(rank_placement_arguments({}, 1, 4, 16, 16)), 4);   // unbound: a quarter
  EXPECT_EQ(threads(rank_placement_arguments({}, 0, 3, 16, 16)), 5);
  EXPECT_EQ(threads(rank_placement_arguments({}, 0, 32, 16, 16)), 1);  // never zero
  EXPECT_EQ(threads(rank_placement_arguments({}, 0, 2, 2, 16)), 2);    // bound by the launcher
  EXPECT_TRUE(rank_placement_arguments({"--kokkos-threads=3"}, 0, 2, 16, 16).empty());
  EXPECT_TRUE(rank_placement_arguments({"--kokkos-num-threads=3"}, 0, 2, 16, 16).empty());
  setenv("OMP_NUM_THREADS", "1", 1);
  EXPECT_TRUE(rank_placement_arguments({}, 0, 2, 16, 16).empty());
  if (saved) setenv("OMP_NUM_THREADS", saved_value.c_str(), 1);
  else unsetenv("OMP_NUM_THREADS");
}

}  // namespace
}  // namespace kscan
