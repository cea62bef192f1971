#include "kscan/io/summary.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <ostream>
#include <sstream>

#include "kscan/io/io_error.hpp"
#include "kscan/solver/form.hpp"
#include "kscan/solver/method.hpp"

namespace kscan {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

SummaryColumn text_column(const char* name, std::string SummaryRow::*member) {
  SummaryColumn c{name, SummaryColumn::Kind::text};
  c.text = member;
  return c;
}
SummaryColumn integer_column(const char* name, std::int64_t SummaryRow::*member) {
  SummaryColumn c{name, SummaryColumn::Kind::integer};
  c.integer = member;
  return c;
}
SummaryColumn real_column(const char* name, double SummaryRow::*member) {
  SummaryColumn c{name, SummaryColumn::Kind::real};
  c.real = member;
  return c;
}

/// Position of a method in the canonical order (unknown methods last).
int method_rank(const std::string& method) {
  const auto m = parse_method(method);
  return m ? static_cast<int>(*m) : static_cast<int>(method_names().size());
}

/// Position of a form in the canonical order (standard, sqrt; unknown forms last).
int form_rank(const std::string& form) {
  const auto f = parse_form(form);
  return f ? static_cast<int>(*f) : static_cast<int>(forms.size());
}

/// "kf" for "pkf", "kf" for "kf"; empty for an unknown method.
std::string counterpart_of(const std::string& method) {
  const auto m = parse_method(method);
  return m ? method_name(sequential_counterpart(*m)) : std::string();
}

bool positive_finite(double x) { return std::isfinite(x) && x > 0; }

/// What a speedup compares: the median time, or the simulated span of an operation-count run.
double cost(const RunResult& run) {
  return run.metrics.flops_span ? *run.metrics.flops_span : run.metrics.median_seconds;
}

/// The shortest of %.15g..%.17g that reads back as the same double.
std::string real_text(double x) {
  char buf[40];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof(buf), "%.*g", digits, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  return buf;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(ch));
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

template <class Write>
void write_file(const std::string& path, Write&& write) {
  std::ofstream out(path, std::ios::out | std::ios::trunc);
  if (!out) throw IoError(path, std::string("cannot open for writing: ") + std::strerror(errno));
  write(out);
  out.flush();
  if (!out) throw IoError(path, "write failed");
}

// ---- console table formatting ---------------------------------------------------------------

/// About `significant` significant digits in fixed notation (12.35, 0.01235, 12346); "n/a" for
/// NaN; scientific notation only for magnitudes below 1e-4.
std::string fixed_significant(double x, int significant) {
  if (!std::isfinite(x)) return "n/a";
  char buf[64];
  if (x == 0) return "0";
  const double magnitude = std::fabs(x);
  if (magnitude < 1e-4) {
    std::snprintf(buf, sizeof(buf), "%.*e", significant - 1, x);
    return buf;
  }
  const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
  const int decimals = std::max(0, significant - 1 - exponent);
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, x);
  return buf;
}

std::string scientific(double x) {
  if (!std::isfinite(x)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2e", x);
  return buf;
}

std::string speedup_text(double x) {
  if (!std::isfinite(x)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2fx", x);
  return buf;
}

}  // namespace

const std::vector<SummaryColumn>& summary_columns() {
  static const std::vector<SummaryColumn> columns = {
      text_column("id", &SummaryRow::id),
      text_column("method", &SummaryRow::method),
      text_column("form", &SummaryRow::form),
      text_column("scan", &SummaryRow::scan),
      text_column("precision", &SummaryRow::precision),
      integer_column("length", &SummaryRow::length),
      integer_column("batch", &SummaryRow::batch),
      text_column("dataset", &SummaryRow::dataset),
      text_column("threads_or_device", &SummaryRow::threads_or_device),
      real_column("median_seconds", &SummaryRow::median_seconds),
      real_column("min_seconds", &SummaryRow::min_seconds),
      real_column("throughput_msps", &SummaryRow::throughput_msps),
      real_column("speedup_vs_sequential", &SummaryRow::speedup_vs_sequential),
      real_column("max_abs_diff_vs_reference", &SummaryRow::max_abs_diff_vs_reference),
      real_column("max_rel_diff_mean_vs_reference", &SummaryRow::max_rel_diff_mean_vs_reference),
      real_column("max_rel_diff_cov_vs_reference", &SummaryRow::max_rel_diff_cov_vs_reference),
      real_column("rel_diff_loglik_vs_reference", &SummaryRow::rel_diff_loglik_vs_reference),
      real_column("rmse_vs_truth", &SummaryRow::rmse_vs_truth),
      real_column("loglik", &SummaryRow::loglik),
      integer_column("peak_memory_bytes", &SummaryRow::peak_memory_bytes),
      real_column("flops", &SummaryRow::flops),
      real_column("achieved_gflops", &SummaryRow::achieved_gflops),
      real_column("mfu", &SummaryRow::mfu),
      real_column("flops_span", &SummaryRow::flops_span),
      integer_column("repetitions", &SummaryRow::repetitions),
  };
  return columns;
}

std::vector<SummaryRow> summary_rows(const std::vector<RunResult>& runs) {
  std::vector<SummaryRow> rows;
  rows.reserve(runs.size());
  for (const RunResult& run : runs) {
    SummaryRow row;
    row.id = run.key.id();
    row.method = run.key.method;
    row.form = run.key.form;
    row.scan = run.key.scan;
    row.precision = run.key.precision;
    row.length = run.key.length;
    row.batch = run.key.batch;
    row.dataset = run.key.dataset;
    row.threads_or_device = run.threads_or_device;
    const RunMetrics& m = run.metrics;
    row.median_seconds = m.median_seconds;
    row.min_seconds = m.min_seconds;
    row.throughput_msps = m.throughput_msps;
    row.max_abs_diff_vs_reference = m.max_abs_diff_vs_reference;
    row.max_rel_diff_mean_vs_reference = m.max_rel_diff_mean_vs_reference;
    row.max_rel_diff_cov_vs_reference = m.max_rel_diff_cov_vs_reference;
    row.rel_diff_loglik_vs_reference = m.rel_diff_loglik_vs_reference;
    row.rmse_vs_truth = m.rmse_vs_truth;
    row.loglik = m.loglik;
    row.peak_memory_bytes = m.peak_memory_bytes;
    row.flops = m.flops;
    row.achieved_gflops = m.achieved_gflops;
    row.mfu = m.mfu ? *m.mfu : nan;
    row.flops_span = m.flops_span ? *m.flops_span : nan;
    row.repetitions = static_cast<std::int64_t>(run.total_seconds.size());

    // The sequential counterpart: same form, length, precision and batch; same dataset
    // preferred.
    row.speedup_vs_sequential = nan;
    const std::string reference = counterpart_of(run.key.method);
    const RunResult* best = nullptr;
    for (const RunResult& other : runs) {
      if (reference.empty() || other.key.method != reference || other.key.form != run.key.form ||
          other.key.length != run.key.length || other.key.precision != run.key.precision ||
          other.key.batch != run.key.batch || !positive_finite(cost(other)))
        continue;
      const bool same_dataset = other.key.dataset == run.key.dataset;
      if (!best || (same_dataset && best->key.dataset != run.key.dataset)) best = &other;
    }
    if (best && positive_finite(cost(run))) row.speedup_vs_sequential = cost(*best) / cost(run);
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
    const int ra = method_rank(a.method), rb = method_rank(b.method);
    if (ra != rb) return ra < rb;
    if (a.method != b.method) return a.method < b.method;
    const int fa = form_rank(a.form), fb = form_rank(b.form);
    if (fa != fb) return fa < fb;
    if (a.form != b.form) return a.form < b.form;
    if (a.scan != b.scan) return a.scan < b.scan;
    if (a.precision != b.precision) return a.precision < b.precision;
    if (a.batch != b.batch) return a.batch < b.batch;
    if (a.length != b.length) return a.length < b.length;
    if (a.dataset != b.dataset) return a.dataset < b.dataset;
    return a.id < b.id;
  });
  return rows;
}

void write_summary_csv(std::ostream& out, const std::vector<SummaryRow>& rows) {
  const auto& columns = summary_columns();
  for (std::size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << columns[c].name;
  out << "\n";
  for (const SummaryRow& row : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) out << ",";
      const SummaryColumn& col = columns[c];
      switch (col.kind) {
        case SummaryColumn::Kind::text: out << csv_field(row.*col.text); break;
        case SummaryColumn::Kind::integer: out << row.*col.integer; break;
        case SummaryColumn::Kind::real:
          if (std::isfinite(row.*col.real)) out << real_text(row.*col.real);
          break;
      }
    }
    out << "\n";
  }
}

void write_summary_jsonl(std::ostream& out, const std::vector<SummaryRow>& rows) {
  const auto& columns = summary_columns();
  for (const SummaryRow& row : rows) {
    out << "{";
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const SummaryColumn& col = columns[c];
      out << (c ? ", " : "") << json_string(col.name) << ": ";
      switch (col.kind) {
        case SummaryColumn::Kind::text: out << json_string(row.*col.text); break;
        case SummaryColumn::Kind::integer: out << row.*col.integer; break;
        case SummaryColumn::Kind::real:
          if (std::isfinite(row.*col.real))
            out << real_text(row.*col.real);
          else
            out << "null";
          break;
      }
    }
    out << "}\n";
  }
}

void write_summary_csv(const std::string& path, const std::vector<SummaryRow>& rows) {
  write_file(path, [&](std::ostream& out) { write_summary_csv(out, rows); });
}

void write_summary_jsonl(const std::string& path, const std::vector<SummaryRow>& rows) {
  write_file(path, [&](std::ostream& out) { write_summary_jsonl(out, rows); });
}

std::string format_summary_table(const std::vector<SummaryRow>& rows) {
  if (rows.empty()) return "(no runs)\n";
  const bool show_batch =
      std::any_of(rows.begin(), rows.end(), [](const SummaryRow& r) { return r.batch != 1; });

  struct Column {
    std::string header;
    bool right;  // numbers are right-aligned, names left-aligned
  };
  const bool show_form = std::any_of(rows.begin(), rows.end(),
                                     [](const SummaryRow& r) { return r.form != "standard"; });
  std::vector<Column> columns = {{"method", false}};
  if (show_form) columns.push_back({"form", false});
  for (const char* h : {"scan", "precision"}) columns.push_back({h, false});
  columns.push_back({"T", true});
  if (show_batch) columns.push_back({"B", true});
  const bool show_span = std::any_of(rows.begin(), rows.end(),
                                     [](const SummaryRow& r) { return std::isfinite(r.flops_span); });
  if (show_span) columns.push_back({"span Mflop", true});
  for (const char* h : {"median ms", "MS/s", "speedup", "max |diff|"}) columns.push_back({h, true});

  std::vector<std::vector<std::string>> cells;
  for (const SummaryRow& r : rows) {
    std::vector<std::string> line = {r.method};
    if (show_form) line.push_back(r.form);
    for (const std::string& text : {r.scan, r.precision, std::to_string(r.length)})
      line.push_back(text);
    if (show_batch) line.push_back(std::to_string(r.batch));
    if (show_span) line.push_back(fixed_significant(r.flops_span / 1e6, 4));
    line.push_back(fixed_significant(r.median_seconds * 1e3, 4));
    line.push_back(fixed_significant(r.throughput_msps, 4));
    line.push_back(speedup_text(r.speedup_vs_sequential));
    line.push_back(scientific(r.max_abs_diff_vs_reference));
    cells.push_back(std::move(line));
  }

  std::vector<std::size_t> width(columns.size());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    width[c] = columns[c].header.size();
    for (const auto& line : cells) width[c] = std::max(width[c], line[c].size());
  }
  std::ostringstream out;
  auto emit = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string pad(width[c] - line[c].size(), ' ');
      if (c) text += "  ";
      text += columns[c].right ? pad + line[c] : line[c] + pad;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  std::vector<std::string> header;
  for (const Column& c : columns) header.push_back(c.header);
  emit(header);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < columns.size(); ++c) rule.push_back(std::string(width[c], '-'));
  emit(rule);
  for (const auto& line : cells) emit(line);
  return out.str();
}

}  // namespace kscan
