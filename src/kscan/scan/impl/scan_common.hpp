#pragma once
// Shared pieces of the scan algorithms: the index type, the range policy every dispatch uses,
// sequence accessors, and the host-side geometry (tree levels, chunks) that several algorithms
// and their accounting (each row's schedule) follow, so the two cannot drift apart.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <type_traits>

#include "kscan/core/impl/kernel_policy.hpp"

namespace kscan::scan_detail {

using index_t = std::int64_t;

/// Every scan dispatch runs on the caller's execution-space instance with 64-bit indices, under
/// the launch bounds for the elements it scans (kernel_policy.hpp).
template <class ExecSpace, class Value>
using Range = RangePolicy<ExecSpace, Value, Kokkos::IndexType<index_t>>;

template <class Value, class ExecSpace>
Range<ExecSpace, Value> range(const ExecSpace& space, index_t begin, index_t end) {
  return Range<ExecSpace, Value>(space, begin, end);
}

KOKKOS_INLINE_FUNCTION index_t min_index(index_t a, index_t b) { return a < b ? a : b; }

/// Elements [offset, offset + length) of a 1-D scratch view, indexed from 0.
template <class View>
struct OffsetSequence {
  View view;
  index_t offset;
  KOKKOS_INLINE_FUNCTION typename View::reference_type operator()(index_t i) const {
    return view(offset + i);
  }
};

/// Row `row` of a rank-2 view (a batch of series, one per row), as a sequence.
template <class View2>
struct RowSequence {
  using reference_type = typename View2::reference_type;
  View2 view;
  index_t row;
  KOKKOS_INLINE_FUNCTION reference_type operator()(index_t i) const { return view(row, i); }
};

/// The rows of a rank-2 view: rows(r) is row r.
template <class View2>
struct ViewRows {
  View2 view;
  KOKKOS_INLINE_FUNCTION RowSequence<View2> operator()(index_t r) const { return {view, r}; }
};

/// One sequence as a batch of one row.
template <class Seq>
struct SingleRow {
  Seq seq;
  KOKKOS_INLINE_FUNCTION Seq operator()(index_t) const { return seq; }
};

/// Marks a batch whose rows hold their own input elements (no source builds them).
struct StoredRows {};

/// A row's input elements read from the row itself.
template <class Seq>
struct StoredRow {
  Seq seq;
  KOKKOS_INLINE_FUNCTION decltype(auto) operator()(index_t i) const { return seq(i); }
};

/// Row `row` of an element source: source(row, i) is its element i.
template <class Source>
struct SourceRow {
  Source source;
  index_t row;
  KOKKOS_INLINE_FUNCTION auto operator()(index_t i) const { return source(row, i); }
};

/// A source read back to front along each row: element i is source(r, last - i).
template <class Source>
struct ReversedSource {
  Source source;
  index_t last;
  KOKKOS_INLINE_FUNCTION auto operator()(index_t r, index_t i) const { return source(r, last - i); }
};

/// Every row of a batch under one operator: with_operator(r, f) calls f(op).
template <class Op>
struct SameOperator {
  Op op;
  template <class F>
  KOKKOS_INLINE_FUNCTION void with_operator(index_t, const F& f) const {
    f(op);
  }
};

/// A batch of rows for the blocked scan (blocked_scan.hpp), all under one operator: rows(r) is
/// row r's storage; its input elements are its own contents (Source = StoredRows) or
/// source(r, i), built on the fly. visit(r, f) calls f(op, row, input) with input(i) the
/// element i, so that the scan's kernels see each row's concrete types.
template <class Op, class Rows, class Source = StoredRows>
struct UniformBatch {
  static constexpr bool builds = !std::is_same<Source, StoredRows>::value;
  SameOperator<Op> ops;
  Rows rows;
  Source source;
  index_t count;
  template <class F>
  KOKKOS_INLINE_FUNCTION void visit(index_t r, const F& f) const {
    const auto x = rows(r);
    if constexpr (builds)
      f(ops.op, x, SourceRow<Source>{source, r});
    else
      f(ops.op, x, StoredRow<std::remove_const_t<decltype(x)>>{x});
  }
};

/// The chunk sums of a batch's rows, row r being `stride` consecutive elements of `buffer`
/// from r * stride, combined under row r's operator (of `Ops`, the batch's with_operator).
template <class Ops, class Buffer>
struct SumBatch {
  static constexpr bool builds = false;
  Ops ops;
  Buffer buffer;
  index_t stride;
  index_t count;
  template <class F>
  KOKKOS_INLINE_FUNCTION void visit(index_t r, const F& f) const {
    const OffsetSequence<Buffer> x{buffer, r * stride};
    ops.with_operator(r, [&](const auto& op) { f(op, x, StoredRow<OffsetSequence<Buffer>>{x}); });
  }
};

// ---- host-side geometry ---------------------------------------------------------------------

/// Largest power of two strictly below n (n >= 2); 0 for n < 2.
constexpr index_t top_stride(index_t n) {
  index_t d = 0;
  for (index_t s = 1; s < n; s *= 2) d = s;
  return d;
}

/// Tree level with children of size d (a power of two): parents i = 2dk whose right child
/// [i + d, min(i + 2d, n)) is non-empty. Each such parent performs one combine.
constexpr index_t tree_parents(index_t n, index_t d) { return n > d ? (n - d + 2 * d - 1) / (2 * d) : 0; }

/// Blocked scan: a chunk is at least this long. A shorter one does not repay the second pass over
/// it; the bound also keeps the levels of sums short where workers are many (GPUs).
constexpr index_t blocked_min_chunk = 8;

/// Blocked scan: number of chunks for n elements and `threads` workers: w + 1 for the
/// w = min(threads, n / blocked_min_chunk) workers the length can keep busy, or 1 (one sequential
/// pass) when that is fewer than two. Chunk boundaries: chunk 0 is 1.5 times as long as the
/// others (2 chunks + 1 half-units, 3 of them chunk 0's).
constexpr index_t blocked_chunks(index_t n, int threads) {
  const index_t workers = threads < n / blocked_min_chunk ? threads : n / blocked_min_chunk;
  return workers < 2 ? 1 : workers + 1;
}

/// Blocked scan: chunk sums per row (the chunks between the first and the last), which are
/// scanned as a blocked scan of their own when there are enough of them.
constexpr index_t blocked_sums(index_t n, int threads) {
  const index_t chunks = blocked_chunks(n, threads);
  return chunks > 1 ? chunks - 2 : 0;
}

/// Blocked scan: scratch elements per row, the chunk sums of every level.
constexpr index_t blocked_workspace(index_t n, int threads) {
  index_t total = 0;
  for (index_t sums = blocked_sums(n, threads); sums > 0; sums = blocked_sums(sums, threads))
    total += sums;
  return total;
}
KOKKOS_INLINE_FUNCTION constexpr index_t chunk_begin(index_t c, index_t n, index_t chunks) {
  return chunks == 1 ? c * n : c == 0 ? 0 : (2 * c + 1) * n / (2 * chunks + 1);
}

}  // namespace kscan::scan_detail
