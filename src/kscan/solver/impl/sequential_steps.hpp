#pragma once
// The steps of the sequential references (docs/kalman-scan-math.md, "Sequential references"):
// Kalman predict and update with the innovation log-likelihood, the RTS backward step, and the
// backward information filter step of the two-filter smoother. The parallel methods reuse the
// innovation for their log-likelihood.
#include "kscan/core/small_matrix.hpp"
#include "kscan/solver/impl/observation.hpp"
#include "kscan/solver/impl/prediction.hpp"

namespace kscan {

inline constexpr double log_two_pi = 1.8378770664093454835606594728112;

/// Prediction into step i+1 from (m, P) at step i, and the innovation of y[i].
template <class T, class Dims>
struct Innovation {
  using D = Dense<T, Dims>;
  Prediction<T, Dims> predicted;  // m⁻, P⁻
  typename D::VecY v;       // y − H m⁻ − d (zero where missing)
  typename D::MatYY S;      // Cholesky factor of H P⁻ Hᵀ + R
  typename D::MatYX HP;     // H P⁻
  T loglik_term;            // −½ (vᵀ S⁻¹ v + log det S + n_obs log 2π)

  template <class Model, class Y, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION Innovation(const Dims& dims, const Model& model, const Y& y, int i,
                                    const VX& m, const MXX& P)
      : predicted(dims, model, i, m, P) {
    using Op = dense::Op;
    const int nx = dims.nx(), ny = dims.ny();
    const MaskedObservation<T, Dims> obs(dims, model, y, i);
    D::gemm(ny, nx, nx, obs.H, predicted.cov, HP);
    S = obs.R;
    D::template gemm<Op::N, Op::T>(ny, ny, nx, HP, obs.H, S, T(1), T(1));
    D::symmetrise(ny, S);
    const bool spd = D::cholesky(ny, S);
    v = obs.y_minus_d;
    KSCAN_UNROLL for (int r = 0; r < ny; ++r)
      KSCAN_UNROLL for (int k = 0; k < nx; ++k) v(r) -= obs.H(r, k) * predicted.mean(k);
    typename D::VecY w = v;
    D::cholesky_solve(ny, S, w);
    T quad = T(0);
    KSCAN_UNROLL for (int r = 0; r < ny; ++r) quad += v(r) * w(r);
    loglik_term = spd ? T(-0.5) * (quad + D::cholesky_logdet(ny, S) +
                                   T(obs.observed) * T(log_two_pi))
                      : math::quiet_nan<T>();
  }
};

/// One Kalman filter step: (m, P) at step i become (m, P) at step i+1 (Joseph-form update).
/// Returns the log-likelihood term of y[i].
template <class T, class Dims, class Model, class Y, class VX, class MXX>
KOKKOS_INLINE_FUNCTION T kalman_step(const Dims& dims, const Model& model, const Y& y, int i,
                                     VX& m, MXX& P) {
  using D = Dense<T, Dims>;
  using Op = dense::Op;
  const int nx = dims.nx(), ny = dims.ny();
  const Innovation<T, Dims> in(dims, model, y, i, m, P);
  const MaskedObservation<T, Dims> obs(dims, model, y, i);
  // Kᵀ = S⁻¹ H P⁻
  typename D::MatYX KT = in.HP;
  D::cholesky_solve(ny, nx, in.S, KT);
  m = in.predicted.mean;
  D::template gemv<Op::T>(nx, ny, KT, in.v, m, true);
  // Joseph form: (I − K H) P⁻ (I − K H)ᵀ + K R Kᵀ
  typename D::MatXX IKH, tmp;
  D::set_identity(nx, IKH);
  D::template gemm<Op::T, Op::N>(nx, nx, ny, KT, obs.H, IKH, T(-1), T(1));
  D::gemm(nx, nx, nx, IKH, in.predicted.cov, tmp);
  D::template gemm<Op::N, Op::T>(nx, nx, nx, tmp, IKH, P);
  typename D::MatYX RKT;
  D::gemm(ny, nx, ny, obs.R, KT, RKT);
  D::template gemm<Op::T, Op::N>(nx, nx, ny, KT, RKT, P, T(1), T(1));
  D::symmetrise(nx, P);
  return in.loglik_term;
}

/// RTS step for step k (transition k): (ms, Ps) hold the smoothed estimate of step k+1
/// on entry and of step k on return; (m, P) are the filtered estimate of step k.
template <class T, class Dims, class Model, class VX, class MXX>
KOKKOS_INLINE_FUNCTION void rts_step(const Dims& dims, const Model& model, int k, const VX& m,
                                     const MXX& P, VX& ms, MXX& Ps) {
  using D = Dense<T, Dims>;
  using Op = dense::Op;
  const int n = dims.nx();
  Prediction<T, Dims> p(dims, model, k, m, P);
  MXX GT, diff, t;
  KSCAN_UNROLL for (int r = 0; r < n; ++r)
    KSCAN_UNROLL for (int c = 0; c < n; ++c) diff(r, c) = Ps(r, c) - p.cov(r, c);
  // Gᵀ = (P⁻)⁻¹ F P
  D::cholesky(n, p.cov);
  GT = p.FP;
  D::cholesky_solve(n, n, p.cov, GT);
  VX dm;
  KSCAN_UNROLL for (int r = 0; r < n; ++r) dm(r) = ms(r) - p.mean(r);
  ms = m;
  D::template gemv<Op::T>(n, n, GT, dm, ms, true);
  D::template gemm<Op::T, Op::N>(n, n, n, GT, diff, t);
  Ps = P;
  D::gemm(n, n, n, t, GT, Ps, T(1), T(1));
  D::symmetrise(n, Ps);
}

/// Backward information filter step: (eta, J) describe p(y[i+1..] | x_{i+1}) on entry, and
/// p(y[i..] | x_i) on return (observation y[i] is step i+1; transition i).
template <class T, class Dims, class Model, class Y, class VX, class MXX>
KOKKOS_INLINE_FUNCTION void information_step(const Dims& dims, const Model& model, const Y& y,
                                             int i, VX& eta, MXX& J) {
  using D = Dense<T, Dims>;
  using Op = dense::Op;
  const int nx = dims.nx(), ny = dims.ny();
  const MaskedObservation<T, Dims> obs(dims, model, y, i);
  // J' = J + Hᵀ R⁻¹ H,  η' = η + Hᵀ R⁻¹ (y − d)
  typename D::MatYY Rc = obs.R;
  D::cholesky(ny, Rc);
  typename D::MatYX RinvH = obs.H;
  D::cholesky_solve(ny, nx, Rc, RinvH);
  D::template gemm<Op::T, Op::N>(nx, nx, ny, obs.H, RinvH, J, T(1), T(1));
  D::template gemv<Op::T>(nx, ny, RinvH, obs.y_minus_d, eta, true);
  // J_i = Fᵀ (I + J' Q)⁻¹ J' F,  η_i = Fᵀ (I + J' Q)⁻¹ (η' − J' c)
  const Transition<T, Dims> t(dims, model, i);
  const auto& F = t.F;
  const auto& Q = t.Q;
  const auto& c = t.c;
  MXX X, W, WF;
  VX u;
  D::gemm(nx, nx, nx, J, Q, X);
  KSCAN_UNROLL for (int r = 0; r < nx; ++r) X(r, r) += T(1);
  typename D::PivotsX piv;
  D::lu(nx, X, piv);
  W = J;
  D::lu_solve(nx, nx, X, piv, W);
  D::symmetrise(nx, W);
  u = eta;
  KSCAN_UNROLL for (int r = 0; r < nx; ++r)
    KSCAN_UNROLL for (int k = 0; k < nx; ++k) u(r) -= J(r, k) * c(k);
  D::lu_solve(nx, X, piv, u);
  D::template gemv<Op::T>(nx, nx, F, u, eta, false);
  D::gemm(nx, nx, nx, W, F, WF);
  D::template gemm<Op::T, Op::N>(nx, nx, nx, F, WF, J);
  D::symmetrise(nx, J);
}

}  // namespace kscan
