"""`python3 -m analysis.report` on files written by the kscan binary itself.

The synthetic files of test_report.py follow design.md's layout as the tests read it; these
tests close the loop: kscan runs a tiny deck, the report reads what kscan wrote, and the numbers
in the report's tables are checked against the numbers in the file (read here with h5py and
formatted as the report formats them: times and parities "%.3e", speedups "%.3g", throughput
"%.4g").

The binary is taken from the environment variable KSCAN_BINARY (ctest `analysis.report` sets it
to the kscan target); without it the tests are skipped. By hand, from the repository root:

    KSCAN_BINARY=build/openmp/apps/kscan/kscan OMP_PROC_BIND=false \
        /usr/bin/python3 -m unittest tests.analysis.test_report_kscan

Both classes subclass ``ReportChecks`` with a kscan-based ``produce`` and so inherit every
generic check (exit 0, every figure a non-empty PNG, sections and tables).
"""

from __future__ import annotations

import os
import re
import subprocess
import unittest

import h5py

from tests.analysis.test_report import (REFERENCE_OF, ReportChecks, first_number, table_rows,
                                        tables_by_precision)

# made absolute: kscan runs in a temporary directory
KSCAN_BINARY = os.path.abspath(os.environ["KSCAN_BINARY"]) if os.environ.get("KSCAN_BINARY") \
    else ""
SKIP_REASON = ("KSCAN_BINARY is not set: these tests run the kscan binary (ctest sets it; by "
               "hand: KSCAN_BINARY=build/openmp/apps/kscan/kscan)")

LENGTHS = [64, 256, 1024]
METHODS = ["kf", "pkf", "rts", "prts"]
SCANS = ["blocked", "ladner_fischer"]
PRECISIONS = ["float32", "float64"]

DECK = """\
experiment: {{name: report-e2e, seed: 1, description: "analysis.report on kscan output"}}
model: {{kind: random, state_dim: 4, obs_dim: 2}}
data: {{lengths: [64, 256, 1024]}}
runs:
  methods: [kf, pkf, rts, prts]
  scans: [blocked, ladner_fischer]
  precision: [float32, float64]
  warmup: 1
  repetitions: 3
output: {{file: {output}, estimates: none, summary: [table]}}
"""


def kokkos_version(binary):
    """(major, minor, patch) of the Kokkos kscan was built with, from `kscan info`."""
    done = subprocess.run([binary, "info"], capture_output=True, text=True, timeout=60)
    match = re.search(r"^Kokkos\s+(\d+)\.(\d+)\.(\d+)", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not match:
        raise AssertionError(f"`{binary} info` failed or names no Kokkos version:\n"
                             f"{done.stdout}{done.stderr}")
    return tuple(int(part) for part in match.groups())


def one_thread_flag(binary):
    """Kokkos' flag for one host thread. Kokkos 3.7 renamed --kokkos-threads to
    --kokkos-num-threads and 4.x dropped the old name; both ignore the other spelling
    silently, so the flag has to match the Kokkos kscan was built with."""
    return "--kokkos-num-threads=1" if kokkos_version(binary) >= (3, 7, 0) \
        else "--kokkos-threads=1"


OPCOUNT_DECK = """\
experiment: {{name: report-opcount, seed: 1}}
model: {{kind: random, state_dim: 4, obs_dim: 2}}
data: {{lengths: [64, 256, 1024]}}
runs: {{methods: [kf, pkf], scans: [hillis_steele, ladner_fischer], precision: [float64],
       simulate_threads: 100}}
output: {{file: {output}, estimates: none, summary: [table]}}
"""


def run_kscan(workdir, name, *extra, deck_text=DECK):
    """Writes the deck into workdir, runs `kscan run` on it into workdir/name; returns the
    path of the result file."""
    if not os.access(KSCAN_BINARY, os.X_OK):
        raise AssertionError(f"KSCAN_BINARY={KSCAN_BINARY!r} is not an executable file")
    output = os.path.join(workdir, name)
    deck = os.path.join(workdir, f"{os.path.splitext(name)[0]}.yaml")
    with open(deck, "w", encoding="utf-8") as handle:
        handle.write(deck_text.format(output=output))
    env = dict(os.environ)
    env.setdefault("OMP_PROC_BIND", "false")
    done = subprocess.run([KSCAN_BINARY, "run", deck, "--quiet", *extra], cwd=workdir,
                          capture_output=True, text=True, timeout=300, env=env)
    if done.returncode != 0 or not os.path.exists(output):
        raise AssertionError(f"kscan run {deck} {' '.join(extra)} exited {done.returncode}:\n"
                             f"{done.stdout}{done.stderr}")
    return output


def read_file(path):
    """What the test needs of a kscan file, read with h5py: the root attributes and the runs,
    keyed by (method, scan, precision, length) from each run's attributes."""
    def text(value):
        return value.decode() if isinstance(value, bytes) else str(value)
    with h5py.File(path, "r") as handle:
        attrs = {name: handle.attrs[name] for name in handle.attrs}
        runs = {}
        for run_id, group in handle["runs"].items():
            key = (text(group.attrs["method"]), text(group.attrs.get("scan", "none")),
                   text(group.attrs["precision"]), int(group.attrs["length"]))
            runs[key] = {name: group.attrs[name] for name in group.attrs}
            runs[key]["id"] = run_id
    return {"path": path, "attrs": attrs, "runs": runs,
            "label": f"{text(attrs['execution_space'])} {os.path.basename(path)}"}


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


class KscanFileChecks(ReportChecks):
    """Numbers checks shared by the one-file and the two-file test: every file's own numbers
    must appear, formatted, in its rows of the report's tables."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.files = [read_file(path) for path in cls.paths]
        cls.speedup_tables = tables_by_precision(cls.md,
                                                 "## Speedup over the sequential reference")
        cls.time_tables = tables_by_precision(cls.md, "## At selected lengths")

    def run_of(self, data, method, scan, precision, length):
        key = (method, scan, precision, length)
        self.assertIn(key, data["runs"], f"{data['path']} has no run {key}")
        return data["runs"][key]

    def median(self, data, method, scan, precision, length):
        return float(self.run_of(data, method, scan, precision, length)["median_seconds"])

    def test_kscan_wrote_every_run(self):
        for data in self.files:
            expected = {(m, "none" if m in ("kf", "rts") else s, p, t)
                        for m in METHODS for s in SCANS for p in PRECISIONS for t in LENGTHS}
            self.assertEqual(set(data["runs"]), expected, data["path"])
            self.assertEqual(int(data["attrs"]["format_version"]), 1)

    def test_all_figures_named(self):
        expected = {f"{kind}_{p}.png" for kind in ("time_vs_length", "time_at_lengths",
                                                   "speedup_vs_length") for p in PRECISIONS}
        expected.add("throughput.png")
        expected |= {f"heatmap_{slug(d['label'])}_{p}.png" for d in self.files
                     for p in PRECISIONS}
        self.assertEqual(expected, {n for n in os.listdir(self.out) if n.endswith(".png")})

    def test_file_labels_and_environment(self):
        rows = {r["attribute"]: r for r in table_rows(self.md, "attribute")}
        for data in self.files:
            self.assertIn(data["label"], self.md)
            column = data["label"]
            for name in ("execution_space", "concurrency", "kokkos_version", "kscan_version",
                         "format_version"):
                value = data["attrs"][name]
                value = value.decode() if isinstance(value, bytes) else str(value)
                self.assertEqual(rows[name][column], value, name)
            self.assertEqual(rows["runs read"][column], str(len(data["runs"])))
            self.assertEqual(rows["/summary"][column], "present")
        self.assertIn("name: report-e2e", self.md)  # the resolved deck stored by kscan

    def test_speedup_pkf_over_kf_at_largest_length(self):
        for data in self.files:
            for precision in PRECISIONS:
                for method in ("pkf", "prts"):
                    reference = REFERENCE_OF[method]
                    for scan in SCANS:
                        speedups = {t: self.median(data, reference, "none", precision, t)
                                    / self.median(data, method, scan, precision, t)
                                    for t in LENGTHS}
                        rows = [r for r in self.speedup_tables[precision]
                                if (r["method"], r["scan"], r["file"])
                                == (method, scan, data["label"])]
                        self.assertEqual(len(rows), 1, (method, scan, data["label"]))
                        row = rows[0]
                        where = (data["label"], method, scan, precision)
                        self.assertEqual(row["reference"], reference, where)
                        self.assertEqual(row["largest T"], "1024", where)
                        self.assertEqual(row["speedup at largest T"], f"{speedups[1024]:.3g}",
                                         where)
                        best = max(speedups.values())
                        self.assertEqual(row["best speedup"], f"{best:.3g}", where)
                        self.assertIn(int(row["best at T"]),
                                      [t for t, s in speedups.items() if s == best], where)
                        # crossover: the smallest T from which it is faster at every larger T
                        tail = [t for t in LENGTHS
                                if all(speedups[u] > 1 for u in LENGTHS if u >= t)]
                        expected = ("none" if not tail else
                                    f"<= {tail[0]}" if tail[0] == LENGTHS[0] else str(tail[0]))
                        self.assertEqual(row["crossover T"], expected, where)

    def test_time_table_at_smallest_and_largest_length(self):
        for precision in PRECISIONS:
            rows = self.time_tables[precision]
            self.assertEqual({r["T"] for r in rows}, {"64", "1024"})
            for data in self.files:
                for length in (64, 1024):
                    for method in METHODS:
                        row = next(r for r in rows if (r["T"], r["method"], r["file"])
                                   == (str(length), method, data["label"]))
                        if method in ("kf", "rts"):
                            expected = {"sequential method":
                                        self.median(data, method, "none", precision, length)}
                        else:
                            expected = {scan: self.median(data, method, scan, precision, length)
                                        for scan in SCANS}
                        for column, value in expected.items():
                            self.assertEqual(row[column], f"{value:.3e}",
                                             (data["label"], method, column, precision, length))

    def test_throughput_is_the_fastest_scan_at_1024(self):
        rows = table_rows(self.md, "method", "file", "backend")
        for data in self.files:
            for precision in PRECISIONS:
                for method in METHODS:
                    hits = [r for r in rows if (r["method"], r["file"], r["precision"])
                            == (method, data["label"], precision)]
                    self.assertEqual(len(hits), 1, (method, data["label"], precision))
                    row = hits[0]
                    scans = ["none"] if method in ("kf", "rts") else SCANS
                    candidates = {s: float(self.run_of(data, method, s, precision, 1024)
                                           ["throughput_msps"]) for s in scans}
                    best = max(candidates.values())
                    self.assertEqual(row["T"], "1024")
                    self.assertEqual(row["throughput [MS/s]"], f"{best:.4g}")
                    if method not in ("kf", "rts"):
                        self.assertIn(row["scan"], [s for s, v in candidates.items()
                                                    if v == best])

    def test_parity_worst_over_lengths(self):
        rows = table_rows(self.md, "method", "scan", "precision")
        for data in self.files:
            column = f"{data['label']}: worst max abs diff (at T)"
            for method in METHODS:
                for scan in (["none"] if method in ("kf", "rts") else SCANS):
                    for precision in PRECISIONS:
                        label = "sequential method" if scan == "none" else scan
                        row = next(r for r in rows if (r["method"], r["scan"], r["precision"])
                                   == (method, label, precision))
                        diffs = {t: float(self.run_of(data, method, scan, precision, t)
                                          ["max_abs_diff_vs_reference"]) for t in LENGTHS}
                        worst = max(diffs.values())
                        cell = row[column]
                        where = (data["label"], method, scan, precision, cell)
                        match = re.fullmatch(r"(\S+) \(T=(\d+)\)", cell)
                        self.assertIsNotNone(match, where)
                        self.assertEqual(match.group(1), f"{worst:.3e}", where)
                        self.assertIn(int(match.group(2)),
                                      [t for t, d in diffs.items() if d == worst], where)
                        if (method, precision) == ("kf", "float64"):
                            self.assertEqual(first_number(cell), 0.0)  # the reference itself
                        elif precision == "float64":
                            self.assertLess(worst, 1e-8, where)   # parallel = sequential
                        else:
                            self.assertLess(worst, 1e-2, where)   # float32 vs float64

    def test_no_warnings_for_complete_files(self):
        self.assertNotIn("warning", self.stderr)
        self.assertNotIn("## Warnings", self.md)


@unittest.skipUnless(KSCAN_BINARY, SKIP_REASON)
class KscanReportTest(KscanFileChecks, unittest.TestCase):
    """One file, the deck as kscan runs it by default (all host threads)."""

    @staticmethod
    def produce(workdir):
        return [run_kscan(workdir, "kscan.h5")]


@unittest.skipUnless(KSCAN_BINARY, SKIP_REASON)
class KscanTwoFilesReportTest(KscanFileChecks, unittest.TestCase):
    """The same deck twice, all threads and one thread, side by side in one report."""

    @staticmethod
    def produce(workdir):
        return [run_kscan(workdir, "all_threads.h5"),
                run_kscan(workdir, "one_thread.h5", one_thread_flag(KSCAN_BINARY))]

    def test_second_file_ran_on_one_thread(self):
        attrs = self.files[1]["attrs"]
        self.assertEqual(int(attrs["concurrency"]), 1,
                         f"{one_thread_flag(KSCAN_BINARY)} did not reach Kokkos")
        rows = {r["attribute"]: r for r in table_rows(self.md, "attribute")}
        self.assertEqual(rows["concurrency"][self.files[1]["label"]], "1")

    def test_both_files_in_every_comparison_figure_title(self):
        a, b = (data["label"] for data in self.files)
        for kind in ("Time vs series length", "Speedup over the sequential reference"):
            self.assertIn(f"{kind}, float64 — {a} vs {b}", self.md)


@unittest.skipUnless(KSCAN_BINARY, SKIP_REASON)
class KscanOperationCountReportTest(ReportChecks, unittest.TestCase):
    """A file from kscan's operation-count mode: spans instead of seconds, speedups from them."""

    @staticmethod
    def produce(workdir):
        return [run_kscan(workdir, "opcount.h5", deck_text=OPCOUNT_DECK)]

    def test_opcount_figures_and_no_throughput(self):
        names = {n for n in os.listdir(self.out) if n.endswith(".png")}
        for kind in ("time_vs_length", "time_at_lengths", "speedup_vs_length"):
            self.assertIn(f"opcount_{kind}_float64.png", names)
        self.assertNotIn("throughput.png", names)

    def test_speedups_are_span_ratios(self):
        data = read_file(self.paths[0])
        for run in data["runs"].values():
            self.assertEqual(int(run["repetitions"]), 0, run["id"])
            self.assertEqual(int(run["simulated_threads"]), 100, run["id"])
        rows = tables_by_precision(self.md, "## Speedup over the sequential reference")["float64"]
        for scan in ("hillis_steele", "ladner_fischer"):
            span = {t: float(data["runs"][("kf", "none", "float64", t)]["flops_span"])
                    / float(data["runs"][("pkf", scan, "float64", t)]["flops_span"])
                    for t in (64, 256, 1024)}
            row = next(r for r in rows if (r["method"], r["scan"]) == ("pkf", scan))
            self.assertEqual(row["speedup at largest T"], f"{span[1024]:.3g}", scan)
            self.assertGreater(span[1024], 1.0, scan)


if __name__ == "__main__":
    unittest.main()
