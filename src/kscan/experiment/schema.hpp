#pragma once
// The one table of deck keys. The parser reads types, ranges, choices, defaults and conditions
// from it, and docs/deck.md is generated from it (deck_reference_markdown), so the reference and
// the validator cannot drift apart; a test checks that docs/deck.md is up to date.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kscan {

enum class DeckType {
  section,      // a mapping of further keys
  string,       // any scalar
  integer,      // whole number, optionally range-limited
  number,       // real number, optionally range-limited
  boolean,      // true | false
  choice,       // one of `choices`
  choice_list,  // list of distinct `choices`
  lengths,      // list of lengths or {start, stop, factor}; 16 or "2^4"
  length,       // one length: 16 or "2^4" (the entries of a range)
  vector,       // list of numbers
  matrix,       // list of rows, each a list of numbers
  path,         // file name (relative names: see the key's description)
  string_list   // list of distinct strings
};

/// Only meaningful when `key` has one of `values` (e.g. model.dt when model.kind is tracking).
struct DeckCondition {
  std::string key;
  std::vector<std::string> values;
};

struct DeckKey {
  std::string path;            // "model.state_dim"
  DeckType type = DeckType::string;
  std::string default_yaml;    // YAML text of the default; empty when there is none
  std::string default_note;    // documentation of a computed default (instead of default_yaml)
  bool required = false;       // must be given (where its condition holds)
  std::optional<DeckCondition> when;
  std::vector<std::string> choices;  // choice, choice_list
  bool allow_empty = false;          // choice_list, lengths: an empty list is accepted
  std::optional<double> min, max;    // integer, number, length: inclusive bounds ...
  bool min_exclusive = false;        // ... unless exclusive
  bool max_exclusive = false;
  std::string description;
};

/// Every key of a deck, sections before their keys, in documentation order.
const std::vector<DeckKey>& deck_schema();

/// The key with this path, or null.
const DeckKey* find_deck_key(const std::string& path);

/// Names of the direct children of a section ("" for the top level), in schema order.
std::vector<std::string> deck_children(const std::string& section);

/// "integer", "list of choices", ... as the reference writes it.
std::string deck_type_name(DeckType type);

/// "1..32", "> 0", "kf | rts | tfs", ... (empty when anything of the type goes).
std::string deck_allowed_text(const DeckKey& key);

/// The default as the reference writes it ("4", "[float32, float64]", a note, or "required").
std::string deck_default_text(const DeckKey& key);

/// The Markdown reference of the deck format: the content of docs/deck.md.
std::string deck_reference_markdown();

/// Edit distance between two words (insertions, deletions, substitutions, transpositions).
std::size_t edit_distance(const std::string& a, const std::string& b);

/// The candidate closest to `word` when it is close enough to be a plausible typo.
std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates);

}  // namespace kscan
