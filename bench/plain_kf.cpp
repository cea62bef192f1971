// The plain filter's step. Loop bounds are the constants nx and ny, so the compiler sees every
// trip count and unrolls; no branch depends on the data except the slot of a time-varying model.
#include "plain_kf.hpp"

#include <cmath>

namespace plain_kf {
namespace {

constexpr double log_two_pi = 1.8378770664093454835606594728112;

void symmetrise(double (&a)[nx][nx]) {
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < i; ++j) a[i][j] = a[j][i] = 0.5 * (a[i][j] + a[j][i]);
}

}  // namespace

double filter(const Model& model, const double* y, std::size_t length, double* mean, double* cov) {
  double m[nx], P[nx][nx];
  for (int i = 0; i < nx; ++i) {
    m[i] = model.m0[i];
    for (int j = 0; j < nx; ++j) P[i][j] = model.P0[i * nx + j];
  }
  double loglik = 0.0;
  for (std::size_t t = 0; t < length; ++t) {
    const std::size_t s = model.stored > 1 ? t : 0;
    const double* F = model.F + s * nx * nx;
    const double* c = model.c + s * nx;
    const double* Q = model.Q + s * nx * nx;
    const double* H = model.H + s * ny * nx;
    const double* d = model.d + s * ny;
    const double* R = model.R + s * ny * ny;

    // Predict: mp = F m + c, Pp = F P Fᵀ + Q.
    double mp[nx], FP[nx][nx], Pp[nx][nx];
    for (int i = 0; i < nx; ++i) {
      double acc = c[i];
      for (int k = 0; k < nx; ++k) acc += F[i * nx + k] * m[k];
      mp[i] = acc;
      for (int j = 0; j < nx; ++j) {
        double fp = 0.0;
        for (int k = 0; k < nx; ++k) fp += F[i * nx + k] * P[k][j];
        FP[i][j] = fp;
      }
    }
    for (int i = 0; i < nx; ++i)
      for (int j = 0; j < nx; ++j) {
        double acc = Q[i * nx + j];
        for (int k = 0; k < nx; ++k) acc += FP[i][k] * F[j * nx + k];
        Pp[i][j] = acc;
      }
    symmetrise(Pp);

    // Innovation v = y − H mp − d and its covariance S = H Pp Hᵀ + R, factored S = L Lᵀ.
    double HP[ny][nx], S[ny][ny], v[ny];
    for (int i = 0; i < ny; ++i) {
      double acc = y[t * ny + i] - d[i];
      for (int k = 0; k < nx; ++k) acc -= H[i * nx + k] * mp[k];
      v[i] = acc;
      for (int j = 0; j < nx; ++j) {
        double hp = 0.0;
        for (int k = 0; k < nx; ++k) hp += H[i * nx + k] * Pp[k][j];
        HP[i][j] = hp;
      }
    }
    for (int i = 0; i < ny; ++i)
      for (int j = 0; j < ny; ++j) {
        double acc = R[i * ny + j];
        for (int k = 0; k < nx; ++k) acc += HP[i][k] * H[j * nx + k];
        S[i][j] = acc;
      }
    for (int i = 0; i < ny; ++i)
      for (int j = 0; j < i; ++j) S[i][j] = S[j][i] = 0.5 * (S[i][j] + S[j][i]);
    double L[ny][ny] = {};
    for (int j = 0; j < ny; ++j) {
      double diag = S[j][j];
      for (int k = 0; k < j; ++k) diag -= L[j][k] * L[j][k];
      L[j][j] = std::sqrt(diag);
      for (int i = j + 1; i < ny; ++i) {
        double acc = S[i][j];
        for (int k = 0; k < j; ++k) acc -= L[i][k] * L[j][k];
        L[i][j] = acc / L[j][j];
      }
    }

    // Solves L Lᵀ x = b in place: forward then backward substitution.
    auto solve = [&L](double (&b)[ny]) {
      for (int i = 0; i < ny; ++i) {
        for (int k = 0; k < i; ++k) b[i] -= L[i][k] * b[k];
        b[i] /= L[i][i];
      }
      for (int i = ny - 1; i >= 0; --i) {
        for (int k = i + 1; k < ny; ++k) b[i] -= L[k][i] * b[k];
        b[i] /= L[i][i];
      }
    };

    // Log-likelihood term −½ (vᵀ S⁻¹ v + log det S + ny log 2π).
    double w[ny];
    for (int i = 0; i < ny; ++i) w[i] = v[i];
    solve(w);
    double quad = 0.0, logdet = 0.0;
    for (int i = 0; i < ny; ++i) {
      quad += v[i] * w[i];
      logdet += 2.0 * std::log(L[i][i]);
    }
    loglik -= 0.5 * (quad + logdet + ny * log_two_pi);

    // Gain: Kᵀ = S⁻¹ H Pp, one solve per column.
    double KT[ny][nx];
    for (int j = 0; j < nx; ++j) {
      double col[ny];
      for (int i = 0; i < ny; ++i) col[i] = HP[i][j];
      solve(col);
      for (int i = 0; i < ny; ++i) KT[i][j] = col[i];
    }

    // Update, Joseph form: P = (I − K H) Pp (I − K H)ᵀ + K R Kᵀ; m = mp + K v.
    double IKH[nx][nx], tmp[nx][nx], RKT[ny][nx];
    for (int i = 0; i < nx; ++i) {
      double acc = mp[i];
      for (int k = 0; k < ny; ++k) acc += KT[k][i] * v[k];
      m[i] = acc;
      for (int j = 0; j < nx; ++j) {
        double kh = 0.0;
        for (int k = 0; k < ny; ++k) kh += KT[k][i] * H[k * nx + j];
        IKH[i][j] = (i == j ? 1.0 : 0.0) - kh;
      }
    }
    for (int i = 0; i < nx; ++i)
      for (int j = 0; j < nx; ++j) {
        double acc = 0.0;
        for (int k = 0; k < nx; ++k) acc += IKH[i][k] * Pp[k][j];
        tmp[i][j] = acc;
      }
    for (int i = 0; i < ny; ++i)
      for (int j = 0; j < nx; ++j) {
        double acc = 0.0;
        for (int k = 0; k < ny; ++k) acc += R[i * ny + k] * KT[k][j];
        RKT[i][j] = acc;
      }
    for (int i = 0; i < nx; ++i)
      for (int j = 0; j < nx; ++j) {
        double acc = 0.0;
        for (int k = 0; k < nx; ++k) acc += tmp[i][k] * IKH[j][k];
        for (int k = 0; k < ny; ++k) acc += KT[k][i] * RKT[k][j];
        P[i][j] = acc;
      }
    symmetrise(P);

    for (int i = 0; i < nx; ++i) {
      mean[t * nx + i] = m[i];
      for (int j = 0; j < nx; ++j) cov[(t * nx + i) * nx + j] = P[i][j];
    }
  }
  return loglik;
}

}  // namespace plain_kf
