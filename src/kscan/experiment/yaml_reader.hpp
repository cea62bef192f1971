#pragma once
// Typed reads of a deck's YAML against the key table (schema.hpp). The reader owns the document:
// it applies the --set overrides, checks every key against the table, hands out a key's value as
// an integer, number, boolean, string, choice, list of names, lengths or a vector/matrix (its
// default when it is not given), and records what it read in the resolved deck. What a deck means
// (which key goes to which Deck field, which keys must agree) is the caller's (deck.cpp).
//
// A problem is recorded, not thrown, at the file:line:column of the value (or of its key, or of
// the --set that gave it), so that one pass reports every problem of a deck together; a read that
// fails returns nullopt, and the caller throws them all at the end (throw_if_failed).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kscan/experiment/deck_error.hpp"
#include "kscan/experiment/schema.hpp"

namespace kscan {

/// What a message says was found: "nothing", "a list", "a mapping" or the scalar in quotes.
std::string describe(const YAML::Node& node);

/// "a, b, c": the words of an "expected one of" list in a message.
std::string quoted_list(const std::vector<std::string>& words);

/// The entry of `path` in `map`, or else of its nearest parent that has one ("a.b.c", "a.b",
/// "a"); map.end() when none has. A problem with a key that was not given is placed at the
/// section that holds it, a key inside an overridden section belongs to that --set.
template <class Map>
typename Map::const_iterator find_key_or_parent(const Map& map, std::string path) {
  for (;;) {
    const auto it = map.find(path);
    if (it != map.end()) return it;
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) return map.end();
    path.erase(dot);
  }
}

/// The reader of one deck: load it, then read its keys (in an order where a key's condition is
/// read before the key), then throw_if_failed and take resolved_text.
class YamlReader {
 public:
  /// A key given in the deck: its value (null when the key has none) and where both were found.
  struct Entry {
    YAML::Node node;
    DeckLocation key_where;
    DeckLocation value_where;
  };

  /// A key's value to read: as given (`given`), or the key's default.
  struct Value {
    YAML::Node node;
    bool given = false;
    std::string path;
  };

  /// A vector (cols 1) or matrix; read per step, `slots` of them stacked in `values`.
  struct Dense {
    int rows = 0, cols = 0;
    int slots = 1;  // time steps given (each rows x cols)
    std::vector<double> values;
    YAML::Node node;
    std::string path;
  };

  /// `source` names the deck in every location ("deck.yaml", "<string>").
  explicit YamlReader(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }

  // --- the document

  /// Parses `text` (one YAML document holding a mapping), applies `overrides` ("key.path=value",
  /// in order) and records every key; unknown and duplicate keys are problems. Throws DeckError
  /// when the text holds no mapping to read keys from.
  void load(const std::string& text, const std::vector<std::string>& overrides);

  /// Every key given (after the overrides), by path.
  const std::map<std::string, Entry>& entries() const { return entries_; }
  /// Whether the deck names the key, with a value or without (`key:`).
  bool has_key(const std::string& path) const { return entries_.count(path) > 0; }
  /// Whether the deck gives the key a value.
  bool has_value(const std::string& path) const {
    const auto it = entries_.find(path);
    return it != entries_.end() && !it->second.node.IsNull();
  }

  // --- typed values: nullopt when the key is not given and has no default, when it does not
  // apply (its `when` condition does not hold), or when its value is wrong (a problem is recorded)

  /// A key's value: as given, or the default; nullopt as for the typed reads. A key given where
  /// its condition does not hold ("only used when ...") and a missing required key are reported.
  /// The typed reads use it; called alone, it checks that a key is not given where it does not
  /// apply.
  std::optional<Value> fetch(const std::string& path);
  std::optional<std::int64_t> read_integer(const std::string& path);
  std::optional<double> read_number(const std::string& path);
  std::optional<bool> read_bool(const std::string& path);
  std::optional<std::string> read_string(const std::string& path);
  /// One of the key's choices (and, once read, the value the conditions on it test).
  std::optional<std::string> read_choice(const std::string& path);
  std::optional<std::vector<std::string>> read_choice_list(const std::string& path);
  std::optional<std::vector<std::string>> read_string_list(const std::string& path);
  std::optional<std::vector<std::int64_t>> read_lengths(const std::string& path);
  /// A vector or matrix key; with `per_step`, also a list of them, one per time step.
  std::optional<Dense> read_dense(const std::string& path, bool per_step = false);

  /// Whether the choice key was read and holds one of its choices. Until it does, the keys
  /// conditioned on it are not checked: a wrong choice is reported once, at itself, not again
  /// at every key that depends on it.
  bool choice_known(const std::string& path) const { return choices_.count(path) > 0; }

  // --- the resolved deck

  /// Records `value` as the resolved value of `path` (a default the caller computed).
  void resolve(const std::string& path, const YAML::Node& value);
  /// `node` written in flow style ([1, 2]) in the resolved deck.
  static YAML::Node flow(YAML::Node node) {
    node.SetStyle(YAML::EmitterStyle::Flow);
    return node;
  }
  /// The resolved deck, every value read, as YAML text.
  std::string resolved_text() const;

  // --- problems

  /// The deck file at a line and column (line 1 column 1: the document as a whole).
  DeckLocation file_location(int line = 1, int column = 1) const {
    DeckLocation w;
    w.file = source_;
    w.line = line;
    w.column = column;
    return w;
  }
  /// Where to report a problem with `path`: its value, or the nearest given parent's.
  DeckLocation where(const std::string& path) const;
  /// As `where`, at the key instead of its value (a key that should not be there).
  DeckLocation key_where(const std::string& path) const;
  void error(const DeckLocation& w, const std::string& path, std::string message) {
    issues_.push_back(DeckIssue{w, path, std::move(message)});
  }
  /// A problem with the value of `path`, reported where it was given.
  void report(const std::string& path, std::string message) {
    error(where(path), path, std::move(message));
  }
  std::size_t issue_count() const { return issues_.size(); }
  bool failed_since(std::size_t count) const { return issues_.size() > count; }
  /// Throws every recorded problem as one DeckError, if there are any.
  void throw_if_failed() const {
    if (!issues_.empty()) throw DeckError(issues_);
  }

 private:
  DeckLocation at(const YAML::Mark& mark) const {
    if (mark.is_null()) return file_location(0, 0);
    return file_location(mark.line + 1, mark.column + 1);
  }
  /// The --set that produced `path` (or one of its parents), if any.
  const std::string* override_of(const std::string& path) const {
    const auto it = find_key_or_parent(overrides_, path);
    return it == overrides_.end() ? nullptr : &it->second;
  }
  DeckLocation node_location(const std::string& path, const YAML::Node& node) const;
  DeckLocation value_location(const Value& v) const {
    return v.given ? node_location(v.path, v.node) : where(v.path);
  }
  bool condition_holds(const DeckCondition& c) const {
    const auto it = choices_.find(c.key);
    return it != choices_.end() &&
           std::find(c.values.begin(), c.values.end(), it->second) != c.values.end();
  }

  void apply_override(YAML::Node& root, const std::string& assignment);
  void collect(const YAML::Node& map, const std::string& prefix);

  std::optional<std::int64_t> to_integer(const Value& v, const DeckKey& key);
  std::optional<double> to_number(const Value& v, const DeckKey& key);
  /// The scalar at v as `parse` reads it, within key's bounds; otherwise an error expecting
  /// `noun` (e.g. "an integer") and the bounds.
  template <class Parse>
  auto to_bounded(const Value& v, const DeckKey& key, const char* noun, Parse parse)
      -> decltype(parse(std::string()));
  std::optional<std::int64_t> to_length(const Value& v, const YAML::Node& node,
                                        const DeckKey& key);
  std::optional<std::string> to_scalar_text(const Value& v, const char* expected);
  /// What a list of names is called in the messages of read_name_list.
  struct NameListText {
    std::string noun;      // "method", "name": in "duplicate <noun> 'x'"
    std::string expected;  // what the whole value should be
    std::string empty;     // the message for an empty list
    bool allow_empty = false;
  };
  /// A list of distinct names (a single one stands for a list of one), resolved as given;
  /// `check` reports an item that is not an acceptable name and returns false.
  std::optional<std::vector<std::string>> read_name_list(
      const Value& v, const NameListText& text,
      const std::function<bool(const YAML::Node&, const DeckLocation&)>& check);
  std::optional<Dense> parse_dense(const std::string& path, const YAML::Node& node, bool matrix,
                                   const DeckLocation& where_given, YAML::Node& resolved);

  std::string source_;
  std::vector<DeckIssue> issues_;
  std::map<std::string, std::string> overrides_;  // path -> "path=value"
  std::map<std::string, Entry> entries_;           // every given key, by path
  std::map<std::string, std::string> choices_;     // every choice read, by path: its value
  YAML::Node resolved_ = YAML::Node(YAML::NodeType::Map);
};

}  // namespace kscan
