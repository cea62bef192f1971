#pragma once
// Model generators: the paper's random model, a 2-D constant-velocity tracking model and a
// user-given time-invariant model.
#include <cstdint>
#include <vector>

#include "kscan/model/state_space_model.hpp"

namespace kscan {

struct RandomModelOptions {
  int nx = 4;
  int ny = 2;
  int length = 1;             // number of time steps (matrices drawn when time-varying)
  bool time_varying = true;   // draw F, c, Q, H, d, R anew for every step
  double transition_scale = 0.99;  // F = scale * Q-factor of a Gaussian matrix (spectral radius)
  double ridge = 0.1;         // Q, R, P0 = X Xᵀ + ridge I (keeps them well conditioned)
  std::uint64_t seed = 1;
};

/// The paper's experiment model (section VI-A): Gaussian entries, F replaced by a scaled
/// orthogonal Q factor, covariances X Xᵀ plus a ridge; random m0 and P0.
HostModel make_random_model(const RandomModelOptions& options);

struct TrackingModelOptions {
  double dt = 0.1;              // sampling period
  double process_noise = 1.0;   // acceleration noise spectral density q
  double measurement_std = 0.5; // position measurement standard deviation
};

/// 2-D constant-velocity target: state (px, py, vx, vy), position measurements. Time-invariant.
HostModel make_tracking_model(const TrackingModelOptions& options);

/// Dense row-major matrices of a time-invariant model given by the user.
struct LtiModelMatrices {
  int nx = 0;
  int ny = 0;
  std::vector<double> F, c, Q, H, d, R, m0, P0;  // c, d default to zero when empty
  ModelSlots slots;  // F, c, Q, H, d, R: 1 or T matrices each, one after another
};

/// Validates shapes (throws std::invalid_argument naming the field) and builds the model.
HostModel make_lti_model(const LtiModelMatrices& m);

}  // namespace kscan
