// Every parallel method in both forms over every scan against the float64 standard sequential
// reference (KF for PKF, RTS for PRTS, TFS for PTFS), at lengths that are not powers of two and at
// length 1; the square-root sequential methods against the same references.
#include <map>

#include "solver_test_support.hpp"
#include "test_types.hpp"

namespace {

using kscan::Method;
using kscan::test::relative_difference;

// Problems and references are shared by the tests of one suite and dropped when it ends: they
// hold Views, which must be released before Kokkos is finalised.
std::map<std::tuple<int, int, int>, kscan::test::Problem>& problems() {
  static std::map<std::tuple<int, int, int>, kscan::test::Problem> cache;
  return cache;
}
std::map<std::tuple<int, int, int, Method>, kscan::test::Estimate>& references() {
  static std::map<std::tuple<int, int, int, Method>, kscan::test::Estimate> cache;
  return cache;
}

template <class C>
class Parity : public ::testing::Test {
 public:
  static void TearDownTestSuite() {
    problems().clear();
    references().clear();
  }
};
TYPED_TEST_SUITE(Parity, kscan::test::SpacesAndPrecisions);

const kscan::test::Problem& problem(int nx, int ny, int length) {
  auto& cache = problems();
  auto key = std::make_tuple(nx, ny, length);
  auto it = cache.find(key);
  if (it == cache.end())
    it = cache.emplace(key, kscan::test::random_problem(nx, ny, length, 1000 + length)).first;
  return it->second;
}

const kscan::test::Estimate& reference(int nx, int ny, int length, Method method) {
  auto& cache = references();
  auto key = std::make_tuple(nx, ny, length, method);
  auto it = cache.find(key);
  if (it == cache.end()) {
    const auto& p = problem(nx, ny, length);
    it = cache.emplace(key, kscan::test::solve<Kokkos::Serial, double>(p.model, p.series, method))
             .first;
  }
  return it->second;
}

template <class Config>
void check_parity(int nx, int ny, int length) {
  using Exec = typename Config::execution_space;
  using T = typename Config::scalar_type;
  // float32 tolerance: measured worst case over these problems is a few 1e-4 relative for the
  // means and covariances (T up to 4097, nx 4); 1e-2 leaves room across compilers and backends.
  const double tol = kscan::test::tolerance<T>(1e-2, 1e-9);
  KSCAN_SKIP_UNLESS_COMPILED(nx, ny);
  for (const auto form : kscan::forms)
  for (Method method : kscan::test::parallel_methods()) {
    const auto& ref = reference(nx, ny, length, kscan::sequential_counterpart(method));
    for (const auto& scan : kscan::test::all_scans()) {
      const auto& p = problem(nx, ny, length);
      const auto e = kscan::test::solve<Exec, T>(p.model, p.series, method, scan, false, form.form);
      const std::string label = kscan::method_name(method) + "/" + kscan::scan_name(scan) + " " +
                                std::string(form.name) + " T=" + std::to_string(length) +
                                " nx=" + std::to_string(nx);
      EXPECT_LT(relative_difference(e.mean, ref.mean), tol) << label << " mean";
      EXPECT_LT(relative_difference(e.cov, ref.cov), tol) << label << " covariance";
      EXPECT_LT(relative_difference(e.loglik, ref.loglik), tol) << label << " log-likelihood";
    }
  }
}

TYPED_TEST(Parity, ShortSeries) {
  for (int length : {1, 2, 3, 17}) check_parity<TypeParam>(4, 2, length);
}

TYPED_TEST(Parity, LongSeries) {
  for (int length : {1000, 4097}) check_parity<TypeParam>(4, 2, length);
}

TYPED_TEST(Parity, GeneralDimensions) {
  for (int length : {3, 1000}) check_parity<TypeParam>(5, 3, length);
}

TYPED_TEST(Parity, SequentialMethodsAgreeAcrossBackends) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const double tol = kscan::test::tolerance<T>(1e-2, 1e-12);
  const auto& p = problem(4, 2, 1000);
  for (const auto form : kscan::forms)
    for (Method method : {Method::kf, Method::rts, Method::tfs}) {
      const auto e = kscan::test::solve<Exec, T>(p.model, p.series, method, {}, false, form.form);
      const auto& ref = reference(4, 2, 1000, method);
      const std::string label = kscan::method_name(method) + " " + std::string(form.name);
      EXPECT_LT(relative_difference(e.mean, ref.mean), tol) << label;
      EXPECT_LT(relative_difference(e.cov, ref.cov), tol) << label << " covariance";
      EXPECT_LT(relative_difference(e.loglik, ref.loglik), tol) << label << " log-likelihood";
    }
  // RTS and TFS are two routes to the same smoother.
  EXPECT_LT(relative_difference(reference(4, 2, 1000, Method::tfs).mean,
                                reference(4, 2, 1000, Method::rts).mean),
            1e-9);
}

}  // namespace
