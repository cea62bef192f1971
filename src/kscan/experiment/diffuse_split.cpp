#include "kscan/experiment/diffuse_split.hpp"

#include <stdexcept>
#include <string>

namespace kscan {
namespace {

/// Slots first.. of an array that has one per step; a time-invariant array as it is.
template <class View>
View from_step(const View& array, int first, const char* label) {
  if (array.extent(0) <= 1) return array;
  View out(std::string(label), array.extent(0) - first, array.extent(1), array.extent(2));
  for (std::size_t s = 0; s < out.extent(0); ++s)
    for (std::size_t r = 0; r < out.extent(1); ++r)
      for (std::size_t c = 0; c < out.extent(2); ++c) out(s, r, c) = array(s + first, r, c);
  return out;
}

/// Rows first.. of a [T, n] array; a single row (a time-invariant offset) as it is.
template <class View>
View rows_from(const View& array, int first, const char* label) {
  if (array.extent(0) <= 1) return array;
  View out(std::string(label), array.extent(0) - first, array.extent(1));
  for (std::size_t s = 0; s < out.extent(0); ++s)
    for (std::size_t r = 0; r < out.extent(1); ++r) out(s, r) = array(s + first, r);
  return out;
}

}  // namespace

DiffuseSplit split_diffuse(const HostModel& model, const HostSeries& series,
                           const std::vector<int>& diffuse_components) {
  const int nx = model.nx(), T = series.length();
  const int r = static_cast<int>(diffuse_components.size());
  std::vector<double> A(static_cast<std::size_t>(nx) * r, 0.0);  // unit columns: P∞ = A Aᵀ
  for (int j = 0; j < r; ++j) A[static_cast<std::size_t>(diffuse_components[j]) * r + j] = 1.0;

  DiffuseSplit split;
  split.start = diffuse_start(model, series.y, A, r);
  const int d = split.start.steps;
  if (d >= T)
    throw std::runtime_error(
        "model.initial.diffuse: the diffuse initial state takes " + std::to_string(d) +
        " observations to identify and the series has " + std::to_string(T) +
        "; at least one must remain for the method");

  HostModel rest;
  rest.F = from_step(model.F, d, "kscan::model::F");
  rest.Q = from_step(model.Q, d, "kscan::model::Q");
  rest.H = from_step(model.H, d, "kscan::model::H");
  rest.R = from_step(model.R, d, "kscan::model::R");
  rest.c = rows_from(model.c, d, "kscan::model::c");
  rest.d = rows_from(model.d, d, "kscan::model::d");
  rest.m0 = HostModel::vector("kscan::model::m0", nx);
  rest.P0 = HostModel::matrix("kscan::model::P0", nx, nx);
  for (int i = 0; i < nx; ++i) {
    rest.m0(i) = split.start.prior_mean[i];
    for (int j = 0; j < nx; ++j) rest.P0(i, j) = split.start.prior_cov[i * nx + j];
  }
  rest.initial_is_predicted = false;  // the prior is x_d's: transition d applies
  split.rest_model = rest;
  split.rest_series.y = rows_from(series.y, d, "kscan::data::y");
  split.rest_series.x_true = series.x_true.extent(0) == series.y.extent(0)
                                 ? rows_from(series.x_true, d, "kscan::data::x_true")
                                 : series.x_true;
  return split;
}

void prepend_diffuse_steps(const DiffuseSplit& split, bool smoothed,
                           const std::vector<double>& rest_mean,
                           const std::vector<double>& rest_cov, std::vector<double>& mean,
                           std::vector<double>& cov) {
  const DiffuseStart& s = split.start;
  const std::size_t d = static_cast<std::size_t>(s.steps);
  const std::size_t nx = s.prior_mean.size();
  mean.assign(d * nx, 0.0);
  cov.assign(d * nx * nx, 0.0);
  if (smoothed)
    smooth_diffuse_steps(s, rest_mean.data(), rest_cov.data(), mean.data(), cov.data());
  else {
    mean = s.filtered_mean;
    cov = s.filtered_cov;
  }
  mean.insert(mean.end(), rest_mean.begin(), rest_mean.end());
  cov.insert(cov.end(), rest_cov.begin(), rest_cov.end());
}

}  // namespace kscan
