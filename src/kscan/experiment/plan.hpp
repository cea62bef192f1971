#pragma once
// The plan of a deck: the ordered runs (length x method x scan x precision x form, one batch
// size), the datasets they read, and how they are timed and stored.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kscan/experiment/deck.hpp"
#include "kscan/experiment/run_result.hpp"
#include "kscan/scan/scan_algorithm.hpp"
#include "kscan/solver/form.hpp"
#include "kscan/solver/method.hpp"

namespace kscan {

/// One length of the sweep: its datasets (member 0 named `name`, member b > 0 `name`-b<b>).
struct PlannedDataset {
  std::string name;  // "T1024"
  std::int64_t length = 0;
  std::int64_t batch = 1;
  /// Dataset name of batch member b.
  std::string member_name(std::int64_t b) const;
};

struct PlannedRun {
  RunKey key;
  Method method = Method::kf;
  ScanOptions scan{};         // ignored for sequential methods (key.scan == "none")
  Form form = Form::standard;  // every method has a sqrt twin, sequential ones too
  std::size_t dataset = 0;    // index into Plan::datasets
  bool keep_estimates = false;
};

struct Plan {
  std::vector<PlannedDataset> datasets;
  std::vector<PlannedRun> runs;
  int warmup = 2;
  int repetitions = 10;
  /// Operation-count mode (runs.simulate_threads): every run is executed once, untimed, and
  /// costed in flops on the critical path of a simulated machine of this many threads.
  std::optional<std::int64_t> simulate_threads;
  EstimatesOutput estimates = EstimatesOutput::last;
  std::vector<std::string> diagnostics;  // output.diagnostics, for the runs that keep estimates
  std::string output_file;
  std::vector<std::string> summary;
  std::vector<std::string> notes;  // e.g. lengths not known until a file is read
};

/// Enumerates the runs of a validated deck.
Plan make_plan(const Deck& deck);

/// The sequential method a run is compared with (runs.reference semantics): kf for filters; for
/// smoothers the deck's reference when it is a smoother, otherwise rts.
Method reference_method(Method method, const std::string& deck_reference);

/// Human-readable plan: deck summary, datasets, runs (one line each), totals.
std::string format_plan(const Deck& deck, const Plan& plan);

}  // namespace kscan
