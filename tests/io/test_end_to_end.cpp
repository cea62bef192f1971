// A deck run through the runner into an HDF5 file: the stored estimates equal a direct solver call
// on the stored dataset, bit for bit, and a deck reading that dataset back (model.kind: file,
// data.source: file) reproduces them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "kscan/experiment/plan.hpp"
#include "kscan/experiment/runner.hpp"
#include "kscan/io/hdf5_reader.hpp"
#include "kscan/io/hdf5_result_file.hpp"
#include "kscan/solver/kalman_solver.hpp"

namespace {

std::string temp_dir() {
  char pattern[] = "/tmp/kscan-e2e-XXXXXX";
  const char* dir = mkdtemp(pattern);
  if (!dir) throw std::runtime_error("mkdtemp failed");
  return dir;
}

kscan::LoadedDataset reader(const std::string& file, const std::string& name) {
  auto stored = kscan::read_dataset(file, name, false);
  return {stored.model, stored.has_measurements, stored.has_truth, stored.series};
}

std::string run_deck(const std::string& text, const std::string& dir, const std::string& out) {
  kscan::DeckOptions options;
  options.reader = reader;
  const auto deck = kscan::parse_deck(text, "e2e.yaml", dir, options);
  const auto plan = kscan::make_plan(deck);
  kscan::RootAttributes root;
  root.environment = kscan::current_environment();
  root.created = kscan::iso8601_now();
  root.deck = deck.resolved_yaml;
  auto file = kscan::Hdf5ResultFile::create(out, root, false);
  kscan::RunnerOptions runner;
  runner.reader = reader;
  const auto report = kscan::run_plan(deck, plan, file, runner);
  EXPECT_EQ(report.failed, 0u);
  EXPECT_EQ(report.completed, plan.runs.size());
  file.commit();
  return out;
}

/// Runs `method` directly on the dataset stored in `path` and returns its mean and covariance.
template <class Scalar>
std::pair<std::vector<double>, std::vector<double>> direct(const std::string& path,
                                                           const std::string& dataset,
                                                           kscan::Method method,
                                                           kscan::ScanOptions scan) {
  using Space = Kokkos::DefaultExecutionSpace;
  const auto stored = kscan::read_dataset(path, dataset);
  const auto model = kscan::convert_model<Scalar, Space::memory_space>(stored.model);
  const auto y = kscan::convert_measurements<Scalar, Space::memory_space>(stored.series.y);
  kscan::KalmanSolver<Scalar> solver({method, scan}, model, y);
  solver.run();
  const auto m = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.mean());
  const auto c = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), solver.covariance());
  return {std::vector<double>(m.data(), m.data() + m.span()),
          std::vector<double>(c.data(), c.data() + c.span())};
}

TEST(EndToEnd, StoredEstimatesEqualDirectSolverAndSurviveRoundTrip) {
  const std::string dir = temp_dir();
  const std::string first = run_deck(
      "experiment: {name: e2e, seed: 5}\n"
      "model: {kind: random, state_dim: 4, obs_dim: 2}\n"
      "data: {lengths: [40], missing: 0.1, missing_components: 0.1}\n"
      "runs: {methods: [kf, pkf, prts, ptfs], scans: [ladner_fischer], precision: [float64, float32],\n"
      "       warmup: 0, repetitions: 1}\n"
      "output: {file: first.h5, estimates: all}\n",
      dir, dir + "/first.h5");

  for (const char* method : {"kf", "pkf", "prts", "ptfs"}) {
    for (const char* precision : {"float64", "float32"}) {
      const kscan::RunKey key{method, std::string(method) == "kf" ? "none" : "ladner_fischer",
                              precision, 40, 1, "T40"};
      const auto run = kscan::read_run(first, key.id(), true);
      ASSERT_TRUE(run.has_estimates) << key.id();
      const auto m = *kscan::parse_method(method);
      const kscan::ScanOptions scan{kscan::ScanAlgorithm::ladner_fischer, 0};
      const auto expected = std::string(precision) == "float64"
                                ? direct<double>(first, "T40", m, scan)
                                : direct<float>(first, "T40", m, scan);
      EXPECT_EQ(run.mean, expected.first) << key.id();
      EXPECT_EQ(run.covariance, expected.second) << key.id();
    }
  }

  // Read the model and series back from the first file and run again: identical estimates.
  const std::string second = run_deck(
      "experiment: {name: e2e-again, seed: 99}\n"
      "model: {kind: file, file: first.h5, dataset: T40}\n"
      "data: {source: file}\n"
      "runs: {methods: [pkf, prts], scans: [ladner_fischer], precision: [float64],\n"
      "       warmup: 0, repetitions: 1}\n"
      "output: {file: second.h5, estimates: all}\n",
      dir, dir + "/second.h5");
  for (const char* method : {"pkf", "prts"}) {
    const auto a = kscan::read_run(first, kscan::RunKey{method, "ladner_fischer", "float64", 40, 1,
                                                       "T40"}.id(), true);
    const auto ids = kscan::list_runs(second);
    const std::string prefix = std::string(method) + "-ladner_fischer-float64-T40-B1";
    std::string id;
    for (const auto& candidate : ids)
      if (candidate.rfind(prefix, 0) == 0) id = candidate;
    ASSERT_FALSE(id.empty()) << "no " << prefix << " in the rerun";
    const auto b = kscan::read_run(second, id, true);
    EXPECT_EQ(a.mean, b.mean) << method;
    EXPECT_EQ(a.covariance, b.covariance) << method;
    EXPECT_EQ(a.metrics.loglik, b.metrics.loglik) << method;
  }
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
