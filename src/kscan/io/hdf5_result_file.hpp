#pragma once
// The HDF5 results file of a sweep (layout: hdf5_layout.hpp), written through the ResultSink
// interface while the sweep runs:
//
//   * create() writes to "<path>.partial" beside the final path (the output directory is created
//     when missing; an unwritable directory is an IoError up front);
//   * every write_dataset()/write_run() is flushed to disk before it returns, so a crash, kill or
//     SIGINT between runs leaves a readable .partial file holding every completed run;
//   * commit() writes /summary (one row per run in the file, resumed ones included), closes the
//     file and renames it to the final path. Destroying the object without commit() closes the
//     .partial file and leaves it for --resume.
//
// Resume (resume = true) continues, in this order of preference: an existing "<path>.partial"
// (an interrupted sweep), else a copy of an existing final file, else a new file. A .partial
// that cannot be opened is set aside (renamed "<path>.partial.unreadable", see notes()). The file
// continued must have format_version 1 and the same execution space and device as this process
// (IoError otherwise: runs measured elsewhere must not be mixed into one table). Its `created`
// is kept, `resumed` is set to root.created, the other root attributes are rewritten, a stale
// /summary is dropped until commit().
#include <functional>
#include <string>
#include <vector>

#include "kscan/experiment/result_sink.hpp"
#include "kscan/io/hdf5_layout.hpp"
#include "kscan/io/summary.hpp"

namespace kscan {

class Hdf5ResultFile final : public ResultSink {
 public:
  static Hdf5ResultFile create(const std::string& final_path, const RootAttributes& root,
                               bool resume);
  /// The temporary name a final path is written under: "<final_path>.partial".
  static std::string temporary_path_for(const std::string& final_path);

  Hdf5ResultFile(Hdf5ResultFile&&) noexcept = default;
  Hdf5ResultFile& operator=(Hdf5ResultFile&&) noexcept = default;
  Hdf5ResultFile(const Hdf5ResultFile&) = delete;
  Hdf5ResultFile& operator=(const Hdf5ResultFile&) = delete;
  /// Without commit(): flushes and closes the .partial file (kept for --resume). Never throws.
  ~Hdf5ResultFile() override;

  // ResultSink. Writes throw IoError on I/O failure or after commit(), std::invalid_argument
  // when the model/series/run is inconsistent, IoError when the name is already stored.
  bool contains_run(const std::string& run_id) const override;
  bool contains_dataset(const std::string& name) const override;
  void write_dataset(const std::string& name, const HostModel& model,
                     const HostSeries* series) override;
  void write_run(const RunResult& run) override;

  /// Writes /summary, closes, renames the .partial file to the final path.
  void commit();
  bool committed() const { return committed_; }

  const std::string& path() const { return final_path_; }
  const std::string& temporary_path() const { return temporary_path_; }
  /// The file the sweep continues ("" for a new file).
  const std::string& resumed_from() const { return resumed_from_; }
  /// Things create() decided that a user should hear about (e.g. an unreadable .partial).
  const std::vector<std::string>& notes() const { return notes_; }

  /// Ids under /runs (including resumed runs), in name order.
  std::vector<std::string> run_ids() const;
  /// Every run in the file (estimates only with `with_estimates`), in id order.
  std::vector<RunResult> runs(bool with_estimates = false) const;
  /// The rows commit() wrote to /summary (empty before commit): the CSV/JSONL/table rows.
  const std::vector<SummaryRow>& summary() const { return summary_; }

 private:
  Hdf5ResultFile(std::string final_path, std::string temporary_path, h5::Handle file);
  hid_t open_file(const char* action) const;
  void stage_and_move(const std::string& name, const std::string& destination,
                      const std::string& what, const std::function<void(hid_t)>& write);

  std::string final_path_;
  std::string temporary_path_;
  h5::Handle file_;
  bool committed_ = false;
  std::string resumed_from_;
  std::vector<std::string> notes_;
  std::vector<SummaryRow> summary_;
  std::vector<std::string> committed_datasets_;
};

}  // namespace kscan
