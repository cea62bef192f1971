// The small-matrix kernels, fixed and general paths, evaluated inside kernels on every backend.
#include <kscan/core/dims.hpp>
#include <kscan/core/small_matrix.hpp>

#include "test_types.hpp"

namespace {

template <class C>
class SmallMatrix : public ::testing::Test {};
TYPED_TEST_SUITE(SmallMatrix, kscan::test::SpacesAndPrecisions);

// Builds a fixed SPD matrix A = B Bᵀ + n I and right-hand side, solves with Cholesky and LU inside
// a kernel, and returns the max residual |A x - b| of both solves plus the log-det error.
template <class Exec, class T, class Dims>
Kokkos::View<double[4], Kokkos::HostSpace> solve_residuals(Dims dims) {
  Kokkos::View<double[4], typename Exec::memory_space> out("out");
  Kokkos::parallel_for(
      "test::small_matrix", Kokkos::RangePolicy<Exec>(0, 1), KOKKOS_LAMBDA(int) {
        using D = kscan::Dense<T, Dims>;
        const int n = dims.nx();
        typename D::MatXX b, a, l, f, x;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j) b(i, j) = T((i * 7 + j * 3) % 5) - T(2);
        D::template gemm<kscan::dense::Op::N, kscan::dense::Op::T>(n, n, n, b, b, a);
        for (int i = 0; i < n; ++i) a(i, i) += T(n);
        l = a;
        f = a;
        const bool chol_ok = D::cholesky(n, l);
        typename D::PivotsX piv;
        const bool lu_ok = D::lu(n, f, piv);
        typename D::VecX rhs{}, y1, y2, r;  // zeroed: the copies below include a dynamic tail
        for (int i = 0; i < n; ++i) rhs(i) = T(i + 1);
        y1 = rhs;
        y2 = rhs;
        D::cholesky_solve(n, l, y1);
        D::lu_solve(n, f, piv, y2);
        double worst_chol = 0, worst_lu = 0;
        D::gemv(n, n, a, y1, r);
        for (int i = 0; i < n; ++i) worst_chol = fmax(worst_chol, fabs(double(r(i) - rhs(i))));
        D::gemv(n, n, a, y2, r);
        for (int i = 0; i < n; ++i) worst_lu = fmax(worst_lu, fabs(double(r(i) - rhs(i))));
        // matrix right-hand sides: A X = A must give the identity
        x = a;
        D::cholesky_solve(n, n, l, x);
        double worst_id = 0;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j) worst_id = fmax(worst_id, fabs(double(x(i, j)) - (i == j)));
        out(0) = chol_ok && lu_ok ? 0.0 : 1.0;
        out(1) = worst_chol;
        out(2) = worst_lu;
        out(3) = worst_id;
      });
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  Kokkos::View<double[4], Kokkos::HostSpace> copy("copy");
  Kokkos::deep_copy(copy, host);
  return copy;
}

TYPED_TEST(SmallMatrix, SolvesAgreeFixedAndGeneral) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const double tol = kscan::test::tolerance<T>(1e-4, 1e-12);
  auto check = [&](auto dims) {
    auto r = solve_residuals<Exec, T>(dims);
    EXPECT_EQ(r(0), 0.0) << "factorisation failed for nx=" << dims.nx();
    EXPECT_LT(r(1), tol * 10 * dims.nx()) << "cholesky nx=" << dims.nx();
    EXPECT_LT(r(2), tol * 10 * dims.nx()) << "lu nx=" << dims.nx();
    EXPECT_LT(r(3), tol * 10 * dims.nx()) << "cholesky matrix rhs nx=" << dims.nx();
  };
  check(kscan::FixedDims<4, 2>{});
  check(kscan::FixedDims<6, 3>{});
  check(kscan::DynamicDims<8>{5, 3});
  if constexpr (kscan::max_dimension >= 17) check(kscan::DynamicDims<kscan::max_dimension>{17, 9});
}

// LU on a matrix whose rows are those of a diagonally dominant one in reverse order: every step
// must pick a pivot below the diagonal (the leading entry of the first column is 0), so the row
// swaps -- of the factor, of vector and of matrix right-hand sides -- are all exercised. Returns
// the max residual of A x = b and of A X = A against the identity, and whether any swap happened.
template <class Exec, class T, class Dims>
Kokkos::View<double[3], Kokkos::HostSpace> pivoted_residuals(Dims dims) {
  Kokkos::View<double[3], typename Exec::memory_space> out("out");
  Kokkos::parallel_for(
      "test::small_matrix::pivoted_lu", Kokkos::RangePolicy<Exec>(0, 1), KOKKOS_LAMBDA(int) {
        using D = kscan::Dense<T, Dims>;
        const int n = dims.nx();
        typename D::MatXX a, f, x;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j) {
            const int row = n - 1 - i;  // row i of A is row n-1-i of the dominant matrix
            a(i, j) = row == j ? T(4 * n) : (j == 0 ? T(0) : T((row * 3 + j * 5) % 7) - T(3));
          }
        f = a;
        typename D::PivotsX piv;
        const bool ok = D::lu(n, f, piv);
        bool swapped = false;
        for (int j = 0; j < n; ++j) swapped = swapped || piv.exchanged[j] != 0;
        typename D::VecX rhs{}, y, r;
        for (int i = 0; i < n; ++i) rhs(i) = T(i + 1);
        y = rhs;
        D::lu_solve(n, f, piv, y);
        D::gemv(n, n, a, y, r);
        double worst = ok ? 0.0 : 1e30;
        for (int i = 0; i < n; ++i) worst = fmax(worst, fabs(double(r(i) - rhs(i))));
        x = a;
        D::lu_solve(n, n, f, piv, x);
        double worst_id = 0;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j) worst_id = fmax(worst_id, fabs(double(x(i, j)) - (i == j)));
        out(0) = worst;
        out(1) = worst_id;
        out(2) = swapped ? 1.0 : 0.0;
      });
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  Kokkos::View<double[3], Kokkos::HostSpace> copy("copy");
  Kokkos::deep_copy(copy, host);
  return copy;
}

TYPED_TEST(SmallMatrix, LuSwapsRowsWhereThePivotIsBelow) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  const double tol = kscan::test::tolerance<T>(1e-5, 1e-13);
  auto check = [&](auto dims) {
    auto r = pivoted_residuals<Exec, T>(dims);
    EXPECT_LT(r(0), tol * 10 * dims.nx()) << "lu vector rhs nx=" << dims.nx();
    EXPECT_LT(r(1), tol * 10 * dims.nx()) << "lu matrix rhs nx=" << dims.nx();
    EXPECT_EQ(r(2), 1.0) << "no row was swapped for nx=" << dims.nx();
  };
  check(kscan::FixedDims<4, 2>{});
  check(kscan::FixedDims<6, 3>{});
  check(kscan::DynamicDims<8>{5, 3});
}

// Largest |difference| of the fixed 4x4 and the general gemm from a naive triple loop, over two
// transpose combinations. A free function: CUDA lambdas may not live in a test's private body.
template <class Exec, class T>
double gemm_difference() {
  Kokkos::View<double, typename Exec::memory_space> diff("diff");
  Kokkos::parallel_for(
      "test::gemm", Kokkos::RangePolicy<Exec>(0, 1), KOKKOS_LAMBDA(int) {
        using F = kscan::Dense<T, kscan::FixedDims<4, 2>>;
        using G = kscan::Dense<T, kscan::DynamicDims<8>>;
        typename F::MatXX a, b, c1;
        typename G::MatXX a8, b8, c8;
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j) {
            a(i, j) = a8(i, j) = T(i - 2 * j + 1);
            b(i, j) = b8(i, j) = T((i + 1) * (j + 2) % 7);
          }
        double d = 0;
        // A transposed first, then B transposed (plain products are checked by every solver test)
        F::template gemm<kscan::dense::Op::T, kscan::dense::Op::N>(4, 4, 4, a, b, c1);
        G::template gemm<kscan::dense::Op::T, kscan::dense::Op::N>(4, 4, 4, a8, b8, c8);
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j) {
            T s = 0;
            for (int k = 0; k < 4; ++k) s += a(k, i) * b(k, j);
            d = fmax(d, fabs(double(c1(i, j) - s)) + fabs(double(c8(i, j) - s)));
          }
        F::template gemm<kscan::dense::Op::N, kscan::dense::Op::T>(4, 4, 4, a, b, c1);
        G::template gemm<kscan::dense::Op::N, kscan::dense::Op::T>(4, 4, 4, a8, b8, c8);
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j) {
            T s = 0;
            for (int k = 0; k < 4; ++k) s += a(i, k) * b(j, k);
            d = fmax(d, fabs(double(c1(i, j) - s)) + fabs(double(c8(i, j) - s)));
          }
        diff() = d;
      });
  double d = 0;
  Kokkos::deep_copy(d, diff);
  return d;
}

TYPED_TEST(SmallMatrix, GeneralGemmMatchesFixedGemm) {
  using Exec = typename TypeParam::execution_space;
  using T = typename TypeParam::scalar_type;
  EXPECT_EQ((gemm_difference<Exec, T>()), 0.0);
}

}  // namespace
