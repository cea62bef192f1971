// kscan-bench-plain-kf: times the plain C++ Kalman filter (plain_kf.cpp) on a dataset of a kscan
// results file and checks it against the kscan KF estimates stored in the same file, so that the
// two filters see the same model and measurements. Prints one JSON line.
//
//   kscan-bench-plain-kf FILE [--dataset NAME] [--warmup N] [--repetitions N] [--kokkos-...]
//
// The dataset defaults to the file's only one. The reference is the float64 `kf` run on that
// dataset with stored estimates; without one, the diff is reported as null.
#include <Kokkos_Core.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "kscan/io/hdf5_reader.hpp"
#include "plain_kf.hpp"

namespace {

struct Arguments {
  std::string file, dataset;
  int warmup = 2;
  int repetitions = 10;
};

Arguments parse(int argc, char** argv) {
  Arguments a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg.rfind("--kokkos-", 0) == 0) continue;  // Kokkos' own, e.g. --kokkos-threads=1
    if (arg == "--dataset" && has_value) a.dataset = argv[++i];
    else if (arg == "--warmup" && has_value) a.warmup = std::stoi(argv[++i]);
    else if (arg == "--repetitions" && has_value) a.repetitions = std::stoi(argv[++i]);
    else if (a.file.empty() && arg.rfind("--", 0) != 0) a.file = arg;
    else throw std::invalid_argument("unexpected argument '" + arg + "'");
  }
  if (a.file.empty() || a.repetitions < 1 || a.warmup < 0)
    throw std::invalid_argument(
        "usage: kscan-bench-plain-kf FILE [--dataset NAME] [--warmup N] [--repetitions N>=1]");
  return a;
}

template <class View>
std::vector<double> copy_out(const View& v) {
  return std::vector<double>(v.data(), v.data() + v.span());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The float64 kf run on `dataset` with stored estimates, if the file has one.
bool find_reference(const std::string& file, const std::string& dataset, kscan::RunResult& out) {
  for (const auto& id : kscan::list_runs(file)) {
    const auto run = kscan::read_run(file, id, false);
    if (run.key.method == "kf" && run.key.precision == "float64" && run.key.dataset == dataset &&
        run.key.batch == 1) {
      out = kscan::read_run(file, id, true);
      if (out.has_estimates) return true;
    }
  }
  return false;
}

// A JSON number, or null for NaN (no reference).
std::string json_number(double v) {
  if (std::isnan(v)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

int run(const Arguments& args) {
  std::string name = args.dataset;
  if (name.empty()) {
    const auto names = kscan::list_datasets(args.file);
    if (names.size() != 1)
      throw std::invalid_argument(args.file + ": " + std::to_string(names.size()) +
                                  " datasets; choose one with --dataset");
    name = names.front();
  }
  const auto stored = kscan::read_dataset(args.file, name);
  const auto& hm = stored.model;
  if (hm.nx() != plain_kf::nx || hm.ny() != plain_kf::ny)
    throw std::invalid_argument(args.file + ": dataset " + name + " is not nx 4, ny 2");
  const auto F = copy_out(hm.F), c = copy_out(hm.c), Q = copy_out(hm.Q), H = copy_out(hm.H),
             d = copy_out(hm.d), R = copy_out(hm.R), m0 = copy_out(hm.m0), P0 = copy_out(hm.P0);
  const auto y = copy_out(stored.series.y);
  if (std::any_of(y.begin(), y.end(), [](double v) { return std::isnan(v); }))
    throw std::invalid_argument(args.file + ": dataset " + name +
                                " has missing measurements; the plain filter has no masking");
  const std::size_t length = static_cast<std::size_t>(stored.series.length());
  const plain_kf::Model model{F.data(), c.data(), Q.data(), H.data(), d.data(), R.data(),
                              m0.data(), P0.data(), static_cast<std::size_t>(hm.stored())};

  // Outputs are allocated and touched once, outside the timed region, as kscan's solver does.
  std::vector<double> mean(length * plain_kf::nx), cov(length * plain_kf::nx * plain_kf::nx);
  double loglik = 0.0;
  for (int w = 0; w < args.warmup; ++w)
    loglik = plain_kf::filter(model, y.data(), length, mean.data(), cov.data());
  // Host code, synchronous: the clock needs no fence.
  std::vector<double> seconds;
  for (int r = 0; r < args.repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    loglik = plain_kf::filter(model, y.data(), length, mean.data(), cov.data());
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  kscan::RunResult reference;
  const bool checked = find_reference(args.file, name, reference);
  const double diff = checked ? std::max(max_abs_diff(mean, reference.mean),
                                         max_abs_diff(cov, reference.covariance))
                              : NAN;
  const double med = median(seconds);
  const std::string reference_run = checked ? "\"" + reference.key.id() + "\"" : "null";
  std::printf(
      "{\"name\": \"plain_cpp_kf\", \"file\": \"%s\", \"dataset\": \"%s\", \"length\": %zu, "
      "\"warmup\": %d, \"repetitions\": %d, \"median_seconds\": %.9g, \"min_seconds\": %.9g, "
      "\"throughput_msps\": %.6g, \"loglik\": %s, \"reference_run\": %s, "
      "\"reference_loglik\": %s, \"max_abs_diff_vs_kscan_kf\": %s}\n",
      args.file.c_str(), name.c_str(), length, args.warmup, args.repetitions, med,
      *std::min_element(seconds.begin(), seconds.end()), length / med / 1e6,
      json_number(loglik).c_str(), reference_run.c_str(),
      json_number(checked ? reference.metrics.loglik : NAN).c_str(), json_number(diff).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Arguments args = parse(argc, argv);
    // kscan's reader returns Kokkos host Views; the filter itself never touches Kokkos, but the
    // OpenMP threads Kokkos starts are pinned as kscan's are (bench/run_benchmarks.py passes
    // --kokkos-threads=1, as for kscan's KF).
    Kokkos::ScopeGuard kokkos(argc, argv);
    return run(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kscan-bench-plain-kf: %s\n", e.what());
    return 2;
  }
}
