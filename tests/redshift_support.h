// Helpers of the Redshift tests, which have no cluster to talk to:
//
// - RedshiftRecorder: the library's RecordingEngine (engine/recording_engine.h) where a Redshift
//   cluster would be, to capture the exact SQL the library's code paths issue (RunEtl,
//   CreateTables, RunChecks, RedshiftStaging::Load) for golden files, with the answers a test
//   scripts. It checks nothing about the SQL: semantics are tested on the real PostgreSQL
//   server, and the Redshift-only text is checked against the documentation by the person who
//   updates a golden.
// - ListedSource: a Source with a fixed listing (s3:// paths need no S3) and, optionally, bytes.
// - ExpectGolden: compares text with tests/golden/redshift/<name>, byte for byte, or rewrites the
//   file when SPARKIFY_UPDATE_GOLDEN=1 is set (then review the diff against the documentation).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/recording_engine.h"
#include "engine/redshift_engine.h"
#include "source/source.h"
#include "sparkify/engine.h"
#include "test_support.h"

namespace sparkify::testing {

// A RecordingEngine in a Redshift cluster's place: Redshift's traits and lock statements (waiting
// 10 s, statement_timeout restored to 0), its INSERT writer; no server staging until a test sets
// one.
inline std::unique_ptr<RecordingEngine> RedshiftRecorder() {
  RecordingEngine::Options options;
  options.traits = RedshiftEngine::Traits();
  options.begin = RedshiftEngine::BeginStatements(10000, "0").value();
  options.open_writer = MakeRedshiftInsertWriter;
  return std::make_unique<RecordingEngine>(std::move(options));
}

// One row of text values, for RecordingEngine answers.
inline QueryResult Rows(std::vector<std::string> columns,
                        std::vector<std::vector<std::optional<std::string>>> rows) {
  return QueryResult{std::move(columns), std::move(rows)};
}

class ListedSource final : public Source {
 public:
  explicit ListedSource(std::vector<SourceFile> files,
                        std::map<std::string, std::string> contents = {})
      : files_(std::move(files)), contents_(std::move(contents)) {}
  Result<std::vector<SourceFile>> List() override { return files_; }
  Status Read(const SourceFile& file, PaddedBuffer& out) override {
    auto found = contents_.find(file.path);
    if (found == contents_.end()) return Status::IoError(file.path + ": not readable in this test");
    out.Resize(found->second.size());
    std::copy(found->second.begin(), found->second.end(), out.data());
    return Status::Ok();
  }
  Status ReadStored(const SourceFile& file, PaddedBuffer& out) override { return Read(file, out); }

 private:
  std::vector<SourceFile> files_;
  std::map<std::string, std::string> contents_;
};

inline SourceFile S3Object(const std::string& path, uint64_t size, const std::string& etag) {
  SourceFile f;
  f.path = path;
  f.size = size;
  f.etag = etag;
  return f;
}

inline std::filesystem::path GoldenDir() {
  return std::filesystem::path(SPARKIFY_SOURCE_DIR) / "tests" / "golden" / "redshift";
}

inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = GoldenDir() / name;
  const char* update = std::getenv("SPARKIFY_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    WriteFile(path, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path))
      << path << " is missing: run the test with SPARKIFY_UPDATE_GOLDEN=1 to write it";
  const std::string expected = ReadFile(path);
  if (expected == actual) return;
  // The first differing line, for the message.
  size_t line = 1, at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) {
    if (expected[at] == '\n') ++line;
    ++at;
  }
  auto line_of = [&](const std::string& text) {
    const size_t begin = text.rfind('\n', at == 0 ? 0 : at - 1);
    const size_t from = begin == std::string::npos ? 0 : begin + 1;
    return text.substr(from, text.find('\n', from) - from);
  };
  ADD_FAILURE() << path << " differs at line " << line << ":\n  golden: " << line_of(expected)
                << "\n  now:    " << line_of(actual)
                << "\nIf the change is intended, check the new statements against the Amazon "
                   "Redshift documentation, then rewrite the goldens with SPARKIFY_UPDATE_GOLDEN=1 "
                   "(see tests/golden/redshift/README.md).";
}

}  // namespace sparkify::testing
