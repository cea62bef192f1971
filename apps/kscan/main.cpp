// The kscan command-line program.
#include <unistd.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "kscan/core/dims.hpp"
#include "kscan/experiment/deck.hpp"
#include "kscan/experiment/plan.hpp"
#include "kscan/experiment/run_environment.hpp"
#include "kscan/experiment/runner.hpp"
#include "kscan/experiment/schema.hpp"
#include "kscan/io/hdf5_reader.hpp"
#include "kscan/io/hdf5_result_file.hpp"
#include "kscan/io/registry_module.hpp"
#include "kscan/io/summary.hpp"
#include "kscan/version.hpp"
#ifdef KSCAN_HAVE_MPI
#include "kscan/distributed/mpi_session.hpp"
#include "kscan/distributed/rank_sweep.hpp"
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRunFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

// Kokkos 3.7 renamed --kokkos-threads to --kokkos-num-threads (and 4.x dropped the old name).
#if KOKKOS_VERSION >= 30700
#define KSCAN_THREADS_FLAG "--kokkos-num-threads"
#else
#define KSCAN_THREADS_FLAG "--kokkos-threads"
#endif

constexpr const char* kUsage = R"(kscan — parallel-in-time Kalman filtering and smoothing (prefix sums on Kokkos)

Usage:
  kscan run DECK [--output FILE] [--set key=value ...] [--resume] [--dry-run] [--quiet]
  kscan validate DECK [--set key=value ...]
                             parse and check a deck, print the plan of runs, run nothing
  kscan validate --print-schema
                             print the deck reference (docs/deck.md)
  kscan info                 versions, enabled Kokkos backends, concurrency, device
  kscan info --registry-python
                             print analysis/registry.py: the methods, scans, forms and metrics
  kscan --version | --help
  mpirun -n N kscan run DECK   with a kscan built with KSCAN_ENABLE_MPI=ON: the runs over N
                             ranks, one output file written by rank 0 (deck key runs.distributed)

Options of run and validate:
  --output FILE, -o FILE     write the results here (overrides output.file)
  --set key.path=value       override a deck key before validation; the value is YAML,
                             e.g. --set data.lengths=[256,1024] --set runs.precision=float64
  --resume                   continue an interrupted sweep: runs already in the output are skipped
  --dry-run                  validate and print the plan, run nothing, write nothing
  --quiet                    no progress and no table (warnings and errors still print)

Kokkos options pass through, e.g. )" KSCAN_THREADS_FLAG R"(=2 (OpenMP threads; this Kokkos' spelling)
or --kokkos-device-id=1 (GPU).

Exit codes: 0 ok, 1 run failure (numerical or I/O), 2 bad input (deck, arguments, files),
130 interrupted (the runs completed so far are in the output file).
)";

int print_info() {
  const auto e = kscan::current_environment();
  std::cout << "kscan        " << e.kscan_version << "\n"
            << "Kokkos       " << e.kokkos_version << "\n"
            << "HDF5         " << e.hdf5_version << "\n"
            << "yaml-cpp     " << e.yaml_cpp_version << "\n"
            << "compiler     " << e.compiler << "\n"
            << "backends     ";
  for (size_t i = 0; i < e.enabled_backends.size(); ++i)
    std::cout << (i ? ", " : "") << e.enabled_backends[i];
  std::cout << "\n"
            << "default      " << e.execution_space << "\n"
            << "concurrency  " << e.concurrency << "\n"
            << "solvers      " << kscan::compiled_dims_text() << " (nx x ny)\n"
            << "device       " << e.device << "\n"
            << "host         " << e.hostname << "\n";
  return 0;
}

/// The command line of `run` and `validate`.
struct Arguments {
  std::string command;
  std::string deck;
  std::string output;
  std::vector<std::string> sets;
  bool resume = false;
  bool dry_run = false;
  bool quiet = false;
  bool print_schema = false;
  std::vector<std::string> kokkos;  // --kokkos-* arguments, passed to Kokkos::initialize
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Arguments parse_arguments(int argc, char* argv[]) {
  Arguments a;
  a.command = argv[1];
  const bool run = a.command == "run";
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const std::string& option) -> std::string {
      const auto eq = arg.find('=');
      if (eq != std::string::npos) return arg.substr(eq + 1);
      if (i + 1 >= argc) throw UsageError(option + " needs a value");
      return argv[++i];
    };
    if (arg.rfind("--kokkos-", 0) == 0) {
      a.kokkos.push_back(arg);
    } else if (arg == "--set" || arg.rfind("--set=", 0) == 0) {
      a.sets.push_back(value("--set"));
    } else if (run && (arg == "--output" || arg == "-o" || arg.rfind("--output=", 0) == 0)) {
      a.output = value("--output");
      if (a.output.empty()) throw UsageError("--output needs a file name");
    } else if (run && arg == "--resume") {
      a.resume = true;
    } else if (run && arg == "--dry-run") {
      a.dry_run = true;
    } else if (run && arg == "--quiet") {
      a.quiet = true;
    } else if (!run && arg == "--print-schema") {
      a.print_schema = true;
    } else if (arg == "--help" || arg == "-h") {
      throw UsageError("");
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      throw UsageError("unknown option '" + arg + "' for kscan " + a.command);
    } else if (a.deck.empty()) {
      a.deck = arg;
    } else {
      throw UsageError("one deck at a time: '" + a.deck + "' and '" + arg + "' given");
    }
  }
  if (a.deck.empty() && !a.print_schema) throw UsageError("kscan " + a.command + " needs a DECK");
  return a;
}

/// A YAML double-quoted scalar holding `text` (for --output as a --set override).
std::string yaml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

/// Reads a dataset of a kscan HDF5 file for decks with model.kind: file or data.source: file.
kscan::LoadedDataset read_dataset_for_deck(const std::string& file, const std::string& dataset) {
  kscan::StoredDataset stored = kscan::read_dataset(file, dataset, /*require_measurements=*/false);
  kscan::LoadedDataset loaded;
  loaded.model = stored.model;
  loaded.has_series = stored.has_measurements;
  loaded.has_truth = stored.has_truth;
  loaded.series = stored.series;
  return loaded;
}

/// Kokkos sees only the program name and the --kokkos-* arguments.
class KokkosSession {
 public:
  KokkosSession(const char* program, const std::vector<std::string>& arguments) {
    storage_.push_back(program);
    for (const auto& a : arguments) storage_.push_back(a);
    for (auto& s : storage_) pointers_.push_back(s.data());
    int argc = static_cast<int>(pointers_.size());
    pointers_.push_back(nullptr);
    Kokkos::initialize(argc, pointers_.data());
  }
  ~KokkosSession() { Kokkos::finalize(); }
  KokkosSession(const KokkosSession&) = delete;
  KokkosSession& operator=(const KokkosSession&) = delete;

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

kscan::Deck load(const Arguments& a, bool check_output) {
  kscan::DeckOptions options;
  options.overrides = a.sets;
  if (!a.output.empty()) options.overrides.push_back("output.file=" + yaml_quoted(a.output));
  options.reader = read_dataset_for_deck;
  options.measurement_reader = kscan::read_measurement_array;
  options.check_output = check_output;
  return kscan::load_deck(a.deck, options);
}

void print_deck_error(const kscan::DeckError& e) {
  std::cerr << "kscan: the deck cannot be used (" << e.issues().size()
            << (e.issues().size() == 1 ? " problem" : " problems") << "):\n"
            << e.what() << "\n";
}

int validate(const Arguments& a) {
  try {
    const kscan::Deck deck = load(a, true);
    std::cout << kscan::format_plan(deck, kscan::make_plan(deck));
    std::cout << "deck is valid\n";
    return kExitOk;
  } catch (const kscan::DeckError& e) {
    print_deck_error(e);
    return kExitBadInput;
  }
}

/// This process among the ranks of `mpirun -n N kscan run`: rank 0 of 1 without MPI. Rank 0
/// alone writes the output and prints; every rank computes.
struct Ranks {
#ifdef KSCAN_HAVE_MPI
  const kscan::MpiSession* mpi = nullptr;
#endif
  int rank = 0;
  bool root() const { return rank == 0; }
  /// True when `ok` holds on every rank (each rank learns whether another one failed).
  bool all(bool ok) const {
#ifdef KSCAN_HAVE_MPI
    int value = ok ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_LAND, mpi->comm());
    return value != 0;
#else
    return ok;
#endif
  }
};

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) { g_stop.store(true); }

/// SIGINT/SIGTERM set the stop flag; a second one ends the program at once (SA_RESETHAND).
void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

std::string with_extension(const std::string& path, const char* extension) {
  return std::filesystem::path(path).replace_extension(extension).string();
}

int run(const Arguments& a, const Ranks& ranks) {
  kscan::Deck deck;
  kscan::Plan plan;
  try {
    deck = load(a, !a.dry_run && ranks.root());
    plan = kscan::make_plan(deck);
    if (a.dry_run) {
      if (ranks.root()) std::cout << kscan::format_plan(deck, plan);
      return kExitOk;
    }
#ifndef KSCAN_HAVE_MPI
    if (deck.runs.distributed != kscan::DistributedMode::sweep)
      throw kscan::DeckError({kscan::DeckIssue{
          deck.location_of("runs.distributed"), "runs.distributed",
          "'" + std::string(kscan::deck_name(deck.runs.distributed)) +
              "' runs over MPI ranks: this kscan was built without MPI (configure with "
              "-DKSCAN_ENABLE_MPI=ON)"}});
#endif
  } catch (const kscan::DeckError& e) {
    if (ranks.root()) print_deck_error(e);
    return kExitBadInput;
  }

  kscan::RootAttributes root;
  root.environment = kscan::current_environment();
  root.created = kscan::iso8601_now();
  root.deck = deck.resolved_yaml;
  std::optional<kscan::Hdf5ResultFile> file;
  if (ranks.root()) {
    try {
      file.emplace(kscan::Hdf5ResultFile::create(deck.output.file, root, a.resume));
    } catch (const std::exception& e) {
      std::cerr << "kscan: cannot create the output: " << e.what() << "\n";
    }
  }
  if (!ranks.all(!ranks.root() || file)) return kExitRunFailure;
  if (file) {
    for (const auto& note : file->notes()) std::cerr << "kscan: note: " << note << "\n";
    if (!a.quiet && !file->resumed_from().empty())
      std::cerr << "kscan: resuming from " << file->resumed_from() << "\n";
  }

  install_signal_handlers();
  kscan::RunnerOptions options;
  options.reader = read_dataset_for_deck;
  options.measurement_reader = kscan::read_measurement_array;
  options.stop = &g_stop;
  options.quiet = a.quiet;
  options.progress = &std::cerr;
  options.progress_is_terminal = ::isatty(STDERR_FILENO) != 0;
  options.warnings = &std::cerr;
  kscan::RunnerReport report;
  try {
#ifdef KSCAN_HAVE_MPI
    report = kscan::run_plan_on_ranks(deck, plan, file ? &*file : nullptr, options,
                                      ranks.mpi->comm());
#else
    report = kscan::run_plan(deck, plan, *file, options);
#endif
  } catch (const kscan::DeckError& e) {
    if (ranks.root()) print_deck_error(e);
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "kscan: the sweep failed: " << e.what() << "\n";
    if (file)
      std::cerr << "kscan: completed runs are kept in " << file->temporary_path()
                << "; continue with --resume\n";
#ifdef KSCAN_HAVE_MPI
    if (ranks.mpi->size() > 1) ranks.mpi->abort(kExitRunFailure);  // the others would wait
#endif
    return kExitRunFailure;
  }
  const int status = report.interrupted                        ? kExitInterrupted
                     : report.failed || report.non_finite ? kExitRunFailure
                                                               : kExitOk;
  if (!ranks.root()) return status;

  std::vector<kscan::SummaryRow> rows;
  try {
    file->commit();
    rows = file->summary();
    const auto& summary = deck.output.summary;
    auto wants = [&](const char* what) {
      return std::find(summary.begin(), summary.end(), what) != summary.end();
    };
    if (wants("csv")) kscan::write_summary_csv(with_extension(file->path(), ".csv"), rows);
    if (wants("jsonl")) kscan::write_summary_jsonl(with_extension(file->path(), ".jsonl"), rows);
    if (wants("table") && !a.quiet) std::cout << kscan::format_summary_table(rows);
  } catch (const std::exception& e) {
    std::cerr << "kscan: cannot write the results: " << e.what() << "\n";
    return kExitRunFailure;
  }

  std::cout << "results: " << file->path() << " (" << report.completed << " runs completed";
  if (report.skipped) std::cout << ", " << report.skipped << " already there";
  if (report.failed) std::cout << ", " << report.failed << " failed";
  std::cout << ", " << rows.size() << " in the file)\n";
  for (const auto& failure : report.failures) std::cerr << "kscan: failed: " << failure << "\n";
  if (report.non_finite)
    std::cerr << "kscan: " << report.non_finite
              << " runs produced non-finite estimates (finite = 0 in the file)\n";
  if (report.interrupted)
    std::cerr << "kscan: interrupted; " << (plan.runs.size() - report.completed - report.skipped)
              << " runs not done; continue with: kscan run " << a.deck << " --resume"
              << (a.output.empty() ? "" : " --output " + a.output) << "\n";
  return status;
}

}  // namespace

int main(int argc, char* argv[]) {
  // Kokkos' OpenMP backend warns on every start unless OMP_PROC_BIND is set (it reads the
  // variable itself at initialisation). overwrite = 0: a user's own settings win. GCC's OpenMP
  // runtime has read its environment when it was loaded, before main, so this silences the
  // warning but does not bind threads in this process: set the variables before starting kscan
  // for that (the benchmarks do).
  setenv("OMP_PROC_BIND", "spread", 0);
  setenv("OMP_PLACES", "threads", 0);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? kExitBadInput : kExitOk;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "kscan " << KSCAN_VERSION_STRING << " (git " << KSCAN_GIT_REVISION << ", Kokkos "
              << KOKKOS_VERSION / 10000 << "." << KOKKOS_VERSION / 100 % 100 << "."
              << KOKKOS_VERSION % 100 << ")\n";
    return kExitOk;
  }
  const std::string command = argv[1];
  if (command == "info" && argc > 2 && !std::strcmp(argv[2], "--registry-python")) {
    std::cout << kscan::registry_python_module();
    return kExitOk;
  }
  if (command == "info") {
    Kokkos::ScopeGuard kokkos(argc, argv);
    return print_info();
  }
  if (command != "run" && command != "validate") {
    std::cerr << "kscan: unknown command '" << command << "'\n\n" << kUsage;
    return kExitBadInput;
  }
  Arguments arguments;
  try {
    arguments = parse_arguments(argc, argv);
  } catch (const UsageError& e) {
    if (std::strlen(e.what()) == 0) {
      std::cout << kUsage;
      return kExitOk;
    }
    std::cerr << "kscan: " << e.what() << "\n\n" << kUsage;
    return kExitBadInput;
  }
  if (arguments.print_schema) {
    std::cout << kscan::deck_reference_markdown();
    return kExitOk;
  }
  try {
    Ranks ranks;
#ifdef KSCAN_HAVE_MPI
    // MPI before Kokkos (and finalised after it), for `run` only: validate needs no ranks.
    std::optional<kscan::MpiSession> mpi;
    if (command == "run" && !arguments.dry_run) {
      mpi.emplace(argc, argv);
      ranks.mpi = &*mpi;
      ranks.rank = mpi->rank();
      for (auto& arg : kscan::rank_placement_arguments(arguments.kokkos, mpi->local_rank(),
                                                       mpi->local_size(),
                                                       kscan::affinity_core_count(),
                                                       kscan::node_core_count()))
        arguments.kokkos.push_back(arg);
    }
#endif
    KokkosSession kokkos(argv[0], arguments.kokkos);
    return command == "run" ? run(arguments, ranks) : validate(arguments);
  } catch (const std::exception& e) {
    std::cerr << "kscan: " << e.what() << "\n";
    return kExitRunFailure;
  }
}
