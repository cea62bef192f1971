// Scans whose elements come from a source (built on the fly) and the two-way scan: exact
// against host loops with 2x2 integer matrix products, on every enabled backend, every
// algorithm, forward and reverse, ragged lengths and length 1; the blocked scan also with worker
// counts of the test's choosing (several chunks per row, deeper levels of chunk sums).
#include <string>
#include <vector>

#include <kscan/scan/scan.hpp>
#include <kscan/scan/impl/two_way_scan.hpp>

#include "scan/scan_test_ops.hpp"
#include "test_types.hpp"

namespace {

using kscan::ScanAlgorithm;
using kscan::ScanDirection;
using kscan::ScanOptions;
using kscan::test::HashedMatrices;
using kscan::test::Interval;
using kscan::test::Mat2;
using kscan::test::Mat2Product;

template <class ExecSpace>
using Rows = Kokkos::View<Mat2**, Kokkos::LayoutRight, typename ExecSpace::memory_space>;

const std::vector<std::int64_t> kLengths = {1, 2, 3, 17, 100, 1025};

std::string describe(const ScanOptions& options, ScanDirection direction, std::int64_t rows,
                     std::int64_t n) {
  return kscan::scan_name(options) + (direction == ScanDirection::forward ? " forward" : " reverse") +
         ", " + std::to_string(rows) + " rows of " + std::to_string(n);
}

std::vector<ScanOptions> usable_scans(bool kokkos_allowed) {
  std::vector<ScanOptions> out;
  for (const auto& name : kscan::scan_names()) {
    const ScanOptions options = *kscan::parse_scan(name, kscan::test::every_parameter(2));
    if (options.algorithm != ScanAlgorithm::kokkos || kokkos_allowed) out.push_back(options);
  }
  return out;
}

/// Expects data (on the device) to hold, row by row, the host scan of source's elements.
template <class ExecSpace>
void expect_scanned(const Rows<ExecSpace>& data, const HashedMatrices& source,
                    ScanDirection direction, const std::string& what) {
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), data);
  const std::int64_t rows = data.extent(0), n = data.extent(1);
  for (std::int64_t r = 0; r < rows; ++r) {
    std::vector<Mat2> input(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) input[std::size_t(i)] = source(r, i);
    const auto expected = kscan::test::host_scan(Mat2Product{}, input, direction);
    for (std::int64_t i = 0; i < n; ++i)
      ASSERT_TRUE(host(r, i) == expected[std::size_t(i)]) << what << ": row " << r << " element " << i;
  }
}

template <class ExecSpace>
class ElementSources : public ::testing::Test {};
TYPED_TEST_SUITE(ElementSources, kscan::test::ExecutionSpaces);

// inclusive_scan_rows from a source equals the scan of the stored elements (the blocked scan
// builds them in its passes, the others store them first).
TYPED_TEST(ElementSources, ScanFromASource) {
  const TypeParam space;
  kscan::ScanWorkspace<Mat2, typename TypeParam::memory_space> workspace;
  for (const ScanOptions& options : usable_scans(kscan::kokkos_scan_keeps_order<TypeParam>()))
    for (const std::int64_t rows : {1, 3})
      for (const std::int64_t n : kLengths)
        for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
          const HashedMatrices source{static_cast<std::uint64_t>(n * 7 + rows)};
          Rows<TypeParam> data("test::scan::from_source", rows, n);
          kscan::inclusive_scan_rows(space, options, direction, Mat2Product{}, source, data,
                                     workspace);
          space.fence();
          expect_scanned<TypeParam>(data, source, direction, describe(options, direction, rows, n));
        }
}

// The blocked scan building its elements with many workers per row: several chunks (the reduced
// ones store their elements for the rescan, the first and last never do) and chunk sums that
// recurse through further blocked levels.
TYPED_TEST(ElementSources, BlockedScanBuildsWithManyWorkers) {
  const TypeParam space;
  using Buffer = Kokkos::View<Mat2*, typename TypeParam::memory_space>;
  const HashedMatrices source{11};
  for (const int threads : {1, 2, 3, 64, 1000})
    for (const std::int64_t n : {1, 16, 17, 100, 4097, 70001})
      for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
        const std::int64_t rows = 2;
        Rows<TypeParam> data("test::scan::built", rows, n);
        const Buffer buffer("test::scan::built_buffer",
                            rows * kscan::workspace_elements({ScanAlgorithm::blocked, 0}, n, threads));
        kscan::scan_detail::with_direction(direction, [&](auto d) {
          kscan::scan_detail::batch_scan_rows<decltype(d)::value, kscan::scan_detail::BlockedScan>(
              space, Mat2Product{}, data, source, threads, buffer);
        });
        space.fence();
        expect_scanned<TypeParam>(data, source, direction,
                                  describe({ScanAlgorithm::blocked, 0}, direction, rows, n) +
                                      ", " + std::to_string(threads) + " workers");
      }
}

/// Rows of source's elements on the device.
template <class ExecSpace>
Rows<ExecSpace> stored(const HashedMatrices& source, std::int64_t rows, std::int64_t n) {
  Rows<ExecSpace> data("test::scan::stored", rows, n);
  auto host = Kokkos::create_mirror_view(data);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t i = 0; i < n; ++i) host(r, i) = source(r, i);
  Kokkos::deep_copy(data, host);
  return data;
}

// The two-way scan: forward prefixes and reverse suffixes of the same elements, as each scan on
// its own would give them.
TYPED_TEST(ElementSources, BothWaysEqualsEachWayAlone) {
  const TypeParam space;
  kscan::ScanWorkspace<Mat2, typename TypeParam::memory_space> workspace;
  for (const ScanOptions& options : usable_scans(kscan::kokkos_scan_keeps_order<TypeParam>()))
    for (const std::int64_t rows : {1, 3})
      for (const std::int64_t n : kLengths) {
        const HashedMatrices source{static_cast<std::uint64_t>(n + 100 * rows)};
        const auto forward = stored<TypeParam>(source, rows, n);
        const auto backward = stored<TypeParam>(source, rows, n);
        kscan::inclusive_scan_rows_both_ways(space, options, Mat2Product{}, Mat2Product{}, forward,
                                             backward, workspace);
        space.fence();
        expect_scanned<TypeParam>(forward, source, ScanDirection::forward,
                                  describe(options, ScanDirection::forward, rows, n) + " (two-way)");
        expect_scanned<TypeParam>(backward, source, ScanDirection::reverse,
                                  describe(options, ScanDirection::reverse, rows, n) + " (two-way)");
      }
}

// In the joint blocked scan each direction uses its own cheaper combine exactly where its operand
// is a full prefix (forward) or suffix (reverse): IntervalConcat marks any other use, and any
// block that is not a concatenation of neighbours.
TYPED_TEST(ElementSources, BothWaysKeepsPrefixAndSuffixClaims) {
  using Mem = typename TypeParam::memory_space;
  using Intervals = Kokkos::View<Interval**, Kokkos::LayoutRight, Mem>;
  using Buffer = Kokkos::View<Interval*, Mem>;
  using Op = kscan::test::IntervalConcat<Mem>;
  namespace sd = kscan::scan_detail;
  const TypeParam space;
  for (const int threads : {1, 2, 3, 64})
    for (const std::int64_t n : {1, 2, 17, 100, 4097}) {
      const std::int64_t rows = 2;
      const Op op{n, Kokkos::View<std::int64_t[2], Mem>("test::used")};
      Intervals forward("test::scan::forward", rows, n), backward("test::scan::backward", rows, n);
      auto host = Kokkos::create_mirror_view(forward);
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t i = 0; i < n; ++i) host(r, i) = Interval{i, i, false};
      Kokkos::deep_copy(forward, host);
      Kokkos::deep_copy(backward, host);
      const Buffer buffer("test::scan::buffer",
                          2 * rows * kscan::workspace_elements({ScanAlgorithm::blocked, 0}, n, threads));
      sd::blocked_scan(space,
                       sd::TwoWayBatch<Op, Op, Intervals>{{op, op, rows}, forward, backward, n - 1, 2 * rows},
                       n, threads, buffer);
      space.fence();
      const auto f = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), forward);
      const auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), backward);
      const auto used = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), op.used);
      const std::string what = std::to_string(rows) + " rows of " + std::to_string(n) + ", " +
                               std::to_string(threads) + " workers";
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t i = 0; i < n; ++i) {
          ASSERT_TRUE(f(r, i).lo == 0 && f(r, i).hi == i && !f(r, i).bad)
              << what << ": forward row " << r << " element " << i;
          ASSERT_TRUE(b(r, i).lo == i && b(r, i).hi == n - 1 && !b(r, i).bad)
              << what << ": backward row " << r << " element " << i;
        }
      const std::int64_t cheap = kscan::prefix_combine_count({ScanAlgorithm::blocked, 0}, n, threads);
      EXPECT_EQ(used(0), rows * cheap) << what << ": forward prefix combines";
      EXPECT_EQ(used(1), rows * cheap) << what << ": backward suffix combines";
    }
}

}  // namespace
