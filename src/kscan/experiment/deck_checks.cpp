#include "kscan/experiment/deck_checks.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "kscan/core/dims.hpp"

namespace kscan {

namespace fs = std::filesystem;

namespace {

/// Whether the file holds an HDF5 superblock signature: cheaper than opening it, and enough to
/// tell a wrong file name when no reader is given (validating a deck for another machine).
bool has_hdf5_signature(const std::string& path) {
  static const unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(in.tellg());
  // The superblock is at 0 or at 512, 1024, 2048, ... (a user block in front of it).
  for (std::uint64_t offset = 0; offset + 8 <= size; offset = offset ? offset * 2 : 512) {
    unsigned char buffer[8] = {};
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(reinterpret_cast<char*>(buffer), 8)) return false;
    if (std::memcmp(buffer, signature, 8) == 0) return true;
  }
  return false;
}

/// Whether the n x n matrix `a` is symmetric, relative to its largest entry.
bool symmetric(const std::vector<double>& a, int n) {
  double scale = 0.0;
  for (double x : a) scale = std::max(scale, std::abs(x));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < i; ++j)
      if (std::abs(a[i * n + j] - a[j * n + i]) > 1e-12 * std::max(1.0, scale)) return false;
  return true;
}

/// Cholesky with `jitter` x trace on the diagonal: false when a pivot is not positive.
bool positive_definite(const std::vector<double>& a, int n, double jitter) {
  double trace = 0.0;
  for (int i = 0; i < n; ++i) trace += a[i * n + i];
  // semi-definite: the zero matrix is (a deterministic transition, an exact observation)
  if (jitter > 0 && trace == 0.0)
    return std::all_of(a.begin(), a.end(), [](double x) { return x == 0.0; });
  std::vector<double> l(a);
  for (int i = 0; i < n; ++i) l[i * n + i] += jitter * std::abs(trace);
  for (int j = 0; j < n; ++j) {
    double pivot = l[j * n + j];
    for (int k = 0; k < j; ++k) pivot -= l[j * n + k] * l[j * n + k];
    if (!(pivot > 0.0)) return false;
    const double root = std::sqrt(pivot);
    l[j * n + j] = root;
    for (int i = j + 1; i < n; ++i) {
      double s = l[i * n + j];
      for (int k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / root;
    }
  }
  return true;
}

}  // namespace

bool check_lti_arrays(YamlReader& reader, const LtiArrays& m, bool initial_given,
                      std::string& singular_r) {
  const std::size_t before = reader.issue_count();
  const int nx = m.at("F").rows, ny = m.at("H").rows;
  if (nx < 1 || nx > dimension_limit) {
    reader.report("model.F",
                  "the state dimension (rows of F) must be in 1.." KSCAN_DIMENSION_LIMIT_TEXT
                  ", got " +
                      std::to_string(nx));
    return false;
  }
  if (ny < 1 || ny > dimension_limit) {
    reader.report("model.H",
                  "the measurement dimension (rows of H) must be in 1.." KSCAN_DIMENSION_LIMIT_TEXT
                  ", got " +
                      std::to_string(ny));
    return false;
  }
  auto shape = [&](const char* name, int rows, int cols, const char* dims) {
    const auto it = m.find(name);
    if (it == m.end()) return;
    const YamlReader::Dense& d = it->second;
    if (d.rows != rows || d.cols != cols) {
      const bool vec = find_deck_key(d.path)->type == DeckType::vector;
      reader.report(d.path, std::string("expected ") + dims + " = " +
                                (vec ? std::to_string(rows) + " entries"
                                     : std::to_string(rows) + " x " + std::to_string(cols)) +
                                ", got " +
                                (vec ? std::to_string(d.rows) + " entries"
                                     : std::to_string(d.rows) + " x " + std::to_string(d.cols)));
    }
  };
  shape("F", nx, nx, "nx x nx");
  shape("Q", nx, nx, "nx x nx");
  shape("H", ny, nx, "ny x nx");
  shape("R", ny, ny, "ny x ny");
  shape("P0", nx, nx, "nx x nx");
  shape("m0", nx, 1, "nx");
  shape("c", nx, 1, "nx");
  shape("d", ny, 1, "ny");
  if (reader.failed_since(before)) return false;
  struct Covariance {
    const char* name;
    int n;
    bool definite;
  };
  for (const Covariance c : {Covariance{"Q", nx, false}, Covariance{"R", ny, false},
                             Covariance{"P0", nx, true}}) {
    const auto it = m.find(c.name);
    if (it == m.end()) continue;
    const std::string path = std::string("model.") + c.name;
    const YamlReader::Dense& value = it->second;
    const std::size_t size = static_cast<std::size_t>(c.n) * c.n;
    for (int slot = 0; slot < value.slots; ++slot) {
      const std::vector<double> one(value.values.begin() + slot * size,
                                    value.values.begin() + (slot + 1) * size);
      const std::string step = value.slots > 1 ? " (step " + std::to_string(slot + 1) + ")" : "";
      if (!symmetric(one, c.n)) {
        reader.report(path, "a covariance must be symmetric" + step);
        break;
      }
      if (!positive_definite(one, c.n, c.definite ? 0.0 : 1e-12)) {
        reader.report(path, std::string("a covariance must be positive ") +
                                (c.definite ? "definite" : "semi-definite") + step);
        break;
      }
      if (c.name[0] == 'R' && singular_r.empty() && !positive_definite(one, c.n, 0.0))
        singular_r = path + step;
    }
  }
  // Arrays given per time step: as many steps as the longest, and 1 for the others.
  int steps = 1;
  for (const auto& [name, value] : m) steps = std::max(steps, value.slots);
  for (const auto& [name, value] : m)
    if (value.slots != 1 && value.slots != steps)
      reader.report(value.path, "gives " + std::to_string(value.slots) +
                                    " time steps, another array gives " + std::to_string(steps) +
                                    "; each array has 1 or the same number T");
  for (const char* name : {"m0", "P0"}) {
    const std::string path = std::string("model.") + name;
    if (initial_given && m.count(name))
      reader.error(reader.key_where(path), path,
                   "give either m0 and P0 (the prior before the first step) or model.initial, "
                   "not both");
    else if (!initial_given && !m.count(name))
      reader.error(reader.key_where("model"), path,
                   std::string("missing required key '") + name + "' (model.kind is lti and no "
                   "model.initial is given)");
  }
  return !reader.failed_since(before);
}

void check_file_model(YamlReader& reader, const Deck& deck, const HostModel& m,
                      std::string& singular_r) {
  if (m.nx() < 1 || m.nx() > dimension_limit || m.ny() < 1 || m.ny() > dimension_limit) {
    reader.report("model.file", "the model in '" + deck.model.file + "' has nx = " +
                                    std::to_string(m.nx()) + ", ny = " + std::to_string(m.ny()) +
                                    "; both must be in 1.." KSCAN_DIMENSION_LIMIT_TEXT);
    return;
  }
  // Slot by slot: a model stored per step has one Q and R per step.
  const std::string origin = "the model in '" + deck.model.file + "': ";
  auto slot_values = [](const auto& view, std::size_t slot) {
    const std::size_t n = view.extent(1) * view.extent(2);
    return std::vector<double>(view.data() + slot * n, view.data() + (slot + 1) * n);
  };
  struct Covariance {
    const char* name;
    const HostModel::matrices& view;
  };
  for (const Covariance c : {Covariance{"Q", m.Q}, Covariance{"R", m.R}}) {
    const int n = static_cast<int>(c.view.extent(1));
    for (std::size_t slot = 0; slot < c.view.extent(0); ++slot) {
      const auto values = slot_values(c.view, slot);
      const std::string where_text = std::string(c.name) + (c.view.extent(0) > 1
                                         ? " at step " + std::to_string(slot + 1) : "");
      if (!symmetric(values, n) || !positive_definite(values, n, 1e-12)) {
        reader.report("model.file", origin + where_text +
                                        " is not a covariance (symmetric, positive semi-definite)");
        return;
      }
      if (c.name[0] == 'R' && singular_r.empty() && !positive_definite(values, n, 0.0))
        singular_r = origin + where_text;
    }
  }
  const int nx = m.nx();
  const std::vector<double> p0(m.P0.data(), m.P0.data() + static_cast<std::size_t>(nx) * nx);
  if (!symmetric(p0, nx) || !positive_definite(p0, nx, 1e-12))
    reader.report("model.file",
                  origin + "P0 is not a covariance (symmetric, positive semi-definite)");
}

void check_series_matches_model(YamlReader& reader, const Deck& deck) {
  const int ny = static_cast<int>(deck.series_data->series.y.extent(1));
  if (deck.model.obs_dim < 1 || ny == deck.model.obs_dim) return;  // (0: no model file read)
  std::string what = "'" + deck.data.file + "'";
  if (!deck.data.columns.empty()) {
    what += " (columns ";
    for (std::size_t i = 0; i < deck.data.columns.size(); ++i)
      what += (i ? ", " : "") + deck.data.columns[i];
    what += ")";
  } else if (!deck.data.path.empty()) {
    what += " (dataset " + deck.data.path + ")";
  }
  const std::string key = deck.data.format == DataFormat::csv && reader.has_key("data.columns")
                              ? "data.columns"
                              : "data.file";
  reader.report(key, "the measurements in " + what + " have ny = " + std::to_string(ny) +
                         (ny == 1 ? " component" : " components") +
                         ", the model observes ny = " + std::to_string(deck.model.obs_dim) +
                         (deck.model.kind == ModelKind::random ? " (model.obs_dim)"
                          : deck.model.kind == ModelKind::lti     ? " (rows of model.H)"
                                                                  : "") +
                         "; they must match");
}

void check_initial_state(YamlReader& reader, const Deck& deck) {
  const auto& init = deck.model.initial;
  const int nx = deck.model.state_dim;
  if (!init.given || nx < 1) return;
  const std::size_t before = reader.issue_count();
  if (!init.a1.empty() && static_cast<int>(init.a1.size()) != nx)
    reader.report("model.initial.a1", "expected nx = " + std::to_string(nx) + " entries, got " +
                                          std::to_string(init.a1.size()));
  if (!init.P1.empty()) {
    const std::string path = "model.initial.P1";
    if (static_cast<int>(init.P1.size()) != nx * nx)
      reader.report(path, "expected nx x nx = " + std::to_string(nx) + " x " +
                              std::to_string(nx) + ", got " + std::to_string(init.P1.size()) +
                              " entries");
    else if (!symmetric(init.P1, nx))
      reader.report(path, "a covariance must be symmetric");
    else if (!positive_definite(init.P1, nx, 1e-12))
      reader.report(path, "a covariance must be positive semi-definite");
  }
  for (const int i : init.diffuse_states)
    if (i >= nx)
      reader.report("model.initial.diffuse_states", "state index " + std::to_string(i) +
                                                        " is outside 0.." +
                                                        std::to_string(nx - 1));
  if (init.diffuse && deck.data.batch != 1)
    reader.report("data.batch",
                  "model.initial.diffuse runs one series at a time: data.batch must be 1");
  if (reader.failed_since(before) || init.P1.empty()) return;
  for (const int i : diffuse_components(deck, nx))
    for (int j = 0; j < nx; ++j)
      if (init.P1[static_cast<std::size_t>(i) * nx + j] != 0.0) {
        reader.report("model.initial.P1",
                      "row and column " + std::to_string(i) + " belong to a diffuse component "
                      "and must be zero (its variance is infinite; P1 is the finite part)");
        return;
      }
}

void check_dims_built(YamlReader& reader, const Deck& deck) {
  // The deck format allows dimensions up to dimension_limit; a build may hold fewer
  // (KSCAN_MAX_DIMENSION), or only its fixed sizes (KSCAN_GENERAL_PATH=OFF).
  const int nx = deck.model.state_dim, ny = deck.model.obs_dim;
  std::string unbuilt;
  if (nx > max_dimension || ny > max_dimension)
    unbuilt =
        "this kscan was built for dimensions up to " + std::to_string(max_dimension) +
        " (KSCAN_MAX_DIMENSION); configure with -DKSCAN_MAX_DIMENSION=" KSCAN_DIMENSION_LIMIT_TEXT
        " for larger ones";
  else if (nx > 0 && ny > 0 && !dims_compiled(nx, ny))
    unbuilt = "this kscan holds solvers only for " + compiled_dims_text() +
              " (built with KSCAN_GENERAL_PATH=OFF); configure with -DKSCAN_GENERAL_PATH=ON";
  if (!unbuilt.empty()) {
    const std::string path = deck.model.kind == ModelKind::random ? "model.state_dim" : "model";
    reader.report(path,
                  "nx = " + std::to_string(nx) + ", ny = " + std::to_string(ny) + ": " + unbuilt);
  }
}

void check_model_steps(YamlReader& reader, const Deck& deck) {
  std::int64_t model_steps = 1;
  std::string model_origin;
  if (deck.model.kind == ModelKind::file && deck.model_data) {
    model_steps = deck.model_data->model.stored();
    model_origin = "the time-varying model in '" + deck.model.file + "'";
  } else if (deck.model.kind == ModelKind::lti) {
    model_steps = deck.model.lti.slots.most();
    model_origin = "the model (arrays given per step)";
  }
  if (model_steps > 1 && deck.data.source == DataSource::simulate) {
    for (const auto t : deck.data.lengths)
      if (t != model_steps) {
        reader.report("data.lengths", model_origin + " has " + std::to_string(model_steps) +
                                          " steps; every length must be " +
                                          std::to_string(model_steps) + ", got " +
                                          std::to_string(t));
        break;
      }
  }
  if (model_steps > 1 && deck.series_data && deck.data.source == DataSource::file &&
      model_steps != deck.series_data->series.length())
    reader.report("data.file", model_origin + " has " + std::to_string(model_steps) +
                                   " steps but the series has " +
                                   std::to_string(deck.series_data->series.length()));
}

bool check_input_file(YamlReader& reader, const std::string& path_key,
                      const std::string& resolved, bool hdf5) {
  const DeckLocation w = reader.where(path_key);
  std::error_code ec;
  const auto status = fs::status(resolved, ec);
  if (ec || !fs::exists(status)) {
    reader.error(w, path_key, "file '" + resolved + "' does not exist");
    return false;
  }
  if (!fs::is_regular_file(status)) {
    reader.error(w, path_key, "'" + resolved + "' is not a regular file");
    return false;
  }
  if (::access(resolved.c_str(), R_OK) != 0) {
    reader.error(w, path_key, "file '" + resolved + "' cannot be read: " + std::strerror(errno));
    return false;
  }
  if (hdf5 && !has_hdf5_signature(resolved)) {
    reader.error(w, path_key, "file '" + resolved + "' is not an HDF5 file (no HDF5 signature)");
    return false;
  }
  return true;
}

void check_output_file(YamlReader& reader, const std::string& file) {
  const std::string key = "output.file";
  const DeckLocation w = reader.where(key);
  fs::path p(file);
  if (!p.has_filename() || p.filename() == "." || p.filename() == "..") {
    reader.error(w, key, "'" + file + "' names a directory, expected a file name");
    return;
  }
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    reader.error(w, key, "'" + file + "' is a directory, expected a file name");
    return;
  }
  fs::path dir = p.parent_path();
  if (dir.empty()) dir = ".";
  while (!fs::exists(dir, ec)) {  // missing directories are created: check the first that exists
    const fs::path up = dir.parent_path();
    if (up.empty()) {
      dir = ".";  // a relative path: the working directory
      break;
    }
    if (up == dir) break;
    dir = up;
  }
  if (!fs::exists(dir, ec)) {
    reader.error(w, key, "cannot write '" + file + "': no existing directory above it");
  } else if (!fs::is_directory(dir, ec)) {
    reader.error(w, key,
                 "cannot write '" + file + "': '" + dir.string() + "' is not a directory");
  } else if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    reader.error(w, key, "cannot write '" + file + "': directory '" + dir.string() +
                             "' is not writable (" + std::strerror(errno) + ")");
  }
}

}  // namespace kscan
