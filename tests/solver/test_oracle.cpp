// Every method against the dense joint-Gaussian oracle: filtered / smoothed means and
// covariances and the log-likelihood, with and without missing observations.
#include <kscan/core/dims.hpp>

#include "joint_gaussian_oracle.hpp"
#include "solver_test_support.hpp"
#include "test_types.hpp"

namespace {

using kscan::Method;
using kscan::ScanAlgorithm;
using kscan::test::relative_difference;

template <class C>
class Oracle : public ::testing::Test {};
TYPED_TEST_SUITE(Oracle, kscan::test::SpacesAndPrecisions);

template <class Config>
void check_against_oracle(const kscan::test::Problem& p, const std::string& what) {
  using Exec = typename Config::execution_space;
  using T = typename Config::scalar_type;
  // float64: exact to round-off. float32: the random model's covariances span a few orders of
  // magnitude, so about 1e-3 relative is what single precision gives.
  const double tol = kscan::test::tolerance<T>(2e-3, 1e-10);
  const auto oracle = kscan::test::joint_gaussian_oracle(p.model, p.series);
  const std::vector<std::pair<Method, kscan::ScanOptions>> cases = {
      {Method::kf, {}},
      {Method::rts, {}},
      {Method::tfs, {}},
      {Method::pkf, {ScanAlgorithm::ladner_fischer, 0}},
      {Method::pkf, {ScanAlgorithm::blocked, 0}},
      {Method::prts, {ScanAlgorithm::blelloch, 0}},
      {Method::prts, {ScanAlgorithm::sengupta, 1}},
      {Method::ptfs, {ScanAlgorithm::hillis_steele, 0}},
      {Method::ptfs, {ScanAlgorithm::blocked, 0}}};
  for (const auto& [method, scan] : cases) {
    const auto e = kscan::test::solve<Exec, T>(p.model, p.series, method, scan);
    const bool smoother = kscan::is_smoother(method);
    const auto& mean = smoother ? oracle.smoothed_mean : oracle.filtered_mean;
    const auto& cov = smoother ? oracle.smoothed_cov : oracle.filtered_cov;
    const std::string label = what + " " + kscan::method_name(method) + "/" + kscan::scan_name(scan);
    EXPECT_LT(relative_difference(e.mean, mean), tol) << label << " mean";
    EXPECT_LT(relative_difference(e.cov, cov), tol) << label << " covariance";
    EXPECT_LT(relative_difference(e.loglik, oracle.loglik), tol) << label << " log-likelihood";
  }
}

TYPED_TEST(Oracle, PaperDimensions) {
  for (int length : {1, 2, 7, 20})
    check_against_oracle<TypeParam>(kscan::test::random_problem(4, 2, length, 11 + length),
                                    "nx=4 ny=2 T=" + std::to_string(length));
}

TYPED_TEST(Oracle, OtherFixedAndGeneralDimensions) {
  check_against_oracle<TypeParam>(kscan::test::random_problem(2, 1, 13, 5), "nx=2 ny=1 T=13");
  check_against_oracle<TypeParam>(kscan::test::random_problem(3, 2, 11, 6), "nx=3 ny=2 T=11");
  check_against_oracle<TypeParam>(kscan::test::random_problem(1, 3, 9, 7), "nx=1 ny=3 T=9");
  check_against_oracle<TypeParam>(kscan::test::random_problem(6, 3, 8, 9), "nx=6 ny=3 T=8");
  // above 8: the build's largest general capacity (DynamicDims<max_dimension>)
  if constexpr (kscan::max_dimension >= 10)
    check_against_oracle<TypeParam>(kscan::test::random_problem(10, 3, 7, 8), "nx=10 ny=3 T=7");
}

TYPED_TEST(Oracle, MissingRowsAndComponents) {
  // 30% whole rows missing and 30% single components: exercises both maskings.
  check_against_oracle<TypeParam>(kscan::test::random_problem(4, 2, 20, 21, 0.3, 0.3),
                                  "missing T=20");
  // Everything missing: estimates are the prior propagated, log-likelihood 0.
  check_against_oracle<TypeParam>(kscan::test::random_problem(3, 2, 6, 22, 1.0, 0.0),
                                  "all missing T=6");
}

}  // namespace
