#pragma once
// Summary rows: one per run, computed in one place (summary_rows) and written four ways from the
// same column list (summary_columns): the /summary compound table of the HDF5 file, CSV, JSONL
// and the console table.
//
// speedup_vs_sequential = median of the sequential counterpart / this run's median (in
// operation-count runs, which have no median: the counterpart's flops_span / this run's), where the
// counterpart is the run of kf (for pkf), rts (for prts) or tfs (for ptfs) -- a sequential method
// is its own counterpart, so its speedup is 1 -- at the same form, length, precision and batch
// (a run on the same dataset is preferred when there are several): a sqrt pkf is compared with
// the sqrt kf. NaN when there is no such run or a median is not a positive finite number.
//
// Rows are ordered by method (kf, rts, tfs, pkf, prts, ptfs, then others by name), form
// (standard, sqrt), scan, precision, batch, length, dataset, id.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "kscan/experiment/run_result.hpp"

namespace kscan {

struct SummaryRow {
  std::string id;  // the group name under /runs
  std::string method, form, scan, precision;
  std::int64_t length = 0, batch = 1;
  std::string dataset, threads_or_device;
  double median_seconds = 0, min_seconds = 0, throughput_msps = 0;
  double speedup_vs_sequential = 0;  // NaN when the sequential counterpart is absent
  double max_abs_diff_vs_reference = 0, rmse_vs_truth = 0, loglik = 0;
  double max_rel_diff_mean_vs_reference = 0, max_rel_diff_cov_vs_reference = 0;
  double rel_diff_loglik_vs_reference = 0;
  std::int64_t peak_memory_bytes = 0;
  double flops = 0, achieved_gflops = 0;
  double mfu = 0;  // NaN when the device peak is unknown
  double flops_span = 0;  // NaN except in operation-count runs
  std::int64_t repetitions = 0;  // timed repetitions behind the median
};

/// One column of the summary: its name and which member of SummaryRow holds it.
struct SummaryColumn {
  enum class Kind { text, integer, real };
  const char* name;
  Kind kind;
  std::string SummaryRow::*text = nullptr;
  std::int64_t SummaryRow::*integer = nullptr;
  double SummaryRow::*real = nullptr;
};

/// Every column, in the order of /summary, the CSV header and the JSON keys.
const std::vector<SummaryColumn>& summary_columns();

/// The rows of a set of runs (speedups looked up among these runs), ordered as above.
std::vector<SummaryRow> summary_rows(const std::vector<RunResult>& runs);

/// CSV (RFC 4180): a header line of column names, then one line per row. Reals are written
/// with 17 significant digits; NaN and infinities as an empty field.
void write_summary_csv(std::ostream& out, const std::vector<SummaryRow>& rows);
/// JSON Lines: one object per row, keys in column order; NaN and infinities as null.
void write_summary_jsonl(std::ostream& out, const std::vector<SummaryRow>& rows);
/// The same into files (replaced); IoError when a file cannot be written.
void write_summary_csv(const std::string& path, const std::vector<SummaryRow>& rows);
void write_summary_jsonl(const std::string& path, const std::vector<SummaryRow>& rows);

/// A console table with aligned columns: method, form (when some run is not standard), scan,
/// precision, T (and B when some batch is not 1), median [ms], MS/s, speedup vs its sequential counterpart, max |diff| vs reference.
/// Operation-count rows (no timing) show the simulated span in Mflop instead of ms and MS/s.
/// Missing values read "n/a". Ends with a newline; "(no runs)" when rows is empty.
std::string format_summary_table(const std::vector<SummaryRow>& rows);

}  // namespace kscan
