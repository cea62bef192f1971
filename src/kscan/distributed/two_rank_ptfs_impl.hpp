#pragma once
// The two-rank PTFS (distributed_solvers.hpp) for one choice of dimensions: rank 0 runs the
// filter pipeline (filter_pipeline.hpp) over the series while rank 1 scans the same elements
// backwards; the pipeline's two-filter combination joins them on rank 0. Included only by the
// generated instantiation units.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "kscan/core/impl/kernel_policy.hpp"
#include "kscan/core/phase_timer.hpp"
#include "kscan/distributed/distributed_solvers.hpp"
#include "kscan/distributed/mpi_support.hpp"
#include "kscan/solver/impl/filter_pipeline.hpp"
#include "kscan/solver/impl/flop_count.hpp"
#include "kscan/solver/operation_count.hpp"

namespace kscan {

template <class Scalar, class ExecSpace, class Dims>
class TwoRankPtfs final : public SolverEngine<Scalar, ExecSpace> {
 public:
  using T = Scalar;
  using solver_type = BatchedKalmanSolver<Scalar, ExecSpace>;
  using memory_space = typename ExecSpace::memory_space;
  using pipeline = FilterPipeline<Scalar, ExecSpace, Form::standard, Dims>;
  using K = typename pipeline::K;
  using D = Dense<T, Dims>;
  using element = typename pipeline::element;
  // Row k - 1 holds (η, J) of the suffix a_{k+1} ⊗ .. ⊗ a_T for step k = 1 .. T-1: all the
  // combination needs from the backward scan, nx + nx² numbers of the element's 3nx² + 2nx.
  using packed_type = Kokkos::View<T**, Kokkos::LayoutRight, memory_space>;

  static constexpr int forward_rank = 0, backward_rank = 1;
  static constexpr int data_tag = 71, seconds_tag = 72;

  TwoRankPtfs(const Dims& dims, const SolverOptions& options,
              const typename solver_type::model_type& model,
              const typename KalmanSolver<Scalar, ExecSpace>::measurements_type& y, MPI_Comm comm)
      : dims_(dims), options_(options), model_(model), series_(y), y_(as_batch_of_one(y)),
        comm_(comm), rank_(mpi::rank(comm)), length_(static_cast<int>(y.extent(0))),
        // rank 0: a_0 .. a_T, scanned forward; rank 1: a_1 .. a_T, scanned in reverse
        window_{0, length_, rank_ == forward_rank ? 1 : 0},
        loglik_("kscan::distributed::ptfs::loglik", 1) {
    if (mpi::size(comm) != 2)
      throw std::invalid_argument("ptfs_two_rank needs exactly 2 MPI ranks, got " +
                                  std::to_string(mpi::size(comm)));
    const int nx = dims.nx();
    const bool forward = rank_ == forward_rank;
    elements_ = typename pipeline::elements_type(
        std::string(forward ? "kscan::distributed::ptfs::forward"
                            : "kscan::distributed::ptfs::backward"),
        1, window_.size());
    suffix_ = packed_type("kscan::distributed::ptfs::suffix", length_ - 1, nx + nx * nx);
    mean_ = typename solver_type::mean_type("kscan::distributed::ptfs::mean", 1,
                                            forward ? length_ : 0, nx);
    cov_ = typename solver_type::covariance_type("kscan::distributed::ptfs::covariance", 1,
                                                 forward ? length_ : 0, nx, nx);
    suffix_host_ = Kokkos::create_mirror_view(suffix_);
  }

  void run(PhaseTimer* timer) override {
    mpi::check(MPI_Barrier(comm_), "MPI_Barrier");
    if (rank_ == forward_rank)
      run_forward(timer);
    else
      run_backward(timer);
    double loglik = 0;
    Kokkos::deep_copy(loglik, Kokkos::subview(loglik_, 0));
    mpi::check(MPI_Bcast(&loglik, 1, MPI_DOUBLE, forward_rank, comm_), "MPI_Bcast");
    Kokkos::deep_copy(Kokkos::subview(loglik_, 0), loglik);
    space_.fence();
    mpi::check(MPI_Barrier(comm_), "MPI_Barrier");
  }

  typename solver_type::mean_type mean() const override { return mean_; }
  typename solver_type::covariance_type covariance() const override { return cov_; }
  typename solver_type::loglik_type log_likelihood() const override { return loglik_; }
  FilterDiagnostics<T, memory_space> diagnostics() const override { return {}; }

  std::size_t allocated_bytes() const override {
    return mpi::sum_over_ranks(elements_.span() * sizeof(element) + suffix_.span() * sizeof(T) +
                                   mean_.span() * sizeof(T) + cov_.span() * sizeof(T) +
                                   loglik_.span() * sizeof(double) +
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

  // (public only because CUDA's extended lambdas may not be defined in a private member function)
  // Rank 1: the suffix scan, then (η, J) of every suffix to rank 0 with the scan's seconds (the
  // phase runs on this rank, and only rank 0's timer reaches the results).
  void run_backward(PhaseTimer* timer) {
    {
      PhaseScope<ExecSpace> phase(timer, Phase::elements, space_);
      store_elements("kscan::distributed::ptfs::elements", space_, source(), elements_);
    }
    PhaseTimer own;
    {
      PhaseScope<ExecSpace> phase(timer ? &own : nullptr, Phase::backward_scan, space_);
      inclusive_scan_rows<ScanDirection::reverse>(
          space_, options_.scan, typename K::backward_operator{dims_}, elements_, workspace_);
    }
    PhaseScope<ExecSpace> phase(timer, Phase::copy, space_);
    const auto dims = dims_;
    const auto suffix = elements_;  // suffix(0, k) = a_{k+1} ⊗ .. ⊗ a_T
    const auto packed = suffix_;
    Kokkos::parallel_for(
        "kscan::distributed::ptfs::pack",
        RangePolicy<ExecSpace, element>(space_, 0, suffix_.extent(0)), KOKKOS_LAMBDA(int row) {
          const element& e = suffix(0, row + 1);
          const int nx = dims.nx();
          for (int r = 0; r < nx; ++r) {
            packed(row, r) = e.eta(r);
            for (int c = 0; c < nx; ++c) packed(row, nx + r * nx + c) = K::information(e)(r, c);
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
    pipeline::scan_forward(timer, space_, options_.scan, typename K::filter_operator{dims_},
                           source(), elements_, workspace_);
    PhaseScope<ExecSpace> phase(timer, Phase::combine, space_);
    pipeline::log_likelihood(space_, {dims_, model_, y_, window_, elements_, element{}}, loglik_);
    double seconds = 0;
    mpi::recv_bytes(&seconds, sizeof seconds, backward_rank, seconds_tag, comm_);
    mpi::recv_bytes(suffix_host_.data(), suffix_host_.span() * sizeof(T), backward_rank, data_tag,
                    comm_);
    if (timer) timer->add(Phase::backward_scan, seconds);
    Kokkos::deep_copy(space_, suffix_, suffix_host_);
    pipeline::combine_two_filters(space_, dims_, elements_, PackedSuffix{dims_, suffix_}, mean_,
                                  cov_);
  }

  // Folds (η, J) of the steps after k, packed in row k - 1, into step k's filtered estimate.
  struct PackedSuffix {
    Dims dims;
    packed_type packed;
    KOKKOS_INLINE_FUNCTION void operator()(int, int k, typename D::VecX& m,
                                           typename D::MatXX& P) const {
      const int nx = dims.nx();
      typename D::VecX eta;
      typename D::MatXX J;
      for (int r = 0; r < nx; ++r) {
        eta(r) = packed(k - 1, r);
        for (int c = 0; c < nx; ++c) J(r, c) = packed(k - 1, nx + r * nx + c);
      }
      K::two_filter(dims, m, P, J, eta);
    }
  };

 private:
  typename pipeline::Source source() const { return {dims_, model_, y_, window_}; }

  Dims dims_;
  SolverOptions options_;
  typename solver_type::model_type model_;
  typename KalmanSolver<Scalar, ExecSpace>::measurements_type series_;  // keeps y_'s data alive
  typename solver_type::measurements_type y_;
  MPI_Comm comm_;
  ExecSpace space_{};
  int rank_;
  int length_;
  ElementWindow window_;
  typename pipeline::elements_type elements_;
  packed_type suffix_;
  // (HostMirror is spelled host_mirror_type in newer Kokkos; the mirror's own type works in all)
  decltype(Kokkos::create_mirror_view(std::declval<packed_type>())) suffix_host_;
  typename solver_type::mean_type mean_;
  typename solver_type::covariance_type cov_;
  typename solver_type::loglik_type loglik_;
  typename pipeline::workspace_type workspace_;
};

template <class Scalar>
DistributedSolver<Scalar> make_two_rank_ptfs(
    const SolverOptions& options, const typename KalmanSolver<Scalar>::model_type& model,
    const typename KalmanSolver<Scalar>::measurements_type& y, MPI_Comm comm) {
  return distributed_detail::for_model_dims<TwoRankPtfs, Scalar>(options, model, y, comm);
}

}  // namespace kscan
