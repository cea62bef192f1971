// Every method in both forms (standard, sqrt) against the dense joint-Gaussian oracle: filtered /
// smoothed means and covariances and the log-likelihood, with and without missing observations.
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
  KSCAN_SKIP_UNLESS_COMPILED(p.model.nx(), p.model.ny());
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
  for (const auto form : kscan::forms)
  for (const auto& [method, scan] : cases) {
    const auto e = kscan::test::solve<Exec, T>(p.model, p.series, method, scan, false, form.form);
    const bool smoother = kscan::is_smoother(method);
    const auto& mean = smoother ? oracle.smoothed_mean : oracle.filtered_mean;
    const auto& cov = smoother ? oracle.smoothed_cov : oracle.filtered_cov;
    const std::string label = what + " " + kscan::method_name(method) + "/" +
                              kscan::scan_name(scan) + " " + std::string(form.name);
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

namespace {

// The filtering pass's per-step quantities of every method (the parallel ones from the scan's
// prefixes) against the oracle's predicted moments, innovations and log-likelihood terms.
template <class Config>
void check_diagnostics(const kscan::test::Problem& p, const std::string& what) {
  KSCAN_SKIP_UNLESS_COMPILED(p.model.nx(), p.model.ny());
  using Exec = typename Config::execution_space;
  using T = typename Config::scalar_type;
  const double tol = kscan::test::tolerance<T>(2e-3, 1e-10);
  const auto oracle = kscan::test::joint_gaussian_oracle(p.model, p.series);
  const std::vector<std::pair<Method, kscan::ScanOptions>> cases = {
      {Method::kf, {}},
      {Method::rts, {}},
      {Method::tfs, {}},
      {Method::pkf, {ScanAlgorithm::blocked, 0}},
      {Method::prts, {ScanAlgorithm::ladner_fischer, 0}},
      {Method::ptfs, {ScanAlgorithm::sengupta, 2}}};
  for (const auto form : kscan::forms)
  for (const auto& [method, scan] : cases) {
    const auto e = kscan::test::solve<Exec, T>(p.model, p.series, method, scan, true, form.form);
    const std::string label = what + " " + kscan::method_name(method) + "/" +
                              kscan::scan_name(scan) + " " + std::string(form.name);
    using kscan::test::relative_difference_nan;
    EXPECT_LT(relative_difference(e.predicted_mean, oracle.predicted_mean), tol) << label;
    EXPECT_LT(relative_difference(e.predicted_cov, oracle.predicted_cov), tol) << label;
    EXPECT_LT(relative_difference_nan(e.innovation, oracle.innovation), tol) << label;
    EXPECT_LT(relative_difference_nan(e.innovation_cov, oracle.innovation_cov), tol) << label;
    EXPECT_LT(relative_difference(e.loglik_terms, oracle.loglik_terms), tol) << label;
    double sum = 0;
    for (const double term : e.loglik_terms) sum += term;
    EXPECT_LT(relative_difference(sum, e.loglik), tol) << label << " terms sum to loglik";
  }
}

// A copy of p's model where only the arrays named in `varying` keep a slot per step; the others
// keep slot 0 (so they are time-invariant), and a series simulated from it.
kscan::test::Problem mixed_slots(const kscan::test::Problem& p, const kscan::ModelSlots& varying,
                                 std::uint64_t seed) {
  const kscan::HostModel& m = p.model;
  kscan::test::Problem out{kscan::HostModel(m.nx(), m.ny(), varying), {}};
  auto copy3 = [](const auto& from, const auto& to) {
    for (size_t s = 0; s < to.extent(0); ++s)
      for (size_t r = 0; r < to.extent(1); ++r)
        for (size_t c = 0; c < to.extent(2); ++c) to(s, r, c) = from(s, r, c);
  };
  auto copy2 = [](const auto& from, const auto& to) {
    for (size_t s = 0; s < to.extent(0); ++s)
      for (size_t r = 0; r < to.extent(1); ++r) to(s, r) = from(s, r);
  };
  copy3(m.F, out.model.F);
  copy3(m.Q, out.model.Q);
  copy3(m.H, out.model.H);
  copy3(m.R, out.model.R);
  copy2(m.c, out.model.c);
  copy2(m.d, out.model.d);
  Kokkos::deep_copy(out.model.m0, m.m0);
  Kokkos::deep_copy(out.model.P0, m.P0);
  kscan::SimulationOptions s;
  s.length = p.series.length();
  s.seed = seed;
  s.missing_components = 0.2;
  out.series = kscan::simulate(out.model, s);
  return out;
}

TYPED_TEST(Oracle, PerStepDiagnostics) {
  for (int length : {1, 9})
    check_diagnostics<TypeParam>(kscan::test::random_problem(4, 2, length, 31 + length),
                                 "nx=4 ny=2 T=" + std::to_string(length));
  check_diagnostics<TypeParam>(kscan::test::random_problem(3, 2, 13, 33, 0.3, 0.3),
                               "missing T=13");
}

TYPED_TEST(Oracle, ArraysVaryInTimeIndependently) {
  const auto base = kscan::test::random_problem(3, 2, 11, 41);
  // observation side varies, transition side fixed; then the other way round
  check_against_oracle<TypeParam>(mixed_slots(base, {1, 1, 1, 11, 11, 11}, 42), "H, d, R vary");
  check_against_oracle<TypeParam>(mixed_slots(base, {11, 1, 11, 1, 1, 1}, 43), "F, Q vary");
  check_diagnostics<TypeParam>(mixed_slots(base, {1, 11, 1, 11, 1, 1}, 44), "c, H vary");
}

TYPED_TEST(Oracle, InitialStateGivenAsFirstPrediction) {
  for (int length : {1, 8}) {
    auto p = kscan::test::random_problem(4, 2, length, 51 + length);
    p.model.initial_is_predicted = true;  // (m0, P0) are x_1's a1, P1
    kscan::SimulationOptions s;
    s.length = length;
    s.seed = 61;
    p.series = kscan::simulate(p.model, s);
    check_against_oracle<TypeParam>(p, "a1/P1 T=" + std::to_string(length));
    check_diagnostics<TypeParam>(p, "a1/P1 T=" + std::to_string(length));
  }
}

}  // namespace
