#include "kscan/distributed/rank_sweep.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <list>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "kscan/distributed/distributed_solvers.hpp"
#include "kscan/distributed/mpi_support.hpp"
#include "kscan/distributed/run_result_codec.hpp"
#include "kscan/solver/form.hpp"

namespace kscan {
namespace {

constexpr int header_tag = 81, payload_tag = 82;

/// Precedes every message from a rank to rank 0: a run (its plan index and encoded size), or
/// the end of the rank's runs (index -1).
struct Header {
  std::int64_t index = -1;
  std::uint64_t bytes = 0;
};

/// Ranks > 0 of a collective distribution: rank 0 writes, so nothing is stored here.
class DiscardSink final : public ResultSink {
 public:
  explicit DiscardSink(const std::vector<char>& present, const std::map<std::string, std::size_t>& index)
      : present_(present), index_(index) {}
  bool contains_run(const std::string& id) const override { return present_[index_.at(id)]; }
  bool contains_dataset(const std::string&) const override { return true; }
  void write_dataset(const std::string&, const HostModel&, const HostSeries*) override {}
  void write_run(const RunResult&) override {}

 private:
  const std::vector<char>& present_;
  const std::map<std::string, std::size_t>& index_;
};

/// Ranks > 0 of a sweep: every completed run goes to rank 0 without waiting for it (rank 0 may
/// be in the middle of a run of its own); finish() says that no more come and waits for the
/// sends to complete.
class ForwardingSink final : public ResultSink {
 public:
  ForwardingSink(const std::vector<char>& present, const std::map<std::string, std::size_t>& index,
                 MPI_Comm comm)
      : present_(present), index_(index), comm_(comm) {}
  bool contains_run(const std::string& id) const override { return present_[index_.at(id)]; }
  bool contains_dataset(const std::string&) const override { return true; }
  void write_dataset(const std::string&, const HostModel&, const HostSeries*) override {}

  void write_run(const RunResult& run) override {
    Message& m = sent_.emplace_back();
    m.payload = encode_run_result(run);
    m.header.index = static_cast<std::int64_t>(index_.at(run.key.id()));
    m.header.bytes = m.payload.size();
    isend(&m.header, sizeof m.header, header_tag, m);
    const char* p = m.payload.data();
    std::size_t left = m.payload.size();
    do {  // the pieces mpi::recv_bytes expects
      const std::size_t piece = std::min(left, mpi::max_piece_bytes);
      isend(p, piece, payload_tag, m);
      p += piece;
      left -= piece;
    } while (left > 0);
    release_completed();
  }

  void finish() {
    const Header done;
    mpi::send_bytes(&done, sizeof done, 0, header_tag, comm_);
    for (auto& m : sent_)
      mpi::check(MPI_Waitall(static_cast<int>(m.requests.size()), m.requests.data(),
                             MPI_STATUSES_IGNORE),
                 "MPI_Waitall");
    sent_.clear();
  }

 private:
  struct Message {
    Header header;
    std::vector<char> payload;
    std::vector<MPI_Request> requests;
  };
  void isend(const void* data, std::size_t bytes, int tag, Message& m) {
    MPI_Request request;
    mpi::check(MPI_Isend(data, static_cast<int>(bytes), MPI_BYTE, 0, tag, comm_, &request),
               "MPI_Isend");
    m.requests.push_back(request);
  }
  void release_completed() {
    for (auto it = sent_.begin(); it != sent_.end();) {
      int done = 0;
      mpi::check(MPI_Testall(static_cast<int>(it->requests.size()), it->requests.data(), &done,
                             MPI_STATUSES_IGNORE),
                 "MPI_Testall");
      it = done ? sent_.erase(it) : std::next(it);
    }
  }

  const std::vector<char>& present_;
  const std::map<std::string, std::size_t>& index_;
  MPI_Comm comm_;
  std::list<Message> sent_;  // stable addresses while the sends are in flight
};

/// Rank 0 of a sweep: writes every run to `file` in plan order, its own as they complete and
/// the other ranks' as they arrive. A rank's messages come in plan order, so a message for a
/// later run (or the end) means the awaited run failed or was abandoned there.
class CollectingSink final : public ResultSink {
 public:
  CollectingSink(ResultSink& file, const Plan& plan, std::vector<std::size_t> order,
                 std::vector<int> owner, const std::map<std::string, std::size_t>& index,
                 MPI_Comm comm, std::ostream* progress)
      : file_(file), plan_(plan), order_(std::move(order)), owner_(std::move(owner)),
        index_(index), comm_(comm), progress_(progress),
        stash_(static_cast<std::size_t>(mpi::size(comm))),
        finished_(static_cast<std::size_t>(mpi::size(comm)), false) {}

  bool contains_run(const std::string& id) const override { return file_.contains_run(id); }
  bool contains_dataset(const std::string& name) const override {
    return file_.contains_dataset(name);
  }
  void write_dataset(const std::string& name, const HostModel& model,
                     const HostSeries* series) override {
    file_.write_dataset(name, model, series);
  }
  void write_run(const RunResult& run) override {
    const std::size_t i = index_.at(run.key.id());
    own_.emplace(i, run);
    own_settled_ = i + 1;  // rank 0 runs its share in plan order: earlier ones are done or failed
    drain(false);
  }

  /// After rank 0's own runs: waits for the other ranks and writes what is left.
  void finish() {
    own_settled_ = std::numeric_limits<std::size_t>::max();
    drain(true);
  }

  std::size_t received() const { return received_; }

 private:
  struct Arrival {
    std::int64_t index = -1;
    RunResult run;
  };

  void drain(bool wait) {
    while (next_ < order_.size()) {
      const std::size_t i = order_[next_];
      const int r = owner_[i];
      if (r == 0) {
        if (const auto it = own_.find(i); it != own_.end()) {
          file_.write_run(it->second);
          own_.erase(it);
        } else if (i >= own_settled_) {
          return;  // not computed yet
        }
        ++next_;
        continue;
      }
      auto& arrival = stash_[r];
      if (!arrival && !finished_[r]) {
        if (!wait && !ready(r)) return;
        arrival = receive(r);
        if (arrival->index < 0) {
          finished_[r] = true;
          arrival.reset();
        }
      }
      if (arrival && static_cast<std::size_t>(arrival->index) == i) {
        file_.write_run(arrival->run);
        ++received_;
        report(i, r, arrival->run);
        arrival.reset();
      }
      ++next_;  // written, or rank r did not produce run i
    }
  }

  bool ready(int r) const {
    int flag = 0;
    mpi::check(MPI_Iprobe(r, header_tag, comm_, &flag, MPI_STATUS_IGNORE), "MPI_Iprobe");
    return flag != 0;
  }

  Arrival receive(int r) const {
    Header header;
    mpi::recv_bytes(&header, sizeof header, r, header_tag, comm_);
    Arrival a;
    a.index = header.index;
    if (header.index < 0) return a;
    std::vector<char> payload(header.bytes);
    mpi::recv_bytes(payload.data(), payload.size(), r, payload_tag, comm_);
    a.run = decode_run_result(payload);
    return a;
  }

  void report(std::size_t i, int r, const RunResult& run) const {
    if (!progress_) return;
    std::ostringstream line;
    line.precision(3);
    line << "case " << i + 1 << "/" << plan_.runs.size() << " " << run.key.id() << "  rank " << r
         << ": median " << run.metrics.median_seconds << " s"
         << (run.metrics.finite ? "" : ", NON-FINITE") << "\n";
    *progress_ << line.str() << std::flush;
  }

  ResultSink& file_;
  const Plan& plan_;
  std::vector<std::size_t> order_;  // plan indices to write, in plan order
  std::vector<int> owner_;          // rank computing each plan index
  const std::map<std::string, std::size_t>& index_;
  MPI_Comm comm_;
  std::ostream* progress_;
  std::size_t next_ = 0;
  std::size_t own_settled_ = 0;  // rank 0's runs before this plan index are written or failed
  std::map<std::size_t, RunResult> own_;
  std::vector<std::optional<Arrival>> stash_;
  std::vector<bool> finished_;
  std::size_t received_ = 0;
};

/// Rank 0's `text` lines of every rank, in rank order (collective).
std::vector<std::string> gather_lines(const std::vector<std::string>& lines, MPI_Comm comm) {
  std::string joined;
  for (const auto& line : lines) joined += line + '\n';
  const int rank = mpi::rank(comm), ranks = mpi::size(comm);
  int length = static_cast<int>(joined.size());
  std::vector<int> lengths(ranks), offsets(ranks);
  mpi::check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, comm), "MPI_Gather");
  int total = 0;
  for (int r = 0; r < ranks; ++r) {
    offsets[r] = total;
    total += lengths[r];
  }
  std::string all(rank == 0 ? static_cast<std::size_t>(total) : 0, '\0');
  mpi::check(MPI_Gatherv(joined.data(), length, MPI_CHAR, all.data(), lengths.data(),
                         offsets.data(), MPI_CHAR, 0, comm),
             "MPI_Gatherv");
  std::vector<std::string> out;
  std::istringstream in(all);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

template <class Scalar>
EngineFactory<Scalar> collective_factory(Method method, MPI_Comm comm) {
  return [method, comm](const PlannedRun& run, const SolverOptions& options,
                        const typename KalmanSolver<Scalar>::model_type& model,
                        const typename KalmanSolver<Scalar>::measurements_type& y)
             -> DistributedSolver<Scalar> {
    if (run.method != method) return nullptr;
    // Deck validation refuses sqrt here; a hand-built plan must not get standard numerics
    // under a sqrt label.
    if (options.form != Form::standard)
      throw std::invalid_argument("a run over several ranks is in standard form only, got " +
                                  std::string(form_name(options.form)));
    if (run.key.batch != 1)
      throw std::invalid_argument("a run over several ranks takes one series: data.batch must "
                                  "be 1, got " + std::to_string(run.key.batch));
    // A rank that cannot build its part (out of device memory, ...) must not leave the others
    // waiting in the run's first barrier: every rank learns of it and the run fails everywhere.
    DistributedSolver<Scalar> solver;
    std::string error;
    try {
      solver = method == Method::pkf ? make_chunked_pkf<Scalar>(options, model, y, comm)
                                      : make_two_rank_ptfs<Scalar>(options, model, y, comm);
    } catch (const std::exception& e) {
      error = e.what();
    }
    int failed = error.empty() ? 0 : 1;
    mpi::check(MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, comm), "MPI_Allreduce");
    if (!error.empty()) throw std::runtime_error(error);
    if (failed) throw std::runtime_error("another rank could not set up its part of the run");
    return solver;
  };
}

}  // namespace

RunnerReport run_plan_on_ranks(const Deck& deck, const Plan& plan, ResultSink* file,
                               RunnerOptions options, MPI_Comm comm) {
  const int rank = mpi::rank(comm), ranks = mpi::size(comm);
  const DistributedMode mode = deck.runs.distributed;
  if (mode == DistributedMode::ptfs_two_rank && ranks != 2)
    throw DeckError({DeckIssue{deck.location_of("runs.distributed"), "runs.distributed",
                               "ptfs_two_rank needs exactly 2 MPI ranks (mpirun -n 2), got " +
                                   std::to_string(ranks)}});
  if (mode != DistributedMode::sweep && deck.runs.simulate_threads)
    throw DeckError({DeckIssue{deck.location_of("runs.distributed"), "runs.distributed",
                               "operation-count mode (runs.simulate_threads) counts the scans of "
                               "one process; with it, runs.distributed must be sweep"}});

  // What rank 0's file already holds (--resume), so that every rank skips the same runs.
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) index[plan.runs[i].key.id()] = i;
  std::vector<char> present(plan.runs.size(), 0);
  if (rank == 0)
    for (std::size_t i = 0; i < plan.runs.size(); ++i)
      present[i] = file->contains_run(plan.runs[i].key.id()) ? 1 : 0;
  mpi::check(MPI_Bcast(present.data(), static_cast<int>(present.size()), MPI_CHAR, 0, comm),
             "MPI_Bcast");

  if (rank != 0) options.progress = nullptr;
  RunnerReport report;
  bool sum_counts = false;  // sweep: each rank counts its own runs
  if (mode == DistributedMode::sweep) {
    // Round-robin over the runs still to do; those already in the file are rank 0's to skip.
    std::vector<int> owner(plan.runs.size(), 0);
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < plan.runs.size(); ++i) {
      if (present[i]) continue;
      owner[i] = static_cast<int>(order.size() % static_cast<std::size_t>(ranks));
      order.push_back(i);
    }
    options.assigned = [&owner, rank](std::size_t i) { return owner[i] == rank; };
    if (rank == 0) {
      CollectingSink sink(*file, plan, order, owner, index, comm,
                          options.quiet ? nullptr : options.progress);
      report = run_plan(deck, plan, sink, options);
      sink.finish();
    } else {
      ForwardingSink sink(present, index, comm);
      report = run_plan(deck, plan, sink, options);
      sink.finish();
    }
    sum_counts = true;
  } else {
    const Method method = mode == DistributedMode::pkf_chunks ? Method::pkf : Method::ptfs;
    options.assigned = [&plan, method, rank](std::size_t i) {
      return rank == 0 || plan.runs[i].method == method;
    };
    options.engine_float = collective_factory<float>(method, comm);
    options.engine_double = collective_factory<double>(method, comm);
    if (rank != 0) options.warnings = nullptr;  // rank 0 has the same failures and the results
    if (rank == 0) {
      report = run_plan(deck, plan, *file, options);
    } else {
      DiscardSink sink(present, index);
      report = run_plan(deck, plan, sink, options);
    }
  }

  // Totals on every rank, so that every rank returns the same exit status.
  std::int64_t counts[4] = {static_cast<std::int64_t>(report.completed),
                            static_cast<std::int64_t>(report.skipped),
                            static_cast<std::int64_t>(report.failed),
                            static_cast<std::int64_t>(report.non_finite)};
  if (sum_counts)
    mpi::check(MPI_Allreduce(MPI_IN_PLACE, counts, 4, MPI_INT64_T, MPI_SUM, comm),
               "MPI_Allreduce");
  else
    mpi::check(MPI_Bcast(counts, 4, MPI_INT64_T, 0, comm), "MPI_Bcast");
  int interrupted = report.interrupted ? 1 : 0;
  mpi::check(MPI_Allreduce(MPI_IN_PLACE, &interrupted, 1, MPI_INT, MPI_MAX, comm),
             "MPI_Allreduce");
  report.completed = static_cast<std::size_t>(counts[0]);
  report.skipped = static_cast<std::size_t>(counts[1]);
  report.failed = static_cast<std::size_t>(counts[2]);
  report.non_finite = static_cast<std::size_t>(counts[3]);
  report.interrupted = interrupted != 0;
  report.planned = plan.runs.size();
  if (sum_counts) report.failures = gather_lines(report.failures, comm);
  return report;
}

}  // namespace kscan
