#!/usr/bin/env python3
"""The device check's table from kscan's JSONL summaries (standard library only: the GPU machine
may have no numpy or h5py).

    python3 scripts/gpu_table.py results/gpu/*.jsonl

One row per run: method, scan, length, median time, speedup over the sequential method on the
same device (the one-GPU-thread KF, RTS or TFS; kscan's speedup_vs_sequential), achieved GFLOP/s
and MFU (kscan's, present only when the device's peak is in its table), and a bandwidth figure:
the run's peak device memory divided by its median time. Every byte allocated is written or read
at least once per solve, so this is a lower bound of the traffic; it is set against the device's
data-sheet memory bandwidth where the device is listed below.
"""
import json
import sys

# Data-sheet HBM bandwidths, GB/s (vendor specifications), matched on the device name.
PEAK_BANDWIDTH_GBS = [
    ("H200", 4800.0),
    ("H100 PCIe", 2000.0),
    ("H100", 3350.0),
    ("A100-SXM4-80GB", 2039.0),
    ("A100", 1555.0),
]


def peak_bandwidth(device):
    for name, gbs in PEAK_BANDWIDTH_GBS:
        if name in device:
            return gbs
    return None


def fmt(value, spec, missing="-"):
    return missing if value is None else format(value, spec)


def main(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            rows += [json.loads(line) for line in f if line.strip()]
    if not rows:
        sys.exit("gpu_table: no runs in " + " ".join(paths))
    header = ["method", "scan", "T", "median ms", "speedup", "GFLOP/s", "MFU", "GB/s (>=)",
              "% peak BW", "device"]
    table = []
    for r in rows:
        seconds = r.get("median_seconds")
        memory = r.get("peak_memory_bytes")
        device = r.get("threads_or_device") or ""
        gbs = memory / seconds / 1e9 if memory and seconds else None
        peak = peak_bandwidth(device)
        table.append([
            r["method"] + ("" if r.get("form", "standard") == "standard" else " (" + r["form"] + ")"),
            r.get("scan", "none"), str(r.get("length")), fmt(seconds and seconds * 1e3, ".3f"),
            fmt(r.get("speedup_vs_sequential"), ".1f"), fmt(r.get("achieved_gflops"), ".1f"),
            fmt(r.get("mfu") and r["mfu"] * 100, ".2f") + ("%" if r.get("mfu") else ""),
            fmt(gbs, ".1f"), fmt(gbs and peak and 100 * gbs / peak, ".1f"), device])
    widths = [max(len(row[i]) for row in [header] + table) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths]] + table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))


if __name__ == "__main__":
    main(sys.argv[1:])
