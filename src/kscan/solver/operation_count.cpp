#include "kscan/solver/operation_count.hpp"

#include <algorithm>

#include "kscan/scan/combine_count.hpp"
#include "kscan/solver/impl/flop_count.hpp"

namespace kscan {
namespace {

/// Accumulates the total and the simulated span of a run, step by step.
class Tally {
 public:
  explicit Tally(std::int64_t p) : p_(std::max<std::int64_t>(p, 1)) {}

  /// A parallel step over `items` independent items of `flops` each.
  void parallel(std::int64_t items, double flops) {
    if (items <= 0) return;
    count_.total += static_cast<double>(items) * flops;
    count_.span += static_cast<double>((items + p_ - 1) / p_) * flops;
  }
  /// `steps` dependent steps of `flops` each, one after another on one thread.
  void chain(std::int64_t steps, double flops) {
    if (steps <= 0) return;
    count_.total += static_cast<double>(steps) * flops;
    count_.span += static_cast<double>(steps) * flops;
  }
  /// A scan of `length` elements whose combines cost `general` flops, or `known` where one
  /// operand is a full prefix (forward) or suffix (reverse) and the cheaper combine applies.
  void scan(const ScanOptions& options, std::int64_t length, int threads, double general,
            double known) {
    for (const ScanStep& step : scan_schedule(options, length, threads)) {
      const std::int64_t cheap = step.prefix_combines, costly = step.combines - cheap;
      const double work =
          static_cast<double>(costly) * general + static_cast<double>(cheap) * known;
      count_.total += work;
      count_.span += step.chain == 1 ? level_span(costly, cheap, general, known)
                                     : chain_span(step, work, general, known);
    }
  }
  /// Two scans of `length` elements laid out for `threads` workers each and run step by step
  /// together (two_way_scan.hpp): both count in the total, and each joint step holds both scans'
  /// items (its longest chain priced at the dearer of their cheaper combines). Only the blocked
  /// scan runs this way, and its steps are chains.
  void scans_together(const ScanOptions& options, std::int64_t length, int threads,
                      double general, double known_first, double known_second) {
    const double known = std::max(known_first, known_second);
    for (const ScanStep& step : scan_schedule(options, length, threads)) {
      const std::int64_t cheap = step.prefix_combines, costly = step.combines - cheap;
      const double work = 2 * static_cast<double>(costly) * general +
                          static_cast<double>(cheap) * (known_first + known_second);
      count_.total += work;
      count_.span += chain_span(step, work, general, known);
    }
  }
  OperationCount result() const { return count_; }

 private:
  /// Span of a step of chains doing `work` flops in all: the longest chain (the dearer of the
  /// longest prefix chain and the longest general one), or the work spread over the p threads if
  /// that is more (the two bounds of any schedule; on one thread, the work).
  double chain_span(const ScanStep& step, double work, double general, double known) const {
    const double longest = std::max(static_cast<double>(step.prefix_chain) * known,
                                    static_cast<double>(step.general_chain) * general);
    return std::max(longest, work / static_cast<double>(p_));
  }
  /// Span of a step of independent combines, `costly` of `general` and `cheap` of `known` flops,
  /// on p threads: the costly ones dealt out first, the cheap ones filling the threads that are
  /// short of the busiest, then spread evenly (the longest-processing-time-first schedule).
  double level_span(std::int64_t costly, std::int64_t cheap, double general, double known) const {
    if (costly + cheap <= p_) return costly > 0 ? general : known;
    const std::int64_t rounds = costly / p_, extra = costly % p_;
    const double busiest = static_cast<double>(rounds + (extra > 0)) * general;
    const std::int64_t room =
        extra > 0 ? (p_ - extra) * static_cast<std::int64_t>(general / known) : 0;
    if (cheap <= room) return busiest;
    return busiest + static_cast<double>((cheap - room + p_ - 1) / p_) * known;
  }

  std::int64_t p_;
  OperationCount count_;
};

/// The flops of each building block a method is made of, in one numerical form.
struct BlockCosts {
  double filter_step, filter_element, filter_combine, filter_combine_prefix, innovation;
  double backward_combine_suffix;  // PTFS's backward scan, where the right operand is a suffix
  double smooth_element, smooth_combine, smooth_combine_suffix, smoothing_step;
  double backward_step, two_filter_combine;
  double covariance;  // a carried factor turned into the stored covariance (sqrt only)
};

BlockCosts block_costs(Form form, double nx, double ny) {
  if (form == Form::sqrt) {
    namespace f = flops::sqrt_form;
    return {f::kalman_step(nx, ny),
            f::filter_element(nx, ny),
            f::filter_combine(nx),
            f::filter_combine_prefix(nx),
            f::innovation(nx, ny),
            f::filter_combine_suffix(nx),
            f::smooth_element(nx),
            f::smooth_combine(nx),
            f::smooth_combine_suffix(nx),
            f::rts_step(nx),
            f::backward_step(nx, ny),
            f::two_filter_combine(nx),
            f::covariance(nx)};
  }
  return {flops::innovation(nx, ny) + flops::kalman_update(nx, ny),
          flops::filter_element(nx, ny),
          flops::filter_combine(nx),
          flops::filter_combine_prefix(nx),
          flops::innovation(nx, ny),
          flops::filter_combine_suffix(nx),
          flops::smooth_element(nx),
          flops::smooth_combine(nx),
          flops::smooth_combine_suffix(nx),
          flops::rts_step(nx),
          flops::information_step(nx, ny),
          flops::two_filter_combine(nx),
          0};
}

/// Filtering elements of the window's steps, the forward scan over them (after the prior
/// element: combines with a full prefix on the left take the cheaper form), then the innovations
/// of the filtered means for the log-likelihood.
void filter_window(Tally& tally, const ScanOptions& scan, const BlockCosts& cost,
                   std::int64_t steps, bool with_prior, int scan_threads) {
  tally.parallel(steps, cost.filter_element);
  tally.scan(scan, steps + (with_prior ? 1 : 0), scan_threads, cost.filter_combine,
             with_prior ? cost.filter_combine_prefix : cost.filter_combine);
  tally.parallel(steps, cost.innovation);
}

}  // namespace

OperationCount count_filter_window(const SolverOptions& options, int nx, int ny,
                                   std::int64_t steps, bool with_prior, int scan_threads,
                                   std::int64_t simulated_threads) {
  Tally tally(simulated_threads);
  filter_window(tally, options.scan, block_costs(options.form, nx, ny), steps, with_prior,
                scan_threads);
  return tally.result();
}

OperationCount count_operations(const SolverOptions& options, int nx, int ny,
                                std::int64_t length, int scan_threads,
                                std::int64_t simulated_threads) {
  const std::int64_t n = length;
  const BlockCosts cost = block_costs(options.form, nx, ny);
  Tally tally(simulated_threads);
  // The sequential methods (and PTFS's combination) carry factors to the end and store
  // covariances once, in parallel. PKF's and PRTS's estimates stay in their elements, turned into
  // covariances where they are read (dims_solver_impl.hpp), which is not part of the run.
  const auto sequential_filter = [&] { tally.chain(n, cost.filter_step); };
  const auto store_covariances = [&] { tally.parallel(n, cost.covariance); };
  const auto parallel_filter = [&] {
    filter_window(tally, options.scan, cost, n, true, scan_threads);
  };
  switch (options.method) {
    case Method::kf: sequential_filter(); break;
    case Method::rts:
      sequential_filter();
      tally.chain(n - 1, cost.smoothing_step);
      break;
    case Method::tfs:
      sequential_filter();
      tally.chain(n - 1, cost.backward_step + cost.two_filter_combine);
      break;
    case Method::pkf: parallel_filter(); return tally.result();
    case Method::prts:
      parallel_filter();
      tally.parallel(n, cost.smooth_element);
      tally.scan(options.scan, n, scan_threads, cost.smooth_combine, cost.smooth_combine_suffix);
      return tally.result();
    case Method::ptfs: {
      // The backward suffixes of a_0..a_T; the blocked scan runs both scans as one, each on half
      // the workers (the elements are counted once, as their own parallel step).
      if (scans_batches(options.scan)) {
        tally.parallel(n, cost.filter_element);
        tally.scans_together(options.scan, n + 1, std::max(1, scan_threads / 2),
                             cost.filter_combine, cost.filter_combine_prefix,
                             cost.backward_combine_suffix);
        tally.parallel(n, cost.innovation);
      } else {
        parallel_filter();
        tally.scan(options.scan, n + 1, scan_threads, cost.filter_combine,
                   cost.backward_combine_suffix);
      }
      tally.parallel(n - 1, cost.two_filter_combine);
      break;
    }
  }
  store_covariances();
  return tally.result();
}

}  // namespace kscan
