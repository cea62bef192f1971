#pragma once
// The parallel filter's one pipeline -- filtering elements -> inclusive scan -> log-likelihood
// and filtered results from the prefixes -> (PTFS) the two-filter combination with the backward
// suffixes -- written once for every solver that scans filtering elements: the one-process
// methods over a batch of series (dims_solver_impl.hpp) and the methods spread over MPI ranks
// (src/kscan/distributed), which run it on their window of the steps.
//
// Arrays are [series, element]; an ElementWindow says which steps' elements a row holds.
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kscan/core/impl/kernel_policy.hpp"
#include "kscan/core/phase_timer.hpp"
#include "kscan/scan/scan.hpp"
#include "kscan/solver/batched_kalman_solver.hpp"
#include "kscan/solver/impl/form_kernels.hpp"

namespace kscan {

/// The steps a row of filtering elements holds: element k is the prior element a_0 when
/// k < lead, else the element of measurement row first + k - lead (step first + k - lead + 1).
/// A row that leads with a_0 scans to full prefixes (filtered estimates); one that does not
/// (a later rank's chunk) scans to partial ones.
struct ElementWindow {
  int first = 0;  // measurement row of the first step
  int steps = 0;  // steps in the window
  int lead = 1;   // 1: the row starts with the prior element a_0; 0: it does not
  int size() const { return steps + lead; }
};

template <class Scalar, class ExecSpace, Form F, class Dims>
struct FilterPipeline {
  using T = Scalar;
  using K = FormKernels<T, Dims, F>;
  using D = Dense<T, Dims>;
  using memory_space = typename ExecSpace::memory_space;
  using solver_type = BatchedKalmanSolver<Scalar, ExecSpace>;
  using model_type = typename solver_type::model_type;
  using measurements_type = typename solver_type::measurements_type;
  using element = typename K::filter_element;
  using elements_type = Kokkos::View<element**, Kokkos::LayoutRight, memory_space>;
  using workspace_type = ScanWorkspace<element, memory_space>;
  using measurements = SeriesMeasurements<measurements_type>;
  using range = RangePolicy<ExecSpace, element>;

  /// Element k of series s's window, as the scans read it (inclusive_scan_rows' source).
  struct Source {
    Dims dims;
    model_type model;
    measurements_type y;
    ElementWindow window;
    KOKKOS_INLINE_FUNCTION element operator()(std::int64_t s, std::int64_t k) const {
      return k < window.lead
                 ? K::prior_element(dims, model)
                 : K::element(dims, model, measurements{y, static_cast<int>(s)},
                              window.first + static_cast<int>(k) - window.lead);
    }
  };

  /// The window's elements scanned forward with `op` into `prefixes` [B, window.size()]. The
  /// blocked scan builds them inside its passes (elements are then part of forward_scan); the
  /// other scans store them first, as a phase of their own.
  template <class Op>
  static void scan_forward(PhaseTimer* timer, const ExecSpace& space, const ScanOptions& scan,
                           const Op& op, const Source& source, const elements_type& prefixes,
                           workspace_type& workspace) {
    if (scans_batches(scan)) {
      PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space);
      inclusive_scan_rows<ScanDirection::forward>(space, scan, op, source, prefixes, workspace);
      return;
    }
    {
      PhaseScope<ExecSpace> phase(timer, Phase::elements, space);
      store_elements("kscan::filter::elements", space, source, prefixes);
    }
    PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space);
    inclusive_scan_rows<ScanDirection::forward>(space, scan, op, prefixes, workspace);
  }

  /// The log-likelihood term of step j of series s's window, from the filtered estimate before
  /// it: element j + lead - 1 of the prefixes, or `before` (the estimate the window starts from)
  /// where that is -1.
  struct LoglikTerm {
    Dims dims;
    model_type model;
    measurements_type y;
    ElementWindow window;
    elements_type prefixes;
    element before;
    KOKKOS_INLINE_FUNCTION double operator()(int s, int j) const {
      const int p = j + window.lead - 1;
      const element& e = p >= 0 ? prefixes(s, p) : before;
      return static_cast<double>(K::loglik_term(dims, model, measurements{y, s},
                                                window.first + j, e.b, K::moment(e)));
    }
  };

  /// loglik(s) = the sum of series s's log-likelihood terms over the window. One series is
  /// reduced over its steps; a batch reduces each series in one work item.
  static void log_likelihood(const ExecSpace& space, const LoglikTerm& term,
                             const Kokkos::View<double*, memory_space>& loglik) {
    const int batch = static_cast<int>(term.prefixes.extent(0)), steps = term.window.steps;
    if (batch == 1) {
      double sum = 0;
      Kokkos::parallel_reduce(
          "kscan::filter::loglik", range(space, 0, steps),
          KOKKOS_LAMBDA(int j, double& partial) { partial += term(0, j); }, sum);
      Kokkos::deep_copy(space, Kokkos::subview(loglik, 0), sum);
      return;
    }
    Kokkos::parallel_for(
        "kscan::filter::loglik_batch", range(space, 0, batch), KOKKOS_LAMBDA(int s) {
          double sum = 0;
          for (int j = 0; j < steps; ++j) sum += term(s, j);
          loglik(s) = sum;
        });
  }

  /// mean(s, j) and cov(s, j) <- the filtered estimate after step j of the window (prefix
  /// j + lead: its b and C), for every step of the window; an empty `mean` or `cov` is left out.
  /// The filtered estimates are parts of the prefixes, so a run keeps no copy of them: this
  /// builds the contiguous views where they are read.
  static void store_filtered(const ExecSpace& space, const Dims& dims,
                             const ElementWindow& window, const elements_type& prefixes,
                             const typename solver_type::mean_type& mean,
                             const typename solver_type::covariance_type& cov) {
    const bool with_mean = mean.span() > 0, with_cov = cov.span() > 0;
    const int n = window.steps, lead = window.lead;
    Kokkos::parallel_for(
        "kscan::filter::extract", over_series(space, prefixes.extent(0), n),
        KOKKOS_LAMBDA(std::int64_t item) {
          const int s = static_cast<int>(item / n), j = static_cast<int>(item % n);
          const element& e = prefixes(s, j + lead);
          if (with_mean) store_mean(dims, mean, s, j, e.b);
          if (with_cov) store_cov(dims, cov, s, j, K::covariance(dims.nx(), K::moment(e)));
        });
  }

  /// PTFS's combination over a whole series (window {0, n, 1}): the smoothed estimate of step k
  /// is the filtered one (prefix k) combined with the backward information of the steps after
  /// it, which `add_later(s, k, m, P)` folds into (m, P) for k < n (two_filter).
  template <class AddLater, class Mean, class Cov>
  static void combine_two_filters(const ExecSpace& space, const Dims& dims,
                                  const elements_type& prefixes, const AddLater& add_later,
                                  const Mean& mean, const Cov& cov) {
    const int n = static_cast<int>(mean.extent(1));
    Kokkos::parallel_for(
        "kscan::ptfs::combine", over_series(space, prefixes.extent(0), n),
        KOKKOS_LAMBDA(std::int64_t item) {
          const int s = static_cast<int>(item / n), i = static_cast<int>(item % n);
          const int k = i + 1;
          typename D::VecX m = prefixes(s, k).b;
          typename D::MatXX P = K::moment(prefixes(s, k));
          if (k < n) add_later(s, k, m, P);
          store(dims, mean, cov, s, i, m, K::covariance(dims.nx(), P));
        });
  }

  /// Work items over every (series, index < count) pair: item k is series k / count, index
  /// k % count.
  static range over_series(const ExecSpace& space, std::size_t batch, int count) {
    return range(space, 0, static_cast<std::int64_t>(batch) * count);
  }

  template <class Mean, class Cov, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION static void store(const Dims& dims, const Mean& mean, const Cov& cov,
                                           int s, int row, const VX& m, const MXX& P) {
    store_mean(dims, mean, s, row, m);
    store_cov(dims, cov, s, row, P);
  }
  template <class Mean, class VX>
  KOKKOS_INLINE_FUNCTION static void store_mean(const Dims& dims, const Mean& mean, int s,
                                                int row, const VX& m) {
    KSCAN_UNROLL for (int r = 0; r < dims.nx(); ++r) mean(s, row, r) = m(r);
  }
  template <class Cov, class MXX>
  KOKKOS_INLINE_FUNCTION static void store_cov(const Dims& dims, const Cov& cov, int s, int row,
                                               const MXX& P) {
    KSCAN_UNROLL for (int r = 0; r < dims.nx(); ++r)
      KSCAN_UNROLL for (int c = 0; c < dims.nx(); ++c) cov(s, row, r, c) = P(r, c);
  }
};

}  // namespace kscan
