// RunKey::id(), the group name of a run under /runs (declared in experiment/run_result.hpp).
//
//   <method>[-<form>]-<scan>-<precision>-T<length>-B<batch>[-<dataset>]
//
// e.g. "pkf-blocked-float32-T65536-B1", "kf-none-float64-T1024-B4". The form is named only when
// it is not "standard" (or empty), e.g. "pkf-sqrt-blocked-float32-T65536-B1": the ids of files
// written before forms existed stay those of their standard runs. The dataset name is appended
// only when it is not empty, "default", or the plan's own dataset for the length, "T<length>"
// (a sweep over one model needs no suffix); a series read from a file keeps its source's name,
// e.g. "kf-none-float64-T100-B1-nile" for nile.csv. An empty
// scan is written "none" (the scan of sequential methods). '/' (an HDF5 path separator) and
// whitespace in any part become '_', so an id is always one valid HDF5 link name.
#include <string>

#include "kscan/experiment/run_result.hpp"

namespace kscan {
namespace {
std::string part(const std::string& text) {
  std::string out = text;
  for (char& ch : out)
    if (ch == '/' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') ch = '_';
  return out;
}
}  // namespace

std::string RunKey::id() const {
  // Built by appending: GCC 12 at -O3 in C++20 reports a false -Wrestrict for "literal" + string.
  const std::string length_tag = std::string(1, 'T').append(std::to_string(length));
  std::string id = part(method);
  if (!form.empty() && form != "standard") {
    id += '-';
    id += part(form);
  }
  for (const std::string& piece : {scan.empty() ? std::string("none") : part(scan), part(precision),
                                   length_tag, std::string(1, 'B').append(std::to_string(batch))}) {
    id += '-';
    id += piece;
  }
  const bool implied = dataset.empty() || dataset == "default" || dataset == length_tag;
  if (!implied) {
    id += '-';
    id += part(dataset);
  }
  return id;
}

}  // namespace kscan
