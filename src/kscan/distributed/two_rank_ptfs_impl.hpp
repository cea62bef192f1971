#pragma once
// The two-rank PTFS backend (distributed_backends.hpp) for one choice of dimensions. Included
// only by the generated instantiation units.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "kscan/core/phase_timer.hpp"
#include "kscan/distributed/distributed_backends.hpp"
#include "kscan/distributed/mpi_support.hpp"
#include "kscan/scan/scan.hpp"
#include "kscan/solver/impl/filter_element.hpp"
#include "kscan/solver/impl/flop_count.hpp"
#include "kscan/solver/operation_count.hpp"
#include "kscan/solver/impl/sequential_steps.hpp"
#include "kscan/solver/impl/smooth_element.hpp"

namespace kscan {

template <class Scalar, class ExecSpace, class Dims>
class TwoRankPtfs final : public SeriesBackend<Scalar, ExecSpace> {
 public:
  using T = Scalar;
  using solver_type = KalmanSolver<Scalar, ExecSpace>;
  using memory_space = typename ExecSpace::memory_space;
  using D = Dense<T, Dims>;
  using element = FilterElement<T, Dims>;
  using filter_op = FilterOperator<T, Dims>;
  using range = Kokkos::RangePolicy<ExecSpace>;
  // Row k - 1 holds (η, J) of the suffix a_{k+1} ⊗ .. ⊗ a_T for step k = 1 .. T-1: all the
  // combination needs from the backward scan, nx + nx² numbers of the element's 3nx² + 2nx.
  using packed_type = Kokkos::View<T**, Kokkos::LayoutRight, memory_space>;

  static constexpr int forward_rank = 0, backward_rank = 1;
  static constexpr int data_tag = 71, seconds_tag = 72;

  TwoRankPtfs(const Dims& dims, const SolverOptions& options,
              const typename solver_type::model_type& model,
              const typename solver_type::measurements_type& y, MPI_Comm comm)
      : dims_(dims), options_(options), model_(model), y_(y), comm_(comm),
        rank_(mpi::rank(comm)), length_(static_cast<int>(y.extent(0))) {
    if (mpi::size(comm) != 2)
      throw std::invalid_argument("ptfs_two_rank needs exactly 2 MPI ranks, got " +
                                  std::to_string(mpi::size(comm)));
    const int nx = dims.nx();
    const bool forward = rank_ == forward_rank;
    // rank 0: a_0 .. a_T, scanned forward; rank 1: a_1 .. a_T, scanned in reverse
    elements_ = decltype(elements_)(std::string(forward ? "kscan::distributed::ptfs::forward"
                                                        : "kscan::distributed::ptfs::backward"),
                                    forward ? length_ + 1 : length_);
    suffix_ = packed_type("kscan::distributed::ptfs::suffix", length_ - 1, nx + nx * nx);
    mean_ = typename solver_type::mean_type("kscan::distributed::ptfs::mean",
                                            forward ? length_ : 0, nx);
    cov_ = typename solver_type::covariance_type("kscan::distributed::ptfs::covariance",
                                                 forward ? length_ : 0, nx, nx);
    suffix_host_ = Kokkos::create_mirror_view(suffix_);
  }

  void run(PhaseTimer* timer) override {
    mpi::check(MPI_Barrier(comm_), "MPI_Barrier");
    build_elements(timer);
    if (rank_ == forward_rank)
      run_forward(timer);
    else
      run_backward(timer);
    mpi::check(MPI_Bcast(&loglik_, 1, MPI_DOUBLE, forward_rank, comm_), "MPI_Bcast");
    space_.fence();
    mpi::check(MPI_Barrier(comm_), "MPI_Barrier");
  }

  typename solver_type::mean_type mean() const override { return mean_; }
  typename solver_type::covariance_type covariance() const override { return cov_; }
  double log_likelihood() const override { return loglik_; }

  std::size_t allocated_bytes() const override {
    return mpi::sum_over_ranks(elements_.span() * sizeof(element) + suffix_.span() * sizeof(T) +
                                   mean_.span() * sizeof(T) + cov_.span() * sizeof(T) +
                                   workspace_.allocated_bytes(),
                               comm_);
  }

  /// The one-process PTFS's operations (its forward scan with prefix combines), plus the
  /// filtering elements that both ranks build.
  double flops() const override {
    SolverOptions ptfs = options_;
    ptfs.method = Method::ptfs;
    const int threads = space_.concurrency();
    return count_operations(ptfs, dims_.nx(), dims_.ny(), length_, threads, threads).total +
           length_ * flops::filter_element(dims_.nx(), dims_.ny());
  }

 private:
  void build_elements(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::elements, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto y = y_;
    const auto elements = elements_;
    const int offset = rank_ == forward_rank ? 1 : 0;  // the prior a_0 leads the forward scan
    Kokkos::parallel_for(
        "kscan::distributed::ptfs::elements", range(space_, 0, elements_.extent(0)),
        KOKKOS_LAMBDA(int k) {
          elements(k) = k < offset ? make_prior_element<T>(dims, model)
                                   : make_filter_element<T>(dims, model, y, k - offset);
        });
  }

  // Rank 1: the suffix scan, then (η, J) of every suffix to rank 0 with the scan's seconds (the
  // phase runs on this rank, and only rank 0's timer reaches the results).
  void run_backward(PhaseTimer* timer) {
    PhaseTimer own;
    {
      PhaseScope<ExecSpace> phase(timer ? &own : nullptr, Phase::backward_scan, space_);
      inclusive_scan(space_, options_.scan, ScanDirection::reverse, filter_op{dims_}, elements_,
                     workspace_);
    }
    PhaseScope<ExecSpace> phase(timer, Phase::copy, space_);
    const auto dims = dims_;
    const auto suffix = elements_;  // suffix(k) = a_{k+1} ⊗ .. ⊗ a_T
    const auto packed = suffix_;
    Kokkos::parallel_for(
        "kscan::distributed::ptfs::pack", range(space_, 0, suffix_.extent(0)),
        KOKKOS_LAMBDA(int row) {
          const element& e = suffix(row + 1);
          const int nx = dims.nx();
          for (int r = 0; r < nx; ++r) {
            packed(row, r) = e.eta(r);
            for (int c = 0; c < nx; ++c) packed(row, nx + r * nx + c) = e.J(r, c);
          }
        });
    Kokkos::deep_copy(space_, suffix_host_, suffix_);
    space_.fence();
    const double seconds = own.seconds(Phase::backward_scan);
    mpi::send_bytes(&seconds, sizeof seconds, forward_rank, seconds_tag, comm_);
    mpi::send_bytes(suffix_host_.data(), suffix_host_.span() * sizeof(T), forward_rank, data_tag,
                    comm_);
    if (timer) timer->add(Phase::backward_scan, seconds);
  }

  // Rank 0: the prefix scan and its log-likelihood while rank 1 scans, then the combination.
  void run_forward(PhaseTimer* timer) {
    {
      PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space_);
      inclusive_scan(space_, options_.scan, ScanDirection::forward, filter_op{dims_}, elements_,
                     workspace_);
    }
    PhaseScope<ExecSpace> phase(timer, Phase::combine, space_);
    log_likelihood_terms();
    double seconds = 0;
    mpi::recv_bytes(&seconds, sizeof seconds, backward_rank, seconds_tag, comm_);
    mpi::recv_bytes(suffix_host_.data(), suffix_host_.span() * sizeof(T), backward_rank, data_tag,
                    comm_);
    if (timer) timer->add(Phase::backward_scan, seconds);
    Kokkos::deep_copy(space_, suffix_, suffix_host_);
    const auto dims = dims_;
    const auto prefix = elements_;
    const auto packed = suffix_;
    const auto mean = mean_;
    const auto cov = cov_;
    const int n = length_;
    Kokkos::parallel_for(
        "kscan::distributed::ptfs::combine", range(space_, 0, n), KOKKOS_LAMBDA(int i) {
          const int k = i + 1;  // step k: filtered prefix(k); suffix of step k in row k - 1
          const int nx = dims.nx();
          typename D::VecX m = prefix(k).b;
          typename D::MatXX P = prefix(k).C;
          if (k < n) {
            typename D::VecX eta;
            typename D::MatXX J;
            for (int r = 0; r < nx; ++r) {
              eta(r) = packed(k - 1, r);
              for (int c = 0; c < nx; ++c) J(r, c) = packed(k - 1, nx + r * nx + c);
            }
            two_filter_combine<T>(dims, m, P, J, eta);
          }
          for (int r = 0; r < nx; ++r) {
            mean(i, r) = m(r);
            for (int c = 0; c < nx; ++c) cov(i, r, c) = P(r, c);
          }
        });
  }

  void log_likelihood_terms() {
    const auto dims = dims_;
    const auto model = model_;
    const auto y = y_;
    const auto prefix = elements_;
    double ll = 0;
    Kokkos::parallel_reduce(
        "kscan::distributed::ptfs::loglik", range(space_, 0, length_),
        KOKKOS_LAMBDA(int i, double& sum) {
          const element& e = prefix(i);
          sum += static_cast<double>(Innovation<T, Dims>(dims, model, y, i, e.b, e.C).loglik_term);
        },
        ll);
    loglik_ = ll;
  }

  Dims dims_;
  SolverOptions options_;
  typename solver_type::model_type model_;
  typename solver_type::measurements_type y_;
  MPI_Comm comm_;
  ExecSpace space_{};
  int rank_;
  int length_;
  Kokkos::View<element*, memory_space> elements_;
  packed_type suffix_;
  // (HostMirror is spelled host_mirror_type in newer Kokkos; the mirror's own type works in all)
  decltype(Kokkos::create_mirror_view(std::declval<packed_type>())) suffix_host_;
  typename solver_type::mean_type mean_;
  typename solver_type::covariance_type cov_;
  ScanWorkspace<element, memory_space> workspace_;
  double loglik_ = 0;
};

template <class Scalar>
DistributedBackend<Scalar> make_two_rank_ptfs(
    const SolverOptions& options, const typename KalmanSolver<Scalar>::model_type& model,
    const typename KalmanSolver<Scalar>::measurements_type& y, MPI_Comm comm) {
  return distributed_detail::for_model_dims<TwoRankPtfs, Scalar>(options, model, y, comm);
}

}  // namespace kscan
