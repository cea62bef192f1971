#include "kscan/data/simulate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "kscan/data/impl/random_stream.hpp"

namespace kscan {
namespace {

enum Stream : std::uint64_t { kInitial = 11, kProcess = 12, kMeasurement = 13, kMissing = 14 };

/// Lower Cholesky factor of an n x n positive semi-definite matrix given by `a(i, j)`: a pivot at
/// round-off level gives a zero column (a component without noise, a low-rank covariance); throws
/// when the matrix is indefinite.
template <class A>
std::vector<double> cholesky(int n, A&& a, const char* what) {
  std::vector<double> l(static_cast<size_t>(n) * n, 0.0);
  double largest = 0.0;
  for (int j = 0; j < n; ++j) largest = std::max(largest, a(j, j));
  const double floor = 16.0 * n * std::numeric_limits<double>::epsilon() * largest;
  for (int j = 0; j < n; ++j) {
    double d = a(j, j);
    for (int k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
    if (d < -floor || std::isnan(d))
      throw std::invalid_argument(std::string("simulate: ") + what +
                                  " is not positive semi-definite");
    if (d <= floor) continue;  // column j stays zero
    d = std::sqrt(d);
    l[j * n + j] = d;
    for (int i = j + 1; i < n; ++i) {
      double s = a(i, j);
      for (int k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / d;
    }
  }
  return l;
}

/// out += L z with z standard normal.
void add_correlated_noise(RandomStream& rng, int n, const std::vector<double>& l, double* out) {
  std::vector<double> z(n);
  for (auto& v : z) v = rng.normal();
  for (int i = 0; i < n; ++i)
    for (int k = 0; k <= i; ++k) out[i] += l[i * n + k] * z[k];
}

}  // namespace

HostSeries simulate(const HostModel& m, const SimulationOptions& o) {
  if (o.length < 1) throw std::invalid_argument("simulate: length must be >= 1");
  if (m.time_varying() && m.stored() != o.length)
    throw std::invalid_argument("simulate: time-varying model stores " +
                                std::to_string(m.stored()) + " steps, asked for " +
                                std::to_string(o.length));
  const int nx = m.nx(), ny = m.ny(), T = o.length;
  HostSeries s;
  s.y = decltype(s.y)("kscan::data::y", T, ny);
  s.x_true = decltype(s.x_true)("kscan::data::x_true", T, nx);

  RandomStream initial(o.seed, kInitial), process(o.seed, kProcess),
      measurement(o.seed, kMeasurement), missing(o.seed, kMissing);
  std::vector<double> x(nx), next(nx), y(ny);
  for (int i = 0; i < nx; ++i) x[i] = m.m0(i);
  add_correlated_noise(initial, nx, cholesky(nx, [&](int i, int j) { return m.P0(i, j); }, "P0"),
                       x.data());

  // Each array has 1 or T slots of its own (StateSpaceModel::slot); factors are recomputed only
  // when the slot changes. A predicted initial state is x_1 itself: transition 0 is skipped.
  std::vector<double> lq, lr;
  int q_slot = -1, r_slot = -1;
  for (int t = 0; t < T; ++t) {
    const int sq = HostModel::slot(m.Q, t), sr = HostModel::slot(m.R, t);
    const int sf = HostModel::slot(m.F, t), sc = HostModel::slot(m.c, t);
    const int sh = HostModel::slot(m.H, t), sd = HostModel::slot(m.d, t);
    if (sq != q_slot) lq = cholesky(nx, [&](int i, int j) { return m.Q(sq, i, j); }, "Q");
    if (sr != r_slot) lr = cholesky(ny, [&](int i, int j) { return m.R(sr, i, j); }, "R");
    q_slot = sq;
    r_slot = sr;
    if (t > 0 || !m.initial_is_predicted) {
      for (int i = 0; i < nx; ++i) {
        double v = m.c(sc, i);
        for (int j = 0; j < nx; ++j) v += m.F(sf, i, j) * x[j];
        next[i] = v;
      }
      add_correlated_noise(process, nx, lq, next.data());
      x.swap(next);
    }
    for (int i = 0; i < ny; ++i) {
      double v = m.d(sd, i);
      for (int j = 0; j < nx; ++j) v += m.H(sh, i, j) * x[j];
      y[i] = v;
    }
    add_correlated_noise(measurement, ny, lr, y.data());

    // Missingness is drawn for every step whatever the fractions, so the same seed gives the same
    // measurements with and without missing data.
    const bool row_missing = missing.uniform() < o.missing_rows;
    for (int i = 0; i < nx; ++i) s.x_true(t, i) = x[i];
    for (int i = 0; i < ny; ++i) {
      const bool component_missing = missing.uniform() < o.missing_components;
      s.y(t, i) = (row_missing || component_missing) ? std::numeric_limits<double>::quiet_NaN()
                                                     : y[i];
    }
  }
  return s;
}

}  // namespace kscan
