#pragma once
// Independent test oracle: the dense joint Gaussian of (x_0..x_T, y_1..y_T), conditioned on the
// observed components of y. No Kalman recursion is involved: filtered and smoothed marginals and
// the log-likelihood follow from Gaussian conditioning with dense Cholesky solves (host, float64).
#include <cmath>
#include <stdexcept>
#include <vector>

#include <kscan/data/simulate.hpp>
#include <kscan/model/state_space_model.hpp>

namespace kscan::test {

struct OracleResult {
  std::vector<double> filtered_mean, filtered_cov;  // [T, nx], [T, nx, nx]
  std::vector<double> smoothed_mean, smoothed_cov;
  double loglik = 0;
  // x_k given the observations before step k; y_k minus its mean given them, and its covariance
  // (NaN for missing components); log p(y_k | earlier y) (0 when y_k is missing).
  std::vector<double> predicted_mean, predicted_cov;  // [T, nx], [T, nx, nx]
  std::vector<double> innovation, innovation_cov;     // [T, ny], [T, ny, ny]
  std::vector<double> loglik_terms;                   // [T]
};

class DenseMatrix {
 public:
  DenseMatrix(int rows, int cols) : rows_(rows), cols_(cols), a_(size_t(rows) * cols, 0.0) {}
  double& operator()(int i, int j) { return a_[size_t(i) * cols_ + j]; }
  double operator()(int i, int j) const { return a_[size_t(i) * cols_ + j]; }
  int rows() const { return rows_; }
  int cols() const { return cols_; }

 private:
  int rows_, cols_;
  std::vector<double> a_;
};

/// Cholesky factor (lower) of an SPD matrix.
inline DenseMatrix cholesky(const DenseMatrix& s) {
  const int n = s.rows();
  DenseMatrix l(n, n);
  for (int j = 0; j < n; ++j) {
    double d = s(j, j);
    for (int k = 0; k < j; ++k) d -= l(j, k) * l(j, k);
    if (!(d > 0)) throw std::runtime_error("oracle: covariance not positive definite");
    l(j, j) = std::sqrt(d);
    for (int i = j + 1; i < n; ++i) {
      double v = s(i, j);
      for (int k = 0; k < j; ++k) v -= l(i, k) * l(j, k);
      l(i, j) = v / l(j, j);
    }
  }
  return l;
}

/// Solves (L Lᵀ) X = B for every column of B.
inline DenseMatrix cholesky_solve(const DenseMatrix& l, DenseMatrix b) {
  const int n = l.rows();
  for (int c = 0; c < b.cols(); ++c) {
    for (int i = 0; i < n; ++i) {
      double v = b(i, c);
      for (int k = 0; k < i; ++k) v -= l(i, k) * b(k, c);
      b(i, c) = v / l(i, i);
    }
    for (int i = n - 1; i >= 0; --i) {
      double v = b(i, c);
      for (int k = i + 1; k < n; ++k) v -= l(k, i) * b(k, c);
      b(i, c) = v / l(i, i);
    }
  }
  return b;
}

inline OracleResult joint_gaussian_oracle(const HostModel& m, const HostSeries& s) {
  const int nx = m.nx(), ny = m.ny(), T = s.length();
  const int N = (T + 1) * nx;
  // Means and covariance of x_0..x_T.
  std::vector<double> mu(N);
  DenseMatrix sx(N, N);
  for (int r = 0; r < nx; ++r) {
    mu[r] = m.m0(r);
    for (int c = 0; c < nx; ++c) sx(r, c) = m.P0(r, c);
  }
  // Each array has 1 or T slots of its own; a predicted initial state makes x_1 = x_0.
  auto at = [](const auto& array, int i) { return array.extent(0) > 1 ? i : 0; };
  const bool skip_first = m.initial_is_predicted;
  auto F = [&](int i, int r, int k) {
    return skip_first && i == 0 ? double(r == k) : m.F(at(m.F, i), r, k);
  };
  auto Q = [&](int i, int r, int k) { return skip_first && i == 0 ? 0.0 : m.Q(at(m.Q, i), r, k); };
  auto offset = [&](int i, int r) { return skip_first && i == 0 ? 0.0 : m.c(at(m.c, i), r); };
  for (int a = 1; a <= T; ++a) {
    const int i = a - 1, oa = a * nx, op = (a - 1) * nx;
    for (int r = 0; r < nx; ++r) {
      double v = offset(i, r);
      for (int k = 0; k < nx; ++k) v += F(i, r, k) * mu[op + k];
      mu[oa + r] = v;
    }
    for (int b = 0; b < a; ++b)  // Cov(x_a, x_b) = F Cov(x_{a-1}, x_b)
      for (int r = 0; r < nx; ++r)
        for (int c = 0; c < nx; ++c) {
          double v = 0;
          for (int k = 0; k < nx; ++k) v += F(i, r, k) * sx(op + k, b * nx + c);
          sx(oa + r, b * nx + c) = v;
          sx(b * nx + c, oa + r) = v;
        }
    for (int r = 0; r < nx; ++r)  // Var(x_a) = F Cov(x_{a-1}, x_a)ᵀ... = F Var(x_{a-1}) Fᵀ + Q
      for (int c = 0; c < nx; ++c) {
        double v = Q(i, r, c);
        for (int k = 0; k < nx; ++k)
          for (int l = 0; l < nx; ++l) v += F(i, r, k) * sx(op + k, op + l) * F(i, c, l);
        sx(oa + r, oa + c) = v;
      }
  }
  // Observed components: (step k, component r) with their mean and cross-covariances.
  struct Obs { int step, comp; double value; };
  std::vector<Obs> obs;
  for (int k = 1; k <= T; ++k)
    for (int r = 0; r < ny; ++r)
      if (!std::isnan(s.y(k - 1, r))) obs.push_back({k, r, s.y(k - 1, r)});
  auto h = [&](const Obs& o, int col) { return m.H(at(m.H, o.step - 1), o.comp, col); };
  auto cov_y_x = [&](const Obs& o, int xrow) {  // Cov(y_o, z_xrow)
    double v = 0;
    for (int k = 0; k < nx; ++k) v += h(o, k) * sx(o.step * nx + k, xrow);
    return v;
  };

  OracleResult out;
  out.filtered_mean.resize(size_t(T) * nx);
  out.smoothed_mean.resize(size_t(T) * nx);
  out.filtered_cov.resize(size_t(T) * nx * nx);
  out.smoothed_cov.resize(size_t(T) * nx * nx);

  // Condition x_k on the first `count` observations.
  auto condition = [&](int k, size_t count, double* mean, double* cov, double* loglik) {
    const int n = static_cast<int>(count);
    for (int r = 0; r < nx; ++r) {
      mean[r] = mu[k * nx + r];
      for (int c = 0; c < nx; ++c) cov[r * nx + c] = sx(k * nx + r, k * nx + c);
    }
    if (n == 0) {
      if (loglik) *loglik = 0;
      return;
    }
    DenseMatrix syy(n, n), sxy(n, nx), resid(n, 1);
    for (int a = 0; a < n; ++a) {
      const Obs& oa = obs[a];
      const int ia = oa.step - 1;
      double my = m.d(at(m.d, ia), oa.comp);
      for (int c = 0; c < nx; ++c) my += h(oa, c) * mu[oa.step * nx + c];
      resid(a, 0) = oa.value - my;
      for (int b = 0; b < n; ++b) {
        const Obs& ob = obs[b];
        double v = 0;
        for (int c = 0; c < nx; ++c) v += cov_y_x(oa, ob.step * nx + c) * h(ob, c);
        if (oa.step == ob.step) v += m.R(at(m.R, ia), oa.comp, ob.comp);
        syy(a, b) = v;
      }
      for (int c = 0; c < nx; ++c) sxy(a, c) = cov_y_x(oa, k * nx + c);
    }
    const DenseMatrix l = cholesky(syy);
    const DenseMatrix w = cholesky_solve(l, resid);
    const DenseMatrix g = cholesky_solve(l, sxy);
    for (int r = 0; r < nx; ++r) {
      for (int a = 0; a < n; ++a) mean[r] += sxy(a, r) * w(a, 0);
      for (int c = 0; c < nx; ++c)
        for (int a = 0; a < n; ++a) cov[r * nx + c] -= sxy(a, r) * g(a, c);
    }
    if (loglik) {
      double quad = 0, logdet = 0;
      for (int a = 0; a < n; ++a) quad += resid(a, 0) * w(a, 0);
      for (int a = 0; a < n; ++a) logdet += 2 * std::log(l(a, a));
      *loglik = -0.5 * (quad + logdet + n * std::log(2 * M_PI));
    }
  };
  out.predicted_mean.resize(size_t(T) * nx);
  out.predicted_cov.resize(size_t(T) * nx * nx);
  out.innovation.assign(size_t(T) * ny, NAN);
  out.innovation_cov.assign(size_t(T) * ny * ny, NAN);
  out.loglik_terms.resize(T);
  size_t seen = 0;
  double loglik_before = 0;
  for (int k = 1; k <= T; ++k) {
    const size_t before = seen;
    double* pm = &out.predicted_mean[size_t(k - 1) * nx];
    double* pc = &out.predicted_cov[size_t(k - 1) * nx * nx];
    condition(k, before, pm, pc, nullptr);
    // The innovation of the observed components of y_k from the predicted moments.
    const int ih = at(m.H, k - 1), id = at(m.d, k - 1), ir = at(m.R, k - 1);
    for (int r = 0; r < ny; ++r) {
      if (std::isnan(s.y(k - 1, r))) continue;
      double v = s.y(k - 1, r) - m.d(id, r);
      for (int c = 0; c < nx; ++c) v -= m.H(ih, r, c) * pm[c];
      out.innovation[size_t(k - 1) * ny + r] = v;
      for (int q = 0; q < ny; ++q) {
        if (std::isnan(s.y(k - 1, q))) continue;
        double w = m.R(ir, r, q);
        for (int a = 0; a < nx; ++a)
          for (int b = 0; b < nx; ++b) w += m.H(ih, r, a) * pc[a * nx + b] * m.H(ih, q, b);
        out.innovation_cov[(size_t(k - 1) * ny + r) * ny + q] = w;
      }
    }
    while (seen < obs.size() && obs[seen].step <= k) ++seen;
    double loglik_now = 0;
    condition(k, seen, &out.filtered_mean[size_t(k - 1) * nx],
              &out.filtered_cov[size_t(k - 1) * nx * nx], &loglik_now);
    out.loglik_terms[k - 1] = loglik_now - loglik_before;
    loglik_before = loglik_now;
    condition(k, obs.size(), &out.smoothed_mean[size_t(k - 1) * nx],
              &out.smoothed_cov[size_t(k - 1) * nx * nx], k == T ? &out.loglik : nullptr);
  }
  return out;
}

}  // namespace kscan::test
