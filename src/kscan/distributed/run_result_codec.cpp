#include "kscan/distributed/run_result_codec.hpp"

#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace kscan {
namespace {

// Every field of RunResult is listed in encode() and decode() below. A field added to RunMetrics
// changes its size and stops the build here: add it to both functions, then update the size.
static_assert(sizeof(RunMetrics) == 20 * sizeof(double),
              "RunMetrics changed: encode and decode the new field in run_result_codec.cpp");

class Writer {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable<T>::value, "Writer::put: trivially copyable only");
    const auto* p = reinterpret_cast<const char*>(&value);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  void put(const std::string& text) {
    put(static_cast<std::uint64_t>(text.size()));
    bytes_.insert(bytes_.end(), text.begin(), text.end());
  }
  template <class T>
  void put(const std::optional<T>& value) {
    put(value.has_value());
    put(value.value_or(T{}));
  }
  void put(const std::vector<double>& values) {
    put(static_cast<std::uint64_t>(values.size()));
    const auto* p = reinterpret_cast<const char*>(values.data());
    bytes_.insert(bytes_.end(), p, p + values.size() * sizeof(double));
  }
  std::vector<char> take() { return std::move(bytes_); }

 private:
  std::vector<char> bytes_;
};

class Reader {
 public:
  explicit Reader(const std::vector<char>& bytes) : bytes_(bytes) {}
  template <class T>
  void get(T& value) {
    static_assert(std::is_trivially_copyable<T>::value, "Reader::get: trivially copyable only");
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
  }
  void get(std::string& text) {
    std::uint64_t n = 0;
    get(n);
    const char* p = take(n);
    text.assign(p, p + n);
  }
  template <class T>
  void get(std::optional<T>& value) {
    bool present = false;
    T v{};
    get(present);
    get(v);
    value = present ? std::optional<T>(v) : std::nullopt;
  }
  void get(std::vector<double>& values) {
    std::uint64_t n = 0;
    get(n);
    if (n > (bytes_.size() - at_) / sizeof(double)) fail();
    values.resize(n);
    std::memcpy(values.data(), take(n * sizeof(double)), n * sizeof(double));
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  const char* take(std::uint64_t n) {
    if (n > bytes_.size() - at_) fail();
    const char* p = bytes_.data() + at_;
    at_ += n;
    return p;
  }
  [[noreturn]] static void fail() {
    throw std::runtime_error("kscan: a run result received from another rank is truncated");
  }
  const std::vector<char>& bytes_;
  std::size_t at_ = 0;
};

}  // namespace

std::vector<char> encode_run_result(const RunResult& r) {
  Writer w;
  w.put(r.key.method);
  w.put(r.key.form);
  w.put(r.key.scan);
  w.put(r.key.precision);
  w.put(r.key.length);
  w.put(r.key.batch);
  w.put(r.key.dataset);
  w.put(r.threads_or_device);
  w.put(r.total_seconds);
  for (const auto& phase : r.phase_seconds) w.put(phase);
  const RunMetrics& m = r.metrics;
  w.put(m.median_seconds);
  w.put(m.min_seconds);
  w.put(m.mean_seconds);
  w.put(m.throughput_msps);
  w.put(m.flops);
  w.put(m.achieved_gflops);
  w.put(m.mfu);
  w.put(m.flops_span);
  w.put(m.simulated_threads);
  w.put(m.peak_memory_bytes);
  w.put(m.rmse_vs_truth);
  w.put(m.max_abs_diff_vs_reference);
  w.put(m.max_rel_diff_mean_vs_reference);
  w.put(m.max_rel_diff_cov_vs_reference);
  w.put(m.rel_diff_loglik_vs_reference);
  w.put(m.loglik);
  w.put(m.finite);
  w.put(r.has_estimates);
  w.put(r.nx);
  w.put(r.mean);
  w.put(r.covariance);
  w.put(r.ny);
  for (const auto* v : {&r.predicted_mean, &r.predicted_cov, &r.innovation, &r.innovation_cov,
                        &r.loglik_terms})
    w.put(*v);
  return w.take();
}

RunResult decode_run_result(const std::vector<char>& bytes) {
  Reader in(bytes);
  RunResult r;
  in.get(r.key.method);
  in.get(r.key.form);
  in.get(r.key.scan);
  in.get(r.key.precision);
  in.get(r.key.length);
  in.get(r.key.batch);
  in.get(r.key.dataset);
  in.get(r.threads_or_device);
  in.get(r.total_seconds);
  for (auto& phase : r.phase_seconds) in.get(phase);
  RunMetrics& m = r.metrics;
  in.get(m.median_seconds);
  in.get(m.min_seconds);
  in.get(m.mean_seconds);
  in.get(m.throughput_msps);
  in.get(m.flops);
  in.get(m.achieved_gflops);
  in.get(m.mfu);
  in.get(m.flops_span);
  in.get(m.simulated_threads);
  in.get(m.peak_memory_bytes);
  in.get(m.rmse_vs_truth);
  in.get(m.max_abs_diff_vs_reference);
  in.get(m.max_rel_diff_mean_vs_reference);
  in.get(m.max_rel_diff_cov_vs_reference);
  in.get(m.rel_diff_loglik_vs_reference);
  in.get(m.loglik);
  in.get(m.finite);
  in.get(r.has_estimates);
  in.get(r.nx);
  in.get(r.mean);
  in.get(r.covariance);
  in.get(r.ny);
  for (auto* v : {&r.predicted_mean, &r.predicted_cov, &r.innovation, &r.innovation_cov,
                  &r.loglik_terms})
    in.get(*v);
  if (!in.done())
    throw std::runtime_error("kscan: a run result received from another rank has trailing bytes");
  return r;
}

}  // namespace kscan
