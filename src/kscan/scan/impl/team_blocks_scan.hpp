#pragma once
// Team-blocked scan, shaped for a GPU: the sequence is cut into blocks of S x I elements, one
// team of S threads per block, I = team_blocks_items consecutive elements per thread
// (S = team_blocks_team_size(P): 64 on a device, the worker count on a host, at most 64). Per
// level, two launches:
//   1. blocks:    every thread scans its I elements in place (a chain of combines), then the team
//                 scans its S thread totals in (level-0, shared) scratch memory, Hillis-Steele
//                 with a team barrier per stride; each thread's inclusive team prefix goes to the
//                 workspace, each block's total too (the next level's sequence);
//   2. propagate: every thread finishes its elements from the prefix before them: the scanned
//                 total of the blocks before its own, combined with its team prefix (one combine
//                 per thread), then one combine per element.
// In both, the chains are walked through team scratch: element k of all the block's chains is
// staged at once by the whole team, word by word (move_items), so that the loads and stores
// of the elements coalesce; the threads combine in scratch, each with the result before its
// element, read back from x.
// Between the two, the block totals are scanned by this same scan one level up, so there are
// about log_{S I}(n) levels. Block 0's first chain, the carries and every combine of the
// propagate step have a full prefix on the left (combine_prefix); the other chains and the team
// scans use general combines. Work about 2n combines; the team scratch holds S elements
// (level 1, device memory, when they do not fit in 32 KiB of shared memory). On a host backend S
// is the number of workers (a Serial team is one thread), so the same kernels run and are tested
// there.
#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstring>

#include "kscan/core/impl/kernel_policy.hpp"
#include "kscan/scan/prefix_combine.hpp"
#include "kscan/scan/scan_descriptor.hpp"
#include "kscan/scan/impl/scan_common.hpp"

namespace kscan::scan_detail {

inline constexpr index_t team_blocks_items = 8;

/// Threads per team for P workers: one team fills at most 64 of them.
constexpr index_t team_blocks_team_size(int threads) {
  return threads < 1 ? 1 : (threads < 64 ? threads : 64);
}

/// The geometry of one level over n elements.
struct TeamBlocksLevel {
  index_t n, team, chains, blocks;  // elements, threads per team, thread chains, blocks
  constexpr TeamBlocksLevel(index_t length, int threads)
      : n(length), team(team_blocks_team_size(threads)),
        chains((length + team_blocks_items - 1) / team_blocks_items),
        blocks((chains + team - 1) / team) {}
  /// Elements of chain g (the last may be short).
  constexpr index_t chain_length(index_t g) const {
    const index_t begin = g * team_blocks_items;
    return std::min(begin + team_blocks_items, n) - begin;
  }
  /// Chains in block b (the last block may hold fewer than `team`).
  constexpr index_t block_chains(index_t b) const { return std::min(team, chains - b * team); }
  /// Workspace of this level (team prefixes, block totals) and the levels above.
  constexpr index_t workspace() const {
    if (n < 2) return 0;
    return chains + (blocks > 1 ? blocks + TeamBlocksLevel(blocks, static_cast<int>(team))
                                               .workspace()
                                : 0);
  }
};

/// Combines of a Hillis-Steele scan of m values: sum over strides d < m of m - d; its levels.
constexpr index_t team_scan_combines(index_t m) {
  index_t c = 0;
  for (index_t d = 1; d < m; d *= 2) c += m - d;
  return c;
}
constexpr index_t team_scan_levels(index_t m) {
  index_t levels = 0;
  for (index_t d = 1; d < m; d *= 2) ++levels;
  return levels;
}

/// Moves element k of each of a block's chains between the sequence and the team's staging row
/// (stage(c) for the block's chain c) word by word (4 bytes, or single bytes for an element whose
/// size is not a multiple of 4), consecutive threads on consecutive words: the accesses
/// coalesce, where a thread reading its own chain's element would touch addresses
/// team_blocks_items elements apart from its neighbour's.
template <class Member, class Stage, class Seq>
KOKKOS_INLINE_FUNCTION void move_items(const Member& m, bool into_stage, const Stage& stage,
                                       const Seq& x, index_t first_chain, index_t chains,
                                       index_t k, index_t n) {
  using value_type = typename Stage::non_const_value_type;
  constexpr index_t word = sizeof(value_type) % 4 == 0 ? 4 : 1;
  constexpr index_t words = sizeof(value_type) / word;
  Kokkos::parallel_for(Kokkos::TeamThreadRange(m, chains * words), [&](index_t w) {
    const index_t c = w / words, offset = (w % words) * word;
    const index_t i = (first_chain + c) * team_blocks_items + k;
    if (i >= n) return;
    char* staged = reinterpret_cast<char*>(&stage(c)) + offset;
    char* element = reinterpret_cast<char*>(&x(i)) + offset;
    if (into_stage)
      memcpy(staged, element, word);
    else
      memcpy(element, staged, word);
  });
}

template <class ExecSpace, class Op, class Seq, class Buffer>
void team_blocks_level(const ExecSpace& space, const Op& op, const Seq& x,
                       const TeamBlocksLevel& level, const Buffer& buffer, index_t offset) {
  using value_type = typename Op::value_type;
  using policy = TeamPolicy<ExecSpace, value_type, Kokkos::IndexType<index_t>>;
  using member = typename policy::member_type;
  using scratch_view = Kokkos::View<value_type*, typename ExecSpace::scratch_memory_space,
                                    Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
  if (level.n < 2) return;
  const index_t n = level.n, team = level.team, chains = level.chains, blocks = level.blocks;
  const index_t items = team_blocks_items;
  // team prefix of chain g at buffer(offset + g); block totals after them (the next level's x)
  const OffsetSequence<Buffer> prefix{buffer, offset};
  const OffsetSequence<Buffer> totals{buffer, offset + chains};
  // S elements: the chains are walked through them (element k of every chain of the block staged
  // at once, move_items), then they hold the team scan.
  const std::size_t scratch_bytes = scratch_view::shmem_size(team);
  const int scratch_level = scratch_bytes <= 32 * 1024 ? 0 : 1;
  const auto block_policy = [&] {
    return policy(space, static_cast<int>(blocks), static_cast<int>(team))
        .set_scratch_size(scratch_level, Kokkos::PerTeam(scratch_bytes));
  };
  Kokkos::parallel_for(
      "kscan::scan::team_blocks::blocks", block_policy(), KOKKOS_LAMBDA(const member& m) {
        const index_t b = m.league_rank(), t = m.team_rank();
        const index_t valid = min_index(team, chains - b * team);
        const index_t g = b * team + t;
        scratch_view rows(m.team_scratch(scratch_level), team);
        // Nothing is held across the chain or the team scan: the chain's running value is the
        // element before, already in place in x, and each general combine goes to this thread's
        // workspace slot (combine_to), in place for an operator with an accumulate_later. A
        // device thread holding the running value spilled 56-60 B with the square-root filtering
        // operator (nx 4, float32); none now.
        for (index_t k = 1; k < items; ++k) {
          move_items(m, true, rows, x, b * team, valid, k, n);
          m.team_barrier();
          const index_t i = g * items + k;
          if (t < valid && i < n) {
            if (g == 0) {
              rows(t) = combine_prefix(op, x(i - 1), rows(t));
            } else {
              combine_to(op, x(i - 1), rows(t), prefix(g));
              rows(t) = prefix(g);
            }
          }
          m.team_barrier();
          move_items(m, false, rows, x, b * team, valid, k, n);
          m.team_barrier();
        }
        if (t < valid) prefix(g) = rows(t) = x(min_index((g + 1) * items, n) - 1);
        m.team_barrier();
        for (index_t d = 1; d < valid; d *= 2) {
          const bool combines = t < valid && t >= d;
          if (combines) combine_to(op, rows(t - d), rows(t), prefix(g));
          m.team_barrier();
          if (combines) rows(t) = prefix(g);
          m.team_barrier();
        }
        if (t == valid - 1 && blocks > 1) totals(b) = prefix(g);
      });
  if (blocks > 1)
    team_blocks_level(space, op, totals, TeamBlocksLevel(blocks, static_cast<int>(team)),
                      buffer, offset + chains + blocks);
  Kokkos::parallel_for(
      "kscan::scan::team_blocks::propagate", block_policy(), KOKKOS_LAMBDA(const member& m) {
        const index_t b = m.league_rank(), t = m.team_rank();
        const index_t valid = min_index(team, chains - b * team);
        const index_t g = b * team + t;
        scratch_view rows(m.team_scratch(scratch_level), team);
        // The full prefix before chain g (chain 0's elements are full prefixes already) goes to
        // prefix(g - 1), which only this thread reads, and is read from there for every
        // element: a device thread that held it across the chain spilled (268 B with the
        // filtering operator reversed, nx 4, float32).
        const bool carries = t < valid && g > 0;
        if (carries && b > 0)
          prefix(g - 1) = t == 0 ? totals(b - 1) : combine_prefix(op, totals(b - 1), prefix(g - 1));
        const index_t first = b == 0 ? 1 : 0;  // block 0's chain 0 is not moved
        for (index_t k = 0; k < items; ++k) {
          move_items(m, true, rows, x, b * team + first, valid - first, k, n);
          m.team_barrier();
          if (carries && g * items + k < n)
            rows(t - first) = combine_prefix(op, prefix(g - 1), rows(t - first));
          m.team_barrier();
          move_items(m, false, rows, x, b * team + first, valid - first, k, n);
          m.team_barrier();
        }
      });
}

/// The steps of a level and the levels above, in launch order (combine_count.hpp).
inline void team_blocks_steps(ScanSchedule& steps, const TeamBlocksLevel& level) {
  if (level.n < 2) return;
  // blocks: chain g combines chain_length(g) - 1 times (general, but chain 0's are prefix
  // combines), then each block's team scan of its chain totals
  ScanStep first{};
  first.items = level.chains;
  for (index_t g = 0; g < level.chains; ++g) first.combines += level.chain_length(g) - 1;
  first.prefix_combines = level.chain_length(0) - 1;
  for (index_t b = 0; b < level.blocks; ++b)
    first.combines += team_scan_combines(level.block_chains(b));
  const index_t longest = level.chain_length(0) - 1;
  const index_t team_levels = team_scan_levels(level.block_chains(0));
  first.prefix_chain = first.prefix_combines;
  first.general_chain = (level.chains > 1 ? longest : 0) + team_levels;
  first.chain = longest + team_levels;
  if (first.combines > 0) steps.push_back(first);
  if (level.blocks > 1)
    team_blocks_steps(steps, TeamBlocksLevel(level.blocks, static_cast<int>(level.team)));
  // propagate: chains 1 .. chains - 1, each one combine per element plus a carry where it needs
  // one (block > 0, not the block's first chain), every combine with a full prefix on the left
  ScanStep last{};
  last.items = level.chains - 1;
  for (index_t g = 1; g < level.chains; ++g) {
    const bool carry = g >= level.team && g % level.team != 0;
    const index_t c = level.chain_length(g) + (carry ? 1 : 0);
    last.combines += c;
    last.prefix_chain = c > last.prefix_chain ? c : last.prefix_chain;
  }
  last.prefix_combines = last.combines;
  last.chain = last.prefix_chain;
  if (last.combines > 0) steps.push_back(last);
}

/// Registry row (scan_registry.hpp).
struct TeamBlocksScan : ScanDefaults {
  static constexpr ScanAlgorithm algorithm = ScanAlgorithm::team_blocks;
  static constexpr std::array<ScanDeckName, 1> deck_names{
      {{"team_blocks",
        "GPU-shaped: teams scan blocks of 8 elements per thread in shared memory, block totals "
        "recurse; 2 launches per level"}}};
  template <class ExecSpace, class Op, class Seq, class Buffer>
  static void run(const ExecSpace& space, const ScanOptions&, const Op& op, const Seq& x,
                  index_t n, int threads, const Buffer& buffer) {
    team_blocks_level(space, op, x, TeamBlocksLevel(n, threads), buffer, 0);
  }
  static void schedule(ScanSchedule& steps, const ScanOptions&, index_t n, int threads) {
    team_blocks_steps(steps, TeamBlocksLevel(n, threads));
  }
  static std::int64_t workspace(const ScanOptions&, std::int64_t n, int threads) {
    return TeamBlocksLevel(n, threads).workspace();
  }
};

}  // namespace kscan::scan_detail
