#include "kscan/scan/combine_count.hpp"

#include <algorithm>

#include "kscan/scan/scan_common.hpp"

namespace kscan {

namespace {

using scan_detail::index_t;

// (a step whose items are all prefix chains, or all general ones; tree levels have chains of 1)
void add(std::vector<ScanStep>& steps, index_t items, index_t combines, index_t chain,
         index_t prefix_combines) {
  if (combines > 0)
    steps.push_back(ScanStep{items, combines, chain, prefix_combines,
                             prefix_combines > 0 ? chain : 0,
                             prefix_combines < combines ? chain : 0});
}

// (the tree node of the block at 0 is a full prefix)
void tree_upsweep_steps(std::vector<ScanStep>& steps, index_t n) {
  for (index_t d = 1; d < n; d *= 2) {
    const index_t parents = scan_detail::tree_parents(n, d);
    add(steps, parents, parents, 1, 1);
  }
}

// (out(i) = in(i - d) ⊕ in(i) has a full prefix on the left for d <= i < 2d)
void hillis_steele_steps(std::vector<ScanStep>& steps, index_t n) {
  for (index_t d = 1; d < n; d *= 2) add(steps, n - d, n - d, 1, std::min(n, 2 * d) - d);
}

// (blocked_scan.hpp, level by level: the sums of a level are scanned like a sequence of their own)
void blocked_steps(std::vector<ScanStep>& steps, index_t n, int threads) {
  const index_t chunks = scan_detail::blocked_chunks(n, threads);
  const auto length = [&](index_t c) {
    return scan_detail::chunk_begin(c + 1, n, chunks) - scan_detail::chunk_begin(c, n, chunks);
  };
  if (chunks == 1) {
    add(steps, 1, n - 1, n - 1, n - 1);
    return;
  }
  // chunk 0's scan (prefix) and the reductions of chunks 1 .. chunks - 2 (general)
  index_t first = length(0) - 1, reduction_chain = 0;
  for (index_t c = 1; c + 1 < chunks; ++c) {
    first += length(c) - 1;
    reduction_chain = std::max(reduction_chain, length(c) - 1);
  }
  if (first > 0)
    steps.push_back(ScanStep{chunks - 1, first, std::max(length(0) - 1, reduction_chain),
                             length(0) - 1, length(0) - 1, reduction_chain});
  const index_t sums = chunks - 2;
  const bool deeper = scan_detail::blocked_chunks(sums, threads) > 1;
  const index_t here = deeper ? 1 : sums;  // the carry into the first sum, or all of them
  add(steps, 1, here, here, here);
  if (deeper) blocked_steps(steps, sums, threads);
  index_t rescan = 0, rescan_chain = 0;
  for (index_t c = 1; c < chunks; ++c) {
    rescan += length(c);
    rescan_chain = std::max(rescan_chain, length(c));
  }
  add(steps, chunks - 1, rescan, rescan_chain, rescan);
}

}  // namespace

std::vector<ScanStep> scan_schedule(const ScanOptions& options, std::int64_t n, int threads) {
  std::vector<ScanStep> steps;
  if (n < 1) return steps;
  threads = std::max(threads, 1);
  switch (options.algorithm) {
    case ScanAlgorithm::sequential:
      add(steps, 1, n - 1, n - 1, n - 1);
      break;
    case ScanAlgorithm::hillis_steele:
      hillis_steele_steps(steps, n);
      break;
    case ScanAlgorithm::blelloch:
      tree_upsweep_steps(steps, n);
      for (index_t d = scan_detail::top_stride(n); d >= 1; d /= 2) {
        const index_t parents = scan_detail::tree_parents(n, d);
        add(steps, parents, parents, 1, parents - 1);  // (block 0's parent is the identity)
      }
      add(steps, n, n, 1, n - 1);
      break;
    case ScanAlgorithm::ladner_fischer:
      tree_upsweep_steps(steps, n);
      for (index_t d = scan_detail::top_stride(n) / 2; d >= 1; d /= 2) {
        const index_t fills = scan_detail::ladner_fischer_fills(n, d);
        add(steps, fills, fills, 1, fills);
      }
      break;
    case ScanAlgorithm::sengupta: {
      const scan_detail::SenguptaLevels tree(n, options.sengupta_threshold);
      for (int l = 0; l < tree.top; ++l) {
        const index_t pairs = tree.size[l] / 2;
        add(steps, pairs, pairs, 1, 1);
      }
      hillis_steele_steps(steps, tree.size[tree.top]);
      for (int l = tree.top - 1; l >= 0; --l) {
        const index_t evens = (tree.size[l] - 1) / 2;
        add(steps, evens, evens, 1, evens);
      }
      break;
    }
    case ScanAlgorithm::kokkos: {
      // (its running sums start from the identity: no known prefixes)
      if (threads == 1) {
        add(steps, 1, n, n, 0);
      } else {
        const index_t p = std::min<index_t>(threads, n);
        const index_t per = (n + p - 1) / p;
        add(steps, p, n, per, 0);
        add(steps, 1, threads - 1, threads - 1, 0);
        add(steps, p, n, per, 0);
      }
      break;
    }
    case ScanAlgorithm::blocked:
      blocked_steps(steps, n, threads);
      break;
  }
  return steps;
}

std::int64_t combine_count(const ScanOptions& options, std::int64_t n, int threads) {
  std::int64_t total = 0;
  for (const ScanStep& step : scan_schedule(options, n, threads)) total += step.combines;
  return total;
}

std::int64_t prefix_combine_count(const ScanOptions& options, std::int64_t n, int threads) {
  std::int64_t total = 0;
  for (const ScanStep& step : scan_schedule(options, n, threads)) total += step.prefix_combines;
  return total;
}

bool combine_count_is_exact(const ScanOptions& options) {
  return options.algorithm != ScanAlgorithm::kokkos;
}

std::int64_t parallel_steps(const ScanOptions& options, std::int64_t n, int threads) {
  return static_cast<std::int64_t>(scan_schedule(options, n, threads).size());
}

std::int64_t simulated_combine_depth(const ScanOptions& options, std::int64_t n, int threads,
                                     std::int64_t p) {
  p = std::max<std::int64_t>(p, 1);
  std::int64_t depth = 0;
  for (const ScanStep& step : scan_schedule(options, n, threads))
    depth += (step.items + p - 1) / p * step.chain;
  return depth;
}

int row_threads(const ScanOptions& options, std::int64_t rows, int threads) {
  if (options.algorithm != ScanAlgorithm::blocked) return threads;
  return static_cast<int>(std::max<std::int64_t>(1, threads / std::max<std::int64_t>(rows, 1)));
}

std::int64_t workspace_elements(const ScanOptions& options, std::int64_t n, int threads) {
  if (n < 1) return 0;
  switch (options.algorithm) {
    case ScanAlgorithm::hillis_steele: return n >= 2 ? n : 0;
    case ScanAlgorithm::blelloch: return n;
    case ScanAlgorithm::sengupta:
      return scan_detail::SenguptaLevels(n, options.sengupta_threshold).workspace_elements();
    case ScanAlgorithm::blocked: return scan_detail::blocked_workspace(n, threads);
    case ScanAlgorithm::sequential:
    case ScanAlgorithm::ladner_fischer:
    case ScanAlgorithm::kokkos: return 0;
  }
  return 0;
}

}  // namespace kscan
