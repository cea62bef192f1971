#pragma once
// The kernels of the square-root forms (docs/square-root-forms.md): the triangularisation
// tria(W) — a lower-triangular L with L Lᵀ = W Wᵀ, from Householder reflections applied from the
// right, so W Wᵀ is never formed —, the triangular solves its blocks are used in, and the
// Cholesky factor of a positive semi-definite model matrix (a zero variance is exact, not an
// error). Factors have a non-negative diagonal, so tria's result is unique where W has full rank.
#include "kscan/core/small_matrix.hpp"

namespace kscan::dense {

/// Reflects W (m x k) from the right, W ← W Q, so that row j is zero beyond its diagonal for
/// every j < steps (steps <= min(m, k)). The leading `steps` columns are then lower-trapezoidal
/// with a non-negative diagonal and W Wᵀ is unchanged. With steps = m, the leading m x m block is
/// tria(W) (zero columns beyond k when k < m). A smaller `steps` gives the leading block rows of a
/// stacked factorisation without finishing the trailing block.
template <class T, int R, int C>
KOKKOS_INLINE_FUNCTION void triangularise(int m, int k, int steps, Mat<T, R, C>& w) {
  KSCAN_UNROLL for (int j = 0; j < steps; ++j) {
    // Scaled norm of the row's tail: no overflow or underflow in float32 squares.
    T scale = T(0);
    KSCAN_UNROLL for (int l = j; l < k; ++l)
      scale = math::abs(w.a[j][l]) > scale ? math::abs(w.a[j][l]) : scale;
    if (!(scale > T(0))) continue;
    T sigma = T(0);
    KSCAN_UNROLL for (int l = j + 1; l < k; ++l) sigma += (w.a[j][l] / scale) * (w.a[j][l] / scale);
    const T alpha = w.a[j][j];
    if (sigma > T(0)) {
      const T a = alpha / scale;
      const T norm = scale * math::sqrt(a * a + sigma);
      const T beta = alpha >= T(0) ? -norm : norm;
      // v = (1, w_j,l / (alpha - beta) for l > j), tau = (beta - alpha) / beta
      const T inv_v0 = T(1) / (alpha - beta);
      KSCAN_UNROLL for (int l = j + 1; l < k; ++l) w.a[j][l] *= inv_v0;
      const T tau = (beta - alpha) / beta;
      KSCAN_UNROLL for (int i = j + 1; i < m; ++i) {
        T s = w.a[i][j];
        KSCAN_UNROLL for (int l = j + 1; l < k; ++l) s += w.a[i][l] * w.a[j][l];
        s *= tau;
        w.a[i][j] -= s;
        KSCAN_UNROLL for (int l = j + 1; l < k; ++l) w.a[i][l] -= s * w.a[j][l];
      }
      w.a[j][j] = beta;
      KSCAN_UNROLL for (int l = j + 1; l < k; ++l) w.a[j][l] = T(0);
    }
    if (w.a[j][j] < T(0))  // a column's sign is free: W Wᵀ does not see it
      KSCAN_UNROLL for (int i = j; i < m; ++i) w.a[i][j] = -w.a[i][j];
  }
}

/// The m x m lower-triangular L with L Lᵀ = W Wᵀ, for W m x k (W is overwritten).
template <class T, int R, int C, int RL, int CL>
KOKKOS_INLINE_FUNCTION void tria(int m, int k, Mat<T, R, C>& w, Mat<T, RL, CL>& l) {
  triangularise(m, k, m < k ? m : k, w);
  KSCAN_UNROLL for (int i = 0; i < m; ++i)
    KSCAN_UNROLL for (int j = 0; j < m; ++j) l.a[i][j] = (j <= i && j < k) ? w.a[i][j] : T(0);
}

/// Copies the rows x cols block of `from` at (r0, c0) into `to` at (0, 0).
template <class T, int R, int C, int RT, int CT>
KOKKOS_FORCEINLINE_FUNCTION void copy_block(int rows, int cols, const Mat<T, R, C>& from, int r0,
                                            int c0, Mat<T, RT, CT>& to) {
  KSCAN_UNROLL for (int i = 0; i < rows; ++i)
    KSCAN_UNROLL for (int j = 0; j < cols; ++j) to.a[i][j] = from.a[r0 + i][c0 + j];
}

/// Copies `from` (rows x cols) into `to` at (r0, c0).
template <class T, int R, int C, int RT, int CT>
KOKKOS_FORCEINLINE_FUNCTION void place_block(int rows, int cols, const Mat<T, R, C>& from,
                                             Mat<T, RT, CT>& to, int r0, int c0) {
  KSCAN_UNROLL for (int i = 0; i < rows; ++i)
    KSCAN_UNROLL for (int j = 0; j < cols; ++j) to.a[r0 + i][c0 + j] = from.a[i][j];
}

/// B ← L⁻¹ B for lower-triangular n x n L and B n x ncols.
template <class T, int R, int C, int RB, int CB>
KOKKOS_INLINE_FUNCTION void lower_solve(int n, int ncols, const Mat<T, R, C>& l, Mat<T, RB, CB>& b) {
  KSCAN_UNROLL for (int i = 0; i < n; ++i) {
    const T inv = T(1) / l.a[i][i];
    KSCAN_UNROLL for (int c = 0; c < ncols; ++c) {
      T s = b.a[i][c];
      KSCAN_UNROLL for (int k = 0; k < i; ++k) s -= l.a[i][k] * b.a[k][c];
      b.a[i][c] = s * inv;
    }
  }
}

/// v ← L⁻¹ v.
template <class T, int R, int C, int N>
KOKKOS_INLINE_FUNCTION void lower_solve(int n, const Mat<T, R, C>& l, Vec<T, N>& v) {
  KSCAN_UNROLL for (int i = 0; i < n; ++i) {
    T s = v.v[i];
    KSCAN_UNROLL for (int k = 0; k < i; ++k) s -= l.a[i][k] * v.v[k];
    v.v[i] = s / l.a[i][i];
  }
}

/// B ← B L⁻ᵀ for lower-triangular n x n L and B rows x n: each row b solves L x = b.
template <class T, int R, int C, int RB, int CB>
KOKKOS_INLINE_FUNCTION void right_solve_transposed(int rows, int n, const Mat<T, R, C>& l,
                                                   Mat<T, RB, CB>& b) {
  KSCAN_UNROLL for (int j = 0; j < n; ++j) {
    const T inv = T(1) / l.a[j][j];
    KSCAN_UNROLL for (int r = 0; r < rows; ++r) {
      T s = b.a[r][j];
      KSCAN_UNROLL for (int k = 0; k < j; ++k) s -= b.a[r][k] * l.a[j][k];
      b.a[r][j] = s * inv;
    }
  }
}

/// B ← B L⁻¹ for lower-triangular n x n L and B rows x n: each row b solves Lᵀ x = b.
template <class T, int R, int C, int RB, int CB>
KOKKOS_INLINE_FUNCTION void right_solve(int rows, int n, const Mat<T, R, C>& l, Mat<T, RB, CB>& b) {
  KSCAN_UNROLL for (int j = n - 1; j >= 0; --j) {
    const T inv = T(1) / l.a[j][j];
    KSCAN_UNROLL for (int r = 0; r < rows; ++r) {
      T s = b.a[r][j];
      KSCAN_UNROLL for (int k = j + 1; k < n; ++k) s -= b.a[r][k] * l.a[k][j];
      b.a[r][j] = s * inv;
    }
  }
}

/// In-place lower Cholesky factor of a symmetric positive semi-definite n x n matrix. A pivot at
/// round-off level of its own diagonal entry (an exactly observed component, a low-rank
/// R = X Xᵀ) gives a zero column: the factor then has the matrix's rank and L Lᵀ equals it. The
/// floor is per column, so small variances beside large ones (P0 = diag(1e7, 1)) are kept.
template <class T, int R, int C>
KOKKOS_INLINE_FUNCTION void psd_factor(int n, Mat<T, R, C>& x) {
  KSCAN_UNROLL for (int j = 0; j < n; ++j) {
    const T floor = T(4 * n) * math::epsilon<T>() * x.a[j][j];
    T d = x.a[j][j];
    KSCAN_UNROLL for (int l = 0; l < j; ++l) d -= x.a[j][l] * x.a[j][l];
    if (d > floor) {
      d = math::sqrt(d);
      x.a[j][j] = d;
      const T inv = T(1) / d;
      KSCAN_UNROLL for (int i = j + 1; i < n; ++i) {
        T s = x.a[i][j];
        KSCAN_UNROLL for (int l = 0; l < j; ++l) s -= x.a[i][l] * x.a[j][l];
        x.a[i][j] = s * inv;
      }
    } else {
      KSCAN_UNROLL for (int i = j; i < n; ++i) x.a[i][j] = T(0);
    }
    KSCAN_UNROLL for (int i = 0; i < j; ++i) x.a[i][j] = T(0);
  }
}

/// P = L Lᵀ for lower-triangular n x n L (the covariance a factor stands for).
template <class T, int R, int C, int RP, int CP>
KOKKOS_INLINE_FUNCTION void factor_product(int n, const Mat<T, R, C>& l, Mat<T, RP, CP>& p) {
  KSCAN_UNROLL for (int i = 0; i < n; ++i)
    KSCAN_UNROLL for (int j = 0; j <= i; ++j) {
      T s = T(0);
      KSCAN_UNROLL for (int k = 0; k <= j; ++k) s += l.a[i][k] * l.a[j][k];
      p.a[i][j] = s;
      p.a[j][i] = s;
    }
}

}  // namespace kscan::dense
