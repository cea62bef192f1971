#pragma once
// The one header a library user includes: models, simulation, scans and solvers.
#include "kscan/core/dims.hpp"
#include "kscan/core/phase_timer.hpp"
#include "kscan/data/simulate.hpp"
#include "kscan/model/generators.hpp"
#include "kscan/model/state_space_model.hpp"
#include "kscan/scan/scan_algorithm.hpp"
#include "kscan/solver/batched_kalman_solver.hpp"
#include "kscan/solver/kalman_solver.hpp"
#include "kscan/solver/method.hpp"
#include "kscan/solver/operation_count.hpp"
#include "kscan/solver/solver_engine.hpp"
#include "kscan/version.hpp"
