// Filters a tracking series with PKF and checks it against KF: proves the installed headers,
// library and Kokkos dependency work together.
#include <kscan/kscan.hpp>

#include <cmath>
#include <cstdio>

int main(int argc, char* argv[]) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  using Space = Kokkos::DefaultExecutionSpace;
  const auto host = kscan::make_tracking_model({});
  kscan::SimulationOptions sim;
  sim.length = 257;
  const auto series = kscan::simulate(host, sim);
  const auto model = kscan::convert_model<double, Space::memory_space>(host);
  const auto y = kscan::convert_measurements<double, Space::memory_space>(series.y);
  kscan::KalmanSolver<double> kf({kscan::Method::kf, {}}, model, y);
  kscan::KalmanSolver<double> pkf({kscan::Method::pkf, {kscan::ScanAlgorithm::blocked, 0}}, model, y);
  kf.run();
  pkf.run();
  const double diff = std::abs(kf.log_likelihood() - pkf.log_likelihood());
  std::printf("kscan %s consumer: loglik %.6f, |kf - pkf| = %.3g\n", KSCAN_VERSION_STRING,
              kf.log_likelihood(), diff);
  return diff < 1e-8 * std::abs(kf.log_likelihood()) ? 0 : 1;
}
