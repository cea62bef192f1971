#pragma once
// The hybrid tree scan of Sengupta, Lefohn and Owens: a reduction tree whose levels are stored
// one after another in the workspace (level 0 is the sequence itself, level l + 1 holds the
// pairwise reductions of level l, ceil(n_l / 2) nodes); once a level has at most 2^h nodes, that
// level is scanned with Hillis-Steele, and a down-sweep turns each level's inclusive scan into the
// inclusive scan of the level below:
//   S_l(0) = L_l(0),  S_l(2j + 1) = S_{l+1}(j),  S_l(2j) = S_{l+1}(j - 1) ⊕ L_l(2j)  (j >= 1).
// h = 0 ("sengupta_a") is the plain tree scan: inclusive results directly, like in-place
// Ladner-Fischer, but with the intermediate values in separate level arrays. Larger h
// ("sengupta_b") trades work for fewer steps at the top of the tree. Span about
// 2 log2 n - h steps; workspace n_1 + ... + n_top (+ n_top for the Hillis-Steele buffer).
#include "kscan/scan/impl/hillis_steele_scan.hpp"
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/scan_descriptor.hpp"
#include "kscan/scan/impl/scan_common.hpp"

namespace kscan::scan_detail {

/// Sengupta: the largest number of active nodes that is scanned with Hillis-Steele, 2^h
/// (saturating; h < 0 is treated as 0).
constexpr index_t sengupta_cap(int h) {
  if (h <= 0) return 1;
  if (h >= 62) return index_t(1) << 62;
  return index_t(1) << h;
}

/// Sengupta tree: level 0 is the input (n nodes), level l+1 has ceil(n_l / 2) nodes; the tree
/// stops at the first level with <= cap nodes (the top, scanned with Hillis-Steele).
struct SenguptaLevels {
  static constexpr int max_levels = 64;
  int top = 0;                          // index of the top level
  index_t size[max_levels + 1] = {};    // nodes per level
  index_t offset[max_levels + 1] = {};  // start of level l >= 1 in the workspace
  index_t tree_elements = 0;            // workspace used by levels 1..top
  index_t hs_buffer = 0;                // Hillis-Steele double buffer for the top level
  constexpr SenguptaLevels(index_t n, int h) {
    const index_t cap = sengupta_cap(h);
    size[0] = n;
    while (size[top] > cap && top < max_levels) {
      size[top + 1] = (size[top] + 1) / 2;
      offset[top + 1] = tree_elements;
      tree_elements += size[top + 1];
      ++top;
    }
    hs_buffer = size[top] >= 2 ? size[top] : 0;
  }
  constexpr index_t workspace_elements() const { return tree_elements + hs_buffer; }
};

/// Up-sweep step: parent(j) = child(2j) ⊕ child(2j + 1), or child(2j) when 2j + 1 is absent.
template <class ExecSpace, class Op, class Child, class Parent>
void sengupta_reduce_level(const ExecSpace& space, const Op& op, const Child& child,
                           index_t child_size, const Parent& parent) {
  const index_t parents = (child_size + 1) / 2;
  Kokkos::parallel_for(
      "kscan::scan::sengupta::upsweep", range<typename Op::value_type>(space, 0, parents),
      KOKKOS_LAMBDA(index_t j) {
        if (2 * j + 1 < child_size)
          parent(j) = combine_maybe_prefix(op, j == 0, child(2 * j), child(2 * j + 1));
        else
          parent(j) = child(2 * j);
      });
}

/// Down-sweep step: `level` (its reductions) becomes its inclusive scan, given `scanned_parent`,
/// the inclusive scan of the level above.
template <class ExecSpace, class Op, class Level, class Parent>
void sengupta_expand_level(const ExecSpace& space, const Op& op, const Level& level,
                           index_t size, const Parent& scanned_parent) {
  Kokkos::parallel_for(
      "kscan::scan::sengupta::downsweep", range<typename Op::value_type>(space, 1, size),
      KOKKOS_LAMBDA(index_t i) {
        if (i % 2 == 1)
          level(i) = scanned_parent(i / 2);
        else
          level(i) = combine_prefix(op, scanned_parent(i / 2 - 1), level(i));
      });
}

/// Scans x(0..n-1) in place with threshold h; `buffer` must hold
/// SenguptaLevels(n, h).workspace_elements() elements.
template <class ExecSpace, class Op, class Seq, class Buffer>
void sengupta_scan(const ExecSpace& space, const Op& op, const Seq& x, index_t n, int h,
                   const Buffer& buffer) {
  using Level = OffsetSequence<Buffer>;
  const SenguptaLevels tree(n, h);
  const auto level = [&](int l) { return Level{buffer, tree.offset[l]}; };
  const Level hs_buffer{buffer, tree.tree_elements};
  const char* hs_level_label = "kscan::scan::sengupta::hillis_steele";
  const char* hs_copy_label = "kscan::scan::sengupta::hillis_steele_copy_back";

  if (tree.top == 0) {  // few enough nodes already: Hillis-Steele on the sequence itself
    hillis_steele_scan(space, op, x, n, hs_buffer, hs_level_label, hs_copy_label);
    return;
  }
  sengupta_reduce_level(space, op, x, n, level(1));
  for (int l = 1; l < tree.top; ++l)
    sengupta_reduce_level(space, op, level(l), tree.size[l], level(l + 1));
  hillis_steele_scan(space, op, level(tree.top), tree.size[tree.top], hs_buffer,
                     hs_level_label, hs_copy_label);
  for (int l = tree.top - 1; l >= 1; --l)
    sengupta_expand_level(space, op, level(l), tree.size[l], level(l + 1));
  sengupta_expand_level(space, op, x, n, level(1));
}

/// The h of sengupta_b.
inline constexpr ScanParameter sengupta_threshold{
    "sengupta_threshold", "h", 4, 1, 30,
    "The h of sengupta_b: the tree scan switches to Hillis-Steele below 2^h active nodes "
    "(sengupta_a is h = 0)."};

/// Registry row (scan_registry.hpp); ScanOptions::parameter is the threshold h.
struct SenguptaScan : ScanDefaults {
  static constexpr ScanAlgorithm algorithm = ScanAlgorithm::sengupta;
  static constexpr std::array<ScanDeckName, 2> deck_names{
      {{"sengupta_a", "tree scan down to one node (h = 0)", nullptr, 0},
       {"sengupta_b",
        "tree scan switching to Hillis-Steele below 2^h nodes (runs.sengupta_threshold)",
        &sengupta_threshold}}};
  template <class ExecSpace, class Op, class Seq, class Buffer>
  static void run(const ExecSpace& space, const ScanOptions& options, const Op& op, const Seq& x,
                  index_t n, int, const Buffer& buffer) {
    sengupta_scan(space, op, x, n, options.parameter, buffer);
  }
  static void schedule(ScanSchedule& steps, const ScanOptions& options, index_t n, int) {
    const SenguptaLevels tree(n, options.parameter);
    for (int l = 0; l < tree.top; ++l) {
      const index_t pairs = tree.size[l] / 2;
      add_step(steps, pairs, pairs, 1, 1);
    }
    hillis_steele_steps(steps, tree.size[tree.top]);
    for (int l = tree.top - 1; l >= 0; --l) {
      const index_t evens = (tree.size[l] - 1) / 2;
      add_step(steps, evens, evens, 1, evens);
    }
  }
  static std::int64_t workspace(const ScanOptions& options, std::int64_t n, int) {
    return SenguptaLevels(n, options.parameter).workspace_elements();
  }
  template <class ExecSpace>
  static void check(const ScanOptions& options) {
    if (options.parameter < 0)
      throw std::invalid_argument("kscan: scan 'sengupta' needs a threshold h >= 0, got " +
                                  std::to_string(options.parameter));
  }
};

}  // namespace kscan::scan_detail
