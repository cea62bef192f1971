"""Tests of the residual diagnostics (analysis/diagnostics.py, the "Residual diagnostics"
section of report.md) and of reading the filtering pass's arrays (analysis/load.py).

* ``SpecialFunctionTest``, ``HandComputedTest``: the p-value functions against closed forms
  (and scipy when it is installed), Q(k), H(h), N and the standardization against small cases
  worked out by hand. They need nothing but numpy.
* ``StatsmodelsRandomTest``, ``NileReportTest``: against statsmodels (skipped without it):
  a random series through acorr_ljungbox / breakvar_heteroskedasticity_test / jarque_bera, and
  the Nile local level model of Durbin & Koopman (variances 15099 and 1469.1, exact diffuse
  start) written into a synthetic kscan file whose report must show statsmodels' numbers.
* ``FilterArraysLoaderTest``: files without the arrays, with wrong-shaped ones, with a
  malformed diffuse_steps, and a two-component series with missing values.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import unittest

import h5py
import numpy as np

from analysis import derive, diagnostics
from analysis.load import load_file, read_filter_pass
from tests.analysis.test_report import read_text, run_report, table_rows, write_root

try:
    import scipy.stats as scipy_stats
except ImportError:  # pragma: no cover - depends on the machine
    scipy_stats = None

try:
    import statsmodels.api as sm
    from statsmodels.stats.diagnostic import acorr_ljungbox
    from statsmodels.stats.stattools import jarque_bera
    from statsmodels.tsa.stattools import breakvar_heteroskedasticity_test
except ImportError:  # pragma: no cover - depends on the machine
    sm = None

NO_STATSMODELS = "statsmodels is not installed (apt-get install python3-statsmodels)"


# --------------------------------------------------------------------------------------------
# A kscan file holding one run's filtering pass

def write_filter_run(handle, run_id, innovation, innovation_cov, loglik_terms=None,
                     loglik=None, dataset="T100", diffuse_steps=None, method="kf",
                     scan="none", precision="float64", extra=None, nx=1, length=None):
    """/runs/<run_id> with estimates/{mean, cov, innovation, innovation_cov, loglik_terms}
    (any of them None: not written; T = length, else that of innovation), /datasets/<dataset>
    with diffuse_steps, and a /summary row (the file looks like a finished sweep)."""
    T = length if length is not None else len(innovation)
    runs = handle.require_group("runs")
    group = runs.create_group(run_id)
    for name, value in (("method", method), ("scan", scan), ("precision", precision),
                        ("dataset", dataset), ("threads_or_device", "Serial x1")):
        group.attrs[name] = value
    group.attrs["length"] = np.int64(T)
    group.attrs["batch"] = np.int64(1)
    group.attrs["median_seconds"] = 1e-3
    if loglik is not None:
        group.attrs["loglik"] = np.float64(loglik)
    group.create_group("timing").create_dataset("total_seconds", data=np.full(3, 1e-3))
    estimates = group.create_group("estimates")
    estimates.create_dataset("mean", data=np.zeros((T, nx)))
    estimates.create_dataset("cov", data=np.ones((T, nx, nx)))
    for name, data in (("innovation", innovation), ("innovation_cov", innovation_cov),
                       ("loglik_terms", loglik_terms)):
        if data is not None:
            estimates.create_dataset(name, data=np.asarray(data, dtype=float))
    for name, data in (extra or {}).items():
        estimates.create_dataset(name, data=data)
    datasets = handle.require_group("datasets")
    if dataset not in datasets:
        dataset_group = datasets.create_group(dataset)
        dataset_group.attrs["length"] = np.int64(T)
        if diffuse_steps is not None:
            dataset_group.attrs["diffuse_steps"] = diffuse_steps
    write_summary_of_runs(handle)
    return group


def write_summary_of_runs(handle):
    """(Re)writes /summary with one row per /runs group."""
    text = h5py.string_dtype()
    dtype = np.dtype([("id", text), ("method", text), ("scan", text), ("precision", text),
                      ("length", np.int64), ("batch", np.int64)])
    rows = [(run_id, g.attrs["method"], g.attrs["scan"], g.attrs["precision"],
             int(g.attrs["length"]), 1) for run_id, g in handle["runs"].items()]
    if "summary" in handle:
        del handle["summary"]
    handle.create_dataset("summary", data=np.array(rows, dtype=dtype))


def nile_filter():
    """statsmodels' local level model of the Nile data, exact diffuse start, DK's variances."""
    nile = sm.datasets.nile.load_pandas().data["volume"]
    model = sm.tsa.UnobservedComponents(nile, "llevel", use_exact_diffuse=True)
    return model.smooth([15099.0, 1469.1])


def residual_rows(md):
    return table_rows(md, "file", "run", "component", "n")


def cell(row, name):
    return float(row[name])


def printed_tolerance(column, value):
    """report.md prints p-values with 3 significant digits, the rest with 4."""
    return (5e-3 if column.startswith("p(") else 5e-4) * abs(value) + 1e-12


# --------------------------------------------------------------------------------------------

class SpecialFunctionTest(unittest.TestCase):
    """The chi-square and F distributions from the incomplete gamma and beta functions."""

    def test_chi2_closed_forms(self):
        for x in (0.0, 0.01, 0.5, 1.0, 3.0, 9.0, 40.0, 200.0):
            self.assertAlmostEqual(diagnostics.chi2_sf(x, 2), math.exp(-x / 2), delta=1e-14)
            self.assertAlmostEqual(diagnostics.chi2_sf(x, 1), math.erfc(math.sqrt(x / 2)),
                                   delta=1e-14)
            self.assertAlmostEqual(diagnostics.chi2_sf(x, 4), math.exp(-x / 2) * (1 + x / 2),
                                   delta=1e-14)
        # relative accuracy in the far tail (the series/fraction switch at x = a + 1)
        x = 150.0
        self.assertAlmostEqual(diagnostics.chi2_sf(x, 4) / (math.exp(-x / 2) * (1 + x / 2)),
                               1.0, delta=1e-12)
        self.assertEqual(diagnostics.chi2_sf(-1.0, 3), 1.0)
        self.assertTrue(math.isnan(diagnostics.chi2_sf(float("nan"), 3)))

    def test_beta_and_f_closed_forms(self):
        for x in (0.0, 0.1, 0.3, 0.5, 0.77, 1.0):
            self.assertAlmostEqual(diagnostics.regularized_beta(x, 1, 1), x, delta=1e-14)
            self.assertAlmostEqual(diagnostics.regularized_beta(x, 3.5, 1), x ** 3.5,
                                   delta=1e-14)
            self.assertAlmostEqual(diagnostics.regularized_beta(x, 2.5, 4.0),
                                   1 - diagnostics.regularized_beta(1 - x, 4.0, 2.5),
                                   delta=1e-14)
        for x in (0.05, 0.8, 1.0, 2.0, 30.0):
            self.assertAlmostEqual(diagnostics.f_cdf(x, 2, 2), x / (1 + x), delta=1e-14)
            self.assertAlmostEqual(diagnostics.f_sf(x, 2, 2), 1 / (1 + x), delta=1e-14)
            self.assertAlmostEqual(diagnostics.f_cdf(x, 7, 12) + diagnostics.f_sf(x, 7, 12),
                                   1.0, delta=1e-14)
        for h in (2, 5, 33, 300):  # F(h, h) is symmetric about 1 in log: cdf(1) = 1/2
            self.assertAlmostEqual(diagnostics.f_cdf(1.0, h, h), 0.5, delta=1e-12)
            self.assertAlmostEqual(diagnostics.f_cdf(0.7, h, h), diagnostics.f_sf(1 / 0.7, h, h),
                                   delta=1e-12)

    @unittest.skipIf(scipy_stats is None, "scipy is not installed")
    def test_against_scipy(self):
        rng = np.random.default_rng(7)
        for _ in range(300):
            df = float(rng.choice([1, 2, 3, 9, 10, 31, 200]))
            x = float(rng.exponential(df))
            self.assertAlmostEqual(diagnostics.chi2_sf(x, df), scipy_stats.chi2.sf(x, df),
                                   delta=1e-12)
            d1, d2 = int(rng.integers(1, 150)), int(rng.integers(1, 150))
            x = float(rng.exponential(1.0))
            self.assertAlmostEqual(diagnostics.f_cdf(x, d1, d2), scipy_stats.f.cdf(x, d1, d2),
                                   delta=1e-12)
            self.assertAlmostEqual(diagnostics.f_sf(x, d1, d2), scipy_stats.f.sf(x, d1, d2),
                                   delta=1e-12)


class HandComputedTest(unittest.TestCase):
    # e = 2, -1, 0, 1, -2, 0: mean 0, sum of squares 10 (n = 6)
    #   r_1 = (2(-1) + (-1)0 + 0(1) + 1(-2) + (-2)0) / 10 = -0.4
    #   r_2 = (2(0) + (-1)(1) + 0(-2) + 1(0)) / 10 = -0.1
    #   Q(2) = 6 * 8 * (0.16 / 5 + 0.01 / 4) = 1.656, p = exp(-1.656 / 2)       (chi2(2))
    #   h = round(6 / 3) = 2: H(2) = (4 + 0) / (4 + 1) = 0.8;
    #   F(2, 2): cdf(0.8) = 0.8 / 1.8 = 4/9, so p = 2 * 4/9 = 8/9
    #   m2 = 10/6, m3 = 0, m4 = 34/6: S = 0, K = (34/6) / (10/6)^2 = 2.04,
    #   N = 6 * (0.96^2 / 24) = 0.2304, p = exp(-0.1152); variance (unbiased) 10/5 = 2
    E = np.array([2.0, -1.0, 0.0, 1.0, -2.0, 0.0])

    def test_ljung_box(self):
        np.testing.assert_allclose(diagnostics.autocorrelation(self.E, 2), [-0.4, -0.1],
                                   atol=1e-15)
        q, p, k = diagnostics.ljung_box(self.E, 2)
        self.assertEqual(k, 2)
        self.assertAlmostEqual(q, 1.656, delta=1e-12)
        self.assertAlmostEqual(p, math.exp(-0.828), delta=1e-12)
        # model_df reduces the degrees of freedom: chi2(1)
        _, p1, _ = diagnostics.ljung_box(self.E, 2, model_df=1)
        self.assertAlmostEqual(p1, math.erfc(math.sqrt(0.828)), delta=1e-12)

    def test_default_lags(self):
        self.assertEqual(diagnostics.default_lags(99), 10)
        self.assertEqual(diagnostics.default_lags(30), 6)
        self.assertEqual(diagnostics.default_lags(6), 1)
        self.assertEqual(diagnostics.default_lags(4), 0)
        self.assertTrue(math.isnan(diagnostics.ljung_box(self.E[:4])[0]))  # k = 0
        self.assertTrue(math.isnan(diagnostics.ljung_box(self.E, 6)[0]))   # k >= n

    def test_heteroscedasticity(self):
        statistic, p, h = diagnostics.heteroscedasticity(self.E)
        self.assertEqual(h, 2)
        self.assertAlmostEqual(statistic, 0.8, delta=1e-15)
        self.assertAlmostEqual(p, 8 / 9, delta=1e-13)
        # h = round(n / 3): 99 -> 33, 100 -> 33, 101 -> 34
        self.assertEqual(diagnostics.heteroscedasticity(np.ones(99))[2], 33)
        self.assertEqual(diagnostics.heteroscedasticity(np.ones(100))[2], 33)
        self.assertEqual(diagnostics.heteroscedasticity(np.ones(101))[2], 34)
        self.assertTrue(math.isnan(diagnostics.heteroscedasticity(self.E[:4])[0]))  # h = 1

    def test_normality_and_moments(self):
        statistic, p, skewness, kurtosis = diagnostics.normality(self.E)
        self.assertAlmostEqual(skewness, 0.0, delta=1e-15)
        self.assertAlmostEqual(kurtosis, 2.04, delta=1e-14)
        self.assertAlmostEqual(statistic, 0.2304, delta=1e-14)
        self.assertAlmostEqual(p, math.exp(-0.1152), delta=1e-14)
        mean, variance, _, _ = diagnostics.moments(self.E)
        self.assertEqual((mean, variance), (0.0, 2.0))
        # a skewed case: e = 0, 0, 0, 3, mean 3/4, deviations -3/4 (three times) and 9/4:
        #   m2 = (3 * 9/16 + 81/16) / 4 = 27/16, m3 = (-3 * 27/64 + 729/64) / 4 = 81/32,
        #   m4 = (3 * 81/256 + 6561/256) / 4 = 1701/256;
        #   S = (81/32) / (27/16)^1.5 = 2 / sqrt(3), K = (1701/256) / (27/16)^2 = 7/3
        _, _, skewness, kurtosis = diagnostics.moments([0.0, 0.0, 0.0, 3.0])
        self.assertAlmostEqual(skewness, 2 / math.sqrt(3), delta=1e-14)
        self.assertAlmostEqual(kurtosis, 7 / 3, delta=1e-14)
        self.assertTrue(math.isnan(diagnostics.normality(np.ones(5))[0]))  # no variance

    def test_standardization_drops_diffuse_and_missing_steps(self):
        nan = float("nan")
        innovation = np.array([[2.0, 1.0], [nan, 4.0], [3.0, nan], [1.0, 2.0], [-6.0, 3.0]])
        variance = np.array([[4.0, 1.0], [1.0, 4.0], [9.0, nan], [1.0, 0.0], [4.0, 9.0]])
        first, second = diagnostics.standardized_residuals(innovation, variance, 1)
        # component 1: step 0 diffuse, step 1 missing; 3/3, 1/1, -6/2
        np.testing.assert_array_equal(first.steps, [2, 3, 4])
        np.testing.assert_array_equal(first.values, [1.0, 1.0, -3.0])
        self.assertEqual((first.diffuse, first.missing, first.invalid), (1, 1, 0))
        # component 2: 4/2, step 2 missing, step 3 variance 0 (invalid), 3/3
        np.testing.assert_array_equal(second.steps, [1, 4])
        np.testing.assert_array_equal(second.values, [2.0, 1.0])
        self.assertEqual((second.diffuse, second.missing, second.invalid), (1, 1, 1))
        # d beyond T leaves nothing; the statistics are then NaN, not an error
        (empty,) = diagnostics.standardized_residuals([1.0, 2.0], [1.0, 1.0], 5)
        self.assertEqual(empty.values.size, 0)
        result = diagnostics.diagnose(empty)
        self.assertEqual(result.n, 0)
        self.assertTrue(math.isnan(result.q) and math.isnan(result.het)
                        and math.isnan(result.normality))


@unittest.skipIf(sm is None, NO_STATSMODELS)
class StatsmodelsRandomTest(unittest.TestCase):
    """Q, H and N of a random series against statsmodels' own functions."""

    def setUp(self):
        rng = np.random.default_rng(2012)
        # a little heteroscedastic and skewed, so that the p-values are not all ~0.5
        self.e = rng.standard_normal(157) * np.linspace(0.8, 1.3, 157) + \
            0.3 * rng.exponential(1.0, 157)

    def test_ljung_box(self):
        for k in (1, 5, 9, 10, 24):
            q, p, _ = diagnostics.ljung_box(self.e, k)
            expected = acorr_ljungbox(self.e, lags=[k], return_df=False)
            self.assertAlmostEqual(q, float(np.ravel(expected[0])[0]), delta=1e-10 * q)
            self.assertAlmostEqual(p, float(np.ravel(expected[1])[0]), delta=1e-12)

    def test_heteroscedasticity(self):
        statistic, p, h = diagnostics.heteroscedasticity(self.e)
        self.assertEqual(h, round(157 / 3))
        expected = breakvar_heteroskedasticity_test(self.e, subset_length=h,
                                                    alternative="two-sided", use_f=True)
        self.assertAlmostEqual(statistic, float(np.ravel(expected[0])[0]), delta=1e-12)
        self.assertAlmostEqual(p, float(np.ravel(expected[1])[0]), delta=1e-12)

    def test_normality(self):
        statistic, p, skewness, kurtosis = diagnostics.normality(self.e)
        jb, jb_p, jb_skew, jb_kurt = jarque_bera(self.e)
        self.assertAlmostEqual(statistic, jb, delta=1e-10 * jb)
        self.assertAlmostEqual(p, jb_p, delta=1e-12)
        self.assertAlmostEqual(skewness, jb_skew, delta=1e-12)
        self.assertAlmostEqual(kurtosis, jb_kurt, delta=1e-12)


@unittest.skipIf(sm is None, NO_STATSMODELS)
class NileReportTest(unittest.TestCase):
    """Durbin & Koopman's Nile example: the report's diagnostics are statsmodels' numbers.

    statsmodels drops the first d = max(loglikelihood_burn, nobs_diffuse) = 1 residual (exact
    diffuse start, no burn-in), as the report does with diffuse_steps = nobs_diffuse; its
    test_heteroskedasticity uses h = round((nobs - d) / 3) = 33, the report's h = round(n / 3)
    for the n = 99 residuals left. DK (2012, section 2.12) report Q(9) = 8.84, H(33) = 0.61,
    N = 0.05."""

    @classmethod
    def setUpClass(cls):
        cls.res = nile_filter()
        cls.workdir = tempfile.mkdtemp(prefix="kscan-diagnostics-nile-")
        cls.path = os.path.join(cls.workdir, "nile.h5")
        res = cls.res
        T = res.nobs
        with h5py.File(cls.path, "w") as handle:
            write_root(handle, "Serial")
            group = write_filter_run(
                handle, "kf-none-float64-T100-B1", res.forecasts_error.T,
                np.transpose(res.forecasts_error_cov, (2, 0, 1)), res.llf_obs, res.llf,
                dataset="T100", diffuse_steps=np.int64(res.nobs_diffuse),
                extra={"predicted_mean": res.predicted_state[:, :T].T,
                       "predicted_cov": np.transpose(res.predicted_state_cov[:, :, :T],
                                                     (2, 0, 1))})
            group.parent.copy(group, "pkf-blelloch-float64-T100-B1")
            group.parent["pkf-blelloch-float64-T100-B1"].attrs["method"] = "pkf"
            group.parent["pkf-blelloch-float64-T100-B1"].attrs["scan"] = "blelloch"
            write_summary_of_runs(handle)
        cls.out = os.path.join(cls.workdir, "report")
        cls.code, cls.stdout, cls.stderr = run_report([cls.path], cls.out,
                                                      "--ljung-box-lags", "9")
        cls.md = read_text(os.path.join(cls.out, "report.md")) if cls.code == 0 else ""

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def expected(self):
        q = self.res.test_serial_correlation("ljungbox", lags=9)[0]  # [2, lags]
        het = self.res.test_heteroskedasticity("breakvar", alternative="two-sided", use_f=True)
        norm = self.res.test_normality("jarquebera")[0]
        return {"q": q[0, -1], "q_p": q[1, -1], "het": het[0, 0], "het_p": het[0, 1],
                "normality": norm[0], "normality_p": norm[1]}

    def test_statsmodels_drops_one_diffuse_step(self):
        self.assertEqual(self.res.nobs_diffuse, 1)
        self.assertEqual(max(self.res.loglikelihood_burn, self.res.nobs_diffuse), 1)

    def test_loader_reads_the_filter_pass(self):
        result = load_file(self.path)
        self.assertEqual(result.warnings, [])
        run = next(r for r in result.runs if r.method == "kf")
        self.assertEqual(run.diffuse_steps, 1)
        self.assertEqual(run.filter_arrays, {"innovation": (100, 1),
                                             "innovation_cov": (100, 1, 1),
                                             "loglik_terms": (100,),
                                             "predicted_mean": (100, 1),
                                             "predicted_cov": (100, 1, 1)})
        data = read_filter_pass(self.path, run, full_cov=True, predicted=True)
        np.testing.assert_array_equal(data.innovation[:, 0], self.res.forecasts_error[0])
        np.testing.assert_array_equal(data.innovation_variance[:, 0],
                                      self.res.forecasts_error_cov[0, 0])
        np.testing.assert_array_equal(data.predicted_mean[:, 0],
                                      self.res.predicted_state[0, :100])
        self.assertEqual(data.innovation_cov.shape, (100, 1, 1))
        self.assertAlmostEqual(float(data.loglik_terms.sum()), self.res.llf, delta=1e-9)

    def test_diagnostics_equal_statsmodels(self):
        entries = derive.residual_entries([load_file(self.path)], lags=9)
        self.assertEqual(len(entries), 2)
        expected = self.expected()
        for entry in entries:
            (d,) = entry.diagnostics
            self.assertEqual((d.n, d.diffuse, d.missing, d.lags, d.h), (99, 1, 0, 9, 33))
            for name, value in expected.items():
                self.assertAlmostEqual(getattr(d, name), value, delta=1e-9 * max(1, abs(value)),
                                       msg=name)
            # the standardized residuals are statsmodels' after its d = 1 dropped steps
            if entry.residuals is not None:
                np.testing.assert_allclose(entry.residuals[0].values,
                                           self.res.standardized_forecasts_error[0, 1:],
                                           rtol=1e-12)
            self.assertAlmostEqual(entry.loglik, self.res.llf, delta=1e-9)
        # Durbin & Koopman's rounded values
        d = entries[0].diagnostics[0]
        self.assertAlmostEqual(d.q, 8.84, delta=0.005)
        self.assertAlmostEqual(d.het, 0.61, delta=0.005)
        self.assertAlmostEqual(d.normality, 0.05, delta=0.005)

    def test_default_lags_for_nile(self):
        (entry, _) = derive.residual_entries([load_file(self.path)])
        d = entry.diagnostics[0]
        self.assertEqual(d.lags, 10)  # min(10, 99 // 5)
        q = self.res.test_serial_correlation("ljungbox")[0]  # statsmodels' default: the same
        self.assertEqual(q.shape[1], 10)
        self.assertAlmostEqual(d.q, q[0, -1], delta=1e-9)

    def test_report_table(self):
        self.assertEqual(self.code, 0, self.stderr)
        self.assertNotIn("warning", self.stderr)
        self.assertIn("## Residual diagnostics", self.md)
        rows = residual_rows(self.md)
        self.assertEqual({r["run"] for r in rows},
                         {"kf-none-float64-T100-B1", "pkf-blelloch-float64-T100-B1"})
        expected = self.expected()
        for row in rows:
            self.assertEqual((row["component"], row["n"], row["diffuse"], row["missing"],
                              row["k"], row["h"]), ("1/1", "99", "1", "0", "9", "33"))
            for column, name in (("Q(k)", "q"), ("p(Q)", "q_p"), ("H(h)", "het"),
                                 ("p(H)", "het_p"), ("N", "normality"),
                                 ("p(N)", "normality_p")):
                self.assertAlmostEqual(cell(row, column), expected[name],
                                       delta=printed_tolerance(column, expected[name]),
                                       msg=column)
            self.assertAlmostEqual(cell(row, "loglik"), self.res.llf, delta=1e-6)

    def test_residual_figure(self):
        self.assertIn("![Standardized residuals](residuals.png)", self.md)
        self.assertGreater(os.path.getsize(os.path.join(self.out, "residuals.png")), 5000)


class FilterArraysLoaderTest(unittest.TestCase):
    """The arrays are optional; a malformed one is a warning and is ignored."""

    T = 40

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="kscan-diagnostics-load-")
        self.path = os.path.join(self.workdir, "f.h5")
        rng = np.random.default_rng(3)
        self.v = rng.standard_normal((self.T, 1)) * 2.0
        self.f = np.full((self.T, 1, 1), 4.0)

    def tearDown(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    def report(self, *extra):
        out = os.path.join(self.workdir, "out")
        code, _, stderr = run_report([self.path], out, *extra)
        self.assertEqual(code, 0, stderr)
        self.assertNotIn("Traceback", stderr)
        return read_text(os.path.join(out, "report.md")), stderr

    def test_runs_without_filter_arrays(self):
        with h5py.File(self.path, "w") as handle:
            write_root(handle, "Serial")
            write_filter_run(handle, "kf-none-float64-T40-B1", None, None,  # mean/cov only
                             length=self.T)
        result = load_file(self.path)
        self.assertEqual(result.runs[0].filter_arrays, {})
        self.assertFalse(result.runs[0].has_residuals)
        self.assertFalse(any("estimates" in w for w in result.warnings))
        md, stderr = self.report()
        self.assertIn("No run stores its filtering pass", md)
        self.assertEqual(residual_rows(md), [])
        self.assertNotIn("residuals.png", md)

    def test_wrong_shapes_are_warnings(self):
        with h5py.File(self.path, "w") as handle:
            write_root(handle, "Serial")
            # innovation one step too long: no diagnostics for this run
            write_filter_run(handle, "kf-none-float64-T40-B1", np.zeros((self.T + 1, 1)),
                             self.f, dataset="T40", length=self.T)
            # only loglik_terms wrong ([T, 1]): diagnostics still made, the loglik attribute
            write_filter_run(handle, "kf-none-float32-T40-B1", self.v, self.f,
                             np.zeros((self.T, 1)), loglik=-7.5, dataset="T40",
                             precision="float32")
            # innovation_cov not square, and a text dataset where predicted_mean should be
            write_filter_run(handle, "pkf-blelloch-float64-T40-B1", self.v,
                             np.ones((self.T, 1, 2)), dataset="T40", method="pkf",
                             scan="blelloch",
                             extra={"predicted_mean": np.array([b"x"] * self.T)})
        result = load_file(self.path)
        runs = {r.run_id: r for r in result.runs}
        self.assertEqual(runs["kf-none-float64-T40-B1"].filter_arrays,
                         {"innovation_cov": (self.T, 1, 1)})
        self.assertEqual(runs["kf-none-float32-T40-B1"].filter_arrays,
                         {"innovation": (self.T, 1), "innovation_cov": (self.T, 1, 1)})
        self.assertEqual(runs["pkf-blelloch-float64-T40-B1"].filter_arrays,
                         {"innovation": (self.T, 1)})
        text = "\n".join(result.warnings)
        for fragment in ("malformed estimates/innovation (shape [41, 1] where [T, ny]",
                         "malformed estimates/loglik_terms (shape [40, 1] where [T]",
                         "malformed estimates/innovation_cov (shape [40, 1, 2]",
                         "malformed estimates/predicted_mean (not a numeric dataset",
                         "innovations without a usable innovation_cov"):
            self.assertIn(fragment, text)
        md, stderr = self.report()
        self.assertIn("malformed estimates/innovation", stderr)
        rows = residual_rows(md)
        self.assertEqual([r["run"] for r in rows], ["kf-none-float32-T40-B1"])
        self.assertEqual(rows[0]["n"], str(self.T))
        self.assertEqual(cell(rows[0], "loglik"), -7.5)
        expected = diagnostics.diagnose(
            diagnostics.standardized_residuals(self.v, self.f[:, :, 0])[0])
        self.assertAlmostEqual(cell(rows[0], "variance"), expected.variance,
                               delta=1e-3 * expected.variance)

    def test_malformed_diffuse_steps(self):
        with h5py.File(self.path, "w") as handle:
            write_root(handle, "Serial")
            write_filter_run(handle, "kf-none-float64-T40-B1", self.v, self.f,
                             diffuse_steps=np.int64(-2))
        result = load_file(self.path)
        self.assertIsNone(result.runs[0].diffuse_steps)
        self.assertIn("malformed diffuse_steps", "\n".join(result.warnings))
        md, _ = self.report()
        self.assertEqual(residual_rows(md), [])

    def test_loglik_terms_that_do_not_add_up(self):
        with h5py.File(self.path, "w") as handle:
            write_root(handle, "Serial")
            write_filter_run(handle, "kf-none-float64-T40-B1", self.v, self.f,
                             np.full(self.T, -1.0), loglik=-41.0)
        md, stderr = self.report()
        self.assertIn("loglik_terms sum to -40, the loglik attribute is -41", stderr)
        # without the attribute the sum is shown
        with h5py.File(self.path, "a") as handle:
            del handle["runs/kf-none-float64-T40-B1"].attrs["loglik"]
        md, stderr = self.report()
        self.assertEqual(cell(residual_rows(md)[0], "loglik"), -40.0)

    def test_two_components_with_missing_values(self):
        """ny = 2: each component standardized by its own variance, missing steps dropped
        per component, d = 2 diffuse steps dropped from both."""
        T, nan = 60, float("nan")
        rng = np.random.default_rng(11)
        v = rng.standard_normal((T, 2)) * [1.0, 3.0]
        cov = np.zeros((T, 2, 2))
        cov[:, 0, 0], cov[:, 1, 1], cov[:, 0, 1], cov[:, 1, 0] = 1.0, 9.0, 0.5, 0.5
        v[[5, 17, 30], 0] = nan            # component 1 missing at 3 steps
        cov[[5, 17, 30], 0, :] = nan
        cov[[5, 17, 30], :, 0] = nan
        v[[8, 9], 1] = nan                 # component 2 at 2
        cov[[8, 9], 1, :] = nan
        cov[[8, 9], :, 1] = nan
        with h5py.File(self.path, "w") as handle:
            write_root(handle, "Serial")
            write_filter_run(handle, "kf-none-float64-T60-B1", v, cov, dataset="T60",
                             diffuse_steps=np.int32(2), nx=2)
        md, stderr = self.report("--ljung-box-lags", "4")
        self.assertNotIn("warning", stderr)
        rows = residual_rows(md)
        self.assertEqual([(r["component"], r["n"], r["diffuse"], r["missing"], r["k"], r["h"])
                          for r in rows],
                         [("1/2", "55", "2", "3", "4", "18"), ("2/2", "56", "2", "2", "4", "19")])
        for j, row in enumerate(rows):
            keep = np.isfinite(v[2:, j])
            e = v[2:, j][keep] / math.sqrt(cov[0, j, j])
            q, q_p, _ = diagnostics.ljung_box(e, 4)
            het, het_p, _ = diagnostics.heteroscedasticity(e)
            norm, norm_p, _, _ = diagnostics.normality(e)
            for column, value in (("Q(k)", q), ("p(Q)", q_p), ("H(h)", het), ("p(H)", het_p),
                                  ("N", norm), ("p(N)", norm_p), ("mean", e.mean())):
                self.assertAlmostEqual(cell(row, column), value,
                                       delta=printed_tolerance(column, value), msg=(j, column))


if __name__ == "__main__":
    unittest.main()
