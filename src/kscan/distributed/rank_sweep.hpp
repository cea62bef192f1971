#pragma once
// `mpirun -n N kscan run DECK`: the plan of a deck over the ranks of a communicator, as
// runs.distributed asks (docs/deck.md):
//
//   sweep          runs are dealt out to the ranks round-robin, in plan order; every rank runs
//                  its share through the ordinary runner; ranks > 0 send each completed run to
//                  rank 0, which writes all of them through its one sink in plan order. One
//                  writer keeps the output the file a one-rank run writes (same groups, same
//                  /summary order), needs no parallel HDF5, and keeps --resume and the
//                  interrupt guarantees of the file as they are.
//   pkf_chunks,    the runs of pkf (ptfs) are run by all ranks together by the solvers of
//   ptfs_two_rank  distributed_solvers.hpp; the other methods run on rank 0 alone. Rank 0
//                  writes; the other ranks only compute.
//
// Progress goes to rank 0's stream only; warnings of a rank's own runs go to its stream.
#include <mpi.h>

#include "kscan/experiment/deck.hpp"
#include "kscan/experiment/plan.hpp"
#include "kscan/experiment/result_sink.hpp"
#include "kscan/experiment/runner.hpp"

namespace kscan {

/// Runs `plan` over every rank of `comm` (collective). `file` is the output on rank 0 and
/// ignored elsewhere. `options.progress` is used on rank 0 only. Returns, on every rank, the
/// counts over all ranks (completed, skipped, failed, non_finite, interrupted); `failures` of
/// every rank on rank 0; `results` of this rank's runs. Throws DeckError when the deck's
/// distribution cannot run on this many ranks.
RunnerReport run_plan_on_ranks(const Deck& deck, const Plan& plan, ResultSink* file,
                               RunnerOptions options, MPI_Comm comm);

}  // namespace kscan
