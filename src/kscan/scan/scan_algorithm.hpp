#pragma once
// Names and options of the scan algorithms (docs/kalman-scan-math.md, "Scan algorithms"). The
// facts about each scan live in its registry row (scan_registry.hpp); these are the host-side
// questions the deck, the plan and the reports ask of the registry.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kscan {

/// One enumerator per registered scan (scan_registry.hpp holds their rows).
enum class ScanAlgorithm {
  sequential,      // one thread, T combines: the reference
  hillis_steele,   // log2 T levels, T log2 T work, double-buffered
  blelloch,        // up-sweep, identity at the root, down-sweep, final pass with the input
  ladner_fischer,  // in place, inclusive, 2 log2 T - 1 levels (the paper's "Inplace LaFi")
  sengupta,        // tree scan switching to Hillis-Steele below 2^threshold active nodes
  kokkos,          // Kokkos::parallel_scan with the element as value type
  blocked,         // per-thread chunks: reduce, scan the partials, re-scan the chunks
  team_blocks      // team-level block scans in shared memory, block totals recursively
};

/// Thrown by inclusive_scan when a scan cannot run correctly on the requested backend (e.g. the
/// `kokkos` scan where Kokkos::parallel_scan does not keep the operand order); the message names
/// the scan, the backend and the reason.
struct ScanRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class ScanDirection { forward, reverse };  // prefix a_0..a_k, or suffix a_k..a_{T-1}

struct ScanOptions {
  ScanAlgorithm algorithm = ScanAlgorithm::blocked;
  int parameter = 0;  // the scan's own integer, where its row names one (Sengupta's threshold h)
};

struct ScanParameter;
struct ScanDeckName;

/// Values of the scans' deck parameters by key (ScanParameter::key); a missing key takes the
/// parameter's default.
using ScanParameterValues = std::map<std::string, int, std::less<>>;

/// The scan a deck names (scan_names()), with its parameter from `values`; nullopt for an unknown
/// name or a parameter outside its bounds.
std::optional<ScanOptions> parse_scan(std::string_view name,
                                      const ScanParameterValues& values = {});
/// The deck name of `options` (the inverse of parse_scan).
std::string scan_name(const ScanOptions& options);
/// Every deck name, in registry order: hillis_steele, blelloch, ladner_fischer, sengupta_a,
/// sengupta_b, kokkos, blocked, team_blocks, sequential.
const std::vector<std::string>& scan_names();
/// Every deck name with its summary and parameter, in registry order.
const std::vector<ScanDeckName>& scan_deck_names();
/// The distinct deck parameters of the registered scans (each a key `runs.<key>`).
const std::vector<const ScanParameter*>& scan_parameters();

/// Whether the scan runs a batch's rows in the same launches and builds elements from a source
/// inside its passes (the blocked scan) rather than scanning stored rows one after another.
bool scans_batches(const ScanOptions& options);

}  // namespace kscan
