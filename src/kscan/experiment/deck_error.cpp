#include "kscan/experiment/deck_error.hpp"

#include <utility>

namespace kscan {

std::string DeckLocation::format() const {
  if (!override.empty()) return "--set " + override;
  std::string s = file.empty() ? "<deck>" : file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

std::string DeckIssue::format() const {
  return where.format() + ": " + (path.empty() ? "" : path + ": ") + message;
}

namespace {

std::string compose(const std::vector<DeckIssue>& issues) {
  std::string out;
  for (std::size_t i = 0; i < issues.size(); ++i) {
    if (i) out += '\n';
    out += issues[i].format();
  }
  return out.empty() ? "invalid deck" : out;
}

}  // namespace

DeckError::DeckError(std::vector<DeckIssue> issues)
    : std::runtime_error(compose(issues)), issues_(std::move(issues)) {}

}  // namespace kscan
