#include "kscan/io/hdf5_result_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "kscan/io/hdf5_reader.hpp"

namespace kscan {
namespace fs = std::filesystem;
namespace {

constexpr const char* staging_group = "/incomplete";

/// The output directory exists (created when missing) and is writable; the path is no directory.
void prepare_directory(const std::string& final_path) {
  const fs::path path(final_path);
  fs::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw IoError(final_path, "is a directory; the output must name a file");
  if (!fs::exists(dir, ec)) {
    ec.clear();
    fs::create_directories(dir, ec);
    if (ec)
      throw IoError(final_path, "cannot create the output directory '" + dir.string() +
                                    "': " + ec.message());
  } else if (!fs::is_directory(dir, ec)) {
    throw IoError(final_path, "the output directory '" + dir.string() + "' is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    const int err = errno;
    throw IoError(final_path, "the output directory '" + dir.string() +
                                  "' is not writable: " + std::strerror(err));
  }
}

/// A file a sweep may continue: same format, same execution space and device.
void check_resumable(hid_t file, const std::string& path, const RootAttributes& now) {
  const RootAttributes stored = layout::read_root_attributes(file);
  if (stored.format_version != hdf5_format_version)
    throw IoError(path, "cannot resume: the file has format_version " +
                            std::to_string(stored.format_version) + ", this kscan writes " +
                            std::to_string(hdf5_format_version));
  const RunEnvironment& a = stored.environment;
  const RunEnvironment& b = now.environment;
  if ((!a.execution_space.empty() && a.execution_space != b.execution_space) ||
      (!a.device.empty() && a.device != b.device))
    throw IoError(path, "cannot resume: its runs were measured on " + a.execution_space + " (" +
                            a.device + "), this process runs on " + b.execution_space + " (" +
                            b.device + "); write to another file or run without --resume");
}

void check_link_name(const std::string& name, const char* what) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    throw std::invalid_argument(std::string("invalid ") + what + " name '" + name +
                                "': it must be non-empty and contain no '/'");
}

}  // namespace

std::string Hdf5ResultFile::temporary_path_for(const std::string& final_path) {
  return final_path + ".partial";
}

Hdf5ResultFile::Hdf5ResultFile(std::string final_path, std::string temporary_path,
                               h5::Handle file)
    : final_path_(std::move(final_path)),
      temporary_path_(std::move(temporary_path)),
      file_(std::move(file)) {}

Hdf5ResultFile::~Hdf5ResultFile() { file_.close(); }

Hdf5ResultFile Hdf5ResultFile::create(const std::string& final_path, const RootAttributes& root,
                                      bool resume) {
  h5::quiet();
  if (final_path.empty()) throw IoError("", "no output file given");
  prepare_directory(final_path);
  const std::string temporary = temporary_path_for(final_path);
  std::vector<std::string> notes;
  std::string resumed_from;
  h5::Handle file;
  std::error_code ec;

  if (resume && fs::exists(temporary, ec)) {
    try {
      file = h5::open_file(temporary, true);
      resumed_from = temporary;
    } catch (const IoError& e) {
      const std::string aside = temporary + ".unreadable";
      fs::rename(temporary, aside, ec);
      if (ec)
        throw IoError(temporary, "cannot resume from it (" + e.reason() +
                                     ") nor set it aside: " + ec.message());
      notes.push_back("the interrupted sweep's file " + temporary + " could not be opened (" +
                      e.reason() + "); it was renamed " + aside);
    }
  }
  bool copied = false;
  if (resume && !file.valid() && fs::exists(final_path, ec)) {
    fs::copy_file(final_path, temporary, fs::copy_options::overwrite_existing, ec);
    if (ec)
      throw IoError(final_path, "cannot copy to " + temporary + " to resume: " + ec.message());
    copied = true;
    file = h5::open_file(temporary, true);
    resumed_from = final_path;
  }

  if (file.valid()) {
    try {
      const hid_t f = file.get();
      check_resumable(f, resumed_from, root);
      RootAttributes updated = root;
      const RootAttributes stored = layout::read_root_attributes(f);
      if (!stored.created.empty()) updated.created = stored.created;
      updated.resumed = root.created;
      layout::write_root_attributes(f, updated);
      if (h5::exists(f, "/summary")) h5::remove_link(f, "/summary");
      if (h5::exists(f, staging_group)) h5::remove_link(f, staging_group);
      h5::require_group(f, "/datasets");
      h5::require_group(f, "/runs");
      h5::flush(f);
    } catch (...) {
      file.close();
      if (copied) fs::remove(temporary, ec);  // the final file stays as it was
      throw;
    }
  } else {
    if (fs::exists(temporary, ec))
      notes.push_back("replaced " + temporary + " (an earlier, unfinished sweep) because this "
                      "sweep does not resume");
    file = h5::create_file(temporary);
    const hid_t f = file.get();
    layout::write_root_attributes(f, root);
    h5::create_group(f, "/datasets");
    h5::create_group(f, "/runs");
    h5::flush(f);
  }

  Hdf5ResultFile out(final_path, temporary, std::move(file));
  out.resumed_from_ = resumed_from;
  out.notes_ = std::move(notes);
  return out;
}

hid_t Hdf5ResultFile::open_file(const char* action) const {
  if (committed_)
    throw IoError(final_path_, std::string("cannot ") + action + ": the file was committed");
  if (!file_.valid())
    throw IoError(temporary_path_, std::string("cannot ") + action + ": the file is closed");
  return file_.get();
}

bool Hdf5ResultFile::contains_run(const std::string& run_id) const {
  if (committed_) {
    for (const SummaryRow& row : summary_)
      if (row.id == run_id) return true;
    return false;
  }
  const hid_t f = open_file("look up a run");
  return !run_id.empty() && h5::is_group(f, "/runs/" + run_id);
}

bool Hdf5ResultFile::contains_dataset(const std::string& name) const {
  if (committed_) {
    for (const std::string& stored : committed_datasets_)
      if (stored == name) return true;
    return false;
  }
  const hid_t f = open_file("look up a dataset");
  return !name.empty() && h5::is_group(f, "/datasets/" + name);
}

void Hdf5ResultFile::stage_and_move(const std::string& name, const std::string& destination,
                                    const std::string& what,
                                    const std::function<void(hid_t)>& write) {
  const hid_t f = open_file(what.c_str());
  const std::string staged = std::string(staging_group) + "/" + name;
  if (h5::exists(f, staged)) h5::remove_link(f, staged);
  try {
    {
      h5::Handle staging = h5::require_group(f, staging_group);
      h5::Handle group = h5::create_group(staging.get(), name);
      write(group.get());
    }
    h5::flush(f);  // the complete object is on disk before its final name exists
    h5::move_link(f, staged, destination);
    h5::flush(f);
  } catch (...) {
    try {
      if (h5::exists(f, staged)) h5::remove_link(f, staged);
    } catch (...) {
    }
    throw;
  }
}

void Hdf5ResultFile::write_dataset(const std::string& name, const HostModel& model,
                                   const HostSeries* series) {
  check_link_name(name, "dataset");
  if (contains_dataset(name))
    throw IoError(temporary_path_, "dataset '" + name + "' is already stored");
  stage_and_move(name, "/datasets/" + name, "write dataset '" + name + "'",
                 [&](hid_t group) { layout::write_dataset(group, model, series); });
}

void Hdf5ResultFile::write_run(const RunResult& run) {
  layout::validate_run(run);
  const std::string id = run.key.id();
  check_link_name(id, "run");
  if (contains_run(id)) throw IoError(temporary_path_, "run '" + id + "' is already stored");
  stage_and_move(id, "/runs/" + id, "write run '" + id + "'",
                 [&](hid_t group) { layout::write_run(group, run); });
}

void Hdf5ResultFile::commit() {
  const hid_t f = open_file("commit");
  std::vector<RunResult> all;
  for (const std::string& id : layout::run_ids(f)) all.push_back(layout::read_run(f, id, false));
  std::vector<SummaryRow> rows = summary_rows(all);
  layout::write_summary(f, rows);
  if (h5::exists(f, staging_group)) h5::remove_link(f, staging_group);
  std::vector<std::string> datasets = layout::dataset_names(f);
  h5::flush(f);
  h5::close_file(file_, temporary_path_);
  if (std::rename(temporary_path_.c_str(), final_path_.c_str()) != 0) {
    const int err = errno;
    throw IoError(final_path_, "cannot rename " + temporary_path_ + " to it: " +
                                   std::strerror(err) + " (the results are in " +
                                   temporary_path_ + ")");
  }
  summary_ = std::move(rows);
  committed_datasets_ = std::move(datasets);
  committed_ = true;
}

std::vector<std::string> Hdf5ResultFile::run_ids() const {
  if (committed_) return list_runs(final_path_);
  return layout::run_ids(open_file("list runs"));
}

std::vector<RunResult> Hdf5ResultFile::runs(bool with_estimates) const {
  if (committed_) return read_runs(final_path_, with_estimates);
  const hid_t f = open_file("read runs");
  std::vector<RunResult> all;
  for (const std::string& id : layout::run_ids(f))
    all.push_back(layout::read_run(f, id, with_estimates));
  return all;
}

}  // namespace kscan
