#pragma once
// Test operators for the scan layer: exact, non-commutative 2x2 matrix products modulo a prime
// (optionally counting their combine calls), and float affine-map composition.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include <kscan/scan/scan.hpp>

namespace kscan::test {

/// 2x2 integer matrix, row-major, entries in [0, modulus).
struct Mat2 {
  std::int64_t m[4];
};

inline bool operator==(const Mat2& a, const Mat2& b) {
  return a.m[0] == b.m[0] && a.m[1] == b.m[1] && a.m[2] == b.m[2] && a.m[3] == b.m[3];
}

/// earlier ⊕ later = earlier · later (mod 2^31 - 1): associative, exact, not commutative.
struct Mat2Product {
  using value_type = Mat2;
  static constexpr std::int64_t modulus = 2147483647;
  KOKKOS_INLINE_FUNCTION value_type identity() const { return {{1, 0, 0, 1}}; }
  KOKKOS_INLINE_FUNCTION static std::int64_t mulmod(std::int64_t a, std::int64_t b) {
    // a, b < 2^31: a * b < 2^62 fits
    return (a * b) % modulus;
  }
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& a, const value_type& b) const {
    return {{(mulmod(a.m[0], b.m[0]) + mulmod(a.m[1], b.m[2])) % modulus,
             (mulmod(a.m[0], b.m[1]) + mulmod(a.m[1], b.m[3])) % modulus,
             (mulmod(a.m[2], b.m[0]) + mulmod(a.m[3], b.m[2])) % modulus,
             (mulmod(a.m[2], b.m[1]) + mulmod(a.m[3], b.m[3])) % modulus}};
  }
};

/// Mat2Product with an in-place accumulate_later (prefix_combine.hpp) that overwrites `later` a
/// column at a time: a scan that passed one element as both operands would read an overwritten
/// column of `earlier` for the second.
struct InPlaceMat2Product : Mat2Product {
  KOKKOS_INLINE_FUNCTION void accumulate_later(const value_type& earlier, value_type& later) const {
    for (int c = 0; c < 2; ++c) {
      const std::int64_t top = later.m[c], bottom = later.m[2 + c];
      later.m[c] = (mulmod(earlier.m[0], top) + mulmod(earlier.m[1], bottom)) % modulus;
      later.m[2 + c] = (mulmod(earlier.m[2], top) + mulmod(earlier.m[3], bottom)) % modulus;
    }
  }
};

/// Mat2Product that counts its combine calls in counter() (atomically).
template <class MemorySpace>
struct CountingMat2Product {
  using value_type = Mat2;
  Mat2Product op;
  Kokkos::View<std::int64_t, MemorySpace> counter;
  KOKKOS_INLINE_FUNCTION value_type identity() const { return op.identity(); }
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& a, const value_type& b) const {
    Kokkos::atomic_fetch_add(&counter(), std::int64_t(1));
    return op.combine(a, b);
  }
};

/// The block [lo, hi] of a sequence of n elements; a reduction of non-adjacent blocks, or a
/// combine_prefix / combine_suffix whose operand is not a full prefix / suffix, is marked bad.
struct Interval {
  std::int64_t lo, hi;  // lo > hi: the identity (empty block)
  bool bad;
};

/// Concatenation of adjacent blocks, with the optional cheaper combines of prefix_combine.hpp that
/// check the scans' claim about their operands and count how often they are used.
template <class MemorySpace>
struct IntervalConcat {
  using value_type = Interval;
  std::int64_t n;
  Kokkos::View<std::int64_t[2], MemorySpace> used;  // combine_prefix, combine_suffix calls

  KOKKOS_INLINE_FUNCTION value_type identity() const { return {1, 0, false}; }
  KOKKOS_INLINE_FUNCTION static bool empty(const value_type& a) { return a.lo > a.hi; }
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& a, const value_type& b) const {
    if (empty(a)) return b;
    if (empty(b)) return a;
    return {a.lo, b.hi, a.bad || b.bad || a.hi + 1 != b.lo};
  }
  KOKKOS_INLINE_FUNCTION value_type combine_prefix(const value_type& prefix,
                                                   const value_type& later) const {
    Kokkos::atomic_fetch_add(&used(0), std::int64_t(1));
    value_type out = combine(prefix, later);
    out.bad = out.bad || empty(prefix) || prefix.lo != 0;
    return out;
  }
  KOKKOS_INLINE_FUNCTION value_type combine_suffix(const value_type& earlier,
                                                   const value_type& suffix) const {
    Kokkos::atomic_fetch_add(&used(1), std::int64_t(1));
    value_type out = combine(earlier, suffix);
    out.bad = out.bad || empty(suffix) || suffix.hi != n - 1;
    return out;
  }
};

/// Element i of row r, a function of (seed, r, i) alone so that host and device agree: a source
/// for inclusive_scan_rows from a source.
struct HashedMatrices {
  std::uint64_t seed;
  KOKKOS_INLINE_FUNCTION Mat2 operator()(std::int64_t r, std::int64_t i) const {
    std::uint64_t h = seed ^ (static_cast<std::uint64_t>(r) * 0x9E3779B97F4A7C15ull) ^
                      (static_cast<std::uint64_t>(i) * 0xC2B2AE3D27D4EB4Full);
    Mat2 out;
    for (int k = 0; k < 4; ++k) {  // splitmix64's finaliser
      h += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = h;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      out.m[k] = static_cast<std::int64_t>((z ^ (z >> 31)) % Mat2Product::modulus);
    }
    return out;
  }
};

/// The affine map x -> a x + b. earlier ⊕ later = "apply earlier, then later":
///   x -> a_l (a_e x + b_e) + b_l.
template <class T>
struct Affine {
  T a, b;
};

template <class T>
struct AffineCompose {
  using value_type = Affine<T>;
  KOKKOS_INLINE_FUNCTION value_type identity() const { return {T(1), T(0)}; }
  KOKKOS_INLINE_FUNCTION value_type combine(const value_type& e, const value_type& l) const {
    return {l.a * e.a, l.a * e.b + l.b};
  }
};

/// Deterministic pseudo-random numbers for inputs.
class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed * 2862933555777941757ull + 3037000493ull) {}
  std::uint64_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return state_ >> 11;
  }
  double uniform() { return double(next() >> 11) / double(1ull << 42); }  // [0, 1)

 private:
  std::uint64_t state_;
};

inline std::vector<Mat2> random_matrices(std::int64_t n, std::uint64_t seed) {
  Lcg rng(seed);
  std::vector<Mat2> out(static_cast<std::size_t>(n));
  for (auto& x : out)
    for (auto& e : x.m) e = static_cast<std::int64_t>(rng.next() % Mat2Product::modulus);
  return out;
}

/// Host reference: inclusive prefix (forward) or suffix (reverse) with earlier ⊕ later.
template <class Op>
std::vector<typename Op::value_type> host_scan(const Op& op,
                                               std::vector<typename Op::value_type> x,
                                               ScanDirection direction) {
  const std::size_t n = x.size();
  if (n == 0) return x;
  if (direction == ScanDirection::forward) {
    for (std::size_t i = 1; i < n; ++i) x[i] = op.combine(x[i - 1], x[i]);
  } else {
    for (std::size_t i = n - 1; i-- > 0;) x[i] = op.combine(x[i], x[i + 1]);
  }
  return x;
}

/// Every registered scan parameter (scan_parameters()) set to h.
inline ScanParameterValues every_parameter(int h) {
  ScanParameterValues values;
  for (const ScanParameter* parameter : scan_parameters()) values[parameter->key] = h;
  return values;
}

/// Every registered scan by deck name, a name with a parameter once per value in `h`.
inline std::vector<ScanOptions> registered_scans(std::initializer_list<int> h) {
  std::vector<ScanOptions> all;
  for (const ScanDeckName& name : scan_deck_names()) {
    if (!name.parameter) {
      all.push_back(*parse_scan(name.name));
      continue;
    }
    for (const int value : h) all.push_back(*parse_scan(name.name, every_parameter(value)));
  }
  return all;
}

}  // namespace kscan::test
