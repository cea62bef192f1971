"""Tests of `python3 -m analysis.scaling` (strong scaling from one file per thread count).

Run from the repository root with Debian's interpreter:

    /usr/bin/python3 -m unittest tests.analysis.test_scaling
    KSCAN_BINARY=build/openmp/apps/kscan/kscan OMP_PROC_BIND=false \\
        /usr/bin/python3 -m unittest tests.analysis.test_scaling

``SyntheticScalingTest`` writes three small files in kscan's layout (1, 2 and 4 threads) whose
repetition times were chosen so that every median, speedup and efficiency below is worked out by
hand. ``KscanScalingTest`` (needs KSCAN_BINARY, skipped without it) runs a tiny deck at 1 and 2
threads and checks the tables against the repetitions in the files, read here with h5py, and the
prediction against kscan's own operation-count runs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

from analysis import scaling
from analysis.load import load_files
from tests.analysis.test_report_kscan import KSCAN_BINARY, SKIP_REASON

PHASE_NAMES = ("elements", "forward_scan", "backward_scan", "combine", "copy")

# Repetition times (seconds) of the synthetic files: {threads: {method: {timing: reps}}}.
# Medians: pkf total 4.0, 2.5, 1.6; pkf elements 1.0, 0.5, 0.4; pkf forward_scan 2.0, 1.6, 1.0;
# kf total 2.0 at every count (a sequential method does not scale).
REPETITIONS = {
    1: {"kf": {"total": [2.2, 2.0, 1.8], "forward_scan": [2.2, 2.0, 1.8]},
        "pkf": {"total": [4.0, 3.0, 5.0], "elements": [1.2, 1.0, 0.8],
                "forward_scan": [2.0, 2.1, 1.9]}},
    2: {"kf": {"total": [2.0, 2.0, 2.0], "forward_scan": [2.0, 2.0, 2.0]},
        "pkf": {"total": [2.5, 2.0, 9.0], "elements": [0.5, 0.6, 0.4],
                "forward_scan": [1.6, 1.7, 1.5]}},
    4: {"kf": {"total": [2.0, 2.1, 1.9], "forward_scan": [2.0, 2.1, 1.9]},
        "pkf": {"total": [1.6, 1.0, 1.6], "elements": [0.4, 0.4, 0.3],
                "forward_scan": [1.0, 0.9, 1.1]}},
}
LENGTH = 1024
PKF = ("pkf", "standard", "blocked", "float64", LENGTH, 1)
KF = ("kf", "standard", "none", "float64", LENGTH, 1)


def write_synthetic_file(path, threads, runs=None):
    """One kscan-format file of runs timed on `threads` OpenMP threads (only what load.py
    reads): the root attributes, /runs/<id> with its identity and timing/<name>_seconds."""
    runs = REPETITIONS[threads] if runs is None else runs
    with h5py.File(path, "w") as f:
        f.attrs["format_version"] = 1
        f.attrs["execution_space"] = "OpenMP"
        f.attrs["concurrency"] = threads
        f.attrs["deck"] = "experiment: {name: synthetic}\n"
        for method, timings in runs.items():
            scan = "none" if method == "kf" else "blocked"
            group = f.create_group(f"runs/{method}-{scan}-float64-T{LENGTH}-B1")
            group.attrs.update(method=method, scan=scan, precision="float64", length=LENGTH,
                               batch=1, dataset=f"T{LENGTH}",
                               threads_or_device=f"OpenMP x{threads}")
            reps = len(timings["total"])
            for name in ("total",) + PHASE_NAMES:
                group[f"timing/{name}_seconds"] = np.asarray(timings.get(name, [0.0] * reps))
    return path


def run_main(*argv):
    """analysis.scaling's main as the command line runs it: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = scaling.main(list(argv))
    return code, out.getvalue(), err.getvalue()


class SyntheticScalingTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.TemporaryDirectory()
        self.paths = [write_synthetic_file(os.path.join(self.workdir.name, f"s-t{t}.h5"), t)
                      for t in (4, 1, 2)]  # out of order: the tables sort by thread count
        self.study = scaling.collect(load_files(self.paths))

    def tearDown(self):
        self.workdir.cleanup()

    def test_thread_counts_come_from_the_runs(self):
        self.assertEqual(sorted(self.study.series), sorted([KF, PKF]))
        self.assertEqual(sorted(self.study.series[PKF]), [1, 2, 4])

    def test_speedup_and_efficiency(self):
        rows = scaling.scaling_rows(self.study.series[PKF])
        self.assertEqual([row.threads for row in rows], [1, 2, 4])
        for row, seconds, speedup, efficiency in zip(rows, [4.0, 2.5, 1.6], [1.0, 1.6, 2.5],
                                                     [1.0, 0.8, 0.625]):
            self.assertAlmostEqual(row.seconds, seconds)
            self.assertAlmostEqual(row.speedup, speedup)
            self.assertAlmostEqual(row.efficiency, efficiency)
            self.assertIsNone(row.predicted_speedup)

    def test_phase_speedups(self):
        rows = scaling.scaling_rows(self.study.series[PKF])
        self.assertAlmostEqual(rows[1].phase_seconds["elements"], 0.5)
        self.assertAlmostEqual(rows[1].phase_speedups["elements"], 2.0)   # 1.0 / 0.5
        self.assertAlmostEqual(rows[2].phase_speedups["elements"], 2.5)   # 1.0 / 0.4
        self.assertAlmostEqual(rows[1].phase_speedups["forward_scan"], 1.25)  # 2.0 / 1.6
        self.assertAlmostEqual(rows[2].phase_speedups["forward_scan"], 2.0)   # 2.0 / 1.0
        # phases a method does not have are stored as 0: no speedup, and not shown
        self.assertIsNone(rows[1].phase_speedups["combine"])
        self.assertEqual(scaling.phases_shown(rows), ["elements", "forward_scan"])

    def test_sequential_method_is_flat(self):
        rows = scaling.scaling_rows(self.study.series[KF])
        self.assertAlmostEqual(rows[2].speedup, 1.0)
        self.assertAlmostEqual(rows[2].efficiency, 0.25)

    def test_work_overhead(self):
        (overhead,) = scaling.work_overheads(self.study)
        self.assertEqual((overhead.parallel, overhead.reference), (PKF, KF))
        self.assertAlmostEqual(overhead.measured, 2.0)  # 4.0 / 2.0
        self.assertIsNone(overhead.predicted)

    def test_prediction_columns(self):
        counts = {1: scaling.Prediction(span=100.0, flops=100.0),
                  2: scaling.Prediction(span=80.0, flops=125.0),
                  4: scaling.Prediction(span=40.0, flops=150.0)}
        rows = scaling.scaling_rows(self.study.series[PKF], counts)
        self.assertAlmostEqual(rows[1].predicted_speedup, 1.25)    # 100 / 80
        self.assertAlmostEqual(rows[1].predicted_efficiency, 0.625)
        self.assertAlmostEqual(rows[2].predicted_speedup, 2.5)     # 100 / 40
        self.assertAlmostEqual(rows[2].predicted_work, 1.5)        # 150 / 100

    def test_command_line_tables_and_csv(self):
        out_csv = os.path.join(self.workdir.name, "scaling.csv")
        code, out, err = run_main(*self.paths, "--csv", out_csv)
        self.assertEqual(code, 0, err)
        self.assertIn("## pkf blocked float64 T = 1024", out)
        self.assertIn("| 4 | 1.6 | 2.5x | 0.625 | 0.4 (2.5x) | 1 (2x) |", out)
        self.assertIn("| pkf blocked float64 T = 1024 | kf | 2x |", out)
        with open(out_csv, newline="", encoding="utf-8") as handle:
            records = {(r["method"], int(r["threads"])): r for r in csv.DictReader(handle)}
        self.assertEqual(len(records), 6)
        self.assertAlmostEqual(float(records[("pkf", 2)]["speedup"]), 1.6)
        self.assertAlmostEqual(float(records[("pkf", 2)]["efficiency"]), 0.8)
        self.assertAlmostEqual(float(records[("pkf", 4)]["elements_speedup"]), 2.5)
        self.assertEqual(records[("pkf", 4)]["predicted_speedup"], "")

    def test_no_one_thread_run_gives_no_speedups(self):
        code, out, err = run_main(self.paths[0], self.paths[2])  # 4 and 2 threads
        self.assertEqual(code, 0, err)
        self.assertIn("no 1-thread run", err)
        self.assertIn("| 2 | 2.5 | n/a | n/a |", out)

    def test_two_files_at_one_thread_count_are_refused(self):
        again = write_synthetic_file(os.path.join(self.workdir.name, "again-t2.h5"), 2)
        code, _, err = run_main(*self.paths, again)
        self.assertEqual(code, 2)
        self.assertIn("at 2 threads is also in", err)

    def test_thread_count_of_runs_without_the_attribute_is_the_concurrency(self):
        with h5py.File(self.paths[0], "a") as f:  # the 4-thread file
            for group in f["runs"].values():
                del group.attrs["threads_or_device"]
        study = scaling.collect(load_files(self.paths))
        self.assertEqual(sorted(study.series[PKF]), [1, 2, 4])

    def test_device_run_is_refused(self):
        with h5py.File(self.paths[0], "a") as f:
            f[f"runs/pkf-blocked-float64-T{LENGTH}-B1"].attrs["threads_or_device"] = "NVIDIA H200"
        code, _, err = run_main(*self.paths)
        self.assertEqual(code, 2)
        self.assertIn("names no host thread count", err)

    def test_operation_count_file_is_refused(self):
        path = os.path.join(self.workdir.name, "opcount.h5")
        write_synthetic_file(path, 1, {"pkf": {"total": []}})
        with h5py.File(path, "a") as f:
            group = f[f"runs/pkf-blocked-float64-T{LENGTH}-B1"]
            group.attrs.update(flops_span=10.0, threads_or_device="simulated x4")
        code, _, err = run_main(path)
        self.assertEqual(code, 2)
        self.assertIn("no timed run", err)


TINY_DECK = """\
experiment: {name: scaling-test, seed: 1}
model: {kind: random, state_dim: 4, obs_dim: 2, time_varying: true}
data: {lengths: [2048]}
runs: {methods: [kf, pkf, ptfs], scans: [blocked], precision: [float64], warmup: 0,
       repetitions: 3}
output: {estimates: none, summary: []}
"""


@unittest.skipUnless(KSCAN_BINARY, SKIP_REASON)
class KscanScalingTest(unittest.TestCase):
    """The tiny deck at 1 and 2 threads (a few milliseconds each), and its prediction."""

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.TemporaryDirectory()
        cls.deck = os.path.join(cls.workdir.name, "deck.yaml")
        with open(cls.deck, "w", encoding="utf-8") as handle:
            handle.write(TINY_DECK)
        # OMP_NUM_THREADS sets Kokkos' OpenMP thread count in every Kokkos version (the flag's
        # spelling changed in 3.7); the analysis reads the count back from the files.
        cls.paths = {threads: cls.kscan(f"t{threads}.h5", threads=threads) for threads in (1, 2)}
        cls.simulated = {p: cls.kscan(f"p{p}.h5", "--set", f"runs.simulate_threads={p}")
                         for p in (1, 2)}

    @classmethod
    def tearDownClass(cls):
        cls.workdir.cleanup()

    @classmethod
    def kscan(cls, name, *options, threads=1):
        out = os.path.join(cls.workdir.name, name)
        subprocess.run([KSCAN_BINARY, "run", cls.deck, "-o", out, "--quiet", *options],
                       check=True, capture_output=True, timeout=120,
                       env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
        return out

    @staticmethod
    def medians(path, attr=None):
        """{method: median total seconds} from the repetitions, or {method: attribute}."""
        with h5py.File(path, "r") as f:
            return {g.attrs["method"]: (g.attrs[attr] if attr else
                                        float(np.median(g["timing/total_seconds"][()])))
                    for g in f["runs"].values()}

    def test_measured_speedup_from_the_repetitions(self):
        one, two = self.medians(self.paths[1]), self.medians(self.paths[2])
        study = scaling.collect(load_files([self.paths[2], self.paths[1]]))
        for method in ("kf", "pkf", "ptfs"):
            key = next(k for k in study.series if k[0] == method)
            self.assertEqual(sorted(study.series[key]), [1, 2])
            rows = scaling.scaling_rows(study.series[key])
            self.assertAlmostEqual(rows[1].seconds, two[method], places=12)
            self.assertAlmostEqual(rows[1].speedup, one[method] / two[method], places=9)
            self.assertAlmostEqual(rows[1].efficiency, one[method] / two[method] / 2, places=9)
        # ptfs's reference, tfs, was not run: only pkf has an overhead row
        (overhead,) = scaling.work_overheads(study)
        self.assertEqual(overhead.parallel[0], "pkf")
        self.assertAlmostEqual(overhead.measured, one["pkf"] / one["kf"], places=9)

    def test_prediction_is_kscan_operation_count(self):
        study = scaling.collect(load_files([self.paths[1], self.paths[2]]))
        predictions = scaling.predict(KSCAN_BINARY, study)
        span = {p: self.medians(self.simulated[p], "flops_span") for p in (1, 2)}
        flops = {p: self.medians(self.simulated[p], "flops") for p in (1, 2)}
        for key in study.series:
            method = key[0]
            rows = scaling.scaling_rows(study.series[key], predictions[key])
            self.assertAlmostEqual(rows[1].predicted_speedup, span[1][method] / span[2][method])
            self.assertAlmostEqual(rows[1].predicted_work, flops[2][method] / flops[1][method])
        # a sequential method's critical path is its whole work, at any thread count
        self.assertEqual(span[2]["kf"], span[1]["kf"])
        # the blocked scan for two workers does more combines than one pass; the filter's path
        # still shortens (its elements and innovations are split over the two threads)
        self.assertGreater(flops[2]["pkf"], flops[1]["pkf"])
        self.assertLess(span[2]["pkf"], span[1]["pkf"])

    def test_deck_prediction_without_files(self):
        out_csv = os.path.join(self.workdir.name, "predicted.csv")
        code, out, err = run_main("--deck", self.deck, "--predict", KSCAN_BINARY,
                                  "--threads", "2", "--csv", out_csv)
        self.assertEqual(code, 0, err)
        self.assertIn("## predicted, blocked float64 T = 2048", out)
        span = {p: self.medians(self.simulated[p], "flops_span") for p in (1, 2)}
        with open(out_csv, newline="", encoding="utf-8") as handle:
            records = {(r["method"], int(r["threads"])): r for r in csv.DictReader(handle)}
        self.assertEqual(sorted(records), [(m, p) for m in ("kf", "pkf", "ptfs") for p in (1, 2)])
        for method in ("kf", "pkf", "ptfs"):
            self.assertAlmostEqual(float(records[(method, 2)]["predicted_speedup"]),
                                   span[1][method] / span[2][method])
            self.assertEqual(records[(method, 2)]["median_seconds"], "")
