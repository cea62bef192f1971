#pragma once
// What is wrong with a deck: every problem found, each with the file, line and column it was found
// at, the key path and what was expected. The parser collects all of them before throwing.
#include <stdexcept>
#include <string>
#include <vector>

namespace kscan {

/// Where a value came from: a line and column of a deck file, or a --set override.
struct DeckLocation {
  std::string file;      // deck path as given, or "--set" for a command-line override
  int line = 0;          // 1-based; 0 when unknown (an override, a file that could not be read)
  int column = 0;        // 1-based; 0 when unknown
  std::string override;  // "model.state_dim=8" when the value came from --set
  /// "deck.yaml:12:5", "deck.yaml" or "--set model.state_dim=8".
  std::string format() const;
};

struct DeckIssue {
  DeckLocation where;
  std::string path;     // key path, e.g. "model.state_dim"; empty for the whole document
  std::string message;  // what was expected and what was found
  /// "deck.yaml:12:5: model.state_dim: expected an integer in 1..32, got 40"
  std::string format() const;
};

/// A deck that cannot be run. what() lists every issue, one per line.
class DeckError : public std::runtime_error {
 public:
  explicit DeckError(std::vector<DeckIssue> issues);
  const std::vector<DeckIssue>& issues() const { return issues_; }

 private:
  std::vector<DeckIssue> issues_;
};

}  // namespace kscan
