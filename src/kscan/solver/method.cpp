#include "kscan/solver/method.hpp"

namespace kscan {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"kf", "rts", "tfs", "pkf", "prts", "ptfs"};
  return names;
}

std::string method_name(Method m) { return method_names()[static_cast<int>(m)]; }

std::optional<Method> parse_method(std::string_view name) {
  const auto& names = method_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Method>(i);
  return std::nullopt;
}

}  // namespace kscan
