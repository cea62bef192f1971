#pragma once
// Running a solver from a host model and series, and comparing estimates, for the solver tests.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include <kscan/core/dims.hpp>
#include <kscan/data/simulate.hpp>
#include <kscan/model/generators.hpp>
#include <kscan/solver/kalman_solver.hpp>

// Skips the rest of the test (from a void helper: the rest of the helper) when this build holds
// no solver for (nx, ny): only a reduced build does, such as the cuda-check preset's 4x2 alone
// (KSCAN_GENERAL_PATH=OFF). Every default build compiles every size.
#define KSCAN_SKIP_UNLESS_COMPILED(nx, ny)                                                \
  if (!kscan::dims_compiled(nx, ny))                                                      \
  GTEST_SKIP() << "nx = " << (nx) << ", ny = " << (ny) << " is not compiled in this build (" \
               << kscan::compiled_dims_text() << ")"

namespace kscan::test {

struct Estimate {
  std::vector<double> mean, cov;  // [T, nx], [T, nx, nx]
  double loglik = 0;
  // with diagnostics: FilterDiagnostics of the one series
  std::vector<double> predicted_mean, predicted_cov, innovation, innovation_cov, loglik_terms;
};

template <class V>
std::vector<double> host_copy(const V& view) {
  const auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), view);
  return std::vector<double>(h.data(), h.data() + h.span());
}

template <class Exec, class Scalar>
Estimate solve(const HostModel& host_model, const HostSeries& series, Method method,
               ScanOptions scan = {}, bool diagnostics = false, Form form = Form::standard) {
  using memory = typename Exec::memory_space;
  const auto model = convert_model<Scalar, memory>(host_model);
  const auto y = convert_measurements<Scalar, memory>(series.y);
  KalmanSolver<Scalar, Exec> solver(SolverOptions{method, scan, diagnostics, form}, model, y);
  solver.run();
  Estimate e;
  e.mean = host_copy(solver.mean());
  e.cov = host_copy(solver.covariance());
  e.loglik = solver.log_likelihood();
  if (diagnostics) {
    const auto d = solver.diagnostics();
    e.predicted_mean = host_copy(d.predicted_mean);
    e.predicted_cov = host_copy(d.predicted_cov);
    e.innovation = host_copy(d.innovation);
    e.innovation_cov = host_copy(d.innovation_cov);
    e.loglik_terms = host_copy(d.loglik_terms);
  }
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

/// relative_difference where both may hold NaN at the same places (missing components);
/// a NaN in one but not the other is an infinite difference.
inline double relative_difference_nan(const std::vector<double>& a,
                                      const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  std::vector<double> fa, fb;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i])) return INFINITY;
    if (std::isnan(b[i])) continue;
    fa.push_back(a[i]);
    fb.push_back(b[i]);
  }
  return relative_difference(fa, fb);
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

/// Every method of method_table, or only the parallel ones.
inline std::vector<Method> all_methods() {
  std::vector<Method> methods;
  for (const MethodRow& row : method_table) methods.push_back(row.method);
  return methods;
}
inline std::vector<Method> parallel_methods() {
  std::vector<Method> methods;
  for (const MethodRow& row : method_table)
    if (is_parallel(row.method)) methods.push_back(row.method);
  return methods;
}

}  // namespace kscan::test
