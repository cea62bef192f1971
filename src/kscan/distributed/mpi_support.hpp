#pragma once
// The few MPI helpers the distributed layer shares: error checks that throw, byte transfers that
// stay under MPI's int counts, and an MPI datatype for a trivially copyable struct.
#include <mpi.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace kscan::mpi {

/// Throws std::runtime_error naming the call when an MPI call fails (communicators are set to
/// MPI_ERRORS_RETURN by MpiSession, so failures come back as codes).
inline void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI: ") + call + " failed: " + std::string(text, length));
}

inline int rank(MPI_Comm comm) {
  int r = 0;
  check(MPI_Comm_rank(comm, &r), "MPI_Comm_rank");
  return r;
}

inline int size(MPI_Comm comm) {
  int s = 0;
  check(MPI_Comm_size(comm, &s), "MPI_Comm_size");
  return s;
}

/// The sum of `local` over the ranks of `comm`, on every rank (collective).
inline double sum_over_ranks(double local, MPI_Comm comm) {
  double total = 0;
  check(MPI_Allreduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, comm), "MPI_Allreduce");
  return total;
}
inline std::size_t sum_over_ranks(std::size_t local, MPI_Comm comm) {
  unsigned long long mine = local, total = 0;
  check(MPI_Allreduce(&mine, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, comm), "MPI_Allreduce");
  return static_cast<std::size_t>(total);
}

// MPI counts are int: long buffers go in pieces of at most 1 GiB, sent and received in the same
// order on both sides.
inline constexpr std::size_t max_piece_bytes = std::size_t(1) << 30;

inline void send_bytes(const void* data, std::size_t bytes, int to, int tag, MPI_Comm comm) {
  const auto* p = static_cast<const char*>(data);
  do {
    const std::size_t piece = bytes < max_piece_bytes ? bytes : max_piece_bytes;
    check(MPI_Send(p, static_cast<int>(piece), MPI_BYTE, to, tag, comm), "MPI_Send");
    p += piece;
    bytes -= piece;
  } while (bytes > 0);
}

inline void recv_bytes(void* data, std::size_t bytes, int from, int tag, MPI_Comm comm) {
  auto* p = static_cast<char*>(data);
  do {
    const std::size_t piece = bytes < max_piece_bytes ? bytes : max_piece_bytes;
    check(MPI_Recv(p, static_cast<int>(piece), MPI_BYTE, from, tag, comm, MPI_STATUS_IGNORE),
          "MPI_Recv");
    p += piece;
    bytes -= piece;
  } while (bytes > 0);
}

/// A committed MPI datatype of sizeof(T) bytes, freed with the object.
template <class T>
class BytesType {
  static_assert(std::is_trivially_copyable<T>::value, "BytesType: T must be trivially copyable");

 public:
  BytesType() {
    check(MPI_Type_contiguous(static_cast<int>(sizeof(T)), MPI_BYTE, &type_),
          "MPI_Type_contiguous");
    check(MPI_Type_commit(&type_), "MPI_Type_commit");
  }
  ~BytesType() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Type_free(&type_);
  }
  BytesType(const BytesType&) = delete;
  BytesType& operator=(const BytesType&) = delete;
  MPI_Datatype get() const { return type_; }

 private:
  MPI_Datatype type_ = MPI_DATATYPE_NULL;
};

/// The steps [begin, end) of a series of `length` steps that rank `r` of `ranks` holds:
/// contiguous, in rank order, the first length % ranks ranks one step longer (so a series
/// shorter than the rank count leaves the last ranks empty).
struct Chunk {
  long long begin = 0, end = 0;
  long long size() const { return end - begin; }
};

inline Chunk chunk_of(long long length, int ranks, int r) {
  const long long base = length / ranks, extra = length % ranks;
  Chunk c;
  c.begin = r * base + (r < extra ? r : extra);
  c.end = c.begin + base + (r < extra ? 1 : 0);
  return c;
}

}  // namespace kscan::mpi
