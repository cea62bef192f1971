#include "kscan/distributed/mpi_session.hpp"

#include <sched.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstdlib>
#include <thread>

#include "kscan/distributed/mpi_support.hpp"

namespace kscan {
namespace {

bool given(const std::vector<std::string>& user, const std::string& option) {
  return std::any_of(user.begin(), user.end(),
                     [&](const std::string& a) { return a.rfind(option, 0) == 0; });
}

/// Entries of a comma-separated device list in the environment; 0 when unset.
int listed_devices() {
  for (const char* name : {"CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES"}) {
    const char* value = std::getenv(name);
    if (!value || !*value) continue;
    const std::string list(value);
    return static_cast<int>(std::count(list.begin(), list.end(), ',')) + 1;
  }
  return 0;
}

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  mpi::check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  rank_ = mpi::rank(MPI_COMM_WORLD);
  size_ = mpi::size(MPI_COMM_WORLD);
  MPI_Comm node;
  mpi::check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
             "MPI_Comm_split_type");
  local_rank_ = mpi::rank(node);
  local_size_ = mpi::size(node);
  MPI_Comm_free(&node);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

void MpiSession::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);  // MPI_Abort does not return; this satisfies [[noreturn]]
}

std::vector<std::string> rank_placement_arguments(const std::vector<std::string>& user,
                                                  int local_rank, int local_size,
                                                  int affinity_cores, int node_cores) {
  using Memory = Kokkos::DefaultExecutionSpace::memory_space;
  constexpr bool on_device = !Kokkos::SpaceAccessibility<Kokkos::HostSpace, Memory>::accessible;
  std::vector<std::string> args;
  if (on_device) {
    if (given(user, "--kokkos-device-id") || given(user, "--kokkos-num-devices") ||
        given(user, "--kokkos-map-device-id-by"))
      return args;
    const int devices = listed_devices();
    args.push_back("--kokkos-device-id=" +
                   std::to_string(devices > 0 ? local_rank % devices : local_rank));
    return args;
  }
  // Kokkos 3.7 renamed --kokkos-threads to --kokkos-num-threads; either given means chosen.
  if (given(user, "--kokkos-threads") || given(user, "--kokkos-num-threads") ||
      std::getenv("OMP_NUM_THREADS"))
    return args;
  const int threads = affinity_cores < node_cores ? affinity_cores
                                                  : std::max(1, node_cores / std::max(1, local_size));
#if KOKKOS_VERSION >= 30700
  args.push_back("--kokkos-num-threads=" + std::to_string(threads));
#else
  args.push_back("--kokkos-threads=" + std::to_string(threads));
#endif
  return args;
}

int affinity_core_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return node_core_count();
  return CPU_COUNT(&set);
}

int node_core_count() {
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

}  // namespace kscan
