#pragma once
// Peak floating-point rates of the devices kscan knows, for MFU. A device missing from the table
// (every CPU, unlisted GPUs) has no peak, and MFU is then absent: never a guess.
#include <optional>
#include <string>

namespace kscan {

/// Peak GFLOP/s (vector units, no tensor cores, boost clock, vendor data sheet) of `device` in
/// `precision` ("float32" | "float64"), when `execution_space` runs on that device (Cuda, HIP,
/// SYCL) and the device is in the table.
std::optional<double> device_peak_gflops(const std::string& device,
                                         const std::string& execution_space,
                                         const std::string& precision);

}  // namespace kscan
