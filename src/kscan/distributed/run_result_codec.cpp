#include "kscan/distributed/run_result_codec.hpp"

#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace kscan {
namespace {

// Every field of RunResult is listed in encode() and decode() below; the metrics come from the
// metric table (run_result.hpp: for_each_metric), so a new metric travels without a change here.

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
  for_each_metric(r.metrics, [&](const MetricName&, const auto& value) { w.put(value); });
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
  for_each_metric(r.metrics, [&](const MetricName&, auto& value) { in.get(value); });
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
