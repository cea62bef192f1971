#pragma once
// A plain Kalman filter for the paper's size (nx 4, ny 2, float64): fixed-size C arrays, no
// Kokkos, no templates over dimensions -- the code a careful engineer would write by hand for
// one model. It is the yardstick for kscan's sequential KF (issue 7: "within 1.2x"), so it runs
// the same algorithm: predict, Cholesky of the innovation covariance, Joseph-form update and
// the innovation log-likelihood, and stores every filtered mean and covariance as kscan does.
#include <cstddef>

namespace plain_kf {

inline constexpr int nx = 4;
inline constexpr int ny = 2;

/// Model arrays in kscan's storage convention (row-major, `stored` slots of 1 or T):
///   x_{i+1} = F[i] x_i + c[i] + q,  y[i] = H[i] x_{i+1} + d[i] + r,  x_0 ~ N(m0, P0).
struct Model {
  const double* F;  // [stored, nx, nx]
  const double* c;  // [stored, nx]
  const double* Q;  // [stored, nx, nx]
  const double* H;  // [stored, ny, nx]
  const double* d;  // [stored, ny]
  const double* R;  // [stored, ny, ny]
  const double* m0; // [nx]
  const double* P0; // [nx, nx]
  std::size_t stored;
};

/// Filters y [T, ny] (no missing values): mean [T, nx] and cov [T, nx, nx] receive the filtered
/// estimates of steps 1..T. Returns log p(y[0..T-1]).
double filter(const Model& model, const double* y, std::size_t length, double* mean, double* cov);

}  // namespace plain_kf
