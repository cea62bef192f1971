"""Strong scaling from one kscan file per thread count, and its operation-count prediction.

    /usr/bin/python3 -m analysis.scaling results/scaling/thread-scaling-t*.h5 \\
        [--predict build/openmp/apps/kscan/kscan] [--csv scaling.csv]
    /usr/bin/python3 -m analysis.scaling --deck inputs/bench/thread-scaling.yaml \\
        --predict build/openmp/apps/kscan/kscan [--threads 1,2,4,8,16,32,64]

kscan runs one Kokkos thread count per process, so a scaling study is the same deck run once per
thread count, each into its own file (docs/scaling.md). This command lines those files up: for
every run (method, form, scan, precision, length, batch) it prints one table over the thread
counts found in the files (each run's threads_or_device attribute, "OpenMP x8"):

* median seconds, speedup = median(1 thread) / median(P), efficiency = speedup / P;
* the median of each timed phase (elements, forward_scan, backward_scan, combine, copy) with its
  own speedup over one thread, which shows where the efficiency goes;
* then the work overhead of each parallel method at one thread over its sequential reference
  (PKF(1) / KF(1), PRTS(1) / RTS(1), PTFS(1) / TFS(1)).

With ``--predict KSCAN``, the binary reruns each file's deck (the resolved deck stored in the
file) in operation-count mode, ``runs.simulate_threads=P`` for every P present and for P = 1:
each run executes once, untimed, and is costed on a simulated P-thread machine (a parallel step
over n items costs ceil(n / P) items' flops; the blocked scan is laid out for P workers). The
tables then show the predicted speedup span(1) / span(P), the predicted efficiency, and the
predicted work flops(P) / flops(1), the extra combines of the P-worker scan layout, which bounds
the efficiency: efficiency <= flops(1) / flops(P). The work-overhead table gets the predicted
flops(parallel, 1) / flops(reference, 1).

Without files, ``--deck DECK --predict KSCAN`` prints the prediction alone: per scan and length,
one table of every parallel method's predicted speedup, efficiency and work at ``--threads``
(what a study of the deck should find, before a node is at hand; docs/scaling.md's table).

Exit codes as analysis.report's: 0 done, 1 the prediction run or the CSV failed, 2 unusable input.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from .load import (NO_SCAN, PRECISION_ORDER, REFERENCE_OF, SCAN_ORDER, InputError, ResultFile,
                   Run, load_files, method_label, method_rank)
from .tables import markdown_table, number

PROG = "analysis.scaling"

# The timed phases kscan stores per repetition (timing/<phase>_seconds), in pipeline order.
PHASES = ("elements", "forward_scan", "backward_scan", "combine", "copy")

# Run.key: (method, form, scan, precision, length, batch)
RunKey = Tuple[str, str, str, str, int, int]


class PredictionError(Exception):
    """The kscan binary could not produce the operation counts; the message is one line."""


@dataclass
class Point:
    """One run at one thread count, the file it came from and that file's resolved deck."""

    threads: int
    run: Run
    path: str
    deck: str


@dataclass
class Prediction:
    """Operation counts of one run on the simulated machine of some P threads."""

    span: float   # flops on the critical path (the flops_span metric)
    flops: float  # every operation once (the flops metric)


# Operation counts of each run by simulated thread count.
Predictions = Dict[RunKey, Dict[int, Prediction]]


@dataclass
class ScalingRow:
    """One line of a run's scaling table: the run at P threads against itself at one."""

    threads: int
    seconds: Optional[float] = None  # None in a prediction without measurements
    speedup: Optional[float] = None
    efficiency: Optional[float] = None
    phase_seconds: Dict[str, float] = field(default_factory=dict)
    phase_speedups: Dict[str, Optional[float]] = field(default_factory=dict)
    predicted: Optional[Prediction] = None
    predicted_speedup: Optional[float] = None
    predicted_efficiency: Optional[float] = None
    predicted_work: Optional[float] = None


@dataclass
class Overhead:
    """Work overhead of a parallel method on one thread over its sequential reference."""

    parallel: RunKey
    reference: RunKey
    measured: float
    predicted: Optional[float] = None


@dataclass
class Study:
    """Every run of the files, by key and thread count; what was odd about them."""

    series: Dict[RunKey, Dict[int, Point]] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)


def thread_count(run: Run, result: ResultFile) -> int:
    """The host threads a run was timed on: threads_or_device reads "<space> x<threads>"
    (a device run names its device instead and is refused); runs without the attribute fall
    back on the file's concurrency."""
    match = re.search(r"\bx(\d+)\s*$", run.threads_or_device)
    if match:
        return int(match.group(1))
    concurrency = result.attrs.get("concurrency", "")
    if not run.threads_or_device and concurrency.isdigit() and int(concurrency) > 0:
        return int(concurrency)
    raise InputError(f"{result.path}: run {run.run_id} names no host thread count "
                     f"(threads_or_device '{run.threads_or_device}')")


def collect(files: Sequence[ResultFile]) -> Study:
    """Lines up the timed runs of the files by key and thread count. Two files giving the same
    run at the same thread count are ambiguous and refused; a file without a timed run (an
    operation-count file) is refused too, since the prediction comes from --predict."""
    study = Study()
    for result in files:
        timed = [run for run in result.runs if run.is_timed]
        if not timed:
            raise InputError(f"{result.path}: no timed run (an operation-count file?); pass the "
                             "timed files, --predict computes the counts")
        deck = result.attrs.get("deck", "")
        for run in timed:
            threads = thread_count(run, result)
            by_threads = study.series.setdefault(run.key, {})
            if threads in by_threads:
                raise InputError(f"{result.path}: run {run.run_id} at {threads} threads is also "
                                 f"in {by_threads[threads].path}; pass one file per "
                                 "thread count")
            by_threads[threads] = Point(threads, run, result.path, deck)
    for key, by_threads in study.series.items():
        if 1 not in by_threads:
            study.notes.append(f"{series_title(key)}: no 1-thread run, so no speedups")
    return study


def phase_medians(run: Run) -> Dict[str, float]:
    """Median seconds of each phase the run timed (kscan stores every phase, 0 where a method
    has none)."""
    return {name: float(np.median(run.phase_seconds[name]))
            for name in PHASES if run.phase_seconds.get(name, np.zeros(0)).size}


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    if numerator is None or not denominator or not math.isfinite(denominator):
        return None
    return numerator / denominator


def scaling_rows(by_threads: Dict[int, Point],
                 predictions: Optional[Dict[int, Prediction]] = None) -> List[ScalingRow]:
    """The table of one run over its thread counts, in increasing order."""
    base = by_threads.get(1)
    base_seconds = base.run.median_seconds if base else None
    base_phases = phase_medians(base.run) if base else {}
    rows = []
    for threads in sorted(by_threads):
        run = by_threads[threads].run
        seconds = run.median_seconds
        speedup = ratio(base_seconds, seconds)
        phases = phase_medians(run)
        row = ScalingRow(
            threads=threads, seconds=seconds, speedup=speedup,
            efficiency=ratio(speedup, threads), phase_seconds=phases,
            phase_speedups={name: ratio(base_phases.get(name), value)
                            for name, value in phases.items()})
        add_prediction(row, predictions or {})
        rows.append(row)
    return rows


def add_prediction(row: ScalingRow, counts: Dict[int, Prediction]) -> None:
    """The predicted columns of a row from the run's counts by thread count (P = 1 included)."""
    base = counts.get(1)
    if base is None or row.threads not in counts:
        return
    row.predicted = counts[row.threads]
    row.predicted_speedup = ratio(base.span, row.predicted.span)
    row.predicted_efficiency = ratio(row.predicted_speedup, row.threads)
    row.predicted_work = ratio(row.predicted.flops, base.flops)


def predicted_rows(counts: Dict[int, Prediction]) -> List[ScalingRow]:
    """A run's table from its counts alone (no measurements): the --deck mode."""
    rows = [ScalingRow(threads) for threads in sorted(counts)]
    for row in rows:
        add_prediction(row, counts)
    return rows


def work_overheads(study: Study, predictions: Optional[Predictions] = None) -> List[Overhead]:
    """Parallel method on one thread over its sequential reference on one thread, same form,
    precision, length and batch: the price of parallelism before any thread helps."""
    overheads = []
    for key in ordered_keys(study.series):
        method, form, _, precision, length, batch = key
        if method not in REFERENCE_OF:
            continue
        reference = (REFERENCE_OF[method], form, NO_SCAN, precision, length, batch)
        parallel_run = study.series[key].get(1)
        reference_run = study.series.get(reference, {}).get(1)
        if parallel_run is None or reference_run is None:
            continue
        overhead = Overhead(key, reference, parallel_run.run.median_seconds /
                            reference_run.run.median_seconds)
        parallel_count = (predictions or {}).get(key, {}).get(1)
        reference_count = (predictions or {}).get(reference, {}).get(1)
        if parallel_count and reference_count:
            overhead.predicted = parallel_count.flops / reference_count.flops
        overheads.append(overhead)
    return overheads


# --------------------------------------------------------------------------------------------
# the prediction: the same deck, costed on simulated machines

def simulate(binary: str, deck_path: str, threads: int, workdir: str) -> Dict[RunKey, Prediction]:
    """Runs the deck in operation-count mode on `threads` simulated threads.

    Counts do not depend on the real worker count: for a simulated run the blocked scan is laid
    out for the simulated threads (experiment/runner.cpp, count_simulated), so the one real
    execution of each run (its estimates are still checked) uses one OpenMP thread and never
    oversubscribes the machine. Warm-up and repetitions are ignored in this mode."""
    out = os.path.join(workdir, f"simulated-p{threads}.h5")
    command = [binary, "run", deck_path, "-o", out, "--quiet",
               "--set", f"runs.simulate_threads={threads}"]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env)
    except OSError as err:
        raise PredictionError(f"cannot run {binary}: {err}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise PredictionError(f"{' '.join(command)} exited {done.returncode}: {last}")
    try:
        runs = load_files([out])[0].runs
    finally:
        os.remove(out)  # a time-varying deck's file holds every step's matrices: 100+ MB
    counts = {}
    for run in runs:
        span, flops = run.metric("flops_span"), run.metric("flops")
        if span is None or flops is None:
            raise PredictionError(f"{binary}: run {run.run_id} of the simulated deck has no "
                                  "flops_span/flops")
        counts[run.key] = Prediction(span, flops)
    return counts


def count_deck(binary: str, deck_path: str, thread_counts: Iterable[int],
               workdir: str) -> Predictions:
    """Counts of every run of a deck at each thread count and at one thread (the base of the
    predicted speedup)."""
    counts: Predictions = {}
    for threads in sorted(set(thread_counts) | {1}):
        for key, count in simulate(binary, deck_path, threads, workdir).items():
            counts.setdefault(key, {})[threads] = count
    return counts


def predict(binary: str, study: Study) -> Predictions:
    """Counts of every run of the study at the thread counts it was measured at, each deck
    simulated once per count. A run's deck is the one stored in its lowest-thread file (the
    files of one deck differ in output.file only). The stored deck keeps relative names as
    written, so a deck reading data.file by a relative name cannot be rerun from here; run
    --deck on the deck itself."""
    threads_of_deck: Dict[str, set] = {}
    for by_threads in study.series.values():
        deck = by_threads[min(by_threads)].deck
        if not deck:
            raise PredictionError("a file stores no deck attribute to rerun")
        threads_of_deck.setdefault(deck, set()).update(by_threads)
    predictions: Predictions = {}
    with tempfile.TemporaryDirectory(prefix="kscan-scaling-") as workdir:
        for index, (deck, thread_counts) in enumerate(threads_of_deck.items()):
            deck_path = os.path.join(workdir, f"deck-{index}.yaml")
            with open(deck_path, "w", encoding="utf-8") as handle:
                handle.write(deck)
            for key, counts in count_deck(binary, deck_path, thread_counts, workdir).items():
                predictions.setdefault(key, {}).update(counts)
    return predictions


def predict_deck(binary: str, deck_path: str, thread_counts: Sequence[int]) -> Predictions:
    """The prediction of a deck without any measured file: what a study of it should find."""
    with tempfile.TemporaryDirectory(prefix="kscan-scaling-") as workdir:
        return count_deck(binary, deck_path, thread_counts, workdir)


# --------------------------------------------------------------------------------------------
# output

def ordered_keys(keys: Iterable[RunKey]) -> List[RunKey]:
    def rank(key: RunKey):
        method, form, scan, precision, length, batch = key
        scan_rank = SCAN_ORDER.index(scan) if scan in SCAN_ORDER else len(SCAN_ORDER)
        precision_rank = (PRECISION_ORDER.index(precision) if precision in PRECISION_ORDER
                          else len(PRECISION_ORDER))
        return (length, batch, precision_rank, method_rank(method, form), scan_rank, scan)
    return sorted(keys, key=rank)


def series_title(key: RunKey) -> str:
    method, form, scan, precision, length, batch = key
    parts = [method_label(method, form)] + ([] if scan == NO_SCAN else [scan])
    parts += [precision, f"T = {length}"] + ([f"batch {batch}"] if batch > 1 else [])
    return " ".join(parts)


def times(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.3g}x"


def phases_shown(rows: Sequence[ScalingRow]) -> List[str]:
    """The phases the run spends time in (the others are 0 at every thread count)."""
    return [name for name in PHASES if any(row.phase_seconds.get(name, 0) > 0 for row in rows)]


def scaling_table(rows: Sequence[ScalingRow]) -> str:
    phases = phases_shown(rows)
    predicted = any(row.predicted for row in rows)
    headers = ["threads", "median s", "speedup", "efficiency"]
    if predicted:
        headers += ["predicted speedup", "predicted efficiency", "predicted work"]
    headers += [f"{name} s (speedup)" for name in phases]
    lines = []
    for row in rows:
        line = [row.threads, number(row.seconds), times(row.speedup), number(row.efficiency, 3)]
        if predicted:
            line += [times(row.predicted_speedup), number(row.predicted_efficiency, 3),
                     times(row.predicted_work)]
        line += [f"{number(row.phase_seconds.get(name))} ({times(row.phase_speedups.get(name))})"
                 for name in phases]
        lines.append(line)
    return markdown_table(headers, lines)


def overhead_table(overheads: Sequence[Overhead]) -> str:
    predicted = any(o.predicted is not None for o in overheads)
    headers = ["parallel", "reference", "measured t(1 thread) / t_ref(1 thread)"]
    headers += ["predicted flops / flops_ref"] if predicted else []
    lines = []
    for o in overheads:
        line = [series_title(o.parallel), method_label(o.reference[0], o.reference[1]),
                times(o.measured)]
        line += [times(o.predicted)] if predicted else []
        lines.append(line)
    return markdown_table(headers, lines)


CSV_FIELDS = (["method", "form", "scan", "precision", "length", "batch", "threads",
               "median_seconds", "speedup", "efficiency", "predicted_speedup",
               "predicted_efficiency", "predicted_work", "flops_span", "flops"] +
              [f"{name}_seconds" for name in PHASES] + [f"{name}_speedup" for name in PHASES])


def csv_records(tables: Sequence[Tuple[RunKey, List[ScalingRow]]]) -> List[dict]:
    records = []
    for key, rows in tables:
        for row in rows:
            record = dict(zip(CSV_FIELDS[:6], key))
            record.update(threads=row.threads, median_seconds=row.seconds, speedup=row.speedup,
                          efficiency=row.efficiency, predicted_speedup=row.predicted_speedup,
                          predicted_efficiency=row.predicted_efficiency,
                          predicted_work=row.predicted_work,
                          flops_span=row.predicted.span if row.predicted else None,
                          flops=row.predicted.flops if row.predicted else None)
            for name in PHASES:
                record[f"{name}_seconds"] = row.phase_seconds.get(name)
                record[f"{name}_speedup"] = row.phase_speedups.get(name)
            records.append({k: "" if v is None else v for k, v in record.items()})
    return records


def prediction_tables(predictions: Predictions) -> List[Tuple[str, str]]:
    """The --deck mode's output: per scan, precision, length and batch, one table of every
    parallel method's predicted speedup, efficiency and work by thread count (a sequential
    method's span is its work at any thread count)."""
    groups: Dict[tuple, List[RunKey]] = {}
    for key in ordered_keys(k for k in predictions if k[0] in REFERENCE_OF):
        groups.setdefault(key[1:], []).append(key)
    out = []
    for (form, scan, precision, length, batch), keys in groups.items():
        rows = {key: {row.threads: row for row in predicted_rows(predictions[key])}
                for key in keys}
        headers = ["threads"]
        for key in keys:
            label = method_label(key[0], form)
            headers += [f"{label} speedup", f"{label} efficiency", f"{label} work"]
        lines = []
        for threads in sorted(set().union(*(rows[key] for key in keys))):
            line = [threads]
            for key in keys:
                row = rows[key].get(threads, ScalingRow(threads))
                line += [times(row.predicted_speedup), number(row.predicted_efficiency, 3),
                         times(row.predicted_work)]
            lines.append(line)
        title = " ".join([scan, precision, f"T = {length}"] + ([f"batch {batch}"] if batch > 1
                                                               else []))
        out.append((f"predicted, {title}" if form == "standard" else
                    f"predicted, {form} form, {title}", markdown_table(headers, lines)))
    return out


def thread_list(text: str) -> List[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"expected thread counts like 1,2,4, got '{text}'")
    return counts


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python3 -m {PROG}",
        description="Speedup and efficiency over thread counts from one kscan file per count, "
                    "and their operation-count prediction.")
    parser.add_argument("files", nargs="*", metavar="FILE.h5",
                        help="kscan result files of the same deck(s), one per thread count")
    parser.add_argument("--predict", metavar="KSCAN",
                        help="kscan binary: add the operation-count prediction (each file's deck "
                             "rerun with runs.simulate_threads=P)")
    parser.add_argument("--deck", metavar="DECK",
                        help="no files: only predict this deck (needs --predict)")
    parser.add_argument("--threads", type=thread_list, default=[1, 2, 4, 8, 16, 32, 64],
                        metavar="P,P,...", help="thread counts of --deck (default 1,2,...,64)")
    parser.add_argument("--csv", metavar="FILE", help="also write every table row here")
    return parser


def measured_tables(study: Study,
                    predictions: Predictions) -> List[Tuple[RunKey, List[ScalingRow]]]:
    """Prints each run's table and the work overheads; returns the tables for the CSV."""
    tables = []
    for key in ordered_keys(study.series):
        rows = scaling_rows(study.series[key], predictions.get(key, {}))
        tables.append((key, rows))
        print(f"## {series_title(key)}\n")
        print(scaling_table(rows))
    overheads = work_overheads(study, predictions)
    if overheads:
        print("## Work overhead on one thread\n")
        print(overhead_table(overheads))
    for note in study.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    return tables


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if bool(args.files) == bool(args.deck):
        parser.error("give either result files or --deck")
    if args.deck and not args.predict:
        parser.error("--deck needs --predict KSCAN")
    try:
        study = collect(load_files(args.files)) if args.files else None
    except InputError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2

    predictions: Predictions = {}
    if args.predict:
        try:
            predictions = (predict(args.predict, study) if study is not None else
                           predict_deck(args.predict, args.deck, args.threads))
        except (PredictionError, InputError) as err:
            print(f"{PROG}: prediction failed: {err}", file=sys.stderr)
            return 1

    if study is not None:
        tables = measured_tables(study, predictions)
    else:
        for title, table in prediction_tables(predictions):
            print(f"## {title}\n")
            print(table)
        tables = [(key, predicted_rows(predictions[key])) for key in ordered_keys(predictions)]

    if args.csv:
        try:
            with open(args.csv, "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
                writer.writeheader()
                writer.writerows(csv_records(tables))
        except OSError as err:
            print(f"{PROG}: cannot write {args.csv}: {err}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
