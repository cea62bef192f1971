// Every scan algorithm, forward and reverse, on lengths from 1 to 4097 (powers of two and ragged),
// on every enabled backend, against a host loop: exactly with 2x2 integer matrix products modulo
// a prime (non-commutative, so any operand swap shows), and within tolerance in float32 with
// affine-map composition.
#include <cmath>
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
using kscan::test::Mat2Product;

const std::vector<std::int64_t> kLengths = {1, 2, 3, 5, 7, 8, 17, 100, 1000, 1025, 4097};

std::string describe(const ScanOptions& options, ScanDirection direction, std::int64_t n) {
  return kscan::scan_name(options) + " (h = " + std::to_string(options.parameter) +
         "), " + (direction == ScanDirection::forward ? "forward" : "reverse") +
         ", n = " + std::to_string(n);
}

/// Copies `input` to ExecSpace's memory, scans it there, and returns the result on the host.
template <class ExecSpace, class Op, class Workspace>
std::vector<typename Op::value_type> device_scan(
    const ScanOptions& options, ScanDirection direction, const Op& op,
    const std::vector<typename Op::value_type>& input, Workspace& workspace) {
  using T = typename Op::value_type;
  const ExecSpace space;
  Kokkos::View<T*, typename ExecSpace::memory_space> data("test::scan::data", input.size());
  auto host = Kokkos::create_mirror_view(data);
  for (std::size_t i = 0; i < input.size(); ++i) host(i) = input[i];
  Kokkos::deep_copy(data, host);
  kscan::inclusive_scan(space, options, direction, op, data, workspace);
  space.fence();
  Kokkos::deep_copy(host, data);
  return std::vector<T>(host.data(), host.data() + input.size());
}

/// Scans random matrices with `options` in both directions at every test length; exact check.
template <class ExecSpace, class Op = Mat2Product>
void check_exact(const ScanOptions& options) {
  const Op op;
  kscan::ScanWorkspace<Mat2, typename ExecSpace::memory_space> workspace;
  for (const std::int64_t n : kLengths) {
    const auto input = kscan::test::random_matrices(n, static_cast<std::uint64_t>(n));
    for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
      const auto expected = kscan::test::host_scan(op, input, direction);
      const auto got = device_scan<ExecSpace>(options, direction, op, input, workspace);
      int mismatches = 0;
      for (std::int64_t i = 0; i < n && mismatches < 3; ++i) {
        const auto k = static_cast<std::size_t>(i);
        if (!(got[k] == expected[k])) {
          ++mismatches;
          ADD_FAILURE() << describe(options, direction, n) << ": element " << i << " differs";
        }
      }
    }
  }
}

template <class ExecSpace>
class ScanExact : public ::testing::Test {};
TYPED_TEST_SUITE(ScanExact, kscan::test::ExecutionSpaces);

TYPED_TEST(ScanExact, OperatorIsNonCommutative) {
  const Mat2Product op;
  const auto x = kscan::test::random_matrices(2, 7);
  EXPECT_FALSE(op.combine(x[0], x[1]) == op.combine(x[1], x[0]));
  EXPECT_TRUE(op.combine(op.identity(), x[0]) == x[0]);
  EXPECT_TRUE(op.combine(x[0], op.identity()) == x[0]);
}

// Every registered scan (sengupta_b also at h = 12, its top level past every length here); the
// kokkos scan where this backend's parallel_scan keeps the operand order (ScanExact.Kokkos).
TYPED_TEST(ScanExact, EveryRegisteredScan) {
  for (const ScanOptions& options : kscan::test::registered_scans({1, 2, 3, 12}))
    if (options.algorithm != ScanAlgorithm::kokkos || kscan::kokkos_scan_keeps_order<TypeParam>())
      check_exact<TypeParam>(options);
}

// The same with an operator that combines in place (accumulate_later; ReverseOperator's
// accumulate_earlier in reverse), which the blocked scan's reductions and team_blocks' chains and
// team scans use instead of combine.
static_assert(kscan::has_accumulate_later<kscan::test::InPlaceMat2Product>::value);
static_assert(
    kscan::has_accumulate_earlier<kscan::ReverseOperator<kscan::test::InPlaceMat2Product>>::value);
TYPED_TEST(ScanExact, EveryRegisteredScanCombiningInPlace) {
  for (const ScanOptions& options : kscan::test::registered_scans({1, 2, 3, 12}))
    if (options.algorithm != ScanAlgorithm::kokkos || kscan::kokkos_scan_keeps_order<TypeParam>())
      check_exact<TypeParam, kscan::test::InPlaceMat2Product>(options);
}

TYPED_TEST(ScanExact, Kokkos) {
  const ScanOptions options{ScanAlgorithm::kokkos, 0};
  if (kscan::kokkos_scan_keeps_order<TypeParam>()) {
    check_exact<TypeParam>(options);
  } else {
    // Refused, with a message that names the scan and the backend.
    kscan::ScanWorkspace<Mat2, typename TypeParam::memory_space> workspace;
    const auto input = kscan::test::random_matrices(10, 1);
    try {
      device_scan<TypeParam>(options, ScanDirection::forward, Mat2Product{}, input, workspace);
      ADD_FAILURE() << "expected ScanRefused";
    } catch (const kscan::ScanRefused& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("kokkos"), std::string::npos) << what;
      EXPECT_NE(what.find(TypeParam::name()), std::string::npos) << what;
    }
  }
}

// A strided view (a column of a 2-D view) works the same as a contiguous one.
TYPED_TEST(ScanExact, StridedView) {
  using Mem = typename TypeParam::memory_space;
  const Mat2Product op;
  const std::int64_t n = 1025;
  const auto input = kscan::test::random_matrices(n, 99);
  kscan::ScanWorkspace<Mat2, Mem> workspace;
  for (const char* name : {"hillis_steele", "blelloch", "ladner_fischer", "sengupta_a",
                           "sengupta_b", "blocked", "sequential"}) {
    const ScanOptions options = *kscan::parse_scan(name, kscan::test::every_parameter(3));
    for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
      Kokkos::View<Mat2**, Kokkos::LayoutRight, Mem> table("test::scan::table", n, 3);
      auto column = Kokkos::subview(table, Kokkos::ALL, 1);
      auto host = Kokkos::create_mirror_view(table);
      for (std::int64_t i = 0; i < n; ++i)
        for (int j = 0; j < 3; ++j) host(i, j) = input[static_cast<std::size_t>(i)];
      Kokkos::deep_copy(table, host);
      const TypeParam space;
      kscan::inclusive_scan(space, options, direction, op, column, workspace);
      space.fence();
      Kokkos::deep_copy(host, table);
      const auto expected = kscan::test::host_scan(op, input, direction);
      for (std::int64_t i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        ASSERT_TRUE(host(i, 1) == expected[k]) << describe(options, direction, n) << " at " << i;
        ASSERT_TRUE(host(i, 0) == input[k] && host(i, 2) == input[k])
            << describe(options, direction, n) << ": neighbouring column touched at " << i;
      }
    }
  }
}

// inclusive_scan_rows: every row of a batch scanned on its own, for batches smaller and larger
// than the number of workers (the blocked scan shares the workers among the rows).
template <class ExecSpace>
class ScanRows : public ::testing::Test {};
TYPED_TEST_SUITE(ScanRows, kscan::test::ExecutionSpaces);

TYPED_TEST(ScanRows, EveryRowOnItsOwn) {
  using Mem = typename TypeParam::memory_space;
  const Mat2Product op;
  kscan::ScanWorkspace<Mat2, Mem> workspace;
  for (const auto& name : kscan::scan_names()) {
    const ScanOptions options = *kscan::parse_scan(name, kscan::test::every_parameter(2));
    if (options.algorithm == ScanAlgorithm::kokkos && !kscan::kokkos_scan_keeps_order<TypeParam>())
      continue;
    for (const std::int64_t rows : {1, 3, 8}) {
      for (const std::int64_t n : {1, 2, 5, 17, 1000}) {
        for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
          Kokkos::View<Mat2**, Kokkos::LayoutRight, Mem> data("test::scan::rows", rows, n);
          auto host = Kokkos::create_mirror_view(data);
          std::vector<std::vector<Mat2>> input;
          for (std::int64_t r = 0; r < rows; ++r) {
            input.push_back(kscan::test::random_matrices(n, static_cast<std::uint64_t>(r * 31 + n)));
            for (std::int64_t i = 0; i < n; ++i) host(r, i) = input.back()[static_cast<std::size_t>(i)];
          }
          Kokkos::deep_copy(data, host);
          const TypeParam space;
          kscan::inclusive_scan_rows(space, options, direction, op, data, workspace);
          space.fence();
          Kokkos::deep_copy(host, data);
          for (std::int64_t r = 0; r < rows; ++r) {
            const auto expected = kscan::test::host_scan(op, input[static_cast<std::size_t>(r)], direction);
            for (std::int64_t i = 0; i < n; ++i)
              ASSERT_TRUE(host(r, i) == expected[static_cast<std::size_t>(i)])
                  << describe(options, direction, n) << ", " << rows << " rows: row " << r
                  << " element " << i;
          }
        }
      }
    }
  }
}

// float32 affine maps: every algorithm within a tolerance of a float64 host loop.
template <class ExecSpace>
class ScanFloat : public ::testing::Test {};
TYPED_TEST_SUITE(ScanFloat, kscan::test::ExecutionSpaces);

TYPED_TEST(ScanFloat, AffineFloat32) {
  using F = kscan::test::Affine<float>;
  using D = kscan::test::Affine<double>;
  const kscan::test::AffineCompose<float> op32;
  const kscan::test::AffineCompose<double> op64;
  kscan::ScanWorkspace<F, typename TypeParam::memory_space> workspace;
  std::vector<ScanOptions> all;
  for (const auto& name : kscan::scan_names()) all.push_back(*kscan::parse_scan(name, kscan::test::every_parameter(2)));
  for (const ScanOptions& options : all) {
    if (options.algorithm == ScanAlgorithm::kokkos && !kscan::kokkos_scan_keeps_order<TypeParam>())
      continue;
    for (const std::int64_t n : kLengths) {
      kscan::test::Lcg rng(static_cast<std::uint64_t>(n) + 5);
      std::vector<F> input(static_cast<std::size_t>(n));
      std::vector<D> input64(input.size());
      for (std::size_t i = 0; i < input.size(); ++i) {
        input[i] = F{float(0.5 + 0.5 * rng.uniform()), float(2.0 * rng.uniform() - 1.0)};
        input64[i] = D{input[i].a, input[i].b};
      }
      for (const ScanDirection direction : {ScanDirection::forward, ScanDirection::reverse}) {
        const auto expected = kscan::test::host_scan(op64, input64, direction);
        const auto got = device_scan<TypeParam>(options, direction, op32, input, workspace);
        double worst = 0;
        for (std::size_t i = 0; i < got.size(); ++i) {
          const double ea = std::abs(got[i].a - expected[i].a) / (1 + std::abs(expected[i].a));
          const double eb = std::abs(got[i].b - expected[i].b) / (1 + std::abs(expected[i].b));
          worst = std::max(worst, std::max(ea, eb));
        }
        EXPECT_LT(worst, 2e-4) << describe(options, direction, n);
      }
    }
  }
}

}  // namespace
