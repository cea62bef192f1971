"""PNG figures of kscan results, drawn with matplotlib's Agg backend (no display needed).

Why these figures: they are the ones the paper (seeds/001, section VI) and the benchmark seeds
use to argue -- time against series length on log-log axes with one line per scan, bars at a
few lengths, speedup over the sequential reference, throughput per backend and precision, and a
scan x length heatmap -- so a kscan run can be set beside them. Every function draws one kind of
figure for a selection of files and returns a ``Figure`` (file name and caption) for the report,
or None when the selection holds nothing to draw.

Conventions kept across all figures so that one look is enough:
* a scan has the same colour everywhere (sequential references are black);
* files are told apart by line style (lines) or hatching (bars), named by their label
  (execution space + basename) in a legend placed outside the axes;
* lengths are on a log2 axis, times on a log10 axis with units in the label.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.ticker import (FuncFormatter, LogFormatterSciNotation,  # noqa: E402
                               LogLocator, NullFormatter)
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import derive  # noqa: E402
from .load import (FLOPS_SPAN, NO_SCAN, REFERENCE_OF, SCAN_ORDER, ResultFile,  # noqa: E402
                   order_values)

DPI = 110
LINE_STYLES = ["-", "--", ":", "-."]
HATCHES = ["", "//", "..", "xx", "\\\\", "++"]
BATCH_MARKERS = ["o", "s", "^", "D", "v", "P"]
_TAB10 = plt.get_cmap("tab10").colors
FILE_COLOURS = plt.get_cmap("Dark2").colors


@dataclass
class Figure:
    """A written figure: its file name inside the output directory and what it shows."""

    filename: str
    title: str
    caption: str


def cost_label(kind: str) -> str:
    if kind == FLOPS_SPAN:
        return "operations on the critical path (flops_span)"
    return "median time [s]"


def cost_noun(kind: str) -> str:
    return "operation count" if kind == FLOPS_SPAN else "time"


def scan_colour(scan: str):
    if scan == NO_SCAN:
        return "black"
    if scan in SCAN_ORDER:
        return _TAB10[SCAN_ORDER.index(scan) % len(_TAB10)]
    return _TAB10[(len(SCAN_ORDER) + abs(hash(scan))) % len(_TAB10)]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


def _panel_methods(variants) -> List[derive.Variant]:
    """Parallel methods get a panel per form (their reference in that form is drawn in it); a
    sequential method gets its own panel only when its parallel counterpart is absent."""
    present = set(variants)
    parallel_of = {ref: par for par, ref in REFERENCE_OF.items()}
    panels = []
    for method, form in derive.order_variants(present):
        if method in REFERENCE_OF or (parallel_of.get(method), form) not in present:
            panels.append((method, form))
    return panels


def _grid(n_panels: int, width: float = 4.6, height: float = 3.6, sharey=True):
    ncols = min(3, n_panels)
    nrows = math.ceil(n_panels / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows),
                             sharey=sharey, squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n_panels:]:
        ax.set_visible(False)
    return fig, flat[:n_panels]


def _log2_length_axis(ax, lengths: Sequence[int]) -> None:
    """Log2 axis with a tick at each measured length (thinned to at most 8 labels)."""
    ax.set_xscale("log", base=2)
    ax.set_xlabel("series length T [time steps]")
    lengths = sorted(set(int(t) for t in lengths))
    if lengths:
        step = max(1, math.ceil(len(lengths) / 8))
        ticks = lengths[::step]
        ax.set_xticks(ticks)
        ax.set_xticklabels([_length_tick(t) for t in ticks])
        ax.xaxis.set_minor_formatter(NullFormatter())


def _label_log_minor_ticks(ax, plain: bool = False) -> None:
    """On a log y axis spanning under three decades, label the 2x and 5x ticks as well, so
    that a reader does not have to interpolate between two powers of ten. `plain` writes
    0.5, 2, 20 instead of 5x10^-1 (for ratios). Call it after everything is drawn (the limits
    must be final)."""
    low, high = ax.get_ylim()
    if plain:
        formatter = FuncFormatter(lambda value, _: f"{value:g}")
        ax.yaxis.set_major_formatter(formatter)
    if high / low < 1e3:
        ax.yaxis.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)))
        if plain:
            ax.yaxis.set_minor_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        else:
            ax.yaxis.set_minor_formatter(LogFormatterSciNotation(labelOnlyBase=False,
                                                                 minor_thresholds=(10, 10)))
        ax.tick_params(axis="y", which="minor", labelsize=8)


def _style_handles(scans: Sequence[str], files: Sequence[ResultFile], file_indices,
                   batches: Sequence[int], with_reference: bool) -> List:
    """Legend entries: one per scan (colour), per file (line style), per batch (marker)."""
    handles = []
    if with_reference:
        handles.append(Line2D([], [], color="black", marker="x", label="sequential reference"))
    for scan in scans:
        if scan != NO_SCAN:
            handles.append(Line2D([], [], color=scan_colour(scan), marker="o", label=scan))
    if len(file_indices) > 1:
        for i in file_indices:
            handles.append(Line2D([], [], color="0.35", linestyle=LINE_STYLES[i % 4],
                                  label=files[i].label))
    if len(batches) > 1:
        for j, batch in enumerate(batches):
            handles.append(Line2D([], [], color="0.35", linestyle="", label=f"batch {batch}",
                                  marker=BATCH_MARKERS[j % len(BATCH_MARKERS)]))
    return handles


def _save(fig, out_dir: str, filename: str) -> None:
    fig.savefig(os.path.join(out_dir, filename), dpi=DPI, bbox_inches="tight")
    plt.close(fig)


def _legend_right(fig, handles) -> None:
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)


def _files_title(files: Sequence[ResultFile], indices) -> str:
    return " vs ".join(files[i].label for i in indices)


def _kind_prefix(kind: str) -> str:
    return "opcount_" if kind == FLOPS_SPAN else ""


# --------------------------------------------------------------------------------------------

def time_vs_length(files: Sequence[ResultFile], kind: str, precision: str,
                   out_dir: str) -> Optional[Figure]:
    """Cost against T, log-log, one panel per method, one line per scan (paper Figs. 6, 8, 10)."""
    curves = derive.cost_curves(files, kind, precision)
    if not curves:
        return None
    panels = _panel_methods({c.variant for c in curves})
    batches = sorted({c.batch for c in curves})
    file_indices = sorted({c.file_index for c in curves})
    fig, axes = _grid(len(panels))
    for ax, variant in zip(axes, panels):
        reference = derive.reference_variant(variant)
        for curve in curves:
            is_reference = curve.variant == reference
            if curve.variant != variant and not is_reference:
                continue
            colour = "black" if is_reference or curve.scan == NO_SCAN else scan_colour(curve.scan)
            marker = BATCH_MARKERS[batches.index(curve.batch) % len(BATCH_MARKERS)]
            if is_reference and len(batches) == 1:
                marker = "x"
            ax.plot(curve.lengths, curve.values, color=colour, marker=marker, markersize=4,
                    linestyle=LINE_STYLES[curve.file_index % 4],
                    linewidth=1.3 if not is_reference else 1.0)
        _log2_length_axis(ax, [t for c in curves for t in c.lengths])
        ax.set_yscale("log")
        label = derive.variant_label(variant)
        ax.set_title(label if not reference else
                     f"{label}  (black: {derive.variant_label(reference)})")
        ax.grid(True, which="major", alpha=0.3)
    for ax in axes[:: min(3, len(panels))]:
        ax.set_ylabel(cost_label(kind))
    _label_log_minor_ticks(axes[0])  # shared y axis
    scans = order_values({c.scan for c in curves}, SCAN_ORDER)
    has_reference = any(derive.is_parallel_variant(v) for v in panels)
    _legend_right(fig, _style_handles(scans, files, file_indices, batches, has_reference))
    title = f"{cost_noun(kind).capitalize()} vs series length, {precision} — " \
            f"{_files_title(files, file_indices)}"
    fig.suptitle(title)
    fig.tight_layout()
    filename = f"{_kind_prefix(kind)}time_vs_length_{precision}.png"
    _save(fig, out_dir, filename)
    return Figure(filename, title,
                  f"{cost_label(kind)} against T (log-log); one panel per method, one colour per "
                  "scan, the black line is the sequential reference of that method"
                  + ("; line style tells the files apart" if len(file_indices) > 1 else "") + ".")


def bars_at_lengths(files: Sequence[ResultFile], kind: str, precision: str,
                    lengths: Sequence[int], out_dir: str) -> Optional[Figure]:
    """Bars of cost per method and scan at a few lengths (paper Figs. 7, 9, 11). In the group
    of a parallel method a black line marks its sequential reference, so a bar below the line
    is a parallel run that beats it."""
    curves = derive.cost_curves(files, kind, precision)
    points: Dict[tuple, float] = {}
    for c in curves:
        for length, value in zip(c.lengths, c.values):
            points[(int(length), c.variant, c.scan, c.file_index, c.batch)] = value
    lengths = [t for t in lengths if any(key[0] == t for key in points)]
    if not lengths:
        return None
    variants = derive.order_variants(c.variant for c in curves)
    scan_order = (NO_SCAN,) + SCAN_ORDER
    file_indices = sorted({c.file_index for c in curves})
    batches = sorted({c.batch for c in curves})
    n_slots = max(sum(1 for key in points if key[0] == t and key[1] == v)
                  for t in lengths for v in variants)
    bar_w = 0.8 / max(n_slots, 1)
    width = max(7.0, 0.16 * n_slots * len(variants) + 2.0)
    fig, axes = plt.subplots(len(lengths), 1, figsize=(width, 3.3 * len(lengths)), squeeze=False)
    scans_seen = set()
    for ax, length in zip(axes[:, 0], lengths):
        for g, variant in enumerate(variants):
            keys = sorted((k for k in points if k[0] == length and k[1] == variant),
                          key=lambda k: ((scan_order + (k[2],)).index(k[2]), k[3], k[4]))
            left = g - bar_w * len(keys) / 2
            for b, key in enumerate(keys):
                scans_seen.add(key[2])
                ax.bar(left + bar_w * (b + 0.5), points[key], width=bar_w * 0.92,
                       color=scan_colour(key[2]), hatch=HATCHES[key[3] % len(HATCHES)],
                       edgecolor="white", linewidth=0.4)
            reference = derive.reference_variant(variant)
            for index in file_indices:
                for batch in batches:
                    value = points.get((length, reference, NO_SCAN, index, batch))
                    if value is not None and keys:
                        ax.hlines(value, g - 0.45, g + 0.45, colors="black", linewidth=1.2,
                                  linestyles=LINE_STYLES[index % 4])
        ax.set_xticks(range(len(variants)))
        ax.set_xticklabels([derive.variant_label(v) for v in variants])
        ax.set_xlim(-0.6, len(variants) - 0.4)
        ax.set_yscale("log")
        ax.set_ylabel(cost_label(kind))
        ax.set_title(f"T = {length}")
        ax.grid(True, axis="y", which="major", alpha=0.3)
        _label_log_minor_ticks(ax)
    handles = []
    for scan in sorted(scans_seen, key=lambda s: (scan_order + (s,)).index(s)):
        handles.append(Patch(facecolor=scan_colour(scan), label=derive.scan_label(scan)))
    if any(derive.is_parallel_variant(v) for v in variants):
        handles.append(Line2D([], [], color="black", label="sequential reference\n"
                              "of the parallel method"))
    if len(file_indices) > 1:
        for i in file_indices:
            handles.append(Patch(facecolor="0.75", edgecolor="0.2",
                                 hatch=HATCHES[i % len(HATCHES)], label=files[i].label))
    if len(batches) > 1:
        handles.append(Patch(facecolor="none", edgecolor="none",
                             label="bars per batch: " + ", ".join(map(str, batches))))
    _legend_right(fig, handles)
    title = f"{cost_noun(kind).capitalize()} at selected lengths, {precision} — " \
            f"{_files_title(files, file_indices)}"
    fig.suptitle(title)
    fig.tight_layout()
    filename = f"{_kind_prefix(kind)}time_at_lengths_{precision}.png"
    _save(fig, out_dir, filename)
    return Figure(filename, title,
                  f"{cost_label(kind)} at T = {', '.join(map(str, lengths))}; bars grouped by "
                  "method, coloured by scan (black: sequential variants); the black line across a "
                  "parallel group is its sequential reference"
                  + (" (line style per file); hatching tells the files apart"
                     if len(file_indices) > 1 else "")
                  + ". Log scale: equal gaps are equal ratios.")


def speedup_vs_length(files: Sequence[ResultFile], kind: str, precision: str,
                      out_dir: str) -> Optional[Figure]:
    """Speedup of each parallel method over its sequential reference (paper Figs. 14, 15)."""
    curves = derive.speedup_curves(files, kind, precision)
    if not curves:
        return None
    panels = derive.order_variants(c.variant for c in curves)
    batches = sorted({c.batch for c in curves})
    file_indices = sorted({c.file_index for c in curves})
    fig, axes = _grid(len(panels))
    for ax, variant in zip(axes, panels):
        for curve in curves:
            if curve.variant != variant:
                continue
            ax.plot(curve.lengths, curve.values, color=scan_colour(curve.scan),
                    marker=BATCH_MARKERS[batches.index(curve.batch) % 6], markersize=4,
                    linestyle=LINE_STYLES[curve.file_index % 4], linewidth=1.3)
        ax.axhline(1.0, color="black", linewidth=1.0, linestyle="-", alpha=0.8)
        _log2_length_axis(ax, [t for c in curves for t in c.lengths])
        ax.set_yscale("log")
        ax.set_title(f"{derive.variant_label(variant)} over "
                     f"{derive.variant_label(derive.reference_variant(variant))}")
        ax.grid(True, which="major", alpha=0.3)
    for ax in axes[:: min(3, len(panels))]:
        ax.set_ylabel("speedup (reference / parallel)")
    _label_log_minor_ticks(axes[0], plain=True)  # shared y axis
    scans = order_values({c.scan for c in curves}, SCAN_ORDER)
    handles = _style_handles(scans, files, file_indices, batches, False)
    handles.insert(0, Line2D([], [], color="black", label="break-even (speedup 1)"))
    _legend_right(fig, handles)
    title = f"Speedup over the sequential reference, {precision} — " \
            f"{_files_title(files, file_indices)}"
    fig.suptitle(title)
    fig.tight_layout()
    filename = f"{_kind_prefix(kind)}speedup_vs_length_{precision}.png"
    _save(fig, out_dir, filename)
    return Figure(filename, title,
                  f"speedup = reference {cost_noun(kind)} / parallel {cost_noun(kind)} at the same "
                  "T, precision and file (kf for pkf, rts for prts, tfs for ptfs); above the "
                  "black line the parallel method is faster.")


def throughput_bars(files: Sequence[ResultFile], out_dir: str) -> Optional[Figure]:
    """Throughput in MS/s per method, backend and precision (seeds/000)."""
    entries = derive.best_throughputs(files)
    if not entries:
        return None
    variants = derive.order_variants((e.method, e.form) for e in entries)
    combos = sorted({(e.file_index, e.precision, e.batch) for e in entries},
                    key=lambda c: (c[0], c[1], c[2]))
    precisions = sorted({c[1] for c in combos})
    multi_batch = len({c[2] for c in combos}) > 1
    width = max(7.0, 0.35 * len(combos) * len(variants) + 2.5)
    fig, ax = plt.subplots(figsize=(width, 4.2))
    bar_w = 0.8 / len(combos)
    values = []
    for entry in entries:
        g = variants.index((entry.method, entry.form))
        b = combos.index((entry.file_index, entry.precision, entry.batch))
        x = g - 0.4 + bar_w * (b + 0.5)
        ax.bar(x, entry.msps, width=bar_w * 0.95,
               color=FILE_COLOURS[entry.file_index % len(FILE_COLOURS)],
               hatch=HATCHES[precisions.index(entry.precision) % len(HATCHES)],
               edgecolor="white", linewidth=0.4)
        values.append(entry.msps)
        note = "" if entry.scan == NO_SCAN else entry.scan
        if multi_batch:
            note = f"{note} batch {entry.batch}".strip()
        if note:
            ax.text(x, entry.msps, f" {note}", rotation=90, ha="center", va="bottom",
                    fontsize=7)
    ax.set_xticks(range(len(variants)))
    ax.set_xticklabels([derive.variant_label(v) for v in variants])
    if max(values) / max(min(values), 1e-300) > 30:
        ax.set_yscale("log")
        ax.set_ylim(top=max(values) * 8)
    else:
        ax.set_ylim(0, max(values) * 1.35)
    ax.set_ylabel("throughput [MS/s] (T × batch / median)")
    ax.grid(True, axis="y", alpha=0.3)
    handles = [Patch(facecolor=FILE_COLOURS[i % len(FILE_COLOURS)], label=files[i].label)
               for i in sorted({c[0] for c in combos})]
    handles += [Patch(facecolor="0.8", edgecolor="0.2", hatch=HATCHES[j % len(HATCHES)],
                      label=p) for j, p in enumerate(precisions)]
    _legend_right(fig, handles)
    lengths = sorted({e.length for e in entries})
    title = "Throughput per method, backend and precision"
    at = f"at T = {lengths[0]}, the largest timed length" if len(lengths) == 1 else \
        "at the largest timed length of each method"
    ax.set_title(f"{title}\n({at}; parallel variants: the fastest scan, named on the bar)",
                 fontsize=10)
    fig.tight_layout()
    filename = "throughput.png"
    _save(fig, out_dir, filename)
    return Figure(filename, title,
                  "mega-samples per second at the largest timed length of each method; colour is "
                  "the file (backend), hatching the precision; for parallel variants the fastest "
                  "scan at that length, whose name is written on the bar.")


def scan_length_heatmap(files: Sequence[ResultFile], index: int, precision: str, batch: int,
                        show_batch: bool, out_dir: str) -> Optional[Figure]:
    """Scan x T heatmap of each parallel method of one file (seeds/002 heatmaps).

    The colour is each scan's median time divided by the fastest scan's at the same T: the
    absolute time grows by orders of magnitude with T and would paint nothing but T (the line
    plots show it). Relative to the best, the question "which scan wins where" is visible at a
    glance. Panels are stacked with the same rows and columns, so a cell can be followed
    across methods."""
    result = files[index]
    kind = result.cost_kind
    grids = derive.cost_grids(result, precision, batch)
    if not grids:
        return None
    scans = order_values({s for g in grids for s in g.scans}, (NO_SCAN,) + SCAN_ORDER)
    lengths = sorted({t for g in grids for t in g.lengths})
    ratios = []
    for grid in grids:  # re-index every grid on the common rows and columns
        values = np.full((len(scans), len(lengths)), np.nan)
        for r, scan in enumerate(grid.scans):
            for c, length in enumerate(grid.lengths):
                values[scans.index(scan), lengths.index(length)] = grid.values[r, c]
        with np.errstate(invalid="ignore", divide="ignore"):
            best = np.nanmin(np.where(np.isfinite(values), values, np.inf), axis=0)
            ratios.append(values / best)
    finite = np.concatenate([m[np.isfinite(m)] for m in ratios])
    if finite.size == 0:
        return None
    norm = LogNorm(vmin=1.0, vmax=max(float(finite.max()), 1.05))
    cmap = plt.get_cmap("magma_r").copy()
    cmap.set_bad("0.85")
    width = max(6.0, 0.48 * len(lengths) + 3.0)
    height_per = 0.3 * len(scans) + 0.9
    fig, axes = plt.subplots(len(grids), 1, squeeze=False, sharex=True, constrained_layout=True,
                             figsize=(width, height_per * len(grids) + 1.2))
    image = None
    step = max(1, math.ceil(len(lengths) / 12))
    annotate = len(lengths) <= 24
    for ax, grid, ratio in zip(axes[:, 0], grids, ratios):
        image = ax.imshow(ratio, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
        ax.set_yticks(range(len(scans)))
        ax.set_yticklabels([derive.scan_label(s) for s in scans], fontsize=8)
        ax.set_title(derive.variant_label(grid.variant), fontsize=10, loc="left")
        if annotate:
            for r in range(len(scans)):
                for c in range(len(lengths)):
                    value = ratio[r, c]
                    if not np.isfinite(value):
                        continue
                    ax.text(c, r, "1" if value == 1.0 else f"{value:.2g}", ha="center",
                            va="center", fontsize=6.5 if len(lengths) > 12 else 7.5,
                            color="white" if norm(value) > 0.6 else "black",
                            fontweight="bold" if value == 1.0 else "normal")
    bottom = axes[-1, 0]
    bottom.set_xticks(range(0, len(lengths), step))
    bottom.set_xticklabels([_length_tick(t) for t in lengths[::step]], fontsize=8)
    bottom.set_xlabel("series length T [time steps]")
    colorbar = fig.colorbar(image, ax=list(axes[:, 0]), fraction=0.05, pad=0.02)
    colorbar.set_label(f"{cost_noun(kind)} / fastest scan's at that T")
    colorbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    colorbar.ax.yaxis.set_minor_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    title = f"Scans compared at each length, {precision}" \
            f"{f', batch {batch}' if show_batch else ''} — {result.label}"
    fig.suptitle(f"{title}\n(1 = fastest scan at that T; 2 = twice its {cost_noun(kind)}; "
                 "grey: not run)", fontsize=10)
    filename = f"heatmap_{_slug(result.label)}_{precision}" \
               f"{f'_b{batch}' if show_batch else ''}.png"
    _save(fig, out_dir, filename)
    return Figure(filename, title,
                  f"each cell: the {cost_noun(kind)} of a scan (row) at a length (column) divided "
                  "by that of the fastest scan at the same length, per parallel method; 1 marks "
                  "the fastest. Absolute values are in the line plots and tables.")


def residual_figure(files: Sequence[ResultFile], entries, out_dir: str) -> Optional[Figure]:
    """Standardized one-step prediction residuals against the time step (left) and their
    autocorrelation (right, with the +-1.96 / sqrt(n) band of white noise), one row per
    drawn run and component (Durbin & Koopman 2012, Fig. 2.7)."""
    rows = []
    for entry in entries:
        if entry.residuals is None:
            continue
        for residuals, diag in list(zip(entry.residuals, entry.diagnostics))[
                :derive.MAX_RESIDUAL_COMPONENTS]:
            if residuals.values.size >= 2:
                rows.append((entry, residuals, diag))
    if not rows:
        return None
    fig, axes = plt.subplots(len(rows), 2, squeeze=False, constrained_layout=True,
                             figsize=(11.0, 2.6 * len(rows) + 0.6),
                             gridspec_kw={"width_ratios": [2.4, 1.0]})
    for (entry, residuals, diag), (left, right) in zip(rows, axes):
        ny = len(entry.diagnostics)
        name = f"{files[entry.file_index].label}: {entry.run.run_id}" + \
            (f", component {residuals.component + 1}/{ny}" if ny > 1 else "")
        steps, values = residuals.steps.astype(float), residuals.values
        gaps = np.nonzero(np.diff(steps) > 1)[0] + 1  # missing steps break the line
        left.plot(np.insert(steps, gaps, np.nan), np.insert(values, gaps, np.nan),
                  color=_TAB10[0], linewidth=0.8,
                  marker="." if values.size <= 500 else None, markersize=3)
        for level in (-2.0, 0.0, 2.0):
            left.axhline(level, color="black" if level == 0 else "0.5", linewidth=0.7,
                         linestyle="-" if level == 0 else "--")
        left.set_title(name, fontsize=9, loc="left")
        left.set_ylabel("standardized residual")
        left.set_xlabel("time step t (0-based, as in the HDF5 arrays)")
        lags = np.arange(1, diag.acf.size + 1)
        right.bar(lags, diag.acf, width=0.6, color=_TAB10[0])
        band = 1.96 / math.sqrt(diag.n)
        right.axhspan(-band, band, color="0.85", zorder=0)
        right.axhline(0.0, color="black", linewidth=0.7)
        right.set_xlabel("lag")
        right.set_ylabel("autocorrelation")
        right.set_title(f"Q({diag.lags}) = {diag.q:.3g}, p = {diag.q_p:.3g}", fontsize=9,
                        loc="left")
    fig.suptitle("Standardized one-step prediction residuals and their autocorrelation",
                 fontsize=10)
    filename = "residuals.png"
    _save(fig, out_dir, filename)
    return Figure(filename, "Standardized residuals",
                  "e_t = v_t / sqrt(F_t) of the filtering pass (per component: the diagonal of "
                  "F_t), diffuse and missing steps left out; dashed lines at ±2. Right: "
                  "sample autocorrelation, grey band ±1.96/√n (white noise). One run per "
                  "file and dataset, at most "
                  f"{derive.MAX_RESIDUAL_RUNS} runs.")


def _length_tick(length: int) -> str:
    """2^k for powers of two (mathtext), the number otherwise."""
    if length > 0 and length & (length - 1) == 0:
        return f"$2^{{{length.bit_length() - 1}}}$"
    return str(length)
