// Microbenchmark (Google Benchmark): kscan's fixed-size small-matrix kernels for the paper's
// sizes against the same kernels with run-time sizes and against the general (Kokkos Kernels)
// path. If the fixed path is unrolled straight-line code, it is several times faster per call.
#include <Kokkos_Core.hpp>
#include <benchmark/benchmark.h>

#include "small_matrix_kernels.hpp"

namespace {

using kscan::bench::Fixed;
using kscan::bench::General;

// A well-conditioned symmetric positive definite 4 x 4 matrix (diagonally dominant).
template <class M>
M spd() {
  M m{};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) m(i, j) = i == j ? 4.0 + i : 0.5 / (1 + i + j);
  return m;
}

// The size is laundered through DoNotOptimize, so the compiler cannot see it is 4.
int runtime_size() {
  int n = 4;
  benchmark::DoNotOptimize(n);
  return n;
}

void BM_gemm_fixed(benchmark::State& state) {
  const auto x = spd<Fixed::MatXX>(), y = spd<Fixed::MatXX>();
  Fixed::MatXX z;
  for (auto _ : state) {
    kscan::bench::fixed_gemm_4x4x4(x, y, z);
    benchmark::DoNotOptimize(z);
  }
}
BENCHMARK(BM_gemm_fixed);

void BM_gemm_runtime_size(benchmark::State& state) {
  const auto x = spd<Fixed::MatXX>(), y = spd<Fixed::MatXX>();
  Fixed::MatXX z;
  const int n = runtime_size();
  for (auto _ : state) {
    kscan::bench::runtime_gemm(n, x, y, z);
    benchmark::DoNotOptimize(z);
  }
}
BENCHMARK(BM_gemm_runtime_size);

void BM_gemm_general_kokkos_kernels(benchmark::State& state) {
  const auto x = spd<General::MatXX>(), y = spd<General::MatXX>();
  General::MatXX z{};
  const int n = runtime_size();
  for (auto _ : state) {
    kscan::bench::general_gemm(n, x, y, z);
    benchmark::DoNotOptimize(z);
  }
}
BENCHMARK(BM_gemm_general_kokkos_kernels);

// Each iteration factors a fresh copy (the factorisation is in place).
void BM_cholesky4_fixed(benchmark::State& state) {
  const auto a = spd<Fixed::MatXX>();
  for (auto _ : state) {
    auto x = a;
    benchmark::DoNotOptimize(kscan::bench::fixed_cholesky_4(x));
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_cholesky4_fixed);

void BM_cholesky4_runtime_size(benchmark::State& state) {
  const auto a = spd<Fixed::MatXX>();
  const int n = runtime_size();
  for (auto _ : state) {
    auto x = a;
    benchmark::DoNotOptimize(kscan::bench::runtime_cholesky(n, x));
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_cholesky4_runtime_size);

void BM_cholesky2_fixed(benchmark::State& state) {
  Fixed::MatYY a;
  a(0, 0) = 4.0; a(0, 1) = 0.5; a(1, 0) = 0.5; a(1, 1) = 3.0;
  for (auto _ : state) {
    auto x = a;
    benchmark::DoNotOptimize(kscan::bench::fixed_cholesky_2(x));
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_cholesky2_fixed);

}  // namespace

int main(int argc, char** argv) {
  // Kokkos Kernels' serial GEMM wraps the blocks in unmanaged Views; keep Kokkos initialised
  // as every kscan program does.
  Kokkos::ScopeGuard kokkos(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
