"""Figures and a Markdown report from kscan HDF5 result files.

kscan writes one HDF5 file per experiment deck (format_version 1, see design.md). People who
study parallel-in-time Kalman filters want to *look* at those numbers -- time against series
length per scan algorithm, speedup over the sequential reference, where the parallel method
starts to win, throughput per backend -- rather than read h5dump output. This package turns one
or more such files into PNG figures and ``report.md``:

    /usr/bin/python3 -m analysis.report results/serial.h5 results/openmp.h5 -o report/

Modules, in the order data flows through them:

* ``load``    -- open and validate files, turn /runs/<id> groups into ``Run`` objects;
* ``derive``  -- the numbers the figures and tables share (speedups, crossovers, selections);
* ``diagnostics`` -- residual diagnostics of the filtering pass (Ljung-Box Q, H, normality N);
* ``figures`` -- matplotlib (Agg) figures, one function per figure kind;
* ``tables``  -- Markdown tables;
* ``report``  -- the command line that ties them together.

``scaling`` is a command of its own: speedup and efficiency over thread counts from one file
per count, with the operation-count prediction (docs/scaling.md).
"""

__all__ = ["load", "derive", "diagnostics", "figures", "tables", "report", "scaling"]
