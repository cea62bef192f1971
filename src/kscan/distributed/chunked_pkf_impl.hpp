#pragma once
// The chunked PKF backend (distributed_backends.hpp) for one choice of dimensions. Included only
// by the generated instantiation units.
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kscan/core/phase_timer.hpp"
#include "kscan/distributed/distributed_backends.hpp"
#include "kscan/distributed/gather_rows.hpp"
#include "kscan/distributed/mpi_support.hpp"
#include "kscan/scan/scan.hpp"
#include "kscan/solver/impl/filter_element.hpp"
#include "kscan/solver/impl/flop_count.hpp"
#include "kscan/solver/impl/sequential_steps.hpp"

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
class ChunkedPkf final : public SeriesBackend<Scalar, ExecSpace> {
 public:
  using T = Scalar;
  using solver_type = KalmanSolver<Scalar, ExecSpace>;
  using memory_space = typename ExecSpace::memory_space;
  using element = FilterElement<T, Dims>;
  using filter_op = FilterOperator<T, Dims>;
  using range = Kokkos::RangePolicy<ExecSpace>;

  ChunkedPkf(const Dims& dims, const SolverOptions& options,
             const typename solver_type::model_type& model,
             const typename solver_type::measurements_type& y, MPI_Comm comm)
      : dims_(dims), options_(options), model_(model), y_(y), comm_(comm),
        rank_(mpi::rank(comm)), ranks_(mpi::size(comm)),
        length_(static_cast<long long>(y.extent(0))),
        chunk_(mpi::chunk_of(length_, ranks_, rank_)),
        // rank 0 also holds the prior a_0, so its prefixes are complete without a carry
        offset_(rank_ == 0 ? 1 : 0),
        prefix_("kscan::distributed::pkf::prefix", chunk_.size() + offset_),
        mean_("kscan::distributed::pkf::mean", chunk_.size(), dims.nx()),
        cov_("kscan::distributed::pkf::covariance", chunk_.size(), dims.nx(), dims.nx()) {
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
    build_elements(timer);
    {
      PhaseScope<ExecSpace> phase(timer, Phase::forward_scan, space_);
      // Only rank 0's chunk starts with the prior element; the others' local prefixes are not
      // full prefixes, so they must not take the prefix combine.
      if (offset_ > 0)
        inclusive_scan(space_, options_.scan, ScanDirection::forward, filter_op{dims_}, prefix_,
                       workspace_);
      else
        inclusive_scan(space_, options_.scan, ScanDirection::forward,
                       GeneralCombineOnly<filter_op>{filter_op{dims_}}, prefix_, workspace_);
      carry_earlier_chunks();
    }
    {
      PhaseScope<ExecSpace> phase(timer, Phase::combine, space_);
      log_likelihood_terms();
    }
    extract(timer);
    space_.fence();
    mpi::check(MPI_Barrier(comm_), "MPI_Barrier");
  }

  typename solver_type::mean_type mean() const override { return gather_rows(mean_, length_, comm_); }
  typename solver_type::covariance_type covariance() const override {
    return gather_rows(cov_, length_, comm_);
  }
  double log_likelihood() const override { return loglik_; }

  std::size_t allocated_bytes() const override {
    return mpi::sum_over_ranks(prefix_.span() * sizeof(element) + mean_.span() * sizeof(T) +
                                   cov_.span() * sizeof(T) + workspace_.allocated_bytes(),
                               comm_);
  }

  /// Elements, local scan, carry of the earlier chunks' prefix (prefix combines), log-likelihood
  /// terms, summed over the ranks; plus the ranks - 1 combines of the exchange.
  double flops() const override {
    const double nx = dims_.nx(), ny = dims_.ny(), n = static_cast<double>(chunk_.size());
    const auto scanned = static_cast<std::int64_t>(prefix_.extent(0));
    const int threads = space_.concurrency();
    const auto all = static_cast<double>(combine_count(options_.scan, scanned, threads));
    const auto cheap =
        offset_ > 0 ? static_cast<double>(prefix_combine_count(options_.scan, scanned, threads))
                    : 0.0;
    const double carry = rank_ > 0 ? n : 0.0, exchange = rank_ > 0 ? 1.0 : 0.0;
    double local = n * (flops::filter_element(nx, ny) + flops::innovation(nx, ny)) +
                   (all - cheap + exchange) * flops::filter_combine(nx) +
                   (cheap + carry) * flops::filter_combine_prefix(nx);
    return mpi::sum_over_ranks(local, comm_);
  }

 private:
  // prefix_(k) <- a_{chunk.begin + k} (rank 0: a_0 first, then a_1 ..).
  void build_elements(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::elements, space_);
    const auto dims = dims_;
    const auto model = model_;
    const auto y = y_;
    const auto elements = prefix_;
    const int first = static_cast<int>(chunk_.begin), offset = offset_;
    Kokkos::parallel_for(
        "kscan::distributed::pkf::elements", range(space_, 0, prefix_.extent(0)),
        KOKKOS_LAMBDA(int k) {
          elements(k) = k < offset ? make_prior_element<T>(dims, model)
                                   : make_filter_element<T>(dims, model, y, first + k - offset);
        });
  }

  // earlier_ <- a_0 ⊗ .. ⊗ a_{chunk.begin} (the aggregates of the ranks before, in rank order);
  // then every local prefix becomes earlier_ ⊗ prefix.
  void carry_earlier_chunks() {
    const filter_op op{dims_};
    element aggregate = op.identity();
    const auto n = prefix_.extent(0);
    if (n > 0) Kokkos::deep_copy(aggregate, Kokkos::subview(prefix_, n - 1));
    element earlier = op.identity();
    FilterExscanOp<T, Dims>::dims = dims_;
    mpi::check(MPI_Exscan(&aggregate, &earlier, 1, element_type_.get(), op_, comm_),
               "MPI_Exscan");
    earlier_ = rank_ == 0 ? op.identity() : earlier;  // undefined on rank 0
    if (rank_ == 0 || n == 0) return;
    const auto prefix = prefix_;
    Kokkos::parallel_for(
        "kscan::distributed::pkf::carry", range(space_, 0, n),
        // (earlier starts with the prior element: a full prefix, so the cheap combine applies)
        KOKKOS_LAMBDA(int k) { prefix(k) = op.combine_prefix(earlier, prefix(k)); });
  }

  // Term of step i needs the prefix through a_i: the local prefix before it, or earlier_ for the
  // first step of a chunk after rank 0.
  void log_likelihood_terms() {
    const auto dims = dims_;
    const auto model = model_;
    const auto y = y_;
    const auto prefix = prefix_;
    const auto earlier = earlier_;
    const int first = static_cast<int>(chunk_.begin), offset = offset_;
    double local = 0;
    Kokkos::parallel_reduce(
        "kscan::distributed::pkf::loglik", range(space_, 0, chunk_.size()),
        KOKKOS_LAMBDA(int j, double& sum) {
          const int p = j + offset - 1;
          const element& e = p >= 0 ? prefix(p) : earlier;
          sum += static_cast<double>(
              Innovation<T, Dims>(dims, model, y, first + j, e.b, e.C).loglik_term);
        },
        local);
    loglik_ = mpi::sum_over_ranks(local, comm_);
  }

  void extract(PhaseTimer* timer) {
    PhaseScope<ExecSpace> phase(timer, Phase::copy, space_);
    const auto dims = dims_;
    const auto prefix = prefix_;
    const auto mean = mean_;
    const auto cov = cov_;
    const int offset = offset_;
    Kokkos::parallel_for(
        "kscan::distributed::pkf::extract", range(space_, 0, chunk_.size()),
        KOKKOS_LAMBDA(int j) {
          const element& e = prefix(j + offset);
          for (int r = 0; r < dims.nx(); ++r) {
            mean(j, r) = e.b(r);
            for (int c = 0; c < dims.nx(); ++c) cov(j, r, c) = e.C(r, c);
          }
        });
  }

  Dims dims_;
  SolverOptions options_;
  typename solver_type::model_type model_;
  typename solver_type::measurements_type y_;
  MPI_Comm comm_;
  ExecSpace space_{};
  int rank_, ranks_;
  long long length_;
  mpi::Chunk chunk_;
  int offset_;
  Kokkos::View<element*, memory_space> prefix_;
  typename solver_type::mean_type mean_;
  typename solver_type::covariance_type cov_;
  ScanWorkspace<element, memory_space> workspace_;
  element earlier_{};
  double loglik_ = 0;
  mpi::BytesType<element> element_type_;
  MPI_Op op_ = MPI_OP_NULL;
};

template <class Scalar>
DistributedBackend<Scalar> make_chunked_pkf(
    const SolverOptions& options, const typename KalmanSolver<Scalar>::model_type& model,
    const typename KalmanSolver<Scalar>::measurements_type& y, MPI_Comm comm) {
  return distributed_detail::for_model_dims<ChunkedPkf, Scalar>(options, model, y, comm);
}

}  // namespace kscan
