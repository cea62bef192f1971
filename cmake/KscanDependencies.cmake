# Finds kscan's dependencies the CMake way. When no Kokkos is found, scripts/bootstrap-kokkos.sh
# builds Kokkos + Kokkos Kernels (from Debian's trilinos source package, or from
# KSCAN_KOKKOS_SOURCE) into the cache under .deps/ and the search is repeated there.
# A CUDA Kokkos the bootstrap built records its toolkit (KSCAN_NVCC's root): the same one must
# serve kscan, whatever nvcc comes first on PATH. CUDAToolkit_ROOT, when given, wins.
macro(kscan_use_recorded_cuda_toolkit)
  foreach(_kscan_prefix IN LISTS CMAKE_PREFIX_PATH)
    if(NOT CUDAToolkit_ROOT AND EXISTS "${_kscan_prefix}/kscan-cuda-toolkit-root")
      file(STRINGS "${_kscan_prefix}/kscan-cuda-toolkit-root" CUDAToolkit_ROOT LIMIT_COUNT 1)
      message(STATUS "kscan: CUDA toolkit ${CUDAToolkit_ROOT} (the one Kokkos was built with)")
    endif()
  endforeach()
endmacro()
kscan_use_recorded_cuda_toolkit()
find_package(Kokkos 3.4 QUIET)
if(NOT Kokkos_FOUND)
  message(STATUS "kscan: no Kokkos found; bootstrapping one into ${PROJECT_SOURCE_DIR}/.deps")
  set(_kscan_bootstrap_env "KSCAN_KOKKOS_BACKENDS=${KSCAN_KOKKOS_BACKENDS}")
  if(KSCAN_KOKKOS_SOURCE)
    list(APPEND _kscan_bootstrap_env "KSCAN_KOKKOS_SOURCE=${KSCAN_KOKKOS_SOURCE}")
  endif()
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env ${_kscan_bootstrap_env}
            bash ${PROJECT_SOURCE_DIR}/scripts/bootstrap-kokkos.sh
    OUTPUT_VARIABLE _kscan_kokkos_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _kscan_bootstrap_rc)
  if(NOT _kscan_bootstrap_rc EQUAL 0)
    message(FATAL_ERROR "kscan: the Kokkos bootstrap failed (exit ${_kscan_bootstrap_rc}); "
                        "set Kokkos_ROOT to an installed Kokkos >= 3.4 instead")
  endif()
  list(PREPEND CMAKE_PREFIX_PATH ${_kscan_kokkos_prefix})
  set(CMAKE_PREFIX_PATH "${CMAKE_PREFIX_PATH}" CACHE STRING "" FORCE)
  kscan_use_recorded_cuda_toolkit()
  find_package(Kokkos 3.4 REQUIRED)
endif()
message(STATUS "kscan: Kokkos ${Kokkos_VERSION} from ${Kokkos_DIR}")

find_package(KokkosKernels REQUIRED)
message(STATUS "kscan: KokkosKernels from ${KokkosKernels_DIR}")

if(KSCAN_ENABLE_APP)
  find_package(HDF5 REQUIRED COMPONENTS C)
  find_package(yaml-cpp REQUIRED)
endif()

if(KSCAN_ENABLE_MPI)
  if(NOT KSCAN_ENABLE_APP)
    message(FATAL_ERROR "kscan: KSCAN_ENABLE_MPI needs KSCAN_ENABLE_APP (MPI runs decks)")
  endif()
  # Debian: apt-get install libopenmpi-dev openmpi-bin (scripts/install-system-deps.sh does it
  # when KSCAN_ENABLE_MPI=ON is in its environment); clusters: module load openmpi or similar.
  find_package(MPI REQUIRED COMPONENTS CXX)
  message(STATUS "kscan: MPI ${MPI_CXX_VERSION} (${MPIEXEC_EXECUTABLE})")
endif()
