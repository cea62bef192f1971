#pragma once
// Phase timing for the runner: every phase of a solver is a Kokkos Tools region, and when a
// PhaseTimer is attached the phase is also timed with a fence before each clock read.
#include <Kokkos_Core.hpp>
#include <array>
#include <chrono>

namespace kscan {

enum class Phase { elements, forward_scan, backward_scan, combine, copy };
inline constexpr int phase_count = 5;
inline constexpr std::array<const char*, phase_count> phase_names = {
    "elements", "forward_scan", "backward_scan", "combine", "copy"};

class PhaseTimer {
 public:
  void reset() { seconds_.fill(0.0); }
  void add(Phase p, double s) { seconds_[static_cast<int>(p)] += s; }
  double seconds(Phase p) const { return seconds_[static_cast<int>(p)]; }

 private:
  std::array<double, phase_count> seconds_{};
};

/// RAII phase: a Kokkos Tools region always; with a timer, fenced wall-clock time too.
template <class ExecSpace>
class PhaseScope {
 public:
  PhaseScope(PhaseTimer* timer, Phase phase, const ExecSpace& space)
      : timer_(timer), phase_(phase), space_(space) {
    Kokkos::Profiling::pushRegion(std::string("kscan::") + phase_names[static_cast<int>(phase)]);
    if (timer_) {
      space_.fence();
      start_ = std::chrono::steady_clock::now();
    }
  }
  ~PhaseScope() {
    if (timer_) {
      space_.fence();
      timer_->add(phase_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
                              .count());
    }
    Kokkos::Profiling::popRegion();
  }
  PhaseScope(const PhaseScope&) = delete;
  PhaseScope& operator=(const PhaseScope&) = delete;

 private:
  PhaseTimer* timer_;
  Phase phase_;
  ExecSpace space_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace kscan
