// Progress on a terminal: one line on stderr redrawn in place (at most ten updates a second)
// while a source is read, then lines that stay (a source's totals, each transform step and its
// time). Only when enabled: the CLI enables it when stderr is a terminal and --quiet is not
// given, so no escape code is ever written to a file or a pipe. No colour. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sparkify {

class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  ~Progress() { Done(); }
  bool enabled() const { return enabled_; }
  // Redraws the line in place; `make_line` is called only when it will be shown.
  template <typename MakeLine>
  void Update(MakeLine&& make_line) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    Show(make_line());
  }
  // Clears the redrawn line, then writes `line` to stay.
  void Line(const std::string& line);
  // Clears the redrawn line.
  void Done();

 private:
  void Show(const std::string& line);
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// How far reading a source has come: files and bytes done of the listing's totals.
struct TransferProgress {
  int64_t files_done = 0, files_total = 0;
  int64_t bytes_done = 0, bytes_total = 0;
  int64_t records = 0;
  double seconds = 0;  // since the source started
};

// "logs: 12/30 files, 1.4/3.6 MB (39%), 12.3 MB/s, ETA 2 s, 160,000 records". Pure.
std::string FormatTransfer(std::string_view source, const TransferProgress& progress);
// "1.4 MB", "512 B", "3.2 GB" (powers of 1000). Pure.
std::string FormatBytes(int64_t bytes);

}  // namespace sparkify
