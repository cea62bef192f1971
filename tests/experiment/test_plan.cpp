// The plan of a deck: order, sequential methods once with scan "none", estimates policy, names.
#include <gtest/gtest.h>

#include <set>

#include "kscan/experiment/plan.hpp"

namespace {

kscan::Deck parse(const std::string& text) {
  kscan::DeckOptions options;
  options.check_output = false;
  return kscan::parse_deck(text, "plan.yaml", ".", options);
}

}  // namespace

TEST(Plan, OrderIsLengthMethodScanPrecision) {
  const auto deck = parse(
      "data: {lengths: [32, 16], batch: 2}\n"
      "runs: {methods: [kf, pkf, rts], scans: [blocked, sengupta_b], precision: [float32, float64],"
      " sengupta_threshold: 3}\n");
  const auto plan = kscan::make_plan(deck);
  // Per length: kf x 2 precisions, pkf x 2 scans x 2 precisions, rts x 2 precisions.
  ASSERT_EQ(plan.runs.size(), 2u * (2 + 4 + 2));
  const std::vector<std::string> first = {"kf/none/float32", "kf/none/float64",
                                          "pkf/blocked/float32", "pkf/blocked/float64",
                                          "pkf/sengupta_b/float32", "pkf/sengupta_b/float64",
                                          "rts/none/float32", "rts/none/float64"};
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const auto& k = plan.runs[i].key;
    EXPECT_EQ(k.method + "/" + k.scan + "/" + k.precision, first[i % first.size()]) << i;
    EXPECT_EQ(k.length, i < first.size() ? 32 : 16);
    EXPECT_EQ(k.batch, 2);
    EXPECT_EQ(k.dataset, i < first.size() ? "T32" : "T16");
  }
  EXPECT_EQ(plan.runs[4].scan.algorithm, kscan::ScanAlgorithm::sengupta);
  EXPECT_EQ(plan.runs[4].scan.parameter, 3);
  ASSERT_EQ(plan.datasets.size(), 2u);
  EXPECT_EQ(plan.datasets[0].member_name(0), "T32");
  EXPECT_EQ(plan.datasets[0].member_name(1), "T32-b1");
  std::set<std::string> ids;
  for (const auto& run : plan.runs) ids.insert(run.key.id());
  EXPECT_EQ(ids.size(), plan.runs.size()) << "run ids must be unique";
}

// The form is the innermost axis and applies to every method, sequential ones too.
TEST(Plan, FormIsTheInnermostAxis) {
  const auto deck = parse(
      "data: {lengths: [16]}\n"
      "runs: {methods: [kf, pkf], scans: [blocked], precision: [float32, float64],"
      " form: [standard, sqrt]}\n");
  const auto plan = kscan::make_plan(deck);
  const std::vector<std::string> ids = {
      "kf-none-float32-T16-B1",         "kf-sqrt-none-float32-T16-B1",
      "kf-none-float64-T16-B1",         "kf-sqrt-none-float64-T16-B1",
      "pkf-blocked-float32-T16-B1",     "pkf-sqrt-blocked-float32-T16-B1",
      "pkf-blocked-float64-T16-B1",     "pkf-sqrt-blocked-float64-T16-B1"};
  ASSERT_EQ(plan.runs.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& run = plan.runs[i];
    EXPECT_EQ(run.key.id(), ids[i]);
    const bool sqrt_run = i % 2 == 1;
    EXPECT_EQ(run.key.form, sqrt_run ? "sqrt" : "standard") << i;
    EXPECT_EQ(run.form, sqrt_run ? kscan::Form::sqrt : kscan::Form::standard) << i;
  }
  // The plan names the forms when a deck asks for sqrt, and not otherwise.
  const auto text = kscan::format_plan(deck, plan);
  EXPECT_NE(text.find("form        standard, sqrt (every method; parity against the float64 "
                      "standard-form reference)"),
            std::string::npos)
      << text;
  const auto standard = parse("data: {lengths: [16]}\nruns: {methods: [kf]}\n");
  const auto standard_plan = kscan::make_plan(standard);
  ASSERT_EQ(standard_plan.runs.size(), 2u);
  for (const auto& run : standard_plan.runs) EXPECT_EQ(run.form, kscan::Form::standard);
  EXPECT_EQ(kscan::format_plan(standard, standard_plan).find("\nform "), std::string::npos);
}

TEST(Plan, EstimatesPolicy) {
  auto plan = kscan::make_plan(parse("data: {lengths: [64, 256, 128]}\nruns: {methods: [kf]}\n"));
  for (const auto& run : plan.runs) EXPECT_EQ(run.keep_estimates, run.key.length == 256);
  plan = kscan::make_plan(
      parse("data: {lengths: [64, 256]}\nruns: {methods: [kf]}\noutput: {estimates: all}\n"));
  for (const auto& run : plan.runs) EXPECT_TRUE(run.keep_estimates);
  plan = kscan::make_plan(
      parse("data: {lengths: [64, 256]}\nruns: {methods: [kf]}\noutput: {estimates: none}\n"));
  for (const auto& run : plan.runs) EXPECT_FALSE(run.keep_estimates);
}

TEST(Plan, ReferenceMethods) {
  using kscan::Method;
  EXPECT_EQ(kscan::reference_method(Method::pkf, "kf"), Method::kf);
  EXPECT_EQ(kscan::reference_method(Method::pkf, "tfs"), Method::kf);
  EXPECT_EQ(kscan::reference_method(Method::prts, "kf"), Method::rts);
  EXPECT_EQ(kscan::reference_method(Method::ptfs, "kf"), Method::rts);
  EXPECT_EQ(kscan::reference_method(Method::ptfs, "tfs"), Method::tfs);
  EXPECT_EQ(kscan::reference_method(Method::rts, "tfs"), Method::tfs);
}

TEST(Plan, FormatListsEveryRun) {
  const auto deck = parse("data: {lengths: [16]}\nruns: {methods: [kf, pkf], scans: [kokkos]}\n");
  const auto plan = kscan::make_plan(deck);
  const auto text = kscan::format_plan(deck, plan);
  for (const auto& run : plan.runs) EXPECT_NE(text.find(run.key.id()), std::string::npos) << text;
  EXPECT_NE(text.find("runs        4"), std::string::npos) << text;
}

TEST(Plan, SimulateThreadsSelectsOperationCountMode) {
  const auto deck = parse("runs: {simulate_threads: 15000}\n");
  const auto plan = kscan::make_plan(deck);
  EXPECT_EQ(plan.simulate_threads, std::int64_t(15000));
  ASSERT_FALSE(plan.notes.empty());
  EXPECT_NE(plan.notes.back().find("simulated machine of 15000 threads"), std::string::npos);
  EXPECT_FALSE(kscan::make_plan(parse("runs: {repetitions: 3}\n")).simulate_threads);
}
