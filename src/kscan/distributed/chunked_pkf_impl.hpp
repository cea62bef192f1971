#pragma once
// The chunked PKF (distributed_solvers.hpp) for one choice of dimensions: the filter pipeline
// (filter_pipeline.hpp) on each rank's window of the steps, with the earlier ranks' prefix
// carried in. Included only by the generated instantiation units.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kscan/core/impl/kernel_policy.hpp"
#include "kscan/core/phase_timer.hpp"
#include "kscan/distributed/distributed_solvers.hpp"
#include "kscan/distributed/gather_steps.hpp"
#include "kscan/distributed/mpi_support.hpp"
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/solver/impl/filter_pipeline.hpp"
#include "kscan/solver/impl/flop_count.hpp"
#include "kscan/solver/operation_count.hpp"

namespace kscan {

/// The filtering operator as an MPI user function. MPI calls it as inout = in ⊗ inout with `in`
/// from the lower ranks (the earlier steps) for a non-commutative op; user functions carry no
/// state, so the run-time dims of the scan in progress are a static of the instantiation.
template <class T, class Dims>
struct FilterExscanOp {
  static inline Dims dims{};
  static void apply(void* in, void* inout, int* count, MPI_Datatype*) {
    const auto* earlier = static_cast<const FilterElement<T, Dims>*>(in);
    auto* later = static_cast<FilterElement<T, Dims>*>(inout);
    const FilterOperator<T, Dims> op{dims};
    for (int k = 0; k < *count; ++k) later[k] = op.combine(earlier[k], later[k]);
  }
};

template <class Scalar, class ExecSpace, class Dims>
class ChunkedPkf final : public SolverEngine<Scalar, ExecSpace> {
 public:
  using T = Scalar;
  using solver_type = BatchedKalmanSolver<Scalar, ExecSpace>;
  using memory_space = typename ExecSpace::memory_space;
  using pipeline = FilterPipeline<Scalar, ExecSpace, Form::standard, Dims>;
  using element = typename pipeline::element;
  using filter_op = FilterOperator<T, Dims>;

  ChunkedPkf(const Dims& dims, const SolverOptions& options,
             const typename solver_type::model_type& model,
             const typename KalmanSolver<Scalar, ExecSpace>::measurements_type& y, MPI_Comm comm)
      : dims_(dims), options_(options), model_(model), series_(y), y_(as_batch_of_one(y)),
        comm_(comm), rank_(mpi::rank(comm)), ranks_(mpi::size(comm)),
        length_(static_cast<long long>(y.extent(0))),
        window_(window_of(mpi::chunk_of(length_, ranks_, rank_), rank_)),
        prefix_("kscan::distributed::pkf::prefix", 1, window_.size()),
        loglik_("kscan::distributed::pkf::loglik", 1) {
    mpi::check(MPI_Op_create(&FilterExscanOp<T, Dims>::apply, /*commute=*/0, &op_),
               "MPI_Op_create");
  }
  ~ChunkedPkf() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Op_free(&op_);
  }
  ChunkedPkf(const ChunkedPkf&) = delete;
  ChunkedPkf& operator=(const ChunkedPkf&) = delete;

  void run(PhaseTimer* timer) override {
    // Together in, together out: the clock around run() then measures the slowest rank.
    mpi::check(MPI_Barrier(comm_), "MPI_Barrier");
    const typename pipeline::Source source{dims_, model_, y_, window_};
    // Only rank 0's chunk starts with the prior element; the others' local prefixes are not
    // full prefixes, so they must not take the prefix combine.
    if (window_.lead > 0)
      pipeline::scan_forward(timer, space_, options_.scan, filter_op{dims_}, source, prefix_,
                             workspace_);
    else
      pipeline::scan_forward(timer, space_, options_.scan,
                             GeneralCombineOnly<filter_op>{filter_op{dims_}}, source, prefix_,
                             workspace_);
    {
      PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space_);
      carry_earlier_chunks();
    }
    {
      PhaseScope<ExecSpace> phase(timer, Phase::combine, space_);
      pipeline::log_likelihood(space_, {dims_, model_, y_, window_, prefix_, earlier_}, loglik_);
      double local = 0;
      Kokkos::deep_copy(local, Kokkos::subview(loglik_, 0));
      Kokkos::deep_copy(Kokkos::subview(loglik_, 0), mpi::sum_over_ranks(local, comm_));
    }
    space_.fence();
    mpi::check(MPI_Barrier(comm_), "MPI_Barrier");
  }

  // The filtered estimates are b and C of the prefixes (the run keeps no copy); each rank builds
  // its steps' views from them, and rank 0 gathers the series.
  typename solver_type::mean_type mean() const override {
    typename solver_type::mean_type mean("kscan::distributed::pkf::mean", 1, window_.steps,
                                         dims_.nx());
    pipeline::store_filtered(space_, dims_, window_, prefix_, mean, {});
    return gather_steps(mean, length_, comm_);
  }
  typename solver_type::covariance_type covariance() const override {
    typename solver_type::covariance_type cov("kscan::distributed::pkf::covariance", 1,
                                              window_.steps, dims_.nx(), dims_.nx());
    pipeline::store_filtered(space_, dims_, window_, prefix_, {}, cov);
    return gather_steps(cov, length_, comm_);
  }
  typename solver_type::loglik_type log_likelihood() const override { return loglik_; }
  FilterDiagnostics<T, memory_space> diagnostics() const override { return {}; }

  std::size_t allocated_bytes() const override {
    return mpi::sum_over_ranks(prefix_.span() * sizeof(element) +
                                   loglik_.span() * sizeof(double) + workspace_.allocated_bytes(),
                               comm_);
  }

  /// The filter over each rank's window (elements, local scan, log-likelihood terms), summed over
  /// the ranks; plus, on every rank after the first, the carry of the earlier chunks' prefix
  /// (prefix combines) and its combine in the exchange.
  double flops() const override {
    const int threads = space_.concurrency();
    const double local =
        count_filter_window(options_, dims_.nx(), dims_.ny(), window_.steps, window_.lead > 0,
                            threads, threads)
            .total +
        (rank_ > 0 ? window_.steps * flops::filter_combine_prefix(dims_.nx()) +
                         flops::filter_combine(dims_.nx())
                   : 0.0);
    return mpi::sum_over_ranks(local, comm_);
  }

 private:
  // Rank 0 also holds the prior a_0, so its prefixes are complete without a carry.
  static ElementWindow window_of(const mpi::Chunk& chunk, int rank) {
    return {static_cast<int>(chunk.begin), static_cast<int>(chunk.size()), rank == 0 ? 1 : 0};
  }

  // earlier_ <- a_0 ⊗ .. ⊗ a_{chunk.begin} (the aggregates of the ranks before, in rank order);
  // then every local prefix becomes earlier_ ⊗ prefix.
  void carry_earlier_chunks() {
    const filter_op op{dims_};
    element aggregate = op.identity();
    const auto n = prefix_.extent(1);
    if (n > 0) Kokkos::deep_copy(aggregate, Kokkos::subview(prefix_, 0, n - 1));
    element earlier = op.identity();
    FilterExscanOp<T, Dims>::dims = dims_;
    mpi::check(MPI_Exscan(&aggregate, &earlier, 1, element_type_.get(), op_, comm_),
               "MPI_Exscan");
    earlier_ = rank_ == 0 ? op.identity() : earlier;  // undefined on rank 0
    if (rank_ == 0 || n == 0) return;
    const auto prefix = prefix_;
    Kokkos::parallel_for(
        "kscan::distributed::pkf::carry", RangePolicy<ExecSpace, element>(space_, 0, n),
        // (earlier starts with the prior element: a full prefix, so the cheap combine applies)
        KOKKOS_LAMBDA(int k) { prefix(0, k) = op.combine_prefix(earlier, prefix(0, k)); });
  }

  Dims dims_;
  SolverOptions options_;
  typename solver_type::model_type model_;
  typename KalmanSolver<Scalar, ExecSpace>::measurements_type series_;  // keeps y_'s data alive
  typename solver_type::measurements_type y_;
  MPI_Comm comm_;
  ExecSpace space_{};
  int rank_, ranks_;
  long long length_;
  ElementWindow window_;
  typename pipeline::elements_type prefix_;
  typename solver_type::loglik_type loglik_;
  typename pipeline::workspace_type workspace_;
  element earlier_{};
  mpi::BytesType<element> element_type_;
  MPI_Op op_ = MPI_OP_NULL;
};

template <class Scalar>
DistributedSolver<Scalar> make_chunked_pkf(
    const SolverOptions& options, const typename KalmanSolver<Scalar>::model_type& model,
    const typename KalmanSolver<Scalar>::measurements_type& y, MPI_Comm comm) {
  return distributed_detail::for_model_dims<ChunkedPkf, Scalar>(options, model, y, comm);
}

}  // namespace kscan
