#pragma once
// MPI for the kscan program: initialised before Kokkos and finalised after it, and the Kokkos
// arguments that give each rank of a node its own device or its own cores.
#include <mpi.h>

#include <string>
#include <vector>

namespace kscan {

class MpiSession {
 public:
  /// MPI_Init_thread (funneled: only the main thread calls MPI); errors on MPI_COMM_WORLD
  /// return codes (mpi::check turns them into exceptions) instead of aborting.
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  MPI_Comm comm() const { return MPI_COMM_WORLD; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Rank and rank count among the ranks on this node (MPI_COMM_TYPE_SHARED).
  int local_rank() const { return local_rank_; }
  int local_size() const { return local_size_; }
  /// Ends every rank (a rank cannot go on when another failed in the middle of a sweep).
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
};

/// Kokkos arguments to add for this rank, unless `user` (the --kokkos-* arguments given) or the
/// environment already choose:
///   GPU backends: --kokkos-device-id = local rank modulo the devices listed in
///     CUDA_VISIBLE_DEVICES / HIP_VISIBLE_DEVICES / ROCR_VISIBLE_DEVICES (the local rank itself
///     when none is set), so that the ranks of a node use different GPUs;
///   host backends: the threads flag with this rank's share of the cores: the cores it is
///     bound to when the launcher bound it (affinity narrower than the node), otherwise the
///     node's cores / local_size; nothing when OMP_NUM_THREADS is set.
/// `affinity_cores` and `node_cores` come from the caller so that this can be tested.
std::vector<std::string> rank_placement_arguments(const std::vector<std::string>& user,
                                                  int local_rank, int local_size,
                                                  int affinity_cores, int node_cores);

/// The cores this process may run on (sched_getaffinity) and the node's (hardware) cores.
int affinity_core_count();
int node_core_count();

}  // namespace kscan
