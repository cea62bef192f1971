"""Reading kscan HDF5 files (format_version 1) into plain Python objects.

Why a separate layer: the HDF5 layout is a contract with the C++ writer, and files arrive in
every state -- complete, interrupted mid-sweep, resumed, written by an older or newer kscan, or
not HDF5 at all. Everything that knows about group names, attribute spellings and the
tolerances we grant (metrics on the run group *or* on a ``metrics`` sub-group, medians recomputed
from repetitions when the metrics are missing, /summary only as a fallback) lives here, so the
figure and table code only ever sees validated ``Run`` objects.

A file that cannot be used at all raises ``InputError`` (the CLI prints its one-line message and
exits 2). A file that is usable but incomplete loads with human-readable ``warnings``.

The filtering pass's per-step arrays (``/runs/<id>/estimates/innovation`` and friends, see
``FILTER_ARRAYS``) can be as large as the estimates, so ``load_file`` only checks their shapes
(HDF5 metadata, no data read) and records the usable ones on the ``Run``; ``read_filter_pass``
reads them when the report asks for them.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np

SUPPORTED_FORMAT_VERSION = 1

SEQUENTIAL_METHODS = ("kf", "rts", "tfs")
PARALLEL_METHODS = ("pkf", "prts", "ptfs")
METHOD_ORDER = SEQUENTIAL_METHODS + PARALLEL_METHODS
# Each parallel method is compared against the sequential method that computes the same thing.
REFERENCE_OF = {"pkf": "kf", "prts": "rts", "ptfs": "tfs"}

NO_SCAN = "none"  # the scan attribute of sequential methods
SCAN_ORDER = ("hillis_steele", "blelloch", "ladner_fischer", "sengupta_a", "sengupta_b",
              "kokkos", "blocked", "sequential")
PRECISION_ORDER = ("float32", "float64")
# The numerical form a method carries its covariances in (the deck's runs.form); files written
# before forms existed have no form attribute and hold standard-form runs only.
STANDARD_FORM = "standard"
FORM_ORDER = (STANDARD_FORM, "sqrt")

# Metrics the writer may store (design.md); all are optional for the reader.
METRIC_NAMES = ("median_seconds", "min_seconds", "mean_seconds", "throughput_msps", "flops",
                "flops_span", "achieved_gflops", "mfu", "peak_memory_bytes", "rmse_vs_truth",
                "max_abs_diff_vs_reference", "max_rel_diff_mean_vs_reference",
                "max_rel_diff_cov_vs_reference", "rel_diff_loglik_vs_reference", "loglik")

# Per-step arrays of the filtering pass that a run may store next to estimates/mean and
# estimates/cov, with the shape each must have (T = the run's length; ny from innovation, nx
# from mean or predicted_mean). All optional; a malformed one is a warning and is ignored.
FILTER_ARRAYS = {
    "predicted_mean": "[T, nx]",
    "predicted_cov": "[T, nx, nx]",
    "innovation": "[T, ny]",
    "innovation_cov": "[T, ny, ny]",
    "loglik_terms": "[T]",
}

# Root attributes shown in the environment table, in this order (others follow).
ENVIRONMENT_ATTRS = ("execution_space", "device", "concurrency", "kscan_version",
                     "kokkos_version", "hostname", "created", "format_version")

# How "time" is measured in a file: wall-clock seconds, or simulated operation counts
# (the deck's operation-count mode, the paper's Fig. 6/7) when no run carries timing.
SECONDS = "seconds"
FLOPS_SPAN = "flops_span"


class InputError(Exception):
    """A file that cannot be used at all; its message is one line naming the file and why."""


@dataclass
class Run:
    """One /runs/<id> group: its identity, every timed repetition and its metrics."""

    run_id: str
    method: str
    scan: str
    precision: str
    length: int
    batch: int = 1
    form: str = STANDARD_FORM
    dataset: str = ""
    threads_or_device: str = ""
    total_seconds: np.ndarray = field(default_factory=lambda: np.zeros(0))
    phase_seconds: Dict[str, np.ndarray] = field(default_factory=dict)
    metrics: Dict[str, float] = field(default_factory=dict)
    source: str = "runs"  # "runs", or "summary" when rebuilt from the /summary table
    # Shapes of the well-formed FILTER_ARRAYS the run stores (read with read_filter_pass).
    filter_arrays: Dict[str, Tuple[int, ...]] = field(default_factory=dict)
    # Leading steps of the exact diffuse start: the diffuse_steps attribute of
    # /datasets/<dataset> (0 when absent); None when that attribute is malformed.
    diffuse_steps: Optional[int] = 0

    @property
    def has_residuals(self) -> bool:
        """Innovations and their covariances stored and well-formed (diagnostics possible)."""
        return "innovation" in self.filter_arrays and "innovation_cov" in self.filter_arrays

    @property
    def ny(self) -> Optional[int]:
        shape = self.filter_arrays.get("innovation")
        return shape[1] if shape else None

    @property
    def is_parallel(self) -> bool:
        return self.method in REFERENCE_OF

    @property
    def label(self) -> str:
        """How tables and figures name the run's method: "pkf", "pkf (sqrt)"."""
        return method_label(self.method, self.form)

    def metric(self, name: str) -> Optional[float]:
        """The stored metric, or None when the writer did not store it (NaN stays NaN)."""
        return self.metrics.get(name)

    @property
    def median_seconds(self) -> Optional[float]:
        """Stored median, else the median of the repetitions (the design's definition)."""
        value = self.metric("median_seconds")
        if value is not None and math.isfinite(value) and value > 0:
            return value
        if self.total_seconds.size:
            return float(np.median(self.total_seconds))
        return None

    @property
    def min_seconds(self) -> Optional[float]:
        value = self.metric("min_seconds")
        if value is not None and math.isfinite(value) and value > 0:
            return value
        if self.total_seconds.size:
            return float(np.min(self.total_seconds))
        return None

    @property
    def throughput_msps(self) -> Optional[float]:
        """Mega-samples per second, T x batch / median (recomputed when not stored)."""
        value = self.metric("throughput_msps")
        if value is not None and math.isfinite(value) and value > 0:
            return value
        median = self.median_seconds
        if median:
            return self.length * self.batch / median / 1e6
        return None

    @property
    def is_timed(self) -> bool:
        return self.median_seconds is not None

    def cost(self, kind: str) -> Optional[float]:
        """The y value of time plots: median seconds, or the simulated flops_span."""
        if kind == SECONDS:
            return self.median_seconds
        value = self.metric(FLOPS_SPAN)
        if value is not None and math.isfinite(value) and value > 0:
            return value
        return None

    @property
    def key(self) -> Tuple[str, str, str, str, int, int]:
        return (self.method, self.form, self.scan, self.precision, self.length, self.batch)


@dataclass
class ResultFile:
    """One input file: where it came from, its root attributes, its usable runs, what is odd."""

    path: str
    label: str
    attrs: Dict[str, str]
    runs: List[Run]
    warnings: List[str] = field(default_factory=list)
    has_summary: bool = False

    @property
    def execution_space(self) -> str:
        return self.attrs.get("execution_space", "unknown")

    @property
    def cost_kind(self) -> str:
        """SECONDS when any run was timed; FLOPS_SPAN for an operation-count-only file."""
        if any(run.is_timed for run in self.runs):
            return SECONDS
        if any(run.cost(FLOPS_SPAN) is not None for run in self.runs):
            return FLOPS_SPAN
        return SECONDS

    @property
    def precisions(self) -> List[str]:
        return order_values({run.precision for run in self.runs}, PRECISION_ORDER)


@dataclass
class FilterPass:
    """The filtering pass's per-step arrays of one run, as read by ``read_filter_pass``.
    Arrays the run does not store (or that were not asked for) are None."""

    innovation: Optional[np.ndarray] = None          # [T, ny], NaN where missing
    innovation_variance: Optional[np.ndarray] = None  # [T, ny], the diagonal of innovation_cov
    innovation_cov: Optional[np.ndarray] = None      # [T, ny, ny], only with full_cov=True
    loglik_terms: Optional[np.ndarray] = None        # [T], 0 where missing
    predicted_mean: Optional[np.ndarray] = None      # [T, nx], only with predicted=True
    predicted_cov: Optional[np.ndarray] = None       # [T, nx, nx], only with predicted=True


def method_label(method: str, form: str) -> str:
    """A method named with its form where that is not the standard one: "pkf (sqrt)"."""
    return method if form == STANDARD_FORM else f"{method} ({form})"


def method_rank(method: str, form: str) -> Tuple[int, str, int, str]:
    """Sort key of a (method, form): methods in METHOD_ORDER, each standard before sqrt."""
    return (METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER), method,
            FORM_ORDER.index(form) if form in FORM_ORDER else len(FORM_ORDER), form)


def order_values(values: Iterable[str], preferred: Iterable[str]) -> List[str]:
    """Known values in their canonical order, then unknown ones alphabetically."""
    values = set(values)
    preferred = list(preferred)
    known = [v for v in preferred if v in values]
    return known + sorted(values - set(preferred))


# --------------------------------------------------------------------------------------------
# attribute decoding: h5py hands back bytes, numpy scalars or 1-element arrays depending on
# how the C API wrote them; the report only wants str and float.

def _as_text(value) -> str:
    if isinstance(value, np.ndarray):
        if value.size == 1:
            value = value.reshape(()).item()
        else:
            return ", ".join(_as_text(v) for v in value.ravel())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _as_float(value) -> Optional[float]:
    if isinstance(value, np.ndarray):
        if value.size != 1:
            return None
        value = value.reshape(()).item()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _as_int(value) -> Optional[int]:
    number = _as_float(value)
    if number is None or not math.isfinite(number):
        return None
    return int(round(number))


def _finite_array(dataset) -> np.ndarray:
    """A timing dataset as a flat float array without NaN/inf (unfinished repetitions)."""
    try:
        values = np.asarray(dataset[()], dtype=float).ravel()
    except (TypeError, ValueError):
        return np.zeros(0)
    return values[np.isfinite(values)]


# --------------------------------------------------------------------------------------------

def _open(path: str):
    """Opens read-only without HDF5 file locking (a sweep may still be writing the file)."""
    import h5py

    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, expected a kscan HDF5 file")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err})") from None
    if not is_hdf5:
        raise InputError(f"{path}: not an HDF5 file (expected a file written by kscan)")
    try:
        try:
            return h5py.File(path, "r", locking=False)
        except TypeError:  # h5py < 3.5 has no locking argument
            return h5py.File(path, "r")
    except OSError as err:
        raise InputError(f"{path}: cannot open HDF5 file ({err})") from None


def _check_format_version(path: str, attrs) -> None:
    if "format_version" not in attrs:
        raise InputError(f"{path}: no format_version attribute on '/': not a kscan result file")
    version = _as_int(attrs["format_version"])
    if version != SUPPORTED_FORMAT_VERSION:
        shown = _as_text(attrs["format_version"])
        raise InputError(f"{path}: format_version {shown} is not supported "
                         f"(this report reads format_version {SUPPORTED_FORMAT_VERSION})")


def _collect_metrics(*sources) -> Dict[str, float]:
    """Numeric attributes (and scalar datasets) of the given objects; later sources win."""
    import h5py

    metrics: Dict[str, float] = {}
    for source in sources:
        if source is None:
            continue
        for name, value in source.attrs.items():
            number = _as_float(value)
            if name in METRIC_NAMES and number is not None:
                metrics[name] = number
        if isinstance(source, h5py.Group):
            for name, item in source.items():
                if name in METRIC_NAMES and isinstance(item, h5py.Dataset) and item.size == 1:
                    number = _as_float(item[()])
                    if number is not None:
                        metrics[name] = number
    return metrics


class _Notes:
    """Per-file problems, grouped so a 500-run sweep gives a few lines, not 500."""

    def __init__(self) -> None:
        self.by_reason: Dict[str, List[str]] = {}
        self.lines: List[str] = []

    def run(self, reason: str, run_id: str) -> None:
        self.by_reason.setdefault(reason, []).append(run_id)

    def line(self, text: str) -> None:
        self.lines.append(text)

    def render(self) -> List[str]:
        out = list(self.lines)
        for reason, ids in self.by_reason.items():
            examples = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
            noun = "run" if len(ids) == 1 else "runs"
            out.append(f"{len(ids)} {noun} {reason} ({examples})")
        return out


def _filter_array_shapes(run_id: str, group, length: int,
                         notes: _Notes) -> Dict[str, Tuple[int, ...]]:
    """Shapes of the well-formed FILTER_ARRAYS in group/estimates (metadata only); each
    malformed one (wrong rank or extents, not numeric, not a dataset) is a warning."""
    import h5py

    estimates = group.get("estimates")
    if not isinstance(estimates, h5py.Group):
        return {}
    found: Dict[str, Tuple[int, ...]] = {}
    shapes: Dict[str, Optional[Tuple[int, ...]]] = {}
    for name in FILTER_ARRAYS:
        if name not in estimates:
            continue
        item = estimates.get(name)
        numeric = (isinstance(item, h5py.Dataset) and item.dtype.kind in "fiu"
                   and item.shape is not None)
        shapes[name] = tuple(int(n) for n in item.shape) if numeric else None

    mean = estimates.get("mean")
    nx = None
    if isinstance(mean, h5py.Dataset) and mean.shape is not None and len(mean.shape) == 2:
        nx = int(mean.shape[1])
    elif shapes.get("predicted_mean") and len(shapes["predicted_mean"]) == 2:
        nx = shapes["predicted_mean"][1]
    innovation = shapes.get("innovation")
    ny = innovation[1] if innovation and len(innovation) == 2 else None
    if ny is None and shapes.get("innovation_cov") and len(shapes["innovation_cov"]) == 3:
        ny = shapes["innovation_cov"][1]
    expected = {"predicted_mean": (length, nx), "predicted_cov": (length, nx, nx),
                "innovation": (length, ny), "innovation_cov": (length, ny, ny),
                "loglik_terms": (length,)}
    for name, shape in shapes.items():
        want = expected[name]
        good = (shape is not None and len(shape) == len(want) and None not in want
                and shape == want and all(n >= 1 for n in shape))
        if good:
            found[name] = shape
        else:
            shown = "not a numeric dataset" if shape is None else \
                "shape [" + ", ".join(map(str, shape)) + "]"
            notes.run(f"store a malformed estimates/{name} ({shown} where "
                      f"{FILTER_ARRAYS[name]} was expected, T = length); it was ignored",
                      run_id)
    if "innovation" in found and "innovation_cov" not in found:
        notes.run("store innovations without a usable innovation_cov: no residual diagnostics",
                  run_id)
    return found


def _diffuse_steps(datasets_group, notes: _Notes) -> Dict[str, Optional[int]]:
    """diffuse_steps of every /datasets/<name> group that has one (None when malformed)."""
    import h5py

    out: Dict[str, Optional[int]] = {}
    if not isinstance(datasets_group, h5py.Group):
        return out
    for name, item in datasets_group.items():
        if not isinstance(item, h5py.Group) or "diffuse_steps" not in item.attrs:
            continue
        raw = item.attrs["diffuse_steps"]
        number = _as_float(raw)
        if number is None or not math.isfinite(number) or number < 0 or number != int(number):
            notes.line(f"/datasets/{name} has a malformed diffuse_steps attribute "
                       f"({_as_text(raw)}): its runs get no residual diagnostics")
            out[name] = None
        else:
            out[name] = int(number)
    return out


def read_filter_pass(path: str, run: Run, full_cov: bool = False,
                     predicted: bool = False) -> FilterPass:
    """Reads the stored, well-formed filtering-pass arrays of one run (as checked by
    load_file): innovation, the diagonal of innovation_cov and loglik_terms; the whole
    innovation_cov with full_cov, predicted_mean/cov with predicted. Raises InputError when
    the file can no longer be read."""
    import h5py

    shapes = run.filter_arrays
    result = FilterPass()
    if not shapes:
        return result
    with _open(path) as handle:
        try:
            estimates = handle[f"runs/{run.run_id}/estimates"]

            def read(name):
                return np.asarray(estimates[name][()], dtype=float) if name in shapes else None

            result.innovation = read("innovation")
            if "innovation_cov" in shapes:
                cov = estimates["innovation_cov"]
                ny = shapes["innovation_cov"][1]
                if full_cov:
                    result.innovation_cov = np.asarray(cov[()], dtype=float)
                    result.innovation_variance = np.diagonal(result.innovation_cov, axis1=1,
                                                             axis2=2).copy()
                else:  # only the diagonal: T * ny values, not T * ny * ny
                    result.innovation_variance = np.stack(
                        [np.asarray(cov[:, j, j], dtype=float) for j in range(ny)], axis=1)
            result.loglik_terms = read("loglik_terms")
            if predicted:
                result.predicted_mean = read("predicted_mean")
                result.predicted_cov = read("predicted_cov")
        except (OSError, KeyError, ValueError, TypeError) as err:
            raise InputError(f"{path}: cannot read the filtering pass of run {run.run_id} "
                             f"({err})") from None
    return result


def _read_run(run_id: str, group, notes: _Notes) -> Optional[Run]:
    import h5py

    attrs = group.attrs
    method = _as_text(attrs["method"]).strip().lower() if "method" in attrs else ""
    precision = _as_text(attrs["precision"]).strip().lower() if "precision" in attrs else ""
    length = _as_int(attrs["length"]) if "length" in attrs else None
    if not method or not precision or not length or length <= 0:
        notes.run("lack method/precision/length attributes and were skipped", run_id)
        return None
    scan = _as_text(attrs["scan"]).strip().lower() if "scan" in attrs else ""
    if not scan:
        if method in REFERENCE_OF:
            notes.run("of a parallel method lack the scan attribute and were skipped", run_id)
            return None
        scan = NO_SCAN
    batch = _as_int(attrs["batch"]) if "batch" in attrs else None
    form = (_as_text(attrs["form"]).strip().lower() if "form" in attrs else "") or STANDARD_FORM
    threads = ""
    for name in ("threads_or_device", "threads/device", "threads", "device"):
        if name in attrs:
            threads = _as_text(attrs[name])
            break

    metrics_group = group.get("metrics")
    if metrics_group is not None and not isinstance(metrics_group, h5py.Group):
        metrics_group = None
    metrics = _collect_metrics(group, metrics_group)

    total = np.zeros(0)
    phases: Dict[str, np.ndarray] = {}
    timing = group.get("timing")
    if isinstance(timing, h5py.Group):
        for name, item in timing.items():
            if not isinstance(item, h5py.Dataset) or not name.endswith("_seconds"):
                continue
            if name == "total_seconds":
                total = _finite_array(item)
            else:
                phases[name[: -len("_seconds")]] = _finite_array(item)

    run = Run(run_id=run_id, method=method, scan=scan, precision=precision, length=length,
              batch=batch if batch and batch > 0 else 1, form=form,
              dataset=_as_text(attrs["dataset"]) if "dataset" in attrs else "",
              threads_or_device=threads, total_seconds=total, phase_seconds=phases,
              metrics=metrics, filter_arrays=_filter_array_shapes(run_id, group, length, notes))
    if not metrics:
        if run.is_timed:
            notes.run("have no metrics; medians were taken from their repetitions", run_id)
        else:
            notes.run("have neither metrics nor timed repetitions and were skipped", run_id)
            return None
    elif not run.is_timed and run.cost(FLOPS_SPAN) is None:
        notes.run("have neither timing nor flops_span (shown in parity tables only)", run_id)
    return run


def _runs_from_summary(table, notes: _Notes) -> List[Run]:
    """Rows of the /summary compound table as Runs (no repetitions): the fallback only."""
    names = table.dtype.names or ()
    if not {"method", "precision", "length"} <= set(names):
        notes.line("/summary lacks method/precision/length columns and was ignored")
        return []
    runs = []
    for index, row in enumerate(table[()]):
        values = {name: row[name] for name in names}
        method = _as_text(values["method"]).strip().lower()
        length = _as_int(values["length"])
        if not method or not length:
            continue
        scan = _as_text(values.get("scan", NO_SCAN)).strip().lower() or NO_SCAN
        form = _as_text(values.get("form", STANDARD_FORM)).strip().lower() or STANDARD_FORM
        metrics = {}
        for name in METRIC_NAMES:
            if name in values:
                number = _as_float(values[name])
                if number is not None:
                    metrics[name] = number
        run_id = _as_text(values["id"]) if "id" in values else f"summary[{index}]"
        runs.append(Run(run_id=run_id, method=method, scan=scan,
                        precision=_as_text(values["precision"]).strip().lower(), length=length,
                        batch=_as_int(values.get("batch", 1)) or 1, form=form,
                        dataset=_as_text(values.get("dataset", "")),
                        threads_or_device=_as_text(values.get("threads_or_device", "")),
                        metrics=metrics, source="summary"))
    return runs


def _drop_duplicates(runs: List[Run], notes: _Notes) -> List[Run]:
    """One run per (method, form, scan, precision, length, batch); keep the best-measured one."""
    chosen: Dict[tuple, Run] = {}
    for run in runs:
        other = chosen.get(run.key)
        if other is None:
            chosen[run.key] = run
            continue
        notes.run("duplicate another run's method/form/scan/precision/length/batch "
                  "(the one with more repetitions is used)", run.run_id)
        if run.total_seconds.size > other.total_seconds.size:
            chosen[run.key] = run
    return list(chosen.values())


def make_label(attrs: Dict[str, str], path: str) -> str:
    """How a file is named in legends: its backend and its basename ("OpenMP openmp.h5")."""
    return f"{attrs.get('execution_space', 'unknown')} {os.path.basename(path)}"


def load_file(path: str) -> ResultFile:
    """Reads and validates one file; raises InputError when nothing in it can be used."""
    import h5py

    with _open(path) as handle:
        try:
            _check_format_version(path, handle.attrs)
            attrs = {name: _as_text(value) for name, value in handle.attrs.items()}
            notes = _Notes()

            runs: List[Run] = []
            runs_group = handle.get("runs")
            n_groups = 0
            if isinstance(runs_group, h5py.Group):
                for run_id, item in runs_group.items():
                    if not isinstance(item, h5py.Group):
                        continue
                    n_groups += 1
                    run = _read_run(run_id, item, notes)
                    if run is not None:
                        runs.append(run)

            diffuse = _diffuse_steps(handle.get("datasets"), notes)
            for run in runs:
                run.diffuse_steps = diffuse.get(run.dataset, 0)

            summary = handle.get("summary")
            has_summary = isinstance(summary, h5py.Dataset) and summary.dtype.names is not None
            if not has_summary:
                notes.line("no /summary table: the sweep was probably interrupted or is still "
                           f"running; reporting the {len(runs)} runs found in /runs")
            else:
                summary_runs = _runs_from_summary(summary, notes)
                known = {run.key for run in runs}
                missing = [run for run in summary_runs if run.key not in known]
                if missing and runs:
                    notes.line(f"/summary lists {len(missing)} runs absent from /runs; "
                               "they are reported from /summary (no repetitions)")
                elif missing:
                    notes.line("/runs is empty or unusable; reporting the /summary table only")
                runs.extend(missing)
        except InputError:
            raise
        except (OSError, KeyError, ValueError, TypeError) as err:
            raise InputError(f"{path}: unreadable kscan file ({err})") from None

    if not runs:
        what = "no /runs group" if runs_group is None else f"none of its {n_groups} runs is usable"
        raise InputError(f"{path}: nothing to report ({what})")
    runs = _drop_duplicates(runs, notes)
    runs.sort(key=lambda r: (r.method, r.form, r.scan, r.precision, r.batch, r.length))
    return ResultFile(path=path, label=make_label(attrs, path), attrs=attrs, runs=runs,
                      warnings=notes.render(), has_summary=has_summary)


def load_files(paths: Iterable[str]) -> List[ResultFile]:
    """Loads every file (stops at the first unusable one) and makes their labels unique."""
    files = [load_file(path) for path in paths]
    seen: Dict[str, int] = {}
    for result in files:
        count = seen.get(result.label, 0)
        seen[result.label] = count + 1
        if count:
            result.label = f"{result.label} #{count + 1}"
    return files
