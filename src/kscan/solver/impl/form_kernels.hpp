#pragma once
// What a method needs from its numerical form (form.hpp), as one bundle per form, so that each
// method is written once (dims_solver_impl.hpp) for both. A state's second moment is carried
// as the form has it — a covariance (standard) or its Cholesky factor (sqrt) — and turned into a
// covariance only where results are stored.
#include "kscan/core/impl/triangularise.hpp"
#include "kscan/solver/impl/filter_element.hpp"
#include "kscan/solver/form.hpp"
#include "kscan/solver/impl/sequential_steps.hpp"
#include "kscan/solver/impl/smooth_element.hpp"
#include "kscan/solver/impl/sqrt_filter_element.hpp"
#include "kscan/solver/impl/sqrt_sequential_steps.hpp"
#include "kscan/solver/impl/sqrt_smooth_element.hpp"

namespace kscan {

template <class T, class Dims, Form F>
struct FormKernels;

template <class T, class Dims>
struct FormKernels<T, Dims, Form::standard> {
  using D = Dense<T, Dims>;
  using filter_operator = FilterOperator<T, Dims>;
  using backward_operator = BackwardFilterOperator<T, Dims>;  // PTFS's backward scan
  using smooth_operator = SmoothOperator<T, Dims>;
  using filter_element = FilterElement<T, Dims>;
  using smooth_element = SmoothElement<T, Dims>;
  using innovation = Innovation<T, Dims>;
  static constexpr bool carries_factors = false;

  template <class Model>
  KOKKOS_INLINE_FUNCTION static filter_element prior_element(const Dims& dims, const Model& model) {
    return make_prior_element<T>(dims, model);
  }
  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION static filter_element element(const Dims& dims, const Model& model,
                                                       const Y& y, int i) {
    return make_filter_element<T>(dims, model, y, i);
  }
  /// The prefix's second moment (C) and the suffix's information matrix (J).
  KOKKOS_INLINE_FUNCTION static const typename D::MatXX& moment(const filter_element& e) { return e.C; }
  KOKKOS_INLINE_FUNCTION static const typename D::MatXX& information(const filter_element& e) {
    return e.J;
  }
  template <class Model>
  KOKKOS_INLINE_FUNCTION static smooth_element smoothing_element(const Dims& dims,
                                                                 const Model& model,
                                                                 const typename D::VecX& m,
                                                                 const typename D::MatXX& S,
                                                                 int k, bool last) {
    return make_smooth_element<T>(dims, model, m, S, k, last);
  }
  KOKKOS_INLINE_FUNCTION static const typename D::MatXX& smoothed_moment(const smooth_element& e) {
    return e.L;
  }
  /// (m0, P0) as carried.
  template <class Model>
  KOKKOS_INLINE_FUNCTION static void prior(const Dims& dims, const Model& model,
                                           typename D::VecX& m, typename D::MatXX& S) {
    KSCAN_UNROLL for (int r = 0; r < dims.nx(); ++r) {
      m(r) = model.m0(r);
      KSCAN_UNROLL for (int c = 0; c < dims.nx(); ++c) S(r, c) = model.P0(r, c);
    }
  }
  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION static T filter_step(const Dims& dims, const Model& model, const Y& y,
                                              int i, typename D::VecX& m, typename D::MatXX& S) {
    return kalman_step<T>(dims, model, y, i, m, S);
  }
  template <class Model>
  KOKKOS_INLINE_FUNCTION static void smoothing_step(const Dims& dims, const Model& model, int k,
                                                    const typename D::VecX& m,
                                                    const typename D::MatXX& S,
                                                    typename D::VecX& ms, typename D::MatXX& Ss) {
    rts_step<T>(dims, model, k, m, S, ms, Ss);
  }
  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION static void backward_step(const Dims& dims, const Model& model,
                                                   const Y& y, int i, typename D::VecX& eta,
                                                   typename D::MatXX& J) {
    information_step<T>(dims, model, y, i, eta, J);
  }
  KOKKOS_INLINE_FUNCTION static void two_filter(const Dims& dims, typename D::VecX& m,
                                                typename D::MatXX& S, const typename D::MatXX& J,
                                                const typename D::VecX& eta) {
    two_filter_combine<T>(dims, m, S, J, eta);
  }
  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION static T loglik_term(const Dims& dims, const Model& model, const Y& y,
                                              int i, const typename D::VecX& m,
                                              const typename D::MatXX& S) {
    return innovation(dims, model, y, i, m, S).loglik_term;
  }
  KOKKOS_INLINE_FUNCTION static const typename D::VecX& predicted_mean(const innovation& in) {
    return in.predicted.mean;
  }
  KOKKOS_INLINE_FUNCTION static T predicted_cov(const innovation& in, int, int r, int c) {
    return in.predicted.cov(r, c);
  }
  /// The lower factor of the innovation covariance S.
  KOKKOS_INLINE_FUNCTION static const typename D::MatYY& innovation_factor(const innovation& in) {
    return in.S;
  }
  /// The covariance a carried moment stands for.
  KOKKOS_INLINE_FUNCTION static const typename D::MatXX& covariance(int, const typename D::MatXX& S) {
    return S;
  }
};

template <class T, class Dims>
struct FormKernels<T, Dims, Form::sqrt> {
  using D = Dense<T, Dims>;
  using filter_operator = SqrtFilterOperator<T, Dims>;
  using backward_operator = SqrtBackwardFilterOperator<T, Dims>;
  using smooth_operator = SqrtSmoothOperator<T, Dims>;
  using filter_element = SqrtFilterElement<T, Dims>;
  using smooth_element = SqrtSmoothElement<T, Dims>;
  using innovation = SqrtInnovation<T, Dims>;
  static constexpr bool carries_factors = true;

  template <class Model>
  KOKKOS_INLINE_FUNCTION static filter_element prior_element(const Dims& dims, const Model& model) {
    return make_sqrt_prior_element<T>(dims, model);
  }
  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION static filter_element element(const Dims& dims, const Model& model,
                                                       const Y& y, int i) {
    return make_sqrt_filter_element<T>(dims, model, y, i);
  }
  KOKKOS_INLINE_FUNCTION static const typename D::MatXX& moment(const filter_element& e) { return e.U; }
  KOKKOS_INLINE_FUNCTION static const typename D::MatXX& information(const filter_element& e) {
    return e.Z;
  }
  template <class Model>
  KOKKOS_INLINE_FUNCTION static smooth_element smoothing_element(const Dims& dims,
                                                                 const Model& model,
                                                                 const typename D::VecX& m,
                                                                 const typename D::MatXX& U,
                                                                 int k, bool last) {
    return make_sqrt_smooth_element<T>(dims, model, m, U, k, last);
  }
  KOKKOS_INLINE_FUNCTION static const typename D::MatXX& smoothed_moment(const smooth_element& e) {
    return e.D;
  }
  template <class Model>
  KOKKOS_INLINE_FUNCTION static void prior(const Dims& dims, const Model& model,
                                           typename D::VecX& m, typename D::MatXX& U) {
    FormKernels<T, Dims, Form::standard>::prior(dims, model, m, U);
    dense::psd_factor(dims.nx(), U);
  }
  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION static T filter_step(const Dims& dims, const Model& model, const Y& y,
                                              int i, typename D::VecX& m, typename D::MatXX& U) {
    return sqrt_kalman_step<T>(dims, model, y, i, m, U);
  }
  template <class Model>
  KOKKOS_INLINE_FUNCTION static void smoothing_step(const Dims& dims, const Model& model, int k,
                                                    const typename D::VecX& m,
                                                    const typename D::MatXX& U,
                                                    typename D::VecX& ms, typename D::MatXX& Us) {
    sqrt_rts_step<T>(dims, model, k, m, U, ms, Us);
  }
  /// The backward information filter one element at a time: (η, Z) of a_{i+1} ⊗ (η, Z).
  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION static void backward_step(const Dims& dims, const Model& model,
                                                   const Y& y, int i, typename D::VecX& eta,
                                                   typename D::MatXX& Z) {
    filter_operator{dims}.combine_information(make_sqrt_filter_element<T>(dims, model, y, i), eta,
                                              Z);
  }
  KOKKOS_INLINE_FUNCTION static void two_filter(const Dims& dims, typename D::VecX& m,
                                                typename D::MatXX& U, const typename D::MatXX& Z,
                                                const typename D::VecX& eta) {
    sqrt_two_filter_combine<T>(dims, m, U, Z, eta);
  }
  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION static T loglik_term(const Dims& dims, const Model& model, const Y& y,
                                              int i, const typename D::VecX& m,
                                              const typename D::MatXX& U) {
    return innovation(dims, model, y, i, m, U, false).loglik_term;
  }
  KOKKOS_INLINE_FUNCTION static const typename D::VecX& predicted_mean(const innovation& in) {
    return in.predicted_mean;
  }
  KOKKOS_INLINE_FUNCTION static T predicted_cov(const innovation& in, int nx, int r, int c) {
    return in.predicted_cov(nx, r, c);
  }
  KOKKOS_INLINE_FUNCTION static const typename D::MatYY& innovation_factor(const innovation& in) {
    return in.update.S;
  }
  KOKKOS_INLINE_FUNCTION static typename D::MatXX covariance(int n, const typename D::MatXX& U) {
    typename D::MatXX P;
    dense::factor_product(n, U, P);
    return P;
  }
};

}  // namespace kscan
