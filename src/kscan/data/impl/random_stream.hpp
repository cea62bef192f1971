#pragma once
// A counter-based random stream (SplitMix64 finaliser over (seed, stream, counter)) with
// Box-Muller normals. It depends on no standard-library distribution, so a seed gives the same
// numbers with every compiler, standard library and Kokkos backend.
#include <cmath>
#include <cstdint>

namespace kscan {

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t stream) : key_(mix(seed ^ mix(stream + 1))) {}

  /// Uniform in (0, 1), never exactly 0 or 1.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double t = 6.283185307179586476925286766559 * u2;
    spare_ = r * std::sin(t);
    has_spare_ = true;
    return r * std::cos(t);
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t next() { return mix(key_ + 0x632be59bd9b4e019ULL * ++counter_); }

  std::uint64_t key_;
  std::uint64_t counter_ = 0;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace kscan
