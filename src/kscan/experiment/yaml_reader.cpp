#include "kscan/experiment/yaml_reader.hpp"

#include <limits>

#include "kscan/experiment/scalar_text.hpp"

namespace kscan {

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    default: return "an undefined value";
  }
}

std::string quoted_list(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + words[i];
  return out;
}

namespace {

/// What the values of a choice key are called in messages.
std::string noun_of(const std::string& path) {
  static const std::map<std::string, std::string> nouns = {
      {"model.kind", "model kind"},        {"data.source", "data source"},
      {"data.format", "data format"},
      {"runs.methods", "method"},          {"runs.scans", "scan"},
      {"runs.precision", "precision"},     {"runs.reference", "reference method"},
      {"runs.form", "form"},               {"runs.distributed", "distribution"},
      {"output.estimates", "estimates policy"}, {"output.summary", "summary format"},
      {"output.diagnostics", "diagnostic"}};
  const auto it = nouns.find(path);
  return it == nouns.end() ? "value" : it->second;
}

/// The range of a numeric key as an "expected ..." message appends it: " in 1..32", " > 0".
std::string range_text(const DeckKey& key) {
  const std::string allowed = deck_allowed_text(key);
  if (allowed.empty()) return "";
  if (allowed.find("..") != std::string::npos) return " in " + allowed;
  return " " + allowed;
}

}  // namespace

void YamlReader::load(const std::string& text, const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    const auto documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      error(at(documents[1].Mark()), "",
            "a deck is one YAML document, found " + std::to_string(documents.size()));
      throw DeckError(issues_);
    }
    if (!documents.empty()) root = documents[0];
  } catch (const YAML::Exception& e) {
    error(at(e.mark), "", "YAML syntax error: " + e.msg);
    throw DeckError(issues_);
  }
  if (!root.IsDefined() || root.IsNull()) {
    error(file_location(), "", "the deck is empty; expected a mapping with sections " +
                                   quoted_list(deck_children("")));
    throw DeckError(issues_);
  }
  if (!root.IsMap()) {
    error(at(root.Mark()), "", "expected a mapping with sections " +
                                   quoted_list(deck_children("")) + ", got " + describe(root));
    throw DeckError(issues_);
  }
  for (const auto& assignment : overrides) apply_override(root, assignment);
  collect(root, "");
}

DeckLocation YamlReader::where(const std::string& path) const {
  const auto it = find_key_or_parent(entries_, path);
  return it == entries_.end() ? file_location() : it->second.value_where;
}

DeckLocation YamlReader::key_where(const std::string& path) const {
  const auto it = find_key_or_parent(entries_, path);
  return it == entries_.end() ? file_location() : it->second.key_where;
}

DeckLocation YamlReader::node_location(const std::string& path, const YAML::Node& node) const {
  if (const auto* text = override_of(path)) {
    DeckLocation w;
    w.file = "--set";
    w.override = *text;
    return w;
  }
  return at(node.Mark());
}

std::string YamlReader::resolved_text() const {
  YAML::Emitter out;
  out << resolved_;
  return std::string(out.c_str()) + "\n";
}

void YamlReader::apply_override(YAML::Node& root, const std::string& assignment) {
  DeckLocation w;
  w.file = "--set";
  w.override = assignment;
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    error(w, "", "expected key.path=value");
    return;
  }
  const std::string path = trim(assignment.substr(0, eq));
  const std::string text = assignment.substr(eq + 1);
  std::vector<std::string> segments;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    segments.push_back(path.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& s : segments)
    if (s.empty()) {
      error(w, path, "empty component in the key path");
      return;
    }
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    error(w, path, "the value is not valid YAML: " + e.msg);
    return;
  }
  YAML::Node current = root;
  std::string walked;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    walked += (i ? "." : "") + segments[i];
    YAML::Node child = current[segments[i]];
    if (!child.IsDefined() || child.IsNull()) {
      current[segments[i]] = YAML::Node(YAML::NodeType::Map);
      child.reset(current[segments[i]]);
    } else if (!child.IsMap()) {
      error(w, path, "cannot set a key inside " + walked + ", which is " + describe(child) +
                         ", not a mapping");
      return;
    }
    current.reset(child);
  }
  current[segments.back()] = value;
  overrides_[path] = path + "=" + text;
}

void YamlReader::collect(const YAML::Node& map, const std::string& prefix) {
  std::map<std::string, DeckLocation> seen;
  const auto children = deck_children(prefix);
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;  // copies: the iterator hands out a temporary pair
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      error(at(key.Mark()), prefix, "keys must be plain names, got " + describe(key));
      continue;
    }
    const std::string name = key.Scalar();
    const std::string path = prefix.empty() ? name : prefix + "." + name;
    const DeckLocation kw = node_location(path, key);
    if (const auto first = seen.find(name); first != seen.end()) {
      error(kw, path, "duplicate key '" + name + "' (first given at " + first->second.format() +
                          ")");
      continue;
    }
    seen[name] = kw;
    const DeckKey* spec = find_deck_key(path);
    if (!spec || std::find(children.begin(), children.end(), name) == children.end()) {
      std::string message = "unknown key '" + name + "'" +
                            (prefix.empty() ? std::string() : " in " + prefix);
      std::string elsewhere;
      for (const auto& k : deck_schema()) {
        const auto dot = k.path.rfind('.');
        if (k.type != DeckType::section && dot != std::string::npos &&
            k.path.substr(dot + 1) == name && k.path != path &&
            k.path.find('.') == dot) {
          elsewhere = k.path;
          break;
        }
      }
      if (const auto best = closest_match(name, children))
        message += " (did you mean '" + *best + "'?)";
      else if (!elsewhere.empty())
        message += " (did you mean '" + elsewhere + "'?)";
      else if (!children.empty())
        message += "; expected one of: " + quoted_list(children);
      error(kw, path, message);
      continue;
    }
    Entry entry;
    entry.node = value;
    entry.key_where = kw;
    entry.value_where = value.IsNull() ? kw : node_location(path, value);
    if (value.Mark().is_null() && !override_of(path)) entry.value_where = kw;
    entries_[path] = entry;
    if (spec->type == DeckType::section) {
      if (value.IsMap())
        collect(value, path);
      else if (!value.IsNull())
        error(entry.value_where, path,
              "expected a mapping of keys (" + quoted_list(deck_children(path)) + "), got " +
                  describe(value));
    } else if (spec->type == DeckType::lengths && value.IsMap()) {
      collect(value, path);
    }
  }
}

std::optional<YamlReader::Value> YamlReader::fetch(const std::string& path) {
  const DeckKey* spec = find_deck_key(path);
  const auto it = entries_.find(path);
  const bool given = it != entries_.end() && !it->second.node.IsNull();
  if (spec->when) {
    if (!choice_known(spec->when->key)) return std::nullopt;  // its condition failed already
    if (!condition_holds(*spec->when)) {
      if (given)
        error(it->second.key_where, path,
              "only used when " + spec->when->key + " is " + quoted_list(spec->when->values) +
                  " (here " + spec->when->key + " is " + choices_.at(spec->when->key) + ")");
      return std::nullopt;
    }
  }
  if (given) return Value{it->second.node, true, path};
  if (!spec->default_yaml.empty()) return Value{YAML::Load(spec->default_yaml), false, path};
  if (spec->required) {
    const auto dot = path.rfind('.');
    const std::string parent = dot == std::string::npos ? "" : path.substr(0, dot);
    std::string message = "missing required key '" + path.substr(dot + 1) + "'";
    if (spec->when) message += " (" + spec->when->key + " is " + choices_.at(spec->when->key) + ")";
    error(parent.empty() ? file_location() : key_where(parent), path, message);
  }
  return std::nullopt;
}

void YamlReader::resolve(const std::string& path, const YAML::Node& value) {
  YAML::Node current = resolved_;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    const std::string segment = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (dot == std::string::npos) {
      current[segment] = value;
      return;
    }
    if (!current[segment].IsDefined() || !current[segment].IsMap())
      current[segment] = YAML::Node(YAML::NodeType::Map);
    YAML::Node next = current[segment];
    current.reset(next);
    start = dot + 1;
  }
}

std::optional<std::string> YamlReader::to_scalar_text(const Value& v, const char* expected) {
  if (!v.node.IsScalar()) {
    error(value_location(v), v.path, std::string("expected ") + expected + ", got " +
                                         describe(v.node));
    return std::nullopt;
  }
  return v.node.Scalar();
}

template <class Parse>
auto YamlReader::to_bounded(const Value& v, const DeckKey& key, const char* noun, Parse parse)
    -> decltype(parse(std::string())) {
  const std::string expected = noun + range_text(key);
  const auto text = to_scalar_text(v, expected.c_str());
  if (!text) return std::nullopt;
  const auto value = parse(*text);
  const bool below = value && key.min && (key.min_exclusive ? *value <= *key.min : *value < *key.min);
  const bool above = value && key.max && (key.max_exclusive ? *value >= *key.max : *value > *key.max);
  if (!value || below || above) {
    error(value_location(v), v.path, "expected " + expected + ", got " + describe(v.node));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> YamlReader::to_integer(const Value& v, const DeckKey& key) {
  return to_bounded(v, key, "an integer", parse_integer_text);
}

std::optional<double> YamlReader::to_number(const Value& v, const DeckKey& key) {
  return to_bounded(v, key, "a number", parse_number_text);
}

std::optional<std::int64_t> YamlReader::to_length(const Value& v, const YAML::Node& node,
                                              const DeckKey& key) {
  const DeckLocation w = v.given ? node_location(v.path, node) : where(v.path);
  const std::string expected =
      "a positive length (an integer in 1.." + std::to_string(static_cast<std::int64_t>(*key.max)) +
      " or \"2^k\")";
  if (!node.IsScalar()) {
    error(w, v.path, "expected " + expected + ", got " + describe(node));
    return std::nullopt;
  }
  const auto value = parse_length_text(node.Scalar());
  if (!value || *value < 1 || *value > static_cast<std::int64_t>(*key.max)) {
    std::string message = "expected " + expected + ", got " + describe(node);
    if (value && *value <= 0) message = "lengths must be positive, got " + describe(node);
    error(w, v.path, message);
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> YamlReader::read_integer(const std::string& path) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const auto value = to_integer(*v, *find_deck_key(path));
  if (value) resolve(path, YAML::Node(*value));
  return value;
}

std::optional<double> YamlReader::read_number(const std::string& path) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const auto value = to_number(*v, *find_deck_key(path));
  if (value) resolve(path, YAML::Node(trim(v->node.Scalar())));
  return value;
}

std::optional<bool> YamlReader::read_bool(const std::string& path) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const auto text = to_scalar_text(*v, "true or false");
  if (!text) return std::nullopt;
  const auto value = parse_bool_text(*text);
  if (!value) {
    error(value_location(*v), path, "expected true or false, got " + describe(v->node));
    return std::nullopt;
  }
  resolve(path, YAML::Node(*value));
  return value;
}

std::optional<std::string> YamlReader::read_string(const std::string& path) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const DeckKey& key = *find_deck_key(path);
  const auto text = to_scalar_text(*v, key.type == DeckType::path ? "a file name" : "a string");
  if (!text) return std::nullopt;
  if (key.type == DeckType::path && trim(*text).empty()) {
    error(value_location(*v), path, "expected a file name, got an empty string");
    return std::nullopt;
  }
  resolve(path, YAML::Node(*text));
  return text;
}

std::optional<std::string> YamlReader::read_choice(const std::string& path) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const DeckKey& key = *find_deck_key(path);
  const std::string expected = "one of: " + quoted_list(key.choices);
  const auto text = to_scalar_text(*v, expected.c_str());
  if (!text) return std::nullopt;
  const std::string name = trim(*text);
  if (std::find(key.choices.begin(), key.choices.end(), name) == key.choices.end()) {
    std::string message = "unknown " + noun_of(path) + " '" + name + "'";
    if (const auto best = closest_match(name, key.choices))
      message += " (did you mean '" + *best + "'?)";
    error(value_location(*v), path, message + "; expected " + expected);
    return std::nullopt;
  }
  resolve(path, YAML::Node(name));
  choices_[path] = name;
  return name;
}

std::optional<std::vector<std::string>> YamlReader::read_name_list(
    const Value& v, const NameListText& text,
    const std::function<bool(const YAML::Node&, const DeckLocation&)>& check) {
  const std::string& path = v.path;
  std::vector<YAML::Node> items;
  if (v.node.IsScalar()) {
    items.push_back(v.node);  // a single name stands for a list of one
  } else if (v.node.IsSequence()) {
    for (const auto& item : v.node) items.push_back(item);
  } else {
    error(value_location(v), path, "expected " + text.expected + ", got " + describe(v.node));
    return std::nullopt;
  }
  if (items.empty() && !text.allow_empty) {
    error(value_location(v), path, text.empty);
    return std::nullopt;
  }
  const std::size_t before = issues_.size();
  std::vector<std::string> names;
  std::map<std::string, DeckLocation> seen;
  YAML::Node out(YAML::NodeType::Sequence);
  for (const auto& item : items) {
    const DeckLocation w = v.given ? node_location(path, item) : where(path);
    if (!check(item, w)) continue;
    const std::string name = trim(item.Scalar());
    if (const auto first = seen.find(name); first != seen.end()) {
      error(w, path, "duplicate " + text.noun + " '" + name + "' (first given at " +
                         first->second.format() + ")");
      continue;
    }
    seen[name] = w;
    names.push_back(name);
    out.push_back(name);
  }
  if (failed_since(before)) return std::nullopt;
  resolve(path, flow(out));
  return names;
}

std::optional<std::vector<std::string>> YamlReader::read_choice_list(const std::string& path) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const DeckKey& key = *find_deck_key(path);
  const std::string noun = noun_of(path);
  const NameListText text{noun,
                          "a list of " + noun + "s, each one of: " + quoted_list(key.choices),
                          "expected at least one " + noun + " (" + quoted_list(key.choices) +
                              "), got an empty list",
                          key.allow_empty};
  return read_name_list(*v, text, [&](const YAML::Node& item, const DeckLocation& w) {
    if (!item.IsScalar()) {
      error(w, path, "expected a " + noun + " name, got " + describe(item));
      return false;
    }
    const std::string name = trim(item.Scalar());
    if (std::find(key.choices.begin(), key.choices.end(), name) != key.choices.end()) return true;
    std::string message = "unknown " + noun + " '" + name + "'";
    if (const auto best = closest_match(name, key.choices))
      message += " (did you mean '" + *best + "'?)";
    error(w, path, message + "; expected one of: " + quoted_list(key.choices));
    return false;
  });
}

std::optional<std::vector<std::string>> YamlReader::read_string_list(const std::string& path) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const NameListText text{"name", "a list of names",
                          "expected at least one name, got an empty list", false};
  return read_name_list(*v, text, [&](const YAML::Node& item, const DeckLocation& w) {
    if (item.IsScalar() && !trim(item.Scalar()).empty()) return true;
    error(w, path, "expected a non-empty name, got " + describe(item));
    return false;
  });
}

std::optional<std::vector<std::int64_t>> YamlReader::read_lengths(const std::string& path) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const DeckKey& key = *find_deck_key(path);
  const std::size_t before = issues_.size();
  std::vector<std::int64_t> lengths;
  if (v->node.IsMap()) {
    const auto start_v = fetch(path + ".start");
    const auto stop_v = fetch(path + ".stop");
    const auto factor = read_integer(path + ".factor");
    std::optional<std::int64_t> start, stop;
    if (start_v) start = to_length(*start_v, start_v->node, *find_deck_key(path + ".start"));
    if (stop_v) stop = to_length(*stop_v, stop_v->node, *find_deck_key(path + ".stop"));
    if (failed_since(before) || !start || !stop || !factor) return std::nullopt;
    if (*stop < *start) {
      error(value_location(*stop_v), path + ".stop",
            "the range is empty: stop (" + std::to_string(*stop) + ") is below start (" +
                std::to_string(*start) + ")");
      return std::nullopt;
    }
    for (std::int64_t t = *start; t <= *stop; t *= *factor) {
      lengths.push_back(t);
      if (t > std::numeric_limits<std::int64_t>::max() / *factor) break;
    }
    resolved_[path.substr(0, path.find('.'))].remove("lengths");  // the range becomes a list
  } else {
    std::vector<YAML::Node> items;
    if (v->node.IsScalar()) {
      items.push_back(v->node);
    } else if (v->node.IsSequence()) {
      for (const auto& item : v->node) items.push_back(item);
    } else {
      error(value_location(*v), path,
            "expected a list of lengths or a range {start, stop, factor}, got " +
                describe(v->node));
      return std::nullopt;
    }
    if (items.empty()) {
      error(value_location(*v), path, "expected at least one length, got an empty list");
      return std::nullopt;
    }
    std::map<std::int64_t, DeckLocation> seen;
    for (const auto& item : items) {
      const auto t = to_length(*v, item, key);
      if (!t) continue;
      const DeckLocation w = v->given ? node_location(path, item) : where(path);
      if (const auto first = seen.find(*t); first != seen.end()) {
        error(w, path, "duplicate length " + std::to_string(*t) + " (first given at " +
                           first->second.format() + ")");
        continue;
      }
      seen[*t] = w;
      lengths.push_back(*t);
    }
    if (failed_since(before)) return std::nullopt;
  }
  YAML::Node out(YAML::NodeType::Sequence);
  for (const auto t : lengths) out.push_back(t);
  resolve(path, flow(out));
  return lengths;
}

std::optional<YamlReader::Dense> YamlReader::read_dense(const std::string& path, bool per_step) {
  const auto v = fetch(path);
  if (!v) return std::nullopt;
  const bool matrix = find_deck_key(path)->type == DeckType::matrix;
  // One value per time step: a list of matrices (three levels of lists) or of vectors (two).
  const YAML::Node& node = v->node;
  const bool steps = per_step && node.IsSequence() && node.size() > 0 && node[0].IsSequence() &&
                     (!matrix || (node[0].size() > 0 && node[0][0].IsSequence()));
  if (!steps) {
    YAML::Node out;
    auto d = parse_dense(path, node, matrix, value_location(*v), out);
    if (d) resolve(path, out);
    return d;
  }
  Dense all;
  all.path = path;
  all.slots = static_cast<int>(node.size());
  YAML::Node out(YAML::NodeType::Sequence);
  int index = 0;
  for (const auto& item : node) {
    ++index;
    YAML::Node item_out;
    const auto d = parse_dense(path, item, matrix, node_location(path, item), item_out);
    if (!d) return std::nullopt;
    if (index > 1 && (d->rows != all.rows || d->cols != all.cols)) {
      error(node_location(path, item), path,
            "step " + std::to_string(index) + " is " + std::to_string(d->rows) + " x " +
                std::to_string(d->cols) + ", step 1 is " + std::to_string(all.rows) + " x " +
                std::to_string(all.cols));
      return std::nullopt;
    }
    all.rows = d->rows;
    all.cols = d->cols;
    all.values.insert(all.values.end(), d->values.begin(), d->values.end());
    out.push_back(item_out);
  }
  all.node = node;
  resolve(path, out);
  return all;
}

std::optional<YamlReader::Dense> YamlReader::parse_dense(const std::string& path,
                                                         const YAML::Node& node, bool matrix,
                                                         const DeckLocation& where_given,
                                                         YAML::Node& resolved) {
  const std::string expected =
      matrix ? "a matrix (a list of rows, each a list of numbers)" : "a list of numbers";
  if (!node.IsSequence() || node.size() == 0) {
    error(where_given, path, "expected " + expected + ", got " +
                                 (node.IsSequence() ? "an empty list" : describe(node)));
    return std::nullopt;
  }
  Dense d;
  d.path = path;
  const std::size_t before = issues_.size();
  YAML::Node out(YAML::NodeType::Sequence);
  auto number = [&](const YAML::Node& item, YAML::Node& into) {
    const auto value = item.IsScalar() ? parse_number_text(item.Scalar()) : std::nullopt;
    if (!value) {
      error(node_location(path, item), path, "expected a number, got " + describe(item));
      return;
    }
    d.values.push_back(*value);
    into.push_back(YAML::Node(trim(item.Scalar())));
  };
  if (!matrix) {
    for (const auto& item : node) number(item, out);
    d.rows = static_cast<int>(node.size());
    d.cols = 1;
  } else {
    d.rows = static_cast<int>(node.size());
    int row_index = 0;
    for (const auto& row : node) {
      ++row_index;
      if (!row.IsSequence()) {
        error(node_location(path, row), path,
              "expected " + expected + "; row " + std::to_string(row_index) + " is " +
                  describe(row));
        continue;
      }
      if (row_index == 1) d.cols = static_cast<int>(row.size());
      if (static_cast<int>(row.size()) != d.cols) {
        error(node_location(path, row), path,
              "row " + std::to_string(row_index) + " has " + std::to_string(row.size()) +
                  " entries, row 1 has " + std::to_string(d.cols));
        continue;
      }
      YAML::Node out_row(YAML::NodeType::Sequence);
      for (const auto& item : row) number(item, out_row);
      out.push_back(flow(out_row));
    }
    if (d.cols == 0 && !failed_since(before))
      error(where_given, path, "expected " + expected + ", got an empty row");
  }
  if (failed_since(before)) return std::nullopt;
  d.node = node;
  resolved = flow(out);
  return d;
}

}  // namespace kscan
