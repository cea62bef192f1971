#pragma once
// Gathers the steps a distributed solver holds per rank into one view on rank 0.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "kscan/distributed/mpi_support.hpp"

namespace kscan {

/// Every rank holds steps [chunk_of(length, ranks, rank)) of a batch of one, a LayoutRight view
/// [1, steps, ...]; returns them in rank order as a view [1, length, ...] in the same memory
/// space on rank 0 and [1, 0, ...] on the other ranks. Collective over `comm`.
template <class View>
View gather_steps(const View& local, long long length, MPI_Comm comm) {
  static_assert(std::is_same<typename View::array_layout, Kokkos::LayoutRight>::value,
                "gather_steps: steps must be contiguous (LayoutRight)");
  static_assert(View::rank >= 2, "gather_steps: a batch of one, [1, steps, ...]");
  if (local.extent(0) != 1) throw std::invalid_argument("gather_steps: not a batch of one");
  const int rank = mpi::rank(comm), ranks = mpi::size(comm);
  std::size_t row_bytes = sizeof(typename View::value_type);
  for (unsigned d = 2; d < View::rank; ++d) row_bytes *= local.extent(d);
  MPI_Datatype row;
  mpi::check(MPI_Type_contiguous(static_cast<int>(row_bytes), MPI_BYTE, &row),
             "MPI_Type_contiguous");
  mpi::check(MPI_Type_commit(&row), "MPI_Type_commit");

  std::vector<int> counts(ranks), displacements(ranks);
  for (int r = 0; r < ranks; ++r) {
    const auto c = mpi::chunk_of(length, ranks, r);
    counts[r] = static_cast<int>(c.size());
    displacements[r] = static_cast<int>(c.begin);
  }
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), local);
  auto layout = local.layout();
  layout.dimension[1] = rank == 0 ? static_cast<std::size_t>(length) : 0;
  View full(Kokkos::view_alloc(std::string("kscan::distributed::gathered")), layout);
  auto full_host = Kokkos::create_mirror_view(full);
  const int code = MPI_Gatherv(host.data(), counts[rank], row, full_host.data(), counts.data(),
                               displacements.data(), row, 0, comm);
  MPI_Type_free(&row);
  mpi::check(code, "MPI_Gatherv");
  Kokkos::deep_copy(full, full_host);
  return full;
}

}  // namespace kscan
