#include "kscan/model/generators.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "kscan/core/dims.hpp"
#include "kscan/data/impl/random_stream.hpp"

namespace kscan {
namespace {

// Streams of the random model: one per kind of quantity, so changing one does not shift another.
enum Stream : std::uint64_t { kTransition = 1, kCovariance = 2, kObservation = 3, kPrior = 4 };

template <class M>
void fill_gaussian(RandomStream& rng, const M& m, int slot, int rows, int cols) {
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(slot, i, j) = rng.normal();
}

/// X Xᵀ + ridge I for a Gaussian n x n matrix X, written into `out(i, j)`.
template <class Out>
void random_spd(RandomStream& rng, int n, double ridge, Out&& out) {
  std::vector<double> x(static_cast<size_t>(n) * n);
  for (auto& v : x) v = rng.normal();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = (i == j) ? ridge : 0.0;
      for (int k = 0; k < n; ++k) s += x[i * n + k] * x[j * n + k];
      out(i, j) = s;
    }
}

/// scale * Q, with Q the orthogonal factor (modified Gram-Schmidt, R's diagonal made positive)
/// of a Gaussian n x n matrix. Its singular values all equal `scale`, so the dynamics are stable.
template <class Out>
void random_scaled_orthogonal(RandomStream& rng, int n, double scale, Out&& out) {
  std::vector<double> a(static_cast<size_t>(n) * n);
  for (auto& v : a) v = rng.normal();
  for (int j = 0; j < n; ++j) {  // columns of a become orthonormal
    for (int k = 0; k < j; ++k) {
      double dot = 0.0;
      for (int i = 0; i < n; ++i) dot += a[i * n + k] * a[i * n + j];
      for (int i = 0; i < n; ++i) a[i * n + j] -= dot * a[i * n + k];
    }
    double norm = 0.0;
    for (int i = 0; i < n; ++i) norm += a[i * n + j] * a[i * n + j];
    norm = std::sqrt(norm);
    for (int i = 0; i < n; ++i) a[i * n + j] /= norm;
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) out(i, j) = scale * a[i * n + j];
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

}  // namespace

HostModel make_random_model(const RandomModelOptions& o) {
  require(o.nx >= 1 && o.nx <= dimension_limit,
          "random model: state_dim must be in 1.." KSCAN_DIMENSION_LIMIT_TEXT);
  require(o.ny >= 1 && o.ny <= dimension_limit,
          "random model: obs_dim must be in 1.." KSCAN_DIMENSION_LIMIT_TEXT);
  require(o.length >= 1, "random model: length must be >= 1");
  require(o.ridge > 0.0, "random model: ridge must be > 0");
  const int stored = o.time_varying ? o.length : 1;
  HostModel m(o.nx, o.ny, stored);
  RandomStream transition(o.seed, kTransition), covariance(o.seed, kCovariance),
      observation(o.seed, kObservation), prior(o.seed, kPrior);
  for (int s = 0; s < stored; ++s) {
    random_scaled_orthogonal(transition, o.nx, o.transition_scale,
                             [&](int i, int j) -> double& { return m.F(s, i, j); });
    for (int i = 0; i < o.nx; ++i) m.c(s, i) = transition.normal();
    random_spd(covariance, o.nx, o.ridge, [&](int i, int j) -> double& { return m.Q(s, i, j); });
    random_spd(covariance, o.ny, o.ridge, [&](int i, int j) -> double& { return m.R(s, i, j); });
    fill_gaussian(observation, m.H, s, o.ny, o.nx);
    for (int i = 0; i < o.ny; ++i) m.d(s, i) = observation.normal();
  }
  for (int i = 0; i < o.nx; ++i) m.m0(i) = prior.normal();
  random_spd(prior, o.nx, o.ridge, [&](int i, int j) -> double& { return m.P0(i, j); });
  return m;
}

HostModel make_tracking_model(const TrackingModelOptions& o) {
  require(o.dt > 0.0, "tracking model: dt must be > 0");
  require(o.process_noise > 0.0, "tracking model: process_noise must be > 0");
  require(o.measurement_std > 0.0, "tracking model: measurement_std must be > 0");
  HostModel m(4, 2, 1);
  const double dt = o.dt, q = o.process_noise, r2 = o.measurement_std * o.measurement_std;
  for (int i = 0; i < 4; ++i) m.F(0, i, i) = 1.0;
  m.F(0, 0, 2) = dt;
  m.F(0, 1, 3) = dt;
  // Discretised white-noise acceleration, per axis: q [dt³/3 dt²/2; dt²/2 dt].
  for (int axis = 0; axis < 2; ++axis) {
    const int p = axis, v = axis + 2;
    m.Q(0, p, p) = q * dt * dt * dt / 3.0;
    m.Q(0, p, v) = m.Q(0, v, p) = q * dt * dt / 2.0;
    m.Q(0, v, v) = q * dt;
  }
  m.H(0, 0, 0) = 1.0;
  m.H(0, 1, 1) = 1.0;
  m.R(0, 0, 0) = m.R(0, 1, 1) = r2;
  for (int i = 0; i < 4; ++i) m.P0(i, i) = i < 2 ? 1.0 : 0.1;
  return m;
}

HostModel make_lti_model(const LtiModelMatrices& u) {
  require(u.nx >= 1 && u.nx <= dimension_limit,
          "lti model: state_dim must be in 1.." KSCAN_DIMENSION_LIMIT_TEXT);
  require(u.ny >= 1 && u.ny <= dimension_limit,
          "lti model: obs_dim must be in 1.." KSCAN_DIMENSION_LIMIT_TEXT);
  const auto nx = static_cast<size_t>(u.nx), ny = static_cast<size_t>(u.ny);
  const ModelSlots& slots = u.slots;
  auto check = [](const std::vector<double>& v, size_t n, const char* name, bool optional) {
    if (optional && v.empty()) return;
    require(v.size() == n, std::string("lti model: ") + name + " must have " + std::to_string(n) +
                               " entries, got " + std::to_string(v.size()));
  };
  auto count = [](int stored) { return static_cast<size_t>(stored); };
  check(u.F, count(slots.F) * nx * nx, "F", false);
  check(u.Q, count(slots.Q) * nx * nx, "Q", false);
  check(u.H, count(slots.H) * ny * nx, "H", false);
  check(u.R, count(slots.R) * ny * ny, "R", false);
  check(u.m0, nx, "m0", false);
  check(u.P0, nx * nx, "P0", false);
  check(u.c, count(slots.c) * nx, "c", true);
  check(u.d, count(slots.d) * ny, "d", true);
  HostModel m(u.nx, u.ny, slots);
  // Every array is stored slot after slot, row-major, exactly as the View lays it out.
  auto fill = [](const auto& view, const std::vector<double>& values) {
    for (size_t i = 0; i < values.size(); ++i) view.data()[i] = values[i];
  };
  fill(m.F, u.F);
  fill(m.Q, u.Q);
  fill(m.H, u.H);
  fill(m.R, u.R);
  fill(m.c, u.c);
  fill(m.d, u.d);
  fill(m.m0, u.m0);
  fill(m.P0, u.P0);
  return m;
}

}  // namespace kscan
