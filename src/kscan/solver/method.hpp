#pragma once
// The six methods: sequential references and their parallel (scan-based) counterparts.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscan {

enum class Method { kf, rts, tfs, pkf, prts, ptfs };

std::optional<Method> parse_method(std::string_view name);  // "kf", "pkf", ...
std::string method_name(Method m);
const std::vector<std::string>& method_names();

constexpr bool is_parallel(Method m) {
  return m == Method::pkf || m == Method::prts || m == Method::ptfs;
}
constexpr bool is_smoother(Method m) { return m != Method::kf && m != Method::pkf; }
/// The sequential method computing the same quantity: pkf -> kf, prts -> rts, ptfs -> tfs.
constexpr Method sequential_counterpart(Method m) {
  switch (m) {
    case Method::pkf: return Method::kf;
    case Method::prts: return Method::rts;
    case Method::ptfs: return Method::tfs;
    default: return m;
  }
}

}  // namespace kscan
