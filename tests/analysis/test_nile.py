"""kscan on real data against an independent implementation: statsmodels (Debian's
python3-statsmodels) on Durbin & Koopman's Nile examples and a local linear trend.

kscan runs the shipped decks inputs/examples/nile.yaml and nile-missing.yaml (the CSV series, an
inline local level model with an exact diffuse initial level), and an inline local linear trend
with both components diffuse (two diffuse steps); every method and precision is compared with
statsmodels' exact diffuse Kalman filter and smoother (``use_exact_diffuse=True``): filtered,
predicted and smoothed states and variances, one-step prediction errors and their variances,
per-observation log-likelihoods and the total. float64 must agree to 1e-9 relative, float32 to
what single precision gives on flows of ~1000 with variances of ~1e4 (2e-3 relative).

statsmodels reports the diffuse period like Durbin & Koopman: the finite part (P*, F*) of the
infinite variances; kscan stores the same (docs in src/kscan/solver/impl/diffuse_start.hpp).

The binary is KSCAN_BINARY (ctest sets it); without it, or without statsmodels, the tests skip.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import unittest
import warnings

import h5py
import numpy as np

from analysis import diagnostics

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import statsmodels.api as sm
except ImportError:  # pragma: no cover - the install script provides it
    sm = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KSCAN_BINARY = os.path.abspath(os.environ["KSCAN_BINARY"]) if os.environ.get("KSCAN_BINARY") \
    else ""

SIGMA2_EPS, SIGMA2_ETA = 15099.0, 1469.1
TOLERANCE = {"float64": 1e-9, "float32": 2e-3}


def nile_series(path):
    """The flows of a CSV in inputs/data (NaN where a cell is empty)."""
    with open(path) as f:
        header = f.readline().strip().split(",")
        rows = [line.rstrip("\n").split(",") for line in f if line.strip()]
    column = header.index("flow")
    return np.array([float(r[column]) if r[column].strip() else np.nan for r in rows])


def statsmodels_results(y, trend, params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.tsa.UnobservedComponents(y, trend, use_exact_diffuse=True)
        return model.smooth(params)


def run_kscan(deck, workdir, output):
    done = subprocess.run([KSCAN_BINARY, "run", deck, "--quiet", "-o", output], cwd=workdir,
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, OMP_PROC_BIND="false"))
    if done.returncode != 0:
        raise AssertionError(f"kscan run {deck} failed ({done.returncode}):\n{done.stderr}")
    return output


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def relative(a, b):
    """max |a - b| / max(1, max |b|) over the entries where b is not NaN; NaN must match."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return np.inf
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return np.inf
    keep = ~np.isnan(b)
    if not keep.any():
        return 0.0
    return float(np.max(np.abs(a[keep] - b[keep])) / max(1.0, np.max(np.abs(b[keep]))))


@unittest.skipUnless(KSCAN_BINARY, "KSCAN_BINARY is not set: these tests run the kscan binary")
@unittest.skipUnless(sm is not None, "statsmodels is missing (apt-get install python3-statsmodels)")
class AgainstStatsmodels(unittest.TestCase):
    def check_file(self, path, res, nx):
        """Every run in a kscan file against statsmodels' results `res`."""
        T = res.nobs
        # statsmodels: state arrays are [nx, T], covariances [nx, nx, T]; predicted has T + 1.
        filtered = res.filtered_state.T
        filtered_cov = np.moveaxis(res.filtered_state_cov, -1, 0)
        smoothed = res.smoothed_state.T
        smoothed_cov = np.moveaxis(res.smoothed_state_cov, -1, 0)
        predicted = res.predicted_state.T[:T]
        predicted_cov = np.moveaxis(res.predicted_state_cov, -1, 0)[:T]
        # missing observations: statsmodels' forecast error is NaN, its variance is not
        innovation = res.forecasts_error.T
        innovation_cov = np.moveaxis(res.forecasts_error_cov, -1, 0).copy()
        innovation_cov[np.isnan(innovation[:, 0])] = np.nan
        with h5py.File(path, "r") as f:
            self.assertGreater(len(f["runs"]), 0)
            for run_id, run in f["runs"].items():
                method, precision = text(run.attrs["method"]), text(run.attrs["precision"])
                tol = TOLERANCE[precision]
                e = run["estimates"]
                smoother = method not in ("kf", "pkf")
                with self.subTest(run=run_id):
                    mean = smoothed if smoother else filtered
                    cov = smoothed_cov if smoother else filtered_cov
                    self.assertLess(relative(e["mean"][()], mean), tol, "mean")
                    self.assertLess(relative(e["cov"][()], cov), tol, "cov")
                    self.assertLess(relative(e["predicted_mean"][()], predicted), tol)
                    self.assertLess(relative(e["predicted_cov"][()], predicted_cov), tol)
                    self.assertLess(relative(e["innovation"][()], innovation), tol)
                    self.assertLess(relative(e["innovation_cov"][()], innovation_cov), tol)
                    self.assertLess(relative(e["loglik_terms"][()], res.llf_obs), tol)
                    self.assertLess(relative(run.attrs["loglik"], res.llf), tol)
                    self.assertEqual(e["mean"].shape, (T, nx))

    def test_nile(self):
        y = nile_series(os.path.join(ROOT, "inputs", "data", "nile.csv"))
        self.assertEqual(len(y), 100)
        res = statsmodels_results(y, "llevel", [SIGMA2_EPS, SIGMA2_ETA])
        # Durbin & Koopman's figure for this model, as statsmodels computes it
        self.assertAlmostEqual(res.llf, -633.4646, places=3)
        with tempfile.TemporaryDirectory() as tmp:
            out = run_kscan(os.path.join(ROOT, "inputs", "examples", "nile.yaml"), tmp,
                            os.path.join(tmp, "nile.h5"))
            self.check_file(out, res, 1)
            with h5py.File(out, "r") as f:
                # the dataset keeps its own name, and the diffuse start is recorded
                self.assertIn("nile", f["datasets"])
                self.assertEqual(int(f["datasets/nile"].attrs["diffuse_steps"]), 1)
                # the textbook's residual diagnostics (D&K section 2.12: Q(9) = 8.84,
                # H(33) = 0.61, N = 0.05) from kscan's innovations, as the report computes them
                run = f["runs/ptfs-blocked-float64-T100-B1-nile/estimates"]
                innovation_variance = np.diagonal(run["innovation_cov"][()], axis1=1, axis2=2)
                residuals = diagnostics.standardized_residuals(run["innovation"][()],
                                                               innovation_variance, 1)[0]
                found = diagnostics.diagnose(residuals, lags=9)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = res.test_serial_correlation("ljungbox", lags=9)[0, 0, -1]
            het = res.test_heteroskedasticity(None)[0, 0]
            normal = res.test_normality("jarquebera")[0, 0]
        self.assertAlmostEqual(found.q, q, delta=1e-9 * q)
        self.assertAlmostEqual(found.het, het, delta=1e-9 * het)
        self.assertAlmostEqual(found.normality, normal, delta=1e-9 * normal)
        self.assertAlmostEqual(found.q, 8.84, places=2)

    def test_nile_with_missing_years(self):
        y = nile_series(os.path.join(ROOT, "inputs", "data", "nile-missing.csv"))
        self.assertEqual(int(np.isnan(y).sum()), 40)  # t = 21..40 and 61..80
        res = statsmodels_results(y, "llevel", [SIGMA2_EPS, SIGMA2_ETA])
        with tempfile.TemporaryDirectory() as tmp:
            out = run_kscan(os.path.join(ROOT, "inputs", "examples", "nile-missing.yaml"), tmp,
                            os.path.join(tmp, "nile-missing.h5"))
            self.check_file(out, res, 1)

    def test_local_linear_trend_two_diffuse_steps(self):
        y = nile_series(os.path.join(ROOT, "inputs", "data", "nile.csv"))
        slope_variance = 10.0
        res = statsmodels_results(y, "lltrend", [SIGMA2_EPS, SIGMA2_ETA, slope_variance])
        self.assertEqual(res.nobs_diffuse, 2)
        data = os.path.join(ROOT, "inputs", "data", "nile.csv")
        with tempfile.TemporaryDirectory() as tmp:
            deck = os.path.join(tmp, "lltrend.yaml")
            with open(deck, "w") as f:
                f.write(f"""\
model:
  kind: lti
  F: [[1, 1], [0, 1]]
  Q: [[{SIGMA2_ETA}, 0], [0, {slope_variance}]]
  H: [[1, 0]]
  R: [[{SIGMA2_EPS}]]
  initial: {{diffuse: true}}
data: {{source: file, file: {data}}}
runs: {{methods: [kf, rts, tfs, pkf, prts, ptfs], scans: [blocked, hillis_steele],
        precision: [float64], warmup: 0, repetitions: 1}}
output: {{estimates: all, diagnostics: [predicted, innovations, loglik_terms], summary: []}}
""")
            out = run_kscan(deck, tmp, os.path.join(tmp, "lltrend.h5"))
            self.check_file(out, res, 2)


if __name__ == "__main__":
    unittest.main()
