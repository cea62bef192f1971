#pragma once
// The registry of scan algorithms: every scan kscan offers, in the order decks, tables and
// figures list them. Each entry is the scan's own row (scan_descriptor.hpp), next to its kernels;
// the deck names, the parser, the schema, the dispatch of inclusive_scan, the operation counts,
// the workspace sizes, the tests' lists and analysis/registry.py all iterate over this list.
// Adding a scan: its header with its row, an enumerator in ScanAlgorithm, an entry here
// (docs/extending.md).
#include "kscan/scan/impl/blelloch_scan.hpp"
#include "kscan/scan/impl/blocked_scan.hpp"
#include "kscan/scan/impl/hillis_steele_scan.hpp"
#include "kscan/scan/impl/kokkos_scan.hpp"
#include "kscan/scan/impl/ladner_fischer_scan.hpp"
#include "kscan/scan/impl/sengupta_scan.hpp"
#include "kscan/scan/impl/sequential_scan.hpp"
#include "kscan/scan/impl/team_blocks_scan.hpp"

namespace kscan::scan_detail {

template <class... Scans>
struct ScanList {};

// (the sequential reference last, as the reports list it)
using RegisteredScans = ScanList<HillisSteeleScan, BlellochScan, LadnerFischerScan, SenguptaScan,
                                 KokkosScan, BlockedScan, TeamBlocksScan, SequentialScan>;

/// f(Scan{}) for every registered scan, in registry order.
template <class F, class... Scans>
void for_each_scan(ScanList<Scans...>, F&& f) {
  (f(Scans{}), ...);
}
template <class F>
void for_each_scan(F&& f) {
  for_each_scan(RegisteredScans{}, f);
}

/// f(Scan{}) for the registered scan of `algorithm`; false when none is registered.
template <class F, class... Scans>
bool visit_scan(ScanList<Scans...>, ScanAlgorithm algorithm, F&& f) {
  return ((algorithm == Scans::algorithm ? (f(Scans{}), true) : false) || ...);
}
template <class F>
bool visit_scan(ScanAlgorithm algorithm, F&& f) {
  return visit_scan(RegisteredScans{}, algorithm, f);
}

}  // namespace kscan::scan_detail
