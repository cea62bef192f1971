#pragma once
// One observation step read from the model with its missing components masked out: a NaN
// component of y gets a zero row in H, zero d and v, and an identity row/column in R. Every
// formula below then equals its reduced-dimension form (the Gaussian marginal of the observed
// components) without branching on the mask.
#include "kscan/core/small_matrix.hpp"
#include "kscan/model/state_space_model.hpp"

namespace kscan {

template <class T, class Dims>
struct MaskedObservation {
  using D = Dense<T, Dims>;
  typename D::MatYX H;
  typename D::MatYY R;
  typename D::VecY y_minus_d;  // y - d, zero where missing
  int observed = 0;            // number of observed components

  template <class Model, class Y>
  KOKKOS_INLINE_FUNCTION MaskedObservation(const Dims& dims, const Model& model, const Y& y, int i) {
    const int nx = dims.nx(), ny = dims.ny();
    const int sh = Model::slot(model.H, i), sd = Model::slot(model.d, i),
              sr = Model::slot(model.R, i);
    bool seen[Dims::capacity_y];
    KSCAN_UNROLL for (int r = 0; r < ny; ++r) {
      const T value = y(i, r);
      seen[r] = !math::isnan(value);
      observed += seen[r] ? 1 : 0;
      y_minus_d(r) = seen[r] ? value - model.d(sd, r) : T(0);
      KSCAN_UNROLL for (int c = 0; c < nx; ++c) H(r, c) = seen[r] ? model.H(sh, r, c) : T(0);
    }
    KSCAN_UNROLL for (int r = 0; r < ny; ++r)
      KSCAN_UNROLL for (int c = 0; c < ny; ++c)
        R(r, c) = (seen[r] && seen[c]) ? model.R(sr, r, c) : (r == c ? T(1) : T(0));
  }
};

/// Series `series` of a batch of measurements [B, T, ny], indexed (i, r) like one series' [T, ny].
template <class View3>
struct SeriesMeasurements {
  View3 view;
  int series;
  KOKKOS_INLINE_FUNCTION typename View3::reference_type operator()(int i, int r) const {
    return view(series, i, r);
  }
};

/// Loads matrix slot `s` of a [stored, rows, cols] View into a by-value matrix.
template <class M, class V>
KOKKOS_INLINE_FUNCTION void load(M& out, const V& view, int s, int rows, int cols) {
  KSCAN_UNROLL for (int r = 0; r < rows; ++r)
    KSCAN_UNROLL for (int c = 0; c < cols; ++c) out(r, c) = view(s, r, c);
}

template <class Vc, class V>
KOKKOS_INLINE_FUNCTION void load_vector(Vc& out, const V& view, int s, int n) {
  KSCAN_UNROLL for (int r = 0; r < n; ++r) out(r) = view(s, r);
}

}  // namespace kscan
