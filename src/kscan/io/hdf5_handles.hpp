#pragma once
// RAII around HDF5 identifiers (hid_t) and the few typed operations the io layer is built from.
// Every failure throws kscan::IoError naming the file and what failed, with HDF5's innermost
// error message appended; HDF5's automatic error-stack printing is switched off (h5::quiet()).
// Host-only, HDF5 C API >= 1.10 (nothing here changes between 1.10, 1.12 and 1.14).
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kscan/io/io_error.hpp"

namespace kscan::h5 {

/// Owns one hid_t and closes it with the matching H5?close on destruction (move-only).
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() noexcept = default;
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
    other.id_ = H5I_INVALID_HID;
  }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      closer_ = other.closer_;
      other.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  /// Closes now; returns the close status (0 when nothing was open).
  herr_t close() noexcept {
    herr_t status = 0;
    if (id_ >= 0 && closer_) status = closer_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }
  void reset() noexcept { close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// Switches off HDF5's printing of its error stack (idempotent; called by every function here).
void quiet();

/// The file an identifier belongs to ("" when it belongs to none).
std::string file_name(hid_t loc);

/// "/runs/x" for `name` relative to `loc` (absolute names are returned as they are).
std::string object_name(hid_t loc, const std::string& name);

/// Throws IoError(file of loc, what + HDF5's innermost message); clears HDF5's error stack.
[[noreturn]] void fail(hid_t loc, const std::string& what);
/// Same, for a failure on a file that has no open identifier yet.
[[noreturn]] void fail_file(const std::string& path, const std::string& what);

/// Returns `id` or throws (fail(loc, what)) when it is negative.
hid_t check(hid_t id, hid_t loc, const std::string& what);
/// Throws (fail(loc, what)) when `status` is negative.
void check_status(herr_t status, hid_t loc, const std::string& what);

// ---- files -------------------------------------------------------------------------------
/// Creates (truncates) an HDF5 file (default property lists: the same file may also be opened
/// elsewhere in the process, e.g. by a reader).
Handle create_file(const std::string& path);
/// Opens an existing HDF5 file; clear errors for missing, unreadable and non-HDF5 files.
Handle open_file(const std::string& path, bool writable);
/// H5Fflush of the whole file: what was written so far is on disk when this returns.
void flush(hid_t loc);
/// Closes a file and reports a failed close (the final flush) as an IoError.
void close_file(Handle& file, const std::string& path);

// ---- links, groups, datasets ---------------------------------------------------------------
/// True when every component of `path` (relative to loc or absolute) is a link.
bool exists(hid_t loc, const std::string& path);
bool is_group(hid_t loc, const std::string& path);
bool is_dataset(hid_t loc, const std::string& path);
Handle open_group(hid_t loc, const std::string& path);
Handle create_group(hid_t loc, const std::string& path);
/// Opens the group, creating it when it does not exist.
Handle require_group(hid_t loc, const std::string& path);
Handle open_dataset(hid_t loc, const std::string& path);
void remove_link(hid_t loc, const std::string& path);
void move_link(hid_t loc, const std::string& from, const std::string& to);
/// Names of the links in a group, in name order.
std::vector<std::string> link_names(hid_t loc, const std::string& group);

// ---- attributes (scalar; an existing attribute of that name is replaced) --------------------
bool has_attribute(hid_t obj, const std::string& name);
/// Variable-length UTF-8 string (no size limit; h5py reads it as str).
void write_text_attribute(hid_t obj, const std::string& name, const std::string& value);
void write_real_attribute(hid_t obj, const std::string& name, double value);  // IEEE f64 LE
void write_int_attribute(hid_t obj, const std::string& name, std::int64_t value);  // i64 LE
/// Reads variable- or fixed-length string attributes.
std::string read_text_attribute(hid_t obj, const std::string& name);
/// Reads any scalar integer or floating-point attribute, converted.
double read_real_attribute(hid_t obj, const std::string& name);
std::int64_t read_int_attribute(hid_t obj, const std::string& name);

// ---- arrays ------------------------------------------------------------------------------
struct ArrayShape {
  std::vector<hsize_t> dims;
  H5T_class_t type_class = H5T_NO_CLASS;
  std::size_t size() const;
};
ArrayShape array_shape(hid_t loc, const std::string& path);
/// Writes a contiguous float64 (IEEE f64 LE) dataset of the given shape; `data` is row-major.
void write_array(hid_t loc, const std::string& path, const std::vector<hsize_t>& dims,
                 const double* data);
/// Writes a one-dimensional dataset of variable-length UTF-8 strings (h5py reads it as bytes
/// objects, `.asstr()` as str).
void write_text_array(hid_t loc, const std::string& path, const std::vector<std::string>& values);
/// Reads an integer or floating-point dataset of any shape as float64, row-major.
std::vector<double> read_array(hid_t loc, const std::string& path);

}  // namespace kscan::h5
