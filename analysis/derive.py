"""Numbers derived from runs that both the figures and the tables show.

Why one module: a speedup plotted in a figure and printed in a table must be the same number,
computed once, with one definition of "the reference run" and of "the crossover length".

Definitions (also in analysis/README.md):

* cost -- median seconds of a run, or its ``flops_span`` in operation-count files;
* speedup(T) -- cost of the sequential reference (kf for pkf, rts for prts, tfs for ptfs) in the
  same form (runs.form: standard, sqrt) at the same length T, precision and batch, in the same
  file, divided by the cost of the parallel run;
* a method is listed once per form it ran in: "pkf", "pkf (sqrt)" (``Variant``);
* crossover length -- the smallest measured T from which the parallel method is faster at every
  larger measured T (speedup > 1 there and beyond); ``None`` when it is not faster at the
  largest measured T. When it is faster already at the smallest measured T, the true crossover
  may lie below it, and the tables print it as "<= T".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from .load import (NO_SCAN, PRECISION_ORDER, REFERENCE_OF, SCAN_ORDER,
                   SECONDS, ResultFile, Run, method_label, method_rank, order_values)

# A method in one numerical form, (method, form): what tables and figures list as one line.
Variant = Tuple[str, str]


def variant_label(variant: Variant) -> str:
    return method_label(*variant)


def reference_variant(variant: Variant) -> Optional[Variant]:
    """The sequential method in the same form that a parallel one is compared with."""
    reference = REFERENCE_OF.get(variant[0])
    return (reference, variant[1]) if reference else None


def is_parallel_variant(variant: Variant) -> bool:
    return variant[0] in REFERENCE_OF


def order_variants(variants: Iterable[Variant]) -> List[Variant]:
    return sorted(set(variants), key=lambda v: method_rank(*v))


def variants_in(runs: Iterable[Run]) -> List[Variant]:
    return order_variants((run.method, run.form) for run in runs)


def scans_in(runs: Iterable[Run]) -> List[str]:
    return order_values({run.scan for run in runs}, (NO_SCAN,) + SCAN_ORDER)


def precisions_in(files: Sequence[ResultFile]) -> List[str]:
    return order_values({run.precision for f in files for run in f.runs}, PRECISION_ORDER)


def batches_in(files: Sequence[ResultFile]) -> List[int]:
    return sorted({run.batch for f in files for run in f.runs})


def scan_label(scan: str) -> str:
    return "sequential method" if scan == NO_SCAN else scan


@dataclass
class Curve:
    """Cost (or speedup) against length for one file, method, form, scan, precision and
    batch."""

    file_index: int
    method: str
    form: str
    scan: str
    precision: str
    batch: int
    lengths: np.ndarray
    values: np.ndarray

    @property
    def variant(self) -> Variant:
        return (self.method, self.form)


def cost_curves(files: Sequence[ResultFile], kind: str, precision: str) -> List[Curve]:
    """Every (file, method, form, scan, batch) series of the given precision with its costs."""
    curves = []
    for index, result in enumerate(files):
        if result.cost_kind != kind:
            continue
        groups: Dict[Tuple[str, str, str, int], List[Tuple[int, float]]] = {}
        for run in result.runs:
            cost = run.cost(kind)
            if run.precision != precision or cost is None:
                continue
            groups.setdefault((run.method, run.form, run.scan, run.batch), []).append(
                (run.length, cost))
        for (method, form, scan, batch), points in groups.items():
            points.sort()
            curves.append(Curve(index, method, form, scan, precision, batch,
                                np.array([p[0] for p in points]),
                                np.array([p[1] for p in points])))
    return curves


def _reference_costs(result: ResultFile, variant: Variant, precision: str, batch: int,
                     kind: str) -> Dict[int, float]:
    """length -> cost of the sequential reference of `variant` (the same form); sequential scan
    preferred."""
    reference = reference_variant(variant)
    costs: Dict[int, Tuple[int, float]] = {}
    for run in result.runs:
        cost = run.cost(kind)
        if ((run.method, run.form) != reference or run.precision != precision
                or run.batch != batch or cost is None):
            continue
        rank = 0 if run.scan == NO_SCAN else 1
        if run.length not in costs or rank < costs[run.length][0]:
            costs[run.length] = (rank, cost)
    return {length: cost for length, (_, cost) in costs.items()}


def speedup_curves(files: Sequence[ResultFile], kind: str, precision: str) -> List[Curve]:
    """Speedup of each parallel (method, scan) over its sequential reference, per file."""
    curves = []
    for curve in cost_curves(files, kind, precision):
        if curve.method not in REFERENCE_OF:
            continue
        reference = _reference_costs(files[curve.file_index], curve.variant, precision,
                                     curve.batch, kind)
        lengths, values = [], []
        for length, cost in zip(curve.lengths, curve.values):
            if int(length) in reference:
                lengths.append(int(length))
                values.append(reference[int(length)] / cost)
        if lengths:
            curves.append(Curve(curve.file_index, curve.method, curve.form, curve.scan,
                                precision, curve.batch, np.array(lengths), np.array(values)))
    return curves


@dataclass
class Crossover:
    """Where a parallel method starts to beat its reference; length None means never."""

    length: Optional[int]
    from_smallest: bool  # faster already at the smallest measured length


def crossover(lengths: Sequence[int], speedups: Sequence[float]) -> Crossover:
    order = np.argsort(np.asarray(lengths))
    lengths = [int(lengths[i]) for i in order]
    speedups = [float(speedups[i]) for i in order]
    start = None
    for i in range(len(lengths) - 1, -1, -1):
        if speedups[i] > 1.0:
            start = i
        else:
            break
    if start is None:
        return Crossover(None, False)
    return Crossover(lengths[start], start == 0)


def select_lengths(available: Iterable[int], requested: Optional[Sequence[int]]) -> List[int]:
    """Lengths for the bar charts: those asked for that exist, else the smallest and largest."""
    available = sorted(set(int(v) for v in available))
    if not available:
        return []
    if requested:
        return [length for length in requested if length in available]
    return sorted({available[0], available[-1]})


@dataclass
class ThroughputEntry:
    """The best throughput of one method (in one form) at its largest timed length, in one
    file."""

    file_index: int
    method: str
    form: str
    precision: str
    batch: int
    length: int
    scan: str
    msps: float
    gflops: Optional[float]
    mfu: Optional[float]


def best_throughputs(files: Sequence[ResultFile]) -> List[ThroughputEntry]:
    """Per file, method, form, precision and batch: the fastest scan at the largest timed
    length."""
    entries = []
    for index, result in enumerate(files):
        if result.cost_kind != SECONDS:
            continue
        groups: Dict[Tuple[str, str, str, int], List[Run]] = {}
        for run in result.runs:
            if run.throughput_msps is not None:
                groups.setdefault((run.method, run.form, run.precision, run.batch),
                                  []).append(run)
        for (method, form, precision, batch), runs in groups.items():
            largest = max(run.length for run in runs)
            best = max((run for run in runs if run.length == largest),
                       key=lambda run: run.throughput_msps)
            entries.append(ThroughputEntry(index, method, form, precision, batch, largest,
                                           best.scan, best.throughput_msps,
                                           _finite_or_none(best.metric("achieved_gflops")),
                                           _finite_or_none(best.metric("mfu"))))
    entries.sort(key=lambda e: (method_rank(e.method, e.form), e.file_index,
                                PRECISION_ORDER.index(e.precision)
                                if e.precision in PRECISION_ORDER else 9, e.batch))
    return entries


def _finite_or_none(value: Optional[float]) -> Optional[float]:
    if value is None or not math.isfinite(value):
        return None
    return value


@dataclass
class Grid:
    """Cost over scans (rows) and lengths (columns) of one parallel method in one form: a
    heatmap."""

    variant: Variant
    scans: List[str]
    lengths: List[int]
    values: np.ndarray  # [len(scans), len(lengths)], NaN where not run


def cost_grids(result: ResultFile, precision: str, batch: int) -> List[Grid]:
    kind = result.cost_kind
    runs = [run for run in result.runs if run.precision == precision and run.batch == batch
            and run.method in REFERENCE_OF and run.cost(kind) is not None]
    grids = []
    for variant in variants_in(runs):
        mine = [run for run in runs if (run.method, run.form) == variant]
        scans = scans_in(mine)
        lengths = sorted({run.length for run in mine})
        values = np.full((len(scans), len(lengths)), np.nan)
        for run in mine:
            values[scans.index(run.scan), lengths.index(run.length)] = run.cost(kind)
        grids.append(Grid(variant, scans, lengths, values))
    return grids


@dataclass
class Parity:
    """Worst max_abs_diff_vs_reference over lengths for one method/form/scan/precision in a
    file."""

    value: Optional[float]
    length: Optional[int]
    measured: int  # runs that carried a finite value


# The parity metrics the writer stores: absolute, and relative to the reference's size per
# quantity (comparable when magnitudes differ, e.g. positions of thousands, variances of 1e-6).
RELATIVE_PARITY = ("max_rel_diff_mean_vs_reference", "max_rel_diff_cov_vs_reference",
                   "rel_diff_loglik_vs_reference")


def worst_parity(result: ResultFile, variant: Variant, scan: str, precision: str,
                 metric: str = "max_abs_diff_vs_reference") -> Parity:
    worst, at, measured = None, None, 0
    for run in result.runs:
        if (run.method, run.form, run.scan, run.precision) != (*variant, scan, precision):
            continue
        value = run.metric(metric)
        if value is None or math.isnan(value):
            continue
        measured += 1
        if worst is None or value > worst:
            worst, at = value, run.length
    return Parity(worst, at, measured)


# --------------------------------------------------------------------------------------------
# residual diagnostics of the runs that store their filtering pass

MAX_RESIDUAL_RUNS = 3        # runs drawn in the residual figure
MAX_RESIDUAL_COMPONENTS = 3  # components drawn per run


@dataclass
class ResidualEntry:
    """Diagnostics of one run's standardized residuals (one Diagnostics per component);
    ``residuals`` kept only for the runs the figure draws."""

    file_index: int
    run: Run
    diagnostics: list
    residuals: Optional[list]
    loglik: Optional[float]


def residual_plot_runs(files: Sequence[ResultFile],
                       limit: int = MAX_RESIDUAL_RUNS) -> List[Tuple[int, str]]:
    """(file index, run id) of the runs to draw: one per file and dataset (the methods of one
    dataset filter the same series), float64 and standard kf first, at most ``limit``."""
    def rank(run: Run):
        return (PRECISION_ORDER[::-1].index(run.precision)
                if run.precision in PRECISION_ORDER else 9,
                method_rank(run.method, run.form), run.run_id)

    chosen: Dict[Tuple[int, str], Run] = {}
    for index, result in enumerate(files):
        for run in result.runs:
            if not run.has_residuals or run.diffuse_steps is None:
                continue
            key = (index, run.dataset or run.run_id)
            if key not in chosen or rank(run) < rank(chosen[key]):
                chosen[key] = run
    ordered = sorted(chosen.items(), key=lambda item: (item[0][0], item[1].length,
                                                       item[0][1]))
    return [(index, run.run_id) for (index, _), run in ordered[:limit]]


def residual_entries(files: Sequence[ResultFile], lags: Optional[int] = None,
                     notices: Optional[List[str]] = None,
                     plot_limit: int = MAX_RESIDUAL_RUNS) -> List[ResidualEntry]:
    """Reads the innovations of every run that stores them and computes Q(k), H(h) and N per
    measurement component (see diagnostics.py for the conventions). Problems reading a run's
    arrays, residuals with a variance <= 0, and loglik_terms that do not add up to the loglik
    attribute are appended to ``notices``."""
    from . import diagnostics
    from .load import InputError, read_filter_pass

    notices = notices if notices is not None else []
    plotted = set(residual_plot_runs(files, plot_limit))
    entries = []
    for index, result in enumerate(files):
        for run in result.runs:
            if not run.has_residuals or run.diffuse_steps is None:
                continue
            try:
                data = read_filter_pass(result.path, run)
            except InputError as err:
                notices.append(str(err))
                continue
            residuals = diagnostics.standardized_residuals(data.innovation,
                                                           data.innovation_variance,
                                                           run.diffuse_steps)
            invalid = sum(r.invalid for r in residuals)
            if invalid:
                notices.append(f"{result.label}: run {run.run_id} has {invalid} innovations "
                               "with a variance <= 0; they were left out of the diagnostics")
            stats = [diagnostics.diagnose(r, lags, acf_lags=20) for r in residuals]
            stored = _finite_or_none(run.metric("loglik"))
            loglik = stored
            if data.loglik_terms is not None:
                total = float(np.sum(data.loglik_terms))
                if stored is None:
                    loglik = total
                elif math.isfinite(total):
                    tolerance = 1e-6 if run.precision == "float64" else 1e-3
                    if abs(total - stored) > tolerance * max(1.0, abs(stored)):
                        notices.append(f"{result.label}: run {run.run_id}: loglik_terms sum "
                                       f"to {total:.10g}, the loglik attribute is "
                                       f"{stored:.10g}")
            keep = (index, run.run_id) in plotted
            entries.append(ResidualEntry(index, run, stats, residuals if keep else None,
                                         loglik))
    return entries
