#pragma once
// Type lists for typed tests: every execution space Kokkos was built with, alone and crossed with
// both precisions. ctest names carry the type, e.g.
//   Scan.Reverse<kscan::test::OpenMP_float64>   or   Kokkos.Order<Kokkos::Serial>
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

#define KSCAN_TEST_DECLARE_CONFIGS(NAME, SPACE)    \
  struct NAME##_float32 : Config<SPACE, float> {}; \
  struct NAME##_float64 : Config<SPACE, double> {};

KSCAN_TEST_DECLARE_CONFIGS(Serial, Kokkos::Serial)
#define KSCAN_TEST_SERIAL Kokkos::Serial
#define KSCAN_TEST_SERIAL_CONFIGS Serial_float32, Serial_float64

#ifdef KOKKOS_ENABLE_OPENMP
KSCAN_TEST_DECLARE_CONFIGS(OpenMP, Kokkos::OpenMP)
#define KSCAN_TEST_OPENMP , Kokkos::OpenMP
#define KSCAN_TEST_OPENMP_CONFIGS , OpenMP_float32, OpenMP_float64
#else
#define KSCAN_TEST_OPENMP
#define KSCAN_TEST_OPENMP_CONFIGS
#endif

#ifdef KOKKOS_ENABLE_CUDA
KSCAN_TEST_DECLARE_CONFIGS(Cuda, Kokkos::Cuda)
#define KSCAN_TEST_CUDA , Kokkos::Cuda
#define KSCAN_TEST_CUDA_CONFIGS , Cuda_float32, Cuda_float64
#else
#define KSCAN_TEST_CUDA
#define KSCAN_TEST_CUDA_CONFIGS
#endif

#ifdef KOKKOS_ENABLE_HIP
KSCAN_TEST_DECLARE_CONFIGS(HIP, Kokkos::Experimental::HIP)
#define KSCAN_TEST_HIP , Kokkos::Experimental::HIP
#define KSCAN_TEST_HIP_CONFIGS , HIP_float32, HIP_float64
#else
#define KSCAN_TEST_HIP
#define KSCAN_TEST_HIP_CONFIGS
#endif

#ifndef KSCAN_TEST_DEVICE_SPACES_ONLY
/// Every enabled execution space.
using ExecutionSpaces =
    ::testing::Types<KSCAN_TEST_SERIAL KSCAN_TEST_OPENMP KSCAN_TEST_CUDA KSCAN_TEST_HIP>;
/// Every enabled execution space in float32 and float64.
using SpacesAndPrecisions =
    ::testing::Types<KSCAN_TEST_SERIAL_CONFIGS KSCAN_TEST_OPENMP_CONFIGS KSCAN_TEST_CUDA_CONFIGS
                         KSCAN_TEST_HIP_CONFIGS>;
#elif defined(KOKKOS_ENABLE_CUDA)
// KSCAN_TEST_HOST_SPACES=OFF (make check-cuda): the device alone, whose host backends a CPU
// build tests; the host instances add about 70% to the test units' compile time and go unrun.
using ExecutionSpaces = ::testing::Types<Kokkos::Cuda>;
using SpacesAndPrecisions = ::testing::Types<Cuda_float32, Cuda_float64>;
#elif defined(KOKKOS_ENABLE_HIP)
using ExecutionSpaces = ::testing::Types<Kokkos::Experimental::HIP>;
using SpacesAndPrecisions = ::testing::Types<HIP_float32, HIP_float64>;
#else
#error "KSCAN_TEST_HOST_SPACES=OFF needs a device backend (CUDA or HIP) in the Kokkos build"
#endif

/// A tolerance scaled to the precision: `f32` for float, `f64` for double.
template <class Scalar>
constexpr double tolerance(double f32, double f64) {
  return sizeof(Scalar) == 4 ? f32 : f64;
}

}  // namespace kscan::test
