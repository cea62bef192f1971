// The scan layer's bookkeeping: names, combine counts against an instrumented operator, the
// schedule's step counts, workspace reuse, and the Kokkos operand-order probe.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <kscan/scan/scan.hpp>

#include "scan/scan_test_ops.hpp"
#include "test_types.hpp"

namespace {

using kscan::ScanAlgorithm;
using kscan::ScanDirection;
using kscan::ScanOptions;
using kscan::test::Mat2;

const std::vector<std::int64_t> kLengths = {1, 2, 3, 5, 7, 8, 17, 100, 1000, 1025, 4097};

std::vector<ScanOptions> all_scans() {
  // (sengupta_a, and sengupta_b at h = 1, 2, 3)
  return kscan::test::registered_scans({1, 2, 3});
}

std::string describe(const ScanOptions& options, ScanDirection direction, std::int64_t n) {
  return kscan::scan_name(options) + " (h = " + std::to_string(options.parameter) +
         "), " + (direction == ScanDirection::forward ? "forward" : "reverse") +
         ", n = " + std::to_string(n);
}

TEST(ScanNames, ParseAndNameRoundTrip) {
  const auto& names = kscan::scan_names();
  // every scan of the paper is offered, under one name each (the registry may hold more)
  for (const char* paper : {"hillis_steele", "blelloch", "ladner_fischer", "sengupta_a",
                            "sengupta_b", "kokkos", "blocked", "sequential"})
    EXPECT_EQ(std::count(names.begin(), names.end(), paper), 1) << paper;
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  for (const auto& name : names) {
    const auto options = kscan::parse_scan(name, kscan::test::every_parameter(4));
    ASSERT_TRUE(options.has_value()) << name;
    EXPECT_EQ(kscan::scan_name(*options), name);
  }
  EXPECT_EQ(kscan::parse_scan("sengupta_a", {{"sengupta_threshold", 4}})->parameter, 0);
  EXPECT_EQ(kscan::parse_scan("sengupta_b", {{"sengupta_threshold", 4}})->parameter, 4);
  EXPECT_EQ(kscan::parse_scan("sengupta_b", {{"sengupta_threshold", 4}})->algorithm, ScanAlgorithm::sengupta);
  EXPECT_EQ(kscan::parse_scan("kokkos", {{"sengupta_threshold", 4}})->algorithm, ScanAlgorithm::kokkos);
  EXPECT_FALSE(kscan::parse_scan("bleloch", {{"sengupta_threshold", 4}}).has_value());
  EXPECT_FALSE(kscan::parse_scan("").has_value());
  EXPECT_FALSE(kscan::parse_scan("sengupta_b", {{"sengupta_threshold", -1}}).has_value());
}

TEST(ScanAccounting, ClosedForms) {
  for (const std::int64_t n : kLengths) {
    const int lg = [&] {  // ceil(log2 n)
      int l = 0;
      while ((std::int64_t(1) << l) < n) ++l;
      return l;
    }();
    const int threads = 4;
    EXPECT_EQ(kscan::combine_count({ScanAlgorithm::sequential, 0}, n, threads), n - 1);
    // (Blelloch's combines with the identity, one per down-sweep level and the final pass's
    // first, are copies)
    EXPECT_EQ(kscan::combine_count({ScanAlgorithm::blelloch, 0}, n, threads), 3 * n - 3 - lg);
    // (so a down-sweep level combines only when it has a second parent, n > 3 d)
    int combining_down_levels = 0;
    for (std::int64_t d = 1; d < n; d *= 2) combining_down_levels += n > 3 * d;
    EXPECT_EQ(kscan::parallel_steps({ScanAlgorithm::blelloch, 0}, n, threads),
              n >= 2 ? lg + combining_down_levels + 1 : 0)
        << n;
    EXPECT_EQ(kscan::parallel_steps({ScanAlgorithm::hillis_steele, 0}, n, threads), lg);
    // (the down-sweep below the two-node level only copies, so it is not a combining step)
    EXPECT_EQ(kscan::parallel_steps({ScanAlgorithm::sengupta, 0}, n, threads),
              n >= 2 ? 2 * lg - 1 : 0)
        << n;
    if (n >= 2) {
      int floor_log2_nm1 = 0;
      while ((std::int64_t(2) << floor_log2_nm1) <= n - 1) ++floor_log2_nm1;
      EXPECT_EQ(kscan::combine_count({ScanAlgorithm::ladner_fischer, 0}, n, threads),
                2 * n - 3 - floor_log2_nm1)
          << n;
    }
    if ((n & (n - 1)) == 0 && n >= 4) {  // powers of two: the paper's spans
      EXPECT_EQ(kscan::parallel_steps({ScanAlgorithm::ladner_fischer, 0}, n, threads), 2 * lg - 1);
      std::int64_t hs = 0;
      for (std::int64_t d = 1; d < n; d *= 2) hs += n - d;
      EXPECT_EQ(kscan::combine_count({ScanAlgorithm::hillis_steele, 0}, n, threads), hs);
    }
    // Sengupta with a threshold at least log2 n is plain Hillis-Steele.
    EXPECT_EQ(kscan::combine_count({ScanAlgorithm::sengupta, 13}, n, threads),
              kscan::combine_count({ScanAlgorithm::hillis_steele, 0}, n, threads));
    // blocked on one worker is the sequential loop.
    EXPECT_EQ(kscan::combine_count({ScanAlgorithm::blocked, 0}, n, 1), n - 1);
    // The simulated machine with enough threads pays one combine per step of a tree scan.
    EXPECT_EQ(kscan::simulated_combine_depth({ScanAlgorithm::ladner_fischer, 0}, n, 1, 1 << 20),
              kscan::parallel_steps({ScanAlgorithm::ladner_fischer, 0}, n, 1));
    EXPECT_EQ(kscan::simulated_combine_depth({ScanAlgorithm::sequential, 0}, n, 1, 1 << 20), n - 1);
  }
  // Sengupta B saves steps at the top of the tree: 2 log2 n - h for powers of two (h > 0).
  EXPECT_EQ(kscan::parallel_steps({ScanAlgorithm::sengupta, 0}, 1024, 1), 19);
  EXPECT_EQ(kscan::parallel_steps({ScanAlgorithm::sengupta, 3}, 1024, 1), 17);
  EXPECT_EQ(kscan::parallel_steps({ScanAlgorithm::sengupta, 3}, 8, 1), 3);
  EXPECT_TRUE(kscan::combine_count_is_exact({ScanAlgorithm::blocked, 0}));
  EXPECT_FALSE(kscan::combine_count_is_exact({ScanAlgorithm::kokkos, 0}));
}

// Combines per parallel_for launch, observed through the Kokkos Tools callbacks (launches that
// combine nothing, such as copies, are left out).
struct LaunchRecorder {
  static inline std::vector<std::int64_t> combines_per_launch;
  static inline std::int64_t at_begin = 0;

  template <class CounterView>
  static std::int64_t read(const CounterView& view) {
    Kokkos::fence();
    std::int64_t value = 0;
    Kokkos::deep_copy(value, view);
    return value;
  }
};

template <class Mem>
struct ScopedLaunchRecording {
  static inline Kokkos::View<std::int64_t, Mem> counter;
  explicit ScopedLaunchRecording(const Kokkos::View<std::int64_t, Mem>& c) {
    counter = c;
    LaunchRecorder::combines_per_launch.clear();
    Kokkos::Tools::Experimental::set_begin_parallel_for_callback(
        [](const char*, std::uint32_t, std::uint64_t*) {
          LaunchRecorder::at_begin = LaunchRecorder::read(counter);
        });
    Kokkos::Tools::Experimental::set_end_parallel_for_callback([](std::uint64_t) {
      const std::int64_t done = LaunchRecorder::read(counter) - LaunchRecorder::at_begin;
      if (done > 0) LaunchRecorder::combines_per_launch.push_back(done);
    });
  }
  ~ScopedLaunchRecording() {
    Kokkos::Tools::Experimental::set_begin_parallel_for_callback(nullptr);
    Kokkos::Tools::Experimental::set_end_parallel_for_callback(nullptr);
    counter = {};
  }
  ScopedLaunchRecording(const ScopedLaunchRecording&) = delete;
  ScopedLaunchRecording& operator=(const ScopedLaunchRecording&) = delete;
};

template <class ExecSpace>
class ScanCounts : public ::testing::Test {};
TYPED_TEST_SUITE(ScanCounts, kscan::test::ExecutionSpaces);

// The exact combine count of every algorithm equals an instrumented operator's count, and the
// schedule the operation counts are built from is the one the kernels execute: every launch that
// combines performs exactly the combines of the next step of scan_schedule, in order.
TYPED_TEST(ScanCounts, CombineCountMatchesInstrumentedOperator) {
  using Mem = typename TypeParam::memory_space;
  const TypeParam space;
  const int threads = space.concurrency();
  kscan::test::CountingMat2Product<Mem> op{{}, Kokkos::View<std::int64_t, Mem>("test::counter")};
  kscan::ScanWorkspace<Mat2, Mem> workspace;
  for (const ScanOptions& options : all_scans()) {
    if (options.algorithm == ScanAlgorithm::kokkos && !kscan::kokkos_scan_keeps_order<TypeParam>())
      continue;
    for (const std::int64_t n : kLengths) {
      for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
        Kokkos::View<Mat2*, Mem> data("test::scan::data", n);
        Kokkos::deep_copy(data, Mat2{{1, 2, 3, 4}});
        Kokkos::deep_copy(op.counter, std::int64_t(0));
        std::vector<std::int64_t> launched;
        {
          ScopedLaunchRecording<Mem> recording(op.counter);
          kscan::inclusive_scan(space, options, direction, op, data, workspace);
          space.fence();
          launched.swap(LaunchRecorder::combines_per_launch);
        }
        std::int64_t counted = 0;
        Kokkos::deep_copy(counted, op.counter);
        std::int64_t scheduled = 0;
        std::vector<std::int64_t> scheduled_steps;
        for (const auto& step : kscan::scan_schedule(options, n, threads)) {
          scheduled_steps.push_back(step.combines);
          EXPECT_GT(step.combines, 0);
          EXPECT_GE(step.items, 1);
          EXPECT_GE(step.chain, 1);
          EXPECT_LE(step.chain, step.combines);
          scheduled += step.combines;
        }
        const std::int64_t expected = kscan::combine_count(options, n, threads);
        EXPECT_EQ(scheduled, expected) << describe(options, direction, n);
        if (kscan::combine_count_is_exact(options)) {
          EXPECT_EQ(counted, expected) << describe(options, direction, n);
          EXPECT_EQ(launched, scheduled_steps) << describe(options, direction, n);
        } else {
          // Kokkos may run the functor twice per element plus the joins of worker sums.
          EXPECT_GE(counted, n) << describe(options, direction, n);
          EXPECT_LE(counted, 2 * n + 4 * threads + 64) << describe(options, direction, n);
        }
      }
    }
  }
}

/// Runs the blocked scan on the rows of `data` with `threads` workers, as inclusive_scan_rows
/// does but with a worker count of the test's choosing.
template <class ExecSpace, class Op, class View2>
void blocked_scan_rows(const ExecSpace& space, const Op& op, const View2& data, int threads,
                       ScanDirection direction) {
  const std::int64_t rows = data.extent(0), n = data.extent(1);
  const std::int64_t per_row = kscan::workspace_elements({ScanAlgorithm::blocked, 0}, n, threads);
  Kokkos::View<typename Op::value_type*, typename ExecSpace::memory_space> buffer(
      "test::scan::blocked_buffer", rows * per_row);
  kscan::scan_detail::with_direction(direction, [&](auto d) {
    kscan::scan_detail::batch_scan_rows<decltype(d)::value, kscan::scan_detail::BlockedScan>(
        space, op, data, kscan::scan_detail::StoredRows{}, threads, buffer);
  });
}

// The blocked scan with many workers per row, as on a GPU, where the chunk sums are themselves
// scanned by further blocked levels: exact prefixes, forward and reverse, one and several rows,
// and every launch performs the combines of the next step of scan_schedule.
TYPED_TEST(ScanCounts, BlockedScanWithManyWorkers) {
  using Mem = typename TypeParam::memory_space;
  using Rows = Kokkos::View<Mat2**, Kokkos::LayoutRight, Mem>;
  const TypeParam space;
  const ScanOptions options{ScanAlgorithm::blocked, 0};
  const kscan::test::Mat2Product host_op;
  kscan::test::CountingMat2Product<Mem> op{{}, Kokkos::View<std::int64_t, Mem>("test::counter")};
  for (const int threads : {3, 64, 1000}) {
    for (const std::int64_t n : {1, 17, 100, 1000, 4097, 70001}) {
      for (const std::int64_t rows : {1, 3}) {
        for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
          const std::string what = describe(options, direction, n) + ", " +
                                   std::to_string(threads) + " workers, " +
                                   std::to_string(rows) + " rows";
          Rows data("test::scan::rows", rows, n);
          auto host = Kokkos::create_mirror_view(data);
          std::vector<std::vector<Mat2>> input;
          for (std::int64_t r = 0; r < rows; ++r) {
            input.push_back(kscan::test::random_matrices(n, static_cast<std::uint64_t>(r + 7 * n)));
            for (std::int64_t i = 0; i < n; ++i) host(r, i) = input.back()[std::size_t(i)];
          }
          Kokkos::deep_copy(data, host);
          std::vector<std::int64_t> launched;
          {
            ScopedLaunchRecording<Mem> recording(op.counter);
            blocked_scan_rows(space, op, data, threads, direction);
            space.fence();
            launched.swap(LaunchRecorder::combines_per_launch);
          }
          std::vector<std::int64_t> scheduled;
          for (const auto& step : kscan::scan_schedule(options, n, threads))
            scheduled.push_back(rows * step.combines);
          EXPECT_EQ(launched, scheduled) << what;
          Kokkos::deep_copy(host, data);
          for (std::int64_t r = 0; r < rows; ++r) {
            const auto expected = kscan::test::host_scan(host_op, input[std::size_t(r)], direction);
            for (std::int64_t i = 0; i < n; ++i)
              ASSERT_TRUE(host(r, i) == expected[std::size_t(i)]) << what << ": row " << r
                                                                   << " element " << i;
          }
        }
      }
    }
  }
  // 70001 elements on 1000 workers: 999 chunk sums, scanned through two more levels (123, then
  // 14 sums) rather than in one loop of 999 combines; no step's chain is longer than chunk 0's.
  const auto steps = kscan::scan_schedule(options, 70001, 1000);
  EXPECT_EQ(steps.size(), 9u);
  for (const auto& step : steps) EXPECT_LE(step.chain, steps.front().chain);
}

template <class ExecSpace>
class ScanWorkspaceReuse : public ::testing::Test {};
TYPED_TEST_SUITE(ScanWorkspaceReuse, kscan::test::ExecutionSpaces);

// A second scan of the same (or a shorter) length allocates nothing.
TYPED_TEST(ScanWorkspaceReuse, NoGrowthOnRepeat) {
  using Mem = typename TypeParam::memory_space;
  const TypeParam space;
  const kscan::test::Mat2Product op;
  for (const ScanOptions& options : all_scans()) {
    if (options.algorithm == ScanAlgorithm::kokkos && !kscan::kokkos_scan_keeps_order<TypeParam>())
      continue;
    kscan::ScanWorkspace<Mat2, Mem> workspace;
    const std::int64_t n = 4097;
    Kokkos::View<Mat2*, Mem> data("test::scan::data", n);
    Kokkos::deep_copy(data, Mat2{{1, 2, 3, 4}});
    kscan::inclusive_scan(space, options, ScanDirection::forward, op, data, workspace);
    const std::size_t bytes = workspace.allocated_bytes();
    const std::size_t allocations = workspace.allocations();
    const std::int64_t needed = kscan::workspace_elements(options, n, space.concurrency());
    EXPECT_EQ(bytes, static_cast<std::size_t>(needed) * sizeof(Mat2)) << kscan::scan_name(options);
    EXPECT_EQ(allocations, needed > 0 ? 1u : 0u) << kscan::scan_name(options);
    for (int repeat = 0; repeat < 3; ++repeat) {
      kscan::inclusive_scan(space, options, ScanDirection::forward, op, data, workspace);
      kscan::inclusive_scan(space, options, ScanDirection::reverse, op, data, workspace);
      auto shorter = Kokkos::subview(data, std::make_pair(std::int64_t(0), n / 3));
      kscan::inclusive_scan(space, options, ScanDirection::forward, op, shorter, workspace);
    }
    space.fence();
    EXPECT_EQ(workspace.allocated_bytes(), bytes) << kscan::scan_name(options);
    EXPECT_EQ(workspace.allocations(), allocations) << kscan::scan_name(options);
  }
}

TEST(ScanWorkspaceSizes, AlgorithmsThatNeedNone) {
  for (const std::int64_t n : kLengths) {
    EXPECT_EQ(kscan::workspace_elements({ScanAlgorithm::ladner_fischer, 0}, n, 8), 0);
    EXPECT_EQ(kscan::workspace_elements({ScanAlgorithm::sequential, 0}, n, 8), 0);
    EXPECT_EQ(kscan::workspace_elements({ScanAlgorithm::kokkos, 0}, n, 8), 0);
    EXPECT_EQ(kscan::workspace_elements({ScanAlgorithm::blelloch, 0}, n, 8), n);
    EXPECT_LE(kscan::workspace_elements({ScanAlgorithm::sengupta, 0}, n, 8), n + 64);
    // blocked: the sums of chunks 1 .. w - 1 of w + 1, w = min(8, n / 8) workers when w >= 2
    // (7 sums are too few for a level of their own)
    const std::int64_t workers = std::min<std::int64_t>(8, n / 8);
    EXPECT_EQ(kscan::workspace_elements({ScanAlgorithm::blocked, 0}, n, 8),
              workers >= 2 ? workers - 1 : 0);
    EXPECT_EQ(kscan::workspace_elements({ScanAlgorithm::blocked, 0}, n, 1), 0);
  }
}

/// [i, i] at position i, on ExecSpace's memory (filled in a kernel: lambdas cannot live in a
/// test body on every backend).
template <class ExecSpace>
Kokkos::View<kscan::test::Interval*, typename ExecSpace::memory_space> single_intervals(
    std::int64_t n) {
  Kokkos::View<kscan::test::Interval*, typename ExecSpace::memory_space> data(
      "test::scan::intervals", n);
  Kokkos::parallel_for(
      "test::scan::intervals", Kokkos::RangePolicy<ExecSpace>(0, n),
      KOKKOS_LAMBDA(std::int64_t i) { data(i) = kscan::test::Interval{i, i, false}; });
  return data;
}

template <class ExecSpace>
class ScanPrefixCombine : public ::testing::Test {};
TYPED_TEST_SUITE(ScanPrefixCombine, kscan::test::ExecutionSpaces);

// Every algorithm calls combine_prefix only with a full prefix on the left (forward) and, through
// the reversed operator, combine_suffix only with a full suffix on the right (reverse), exactly
// prefix_combine_count times; the results are still the right blocks.
TYPED_TEST(ScanPrefixCombine, OnlyOnFullPrefixesAndAsCounted) {
  using Mem = typename TypeParam::memory_space;
  using kscan::test::Interval;
  const TypeParam space;
  const int threads = space.concurrency();
  for (const ScanOptions& options : all_scans()) {
    if (options.algorithm == ScanAlgorithm::kokkos && !kscan::kokkos_scan_keeps_order<TypeParam>())
      continue;
    for (const std::int64_t n : kLengths) {
      kscan::test::IntervalConcat<Mem> op{n, Kokkos::View<std::int64_t[2], Mem>("test::used")};
      kscan::ScanWorkspace<Interval, Mem> workspace;
      for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
        const bool forward = direction == ScanDirection::forward;
        const auto data = single_intervals<TypeParam>(n);
        Kokkos::deep_copy(op.used, std::int64_t(0));
        kscan::inclusive_scan(space, options, direction, op, data, workspace);
        space.fence();
        const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), data);
        const auto used = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), op.used);
        int wrong = 0;
        for (std::int64_t i = 0; i < n && wrong < 3; ++i) {
          const Interval expected{forward ? 0 : i, forward ? i : n - 1, false};
          const Interval& got = host(i);
          if (got.lo != expected.lo || got.hi != expected.hi || got.bad) {
            ++wrong;
            ADD_FAILURE() << describe(options, direction, n) << ": element " << i << " is ["
                          << got.lo << ", " << got.hi << "]" << (got.bad ? " (bad)" : "");
          }
        }
        EXPECT_EQ(used(forward ? 0 : 1), kscan::prefix_combine_count(options, n, threads))
            << describe(options, direction, n);
        EXPECT_EQ(used(forward ? 1 : 0), 0) << describe(options, direction, n);
        EXPECT_LE(kscan::prefix_combine_count(options, n, threads),
                  kscan::combine_count(options, n, threads));
      }
    }
  }
}

// The sequential scan and the blocked scan on one worker use nothing but prefix combines.
TEST(ScanPrefixCombineCount, SequentialIsAllPrefix) {
  for (const std::int64_t n : kLengths) {
    EXPECT_EQ(kscan::prefix_combine_count({ScanAlgorithm::sequential, 0}, n, 4), n - 1);
    EXPECT_EQ(kscan::prefix_combine_count({ScanAlgorithm::blocked, 0}, n, 1), n - 1);
    EXPECT_EQ(kscan::prefix_combine_count({ScanAlgorithm::kokkos, 0}, n, 4), 0);
  }
}

template <class ExecSpace>
class ScanKokkosOrder : public ::testing::Test {};
TYPED_TEST_SUITE(ScanKokkosOrder, kscan::test::ExecutionSpaces);

TYPED_TEST(ScanKokkosOrder, ProbeIsCachedAndHostBackendsKeepOrder) {
  const bool first = kscan::kokkos_scan_keeps_order<TypeParam>();
  EXPECT_EQ(kscan::kokkos_scan_keeps_order<TypeParam>(), first);
  bool host_backend = std::is_same<TypeParam, Kokkos::Serial>::value;
#ifdef KOKKOS_ENABLE_OPENMP
  host_backend = host_backend || std::is_same<TypeParam, Kokkos::OpenMP>::value;
#endif
  if (host_backend) {
    EXPECT_TRUE(first) << TypeParam::name();
  } else {
    std::cout << "[ INFO ] Kokkos::parallel_scan keeps operand order on " << TypeParam::name()
              << ": " << (first ? "yes" : "no (the kokkos scan is refused)") << "\n";
  }
}

}  // namespace
