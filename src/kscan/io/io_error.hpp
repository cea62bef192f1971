#pragma once
// The io layer's one exception: every failure to read or write a file names the file and what
// failed ("results/fig8.h5: cannot create group '/runs/kf-none-float64-T1024-B1'").
#include <stdexcept>
#include <string>

namespace kscan {

class IoError : public std::runtime_error {
 public:
  IoError(const std::string& file, const std::string& reason)
      : std::runtime_error(file.empty() ? reason : file + ": " + reason),
        file_(file),
        reason_(reason) {}
  /// The file the failure concerns (may be empty when no file is involved).
  const std::string& file() const noexcept { return file_; }
  /// What failed, without the file name.
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string file_;
  std::string reason_;
};

}  // namespace kscan
