"""Markdown tables for report.md.

Why tables next to the figures: a figure shows the shape, but the exact speedup, the crossover
length or a parity of 3e-7 has to be read as a number (and diffed between runs). Every table is
built from the same ``derive`` results as its figure, so the two cannot disagree. Cells read
"—" when a file has no such run and "n/a" when the run exists but did not measure the value.
"""

from __future__ import annotations

import math
from typing import Iterable, List, Optional, Sequence

from . import derive
from .load import (ENVIRONMENT_ATTRS, FLOPS_SPAN, NO_SCAN, PRECISION_ORDER, SCAN_ORDER, SECONDS,
                   ResultFile, method_rank, order_values)

MISSING = "—"
NOT_MEASURED = "n/a"


def _cell(text) -> str:
    """Table-safe text: pipes escaped, newlines flattened."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def number(value: Optional[float], digits: int = 4) -> str:
    if value is None:
        return NOT_MEASURED
    if isinstance(value, float) and math.isnan(value):
        return NOT_MEASURED
    return f"{value:.{digits}g}"


def scientific(value: Optional[float], digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_MEASURED
    return f"{value:.{digits}e}"


def environment_table(files: Sequence[ResultFile]) -> str:
    """Root attributes side by side, one column per file."""
    names = list(ENVIRONMENT_ATTRS)
    for result in files:
        for name in result.attrs:
            if name not in names and name != "deck":
                names.append(name)
    rows = [["file"] + [result.path for result in files]]
    for name in names:
        rows.append([name] + [result.attrs.get(name, MISSING) for result in files])
    rows.append(["runs read"] + [str(len(result.runs)) for result in files])
    rows.append(["/summary"] + ["present" if r.has_summary else "missing" for r in files])
    rows.append(["measure"] + ["operation counts (flops_span)" if r.cost_kind == FLOPS_SPAN
                               else "wall-clock seconds" for r in files])
    return markdown_table(["attribute"] + [result.label for result in files], rows)


def deck_sections(files: Sequence[ResultFile]) -> str:
    """The resolved deck of each file, folded away (it is long and rarely needed)."""
    parts = []
    for result in files:
        deck = result.attrs.get("deck")
        if deck:
            parts.append(f"<details><summary>deck of {result.label}</summary>\n\n```yaml\n"
                         f"{deck.rstrip()}\n```\n\n</details>\n")
    return "\n".join(parts)


def time_table(files: Sequence[ResultFile], kind: str, precision: str,
               lengths: Sequence[int]) -> str:
    """Cost at the selected lengths: one row per length, method (and form) and file; one column
    per scan."""
    curves = derive.cost_curves(files, kind, precision)
    multi_batch = len({c.batch for c in curves}) > 1
    scans = order_values({c.scan for c in curves}, (NO_SCAN,) + SCAN_ORDER)
    cells = {}
    for c in curves:
        for length, value in zip(c.lengths, c.values):
            cells[(int(length), c.variant, c.file_index, c.batch, c.scan)] = value
    rows = []
    for length in lengths:
        for variant in derive.order_variants(c.variant for c in curves):
            for index in sorted({c.file_index for c in curves}):
                for batch in sorted({c.batch for c in curves}):
                    row_cells = [cells.get((length, variant, index, batch, s)) for s in scans]
                    if all(v is None for v in row_cells):
                        continue
                    row = [str(length), derive.variant_label(variant), files[index].label]
                    if multi_batch:
                        row.append(str(batch))
                    row += [MISSING if v is None else
                            (scientific(v) if kind == SECONDS else number(v)) for v in row_cells]
                    rows.append(row)
    headers = ["T", "method", "file"] + (["batch"] if multi_batch else []) + \
        [derive.scan_label(s) for s in scans]
    return markdown_table(headers, rows)


def crossover_text(crossover: derive.Crossover) -> str:
    if crossover.length is None:
        return "none"
    return f"<= {crossover.length}" if crossover.from_smallest else str(crossover.length)


def speedup_table(files: Sequence[ResultFile], kind: str, precision: str) -> str:
    """Speedup, crossover length and best speedup of each parallel method (and form) and
    scan."""
    curves = derive.speedup_curves(files, kind, precision)
    multi_batch = len({c.batch for c in curves}) > 1
    curves.sort(key=lambda c: (method_rank(*c.variant), (SCAN_ORDER + (c.scan,)).index(c.scan),
                               c.file_index, c.batch))
    rows = []
    for c in curves:
        cross = derive.crossover(c.lengths, c.values)
        best = int(max(range(len(c.values)), key=lambda i: c.values[i]))
        row = [derive.variant_label(c.variant), c.scan, files[c.file_index].label]
        if multi_batch:
            row.append(str(c.batch))
        row += [derive.variant_label(derive.reference_variant(c.variant)), crossover_text(cross),
                str(int(c.lengths[-1])),
                number(float(c.values[-1]), 3), number(float(c.values[best]), 3),
                str(int(c.lengths[best]))]
        rows.append(row)
    headers = ["method", "scan", "file"] + (["batch"] if multi_batch else []) + \
        ["reference", "crossover T", "largest T", "speedup at largest T", "best speedup",
         "best at T"]
    return markdown_table(headers, rows)


def throughput_table(files: Sequence[ResultFile]) -> str:
    entries = derive.best_throughputs(files)
    multi_batch = len({e.batch for e in entries}) > 1
    rows = []
    for e in entries:
        row = [derive.variant_label((e.method, e.form)), files[e.file_index].label,
               files[e.file_index].execution_space, e.precision]
        if multi_batch:
            row.append(str(e.batch))
        row += [str(e.length), derive.scan_label(e.scan), number(e.msps),
                number(e.gflops), number(e.mfu, 3)]
        rows.append(row)
    headers = ["method", "file", "backend", "precision"] + (["batch"] if multi_batch else []) + \
        ["T", "scan", "throughput [MS/s]", "achieved GFLOP/s", "MFU"]
    return markdown_table(headers, rows)


def parity_table(files: Sequence[ResultFile]) -> str:
    """Worst max_abs_diff_vs_reference over T per method (and form), scan, precision, and the
    worst relative differences (means / covariances / log-likelihood); two columns per file.
    Every form is compared with the same float64 standard-form reference."""
    combos = {((run.method, run.form), run.scan, run.precision) for f in files for run in f.runs}
    ordered = sorted(combos, key=lambda c: (
        method_rank(*c[0]), ((NO_SCAN,) + SCAN_ORDER + (c[1],)).index(c[1]),
        PRECISION_ORDER.index(c[2]) if c[2] in PRECISION_ORDER else 9))
    rows = []
    for variant, scan, precision in ordered:
        row = [derive.variant_label(variant), derive.scan_label(scan), precision]
        for result in files:
            if not any(((r.method, r.form), r.scan, r.precision) == (variant, scan, precision)
                       for r in result.runs):
                row.append(MISSING)
                continue
            parity = derive.worst_parity(result, variant, scan, precision)
            row.append(NOT_MEASURED if parity.value is None
                       else f"{scientific(parity.value)} (T={parity.length})")
            relative = [derive.worst_parity(result, variant, scan, precision, metric).value
                        for metric in derive.RELATIVE_PARITY]
            row.append(NOT_MEASURED if all(v is None for v in relative) else
                       " / ".join(MISSING if v is None else scientific(v) for v in relative))
        rows.append(row)
    headers = ["method", "scan", "precision"]
    for f in files:
        headers += [f"{f.label}: worst max abs diff (at T)",
                    f"{f.label}: worst relative diff, mean / cov / loglik"]
    return markdown_table(headers, rows)


def residual_table(files: Sequence[ResultFile], entries) -> str:
    """One row per run and measurement component: n, mean and variance of the standardized
    residuals, Q(k), H(h) and N with their p-values, and the run's log-likelihood."""
    rows = []
    for entry in entries:
        run = entry.run
        ny = len(entry.diagnostics)
        for d in entry.diagnostics:
            rows.append([files[entry.file_index].label, run.run_id,
                         f"{d.component + 1}/{ny}", str(d.n), str(d.diffuse), str(d.missing),
                         number(d.mean), number(d.variance), str(d.lags), number(d.q),
                         number(d.q_p, 3), str(d.h), number(d.het), number(d.het_p, 3),
                         number(d.normality), number(d.normality_p, 3),
                         number(entry.loglik, 10)])
    headers = ["file", "run", "component", "n", "diffuse", "missing", "mean", "variance", "k",
               "Q(k)", "p(Q)", "h", "H(h)", "p(H)", "N", "p(N)", "loglik"]
    return markdown_table(headers, rows)


def warnings_list(files: Sequence[ResultFile]) -> str:
    lines = [f"- **{result.label}** ({result.path}): {warning}"
             for result in files for warning in result.warnings]
    return "\n".join(lines) + ("\n" if lines else "")


def figure_block(figure) -> str:
    return f"![{figure.title}]({figure.filename})\n\n*{figure.caption}*\n"


def bullet(items: List[str]) -> str:
    return "".join(f"- {item}\n" for item in items)
