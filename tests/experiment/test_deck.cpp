// Deck parsing and validation: defaults, lengths, overrides, resolved YAML, the bad-deck corpus
// (inputs/invalid/*.yaml, each naming the message it must produce) and docs/deck.md.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "kscan/core/dims.hpp"
#include "kscan/experiment/deck.hpp"
#include "kscan/experiment/scalar_text.hpp"
#include "kscan/experiment/schema.hpp"

#ifndef KSCAN_SOURCE_DIR
#error "KSCAN_SOURCE_DIR must name the source tree (tests/CMakeLists.txt)"
#endif

namespace fs = std::filesystem;

namespace {

kscan::Deck parse(const std::string& text, std::vector<std::string> overrides = {}) {
  kscan::DeckOptions options;
  options.overrides = std::move(overrides);
  options.check_output = false;
  return kscan::parse_deck(text, "test.yaml", ".", options);
}

/// The message of the DeckError `text` throws ("" when it parses).
std::string error_of(const std::string& text, std::vector<std::string> overrides = {}) {
  try {
    parse(text, std::move(overrides));
  } catch (const kscan::DeckError& e) {
    return e.what();
  }
  return "";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(Deck, DefaultsFillAMinimalDeck) {
  const auto deck = parse("experiment: {name: tiny}\n");
  EXPECT_EQ(deck.experiment.name, "tiny");
  EXPECT_EQ(deck.experiment.seed, 1u);
  EXPECT_EQ(kscan::deck_name(deck.model.kind), "random");
  EXPECT_EQ(deck.model.state_dim, 4);
  EXPECT_EQ(deck.model.obs_dim, 2);
  EXPECT_TRUE(deck.model.time_varying);
  EXPECT_DOUBLE_EQ(deck.model.random.transition_scale, 0.99);
  EXPECT_DOUBLE_EQ(deck.model.random.ridge, 0.1);
  EXPECT_EQ(kscan::deck_name(deck.data.source), "simulate");
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{1024}));
  EXPECT_EQ(deck.data.batch, 1);
  EXPECT_EQ(deck.data.missing, 0.0);
  EXPECT_EQ(deck.runs.methods, (std::vector<std::string>{"kf", "rts", "tfs", "pkf", "prts", "ptfs"}));
  EXPECT_EQ(deck.runs.scans, (std::vector<std::string>{"blocked"}));
  EXPECT_EQ(deck.runs.scan_parameters, (kscan::ScanParameterValues{{"sengupta_threshold", 4}}));
  EXPECT_EQ(kscan::parse_scan("sengupta_b", deck.runs.scan_parameters)->parameter, 4);
  EXPECT_EQ(deck.runs.precision, (std::vector<std::string>{"float32", "float64"}));
  EXPECT_EQ(deck.runs.form, (std::vector<std::string>{"standard"}));
  EXPECT_EQ(deck.runs.warmup, 2);
  EXPECT_EQ(deck.runs.repetitions, 10);
  EXPECT_EQ(deck.runs.reference, "kf");
  EXPECT_FALSE(deck.runs.simulate_threads.has_value());
  EXPECT_EQ(deck.output.file, "results/tiny.h5");
  EXPECT_EQ(kscan::deck_name(deck.output.estimates), "last");
  EXPECT_EQ(deck.output.summary, (std::vector<std::string>{"table", "csv"}));
}

TEST(Deck, NameDefaultsToTheFileStem) {
  kscan::DeckOptions options;
  options.check_output = false;
  const auto deck = kscan::parse_deck("runs: {warmup: 0}\n", "some/dir/my-sweep.yaml", ".", options);
  EXPECT_EQ(deck.experiment.name, "my-sweep");
  EXPECT_EQ(deck.output.file, "results/my-sweep.h5");
}

TEST(Deck, GeometricRangesIncludeStop) {
  auto deck = parse("data: {lengths: {start: 2^4, stop: 2^8, factor: 2}}\n");
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{16, 32, 64, 128, 256}));
  deck = parse("data: {lengths: {start: 16, stop: 1000, factor: 4}}\n");
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{16, 64, 256}));
  deck = parse("data: {lengths: {start: \"2^20\", stop: \"2^20\"}}\n");
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{1 << 20}));
}

TEST(Deck, LengthListsMixIntegersAndPowers) {
  const auto deck = parse("data: {lengths: [1000, 2^4, \"2^12\", 7]}\n");
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{1000, 16, 4096, 7}));
  EXPECT_EQ(kscan::parse_length_text("2^0"), 1);
  EXPECT_EQ(kscan::parse_length_text(" 2^10 "), 1024);
  EXPECT_FALSE(kscan::parse_length_text("3^2"));
  EXPECT_FALSE(kscan::parse_length_text("2^"));
  EXPECT_FALSE(kscan::parse_length_text("1e3"));
}

TEST(Deck, OverridesApplyBeforeValidation) {
  const auto deck = parse("experiment: {name: o}\nmodel: {state_dim: 4}\n",
                          {"model.state_dim=6", "data.lengths=[8, 2^5]",
                           "runs.precision=[float64]", "output.estimates=none",
                           "experiment.description=from the command line"});
  EXPECT_EQ(deck.model.state_dim, 6);
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{8, 32}));
  EXPECT_EQ(deck.runs.precision, (std::vector<std::string>{"float64"}));
  EXPECT_EQ(kscan::deck_name(deck.output.estimates), "none");
  EXPECT_EQ(deck.experiment.description, "from the command line");
  // A section that is not in the deck is created.
  EXPECT_EQ(parse("experiment: {name: o}\n", {"runs.warmup=0"}).runs.warmup, 0);
}

TEST(Deck, BadOverridesNameTheOverride) {
  const auto message = error_of("experiment: {name: o}\n", {"model.state_dim=40"});
  EXPECT_NE(message.find("--set model.state_dim=40"), std::string::npos) << message;
  EXPECT_NE(message.find("1.." + std::to_string(kscan::dimension_limit)), std::string::npos)
      << message;
  EXPECT_NE(error_of("{}\n", {"model.stat_dim=4"}).find("did you mean 'state_dim'"),
            std::string::npos);
  EXPECT_NE(error_of("{}\n", {"runs.warmup"}).find("expected key.path=value"), std::string::npos);
  EXPECT_NE(error_of("{}\n", {"runs.methods=[kf"}).find("not valid YAML"), std::string::npos);
}

TEST(Deck, ResolvedYamlParsesToTheSameDeck) {
  const auto deck = parse(
      "experiment: {name: r, seed: 7, description: \"a: b\"}\n"
      "model: {kind: lti, F: [[1, 0.1], [0, 1]], Q: [[0.01, 0], [0, 0.01]], H: [[1, 0]],\n"
      "        R: [[0.25]], m0: [0, 1], P0: [[1, 0], [0, 1]]}\n"
      "data: {lengths: {start: 2^3, stop: 2^5}, missing: 0.1}\n"
      "runs: {methods: [kf, pkf], scans: [blocked, sengupta_b], precision: float64}\n");
  EXPECT_EQ(deck.model.state_dim, 2);
  EXPECT_EQ(deck.model.obs_dim, 1);
  EXPECT_FALSE(deck.model.time_varying);
  const auto again = parse(deck.resolved_yaml);
  EXPECT_EQ(again.resolved_yaml, deck.resolved_yaml);
  EXPECT_EQ(again.data.lengths, (std::vector<std::int64_t>{8, 16, 32}));
  EXPECT_EQ(again.model.lti.F, deck.model.lti.F);
  EXPECT_EQ(again.experiment.description, "a: b");
  EXPECT_EQ(again.runs.precision, (std::vector<std::string>{"float64"}));
  // Every section and the defaults appear.
  for (const char* key : {"seed: 7", "warmup: 2", "repetitions: 10", "estimates: last",
                          "sengupta_threshold: 4", "file: results/r.h5", "batch: 1"})
    EXPECT_NE(deck.resolved_yaml.find(key), std::string::npos) << key << "\n" << deck.resolved_yaml;
}

TEST(Deck, TrackingModelHasFixedDimensions) {
  const auto deck = parse("model: {kind: tracking, dt: 0.05}\n");
  EXPECT_EQ(deck.model.state_dim, 4);
  EXPECT_EQ(deck.model.obs_dim, 2);
  EXPECT_DOUBLE_EQ(deck.model.tracking.dt, 0.05);
  EXPECT_DOUBLE_EQ(deck.model.tracking.process_noise, 1.0);
  EXPECT_EQ(deck.resolved_yaml.find("state_dim"), std::string::npos) << deck.resolved_yaml;
}

// The build's largest dimension is accepted; above it (possible only in a build with a lowered
// KSCAN_MAX_DIMENSION, as the cuda preset's 8) the deck names the key and the build setting.
TEST(Deck, DimensionsUpToTheBuildsLargest) {
  const std::string largest = std::to_string(kscan::max_dimension);
  EXPECT_EQ(error_of("model: {kind: random, state_dim: " + largest + ", obs_dim: 2}\n"), "");
  if (kscan::max_dimension < kscan::dimension_limit) {
    const std::string above = std::to_string(kscan::max_dimension + 1);
    const std::string message =
        error_of("model: {kind: random, state_dim: 2, obs_dim: " + above + "}\n");
    EXPECT_NE(message.find("test.yaml:1:"), std::string::npos) << message;
    EXPECT_NE(message.find("built for dimensions up to " + largest), std::string::npos) << message;
  }
}

TEST(Deck, CollectsEveryProblem) {
  const auto message = error_of(
      "model: {state_dim: 0, obs_dim: 99}\n"
      "runs: {methods: [pfk], repetitions: 0}\n");
  std::istringstream lines(message);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) ++count;
  EXPECT_EQ(count, 4) << message;
  EXPECT_NE(message.find("test.yaml:1:20: model.state_dim"), std::string::npos) << message;
  EXPECT_NE(message.find("test.yaml:2:18: runs.methods: unknown method 'pfk'"),
            std::string::npos)
      << message;
}

TEST(Deck, FormsAreAListOfStandardAndSqrt) {
  EXPECT_EQ(parse("runs: {form: [sqrt, standard]}\n").runs.form,
            (std::vector<std::string>{"sqrt", "standard"}));
  EXPECT_EQ(parse("runs: {form: sqrt}\n").runs.form, (std::vector<std::string>{"sqrt"}));
  EXPECT_EQ(parse("runs: {}\n", {"runs.form=[standard, sqrt]"}).runs.form,
            (std::vector<std::string>{"standard", "sqrt"}));
  // The resolved deck names the forms, so that a stored deck reruns the same runs.
  const auto deck = parse("runs: {form: [sqrt]}\n");
  EXPECT_EQ(parse(deck.resolved_yaml).runs.form, (std::vector<std::string>{"sqrt"}));

  std::string message = error_of("runs:\n  form: [standard, sqr]\n");
  EXPECT_NE(message.find("test.yaml:2:20: runs.form: unknown form 'sqr' (did you mean 'sqrt'?); "
                         "expected one of: standard, sqrt"),
            std::string::npos)
      << message;
  message = error_of("runs: {form: [sqrt, sqrt]}\n");
  EXPECT_NE(message.find("runs.form: duplicate form 'sqrt'"), std::string::npos) << message;
  message = error_of("runs: {form: []}\n");
  EXPECT_NE(message.find("runs.form: expected at least one form (standard, sqrt)"),
            std::string::npos)
      << message;
}

TEST(Deck, SqrtFormIsRefusedWithRanksSharingARun) {
  EXPECT_NO_THROW(parse("runs: {form: [sqrt], distributed: sweep}\n"));
  EXPECT_NO_THROW(parse("runs: {form: [standard], distributed: pkf_chunks}\n"));
  for (const std::string mode : {"pkf_chunks", "ptfs_two_rank"}) {
    const std::string message =
        error_of("runs: {methods: [pkf, ptfs], form: [standard, sqrt], distributed: " + mode +
                 "}\n");
    EXPECT_NE(message.find("test.yaml:1:"), std::string::npos) << message;
    EXPECT_NE(message.find("runs.form: form sqrt is not available with runs.distributed: " + mode),
              std::string::npos)
        << message;
  }
}

TEST(Deck, UnknownKeysSuggestTheirHomeSection) {
  EXPECT_NE(error_of("runs: {batch: 4}\n").find("did you mean 'data.batch'"), std::string::npos);
  EXPECT_NE(error_of("data: {lenghts: [16]}\n").find("did you mean 'lengths'"), std::string::npos);
  EXPECT_NE(error_of("zzz: 1\n").find("expected one of: experiment, model, data, runs, output"),
            std::string::npos);
}

TEST(Deck, FileModelIsReadThroughTheReader) {
  const fs::path dir = fs::temp_directory_path() / "kscan_test_deck_reader";
  fs::create_directories(dir);
  const fs::path file = dir / "model.h5";
  {
    std::ofstream out(file, std::ios::binary);
    const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    out.write(reinterpret_cast<const char*>(signature), 8);
  }
  kscan::DeckOptions options;
  options.check_output = false;
  int calls = 0;
  options.reader = [&](const std::string& path, const std::string& dataset) {
    ++calls;
    EXPECT_EQ(fs::path(path), fs::absolute(file).lexically_normal());
    EXPECT_EQ(dataset, "T64");
    kscan::LoadedDataset loaded;
    loaded.model = kscan::make_tracking_model({});
    loaded.has_series = true;
    loaded.series.y = decltype(loaded.series.y)("y", 64, 2);
    return loaded;
  };
  const std::string text = "model: {kind: file, file: model.h5, dataset: T64}\ndata: {source: file}\n";
  const auto deck = kscan::parse_deck(text, (dir / "deck.yaml").string(), dir.string(), options);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(deck.model.state_dim, 4);
  EXPECT_EQ(deck.model.obs_dim, 2);
  EXPECT_EQ(deck.data.lengths, (std::vector<std::int64_t>{64}));
  EXPECT_EQ(deck.data.dataset, "T64");
  ASSERT_TRUE(deck.series_data);

  options.reader = [](const std::string&, const std::string&) -> kscan::LoadedDataset {
    throw std::runtime_error("no group /datasets/T64");
  };
  try {
    kscan::parse_deck(text, (dir / "deck.yaml").string(), dir.string(), options);
    ADD_FAILURE() << "a reader failure must be a deck error";
  } catch (const kscan::DeckError& e) {
    EXPECT_NE(std::string(e.what()).find("no group /datasets/T64"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("deck.yaml:1:"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(Deck, OutputPathMustBeWritable) {
  kscan::DeckOptions options;
  try {
    kscan::parse_deck("output: {file: /dev/null/x.h5}\n", "o.yaml", ".", options);
    ADD_FAILURE() << "expected a DeckError";
  } catch (const kscan::DeckError& e) {
    EXPECT_NE(std::string(e.what()).find("is not a directory"), std::string::npos) << e.what();
  }
  const fs::path dir = fs::temp_directory_path() / "kscan_test_deck_output";
  fs::remove_all(dir);
  // Directories that do not exist yet are fine (they are created).
  EXPECT_NO_THROW(kscan::parse_deck("output: {file: " + (dir / "a/b/c.h5").string() + "}\n",
                                    "o.yaml", ".", options));
  fs::create_directories(dir);
  try {
    kscan::parse_deck("output: {file: " + dir.string() + "}\n", "o.yaml", ".", options);
    ADD_FAILURE() << "expected a DeckError";
  } catch (const kscan::DeckError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(Deck, MissingDeckFile) {
  try {
    kscan::load_deck("/nonexistent/deck.yaml");
    ADD_FAILURE() << "expected a DeckError";
  } catch (const kscan::DeckError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/deck.yaml"), std::string::npos);
  }
}

TEST(Deck, EditDistanceAndSuggestions) {
  EXPECT_EQ(kscan::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(kscan::edit_distance("", "abc"), 3u);
  EXPECT_EQ(kscan::closest_match("ladner_fisher", {"blelloch", "ladner_fischer"}),
            std::optional<std::string>("ladner_fischer"));
  EXPECT_FALSE(kscan::closest_match("completely_different", {"kf", "rts"}));
}

namespace {

/// Each value of E has one name, the name maps back to it, and the key's allowed values (what
/// docs/deck.md lists and the parser accepts) are those names, in table order.
template <class E>
void expect_choice_table(const std::string& key_path) {
  const auto& table = kscan::deck_choices(E{});
  for (const auto& choice : table) {
    EXPECT_EQ(kscan::deck_name(choice.value), choice.name);
    EXPECT_EQ(kscan::parse_deck_choice<E>(choice.name), choice.value) << choice.name;
  }
  EXPECT_FALSE(kscan::parse_deck_choice<E>("")) << key_path;
  const kscan::DeckKey* key = kscan::find_deck_key(key_path);
  ASSERT_NE(key, nullptr) << key_path;
  EXPECT_EQ(key->choices, kscan::deck_choice_names<E>()) << key_path;
  EXPECT_EQ(key->choices.size(), table.size()) << key_path;
}

}  // namespace

TEST(Deck, ChoiceTablesAreTheKeysAllowedValues) {
  expect_choice_table<kscan::ModelKind>("model.kind");
  expect_choice_table<kscan::DataSource>("data.source");
  expect_choice_table<kscan::EstimatesOutput>("output.estimates");
  expect_choice_table<kscan::DistributedMode>("runs.distributed");
  const auto deck = parse("model: {kind: tracking}\ndata: {source: simulate}\n"
                          "runs: {distributed: ptfs_two_rank}\noutput: {estimates: all}\n");
  EXPECT_EQ(deck.model.kind, kscan::ModelKind::tracking);
  EXPECT_EQ(deck.data.source, kscan::DataSource::simulate);
  EXPECT_EQ(deck.runs.distributed, kscan::DistributedMode::ptfs_two_rank);
  EXPECT_EQ(deck.output.estimates, kscan::EstimatesOutput::all);
}

// Every deck of inputs/invalid fails with the message its "# expect:" line names, located at a
// line and column of that deck.
TEST(Deck, InvalidCorpus) {
  const fs::path corpus = fs::path(KSCAN_SOURCE_DIR) / "inputs" / "invalid";
  ASSERT_TRUE(fs::is_directory(corpus)) << corpus;
  int decks = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".yaml") continue;
    ++decks;
    const std::string text = read_text(entry.path());
    const auto at = text.find("# expect: ");
    ASSERT_NE(at, std::string::npos) << entry.path() << " has no '# expect: ' line";
    const auto end = text.find('\n', at);
    const std::string expected = text.substr(at + 10, end == std::string::npos ? end : end - at - 10);
    try {
      kscan::load_deck(entry.path().string());
      ADD_FAILURE() << entry.path() << " was accepted";
    } catch (const kscan::DeckError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(expected), std::string::npos)
          << entry.path() << "\n  expected: " << expected << "\n  got: " << message;
      const std::regex located(std::regex_replace(entry.path().filename().string(),
                                                  std::regex(R"([.^$|()\[\]{}*+?\\-])"),
                                                  R"(\$&)") +
                               R"(:\d+:\d+: )");
      EXPECT_TRUE(std::regex_search(message, located))
          << entry.path() << ": no file:line:column in\n" << message;
    }
  }
  EXPECT_GE(decks, 15);
}

// The decks shipped in inputs/ (and inputs/paper/, inputs/bench/, inputs/cluster/) are valid.
TEST(Deck, ShippedDecksAreValid) {
  const fs::path inputs = fs::path(KSCAN_SOURCE_DIR) / "inputs";
  int decks = 0;
  for (const auto& dir : {inputs, inputs / "paper", inputs / "bench", inputs / "cluster",
                          inputs / "examples"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      ++decks;
      kscan::DeckOptions options;
      options.check_output = false;
      EXPECT_NO_THROW(kscan::load_deck(entry.path().string(), options)) << entry.path();
    }
  }
  EXPECT_GE(decks, 5);
}

// docs/deck.md is generated from the key table: regenerate it with
//   kscan validate --print-schema > docs/deck.md
TEST(Deck, ReferenceDocumentIsUpToDate) {
  const fs::path doc = fs::path(KSCAN_SOURCE_DIR) / "docs" / "deck.md";
  ASSERT_TRUE(fs::exists(doc)) << doc;
  EXPECT_EQ(read_text(doc), kscan::deck_reference_markdown())
      << "docs/deck.md is stale: run `kscan validate --print-schema > docs/deck.md`";
}

TEST(Deck, SchemaCoversEveryKeyTheSketchNames) {
  for (const char* path :
       {"experiment.name", "experiment.seed", "experiment.description", "model.kind",
        "model.state_dim", "model.obs_dim", "model.time_varying", "model.file", "data.source",
        "data.lengths", "data.batch", "data.missing", "data.missing_components", "runs.methods",
        "runs.scans", "runs.sengupta_threshold", "runs.precision", "runs.form", "runs.warmup",
        "runs.repetitions", "runs.reference", "runs.simulate_threads", "output.file",
        "output.estimates", "output.summary"}) {
    const auto* key = kscan::find_deck_key(path);
    ASSERT_NE(key, nullptr) << path;
    EXPECT_FALSE(key->description.empty()) << path;
    EXPECT_TRUE(key->required || !key->default_yaml.empty() || !key->default_note.empty())
        << path << " has no documented default";
  }
}
