#include "kscan/solver/method.hpp"

namespace kscan {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const MethodRow& row : method_table) all.emplace_back(row.name);
    return all;
  }();
  return names;
}

std::string method_name(Method m) { return method_row(m).name; }

std::optional<Method> parse_method(std::string_view name) {
  for (const MethodRow& row : method_table)
    if (name == row.name) return row.method;
  return std::nullopt;
}

}  // namespace kscan
