// Small POSIX file helpers for the generator's writers: errors as Status naming the path.
// OutputFile owns one file descriptor (move-only, closed by the destructor if still open).
#pragma once

#include <string>
#include <string_view>

#include "sparkify/status.h"

namespace sparkify::gen {

// Creates `path` (or truncates it) and writes all of `data`: one write for a small file.
Status WriteWholeFile(const std::string& path, std::string_view data);

// Creates one directory; an existing one is fine.
Status MakeDirectory(const std::string& path);

class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  ~OutputFile();

  Status Open(const std::string& path);
  Status Write(std::string_view data);
  Status Close();

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace sparkify::gen
