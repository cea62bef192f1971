#include "kscan/experiment/scalar_text.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace kscan {

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

std::optional<std::int64_t> parse_integer_text(const std::string& raw) {
  const std::string s = trim(raw);
  if (s.empty()) return std::nullopt;
  std::size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (std::size_t j = i; j < s.size(); ++j)
    if (s[j] < '0' || s[j] > '9') return std::nullopt;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::optional<double> parse_number_text(const std::string& raw) {
  const std::string s = trim(raw);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool_text(const std::string& raw) {
  std::string s = trim(raw);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_length_text(const std::string& raw) {
  const std::string s = trim(raw);
  const auto caret = s.find('^');
  if (caret == std::string::npos) return parse_integer_text(s);
  const auto base = parse_integer_text(s.substr(0, caret));
  const auto exponent = parse_integer_text(s.substr(caret + 1));
  if (!base || !exponent || *base != 2 || *exponent < 0 || *exponent > 62) return std::nullopt;
  return std::int64_t{1} << *exponent;
}

}  // namespace kscan
