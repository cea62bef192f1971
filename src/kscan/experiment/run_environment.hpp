#pragma once
// What a result was measured on: versions, backend, device, concurrency, host.
#include <string>
#include <vector>

namespace kscan {

struct RunEnvironment {
  std::string kscan_version;   // "0.1.0 (git abc123)"
  std::string kokkos_version;  // "3.4.1"
  std::string hdf5_version;
  std::string yaml_cpp_version;
  std::string execution_space;  // Kokkos::DefaultExecutionSpace::name()
  std::vector<std::string> enabled_backends;
  int concurrency = 0;
  std::string device;  // CPU model or GPU name
  std::string hostname;
  std::string compiler;
};

/// Reads the environment of this process (Kokkos must be initialised).
RunEnvironment current_environment();

/// ISO 8601 UTC time stamp of now.
std::string iso8601_now();

}  // namespace kscan
