#pragma once
// analysis/registry.py, generated from the C++ registries (scans, methods, forms, metrics), so the
// Python analysis lists what the program knows instead of keeping its own lists.
#include <string>

namespace kscan {

/// The text of analysis/registry.py (`kscan info --registry-python`; a test checks the
/// committed file is current).
std::string registry_python_module();

}  // namespace kscan
