"""Command line: figures and a Markdown report from kscan HDF5 files.

    /usr/bin/python3 -m analysis.report FILE.h5 [FILE2.h5 ...] -o DIR [--lengths 1024,65536]

Writes DIR/report.md and the PNG figures it embeds. Exit codes follow kscan's: 0 ok,
1 failure while writing the report, 2 unusable input (a file that is not HDF5, not kscan's,
of another format_version, or without a single usable run; bad arguments). Problems are one
line on stderr, never a traceback (set KSCAN_REPORT_DEBUG=1 to get one for a bug report).
A usable but partial file (interrupted sweep, missing /summary or metrics) is reported with
warnings, on stderr and at the top of the report, and whatever it holds is plotted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import traceback
from typing import List, Optional, Sequence

PROG = "python3 -m analysis.report"


def _parse_lengths(text: str) -> List[int]:
    try:
        values = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got '{text}'")
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive lengths, got '{text}'")
    return values


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Figures and a Markdown report (DIR/report.md) from kscan HDF5 result "
                    "files. Several files (e.g. Serial and OpenMP runs of one deck) are drawn "
                    "side by side, named by their execution space and file name.")
    parser.add_argument("files", nargs="+", metavar="FILE.h5", help="kscan result files")
    parser.add_argument("-o", "--output", metavar="DIR", default="report",
                        help="directory for report.md and the figures (default: %(default)s)")
    parser.add_argument("--lengths", type=_parse_lengths, action="extend", default=None,
                        metavar="T[,T...]",
                        help="lengths for the bar charts and tables (default: the smallest "
                             "and the largest length in the files)")
    parser.add_argument("--ljung-box-lags", type=_positive_int, default=None, metavar="K",
                        help="lags k of the Ljung-Box Q(k) in the residual diagnostics "
                             "(default: min(10, n // 5) for n residuals)")
    parser.add_argument("--quiet", action="store_true", help="no warnings on stderr")
    return parser


RESIDUAL_TEXT = (
    "\nStandardized one-step prediction residuals e_t = v_t / sqrt(F_t) of the filtering "
    "pass, and the diagnostics of Durbin & Koopman (2012, §2.12). With ny > 1 each "
    "measurement component is standardized on its own, by the diagonal of F_t (the components "
    "stay correlated within a step). Left out: the first *diffuse* steps (the exact diffuse "
    "start, the dataset's `diffuse_steps`) and the steps where the component is *missing*; "
    "*n* residuals remain. *mean*, *variance* (unbiased): should be near 0 and 1. "
    "*Q(k)*: Ljung-Box statistic of the first k autocorrelations (k = min(10, n // 5) unless "
    "`--ljung-box-lags` is given), p from χ²(k); small p: serial correlation. "
    "*H(h)*: sum of squares of the last h residuals over that of the first h, "
    "h = round(n / 3), two-sided p from F(h, h); small p: heteroscedasticity. "
    "*N*: Bowman-Shenton (= Jarque-Bera) normality statistic n (S²/6 + (K − 3)²/24) from the "
    "skewness S and kurtosis K, p from χ²(2); small p: not Gaussian. *loglik*: the run's "
    "log-likelihood attribute (the sum of `loglik_terms` when the attribute is absent).\n\n")


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def write_report(files, out_dir: str, requested_lengths: Optional[Sequence[int]],
                 notices: List[str], ljung_box_lags: Optional[int] = None) -> str:
    """Draws every figure, writes report.md, returns its path; notices collects stderr lines."""
    from . import derive, figures, tables
    from .load import FLOPS_SPAN, SECONDS

    os.makedirs(out_dir, exist_ok=True)
    kinds = [k for k in (SECONDS, FLOPS_SPAN) if any(f.cost_kind == k for f in files)]
    groups = []  # (kind, precision, selected lengths)
    for kind in kinds:
        of_kind = [f for f in files if f.cost_kind == kind]
        for precision in derive.precisions_in(of_kind):
            available = {c_len for c in derive.cost_curves(files, kind, precision)
                         for c_len in c.lengths.tolist()}
            selected = derive.select_lengths(available, requested_lengths)
            if requested_lengths and len(selected) < len(requested_lengths):
                absent = [t for t in requested_lengths if t not in available]
                notices.append(f"lengths {', '.join(map(str, absent))} not in the "
                               f"{precision} runs; available: "
                               f"{', '.join(map(str, sorted(available)))}")
            groups.append((kind, precision, selected))

    residuals = derive.residual_entries(files, ljung_box_lags, notices)

    written = []
    md = ["# kscan report\n\n"]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    md.append(f"Generated {now} by `{PROG}` from {len(files)} file(s):\n\n")
    md.append(tables.bullet([f"**{f.label}** — `{f.path}` ({len(f.runs)} runs)"
                             for f in files]))
    warnings = tables.warnings_list(files)
    if warnings or notices:
        md.append("\n## Warnings\n\nThese files are usable but incomplete; what exists is "
                  "reported.\n\n")
        md.append(warnings + tables.bullet(notices))

    md.append("\n## Run environment\n\n")
    md.append(tables.environment_table(files))
    decks = tables.deck_sections(files)
    if decks:
        md.append("\n" + decks)

    def add(figure) -> None:
        if figure is not None:
            written.append(figure)
            md.append("\n" + tables.figure_block(figure))

    md.append("\n## Time against series length\n")
    md.append("\nMedian over the timed repetitions (or the simulated operation count in "
              "operation-count files); log-log axes.\n")
    for kind, precision, _ in groups:
        add(figures.time_vs_length(files, kind, precision, out_dir))

    md.append("\n## At selected lengths\n\n")
    for kind, precision, selected in groups:
        if not selected:
            continue
        add(figures.bars_at_lengths(files, kind, precision, selected, out_dir))
        md.append(f"\n{figures.cost_label(kind)}, {precision}:\n\n")
        md.append(tables.time_table(files, kind, precision, selected))

    md.append("\n## Speedup over the sequential reference\n")
    md.append("\nspeedup = reference / parallel at the same T, precision, form and file (kf for "
              "pkf, rts for prts, tfs for ptfs; a sqrt method against the sqrt reference). "
              "*Crossover T*: the smallest measured T from which "
              "the parallel method is faster at every larger measured T; \"none\": not faster "
              "at the largest T; \"<= T\": faster already at the smallest measured T.\n")
    any_speedup = False
    for kind, precision, _ in groups:
        figure = figures.speedup_vs_length(files, kind, precision, out_dir)
        if figure is None:
            continue
        any_speedup = True
        add(figure)
        source = "operation counts" if kind == FLOPS_SPAN else "median times"
        md.append(f"\nspeedup from {source}, {precision}:\n\n")
        md.append(tables.speedup_table(files, kind, precision))
    if not any_speedup:
        md.append("\nNo parallel method has its sequential reference in the same file.\n")

    md.append("\n## Throughput\n\n")
    figure = figures.throughput_bars(files, out_dir)
    if figure is None:
        md.append("\nNo timed runs (operation-count files have no throughput).\n")
    else:
        add(figure)
        md.append("\n" + tables.throughput_table(files))

    md.append("\n## Scan × length heatmaps\n\n")
    multi_batch = len(derive.batches_in(files)) > 1
    for index, result in enumerate(files):
        for precision in result.precisions:
            for batch in derive.batches_in([result]):
                add(figures.scan_length_heatmap(files, index, precision, batch, multi_batch,
                                                out_dir))

    md.append("\n## Parity\n")
    md.append("\nmax |estimate − float64 sequential reference| per method (one line per form: "
              "\"pkf (sqrt)\"; every form against the same standard-form reference), scan and "
              "precision, worst over all lengths (the length where it occurs in brackets).\n\n")
    md.append(tables.parity_table(files))

    md.append("\n## Residual diagnostics\n")
    if not residuals:
        md.append("\nNo run stores its filtering pass (estimates/innovation and "
                  "estimates/innovation_cov).\n")
    else:
        md.append(RESIDUAL_TEXT)
        add(figures.residual_figure(files, residuals, out_dir))
        md.append("\n" + tables.residual_table(files, residuals))

    md.append("\n## Figures\n\n")
    md.append(tables.bullet([f"[{f.filename}]({f.filename}) — {f.title}" for f in written]))

    path = os.path.join(out_dir, "report.md")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("".join(md))
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    debug = bool(os.environ.get("KSCAN_REPORT_DEBUG"))
    try:
        from .load import InputError, load_files
    except ImportError as err:  # h5py/numpy missing: Debian's python3-h5py is needed
        _error(f"{err}; run with /usr/bin/python3 (python3-numpy, python3-h5py, "
               "python3-matplotlib)")
        return 2

    try:
        files = load_files(args.files)
    except InputError as err:
        _error(str(err))
        return 2
    except Exception as err:  # a file h5py chokes on in a way we did not foresee
        if debug:
            traceback.print_exc()
        _error(f"cannot read input: {type(err).__name__}: {err}")
        return 2

    if not args.quiet:
        for result in files:
            for warning in result.warnings:
                print(f"{PROG}: warning: {result.path}: {warning}", file=sys.stderr)

    notices: List[str] = []
    try:
        path = write_report(files, args.output, args.lengths, notices, args.ljung_box_lags)
    except OSError as err:
        _error(f"cannot write the report to {args.output}: {err}")
        return 1
    except Exception as err:
        if debug:
            traceback.print_exc()
        _error(f"internal error while drawing the report: {type(err).__name__}: {err} "
               "(rerun with KSCAN_REPORT_DEBUG=1 for a traceback)")
        return 1
    if not args.quiet:
        for notice in notices:
            print(f"{PROG}: warning: {notice}", file=sys.stderr)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
