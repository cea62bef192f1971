#pragma once
// Square-root filtering elements and their operator (docs/square-root-forms.md): the
// element of filter_element.hpp with C = U Uᵀ and J = Z Zᵀ carried as lower-triangular factors
// U and Z. Every covariance-like quantity comes out of a triangularisation of stacked factors, so
// it is positive semi-definite by construction; nothing is formed and refactored.
#include <type_traits>

#include "kscan/core/impl/triangularise.hpp"
#include "kscan/core/small_matrix.hpp"
#include "kscan/solver/impl/filter_suffixes.hpp"
#include "kscan/solver/impl/observation.hpp"
#include "kscan/solver/impl/prediction.hpp"

namespace kscan {

template <class T, class Dims>
struct SqrtFilterElement {
  using D = Dense<T, Dims>;
  typename D::MatXX A, U, Z;
  typename D::VecX b, eta;
};

/// The square-root filtering operator; with FilterSuffixes::information it adds a combine_suffix
/// that computes only η and Z (SqrtBackwardFilterOperator).
template <class T, class Dims, FilterSuffixes Suffixes = FilterSuffixes::full>
struct SqrtFilterOperator {
  using value_type = SqrtFilterElement<T, Dims>;
  using D = Dense<T, Dims>;
  using Op = dense::Op;

  /// The factor m's lower triangle, the rest zero. U and Z are lower-triangular by construction
  /// (a tria's result, a Cholesky factor, zero), so the combines read them only through this: a
  /// device thread then holds n (n - 1) fewer words of each operand it keeps (12 at nx 4), which
  /// took a chain's spills from 80-200 B to 36-44 B (one-kernel compiles, nx 4, float32).
  template <class MXX>
  KOKKOS_INLINE_FUNCTION static typename D::MatXX lower(int n, const MXX& m) {
    typename D::MatXX l;
    KSCAN_UNROLL for (int r = 0; r < n; ++r)
      KSCAN_UNROLL for (int c = 0; c < n; ++c) l(r, c) = c <= r ? m(r, c) : T(0);
    return l;
  }
  Dims dims;

  KOKKOS_INLINE_FUNCTION value_type identity() const {
    const int n = dims.nx();
    value_type e;
    D::set_identity(n, e.A);
    D::set_zero(n, n, e.U);
    D::set_zero(n, n, e.Z);
    D::set_zero(n, e.b);
    D::set_zero(n, e.eta);
    return e;
  }

  /// i earlier, j later, X = U_iᵀ Z_j. Two triangularisations give the factors:
  /// Ξ = tria([X, I]) (Ξ Ξᵀ = I + U_iᵀ J_j U_i) gives C_i (I + J_j C_i)⁻¹ = G Gᵀ with
  /// G = U_i Ξ⁻ᵀ, and Λ = tria([Xᵀ, I]) (Λ Λᵀ = I + Z_jᵀ C_i Z_j) gives
  /// (I + J_j C_i)⁻¹ J_j = F Fᵀ with F = Z_j Λ⁻ᵀ. Both are at least the identity, so their solves
  /// are well conditioned. (This is the published stacked tria([[X, I], [Z_j, 0]]) =
  /// [[Ξ, 0], [Ξ21, Ξ22]] split in two: Ξ22 Ξ22ᵀ = F Fᵀ by the push-through identity, and a
  /// factor enters the combine only through such products. The halves are n x 2n instead of
  /// 2n x 2n, so a GPU thread holds 2n² words of work instead of 4n²: at nx 4 the stacked form
  /// did not fit in registers beside the two operands.)
  /// The means need M = (I + C_i J_j)⁻¹ itself. The published square-root combine takes it as
  /// I − G Ξ21ᵀ, which cancels catastrophically when C_i J_j is large and its components differ
  /// in scale (measured on issue 14's tracking model in float32: smoothed means 4e-3 off, 0.14
  /// for PTFS over Hillis–Steele, against 6e-6 for the standard form). So M comes from the LU of
  /// I + U_i (U_iᵀ Z_j) Z_jᵀ — a product of the factors, not a covariance — as in the standard
  /// combine, and the means are as accurate as the standard form's.
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& ei, const value_type& ej) const {
    const int n = dims.nx();
    value_type out;
    const Factor f(n, ei.U, ej.Z, Factor::both);
    // η and Z (the last reads of ei's A, η and Z), then b and U, then A = A_j Y with Y = M A_i:
    // the order that ends the earlier operand's parts soonest (combine_into_later for the later)
    const typename D::MatXX Y = f.times(n, ei.A);
    information_part(f, ei, Y, ej.eta, ej.Z, out.eta, out.Z);
    prefix_part(f, ei, ej, out);
    D::gemm(n, n, n, ej.A, Y, out.A);
    return out;
  }

  /// combine(ei, ej) in the order that ends the later operand's parts soonest (b and U, then A,
  /// then η and Z): for a kernel that holds ej across a chain of combines (a reverse scan's
  /// running suffix; ReverseOperator calls this).
  KOKKOS_INLINE_FUNCTION value_type combine_into_later(const value_type& ei,
                                                       const value_type& ej) const {
    value_type out = ej;
    accumulate_later(ei, out);
    return out;
  }

  /// ej = combine(ei, ej) in place, in combine_into_later's order, each part stored as soon as it
  /// is computed (prefix_combine.hpp): a chain whose running value is in memory never holds the
  /// result's parts in registers while it computes the next (the square-root chains' spills,
  /// 32-256 B at nx 4, float32, to none).
  KOKKOS_INLINE_FUNCTION void accumulate_later(const value_type& ei, value_type& ej) const {
    const int n = dims.nx();
    const Factor f(n, ei.U, ej.Z, Factor::both);
    prefix_part(f, ei, ej, ej);
    const typename D::MatXX Y = f.times(n, ei.A);
    typename D::MatXX A;
    D::gemm(n, n, n, ej.A, Y, A);
    ej.A = A;
    information_part(f, ei, Y, ej.eta, ej.Z, ej.eta, ej.Z);
  }

  /// combine(ei, ej) for a prefix ei = a_0 ⊗ … ⊗ a_k (the prior element a_0 has A = 0, η = 0,
  /// Z = 0, so the result's are zero too): only b and U, so no F.
  KOKKOS_INLINE_FUNCTION value_type combine_prefix(const value_type& ei,
                                                   const value_type& ej) const {
    const int n = dims.nx();
    value_type out;
    const Factor f(n, ei.U, ej.Z, Factor::prefix);
    D::set_zero(n, n, out.A);
    D::set_zero(n, n, out.Z);
    D::set_zero(n, out.eta);
    prefix_part(f, ei, ej, out);
    return out;
  }

  /// combine(ei, ej) for a suffix ej = a_k ⊗ … ⊗ a_T, in η and Z only (A, b and U of the result
  /// are zero): those read only η_j and Z_j of the right operand, and a suffix is never a left
  /// one, so every suffix's η and Z are exact. No G, no tria for U: about half the flops of
  /// combine, and a reverse scan's running suffix is read only in η and Z's lower triangle.
  template <FilterSuffixes S = Suffixes,
            std::enable_if_t<S == FilterSuffixes::information, int> = 0>
  KOKKOS_INLINE_FUNCTION value_type combine_suffix(const value_type& ei,
                                                   const value_type& ej) const {
    const int n = dims.nx();
    value_type out;
    D::set_zero(n, n, out.A);
    D::set_zero(n, n, out.U);
    D::set_zero(n, out.b);
    information_from(ei, ej.eta, ej.Z, out.eta, out.Z);
    return out;
  }

  /// The (η, Z) of combine(ei, ej) alone, from ej's (η_j, Z_j): the backward information filter
  /// of the sequential two-filter smoother, one element at a time.
  template <class VX, class MXX>
  KOKKOS_INLINE_FUNCTION void combine_information(const value_type& ei, VX& eta, MXX& Z) const {
    const VX eta_j = eta;
    const MXX Z_j = Z;
    information_from(ei, eta_j, Z_j, eta, Z);
  }

 private:
  /// The (η, Z) of combine(ei, ej) from ej's (η_j, Z_j).
  template <class VX, class MXX>
  KOKKOS_INLINE_FUNCTION void information_from(const value_type& ei, const VX& eta_j,
                                               const MXX& Z_j, VX& eta, MXX& Z) const {
    const int n = dims.nx();
    const Factor f(n, ei.U, Z_j, Factor::information);
    information_part(f, ei, f.times(n, ei.A), eta_j, Z_j, eta, Z);
  }

  /// The LU of I + U_i U_iᵀ Z_j Z_jᵀ = M⁻¹, with G where b and U are wanted (`prefix`) and F
  /// where η and Z are (`information`). M is applied by solves, never formed: an explicit
  /// inverse loses what the solves keep when I + C_i J_j is ill-conditioned (float32 PTFS,
  /// measured).
  struct Factor {
    enum Parts { prefix = 1, information = 2, both = 3 };
    typename D::MatXX G, F, lu;
    typename D::PivotsX piv;
    KOKKOS_INLINE_FUNCTION Factor(int n, const typename D::MatXX& Ui_stored,
                                  const typename D::MatXX& Zj_stored, Parts parts) {
      const typename D::MatXX Ui = lower(n, Ui_stored), Zj = lower(n, Zj_stored);
      typename D::MatXX X;
      D::template gemm<Op::T, Op::N>(n, n, n, Ui, Zj, X);
      if (parts & prefix) {
        G = Ui;
        identity_factor_solve<false>(n, X, G);
      }
      if (parts & information) {
        F = Zj;
        identity_factor_solve<true>(n, X, F);
      }
      typename D::MatXX UX;
      D::gemm(n, n, n, Ui, X, UX);
      D::set_identity(n, lu);
      D::template gemm<Op::N, Op::T>(n, n, n, UX, Zj, lu, T(1), T(1));
      D::lu(n, lu, piv);
    }
    /// B ← B L⁻ᵀ for L = tria([X, I]), or tria([Xᵀ, I]) when `transposed`.
    template <bool transposed>
    KOKKOS_INLINE_FUNCTION static void identity_factor_solve(int n, const typename D::MatXX& X,
                                                             typename D::MatXX& b) {
      Mat<T, Dims::capacity_x, 2 * Dims::capacity_x> w;
      KSCAN_UNROLL for (int r = 0; r < n; ++r)
        KSCAN_UNROLL for (int c = 0; c < n; ++c) {
          w.a[r][c] = transposed ? X(c, r) : X(r, c);
          w.a[r][n + c] = r == c ? T(1) : T(0);
        }
      dense::triangularise(n, 2 * n, n, w);
      dense::right_solve_transposed(n, n, w, b);
    }
    /// M B and M v.
    KOKKOS_INLINE_FUNCTION typename D::MatXX times(int n, typename D::MatXX b) const {
      D::lu_solve(n, n, lu, piv, b);
      return b;
    }
    KOKKOS_INLINE_FUNCTION typename D::VecX times(int n, typename D::VecX v) const {
      D::lu_solve(n, lu, piv, v);
      return v;
    }
  };

  /// b = A_j M (b_i + U_i U_iᵀ η_j) + b_j and U = tria([A_j G, U_j]), which every combine needs.
  /// `out` may be ej (b_j and U_j are read before they are written).
  KOKKOS_INLINE_FUNCTION void prefix_part(const Factor& f, const value_type& ei,
                                          const value_type& ej, value_type& out) const {
    const int n = dims.nx();
    typename D::VecX ue, v, mv;
    D::template gemv<Op::T>(n, n, lower(n, ei.U), ej.eta, ue);
    v = ei.b;
    D::gemv(n, n, lower(n, ei.U), ue, v, true);
    mv = f.times(n, v);
    out.b = ej.b;
    D::gemv(n, n, ej.A, mv, out.b, true);
    Mat<T, Dims::capacity_x, 2 * Dims::capacity_x> side;
    typename D::MatXX AG;
    D::gemm(n, n, n, ej.A, f.G, AG);
    dense::place_block(n, n, AG, side, 0, 0);
    dense::place_block(n, n, lower(n, ej.U), side, 0, n);
    dense::tria(n, 2 * n, side, out.U);
  }

  /// η = A_iᵀ Mᵀ (η_j − Z_j Z_jᵀ b_i) + η_i = Yᵀ (η_j − Z_j Z_jᵀ b_i) + η_i with Y = M A_i, and
  /// Z = tria([A_iᵀ F, Z_i]). eta and Z may be eta_j and Z_j (read before they are written).
  template <class VX, class MXX>
  KOKKOS_INLINE_FUNCTION void information_part(const Factor& f, const value_type& ei,
                                               const typename D::MatXX& Y, const VX& eta_j,
                                               const MXX& Z_j, VX& eta, MXX& Z) const {
    const int n = dims.nx();
    typename D::VecX zb, w;
    D::template gemv<Op::T>(n, n, lower(n, Z_j), ei.b, zb);
    D::gemv(n, n, lower(n, Z_j), zb, w);
    KSCAN_UNROLL for (int r = 0; r < n; ++r) w(r) = eta_j(r) - w(r);
    eta = ei.eta;
    D::template gemv<Op::T>(n, n, Y, w, eta, true);
    Mat<T, Dims::capacity_x, 2 * Dims::capacity_x> side;
    typename D::MatXX AF;
    D::template gemm<Op::T, Op::N>(n, n, n, ei.A, f.F, AF);
    dense::place_block(n, n, AF, side, 0, 0);
    dense::place_block(n, n, lower(n, ei.Z), side, 0, n);
    dense::tria(n, 2 * n, side, Z);
  }
};

/// PTFS's backward scan in square-root form: the operator whose suffixes carry only (η, Z).
template <class T, class Dims>
using SqrtBackwardFilterOperator = SqrtFilterOperator<T, Dims, FilterSuffixes::information>;

/// a_0 = (0, m0, chol(P0), 0, 0): the prior as an element.
template <class T, class Dims, class Model>
KOKKOS_INLINE_FUNCTION SqrtFilterElement<T, Dims> make_sqrt_prior_element(const Dims& dims,
                                                                         const Model& model) {
  using D = Dense<T, Dims>;
  const int n = dims.nx();
  SqrtFilterElement<T, Dims> e;
  D::set_zero(n, n, e.A);
  D::set_zero(n, n, e.Z);
  D::set_zero(n, e.eta);
  KSCAN_UNROLL for (int r = 0; r < n; ++r) {
    e.b(r) = model.m0(r);
    KSCAN_UNROLL for (int c = 0; c < n; ++c) e.U(r, c) = model.P0(r, c);
  }
  dense::psd_factor(n, e.U);
  return e;
}

/// One observation's update in square-root form: tria([[H N, Y], [N, 0]]) for N Nᵀ the covariance
/// of the state before y (Q for an element, P⁻ in the filter) and Y Yᵀ = R. Its blocks are
/// Ψ11 Ψ11ᵀ = S = H N Nᵀ Hᵀ + R, Ψ21 = N Nᵀ Hᵀ Ψ11⁻ᵀ (so the gain is K = Ψ21 Ψ11⁻¹), and
/// Ψ22 Ψ22ᵀ = the updated covariance. R may be singular as long as S is not.
template <class T, class Dims>
struct SqrtUpdate {
  using D = Dense<T, Dims>;
  typename D::MatYY S;   // Ψ11, lower factor of the innovation covariance
  typename D::MatXY KS;  // Ψ21 = K Ψ11
  typename D::MatXX U;   // Ψ22, lower factor of the updated covariance

  /// `full` = false stops after Ψ11 (all an innovation's log-likelihood needs).
  template <class MXX>
  KOKKOS_INLINE_FUNCTION SqrtUpdate(const Dims& dims, const MaskedObservation<T, Dims>& obs,
                                    const MXX& N, bool full = true) {
    const int nx = dims.nx(), ny = dims.ny();
    Mat<T, Dims::capacity_x + Dims::capacity_y, Dims::capacity_x + Dims::capacity_y> w;
    typename D::MatYX HN;
    typename D::MatYY Y = obs.R;
    dense::psd_factor(ny, Y);
    D::gemm(ny, nx, nx, obs.H, N, HN);
    KSCAN_UNROLL for (int r = 0; r < ny; ++r) {
      KSCAN_UNROLL for (int c = 0; c < nx; ++c) w.a[r][c] = HN(r, c);
      KSCAN_UNROLL for (int c = 0; c < ny; ++c) w.a[r][nx + c] = Y(r, c);
    }
    KSCAN_UNROLL for (int r = 0; r < nx; ++r) {
      KSCAN_UNROLL for (int c = 0; c < nx; ++c) w.a[ny + r][c] = N(r, c);
      KSCAN_UNROLL for (int c = 0; c < ny; ++c) w.a[ny + r][nx + c] = T(0);
    }
    dense::triangularise(nx + ny, nx + ny, full ? nx + ny : ny, w);
    KSCAN_UNROLL for (int r = 0; r < ny; ++r)
      KSCAN_UNROLL for (int c = 0; c < ny; ++c) S(r, c) = c <= r ? w.a[r][c] : T(0);
    dense::copy_block(nx, ny, w, ny, 0, KS);
    KSCAN_UNROLL for (int r = 0; r < nx; ++r)
      KSCAN_UNROLL for (int c = 0; c < nx; ++c) U(r, c) = c <= r ? w.a[ny + r][ny + c] : T(0);
  }

  /// False when S is singular (an observation no noise and no uncertainty can explain).
  KOKKOS_INLINE_FUNCTION bool regular(int ny) const {
    KSCAN_UNROLL for (int r = 0; r < ny; ++r)
      if (!(S(r, r) > T(0))) return false;
    return true;
  }
};

/// Element a_{i+1} for time index i in square-root form: with N = chol(Q), the update above gives
/// U = Ψ22, b = c + Ψ21 Ψ11⁻¹ v, A = F − Ψ21 Ψ11⁻¹ H F, and Z = tria(Fᵀ Hᵀ Ψ11⁻ᵀ),
/// η = Fᵀ Hᵀ Ψ11⁻ᵀ Ψ11⁻¹ v.
template <class T, class Dims, class Model, class Y>
KOKKOS_INLINE_FUNCTION SqrtFilterElement<T, Dims> make_sqrt_filter_element(const Dims& dims,
                                                                          const Model& model,
                                                                          const Y& y, int i) {
  using D = Dense<T, Dims>;
  using Op = dense::Op;
  const int nx = dims.nx(), ny = dims.ny();
  const MaskedObservation<T, Dims> obs(dims, model, y, i);
  const Transition<T, Dims> t(dims, model, i);
  typename D::MatXX N = t.Q;
  dense::psd_factor(nx, N);
  const SqrtUpdate<T, Dims> u(dims, obs, N);

  // v = y − H c − d, w = Ψ11⁻¹ v, W = Ψ11⁻¹ H F
  typename D::VecY v = obs.y_minus_d;
  KSCAN_UNROLL for (int r = 0; r < ny; ++r)
    KSCAN_UNROLL for (int k = 0; k < nx; ++k) v(r) -= obs.H(r, k) * t.c(k);
  dense::lower_solve(ny, u.S, v);
  typename D::MatYX W;
  D::gemm(ny, nx, nx, obs.H, t.F, W);
  dense::lower_solve(ny, nx, u.S, W);

  SqrtFilterElement<T, Dims> e;
  e.U = u.U;
  e.b = t.c;
  D::gemv(nx, ny, u.KS, v, e.b, true);
  e.A = t.F;
  D::gemm(nx, nx, ny, u.KS, W, e.A, T(-1), T(1));
  D::set_zero(nx, e.eta);
  D::template gemv<Op::T>(nx, ny, W, v, e.eta);
  typename D::MatXY WT;
  KSCAN_UNROLL for (int r = 0; r < nx; ++r)
    KSCAN_UNROLL for (int c = 0; c < ny; ++c) WT(r, c) = W(c, r);
  dense::tria(nx, ny, WT, e.Z);
  return e;
}

}  // namespace kscan
