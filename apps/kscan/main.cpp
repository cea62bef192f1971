// The kscan command-line program.
#include <Kokkos_Core.hpp>
#include <cstring>
#include <iostream>
#include <string>

#include "kscan/bench/environment.hpp"
#include "kscan/version.hpp"

namespace {

constexpr const char* kUsage = R"(kscan — parallel-in-time Kalman filtering and smoothing (prefix sums on Kokkos)

Usage:
  kscan run DECK [--output FILE] [--set key=value ...] [--resume] [--dry-run] [--quiet]
  kscan validate DECK        parse and check a deck, print the plan of runs, run nothing
  kscan info                 versions, enabled Kokkos backends, concurrency, device
  kscan --version | --help

Kokkos options pass through, e.g. --kokkos-num-threads=2 (OpenMP) or --kokkos-device-id=1.

Exit codes: 0 ok, 1 run failure (numerical or I/O), 2 bad input (deck, arguments, files).
)";

int print_info() {
  const auto e = kscan::current_environment();
  std::cout << "kscan        " << e.kscan_version << "\n"
            << "Kokkos       " << e.kokkos_version << "\n"
            << "HDF5         " << e.hdf5_version << "\n"
            << "yaml-cpp     " << e.yaml_cpp_version << "\n"
            << "compiler     " << e.compiler << "\n"
            << "backends     ";
  for (size_t i = 0; i < e.enabled_backends.size(); ++i)
    std::cout << (i ? ", " : "") << e.enabled_backends[i];
  std::cout << "\n"
            << "default      " << e.execution_space << "\n"
            << "concurrency  " << e.concurrency << "\n"
            << "device       " << e.device << "\n"
            << "host         " << e.hostname << "\n";
  return 0;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "kscan " << KSCAN_VERSION_STRING << " (git " << KSCAN_GIT_REVISION << ", Kokkos "
              << KOKKOS_VERSION / 10000 << "." << KOKKOS_VERSION / 100 % 100 << "."
              << KOKKOS_VERSION % 100 << ")\n";
    return 0;
  }
  const std::string command = argv[1];
  if (command == "info") {
    Kokkos::ScopeGuard kokkos(argc, argv);
    return print_info();
  }
  std::cerr << "kscan: unknown command '" << command << "'\n\n" << kUsage;
  return 2;
}
