// The model side of a deck: lti arrays given per step, model.initial (a1/P1, diffuse components)
// and what build_model makes of them; output.diagnostics.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kscan/experiment/deck.hpp"

namespace {

kscan::Deck parse_model(const std::string& text) {
  kscan::DeckOptions options;
  options.check_output = false;
  return kscan::parse_deck(text, "model.yaml", ".", options);
}

std::string error_of(const std::string& text) {
  try {
    parse_model(text);
  } catch (const kscan::DeckError& e) {
    return e.what();
  }
  return "";
}

const std::string kLocalLevel =
    "model:\n  kind: lti\n  F: [[1]]\n  Q: [[2]]\n  H: [[1]]\n  R: [[3]]\n";

TEST(DeckModel, ArraysGivenPerStepKeepSlotsOfTheirOwn) {
  // H changes every step (a regression on a known input), everything else is fixed.
  const auto deck = parse_model(
      "model:\n  kind: lti\n  F: [[1, 0], [0, 1]]\n  Q: [[1, 0], [0, 1]]\n"
      "  H: [[[1, 0.5]], [[1, -1]], [[1, 2]]]\n  R: [[1]]\n  d: [[0], [1], [2]]\n"
      "  m0: [0, 0]\n  P0: [[10, 0], [0, 10]]\n"
      "data: {lengths: [3]}\n");
  const kscan::HostModel m = kscan::build_model(deck, 3);
  const kscan::ModelSlots s = m.slots();
  EXPECT_EQ(s.F, 1);
  EXPECT_EQ(s.Q, 1);
  EXPECT_EQ(s.R, 1);
  EXPECT_EQ(s.H, 3);
  EXPECT_EQ(s.d, 3);
  EXPECT_EQ(m.H(1, 0, 1), -1.0);
  EXPECT_EQ(m.H(2, 0, 1), 2.0);
  EXPECT_EQ(m.d(2, 0), 2.0);
  EXPECT_TRUE(deck.model.time_varying);
}

TEST(DeckModel, ArraysPerStepMustAgreeWithTheLengths) {
  const std::string model =
      kLocalLevel.substr(0, kLocalLevel.find("  H:")) + "  H: [[[1]], [[2]]]\n  R: [[3]]\n" +
      "  m0: [0]\n  P0: [[1]]\n";
  EXPECT_NE(error_of(model + "data: {lengths: [2, 4]}\n")
                .find("the model (arrays given per step) has 2 steps; every length must be 2"),
            std::string::npos);
  EXPECT_NE(error_of(kLocalLevel.substr(0, kLocalLevel.find("  Q:")) +
                     "  Q: [[[1]], [[2]]]\n  H: [[[1]], [[2]], [[3]]]\n  R: [[3]]\n  m0: [0]\n"
                     "  P0: [[1]]\n")
                .find("gives 2 time steps, another array gives 3"),
            std::string::npos);
  EXPECT_NE(error_of(kLocalLevel.substr(0, kLocalLevel.find("  R:")) +
                     "  R: [[[1]], [[-1]]]\n  m0: [0]\n  P0: [[1]]\ndata: {lengths: [2]}\n")
                .find("a covariance must be positive semi-definite (step 2)"),
            std::string::npos);
}

// An inline R may be singular too (an exactly observed level): the same rule as a file model's.
TEST(DeckModel, InlineSingularMeasurementNoise) {
  const std::string model = kLocalLevel.substr(0, kLocalLevel.find("  R:")) +
                            "  R: [[[1]], [[0]]]\n  m0: [0]\n  P0: [[1]]\ndata: {lengths: [2]}\n";
  EXPECT_EQ(error_of(model + "runs: {methods: [kf, rts, pkf, prts, ptfs]}\n"), "");
  EXPECT_EQ(error_of(model + "runs: {methods: [tfs, ptfs], form: [sqrt]}\n"), "");
  const std::string e = error_of(model + "runs: {methods: [rts, tfs]}\n");
  EXPECT_NE(e.find("runs.methods: model.R (step 2) is singular"), std::string::npos) << e;
  EXPECT_NE(e.find("runs.form: [sqrt]"), std::string::npos) << e;
}

TEST(DeckModel, InitialStateAsFirstPrediction) {
  const auto deck = parse_model(kLocalLevel + "  initial: {a1: [5], P1: [[7]]}\n");
  const kscan::HostModel m = kscan::build_model(deck, 10);
  EXPECT_TRUE(m.initial_is_predicted);
  EXPECT_EQ(m.m0(0), 5.0);
  EXPECT_EQ(m.P0(0, 0), 7.0);
  EXPECT_TRUE(kscan::diffuse_components(deck, 1).empty());
  // the resolved deck says the same
  const auto again = parse_model(deck.resolved_yaml);
  EXPECT_TRUE(kscan::build_model(again, 10).initial_is_predicted);
}

TEST(DeckModel, DiffuseComponents) {
  const std::string trend =
      "model:\n  kind: lti\n  F: [[1, 1, 0], [0, 1, 0], [0, 0, 0.5]]\n"
      "  Q: [[1, 0, 0], [0, 0.1, 0], [0, 0, 1]]\n  H: [[1, 0, 1]]\n  R: [[1]]\n";
  const auto all = parse_model(trend + "  initial: {diffuse: true}\n");
  EXPECT_EQ(kscan::diffuse_components(all, 3), (std::vector<int>{0, 1, 2}));
  const auto some = parse_model(
      trend + "  initial: {a1: [9, 9, 1], P1: [[0, 0, 0], [0, 0, 0], [0, 0, 1.33]], diffuse: true, "
              "diffuse_states: [1, 0]}\n");
  EXPECT_EQ(kscan::diffuse_components(some, 3), (std::vector<int>{0, 1}));
  const kscan::HostModel m = kscan::build_model(some, 5);
  EXPECT_EQ(m.m0(0), 0.0);  // a diffuse component's mean carries no information
  EXPECT_EQ(m.m0(2), 1.0);
  EXPECT_EQ(m.P0(2, 2), 1.33);
  // a stationary component cannot be left without a variance by accident: its P1 is checked
  EXPECT_NE(error_of(trend + "  initial: {P1: [[1, 0, 0], [0, 1, 0], [0, 0, -1]]}\n")
                .find("model.initial.P1: a covariance must be positive semi-definite"),
            std::string::npos);
  EXPECT_NE(error_of(trend + "  initial: {diffuse_states: [0]}\n")
                .find("only used with model.initial.diffuse: true"),
            std::string::npos);
  EXPECT_NE(error_of(trend + "  initial: {diffuse: true}\ndata: {batch: 2}\n")
                .find("data.batch must be 1"),
            std::string::npos);
}

TEST(DeckModel, InitialOrPriorNotBoth) {
  EXPECT_NE(error_of(kLocalLevel).find("missing required key 'm0'"), std::string::npos);
  EXPECT_NE(error_of(kLocalLevel + "  m0: [0]\n  P0: [[1]]\n  initial: {a1: [1]}\n")
                .find("give either m0 and P0"),
            std::string::npos);
  // a random model takes model.initial too: it replaces the generated prior
  const auto deck = parse_model("model: {kind: random, state_dim: 2, obs_dim: 1, "
                                "initial: {a1: [1, 2], P1: [[1, 0], [0, 1]]}}\n");
  const kscan::HostModel m = kscan::build_model(deck, 8);
  EXPECT_TRUE(m.initial_is_predicted);
  EXPECT_EQ(m.m0(1), 2.0);
}

TEST(DeckModel, Diagnostics) {
  const auto deck = parse_model(kLocalLevel + "  m0: [0]\n  P0: [[1]]\n" +
                                "output: {diagnostics: [innovations, loglik_terms]}\n");
  EXPECT_EQ(deck.output.diagnostics, (std::vector<std::string>{"innovations", "loglik_terms"}));
  EXPECT_NE(error_of(kLocalLevel + "  m0: [0]\n  P0: [[1]]\n" +
                     "output: {diagnostics: [residuals]}\n")
                .find("residuals"),
            std::string::npos);
}

// A file model with R singular in one slot: an exactly observed component (R = diag(0, 1)) or
// collinear noise (R = [[1, 1], [1, 1]]). Accepted for the methods and forms that handle it,
// refused for standard-form tfs (which needs R⁻¹) with the method named; a Q that is not a
// covariance is refused outright.
TEST(DeckModel, FileModelCovariancesAreChecked) {
  const auto dir = std::filesystem::temp_directory_path() / "kscan-deck-model";
  std::filesystem::create_directories(dir);
  const auto file = dir / "m.h5";
  std::ofstream(file, std::ios::binary) << "\x89HDF\r\n\x1a\n";  // the signature is checked
  auto run = [&](const std::vector<double>& R, double q, const std::string& methods,
                 const std::string& forms = "[standard]") {
    kscan::DeckOptions options;
    options.check_output = false;
    options.reader = [&](const std::string&, const std::string&) {
      kscan::LoadedDataset d;
      d.model = kscan::HostModel(2, 2, kscan::ModelSlots{1, 1, 1, 1, 1, 2});
      for (int i = 0; i < 2; ++i) {
        d.model.F(0, i, i) = d.model.H(0, i, i) = d.model.P0(i, i) = 1;
        d.model.Q(0, i, i) = q;
        d.model.R(0, i, i) = 1;  // slot 1 proper, slot 2 as given
        for (int j = 0; j < 2; ++j) d.model.R(1, i, j) = R[i * 2 + j];
      }
      return d;
    };
    try {
      kscan::parse_deck("model: {kind: file, file: " + file.string() +
                            ", dataset: m}\ndata: {lengths: [2]}\nruns: {methods: " + methods +
                            ", form: " + forms + "}\n",
                        "file.yaml", ".", options);
    } catch (const kscan::DeckError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(run({0, 0, 0, 1}, 0.5, "[kf, rts, pkf, prts, ptfs]"), "");
  EXPECT_EQ(run({1, 1, 1, 1}, 0.5, "[kf, rts, ptfs]"), "");
  for (const auto& R : {std::vector<double>{0, 0, 0, 1}, std::vector<double>{1, 1, 1, 1}}) {
    const std::string e = run(R, 0.5, "[kf, tfs]");
    EXPECT_NE(e.find("runs.methods: the model in"), std::string::npos) << e;
    EXPECT_NE(e.find("R at step 2 is singular"), std::string::npos) << e;
    EXPECT_NE(e.find("method tfs in the standard form needs R"), std::string::npos) << e;
    EXPECT_NE(run(R, 0.5, "[kf, tfs]", "[sqrt, standard]").find("standard form"),
              std::string::npos);
    EXPECT_EQ(run(R, 0.5, "[kf, rts, tfs, pkf, prts, ptfs]", "[sqrt]"), "");
  }
  EXPECT_NE(run({1, 0, 0, 1}, -0.5, "[kf]").find("Q is not a covariance"), std::string::npos);
  EXPECT_NE(run({1, 2, 0, 1}, 0.5, "[kf]").find("R at step 2 is not a covariance"),
            std::string::npos);
  EXPECT_EQ(run({1, 0, 0, 1}, 0.0, "[kf, tfs]"), "");  // Q = 0: deterministic, a covariance
  std::filesystem::remove_all(dir);
}

}  // namespace
