#pragma once
// A series whose initial state has diffuse components (model.initial.diffuse), split in two: the
// first d observations, which identify the diffuse components, are processed exactly on the host
// (diffuse_start, float64), and the rest is an ordinary problem with a proper prior before step
// d+1, which any method -- sequential or parallel, any scan, any precision -- solves as usual.
// The method's estimates of the rest are then extended back over steps 1..d: filtered ones by the
// exact start's filtered estimates, smoothed ones by conditioning the start's joint posterior on
// the smoothed x_{d+1}. Both parts are exact, so the whole is the exact diffuse result.
#include <vector>

#include "kscan/data/simulate.hpp"
#include "kscan/model/state_space_model.hpp"
#include "kscan/solver/impl/diffuse_start.hpp"

namespace kscan {

struct DiffuseSplit {
  DiffuseStart start;     // steps 1..d
  HostModel rest_model;   // steps d+1..T, prior (m0, P0) before step d+1
  HostSeries rest_series;
  int steps() const { return start.steps; }
};

/// Throws std::runtime_error when the diffuse components are not identified before the series
/// ends (at least one observation must remain for the method).
DiffuseSplit split_diffuse(const HostModel& model, const HostSeries& series,
                           const std::vector<int>& diffuse_components);

/// The whole series' estimates, rows 0..d-1 from the exact start and d.. from the method's
/// estimates of the rest (`rest_mean` [T-d, nx], `rest_cov` [T-d, nx, nx], row-major):
/// filtered when `smoothed` is false, otherwise smoothed.
void prepend_diffuse_steps(const DiffuseSplit& split, bool smoothed,
                           const std::vector<double>& rest_mean,
                           const std::vector<double>& rest_cov, std::vector<double>& mean,
                           std::vector<double>& cov);

}  // namespace kscan
