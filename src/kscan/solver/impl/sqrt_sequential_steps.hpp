#pragma once
// The steps of the square-root sequential references (docs/square-root-forms.md): the
// square-root Kalman filter (prediction and update as triangularisations of stacked factors), its
// innovation log-likelihood, and the square-root RTS step. The two-filter smoother's backward
// pass is SqrtFilterOperator::combine_information one element at a time.
#include "kscan/core/small_matrix.hpp"
#include "kscan/core/impl/triangularise.hpp"
#include "kscan/solver/impl/sequential_steps.hpp"
#include "kscan/solver/impl/sqrt_filter_element.hpp"
#include "kscan/solver/impl/sqrt_smooth_element.hpp"

namespace kscan {

/// Prediction into step i+1 from (m, U) at step i — mean F m + c, factor tria([F U, N]) — and the
/// square-root update with y[i]. `full` = false stops after the innovation's factor (all the
/// log-likelihood needs).
template <class T, class Dims>
struct SqrtInnovation {
  using D = Dense<T, Dims>;
  typename D::VecX predicted_mean;
  typename D::MatXX predicted_factor;
  typename D::VecY v;  // y − H m⁻ − d (zero where missing)
  typename D::VecY w;  // Ψ11⁻¹ v
  SqrtUpdate<T, Dims> update;
  T loglik_term;       // −½ (|w|² + log det S + n_obs log 2π), log det S = 2 Σ log Ψ11_rr

  template <class Model, class Y, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION SqrtInnovation(const Dims& dims, const Model& model, const Y& y, int i,
                                        const VX& m, const MXX& U, bool full = true)
      : predicted_mean(predict_mean(dims, model, i, m)),
        predicted_factor(predict_factor(dims, model, i, U)),
        update(dims, MaskedObservation<T, Dims>(dims, model, y, i), predicted_factor, full) {
    const int nx = dims.nx(), ny = dims.ny();
    const MaskedObservation<T, Dims> obs(dims, model, y, i);
    v = obs.y_minus_d;
    KSCAN_UNROLL for (int r = 0; r < ny; ++r)
      KSCAN_UNROLL for (int k = 0; k < nx; ++k) v(r) -= obs.H(r, k) * predicted_mean(k);
    w = v;
    T quad = T(0), logdet = T(0);
    if (update.regular(ny)) {
      dense::lower_solve(ny, update.S, w);
      KSCAN_UNROLL for (int r = 0; r < ny; ++r) {
        quad += w(r) * w(r);
        logdet += math::log(update.S(r, r));
      }
    }
    loglik_term = update.regular(ny)
                      ? T(-0.5) * (quad + T(2) * logdet + T(obs.observed) * T(log_two_pi))
                      : math::quiet_nan<T>();
  }

  /// The predicted covariance's entry (r, c), for the kept diagnostics.
  KOKKOS_INLINE_FUNCTION T predicted_cov(int nx, int r, int c) const {
    T s = T(0);
    KSCAN_UNROLL for (int k = 0; k < nx; ++k) s += predicted_factor(r, k) * predicted_factor(c, k);
    return s;
  }

 private:
  template <class Model, class VX>
  KOKKOS_INLINE_FUNCTION static typename D::VecX predict_mean(const Dims& dims, const Model& model,
                                                             int i, const VX& m) {
    const Transition<T, Dims> t(dims, model, i);
    typename D::VecX out = t.c;
    D::gemv(dims.nx(), dims.nx(), t.F, m, out, true);
    return out;
  }
  template <class Model, class MXX>
  KOKKOS_INLINE_FUNCTION static typename D::MatXX predict_factor(const Dims& dims,
                                                                const Model& model, int i,
                                                                const MXX& U) {
    const int n = dims.nx();
    const Transition<T, Dims> t(dims, model, i);
    typename D::MatXX N = t.Q, FU, out;
    dense::psd_factor(n, N);
    D::gemm(n, n, n, t.F, U, FU);
    Mat<T, Dims::capacity_x, 2 * Dims::capacity_x> side;
    dense::place_block(n, n, FU, side, 0, 0);
    dense::place_block(n, n, N, side, 0, n);
    dense::tria(n, 2 * n, side, out);
    return out;
  }
};

/// One square-root Kalman filter step: (m, U) at step i become (m, U) at step i+1. Returns the
/// log-likelihood term of y[i].
template <class T, class Dims, class Model, class Y, class VX, class MXX>
KOKKOS_INLINE_FUNCTION T sqrt_kalman_step(const Dims& dims, const Model& model, const Y& y, int i,
                                          VX& m, MXX& U) {
  using D = Dense<T, Dims>;
  const SqrtInnovation<T, Dims> in(dims, model, y, i, m, U);
  m = in.predicted_mean;
  D::gemv(dims.nx(), dims.ny(), in.update.KS, in.w, m, true);
  U = in.update.U;
  return in.loglik_term;
}

/// Square-root RTS step for step k (transition k): (ms, Us) hold the smoothed estimate of step
/// k+1 on entry and of step k on return; (m, U) are the filtered estimate of step k.
/// ms = m + E (ms − F m − c), Us = tria([Φ22, E Us]).
template <class T, class Dims, class Model, class VX, class MXX>
KOKKOS_INLINE_FUNCTION void sqrt_rts_step(const Dims& dims, const Model& model, int k,
                                          const VX& m, const MXX& U, VX& ms, MXX& Us) {
  using D = Dense<T, Dims>;
  const int n = dims.nx();
  const SqrtSmoothingGain<T, Dims> gain(dims, model, k, m, U);
  VX dm;
  KSCAN_UNROLL for (int r = 0; r < n; ++r) dm(r) = ms(r) - gain.predicted(r);
  ms = m;
  D::gemv(n, n, gain.E, dm, ms, true);
  MXX EU;
  D::gemm(n, n, n, gain.E, Us, EU);
  Mat<T, Dims::capacity_x, 2 * Dims::capacity_x> side;
  dense::place_block(n, n, gain.D, side, 0, 0);
  dense::place_block(n, n, EU, side, 0, n);
  dense::tria(n, 2 * n, side, Us);
}

}  // namespace kscan
