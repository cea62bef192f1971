#pragma once
// Filtering elements and their associative operator (math note, "Filtering elements (PKF)").
// The inclusive prefix a_0 ⊗ … ⊗ a_k carries (b, C) = (m_k, P_k); the suffix a_{k+1} ⊗ … ⊗ a_T
// carries (η, J), the information-form likelihood of y_{k+1..T} given x_k (used by PTFS).
#include "kscan/core/small_matrix.hpp"
#include "kscan/solver/observation.hpp"

namespace kscan {

template <class T, class Dims>
struct FilterElement {
  using D = Dense<T, Dims>;
  typename D::MatXX A, C, J;
  typename D::VecX b, eta;
};

template <class T, class Dims>
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

  /// i earlier, j later. M = (I + C_i J_j)⁻¹ and Mᵀ = (I + J_j C_i)⁻¹ are applied by LU solves.
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& ei, const value_type& ej) const {
    const int n = dims.nx();
    value_type out;
    typename D::MatXX x, xt, tmp;
    int piv[Dims::capacity_x], pivt[Dims::capacity_x];
    // x = I + C_i J_j, xt = xᵀ = I + J_j C_i (C and J symmetric)
    D::gemm(n, n, n, ei.C, ej.J, x);
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) xt(r, c) = x(c, r);
    for (int r = 0; r < n; ++r) {
      x(r, r) += T(1);
      xt(r, r) += T(1);
    }
    D::lu(n, x, piv);
    D::lu(n, xt, pivt);

    // A = A_j M A_i
    tmp = ei.A;
    D::lu_solve(n, n, x, piv, tmp);
    D::gemm(n, n, n, ej.A, tmp, out.A);

    // b = A_j M (b_i + C_i η_j) + b_j
    typename D::VecX v;
    v = ei.b;
    D::gemv(n, n, ei.C, ej.eta, v, true);
    D::lu_solve(n, x, piv, v);
    out.b = ej.b;
    D::gemv(n, n, ej.A, v, out.b, true);

    // C = A_j M C_i A_jᵀ + C_j
    tmp = ei.C;
    D::lu_solve(n, n, x, piv, tmp);
    typename D::MatXX t2;
    D::gemm(n, n, n, ej.A, tmp, t2);
    out.C = ej.C;
    D::template gemm<Op::N, Op::T>(n, n, n, t2, ej.A, out.C, T(1), T(1));
    D::symmetrise(n, out.C);

    // η = A_iᵀ Mᵀ (η_j − J_j b_i) + η_i
    v = ej.eta;
    D::gemv(n, n, ej.J, ei.b, v, false);
    for (int r = 0; r < n; ++r) v(r) = ej.eta(r) - v(r);
    D::lu_solve(n, xt, pivt, v);
    out.eta = ei.eta;
    D::template gemv<Op::T>(n, n, ei.A, v, out.eta, true);

    // J = A_iᵀ Mᵀ J_j A_i + J_i
    tmp = ej.J;
    D::lu_solve(n, n, xt, pivt, tmp);
    D::gemm(n, n, n, tmp, ei.A, t2);
    out.J = ei.J;
    D::template gemm<Op::T, Op::N>(n, n, n, ei.A, t2, out.J, T(1), T(1));
    D::symmetrise(n, out.J);
    return out;
  }
};

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
  for (int r = 0; r < n; ++r) {
    e.b(r) = model.m0(r);
    for (int c = 0; c < n; ++c) e.C(r, c) = model.P0(r, c);
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
  const int nx = dims.nx(), ny = dims.ny(), s = model.at(i);
  const MaskedObservation<T, Dims> obs(dims, model, y, i);
  typename D::MatXX F, Q;
  typename D::VecX c;
  load(F, model.F, s, nx, nx);
  load(Q, model.Q, s, nx, nx);
  load_vector(c, model.c, s, nx);

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
  for (int r = 0; r < ny; ++r)
    for (int k = 0; k < nx; ++k) v(r) -= obs.H(r, k) * c(k);

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
