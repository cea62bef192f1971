#pragma once
// Smoothing elements and their operator (docs/kalman-scan-math.md, "Smoothing elements (PRTS)"),
// and the two-filter combination shared by TFS and PTFS.
#include "kscan/core/small_matrix.hpp"
#include "kscan/solver/impl/observation.hpp"
#include "kscan/solver/impl/prediction.hpp"

namespace kscan {

template <class T, class Dims>
struct SmoothElement {
  using D = Dense<T, Dims>;
  typename D::MatXX E, L;
  typename D::VecX g;
};

template <class T, class Dims>
struct SmoothOperator {
  using value_type = SmoothElement<T, Dims>;
  using D = Dense<T, Dims>;
  Dims dims;

  KOKKOS_INLINE_FUNCTION value_type identity() const {
    const int n = dims.nx();
    value_type e;
    D::set_identity(n, e.E);
    D::set_zero(n, n, e.L);
    D::set_zero(n, e.g);
    return e;
  }

  /// i earlier, j later: E = E_i E_j, g = E_i g_j + g_i, L = E_i L_j E_iᵀ + L_i.
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& ei, const value_type& ej) const {
    value_type out;
    D::gemm(dims.nx(), dims.nx(), dims.nx(), ei.E, ej.E, out.E);
    suffix_part(ei, ej, out);
    return out;
  }

  /// combine(ei, ej) for a suffix ej = a_k ⊗ … ⊗ a_T: the last element has E = 0
  /// (make_smooth_element), so E_j and the result's E are zero and that product is skipped.
  KOKKOS_INLINE_FUNCTION value_type combine_suffix(const value_type& ei,
                                                   const value_type& ej) const {
    value_type out;
    D::set_zero(dims.nx(), dims.nx(), out.E);
    suffix_part(ei, ej, out);
    return out;
  }

 private:
  /// g and L, which every combine computes.
  KOKKOS_INLINE_FUNCTION void suffix_part(const value_type& ei, const value_type& ej,
                                          value_type& out) const {
    const int n = dims.nx();
    out.g = ei.g;
    D::gemv(n, n, ei.E, ej.g, out.g, true);
    typename D::MatXX t;
    D::gemm(n, n, n, ei.E, ej.L, t);
    out.L = ei.L;
    D::template gemm<dense::Op::N, dense::Op::T>(n, n, n, t, ei.E, out.L, T(1), T(1));
    D::symmetrise(n, out.L);
  }
};

/// Smoothing element for step k (1..T) from its filtered (m, P). `last` is k = T; otherwise the
/// transition out of k is model slot at(k): E = P Fᵀ (F P Fᵀ + Q)⁻¹, g = m − E (F m + c),
/// L = P − E F P.
template <class T, class Dims, class Model, class Mean, class Cov>
KOKKOS_INLINE_FUNCTION SmoothElement<T, Dims> make_smooth_element(const Dims& dims,
                                                                  const Model& model,
                                                                  const Mean& m, const Cov& P,
                                                                  int k, bool last) {
  using D = Dense<T, Dims>;
  const int n = dims.nx();
  SmoothElement<T, Dims> e;
  typename D::MatXX Pk;
  typename D::VecX mk;
  KSCAN_UNROLL for (int r = 0; r < n; ++r) {
    mk(r) = m(r);
    KSCAN_UNROLL for (int c = 0; c < n; ++c) Pk(r, c) = P(r, c);
  }
  if (last) {
    D::set_zero(n, n, e.E);
    e.g = mk;
    e.L = Pk;
    return e;
  }
  Prediction<T, Dims> p(dims, model, k, mk, Pk);
  // Eᵀ = (F P Fᵀ + Q)⁻¹ F P
  D::cholesky(n, p.cov);
  typename D::MatXX ET = p.FP;
  D::cholesky_solve(n, n, p.cov, ET);
  KSCAN_UNROLL for (int r = 0; r < n; ++r)
    KSCAN_UNROLL for (int cc = 0; cc < n; ++cc) e.E(r, cc) = ET(cc, r);
  // g = m − E (F m + c)
  e.g = mk;
  KSCAN_UNROLL for (int r = 0; r < n; ++r)
    KSCAN_UNROLL for (int l = 0; l < n; ++l) e.g(r) -= e.E(r, l) * p.mean(l);
  // L = P − E F P
  e.L = Pk;
  D::gemm(n, n, n, e.E, p.FP, e.L, T(-1), T(1));
  D::symmetrise(n, e.L);
  return e;
}

/// Two-filter combination: P^s = (I + P J)⁻¹ P, m^s = (I + P J)⁻¹ (m + P η), written into
/// (m, P) in place.
template <class T, class Dims, class VX, class MXX>
KOKKOS_INLINE_FUNCTION void two_filter_combine(const Dims& dims, VX& m, MXX& P, const MXX& J,
                                               const VX& eta) {
  using D = Dense<T, Dims>;
  const int n = dims.nx();
  MXX x;
  typename D::PivotsX piv;
  D::gemm(n, n, n, P, J, x);
  KSCAN_UNROLL for (int r = 0; r < n; ++r) x(r, r) += T(1);
  D::lu(n, x, piv);
  D::gemv(n, n, P, eta, m, true);
  D::lu_solve(n, x, piv, m);
  D::lu_solve(n, n, x, piv, P);
  D::symmetrise(n, P);
}

}  // namespace kscan
