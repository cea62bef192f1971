#pragma once
// Definition of make_dims_solver: the six methods for one choice of dimensions and one
// numerical form (form_kernels.hpp), for a batch of B series (KalmanSolver is the batch of one).
// Kernels run over series and time together: the sequential methods one series per work item,
// everything else over series x steps; the parallel filter is the pipeline of
// filter_pipeline.hpp over whole series. Included only by the instantiation units, so the heavy
// templates are compiled once per (scalar, dims, form).
#include <Kokkos_Core.hpp>
#include <stdexcept>

#include "kscan/core/impl/kernel_policy.hpp"
#include "kscan/core/impl/kokkos_compat.hpp"
#include "kscan/scan/scan.hpp"
#include "kscan/scan/impl/two_way_scan.hpp"
#include "kscan/solver/impl/dims_solver.hpp"
#include "kscan/solver/impl/filter_pipeline.hpp"
#include "kscan/solver/impl/form_kernels.hpp"
#include "kscan/solver/operation_count.hpp"

namespace kscan {

template <class Scalar, class ExecSpace, Form F, class Dims>
class DimsSolver final : public SolverEngine<Scalar, ExecSpace> {
 public:
  using T = Scalar;
  using solver_type = BatchedKalmanSolver<Scalar, ExecSpace>;
  using memory_space = typename ExecSpace::memory_space;
  using D = Dense<T, Dims>;
  using K = FormKernels<T, Dims, F>;
  using pipeline = FilterPipeline<Scalar, ExecSpace, F, Dims>;
  using filter_op = typename K::filter_operator;
  using backward_op = typename K::backward_operator;
  using smooth_op = typename K::smooth_operator;
  // [series, element]
  using filter_elements = typename pipeline::elements_type;
  using smooth_elements =
      Kokkos::View<typename K::smooth_element**, Kokkos::LayoutRight, memory_space>;
  using range = RangePolicy<ExecSpace, typename K::filter_element>;
  using measurements = SeriesMeasurements<typename solver_type::measurements_type>;
  using diagnostics_type = FilterDiagnostics<T, memory_space>;

  DimsSolver(const Dims& dims, const SolverOptions& options,
             const typename solver_type::model_type& model,
             const typename solver_type::measurements_type& y, const ExecSpace& space)
      : dims_(dims), options_(options), model_(model), y_(y), space_(space),
        batch_(static_cast<int>(y.extent(0))), length_(static_cast<int>(y.extent(1))),
        loglik_("kscan::solver::loglik", batch_) {
    if (!estimates_in_elements()) {
      mean_ = typename solver_type::mean_type("kscan::solver::mean", batch_, length_, dims.nx());
      cov_ = typename solver_type::covariance_type("kscan::solver::covariance", batch_, length_,
                                                   dims.nx(), dims.nx());
    }
    if (options.diagnostics) diagnostics_ = diagnostics_type(batch_, length_, dims.nx(), dims.ny());
    const Method m = options.method;
    if (is_parallel(m)) {
      forward_ = filter_elements("kscan::solver::filter_elements", batch_, length_ + 1);
      if (m == Method::ptfs) {
        backward_ = filter_elements("kscan::solver::backward_elements", batch_, length_ + 1);
        // (a scan that takes batches runs both directions in one launch; the others need two lanes)
        if (!scans_batches(options.scan)) scan_lanes_ = concurrent_pair(space_);
      }
      if (m == Method::prts)
        smooth_ = smooth_elements("kscan::solver::smooth_elements", batch_, length_);
    }
  }

  void run(PhaseTimer* timer) override {
    switch (options_.method) {
      case Method::kf: run_kf(timer); store_stored_diagnostics(timer); covariances(timer); break;
      case Method::rts:
        run_kf(timer); store_stored_diagnostics(timer); run_rts(timer); covariances(timer); break;
      case Method::tfs:
        run_kf(timer); store_stored_diagnostics(timer); run_tfs(timer); covariances(timer); break;
      case Method::pkf: run_pkf(timer); store_prefix_diagnostics(timer); break;
      case Method::prts: run_pkf(timer); store_prefix_diagnostics(timer); run_prts(timer); break;
      case Method::ptfs: run_ptfs(timer); store_prefix_diagnostics(timer); break;
    }
  }

  typename solver_type::mean_type mean() const override {
    if (!estimates_in_elements()) return mean_;
    typename solver_type::mean_type mean("kscan::solver::mean", batch_, length_, dims_.nx());
    extract_estimates(mean, {});
    return mean;
  }
  typename solver_type::covariance_type covariance() const override {
    if (!estimates_in_elements()) return cov_;
    typename solver_type::covariance_type cov("kscan::solver::covariance", batch_, length_,
                                              dims_.nx(), dims_.nx());
    extract_estimates({}, cov);
    return cov;
  }
  typename solver_type::loglik_type log_likelihood() const override { return loglik_; }
  diagnostics_type diagnostics() const override { return diagnostics_; }

  std::size_t allocated_bytes() const override {
    auto bytes = [](const auto& v) { return v.span() * sizeof(typename std::decay_t<decltype(v)>::value_type); };
    return bytes(mean_) + bytes(cov_) + bytes(loglik_) + bytes(forward_) + bytes(backward_) +
           bytes(smooth_) + forward_workspace_.allocated_bytes() +
           backward_workspace_.allocated_bytes() + smooth_workspace_.allocated_bytes() +
           diagnostics_.allocated_bytes();
  }

  double flops() const override {
    const int threads = space_.concurrency();
    const int row = row_threads(options_.scan, batch_, threads);
    return batch_ * count_operations(options_, dims_.nx(), dims_.ny(), length_, row, threads).total;
  }

  // The kernels' member functions are public only because CUDA's extended lambdas may not be
  // defined in a private or protected member function; they are not part of any interface.
  // Sequential Kalman filter, one series per work item: filtered means and second moments (as the
  // form carries them) into mean_/cov_, log-likelihoods into loglik_.
  void run_kf(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto y_all = y_;
    const auto mean = mean_;
    const auto cov = cov_;
    const auto loglik = loglik_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::kf", range(space_, 0, batch_), KOKKOS_LAMBDA(int s) {
          const measurements y{y_all, s};
          typename D::VecX m;
          typename D::MatXX P;
          K::prior(dims, model, m, P);
          double ll = 0;
          for (int i = 0; i < n; ++i) {
            ll += static_cast<double>(K::filter_step(dims, model, y, i, m, P));
            store(dims, mean, cov, s, i, m, P);
          }
          loglik(s) = ll;
        });
  }

  // Sequential RTS over the filtered results in mean_/cov_, in place, one series per work item.
  void run_rts(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::backward_scan, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto mean = mean_;
    const auto cov = cov_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::rts", range(space_, 0, batch_), KOKKOS_LAMBDA(int s) {
          typename D::VecX ms, m;
          typename D::MatXX Ps, P;
          load_step(dims, mean, cov, s, n - 1, ms, Ps);
          for (int k = n - 1; k >= 1; --k) {  // step k is row k-1
            load_step(dims, mean, cov, s, k - 1, m, P);
            K::smoothing_step(dims, model, k, m, P, ms, Ps);
            store(dims, mean, cov, s, k - 1, ms, Ps);
          }
        });
  }

  // Sequential backward information filter combined with the filtered results, in place, one
  // series per work item.
  void run_tfs(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::backward_scan, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto y_all = y_;
    const auto mean = mean_;
    const auto cov = cov_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::tfs", range(space_, 0, batch_), KOKKOS_LAMBDA(int s) {
          const measurements y{y_all, s};
          typename D::VecX eta, m;
          typename D::MatXX J, P;
          D::set_zero(dims.nx(), eta);
          D::set_zero(dims.nx(), dims.nx(), J);
          for (int k = n - 1; k >= 1; --k) {
            K::backward_step(dims, model, y, k, eta, J);
            load_step(dims, mean, cov, s, k - 1, m, P);
            K::two_filter(dims, m, P, J, eta);
            store(dims, mean, cov, s, k - 1, m, P);
          }
        });
  }

  // The sequential methods carry their second moments in cov_ as the form has them; factors
  // become covariances once at the end.
  void covariances(PhaseTimer* timer) {
    if constexpr (K::carries_factors) {
      PhaseScope<ExecSpace> phase(timer, Phase::copy, space_);
      const auto dims = dims_;
      const auto mean = mean_;
      const auto cov = cov_;
      const int n = length_;
      Kokkos::parallel_for(
          "kscan::sqrt::covariances", over_series(n), KOKKOS_LAMBDA(std::int64_t item) {
            const int s = static_cast<int>(item / n), i = static_cast<int>(item % n);
            typename D::VecX m;
            typename D::MatXX U;
            load_step(dims, mean, cov, s, i, m, U);
            store(dims, mean, cov, s, i, m, K::covariance(dims.nx(), U));
          });
    }
  }

  range over_series(int count) const { return pipeline::over_series(space_, batch_, count); }

  // Smoothing element of step i + 1 of series s, from its filtered prefix.
  struct SmoothElementSource {
    Dims dims;
    typename solver_type::model_type model;
    filter_elements prefix;
    int length;
    KOKKOS_INLINE_FUNCTION typename K::smooth_element operator()(std::int64_t s,
                                                                 std::int64_t i) const {
      const auto& f = prefix(s, i + 1);
      const int k = static_cast<int>(i) + 1;
      return K::smoothing_element(dims, model, f.b, K::moment(f), k, k == length);
    }
  };

  // Every series from the prior element a_0 through step T.
  ElementWindow whole_series() const { return {0, length_, 1}; }
  typename pipeline::Source filter_source() const {
    return {dims_, model_, y_, whole_series()};
  }

  void filter_log_likelihood() {
    pipeline::log_likelihood(
        space_, {dims_, model_, y_, whole_series(), forward_, typename K::filter_element{}},
        loglik_);
  }

  void run_pkf(PhaseTimer* timer) {
    pipeline::scan_forward(timer, space_, options_.scan, filter_op{dims_}, filter_source(),
                           forward_, forward_workspace_);
    PhaseScope<ExecSpace> phase(timer, Phase::combine, space_);
    filter_log_likelihood();
  }

  // PKF's and PRTS's estimates are parts of the elements they scan: b and C of the filtering
  // prefixes, g and L of the smoothing suffixes. Their runs keep no copy; mean() and covariance()
  // build the contiguous views from the elements when they are read. The other methods write
  // their estimates as they go.
  bool estimates_in_elements() const {
    return options_.method == Method::pkf || options_.method == Method::prts;
  }
  // Into `mean` and/or `cov` (an empty view is left out).
  void extract_estimates(const typename solver_type::mean_type& mean,
                         const typename solver_type::covariance_type& cov) const {
    if (options_.method == Method::pkf) {
      pipeline::store_filtered(space_, dims_, whole_series(), forward_, mean, cov);
      return;
    }
    const bool with_mean = mean.span() > 0, with_cov = cov.span() > 0;
    const auto dims = dims_;
    const auto elements = smooth_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::prts::extract", over_series(n), KOKKOS_LAMBDA(std::int64_t item) {
          const int s = static_cast<int>(item / n), i = static_cast<int>(item % n);
          const auto& e = elements(s, i);
          if (with_mean) pipeline::store_mean(dims, mean, s, i, e.g);
          if (with_cov)
            pipeline::store_cov(dims, cov, s, i, K::covariance(dims.nx(), K::smoothed_moment(e)));
        });
  }

  // The smoothing elements are stored before the scan even where the scan could build them: each
  // costs several smoothing combines, and built inside the blocked scan they would weigh on the
  // last chunk's rescan alone (measured slower on two threads), where stored they spread evenly.
  void run_prts(PhaseTimer* timer) {
    {
      PhaseScope<ExecSpace> phase(timer, Phase::elements, space_);
      store_elements("kscan::prts::elements", space_,
                     SmoothElementSource{dims_, model_, forward_, length_}, smooth_);
    }
    PhaseScope<ExecSpace> phase(timer, Phase::backward_scan, space_);
    inclusive_scan_rows<ScanDirection::reverse>(space_, options_.scan, smooth_op{dims_}, smooth_,
                                                smooth_workspace_);
  }

  // PTFS: the forward prefixes and the backward suffixes of the same elements a_0..a_T
  // (backward_(s, k) = a_k ⊗ … ⊗ a_T) are independent scans, each of its own copy of the
  // elements. The blocked scan runs them as one (two_way_scan.hpp): its time is forward_scan's
  // and backward_scan stays empty. Otherwise, on a device, the two scans run at once on two
  // streams (scan_lanes_), and backward_scan is then the time the backward scan ran past the
  // forward one, so the phases still add up to the run.
  void run_ptfs(PhaseTimer* timer) {
    store_ptfs_elements(timer);
    if (scans_batches(options_.scan)) {
      PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space_);
      inclusive_scan_rows_both_ways(space_, options_.scan, filter_op{dims_}, backward_op{dims_},
                                    forward_, backward_, forward_workspace_);
    } else {
      scan_ptfs_on_lanes(timer);
    }
    PhaseScope<ExecSpace> phase(timer, Phase::combine, space_);
    filter_log_likelihood();
    pipeline::combine_two_filters(space_, dims_, forward_, LaterSuffix{dims_, backward_}, mean_,
                                  cov_);
  }

  // Folds the backward information of the steps after k, suffix(s, k + 1) = a_{k+1} ⊗ … ⊗ a_T,
  // into step k's filtered estimate.
  struct LaterSuffix {
    Dims dims;
    filter_elements suffix;
    KOKKOS_INLINE_FUNCTION void operator()(int s, int k, typename D::VecX& m,
                                           typename D::MatXX& P) const {
      const auto& later = suffix(s, k + 1);
      K::two_filter(dims, m, P, K::information(later), later.eta);
    }
  };

  // Each element once, into both scans' arrays.
  void store_ptfs_elements(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::elements, space_);
    const auto source = filter_source();
    const auto forward = forward_;
    const auto backward = backward_;
    const int count = length_ + 1;
    Kokkos::parallel_for(
        "kscan::ptfs::elements", over_series(count), KOKKOS_LAMBDA(std::int64_t item) {
          const std::int64_t s = item / count, k = item % count;
          forward(s, k) = backward(s, k) = source(s, k);
        });
  }

  void scan_ptfs_on_lanes(PhaseTimer* timer) {
    const ExecSpace forward_lane = scan_lanes_.first, backward_lane = scan_lanes_.second;
    const bool concurrent = scan_lanes_.distinct;
    if (concurrent) space_.fence();  // the lanes read what space_ wrote
    {
      PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, forward_lane);
      inclusive_scan_rows<ScanDirection::forward>(forward_lane, options_.scan, filter_op{dims_},
                                                  forward_, forward_workspace_);
      if (concurrent)
        inclusive_scan_rows<ScanDirection::reverse>(
            backward_lane, options_.scan, backward_op{dims_}, backward_, backward_workspace_);
    }
    {
      // Concurrent: the clock starts when the forward scan has ended (its lane is idle, so the
      // scope's opening fence returns at once) and stops when the backward scan has.
      PhaseScope<ExecSpace> phase(timer, Phase::backward_scan,
                                  concurrent ? forward_lane : backward_lane);
      if (concurrent)
        backward_lane.fence();
      else
        inclusive_scan_rows<ScanDirection::reverse>(
            backward_lane, options_.scan, backward_op{dims_}, backward_, backward_workspace_);
    }
    if (concurrent) forward_lane.fence();  // the combine on space_ reads both scans
  }

  // The filtered estimate after i steps (i = 0: the prior), as the scan's prefix ...
  struct PrefixSteps {
    filter_elements prefix;
    KOKKOS_INLINE_FUNCTION void operator()(int s, int i, typename D::VecX& m,
                                           typename D::MatXX& P) const {
      m = prefix(s, i).b;
      P = K::moment(prefix(s, i));
    }
  };
  // ... or as the sequential filter stored it (row i-1 of the results).
  struct StoredSteps {
    Dims dims;
    typename solver_type::model_type model;
    typename solver_type::mean_type mean;
    typename solver_type::covariance_type cov;
    KOKKOS_INLINE_FUNCTION void operator()(int s, int i, typename D::VecX& m,
                                           typename D::MatXX& P) const {
      if (i > 0) return load_step(dims, mean, cov, s, i - 1, m, P);
      K::prior(dims, model, m, P);
    }
  };

  void store_prefix_diagnostics(PhaseTimer* timer) {
    if (!diagnostics_.empty()) store_diagnostics(timer, PrefixSteps{forward_});
  }
  // Between the sequential filter and a backward pass, which overwrites the filtered results.
  void store_stored_diagnostics(PhaseTimer* timer) {
    if (!diagnostics_.empty()) store_diagnostics(timer, StoredSteps{dims_, model_, mean_, cov_});
  }

  // Every step's prediction, innovation and log-likelihood term from the filtered estimate before
  // it: the same Innovation the filter and the log-likelihood use, over series x steps.
  template <class Steps>
  void store_diagnostics(PhaseTimer* timer, const Steps& steps) {
    PhaseScope<ExecSpace> phase(timer, Phase::copy, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto y_all = y_;
    const auto out = diagnostics_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::diagnostics", over_series(n), KOKKOS_LAMBDA(std::int64_t item) {
          const int s = static_cast<int>(item / n), i = static_cast<int>(item % n);
          const int nx = dims.nx(), ny = dims.ny();
          typename D::VecX m;
          typename D::MatXX P;
          steps(s, i, m, P);
          const measurements y{y_all, s};
          const typename K::innovation in(dims, model, y, i, m, P);
          const auto& S = K::innovation_factor(in);
          KSCAN_UNROLL for (int r = 0; r < nx; ++r) {
            out.predicted_mean(s, i, r) = K::predicted_mean(in)(r);
            KSCAN_UNROLL for (int c = 0; c < nx; ++c)
              out.predicted_cov(s, i, r, c) = K::predicted_cov(in, nx, r, c);
          }
          KSCAN_UNROLL for (int r = 0; r < ny; ++r) {
            const bool seen_r = !math::isnan(y(i, r));
            out.innovation(s, i, r) = seen_r ? in.v(r) : math::quiet_nan<T>();
            KSCAN_UNROLL for (int c = 0; c < ny; ++c) {
              T v = T(0);  // S = L Lᵀ from its factor
              KSCAN_UNROLL for (int k = 0; k <= (r < c ? r : c); ++k) v += S(r, k) * S(c, k);
              const bool seen = seen_r && !math::isnan(y(i, c));
              out.innovation_cov(s, i, r, c) = seen ? v : math::quiet_nan<T>();
            }
          }
          out.loglik_terms(s, i) = static_cast<double>(in.loglik_term);
        });
  }

  template <class Mean, class Cov, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION static void store(const Dims& dims, const Mean& mean, const Cov& cov,
                                           int s, int row, const VX& m, const MXX& P) {
    pipeline::store(dims, mean, cov, s, row, m, P);
  }

  template <class Mean, class Cov, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION static void load_step(const Dims& dims, const Mean& mean, const Cov& cov,
                                               int s, int row, VX& m, MXX& P) {
    KSCAN_UNROLL for (int r = 0; r < dims.nx(); ++r) {
      m(r) = mean(s, row, r);
      KSCAN_UNROLL for (int c = 0; c < dims.nx(); ++c) P(r, c) = cov(s, row, r, c);
    }
  }

 private:
  Dims dims_;
  SolverOptions options_;
  typename solver_type::model_type model_;
  typename solver_type::measurements_type y_;
  ExecSpace space_;
  int batch_;
  int length_;
  typename solver_type::mean_type mean_;
  typename solver_type::covariance_type cov_;
  typename solver_type::loglik_type loglik_;
  filter_elements forward_, backward_;
  ConcurrentPair<ExecSpace> scan_lanes_{space_, space_, false};
  smooth_elements smooth_;
  typename pipeline::workspace_type forward_workspace_, backward_workspace_;
  ScanWorkspace<typename K::smooth_element, memory_space> smooth_workspace_;
  diagnostics_type diagnostics_;
};

template <class Scalar, class ExecSpace, Form F, class Dims>
std::unique_ptr<SolverEngine<Scalar, ExecSpace>> make_dims_solver(
    const Dims& dims, const SolverOptions& options,
    const typename BatchedKalmanSolver<Scalar, ExecSpace>::model_type& model,
    const typename BatchedKalmanSolver<Scalar, ExecSpace>::measurements_type& y,
    const ExecSpace& space) {
  return std::make_unique<DimsSolver<Scalar, ExecSpace, F, Dims>>(dims, options, model, y, space);
}

}  // namespace kscan
