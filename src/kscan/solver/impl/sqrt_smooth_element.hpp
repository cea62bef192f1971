#pragma once
// Square-root smoothing elements and their operator (docs/square-root-forms.md): the
// element of smooth_element.hpp with L = D Dᵀ carried as its lower-triangular factor D, the RTS
// gain from one triangularisation of the stacked prediction, and the two-filter combination in
// square-root form.
#include "kscan/core/small_matrix.hpp"
#include "kscan/core/impl/triangularise.hpp"
#include "kscan/solver/impl/prediction.hpp"
#include "kscan/solver/impl/sqrt_filter_element.hpp"

namespace kscan {

template <class T, class Dims>
struct SqrtSmoothElement {
  using Dn = Dense<T, Dims>;
  typename Dn::MatXX E, D;
  typename Dn::VecX g;
};

/// One transition out of a filtered step k in square-root form: with N = chol(Q_k) and U the
/// filtered factor, tria([[F U, N], [U, 0]]) = [[Φ11, 0], [Φ21, Φ22]] has Φ11 Φ11ᵀ = F P Fᵀ + Q
/// (the prediction), Φ21 Φ11ᵀ = P Fᵀ, so the RTS gain is E = Φ21 Φ11⁻¹, and Φ22 Φ22ᵀ = P − E F P.
template <class T, class Dims>
struct SqrtSmoothingGain {
  using Dn = Dense<T, Dims>;
  typename Dn::MatXX E, D;   // the gain, and the factor of P − E F P
  typename Dn::VecX predicted;  // F m + c

  template <class Model, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION SqrtSmoothingGain(const Dims& dims, const Model& model, int k,
                                           const VX& m, const MXX& U) {
    const int n = dims.nx();
    const Transition<T, Dims> t(dims, model, k);
    typename Dn::MatXX N = t.Q, FU, phi11;
    dense::psd_factor(n, N);
    Dn::gemm(n, n, n, t.F, U, FU);
    Mat<T, 2 * Dims::capacity_x, 2 * Dims::capacity_x> w;
    KSCAN_UNROLL for (int r = 0; r < n; ++r)
      KSCAN_UNROLL for (int c = 0; c < n; ++c) {
        w.a[r][c] = FU(r, c);
        w.a[r][n + c] = N(r, c);
        w.a[n + r][c] = U(r, c);
        w.a[n + r][n + c] = T(0);
      }
    dense::triangularise(2 * n, 2 * n, 2 * n, w);
    dense::copy_block(n, n, w, 0, 0, phi11);
    dense::copy_block(n, n, w, n, 0, E);
    dense::right_solve(n, n, phi11, E);
    KSCAN_UNROLL for (int r = 0; r < n; ++r)
      KSCAN_UNROLL for (int c = 0; c < n; ++c) D(r, c) = c <= r ? w.a[n + r][n + c] : T(0);
    predicted = t.c;
    Dn::gemv(n, n, t.F, m, predicted, true);
  }
};

template <class T, class Dims>
struct SqrtSmoothOperator {
  using value_type = SqrtSmoothElement<T, Dims>;
  using Dn = Dense<T, Dims>;
  Dims dims;

  KOKKOS_INLINE_FUNCTION value_type identity() const {
    const int n = dims.nx();
    value_type e;
    Dn::set_identity(n, e.E);
    Dn::set_zero(n, n, e.D);
    Dn::set_zero(n, e.g);
    return e;
  }

  /// i earlier, j later: E = E_i E_j, g = E_i g_j + g_i, D = tria([E_i D_j, D_i]).
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& ei, const value_type& ej) const {
    value_type out;
    Dn::gemm(dims.nx(), dims.nx(), dims.nx(), ei.E, ej.E, out.E);
    suffix_part(ei, ej, out);
    return out;
  }

  /// combine(ei, ej) for a suffix ej = a_k ⊗ … ⊗ a_T, whose E is zero (the last element's is).
  KOKKOS_INLINE_FUNCTION value_type combine_suffix(const value_type& ei,
                                                   const value_type& ej) const {
    value_type out;
    Dn::set_zero(dims.nx(), dims.nx(), out.E);
    suffix_part(ei, ej, out);
    return out;
  }

 private:
  KOKKOS_INLINE_FUNCTION void suffix_part(const value_type& ei, const value_type& ej,
                                          value_type& out) const {
    const int n = dims.nx();
    out.g = ei.g;
    Dn::gemv(n, n, ei.E, ej.g, out.g, true);
    typename Dn::MatXX ED;
    Dn::gemm(n, n, n, ei.E, ej.D, ED);
    Mat<T, Dims::capacity_x, 2 * Dims::capacity_x> side;
    dense::place_block(n, n, ED, side, 0, 0);
    dense::place_block(n, n, ei.D, side, 0, n);
    dense::tria(n, 2 * n, side, out.D);
  }
};

/// Smoothing element for step k (1..T) from its filtered mean m and factor U; `last` is k = T
/// (E = 0, g = m, D = U), otherwise E from the gain above, g = m − E (F m + c), D = Φ22.
template <class T, class Dims, class Model, class Mean, class Factor>
KOKKOS_INLINE_FUNCTION SqrtSmoothElement<T, Dims> make_sqrt_smooth_element(
    const Dims& dims, const Model& model, const Mean& m, const Factor& U, int k, bool last) {
  using Dn = Dense<T, Dims>;
  const int n = dims.nx();
  SqrtSmoothElement<T, Dims> e;
  if (last) {
    Dn::set_zero(n, n, e.E);
    e.g = m;
    e.D = U;
    return e;
  }
  const SqrtSmoothingGain<T, Dims> gain(dims, model, k, m, U);
  e.E = gain.E;
  e.D = gain.D;
  typename Dn::VecX Ep;
  Dn::gemv(n, n, gain.E, gain.predicted, Ep);
  KSCAN_UNROLL for (int r = 0; r < n; ++r) e.g(r) = m(r) - Ep(r);
  return e;
}

/// Two-filter combination in square-root form: the filtered (m, U) with the backward
/// information (η, Z) of the later observations is the filtering combine of the prefix
/// (0, m, U, 0, 0) with (I, 0, 0, η, Z). (m, U) are overwritten with the smoothed mean and the
/// (lower-triangular) factor of its covariance.
template <class T, class Dims, class VX, class MXX>
KOKKOS_INLINE_FUNCTION void sqrt_two_filter_combine(const Dims& dims, VX& m, MXX& U,
                                                    const MXX& Z, const VX& eta) {
  using Dn = Dense<T, Dims>;
  const int n = dims.nx();
  SqrtFilterElement<T, Dims> filtered, backward;
  Dn::set_zero(n, n, filtered.A);
  Dn::set_zero(n, n, filtered.Z);
  Dn::set_zero(n, filtered.eta);
  filtered.b = m;
  filtered.U = U;
  Dn::set_identity(n, backward.A);
  Dn::set_zero(n, n, backward.U);
  Dn::set_zero(n, backward.b);
  backward.eta = eta;
  backward.Z = Z;
  const auto out = SqrtFilterOperator<T, Dims>{dims}.combine_prefix(filtered, backward);
  m = out.b;
  U = out.U;
}

}  // namespace kscan
