# Installs the kscan program and an exported CMake package: find_package(kscan) -> kscan::kscan.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS kscan_solver EXPORT kscanTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The installed headers, relative to src/kscan: an explicit list, so that what kscan::kscan offers
# is a decision and not whatever lies under src/. KSCAN_PUBLIC_HEADERS are what a library user
# includes (kscan.hpp and the headers it gathers, the generic scans); KSCAN_SUPPORT_HEADERS are
# internal headers installed only because public ones include them (do not include them
# directly: they may move). Every other header (solver elements and backends, the experiment,
# io and distributed layers of the program) is internal and not installed. The configure step
# below checks that the set is closed under kscan's own includes: a header a listed one includes
# must be listed too.
set(KSCAN_PUBLIC_HEADERS
    kscan.hpp
    core/dims.hpp
    core/phase_timer.hpp
    core/small_matrix.hpp
    data/simulate.hpp
    model/generators.hpp
    model/state_space_model.hpp
    scan/combine_count.hpp
    scan/prefix_combine.hpp
    scan/scan.hpp
    scan/scan_algorithm.hpp
    scan/scan_descriptor.hpp
    scan/scan_step.hpp
    scan/scan_workspace.hpp
    solver/batched_kalman_solver.hpp
    solver/form.hpp
    solver/kalman_solver.hpp
    solver/method.hpp
    solver/operation_count.hpp
    solver/solver_engine.hpp)
# (every one under an impl/ directory). scan.hpp includes the scan registry, which includes every
# scan algorithm, so all of scan/impl/ is installed and a new scan needs no line here.
file(GLOB _kscan_scan_impl_headers RELATIVE ${PROJECT_SOURCE_DIR}/src/kscan CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/src/kscan/scan/impl/*.hpp)
set(KSCAN_SUPPORT_HEADERS core/impl/kernel_policy.hpp core/impl/kokkos_compat.hpp
    ${_kscan_scan_impl_headers})
# Written by CMake into the build tree (version.hpp, solver_dims.hpp: the build's configuration).
set(KSCAN_GENERATED_HEADERS version.hpp solver_dims.hpp)

set(_kscan_installed_headers ${KSCAN_PUBLIC_HEADERS} ${KSCAN_SUPPORT_HEADERS}
                             ${KSCAN_GENERATED_HEADERS})
foreach(_header IN LISTS KSCAN_PUBLIC_HEADERS KSCAN_SUPPORT_HEADERS)
  set(_path ${PROJECT_SOURCE_DIR}/src/kscan/${_header})
  if(NOT EXISTS ${_path})
    message(FATAL_ERROR "kscan: the installed header kscan/${_header} does not exist "
                        "(update KSCAN_PUBLIC_HEADERS / KSCAN_SUPPORT_HEADERS in ${CMAKE_CURRENT_LIST_FILE})")
  endif()
  file(STRINGS ${_path} _includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]kscan/")
  foreach(_line IN LISTS _includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]kscan/([^>\"]+)[>\"].*$" "\\1"
           _included "${_line}")
    if(NOT _included IN_LIST _kscan_installed_headers)
      message(FATAL_ERROR "kscan: the installed header kscan/${_header} includes kscan/${_included}, "
                          "which is not installed: add it to KSCAN_SUPPORT_HEADERS (or "
                          "KSCAN_PUBLIC_HEADERS) in ${CMAKE_CURRENT_LIST_FILE}")
    endif()
  endforeach()
  get_filename_component(_dir ${_header} DIRECTORY)
  install(FILES ${_path} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kscan/${_dir})
endforeach()
foreach(_header IN LISTS KSCAN_GENERATED_HEADERS)
  install(FILES ${PROJECT_BINARY_DIR}/include/kscan/${_header}
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kscan)
endforeach()
install(EXPORT kscanTargets NAMESPACE kscan:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kscan)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/kscanConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kscanConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kscan)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kscanConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kscanConfig.cmake ${PROJECT_BINARY_DIR}/kscanConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kscan)
