#pragma once
// Type lists for typed tests: every execution space Kokkos was built with, alone and crossed with
// both precisions. Test names carry the backend (and precision), e.g. `Scan/OpenMP_float64.Reverse`.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <string>

namespace kscan::test {

template <class ExecSpace, class Scalar>
struct Config {
  using execution_space = ExecSpace;
  using memory_space = typename ExecSpace::memory_space;
  using scalar_type = Scalar;
};

// clang-format off
#define KSCAN_TEST_FOR_EACH_SPACE(X)                                      \
  X(Kokkos::Serial)                                                       \
  KSCAN_TEST_IF_OPENMP(X(Kokkos::OpenMP))                                 \
  KSCAN_TEST_IF_CUDA(X(Kokkos::Cuda))                                     \
  KSCAN_TEST_IF_HIP(X(Kokkos::Experimental::HIP))
// clang-format on

#ifdef KOKKOS_ENABLE_OPENMP
#define KSCAN_TEST_IF_OPENMP(x) , x
#else
#define KSCAN_TEST_IF_OPENMP(x)
#endif
#ifdef KOKKOS_ENABLE_CUDA
#define KSCAN_TEST_IF_CUDA(x) , x
#else
#define KSCAN_TEST_IF_CUDA(x)
#endif
#ifdef KOKKOS_ENABLE_HIP
#define KSCAN_TEST_IF_HIP(x) , x
#else
#define KSCAN_TEST_IF_HIP(x)
#endif

#define KSCAN_TEST_SPACE(S) S
#define KSCAN_TEST_CONFIGS(S) Config<S, float>, Config<S, double>

/// Every enabled execution space.
using ExecutionSpaces = ::testing::Types<KSCAN_TEST_FOR_EACH_SPACE(KSCAN_TEST_SPACE)>;
/// Every enabled execution space in float32 and float64.
using SpacesAndPrecisions = ::testing::Types<KSCAN_TEST_FOR_EACH_SPACE(KSCAN_TEST_CONFIGS)>;

template <class Scalar>
std::string precision_name() {
  return sizeof(Scalar) == 4 ? "float32" : "float64";
}

/// Test-name generator: the backend's name, plus the precision for Config types.
struct NameGenerator {
  template <class T>
  static std::string GetName(int) {
    if constexpr (Kokkos::is_execution_space<T>::value) {
      return T::name();
    } else {
      return std::string(T::execution_space::name()) + "_" +
             precision_name<typename T::scalar_type>();
    }
  }
};

}  // namespace kscan::test
