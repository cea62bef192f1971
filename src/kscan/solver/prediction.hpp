#pragma once
// The Kalman prediction through one transition, shared by the filter's innovation, the RTS step
// and the smoothing elements.
#include "kscan/core/small_matrix.hpp"
#include "kscan/solver/observation.hpp"

namespace kscan {

/// From (m, P) at step i through transition slot at(i): mean = F m + c, FP = F P,
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
    const int n = dims.nx(), s = model.at(i);
    typename D::MatXX F;
    load(F, model.F, s, n, n);
    load_vector(mean, model.c, s, n);
    D::gemv(n, n, F, m, mean, true);
    D::gemm(n, n, n, F, P, FP);
    load(cov, model.Q, s, n, n);
    D::template gemm<dense::Op::N, dense::Op::T>(n, n, n, FP, F, cov, T(1), T(1));
    D::symmetrise(n, cov);
  }
};

}  // namespace kscan
