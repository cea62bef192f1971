#pragma once
// RunResult to bytes and back, for sending a completed run from the rank that computed it to
// rank 0, which writes every run of a sweep. Same-machine-type ranks only (native byte order and
// sizes, as MPI_BYTE transfers are).
#include <string>
#include <vector>

#include "kscan/experiment/run_result.hpp"

namespace kscan {

std::vector<char> encode_run_result(const RunResult& run);

/// Throws std::runtime_error when `bytes` is not a complete encoding.
RunResult decode_run_result(const std::vector<char>& bytes);

}  // namespace kscan
