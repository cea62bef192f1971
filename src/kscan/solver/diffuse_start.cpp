// Exact diffuse initialisation: the augmented form (de Jong 1991) collapsed at the first step d
// that identifies δ, equal to Koopman's (1997) exact initial Kalman filter (Durbin & Koopman
// 2012, §5.7 and §7.2). See diffuse_start.hpp for the model and the conventions.
//
// Everything here is plain Gaussian conditioning. Given δ, Z = (states) and Y = (observed
// components) are jointly Gaussian with means μ + M δ and δ-free covariances. Y is whitened with
// the Cholesky factor L of Σ_YY, one observation at a time; since L is lower triangular, the first
// n whitened rows are those of the first n observations alone, so conditioning on y_1..y_k for
// any k is a sum over a prefix of the rows. With the flat prior on δ the posterior follows from
// S = M_Yᵀ Σ_YY⁻¹ M_Y and s = M_Yᵀ Σ_YY⁻¹ (Y − μ_Y); before δ is identified S is singular and
// its pseudo-inverse gives the κ -> ∞ limit of the mean and the finite part of the covariance
// ((S + I/κ)⁻¹ = S⁺ + κ P_null + O(1/κ), and s lies in the range of S).
#include "kscan/solver/impl/diffuse_start.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace kscan {
namespace {

/// Relative to what the observations would say about δ if no term of M_Y = H F..F A cancelled:
/// amplitudes below 1e-12 of that are taken for rounding error.
constexpr double diffuse_rounding_floor = 1e-24;

template <class V>
int slot(const V& v, int i) {
  return v.extent(0) > 1 ? i : 0;
}

/// Row-major dense matrix.
struct Matrix {
  int rows = 0, cols = 0;
  std::vector<double> a;
  Matrix() = default;
  Matrix(int r, int c) : rows(r), cols(c), a(size_t(r) * c, 0.0) {}
  double& operator()(int i, int j) { return a[size_t(i) * cols + j]; }
  double operator()(int i, int j) const { return a[size_t(i) * cols + j]; }
};

/// Moments of the states x_1..x_blocks given δ: mean + loading δ, covariance cov.
struct StatePrior {
  int nx = 0;
  std::vector<double> mean;  // [blocks nx]
  Matrix loading;            // [blocks nx, r]
  Matrix cov;                // [blocks nx, blocks nx]
  // The loading computed with |F| and |A|: the size of the terms each loading entry sums, so
  // that a loading made only of rounding error can be told from a small genuine one.
  Matrix loading_bound;  // [blocks nx, r]
};

StatePrior state_prior(const HostModel& m, const std::vector<double>& A, int r, int blocks) {
  const int nx = m.nx(), n = blocks * nx;
  StatePrior p{nx, std::vector<double>(n), Matrix(n, r), Matrix(n, n), Matrix(n, r)};
  for (int i = 0; i < nx; ++i) {
    p.mean[i] = m.m0(i);
    for (int j = 0; j < r; ++j) {
      p.loading(i, j) = A[size_t(i) * r + j];
      p.loading_bound(i, j) = std::abs(A[size_t(i) * r + j]);
    }
    for (int j = 0; j < nx; ++j) p.cov(i, j) = m.P0(i, j);
  }
  // Block k holds x_{k+1}, reached from x_k through transition k.
  for (int k = 1; k < blocks; ++k) {
    const int f = slot(m.F, k), c = slot(m.c, k), q = slot(m.Q, k);
    const int o = k * nx, op = (k - 1) * nx;
    auto F = [&](int i, int j) { return m.F(f, i, j); };
    for (int i = 0; i < nx; ++i) {
      double v = m.c(c, i);
      for (int j = 0; j < nx; ++j) v += F(i, j) * p.mean[op + j];
      p.mean[o + i] = v;
      for (int col = 0; col < r; ++col) {
        double w = 0, bound = 0;
        for (int j = 0; j < nx; ++j) {
          w += F(i, j) * p.loading(op + j, col);
          bound += std::abs(F(i, j)) * p.loading_bound(op + j, col);
        }
        p.loading(o + i, col) = w;
        p.loading_bound(o + i, col) = bound;
      }
    }
    // Cov(x_{k+1}, x_j) = F Cov(x_k, x_j) for every earlier state, x_k included.
    for (int i = 0; i < nx; ++i)
      for (int col = 0; col < o; ++col) {
        double v = 0;
        for (int j = 0; j < nx; ++j) v += F(i, j) * p.cov(op + j, col);
        p.cov(o + i, col) = v;
        p.cov(col, o + i) = v;
      }
    // Var(x_{k+1}) = (F Var(x_k)) Fᵀ + Q, with F Var(x_k) just stored in the block row.
    for (int i = 0; i < nx; ++i)
      for (int j = 0; j <= i; ++j) {
        double v = m.Q(q, i, j);
        for (int l = 0; l < nx; ++l) v += p.cov(o + i, op + l) * F(j, l);
        p.cov(o + i, o + j) = v;
        p.cov(o + j, o + i) = v;
      }
  }
  return p;
}

struct Observation {
  int step;  // 1-based: row step-1 of y, seeing x_step
  int comp;
  double value;
};

using MeasurementView = Kokkos::View<const double**, Kokkos::LayoutRight, Kokkos::HostSpace>;

std::vector<Observation> observations(const MeasurementView& y, int steps) {
  std::vector<Observation> out;
  for (int k = 1; k <= steps; ++k)
    for (int j = 0; j < int(y.extent(1)); ++j)
      if (!std::isnan(y(k - 1, j))) out.push_back({k, j, y(k - 1, j)});
  return out;
}

/// The observations whitened by L (Σ_YY = L Lᵀ), together with whitened cross-covariances with
/// the first `nz` state coordinates. Grown one observation at a time, so that the search for d
/// stops at d and never factors observations beyond it.
class WhitenedObservations {
 public:
  WhitenedObservations(const HostModel& m, const StatePrior& prior, int nz)
      : m_(m), prior_(prior), nz_(nz) {}

  int size() const { return int(obs_.size()); }

  void add(const Observation& o) {
    const int nx = prior_.nx, a = size(), r = prior_.loading.cols;
    const std::vector<double> h = observation_row(o);
    // Raw moments of y_o: its covariance with earlier observations and with the states.
    std::vector<double> cov_with_states(prior_.cov.cols, 0.0);
    for (int col = 0; col < prior_.cov.cols; ++col)
      for (int j = 0; j < nx; ++j)
        cov_with_states[col] += h[j] * prior_.cov((o.step - 1) * nx + j, col);
    std::vector<double> row(a + 1, 0.0);
    for (int b = 0; b <= a; ++b) {
      const Observation& ob = b < a ? obs_[b] : o;
      const std::vector<double>& hb = b < a ? rows_[b] : h;
      for (int j = 0; j < nx; ++j) row[b] += cov_with_states[(ob.step - 1) * nx + j] * hb[j];
      if (ob.step == o.step) row[b] += m_.R(slot(m_.R, o.step - 1), o.comp, ob.comp);
    }
    double residual = o.value - m_.d(slot(m_.d, o.step - 1), o.comp);
    std::vector<double> loading(r, 0.0), bound(r, 0.0);
    for (int j = 0; j < nx; ++j) {
      residual -= h[j] * prior_.mean[(o.step - 1) * nx + j];
      for (int c = 0; c < r; ++c) {
        loading[c] += h[j] * prior_.loading((o.step - 1) * nx + j, c);
        bound[c] += std::abs(h[j]) * prior_.loading_bound((o.step - 1) * nx + j, c);
      }
    }
    double scale = 0;  // the information y_o alone would carry with every loading at its bound
    for (int c = 0; c < r; ++c) scale += bound[c] * bound[c] / row[a];
    cov_with_states.resize(nz_);

    // Row a of L, then row a of L⁻¹ applied to each column.
    for (int b = 0; b < a; ++b) {
      double v = row[b];
      for (int j = 0; j < b; ++j) v -= row[j] * chol_[b][j];
      row[b] = v / chol_[b][b];
    }
    double pivot = row[a];
    for (int j = 0; j < a; ++j) pivot -= row[j] * row[j];
    if (!(pivot > 0))
      throw std::runtime_error(
          "kscan::diffuse_start: the covariance of the observations is not positive definite at "
          "step " +
          std::to_string(o.step) + " (component " + std::to_string(o.comp) + ")");
    row[a] = std::sqrt(pivot);
    auto whiten = [&](double v, auto&& earlier) {
      for (int b = 0; b < a; ++b) v -= row[b] * earlier(b);
      return v / row[a];
    };
    residual = whiten(residual, [&](int b) { return residual_[b]; });
    for (int c = 0; c < r; ++c)
      loading[c] = whiten(loading[c], [&](int b) { return loading_[b][c]; });
    for (int c = 0; c < nz_; ++c)
      cov_with_states[c] = whiten(cov_with_states[c], [&](int b) { return cross_[b][c]; });

    obs_.push_back(o);
    rows_.push_back(h);
    chol_.push_back(std::move(row));
    residual_.push_back(residual);
    scale_.push_back(scale);
    loading_.push_back(std::move(loading));
    cross_.push_back(std::move(cov_with_states));
  }

  double residual(int a) const { return residual_[a]; }
  double loading(int a, int c) const { return loading_[a][c]; }
  double cross(int a, int col) const { return cross_[a][col]; }
  double log_pivot(int a) const { return std::log(chol_[a][a]); }
  double scale(int a) const { return scale_[a]; }

 private:
  std::vector<double> observation_row(const Observation& o) const {
    std::vector<double> h(prior_.nx);
    for (int j = 0; j < prior_.nx; ++j) h[j] = m_.H(slot(m_.H, o.step - 1), o.comp, j);
    return h;
  }

  const HostModel& m_;
  const StatePrior& prior_;
  int nz_;
  std::vector<Observation> obs_;
  std::vector<std::vector<double>> rows_, chol_, loading_, cross_;
  std::vector<double> residual_, scale_;
};

/// Cyclic Jacobi: a = V diag(values) Vᵀ.
void symmetric_eigen(Matrix a, std::vector<double>& values, Matrix& vectors) {
  const int n = a.rows;
  vectors = Matrix(n, n);
  for (int i = 0; i < n; ++i) vectors(i, i) = 1;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (int p = 0; p < n; ++p) {
      diag += a(p, p) * a(p, p);
      for (int q = p + 1; q < n; ++q) off += a(p, q) * a(p, q);
    }
    if (off <= 1e-32 * diag || off == 0) break;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) {
        if (a(p, q) == 0) continue;
        const double theta = (a(q, q) - a(p, p)) / (2 * a(p, q));
        const double t =
            (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        auto rotate_columns = [&](Matrix& x) {
          for (int k = 0; k < n; ++k) {
            const double xp = x(k, p), xq = x(k, q);
            x(k, p) = c * xp - s * xq;
            x(k, q) = s * xp + c * xq;
          }
        };
        rotate_columns(a);
        for (int k = 0; k < n; ++k) {
          const double ap = a(p, k), aq = a(q, k);
          a(p, k) = c * ap - s * aq;
          a(q, k) = s * ap + c * aq;
        }
        rotate_columns(vectors);
      }
  }
  values.resize(n);
  for (int i = 0; i < n; ++i) values[i] = a(i, i);
}

/// Moore-Penrose inverse of a symmetric positive semi-definite matrix, with its rank and the log
/// of its pseudo-determinant (the product of the eigenvalues counted as nonzero).
struct PseudoInverse {
  Matrix inverse;
  int rank = 0;
  double log_determinant = 0;
};

/// Eigenvalues up to max(diffuse_rank_tolerance λ_max, floor) count as zero.
PseudoInverse pseudo_inverse(const Matrix& s, double floor) {
  std::vector<double> values;
  Matrix vectors;
  symmetric_eigen(s, values, vectors);
  const double largest = values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
  PseudoInverse out;
  out.inverse = Matrix(s.rows, s.rows);
  for (int e = 0; e < s.rows; ++e) {
    if (!(values[e] > std::max(diffuse_rank_tolerance * largest, floor))) continue;
    ++out.rank;
    out.log_determinant += std::log(values[e]);
    for (int i = 0; i < s.rows; ++i)
      for (int j = 0; j < s.rows; ++j)
        out.inverse(i, j) += vectors(i, e) * vectors(j, e) / values[e];
  }
  return out;
}

/// What the first n observations say about δ, with the δ-free part of their log-density.
struct Information {
  int n = 0;
  Matrix S;                                   // M_Yᵀ Σ_YY⁻¹ M_Y
  std::vector<double> s;                      // M_Yᵀ Σ_YY⁻¹ (Y − μ_Y)
  double quadratic = 0, log_determinant = 0;  // of Σ_YY
  PseudoInverse S_inverse;

  /// The limit of log p_κ(y) + (rank S / 2) log κ.
  double loglik() const {
    double fit = 0;
    for (int i = 0; i < S.rows; ++i)
      for (int j = 0; j < S.rows; ++j) fit += s[i] * S_inverse.inverse(i, j) * s[j];
    return -0.5 * (quadratic + log_determinant + n * std::log(2 * M_PI)) + 0.5 * fit -
           0.5 * S_inverse.log_determinant;
  }
};

Information information(const WhitenedObservations& w, int n, int r) {
  Information info;
  info.n = n;
  info.S = Matrix(r, r);
  info.s.assign(r, 0.0);
  for (int a = 0; a < n; ++a) {
    info.quadratic += w.residual(a) * w.residual(a);
    info.log_determinant += 2 * w.log_pivot(a);
    for (int i = 0; i < r; ++i) {
      info.s[i] += w.loading(a, i) * w.residual(a);
      for (int j = 0; j < r; ++j) info.S(i, j) += w.loading(a, i) * w.loading(a, j);
    }
  }
  // A direction of δ that no observation sees can still get an eigenvalue of rounding size,
  // about (1e-16)^2 of the scale; a genuinely seen one is far above this floor.
  double scale = 0;
  for (int a = 0; a < n; ++a) scale += w.scale(a);
  info.S_inverse = pseudo_inverse(info.S, diffuse_rounding_floor * scale);
  return info;
}

/// Posterior of state coordinates [z0, z0 + len) given the observations `info` summarises:
/// conditional on δ, then δ integrated against the flat prior.
void posterior(const StatePrior& prior, const WhitenedObservations& w, const Information& info,
               int z0, int len, double* mean, double* cov) {
  const int r = info.S.rows;
  std::vector<double> c0(len);
  Matrix c1(len, r);
  for (int i = 0; i < len; ++i) {
    c0[i] = prior.mean[z0 + i];
    for (int a = 0; a < info.n; ++a) c0[i] += w.cross(a, z0 + i) * w.residual(a);
    for (int j = 0; j < r; ++j) {
      c1(i, j) = prior.loading(z0 + i, j);
      for (int a = 0; a < info.n; ++a) c1(i, j) -= w.cross(a, z0 + i) * w.loading(a, j);
    }
  }
  std::vector<double> delta(r, 0.0);  // E[δ | y] = S⁺ s
  Matrix c1_sinv(len, r);             // C1 S⁺
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < r; ++j) delta[i] += info.S_inverse.inverse(i, j) * info.s[j];
  for (int i = 0; i < len; ++i)
    for (int j = 0; j < r; ++j)
      for (int l = 0; l < r; ++l) c1_sinv(i, j) += c1(i, l) * info.S_inverse.inverse(l, j);
  for (int i = 0; i < len; ++i) {
    mean[i] = c0[i];
    for (int j = 0; j < r; ++j) mean[i] += c1(i, j) * delta[j];
    for (int k = 0; k <= i; ++k) {
      double v = prior.cov(z0 + i, z0 + k);
      for (int a = 0; a < info.n; ++a) v -= w.cross(a, z0 + i) * w.cross(a, z0 + k);
      for (int j = 0; j < r; ++j) v += c1_sinv(i, j) * c1(k, j);
      cov[size_t(i) * len + k] = v;
      cov[size_t(k) * len + i] = v;
    }
  }
}

/// y_k − E[y_k | y_1..y_{k-1}] and its covariance from the predicted moments of x_k; a missing
/// component is NaN in both, as in the solvers' FilterDiagnostics.
void innovation(const HostModel& m, const MeasurementView& y, int k, const double* mean,
                const double* cov, double* v, double* v_cov) {
  const int nx = m.nx(), ny = m.ny(), h = slot(m.H, k - 1), d = slot(m.d, k - 1);
  const int r = slot(m.R, k - 1);
  const double missing = std::numeric_limits<double>::quiet_NaN();
  auto observed = [&](int i) { return !std::isnan(y(k - 1, i)); };
  for (int i = 0; i < ny; ++i) {
    v[i] = missing;
    for (int l = 0; l < ny; ++l) v_cov[i * ny + l] = missing;
    if (!observed(i)) continue;
    v[i] = y(k - 1, i) - m.d(d, i);
    for (int j = 0; j < nx; ++j) v[i] -= m.H(h, i, j) * mean[j];
    for (int l = 0; l < ny; ++l) {
      if (!observed(l)) continue;
      double c = m.R(r, i, l);
      for (int j = 0; j < nx; ++j)
        for (int q = 0; q < nx; ++q) c += m.H(h, i, j) * cov[j * nx + q] * m.H(h, l, q);
      v_cov[i * ny + l] = c;
    }
  }
}

void check_shapes(const HostModel& m, const MeasurementView& y, const std::vector<double>& A, int r,
                  int max_steps) {
  const int nx = m.nx(), ny = m.ny(), T = int(y.extent(0));
  auto fail = [](const std::string& what) {
    throw std::invalid_argument("kscan::diffuse_start: " + what);
  };
  if (T < 1) fail("the series is empty");
  if (int(y.extent(1)) != ny)
    fail("y has " + std::to_string(y.extent(1)) + " columns, the model ny = " + std::to_string(ny));
  if (r < 1 || r > nx) fail("r = " + std::to_string(r) + " must lie in 1..nx");
  if (A.size() != size_t(nx) * r) fail("A must hold nx * r values");
  if (max_steps < 1) fail("max_steps must be at least 1");
  for (size_t stored :
       {m.F.extent(0), m.Q.extent(0), m.H.extent(0), m.R.extent(0), m.c.extent(0), m.d.extent(0)})
    if (stored != 1 && stored < size_t(T))
      fail("a time-varying model array holds " + std::to_string(stored) +
           " slots for a series of length " + std::to_string(T));
}

}  // namespace

DiffuseStart diffuse_start(const HostModel& model, const MeasurementView& y,
                           const std::vector<double>& A, int r, int max_steps) {
  check_shapes(model, y, A, r, max_steps);
  const int nx = model.nx(), ny = model.ny(), T = int(y.extent(0));
  const int horizon = std::min(max_steps, T);
  const StatePrior prior = state_prior(model, A, r, horizon < T ? horizon + 1 : horizon);
  const std::vector<Observation> obs = observations(y, horizon);

  // d: the first step after which S has full rank. Cross-covariances are not needed yet.
  int d = 0, seen = 0, rank = 0;
  {
    WhitenedObservations w(model, prior, 0);
    for (int k = 1; k <= horizon && d == 0; ++k) {
      while (seen < int(obs.size()) && obs[seen].step == k) w.add(obs[seen++]);
      rank = information(w, seen, r).S_inverse.rank;
      if (rank == r) d = k;
    }
  }
  if (d == 0)
    throw std::runtime_error(
        "kscan::diffuse_start: the diffuse initial state is not identified by the first " +
        std::to_string(horizon) + " observations: their information about δ has rank " +
        std::to_string(rank) + " of " + std::to_string(r) +
        (horizon < T ? " (max_steps = " + std::to_string(max_steps) + ")" : " (the whole series)"));

  DiffuseStart out;
  out.steps = d;
  out.nx = nx;
  out.ny = ny;
  out.reaches_end = d == T;
  const int blocks = out.reaches_end ? d : d + 1;
  WhitenedObservations w(model, prior, blocks * nx);
  std::vector<Information> through(d + 1);  // through[k]: y_1..y_k
  through[0] = information(w, 0, r);
  for (int k = 1, a = 0; k <= d; ++k) {
    while (a < int(obs.size()) && obs[a].step == k) w.add(obs[a++]);
    through[k] = information(w, w.size(), r);
  }

  const size_t vx = nx, mx = size_t(nx) * nx, vy = ny, my = size_t(ny) * ny;
  out.filtered_mean.resize(d * vx);
  out.filtered_cov.resize(d * mx);
  out.predicted_mean.resize(d * vx);
  out.predicted_cov.resize(d * mx);
  out.innovation.assign(d * vy, 0.0);
  out.innovation_cov.assign(d * my, 0.0);
  out.loglik_terms.resize(d);
  for (int k = 1; k <= d; ++k) {
    const int z0 = (k - 1) * nx;
    double* pm = &out.predicted_mean[(k - 1) * vx];
    double* pc = &out.predicted_cov[(k - 1) * mx];
    posterior(prior, w, through[k - 1], z0, nx, pm, pc);
    posterior(prior, w, through[k], z0, nx, &out.filtered_mean[(k - 1) * vx],
              &out.filtered_cov[(k - 1) * mx]);
    out.loglik_terms[k - 1] = through[k].loglik() - through[k - 1].loglik();

    innovation(model, y, k, pm, pc, &out.innovation[(k - 1) * vy],
               &out.innovation_cov[(k - 1) * my]);
  }
  out.loglik = through[d].loglik();
  out.prior_mean.assign(out.filtered_mean.end() - vx, out.filtered_mean.end());
  out.prior_cov.assign(out.filtered_cov.end() - mx, out.filtered_cov.end());
  out.joint_mean.resize(blocks * vx);
  out.joint_cov.resize(size_t(blocks) * nx * blocks * nx);
  posterior(prior, w, through[d], 0, blocks * nx, out.joint_mean.data(), out.joint_cov.data());
  return out;
}

void smooth_diffuse_steps(const DiffuseStart& start, const double* smoothed_next_mean,
                          const double* smoothed_next_cov, double* mean_out, double* cov_out) {
  if (start.reaches_end)
    throw std::invalid_argument(
        "kscan::smooth_diffuse_steps: the diffuse period covers the whole series (there is no "
        "x_{d+1}); use smooth_diffuse_steps_to_end");
  const int nx = start.nx, d = start.steps, n = (d + 1) * nx, b = d * nx;
  auto joint = [&](int i, int j) { return start.joint_cov[size_t(i) * n + j]; };
  Matrix next(nx, nx);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < nx; ++j) next(i, j) = joint(b + i, b + j);
  // A pseudo-inverse, because Var(x_{d+1} | y_1..y_d) is singular when Q is; the
  // cross-covariances lie in its range, so the gain is still the conditional expectation's.
  const Matrix next_inverse = pseudo_inverse(next, 0).inverse;
  Matrix gain(b, nx);  // G = Cov(x_{1..d}, x_{d+1}) Var(x_{d+1})⁺
  for (int i = 0; i < b; ++i)
    for (int j = 0; j < nx; ++j)
      for (int l = 0; l < nx; ++l) gain(i, j) += joint(i, b + l) * next_inverse(l, j);
  // x_k | all = x_k | y_1..y_d moved by G towards the smoothed x_{d+1}: mean shift
  // G (m_s − m), covariance G (P_s − P) Gᵀ.
  std::vector<double> shift(nx);
  Matrix spread(nx, nx);
  for (int i = 0; i < nx; ++i) {
    shift[i] = smoothed_next_mean[i] - start.joint_mean[b + i];
    for (int j = 0; j < nx; ++j) spread(i, j) = smoothed_next_cov[i * nx + j] - next(i, j);
  }
  for (int k = 0; k < d; ++k)
    for (int i = 0; i < nx; ++i) {
      const int zi = k * nx + i;
      double m = start.joint_mean[zi];
      for (int j = 0; j < nx; ++j) m += gain(zi, j) * shift[j];
      mean_out[zi] = m;
      for (int l = 0; l < nx; ++l) {
        const int zl = k * nx + l;
        double c = joint(zi, zl);
        for (int j = 0; j < nx; ++j)
          for (int q = 0; q < nx; ++q) c += gain(zi, j) * spread(j, q) * gain(zl, q);
        cov_out[size_t(k) * nx * nx + i * nx + l] = c;
      }
    }
}

void smooth_diffuse_steps_to_end(const DiffuseStart& start, double* mean_out, double* cov_out) {
  if (!start.reaches_end)
    throw std::invalid_argument(
        "kscan::smooth_diffuse_steps_to_end: the series continues after the diffuse period; use "
        "smooth_diffuse_steps with the smoothed x_{d+1}");
  const int nx = start.nx, d = start.steps, n = d * nx;
  for (int k = 0; k < d; ++k)
    for (int i = 0; i < nx; ++i) {
      mean_out[k * nx + i] = start.joint_mean[k * nx + i];
      for (int l = 0; l < nx; ++l)
        cov_out[size_t(k) * nx * nx + i * nx + l] =
            start.joint_cov[size_t(k * nx + i) * n + k * nx + l];
    }
}

}  // namespace kscan
