"""Compares two kscan result files (tests of `mpirun -n N kscan run`, mpi_cli_test.sh).

    compare_results.py same A B
        B holds what A holds: the same groups, datasets and attributes with equal values, except
        what depends on the clock or the moment (timing arrays: shapes only; the time metrics;
        `created`) -- so a file written by N ranks is the file one process writes.
    compare_results.py estimates A B TOLERANCE [METHOD]
        every run of METHOD (all when absent) in A is in B with the same key, and its
        estimates/mean, estimates/cov and loglik agree to TOLERANCE relative to max(1, |B|).
Prints each difference; exit 1 when there is one.
"""
import sys

import h5py
import numpy as np

CLOCK = {"median_seconds", "min_seconds", "mean_seconds", "throughput_msps", "achieved_gflops",
         "mfu", "speedup_vs_sequential", "created"}


def equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
        return False
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    if a.dtype.names:
        return all(equal(a[n], b[n]) for n in a.dtype.names)
    return bool(np.array_equal(a, b))


def compare_same(fa, fb):
    problems = []

    def attributes(path, oa, ob):
        if set(oa.attrs) != set(ob.attrs):
            problems.append(f"{path}: attributes {sorted(oa.attrs)} vs {sorted(ob.attrs)}")
        for name in set(oa.attrs) & set(ob.attrs):
            if name not in CLOCK and not equal(oa.attrs[name], ob.attrs[name]):
                problems.append(f"{path}@{name}: {oa.attrs[name]!r} vs {ob.attrs[name]!r}")

    def visit(path, oa, ob):
        attributes(path, oa, ob)
        if isinstance(oa, h5py.Dataset):
            if "/timing/" in path:
                if oa.shape != ob.shape:
                    problems.append(f"{path}: shape {oa.shape} vs {ob.shape}")
            elif path == "/summary":
                names = [n for n in oa.dtype.names if n not in CLOCK]
                if oa.dtype.names != ob.dtype.names or oa.shape != ob.shape:
                    problems.append(f"{path}: columns or rows differ")
                else:
                    for n in names:
                        if not equal(oa[n], ob[n]):
                            problems.append(f"{path}[{n}] differs")
            elif not equal(oa[()], ob[()]):
                problems.append(f"{path}: values differ")
            return
        if set(oa) != set(ob):
            problems.append(f"{path}: members {sorted(oa)} vs {sorted(ob)}")
        for name in sorted(set(oa) & set(ob)):
            visit(f"{path.rstrip('/')}/{name}", oa[name], ob[name])

    visit("/", fa, fb)
    return problems


def compare_estimates(fa, fb, tolerance, method):
    problems = []
    runs = [r for r in fa["runs"] if method is None or fa["runs"][r].attrs["method"] == method]
    if not runs:
        problems.append(f"no {method} runs in the first file")
    for run in runs:
        if run not in fb["runs"]:
            problems.append(f"/runs/{run} missing")
            continue
        a, b = fa["runs"][run], fb["runs"][run]
        pairs = [(a["estimates/mean"][()], b["estimates/mean"][()], "mean"),
                 (a["estimates/cov"][()], b["estimates/cov"][()], "cov"),
                 (a.attrs["loglik"], b.attrs["loglik"], "loglik")]
        for x, y, name in pairs:
            x, y = np.asarray(x), np.asarray(y)
            if x.shape != y.shape:
                problems.append(f"{run} {name}: shape {x.shape} vs {y.shape}")
                continue
            scale = max(1.0, float(np.max(np.abs(y))) if y.size else 1.0)
            worst = float(np.max(np.abs(x - y))) / scale if y.size else 0.0
            print(f"{run} {name}: max relative difference {worst:.3e}")
            if not worst <= tolerance:
                problems.append(f"{run} {name}: {worst:.3e} > {tolerance}")
    return problems


def main(argv):
    mode = argv[1]
    with h5py.File(argv[2], "r") as fa, h5py.File(argv[3], "r") as fb:
        if mode == "same":
            problems = compare_same(fa, fb)
        else:
            problems = compare_estimates(fa, fb, float(argv[4]), argv[5] if len(argv) > 5 else None)
    for p in problems:
        print("DIFFERENT:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
