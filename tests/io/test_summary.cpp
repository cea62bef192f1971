// Summary rows (one computation for /summary, CSV, JSONL and the console table), RunKey::id().
#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "io_test_support.hpp"
#include "kscan/io/summary.hpp"

namespace kscan {
namespace {

using namespace iotest;

TEST(RunKeyId, Format) {
  EXPECT_EQ((RunKey{"pkf", "blocked", "float32", 65536, 1, "default"}.id()),
            "pkf-blocked-float32-T65536-B1");
  EXPECT_EQ((RunKey{"kf", "none", "float64", 1024, 4, ""}.id()), "kf-none-float64-T1024-B4");
  EXPECT_EQ((RunKey{"kf", "none", "float64", 1024, 1, "T1024"}.id()), "kf-none-float64-T1024-B1");
  EXPECT_EQ((RunKey{"kf", "", "float64", 8, 1, "tracking"}.id()), "kf-none-float64-T8-B1-tracking");
  EXPECT_EQ((RunKey{"kf", "none", "float64", 8, 1, "a/b c"}.id()), "kf-none-float64-T8-B1-a_b_c");
  // The form follows the method, only when it is not standard (ids of standard runs unchanged).
  EXPECT_EQ((RunKey{"pkf", "blocked", "float32", 65536, 1, "", "sqrt"}.id()),
            "pkf-sqrt-blocked-float32-T65536-B1");
  EXPECT_EQ((RunKey{"kf", "none", "float64", 8, 1, "nile", "sqrt"}.id()),
            "kf-sqrt-none-float64-T8-B1-nile");
  EXPECT_EQ((RunKey{"pkf", "blocked", "float32", 65536, 1, "", "standard"}.id()),
            "pkf-blocked-float32-T65536-B1");
  EXPECT_EQ((RunKey{"pkf", "blocked", "float32", 65536, 1, "", ""}.id()),
            "pkf-blocked-float32-T65536-B1");
}

/// make_run in form `form`.
RunResult make_form_run(const std::string& method, const std::string& scan,
                        const std::string& form, double median) {
  RunResult r = make_run(method, scan, "float64", 1024, median);
  r.key.form = form;
  return r;
}

// A sqrt run follows the standard run of its method and is compared with the sqrt sequential
// counterpart (same form), not the standard one.
TEST(Summary, FormsOrderAndSpeedup) {
  std::vector<RunResult> r;
  r.push_back(make_form_run("pkf", "blocked", "sqrt", 0.010));
  r.push_back(make_form_run("kf", "none", "sqrt", 0.030));
  r.push_back(make_form_run("pkf", "blocked", "standard", 0.005));
  r.push_back(make_form_run("kf", "none", "standard", 0.020));
  r.push_back(make_form_run("ptfs", "blocked", "sqrt", 0.010));  // no sqrt tfs: NaN
  r.push_back(make_form_run("tfs", "none", "standard", 0.040));
  const auto rows = summary_rows(r);
  ASSERT_EQ(rows.size(), 6u);
  std::vector<std::string> ids, forms;
  for (const auto& row : rows) {
    ids.push_back(row.id);
    forms.push_back(row.form);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "kf-none-float64-T1024-B1", "kf-sqrt-none-float64-T1024-B1",
                     "tfs-none-float64-T1024-B1", "pkf-blocked-float64-T1024-B1",
                     "pkf-sqrt-blocked-float64-T1024-B1", "ptfs-sqrt-blocked-float64-T1024-B1"}));
  EXPECT_EQ(forms, (std::vector<std::string>{"standard", "sqrt", "standard", "standard", "sqrt",
                                             "sqrt"}));
  EXPECT_DOUBLE_EQ(rows[1].speedup_vs_sequential, 1.0);
  EXPECT_DOUBLE_EQ(rows[3].speedup_vs_sequential, 4.0);  // 0.020 / 0.005
  EXPECT_DOUBLE_EQ(rows[4].speedup_vs_sequential, 3.0);  // 0.030 / 0.010, the sqrt kf
  EXPECT_TRUE(std::isnan(rows[5].speedup_vs_sequential));
}

std::vector<RunResult> runs() {
  std::vector<RunResult> r;
  r.push_back(make_run("pkf", "blocked", "float64", 1024, 0.005));
  r.push_back(make_run("kf", "none", "float64", 1024, 0.020));
  r.push_back(make_run("ptfs", "sengupta_a", "float64", 1024, 0.010));  // no tfs: NaN
  r.push_back(make_run("pkf", "blocked", "float64", 4096, 0.010, 1, "default", 2.0));  // no kf
  r.back().metrics.mfu = 0.5;
  // Two kf at T=64, B=2 on different datasets: the same dataset wins.
  r.push_back(make_run("kf", "none", "float64", 64, 0.004, 2, "a"));
  r.push_back(make_run("kf", "none", "float64", 64, 0.008, 2, "b"));
  r.push_back(make_run("pkf", "kokkos", "float64", 64, 0.002, 2, "b"));
  return r;
}

TEST(Summary, RowsOrderAndSpeedup) {
  const auto rows = summary_rows(runs());
  ASSERT_EQ(rows.size(), 7u);
  std::vector<std::string> ids;
  for (const auto& row : rows) ids.push_back(row.id);
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "kf-none-float64-T1024-B1", "kf-none-float64-T64-B2-a",
                     "kf-none-float64-T64-B2-b", "pkf-blocked-float64-T1024-B1",
                     "pkf-blocked-float64-T4096-B1", "pkf-kokkos-float64-T64-B2-b",
                     "ptfs-sengupta_a-float64-T1024-B1"}));
  EXPECT_DOUBLE_EQ(rows[0].speedup_vs_sequential, 1.0);
  EXPECT_DOUBLE_EQ(rows[3].speedup_vs_sequential, 4.0);
  EXPECT_TRUE(std::isnan(rows[4].speedup_vs_sequential));
  EXPECT_DOUBLE_EQ(rows[5].speedup_vs_sequential, 4.0);  // 0.008 (dataset b) / 0.002
  EXPECT_TRUE(std::isnan(rows[6].speedup_vs_sequential));
  EXPECT_EQ(rows[4].mfu, 0.5);
  EXPECT_TRUE(std::isnan(rows[3].mfu));
  EXPECT_EQ(rows[3].repetitions, 3);
  EXPECT_EQ(rows[3].median_seconds, 0.005);
  EXPECT_EQ(rows[3].max_abs_diff_vs_reference, 1.25e-7);
  EXPECT_EQ(rows[3].threads_or_device, "OpenMP x2");
  // A median that is not a positive number gives no speedup.
  auto broken = runs();
  broken[0].metrics.median_seconds = 0;
  EXPECT_TRUE(std::isnan(summary_rows(broken)[3].speedup_vs_sequential));
  EXPECT_TRUE(summary_rows({}).empty());
}

std::vector<SummaryRow> small_rows() {
  std::vector<RunResult> r;
  r.push_back(make_run("kf", "none", "float64", 1000, 0.02));
  r.push_back(make_run("pkf", "blocked", "float32", 1000, 0.005));
  r.back().threads_or_device = "OpenMP, 2 \"threads\"";
  r.back().metrics.rmse_vs_truth = nan;
  return summary_rows(r);
}

TEST(Summary, Csv) {
  std::ostringstream out;
  write_summary_csv(out, small_rows());
  const std::string header =
      "id,method,form,scan,precision,length,batch,dataset,threads_or_device,median_seconds,"
      "min_seconds,throughput_msps,speedup_vs_sequential,max_abs_diff_vs_reference,"
      "max_rel_diff_mean_vs_reference,max_rel_diff_cov_vs_reference,rel_diff_loglik_vs_reference,"
      "rmse_vs_truth,loglik,peak_memory_bytes,flops,achieved_gflops,mfu,flops_span,repetitions\n";
  // kf: T 1000, median 0.02: throughput 1000/0.02/1e6 = 0.05, speedup 1, flops 1e6,
  // achieved 1e6/0.02/1e9 = 0.05; no mfu (empty); rmse 0.25.
  const std::string kf =
      "kf-none-float64-T1000-B1,kf,standard,none,float64,1000,1,default,OpenMP x2,0.02,0.018000000000000002,0.05,1,"
      "1.25e-07,2.5e-08,5e-08,1e-09,0.25,-123.5,4096000,1000000,0.05,,,3\n";
  // pkf float32: no float32 kf -> empty speedup; quoted device; rmse NaN -> empty.
  const std::string pkf =
      "pkf-blocked-float32-T1000-B1,pkf,standard,blocked,float32,1000,1,default,"
      "\"OpenMP, 2 \"\"threads\"\"\",0.005,0.0045000000000000005,0.2,,1.25e-07,2.5e-08,5e-08,1e-09,,"
      "-123.5,4096000,"
      "1000000,0.2,,,3\n";
  EXPECT_EQ(out.str(), header + kf + pkf);
}

TEST(Summary, Jsonl) {
  std::ostringstream out;
  write_summary_jsonl(out, small_rows());
  const std::string kf =
      "{\"id\": \"kf-none-float64-T1000-B1\", \"method\": \"kf\", \"form\": \"standard\", "
      "\"scan\": \"none\", "
      "\"precision\": \"float64\", \"length\": 1000, \"batch\": 1, \"dataset\": \"default\", "
      "\"threads_or_device\": \"OpenMP x2\", \"median_seconds\": 0.02, \"min_seconds\": 0.018000000000000002, "
      "\"throughput_msps\": 0.05, \"speedup_vs_sequential\": 1, "
      "\"max_abs_diff_vs_reference\": 1.25e-07, \"max_rel_diff_mean_vs_reference\": 2.5e-08, "
      "\"max_rel_diff_cov_vs_reference\": 5e-08, \"rel_diff_loglik_vs_reference\": 1e-09, "
      "\"rmse_vs_truth\": 0.25, \"loglik\": -123.5, "
      "\"peak_memory_bytes\": 4096000, \"flops\": 1000000, \"achieved_gflops\": 0.05, "
      "\"mfu\": null, \"flops_span\": null, \"repetitions\": 3}\n";
  const std::string pkf =
      "{\"id\": \"pkf-blocked-float32-T1000-B1\", \"method\": \"pkf\", \"form\": \"standard\", "
      "\"scan\": \"blocked\", "
      "\"precision\": \"float32\", \"length\": 1000, \"batch\": 1, \"dataset\": \"default\", "
      "\"threads_or_device\": \"OpenMP, 2 \\\"threads\\\"\", \"median_seconds\": 0.005, "
      "\"min_seconds\": 0.0045000000000000005, \"throughput_msps\": 0.2, "
      "\"speedup_vs_sequential\": null, \"max_abs_diff_vs_reference\": 1.25e-07, "
      "\"max_rel_diff_mean_vs_reference\": 2.5e-08, \"max_rel_diff_cov_vs_reference\": 5e-08, "
      "\"rel_diff_loglik_vs_reference\": 1e-09, "
      "\"rmse_vs_truth\": null, \"loglik\": -123.5, \"peak_memory_bytes\": 4096000, "
      "\"flops\": 1000000, \"achieved_gflops\": 0.2, \"mfu\": null, \"flops_span\": null, "
      "\"repetitions\": 3}\n";
  EXPECT_EQ(out.str(), kf + pkf);
}

TEST(Summary, Files) {
  TempDir dir;
  const auto rows = small_rows();
  write_summary_csv(dir.file("s.csv"), rows);
  write_summary_jsonl(dir.file("s.jsonl"), rows);
  std::ifstream csv(dir.file("s.csv")), jsonl(dir.file("s.jsonl"));
  std::string line;
  int n = 0;
  while (std::getline(csv, line)) ++n;
  EXPECT_EQ(n, 3);
  n = 0;
  while (std::getline(jsonl, line)) ++n;
  EXPECT_EQ(n, 2);
  EXPECT_THROW(write_summary_csv(dir.file("missing/s.csv"), rows), IoError);
  EXPECT_THROW(write_summary_jsonl(dir.path(), rows), IoError);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

TEST(Summary, ConsoleTable) {
  std::vector<RunResult> r;
  r.push_back(make_run("kf", "none", "float64", 1024, 0.0123));
  r.push_back(make_run("pkf", "hillis_steele", "float64", 1024, 0.00123));
  r.back().metrics.max_abs_diff_vs_reference = 3.5e-13;
  r.push_back(make_run("pkf", "blocked", "float32", 1048576, 1.5));
  const std::string table = format_summary_table(summary_rows(r));
  const auto lines = lines_of(table);
  ASSERT_EQ(lines.size(), 5u) << table;
  EXPECT_EQ(lines[0],
            "method  scan           precision        T  median ms     MS/s  speedup  max |diff|");
  EXPECT_EQ(lines[1],
            "------  -------------  ---------  -------  ---------  -------  -------  ----------");
  EXPECT_EQ(lines[2],
            "kf      none           float64       1024      12.30  0.08325    1.00x    1.25e-07");
  // Rows: the numbers as a reader wants them.
  EXPECT_NE(lines[3].find("pkf     blocked        float32    1048576       1500"),
            std::string::npos)
      << lines[3];
  EXPECT_NE(lines[3].find("0.6991"), std::string::npos) << lines[3];  // 1048576/1.5/1e6
  EXPECT_NE(lines[3].find("n/a"), std::string::npos) << lines[3];     // no float32 kf
  EXPECT_NE(lines[4].find("1.230"), std::string::npos) << lines[4];   // median ms
  EXPECT_NE(lines[4].find("0.8325"), std::string::npos) << lines[4];  // MS/s
  EXPECT_NE(lines[4].find("10.00x"), std::string::npos) << lines[4];  // 0.0123/0.00123
  EXPECT_NE(lines[4].find("3.50e-13"), std::string::npos) << lines[4];
  // Right-aligned numeric columns end where their header ends.
  const std::size_t end_of_median = lines[0].find("median ms") + std::string("median ms").size();
  for (std::size_t i = 2; i < lines.size(); ++i)
    EXPECT_EQ(lines[i][end_of_median - 1], '0') << lines[i];
  for (const auto& line : lines) EXPECT_EQ(line.size(), lines[1].size()) << line;
}

TEST(Summary, ConsoleTableBatchColumnAndEmpty) {
  EXPECT_EQ(format_summary_table({}), "(no runs)\n");
  std::vector<RunResult> r;
  r.push_back(make_run("kf", "none", "float64", 64, 0.001, 8));
  const auto lines = lines_of(format_summary_table(summary_rows(r)));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("   T  B  median ms"), std::string::npos) << lines[0];
  EXPECT_NE(lines[2].find("  64  8"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("0.5120"), std::string::npos) << lines[2];  // 64*8/0.001/1e6 = 0.512
}

TEST(Summary, ConsoleTableFormColumn) {
  std::vector<RunResult> standard_only;
  standard_only.push_back(make_form_run("kf", "none", "standard", 0.001));
  EXPECT_EQ(lines_of(format_summary_table(summary_rows(standard_only)))[0].find("form"),
            std::string::npos);
  std::vector<RunResult> both = standard_only;
  both.push_back(make_form_run("kf", "none", "sqrt", 0.002));
  const auto lines = lines_of(format_summary_table(summary_rows(both)));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("method  form      scan  precision", 0), 0u) << lines[0];
  EXPECT_EQ(lines[2].rfind("kf      standard  none  float64", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("kf      sqrt      none  float64", 0), 0u) << lines[3];
}

// Operation-count runs have no median: speedups compare simulated spans, and the console table
// gains the span column.
TEST(Summary, OperationCountRowsCompareSpans) {
  std::vector<RunResult> r;
  r.push_back(make_run("kf", "none", "float64", 1024, 0.0));
  r.push_back(make_run("pkf", "ladner_fischer", "float64", 1024, 0.0));
  for (auto& run : r) {
    run.total_seconds.clear();
    run.metrics.median_seconds = std::numeric_limits<double>::quiet_NaN();
    run.metrics.simulated_threads = 15000;
  }
  r[0].metrics.flops_span = 8.0e6;
  r[1].metrics.flops_span = 2.0e4;
  const auto rows = summary_rows(r);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].flops_span, 8.0e6);
  EXPECT_DOUBLE_EQ(rows[1].speedup_vs_sequential, 400.0);
  EXPECT_EQ(rows[1].repetitions, 0);
  const auto lines = lines_of(format_summary_table(rows));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].find("span Mflop"), std::string::npos) << lines[0];
  EXPECT_NE(lines[3].find("0.02000"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find("400.00x"), std::string::npos) << lines[3];
}

TEST(Summary, ColumnsMatchRowMembers) {
  const auto& columns = summary_columns();
  ASSERT_EQ(columns.size(), 25u);
  for (const auto& c : columns) {
    const int members = (c.text != nullptr) + (c.integer != nullptr) + (c.real != nullptr);
    EXPECT_EQ(members, 1) << c.name;
  }
}

}  // namespace
}  // namespace kscan
