#pragma once
// Simulation of states and measurements from a model, on the host in float64 so that a seed gives
// the same series on every backend; missing observations are NaN.
#include <cstdint>
#include <string>
#include <vector>

#include "kscan/model/state_space_model.hpp"

namespace kscan {

/// One series: y [T, ny] (NaN = missing), x_true [T, nx] (x_1..x_T), host float64.
struct HostSeries {
  Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace> y;
  Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace> x_true;
  /// The first observations that identify a diffuse initial state (0: the prior is proper);
  /// residual diagnostics leave them out.
  int diffuse_steps = 0;
  /// The time of each step when the source names one (a CSV time column), stored with the
  /// dataset: numbers (NaN where unknown), or labels as written; both empty otherwise.
  std::vector<double> time;
  std::vector<std::string> time_text;
  int length() const { return static_cast<int>(y.extent(0)); }
};

struct SimulationOptions {
  int length = 1;
  std::uint64_t seed = 1;
  double missing_rows = 0.0;        // probability that a whole observation is missing
  double missing_components = 0.0;  // probability that a single component is missing
};

/// Draws x_0 ~ N(m0, P0), then x and y for T steps. A time-invariant model can run any length; a
/// time-varying one needs stored() == length (throws std::invalid_argument otherwise).
HostSeries simulate(const HostModel& model, const SimulationOptions& options);

/// Copies y into `MemorySpace` as `Scalar` (NaN stays NaN).
template <class Scalar, class MemorySpace>
Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace> convert_measurements(
    const Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>& y) {
  Kokkos::View<Scalar**, Kokkos::LayoutRight, MemorySpace> out("kscan::data::y", y.extent(0),
                                                                y.extent(1));
  auto mirror = Kokkos::create_mirror_view(out);
  for (size_t i = 0; i < y.extent(0); ++i)
    for (size_t j = 0; j < y.extent(1); ++j) mirror(i, j) = static_cast<Scalar>(y(i, j));
  Kokkos::deep_copy(out, mirror);
  return out;
}

}  // namespace kscan
