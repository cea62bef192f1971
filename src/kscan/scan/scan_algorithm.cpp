#include "kscan/scan/scan_algorithm.hpp"

namespace kscan {

const std::vector<std::string>& scan_names() {
  static const std::vector<std::string> names = {"sequential", "hillis_steele", "blelloch",
                                                 "ladner_fischer", "sengupta_a", "sengupta_b",
                                                 "kokkos", "blocked"};
  return names;
}

std::optional<ScanOptions> parse_scan(std::string_view name, int sengupta_b_threshold) {
  ScanOptions options;
  if (name == "sequential") {
    options.algorithm = ScanAlgorithm::sequential;
  } else if (name == "hillis_steele") {
    options.algorithm = ScanAlgorithm::hillis_steele;
  } else if (name == "blelloch") {
    options.algorithm = ScanAlgorithm::blelloch;
  } else if (name == "ladner_fischer") {
    options.algorithm = ScanAlgorithm::ladner_fischer;
  } else if (name == "sengupta_a") {
    options.algorithm = ScanAlgorithm::sengupta;
    options.sengupta_threshold = 0;
  } else if (name == "sengupta_b") {
    if (sengupta_b_threshold < 0) return std::nullopt;
    options.algorithm = ScanAlgorithm::sengupta;
    options.sengupta_threshold = sengupta_b_threshold;
  } else if (name == "kokkos") {
    options.algorithm = ScanAlgorithm::kokkos;
  } else if (name == "blocked") {
    options.algorithm = ScanAlgorithm::blocked;
  } else {
    return std::nullopt;
  }
  return options;
}

std::string scan_name(const ScanOptions& options) {
  switch (options.algorithm) {
    case ScanAlgorithm::sequential: return "sequential";
    case ScanAlgorithm::hillis_steele: return "hillis_steele";
    case ScanAlgorithm::blelloch: return "blelloch";
    case ScanAlgorithm::ladner_fischer: return "ladner_fischer";
    case ScanAlgorithm::sengupta: return options.sengupta_threshold > 0 ? "sengupta_b" : "sengupta_a";
    case ScanAlgorithm::kokkos: return "kokkos";
    case ScanAlgorithm::blocked: return "blocked";
  }
  return "unknown";
}

}  // namespace kscan
