// Model generators and simulation (host, float64).
#include <gtest/gtest.h>

#include <cmath>
#include <kscan/data/simulate.hpp>
#include <kscan/model/generators.hpp>
#include <stdexcept>

namespace {

TEST(RandomModel, TransitionIsScaledOrthogonalAndCovariancesSpd) {
  kscan::RandomModelOptions o;
  o.nx = 4;
  o.ny = 2;
  o.length = 5;
  o.transition_scale = 0.9;
  const auto m = kscan::make_random_model(o);
  ASSERT_EQ(m.stored(), 5);
  for (int s = 0; s < 5; ++s) {
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        double ffT = 0;
        for (int k = 0; k < 4; ++k) ffT += m.F(s, i, k) * m.F(s, j, k);
        EXPECT_NEAR(ffT, i == j ? 0.81 : 0.0, 1e-12);
        EXPECT_DOUBLE_EQ(m.Q(s, i, j), m.Q(s, j, i));
      }
    // 2x2 R: positive determinant and diagonal, i.e. SPD
    EXPECT_GT(m.R(s, 0, 0), 0.0);
    EXPECT_GT(m.R(s, 0, 0) * m.R(s, 1, 1) - m.R(s, 0, 1) * m.R(s, 1, 0), 0.0);
  }
  // time-varying: matrices differ from step to step
  EXPECT_NE(m.F(0, 0, 0), m.F(1, 0, 0));
}

TEST(RandomModel, SameSeedSameModelOtherSeedOther) {
  kscan::RandomModelOptions o;
  o.length = 3;
  const auto a = kscan::make_random_model(o);
  const auto b = kscan::make_random_model(o);
  o.seed = 2;
  const auto c = kscan::make_random_model(o);
  EXPECT_EQ(a.H(2, 1, 3), b.H(2, 1, 3));
  EXPECT_NE(a.H(2, 1, 3), c.H(2, 1, 3));
}

TEST(Simulate, DeterministicWithMissingMasksOnly) {
  const auto m = kscan::make_tracking_model(kscan::TrackingModelOptions{});
  kscan::SimulationOptions o;
  o.length = 2000;
  o.seed = 7;
  const auto full = kscan::simulate(m, o);
  o.missing_rows = 0.2;
  o.missing_components = 0.1;
  const auto holes = kscan::simulate(m, o);
  int rows = 0, comps = 0;
  for (int t = 0; t < o.length; ++t) {
    const bool a = std::isnan(holes.y(t, 0)), b = std::isnan(holes.y(t, 1));
    rows += a && b;
    comps += a != b;
    for (int i = 0; i < 2; ++i) {
      if (!std::isnan(holes.y(t, i))) {
        EXPECT_EQ(holes.y(t, i), full.y(t, i));
      }
    }
    EXPECT_EQ(holes.x_true(t, 3), full.x_true(t, 3));
  }
  // 20% whole rows plus 1% rows where both components fell out independently
  EXPECT_NEAR(rows / 2000.0, 0.2 + 0.8 * 0.01, 0.03);
  EXPECT_NEAR(comps / 2000.0, 0.8 * 2 * 0.1 * 0.9, 0.03);
}

TEST(Simulate, TimeVaryingLengthMustMatch) {
  kscan::RandomModelOptions o;
  o.length = 4;
  const auto m = kscan::make_random_model(o);
  kscan::SimulationOptions s;
  s.length = 5;
  EXPECT_THROW(kscan::simulate(m, s), std::invalid_argument);
}

TEST(LtiModel, ShapesAreChecked) {
  kscan::LtiModelMatrices u;
  u.nx = 2;
  u.ny = 1;
  u.F = {1, 0, 0, 1};
  u.Q = {1, 0, 0, 1};
  u.H = {1, 0};
  u.R = {1};
  u.m0 = {0, 0};
  u.P0 = {1, 0, 0};  // wrong
  EXPECT_THROW(kscan::make_lti_model(u), std::invalid_argument);
  u.P0 = {1, 0, 0, 1};
  const auto m = kscan::make_lti_model(u);
  EXPECT_EQ(m.nx(), 2);
  EXPECT_FALSE(m.time_varying());
}

}  // namespace
