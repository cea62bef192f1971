#pragma once
// Blocked scan, the CPU workhorse, for P workers per series (rows of a batch are independent
// series; a single sequence is one row). With fewer than two workers' worth of chunks
// (blocked_chunks: P = 1, or n < 2 * blocked_min_chunk) each row is the sequential loop, and the
// rows run in parallel. Otherwise each row is cut into w + 1 chunks, w = min(P, n / 8), chunk 0
// 1.5 times as long as the others:
//   1. first:    chunk 0 is scanned in place (its running sum is a prefix, so this is its final
//                result) while chunks 1 .. w - 1 are reduced: w work items per row in one step;
//   2. partials: the w - 1 chunk sums become prefixes (everything up to the end of that chunk):
//                the first absorbs chunk 0's last prefix, then the sums are scanned -- in one
//                work item per row when they are too few for two chunks of their own, otherwise
//                by this same blocked scan (the sums of the sums live after them in the buffer);
//   3. rescan:   chunks 1 .. w are scanned in place from the prefix before them: w work items.
// Every running sum in steps 1 (chunk 0), 2 and 3 is a full prefix, so operators with a
// combine_prefix (prefix_combine.hpp) use it there; only the reductions need combine.
// Chunk 0 is longer because its prefix combines are cheaper than the reductions' general ones
// (for the filtering operator, nx 4, measured about 1.4x in time, 1.9x in flops), so its scan and
// the reductions end about together. The last chunk is never reduced. On a CPU (P small) step 2
// is one short loop; with P in the hundreds of thousands (a GPU) the sums recurse through about
// log_8(n) levels instead of one long serial loop. Workspace: blocked_workspace per row.
//
// The rows come as a batch (scan_common.hpp: UniformBatch, SumBatch; two_way_scan.hpp), which
// hands each kernel a row's operator, storage and input elements with their concrete types, so
// rows of different directions can share the launches. A batch whose elements are built on the
// fly (a Kalman element from the model and a measurement) has them built inside the passes:
// chunk 0 and the last chunk build each element where they combine it and never store it; the
// reduced chunks store theirs during the reduction, for the rescan. Each element is built once.
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/impl/scan_common.hpp"
#include "kscan/scan/scan_descriptor.hpp"

namespace kscan::scan_detail {

/// Scans [begin, end) of `input` into x from `running`, the full prefix before `begin`.
template <class Op, class Seq, class Input>
KOKKOS_INLINE_FUNCTION void scan_from(const Op& op, const Seq& x, const Input& input,
                                      typename Op::value_type running, index_t begin,
                                      index_t end) {
  for (index_t i = begin; i < end; ++i) {
    running = combine_prefix(op, running, input(i));
    x(i) = running;
  }
}

/// sum = the combine of x(begin) .. x(end - 1), end - begin >= 1, storing input(i) into x(i)
/// first when `builds`. `sum` is storage (the chunk's slot of the partial sums), written after
/// every combine and read by the next, so that a device thread need not hold the running value
/// across the chain; an operator with accumulate_later or accumulate_earlier (prefix_combine.hpp)
/// updates it there in place, part by part (the square-root filtering operator's reductions:
/// 40-112 B of spills to none, nx 4, float32). The direction suits the operator: from the chunk's
/// end with accumulate_later (the filtering operators' later-operand order, which fits a device
/// thread's registers where their combine from the start spilled, nx 4, float32: 16 B stored,
/// 32 B loaded); from the start otherwise, which is the same for a reverse chain
/// (ReverseOperator's accumulate_earlier is the original's accumulate_later).
template <bool builds, class Op, class Seq, class Input>
KOKKOS_INLINE_FUNCTION void reduce_chunk(const Op& op, const Seq& x, const Input& input,
                                         index_t begin, index_t end, typename Op::value_type& sum) {
  if constexpr (has_accumulate_later<Op>::value) {
    if constexpr (builds) x(end - 1) = input(end - 1);
    sum = x(end - 1);
    for (index_t i = end - 2; i >= begin; --i) {
      if constexpr (builds) x(i) = input(i);
      op.accumulate_later(x(i), sum);
    }
  } else {
    if constexpr (builds) x(begin) = input(begin);
    sum = x(begin);
    for (index_t i = begin + 1; i < end; ++i) {
      if constexpr (builds) x(i) = input(i);
      if constexpr (has_accumulate_earlier<Op>::value)
        op.accumulate_earlier(sum, x(i));
      else
        sum = op.combine(sum, x(i));
    }
  }
}

/// The rows of `batch`, n elements each, with `threads` workers per row; `partial` must hold
/// batch.count * blocked_workspace(n, threads) elements.
template <class ExecSpace, class Batch, class Buffer>
void blocked_scan(const ExecSpace& space, const Batch& batch, index_t n, int threads,
                  const Buffer& partial) {
  // (Batch::builds is named in the kernels, not copied into a local: nvcc's extended lambdas may
  // not first capture a variable inside `if constexpr`)
  using value_type = typename Buffer::non_const_value_type;
  const index_t rows = batch.count;
  const index_t chunks = blocked_chunks(n, threads);
  if (chunks == 1) {
    if (n < (Batch::builds ? 1 : 2)) return;
    Kokkos::parallel_for(
        "kscan::scan::blocked::sequential", range<value_type>(space, 0, rows),
        KOKKOS_LAMBDA(index_t r) {
          batch.visit(r, [&](const auto& op, const auto& x, const auto& input) {
            if constexpr (Batch::builds) x(0) = input(0);
            scan_from(op, x, input, x(0), 1, n);
          });
        });
    return;
  }
  const index_t sums = chunks - 2;  // partial sums per row
  Kokkos::parallel_for(
      "kscan::scan::blocked::first", range<value_type>(space, 0, rows * (chunks - 1)),
      KOKKOS_LAMBDA(index_t k) {
        const index_t r = k / (chunks - 1), c = k % (chunks - 1);
        batch.visit(r, [&](const auto& op, const auto& x, const auto& input) {
          const index_t begin = chunk_begin(c, n, chunks);
          const index_t end = chunk_begin(c + 1, n, chunks);
          if (c == 0) {
            if constexpr (Batch::builds) x(0) = input(0);
            scan_from(op, x, input, x(0), 1, end);
            return;
          }
          // (the rescan reads what this reduction built)
          reduce_chunk<Batch::builds>(op, x, input, begin, end, partial(r * sums + c - 1));
        });
      });
  if (sums > 0) {
    // The first sum absorbs chunk 0's last prefix; the others follow it here when they are too
    // few for a blocked level of their own, otherwise in one.
    const bool deeper = blocked_chunks(sums, threads) > 1;
    const index_t here = deeper ? 1 : sums;
    const SumBatch<decltype(batch.ops), Buffer> sum_batch{batch.ops, partial, sums, rows};
    Kokkos::parallel_for(
        "kscan::scan::blocked::partials", range<value_type>(space, 0, rows),
        KOKKOS_LAMBDA(index_t r) {
          value_type carry;
          batch.visit(r, [&](const auto&, const auto& x, const auto&) {
            carry = x(chunk_begin(1, n, chunks) - 1);
          });
          sum_batch.visit(r, [&](const auto& op, const auto& x, const auto& input) {
            scan_from(op, x, input, carry, 0, here);
          });
        });
    if (deeper) {
      const index_t below = rows * sums;
      blocked_scan(space, sum_batch, sums, threads,
                   Kokkos::subview(partial, Kokkos::make_pair(below, index_t(partial.extent(0)))));
    }
  }
  Kokkos::parallel_for(
      "kscan::scan::blocked::rescan", range<value_type>(space, 0, rows * (chunks - 1)),
      KOKKOS_LAMBDA(index_t k) {
        const index_t r = k / (chunks - 1), c = 1 + k % (chunks - 1);
        batch.visit(r, [&](const auto& op, const auto& x, const auto& input) {
          const index_t begin = chunk_begin(c, n, chunks), end = chunk_begin(c + 1, n, chunks);
          const value_type running = c == 1 ? x(begin - 1) : partial(r * sums + c - 2);
          if (c + 1 == chunks)  // not reduced: its elements come from the input
            scan_from(op, x, input, running, begin, end);
          else
            scan_from(op, x, StoredRow<std::decay_t<decltype(x)>>{x}, running, begin, end);
        });
      });
}

/// The steps of blocked_scan, level by level: the sums of a level are scanned like a sequence
/// of their own.
inline void blocked_steps(ScanSchedule& steps, index_t n, int threads) {
  const index_t chunks = blocked_chunks(n, threads);
  const auto length = [&](index_t c) {
    return chunk_begin(c + 1, n, chunks) - chunk_begin(c, n, chunks);
  };
  if (chunks == 1) {
    add_step(steps, 1, n - 1, n - 1, n - 1);
    return;
  }
  // chunk 0's scan (prefix) and the reductions of chunks 1 .. chunks - 2 (general)
  index_t first = length(0) - 1, reduction_chain = 0;
  for (index_t c = 1; c + 1 < chunks; ++c) {
    first += length(c) - 1;
    reduction_chain = reduction_chain > length(c) - 1 ? reduction_chain : length(c) - 1;
  }
  if (first > 0) {
    const index_t chain = length(0) - 1 > reduction_chain ? length(0) - 1 : reduction_chain;
    steps.push_back(ScanStep{chunks - 1, first, chain, length(0) - 1, length(0) - 1,
                             reduction_chain});
  }
  const index_t sums = chunks - 2;
  const bool deeper = blocked_chunks(sums, threads) > 1;
  const index_t here = deeper ? 1 : sums;  // the carry into the first sum, or all of them
  add_step(steps, 1, here, here, here);
  if (deeper) blocked_steps(steps, sums, threads);
  index_t rescan = 0, rescan_chain = 0;
  for (index_t c = 1; c < chunks; ++c) {
    rescan += length(c);
    rescan_chain = rescan_chain > length(c) ? rescan_chain : length(c);
  }
  add_step(steps, chunks - 1, rescan, rescan_chain, rescan);
}

/// Registry row (scan_registry.hpp): the one scan that takes batches.
struct BlockedScan : ScanDefaults {
  static constexpr ScanAlgorithm algorithm = ScanAlgorithm::blocked;
  static constexpr std::array<ScanDeckName, 1> deck_names{
      {{"blocked", "per-thread chunks: reduce, scan the partials, re-scan the chunks"}}};
  static constexpr bool scans_batches = true;
  template <class ExecSpace, class Batch, class Buffer>
  static void run_batch(const ExecSpace& space, const Batch& batch, index_t n, int threads,
                        const Buffer& buffer) {
    blocked_scan(space, batch, n, threads, buffer);
  }
  template <class ExecSpace, class Op, class Seq, class Buffer>
  static void run(const ExecSpace& space, const ScanOptions&, const Op& op, const Seq& x,
                  index_t n, int threads, const Buffer& buffer) {
    blocked_scan(space, UniformBatch<Op, SingleRow<Seq>>{{op}, {x}, {}, 1}, n, threads, buffer);
  }
  static void schedule(ScanSchedule& steps, const ScanOptions&, index_t n, int threads) {
    blocked_steps(steps, n, threads);
  }
  static std::int64_t workspace(const ScanOptions&, std::int64_t n, int threads) {
    return blocked_workspace(n, threads);
  }
};
}  // namespace kscan::scan_detail
