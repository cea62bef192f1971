#pragma once
// State and observation dimensions, either fixed at compile time (the fast, fully unrolled path)
// or chosen at run time up to a capacity (the general path).
#include <Kokkos_Core.hpp>
#include <stdexcept>
#include <string>

#include "kscan/solver_dims.hpp"

namespace kscan {

/// Largest state or observation dimension kscan handles anywhere (KSCAN_DIMENSION_LIMIT, set once
/// in CMake): the ceiling of max_dimension, of the deck's dimensions and of an HDF5 file's.
inline constexpr int dimension_limit = KSCAN_DIMENSION_LIMIT;

/// Largest state or observation dimension the general path supports: the build's
/// KSCAN_MAX_DIMENSION (CMake sets it on kscan::kscan), dimension_limit unless a build lowered it.
#ifndef KSCAN_MAX_DIMENSION
#define KSCAN_MAX_DIMENSION KSCAN_DIMENSION_LIMIT
#endif
inline constexpr int max_dimension = KSCAN_MAX_DIMENSION;
static_assert(max_dimension >= 8 && max_dimension <= dimension_limit,
              "KSCAN_MAX_DIMENSION must be in 8..KSCAN_DIMENSION_LIMIT");

template <int NX, int NY>
struct FixedDims {
  static_assert(NX > 0 && NY > 0 && NX <= max_dimension && NY <= max_dimension);
  static constexpr bool is_fixed = true;
  static constexpr int capacity_x = NX;
  static constexpr int capacity_y = NY;
  KOKKOS_INLINE_FUNCTION static constexpr int nx() { return NX; }
  KOKKOS_INLINE_FUNCTION static constexpr int ny() { return NY; }
};

/// Run-time dimensions nx, ny <= Capacity; storage is sized for the capacity.
template <int Capacity>
struct DynamicDims {
  static_assert(Capacity > 0 && Capacity <= max_dimension);
  static constexpr bool is_fixed = false;
  static constexpr int capacity_x = Capacity;
  static constexpr int capacity_y = Capacity;
  int nx_ = 1;
  int ny_ = 1;
  KOKKOS_INLINE_FUNCTION constexpr int nx() const { return nx_; }
  KOKKOS_INLINE_FUNCTION constexpr int ny() const { return ny_; }
};

/// Whether (nx, ny) is one of this build's fixed sizes (KSCAN_FIXED_DIMENSIONS).
constexpr bool dims_fixed(int nx, int ny) {
  bool fixed = false;
#define KSCAN_IS_FIXED(NX, NY) fixed = fixed || (nx == NX && ny == NY);
  KSCAN_FOR_EACH_FIXED_DIMS(KSCAN_IS_FIXED)
#undef KSCAN_IS_FIXED
  return fixed;
}

/// Whether this build holds a solver for (nx, ny): a fixed-size one (KSCAN_FIXED_DIMENSIONS) or
/// the general path (KSCAN_GENERAL_PATH, sizes up to max_dimension).
constexpr bool dims_compiled(int nx, int ny) {
  return dims_fixed(nx, ny) || (KSCAN_GENERAL_PATH && nx >= 1 && ny >= 1 &&
                                nx <= max_dimension && ny <= max_dimension);
}

/// The sizes this build holds solvers for, for messages: "2x1, 4x2, 6x3 and every size up to 32".
inline std::string compiled_dims_text() {
  std::string text;
#define KSCAN_NAME_FIXED(NX, NY) \
  text += (text.empty() ? "" : ", ") + std::to_string(NX) + "x" + std::to_string(NY);
  KSCAN_FOR_EACH_FIXED_DIMS(KSCAN_NAME_FIXED)
#undef KSCAN_NAME_FIXED
  if (KSCAN_GENERAL_PATH)
    text += (text.empty() ? "" : " and ") + std::string("every size up to ") +
            std::to_string(max_dimension);
  return text;
}

/// Calls `f(dims)` with the dims type that serves (nx, ny): a fixed one for the sizes the build
/// compiled (KSCAN_FIXED_DIMENSIONS; by default the paper's (2,1), (4,2), (6,3)), otherwise the
/// smallest dynamic capacity that fits (callers reject dimensions above max_dimension). A build
/// without the general path throws std::invalid_argument for any other size.
template <class F>
decltype(auto) dispatch_dims(int nx, int ny, F&& f) {
#define KSCAN_DISPATCH_FIXED(NX, NY) \
  if (nx == NX && ny == NY) return f(FixedDims<NX, NY>{});
  KSCAN_FOR_EACH_FIXED_DIMS(KSCAN_DISPATCH_FIXED)
#undef KSCAN_DISPATCH_FIXED
#if KSCAN_GENERAL_PATH
  if (nx <= 8 && ny <= 8) return f(DynamicDims<8>{nx, ny});
  return f(DynamicDims<max_dimension>{nx, ny});
#else
  throw std::invalid_argument("kscan: no solver for nx = " + std::to_string(nx) + ", ny = " +
                              std::to_string(ny) + " in this build, which holds " +
                              compiled_dims_text() +
                              " (KSCAN_GENERAL_PATH=OFF; configure with -DKSCAN_GENERAL_PATH=ON)");
#endif
}

}  // namespace kscan
