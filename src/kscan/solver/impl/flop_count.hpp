#pragma once
// Floating-point operation counts of the solver's building blocks, from the dense kernels they
// call (multiply-add = 2 flops; LU n³·2/3; Cholesky n³/3; a triangular pair of solves 2n² per
// right-hand side). Used for achieved GFLOP/s; the scan supplies how many combines it performs.
namespace kscan::flops {

inline double gemm(double m, double n, double k) { return 2 * m * n * k; }
inline double lu(double n) { return 2 * n * n * n / 3; }
inline double cholesky(double n) { return n * n * n / 3; }
inline double solve(double n, double rhs) { return 2 * n * n * rhs; }

inline double filter_combine(double n) {
  return 6 * gemm(n, n, n) + lu(n) + 2 * solve(n, n) + solve(n, 1) + 4 * gemm(n, 1, n);
}
inline double filter_combine_prefix(double n) {
  return 3 * gemm(n, n, n) + lu(n) + solve(n, n) + solve(n, 1) + 2 * gemm(n, 1, n);
}
/// FilterOperator::combine_suffix (BackwardFilterOperator): η and J only.
inline double filter_combine_suffix(double n) {
  return 3 * gemm(n, n, n) + lu(n) + solve(n, n) + 2 * gemm(n, 1, n);
}
inline double filter_element(double nx, double ny) {
  return 3 * gemm(ny, nx, nx) + cholesky(ny) + solve(ny, nx) * 2 + solve(ny, 1) +
         2 * gemm(nx, nx, ny) + 2 * gemm(nx, 1, ny) + gemm(nx, nx, ny);
}
inline double innovation(double nx, double ny) {
  return 2 * gemm(nx, nx, nx) + gemm(nx, 1, nx) + 2 * gemm(ny, nx, nx) + cholesky(ny) +
         solve(ny, 1) + 2 * gemm(ny, 1, nx);
}
inline double kalman_update(double nx, double ny) {
  return solve(ny, nx) + gemm(nx, 1, ny) + gemm(nx, nx, ny) + 2 * gemm(nx, nx, nx) +
         gemm(ny, nx, ny) + gemm(nx, nx, ny);
}
inline double smooth_combine(double n) { return 3 * gemm(n, n, n) + gemm(n, 1, n); }
inline double smooth_combine_suffix(double n) { return 2 * gemm(n, n, n) + gemm(n, 1, n); }
inline double smooth_element(double n) {
  return 2 * gemm(n, n, n) + cholesky(n) + solve(n, n) + 2 * gemm(n, 1, n) + gemm(n, n, n);
}
inline double rts_step(double n) { return smooth_element(n) + 2 * gemm(n, n, n); }
inline double information_step(double nx, double ny) {
  return cholesky(ny) + solve(ny, nx) + gemm(nx, nx, ny) + gemm(nx, 1, ny) + gemm(nx, nx, nx) +
         lu(nx) + solve(nx, nx) + solve(nx, 1) + 2 * gemm(nx, 1, nx) + 2 * gemm(nx, nx, nx);
}
inline double two_filter_combine(double n) {
  return gemm(n, n, n) + lu(n) + gemm(n, 1, n) + solve(n, 1) + solve(n, n);
}

}  // namespace kscan::flops

// The square-root forms (sqrt_*.hpp): Householder triangularisations of stacked factors, the
// triangular solves of their blocks (n² per right-hand side) and semi-definite Cholesky factors
// of the model's Q, R and P0 (n³/3).
namespace kscan::flops::sqrt_form {

/// `steps` reflections of an m x k matrix: a row norm, a scaling and an update of the rows below.
inline double triangularise(double m, double k, double steps) {
  double total = 0;
  for (double j = 0; j < steps; ++j) total += 3 * (k - j) + (m - j - 1) * 4 * (k - j);
  return total;
}
inline double tria(double m, double k) { return triangularise(m, k, m < k ? m : k); }
inline double triangular_solve(double n, double rhs) { return n * n * rhs; }

inline double update(double nx, double ny, bool full) {
  return cholesky(ny) + gemm(ny, nx, nx) + triangularise(nx + ny, nx + ny, full ? nx + ny : ny);
}
inline double prediction(double n) { return gemm(n, 1, n) + cholesky(n) + gemm(n, n, n) + tria(n, 2 * n); }
inline double innovation(double nx, double ny) {
  return prediction(nx) + update(nx, ny, false) + gemm(ny, 1, nx) + triangular_solve(ny, 1);
}
inline double kalman_step(double nx, double ny) {
  return prediction(nx) + update(nx, ny, true) + gemm(ny, 1, nx) + triangular_solve(ny, 1) +
         gemm(nx, 1, ny);
}
inline double filter_element(double nx, double ny) {
  return cholesky(nx) + update(nx, ny, true) + gemm(ny, 1, nx) + triangular_solve(ny, 1) +
         gemm(ny, nx, nx) + triangular_solve(ny, nx) + gemm(nx, 1, ny) + gemm(nx, nx, ny) +
         gemm(nx, 1, ny) + tria(nx, ny);
}
/// A combine's factors: X = Uᵀ Z, `factors` of G (from tria([X, I]) and a solve: b and U need
/// it) and F (the same from tria([Xᵀ, I]): η and Z need it), and the LU of I + U X Zᵀ.
inline double combine_factor(double n, int factors) {
  const double factor = triangularise(n, 2 * n, n) + triangular_solve(n, n);
  return gemm(n, n, n) + factors * factor + 2 * gemm(n, n, n) + lu(n);
}
inline double prefix_part(double n) {
  return 3 * gemm(n, 1, n) + solve(n, 1) + gemm(n, n, n) + tria(n, 2 * n);
}
inline double information_part(double n) {
  return 3 * gemm(n, 1, n) + gemm(n, n, n) + tria(n, 2 * n);
}
inline double filter_combine(double n) {
  return combine_factor(n, 2) + solve(n, n) + gemm(n, n, n) + prefix_part(n) + information_part(n);
}
inline double filter_combine_prefix(double n) { return combine_factor(n, 1) + prefix_part(n); }
/// SqrtFilterOperator::combine_suffix (SqrtBackwardFilterOperator): η and Z only.
inline double filter_combine_suffix(double n) {
  return combine_factor(n, 1) + solve(n, n) + information_part(n);
}
inline double backward_step(double nx, double ny) {
  return filter_element(nx, ny) + filter_combine_suffix(nx);
}
inline double two_filter_combine(double n) { return combine_factor(n, 1) + prefix_part(n); }
inline double smoothing_gain(double n) {
  return cholesky(n) + gemm(n, n, n) + triangularise(2 * n, 2 * n, 2 * n) +
         triangular_solve(n, n) + gemm(n, 1, n);
}
inline double smooth_element(double n) { return smoothing_gain(n) + gemm(n, 1, n); }
inline double smooth_combine(double n) { return 2 * gemm(n, n, n) + gemm(n, 1, n) + tria(n, 2 * n); }
inline double smooth_combine_suffix(double n) { return gemm(n, n, n) + gemm(n, 1, n) + tria(n, 2 * n); }
inline double rts_step(double n) { return smoothing_gain(n) + gemm(n, 1, n) + gemm(n, n, n) + tria(n, 2 * n); }
/// A factor's covariance L Lᵀ (one triangle, mirrored).
inline double covariance(double n) { return n * (n + 1) * (n + 2) / 3; }

}  // namespace kscan::flops::sqrt_form
