#pragma once
// Where the runner puts what it produces, run by run, so that an interrupted sweep keeps every
// completed run. The io layer implements it (HDF5 file; CSV/JSONL rows; console table).
#include <string>

#include "kscan/data/simulate.hpp"
#include "kscan/experiment/run_result.hpp"
#include "kscan/model/state_space_model.hpp"

namespace kscan {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  /// True when a run with this id is already stored (used by --resume to skip it).
  virtual bool contains_run(const std::string& run_id) const = 0;
  /// True when a dataset with this name is already stored.
  virtual bool contains_dataset(const std::string& name) const = 0;
  /// Stores a model and its series under /datasets/<name>; `series` may be null (no data).
  virtual void write_dataset(const std::string& name, const HostModel& model,
                             const HostSeries* series) = 0;
  /// Stores one completed run; it must be durable (flushed) when this returns.
  virtual void write_run(const RunResult& run) = 0;
};

}  // namespace kscan
