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
