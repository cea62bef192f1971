"""Tests of `python3 -m analysis.report` (the analysis/ package).

Run from the repository root with Debian's interpreter (it has h5py and matplotlib):

    /usr/bin/python3 -m unittest discover -s tests/analysis -t .

How the tests are built:

* ``ReportChecks`` holds the checks that hold for *any* set of kscan files (exit 0, every figure
  a non-empty PNG, the report's sections and tables). It gets its input from one function,
  ``produce(workdir) -> [paths]``; ``SyntheticReportTest`` plugs in ``write_synthetic_files``.
  A test that runs the kscan binary to make the files subclasses ``ReportChecks`` with its own
  ``produce`` and inherits every check.
* ``SyntheticReportTest`` also checks the numbers: the synthetic files follow the HDF5 layout of
  design.md with timings from simple formulas, and the expected speedups, crossover lengths,
  throughputs and parities below were worked out by hand from those formulas.
* The remaining classes feed broken or partial files and check the exit code and the message.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# --------------------------------------------------------------------------------------------
# Synthetic files: the numbers

LENGTHS = [16, 64, 256, 1024, 4096]
SCANS = ["hillis_steele", "blelloch", "ladner_fischer"]
REFERENCE_OF = {"pkf": "kf", "prts": "rts", "ptfs": "tfs"}
SEQ_SLOPE = {"kf": 1e-6, "rts": 2e-6, "tfs": 3e-6}      # seconds per time step, float64
OVERHEAD_FACTOR = {"pkf": 1, "prts": 4, "ptfs": 6}      # parallel start-up, times the scan's
PRECISION_FACTOR = {"float64": 1.0, "float32": 0.5}     # float32 is twice as fast, everywhere
# Serial: a parallel method costs its reference times a ratio (never faster at large T).
SERIAL_RATIO = {"blelloch": lambda t: 2.0, "ladner_fischer": lambda t: 1.25,
                "hillis_steele": lambda t: math.log2(t) / 8}
# OpenMP: start-up overhead plus the reference's cost times a slope.
OPENMP_OVERHEAD = {"blelloch": 1e-4, "ladner_fischer": 2e-5, "hillis_steele": 1e-5}
OPENMP_SLOPE = {"blelloch": lambda t: 0.25, "ladner_fischer": lambda t: 0.25,
                "hillis_steele": lambda t: math.log2(t) / 16}
# Parity: base x scan factor x log2(T) x backend factor, with a spike for hillis_steele float32.
PARITY_BASE = {"float32": 1e-7, "float64": 1e-15}
PARITY_SCAN = {"none": 1, "blelloch": 2, "ladner_fischer": 3, "hillis_steele": 4}
PARITY_BACKEND = {"Serial": 1.0, "OpenMP": 1.5}


def synthetic_seconds(backend, method, scan, precision, length):
    if method in SEQ_SLOPE:
        seconds = SEQ_SLOPE[method] * length
    else:
        reference = SEQ_SLOPE[REFERENCE_OF[method]] * length
        if backend == "Serial":
            seconds = reference * SERIAL_RATIO[scan](length)
        else:
            seconds = (OPENMP_OVERHEAD[scan] * OVERHEAD_FACTOR[method]
                       + reference * OPENMP_SLOPE[scan](length))
    return seconds * PRECISION_FACTOR[precision]


def synthetic_parity(backend, method, scan, precision, length):
    if method == "kf" and precision == "float64":
        return 0.0  # the reference itself
    if scan == "hillis_steele" and precision == "float32" and length == 256:
        return 5e-5 * PARITY_BACKEND[backend]
    return (PARITY_BASE[precision] * PARITY_SCAN[scan] * math.log2(length)
            * PARITY_BACKEND[backend])


def repetitions(median):
    """Five repetitions whose median is `median` and whose minimum is 0.95 x median."""
    return np.array([1.1, 1.0, 0.95, 1.3, 1.0]) * median


# --------------------------------------------------------------------------------------------
# Synthetic files: the layout (design.md, "HDF5 output contract (format_version 1)")

def write_root(handle, backend, format_version=1, concurrency=1):
    handle.attrs["kscan_version"] = "0.1.0 (test)"
    handle.attrs["format_version"] = np.int32(format_version)
    handle.attrs["kokkos_version"] = "3.4.1"
    handle.attrs["execution_space"] = backend
    handle.attrs["device"] = "Test CPU @ 1 GHz"
    handle.attrs["concurrency"] = np.int32(concurrency)
    handle.attrs["hostname"] = "testhost"
    handle.attrs["created"] = "2026-11-23T10:00:00Z"
    handle.attrs["deck"] = "experiment: {name: synthetic}\ndata: {lengths: [16, 4096]}\n"


def write_run(runs_group, run, metrics_in_group, with_metrics=True, with_timing=True):
    """One /runs/<id> group; metrics on the group itself or on a metrics sub-group."""
    group = runs_group.create_group(run["id"])
    for name in ("method", "scan", "precision", "dataset", "threads_or_device"):
        group.attrs[name] = run[name]
    group.attrs["length"] = np.int64(run["length"])
    group.attrs["batch"] = np.int64(1)
    timing = group.create_group("timing")
    reps = repetitions(run["median_seconds"]) if with_timing else np.zeros(0)
    timing.create_dataset("total_seconds", data=reps)
    timing.create_dataset("forward_scan_seconds", data=reps * 0.6)
    if with_metrics:
        target = group.create_group("metrics") if metrics_in_group else group
        for name in ("median_seconds", "min_seconds", "throughput_msps", "flops",
                     "achieved_gflops", "peak_memory_bytes", "rmse_vs_truth",
                     "max_abs_diff_vs_reference", "loglik", "mfu", "flops_span"):
            if name in run:
                target.attrs[name] = np.float64(run[name])
    return group


def synthetic_runs(backend, lengths=LENGTHS, precisions=("float32", "float64"),
                   methods=("kf", "rts", "tfs", "pkf", "prts", "ptfs"), scans=SCANS):
    runs = []
    for precision in precisions:
        for method in methods:
            for scan in (["none"] if method in SEQ_SLOPE else scans):
                for length in lengths:
                    median = synthetic_seconds(backend, method, scan, precision, length)
                    run = {
                        "id": f"{method}-{scan}-{precision}-T{length}-B1",
                        "method": method, "scan": scan, "precision": precision,
                        "length": length, "dataset": f"random-T{length}",
                        "threads_or_device": f"{backend} x{4 if backend == 'OpenMP' else 1}",
                        "median_seconds": median, "min_seconds": 0.95 * median,
                        "throughput_msps": length / median / 1e6,
                        "flops": 1000.0 * length,
                        "achieved_gflops": 1000.0 * length / median / 1e9,
                        "peak_memory_bytes": 4096.0 * length,
                        "rmse_vs_truth": 0.5,
                        "max_abs_diff_vs_reference":
                            synthetic_parity(backend, method, scan, precision, length),
                        "loglik": -1.5 * length,
                    }
                    if backend == "OpenMP":
                        run["mfu"] = 0.01
                    runs.append(run)
    return runs


def write_summary(handle, runs):
    text = h5py.string_dtype()
    dtype = np.dtype([("id", text), ("method", text), ("scan", text), ("precision", text),
                      ("length", np.int64), ("batch", np.int64), ("median_seconds", np.float64),
                      ("throughput_msps", np.float64), ("max_abs_diff_vs_reference",
                                                        np.float64)])
    rows = np.array([(r["id"], r["method"], r["scan"], r["precision"], r["length"], 1,
                      r["median_seconds"], r["throughput_msps"],
                      r["max_abs_diff_vs_reference"]) for r in runs], dtype=dtype)
    handle.create_dataset("summary", data=rows)


def write_synthetic_file(path, backend, metrics_in_group):
    runs = synthetic_runs(backend)
    with h5py.File(path, "w") as handle:
        write_root(handle, backend, concurrency=4 if backend == "OpenMP" else 1)
        runs_group = handle.create_group("runs")
        for run in runs:
            write_run(runs_group, run, metrics_in_group)
        write_summary(handle, runs)
    return path


def write_synthetic_files(workdir):
    """The swappable step: makes the input files and returns their paths (Serial, OpenMP).
    Serial keeps metrics as attributes of /runs/<id>, OpenMP on /runs/<id>/metrics."""
    return [write_synthetic_file(os.path.join(workdir, "serial.h5"), "Serial", False),
            write_synthetic_file(os.path.join(workdir, "openmp.h5"), "OpenMP", True)]


# --------------------------------------------------------------------------------------------
# Running the report and reading what it wrote

def run_report(paths, out_dir, *extra):
    """Runs the CLI as a user would; returns (exit code, stdout, stderr)."""
    command = [sys.executable, "-m", "analysis.report", *paths, "-o", out_dir, *extra]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, MPLBACKEND="Agg"))
    return done.returncode, done.stdout, done.stderr


def read_text(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def png_size(path):
    """(width, height) from a PNG header, or None when the file is not a PNG."""
    with open(path, "rb") as handle:
        header = handle.read(24)
    if len(header) < 24 or header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", header[16:24])


def markdown_tables(text):
    """Every Markdown table in `text` as (headers, rows of cells)."""
    tables, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|(-+\|)+$",
                                                                         lines[i + 1]):
            headers = [c.strip() for c in lines[i].strip("|").split(" | ")]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip()[1:-1].split(" | ")])
                i += 1
            tables.append((headers, rows))
        else:
            i += 1
    return tables


def table_rows(text, *header_prefix):
    """Rows (as header -> cell dicts) of every table whose headers start with header_prefix."""
    out = []
    for headers, rows in markdown_tables(text):
        if tuple(headers[:len(header_prefix)]) == header_prefix:
            out += [dict(zip(headers, row)) for row in rows]
    return out


def tables_by_precision(text, heading):
    """{precision: rows} of the tables in a section, each announced by a line naming its
    precision (e.g. "median time [s], float64:")."""
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    found, precision, lines = {}, None, section.splitlines()
    for i, line in enumerate(lines):
        match = re.search(r"(float\d+):$", line)
        if match:
            precision = match.group(1)
        elif line.startswith("|") and precision and precision not in found:
            headers, rows = markdown_tables("\n".join(lines[i:]))[0]
            found[precision] = [dict(zip(headers, row)) for row in rows]
    return found


def first_number(cell):
    return float(cell.split()[0])


# --------------------------------------------------------------------------------------------

class ReportChecks:
    """Checks for any kscan files; subclasses set `produce` (workdir -> list of paths)."""

    produce = None

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="kscan-report-test-")
        cls.paths = cls.produce(cls.workdir)
        cls.out = os.path.join(cls.workdir, "report")
        cls.code, cls.stdout, cls.stderr = run_report(cls.paths, cls.out)
        report = os.path.join(cls.out, "report.md")
        cls.md = read_text(report) if os.path.exists(report) else ""

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def test_exit_zero_and_report_written(self):
        self.assertEqual(self.code, 0, self.stderr)
        self.assertIn("report.md", self.stdout)
        self.assertNotIn("Traceback", self.stderr)
        self.assertTrue(self.md)

    def test_every_figure_is_a_nonempty_png(self):
        linked = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", self.md)
        self.assertTrue(linked, "the report embeds no figure")
        on_disk = sorted(f for f in os.listdir(self.out) if f.endswith(".png"))
        self.assertEqual(sorted(set(linked)), on_disk)
        for name in on_disk:
            path = os.path.join(self.out, name)
            size = png_size(path)
            self.assertIsNotNone(size, f"{name} is not a PNG")
            self.assertGreater(os.path.getsize(path), 5000, f"{name} is nearly empty")
            self.assertGreater(min(size), 200, f"{name} is {size}")

    def test_sections_and_tables(self):
        for heading in ("## Run environment", "## Time against series length",
                        "## At selected lengths", "## Speedup over the sequential reference",
                        "## Throughput", "## Scan × length heatmaps", "## Parity",
                        "## Residual diagnostics"):
            self.assertIn(heading, self.md)
        env = table_rows(self.md, "attribute")
        self.assertTrue(any(row["attribute"] == "execution_space" for row in env))
        self.assertTrue(table_rows(self.md, "method", "scan", "precision"), "no parity table")

    def test_figure_kinds_present(self):
        names = os.listdir(self.out)
        for pattern in (r"(opcount_)?time_vs_length_float\d+\.png",
                        r"(opcount_)?time_at_lengths_float\d+\.png",
                        r"heatmap_.*\.png"):
            self.assertTrue(any(re.fullmatch(pattern, n) for n in names), pattern)


class SyntheticReportTest(ReportChecks, unittest.TestCase):
    """Two files, Serial and OpenMP, with the known numbers above."""

    produce = staticmethod(write_synthetic_files)

    def speedup_row(self, method, scan, label, precision="float64"):
        rows = [r for r in self.speedup_tables[precision]
                if (r["method"], r["scan"], r["file"]) == (method, scan, label)]
        self.assertEqual(len(rows), 1, (method, scan, label, precision))
        return rows[0]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.speedup_tables = tables_by_precision(cls.md,
                                                 "## Speedup over the sequential reference")
        cls.time_tables = tables_by_precision(cls.md, "## At selected lengths")

    def test_all_figures_named(self):
        expected = {f"{kind}_{p}.png" for kind in ("time_vs_length", "time_at_lengths",
                                                   "speedup_vs_length")
                    for p in ("float32", "float64")}
        expected |= {"throughput.png"}
        expected |= {f"heatmap_{label}_{p}.png"
                     for label in ("serial_serial_h5", "openmp_openmp_h5")
                     for p in ("float32", "float64")}
        self.assertEqual(expected, set(n for n in os.listdir(self.out) if n.endswith(".png")))

    def test_file_labels(self):
        self.assertIn("Serial serial.h5", self.md)
        self.assertIn("OpenMP openmp.h5", self.md)

    def test_crossover_lengths(self):
        # Serial: a parallel method is never faster at the largest T (ratio >= 1.25 there).
        for method in ("pkf", "prts", "ptfs"):
            for scan in SCANS:
                self.assertEqual(self.speedup_row(method, scan, "Serial serial.h5")
                                 ["crossover T"], "none", (method, scan))
        # OpenMP pkf/blelloch: 1e-6 T > 1e-4 + 2.5e-7 T  <=>  T > 133.3  ->  256.
        # pkf/ladner_fischer: 1e-6 T > 2e-5 + 2.5e-7 T  <=>  T > 26.7  ->  64.
        # pkf/hillis_steele: 1.6e-5 vs 1e-5 + 4e-6 at T=16 and faster beyond  ->  "<= 16".
        # prts/blelloch: 2e-6 T > 4e-4 + 5e-7 T  <=>  T > 266.7  ->  1024.
        # ptfs/ladner_fischer: 3e-6 T > 1.2e-4 + 7.5e-7 T  <=>  T > 53.3  ->  64.
        label = "OpenMP openmp.h5"
        for precision in ("float32", "float64"):  # float32 halves both sides: same crossovers
            self.assertEqual(self.speedup_row("pkf", "blelloch", label, precision)
                             ["crossover T"], "256")
            self.assertEqual(self.speedup_row("pkf", "ladner_fischer", label, precision)
                             ["crossover T"], "64")
            self.assertEqual(self.speedup_row("pkf", "hillis_steele", label, precision)
                             ["crossover T"], "<= 16")
            self.assertEqual(self.speedup_row("prts", "blelloch", label, precision)
                             ["crossover T"], "1024")
            self.assertEqual(self.speedup_row("ptfs", "ladner_fischer", label, precision)
                             ["crossover T"], "64")

    def test_speedups(self):
        label = "OpenMP openmp.h5"
        # pkf/blelloch at 4096: 4.096e-3 / (1e-4 + 1.024e-3) = 3.644
        row = self.speedup_row("pkf", "blelloch", label)
        self.assertEqual(row["reference"], "kf")
        self.assertEqual(row["largest T"], "4096")
        self.assertAlmostEqual(first_number(row["speedup at largest T"]), 3.644, delta=0.01)
        # pkf/hillis_steele: 1.143, 1.882, 1.855, 1.575, 1.329 -> best 1.882 at T=64
        row = self.speedup_row("pkf", "hillis_steele", label)
        self.assertAlmostEqual(first_number(row["best speedup"]), 1.882, delta=0.01)
        self.assertEqual(row["best at T"], "64")
        self.assertAlmostEqual(first_number(row["speedup at largest T"]), 1.329, delta=0.01)
        # ptfs/ladner_fischer at 4096: 1.2288e-2 / (1.2e-4 + 3.072e-3) = 3.850
        row = self.speedup_row("ptfs", "ladner_fischer", label, "float32")
        self.assertEqual(row["reference"], "tfs")
        self.assertAlmostEqual(first_number(row["speedup at largest T"]), 3.850, delta=0.01)
        # Serial pkf/hillis_steele: 8 / log2(T) -> 2 at 16 (best), 0.667 at 4096
        row = self.speedup_row("pkf", "hillis_steele", "Serial serial.h5")
        self.assertAlmostEqual(first_number(row["best speedup"]), 2.0, delta=0.01)
        self.assertEqual(row["best at T"], "16")
        self.assertAlmostEqual(first_number(row["speedup at largest T"]), 0.667, delta=0.01)
        row = self.speedup_row("prts", "ladner_fischer", "Serial serial.h5")
        self.assertAlmostEqual(first_number(row["speedup at largest T"]), 0.8, delta=0.001)

    def test_time_table_at_selected_lengths(self):
        for precision, factor in (("float32", 0.5), ("float64", 1.0)):
            rows = self.time_tables[precision]
            self.assertEqual({r["T"] for r in rows}, {"16", "4096"})  # smallest and largest
            row = next(r for r in rows if (r["T"], r["method"], r["file"])
                       == ("4096", "pkf", "OpenMP openmp.h5"))
            # pkf/blelloch at 4096 on OpenMP: 1e-4 + 1.024e-3 = 1.124e-3 s in float64
            self.assertAlmostEqual(first_number(row["blelloch"]), 1.124e-3 * factor, delta=1e-7)
            self.assertEqual(row["sequential method"], "—")
            row = next(r for r in rows if (r["T"], r["method"], r["file"])
                       == ("16", "kf", "Serial serial.h5"))
            # kf at 16: 1e-6 x 16 = 1.6e-5 s in float64
            self.assertAlmostEqual(first_number(row["sequential method"]), 1.6e-5 * factor,
                                   delta=1e-10)
            self.assertEqual(row["blelloch"], "—")

    def test_throughput(self):
        rows = table_rows(self.md, "method", "file", "backend")
        def find(method, label, precision):
            hits = [r for r in rows if (r["method"], r["file"], r["precision"])
                    == (method, label, precision)]
            self.assertEqual(len(hits), 1, (method, label, precision))
            return hits[0]
        # pkf on OpenMP at 4096, float64: fastest is ladner_fischer, 1.044e-3 s -> 3.923 MS/s
        row = find("pkf", "OpenMP openmp.h5", "float64")
        self.assertEqual((row["backend"], row["T"], row["scan"]), ("OpenMP", "4096",
                                                                   "ladner_fischer"))
        self.assertAlmostEqual(first_number(row["throughput [MS/s]"]), 3.923, delta=0.001)
        self.assertAlmostEqual(first_number(row["MFU"]), 0.01)
        # kf: 4096 / 4.096e-3 s = 1 MS/s in float64, 2 MS/s in float32; Serial has no MFU
        self.assertAlmostEqual(first_number(find("kf", "Serial serial.h5", "float64")
                                            ["throughput [MS/s]"]), 1.0)
        row = find("kf", "Serial serial.h5", "float32")
        self.assertAlmostEqual(first_number(row["throughput [MS/s]"]), 2.0)
        self.assertEqual(row["MFU"], "n/a")
        # pkf on Serial, float64: ladner_fischer at 1.25 x 4.096e-3 s -> 0.8 MS/s
        row = find("pkf", "Serial serial.h5", "float64")
        self.assertEqual(row["scan"], "ladner_fischer")
        self.assertAlmostEqual(first_number(row["throughput [MS/s]"]), 0.8)

    def test_parity_worst_over_lengths(self):
        rows = table_rows(self.md, "method", "scan", "precision")
        def cell(method, scan, precision, label):
            row = next(r for r in rows if (r["method"], r["scan"], r["precision"])
                       == (method, scan, precision))
            return row[f"{label}: worst max abs diff (at T)"]
        serial, openmp = "Serial serial.h5", "OpenMP openmp.h5"
        # 1e-7 x 2 x log2(4096) = 2.4e-6 (x 1.5 on OpenMP)
        self.assertEqual(cell("pkf", "blelloch", "float32", serial), "2.400e-06 (T=4096)")
        self.assertEqual(cell("pkf", "blelloch", "float32", openmp), "3.600e-06 (T=4096)")
        # the spike at T=256 beats 1e-7 x 4 x 12 = 4.8e-6 at T=4096
        self.assertEqual(cell("ptfs", "hillis_steele", "float32", serial), "5.000e-05 (T=256)")
        self.assertEqual(cell("prts", "hillis_steele", "float32", openmp), "7.500e-05 (T=256)")
        # 1e-15 x 3 x 12 = 3.6e-14
        self.assertEqual(cell("prts", "ladner_fischer", "float64", serial), "3.600e-14 (T=4096)")
        self.assertEqual(first_number(cell("kf", "sequential method", "float64", openmp)), 0.0)

    def test_environment(self):
        rows = {r["attribute"]: r for r in table_rows(self.md, "attribute")}
        self.assertEqual(rows["execution_space"]["Serial serial.h5"], "Serial")
        self.assertEqual(rows["execution_space"]["OpenMP openmp.h5"], "OpenMP")
        self.assertEqual(rows["concurrency"]["OpenMP openmp.h5"], "4")
        self.assertEqual(rows["hostname"]["Serial serial.h5"], "testhost")
        self.assertEqual(rows["kokkos_version"]["Serial serial.h5"], "3.4.1")
        self.assertEqual(rows["/summary"]["OpenMP openmp.h5"], "present")
        self.assertIn("experiment: {name: synthetic}", self.md)

    def test_no_warnings_for_complete_files(self):
        self.assertNotIn("warning", self.stderr)
        self.assertNotIn("## Warnings", self.md)

    def test_requested_lengths(self):
        out = os.path.join(self.workdir, "lengths")
        code, _, err = run_report(self.paths, out, "--lengths", "64,1024", "--lengths", "999")
        self.assertEqual(code, 0, err)
        self.assertIn("999", err)  # not in the files: a warning, not an error
        md = read_text(os.path.join(out, "report.md"))
        self.assertEqual({r["T"] for r in table_rows(md, "T", "method", "file")}, {"64", "1024"})


# --------------------------------------------------------------------------------------------

class PartialAndOddFilesTest(unittest.TestCase):
    """Usable but incomplete files: a warning, and what exists is reported."""

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="kscan-report-partial-")

    def tearDown(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    def test_interrupted_sweep(self):
        path = os.path.join(self.workdir, "partial.h5")
        runs = synthetic_runs("OpenMP", lengths=[16, 64, 256], precisions=("float64",),
                              methods=("kf", "pkf"), scans=["blelloch", "ladner_fischer"])
        with h5py.File(path, "w") as handle:  # no /summary: the sweep never finished
            write_root(handle, "OpenMP")
            group = handle.create_group("runs")
            for run in runs:
                if run["id"] == "kf-none-float64-T256-B1":
                    write_run(group, run, True, with_metrics=False)  # repetitions only
                elif run["id"] == "pkf-blelloch-float64-T256-B1":
                    write_run(group, run, True, with_metrics=False, with_timing=False)
                else:
                    write_run(group, run, True)
            group.create_group("pkf-garbage")  # a run group that never got its attributes
        out = os.path.join(self.workdir, "out")
        code, stdout, stderr = run_report([path], out)
        self.assertEqual(code, 0, stderr)
        self.assertNotIn("Traceback", stderr)
        self.assertIn("no /summary", stderr)
        self.assertIn("medians were taken from their repetitions", stderr)
        self.assertIn("skipped", stderr)
        md = read_text(os.path.join(out, "report.md"))
        self.assertIn("## Warnings", md)
        self.assertTrue(os.path.exists(os.path.join(out, "time_vs_length_float64.png")))
        rows = {(r["method"], r["scan"]): r for r in table_rows(md, "method", "scan", "file")}
        # kf at 256 has only repetitions: median 2.56e-4, so pkf/ladner_fischer
        # (2e-5 + 6.4e-5 = 8.4e-5 at 256) still crosses over at 64 (2.4e-5 vs ... 3.6e-5 < 6.4e-5)
        self.assertEqual(rows[("pkf", "ladner_fischer")]["crossover T"], "64")
        self.assertAlmostEqual(first_number(rows[("pkf", "ladner_fischer")]
                                            ["speedup at largest T"]), 2.56e-4 / 8.4e-5,
                               delta=0.01)
        # pkf/blelloch lost its T=256 run: at 16 and 64 it is slower -> none
        self.assertEqual(rows[("pkf", "blelloch")]["crossover T"], "none")
        self.assertEqual(rows[("pkf", "blelloch")]["largest T"], "64")

    def test_summary_only(self):
        path = os.path.join(self.workdir, "summary_only.h5")
        runs = synthetic_runs("Serial", lengths=[64, 1024], precisions=("float32",),
                              methods=("kf", "pkf"), scans=["blelloch"])
        with h5py.File(path, "w") as handle:
            write_root(handle, "Serial")
            handle.create_group("runs")
            write_summary(handle, runs)
        out = os.path.join(self.workdir, "out")
        code, _, stderr = run_report([path], out)
        self.assertEqual(code, 0, stderr)
        self.assertIn("/summary", stderr)
        md = read_text(os.path.join(out, "report.md"))
        rows = table_rows(md, "method", "scan", "file")
        self.assertAlmostEqual(first_number(rows[0]["speedup at largest T"]), 0.5)

    def test_operation_count_file(self):
        """Operation-count mode: flops_span instead of seconds, no timing, no throughput."""
        path = os.path.join(self.workdir, "opcount.h5")
        with h5py.File(path, "w") as handle:
            write_root(handle, "Serial")
            group = handle.create_group("runs")
            for length in LENGTHS:
                for method, scan, span in (("kf", "none", 100.0 * length),
                                           ("pkf", "blelloch", 2000.0 * math.log2(length))):
                    run = {"id": f"{method}-{scan}-float32-T{length}-B1", "method": method,
                           "scan": scan, "precision": "float32", "length": length,
                           "dataset": "d", "threads_or_device": "simulated 15000",
                           "median_seconds": 0.0, "flops_span": span,
                           "max_abs_diff_vs_reference": 0.0}
                    write_run(group, run, False, with_timing=False)
        out = os.path.join(self.workdir, "out")
        code, _, stderr = run_report([path], out)
        self.assertEqual(code, 0, stderr)
        names = os.listdir(out)
        self.assertIn("opcount_time_vs_length_float32.png", names)
        self.assertIn("opcount_speedup_vs_length_float32.png", names)
        self.assertNotIn("throughput.png", names)
        md = read_text(os.path.join(out, "report.md"))
        self.assertIn("flops_span", md)
        # 100 T > 2000 log2 T first at T=256 (25600 > 16000; at 64: 6400 < 12000)
        row = table_rows(md, "method", "scan", "file")[0]
        self.assertEqual(row["crossover T"], "256")


class FormsTest(unittest.TestCase):
    """runs.form: a sqrt run is listed apart from the standard run of its method ("pkf (sqrt)")
    and compared with the sequential method in the same form; runs without a form attribute
    (files written before forms existed) are standard."""

    SQRT_COST = 3.0  # a sqrt run costs three times its standard twin

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="kscan-report-forms-")
        cls.path = os.path.join(cls.workdir, "forms.h5")
        runs = synthetic_runs("OpenMP", lengths=[64, 1024], precisions=("float64",),
                              methods=("kf", "pkf"), scans=["ladner_fischer"])
        with h5py.File(cls.path, "w") as handle:
            write_root(handle, "OpenMP")
            group = handle.create_group("runs")
            for run in runs:
                write_run(group, run, False)  # no form attribute: standard
                twin = dict(run, id=run["id"].replace(f"{run['method']}-",
                                                      f"{run['method']}-sqrt-", 1),
                            median_seconds=cls.SQRT_COST * run["median_seconds"],
                            throughput_msps=run["throughput_msps"] / cls.SQRT_COST,
                            max_abs_diff_vs_reference=run["max_abs_diff_vs_reference"] + 1e-9)
                write_run(group, twin, False).attrs["form"] = "sqrt"
        cls.out = os.path.join(cls.workdir, "out")
        cls.code, _, cls.stderr = run_report([cls.path], cls.out)
        cls.md = read_text(os.path.join(cls.out, "report.md")) if cls.code == 0 else ""

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def test_forms_are_read(self):
        from analysis.load import load_file

        runs = load_file(self.path).runs
        self.assertEqual(len(runs), 8)  # 2 methods x 2 lengths x 2 forms: none dropped
        forms = {run.run_id: run.form for run in runs}
        self.assertEqual(forms["pkf-ladner_fischer-float64-T64-B1"], "standard")
        self.assertEqual(forms["pkf-sqrt-ladner_fischer-float64-T64-B1"], "sqrt")
        labels = {run.label for run in runs}
        self.assertEqual(labels, {"kf", "kf (sqrt)", "pkf", "pkf (sqrt)"})

    def test_speedup_against_the_same_form(self):
        self.assertEqual(self.code, 0, self.stderr)
        rows = {r["method"]: r for r in table_rows(self.md, "method", "scan", "file")
                if "reference" in r}
        self.assertEqual(set(rows), {"pkf", "pkf (sqrt)"})
        self.assertEqual(rows["pkf"]["reference"], "kf")
        self.assertEqual(rows["pkf (sqrt)"]["reference"], "kf (sqrt)")
        # Both forms cost three times as much: the same speedup over their own reference.
        self.assertAlmostEqual(first_number(rows["pkf (sqrt)"]["speedup at largest T"]),
                               first_number(rows["pkf"]["speedup at largest T"]), places=2)

    def test_one_line_per_method_and_form(self):
        self.assertEqual(self.code, 0, self.stderr)
        throughput = [r["method"] for r in table_rows(self.md, "method", "file", "backend")]
        self.assertEqual(throughput, ["kf", "kf (sqrt)", "pkf", "pkf (sqrt)"])
        parity = [r["method"] for r in table_rows(self.md, "method", "scan", "precision")]
        self.assertEqual(parity, ["kf", "kf (sqrt)", "pkf", "pkf (sqrt)"])
        timed = {(r["T"], r["method"]) for r in table_rows(self.md, "T", "method", "file")}
        self.assertIn(("1024", "pkf (sqrt)"), timed)
        self.assertIn(("1024", "kf"), timed)


class UnusableInputTest(unittest.TestCase):
    """Input that cannot be used: one line on stderr, exit 2, no traceback."""

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="kscan-report-bad-")
        self.out = os.path.join(self.workdir, "out")

    def tearDown(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    def assert_rejected(self, paths, *fragments):
        code, stdout, stderr = run_report(paths, self.out)
        self.assertEqual(code, 2, stderr)
        self.assertNotIn("Traceback", stderr)
        self.assertEqual(len(stderr.strip().splitlines()), 1, stderr)
        for fragment in fragments:
            self.assertIn(fragment, stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "report.md")))

    def test_wrong_format_version(self):
        path = os.path.join(self.workdir, "v2.h5")
        with h5py.File(path, "w") as handle:
            write_root(handle, "Serial", format_version=2)
            write_run(handle.create_group("runs"), synthetic_runs("Serial")[0], False)
        self.assert_rejected([path], "v2.h5", "format_version 2")

    def test_not_hdf5(self):
        path = os.path.join(self.workdir, "notes.h5")
        with open(path, "w") as handle:
            handle.write("method,scan,length\npkf,blelloch,1024\n")
        self.assert_rejected([path], "notes.h5", "not an HDF5 file")

    def test_hdf5_but_not_kscan(self):
        path = os.path.join(self.workdir, "other.h5")
        with h5py.File(path, "w") as handle:
            handle.create_dataset("x", data=np.arange(3))
        self.assert_rejected([path], "other.h5", "format_version")

    def test_no_usable_runs(self):
        path = os.path.join(self.workdir, "empty.h5")
        with h5py.File(path, "w") as handle:
            write_root(handle, "Serial")
            handle.create_group("runs").create_group("broken")
        self.assert_rejected([path], "empty.h5", "nothing to report")

    def test_missing_file_among_good_ones(self):
        good = write_synthetic_file(os.path.join(self.workdir, "good.h5"), "Serial", False)
        self.assert_rejected([good, os.path.join(self.workdir, "absent.h5")], "absent.h5",
                             "no such file")


if __name__ == "__main__":
    unittest.main()
