#include "kscan/experiment/device_peaks.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace kscan {
namespace {

struct Peak {
  std::vector<const char*> all;   // every token must occur in the device name
  std::vector<const char*> none;  // no token may occur (variants with other clocks)
  double fp32_gflops;
  double fp64_gflops;
};

// Vendor data sheets, vector (non-tensor) throughput at boost clock.
const std::vector<Peak>& peaks() {
  static const std::vector<Peak> table = {
      {{"H100", "PCIE"}, {}, 51200, 25600},            // H100 PCIe
      {{"H100"}, {"NVL", "PCIE"}, 66900, 33500},       // H100 SXM5
      {{"GH200"}, {}, 66900, 33500},                   // Grace Hopper (H100 SXM5 rates)
      {{"H200"}, {"NVL"}, 66900, 33500},               // H200 SXM
      {{"A100"}, {}, 19500, 9700},                     // A100 SXM4 and PCIe
      {{"V100", "PCIE"}, {}, 14000, 7000},             // V100 PCIe
      {{"V100", "SXM2"}, {}, 15700, 7800},             // V100 SXM2
  };
  return table;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

}  // namespace

std::optional<double> device_peak_gflops(const std::string& device,
                                         const std::string& execution_space,
                                         const std::string& precision) {
  const std::string space = upper(execution_space);
  const bool gpu = space.find("CUDA") != std::string::npos ||
                   space.find("HIP") != std::string::npos ||
                   space.find("SYCL") != std::string::npos;
  if (!gpu || (precision != "float32" && precision != "float64")) return std::nullopt;
  const std::string name = upper(device);
  for (const auto& peak : peaks()) {
    const bool all = std::all_of(peak.all.begin(), peak.all.end(), [&](const char* token) {
      return name.find(token) != std::string::npos;
    });
    const bool none = std::none_of(peak.none.begin(), peak.none.end(), [&](const char* token) {
      return name.find(token) != std::string::npos;
    });
    if (all && none) return precision == "float32" ? peak.fp32_gflops : peak.fp64_gflops;
  }
  return std::nullopt;
}

}  // namespace kscan
