// A translation unit of its own, so that the benchmark cannot inline the kernels into its loop
// and fold them; the sizes reach the fixed kernels only as literal constants.
#include "small_matrix_kernels.hpp"

namespace kscan::bench {

void fixed_gemm_4x4x4(const Fixed::MatXX& x, const Fixed::MatXX& y, Fixed::MatXX& z) {
  Fixed::gemm(4, 4, 4, x, y, z);
}
void runtime_gemm(int n, const Fixed::MatXX& x, const Fixed::MatXX& y, Fixed::MatXX& z) {
  Fixed::gemm(n, n, n, x, y, z);
}
void general_gemm(int n, const General::MatXX& x, const General::MatXX& y, General::MatXX& z) {
  General::gemm(n, n, n, x, y, z);
}

bool fixed_cholesky_4(Fixed::MatXX& x) { return Fixed::cholesky(4, x); }
bool fixed_cholesky_2(Fixed::MatYY& x) { return Fixed::cholesky(2, x); }
bool runtime_cholesky(int n, Fixed::MatXX& x) { return Fixed::cholesky(n, x); }

}  // namespace kscan::bench
