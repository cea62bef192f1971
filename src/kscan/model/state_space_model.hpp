#pragma once
// A linear-Gaussian state-space model (docs/kalman-scan-math.md, "Storage convention"):
//   x_{i+1} = F[i] x_i + c[i] + q,    q ~ N(0, Q[i])        i = 0..T-1,  x_0 ~ N(m0, P0)
//   y[i]    = H[i] x_{i+1} + d[i] + r, r ~ N(0, R[i])
// Each array stores 1 slot (time-invariant) or T slots, independently of the others: a model
// whose H changes every step but whose F does not keeps one F. `slot(array, i)` maps a time index
// to the array's stored slot.
// With `initial_is_predicted`, (m0, P0) are the mean and covariance of x_1 itself (the usual
// "a1, P1 for the first observation") and transition 0 is not applied.
#include <Kokkos_Core.hpp>
#include <algorithm>

namespace kscan {

/// How many time slots (1 or T) each array of a model stores.
struct ModelSlots {
  int F = 1, c = 1, Q = 1, H = 1, d = 1, R = 1;
  static ModelSlots all(int stored) { return {stored, stored, stored, stored, stored, stored}; }
  int most() const { return std::max({F, c, Q, H, d, R}); }
};

template <class Scalar, class MemorySpace = Kokkos::DefaultExecutionSpace::memory_space>
struct StateSpaceModel {
  using scalar_type = Scalar;
  using memory_space = MemorySpace;
  using matrices = Kokkos::View<Scalar***, Kokkos::LayoutRight, MemorySpace>;
  using vectors = Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace>;
  using vector = Kokkos::View<Scalar*, Kokkos::LayoutRight, MemorySpace>;
  using matrix = Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace>;

  matrices F, Q, H, R;  // [1|T, nx, nx], [1|T, nx, nx], [1|T, ny, nx], [1|T, ny, ny]
  vectors c, d;         // [1|T, nx], [1|T, ny]
  vector m0;            // [nx]
  matrix P0;            // [nx, nx]
  bool initial_is_predicted = false;

  StateSpaceModel() = default;

  /// Allocates a model with `stored` (1 or T) slots of each array, zero-filled.
  StateSpaceModel(int nx, int ny, int stored) : StateSpaceModel(nx, ny, ModelSlots::all(stored)) {}

  /// Allocates a model with the given slots per array, zero-filled.
  StateSpaceModel(int nx, int ny, const ModelSlots& slots)
      : F("kscan::model::F", slots.F, nx, nx),
        Q("kscan::model::Q", slots.Q, nx, nx),
        H("kscan::model::H", slots.H, ny, nx),
        R("kscan::model::R", slots.R, ny, ny),
        c("kscan::model::c", slots.c, nx),
        d("kscan::model::d", slots.d, ny),
        m0("kscan::model::m0", nx),
        P0("kscan::model::P0", nx, nx) {}

  KOKKOS_INLINE_FUNCTION int nx() const { return static_cast<int>(F.extent(1)); }
  KOKKOS_INLINE_FUNCTION int ny() const { return static_cast<int>(H.extent(1)); }
  ModelSlots slots() const {
    auto n = [](const auto& v) { return static_cast<int>(v.extent(0)); };
    return {n(F), n(c), n(Q), n(H), n(d), n(R)};
  }
  /// The most slots any array stores: 1 for a time-invariant model, T otherwise.
  int stored() const { return slots().most(); }
  bool time_varying() const { return stored() > 1; }

  /// The slot of `array` that time index i reads.
  template <class View>
  KOKKOS_INLINE_FUNCTION static int slot(const View& array, int i) {
    return array.extent(0) > 1 ? i : 0;
  }
};

/// The model as generated and stored on the host, always in float64.
using HostModel = StateSpaceModel<double, Kokkos::HostSpace>;

/// Copies a host model into `MemorySpace`, converting to `Scalar`.
template <class Scalar, class MemorySpace>
StateSpaceModel<Scalar, MemorySpace> convert_model(const HostModel& host) {
  StateSpaceModel<Scalar, MemorySpace> out(host.nx(), host.ny(), host.slots());
  out.initial_is_predicted = host.initial_is_predicted;
  auto convert = [](const auto& dst, const auto& src) {
    auto mirror = Kokkos::create_mirror_view(dst);
    using src_type = std::decay_t<decltype(src)>;
    using mirror_type = std::decay_t<decltype(mirror)>;
    const auto n = src.span();
    const typename src_type::value_type* s = src.data();
    typename mirror_type::value_type* m = mirror.data();
    for (size_t i = 0; i < n; ++i) m[i] = static_cast<typename mirror_type::value_type>(s[i]);
    Kokkos::deep_copy(dst, mirror);
  };
  convert(out.F, host.F);
  convert(out.Q, host.Q);
  convert(out.H, host.H);
  convert(out.R, host.R);
  convert(out.c, host.c);
  convert(out.d, host.d);
  convert(out.m0, host.m0);
  convert(out.P0, host.P0);
  return out;
}

}  // namespace kscan
