#pragma once
// Gathers the rows (leading index) a distributed backend holds per rank into one view on rank 0.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <string>
#include <vector>

#include "kscan/distributed/mpi_support.hpp"

namespace kscan {

/// Every rank holds rows [chunk_of(length, ranks, rank)) of a LayoutRight view; returns them in
/// rank order as a view of `length` rows in the same memory space on rank 0 and a view of zero
/// rows on the other ranks. Collective over `comm`.
template <class View>
View gather_rows(const View& local, long long length, MPI_Comm comm) {
  static_assert(std::is_same<typename View::array_layout, Kokkos::LayoutRight>::value,
                "gather_rows: rows must be contiguous (LayoutRight)");
  const int rank = mpi::rank(comm), ranks = mpi::size(comm);
  std::size_t row_bytes = sizeof(typename View::value_type);
  for (unsigned d = 1; d < View::rank; ++d) row_bytes *= local.extent(d);
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
  layout.dimension[0] = rank == 0 ? static_cast<std::size_t>(length) : 0;
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
