#pragma once
// Small dense matrices held by value (row-major, sized for a compile-time capacity) and the
// kernels the filtering and smoothing operators need. Sizes are passed at the call site: with
// FixedDims they are compile-time constants and the loops unroll completely; with DynamicDims
// they are run-time values and matrix products go through Kokkos Kernels' batched serial GEMM.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <KokkosBatched_Gemm_Decl.hpp>
#include <KokkosBatched_Gemm_Serial_Impl.hpp>

#include "kscan/core/dims.hpp"
#include "kscan/core/impl/kokkos_compat.hpp"

// Device compilers need the hint; GCC and Clang unroll the fixed-size loops completely at -O2/-O3
// on their own (their trip counts are compile-time constants once inlined).
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
#define KSCAN_UNROLL _Pragma("unroll")
#else
#define KSCAN_UNROLL
#endif

namespace kscan {

template <class T, int R, int C>
struct Mat {
  T a[R][C];
  KOKKOS_FORCEINLINE_FUNCTION T& operator()(int i, int j) { return a[i][j]; }
  KOKKOS_FORCEINLINE_FUNCTION const T& operator()(int i, int j) const { return a[i][j]; }
};

template <class T, int N>
struct Vec {
  T v[N];
  KOKKOS_FORCEINLINE_FUNCTION T& operator()(int i) { return v[i]; }
  KOKKOS_FORCEINLINE_FUNCTION const T& operator()(int i) const { return v[i]; }
};

/// The row exchanges of an LU factorisation of an R x R matrix (Dense::lu): bit i of
/// exchanged[j] says rows j and i > j were exchanged in step j.
template <int R>
struct Pivots {
  static_assert(R <= 32, "a row's exchanges are the bits of a 32-bit word");
  std::uint32_t exchanged[R];
};

namespace dense {

enum class Op { N, T };  // use the matrix as stored, or its transpose

template <Op op, class T, int R, int C>
KOKKOS_FORCEINLINE_FUNCTION const T& at(const Mat<T, R, C>& m, int i, int j) {
  if constexpr (op == Op::N) return m.a[i][j];
  else return m.a[j][i];
}

template <class T, int R, int C>
KOKKOS_FORCEINLINE_FUNCTION void set_zero(int m, int n, Mat<T, R, C>& x) {
  KSCAN_UNROLL for (int i = 0; i < m; ++i)
    KSCAN_UNROLL for (int j = 0; j < n; ++j) x.a[i][j] = T(0);
}

template <class T, int N>
KOKKOS_FORCEINLINE_FUNCTION void set_zero(int n, Vec<T, N>& x) {
  KSCAN_UNROLL for (int i = 0; i < n; ++i) x.v[i] = T(0);
}

template <class T, int R, int C>
KOKKOS_FORCEINLINE_FUNCTION void set_identity(int n, Mat<T, R, C>& x) {
  KSCAN_UNROLL for (int i = 0; i < n; ++i)
    KSCAN_UNROLL for (int j = 0; j < n; ++j) x.a[i][j] = (i == j) ? T(1) : T(0);
}

/// Unmanaged strided view of the leading m x n block of a by-value matrix (general path only).
template <class T, int R, int C>
KOKKOS_INLINE_FUNCTION auto block_view(int m, int n, const Mat<T, R, C>& x) {
  using view_type = Kokkos::View<T**, Kokkos::LayoutStride, Kokkos::AnonymousSpace,
                                 Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  return view_type(const_cast<T*>(&x.a[0][0]), Kokkos::LayoutStride(m, C, n, 1));
}

/// Z = alpha * op(X) * op(Y) + beta * Z, with op(X) m x k and op(Y) k x n. Z must not alias X or Y.
template <Op opx, Op opy, class T, int RX, int CX, int RY, int CY, int RZ, int CZ>
KOKKOS_FORCEINLINE_FUNCTION void gemm(int m, int n, int k, T alpha, const Mat<T, RX, CX>& x,
                                      const Mat<T, RY, CY>& y, T beta, Mat<T, RZ, CZ>& z,
                                      std::false_type /*fixed*/) {
  KSCAN_UNROLL for (int i = 0; i < m; ++i) {
    KSCAN_UNROLL for (int j = 0; j < n; ++j) {
      T s = T(0);
      KSCAN_UNROLL for (int l = 0; l < k; ++l) s += at<opx>(x, i, l) * at<opy>(y, l, j);
      // (not alpha * s + 0: the compiler may not drop an added zero, which would cost an add)
      z.a[i][j] = beta == T(0) ? alpha * s : alpha * s + beta * z.a[i][j];
    }
  }
}

template <Op op>
using kk_trans = std::conditional_t<op == Op::N, KokkosBatched::Trans::NoTranspose,
                                    KokkosBatched::Trans::Transpose>;

template <Op opx, Op opy, class T, int RX, int CX, int RY, int CY, int RZ, int CZ>
KOKKOS_INLINE_FUNCTION void gemm(int m, int n, int k, T alpha, const Mat<T, RX, CX>& x,
                                 const Mat<T, RY, CY>& y, T beta, Mat<T, RZ, CZ>& z,
                                 std::true_type /*general*/) {
  auto xv = opx == Op::N ? block_view(m, k, x) : block_view(k, m, x);
  auto yv = opy == Op::N ? block_view(k, n, y) : block_view(n, k, y);
  auto zv = block_view(m, n, z);
  KokkosBatched::SerialGemm<kk_trans<opx>, kk_trans<opy>,
                            KokkosBatched::Algo::Gemm::Unblocked>::invoke(alpha, xv, yv, beta,
                                                                           zv);
}

}  // namespace dense

/// The matrix kernels for one choice of dimensions. `Dims` is FixedDims or DynamicDims.
template <class T, class Dims>
struct Dense {
  static constexpr int NXC = Dims::capacity_x;
  static constexpr int NYC = Dims::capacity_y;
  using MatXX = Mat<T, NXC, NXC>;
  using MatYY = Mat<T, NYC, NYC>;
  using MatYX = Mat<T, NYC, NXC>;
  using MatXY = Mat<T, NXC, NYC>;
  using VecX = Vec<T, NXC>;
  using VecY = Vec<T, NYC>;
  using PivotsX = Pivots<NXC>;
  using general = std::integral_constant<bool, !Dims::is_fixed>;

  template <int R, int C>
  KOKKOS_FORCEINLINE_FUNCTION static void set_zero(int m, int n, Mat<T, R, C>& x) {
    dense::set_zero(m, n, x);
  }
  template <int N>
  KOKKOS_FORCEINLINE_FUNCTION static void set_zero(int n, Vec<T, N>& x) {
    dense::set_zero(n, x);
  }
  template <int R, int C>
  KOKKOS_FORCEINLINE_FUNCTION static void set_identity(int n, Mat<T, R, C>& x) {
    dense::set_identity(n, x);
  }

  template <dense::Op opx = dense::Op::N, dense::Op opy = dense::Op::N, class X, class Y, class Z>
  KOKKOS_FORCEINLINE_FUNCTION static void gemm(int m, int n, int k, const X& x, const Y& y, Z& z,
                                               T alpha = T(1), T beta = T(0)) {
    dense::gemm<opx, opy>(m, n, k, alpha, x, y, beta, z, general{});
  }

  /// z = op(X) v (+ z when accumulate)
  template <dense::Op opx = dense::Op::N, class X, int N, int M>
  KOKKOS_FORCEINLINE_FUNCTION static void gemv(int m, int k, const X& x, const Vec<T, N>& v,
                                               Vec<T, M>& z, bool accumulate = false) {
    KSCAN_UNROLL for (int i = 0; i < m; ++i) {
      T s = accumulate ? z.v[i] : T(0);
      KSCAN_UNROLL for (int l = 0; l < k; ++l) s += dense::at<opx>(x, i, l) * v.v[l];
      z.v[i] = s;
    }
  }

  template <int R, int C>
  KOKKOS_FORCEINLINE_FUNCTION static void symmetrise(int n, Mat<T, R, C>& x) {
    KSCAN_UNROLL for (int i = 0; i < n; ++i)
      KSCAN_UNROLL for (int j = 0; j < i; ++j) {
        const T s = T(0.5) * (x.a[i][j] + x.a[j][i]);
        x.a[i][j] = s;
        x.a[j][i] = s;
      }
  }

  /// In-place lower Cholesky factor of a symmetric positive definite n x n matrix.
  /// Returns false (and leaves garbage) when a pivot is not positive.
  template <int R, int C>
  KOKKOS_INLINE_FUNCTION static bool cholesky(int n, Mat<T, R, C>& x) {
    KSCAN_UNROLL for (int j = 0; j < n; ++j) {
      T d = x.a[j][j];
      KSCAN_UNROLL for (int l = 0; l < j; ++l) d -= x.a[j][l] * x.a[j][l];
      if (!(d > T(0))) return false;
      d = math::sqrt(d);
      x.a[j][j] = d;
      const T inv = T(1) / d;
      KSCAN_UNROLL for (int i = j + 1; i < n; ++i) {
        T s = x.a[i][j];
        KSCAN_UNROLL for (int l = 0; l < j; ++l) s -= x.a[i][l] * x.a[j][l];
        x.a[i][j] = s * inv;
      }
      KSCAN_UNROLL for (int i = 0; i < j; ++i) x.a[i][j] = T(0);
    }
    return true;
  }

  /// The reciprocals of a factor's diagonal: the solves multiply by them, one division per row
  /// instead of one per row and right-hand side (divisions cost several multiplies).
  template <int R, int C>
  KOKKOS_FORCEINLINE_FUNCTION static void reciprocal_diagonal(int n, const Mat<T, R, C>& f,
                                                              T (&inv)[R]) {
    KSCAN_UNROLL for (int i = 0; i < n; ++i) inv[i] = T(1) / f.a[i][i];
  }

  /// Solves (L Lᵀ) Z = B in place for `ncols` right-hand sides stored as the columns of B.
  template <int R, int C, int RB, int CB>
  KOKKOS_INLINE_FUNCTION static void cholesky_solve(int n, int ncols, const Mat<T, R, C>& l,
                                                    Mat<T, RB, CB>& b) {
    T inv[R];
    reciprocal_diagonal(n, l, inv);
    KSCAN_UNROLL for (int c = 0; c < ncols; ++c) {
      KSCAN_UNROLL for (int i = 0; i < n; ++i) {
        T s = b.a[i][c];
        KSCAN_UNROLL for (int k = 0; k < i; ++k) s -= l.a[i][k] * b.a[k][c];
        b.a[i][c] = s * inv[i];
      }
      KSCAN_UNROLL for (int i = n - 1; i >= 0; --i) {
        T s = b.a[i][c];
        KSCAN_UNROLL for (int k = i + 1; k < n; ++k) s -= l.a[k][i] * b.a[k][c];
        b.a[i][c] = s * inv[i];
      }
    }
  }

  template <int R, int C, int N>
  KOKKOS_INLINE_FUNCTION static void cholesky_solve(int n, const Mat<T, R, C>& l, Vec<T, N>& b) {
    T inv[R];
    reciprocal_diagonal(n, l, inv);
    KSCAN_UNROLL for (int i = 0; i < n; ++i) {
      T s = b.v[i];
      KSCAN_UNROLL for (int k = 0; k < i; ++k) s -= l.a[i][k] * b.v[k];
      b.v[i] = s * inv[i];
    }
    KSCAN_UNROLL for (int i = n - 1; i >= 0; --i) {
      T s = b.v[i];
      KSCAN_UNROLL for (int k = i + 1; k < n; ++k) s -= l.a[k][i] * b.v[k];
      b.v[i] = s * inv[i];
    }
  }

  /// log det of L Lᵀ from its Cholesky factor.
  template <int R, int C>
  KOKKOS_INLINE_FUNCTION static T cholesky_logdet(int n, const Mat<T, R, C>& l) {
    T s = T(0);
    KSCAN_UNROLL for (int i = 0; i < n; ++i) s += math::log(l.a[i][i]);
    return T(2) * s;
  }

  /// Exchanges rows j and i of the first ncols columns when `exchange` holds, through selects:
  /// with fixed sizes every element stays in a register. (Row swaps addressed by a pivot index
  /// known only at run time put the matrix, or the column being searched, in a GPU thread's local
  /// memory -- ptxas's stack frame -- even when written as a branch per row: ptxas folds it back
  /// into an indexed access.)
  template <int R, int C>
  KOKKOS_FORCEINLINE_FUNCTION static void exchange_rows_if(bool exchange, int ncols, int j, int i,
                                                           Mat<T, R, C>& x) {
    KSCAN_UNROLL for (int c = 0; c < ncols; ++c) {
      const T above = x.a[j][c], below = x.a[i][c];
      x.a[j][c] = exchange ? below : above;
      x.a[i][c] = exchange ? above : below;
    }
  }

  /// In-place LU factorisation with partial pivoting. Step j brings the largest |x(i, j)|, i >= j,
  /// to row j by exchanging row j with every row below that is larger than it at that moment (a
  /// tournament: the same pivot as one swap with the maximum, with the other rows in another
  /// order); `pivots` records the exchanges for lu_solve. Returns false when the matrix is
  /// singular to working precision.
  template <int R, int C>
  KOKKOS_INLINE_FUNCTION static bool lu(int n, Mat<T, R, C>& x, Pivots<R>& pivots) {
    KSCAN_UNROLL for (int j = 0; j < n; ++j) pivots.exchanged[j] = 0;  // all set, even on failure
    KSCAN_UNROLL for (int j = 0; j < n; ++j) {
      std::uint32_t exchanged = 0;
      KSCAN_UNROLL for (int i = j + 1; i < n; ++i) {
        const bool larger = math::abs(x.a[i][j]) > math::abs(x.a[j][j]);
        exchange_rows_if(larger, n, j, i, x);
        exchanged |= larger ? std::uint32_t(1) << i : std::uint32_t(0);
      }
      pivots.exchanged[j] = exchanged;
      if (!(math::abs(x.a[j][j]) > T(0))) return false;
      const T inv = T(1) / x.a[j][j];
      KSCAN_UNROLL for (int i = j + 1; i < n; ++i) {
        const T f = x.a[i][j] * inv;
        x.a[i][j] = f;
        KSCAN_UNROLL for (int c = j + 1; c < n; ++c) x.a[i][c] -= f * x.a[j][c];
      }
    }
    return true;
  }

  /// Solves X Z = B in place for the columns of B, given lu() of X.
  template <int R, int C, int RB, int CB>
  KOKKOS_INLINE_FUNCTION static void lu_solve(int n, int ncols, const Mat<T, R, C>& f,
                                              const Pivots<R>& pivots, Mat<T, RB, CB>& b) {
    KSCAN_UNROLL for (int j = 0; j < n; ++j)
      KSCAN_UNROLL for (int i = j + 1; i < n; ++i)
        exchange_rows_if((pivots.exchanged[j] >> i) & 1u, ncols, j, i, b);
    T inv[R];
    reciprocal_diagonal(n, f, inv);
    KSCAN_UNROLL for (int c = 0; c < ncols; ++c) {
      KSCAN_UNROLL for (int i = 0; i < n; ++i) {
        T s = b.a[i][c];
        KSCAN_UNROLL for (int k = 0; k < i; ++k) s -= f.a[i][k] * b.a[k][c];
        b.a[i][c] = s;
      }
      KSCAN_UNROLL for (int i = n - 1; i >= 0; --i) {
        T s = b.a[i][c];
        KSCAN_UNROLL for (int k = i + 1; k < n; ++k) s -= f.a[i][k] * b.a[k][c];
        b.a[i][c] = s * inv[i];
      }
    }
  }

  template <int R, int C, int N>
  KOKKOS_INLINE_FUNCTION static void lu_solve(int n, const Mat<T, R, C>& f,
                                              const Pivots<R>& pivots, Vec<T, N>& b) {
    KSCAN_UNROLL for (int j = 0; j < n; ++j)
      KSCAN_UNROLL for (int i = j + 1; i < n; ++i) {
        const bool exchange = (pivots.exchanged[j] >> i) & 1u;
        const T above = b.v[j], below = b.v[i];
        b.v[j] = exchange ? below : above;
        b.v[i] = exchange ? above : below;
      }
    KSCAN_UNROLL for (int i = 0; i < n; ++i) {
      T s = b.v[i];
      KSCAN_UNROLL for (int k = 0; k < i; ++k) s -= f.a[i][k] * b.v[k];
      b.v[i] = s;
    }
    KSCAN_UNROLL for (int i = n - 1; i >= 0; --i) {
      T s = b.v[i];
      KSCAN_UNROLL for (int k = i + 1; k < n; ++k) s -= f.a[i][k] * b.v[k];
      b.v[i] = s / f.a[i][i];
    }
  }
};

}  // namespace kscan
