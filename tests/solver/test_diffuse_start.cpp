// The exact diffuse initialisation against independent references: closed forms for the local
// level and local linear trend models, and an ordinary Kalman filter / RTS smoother started from
// P1 = P* + κ A Aᵀ with large κ in long double, its κ -> ∞ limit taken by Richardson
// extrapolation over κ, 2κ, 4κ (the finite part of diverging moments, the limit of converging
// ones). Nothing here shares code with the module under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <kscan/solver/impl/diffuse_start.hpp>
#include <random>
#include <string>
#include <vector>

#include "solver_test_support.hpp"

namespace {

using kscan::HostModel;
using kscan::test::relative_difference;
using Real = long double;
using MeasurementView = Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>;
const double nan = std::nan("");

template <class V>
int at(const V& v, int i) {
  return v.extent(0) > 1 ? i : 0;
}

MeasurementView measurements(const std::vector<std::vector<double>>& rows) {
  MeasurementView y("y", rows.size(), rows.front().size());
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < rows[i].size(); ++j) y(i, j) = rows[i][j];
  return y;
}

// ---- Reference: large-κ Kalman filter and RTS smoother in long double ----------------------

using RMat = std::vector<std::vector<Real>>;

RMat zeros(int r, int c) { return RMat(r, std::vector<Real>(c, 0)); }

RMat multiply(const RMat& a, const RMat& b) {
  RMat out = zeros(a.size(), b[0].size());
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t k = 0; k < b.size(); ++k)
      for (size_t j = 0; j < b[0].size(); ++j) out[i][j] += a[i][k] * b[k][j];
  return out;
}

RMat transpose(const RMat& a) {
  RMat out = zeros(a[0].size(), a.size());
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a[0].size(); ++j) out[j][i] = a[i][j];
  return out;
}

RMat add(const RMat& a, const RMat& b, Real scale = 1) {
  RMat out = a;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a[0].size(); ++j) out[i][j] += scale * b[i][j];
  return out;
}

/// Gauss-Jordan inverse with partial pivoting, and log |det|.
RMat inverse(RMat a, Real* log_det = nullptr) {
  const int n = a.size();
  RMat inv = zeros(n, n);
  for (int i = 0; i < n; ++i) inv[i][i] = 1;
  Real ld = 0;
  for (int c = 0; c < n; ++c) {
    int p = c;
    for (int i = c + 1; i < n; ++i)
      if (std::fabs(a[i][c]) > std::fabs(a[p][c])) p = i;
    std::swap(a[c], a[p]);
    std::swap(inv[c], inv[p]);
    const Real pivot = a[c][c];
    ld += std::log(std::fabs(pivot));
    for (int j = 0; j < n; ++j) {
      a[c][j] /= pivot;
      inv[c][j] /= pivot;
    }
    for (int i = 0; i < n; ++i) {
      if (i == c) continue;
      const Real f = a[i][c];
      for (int j = 0; j < n; ++j) {
        a[i][j] -= f * a[c][j];
        inv[i][j] -= f * inv[c][j];
      }
    }
  }
  if (log_det) *log_det = ld;
  return inv;
}

RMat block(const kscan::HostModel::matrices& v, int s) {
  RMat out = zeros(v.extent(1), v.extent(2));
  for (size_t i = 0; i < v.extent(1); ++i)
    for (size_t j = 0; j < v.extent(2); ++j) out[i][j] = v(s, i, j);
  return out;
}

RMat column(const kscan::HostModel::vectors& v, int s) {
  RMat out = zeros(v.extent(1), 1);
  for (size_t i = 0; i < v.extent(1); ++i) out[i][0] = v(s, i);
  return out;
}

struct Reference {
  // [T] of per-step moments; smoothed covers x_1..x_T.
  std::vector<RMat> predicted_mean, predicted_cov, filtered_mean, filtered_cov;
  std::vector<RMat> innovation, innovation_cov, smoothed_mean, smoothed_cov;
  std::vector<Real> loglik_terms;
};

/// Ordinary filter with x_1 ~ N(a1, P* + κ A Aᵀ) and no transition 0 (initial is predicted);
/// missing components are dropped from H, d and R, and reported as NaN innovations, like kscan.
Reference large_kappa(const HostModel& m, const MeasurementView& y, const std::vector<double>& A,
                      int r, Real kappa) {
  const int nx = m.nx(), ny = m.ny(), T = y.extent(0);
  Reference ref;
  RMat mean = zeros(nx, 1), cov = zeros(nx, nx);
  for (int i = 0; i < nx; ++i) {
    mean[i][0] = m.m0(i);
    for (int j = 0; j < nx; ++j) {
      cov[i][j] = m.P0(i, j);
      for (int c = 0; c < r; ++c) cov[i][j] += kappa * A[i * r + c] * A[j * r + c];
    }
  }
  for (int k = 0; k < T; ++k) {
    if (k > 0) {
      const RMat F = block(m.F, at(m.F, k));
      mean = add(multiply(F, mean), column(m.c, at(m.c, k)));
      cov = add(multiply(multiply(F, cov), transpose(F)), block(m.Q, at(m.Q, k)));
    }
    ref.predicted_mean.push_back(mean);
    ref.predicted_cov.push_back(cov);
    std::vector<int> seen;
    for (int i = 0; i < ny; ++i)
      if (!std::isnan(y(k, i))) seen.push_back(i);
    const int n = seen.size();
    RMat H = zeros(n, nx), R = zeros(n, n), v = zeros(n, 1);
    const RMat Hf = block(m.H, at(m.H, k)), Rf = block(m.R, at(m.R, k));
    for (int a = 0; a < n; ++a) {
      H[a] = Hf[seen[a]];
      for (int b = 0; b < n; ++b) R[a][b] = Rf[seen[a]][seen[b]];
      v[a][0] = y(k, seen[a]) - m.d(at(m.d, k), seen[a]);
      for (int j = 0; j < nx; ++j) v[a][0] -= H[a][j] * mean[j][0];
    }
    // missing components: NaN, as kscan reports them
    RMat full_v = zeros(ny, 1), full_S = zeros(ny, ny);
    for (auto& row : full_v) std::fill(row.begin(), row.end(), NAN);
    for (auto& row : full_S) std::fill(row.begin(), row.end(), NAN);
    Real term = 0;
    if (n > 0) {
      const RMat PHt = multiply(cov, transpose(H));
      const RMat S = add(multiply(H, PHt), R);
      Real log_det = 0;
      const RMat Si = inverse(S, &log_det);
      const RMat K = multiply(PHt, Si);
      mean = add(mean, multiply(K, v));
      cov = add(cov, multiply(K, transpose(PHt)), -1);
      const Real quad = multiply(transpose(v), multiply(Si, v))[0][0];
      term = -0.5L * (n * std::log(2 * M_PIl) + log_det + quad);
      for (int a = 0; a < n; ++a) {
        full_v[seen[a]][0] = v[a][0];
        for (int b = 0; b < n; ++b) full_S[seen[a]][seen[b]] = S[a][b];
      }
    }
    ref.innovation.push_back(full_v);
    ref.innovation_cov.push_back(full_S);
    ref.filtered_mean.push_back(mean);
    ref.filtered_cov.push_back(cov);
    ref.loglik_terms.push_back(term);
  }
  ref.smoothed_mean = ref.filtered_mean;
  ref.smoothed_cov = ref.filtered_cov;
  for (int k = T - 2; k >= 0; --k) {
    const RMat F = block(m.F, at(m.F, k + 1));
    const RMat J =
        multiply(multiply(ref.filtered_cov[k], transpose(F)), inverse(ref.predicted_cov[k + 1]));
    ref.smoothed_mean[k] =
        add(ref.filtered_mean[k],
            multiply(J, add(ref.smoothed_mean[k + 1], ref.predicted_mean[k + 1], -1)));
    ref.smoothed_cov[k] =
        add(ref.filtered_cov[k],
            multiply(multiply(J, add(ref.smoothed_cov[k + 1], ref.predicted_cov[k + 1], -1)),
                     transpose(J)));
  }
  return ref;
}

/// The filter at κ, 2κ and 4κ. Every moment is a rational function of κ, κ X∞ + X* + X1/κ +
/// O(1/κ²), and −2 X(κ) + 5 X(2κ) − 2 X(4κ) cancels the κ and 1/κ terms. κ stays moderate (1e6)
/// because the filter's rounding error grows like κ² ε: its collapsing covariances are
/// differences of O(κ) numbers, and the smoother inverts O(κ) predictions.
struct LargeKappa {
  Real kappa;
  Reference at[3];
};

LargeKappa large_kappa_limit(const HostModel& m, const MeasurementView& y,
                             const std::vector<double>& A, int r, Real kappa = 1e6L) {
  LargeKappa l{kappa, {}};
  for (int j = 0; j < 3; ++j) l.at[j] = large_kappa(m, y, A, r, kappa * (1 << j));
  return l;
}

Real extrapolate(Real x1, Real x2, Real x4) { return -2 * x1 + 5 * x2 - 2 * x4; }

/// The limit (or finite part) of a per-step moment, flattened row-major over steps [0, count).
std::vector<double> limit(const LargeKappa& l, std::vector<RMat> Reference::*moment, int count) {
  std::vector<double> out;
  const auto &a = l.at[0].*moment, &b = l.at[1].*moment, &c = l.at[2].*moment;
  for (int k = 0; k < count; ++k)
    for (size_t i = 0; i < a[k].size(); ++i)
      for (size_t j = 0; j < a[k][i].size(); ++j)
        out.push_back(double(extrapolate(a[k][i][j], b[k][i][j], c[k][i][j])));
  return out;
}

/// The limit of Σ_{k in [first, last)} term_k(κ) + (rank / 2) log κ.
double loglik_limit(const LargeKappa& l, int first, int last, int rank) {
  Real x[3];
  for (int j = 0; j < 3; ++j) {
    x[j] = 0.5L * rank * std::log(l.kappa * (1 << j));
    for (int k = first; k < last; ++k) x[j] += l.at[j].loglik_terms[k];
  }
  return double(extrapolate(x[0], x[1], x[2]));
}

std::vector<double> slice(const std::vector<double>& v, size_t begin, size_t count) {
  return std::vector<double>(v.begin() + begin, v.begin() + begin + count);
}

// ---- Models ---------------------------------------------------------------------------------

HostModel scalar_model(int stored, double F, double Q, double H, double R, double a1, double P) {
  HostModel m(1, 1, stored);
  for (int s = 0; s < stored; ++s) {
    m.F(s, 0, 0) = F;
    m.Q(s, 0, 0) = Q;
    m.H(s, 0, 0) = H;
    m.R(s, 0, 0) = R;
  }
  m.m0(0) = a1;
  m.P0(0, 0) = P;
  return m;
}

/// Local linear trend: level and slope, the level observed; P* = 0.
HostModel local_linear_trend(double level_var, double slope_var, double noise_var) {
  HostModel m(2, 1, 1);
  m.F(0, 0, 0) = m.F(0, 0, 1) = m.F(0, 1, 1) = 1;
  m.Q(0, 0, 0) = level_var;
  m.Q(0, 1, 1) = slope_var;
  m.H(0, 0, 0) = 1;
  m.R(0, 0, 0) = noise_var;
  return m;
}

/// nx 3, ny 2, every array time-varying (random, fixed seed); components 0 and 2 diffuse.
HostModel random_three_state(int T, std::uint32_t seed) {
  std::mt19937 gen(seed);
  auto u = [&] { return double(gen()) / 4294967296.0 - 0.5; };  // U(-0.5, 0.5), portable
  auto spd = [&](auto& view, int s, int n, double floor) {
    double b[3][3];
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) b[i][j] = u();
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        double v = i == j ? floor : 0;
        for (int l = 0; l < n; ++l) v += b[i][l] * b[j][l];
        view(s, i, j) = v;
      }
  };
  HostModel m(3, 2, T);
  for (int s = 0; s < T; ++s) {
    for (int i = 0; i < 3; ++i) {
      m.c(s, i) = u();
      for (int j = 0; j < 3; ++j) m.F(s, i, j) = (i == j ? 0.9 : 0.0) + 0.4 * u();
    }
    for (int i = 0; i < 2; ++i) {
      m.d(s, i) = u();
      for (int j = 0; j < 3; ++j) m.H(s, i, j) = 2 * u() + (i == j ? 1.0 : 0.0);
    }
    spd(m.Q, s, 3, 0.05);
    spd(m.R, s, 2, 0.2);
  }
  for (int i = 0; i < 3; ++i) m.m0(i) = u();
  HostModel::matrices p0("p0", 1, 3, 3);
  spd(p0, 0, 3, 0.1);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m.P0(i, j) = p0(0, i, j);
  return m;
}

const std::vector<double> diffuse_0_and_2 = {1, 0, 0, 0, 0, 1};  // A: 3 x 2, unit columns

// ---- Tests ----------------------------------------------------------------------------------

TEST(DiffuseStart, LocalLevelClosedForms) {
  // Nile-like values; with P* = 0 the first observation alone fixes the level: x_1 | y_1 ~
  // N(y_1, R), and the first term is −½ log 2π (Koopman's F∞ = 1).
  const double Q = 1469.1, R = 15099, y1 = 1120, y2 = 1160;
  const HostModel m = scalar_model(1, 1, Q, 1, R, 0, 0);
  const auto y = measurements({{y1}, {y2}});
  const auto s = kscan::diffuse_start(m, y, {1.0}, 1);
  ASSERT_EQ(s.steps, 1);
  EXPECT_FALSE(s.reaches_end);
  EXPECT_NEAR(s.prior_mean[0], y1, 1e-9);
  EXPECT_NEAR(s.prior_cov[0], R, 1e-8);
  EXPECT_NEAR(s.loglik, -0.5 * std::log(2 * M_PI), 1e-12);
  ASSERT_EQ(s.loglik_terms.size(), 1u);
  EXPECT_NEAR(s.loglik_terms[0], s.loglik, 1e-12);
  // Predicted x_1: limit mean a1, finite variance P* = 0; innovation y_1 − a1, finite part R.
  EXPECT_NEAR(s.predicted_mean[0], 0, 1e-12);
  EXPECT_NEAR(s.predicted_cov[0], 0, 1e-9);
  EXPECT_NEAR(s.innovation[0], y1, 1e-9);
  EXPECT_NEAR(s.innovation_cov[0], R, 1e-8);
  // Joint of (x_1, x_2) | y_1: x_2 = x_1 + η.
  ASSERT_EQ(s.joint_mean.size(), 2u);
  EXPECT_NEAR(s.joint_mean[1], y1, 1e-9);
  EXPECT_NEAR(s.joint_cov[1], R, 1e-8);
  EXPECT_NEAR(s.joint_cov[3], R + Q, 1e-8);

  // Smoothing x_1 from the smoothed x_2 of the (ordinary) rest: x_2 | y_1, y_2 has gain
  // (R + Q) / (2R + Q); x_1 | y_1, y_2 has gain R / (2R + Q).
  const double k2 = (R + Q) / (2 * R + Q);
  const double next_mean = y1 + k2 * (y2 - y1), next_cov = (1 - k2) * (R + Q);
  double mean = 0, cov = 0;
  kscan::smooth_diffuse_steps(s, &next_mean, &next_cov, &mean, &cov);
  EXPECT_NEAR(mean, y1 + R / (2 * R + Q) * (y2 - y1), 1e-9);
  EXPECT_NEAR(cov, R - R * R / (2 * R + Q), 1e-8);
  EXPECT_THROW(kscan::smooth_diffuse_steps_to_end(s, &mean, &cov), std::invalid_argument);
}

TEST(DiffuseStart, LocalLevelOneObservationReachesTheEnd) {
  const double R = 15099;
  const auto s = kscan::diffuse_start(scalar_model(1, 1, 1469.1, 1, R, 0, 0),
                                      measurements({{1120}}), {1.0}, 1);
  ASSERT_EQ(s.steps, 1);
  EXPECT_TRUE(s.reaches_end);
  ASSERT_EQ(s.joint_mean.size(), 1u);
  double mean = 0, cov = 0;
  kscan::smooth_diffuse_steps_to_end(s, &mean, &cov);
  EXPECT_NEAR(mean, 1120, 1e-9);
  EXPECT_NEAR(cov, R, 1e-8);
  EXPECT_THROW(kscan::smooth_diffuse_steps(s, &mean, &cov, &mean, &cov), std::invalid_argument);
}

TEST(DiffuseStart, LocalLinearTrendMatchesKoopmansTerms) {
  // Both components diffuse, P* = 0: two observations identify level and slope (d = 2), and
  // x_2 | y_1, y_2 is known in closed form: level y_2 − ε_2, slope y_2 − y_1 − ε_2 + ε_1 − ξ + ζ.
  const double level = 0.7, slope = 0.05, noise = 1.3;
  const HostModel m = local_linear_trend(level, slope, noise);
  const auto y = measurements({{1.5}, {2.25}, {2.0}, {3.5}});
  const std::vector<double> A = {1, 0, 0, 1};
  const auto s = kscan::diffuse_start(m, y, A, 2);
  ASSERT_EQ(s.steps, 2);
  EXPECT_NEAR(s.prior_mean[0], 2.25, 1e-10);
  EXPECT_NEAR(s.prior_mean[1], 0.75, 1e-10);
  const std::vector<double> closed = {noise, noise, noise, 2 * noise + level + slope};
  EXPECT_LT(relative_difference(s.prior_cov, closed), 1e-10);
  // Koopman's exact initial filter: F∞ = 1 at both steps, so each term is −½ log 2π.
  ASSERT_EQ(s.loglik_terms.size(), 2u);
  for (int k = 0; k < 2; ++k) EXPECT_NEAR(s.loglik_terms[k], -0.5 * std::log(2 * M_PI), 1e-9);
  EXPECT_NEAR(s.loglik, s.loglik_terms[0] + s.loglik_terms[1], 1e-12);
  // The large-κ limit of each term plus (Δrank/2) log κ, Δrank = 1 at both steps, converges to
  // the module's terms.
  for (int k = 0; k < 2; ++k) {
    double previous = INFINITY;
    for (Real kappa : {1e6L, 1e7L}) {
      const Real t = large_kappa(m, y, A, 2, kappa).loglik_terms[k] + 0.5L * std::log(kappa);
      const double error = std::abs(double(t) - s.loglik_terms[k]);
      EXPECT_LT(error, previous) << "step " << k + 1 << " κ " << double(kappa);
      previous = error;
    }
    EXPECT_LT(previous, 1e-5) << "step " << k + 1;
  }
}

/// Every output of the module against the large-κ filter and smoother.
void check_against_large_kappa(const HostModel& m, const MeasurementView& y, int expected_d,
                               const std::vector<int>& rank_increments, const std::string& what) {
  const int nx = m.nx(), r = 2, T = y.extent(0);
  const auto s = kscan::diffuse_start(m, y, diffuse_0_and_2, r);
  ASSERT_EQ(s.steps, expected_d) << what;
  const int d = s.steps;
  const LargeKappa l = large_kappa_limit(m, y, diffuse_0_and_2, r);
  const double tol = 1e-6;
  auto expect_close = [&](const std::vector<double>& mine, const std::vector<double>& ref,
                          const std::string& name) {
    EXPECT_LT(kscan::test::relative_difference_nan(mine, ref), tol) << what << ": " << name;
  };
  expect_close(s.predicted_mean, limit(l, &Reference::predicted_mean, d), "predicted mean");
  expect_close(s.predicted_cov, limit(l, &Reference::predicted_cov, d), "predicted cov");
  expect_close(s.filtered_mean, limit(l, &Reference::filtered_mean, d), "filtered mean");
  expect_close(s.filtered_cov, limit(l, &Reference::filtered_cov, d), "filtered cov");
  expect_close(s.innovation, limit(l, &Reference::innovation, d), "innovation");
  expect_close(s.innovation_cov, limit(l, &Reference::innovation_cov, d), "innovation cov");
  const auto filtered = limit(l, &Reference::filtered_mean, d);
  const auto filtered_cov = limit(l, &Reference::filtered_cov, d);
  expect_close(s.prior_mean, slice(filtered, (d - 1) * nx, nx), "prior mean");
  expect_close(s.prior_cov, slice(filtered_cov, (d - 1) * nx * nx, nx * nx), "prior cov");

  for (int k = 0; k < d; ++k)
    EXPECT_NEAR(s.loglik_terms[k], loglik_limit(l, k, k + 1, rank_increments[k]), tol)
        << what << ": term " << k + 1;
  EXPECT_NEAR(s.loglik, loglik_limit(l, 0, d, r), tol) << what << ": loglik";

  // Smoothed x_1..x_d given the whole series.
  const auto smoothed = limit(l, &Reference::smoothed_mean, T);
  const auto smoothed_cov = limit(l, &Reference::smoothed_cov, T);
  std::vector<double> mean(d * nx), cov(d * nx * nx);
  if (s.reaches_end) {
    kscan::smooth_diffuse_steps_to_end(s, mean.data(), cov.data());
  } else {
    const auto next = slice(smoothed, d * nx, nx),
               next_cov = slice(smoothed_cov, d * nx * nx, nx * nx);
    kscan::smooth_diffuse_steps(s, next.data(), next_cov.data(), mean.data(), cov.data());
    // The joint's last block is the predicted x_{d+1}, already proper.
    const auto predicted = limit(l, &Reference::predicted_mean, d + 1);
    expect_close(slice(s.joint_mean, d * nx, nx), slice(predicted, d * nx, nx), "joint x_{d+1}");
  }
  expect_close(mean, slice(smoothed, 0, d * nx), "smoothed mean");
  expect_close(cov, slice(smoothed_cov, 0, d * nx * nx), "smoothed cov");
}

TEST(DiffuseStart, AgainstLargeKappaFilterAndSmoother) {
  const int T = 6;
  const HostModel m = random_three_state(T, 7);
  std::vector<std::vector<double>> rows = {{0.3, -1.2}, {1.1, 0.4},  {-0.5, 0.9},
                                           {0.8, 1.7},  {2.0, -0.3}, {1.4, 0.2}};
  check_against_large_kappa(m, measurements(rows), 1, {2}, "fully observed");
  rows[0][1] = nan;  // the first row sees one combination of the two diffuse components
  check_against_large_kappa(m, measurements(rows), 2, {1, 1}, "first row partly missing");
  rows[0][0] = nan;
  rows[1][0] = nan;  // nothing at step 1, one component at step 2
  check_against_large_kappa(m, measurements(rows), 3, {0, 1, 1}, "first row missing");
}

TEST(DiffuseStart, DiffusePeriodCoveringTheSeries) {
  const HostModel m = random_three_state(3, 11);
  const auto y = measurements({{nan, nan}, {nan, 0.4}, {-0.5, nan}});
  check_against_large_kappa(m, y, 3, {0, 1, 1}, "d = T");
  EXPECT_TRUE(kscan::diffuse_start(m, y, diffuse_0_and_2, 2).reaches_end);
}

TEST(DiffuseStart, TheRestIsAnOrdinaryProblemFromThePrior) {
  // Filtering steps d+1..T from the proper prior, transition d first, gives the large-κ filter's
  // limit: the prior carries everything the diffuse period knows.
  const int T = 6;
  const HostModel m = random_three_state(T, 7);
  const auto y =
      measurements({{0.3, nan}, {1.1, 0.4}, {-0.5, 0.9}, {0.8, nan}, {2.0, -0.3}, {1.4, 0.2}});
  const auto s = kscan::diffuse_start(m, y, diffuse_0_and_2, 2);
  ASSERT_EQ(s.steps, 2);
  const int d = s.steps, nx = 3;
  HostModel rest(3, 2, 1);  // one step at a time: prior = x_d | y_1..y_d
  RMat mean = zeros(nx, 1), cov = zeros(nx, nx);
  for (int i = 0; i < nx; ++i) {
    mean[i][0] = s.prior_mean[i];
    for (int j = 0; j < nx; ++j) cov[i][j] = s.prior_cov[i * nx + j];
  }
  Real loglik = s.loglik;
  for (int k = d; k < T; ++k) {  // row k of y sees x_{k+1} = F[k] x_k + ...
    const RMat F = block(m.F, k);
    mean = add(multiply(F, mean), column(m.c, k));
    cov = add(multiply(multiply(F, cov), transpose(F)), block(m.Q, k));
    std::vector<int> seen;
    for (int i = 0; i < 2; ++i)
      if (!std::isnan(y(k, i))) seen.push_back(i);
    const int n = seen.size();
    RMat H = zeros(n, nx), R = zeros(n, n), v = zeros(n, 1);
    for (int a = 0; a < n; ++a) {
      for (int j = 0; j < nx; ++j) H[a][j] = m.H(k, seen[a], j);
      for (int b = 0; b < n; ++b) R[a][b] = m.R(k, seen[a], seen[b]);
      v[a][0] = y(k, seen[a]) - m.d(k, seen[a]) - multiply(RMat{H[a]}, mean)[0][0];
    }
    const RMat PHt = multiply(cov, transpose(H));
    Real log_det = 0;
    const RMat Si = inverse(add(multiply(H, PHt), R), &log_det);
    const RMat K = multiply(PHt, Si);
    mean = add(mean, multiply(K, v));
    cov = add(cov, multiply(K, transpose(PHt)), -1);
    loglik -=
        0.5L * (n * std::log(2 * M_PIl) + log_det + multiply(transpose(v), multiply(Si, v))[0][0]);
  }
  const LargeKappa l = large_kappa_limit(m, y, diffuse_0_and_2, 2);
  const auto filtered = limit(l, &Reference::filtered_mean, T);
  const auto filtered_cov = limit(l, &Reference::filtered_cov, T);
  std::vector<double> last, last_cov;
  for (int i = 0; i < nx; ++i) {
    last.push_back(double(mean[i][0]));
    for (int j = 0; j < nx; ++j) last_cov.push_back(double(cov[i][j]));
  }
  EXPECT_LT(relative_difference(last, slice(filtered, (T - 1) * nx, nx)), 1e-6);
  EXPECT_LT(relative_difference(last_cov, slice(filtered_cov, (T - 1) * nx * nx, nx * nx)), 1e-6);
  EXPECT_NEAR(double(loglik), loglik_limit(l, 0, T, 2), 1e-6);
}

TEST(DiffuseStart, UnidentifiedStateIsRefused) {
  // H never sees the second component, which evolves on its own: δ_2 stays unidentified.
  HostModel m(2, 1, 1);
  m.F(0, 0, 0) = 1;
  m.F(0, 1, 1) = 0.5;
  m.Q(0, 0, 0) = m.Q(0, 1, 1) = 1;
  m.H(0, 0, 0) = 1;
  m.R(0, 0, 0) = 1;
  const std::vector<double> A = {1, 0, 0, 1};
  auto message = [&](const MeasurementView& y, int max_steps) {
    try {
      kscan::diffuse_start(m, y, A, 2, max_steps);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto whole = message(measurements({{1.0}, {2.0}, {1.5}, {0.5}, {1.0}}), 64);
  EXPECT_NE(whole.find("not identified by the first 5 observations"), std::string::npos) << whole;
  EXPECT_NE(whole.find("rank 1 of 2"), std::string::npos) << whole;
  std::vector<std::vector<double>> long_series(100, std::vector<double>{1.0});
  const auto capped = message(measurements(long_series), 10);
  EXPECT_NE(capped.find("not identified by the first 10 observations"), std::string::npos)
      << capped;
  // Missing throughout: nothing is identified either.
  const auto empty = message(measurements({{nan}, {nan}}), 64);
  EXPECT_NE(empty.find("rank 0 of 2"), std::string::npos) << empty;
}

TEST(DiffuseStart, DirectionSeenOnlyThroughRoundingIsRefused) {
  // F's eigenvector (2, -1) is orthogonal to H = (1, 2) and invariant, so δ along it is never
  // seen; in floating point H F^k A is rounding error, not zero, and must not identify δ.
  HostModel m(2, 1, 1);
  m.F(0, 0, 0) = 0.7;
  m.F(0, 0, 1) = 0.2;
  m.F(0, 1, 0) = 0.1;
  m.F(0, 1, 1) = 0.8;
  m.Q(0, 0, 0) = m.Q(0, 1, 1) = m.P0(0, 0) = m.P0(1, 1) = 1;
  m.H(0, 0, 0) = 1;
  m.H(0, 0, 1) = 2;
  m.R(0, 0, 0) = 1;
  const std::vector<double> A = {2 / std::sqrt(5.0), -1 / std::sqrt(5.0)};
  const auto y = measurements({{0.1}, {0.4}, {0.2}, {0.9}, {0.3}, {0.5}, {0.7}, {0.6}});
  try {
    kscan::diffuse_start(m, y, A, 1);
    ADD_FAILURE() << "identified a direction the observations cannot see";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("rank 0 of 1"), std::string::npos) << e.what();
  }
  // Along the other eigenvector (1, 1) it is seen at once.
  EXPECT_EQ(kscan::diffuse_start(m, y, {1 / std::sqrt(2.0), 1 / std::sqrt(2.0)}, 1).steps, 1);
}

}  // namespace
