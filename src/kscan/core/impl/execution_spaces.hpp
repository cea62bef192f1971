#pragma once
// KSCAN_FOR_EACH_EXECUTION_SPACE(X) calls X(space) for every execution space Kokkos was built with;
// used for explicit instantiation.
#include <Kokkos_Core.hpp>

#define KSCAN_IMPL_SERIAL(X) X(Kokkos::Serial)
#ifdef KOKKOS_ENABLE_OPENMP
#define KSCAN_IMPL_OPENMP(X) X(Kokkos::OpenMP)
#else
#define KSCAN_IMPL_OPENMP(X)
#endif
#ifdef KOKKOS_ENABLE_CUDA
#define KSCAN_IMPL_CUDA(X) X(Kokkos::Cuda)
#else
#define KSCAN_IMPL_CUDA(X)
#endif
#ifdef KOKKOS_ENABLE_HIP
#define KSCAN_IMPL_HIP(X) X(Kokkos::Experimental::HIP)
#else
#define KSCAN_IMPL_HIP(X)
#endif

#define KSCAN_FOR_EACH_EXECUTION_SPACE(X) \
  KSCAN_IMPL_SERIAL(X) KSCAN_IMPL_OPENMP(X) KSCAN_IMPL_CUDA(X) KSCAN_IMPL_HIP(X)
