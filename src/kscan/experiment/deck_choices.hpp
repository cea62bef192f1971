#pragma once
// The closed choices of a deck (model.kind, data.source, data.format, output.estimates,
// runs.distributed) as enums. Each has one table of {value, deck name}: the key table (schema.cpp) lists its names as
// the key's allowed values, and so docs/deck.md and the parser's "expected one of"; the parser
// maps the deck's text through it; plans, messages and the resolved deck print its names. A value
// added to a table is known everywhere, and code compares values, not spellings.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kscan {

template <class E>
struct DeckChoice {
  E value;
  std::string_view name;  // as the deck writes it
};

/// model.kind: where the model comes from.
enum class ModelKind { random, tracking, lti, file };
inline constexpr std::array<DeckChoice<ModelKind>, 4> model_kinds = {
    {{ModelKind::random, "random"},
     {ModelKind::tracking, "tracking"},
     {ModelKind::lti, "lti"},
     {ModelKind::file, "file"}}};

/// data.source: where the measurements come from.
enum class DataSource { simulate, file };
inline constexpr std::array<DeckChoice<DataSource>, 2> data_sources = {
    {{DataSource::simulate, "simulate"}, {DataSource::file, "file"}}};

/// data.format: how a data.source file is read.
enum class DataFormat { hdf5, csv };
inline constexpr std::array<DeckChoice<DataFormat>, 2> data_formats = {
    {{DataFormat::hdf5, "hdf5"}, {DataFormat::csv, "csv"}}};

/// output.estimates: which runs store their estimates.
enum class EstimatesOutput { none, last, all };
inline constexpr std::array<DeckChoice<EstimatesOutput>, 3> estimates_outputs = {
    {{EstimatesOutput::none, "none"},
     {EstimatesOutput::last, "last"},
     {EstimatesOutput::all, "all"}}};

/// runs.distributed: how the MPI ranks of one `kscan run` share the work.
enum class DistributedMode { sweep, pkf_chunks, ptfs_two_rank };
inline constexpr std::array<DeckChoice<DistributedMode>, 3> distributed_modes = {
    {{DistributedMode::sweep, "sweep"},
     {DistributedMode::pkf_chunks, "pkf_chunks"},
     {DistributedMode::ptfs_two_rank, "ptfs_two_rank"}}};

// The table of each choice, found by its type, so that the functions below take any of them.
constexpr const auto& deck_choices(ModelKind) { return model_kinds; }
constexpr const auto& deck_choices(DataSource) { return data_sources; }
constexpr const auto& deck_choices(DataFormat) { return data_formats; }
constexpr const auto& deck_choices(EstimatesOutput) { return estimates_outputs; }
constexpr const auto& deck_choices(DistributedMode) { return distributed_modes; }

/// The value's name in a deck ("lti").
template <class E>
constexpr std::string_view deck_name(E value) {
  for (const auto& choice : deck_choices(E{}))
    if (choice.value == value) return choice.name;
  return "?";
}

/// The value a deck names, or nullopt when the name is none of E's.
template <class E>
constexpr std::optional<E> parse_deck_choice(std::string_view name) {
  for (const auto& choice : deck_choices(E{}))
    if (choice.name == name) return choice.value;
  return std::nullopt;
}

/// Every name of E, in table order (the key's allowed values).
template <class E>
std::vector<std::string> deck_choice_names() {
  std::vector<std::string> names;
  for (const auto& choice : deck_choices(E{})) names.emplace_back(choice.name);
  return names;
}

}  // namespace kscan
