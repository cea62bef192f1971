#include "kscan/scan/combine_count.hpp"

#include <algorithm>

#include "kscan/scan/impl/scan_registry.hpp"

namespace kscan {

std::vector<ScanStep> scan_schedule(const ScanOptions& options, std::int64_t n, int threads) {
  ScanSchedule steps;
  if (n < 1) return steps;
  scan_detail::visit_scan(options.algorithm, [&](auto scan) {
    decltype(scan)::schedule(steps, options, n, std::max(threads, 1));
  });
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
  bool exact = true;
  scan_detail::visit_scan(options.algorithm,
                          [&](auto scan) { exact = decltype(scan)::count_is_exact; });
  return exact;
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
  if (!scans_batches(options)) return threads;
  return static_cast<int>(std::max<std::int64_t>(1, threads / std::max<std::int64_t>(rows, 1)));
}

std::int64_t workspace_elements(const ScanOptions& options, std::int64_t n, int threads) {
  std::int64_t elements = 0;
  if (n < 1) return elements;
  scan_detail::visit_scan(options.algorithm, [&](auto scan) {
    elements = decltype(scan)::workspace(options, n, std::max(threads, 1));
  });
  return elements;
}

}  // namespace kscan
