// Progress: one self-overwriting status line on stderr, at most ten updates a second, and only
// when enabled (the CLI enables it for terminals). Not thread-safe.
#pragma once

#include <chrono>
#include <string>

namespace sparkify {

class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  ~Progress() { Done(); }
  // `line` is built only when it will be shown.
  template <typename MakeLine>
  void Update(MakeLine&& make_line) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    Show(make_line());
  }
  void Done();

 private:
  void Show(const std::string& line);
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace sparkify
