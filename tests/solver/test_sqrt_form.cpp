// The square-root forms where they matter: singular measurement noise (an exactly observed
// component, a rank-deficient R = X Xᵀ), which every square-root method handles exactly, and
// float32 on an awkward model, where every square-root covariance stays positive semi-definite.
#include <kscan/model/generators.hpp>

#include "joint_gaussian_oracle.hpp"
#include "solver_test_support.hpp"
#include "test_types.hpp"

namespace {

using kscan::Form;
using kscan::Method;
using kscan::ScanAlgorithm;
using kscan::test::relative_difference;

template <class C>
class SqrtForm : public ::testing::Test {};
TYPED_TEST_SUITE(SqrtForm, kscan::test::SpacesAndPrecisions);

const std::vector<std::pair<Method, kscan::ScanOptions>>& every_method() {
  static const std::vector<std::pair<Method, kscan::ScanOptions>> cases = {
      {Method::kf, {}},
      {Method::rts, {}},
      {Method::tfs, {}},
      {Method::pkf, {ScanAlgorithm::ladner_fischer, 0}},
      {Method::pkf, {ScanAlgorithm::blocked, 0}},
      {Method::prts, {ScanAlgorithm::blelloch, 0}},
      {Method::prts, {ScanAlgorithm::blocked, 0}},
      {Method::ptfs, {ScanAlgorithm::hillis_steele, 0}},
      {Method::ptfs, {ScanAlgorithm::sengupta, 2}}};
  return cases;
}

/// The random model with every R slot replaced by `r` (ny = 2), and a series simulated from it.
kscan::test::Problem with_measurement_noise(double r00, double r01, double r11, int length,
                                            std::uint64_t seed) {
  auto p = kscan::test::random_problem(4, 2, length, seed);
  for (size_t s = 0; s < p.model.R.extent(0); ++s) {
    p.model.R(s, 0, 0) = r00;
    p.model.R(s, 0, 1) = p.model.R(s, 1, 0) = r01;
    p.model.R(s, 1, 1) = r11;
  }
  kscan::SimulationOptions o;
  o.length = length;
  o.seed = seed + 1;
  o.missing_components = 0.1;
  p.series = kscan::simulate(p.model, o);
  return p;
}

template <class Config>
void check_singular_noise(const kscan::test::Problem& p, const std::string& what) {
  using Exec = typename Config::execution_space;
  using T = typename Config::scalar_type;
  const double tol = kscan::test::tolerance<T>(5e-3, 1e-9);
  const auto oracle = kscan::test::joint_gaussian_oracle(p.model, p.series);
  for (const auto& [method, scan] : every_method()) {
    const auto e = kscan::test::solve<Exec, T>(p.model, p.series, method, scan, false, Form::sqrt);
    const bool smoother = kscan::is_smoother(method);
    const std::string label = what + " sqrt " + kscan::method_name(method) + "/" +
                              kscan::scan_name(scan);
    EXPECT_LT(relative_difference(e.mean, smoother ? oracle.smoothed_mean : oracle.filtered_mean),
              tol) << label << " mean";
    EXPECT_LT(relative_difference(e.cov, smoother ? oracle.smoothed_cov : oracle.filtered_cov), tol)
        << label << " covariance";
    EXPECT_LT(relative_difference(e.loglik, oracle.loglik), tol) << label << " log-likelihood";
  }
}

TYPED_TEST(SqrtForm, ExactlyObservedComponent) {
  for (int length : {1, 12})
    check_singular_noise<TypeParam>(with_measurement_noise(0, 0, 0.5, length, 70 + length),
                                    "R = diag(0, 0.5) T=" + std::to_string(length));
}

TYPED_TEST(SqrtForm, RankDeficientMeasurementNoise) {
  check_singular_noise<TypeParam>(with_measurement_noise(1, 1, 1, 15, 80), "R = [[1,1],[1,1]]");
}

// A prior with variances of very different sizes (a vague level beside a known slope): the
// semi-definite factor keeps the small ones in float32 too.
TYPED_TEST(SqrtForm, PriorVariancesOfDifferentScales) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  auto p = kscan::test::random_problem(4, 2, 9, 95);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) p.model.P0(r, c) = r == c ? (r == 0 ? 1e7 : 1.0) : 0.0;
  const auto oracle = kscan::test::joint_gaussian_oracle(p.model, p.series);
  const double tol = kscan::test::tolerance<T>(5e-3, 1e-9);
  for (const auto& [method, scan] : every_method()) {
    const auto e = kscan::test::solve<Exec, T>(p.model, p.series, method, scan, false, Form::sqrt);
    const bool smoother = kscan::is_smoother(method);
    const std::string label = "sqrt " + kscan::method_name(method) + "/" + kscan::scan_name(scan);
    EXPECT_LT(relative_difference(e.cov, smoother ? oracle.smoothed_cov : oracle.filtered_cov), tol)
        << label;
    EXPECT_LT(relative_difference(e.loglik, oracle.loglik), tol) << label;
  }
}

/// Smallest eigenvalue's sign test of a symmetric matrix: its float64 Cholesky with a pivot floor
/// at round-off of the largest diagonal succeeds.
bool positive_semidefinite(const double* a, int n) {
  std::vector<double> l(a, a + n * n);
  double largest = 0;
  for (int i = 0; i < n; ++i) largest = std::max(largest, l[i * n + i]);
  for (int j = 0; j < n; ++j) {
    double d = l[j * n + j];
    for (int k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
    if (d < -1e-6 * largest) return false;
    d = std::sqrt(std::max(d, 1e-300));
    l[j * n + j] = d;
    for (int i = j + 1; i < n; ++i) {
      double s = l[i * n + j];
      for (int k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / d;
    }
  }
  return true;
}

// Issue 14's awkward model (constant velocity, dt 0.01, noises 1e-3): positions grow to
// hundreds while covariances are ~1e-6. Every square-root covariance is positive semi-definite,
// and the estimates stay close to float64's.
TYPED_TEST(SqrtForm, AwkwardModelStaysPositiveDefinite) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  kscan::TrackingModelOptions o;
  o.dt = 0.01;
  o.process_noise = 1e-3;
  o.measurement_std = 1e-3;
  kscan::test::Problem p{kscan::make_tracking_model(o), {}};
  kscan::SimulationOptions s;
  s.length = 3001;
  s.seed = 90;
  p.series = kscan::simulate(p.model, s);
  const auto reference = kscan::test::solve<Kokkos::Serial, double>(p.model, p.series, Method::rts);
  // measured worst: 1.8e-5 (float32, sqrt TFS), 2.4e-14 (float64); the standard form's 9e-6
  const double tol = kscan::test::tolerance<T>(2e-4, 1e-12);
  for (const auto& [method, scan] : every_method()) {
    if (!kscan::is_smoother(method)) continue;
    const auto e = kscan::test::solve<Exec, T>(p.model, p.series, method, scan, false, Form::sqrt);
    const std::string label = "sqrt " + kscan::method_name(method) + "/" + kscan::scan_name(scan);
    int indefinite = 0;
    for (int i = 0; i < s.length; ++i) indefinite += !positive_semidefinite(&e.cov[i * 16], 4);
    EXPECT_EQ(indefinite, 0) << label;
    EXPECT_LT(relative_difference(e.mean, reference.mean), tol) << label << " mean";
    EXPECT_LT(relative_difference(e.cov, reference.cov), tol) << label << " covariance";
  }
}

}  // namespace
