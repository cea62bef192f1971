#pragma once
// Running a solver from a host model and series, and comparing estimates, for the solver tests.
#include <algorithm>
#include <cmath>
#include <vector>

#include <kscan/data/simulate.hpp>
#include <kscan/model/generators.hpp>
#include <kscan/solver/kalman_solver.hpp>

namespace kscan::test {

struct Estimate {
  std::vector<double> mean, cov;  // [T, nx], [T, nx, nx]
  double loglik = 0;
};

template <class Exec, class Scalar>
Estimate solve(const HostModel& host_model, const HostSeries& series, Method method,
               ScanOptions scan = {}) {
  using memory = typename Exec::memory_space;
  const auto model = convert_model<Scalar, memory>(host_model);
  const auto y = convert_measurements<Scalar, memory>(series.y);
  KalmanSolver<Scalar, Exec> solver(SolverOptions{method, scan}, model, y);
  solver.run();
  const auto mean = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.mean());
  const auto cov = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.covariance());
  Estimate e;
  e.mean.assign(mean.data(), mean.data() + mean.span());
  e.cov.assign(cov.data(), cov.data() + cov.span());
  e.loglik = solver.log_likelihood();
  return e;
}

/// max |a − b| / max(1, max |b|): relative to the size of the reference, absolute near zero.
inline double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0, scale = 1;
  for (size_t i = 0; i < b.size(); ++i) {
    if (!std::isfinite(a[i])) return INFINITY;
    worst = std::max(worst, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return a.size() == b.size() ? worst / scale : INFINITY;
}

inline double relative_difference(double a, double b) {
  return std::abs(a - b) / std::max(1.0, std::abs(b));
}

/// The paper's random model (time-varying, nonzero c and d) and a simulated series.
struct Problem {
  HostModel model;
  HostSeries series;
};

inline Problem random_problem(int nx, int ny, int length, std::uint64_t seed,
                              double missing_rows = 0, double missing_components = 0) {
  RandomModelOptions o;
  o.nx = nx;
  o.ny = ny;
  o.length = length;
  o.seed = seed;
  Problem p{make_random_model(o), {}};
  SimulationOptions s;
  s.length = length;
  s.seed = seed + 100;
  s.missing_rows = missing_rows;
  s.missing_components = missing_components;
  p.series = simulate(p.model, s);
  return p;
}

inline std::vector<ScanOptions> all_scans() {
  return {{ScanAlgorithm::sequential, 0},     {ScanAlgorithm::hillis_steele, 0},
          {ScanAlgorithm::blelloch, 0},       {ScanAlgorithm::ladner_fischer, 0},
          {ScanAlgorithm::sengupta, 0},       {ScanAlgorithm::sengupta, 2},
          {ScanAlgorithm::kokkos, 0},         {ScanAlgorithm::blocked, 0}};
}

}  // namespace kscan::test
