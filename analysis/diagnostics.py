"""Residual diagnostics of the filtering pass (Durbin & Koopman 2012, section 2.12).

Why: a Kalman filter is only as good as its model. If the model is right, the one-step
prediction errors (innovations) v_t = y_t - E[y_t | y_1..y_{t-1}] are independent N(0, F_t), so
the standardized residuals e_t = v_t / sqrt(F_t) should look like white Gaussian noise with
unit variance. Durbin & Koopman check three things, and so does the report:

* serial correlation -- the Ljung-Box statistic Q(k) over the first k autocorrelations,
  chi-square with k degrees of freedom under the null;
* heteroscedasticity -- H(h), the sum of squares of the last h residuals over that of the
  first h, F(h, h) under the null, tested two-sided;
* normality -- the Bowman-Shenton statistic N from skewness and kurtosis (the same formula as
  Jarque-Bera), chi-square with 2 degrees of freedom.

Conventions (they match statsmodels' ``MLEResults.test_serial_correlation``,
``test_heteroskedasticity`` and ``test_normality`` for a univariate series without missing
values, see tests/analysis/test_diagnostics.py):

* the first d steps (the exact diffuse start, ``diffuse_steps``) are dropped, as are the steps
  where the component is missing (a non-finite innovation or variance); what remains is
  compressed into one series e_1..e_n and every statistic is computed on it. statsmodels drops
  the same first d steps (its ``nobs_diffuse``) and the same missing values for N, but its Q
  is NaN when a value is missing and its H keeps the missing positions when it cuts the
  series into thirds;
* for ny > 1 each measurement component j is standardized by its own variance,
  e_tj = v_tj / sqrt(F_t[j, j]) (the diagonal of F_t). These components are correlated with
  each other within a step; statsmodels standardizes with the Cholesky factor of F_t instead,
  so for ny > 1 the two agree only for a diagonal F_t;
* k = ``default_lags(n)`` = min(10, n // 5) unless given (statsmodels' default for
  non-seasonal models; Durbin & Koopman use k = 9 for the Nile data, n = 99);
  the degrees of freedom are k - model_df with model_df = 0 by default (Durbin & Koopman
  subtract w - 1 for w estimated hyperparameters: pass model_df = w - 1 for that);
* h = round(n / 3), with H(h) = sum_{t=n-h+1..n} e_t^2 / sum_{t=1..h} e_t^2 (not centred), and
  the two-sided p-value 2 min(F_cdf(H), F_sf(H)) with F(h, h); NaN when h < 2;
* sample moments divide by n: mean, skewness S = m3 / m2^1.5, kurtosis K = m4 / m2^2 with
  m_q = sum (e_t - mean)^q / n, N = n (S^2 / 6 + (K - 3)^2 / 24); the variance shown in the
  table is m2 * n / (n - 1) (unbiased).

Only numpy and math: the chi-square survival function is the regularized upper incomplete
gamma function and the F distribution the regularized incomplete beta function, both from the
usual series and continued fractions (Numerical Recipes, 6.2 and 6.4), good to ~1e-14.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

NAN = float("nan")
_EPS = 1e-16
_TINY = 1e-300
_MAX_ITERATIONS = 100000


# --------------------------------------------------------------------------------------------
# special functions

def _log_gamma_prefactor(a: float, x: float) -> float:
    return -x + a * math.log(x) - math.lgamma(a)


def regularized_gamma_p(a: float, x: float) -> float:
    """P(a, x) = gamma(a, x) / Gamma(a), the lower regularized incomplete gamma function."""
    return 1.0 - regularized_gamma_q(a, x) if x >= a + 1.0 else _gamma_series(a, x)


def regularized_gamma_q(a: float, x: float) -> float:
    """Q(a, x) = 1 - P(a, x), the upper regularized incomplete gamma function (a > 0)."""
    if not (a > 0.0) or math.isnan(x):
        return NAN
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    if x < a + 1.0:
        return 1.0 - _gamma_series(a, x)
    return _gamma_continued_fraction(a, x)


def _gamma_series(a: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    term = total = 1.0 / a
    ap = a
    for _ in range(_MAX_ITERATIONS):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(_log_gamma_prefactor(a, x))


def _gamma_continued_fraction(a: float, x: float) -> float:
    """Q(a, x) by the modified Lentz method (converges for x > a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(_log_gamma_prefactor(a, x)) * h


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularized incomplete beta function (a, b > 0, 0 <= x <= 1)."""
    if math.isnan(x) or not (a > 0.0 and b > 0.0):
        return NAN
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(1.0 - x, b, a) / b


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = _TINY if abs(d) < _TINY else d
    d = 1.0 / d
    h = d
    for m in range(1, _MAX_ITERATIONS):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = _TINY if abs(d) < _TINY else d
        c = 1.0 + aa / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = _TINY if abs(d) < _TINY else d
        c = 1.0 + aa / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for X ~ chi-square(df)."""
    if math.isnan(x) or not df > 0:
        return NAN
    return regularized_gamma_q(df / 2.0, max(x, 0.0) / 2.0)


def f_cdf(x: float, d1: float, d2: float) -> float:
    """P(X <= x) for X ~ F(d1, d2)."""
    if math.isnan(x) or not (d1 > 0 and d2 > 0):
        return NAN
    if x <= 0.0:
        return 0.0
    if math.isinf(x):
        return 1.0
    return regularized_beta(d1 * x / (d1 * x + d2), d1 / 2.0, d2 / 2.0)


def f_sf(x: float, d1: float, d2: float) -> float:
    """P(X > x) for X ~ F(d1, d2), computed directly (no 1 - cdf cancellation)."""
    if math.isnan(x) or not (d1 > 0 and d2 > 0):
        return NAN
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    return regularized_beta(d2 / (d2 + d1 * x), d2 / 2.0, d1 / 2.0)


# --------------------------------------------------------------------------------------------
# residuals

@dataclass
class Residuals:
    """The standardized residuals of one measurement component, compressed: values[i] belongs
    to step steps[i] (0-based in the run's series)."""

    component: int
    steps: np.ndarray
    values: np.ndarray
    diffuse: int = 0   # leading steps dropped as the diffuse start
    missing: int = 0   # later steps where the component was missing
    invalid: int = 0   # later steps with a finite innovation but a variance <= 0 (dropped)


def standardized_residuals(innovation, variance, diffuse_steps: int = 0) -> List[Residuals]:
    """e_tj = v_tj / sqrt(F_t[j, j]) per component j, without the first ``diffuse_steps`` steps
    and the steps where v_tj or F_t[j, j] is not finite (missing).

    innovation: [T, ny] (or [T]); variance: the diagonal of F_t, same shape."""
    v = np.asarray(innovation, dtype=float)
    f = np.asarray(variance, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    if f.ndim == 1:
        f = f[:, None]
    if v.shape != f.shape:
        raise ValueError(f"innovation {v.shape} and variance {f.shape} differ in shape")
    d = min(max(int(diffuse_steps), 0), v.shape[0])
    out = []
    for j in range(v.shape[1]):
        vj, fj = v[d:, j], f[d:, j]
        observed = np.isfinite(vj) & np.isfinite(fj)
        valid = observed & (fj > 0)
        steps = np.nonzero(valid)[0]
        out.append(Residuals(component=j, steps=steps + d,
                             values=vj[steps] / np.sqrt(fj[steps]), diffuse=d,
                             missing=int((~observed).sum()),
                             invalid=int((observed & ~valid).sum())))
    return out


# --------------------------------------------------------------------------------------------
# statistics

def default_lags(n: int) -> int:
    """k for Q(k): min(10, n // 5), statsmodels' default for non-seasonal models."""
    return int(min(10, n // 5))


def autocorrelation(e, nlags: int) -> np.ndarray:
    """r_1..r_nlags with r_j = sum_{t>j} (e_t - m)(e_{t-j} - m) / sum_t (e_t - m)^2."""
    e = np.asarray(e, dtype=float)
    n = e.size
    nlags = int(min(nlags, n - 1)) if n else 0
    if nlags < 1:
        return np.zeros(0)
    c = e - e.mean()
    denominator = float(np.dot(c, c))
    if denominator <= 0.0:
        return np.full(nlags, NAN)
    return np.array([np.dot(c[j:], c[:-j]) / denominator for j in range(1, nlags + 1)])


def ljung_box(e, lags: Optional[int] = None, model_df: int = 0) -> Tuple[float, float, int]:
    """(Q(k), p, k): Q(k) = n (n + 2) sum_{j=1..k} r_j^2 / (n - j), p from chi2(k - model_df).
    k = default_lags(n) when None; NaN when k < 1, k >= n or k - model_df < 1."""
    e = np.asarray(e, dtype=float)
    n = e.size
    k = default_lags(n) if lags is None else int(lags)
    if k < 1 or k >= n or k - model_df < 1:
        return NAN, NAN, k
    r = autocorrelation(e, k)
    q = float(n * (n + 2) * np.sum(r ** 2 / (n - np.arange(1, k + 1))))
    return q, chi2_sf(q, k - model_df), k


def heteroscedasticity(e, h: Optional[int] = None) -> Tuple[float, float, int]:
    """(H(h), two-sided p, h): H(h) = sum of e_t^2 over the last h / over the first h steps,
    h = round(n / 3) when None, p = 2 min(F_cdf, F_sf) with F(h, h). NaN when h < 2 (as
    statsmodels) or when a given h > n / 2 (the two blocks would overlap)."""
    e = np.asarray(e, dtype=float)
    n = e.size
    h = int(round(n / 3)) if h is None else int(h)
    if h < 2 or 2 * h > n:
        return NAN, NAN, h
    squares = e ** 2
    denominator = float(squares[:h].sum())
    if denominator <= 0.0:
        return NAN, NAN, h
    statistic = float(squares[-h:].sum()) / denominator
    p = 2.0 * min(f_cdf(statistic, h, h), f_sf(statistic, h, h))
    return statistic, min(p, 1.0), h


def moments(e) -> Tuple[float, float, float, float]:
    """(mean, unbiased variance, skewness S = m3 / m2^1.5, kurtosis K = m4 / m2^2)."""
    e = np.asarray(e, dtype=float)
    n = e.size
    if n < 2:
        return (float(e.mean()) if n else NAN), NAN, NAN, NAN
    mean = float(e.mean())
    c = e - mean
    m2 = float(np.mean(c ** 2))
    variance = m2 * n / (n - 1)
    if m2 <= 0.0:
        return mean, variance, NAN, NAN
    return mean, variance, float(np.mean(c ** 3)) / m2 ** 1.5, float(np.mean(c ** 4)) / m2 ** 2


def normality(e) -> Tuple[float, float, float, float]:
    """(N, p, S, K): Bowman-Shenton N = n (S^2 / 6 + (K - 3)^2 / 24), p from chi2(2)."""
    e = np.asarray(e, dtype=float)
    _, _, skewness, kurtosis = moments(e)
    if math.isnan(skewness):
        return NAN, NAN, skewness, kurtosis
    statistic = e.size * (skewness ** 2 / 6.0 + (kurtosis - 3.0) ** 2 / 24.0)
    return statistic, chi2_sf(statistic, 2), skewness, kurtosis


@dataclass
class Diagnostics:
    """Everything the report shows about one component's standardized residuals."""

    component: int
    n: int
    diffuse: int
    missing: int
    invalid: int
    mean: float
    variance: float
    skewness: float
    kurtosis: float
    lags: int
    q: float
    q_p: float
    h: int
    het: float
    het_p: float
    normality: float
    normality_p: float
    acf: np.ndarray = field(default_factory=lambda: np.zeros(0))


def diagnose(residuals: Residuals, lags: Optional[int] = None, model_df: int = 0,
             acf_lags: Optional[int] = None) -> Diagnostics:
    """Q(k), H(h) and N of one component (conventions in the module docstring); acf holds
    r_1..r_m with m = max(k, acf_lags or 0) for the figure."""
    e = residuals.values
    mean, variance, _, _ = moments(e)
    q, q_p, k = ljung_box(e, lags, model_df)
    het, het_p, h = heteroscedasticity(e)
    norm, norm_p, skewness, kurtosis = normality(e)
    acf = autocorrelation(e, max(k, acf_lags or 0))
    return Diagnostics(component=residuals.component, n=int(e.size),
                       diffuse=residuals.diffuse, missing=residuals.missing,
                       invalid=residuals.invalid, mean=mean, variance=variance,
                       skewness=skewness, kurtosis=kurtosis, lags=k, q=q, q_p=q_p, h=h,
                       het=het, het_p=het_p, normality=norm, normality_p=norm_p, acf=acf)
