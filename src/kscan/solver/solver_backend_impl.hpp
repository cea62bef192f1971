#pragma once
// Definition of make_solver_backend: the six methods for one choice of dimensions. Included only
// by the instantiation units, so the heavy templates are compiled once per (scalar, dims).
#include <Kokkos_Core.hpp>
#include <stdexcept>

#include "kscan/scan/combine_count.hpp"
#include "kscan/scan/scan.hpp"
#include "kscan/solver/filter_element.hpp"
#include "kscan/solver/flop_count.hpp"
#include "kscan/solver/sequential_steps.hpp"
#include "kscan/solver/smooth_element.hpp"
#include "kscan/solver/solver_backend.hpp"

namespace kscan {

template <class Scalar, class ExecSpace, class Dims>
class DimsSolver final : public SolverBackend<Scalar, ExecSpace> {
 public:
  using T = Scalar;
  using solver_type = KalmanSolver<Scalar, ExecSpace>;
  using memory_space = typename ExecSpace::memory_space;
  using D = Dense<T, Dims>;
  using filter_op = FilterOperator<T, Dims>;
  using smooth_op = SmoothOperator<T, Dims>;
  using filter_elements = Kokkos::View<FilterElement<T, Dims>*, memory_space>;
  using smooth_elements = Kokkos::View<SmoothElement<T, Dims>*, memory_space>;
  using range = Kokkos::RangePolicy<ExecSpace>;

  DimsSolver(const Dims& dims, const SolverOptions& options,
             const typename solver_type::model_type& model,
             const typename solver_type::measurements_type& y, const ExecSpace& space)
      : dims_(dims), options_(options), model_(model), y_(y), space_(space),
        length_(static_cast<int>(y.extent(0))),
        mean_("kscan::solver::mean", length_, dims.nx()),
        cov_("kscan::solver::covariance", length_, dims.nx(), dims.nx()),
        loglik_("kscan::solver::loglik") {
    const Method m = options.method;
    if (is_parallel(m)) {
      forward_ = filter_elements("kscan::solver::filter_elements", length_ + 1);
      if (m == Method::ptfs) backward_ = filter_elements("kscan::solver::backward_elements", length_);
      if (m == Method::prts) smooth_ = smooth_elements("kscan::solver::smooth_elements", length_);
    }
  }

  void run(PhaseTimer* timer) override {
    switch (options_.method) {
      case Method::kf: run_kf(timer); break;
      case Method::rts: run_kf(timer); run_rts(timer); break;
      case Method::tfs: run_kf(timer); run_tfs(timer); break;
      case Method::pkf: run_pkf(timer, true); break;
      case Method::prts: run_pkf(timer, false); run_prts(timer); break;
      case Method::ptfs: run_ptfs(timer); break;
    }
  }

  typename solver_type::mean_type mean() const override { return mean_; }
  typename solver_type::covariance_type covariance() const override { return cov_; }
  double log_likelihood() const override {
    double value = 0;
    Kokkos::deep_copy(value, loglik_);
    return value;
  }

  std::size_t allocated_bytes() const override {
    auto bytes = [](const auto& v) { return v.span() * sizeof(typename std::decay_t<decltype(v)>::value_type); };
    return bytes(mean_) + bytes(cov_) + sizeof(double) + bytes(forward_) + bytes(backward_) +
           bytes(smooth_) + forward_workspace_.allocated_bytes() +
           backward_workspace_.allocated_bytes() + smooth_workspace_.allocated_bytes();
  }

  double flops() const override {
    const double nx = dims_.nx(), ny = dims_.ny(), n = length_;
    const double kf = n * (flops::innovation(nx, ny) + flops::kalman_update(nx, ny));
    const int threads = space_.concurrency();
    // flops of a scan of `count` elements whose combines with a full prefix (forward) or suffix
    // (reverse) on one side cost `known`, the others `general`
    auto scan = [&](std::int64_t count, double general, double known) {
      const auto all = static_cast<double>(combine_count(options_.scan, count, threads));
      const auto cheap = static_cast<double>(prefix_combine_count(options_.scan, count, threads));
      return (all - cheap) * general + cheap * known;
    };
    const double forward =
        n * flops::filter_element(nx, ny) +
        scan(length_ + 1, flops::filter_combine(nx), flops::filter_combine_prefix(nx)) +
        n * flops::innovation(nx, ny);
    switch (options_.method) {
      case Method::kf: return kf;
      case Method::rts: return kf + (n - 1) * flops::rts_step(nx);
      case Method::tfs:
        return kf + (n - 1) * (flops::information_step(nx, ny) + flops::two_filter_combine(nx));
      case Method::pkf: return forward;
      case Method::prts:
        return forward + n * flops::smooth_element(nx) +
               scan(length_, flops::smooth_combine(nx), flops::smooth_combine_suffix(nx));
      case Method::ptfs:
        // (the backward filter's suffixes have no structure that a cheaper combine could use)
        return forward + scan(length_, flops::filter_combine(nx), flops::filter_combine(nx)) +
               (n - 1) * flops::two_filter_combine(nx);
    }
    return 0;
  }

 private:
  // Sequential Kalman filter on one thread of the execution space: filtered means and
  // covariances into mean_/cov_, log-likelihood into loglik_.
  void run_kf(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto y = y_;
    const auto mean = mean_;
    const auto cov = cov_;
    const auto loglik = loglik_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::kf", range(space_, 0, 1), KOKKOS_LAMBDA(int) {
          typename D::VecX m;
          typename D::MatXX P;
          for (int r = 0; r < dims.nx(); ++r) {
            m(r) = model.m0(r);
            for (int c = 0; c < dims.nx(); ++c) P(r, c) = model.P0(r, c);
          }
          double ll = 0;
          for (int i = 0; i < n; ++i) {
            ll += static_cast<double>(kalman_step<T>(dims, model, y, i, m, P));
            store(dims, mean, cov, i, m, P);
          }
          loglik() = ll;
        });
  }

  // Sequential RTS over the filtered results in mean_/cov_, in place.
  void run_rts(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::backward_scan, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto mean = mean_;
    const auto cov = cov_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::rts", range(space_, 0, 1), KOKKOS_LAMBDA(int) {
          typename D::VecX ms, m;
          typename D::MatXX Ps, P;
          load_step(dims, mean, cov, n - 1, ms, Ps);
          for (int k = n - 1; k >= 1; --k) {  // step k is row k-1
            load_step(dims, mean, cov, k - 1, m, P);
            rts_step<T>(dims, model, k, m, P, ms, Ps);
            store(dims, mean, cov, k - 1, ms, Ps);
          }
        });
  }

  // Sequential backward information filter combined with the filtered results, in place.
  void run_tfs(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::backward_scan, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto y = y_;
    const auto mean = mean_;
    const auto cov = cov_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::tfs", range(space_, 0, 1), KOKKOS_LAMBDA(int) {
          typename D::VecX eta, m;
          typename D::MatXX J, P;
          D::set_zero(dims.nx(), eta);
          D::set_zero(dims.nx(), dims.nx(), J);
          for (int k = n - 1; k >= 1; --k) {
            information_step<T>(dims, model, y, k, eta, J);
            load_step(dims, mean, cov, k - 1, m, P);
            two_filter_combine<T>(dims, m, P, J, eta);
            store(dims, mean, cov, k - 1, m, P);
          }
        });
  }

  void build_filter_elements(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::elements, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto y = y_;
    const auto elements = forward_;
    Kokkos::parallel_for(
        "kscan::pkf::elements", range(space_, 0, length_ + 1), KOKKOS_LAMBDA(int k) {
          elements(k) = k == 0 ? make_prior_element<T>(dims, model)
                               : make_filter_element<T>(dims, model, y, k - 1);
        });
  }

  // Log-likelihood from the prefixes: term i needs (m_i, P_i) = forward_(i).
  void filter_log_likelihood() {
    const auto dims = dims_;
    const auto model = model_;
    const auto y = y_;
    const auto prefix = forward_;
    double ll = 0;
    Kokkos::parallel_reduce(
        "kscan::pkf::loglik", range(space_, 0, length_),
        KOKKOS_LAMBDA(int i, double& sum) {
          const auto& e = prefix(i);
          sum += static_cast<double>(Innovation<T, Dims>(dims, model, y, i, e.b, e.C).loglik_term);
        },
        ll);
    Kokkos::deep_copy(space_, loglik_, ll);
  }

  void copy_filtered(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::copy, space_);
    const auto dims = dims_;
    const auto prefix = forward_;
    const auto mean = mean_;
    const auto cov = cov_;
    Kokkos::parallel_for(
        "kscan::pkf::extract", range(space_, 0, length_), KOKKOS_LAMBDA(int i) {
          store(dims, mean, cov, i, prefix(i + 1).b, prefix(i + 1).C);
        });
  }

  void run_pkf(PhaseTimer* timer, bool extract) {
    build_filter_elements(timer);
    {
      PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space_);
      inclusive_scan(space_, options_.scan, ScanDirection::forward, filter_op{dims_}, forward_,
                     forward_workspace_);
    }
    {
      PhaseScope<ExecSpace> phase(timer, Phase::combine, space_);
      filter_log_likelihood();
    }
    if (extract) copy_filtered(timer);
  }

  void run_prts(PhaseTimer* timer) {
    const auto dims = dims_;
    const auto model = model_;
    const auto prefix = forward_;
    const auto elements = smooth_;
    const int n = length_;
    {
      PhaseScope<ExecSpace> phase(timer, Phase::elements, space_);
      Kokkos::parallel_for(
          "kscan::prts::elements", range(space_, 0, n), KOKKOS_LAMBDA(int i) {
            const auto& f = prefix(i + 1);  // filtered step k = i + 1
            elements(i) = make_smooth_element<T>(dims, model, f.b, f.C, i + 1, i + 1 == n);
          });
    }
    {
      PhaseScope<ExecSpace> phase(timer, Phase::backward_scan, space_);
      inclusive_scan(space_, options_.scan, ScanDirection::reverse, smooth_op{dims_}, smooth_,
                     smooth_workspace_);
    }
    PhaseScope<ExecSpace> phase(timer, Phase::copy, space_);
    const auto mean = mean_;
    const auto cov = cov_;
    Kokkos::parallel_for(
        "kscan::prts::extract", range(space_, 0, n), KOKKOS_LAMBDA(int i) {
          store(dims, mean, cov, i, elements(i).g, elements(i).L);
        });
  }

  // PTFS: the forward prefix and the backward suffix scans are independent of each other; the
  // backward elements are a copy of a_1..a_T taken before the forward scan overwrites them.
  void run_ptfs(PhaseTimer* timer) {
    build_filter_elements(timer);
    {
      PhaseScope<ExecSpace> phase(timer, Phase::copy, space_);
      Kokkos::deep_copy(space_, backward_,
                        Kokkos::subview(forward_, Kokkos::make_pair(1, length_ + 1)));
    }
    {
      PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space_);
      inclusive_scan(space_, options_.scan, ScanDirection::forward, filter_op{dims_}, forward_,
                     forward_workspace_);
    }
    {
      PhaseScope<ExecSpace> phase(timer, Phase::backward_scan, space_);
      inclusive_scan(space_, options_.scan, ScanDirection::reverse, filter_op{dims_}, backward_,
                     backward_workspace_);
    }
    PhaseScope<ExecSpace> phase(timer, Phase::combine, space_);
    filter_log_likelihood();
    const auto dims = dims_;
    const auto prefix = forward_;
    const auto suffix = backward_;
    const auto mean = mean_;
    const auto cov = cov_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::ptfs::combine", range(space_, 0, n), KOKKOS_LAMBDA(int i) {
          const int k = i + 1;  // step k: filtered prefix(k), backward suffix a_{k+1..T} = suffix(k)
          typename D::VecX m = prefix(k).b;
          typename D::MatXX P = prefix(k).C;
          if (k < n) two_filter_combine<T>(dims, m, P, suffix(k).J, suffix(k).eta);
          store(dims, mean, cov, i, m, P);
        });
  }

  template <class Mean, class Cov, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION static void store(const Dims& dims, const Mean& mean, const Cov& cov,
                                           int row, const VX& m, const MXX& P) {
    for (int r = 0; r < dims.nx(); ++r) {
      mean(row, r) = m(r);
      for (int c = 0; c < dims.nx(); ++c) cov(row, r, c) = P(r, c);
    }
  }

  template <class Mean, class Cov, class VX, class MXX>
  KOKKOS_INLINE_FUNCTION static void load_step(const Dims& dims, const Mean& mean, const Cov& cov,
                                               int row, VX& m, MXX& P) {
    for (int r = 0; r < dims.nx(); ++r) {
      m(r) = mean(row, r);
      for (int c = 0; c < dims.nx(); ++c) P(r, c) = cov(row, r, c);
    }
  }

  Dims dims_;
  SolverOptions options_;
  typename solver_type::model_type model_;
  typename solver_type::measurements_type y_;
  ExecSpace space_;
  int length_;
  typename solver_type::mean_type mean_;
  typename solver_type::covariance_type cov_;
  Kokkos::View<double, memory_space> loglik_;
  filter_elements forward_, backward_;
  smooth_elements smooth_;
  ScanWorkspace<FilterElement<T, Dims>, memory_space> forward_workspace_, backward_workspace_;
  ScanWorkspace<SmoothElement<T, Dims>, memory_space> smooth_workspace_;
};

template <class Scalar, class ExecSpace, class Dims>
std::unique_ptr<SolverBackend<Scalar, ExecSpace>> make_solver_backend(
    const Dims& dims, const SolverOptions& options,
    const typename KalmanSolver<Scalar, ExecSpace>::model_type& model,
    const typename KalmanSolver<Scalar, ExecSpace>::measurements_type& y, const ExecSpace& space) {
  return std::make_unique<DimsSolver<Scalar, ExecSpace, Dims>>(dims, options, model, y, space);
}

}  // namespace kscan
