#pragma once
// The Kalman prediction through one transition, shared by the filter's innovation, the RTS step
// and the smoothing elements.
#include "kscan/core/small_matrix.hpp"
#include "kscan/solver/impl/observation.hpp"

namespace kscan {

/// Transition i (F[i], c[i], Q[i]) as by-value matrices. Transition 0 of a model whose initial
/// state is already the predicted x_1 is the identity without noise, so that every method treats
/// (m0, P0) as x_1's prior without a branch of its own.
template <class T, class Dims>
struct Transition {
  using D = Dense<T, Dims>;
  typename D::MatXX F, Q;
  typename D::VecX c;

  template <class Model>
  KOKKOS_INLINE_FUNCTION Transition(const Dims& dims, const Model& model, int i) {
    const int n = dims.nx();
    if (i == 0 && model.initial_is_predicted) {
      D::set_identity(n, F);
      D::set_zero(n, n, Q);
      D::set_zero(n, c);
      return;
    }
    load(F, model.F, Model::slot(model.F, i), n, n);
    load(Q, model.Q, Model::slot(model.Q, i), n, n);
    load_vector(c, model.c, Model::slot(model.c, i), n);
  }
};

/// From (m, P) at step i through transition i: mean = F m + c, FP = F P,
/// cov = F P Fᵀ + Q (symmetrised).
template <class T, class Dims>
struct Prediction {
  using D = Dense<T, Dims>;
  typename D::VecX mean;
  typename D::MatXX FP;
  typename D::MatXX cov;

  template <class Model, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION Prediction(const Dims& dims, const Model& model, int i, const VX& m,
                                    const MXX& P) {
    const int n = dims.nx();
    const Transition<T, Dims> t(dims, model, i);
    mean = t.c;
    D::gemv(n, n, t.F, m, mean, true);
    D::gemm(n, n, n, t.F, P, FP);
    cov = t.Q;
    D::template gemm<dense::Op::N, dense::Op::T>(n, n, n, FP, t.F, cov, T(1), T(1));
    D::symmetrise(n, cov);
  }
};

}  // namespace kscan
