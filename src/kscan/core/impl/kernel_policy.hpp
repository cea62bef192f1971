#pragma once
// The execution policies of kscan's kernels, with the launch bounds they are compiled under.
//
// Left to itself, ptxas gives a thread that combines two Kalman elements as many registers as
// it can use (about 200-250 for the filtering combine, nx 4, float32: 12% occupancy on sm_90),
// to keep both operands and every temporary live. Bounding a kernel to 128 threads per block
// and 4 blocks per multiprocessor caps it at 65536 / 512 = 128 registers: 16 of the 64 warps an
// sm_80 / sm_90 multiprocessor holds (25%), so other warps run while one waits for the global
// loads that feed its combine. That pays only while a combine's working set fits in 128
// registers: its two operands must not fill the budget alone, so the cap applies to kernels over
// elements of at most 64 words (two operands, 128 words). Larger elements (float64, or nx 6 and
// up) would spill more than the occupancy buys; their kernels keep the registers ptxas picks.
// The combines order their work so that operands die early (filter_element.hpp), and make
// check-cuda reports what each kernel uses and spills. Host backends ignore the bounds.
#include <Kokkos_Core.hpp>
#include <type_traits>

namespace kscan {

/// Launch bounds of a kernel whose threads combine (or build, or read) elements of type Value:
/// at most 128 threads per block and at least 4 blocks per multiprocessor for elements of at
/// most 64 words, none otherwise.
template <class Value>
using KernelBounds = std::conditional_t<(sizeof(Value) <= 64 * 4), Kokkos::LaunchBounds<128, 4>,
                                        Kokkos::LaunchBounds<>>;

/// A range policy on `ExecSpace` under the launch bounds for elements of type Value.
template <class ExecSpace, class Value, class... Properties>
using RangePolicy = Kokkos::RangePolicy<ExecSpace, KernelBounds<Value>, Properties...>;

/// A team policy on `ExecSpace` under the launch bounds for elements of type Value.
template <class ExecSpace, class Value, class... Properties>
using TeamPolicy = Kokkos::TeamPolicy<ExecSpace, KernelBounds<Value>, Properties...>;

}  // namespace kscan
