#include "kscan/io/hdf5_handles.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace kscan::h5 {
namespace {

herr_t innermost(unsigned n, const H5E_error2_t* error, void* data) {
  if (n == 0 && error && error->desc) *static_cast<std::string*>(data) = error->desc;
  return 0;
}

/// HDF5's innermost (most specific) error message; clears the stack.
std::string take_hdf5_message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

std::string with_hdf5_message(const std::string& what) {
  const std::string message = take_hdf5_message();
  return message.empty() ? what : what + " (HDF5: " + message + ")";
}

Handle scalar_space(hid_t loc) {
  return Handle(check(H5Screate(H5S_SCALAR), loc, "cannot create a dataspace"), H5Sclose);
}

Handle open_attribute(hid_t obj, const std::string& name) {
  if (!has_attribute(obj, name))
    fail(obj, "object '" + object_name(obj, "") + "' has no attribute '" + name + "'");
  return Handle(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), obj,
                      "cannot open attribute '" + name + "' of '" + object_name(obj, "") + "'"),
                H5Aclose);
}

/// An attribute ready for writing: any old one of the same name is deleted first.
Handle fresh_attribute(hid_t obj, const std::string& name, hid_t file_type) {
  const std::string where = "attribute '" + name + "' of '" + object_name(obj, "") + "'";
  if (has_attribute(obj, name))
    check_status(H5Adelete(obj, name.c_str()), obj, "cannot replace " + where);
  Handle space = scalar_space(obj);
  return Handle(check(H5Acreate2(obj, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                 H5P_DEFAULT),
                      obj, "cannot create " + where),
                H5Aclose);
}

/// Checks a numeric scalar attribute and reads it with `memory_type`.
void read_numeric_attribute(hid_t obj, const std::string& name, hid_t memory_type, void* out) {
  Handle attr = open_attribute(obj, name);
  const std::string where = "attribute '" + name + "' of '" + object_name(obj, "") + "'";
  Handle type(check(H5Aget_type(attr.get()), obj, "cannot read the type of " + where), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) fail(obj, where + " is not a number");
  Handle space(check(H5Aget_space(attr.get()), obj, "cannot read " + where), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) fail(obj, where + " is not a scalar");
  check_status(H5Aread(attr.get(), memory_type, out), obj, "cannot read " + where);
}

}  // namespace

void quiet() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

std::string file_name(hid_t loc) {
  if (loc < 0) return "";
  const ssize_t n = H5Fget_name(loc, nullptr, 0);
  if (n <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "";
  }
  std::string name(static_cast<std::size_t>(n) + 1, '\0');
  H5Fget_name(loc, name.data(), name.size());
  name.resize(static_cast<std::size_t>(n));
  return name;
}

std::string object_name(hid_t loc, const std::string& name) {
  if (!name.empty() && name.front() == '/') return name;
  std::string base = "/";
  if (loc >= 0) {
    const ssize_t n = H5Iget_name(loc, nullptr, 0);
    if (n > 0) {
      base.assign(static_cast<std::size_t>(n) + 1, '\0');
      H5Iget_name(loc, base.data(), base.size());
      base.resize(static_cast<std::size_t>(n));
    } else {
      H5Eclear2(H5E_DEFAULT);
    }
  }
  if (name.empty()) return base;
  return base == "/" ? "/" + name : base + "/" + name;
}

void fail(hid_t loc, const std::string& what) {
  const std::string message = with_hdf5_message(what);
  throw IoError(file_name(loc), message);
}

void fail_file(const std::string& path, const std::string& what) {
  throw IoError(path, with_hdf5_message(what));
}

hid_t check(hid_t id, hid_t loc, const std::string& what) {
  if (id < 0) fail(loc, what);
  return id;
}

void check_status(herr_t status, hid_t loc, const std::string& what) {
  if (status < 0) fail(loc, what);
}

// ---- files -------------------------------------------------------------------------------

Handle create_file(const std::string& path) {
  quiet();
  errno = 0;
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) {
    const int err = errno;
    fail_file(path, std::string("cannot create HDF5 file") +
                        (err ? std::string(": ") + std::strerror(err) : std::string()));
  }
  return Handle(id, H5Fclose);
}

Handle open_file(const std::string& path, bool writable) {
  quiet();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    throw IoError(path, err == ENOENT ? std::string("no such file")
                                      : std::string("cannot access file: ") + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) throw IoError(path, "is a directory, expected an HDF5 file");
  if (::access(path.c_str(), writable ? (R_OK | W_OK) : R_OK) != 0) {
    const int err = errno;
    throw IoError(path, std::string("cannot open for ") + (writable ? "writing" : "reading") +
                            ": " + std::strerror(err));
  }
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 == 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(path, "not an HDF5 file");
  }
  if (is_hdf5 < 0) fail_file(path, "cannot read file");
  const hid_t id =
      H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0)
    fail_file(path, std::string("cannot open HDF5 file for ") +
                        (writable ? "writing" : "reading"));
  return Handle(id, H5Fclose);
}

void flush(hid_t loc) {
  check_status(H5Fflush(loc, H5F_SCOPE_GLOBAL), loc, "cannot flush the file to disk");
}

void close_file(Handle& file, const std::string& path) {
  if (!file.valid()) return;
  if (file.close() < 0) fail_file(path, "cannot close the file (final write failed)");
}

// ---- links, groups, datasets ---------------------------------------------------------------

bool exists(hid_t loc, const std::string& path) {
  quiet();
  if (path.empty() || path == "/" || path == ".") return true;
  std::string prefix = path.front() == '/' ? "/" : "";
  std::size_t start = path.front() == '/' ? 1 : 0;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) {
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      prefix += path.substr(start, end - start);
      const htri_t found = H5Lexists(loc, prefix.c_str(), H5P_DEFAULT);
      if (found < 0) fail(loc, "cannot look up '" + object_name(loc, prefix) + "'");
      if (found == 0) return false;
    }
    start = end + 1;
  }
  return true;
}

namespace {
H5I_type_t object_type(hid_t loc, const std::string& path) {
  if (!exists(loc, path)) return H5I_BADID;
  const hid_t obj = H5Oopen(loc, path.c_str(), H5P_DEFAULT);
  if (obj < 0) {
    H5Eclear2(H5E_DEFAULT);  // a dangling link: treat as absent
    return H5I_BADID;
  }
  const H5I_type_t type = H5Iget_type(obj);
  H5Oclose(obj);
  return type;
}
}  // namespace

bool is_group(hid_t loc, const std::string& path) { return object_type(loc, path) == H5I_GROUP; }
bool is_dataset(hid_t loc, const std::string& path) {
  return object_type(loc, path) == H5I_DATASET;
}

Handle open_group(hid_t loc, const std::string& path) {
  quiet();
  const std::string name = object_name(loc, path);
  if (!exists(loc, path)) fail(loc, "no group '" + name + "'");
  if (!is_group(loc, path)) fail(loc, "'" + name + "' is not a group");
  return Handle(check(H5Gopen2(loc, path.c_str(), H5P_DEFAULT), loc,
                      "cannot open group '" + name + "'"),
                H5Gclose);
}

Handle create_group(hid_t loc, const std::string& path) {
  quiet();
  return Handle(check(H5Gcreate2(loc, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), loc,
                      "cannot create group '" + object_name(loc, path) + "'"),
                H5Gclose);
}

Handle require_group(hid_t loc, const std::string& path) {
  return exists(loc, path) ? open_group(loc, path) : create_group(loc, path);
}

Handle open_dataset(hid_t loc, const std::string& path) {
  quiet();
  const std::string name = object_name(loc, path);
  if (!exists(loc, path)) fail(loc, "no dataset '" + name + "'");
  if (!is_dataset(loc, path)) fail(loc, "'" + name + "' is not a dataset");
  return Handle(check(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), loc,
                      "cannot open dataset '" + name + "'"),
                H5Dclose);
}

void remove_link(hid_t loc, const std::string& path) {
  quiet();
  check_status(H5Ldelete(loc, path.c_str(), H5P_DEFAULT), loc,
               "cannot delete '" + object_name(loc, path) + "'");
}

void move_link(hid_t loc, const std::string& from, const std::string& to) {
  quiet();
  check_status(H5Lmove(loc, from.c_str(), loc, to.c_str(), H5P_DEFAULT, H5P_DEFAULT), loc,
               "cannot move '" + object_name(loc, from) + "' to '" + object_name(loc, to) + "'");
}

std::vector<std::string> link_names(hid_t loc, const std::string& group) {
  Handle g = open_group(loc, group);
  H5G_info_t info{};
  check_status(H5Gget_info(g.get(), &info), loc,
               "cannot list group '" + object_name(loc, group) + "'");
  std::vector<std::string> names;
  names.reserve(info.nlinks);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n =
        H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0) fail(loc, "cannot list group '" + object_name(loc, group) + "'");
    std::string name(static_cast<std::size_t>(n) + 1, '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(n));
    names.push_back(std::move(name));
  }
  return names;
}

// ---- attributes --------------------------------------------------------------------------

bool has_attribute(hid_t obj, const std::string& name) {
  quiet();
  const htri_t found = H5Aexists(obj, name.c_str());
  if (found < 0)
    fail(obj, "cannot look up attribute '" + name + "' of '" + object_name(obj, "") + "'");
  return found > 0;
}

void write_text_attribute(hid_t obj, const std::string& name, const std::string& value) {
  Handle type(check(H5Tcopy(H5T_C_S1), obj, "cannot create a string type"), H5Tclose);
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), obj, "cannot create a string type");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), obj, "cannot create a string type");
  Handle attr = fresh_attribute(obj, name, type.get());
  const char* text = value.c_str();
  check_status(H5Awrite(attr.get(), type.get(), &text), obj,
               "cannot write attribute '" + name + "' of '" + object_name(obj, "") + "'");
}

void write_real_attribute(hid_t obj, const std::string& name, double value) {
  Handle attr = fresh_attribute(obj, name, H5T_IEEE_F64LE);
  check_status(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), obj,
               "cannot write attribute '" + name + "' of '" + object_name(obj, "") + "'");
}

void write_int_attribute(hid_t obj, const std::string& name, std::int64_t value) {
  Handle attr = fresh_attribute(obj, name, H5T_STD_I64LE);
  check_status(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), obj,
               "cannot write attribute '" + name + "' of '" + object_name(obj, "") + "'");
}

std::string read_text_attribute(hid_t obj, const std::string& name) {
  Handle attr = open_attribute(obj, name);
  const std::string where = "attribute '" + name + "' of '" + object_name(obj, "") + "'";
  Handle type(check(H5Aget_type(attr.get()), obj, "cannot read the type of " + where), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) fail(obj, where + " is not text");
  Handle space(check(H5Aget_space(attr.get()), obj, "cannot read " + where), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) fail(obj, where + " is not a scalar");
  Handle memory(check(H5Tcopy(H5T_C_S1), obj, "cannot create a string type"), H5Tclose);
  H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
  if (H5Tis_variable_str(type.get()) > 0) {
    H5Tset_size(memory.get(), H5T_VARIABLE);
    char* text = nullptr;
    check_status(H5Aread(attr.get(), memory.get(), &text), obj, "cannot read " + where);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  const std::size_t size = H5Tget_size(type.get());
  H5Tset_size(memory.get(), size);
  H5Tset_strpad(memory.get(), H5T_STR_NULLPAD);
  std::string value(size, '\0');
  check_status(H5Aread(attr.get(), memory.get(), value.data()), obj, "cannot read " + where);
  const auto end = value.find('\0');
  if (end != std::string::npos) value.resize(end);
  return value;
}

double read_real_attribute(hid_t obj, const std::string& name) {
  double value = 0;
  read_numeric_attribute(obj, name, H5T_NATIVE_DOUBLE, &value);
  return value;
}

std::int64_t read_int_attribute(hid_t obj, const std::string& name) {
  std::int64_t value = 0;
  read_numeric_attribute(obj, name, H5T_NATIVE_INT64, &value);
  return value;
}

// ---- arrays ------------------------------------------------------------------------------

std::size_t ArrayShape::size() const {
  std::size_t n = 1;
  for (const hsize_t d : dims) n *= static_cast<std::size_t>(d);
  return n;
}

ArrayShape array_shape(hid_t loc, const std::string& path) {
  Handle dataset = open_dataset(loc, path);
  const std::string name = "dataset '" + object_name(loc, path) + "'";
  Handle type(check(H5Dget_type(dataset.get()), loc, "cannot read the type of " + name),
              H5Tclose);
  Handle space(check(H5Dget_space(dataset.get()), loc, "cannot read the shape of " + name),
               H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(loc, "cannot read the shape of " + name);
  ArrayShape shape;
  shape.type_class = H5Tget_class(type.get());
  shape.dims.resize(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), shape.dims.data(), nullptr);
  return shape;
}

void write_array(hid_t loc, const std::string& path, const std::vector<hsize_t>& dims,
                 const double* data) {
  const std::string name = "dataset '" + object_name(loc, path) + "'";
  Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), loc,
                     "cannot create the dataspace of " + name),
               H5Sclose);
  Handle dataset(check(H5Dcreate2(loc, path.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                       loc, "cannot create " + name),
                 H5Dclose);
  std::size_t count = 1;
  for (const hsize_t d : dims) count *= static_cast<std::size_t>(d);
  if (count == 0) return;
  check_status(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
               loc, "cannot write " + name);
}

void write_text_array(hid_t loc, const std::string& path, const std::vector<std::string>& values) {
  const std::string name = "dataset '" + object_name(loc, path) + "'";
  const hsize_t count = values.size();
  Handle type(check(H5Tcopy(H5T_C_S1), loc, "cannot create a string type"), H5Tclose);
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), loc, "cannot create a string type");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), loc, "cannot create a string type");
  Handle space(check(H5Screate_simple(1, &count, nullptr), loc,
                     "cannot create the dataspace of " + name),
               H5Sclose);
  Handle dataset(check(H5Dcreate2(loc, path.c_str(), type.get(), space.get(), H5P_DEFAULT,
                                  H5P_DEFAULT, H5P_DEFAULT),
                       loc, "cannot create " + name),
                 H5Dclose);
  if (values.empty()) return;
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  check_status(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                        pointers.data()),
               loc, "cannot write " + name);
}

std::vector<double> read_array(hid_t loc, const std::string& path) {
  const ArrayShape shape = array_shape(loc, path);
  const std::string name = "dataset '" + object_name(loc, path) + "'";
  if (shape.type_class != H5T_FLOAT && shape.type_class != H5T_INTEGER)
    fail(loc, name + " does not hold numbers");
  std::vector<double> values(shape.size());
  if (values.empty()) return values;
  Handle dataset = open_dataset(loc, path);
  check_status(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       values.data()),
               loc, "cannot read " + name);
  return values;
}

}  // namespace kscan::h5
