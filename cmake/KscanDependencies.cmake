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

# The Kokkos found (or bootstrapped) must have the devices KSCAN_KOKKOS_BACKENDS stands for:
# Serial always (kscan instantiates its solvers for Kokkos::Serial, the reference every test
# compares with), OpenMP for openmp, CUDA for cuda. kokkos_check is Kokkos' own CMake function
# (KokkosConfigCommon.cmake, Kokkos 3.x and 4.x); RETURN_VALUE lets kscan say what to change.
if(KSCAN_KOKKOS_BACKENDS STREQUAL "openmp")
  set(_kscan_kokkos_devices Serial OpenMP)
elseif(KSCAN_KOKKOS_BACKENDS STREQUAL "serial")
  set(_kscan_kokkos_devices Serial)
elseif(KSCAN_KOKKOS_BACKENDS STREQUAL "cuda")
  set(_kscan_kokkos_devices Serial CUDA)
else()
  message(FATAL_ERROR "kscan: KSCAN_KOKKOS_BACKENDS must be openmp, serial or cuda, "
                      "not '${KSCAN_KOKKOS_BACKENDS}'")
endif()
kokkos_check(DEVICES ${_kscan_kokkos_devices} RETURN_VALUE _kscan_kokkos_has_devices)
string(REPLACE ";" " + " _kscan_wanted "${_kscan_kokkos_devices}")
if(NOT _kscan_kokkos_has_devices)
  string(REPLACE ";" " + " _kscan_provided "${Kokkos_DEVICES}")
  message(FATAL_ERROR
    "kscan: KSCAN_KOKKOS_BACKENDS=${KSCAN_KOKKOS_BACKENDS} needs a Kokkos with the devices "
    "${_kscan_wanted}, but the Kokkos in ${Kokkos_DIR} has ${_kscan_provided}. Configure with "
    "the KSCAN_KOKKOS_BACKENDS of that Kokkos (openmp: Serial + OpenMP, serial: Serial, cuda: "
    "Serial + CUDA), or point Kokkos_ROOT at a Kokkos built with ${_kscan_wanted}.")
endif()
message(STATUS "kscan: Kokkos has the devices KSCAN_KOKKOS_BACKENDS=${KSCAN_KOKKOS_BACKENDS} "
               "needs (${_kscan_wanted})")

find_package(KokkosKernels REQUIRED)
message(STATUS "kscan: KokkosKernels ${KokkosKernels_VERSION} from ${KokkosKernels_DIR}")

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
