#pragma once
// Exact diffuse initialisation of the first steps of a series (host, float64).
//
// Initial state (Durbin & Koopman 2012, ch. 5):  x_1 = a1 + A δ + u,  u ~ N(0, P*),
// δ ~ N(0, κ I_r), κ -> ∞, so that P∞ = A Aᵀ. The model's m0 = a1 and P0 = P* describe x_1
// itself: transition 0 is not applied ("initial is predicted"). Transition k (F[k], c[k], Q[k])
// takes x_k to x_{k+1}; observation row k-1 of y sees x_k through H[k-1], d[k-1], R[k-1].
//
// Method: the augmented (de Jong 1991) form, collapsed once δ is identified. Conditional on δ,
// the states and the observations are jointly Gaussian with δ-free covariances and means affine
// in δ; conditioning on the observations and integrating δ against a flat prior gives the exact
// κ -> ∞ limit, which is also what Koopman's (1997) exact initial filter computes (D&K §5.7,
// §7.2: both are the limit of log L_κ + (r/2) log κ). The number of diffuse steps d is the first
// number of observation rows whose information about δ, S = M_Yᵀ Σ_YY⁻¹ M_Y, is nonsingular.
// From step d+1 on, the rest of the series is an ordinary problem with the proper prior below.
#include <Kokkos_Core.hpp>
#include <vector>

#include "kscan/model/state_space_model.hpp"

namespace kscan {

/// The diffuse period's estimates. Per-step arrays cover k = 1..d. While δ is not yet
/// identified (k < d for filtered, k <= d for predicted and innovations) a moment is split as
/// κ X∞ + X* + O(1/κ): the mean given is its κ -> ∞ limit and the covariance given is its finite
/// part X* (the infinite part is dropped), as Durbin & Koopman and statsmodels report them. A
/// missing component is NaN in the innovation and in its covariance's row and column, as in the
/// solvers' FilterDiagnostics.
struct DiffuseStart {
  int steps = 0;  // d >= 1 observation rows used
  // x_d given y_1..y_d (proper). The rest of the series is an ordinary problem with this prior
  // *before* step d+1: transition d applies to it.
  std::vector<double> prior_mean, prior_cov;  // [nx], [nx*nx]
  // Diffuse log-likelihood of y_1..y_d: the limit of log L_κ + (r/2) log κ.
  double loglik = 0;
  // Terms that sum to loglik: ℓ_k is the limit of log p_κ(y_k | y_1..y_{k-1}) + (Δrank_k/2) log κ,
  // where Δrank_k is how many directions of δ step k identifies.
  std::vector<double> loglik_terms;                   // [d]
  std::vector<double> filtered_mean, filtered_cov;    // [d, nx], [d, nx, nx]: x_k | y_1..y_k
  std::vector<double> predicted_mean, predicted_cov;  // [d, nx], [d, nx, nx]: x_k | y_1..y_{k-1}
  std::vector<double> innovation, innovation_cov;     // [d, ny], [d, ny, ny]
  // Posterior of Z = (x_1..x_{d+1}) given y_1..y_d, [(d+1) nx], [((d+1) nx)^2]. When d is the
  // series length (reaches_end) there is no x_{d+1}: Z = (x_1..x_d), and these are the smoothed
  // states of the whole series.
  std::vector<double> joint_mean, joint_cov;
  bool reaches_end = false;  // d == T
  int nx = 0, ny = 0;
};

/// Relative eigenvalue tolerance on S: δ counts as identified when every eigenvalue of S exceeds
/// this fraction of the largest. A's columns should therefore be comparably scaled (unit columns
/// selecting state components are the usual choice). In addition an eigenvalue must exceed 1e-24
/// of what S would be if no term of M_Y = H F..F A cancelled, so that a direction of δ that the
/// observations cannot see, but which rounding makes seem faintly seen, is not counted.
inline constexpr double diffuse_rank_tolerance = 1e-10;

/// A is nx x r row-major (r >= 1). y is [T, ny] (NaN = missing component). The model's arrays may
/// each be time-invariant (leading extent 1) or time-varying (leading extent T). Throws
/// std::invalid_argument on inconsistent shapes and std::runtime_error when the first
/// min(max_steps, T) observation rows do not identify δ.
DiffuseStart diffuse_start(
    const HostModel& model,
    const Kokkos::View<const double**, Kokkos::LayoutRight, Kokkos::HostSpace>& y,
    const std::vector<double>& A, int r, int max_steps = 64);

/// Smoothed x_1..x_d given all data, from the smoothed x_{d+1} (mean [nx], covariance [nx*nx])
/// that a smoother run on the rest of the series produced. Writes [d, nx] and [d, nx, nx].
/// Requires !start.reaches_end (throws std::invalid_argument otherwise).
void smooth_diffuse_steps(const DiffuseStart& start, const double* smoothed_next_mean,
                          const double* smoothed_next_cov, double* mean_out, double* cov_out);

/// The d == T case: the smoothed x_1..x_d are the joint posterior's marginals. Writes [d, nx] and
/// [d, nx, nx]. Requires start.reaches_end (throws std::invalid_argument otherwise).
void smooth_diffuse_steps_to_end(const DiffuseStart& start, double* mean_out, double* cov_out);

}  // namespace kscan
