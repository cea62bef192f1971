#pragma once
// The small-matrix kernels under test, each behind a non-inlined function with a stable name so
// that the microbenchmark times exactly one kernel per call and `objdump -d` shows what the
// compiler made of it. The "runtime" variants call the very same kscan kernels with the size as
// a run-time argument: the loops the fixed path would run if the sizes were not compile-time
// constants, without copying any kernel code.
#include "kscan/core/small_matrix.hpp"

namespace kscan::bench {

using Fixed = Dense<double, FixedDims<4, 2>>;   // the paper's (nx, ny): compile-time sizes
using General = Dense<double, DynamicDims<8>>;  // kscan's general path (Kokkos Kernels GEMM)

void fixed_gemm_4x4x4(const Fixed::MatXX& x, const Fixed::MatXX& y, Fixed::MatXX& z);
void runtime_gemm(int n, const Fixed::MatXX& x, const Fixed::MatXX& y, Fixed::MatXX& z);
void general_gemm(int n, const General::MatXX& x, const General::MatXX& y, General::MatXX& z);

bool fixed_cholesky_4(Fixed::MatXX& x);
bool fixed_cholesky_2(Fixed::MatYY& x);
bool runtime_cholesky(int n, Fixed::MatXX& x);

}  // namespace kscan::bench
