"""Runs the benchmark decks (inputs/bench/) and prints the ratios against their targets.

Usage: /usr/bin/python3 -m bench.run_benchmarks [--build build/openmp] [--out results/bench]
                                                [--rounds 2] [--threads 2] [--reuse]

kscan uses one Kokkos thread count per process, so each deck that compares thread counts runs
once per count (``--kokkos-threads=N``) into its own file. The plain C++ filter runs right after
kscan's KF on the same dataset, and statsmodels' filter after it (first round only: it takes
seconds). Each ratio is taken within one round -- numbers measured back to back -- and the table
reports the median over rounds with every round's value, so the noise of a shared machine shows.
The OpenMP environment passes through (OMP_PROC_BIND defaults to spread, OMP_PLACES to threads,
as `make run`); on a machine shared with other work, OMP_WAIT_POLICY=passive keeps idle OpenMP
threads from spinning against it. ``--reuse`` keeps kscan's result files that exist.

Targets (issue 7): KF within 1.2x of the plain C++ KF on one thread; KF at least 50x faster than
statsmodels; PKF (blocked) work overhead PKF(1 thread) / KF <= 4; PKF efficiency from 1 to N
threads >= 85%; batch throughput growth 1 -> N threads >= 0.9 N (1.8x for N = 2); peak memory of
the in-place Ladner-Fischer PKF <= 1.1x its element array, Hillis-Steele <= 2.2x.

Targets (issue 16, 2 threads against 1, blocked scan): PKF speedup >= 1.8 on the time-varying
T = 2^18 deck (thread-scaling.yaml) and on the time-invariant T = 2^20 one (pkf-threads.yaml);
PKF work overhead PKF(1 thread) / KF <= 3 on the time-varying deck; PRTS and PTFS speedups
>= 1.75. Beyond two threads: scripts/slurm/kscan-thread-scaling.sbatch and docs/scaling.md.
No deck runs on more threads than this process may use (its CPU affinity).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import h5py

from analysis.load import load_file

DECKS = "inputs/bench"


@dataclass
class Row:
    quantity: str
    values: List[float]  # one per round
    target: Optional[Tuple[str, float]]  # (">=" or "<=", bound); None: informational
    how: str

    @property
    def value(self) -> float:
        return statistics.median(self.values)

    @property
    def passed(self) -> Optional[bool]:
        if self.target is None:
            return None
        op, bound = self.target
        return self.value <= bound if op == "<=" else self.value >= bound


def omp_env() -> dict:
    """As `make run`: OpenMP threads pinned one per core, so runs at 1 and N threads compare; the
    plain C++ filter (a Kokkos program too, for kscan's reader) gets the same pinning."""
    env = dict(os.environ)
    env.setdefault("OMP_PROC_BIND", "spread")
    env.setdefault("OMP_PLACES", "threads")
    return env


def kscan_run(kscan: str, deck: str, out: str, threads: int, reuse: bool) -> str:
    if reuse and os.path.exists(out):
        return out
    if os.path.exists(out):
        os.remove(out)
    command = [kscan, "run", deck, "-o", out, "--quiet", f"--kokkos-threads={threads}"]
    print("+", " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, check=True, env=omp_env())
    return out


def run_of(path: str, method: str):
    runs = [r for r in load_file(path).runs if r.method == method]
    if len(runs) != 1:
        raise SystemExit(f"{path}: expected one {method} run, found {len(runs)}")
    return runs[0]


def json_line(command: List[str]) -> dict:
    print("+", " ".join(command), file=sys.stderr, flush=True)
    out = subprocess.run(command, check=True, capture_output=True, text=True,
                         env=omp_env()).stdout
    return json.loads(out.strip().splitlines()[-1])


def number(value) -> str:
    return "n/a" if value is None else "%.3g" % value


def spread(values: List[float]) -> str:
    return "" if len(values) < 2 else " (rounds: %s)" % ", ".join("%.3g" % v for v in values)


@dataclass
class Round:
    """The measurements of one round: every timed program once, back to back."""
    kf: object               # the kscan kf run of the baseline file
    plain: dict              # kscan-bench-plain-kf's JSON line
    statsmodels: dict        # bench.statsmodels_kf's JSON line
    threads: Dict[int, str]  # pkf-threads files by thread count: 1, 2 and N
    batch: List[str]         # batch files at 1 and N threads
    scaling: Dict[int, str]  # thread-scaling files by thread count: 1 and 2


def measure_round(args, r: int, with_statsmodels: bool) -> Round:
    kscan = os.path.join(args.build, "apps/kscan/kscan")
    out = lambda name: os.path.join(args.out, f"{name}-r{r}.h5")
    baseline = kscan_run(kscan, f"{DECKS}/kf-baseline.yaml", out("kf-baseline"), 1, args.reuse)
    # The plain filter runs right after kscan's, so the pair sees the same machine load.
    plain = json_line([os.path.join(args.build, "bench/kscan-bench-plain-kf"), baseline,
                       "--kokkos-threads=1"])
    statsmodels = (json_line([sys.executable, "-m", "bench.statsmodels_kf", baseline])
                   if with_statsmodels else None)
    threads = {t: kscan_run(kscan, f"{DECKS}/pkf-threads.yaml", out(f"pkf-threads-t{t}"), t,
                            args.reuse) for t in sorted({1, 2, args.threads})}
    batch = [kscan_run(kscan, f"{DECKS}/batch.yaml", out(f"batch-t{t}"), t, args.reuse)
             for t in (1, args.threads)]
    scaling = {t: kscan_run(kscan, f"{DECKS}/thread-scaling.yaml", out(f"thread-scaling-t{t}"),
                            t, args.reuse) for t in (1, 2)}
    return Round(run_of(baseline, "kf"), plain, statsmodels, threads, batch, scaling)


def baseline_rows(rounds: List[Round]) -> List[Row]:
    kf = [r.kf.median_seconds for r in rounds]
    plain = [r.plain["median_seconds"] for r in rounds]
    sm_rounds = [r for r in rounds if r.statsmodels is not None]
    sm = [r.statsmodels["median_seconds"] for r in sm_rounds]
    first = rounds[0]
    rows = [
        Row("kscan KF, 1 thread, T = %d (s)" % first.kf.length, kf, None,
            "median of %d reps%s" % (first.kf.total_seconds.size, spread(kf))),
        Row("plain C++ KF (s)", plain, None,
            "max abs diff vs kscan KF %s; loglik %.10g vs kscan %.10g%s" % (
                number(first.plain["max_abs_diff_vs_kscan_kf"]), first.plain["loglik"],
                first.kf.metric("loglik"), spread(plain))),
        Row("KF / plain C++ KF", [k / p for k, p in zip(kf, plain)], ("<=", 1.2),
            "per round, median over rounds%s" % spread([k / p for k, p in zip(kf, plain)])),
    ]
    if sm_rounds:
        s0 = sm_rounds[0].statsmodels
        ratios = [s / r.kf.median_seconds for s, r in zip(sm, sm_rounds)]
        rows += [
            Row("statsmodels KF (s)", sm, None,
                "median of %d reps; max abs diff vs kscan KF %s; loglik %.10g%s" % (
                    s0["repetitions"], number(s0["max_abs_diff_vs_kscan_kf"]), s0["loglik"],
                    spread(sm))),
            Row("statsmodels / KF", ratios, (">=", 50), "per round%s" % spread(ratios)),
        ]
    return rows


def phases(run) -> str:
    """Median seconds of each timed phase of a run (combine: PKF's log-likelihood pass)."""
    parts = ["%s %.3g" % (name, statistics.median(values))
             for name, values in run.phase_seconds.items()
             if len(values) and statistics.median(values) > 0]
    return "phases (s): " + ", ".join(parts)


def thread_rows(rounds: List[Round], n: int) -> List[Row]:
    kf1, pkf1, kfn, pkfn = [], [], [], []
    for r in rounds:
        kf1.append(run_of(r.threads[1], "kf").median_seconds)
        pkf1.append(run_of(r.threads[1], "pkf").median_seconds)
        kfn.append(run_of(r.threads[n], "kf").median_seconds)
        pkfn.append(run_of(r.threads[n], "pkf").median_seconds)
    overhead = [p / k for p, k in zip(pkf1, kf1)]
    efficiency = [p1 / (n * pn) for p1, pn in zip(pkf1, pkfn)]
    # PKF on p threads at this efficiency takes overhead * t_kf / (p * efficiency).
    break_even = [o / e for o, e in zip(overhead, efficiency)]
    return [
        Row("KF, 1 thread (s)", kf1, None, "pkf-threads deck%s" % spread(kf1)),
        Row("KF, %d threads (s)" % n, kfn, None, "runs on one thread either way%s" % spread(kfn)),
        Row("PKF blocked, 1 thread (s)", pkf1, None,
            phases(run_of(rounds[0].threads[1], "pkf")) + spread(pkf1)),
        Row("PKF blocked, %d threads (s)" % n, pkfn, None,
            phases(run_of(rounds[0].threads[n], "pkf")) + spread(pkfn)),
        Row("work overhead PKF(1 thread) / KF", overhead, ("<=", 4),
            "same file%s" % spread(overhead)),
        Row("PKF efficiency 1 -> %d threads" % n, efficiency, (">=", 0.85),
            "t1 / (%d t%d)%s" % (n, n, spread(efficiency))),
        Row("PKF break-even thread count (estimate)", break_even, None,
            "overhead / efficiency, if the efficiency held%s" % spread(break_even)),
    ]


def two_vs_one(files: List[Dict[int, str]], method: str) -> List[float]:
    """Per round, the method's median on 1 thread over its median on 2 (same deck)."""
    return [run_of(f[1], method).median_seconds / run_of(f[2], method).median_seconds
            for f in files]


def scaling_rows(rounds: List[Round]) -> List[Row]:
    """Issue 16's 2-vs-1 targets. Time-varying T = 2^18 from thread-scaling.yaml, time-invariant
    T = 2^20 from pkf-threads.yaml; each ratio within one round."""
    scaling = [r.scaling for r in rounds]
    rows = []
    for method in ("pkf", "prts", "ptfs"):
        for t in (1, 2):
            seconds = [run_of(f[t], method).median_seconds for f in scaling]
            rows.append(Row("%s blocked, %d thread%s, time-varying 2^18 (s)" % (
                method.upper(), t, "s" if t > 1 else ""), seconds, None,
                phases(run_of(scaling[0][t], method)) + spread(seconds)))
    pkf_tv = two_vs_one(scaling, "pkf")
    pkf_ti = two_vs_one([r.threads for r in rounds], "pkf")
    overhead = [run_of(f[1], "pkf").median_seconds / run_of(f[1], "kf").median_seconds
                for f in scaling]
    prts, ptfs = two_vs_one(scaling, "prts"), two_vs_one(scaling, "ptfs")
    return rows + [
        Row("PKF blocked 2-vs-1 speedup, time-varying 2^18", pkf_tv, (">=", 1.8),
            "t1 / t2, thread-scaling deck%s" % spread(pkf_tv)),
        Row("PKF blocked 2-vs-1, time-invariant 2^20", pkf_ti, (">=", 1.8),
            "t1 / t2, pkf-threads deck%s" % spread(pkf_ti)),
        Row("PKF work overhead 1 thread / KF, time-varying 2^18", overhead, ("<=", 3),
            "same file%s" % spread(overhead)),
        Row("PRTS blocked 2-vs-1", prts, (">=", 1.75),
            "t1 / t2, thread-scaling deck%s" % spread(prts)),
        Row("PTFS blocked 2-vs-1", ptfs, (">=", 1.75),
            "t1 / t2, thread-scaling deck%s" % spread(ptfs)),
    ]


def batch_rows(rounds: List[Round], n: int) -> List[Row]:
    rows = []
    for method in ("kf", "pkf"):
        one = [run_of(r.batch[0], method) for r in rounds]
        many = [run_of(r.batch[1], method) for r in rounds]
        growth = [m.throughput_msps / o.throughput_msps for o, m in zip(one, many)]
        rows.append(Row("batch %s throughput growth 1 -> %d threads" % (method, n), growth,
                        (">=", 0.9 * n) if method == "pkf" else None,
                        "B = %d, T = %d: %.3g -> %.3g MS/s%s" % (
                            one[0].batch, one[0].length, one[0].throughput_msps,
                            many[0].throughput_msps, spread(growth))))
    return rows


def memory_rows(path: str) -> List[Row]:
    """peak_memory_bytes over the element array, per scan at the largest T; and the scan's own
    footprint (elements + scan workspace), which leaves out what every method holds: the
    results (mean, cov), the measurements and the model."""
    with h5py.File(path, "r") as f:
        model_bytes = {name: sum(g[k].size for k in ("F", "c", "Q", "H", "d", "R", "m0", "P0")) * 8
                       for name, g in f["datasets"].items()}
        shapes = {name: g["y"].shape for name, g in f["datasets"].items()}
    nx = 4
    limits = {"ladner_fischer": 1.1, "hillis_steele": 2.2}
    by_scan = {}
    for run in load_file(path).runs:
        length, ny = shapes[run.dataset]
        element_array = (length + 1) * nx * (3 * nx + 2) * 8
        held = length * (nx + nx * nx) * 8 + length * ny * 8 + model_bytes[run.dataset] + 8
        peak = run.metric("peak_memory_bytes")
        by_scan.setdefault(run.scan, []).append(
            (length, peak / element_array, (peak - held) / element_array, peak / length))
    rows = []
    for scan, points in by_scan.items():
        points.sort()
        length, ratio, footprint, _ = points[-1]
        limit = limits.get(scan)
        per_step = ", ".join("%d: %.0f" % (t, b) for t, _, _, b in points)
        rows.append(Row("PKF %s: peak / element array, T = %d" % (scan, length), [ratio],
                        ("<=", limit) if limit else None,
                        "(elements + scan workspace) / elements %.3f; peak bytes per step "
                        "at T = %s" % (footprint, per_step)))
    return rows


def print_table(rows: List[Row]) -> None:
    print("| quantity | value | target | result | how |")
    print("|---|---|---|---|---|")
    for r in rows:
        target = "" if r.target is None else "%s %g" % r.target
        result = "" if r.passed is None else ("pass" if r.passed else "FAIL")
        print(f"| {r.quantity} | {r.value:.4g} | {target} | {result} | {r.how} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build/openmp")
    parser.add_argument("--out", default="results/bench")
    parser.add_argument("--threads", type=int, default=2, help="the N of the 1 -> N comparisons")
    parser.add_argument("--rounds", type=int, default=2,
                        help="times every timed program runs; ratios are taken per round and "
                             "their median is reported (statsmodels runs in the first round)")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    # An oversubscribed thread count times the OS scheduler, not the method.
    cores = len(os.sched_getaffinity(0))
    if max(args.threads, 2) > cores:
        parser.error("this process may use %d CPUs; the benchmarks need %d threads (--threads, "
                     "and issue 16's 2-vs-1 runs)" % (cores, max(args.threads, 2)))

    os.makedirs(args.out, exist_ok=True)
    load_before = os.getloadavg()[0]
    rounds = [measure_round(args, r, with_statsmodels=r == 0) for r in range(args.rounds)]
    memory = kscan_run(os.path.join(args.build, "apps/kscan/kscan"), f"{DECKS}/memory.yaml",
                       os.path.join(args.out, f"memory-t{args.threads}.h5"), args.threads,
                       args.reuse)
    rows = (baseline_rows(rounds) + thread_rows(rounds, args.threads) + scaling_rows(rounds) +
            batch_rows(rounds, args.threads) + memory_rows(memory))
    # Timings on a shared machine depend on what else runs: say what it was.
    omp = ", ".join("%s=%s" % (k, os.environ.get(k, "unset") if k != "OMP_PROC_BIND" else
                               os.environ.get(k, "spread (default here)"))
                    for k in ("OMP_PROC_BIND", "OMP_WAIT_POLICY"))
    print("Conditions: %s UTC, %s, %d logical CPUs, load average %.1f before / %.1f after, %s, "
          "%d rounds\n" % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()), platform.node(),
                           os.cpu_count(), load_before, os.getloadavg()[0], omp, args.rounds))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
