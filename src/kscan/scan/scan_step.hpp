#pragma once
// The accounting unit of the scans: one parallel step (a kernel launch) and the combines it
// performs. Each scan lists its steps from the same geometry its kernels use (its registry row's
// `schedule`), and combine_count.hpp turns the list into counts, spans and operation counts.
#include <cstdint>
#include <vector>

namespace kscan {

/// One parallel step (a kernel launch) that performs combines.
struct ScanStep {
  std::int64_t items = 0;     // independent work items of this step (in a tree level, each
                              // combines once; a blocked chunk of one element combines nothing)
  std::int64_t combines = 0;  // combine calls in this step, all items together
  std::int64_t chain = 0;     // longest run of dependent combines inside one item (1 in a tree level)
  std::int64_t prefix_combines = 0;  // of `combines`, those with a full prefix on the left, which
                                     // use the operator's combine_prefix (prefix_combine.hpp)
  // The longest run of dependent combines inside one item made of prefix combines, and of
  // general ones (a step of chains is one or the other per item; the blocked scan's first step
  // has both: chunk 0's scan and the other chunks' reductions).
  std::int64_t prefix_chain = 0;
  std::int64_t general_chain = 0;
};

using ScanSchedule = std::vector<ScanStep>;

namespace scan_detail {

/// Appends a step whose items are all prefix chains or all general ones, of `chain` combines
/// each (tree levels: 1); a step without combines is not a combining step and is left out.
inline void add_step(ScanSchedule& steps, std::int64_t items, std::int64_t combines,
                     std::int64_t chain, std::int64_t prefix_combines) {
  if (combines > 0)
    steps.push_back(ScanStep{items, combines, chain, prefix_combines,
                             prefix_combines > 0 ? chain : 0,
                             prefix_combines < combines ? chain : 0});
}

}  // namespace scan_detail
}  // namespace kscan
