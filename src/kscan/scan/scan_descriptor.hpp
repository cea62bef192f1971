#pragma once
// What a scan algorithm tells the registry (scan_registry.hpp) about itself, in one struct next
// to its kernels: its deck names and parameter, how to run it, its steps and its workspace.
//
//   struct MyScan : ScanDefaults {
//     static constexpr ScanAlgorithm algorithm = ScanAlgorithm::my_scan;
//     static constexpr std::array<ScanDeckName, 1> deck_names{{{"my_scan", "one line for docs"}}};
//     template <class ExecSpace, class Op, class Seq, class Buffer>
//     static void run(const ExecSpace&, const ScanOptions&, const Op&, const Seq& x, index_t n,
//                     int threads, const Buffer& buffer);          // x(0..n-1) in place
//     static void schedule(ScanSchedule&, const ScanOptions&, index_t n, int threads);
//     // and, where they differ from ScanDefaults: workspace, check, count_is_exact, batches
//   };
#include <array>
#include <cstdint>
#include <string>

#include "kscan/scan/scan_algorithm.hpp"
#include "kscan/scan/scan_step.hpp"

namespace kscan {

/// An integer a scan takes from the deck, as key `runs.<key>` (the schema and docs/deck.md list
/// it from here).
struct ScanParameter {
  const char* key;     // e.g. "sengupta_threshold"
  const char* symbol;  // its name in the math and the plan, e.g. "h"
  int default_value;
  int minimum, maximum;
  const char* description;  // for docs/deck.md
};

/// One name a deck may give a scan. A name either fixes ScanOptions::parameter (`fixed`) or
/// reads it from the deck (`parameter`, when non-null).
struct ScanDeckName {
  const char* name;
  const char* summary;  // one line: what this scan does
  const ScanParameter* parameter = nullptr;
  int fixed = 0;
};

namespace scan_detail {

/// The answers a scan gives unless its row says otherwise.
struct ScanDefaults {
  /// Whether the scan runs every row of a batch (scan_common.hpp: UniformBatch, SumBatch,
  /// TwoWayBatch) in the same launches and builds the elements of a batch's source inside its
  /// own passes (run_batch); otherwise the rows are scanned one after another from stored
  /// elements.
  static constexpr bool scans_batches = false;
  /// Whether schedule() is the exact count on every backend.
  static constexpr bool count_is_exact = true;
  /// Elements of ScanWorkspace scratch a scan of length n needs.
  static std::int64_t workspace(const ScanOptions&, std::int64_t, int) { return 0; }
  /// Throws when the scan cannot run correctly on ExecSpace with these options.
  template <class ExecSpace>
  static void check(const ScanOptions&) {}
};

}  // namespace scan_detail
}  // namespace kscan
