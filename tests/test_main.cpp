// One main for every kscan test binary: Kokkos is initialised once around all tests.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <cstdlib>

int main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  // ctest runs the tests with OMP_PROC_BIND=false (tests/CMakeLists.txt); a binary started
  // without it -- ctest's test discovery -- would get Kokkos' warning about it on stdout, which
  // discovery reads as test names.
  setenv("OMP_PROC_BIND", "false", 0);
  Kokkos::ScopeGuard kokkos(argc, argv);
  return RUN_ALL_TESTS();
}
