#pragma once
// Names and options of the scan algorithms (docs/kalman-scan-math.md, "Scan algorithms").
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kscan {

enum class ScanAlgorithm {
  sequential,      // one thread, T combines: the reference
  hillis_steele,   // log2 T levels, T log2 T work, double-buffered
  blelloch,        // up-sweep, identity at the root, down-sweep, final pass with the input
  ladner_fischer,  // in place, inclusive, 2 log2 T - 1 levels (the paper's "Inplace LaFi")
  sengupta,        // tree scan switching to Hillis-Steele below 2^threshold active nodes
  kokkos,          // Kokkos::parallel_scan with the element as value type
  blocked          // per-thread chunks: reduce, scan the partials, re-scan the chunks
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
  int sengupta_threshold = 0;  // h: sengupta_a is h = 0, sengupta_b a configurable h > 0
};

/// Deck names: sequential, hillis_steele, blelloch, ladner_fischer, sengupta_a, sengupta_b,
/// kokkos, blocked. sengupta_b takes its threshold from `sengupta_b_threshold`.
std::optional<ScanOptions> parse_scan(std::string_view name, int sengupta_b_threshold);
std::string scan_name(const ScanOptions& options);
const std::vector<std::string>& scan_names();

}  // namespace kscan
