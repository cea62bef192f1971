#pragma once
// The six methods: sequential references and their parallel (scan-based) counterparts. One row
// per method in method_table; the deck's choices, the plan, the reports and analysis/registry.py
// are read from it (the solver's per-method code is the one switch over Method in
// dims_solver_impl.hpp, and the operation count's in operation_count.cpp).
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscan {

enum class Method { kf, rts, tfs, pkf, prts, ptfs };

struct MethodRow {
  Method method;
  const char* name;  // the deck's and the output's name
  /// The sequential method computing the same quantity: pkf -> kf, prts -> rts, ptfs -> tfs; a
  /// sequential method names itself.
  Method sequential;
  bool smoother;
  const char* elements;  // the scan elements a parallel method builds; "" for a sequential one
  const char* summary;
};

/// Every method, in the order decks, tables and figures list them.
inline constexpr std::array<MethodRow, 6> method_table{{
    {Method::kf, "kf", Method::kf, false, "", "Kalman filter, one step after another"},
    {Method::rts, "rts", Method::rts, true, "", "the filter, then the Rauch-Tung-Striebel pass"},
    {Method::tfs, "tfs", Method::tfs, true, "",
     "the filter and a backward information filter, combined"},
    {Method::pkf, "pkf", Method::kf, false, "filtering",
     "the filter as a forward scan of filtering elements"},
    {Method::prts, "prts", Method::rts, true, "filtering, smoothing",
     "pkf, then a reverse scan of smoothing elements"},
    {Method::ptfs, "ptfs", Method::tfs, true, "filtering, backward filtering",
     "a forward and a reverse scan of filtering elements, combined"},
}};

constexpr const MethodRow& method_row(Method m) {
  for (const MethodRow& row : method_table)
    if (row.method == m) return row;
  return method_table[0];  // (unreachable for a Method value)
}

std::optional<Method> parse_method(std::string_view name);  // "kf", "pkf", ...
std::string method_name(Method m);
const std::vector<std::string>& method_names();

constexpr bool is_parallel(Method m) { return method_row(m).sequential != m; }
constexpr bool is_smoother(Method m) { return method_row(m).smoother; }
/// The sequential method computing the same quantity: pkf -> kf, prts -> rts, ptfs -> tfs.
constexpr Method sequential_counterpart(Method m) { return method_row(m).sequential; }

}  // namespace kscan
