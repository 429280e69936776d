// Helpers shared by the tests: temporary folders, files, running the sparkify binary.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace sparkify::testing {

inline std::filesystem::path SharedDir() { return SPARKIFY_SHARED_DIR; }
inline std::filesystem::path SampleDir() { return SharedDir() / "sample-data"; }

// A fresh folder under the system's temp dir, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sparkify-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void WriteFile(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `sparkify <args>` through the shell; args are passed as written (quote them yourself).
// Safe to call from several threads at once.
inline CommandResult RunSparkify(const std::string& args, const std::string& env = "") {
  static std::atomic<int> counter = 0;
  const auto dir = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  const auto out = dir / ("sparkify-out-" + tag), err = dir / ("sparkify-err-" + tag);
  const std::string command = env + " " + SPARKIFY_BINARY + " " + args + " >" + out.string() +
                              " 2>" + err.string() + " </dev/null";
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return result;
}

}  // namespace sparkify::testing
