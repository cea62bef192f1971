"""The Kalman filter of statsmodels on a dataset of a kscan results file, timed and checked.

Usage: /usr/bin/python3 -m bench.statsmodels_kf FILE [--dataset NAME] [--warmup N] [--repetitions N]

Prints one JSON line: median seconds of ``KalmanFilter.filter()`` over the repetitions (after the
warm-up calls), throughput, log-likelihood, and the max |difference| of the filtered means and
covariances against kscan's float64 ``kf`` run stored in the same file (null when there is none).

Conventions. kscan stores x_0 ~ N(m0, P0), x_{i+1} = F[i] x_i + c[i] + q, y[i] = H[i] x_{i+1} +
d[i] + r. statsmodels' state alpha_t is the state that y[t] observes, so alpha_t = x_{t+1}: its
initial state alpha_0 ~ N(F[0] m0 + c[0], F[0] P0 F[0]ᵀ + Q[0]) and its transition from t to t+1
is F[t+1], c[t+1], Q[t+1]. Its filtered_state[:, t] is then kscan's mean[t]. statsmodels updates
the covariance in the conventional form P⁻ − K S Kᵀ (not Joseph's), and for a time-invariant model
stops updating covariances once they have converged (its default); both change the results only
at rounding level.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import h5py
import numpy as np
from statsmodels.tsa.statespace.kalman_filter import KalmanFilter


def read_dataset(path: str, name: str | None):
    with h5py.File(path, "r") as f:
        names = list(f["datasets"].keys())
        if name is None:
            if len(names) != 1:
                raise SystemExit(f"{path}: {len(names)} datasets; choose one with --dataset")
            name = names[0]
        g = f["datasets"][name]
        arrays = {key: np.asarray(g[key][...], dtype=np.float64)
                  for key in ("F", "c", "Q", "H", "d", "R", "m0", "P0", "y")}
    return name, arrays


def read_kscan_kf(path: str, dataset: str):
    """Filtered means, covariances and log-likelihood of kscan's float64 kf run, or None."""
    with h5py.File(path, "r") as f:
        for run_id, run in f.get("runs", {}).items():
            a = run.attrs
            text = lambda key: a[key].decode() if isinstance(a[key], bytes) else str(a[key])
            if (text("method"), text("precision"), text("dataset")) != ("kf", "float64", dataset):
                continue
            if "estimates" in run:
                return (run_id, run["estimates/mean"][...], run["estimates/cov"][...],
                        float(a["loglik"]))
    return None


def slots(stack: np.ndarray, first: int, length: int) -> np.ndarray:
    """Slots first..first+length-1 of a [S, ...] stack as statsmodels' [..., length] array.

    A time-invariant stack (S = 1) stays one matrix. Past the end, the last slot repeats: the
    transition out of the final state is never used by the filter.
    """
    if stack.shape[0] == 1:
        return stack[0]
    index = np.minimum(np.arange(first, first + length), stack.shape[0] - 1)
    return np.ascontiguousarray(np.moveaxis(stack[index], 0, -1))


def build_filter(a) -> KalmanFilter:
    length, ny = a["y"].shape
    nx = a["m0"].shape[0]
    kf = KalmanFilter(k_endog=ny, k_states=nx)
    kf.bind(a["y"])
    kf["design"] = slots(a["H"], 0, length)
    kf["obs_intercept"] = slots(a["d"], 0, length)
    kf["obs_cov"] = slots(a["R"], 0, length)
    kf["transition"] = slots(a["F"], 1, length)
    kf["state_intercept"] = slots(a["c"], 1, length)
    kf["state_cov"] = slots(a["Q"], 1, length)
    kf["selection"] = np.eye(nx)
    F0, c0, Q0 = a["F"][0], a["c"][0], a["Q"][0]
    kf.initialize_known(F0 @ a["m0"] + c0, F0 @ a["P0"] @ F0.T + Q0)
    return kf


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--dataset")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)

    name, arrays = read_dataset(args.file, args.dataset)
    if np.isnan(arrays["y"]).any():
        raise SystemExit(f"{args.file}: dataset {name} has missing measurements; not supported")
    kf = build_filter(arrays)
    for _ in range(args.warmup):
        kf.filter()
    seconds = []
    for _ in range(args.repetitions):
        start = time.perf_counter()
        result = kf.filter()
        seconds.append(time.perf_counter() - start)

    length = arrays["y"].shape[0]
    median = float(np.median(seconds))
    out = {"name": "statsmodels_kf", "file": args.file, "dataset": name, "length": length,
           "warmup": args.warmup, "repetitions": args.repetitions, "median_seconds": median,
           "min_seconds": float(np.min(seconds)), "throughput_msps": length / median / 1e6,
           "loglik": float(result.llf), "reference_run": None, "reference_loglik": None,
           "max_abs_diff_vs_kscan_kf": None}
    reference = read_kscan_kf(args.file, name)
    if reference is not None:
        run_id, mean, cov, loglik = reference
        diff_mean = np.max(np.abs(result.filtered_state.T - mean))
        diff_cov = np.max(np.abs(np.moveaxis(result.filtered_state_cov, -1, 0) - cov))
        out.update(reference_run=run_id, reference_loglik=loglik,
                   max_abs_diff_vs_kscan_kf=float(max(diff_mean, diff_cov)))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
