#pragma once
// A linear-Gaussian state-space model (math note, "Storage convention"):
//   x_{i+1} = F[i] x_i + c[i] + q,    q ~ N(0, Q[i])        i = 0..T-1,  x_0 ~ N(m0, P0)
//   y[i]    = H[i] x_{i+1} + d[i] + r, r ~ N(0, R[i])
// A time-invariant model stores one matrix of each kind (leading extent 1); `at(i)` maps a time
// index to the stored slot either way.
#include <Kokkos_Core.hpp>

namespace kscan {

template <class Scalar, class MemorySpace = Kokkos::DefaultExecutionSpace::memory_space>
struct StateSpaceModel {
  using scalar_type = Scalar;
  using memory_space = MemorySpace;
  using matrices = Kokkos::View<Scalar***, Kokkos::LayoutRight, MemorySpace>;
  using vectors = Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace>;
  using vector = Kokkos::View<Scalar*, Kokkos::LayoutRight, MemorySpace>;
  using matrix = Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace>;

  matrices F, Q, H, R;  // [Tm, nx, nx], [Tm, nx, nx], [Tm, ny, nx], [Tm, ny, ny]
  vectors c, d;         // [Tm, nx], [Tm, ny]
  vector m0;            // [nx]
  matrix P0;            // [nx, nx]

  StateSpaceModel() = default;

  /// Allocates a model with `stored` (1 or T) slots of each matrix, zero-filled.
  StateSpaceModel(int nx, int ny, int stored)
      : F("kscan::model::F", stored, nx, nx),
        Q("kscan::model::Q", stored, nx, nx),
        H("kscan::model::H", stored, ny, nx),
        R("kscan::model::R", stored, ny, ny),
        c("kscan::model::c", stored, nx),
        d("kscan::model::d", stored, ny),
        m0("kscan::model::m0", nx),
        P0("kscan::model::P0", nx, nx) {}

  KOKKOS_INLINE_FUNCTION int nx() const { return static_cast<int>(F.extent(1)); }
  KOKKOS_INLINE_FUNCTION int ny() const { return static_cast<int>(H.extent(1)); }
  KOKKOS_INLINE_FUNCTION int stored() const { return static_cast<int>(F.extent(0)); }
  KOKKOS_INLINE_FUNCTION bool time_varying() const { return F.extent(0) > 1; }
  KOKKOS_INLINE_FUNCTION int at(int i) const { return time_varying() ? i : 0; }
};

/// The model as generated and stored on the host, always in float64.
using HostModel = StateSpaceModel<double, Kokkos::HostSpace>;

/// Copies a host model into `MemorySpace`, converting to `Scalar`.
template <class Scalar, class MemorySpace>
StateSpaceModel<Scalar, MemorySpace> convert_model(const HostModel& host) {
  StateSpaceModel<Scalar, MemorySpace> out(host.nx(), host.ny(), host.stored());
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
