#pragma once
// The text of a deck's scalars as values. YAML hands every scalar over as text; the deck decides
// what counts as an integer, a number, a boolean or a length, the same for a value in the file and
// one given with --set.
#include <cstdint>
#include <optional>
#include <string>

namespace kscan {

/// `s` without leading and trailing white space.
std::string trim(const std::string& s);

/// A whole number, optionally signed ("16", "-3"); nullopt for anything else or out of range.
std::optional<std::int64_t> parse_integer_text(const std::string& text);

/// A finite real number ("0.5", "1e-3"); nullopt for anything else.
std::optional<double> parse_number_text(const std::string& text);

/// true | yes | on, false | no | off, in any letter case; nullopt for anything else.
std::optional<bool> parse_bool_text(const std::string& text);

/// A length written 16 or "2^4": its value, or nullopt when the text is neither.
std::optional<std::int64_t> parse_length_text(const std::string& text);

}  // namespace kscan
