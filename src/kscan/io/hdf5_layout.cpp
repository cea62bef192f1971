#include "kscan/io/hdf5_layout.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

namespace kscan::layout {

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i)
    text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::string join(const std::vector<std::string>& parts, const char* separator) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? separator : "") + parts[i];
  return text;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string part = text.substr(start, end - start);
    const auto first = part.find_first_not_of(' ');
    const auto last = part.find_last_not_of(' ');
    if (first != std::string::npos) parts.push_back(part.substr(first, last - first + 1));
    start = end + 1;
  }
  return parts;
}

// ---- root --------------------------------------------------------------------------------

std::string text_or_empty(hid_t obj, const char* name) {
  return h5::has_attribute(obj, name) ? h5::read_text_attribute(obj, name) : std::string();
}

// ---- views -------------------------------------------------------------------------------

template <class View>
std::vector<hsize_t> dims_of(const View& v) {
  std::vector<hsize_t> dims(View::rank);
  for (std::size_t r = 0; r < View::rank; ++r) dims[r] = static_cast<hsize_t>(v.extent(r));
  return dims;
}

template <class View>
void write_view(hid_t group, const char* name, const View& v) {
  if (!v.span_is_contiguous())
    throw std::invalid_argument(std::string("array '") + name + "' is not contiguous");
  h5::write_array(group, name, dims_of(v), v.data());
}

void require_extent(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("cannot store dataset: " + what);
}

// ---- reading arrays with shape checks -----------------------------------------------------

/// A dataset in a dataset group, read with its shape; the file is named by IoError.
struct Array {
  std::vector<hsize_t> dims;
  std::vector<double> values;
};

Array read_checked(hid_t group, const std::string& group_name, const char* name,
                   std::size_t rank, const char* expected, bool allow_time_invariant_shorthand) {
  if (!h5::exists(group, name))
    h5::fail(group, group_name + " has no array '" + name + "' " + expected);
  h5::ArrayShape shape = h5::array_shape(group, name);
  if (shape.type_class != H5T_FLOAT && shape.type_class != H5T_INTEGER)
    h5::fail(group, "array '" + group_name + "/" + name + "' does not hold numbers");
  if (allow_time_invariant_shorthand && shape.dims.size() + 1 == rank)
    shape.dims.insert(shape.dims.begin(), 1);  // [nx, nx] is a time-invariant [1, nx, nx]
  if (shape.dims.size() != rank)
    h5::fail(group, "array '" + group_name + "/" + name + "' has rank " +
                        std::to_string(shape.dims.size()) + " (shape " +
                        shape_text(shape.dims) + "), expected rank " +
                        std::to_string(rank) + " " + expected);
  return Array{shape.dims, h5::read_array(group, name)};
}

void check_shape(hid_t group, const std::string& group_name, const char* name,
                 const Array& array, const std::vector<hsize_t>& expected,
                 const char* expected_text) {
  if (array.dims != expected)
    h5::fail(group, "array '" + group_name + "/" + name + "' has shape " +
                        shape_text(array.dims) + ", expected " + shape_text(expected) + " " +
                        expected_text);
}

void check_finite(hid_t group, const std::string& group_name, const char* name,
                  const Array& array, bool allow_nan) {
  for (std::size_t i = 0; i < array.values.size(); ++i) {
    const double v = array.values[i];
    if (std::isinf(v) || (!allow_nan && std::isnan(v)))
      h5::fail(group, "array '" + group_name + "/" + name + "' holds a non-finite value (" +
                          std::to_string(v) + ") at flat index " + std::to_string(i) +
                          (allow_nan ? " (NaN marks a missing observation; inf is not allowed)"
                                     : ""));
  }
}

template <class View>
void fill(const View& view, const Array& array) {
  std::memcpy(view.data(), array.values.data(), array.values.size() * sizeof(double));
}

// ---- runs --------------------------------------------------------------------------------

void write_vector(hid_t group, const std::string& name, const std::vector<double>& values) {
  h5::write_array(group, name, {static_cast<hsize_t>(values.size())}, values.data());
}

double real_or_nan(hid_t obj, const char* name) {
  return h5::has_attribute(obj, name) ? h5::read_real_attribute(obj, name) : nan;
}

// A metric of the metric table (for_each_metric) as the attribute `name`, by its member's type.
void write_metric(hid_t group, const char* name, double value) {
  h5::write_real_attribute(group, name, value);
}
void write_metric(hid_t group, const char* name, std::int64_t value) {
  h5::write_int_attribute(group, name, value);
}
void write_metric(hid_t group, const char* name, bool value) {
  h5::write_int_attribute(group, name, value ? 1 : 0);
}
template <class T>
void write_metric(hid_t group, const char* name, const std::optional<T>& value) {
  if (value) write_metric(group, name, *value);
}

// What a file written before a metric existed reads as: NaN for a real, 0 for an integer (a
// count), true for a flag (a check that found nothing), unset for an optional.
void read_metric(hid_t group, const char* name, double& value) { value = real_or_nan(group, name); }
void read_metric(hid_t group, const char* name, std::int64_t& value) {
  value = h5::has_attribute(group, name) ? h5::read_int_attribute(group, name) : 0;
}
void read_metric(hid_t group, const char* name, bool& value) {
  value = !h5::has_attribute(group, name) || h5::read_int_attribute(group, name) != 0;
}
void read_metric(hid_t group, const char* name, std::optional<double>& value) {
  if (h5::has_attribute(group, name)) value = h5::read_real_attribute(group, name);
}
void read_metric(hid_t group, const char* name, std::optional<std::int64_t>& value) {
  if (h5::has_attribute(group, name)) value = h5::read_int_attribute(group, name);
}

}  // namespace

// ---- root --------------------------------------------------------------------------------

void write_root_attributes(hid_t file, const RootAttributes& root) {
  const RunEnvironment& e = root.environment;
  h5::write_text_attribute(file, "kscan_version", e.kscan_version);
  h5::write_int_attribute(file, "format_version", root.format_version);
  h5::write_text_attribute(file, "kokkos_version", e.kokkos_version);
  h5::write_text_attribute(file, "hdf5_version", e.hdf5_version);
  h5::write_text_attribute(file, "yaml_cpp_version", e.yaml_cpp_version);
  h5::write_text_attribute(file, "compiler", e.compiler);
  h5::write_text_attribute(file, "execution_space", e.execution_space);
  h5::write_text_attribute(file, "backends", join(e.enabled_backends, ", "));
  h5::write_text_attribute(file, "device", e.device);
  h5::write_int_attribute(file, "concurrency", e.concurrency);
  h5::write_text_attribute(file, "hostname", e.hostname);
  h5::write_text_attribute(file, "created", root.created);
  h5::write_text_attribute(file, "deck", root.deck);
  if (!root.resumed.empty()) h5::write_text_attribute(file, "resumed", root.resumed);
}

RootAttributes read_root_attributes(hid_t file) {
  if (!h5::has_attribute(file, "format_version"))
    h5::fail(file, "not a kscan results file (no format_version attribute at the root)");
  RootAttributes root;
  root.format_version = static_cast<int>(h5::read_int_attribute(file, "format_version"));
  RunEnvironment& e = root.environment;
  e.kscan_version = text_or_empty(file, "kscan_version");
  e.kokkos_version = text_or_empty(file, "kokkos_version");
  e.hdf5_version = text_or_empty(file, "hdf5_version");
  e.yaml_cpp_version = text_or_empty(file, "yaml_cpp_version");
  e.compiler = text_or_empty(file, "compiler");
  e.execution_space = text_or_empty(file, "execution_space");
  e.enabled_backends = split_list(text_or_empty(file, "backends"));
  e.device = text_or_empty(file, "device");
  e.concurrency = h5::has_attribute(file, "concurrency")
                      ? static_cast<int>(h5::read_int_attribute(file, "concurrency"))
                      : 0;
  e.hostname = text_or_empty(file, "hostname");
  root.created = text_or_empty(file, "created");
  root.deck = text_or_empty(file, "deck");
  root.resumed = text_or_empty(file, "resumed");
  return root;
}

// ---- datasets ----------------------------------------------------------------------------

void write_dataset(hid_t group, const HostModel& model, const HostSeries* series) {
  require_extent(model.F.extent(0) >= 1 && model.F.extent(1) >= 1,
                 "the model has no stored matrices");
  const std::size_t S = static_cast<std::size_t>(model.stored()), nx = model.F.extent(1),
                    ny = model.H.extent(1);
  require_extent(model.F.extent(2) == nx, "F is not square");
  require_extent(ny >= 1, "the model has no observation dimension (ny = 0)");
  // Each array stores 1 slot or S (= T) of its own.
  auto slots_ok = [S](const auto& v) { return v.extent(0) == 1 || v.extent(0) == S; };
  require_extent(slots_ok(model.F), "F is not [1|S, nx, nx]");
  require_extent(slots_ok(model.Q) && model.Q.extent(1) == nx && model.Q.extent(2) == nx,
                 "Q is not [1|S, nx, nx]");
  require_extent(slots_ok(model.H) && model.H.extent(2) == nx, "H is not [1|S, ny, nx]");
  require_extent(slots_ok(model.R) && model.R.extent(1) == ny && model.R.extent(2) == ny,
                 "R is not [1|S, ny, ny]");
  require_extent(slots_ok(model.c) && model.c.extent(1) == nx, "c is not [1|S, nx]");
  require_extent(slots_ok(model.d) && model.d.extent(1) == ny, "d is not [1|S, ny]");
  require_extent(model.m0.extent(0) == nx, "m0 is not [nx]");
  require_extent(model.P0.extent(0) == nx && model.P0.extent(1) == nx, "P0 is not [nx, nx]");
  std::size_t T = S;
  const bool has_y = series && series->y.extent(0) > 0;
  const bool has_truth = series && series->x_true.extent(0) > 0;
  if (has_y) {
    T = series->y.extent(0);
    require_extent(series->y.extent(1) == ny, "y is not [T, ny]");
    require_extent(S == 1 || S == T, "a time-varying model must store T = " + std::to_string(T) +
                                         " slots, it stores " + std::to_string(S));
  }
  if (has_truth)
    require_extent(series->x_true.extent(0) == T && series->x_true.extent(1) == nx,
                   "x_true is not [T, nx]");
  const bool has_time = has_y && !series->time.empty();
  const bool has_time_text = has_y && !has_time && !series->time_text.empty();
  if (has_time) require_extent(series->time.size() == T, "time is not [T]");
  if (has_time_text) require_extent(series->time_text.size() == T, "time is not [T]");

  h5::write_int_attribute(group, "nx", static_cast<std::int64_t>(nx));
  h5::write_int_attribute(group, "ny", static_cast<std::int64_t>(ny));
  h5::write_int_attribute(group, "stored", static_cast<std::int64_t>(S));
  h5::write_int_attribute(group, "length", static_cast<std::int64_t>(T));
  h5::write_int_attribute(group, "time_varying", S > 1 ? 1 : 0);
  // (m0, P0) are x_1's a1, P1 rather than the prior before the first step (model.initial).
  h5::write_int_attribute(group, "initial_is_predicted", model.initial_is_predicted ? 1 : 0);
  write_view(group, "F", model.F);
  write_view(group, "c", model.c);
  write_view(group, "Q", model.Q);
  write_view(group, "H", model.H);
  write_view(group, "d", model.d);
  write_view(group, "R", model.R);
  write_view(group, "m0", model.m0);
  write_view(group, "P0", model.P0);
  if (has_y && series->diffuse_steps > 0)
    h5::write_int_attribute(group, "diffuse_steps", series->diffuse_steps);
  if (has_y) write_view(group, "y", series->y);
  if (has_truth) write_view(group, "x_true", series->x_true);
  if (has_time) write_vector(group, "time", series->time);
  if (has_time_text) h5::write_text_array(group, "time", series->time_text);
}

StoredDataset read_dataset(hid_t file, const std::string& name, bool require_measurements) {
  const std::string group_name = "/datasets/" + name;
  if (!h5::is_group(file, group_name)) {
    const auto names = dataset_names(file);
    h5::fail(file, "no dataset '" + name + "' (no group " + group_name + "); " +
                       (names.empty() ? std::string("the file holds no datasets")
                                      : "the file holds: " + join(names, ", ")));
  }
  h5::Handle group = h5::open_group(file, group_name);
  const hid_t g = group.get();
  const std::string& gn = group_name;

  // Each array has 1 slot (time-invariant) or T of its own; S is the most any of them has.
  const Array F = read_checked(g, gn, "F", 3, "([T|1, nx, nx])", true);
  const hsize_t nx = F.dims[1];
  if (F.dims[0] < 1) h5::fail(g, "array '" + gn + "/F' has no stored slot (shape " +
                                     shape_text(F.dims) + ")");
  if (F.dims[2] != nx)
    h5::fail(g, "array '" + gn + "/F' is not square: shape " + shape_text(F.dims) +
                    ", expected [T|1, nx, nx]");
  if (nx < 1 || nx > static_cast<hsize_t>(max_dim))
    h5::fail(g, "state dimension nx = " + std::to_string(nx) + " (from F) is outside 1.." +
                    std::to_string(max_dim));
  const Array H = read_checked(g, gn, "H", 3, "([T|1, ny, nx])", true);
  const hsize_t ny = H.dims[1];
  if (ny < 1 || ny > static_cast<hsize_t>(max_dim))
    h5::fail(g, "observation dimension ny = " + std::to_string(ny) + " (from H) is outside 1.." +
                    std::to_string(max_dim));
  const Array Q = read_checked(g, gn, "Q", 3, "([T|1, nx, nx])", true);
  const Array R = read_checked(g, gn, "R", 3, "([T|1, ny, ny])", true);
  const bool has_c = h5::exists(g, "c"), has_d = h5::exists(g, "d");
  Array c{{1, nx}, std::vector<double>(nx, 0.0)};
  Array d{{1, ny}, std::vector<double>(ny, 0.0)};
  if (has_c) c = read_checked(g, gn, "c", 2, "([T|1, nx])", true);
  if (has_d) d = read_checked(g, gn, "d", 2, "([T|1, ny])", true);
  const hsize_t S = std::max({F.dims[0], H.dims[0], Q.dims[0], R.dims[0], c.dims[0], d.dims[0]});
  auto slots = [&](const char* name, const Array& a, std::vector<hsize_t> tail,
                   const char* expected) {
    std::vector<hsize_t> one{1}, all{S};
    one.insert(one.end(), tail.begin(), tail.end());
    all.insert(all.end(), tail.begin(), tail.end());
    check_shape(g, gn, name, a, a.dims.at(0) == 1 ? one : all, expected);
    return static_cast<int>(a.dims[0]);
  };
  ModelSlots model_slots;
  const char* each = "(1 slot, or as many as the longest array)";
  model_slots.F = slots("F", F, {nx, nx}, each);
  model_slots.H = slots("H", H, {ny, nx}, each);
  model_slots.Q = slots("Q", Q, {nx, nx}, each);
  model_slots.R = slots("R", R, {ny, ny}, each);
  model_slots.c = slots("c", c, {nx}, each);
  model_slots.d = slots("d", d, {ny}, each);
  const Array m0 = read_checked(g, gn, "m0", 1, "([nx])", false);
  check_shape(g, gn, "m0", m0, {nx}, "([nx])");
  const Array P0 = read_checked(g, gn, "P0", 2, "([nx, nx])", false);
  check_shape(g, gn, "P0", P0, {nx, nx}, "([nx, nx])");
  // A named array, not a braced list: nvcc's front end cannot deduce the range of the latter.
  const std::array<std::pair<const char*, const Array*>, 8> arrays = {
      {{"F", &F}, {"c", &c}, {"Q", &Q}, {"H", &H}, {"d", &d}, {"R", &R}, {"m0", &m0}, {"P0", &P0}}};
  for (const auto& [array_name, array] : arrays) check_finite(g, gn, array_name, *array, false);

  StoredDataset out;
  out.model = HostModel(static_cast<int>(nx), static_cast<int>(ny), model_slots);
  out.model.initial_is_predicted =
      h5::has_attribute(g, "initial_is_predicted") &&
      h5::read_int_attribute(g, "initial_is_predicted") != 0;
  fill(out.model.F, F);
  fill(out.model.c, c);
  fill(out.model.Q, Q);
  fill(out.model.H, H);
  fill(out.model.d, d);
  fill(out.model.R, R);
  fill(out.model.m0, m0);
  fill(out.model.P0, P0);

  using Series = Kokkos::View<double**, Kokkos::LayoutRight, Kokkos::HostSpace>;
  out.has_measurements = h5::exists(g, "y");
  if (!out.has_measurements) {
    if (require_measurements)
      h5::fail(g, gn + " has no measurements (array 'y' [T, ny]) and the deck reads them "
                       "from the file");
    out.series.y = Series("kscan::data::y", 0, ny);
    out.series.x_true = Series("kscan::data::x_true", 0, nx);
    return out;
  }
  const Array y = read_checked(g, gn, "y", 2, "([T, ny])", false);
  const hsize_t T = y.dims[0];
  if (T < 1) h5::fail(g, "array '" + gn + "/y' has no rows (shape " + shape_text(y.dims) + ")");
  check_shape(g, gn, "y", y, {T, ny}, "([T, ny], ny from H)");
  if (S != 1 && S != T)
    h5::fail(g, "the model stores " + std::to_string(S) + " time slots but y has " +
                    std::to_string(T) + " rows: a time-varying model needs one slot per step");
  check_finite(g, gn, "y", y, true);
  out.series.y = Series("kscan::data::y", T, ny);
  fill(out.series.y, y);
  out.has_truth = h5::exists(g, "x_true");
  if (out.has_truth) {
    const Array x = read_checked(g, gn, "x_true", 2, "([T, nx])", false);
    check_shape(g, gn, "x_true", x, {T, nx}, "([T, nx], as many rows as y)");
    check_finite(g, gn, "x_true", x, false);
    out.series.x_true = Series("kscan::data::x_true", T, nx);
    fill(out.series.x_true, x);
  } else {
    out.series.x_true = Series("kscan::data::x_true", 0, nx);
  }
  return out;
}

// ---- runs --------------------------------------------------------------------------------

void validate_run(const RunResult& run) {
  const std::string id = run.key.id();
  auto fail = [&](const std::string& what) {
    throw std::invalid_argument("cannot store run '" + id + "': " + what);
  };
  if (run.key.method.empty()) fail("no method");
  if (run.key.precision.empty()) fail("no precision");
  if (run.key.length < 1) fail("length must be at least 1");
  if (run.key.batch < 1) fail("batch must be at least 1");
  const std::size_t reps = run.total_seconds.size();
  for (int p = 0; p < phase_count; ++p) {
    const std::size_t n = run.phase_seconds[static_cast<std::size_t>(p)].size();
    if (n != 0 && n != reps)
      fail(std::string("phase '") + phase_names[static_cast<std::size_t>(p)] + "' has " +
           std::to_string(n) + " repetitions, total_seconds has " + std::to_string(reps));
  }
  if (run.has_estimates) {
    if (run.nx < 1) fail("estimates need nx >= 1");
    const std::size_t T = static_cast<std::size_t>(run.key.length);
    const std::size_t nx = static_cast<std::size_t>(run.nx);
    if (run.mean.size() != T * nx)
      fail("mean has " + std::to_string(run.mean.size()) + " values, expected T * nx = " +
           std::to_string(T * nx));
    if (run.covariance.size() != T * nx * nx)
      fail("covariance has " + std::to_string(run.covariance.size()) +
           " values, expected T * nx * nx = " + std::to_string(T * nx * nx));
    const std::size_t ny = static_cast<std::size_t>(std::max(run.ny, 0));
    auto check = [&](const char* name, const std::vector<double>& v, std::size_t expected) {
      if (!v.empty() && v.size() != expected)
        fail(std::string(name) + " has " + std::to_string(v.size()) + " values, expected " +
             std::to_string(expected));
    };
    check("predicted_mean", run.predicted_mean, T * nx);
    check("predicted_cov", run.predicted_cov, T * nx * nx);
    check("innovation", run.innovation, T * ny);
    check("innovation_cov", run.innovation_cov, T * ny * ny);
    check("loglik_terms", run.loglik_terms, T);
    if ((!run.innovation.empty() || !run.innovation_cov.empty()) && ny < 1)
      fail("innovations need ny >= 1");
  }
}

void write_run(hid_t group, const RunResult& run) {
  const RunKey& k = run.key;
  h5::write_text_attribute(group, "method", k.method);
  h5::write_text_attribute(group, "form", k.form.empty() ? std::string("standard") : k.form);
  h5::write_text_attribute(group, "scan", k.scan.empty() ? std::string("none") : k.scan);
  h5::write_text_attribute(group, "precision", k.precision);
  h5::write_int_attribute(group, "length", k.length);
  h5::write_int_attribute(group, "batch", k.batch);
  h5::write_text_attribute(group, "dataset", k.dataset);
  h5::write_text_attribute(group, "threads_or_device", run.threads_or_device);
  h5::write_int_attribute(group, "repetitions",
                          static_cast<std::int64_t>(run.total_seconds.size()));

  for_each_metric(run.metrics, [&](const MetricName& metric, const auto& value) {
    write_metric(group, metric.name, value);
  });

  h5::Handle timing = h5::create_group(group, "timing");
  write_vector(timing.get(), "total_seconds", run.total_seconds);
  const std::size_t reps = run.total_seconds.size();
  for (int p = 0; p < phase_count; ++p) {
    const auto& values = run.phase_seconds[static_cast<std::size_t>(p)];
    const std::string name = std::string(phase_names[static_cast<std::size_t>(p)]) + "_seconds";
    if (values.empty() && reps > 0)
      write_vector(timing.get(), name, std::vector<double>(reps, nan));  // not timed
    else
      write_vector(timing.get(), name, values);
  }

  if (run.has_estimates) {
    h5::Handle estimates = h5::create_group(group, "estimates");
    const hsize_t T = static_cast<hsize_t>(k.length), nx = static_cast<hsize_t>(run.nx);
    h5::write_array(estimates.get(), "mean", {T, nx}, run.mean.data());
    h5::write_array(estimates.get(), "cov", {T, nx, nx}, run.covariance.data());
    const hsize_t ny = static_cast<hsize_t>(run.ny);
    auto optional = [&](const char* name, const std::vector<double>& v,
                        std::vector<hsize_t> shape) {
      if (!v.empty()) h5::write_array(estimates.get(), name, shape, v.data());
    };
    optional("predicted_mean", run.predicted_mean, {T, nx});
    optional("predicted_cov", run.predicted_cov, {T, nx, nx});
    optional("innovation", run.innovation, {T, ny});
    optional("innovation_cov", run.innovation_cov, {T, ny, ny});
    optional("loglik_terms", run.loglik_terms, {T});
  }
}

RunResult read_run(hid_t file, const std::string& id, bool with_estimates) {
  const std::string path = "/runs/" + id;
  if (!h5::is_group(file, path)) h5::fail(file, "no run '" + id + "' (no group " + path + ")");
  h5::Handle group = h5::open_group(file, path);
  const hid_t g = group.get();
  RunResult run;
  run.key.method = h5::read_text_attribute(g, "method");
  // Files written before forms existed hold standard-form runs only.
  run.key.form = h5::has_attribute(g, "form") ? h5::read_text_attribute(g, "form") : "standard";
  run.key.scan = text_or_empty(g, "scan");
  run.key.precision = h5::read_text_attribute(g, "precision");
  run.key.length = h5::read_int_attribute(g, "length");
  run.key.batch = h5::has_attribute(g, "batch") ? h5::read_int_attribute(g, "batch") : 1;
  run.key.dataset = text_or_empty(g, "dataset");
  run.threads_or_device = text_or_empty(g, "threads_or_device");

  for_each_metric(run.metrics, [&](const MetricName& metric, auto& value) {
    read_metric(g, metric.name, value);
  });

  if (h5::exists(g, "timing/total_seconds"))
    run.total_seconds = h5::read_array(g, "timing/total_seconds");
  for (int p = 0; p < phase_count; ++p) {
    const std::string name =
        std::string("timing/") + phase_names[static_cast<std::size_t>(p)] + "_seconds";
    if (h5::exists(g, name)) run.phase_seconds[static_cast<std::size_t>(p)] = h5::read_array(g, name);
  }

  const bool stored = h5::exists(g, "estimates/mean") && h5::exists(g, "estimates/cov");
  if (stored) {
    const auto shape = h5::array_shape(g, "estimates/mean");
    if (shape.dims.size() != 2)
      h5::fail(g, "array '" + path + "/estimates/mean' has shape " + shape_text(shape.dims) +
                      ", expected [T, nx]");
    run.nx = static_cast<int>(shape.dims[1]);
    if (with_estimates) {
      run.has_estimates = true;
      run.mean = h5::read_array(g, "estimates/mean");
      run.covariance = h5::read_array(g, "estimates/cov");
      auto optional = [&](const char* name, std::vector<double>& into) {
        const std::string full = std::string("estimates/") + name;
        if (h5::exists(g, full)) into = h5::read_array(g, full);
      };
      optional("predicted_mean", run.predicted_mean);
      optional("predicted_cov", run.predicted_cov);
      optional("innovation", run.innovation);
      optional("innovation_cov", run.innovation_cov);
      optional("loglik_terms", run.loglik_terms);
      if (h5::exists(g, "estimates/innovation"))
        run.ny = static_cast<int>(h5::array_shape(g, "estimates/innovation").dims.at(1));
    }
  }
  return run;
}

std::vector<std::string> run_ids(hid_t file) {
  return h5::is_group(file, "/runs") ? h5::link_names(file, "/runs") : std::vector<std::string>{};
}

std::vector<std::string> dataset_names(hid_t file) {
  return h5::is_group(file, "/datasets") ? h5::link_names(file, "/datasets")
                                         : std::vector<std::string>{};
}

// ---- summary -----------------------------------------------------------------------------

void write_summary(hid_t file, const std::vector<SummaryRow>& rows) {
  const auto& columns = summary_columns();
  // Packed rows: every column at a fixed offset; text columns as wide as their longest value.
  std::vector<std::size_t> offsets, sizes;
  std::size_t row_size = 0;
  for (const SummaryColumn& col : columns) {
    std::size_t size = 8;
    if (col.kind == SummaryColumn::Kind::text) {
      size = 1;
      for (const SummaryRow& row : rows) size = std::max(size, (row.*col.text).size());
      size += 1;  // null terminator
    }
    offsets.push_back(row_size);
    sizes.push_back(size);
    row_size += size;
  }
  h5::Handle memory_type(h5::check(H5Tcreate(H5T_COMPOUND, row_size), file,
                                   "cannot create the /summary row type"),
                         H5Tclose);
  h5::Handle file_type(h5::check(H5Tcreate(H5T_COMPOUND, row_size), file,
                                 "cannot create the /summary row type"),
                       H5Tclose);
  std::vector<h5::Handle> string_types;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    hid_t mem = H5T_NATIVE_DOUBLE, disk = H5T_IEEE_F64LE;
    if (columns[c].kind == SummaryColumn::Kind::integer) {
      mem = H5T_NATIVE_INT64;
      disk = H5T_STD_I64LE;
    } else if (columns[c].kind == SummaryColumn::Kind::text) {
      h5::Handle s(h5::check(H5Tcopy(H5T_C_S1), file, "cannot create a string type"), H5Tclose);
      h5::check_status(H5Tset_size(s.get(), sizes[c]), file, "cannot create a string type");
      h5::check_status(H5Tset_strpad(s.get(), H5T_STR_NULLTERM), file,
                       "cannot create a string type");
      h5::check_status(H5Tset_cset(s.get(), H5T_CSET_UTF8), file, "cannot create a string type");
      mem = disk = s.get();
      string_types.push_back(std::move(s));
    }
    const std::string what = std::string("cannot add column '") + columns[c].name + "' to /summary";
    h5::check_status(H5Tinsert(memory_type.get(), columns[c].name, offsets[c], mem), file, what);
    h5::check_status(H5Tinsert(file_type.get(), columns[c].name, offsets[c], disk), file, what);
  }

  std::vector<unsigned char> buffer(rows.size() * row_size, 0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    unsigned char* row = buffer.data() + r * row_size;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const SummaryColumn& col = columns[c];
      switch (col.kind) {
        case SummaryColumn::Kind::text: {
          const std::string& text = rows[r].*col.text;
          std::memcpy(row + offsets[c], text.data(), text.size());  // rest stays 0
          break;
        }
        case SummaryColumn::Kind::integer:
          std::memcpy(row + offsets[c], &(rows[r].*col.integer), sizeof(std::int64_t));
          break;
        case SummaryColumn::Kind::real:
          std::memcpy(row + offsets[c], &(rows[r].*col.real), sizeof(double));
          break;
      }
    }
  }

  if (h5::exists(file, "/summary")) h5::remove_link(file, "/summary");
  const hsize_t n = rows.size();
  h5::Handle space(h5::check(H5Screate_simple(1, &n, nullptr), file,
                             "cannot create the /summary dataspace"),
                   H5Sclose);
  h5::Handle dataset(h5::check(H5Dcreate2(file, "/summary", file_type.get(), space.get(),
                                          H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                               file, "cannot create /summary"),
                     H5Dclose);
  if (n > 0)
    h5::check_status(H5Dwrite(dataset.get(), memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                              buffer.data()),
                     file, "cannot write /summary");
}

}  // namespace kscan::layout
