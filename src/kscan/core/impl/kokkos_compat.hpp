#pragma once
// Shims over Kokkos API differences between 3.4 and 4.x/5.x, so the rest of kscan is version-agnostic.
#include <Kokkos_Core.hpp>
#include <limits>
#include <type_traits>

// Custom-join value types for parallel_scan/parallel_reduce: Kokkos < 3.7 requires `volatile`
// overloads of join/operator+=; Kokkos >= 4.2 rejects them.
#if KOKKOS_VERSION < 40000
#define KSCAN_NEEDS_VOLATILE_JOIN 1
#else
#define KSCAN_NEEDS_VOLATILE_JOIN 0
#endif

namespace kscan::math {

#if KOKKOS_VERSION >= 30700
using Kokkos::abs;
using Kokkos::exp;
using Kokkos::isfinite;
using Kokkos::isnan;
using Kokkos::log;
using Kokkos::sqrt;
#else
using Kokkos::Experimental::exp;
using Kokkos::Experimental::fabs;
using Kokkos::Experimental::isfinite;
using Kokkos::Experimental::isnan;
using Kokkos::Experimental::log;
using Kokkos::Experimental::sqrt;
template <class T>
KOKKOS_INLINE_FUNCTION T abs(T x) {
  return fabs(x);
}
#endif

/// A quiet NaN usable in kernels.
template <class T>
KOKKOS_INLINE_FUNCTION T quiet_nan() {
#if KOKKOS_VERSION >= 30600
  return Kokkos::Experimental::quiet_NaN<T>::value;
#else
  return static_cast<T>(__builtin_nan(""));
#endif
}

/// The machine epsilon of T, usable in kernels (a constant: no host call on a device; Kokkos'
/// own where it has one, which nvcc does not warn about as a host function).
template <class T>
KOKKOS_INLINE_FUNCTION constexpr T epsilon() {
#if KOKKOS_VERSION >= 30600
  return Kokkos::Experimental::epsilon<T>::value;
#else
  constexpr T value = std::numeric_limits<T>::epsilon();
  return value;
#endif
}

}  // namespace kscan::math

namespace kscan {

/// Two instances of an execution space for work that may overlap (PTFS's forward and backward
/// scans). On a device backend, whose launches return at once, they are partition_space's, each
/// with a stream of its own (Kokkos >= 4), and `distinct` is true. Elsewhere both are `space`: a
/// host backend's launch blocks its caller and uses every thread, so one host thread has nothing
/// to overlap.
template <class ExecSpace>
struct ConcurrentPair {
  ExecSpace first;
  ExecSpace second;
  bool distinct = false;
};

template <class ExecSpace>
ConcurrentPair<ExecSpace> concurrent_pair(const ExecSpace& space) {
#if KOKKOS_VERSION >= 40000
  constexpr bool on_device =
      !Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename ExecSpace::memory_space>::accessible;
  if constexpr (on_device) {
    const auto parts = Kokkos::Experimental::partition_space(space, 1, 1);
    return {parts[0], parts[1], true};
  }
#endif
  return {space, space, false};
}

}  // namespace kscan
