#include "kscan/experiment/run_environment.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <Kokkos_Core.hpp>
#include <ctime>
#include <fstream>

#include "kscan/version.hpp"

namespace kscan {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

std::string device_name() {
#if defined(KOKKOS_ENABLE_CUDA)
  cudaDeviceProp prop;
  int dev = 0;
  if (cudaGetDevice(&dev) == cudaSuccess && cudaGetDeviceProperties(&prop, dev) == cudaSuccess)
    return prop.name;
#endif
  return cpu_model();
}

}  // namespace

RunEnvironment current_environment() {
  RunEnvironment e;
  e.kscan_version = std::string(KSCAN_VERSION_STRING) + " (git " + KSCAN_GIT_REVISION + ")";
  e.kokkos_version = std::to_string(KOKKOS_VERSION / 10000) + "." +
                     std::to_string(KOKKOS_VERSION / 100 % 100) + "." +
                     std::to_string(KOKKOS_VERSION % 100);
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  e.hdf5_version = std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel);
  e.yaml_cpp_version = KSCAN_YAML_CPP_VERSION;
  e.execution_space = Kokkos::DefaultExecutionSpace::name();
#ifdef KOKKOS_ENABLE_SERIAL
  e.enabled_backends.push_back("Serial");
#endif
#ifdef KOKKOS_ENABLE_OPENMP
  e.enabled_backends.push_back("OpenMP");
#endif
#ifdef KOKKOS_ENABLE_THREADS
  e.enabled_backends.push_back("Threads");
#endif
#ifdef KOKKOS_ENABLE_CUDA
  e.enabled_backends.push_back("Cuda");
#endif
#ifdef KOKKOS_ENABLE_HIP
  e.enabled_backends.push_back("HIP");
#endif
#ifdef KOKKOS_ENABLE_SYCL
  e.enabled_backends.push_back("SYCL");
#endif
  e.concurrency = Kokkos::DefaultExecutionSpace().concurrency();
  e.device = device_name();
  char host[256] = {0};
  e.hostname = gethostname(host, sizeof(host) - 1) == 0 ? host : "unknown";
#if defined(__clang__)
  e.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
  e.compiler = "gcc " __VERSION__;
#else
  e.compiler = "unknown";
#endif
  return e;
}

std::string iso8601_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

}  // namespace kscan
