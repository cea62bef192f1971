#pragma once
// Filtering elements and their associative operator (docs/kalman-scan-math.md,
// "Filtering elements (PKF)").
// The inclusive prefix a_0 ⊗ … ⊗ a_k carries (b, C) = (m_k, P_k); the suffix a_{k+1} ⊗ … ⊗ a_T
// carries (η, J), the information-form likelihood of y_{k+1..T} given x_k (used by PTFS).
#include <type_traits>

#include "kscan/core/small_matrix.hpp"
#include "kscan/solver/impl/filter_suffixes.hpp"
#include "kscan/solver/impl/observation.hpp"
#include "kscan/solver/impl/prediction.hpp"

namespace kscan {

template <class T, class Dims>
struct FilterElement {
  using D = Dense<T, Dims>;
  typename D::MatXX A, C, J;
  typename D::VecX b, eta;
};

/// The filtering operator; with FilterSuffixes::information it adds a combine_suffix that
/// computes only η and J (BackwardFilterOperator).
template <class T, class Dims, FilterSuffixes Suffixes = FilterSuffixes::full>
struct FilterOperator {
  using value_type = FilterElement<T, Dims>;
  using D = Dense<T, Dims>;
  using Op = dense::Op;
  Dims dims;

  KOKKOS_INLINE_FUNCTION value_type identity() const {
    const int n = dims.nx();
    value_type e;
    D::set_identity(n, e.A);
    D::set_zero(n, n, e.C);
    D::set_zero(n, n, e.J);
    D::set_zero(n, e.b);
    D::set_zero(n, e.eta);
    return e;
  }

  /// i earlier, j later. With M = (I + C_i J_j)⁻¹, applied through one LU of I + C_i J_j:
  /// Y = M A_i and U = M C_i are solves, and Aᵢᵀ Mᵀ = Yᵀ, so no second factorisation of the
  /// transpose is needed. The parts come in the order that ends the earlier operand's parts
  /// soonest (what a GPU thread that holds ei across a chain keeps in registers at once): η and
  /// J (the last reads of A_i, η_i, J_i and J_j), then b and C, then A = A_j Y.
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& ei, const value_type& ej) const {
    const int n = dims.nx();
    value_type out;
    Factor f(n, ei, ej);
    const typename D::MatXX Y = information_part(f, ei, ej, out);
    prefix_part(f, ei, ej, out);
    D::gemm(n, n, n, ej.A, Y, out.A);
    return out;
  }

  /// combine(ei, ej) in the order that ends the later operand's parts soonest: b and C, then η
  /// and J, then A. For a kernel that holds ej across a chain of combines (a reverse scan's
  /// running suffix: ReverseOperator calls this), where combine's order would keep all of ej
  /// live while ei is read.
  KOKKOS_INLINE_FUNCTION value_type combine_into_later(const value_type& ei,
                                                       const value_type& ej) const {
    value_type out = ej;
    accumulate_later(ei, out);
    return out;
  }

  /// ej = combine(ei, ej) in place, in combine_into_later's order, each part stored as soon as it
  /// is computed (prefix_combine.hpp): for the chains whose running value is in memory
  /// (team_blocks' chains and team scan, which spilled 16-32 B through combine_unheld, nx 4,
  /// float32; none in place).
  KOKKOS_INLINE_FUNCTION void accumulate_later(const value_type& ei, value_type& ej) const {
    const int n = dims.nx();
    Factor f(n, ei, ej);
    prefix_part(f, ei, ej, ej);
    const typename D::MatXX Y = information_part(f, ei, ej, ej);
    typename D::MatXX A;
    D::gemm(n, n, n, ej.A, Y, A);
    ej.A = A;
  }

  /// combine(ei, ej) for a suffix ej = a_k ⊗ … ⊗ a_T, in η and J only (A, b and C of the result
  /// are zero): those two read only η_j and J_j of the right operand, and a suffix is never a
  /// left one (nothing follows a_T), so every suffix's η and J are exact. About half the flops
  /// of combine.
  template <FilterSuffixes S = Suffixes,
            std::enable_if_t<S == FilterSuffixes::information, int> = 0>
  KOKKOS_INLINE_FUNCTION value_type combine_suffix(const value_type& ei,
                                                   const value_type& ej) const {
    const int n = dims.nx();
    value_type out;
    Factor f(n, ei, ej);
    D::set_zero(n, n, out.A);
    D::set_zero(n, n, out.C);
    D::set_zero(n, out.b);
    information_part(f, ei, ej, out);
    return out;
  }

  /// combine(ei, ej) for a prefix ei = a_0 ⊗ … ⊗ a_k of a sequence that starts with the prior
  /// element a_0 = (0, m0, P0, 0, 0) (make_prior_element): then A_i = 0, η_i = 0 and J_i = 0
  /// (each is a product with, or a sum over, a_0's zeros), so A, η and J of the result are zero
  /// as well and only b and C are computed: about half the flops of combine.
  KOKKOS_INLINE_FUNCTION value_type combine_prefix(const value_type& ei,
                                                   const value_type& ej) const {
    const int n = dims.nx();
    value_type out;
    Factor f(n, ei, ej);
    D::set_zero(n, n, out.A);
    D::set_zero(n, n, out.J);
    D::set_zero(n, out.eta);
    prefix_part(f, ei, ej, out);
    return out;
  }

 private:
  /// The LU factorisation of I + C_i J_j.
  struct Factor {
    typename D::MatXX x;
    typename D::PivotsX piv;
    KOKKOS_INLINE_FUNCTION Factor(int n, const value_type& ei, const value_type& ej) {
      D::gemm(n, n, n, ei.C, ej.J, x);
      KSCAN_UNROLL for (int r = 0; r < n; ++r) x(r, r) += T(1);
      D::lu(n, x, piv);
    }
  };

  /// The parts every combine computes: b = A_j M (b_i + C_i η_j) + b_j and
  /// C = A_j M C_i A_jᵀ + C_j. `out` may be ej (b_j and C_j are read before they are written).
  KOKKOS_INLINE_FUNCTION void prefix_part(const Factor& f, const value_type& ei,
                                          const value_type& ej, value_type& out) const {
    const int n = dims.nx();
    typename D::VecX v = ei.b;
    D::gemv(n, n, ei.C, ej.eta, v, true);
    D::lu_solve(n, f.x, f.piv, v);
    out.b = ej.b;
    D::gemv(n, n, ej.A, v, out.b, true);
    typename D::MatXX U = ei.C, AU;
    D::lu_solve(n, n, f.x, f.piv, U);
    D::gemm(n, n, n, ej.A, U, AU);
    out.C = ej.C;
    D::template gemm<Op::N, Op::T>(n, n, n, AU, ej.A, out.C, T(1), T(1));
    D::symmetrise(n, out.C);
  }

  /// η = A_iᵀ Mᵀ (η_j − J_j b_i) + η_i = Yᵀ (η_j − J_j b_i) + η_i and
  /// J = A_iᵀ Mᵀ J_j A_i + J_i = Yᵀ (J_j A_i) + J_i; returns Y = M A_i. The products with J_j
  /// come before Y, so J_j is dead before Y is live (and `out` may be ej).
  KOKKOS_INLINE_FUNCTION typename D::MatXX information_part(const Factor& f,
                                                            const value_type& ei,
                                                            const value_type& ej,
                                                            value_type& out) const {
    const int n = dims.nx();
    typename D::VecX v;
    D::gemv(n, n, ej.J, ei.b, v);
    KSCAN_UNROLL for (int r = 0; r < n; ++r) v(r) = ej.eta(r) - v(r);
    typename D::MatXX JA;
    D::gemm(n, n, n, ej.J, ei.A, JA);
    typename D::MatXX Y = ei.A;
    D::lu_solve(n, n, f.x, f.piv, Y);
    out.eta = ei.eta;
    D::template gemv<Op::T>(n, n, Y, v, out.eta, true);
    out.J = ei.J;
    D::template gemm<Op::T, Op::N>(n, n, n, Y, JA, out.J, T(1), T(1));
    D::symmetrise(n, out.J);
    return Y;
  }
};

/// PTFS's backward scan: the filtering operator whose suffixes carry only (η, J).
template <class T, class Dims>
using BackwardFilterOperator = FilterOperator<T, Dims, FilterSuffixes::information>;

/// a_0 = (0, m0, P0, 0, 0): the prior as an element, so the prefix needs no special first step.
template <class T, class Dims, class Model>
KOKKOS_INLINE_FUNCTION FilterElement<T, Dims> make_prior_element(const Dims& dims,
                                                                 const Model& model) {
  using D = Dense<T, Dims>;
  const int n = dims.nx();
  FilterElement<T, Dims> e;
  D::set_zero(n, n, e.A);
  D::set_zero(n, n, e.J);
  D::set_zero(n, e.eta);
  KSCAN_UNROLL for (int r = 0; r < n; ++r) {
    e.b(r) = model.m0(r);
    KSCAN_UNROLL for (int c = 0; c < n; ++c) e.C(r, c) = model.P0(r, c);
  }
  return e;
}

/// Element a_{i+1} for time index i (transition F[i], c[i], Q[i] into step i+1, observation y[i]).
template <class T, class Dims, class Model, class Y>
KOKKOS_INLINE_FUNCTION FilterElement<T, Dims> make_filter_element(const Dims& dims,
                                                                  const Model& model, const Y& y,
                                                                  int i) {
  using D = Dense<T, Dims>;
  using Op = dense::Op;
  const int nx = dims.nx(), ny = dims.ny();
  const MaskedObservation<T, Dims> obs(dims, model, y, i);
  const Transition<T, Dims> t(dims, model, i);
  const auto& F = t.F;
  const auto& Q = t.Q;
  const auto& c = t.c;

  // S = H Q Hᵀ + R (Cholesky), HQ = H Q, HF = H F
  typename D::MatYX HQ, HF, KT, SinvHF;
  typename D::MatYY S;
  D::gemm(ny, nx, nx, obs.H, Q, HQ);
  D::gemm(ny, nx, nx, obs.H, F, HF);
  S = obs.R;
  D::template gemm<Op::N, Op::T>(ny, ny, nx, HQ, obs.H, S, T(1), T(1));
  D::symmetrise(ny, S);
  D::cholesky(ny, S);

  // Kᵀ = S⁻¹ H Q;  v = y − H c − d
  KT = HQ;
  D::cholesky_solve(ny, nx, S, KT);
  typename D::VecY v = obs.y_minus_d, Sinv_v;
  KSCAN_UNROLL for (int r = 0; r < ny; ++r)
    KSCAN_UNROLL for (int k = 0; k < nx; ++k) v(r) -= obs.H(r, k) * c(k);

  FilterElement<T, Dims> e;
  // A = F − K H F,  b = c + K v,  C = Q − K H Q
  e.A = F;
  D::template gemm<Op::T, Op::N>(nx, nx, ny, KT, HF, e.A, T(-1), T(1));
  e.b = c;
  D::template gemv<Op::T>(nx, ny, KT, v, e.b, true);
  e.C = Q;
  D::template gemm<Op::T, Op::N>(nx, nx, ny, KT, HQ, e.C, T(-1), T(1));
  D::symmetrise(nx, e.C);

  // η = (HF)ᵀ S⁻¹ v,  J = (HF)ᵀ S⁻¹ HF
  Sinv_v = v;
  D::cholesky_solve(ny, S, Sinv_v);
  D::set_zero(nx, e.eta);
  D::template gemv<Op::T>(nx, ny, HF, Sinv_v, e.eta, false);
  SinvHF = HF;
  D::cholesky_solve(ny, nx, S, SinvHF);
  D::template gemm<Op::T, Op::N>(nx, nx, ny, HF, SinvHF, e.J);
  D::symmetrise(nx, e.J);
  return e;
}

}  // namespace kscan
