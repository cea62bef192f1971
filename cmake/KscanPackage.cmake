# Installs the kscan program and an exported CMake package: find_package(kscan) -> kscan::kscan.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS kscan_solver EXPORT kscanTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/kscan DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/include/kscan/version.hpp
              ${PROJECT_BINARY_DIR}/include/kscan/solver_dims.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kscan)
install(EXPORT kscanTargets NAMESPACE kscan:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kscan)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/kscanConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kscanConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kscan)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kscanConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kscanConfig.cmake ${PROJECT_BINARY_DIR}/kscanConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kscan)
